// The intent checker (check.c): every valid intent of tests/intent/valid loads
// without a diagnostic, the typed intent holds what the file says, and each
// semantic error is reported at its node. Expected SIDs are written out by hand
// from DOMAIN.md §3 (DC is RID 515, EA 519, LA 500), not computed by sd/.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/strbuf.h"
#include "intent/intent.h"

struct checked {
	struct src_file f;
	struct strbuf text;
	struct arena a;
	struct diag d;
	struct intent in;
	bool ok;
};

static struct checked *check_text(const char *name, const char *text, size_t len)
{
	struct checked *c = calloc(1, sizeof(*c));
	strbuf_init(&c->text, 0);
	strbuf_add(&c->text, text, len);
	c->f.name = name;
	c->f.text = c->text.buf;
	c->f.len = c->text.len;
	arena_init(&c->a);
	diag_init(&c->d);
	c->ok = intent_load(&c->f, &c->a, &c->d, &c->in);
	return c;
}

static struct checked *check(const char *text)
{
	return check_text("t.yaml", text, strlen(text));
}

static struct checked *check_file(const char *name)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT, err = STRBUF_INIT;
	strbuf_addf(&path, "%s/%s", INTENT_VALID_DIR, name);
	if (!read_file(path.buf, &text, &err))
		fail_msg("%s", err.buf);
	struct checked *c = check_text(name, text.buf, text.len);
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&err);
	return c;
}

static void done(struct checked *c)
{
	diag_release(&c->d);
	arena_release(&c->a);
	strbuf_release(&c->text);
	free(c);
}

static void print_diags(const struct checked *c)
{
	diag_print_gcc(&c->d, stderr);
}

static void expect_diag(const struct checked *c, size_t i, enum diag_severity sev, uint32_t line, uint32_t col,
			const char *text)
{
	if (i >= c->d.n || c->d.v[i].severity != sev || c->d.v[i].pos.line != line ||
	    (line && c->d.v[i].pos.col != col) || strcmp(c->d.v[i].message, text)) {
		fprintf(stderr, "expected diagnostic %zu at %u:%u: \"%s\"; got:\n", i, line, col, text);
		print_diags(c);
		fail();
	}
}

// The intent fails with exactly this one error.
static void expect_error(const char *text, uint32_t line, uint32_t col, const char *msg)
{
	struct checked *c = check(text);
	assert_false(c->ok);
	if (c->d.n != 1) {
		print_diags(c);
		fail_msg("expected one diagnostic, got %zu", c->d.n);
	}
	expect_diag(c, 0, DIAG_ERROR, line, col, msg);
	done(c);
}

static void expect_sid(const struct sid *s, uint64_t authority, size_t n, const uint32_t *sub)
{
	assert_int_equal(s->revision, 1);
	assert_int_equal(s->authority, authority);
	assert_int_equal(s->sub_count, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s->sub[i], sub[i]);
}

#define EXPECT_SID(s, auth, ...) expect_sid((s), (auth), sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t), \
					    (const uint32_t[]){ __VA_ARGS__ })

static void expect_pos(struct src_pos p, uint32_t line, uint32_t col)
{
	if (p.line != line || p.col != col)
		fail_msg("position %u:%u, expected %u:%u", p.line, p.col, line, col);
}

// A minimal valid intent around one grant's extra lines, for error tests.
#define HEAD "gpoc: 1\npolicy: {name: p}\n"

// ---------------------------------------------------------------------------
// Valid intents

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_every_valid_intent_loads(void **state)
{
	(void)state;
	DIR *dir = opendir(INTENT_VALID_DIR);
	assert_non_null(dir);
	char *names[256];
	size_t n = 0;
	for (struct dirent *e; (e = readdir(dir));) {
		size_t len = strlen(e->d_name);
		if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml") && n < ARRAY_SIZE(names))
			names[n++] = strdup(e->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), cmp_str);
	// Guards against the directory moving and this test passing on nothing.
	assert_true(n >= 9);
	for (size_t i = 0; i < n; i++) {
		struct checked *c = check_file(names[i]);
		if (!c->ok || c->d.n) {
			print_diags(c);
			fail_msg("%s: expected no diagnostics", names[i]);
		}
		assert_non_null(c->in.policy.name);
		assert_true(c->in.n_grants >= 1);
		done(c);
		free(names[i]);
	}
}

static void test_full_intent_typed(void **state)
{
	(void)state;
	struct checked *c = check_file("full.yaml");
	assert_true(c->ok);
	const struct intent *in = &c->in;
	assert_ptr_equal(in->file, &c->f);
	assert_int_equal(in->version, 1);
	assert_string_equal(in->policy.name, "monitoring-wmi");
	assert_string_equal(in->policy.description, "Let the monitoring group query WMI on the servers");
	assert_string_equal(in->policy.owner, "infra");
	assert_string_equal(in->policy.ticket, "CHG-1234");
	expect_pos(in->policy.pos, 5, 3);
	assert_string_equal(in->netbios, "CONTOSO");
	assert_true(in->sids.has_domain);
	EXPECT_SID(&in->sids.domain, 5, 21, 1004336348, 1177238915, 682003330);
	assert_true(in->sids.has_forest);
	EXPECT_SID(&in->sids.forest, 5, 21, 1, 2, 3);
	assert_true(in->sids.has_machine);
	EXPECT_SID(&in->sids.machine, 5, 21, 7, 8, 9);

	assert_int_equal(in->n_principals, 6);
	const struct principal *p = intent_principal(in, "monitoring");
	assert_ptr_equal(p, &in->principals[0]);
	assert_string_equal(p->key, "monitoring");
	assert_string_equal(p->name, "CONTOSO\\Monitoring");
	assert_true(p->has_sid);
	EXPECT_SID(&p->sid, 5, 21, 1004336348, 1177238915, 682003330, 1105);
	assert_null(p->alias);
	expect_pos(p->pos, 15, 3);
	p = intent_principal(in, "computers");
	assert_string_equal(p->alias, "DC");
	assert_null(p->name);
	assert_true(p->has_sid);
	EXPECT_SID(&p->sid, 5, 21, 1004336348, 1177238915, 682003330, 515);
	p = intent_principal(in, "dcomusers");
	EXPECT_SID(&p->sid, 5, 32, 562);
	assert_string_equal(p->name, "BUILTIN\\Distributed COM Users");
	p = intent_principal(in, "helpdesk");
	assert_false(p->has_sid);
	assert_string_equal(p->name, "CONTOSO\\Helpdesk");
	p = intent_principal(in, "admins");
	assert_string_equal(p->alias, "ea"); // as written; aliases are case-insensitive
	EXPECT_SID(&p->sid, 5, 21, 1, 2, 3, 519);
	p = intent_principal(in, "localadmin");
	EXPECT_SID(&p->sid, 5, 21, 7, 8, 9, 500);
	assert_null(intent_principal(in, "nobody"));

	assert_int_equal(in->n_baselines, 1);
	assert_string_equal(in->baselines[0].name, "machine-launch-restriction");
	assert_string_equal(in->baselines[0].sddl, "O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)"
			    "(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCLCSWRP;;;LU)");

	assert_int_equal(in->n_grants, 2);
	const struct grant *g = &in->grants[0];
	assert_int_equal(g->index, 0);
	expect_pos(g->pos, 24, 5);
	assert_ptr_equal(g->to, intent_principal(in, "monitoring"));
	expect_pos(g->to_pos, 24, 9);
	assert_string_equal(g->allow, "remote-wmi");
	expect_pos(g->allow_pos, 25, 12);
	assert_string_equal(g->accept_risk, "reviewed in CHG-1234");
	expect_pos(g->accept_risk_pos, 26, 18);
	assert_string_equal(g->note, "read-only monitoring");
	assert_int_equal(g->n_suppress, 2);
	assert_string_equal(g->suppress[0].rule, "GPOC-L003");
	assert_string_equal(g->suppress[0].reason, "the scope is the monitoring subnet");
	assert_string_equal(g->suppress[1].rule, "GPOC-L004");
	assert_string_equal(g->suppress[1].reason, "second");
	// Capability parameters stay in the grant's node for the model.
	assert_non_null(g->node);
	const struct ynode *from = ynode_get(g->node, "from");
	assert_int_equal(from->kind, YNODE_SEQUENCE);
	assert_string_equal(from->items[0]->str, "10.0.0.0/8");
	assert_string_equal(ynode_get(g->node, "via")->str, "dcom-users-group");
	g = &in->grants[1];
	assert_int_equal(g->index, 1);
	assert_ptr_equal(g->to, intent_principal(in, "computers"));
	assert_string_equal(g->allow, "certsvc-enroll");
	assert_null(g->accept_risk);
	assert_null(g->note);
	assert_int_equal(g->n_suppress, 0);

	assert_int_equal(in->outputs, TARGET_ALL);
	expect_pos(in->outputs_pos, 39, 10);
	done(c);
}

static void test_defaults_when_absent(void **state)
{
	(void)state;
	struct checked *c = check(HEAD "grants: [{allow: firewall-rule}]\n");
	assert_true(c->ok);
	assert_int_equal(c->in.outputs, TARGET_ALL);
	assert_null(c->in.policy.description);
	assert_null(c->in.netbios);
	assert_false(c->in.sids.has_domain);
	assert_int_equal(c->in.n_principals, 0);
	assert_null(c->in.grants[0].to);
	assert_int_equal(c->in.grants[0].to_pos.line, 0);
	done(c);
	// Null optional values are absent values.
	c = check(HEAD "domain:\nprincipals: ~\nbaselines:\ngrants: [{allow: x, note: , to: }]\n");
	assert_true(c->ok);
	assert_null(c->in.grants[0].note);
	done(c);
}

static void test_strings_as_written(void **state)
{
	(void)state;
	struct checked *c = check_file("strings-as-written.yaml");
	assert_true(c->ok);
	assert_string_equal(c->in.policy.name, "2024.07-rollout");
	assert_string_equal(c->in.policy.description, "yes");
	assert_string_equal(c->in.policy.owner, "0x1F");
	assert_string_equal(c->in.policy.ticket, "1234");
	assert_string_equal(c->in.grants[0].note, "1.50");
	assert_string_equal(c->in.grants[0].accept_risk, "true");
	assert_string_equal(c->in.grants[0].to->key, "42");
	done(c);
}

static void test_outputs_selected(void **state)
{
	(void)state;
	struct checked *c = check(HEAD "grants: [{allow: x}]\noutputs: [plan, netsh, sddl]\n");
	assert_true(c->ok);
	assert_int_equal(c->in.outputs, TARGET_PLAN | TARGET_NETSH | TARGET_SDDL);
	expect_pos(c->in.outputs_pos, 4, 10);
	done(c);
}

static void test_targets(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		unsigned bit;
	} t[] = {
		{ "model", TARGET_MODEL }, { "sddl", TARGET_SDDL }, { "netsh", TARGET_NETSH },
		{ "reg", TARGET_REG },     { "ps1", TARGET_PS1 },   { "gpo", TARGET_GPO },
		{ "admx", TARGET_ADMX },   { "plan", TARGET_PLAN },
	};
	unsigned all = 0;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		assert_int_equal(target_from_name(t[i].name), t[i].bit);
		assert_string_equal(target_name(t[i].bit), t[i].name);
		all |= t[i].bit;
	}
	assert_int_equal(all, TARGET_ALL);
	assert_int_equal(target_from_name("NETSH"), 0);
	assert_int_equal(target_from_name("all"), 0);
	assert_int_equal(target_from_name(""), 0);
	assert_null(target_name(0));
	assert_null(target_name(TARGET_REG | TARGET_GPO));
	assert_null(target_name(1u << 8));
}

static void test_grant_keys(void **state)
{
	(void)state;
	assert_true(intent_is_grant_key("to"));
	assert_true(intent_is_grant_key("allow"));
	assert_true(intent_is_grant_key("accept-risk"));
	assert_true(intent_is_grant_key("note"));
	assert_true(intent_is_grant_key("suppress"));
	assert_false(intent_is_grant_key("from"));
	assert_false(intent_is_grant_key("To"));
	assert_string_equal(intent_grant_keys[0], "to");
	assert_string_equal(intent_grant_keys[INTENT_N_GRANT_KEYS - 1], "suppress");
}

// ---------------------------------------------------------------------------
// Errors, one class each

static void test_version_errors(void **state)
{
	(void)state;
	struct checked *c = check("gpoc: 2\npolicy: {nam: x}\nbogus: 1\n");
	// A later format is not checked further: its keys would be noise.
	assert_int_equal(c->d.n, 1);
	expect_diag(c, 0, DIAG_ERROR, 1, 7, "unsupported format version '2'; this gpoc reads version 1");
	done(c);
	expect_error("gpoc: '1'\npolicy: {name: p}\ngrants: [{allow: x}]\n", 1, 7,
		     "wrong type: 'gpoc' must be the integer 1, not '1' in quotes");
	expect_error("gpoc: 1.0\npolicy: {name: p}\ngrants: [{allow: x}]\n", 1, 7,
		     "wrong type: 'gpoc' must be the integer 1, not '1.0'");
	expect_error("gpoc: [1]\npolicy: {name: p}\ngrants: [{allow: x}]\n", 1, 7,
		     "wrong type: 'gpoc' must be a string, not a list");
	expect_error("gpoc:\npolicy: {name: p}\ngrants: [{allow: x}]\n", 1, 6,
		     "'gpoc' is empty; write the format version, 'gpoc: 1'");
	expect_error("policy: {name: p}\ngrants: [{allow: x}]\n", 0, 0,
		     "the top level has no 'gpoc'; add 'gpoc:' with the format version, 'gpoc: 1'");
}

static void test_unknown_keys(void **state)
{
	(void)state;
	expect_error(HEAD "grants: [{allow: x}]\noutput: [reg]\n", 4, 1,
		     "unknown key 'output' in the top level; did you mean 'outputs'?");
	expect_error(HEAD "grants: [{allow: x}]\nzzz: 1\n", 4, 1,
		     "unknown key 'zzz' in the top level; expected 'gpoc', 'policy', 'domain', 'principals', "
		     "'baselines', 'grants' or 'outputs'");
	expect_error("gpoc: 1\npolicy: {name: p, tiket: 1}\ngrants: [{allow: x}]\n", 2, 19,
		     "unknown key 'tiket' in 'policy'; did you mean 'ticket'?");
	expect_error(HEAD "domain: {netbio: X}\ngrants: [{allow: x}]\n", 3, 10,
		     "unknown key 'netbio' in 'domain'; did you mean 'netbios'?");
	expect_error(HEAD "principals: {p: {sid: S-1-1-0, alais: WD}}\ngrants: [{allow: x}]\n", 3, 32,
		     "unknown key 'alais' in principal 'p'; did you mean 'alias'?");
	expect_error(HEAD "grants: [{allow: x, suppress: [{rule: R, reason: r, reasn: s}]}]\n", 3, 53,
		     "unknown key 'reasn' in a suppression; did you mean 'reason'?");
}

static void test_wrong_types(void **state)
{
	(void)state;
	expect_error("gpoc: 1\npolicy: [name]\ngrants: [{allow: x}]\n", 2, 9,
		     "wrong type: 'policy' must be a mapping, not a list");
	expect_error("gpoc: 1\npolicy:\ngrants: [{allow: x}]\n", 2, 8,
		     "'policy' is empty; write a mapping holding at least 'name'");
	expect_error("gpoc: 1\npolicy: {name: {a: b}}\ngrants: [{allow: x}]\n", 2, 16,
		     "wrong type: 'name' must be a string, not a mapping");
	expect_error(HEAD "grants: {allow: x}\n", 3, 9, "wrong type: 'grants' must be a list, not a mapping");
	expect_error(HEAD "grants: [remote-wmi]\n", 3, 10,
		     "wrong type: grant 1 must be a mapping with 'allow', not a string");
	expect_error(HEAD "grants: [{allow: x, note: [a]}]\n", 3, 27, "wrong type: 'note' must be a string, not a list");
	expect_error(HEAD "grants: [{allow: x, suppress: {rule: a}}]\n", 3, 31,
		     "wrong type: 'suppress' must be a list, not a mapping");
	expect_error(HEAD "grants: [{allow: x, suppress: [GPOC-L001]}]\n", 3, 32,
		     "wrong type: a suppression must be a mapping '{ rule: ID, reason: text }', not a string");
	expect_error(HEAD "domain: [CONTOSO]\ngrants: [{allow: x}]\n", 3, 9,
		     "wrong type: 'domain' must be a mapping, not a list");
	expect_error(HEAD "principals: [a]\ngrants: [{allow: x}]\n", 3, 13,
		     "wrong type: 'principals' must be a mapping, not a list");
	expect_error(HEAD "principals: {p: 'CONTOSO\\x'}\ngrants: [{allow: x}]\n", 3, 17,
		     "wrong type: principal 'p' must be a mapping with 'name', 'sid' or 'alias', not a string");
	expect_error(HEAD "baselines: {mlr: [x]}\ngrants: [{allow: x}]\n", 3, 18,
		     "wrong type: baseline 'mlr' must be an SDDL string, not a list");
	expect_error(HEAD "baselines: {mlr: }\ngrants: [{allow: x}]\n", 3, 18,
		     "wrong type: baseline 'mlr' must be an SDDL string, not empty");
	expect_error(HEAD "grants: [{allow: x}]\noutputs: reg\n", 4, 10, "wrong type: 'outputs' must be a list, not a string");
	expect_error(HEAD "grants: [{allow: x}]\noutputs: [[reg]]\n", 4, 11,
		     "wrong type: each output must be a string, not a list");
}

static void test_policy_names(void **state)
{
	(void)state;
	static const char *const good[] = { "a", "A9", "0abc", "a.b_c-d", "con1", "comx", "CONSOLE", "com0",
					    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "gpoc: 1\npolicy: {name: '%s'}\ngrants: [{allow: x}]\n", good[i]);
		struct checked *c = check(sb.buf);
		if (!c->ok)
			print_diags(c);
		assert_true(c->ok);
		assert_string_equal(c->in.policy.name, good[i]);
		done(c);
		strbuf_release(&sb);
	}
	static const char *const bad[] = { "-a", ".a", "_a", "a b", "a/b", "a\\\\b", "\\u00e9t\\u00e9", "a:b",
					   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "gpoc: 1\npolicy: {name: \"%s\"}\ngrants: [{allow: x}]\n", bad[i]);
		struct checked *c = check(sb.buf);
		assert_false(c->ok);
		assert_int_equal(c->d.n, 1);
		assert_non_null(strstr(c->d.v[0].message, "invalid policy name"));
		assert_non_null(strstr(c->d.v[0].message, "use 1 to 64 letters, digits, '.', '_' or '-', "
							     "starting with a letter or digit"));
		assert_null(c->in.policy.name);
		done(c);
		strbuf_release(&sb);
	}
	expect_error("gpoc: 1\npolicy: {name: Aux.txt}\ngrants: [{allow: x}]\n", 2, 16,
		     "invalid policy name 'Aux.txt'; Windows reserves it for a device, so it cannot name a file");
	expect_error("gpoc: 1\npolicy: {name: lpt9}\ngrants: [{allow: x}]\n", 2, 16,
		     "invalid policy name 'lpt9'; Windows reserves it for a device, so it cannot name a file");
	expect_error("gpoc: 1\npolicy: {name: a.}\ngrants: [{allow: x}]\n", 2, 16,
		     "invalid policy name 'a.'; it cannot end with '.', which Windows drops from file names");
	expect_error("gpoc: 1\npolicy: {name: ''}\ngrants: [{allow: x}]\n", 2, 16,
		     "invalid policy name ''; use 1 to 64 letters, digits, '.', '_' or '-', starting with a "
		     "letter or digit");
	expect_error("gpoc: 1\npolicy: {owner: me}\ngrants: [{allow: x}]\n", 2, 9,
		     "'policy' has no 'name'; add 'name:' with the policy's name, such as 'monitoring-wmi'");
}

static void test_domain_errors(void **state)
{
	(void)state;
	expect_error(HEAD "domain: {sid: S-1-5-21-x}\ngrants: [{allow: x}]\n", 3, 15,
		     "invalid SID 'S-1-5-21-x'; expected a SID such as 'S-1-5-32-544': 'S-1-', an authority, "
		     "then up to 15 sub-authorities");
	expect_error(HEAD "domain: {forest-sid: S-1-5-21-4294967296}\ngrants: [{allow: x}]\n", 3, 22,
		     "invalid SID 'S-1-5-21-4294967296'; sub-authority of SID too large; each must be below 2^32");
	expect_error(HEAD "domain: {machine-sid: S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15}\ngrants: [{allow: x}]\n",
		     3, 23, "'machine-sid' has 15 sub-authorities and leaves no room for a RID; a domain SID has "
		     "at most 14");
	expect_error(HEAD "domain: {netbios: CONTOSOCONTOSO16}\ngrants: [{allow: x}]\n", 3, 19,
		     "invalid NetBIOS domain name 'CONTOSOCONTOSO16'; use 1 to 15 characters, none of \\ / : * ? "
		     "\" < > |, not starting with '.'");
	expect_error(HEAD "domain: {netbios: .CORP}\ngrants: [{allow: x}]\n", 3, 19,
		     "invalid NetBIOS domain name '.CORP'; use 1 to 15 characters, none of \\ / : * ? \" < > |, "
		     "not starting with '.'");
	expect_error(HEAD "domain: {netbios: 'A|B'}\ngrants: [{allow: x}]\n", 3, 19,
		     "invalid NetBIOS domain name 'A|B'; use 1 to 15 characters, none of \\ / : * ? \" < > |, not "
		     "starting with '.'");
	struct checked *c = check(HEAD "domain: {netbios: CONTOSOCONTOS15}\ngrants: [{allow: x}]\n");
	assert_true(c->ok);
	done(c);
}

static void test_principal_errors(void **state)
{
	(void)state;
	expect_error(HEAD "principals: {p: {}}\ngrants: [{allow: x}]\n", 3, 17,
		     "principal 'p' has no 'name', 'sid' or 'alias'; give at least one");
	expect_error(HEAD "principals: {p: {name: , sid: ~}}\ngrants: [{allow: x}]\n", 3, 17,
		     "principal 'p' has no 'name', 'sid' or 'alias'; give at least one");
	struct checked *c = check(HEAD "principals: {p: {sid: S-1-1-0, alias: WD}}\ngrants: [{allow: x}]\n");
	assert_int_equal(c->d.n, 2);
	expect_diag(c, 0, DIAG_ERROR, 3, 39, "principal 'p' has both 'sid' and 'alias'; keep one of them");
	expect_diag(c, 1, DIAG_NOTE, 3, 23, "'sid' is given here");
	done(c);
	expect_error(HEAD "principals: {p: {sid: S-1-99999999999999999}}\ngrants: [{allow: x}]\n", 3, 23,
		     "invalid SID 'S-1-99999999999999999'; authority of SID too large; it must be below 2^48");
	expect_error(HEAD "principals: {'': {alias: WD}}\ngrants: [{allow: x}]\n", 3, 14,
		     "principal key is empty; grants refer to principals by key, so give it a name such as "
		     "'monitoring'");
	expect_error(HEAD "principals: {p: {alias: ZZ}}\ngrants: [{allow: x}]\n", 3, 25,
		     "unknown SID alias 'ZZ'; use a two-letter SDDL alias such as 'BA' or 'DU', or give 'sid:'");
	expect_error(HEAD "principals: {p: {alias: BR}}\ngrants: [{allow: x}]\n", 3, 25,
		     "alias 'BR' is refused by Windows; give the SID with 'sid:' instead");
	expect_error(HEAD "principals: {p: {alias: DA}}\ngrants: [{allow: x}]\n", 3, 25,
		     "alias 'DA' is relative to the domain; add the domain's SID as 'sid:' under 'domain:'");
	expect_error(HEAD "principals: {p: {alias: EA}}\ngrants: [{allow: x}]\n", 3, 25,
		     "alias 'EA' is relative to the forest root domain; add 'forest-sid:' (or 'sid:') under "
		     "'domain:'");
	expect_error(HEAD "principals: {p: {alias: lg}}\ngrants: [{allow: x}]\n", 3, 25,
		     "alias 'lg' is relative to the machine's account domain; add 'machine-sid:' (or 'sid:') "
		     "under 'domain:'");
	// With only a forest SID, the domain aliases still lack their domain.
	expect_error(HEAD "domain: {forest-sid: S-1-5-21-1-2-3}\nprincipals: {p: {alias: DU}, q: {alias: SA}}\n"
		     "grants: [{allow: x}]\n", 4, 25,
		     "alias 'DU' is relative to the domain; add the domain's SID as 'sid:' under 'domain:'");
}

static void test_account_names(void **state)
{
	(void)state;
	static const char *const good[] = { "CONTOSO\\\\Monitoring", "Monitoring", "NT AUTHORITY\\\\NETWORK SERVICE",
					    "user@contoso.com", "CONTOSO\\\\svc-wmi$", "\\u00c9quipe" };
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, HEAD "principals: {p: {name: \"%s\"}}\ngrants: [{allow: x}]\n", good[i]);
		struct checked *c = check(sb.buf);
		if (!c->ok)
			print_diags(c);
		assert_true(c->ok);
		done(c);
		strbuf_release(&sb);
	}
	static const struct {
		const char *name, *msg;
	} bad[] = {
		{ "A\\\\B\\\\C", "invalid account name 'A\\B\\C'; it has more than one '\\'; write DOMAIN\\name or name" },
		{ "\\\\x", "invalid account name '\\x'; the domain before '\\' is empty; write DOMAIN\\name or name" },
		{ "CONTOSO\\\\", "invalid account name 'CONTOSO\\'; the account name is empty; write DOMAIN\\name or name" },
		{ "a\\tb", "invalid account name 'a\tb'; it contains a control character; write DOMAIN\\name or name" },
		{ "a\\\"b", "invalid account name 'a\"b'; Windows does not allow '\"' in user or group names" },
		{ "C\\\\a*", "invalid account name 'C\\a*'; Windows does not allow '*' in user or group names" },
		{ "a;b", "invalid account name 'a;b'; Windows does not allow ';' in user or group names" },
		{ "a<b>", "invalid account name 'a<b>'; Windows does not allow '<' in user or group names" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, HEAD "principals: {p: {name: \"%s\"}}\ngrants: [{allow: x}]\n", bad[i].name);
		expect_error(sb.buf, 3, 24, bad[i].msg);
		strbuf_release(&sb);
	}
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, HEAD "principals: {p: {name: 'D\\");
	for (int i = 0; i < 257; i++)
		strbuf_addch(&sb, 'n');
	strbuf_addstr(&sb, "'}}\ngrants: [{allow: x}]\n");
	struct checked *c = check(sb.buf);
	assert_int_equal(c->d.n, 1);
	assert_non_null(strstr(c->d.v[0].message, "a part is longer than 256 characters"));
	done(c);
	strbuf_release(&sb);
}

static void test_grant_errors(void **state)
{
	(void)state;
	expect_error(HEAD "grants: []\n", 3, 9, "'grants' is empty; an intent grants at least one thing");
	expect_error(HEAD "grants:\n", 3, 8, "'grants' is empty; write a list of grants, such as '- { to: "
		     "monitoring, allow: remote-wmi }'");
	expect_error(HEAD "grants: [{to: p}]\nprincipals: {p: {alias: WD}}\n", 3, 10,
		     "grant 1 has no 'allow'; add 'allow:' with the capability or primitive to grant, such as "
		     "'remote-wmi'");
	expect_error(HEAD "grants: [{allow: ''}]\n", 3, 18, "'allow' is empty; write the capability or primitive to grant");
	expect_error(HEAD "grants: [{allow: x, accept-risk: }]\n", 3, 34,
		     "'accept-risk' is empty; write why the risk is acceptable");
	expect_error(HEAD "grants: [{allow: x, accept-risk: ''}]\n", 3, 34,
		     "'accept-risk' is empty; write why the risk is acceptable");
	expect_error(HEAD "grants: [{allow: x, suppress: [{rule: GPOC-L001}]}]\n", 3, 32,
		     "a suppression has no 'reason'; add 'reason:' with why the finding does not apply");
	expect_error(HEAD "grants: [{allow: x, suppress: [{rule: GPOC-L001, reason: ''}]}]\n", 3, 58,
		     "'reason' is empty; write why the finding does not apply");
	expect_error(HEAD "grants: [{allow: x, suppress: [{reason: because}]}]\n", 3, 32,
		     "a suppression has no 'rule'; add 'rule:' with the ID of the lint rule, such as 'GPOC-L003'");
}

static void test_unknown_principal(void **state)
{
	(void)state;
	expect_error(HEAD "principals: {monitoring: {alias: WD}}\ngrants: [{to: monitorin, allow: x}]\n", 4, 15,
		     "unknown principal 'monitorin'; did you mean 'monitoring'?");
	expect_error(HEAD "principals: {monitoring: {alias: WD}}\ngrants: [{to: admins, allow: x}]\n", 4, 15,
		     "unknown principal 'admins'; 'to:' names a key under 'principals:'");
	expect_error(HEAD "grants: [{to: admins, allow: x}]\n", 3, 15,
		     "unknown principal 'admins'; define it under 'principals:'");
	// Principals may come after the grants that use them.
	struct checked *c = check(HEAD "grants: [{to: b, allow: x}, {to: a, allow: y}]\n"
				       "principals: {a: {alias: WD}, b: {alias: AU}}\n");
	assert_true(c->ok);
	assert_string_equal(c->in.grants[0].to->key, "b");
	assert_string_equal(c->in.grants[1].to->key, "a");
	done(c);
}

static void test_output_errors(void **state)
{
	(void)state;
	expect_error(HEAD "grants: [{allow: x}]\noutputs: [netsh, regg]\n", 4, 18, "unknown output 'regg'; did you mean 'reg'?");
	expect_error(HEAD "grants: [{allow: x}]\noutputs: [html]\n", 4, 11,
		     "unknown output 'html'; expected model, sddl, netsh, reg, ps1, gpo, admx or plan");
	expect_error(HEAD "grants: [{allow: x}]\noutputs: []\n", 4, 10,
		     "'outputs' is empty; list the targets to build, or remove the key to build them all");
	expect_error(HEAD "grants: [{allow: x}]\noutputs:\n", 4, 9,
		     "'outputs' is empty; list the targets to build, or remove the key to build them all");
	struct checked *c = check(HEAD "grants: [{allow: x}]\noutputs: [reg, plan, reg]\n");
	assert_int_equal(c->d.n, 2);
	expect_diag(c, 0, DIAG_ERROR, 4, 22, "output 'reg' is listed twice");
	expect_diag(c, 1, DIAG_NOTE, 4, 11, "'reg' is first listed here");
	done(c);
}

// All errors of a file come out at once, in document order, loader errors
// (duplicate key) among checker errors.
static void test_all_errors_in_document_order(void **state)
{
	(void)state;
	struct checked *c = check("gpoc: 1\n"
				  "policy: {name: 'bad name', colour: red}\n"
				  "grants:\n"
				  "  - to: nobody\n"
				  "    allow: x\n"
				  "  - note: n\n"
				  "principals:\n"
				  "  a: {alias: QQ}\n"
				  "  a: {alias: WD}\n"
				  "outputs: [pln]\n");
	assert_false(c->ok);
	assert_int_equal(c->d.n, 8);
	expect_diag(c, 0, DIAG_ERROR, 2, 16, "invalid policy name 'bad name'; use 1 to 64 letters, digits, '.', '_' "
		    "or '-', starting with a letter or digit");
	expect_diag(c, 1, DIAG_ERROR, 2, 28, "unknown key 'colour' in 'policy'; expected 'name', 'description', "
		    "'owner' or 'ticket'");
	expect_diag(c, 2, DIAG_ERROR, 4, 9, "unknown principal 'nobody'; 'to:' names a key under 'principals:'");
	expect_diag(c, 3, DIAG_ERROR, 6, 5, "grant 2 has no 'allow'; add 'allow:' with the capability or primitive "
		    "to grant, such as 'remote-wmi'");
	expect_diag(c, 4, DIAG_ERROR, 8, 14, "unknown SID alias 'QQ'; use a two-letter SDDL alias such as 'BA' or "
		    "'DU', or give 'sid:'");
	expect_diag(c, 5, DIAG_ERROR, 9, 3, "duplicate key 'a'; a key may appear once in a mapping");
	expect_diag(c, 6, DIAG_NOTE, 8, 3, "'a' is first defined here");
	expect_diag(c, 7, DIAG_ERROR, 10, 11, "unknown output 'pln'; did you mean 'plan'?");
	done(c);
}

// A loader error that leaves the tree readable does not hide checker errors.
static void test_checks_after_loader_errors(void **state)
{
	(void)state;
	struct checked *c = check("gpoc: 1\npolicy: {name: !!str p}\ngrants: [{allow: x}]\noutputs: [rgg]\n");
	assert_int_equal(c->d.n, 2);
	expect_diag(c, 0, DIAG_ERROR, 2, 16, "explicit tag '!!str' is not allowed; the intent language has no tags");
	expect_diag(c, 1, DIAG_ERROR, 4, 11, "unknown output 'rgg'; did you mean 'reg'?");
	done(c);
	// After a syntax error there is no tree to check.
	c = check("gpoc: 1\npolicy: {name: [}\n");
	assert_false(c->ok);
	assert_int_equal(c->d.v[0].severity, DIAG_ERROR);
	assert_non_null(strstr(c->d.v[0].message, "invalid YAML"));
	for (size_t i = 0; i < c->d.n; i++)
		assert_null(strstr(c->d.v[i].message, "has no"));
	done(c);
}

// Long user text is cut in messages, never the whole 60 KiB.
static void test_long_text_quoted_short(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, HEAD "grants: [{allow: x}]\n");
	for (int i = 0; i < 1000; i++)
		strbuf_addstr(&sb, "\xC3\xA9");
	strbuf_addstr(&sb, ": 1\n");
	struct checked *c = check(sb.buf);
	assert_int_equal(c->d.n, 1);
	const char *m = c->d.v[0].message;
	assert_true(strlen(m) < 300);
	// Cut on a character boundary: 30 two-byte characters, then "...".
	assert_non_null(strstr(m, "\xC3\xA9..."));
	assert_null(strstr(m, "\xC3..."));
	done(c);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_valid_intent_loads),
		cmocka_unit_test(test_full_intent_typed),
		cmocka_unit_test(test_defaults_when_absent),
		cmocka_unit_test(test_strings_as_written),
		cmocka_unit_test(test_outputs_selected),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_grant_keys),
		cmocka_unit_test(test_version_errors),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_policy_names),
		cmocka_unit_test(test_domain_errors),
		cmocka_unit_test(test_principal_errors),
		cmocka_unit_test(test_account_names),
		cmocka_unit_test(test_grant_errors),
		cmocka_unit_test(test_unknown_principal),
		cmocka_unit_test(test_output_errors),
		cmocka_unit_test(test_all_errors_in_document_order),
		cmocka_unit_test(test_checks_after_loader_errors),
		cmocka_unit_test(test_long_text_quoted_short),
	};
	return cmocka_run_group_tests_name("intent_check", tests, NULL, NULL);
}
