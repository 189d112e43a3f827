#ifndef GPOC_NETSH_FWADDR_H
#define GPOC_NETSH_FWADDR_H

// The value syntax shared by netsh and the Group Policy rule string: addresses,
// address keywords, port lists and protocols, plus a semantic comparison of two
// struct fw_rule (the renderers' self-checks compare what they read back with the
// model through it, so "10.0.0.0/8" and "10.0.0.0/255.0.0.0" are the same scope).

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fwrule.h"
#include "core/strbuf.h"

enum fw_addr_kind { FWA_KEYWORD, FWA_HOST, FWA_SUBNET, FWA_RANGE };
enum fw_addr_keyword { FWK_LOCALSUBNET, FWK_DNS, FWK_DHCP, FWK_WINS, FWK_DEFAULTGATEWAY };

struct fw_addr {
	enum fw_addr_kind kind;
	int family;                   // 4 or 6; 0 for keywords
	enum fw_addr_keyword keyword;
	uint8_t a[16];                // host, subnet address or range start (network order)
	uint8_t b[16];                // range end
	unsigned prefix;              // subnet prefix length
};

/**
 * One address as netsh's remoteip/localip and INetFwRule accept it: a keyword
 * (LocalSubnet DNS DHCP WINS DefaultGateway, any case; only if `keywords`), an IPv4
 * or IPv6 address, a subnet `addr/prefix` (IPv4 also `addr/dotted-mask`, contiguous),
 * or a range `first-last` of one family with first <= last. IPv4 octets are decimal
 * without leading zeros (some Windows parsers read "010" as octal). No zone IDs, no
 * blanks. On failure *err gets a static message.
 */
bool fw_addr_parse(const char *s, size_t len, bool keywords, struct fw_addr *out, const char **err);
bool fw_addr_equal(const struct fw_addr *x, const struct fw_addr *y);
/** A subnet whose address has bits set below the prefix ("10.0.0.1/8"). */
bool fw_addr_has_host_bits(const struct fw_addr *a);
enum fw_addr_style {
	FWA_STYLE_CIDR,     // 10.0.0.0/8
	FWA_STYLE_GPFAS,    // IPv4 subnets with a dotted mask, as Windows stores them
};
/** Canonical text: lowercase IPv6 per RFC 5952, keywords spelled as in [MS-GPFAS]. */
void fw_addr_format(const struct fw_addr *a, enum fw_addr_style style, struct strbuf *out);
const char *fw_addr_keyword_name(enum fw_addr_keyword k);

enum fw_port_keyword { FWP_NONE, FWP_RPC, FWP_RPC_EPMAP, FWP_IPHTTPS };
struct fw_port_range {
	uint16_t lo, hi;
};
enum { FW_PORTS_MAX = 1000 };
struct fw_ports {
	enum fw_port_keyword keyword;     // a keyword stands alone
	struct fw_port_range r[FW_PORTS_MAX];
	size_t n;
};
/**
 * A port list "135", "5985,5986", "1000-2000,3000" (0-65535, ranges low-high with
 * low <= high, at most FW_PORTS_MAX items), or one keyword RPC, RPC-EPMap, IPHTTPS
 * (any case; only if `keywords`). No blanks, no empty items.
 */
bool fw_ports_parse(const char *s, size_t len, bool keywords, struct fw_ports *out, const char **err);
/** Same set of ports (order, duplicates and overlaps do not matter). */
bool fw_ports_equal(const struct fw_ports *x, const struct fw_ports *y);
const char *fw_port_keyword_name(enum fw_port_keyword k);

/** "tcp", "udp", "icmpv4", "icmpv6" for their numbers, else NULL. */
const char *fw_protocol_name(int protocol);

enum fw_compare_flags {
	FWCMP_IGNORE_ID = 1,    // netsh rules have no ID
	FWCMP_IGNORE_GROUP = 2, // netsh cannot set a rule group
};
/**
 * True if `a` and `b` describe the same rule. Strings compare exactly, addresses and
 * ports as sets, profiles 0 and all-three as equal. On a difference appends "field
 * 'X' differs: ... vs ..." to `why`.
 */
bool fw_rule_same(const struct fw_rule *a, const struct fw_rule *b, unsigned flags, struct strbuf *why);

/** The semantic checks both writers apply to a rule before writing it. */
bool fw_rule_validate(const struct fw_rule *r, struct strbuf *why);

#endif
