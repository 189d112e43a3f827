// Firewall value syntax (fwaddr.c), the netsh writer and the netsh checker.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "netsh/fwaddr.h"
#include "netsh/netsh.h"
#include "readers.h"

// Test strings go into fw_rule's (non-const) fields through this arena.
static struct arena strings = ARENA_INIT;
static char *S(const char *s)
{
	return arena_strdup(&strings, s);
}

// --- Addresses and ports ---

static void test_addr_accept(void **state)
{
	(void)state;
	static const struct { const char *in, *cidr, *gpfas; } cases[] = {
		{ "10.0.0.0/8", "10.0.0.0/8", "10.0.0.0/255.0.0.0" },
		{ "10.0.0.0/255.0.0.0", "10.0.0.0/8", "10.0.0.0/255.0.0.0" },
		{ "0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/0.0.0.0" },
		{ "192.168.1.5", "192.168.1.5", "192.168.1.5" },
		{ "1.2.3.4-1.2.3.10", "1.2.3.4-1.2.3.10", "1.2.3.4-1.2.3.10" },
		{ "fe80::/64", "fe80::/64", "fe80::/64" },
		{ "FE80:0:0:0:0:0:0:1", "fe80::1", "fe80::1" },
		{ "::", "::", "::" },
		{ "::1", "::1", "::1" },
		{ "1::", "1::", "1::" },
		{ "1:0:0:1:0:0:0:1", "1:0:0:1::1", "1:0:0:1::1" },
		{ "1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0" },
		{ "0:0:1:0:0:1:0:0", "::1:0:0:1:0:0", "::1:0:0:1:0:0" },
		{ "::ffff:1.2.3.4", "::ffff:102:304", "::ffff:102:304" },
		{ "2001:db8::1-2001:db8::ff", "2001:db8::1-2001:db8::ff", "2001:db8::1-2001:db8::ff" },
		{ "localsubnet", "LocalSubnet", "LocalSubnet" },
		{ "DNS", "DNS", "DNS" },
		{ "defaultgateway", "DefaultGateway", "DefaultGateway" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fw_addr a;
		const char *err = NULL;
		if (!fw_addr_parse(cases[i].in, strlen(cases[i].in), true, &a, &err))
			fail_msg("'%s' refused: %s", cases[i].in, err);
		struct strbuf t = STRBUF_INIT;
		fw_addr_format(&a, FWA_STYLE_CIDR, &t);
		assert_string_equal(t.buf, cases[i].cidr);
		strbuf_reset(&t);
		fw_addr_format(&a, FWA_STYLE_GPFAS, &t);
		assert_string_equal(t.buf, cases[i].gpfas);
		// Formatting is canonical: the output parses back to the same address.
		struct fw_addr b;
		assert_true(fw_addr_parse(t.buf, t.len, true, &b, &err));
		assert_true(fw_addr_equal(&a, &b));
		strbuf_release(&t);
	}
}

static void test_addr_reject(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "010.0.0.1", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "10.0.0.0/33", "10.0.0.0/08",
		"10.0.0.0/255.0.255.0", "1.2.3.10-1.2.3.4", "1.2.3.4-::1", "fe80::/129", ":::", "1::2::3",
		"fe80::1%eth0", "any", "10.0.0.0/8-1.2.3.4", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8",
		":1::", "1:", "1.2.3.4/", "/8", " 1.2.3.4", "1.2.3.4 ", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fw_addr a;
		const char *err = NULL;
		if (fw_addr_parse(bad[i], strlen(bad[i]), true, &a, &err))
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(err);
	}
	struct fw_addr a;
	const char *err;
	assert_false(fw_addr_parse("LocalSubnet", 11, false, &a, &err));
	assert_true(fw_addr_parse("10.0.0.1/8", 10, true, &a, &err));
	assert_true(fw_addr_has_host_bits(&a));
	assert_true(fw_addr_parse("10.0.0.0/8", 10, true, &a, &err));
	assert_false(fw_addr_has_host_bits(&a));
	assert_true(fw_addr_parse("fe80::1/64", 10, true, &a, &err));
	assert_true(fw_addr_has_host_bits(&a));
}

static void test_ports(void **state)
{
	(void)state;
	static struct fw_ports a, b;
	const char *err;
	assert_true(fw_ports_parse("135", 3, false, &a, &err));
	assert_true(a.n == 1 && a.r[0].lo == 135 && a.r[0].hi == 135);
	assert_true(fw_ports_parse("1-3", 3, false, &a, &err));
	assert_true(fw_ports_parse("3,2,1,2", 7, false, &b, &err));
	assert_true(fw_ports_equal(&a, &b));
	assert_true(fw_ports_parse("0,65535", 7, false, &a, &err));
	assert_true(fw_ports_parse("rpc-epmap", 9, true, &a, &err));
	assert_int_equal(a.keyword, FWP_RPC_EPMAP);
	assert_false(fw_ports_parse("RPC", 3, false, &a, &err));
	static const char *const bad[] = { "", ",", "1,,2", "65536", "2-1", "RPC,135", "080", "1-", "-1", "a", "1 ", "+1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (fw_ports_parse(bad[i], strlen(bad[i]), true, &a, &err))
			fail_msg("port list '%s' accepted", bad[i]);
	assert_true(fw_ports_parse("1000-2000", 9, false, &a, &err));
	assert_true(fw_ports_parse("1000-1999", 9, false, &b, &err));
	assert_false(fw_ports_equal(&a, &b));
}

// --- A rule used throughout ---

static char *addrs_wmi[2];

static struct fw_rule rpcss_rule(void)
{
	struct fw_rule r = { 0 };
	addrs_wmi[0] = S("10.0.0.0/8");
	addrs_wmi[1] = S("LocalSubnet");
	r.id = S("gpoc-monitoring-wmi-rpcss-in");
	r.name = S("WMI (DCOM-In) for Monitoring");
	r.description = S("gpoc: intent.yaml line 12 (remote-wmi)");
	r.dir = FW_DIR_IN;
	r.action = FW_ALLOW;
	r.protocol = FW_PROTO_TCP;
	r.local_ports = S("RPC-EPMap");
	r.program = S("%SystemRoot%\\system32\\svchost.exe");
	r.service = S("RpcSs");
	r.remote_addrs = addrs_wmi;
	r.n_remote_addrs = 2;
	r.profiles = FW_PROFILE_DOMAIN | FW_PROFILE_PRIVATE;
	r.enabled = true;
	return r;
}

static void test_write_add(void **state)
{
	(void)state;
	struct fw_rule r = rpcss_rule();
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	assert_true(netsh_write_add(&r, NETSH_FOR_NETSH_F, &out, &why));
	assert_string_equal(out.buf,
			    "advfirewall firewall add rule name=\"WMI (DCOM-In) for Monitoring\" dir=in action=allow "
			    "program=\"%SystemRoot%\\system32\\svchost.exe\" service=\"RpcSs\" "
			    "description=\"gpoc: intent.yaml line 12 (remote-wmi)\" enable=yes profile=domain,private "
			    "protocol=tcp localport=RPC-EPMap remoteip=10.0.0.0/8,LocalSubnet");
	strbuf_reset(&out);
	assert_true(netsh_write_add(&r, NETSH_FOR_CMD, &out, &why));
	assert_non_null(strstr(out.buf, "program=\"%%SystemRoot%%\\system32\\svchost.exe\""));

	struct fw_rule o = { 0 };
	o.name = S("out");
	o.dir = FW_DIR_OUT;
	o.action = FW_BLOCK;
	o.protocol = 47;
	o.profiles = 7;
	strbuf_reset(&out);
	assert_true(netsh_write_add(&o, 0, &out, &why));
	assert_string_equal(out.buf, "advfirewall firewall add rule name=\"out\" dir=out action=block enable=no "
				     "profile=any protocol=47");

	struct fw_rule s = rpcss_rule();
	s.remote_users_sddl = S("O:LSD:(A;;CC;;;S-1-5-21-1-2-3-1105)");
	s.security = FW_SEC_AUTHENTICATE;
	s.edge = FW_EDGE_DEFERUSER;
	s.local_ports = S("5985,5986");
	s.remote_ports = S("1024-65535");
	s.program = s.service = s.description = NULL;
	s.n_remote_addrs = 0;
	s.remote_addrs = NULL;
	s.profiles = 0;
	strbuf_reset(&out);
	assert_true(netsh_write_add(&s, 0, &out, &why));
	assert_string_equal(out.buf, "advfirewall firewall add rule name=\"WMI (DCOM-In) for Monitoring\" dir=in "
				     "action=allow enable=yes profile=any protocol=tcp localport=5985,5986 "
				     "remoteport=1024-65535 edge=deferuser security=authenticate "
				     "rmtusrgrp=\"O:LSD:(A;;CC;;;S-1-5-21-1-2-3-1105)\"");
	strbuf_reset(&out);
	assert_true(netsh_write_delete("x y", 0, &out, &why));
	assert_string_equal(out.buf, "advfirewall firewall delete rule name=\"x y\"");
	strbuf_reset(&out);
	assert_true(netsh_write_placeholder("x y", 0, &out, &why));
	assert_string_equal(out.buf, "advfirewall firewall add rule name=\"x y\" dir=in action=block enable=no");
	strbuf_reset(&out);
	assert_true(netsh_write_set_group("@FirewallAPI.dll,-34251", true, 0, &out, &why));
	assert_string_equal(out.buf, "advfirewall firewall set rule group=\"@FirewallAPI.dll,-34251\" new enable=yes");
	strbuf_release(&out);
	strbuf_release(&why);
}

static void expect_write_refused(struct fw_rule r, const char *reason)
{
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	assert_false(netsh_write_add(&r, 0, &out, &why));
	assert_int_equal(out.len, 0);
	if (!strstr(why.buf, reason))
		fail_msg("refusal says '%s', expected '%s'", why.buf, reason);
	strbuf_release(&out);
	strbuf_release(&why);
}

static void test_write_refusals(void **state)
{
	(void)state;
	struct fw_rule r = rpcss_rule();
	r.name = S("All");
	expect_write_refused(r, "reserved");
	r = rpcss_rule();
	r.protocol = FW_PROTO_ICMPV4;
	expect_write_refused(r, "ports need protocol tcp or udp");
	r = rpcss_rule();
	r.protocol = FW_PROTO_UDP;
	expect_write_refused(r, "needs an inbound tcp rule");
	r = rpcss_rule();
	r.dir = FW_DIR_OUT;
	expect_write_refused(r, "needs an inbound tcp rule");
	r = rpcss_rule();
	r.edge = FW_EDGE_YES;
	r.local_ports = NULL;
	r.dir = FW_DIR_OUT;
	expect_write_refused(r, "inbound rules only");
	r = rpcss_rule();
	r.remote_users_sddl = S("D:(A;;CC;;;WD)");
	expect_write_refused(r, "need security");
	r = rpcss_rule();
	char *hostbits[] = { S("10.0.0.1/8") };
	r.remote_addrs = hostbits;
	r.n_remote_addrs = 1;
	expect_write_refused(r, "bits set below its prefix");
	char *any[] = { S("any") };
	r.remote_addrs = any;
	expect_write_refused(r, "empty list");
	r = rpcss_rule();
	r.service = S("any");
	expect_write_refused(r, "not a service name");
	r = rpcss_rule();
	r.name = S("a\"b");
	expect_write_refused(r, "(in name)");
	r = rpcss_rule();
	r.description = S("caf\xC3\xA9");
	expect_write_refused(r, "(in description)");
	r = rpcss_rule();
	r.action = FW_BYPASS;
	expect_write_refused(r, "remote computer group");
	r = rpcss_rule();
	r.protocol = 256;
	expect_write_refused(r, "0 to 255");
}

// --- Checker ---

static void parse_ok(const char *line, struct arena *a, struct netsh_cmd *cmd)
{
	struct netsh_error err;
	if (!netsh_parse_line(line, strlen(line), 0, NULL, a, cmd, &err))
		fail_msg("'%s' refused at column %zu: %s", line, err.col, err.message);
}

static void test_check_roundtrip(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct fw_rule rules[3] = { rpcss_rule(), rpcss_rule(), rpcss_rule() };
	rules[1].remote_users_sddl = S("O:LSD:(A;;CC;;;S-1-5-21-1-2-3-1105)");
	rules[1].remote_machines_sddl = S("O:LSD:(A;;CC;;;S-1-5-32-544)");
	rules[1].security = FW_SEC_AUTHNOENCAP;
	rules[1].action = FW_BYPASS;
	rules[1].edge = FW_EDGE_YES;
	rules[1].local_ports = S("1-3,5000-5010,135");
	rules[2].dir = FW_DIR_OUT;
	rules[2].local_ports = NULL;
	rules[2].remote_ports = S("135");
	rules[2].protocol = FW_PROTO_UDP;
	rules[2].enabled = false;
	rules[2].profiles = FW_PROFILE_PUBLIC;
	for (size_t i = 0; i < 3; i++) {
		struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
		assert_true(netsh_write_add(&rules[i], 0, &out, &why));
		struct netsh_cmd cmd;
		parse_ok(out.buf, &a, &cmd);
		assert_int_equal(cmd.kind, NETSH_ADD_RULE);
		if (!fw_rule_same(&rules[i], &cmd.rule, FWCMP_IGNORE_ID | FWCMP_IGNORE_GROUP, &why))
			fail_msg("rule %zu reads back differently: %s", i, why.buf);
		strbuf_release(&out);
		strbuf_release(&why);
	}
	// A difference is seen: the comparison is not vacuous.
	struct fw_rule x = rules[0], y = rules[0];
	char *other[] = { S("10.0.0.0/9"), S("LocalSubnet") };
	y.remote_addrs = other;
	struct strbuf why = STRBUF_INIT;
	assert_false(fw_rule_same(&x, &y, FWCMP_IGNORE_ID, &why));
	y = rules[0];
	y.local_ports = S("RPC");
	assert_false(fw_rule_same(&x, &y, FWCMP_IGNORE_ID, &why));
	y = rules[0];
	y.description = S("other");
	assert_false(fw_rule_same(&x, &y, FWCMP_IGNORE_ID, &why));
	strbuf_release(&why);
	// Accepted variants: case-insensitive keywords, bare values, the netsh prefix.
	struct netsh_cmd cmd;
	struct netsh_error err;
	const char *l = "netsh ADVFIREWALL Firewall ADD rule NAME=x DIR=IN action=Allow protocol=6 localport=80";
	assert_true(netsh_parse_line(l, strlen(l), NETSH_PARSE_PREFIX, NULL, &a, &cmd, &err));
	assert_string_equal(cmd.rule.name, "x");
	assert_int_equal(cmd.rule.protocol, 6);
	assert_true(cmd.rule.enabled); // netsh's default
	parse_ok("advfirewall firewall set rule group=\"@FirewallAPI.dll,-34251\" new enable=no", &a, &cmd);
	assert_int_equal(cmd.kind, NETSH_SET_GROUP);
	assert_string_equal(cmd.group, "@FirewallAPI.dll,-34251");
	assert_false(cmd.enable);
	parse_ok("advfirewall firewall add rule name=x dir=in action=allow localip=10.0.0.1,fe80::/64", &a, &cmd);
	assert_string_equal(cmd.local_ip, "10.0.0.1,fe80::/64");
	arena_release(&a);
}

// Each constraint of DOMAIN.md section 6, with the column it is reported at.
static void test_check_negative(void **state)
{
	(void)state;
	// `at` is the text the error must point at (its first occurrence, plus `off`
	// bytes); NULL means column 1 and "$" the column just past the end.
	static const struct { const char *line, *at; size_t off; const char *msg; } cases[] = {
#define ADD "advfirewall firewall add rule name=\"x\" dir=in action=allow"
		{ ADD " interfacetype=lan", "interfacetype", 0, "unknown keyword 'interfacetype'" },
		{ ADD " descripton=\"d\"", "descripton", 0, "did you mean 'description'" },
		{ ADD " dir=out", "dir=out", 0, "given twice (first at column 40)" },
		{ "advfirewall firewall add rule dir=in action=allow", NULL, 0, "needs name=" },
		{ "advfirewall firewall add rule name=x action=allow", NULL, 0, "needs dir=" },
		{ "advfirewall firewall add rule name=x dir=in", NULL, 0, "needs action=" },
		{ "advfirewall firewall add rule name=x dir=sideways action=allow", "sideways", 0, "expected one of in, out" },
		{ "advfirewall firewall add rule name=x dir=in action=permit", "permit", 0, "allow, block, bypass" },
		{ ADD " protocol=icmpv4 localport=80", "localport", 0, "needs protocol=tcp or protocol=udp" },
		{ ADD " remoteport=80", "remoteport", 0, "needs protocol=tcp" },
		{ ADD " protocol=udp localport=RPC", "RPC", 0, "needs an inbound tcp rule" },
		{ "advfirewall firewall add rule name=x dir=out action=allow protocol=tcp localport=RPC-EPMap", "RPC-EPMap", 0,
		  "needs an inbound tcp rule" },
		{ ADD " protocol=tcp localport=135,RPC", "135,RPC", 0, "must stand alone" },
		{ ADD " protocol=tcp localport=70000", "70000", 0, "0 to 65535" },
		{ ADD " protocol=tcp remoteport=RPC", "RPC", 0, "not accepted here" },
		{ ADD " rmtusrgrp=\"D:(A;;CC;;;WD)\"", "rmtusrgrp", 0, "needs security=" },
		{ ADD " security=authenticate rmtusrgrp=\"D:(A;;CC;;;NOPE)\"", "NOPE", 0, "invalid SDDL" },
		{ ADD " security=sometimes", "sometimes", 0, "unknown value 'sometimes'" },
		{ "advfirewall firewall add rule name=x dir=out action=allow edge=yes", "edge", 0, "inbound rules only" },
		{ "advfirewall firewall add rule name=x dir=out action=allow security=authdynenc", "authdynenc", 0,
		  "authdynenc applies to inbound" },
		{ "advfirewall firewall add rule name=x dir=in action=bypass", "bypass", 0, "needs rmtcomputergrp" },
		{ "advfirewall firewall add rule name=\"all\" dir=in action=allow", "\"all", 1, "reserved" },
		{ "advfirewall firewall delete rule name=ALL", "ALL", 0, "every rule" },
		{ "advfirewall firewall delete rule name=x dir=in", "name=x", 0, "exactly name=" },
		{ ADD " remoteip=10.0.0.0/33", "10.0.0.0/33", 0, "prefix length" },
		{ ADD " remoteip=10.0.0.0/8,any", "any", 0, "must stand alone" },
		{ ADD " remoteip=10.0.0.0/8,", "$", 0, "empty address" },
		{ ADD " localip=LocalSubnet", "LocalSubnet", 0, "keywords are not accepted" },
		{ ADD " description=\"open", "\"open", 0, "unterminated double quote" },
		{ ADD " description=\" lead\"", " lead", 0, "starts or ends with a blank" },
		{ ADD " description=\"dir\\\"", "\\\"", 0, "ends with a backslash" },
		{ ADD " description=a\"b\"", "\"b", 0, "double quote inside an unquoted value" },
		{ ADD " description=\"\"", "\"\"", 0, "empty quoted value" },
		{ ADD " description=", "$", 0, "missing value" },
		{ ADD " description=\"caf\xC3\xA9\"", "\xC3", 0, "non-ASCII" },
		{ ADD " description=\"a\tb\"", "\t", 0, "control character 0x09" },
		{ ADD " description=\"a\x01" "b\"", "\x01", 0, "control character 0x01" },
		{ ADD " dir2=\"a\"b", "\"a\"b", 0, "quoted value must be enclosed" },
		{ ADD " protocol=256", "256", 0, "number 0 to 255" },
		{ ADD " protocol=06", "06", 0, "number 0 to 255" },
		{ ADD " profile=domain,work", "work", 0, "unknown profile 'work'" },
		{ ADD " profile=domain,domain", "domain,domain", 7, "listed twice" },
		{ ADD " profile=domain,", "$", 0, "unknown profile ''" },
		{ ADD " dir=\"in\"", "dir=\"in", 0, "given twice" },
		{ "advfirewall firewall add rule name=x dir=\"in\" action=allow", "\"in", 0, "not quoted text" },
		{ ADD " service=any", "any", 0, "not supported by gpoc" },
		{ ADD " service=\"a\\b\"", "a\\b", 0, "cannot contain" },
		{ ADD " =x", "=x", 0, "without a keyword" },
		{ ADD " stray", "stray", 0, "unexpected word 'stray'" },
		{ "advfirewall firewall show rule name=x", "show", 0, "unknown command 'show'" },
		{ "advfirewall firewall add rules name=x", "rules", 0, "expected 'rule'" },
		{ "firewall add rule name=x dir=in action=allow", NULL, 0, "advfirewall firewall" },
		{ "advfirewall firewall set rule group=x new enable=maybe", "maybe", 0, "expected one of no, yes" },
		{ "advfirewall firewall set rule name=x new enable=yes", "name=x", 0, "group=" },
		{ "\"advfirewall\" firewall add rule name=x dir=in action=allow", NULL, 0, "outside a keyword=value" },
		{ "advfirewall firewall add rule na\"me\"=x dir=in action=allow", "\"me", 0, "inside a keyword" },
#undef ADD
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct arena a = ARENA_INIT;
		struct netsh_cmd cmd;
		struct netsh_error err;
		const char *l = cases[i].line;
		if (netsh_parse_line(l, strlen(l), 0, NULL, &a, &cmd, &err))
			fail_msg("case %zu accepted: %s", i, l);
		size_t col = 1;
		if (cases[i].at && !strcmp(cases[i].at, "$"))
			col = strlen(l) + 1;
		else if (cases[i].at)
			col = (size_t)(strstr(l, cases[i].at) - l) + cases[i].off + 1;
		if (!strstr(err.message, cases[i].msg) || err.col != col)
			fail_msg("case %zu: got column %zu '%s', expected column %zu '%s'", i, err.col, err.message,
				 col, cases[i].msg);
		arena_release(&a);
	}
	// The prefix is required when asked for, and refused words are reported.
	struct arena a = ARENA_INIT;
	struct netsh_cmd cmd;
	struct netsh_error err;
	assert_false(netsh_parse_line("advfirewall firewall delete rule name=x", 39, NETSH_PARSE_PREFIX, NULL, &a, &cmd,
				      &err));
	assert_non_null(strstr(err.message, "expected 'netsh'"));
	// A NUL inside the line (the checker takes a length).
	assert_false(netsh_parse_line("advfirewall firewall delete rule name=\"a\0b\"", 43, 0, NULL, &a, &cmd, &err));
	assert_non_null(strstr(err.message, "control character 0x00"));
	// Too many parameters.
	struct strbuf big = STRBUF_INIT;
	strbuf_addstr(&big, "advfirewall firewall add rule");
	for (int i = 0; i < 70; i++)
		strbuf_addf(&big, " k%d=v", i);
	assert_false(netsh_parse_line(big.buf, big.len, 0, NULL, &a, &cmd, &err));
	assert_non_null(strstr(err.message, "too many parameters"));
	strbuf_release(&big);
	arena_release(&a);
}

static void test_check_script(void **state)
{
	(void)state;
	static const char good[] =
		"advfirewall firewall add rule name=\"A\" dir=in action=block enable=no\r\n"
		"advfirewall firewall delete rule name=\"A\"\r\n"
		"advfirewall firewall add rule name=\"A\" dir=in action=allow protocol=tcp localport=135\r\n"
		"\r\n"
		"advfirewall firewall delete rule name=\"B\"\n"
		"advfirewall firewall add rule name=\"B\" dir=out action=allow\n";
	struct src_file f = { "t.netsh", good, sizeof(good) - 1 };
	struct arena a = ARENA_INIT;
	struct diag d;
	diag_init(&d);
	struct netsh_script s;
	assert_true(netsh_check_script(&f, NULL, &a, &s, &d));
	assert_int_equal(d.n, 0);
	assert_int_equal(s.n_cmds, 5);
	assert_int_equal(s.n_rules, 2);
	assert_string_equal(s.rules[0].name, "A");
	assert_int_equal(s.rules[0].action, FW_ALLOW); // the placeholder was deleted
	assert_string_equal(s.rules[1].name, "B");

	static const char bad[] =
		"advfirewall firewall add rule name=\"A\" dir=in action=allow\n"         // no delete before
		"advfirewall firewall delete rule name=\"B\"\n"
		"advfirewall firewall add rule name=\"B\" dir=in action=allow\n"
		"advfirewall firewall add rule name=\"b\" dir=in action=allow\n"         // twice (names ignore case)
		"advfirewall firewall add rule name=\"C\" dir=in action=allow bogus=1\n"; // grammar
	struct src_file g = { "t.netsh", bad, sizeof(bad) - 1 };
	assert_false(netsh_check_script(&g, NULL, &a, &s, &d));
	assert_int_equal(d.n, 3);
	assert_int_equal(d.v[0].pos.line, 4);
	assert_non_null(strstr(d.v[0].message, "added again without a delete since line 3"));
	assert_int_equal(d.v[1].pos.line, 5);
	assert_int_equal(d.v[1].pos.col, (uint32_t)(strstr(bad, "bogus") - strstr(bad, "advfirewall firewall add rule name=\"C\"")) + 1);
	assert_non_null(strstr(d.v[1].message, "unknown keyword 'bogus'"));
	assert_int_equal(d.v[2].pos.line, 1);
	assert_non_null(strstr(d.v[2].message, "without a delete"));
	diag_release(&d);
	arena_release(&a);
}

// Every field of a rule with hostile text: refused by the writer, or read back
// exactly — by the checker for netsh -f lines, by cmd + argv rules for .cmd lines.
static void test_hostile_fields(void **state)
{
	(void)state;
	static const char *const hostile[] = {
		"\"", "%", "%%", "^", "&", "|", "<", ">", "!", "\r", "\n", ")(A;;GA;;;WD)", ";", "$(calc)", "`",
		"\xE2\x80\x99", "non-ASCII \xC3\xA9", "trailing\\", "x y",
	};
	size_t roundtrips = 0, refusals = 0;
	for (size_t field = 0; field < 4; field++) {
		for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
			struct fw_rule r = rpcss_rule();
			struct strbuf val = STRBUF_INIT;
			strbuf_addf(&val, "v%sv", hostile[i]);
			if (!strcmp(hostile[i], "trailing\\"))
				strbuf_addch(&val, '\\');
			char **slot = field == 0 ? &r.name : field == 1 ? &r.description : field == 2 ? &r.program : &r.service;
			*slot = val.buf;
			for (unsigned flags = 0; flags <= NETSH_FOR_CMD; flags++) {
				struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
				if (!netsh_write_add(&r, flags, &out, &why)) {
					assert_true(why.len > 0);
					refusals++;
					strbuf_release(&out);
					strbuf_release(&why);
					continue;
				}
				if (flags == NETSH_FOR_NETSH_F) {
					struct arena a = ARENA_INIT;
					struct netsh_cmd cmd;
					parse_ok(out.buf, &a, &cmd);
					assert_true(fw_rule_same(&r, &cmd.rule, FWCMP_IGNORE_ID | FWCMP_IGNORE_GROUP, &why));
					arena_release(&a);
				} else {
					struct strbuf line = STRBUF_INIT, after = STRBUF_INIT;
					strbuf_addf(&line, "netsh %s", out.buf);
					assert_true(cmd_phase1(line.buf, line.len, "", false, &after));
					struct strbuf *args;
					size_t n = argv_split(after.buf, &args);
					static const char *const keys[] = { "name=", "description=", "program=", "service=" };
					bool found = false;
					for (size_t k = 0; k < n; k++) {
						if (!strncmp(args[k].buf, keys[field], strlen(keys[field]))) {
							assert_string_equal(args[k].buf + strlen(keys[field]), val.buf);
							found = true;
						}
					}
					assert_true(found);
					argv_release(args, n);
					strbuf_release(&line);
					strbuf_release(&after);
				}
				roundtrips++;
				strbuf_release(&out);
				strbuf_release(&why);
			}
			strbuf_release(&val);
		}
	}
	// '"', CR, LF, non-ASCII and a trailing backslash are refused in every field;
	// a service also refuses '\'.
	assert_true(refusals >= 40);
	assert_true(roundtrips >= 90);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_accept),
		cmocka_unit_test(test_addr_reject),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_write_add),
		cmocka_unit_test(test_write_refusals),
		cmocka_unit_test(test_check_roundtrip),
		cmocka_unit_test(test_check_negative),
		cmocka_unit_test(test_check_script),
		cmocka_unit_test(test_hostile_fields),
	};
	int rc = cmocka_run_group_tests_name("netsh writer and checker", tests, NULL, NULL);
	arena_release(&strings);
	return rc;
}
