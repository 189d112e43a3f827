#ifndef GPOC_CORE_FWRULE_H
#define GPOC_CORE_FWRULE_H

// One Windows Firewall rule, the meeting point of the model, the netsh writer and
// checker, and the Group Policy rule-string ([MS-GPFAS] 2.2.2.19) writer and reader.
// A NULL/zero field means "any", as in both Windows encodings.

#include <stdbool.h>
#include <stddef.h>

enum fw_dir { FW_DIR_IN, FW_DIR_OUT };
enum fw_action { FW_ALLOW, FW_BLOCK, FW_BYPASS };
enum fw_security {
	FW_SEC_NOTREQUIRED,
	FW_SEC_AUTHENTICATE,
	FW_SEC_AUTHENC,
	FW_SEC_AUTHDYNENC,
	FW_SEC_AUTHNOENCAP,
};
enum fw_edge { FW_EDGE_NO, FW_EDGE_YES, FW_EDGE_DEFERAPP, FW_EDGE_DEFERUSER };
enum {
	FW_PROFILE_DOMAIN = 1,
	FW_PROFILE_PRIVATE = 2,
	FW_PROFILE_PUBLIC = 4,
	FW_PROFILE_ANY = 0, // no Profile field: all profiles
};
enum { FW_PROTO_ANY = -1, FW_PROTO_ICMPV4 = 1, FW_PROTO_TCP = 6, FW_PROTO_UDP = 17, FW_PROTO_ICMPV6 = 58 };

struct fw_rule {
	char *id;          // stable, unique; the GPO value name, e.g. "gpoc-monitoring-wmi-rpcss-in"
	char *name;        // display name; netsh name="..." (unique within a policy)
	char *description; // carries provenance
	char *group;       // rule group (netsh has none for new rules; GPO EmbedCtxt), or NULL
	enum fw_dir dir;
	enum fw_action action;
	int protocol;      // FW_PROTO_ANY or an IP protocol number 0-255
	char *local_ports; // NULL = any; "135", "RPC", "RPC-EPMap", "IPHTTPS", "5985,5986", "1000-2000"
	char *remote_ports;
	char *program;     // NULL or a path, %SystemRoot% kept unexpanded
	char *service;     // NULL or a service short name ("RpcSs", "Winmgmt")
	char **remote_addrs; // NULL/0 = any; "10.0.0.0/8", "192.168.1.5", "fe80::/64", "LocalSubnet", ...
	size_t n_remote_addrs;
	unsigned profiles; // FW_PROFILE_* bits; 0 = any
	bool enabled;
	enum fw_edge edge; // inbound only
	enum fw_security security;
	char *remote_users_sddl;     // rmtusrgrp / RUAuth; needs security != NOTREQUIRED
	char *remote_machines_sddl;  // rmtcomputergrp / RMAuth; same rule
};

#endif
