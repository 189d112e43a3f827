// Group Policy firewall rule strings ([MS-GPFAS] 2.2.2.19): writer, structural
// reader, interpretation, and round trips.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "netsh/fwaddr.h"
#include "netsh/gpfas.h"

static struct arena strings = ARENA_INIT;
static char *S(const char *s)
{
	return arena_strdup(&strings, s);
}

static struct fw_rule rpcss_rule(void)
{
	struct fw_rule r = { 0 };
	char **addrs = arena_array(&strings, 2, sizeof(char *));
	addrs[0] = S("10.0.0.0/8");
	addrs[1] = S("LocalSubnet");
	r.id = S("gpoc-monitoring-wmi-rpcss-in");
	r.name = S("WMI (DCOM-In) for Monitoring");
	r.description = S("gpoc: intent.yaml line 12 (remote-wmi)");
	r.group = S("gpoc monitoring-wmi");
	r.dir = FW_DIR_IN;
	r.action = FW_ALLOW;
	r.protocol = FW_PROTO_TCP;
	r.local_ports = S("RPC-EPMap");
	r.program = S("%SystemRoot%\\system32\\svchost.exe");
	r.service = S("RpcSs");
	r.remote_addrs = addrs;
	r.n_remote_addrs = 2;
	r.profiles = FW_PROFILE_DOMAIN | FW_PROFILE_PRIVATE;
	r.enabled = true;
	return r;
}

static void test_write(void **state)
{
	(void)state;
	struct fw_rule r = rpcss_rule();
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	assert_true(gpfas_write(&r, &out, &why));
	assert_string_equal(out.buf, "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Domain|Profile=Private|"
				     "LPort=RPC-EPMap|RA4=10.0.0.0/255.0.0.0|RA4=LocalSubnet|RA6=LocalSubnet|"
				     "App=%SystemRoot%\\system32\\svchost.exe|Svc=RpcSs|Name=WMI (DCOM-In) for Monitoring|"
				     "Desc=gpoc: intent.yaml line 12 (remote-wmi)|EmbedCtxt=gpoc monitoring-wmi|");

	struct fw_rule s = { 0 };
	char **addrs = arena_array(&strings, 3, sizeof(char *));
	addrs[0] = S("fe80::/64");
	addrs[1] = S("192.168.1.5");
	addrs[2] = S("2001:db8::1-2001:db8::ff");
	s.name = S("Auth");
	s.dir = FW_DIR_IN;
	s.action = FW_BYPASS;
	s.protocol = FW_PROTO_UDP;
	s.local_ports = S("5000-5010,135,1-2");
	s.remote_ports = S("53");
	s.remote_addrs = addrs;
	s.n_remote_addrs = 3;
	s.profiles = 7;
	s.edge = FW_EDGE_DEFERAPP;
	s.security = FW_SEC_AUTHNOENCAP;
	s.remote_users_sddl = S("O:LSD:(A;;CC;;;S-1-5-21-1-2-3-1105)");
	s.remote_machines_sddl = S("O:LSD:(A;;CC;;;S-1-5-32-544)");
	strbuf_reset(&out);
	assert_true(gpfas_write(&s, &out, &why));
	assert_string_equal(out.buf, "v2.10|Action=ByPass|Active=FALSE|Dir=In|Protocol=17|LPort=135|"
				     "LPort2_10=5000-5010|LPort2_10=1-2|RPort=53|RA4=192.168.1.5|RA6=fe80::/64|"
				     "RA6=2001:db8::1-2001:db8::ff|Name=Auth|Edge=TRUE|Defer=App|"
				     "RMauth=O:LSD:(A;;CC;;;S-1-5-32-544)|RUAuth=O:LSD:(A;;CC;;;S-1-5-21-1-2-3-1105)|"
				     "Security=Authenticate|Security2_9=An-NoEncap|");

	struct fw_rule o = { 0 };
	o.name = S("o");
	o.dir = FW_DIR_OUT;
	o.action = FW_BLOCK;
	o.protocol = FW_PROTO_ANY;
	o.enabled = true;
	o.security = FW_SEC_AUTHENC;
	strbuf_reset(&out);
	assert_true(gpfas_write(&o, &out, &why));
	assert_string_equal(out.buf, "v2.10|Action=Block|Active=TRUE|Dir=Out|Name=o|Security=AuthenticateEncrypt|");
	strbuf_release(&out);
	strbuf_release(&why);
}

static void expect_refused(struct fw_rule r, const char *reason)
{
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	strbuf_addstr(&out, "keep");
	assert_false(gpfas_write(&r, &out, &why));
	assert_string_equal(out.buf, "keep");
	if (!strstr(why.buf, reason))
		fail_msg("refusal says '%s', expected '%s'", why.buf, reason);
	strbuf_release(&out);
	strbuf_release(&why);
}

static void test_write_refusals(void **state)
{
	(void)state;
	struct fw_rule r;
	// '|' has no escape, in any text field.
	for (int field = 0; field < 7; field++) {
		r = rpcss_rule();
		r.security = FW_SEC_AUTHENTICATE;
		char **slot;
		switch (field) {
		case 0: slot = &r.name; break;
		case 1: slot = &r.description; break;
		case 2: slot = &r.program; break;
		case 3: slot = &r.service; break;
		case 4: slot = &r.group; break;
		case 5: slot = &r.remote_users_sddl; break;
		default: slot = &r.remote_machines_sddl; break;
		}
		*slot = S("a|b");
		expect_refused(r, "contains '|' at byte 1");
		*slot = S("a\rb");
		expect_refused(r, "control character 0x0d");
		*slot = S("a\xC3");
		expect_refused(r, "not valid UTF-8");
	}
	r = rpcss_rule();
	size_t n = 10001;
	char *big = arena_alloc(&strings, n + 1);
	memset(big, 'x', n);
	r.description = big;
	expect_refused(r, "10001 UTF-16 units; Windows takes at most 10000");
	big[n - 1] = 0;
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	assert_true(gpfas_write(&r, &out, &why)); // exactly 10000 is fine
	strbuf_release(&out);
	strbuf_release(&why);
	// Four-byte UTF-8 characters count twice (surrogate pairs).
	char *emoji = arena_alloc(&strings, 4 * 5000 + 2);
	for (int i = 0; i < 5000; i++)
		memcpy(emoji + 4 * i, "\xF0\x9F\x98\x80", 4);
	emoji[4 * 5000] = 'x';
	emoji[4 * 5000 + 1] = 0;
	r.description = emoji;
	expect_refused(r, "10001 UTF-16 units");
	r = rpcss_rule();
	r.local_ports = S("IPHTTPS");
	expect_refused(r, "IPHTTPS");
	r = rpcss_rule();
	r.local_ports = NULL;
	r.security = FW_SEC_AUTHDYNENC;
	expect_refused(r, "authdynenc");
	r = rpcss_rule();
	r.name = S("");
	expect_refused(r, "no name");
	r = rpcss_rule();
	r.program = S("");
	expect_refused(r, "program is empty");
	out = (struct strbuf)STRBUF_INIT;
	why = (struct strbuf)STRBUF_INIT;
	assert_true(gpfas_check_id("gpoc-monitoring-wmi-rpcss-in", &why));
	assert_false(gpfas_check_id("", &why));
	assert_false(gpfas_check_id("a\nb", &why));
	char id[513];
	memset(id, 'a', 512);
	id[512] = 0;
	assert_false(gpfas_check_id(id, &why));
	id[511] = 0;
	assert_true(gpfas_check_id(id, &why));
	strbuf_release(&why);
}

static void parse_ok(const char *s, struct arena *a, struct gpfas_rule *g)
{
	struct gpfas_error err;
	if (!gpfas_parse(s, strlen(s), a, g, &err))
		fail_msg("'%s' refused at byte %zu: %s", s, err.offset, err.message);
}

static void test_parse_structure(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct gpfas_rule g;
	// As Windows and GPMC write them, with fields gpoc does not model.
	static const char *const good[] = {
		"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=135|App=%SystemRoot%\\system32\\svchost.exe|"
		"Svc=RpcSs|Name=@FirewallAPI.dll,-34252|Desc=@FirewallAPI.dll,-34253|EmbedCtxt=@FirewallAPI.dll,-34251|",
		"v2.28|Action=Block|Active=TRUE|Dir=In|Protocol=6|App=%SystemRoot%\\system32\\RdpSa.exe|"
		"Name=@FirewallAPI.dll,-28778|Desc=@FirewallAPI.dll,-28779|EmbedCtxt=@FirewallAPI.dll,-28752|Edge=TRUE|Defer=App|",
		"v2.31|Action=Block|Active=TRUE|Dir=In|Protocol=17|LPort2_10=1-66|LPort2_10=69-55554|Name=UDP|",
		"v2.33|Action=Allow|Active=TRUE|Dir=Out|LA4=10.0.0.1|IFType=Lan|Platform=2:6:2|Platform2=GTEQ|Name=x|",
		"v9.99|Unknown=|X=a=b|",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		parse_ok(good[i], &a, &g);
		struct strbuf back = STRBUF_INIT;
		gpfas_format(&g, &back);
		assert_string_equal(back.buf, good[i]);
		strbuf_release(&back);
	}
	parse_ok(good[4], &a, &g);
	assert_int_equal(g.major, 9);
	assert_int_equal(g.minor, 99);
	assert_int_equal(g.n_fields, 2);
	assert_string_equal(g.fields[1].key, "X");
	assert_string_equal(g.fields[1].value, "a=b");
	assert_int_equal(g.fields[1].offset, 15);

	static const struct { const char *s; size_t len, off; const char *msg; } bad[] = {
		{ "", 0, 0, "starts with a version" },
		{ "2.10|Name=x|", 12, 0, "starts with a version" },
		{ "v2.10", 5, 5, "missing '|'" },
		{ "v2|Name=x|", 10, 1, "bad version" },
		{ "v2.x|Name=x|", 12, 1, "bad version" },
		{ "v.10|Name=x|", 12, 1, "bad version" },
		{ "v2.10|", 6, 6, "at least one field" },
		{ "v2.10|Name=x", 12, 12, "not ended by '|'" },
		{ "v2.10|Name|", 11, 10, "expected '='" },
		{ "v2.10|=x|", 9, 6, "expected a field name" },
		{ "v2.10||", 7, 6, "expected a field name" },
		{ "v2.10|Na me=x|", 14, 8, "expected '='" },
		{ "v2.10|Name=a\nb|", 15, 12, "control character 0x0a" },
		{ "v2.10|Name=a\0b|", 15, 12, "control character 0x00" },
		{ "v2.10|Name=\xC3|", 13, 11, "invalid UTF-8" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct gpfas_error err;
		if (gpfas_parse(bad[i].s, bad[i].len, &a, &g, &err))
			fail_msg("case %zu accepted", i);
		if (err.offset != bad[i].off || !strstr(err.message, bad[i].msg))
			fail_msg("case %zu: got byte %zu '%s', expected byte %zu '%s'", i, err.offset, err.message,
				 bad[i].off, bad[i].msg);
	}
	arena_release(&a);
}

static void test_to_rule(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct gpfas_rule g;
	struct fw_rule r;
	const struct gpfas_field **unk;
	size_t n_unk;
	struct gpfas_error err;
	parse_ok("v2.28|Action=Block|Active=TRUE|Dir=In|Protocol=6|App=%SystemRoot%\\system32\\RdpSa.exe|"
		 "Name=@FirewallAPI.dll,-28778|EmbedCtxt=@FirewallAPI.dll,-28752|Edge=TRUE|Defer=App|LA4=1.2.3.4|"
		 "Profile=Public|RA4=10.0.0.0/255.255.0.0|RA6=DefaultGateway|RA4=DefaultGateway|LPort=80|LPort2_10=90-99|",
		 &a, &g);
	assert_true(gpfas_to_rule(&g, NULL, &a, &r, &unk, &n_unk, &err));
	assert_int_equal(r.action, FW_BLOCK);
	assert_true(r.enabled);
	assert_int_equal(r.dir, FW_DIR_IN);
	assert_int_equal(r.protocol, 6);
	assert_string_equal(r.program, "%SystemRoot%\\system32\\RdpSa.exe");
	assert_string_equal(r.name, "@FirewallAPI.dll,-28778");
	assert_string_equal(r.group, "@FirewallAPI.dll,-28752");
	assert_null(r.description);
	assert_int_equal(r.edge, FW_EDGE_DEFERAPP);
	assert_int_equal(r.profiles, FW_PROFILE_PUBLIC);
	assert_string_equal(r.local_ports, "80,90-99");
	assert_int_equal(r.n_remote_addrs, 2);
	assert_string_equal(r.remote_addrs[0], "10.0.0.0/16");
	assert_string_equal(r.remote_addrs[1], "DefaultGateway");
	assert_int_equal(n_unk, 1);
	assert_string_equal(unk[0]->key, "LA4");

	static const struct { const char *s; const char *msg; } bad[] = {
		{ "v2.10|Dir=In|Name=x|", "no Action" },
		{ "v2.10|Action=Allow|Name=x|", "no Dir" },
		{ "v2.10|Action=Allow|Dir=In|Dir=Out|", "'Dir' appears twice (first at byte 19)" },
		{ "v2.10|Action=allow|Dir=In|", "unknown Action 'allow'" },
		{ "v2.10|Action=Allow|Dir=Both|", "unknown Dir" },
		{ "v2.10|Action=Allow|Dir=In|Active=yes|", "unknown Active" },
		{ "v2.10|Action=Allow|Dir=In|Protocol=256|", "bad Protocol" },
		{ "v2.10|Action=Allow|Dir=In|Protocol=0006|", "bad Protocol" },
		{ "v2.10|Action=Allow|Dir=In|LPort=80|", "Protocol is not 6" },
		{ "v2.10|Action=Allow|Dir=In|Protocol=6|LPort=1-2|", "bad LPort" },
		{ "v2.10|Action=Allow|Dir=In|Protocol=6|LPort=RPC|LPort=135|", "together with a port keyword" },
		{ "v2.10|Action=Allow|Dir=In|Protocol=6|LPort=135|LPort=RPC|", "together with other local ports" },
		{ "v2.10|Action=Allow|Dir=In|Protocol=6|RPort2_10=x|", "bad RPort2_10" },
		{ "v2.10|Action=Allow|Dir=In|RA4=LocalSubnet|", "only one of RA4 and RA6" },
		{ "v2.10|Action=Allow|Dir=In|RA4=fe80::1|", "RA4 holds an IPv6 address" },
		{ "v2.10|Action=Allow|Dir=In|RA6=1.2.3.4|", "RA6 holds an IPv4 address" },
		{ "v2.10|Action=Allow|Dir=In|RA4=1.2.3.0/255.0.255.0|", "contiguous" },
		{ "v2.10|Action=Allow|Dir=In|Profile=Work|", "unknown Profile" },
		{ "v2.10|Action=Allow|Dir=Out|Edge=TRUE|", "outbound" },
		{ "v2.10|Action=Allow|Dir=In|Defer=Later|", "unknown Defer" },
		{ "v2.10|Action=Allow|Dir=In|Security=Maybe|", "unknown Security" },
		{ "v2.10|Action=Allow|Dir=In|Security2_9=An-NoEncap|", "Security2_9 must be" },
		{ "v2.10|Action=Allow|Dir=In|RUAuth=O:LSD:(A;;CC;;;WD)|", "needs a Security field" },
		{ "v2.10|Action=Allow|Dir=In|Security=Authenticate|RMauth=O:LSD:(A;;CC;;;XX)|", "invalid SDDL in RMauth" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse_ok(bad[i].s, &a, &g);
		if (gpfas_to_rule(&g, NULL, &a, &r, &unk, &n_unk, &err))
			fail_msg("case %zu accepted", i);
		if (!strstr(err.message, bad[i].msg))
			fail_msg("case %zu: '%s', expected '%s'", i, err.message, bad[i].msg);
	}
	// DOMAIN.md's spelling RMAuth is read too.
	parse_ok("v2.10|Action=Allow|Dir=In|Security=Authenticate|RMAuth=O:LSD:(A;;CC;;;WD)|", &a, &g);
	assert_true(gpfas_to_rule(&g, NULL, &a, &r, &unk, &n_unk, &err));
	assert_string_equal(r.remote_machines_sddl, "O:LSD:(A;;CC;;;WD)");
	arena_release(&a);
}

static void roundtrip(const struct fw_rule *r)
{
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	assert_true(gpfas_write(r, &out, &why));
	struct arena a = ARENA_INIT;
	struct gpfas_rule g;
	struct fw_rule back;
	const struct gpfas_field **unk;
	size_t n_unk;
	struct gpfas_error err;
	parse_ok(out.buf, &a, &g);
	if (!gpfas_to_rule(&g, NULL, &a, &back, &unk, &n_unk, &err))
		fail_msg("'%s' does not read back: %s", out.buf, err.message);
	assert_int_equal(n_unk, 0);
	if (!fw_rule_same(r, &back, FWCMP_IGNORE_ID, &why))
		fail_msg("'%s' reads back differently: %s", out.buf, why.buf);
	arena_release(&a);
	strbuf_release(&out);
	strbuf_release(&why);
}

static void test_roundtrip(void **state)
{
	(void)state;
	struct fw_rule r = rpcss_rule();
	roundtrip(&r);
	r.local_ports = S("1000-2000,135,7");
	r.remote_ports = S("1-1024");
	r.edge = FW_EDGE_DEFERUSER;
	r.security = FW_SEC_AUTHENC;
	r.remote_users_sddl = S("O:LSD:(A;;CC;;;S-1-5-21-1-2-3-1105)");
	roundtrip(&r);
	r.protocol = 47;
	r.local_ports = r.remote_ports = NULL;
	r.enabled = false;
	r.profiles = 0;
	roundtrip(&r);
	// Hostile text in every text field: refused or read back exactly.
	static const char *const hostile[] = {
		"\"", "%", "%%", "^", "&", "<", ">", "!", ")(A;;GA;;;WD)", ";", "$(calc)", "`", "=", "v2.10",
		"\xE2\x80\x99", "non-ASCII \xC3\xA9\xE6\x97\xA5", "\xF0\x9F\x98\x80", "back\\slash\\",
	};
	for (int field = 0; field < 5; field++) {
		for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
			r = rpcss_rule();
			char *v = S(hostile[i]);
			switch (field) {
			case 0: r.name = v; break;
			case 1: r.description = v; break;
			case 2: r.program = v; break;
			case 3: if (strchr(v, '\\')) continue; r.service = v; break;
			default: r.group = v; break;
			}
			roundtrip(&r);
		}
	}
	// A 10000-character name survives too.
	r = rpcss_rule();
	char *big = arena_alloc(&strings, 10001);
	for (int i = 0; i < 10000; i++)
		big[i] = "ab=c"[i % 4];
	r.name = big;
	roundtrip(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_write_refusals),
		cmocka_unit_test(test_parse_structure),
		cmocka_unit_test(test_to_rule),
		cmocka_unit_test(test_roundtrip),
	};
	int rc = cmocka_run_group_tests_name("GPO firewall rule strings", tests, NULL, NULL);
	arena_release(&strings);
	return rc;
}
