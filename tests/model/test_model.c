// Unit tests of the model: template text, value readers, expansion and merging,
// and a cross-check of every descriptor of every example against the sd module.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <unistd.h>

#include "core/file.h"
#include "model/internal.h"
#include "sd/secdesc.h"

static const char *source_dir(void)
{
	const char *s = getenv("GPOC_SOURCE_DIR");
	assert_non_null(s);
	return s;
}

// One compilation: its arena, diagnostics, intent and model.
struct compiled {
	struct arena a;
	struct diag d;
	struct src_file f;
	struct intent in;
	struct model m;
	char *templates;
	char *owned_text; // the intent's text: the model points into it
	bool ok;
};

static void compile_text(struct compiled *c, const char *name, const char *text)
{
	memset(c, 0, sizeof(*c));
	arena_init(&c->a);
	diag_init(&c->d);
	c->f.name = name;
	c->f.text = text;
	c->f.len = strlen(text);
	size_t n = strlen(source_dir()) + 16;
	c->templates = malloc(n);
	snprintf(c->templates, n, "%s/templates", source_dir());
	struct model_options opt = { .templates_dir = c->templates };
	c->ok = intent_load(&c->f, &c->a, &c->d, &c->in) && model_build(&c->in, &opt, &c->a, &c->d, &c->m);
	if (!c->ok)
		diag_print_gcc(&c->d, stderr);
}

static void release(struct compiled *c)
{
	diag_release(&c->d);
	arena_release(&c->a);
	free(c->templates);
	free(c->owned_text);
}

static const char *const header = "gpoc: 1\n"
				  "policy: { name: t }\n"
				  "domain: { netbios: CONTOSO, sid: S-1-5-21-1-2-3 }\n"
				  "principals:\n"
				  "  ops: { name: 'CONTOSO\\Ops', sid: S-1-5-21-1-2-3-1000 }\n"
				  "  everyone: { alias: WD }\n"
				  "grants:\n";

static void compile_grants(struct compiled *c, const char *grants)
{
	size_t n = strlen(header) + strlen(grants) + 1;
	char *text = malloc(n);
	snprintf(text, n, "%s%s", header, grants);
	compile_text(c, "t.yaml", text);
	c->owned_text = text;
}

static const struct m_descriptor *lookup_desc(const struct model *m, enum descriptor_kind k, const char *target)
{
	for (size_t i = 0; i < m->n_descriptors; i++)
		if (m->descriptors[i].kind == k &&
		    (target ? m->descriptors[i].target && !strcmp(m->descriptors[i].target, target) : !m->descriptors[i].target))
			return &m->descriptors[i];
	return NULL;
}

// The descriptor, which must exist (the test fails otherwise).
static const struct m_descriptor *find_desc(const struct model *m, enum descriptor_kind k, const char *target)
{
	static const struct m_descriptor none;
	const struct m_descriptor *d = lookup_desc(m, k, target);
	if (!d)
		fail_msg("no %s descriptor %s", descriptor_kind_name(k), target ? target : "");
	return d ? d : &none;
}

// The ACE for the principal whose last sub-authority is `rid`, which must exist.
static const struct m_ace *find_ace(const struct m_descriptor *d, uint32_t rid)
{
	static const struct principal nobody;
	static const struct m_ace none = { .who = &nobody };
	for (size_t i = 0; i < d->n_aces; i++) {
		const struct sid *s = &d->aces[i].who->sid;
		if (d->aces[i].who->has_sid && s->sub_count && s->sub[s->sub_count - 1] == rid)
			return &d->aces[i];
	}
	fail_msg("no ACE for RID %u in %s", rid, d->name ? d->name : "?");
	return &none;
}

// --- Template text ---

static void test_tmpl_split(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct tpart *p;
	size_t n;
	const char *err;
	assert_true(tmpl_split(&a, "${from}", &p, &n, &err));
	assert_int_equal(n, 1);
	assert_true(p[0].is_var);
	assert_string_equal(p[0].text, "from");

	assert_true(tmpl_split(&a, "gpoc ${policy}: $${x} costs $$5 and $y", &p, &n, &err));
	assert_int_equal(n, 3);
	assert_false(p[0].is_var);
	assert_string_equal(p[0].text, "gpoc ");
	assert_true(p[1].is_var);
	assert_string_equal(p[1].text, "policy");
	assert_string_equal(p[2].text, ": ${x} costs $5 and $y");

	assert_false(tmpl_split(&a, "a ${from", &p, &n, &err));
	assert_false(tmpl_split(&a, "${From}", &p, &n, &err));
	assert_false(tmpl_split(&a, "${}", &p, &n, &err));
	assert_true(tmpl_has_syntax("x$$"));
	assert_false(tmpl_has_syntax("$x {y}"));
	arena_release(&a);
}

// --- Value readers ---

static void test_addresses(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	const char *err;
	assert_string_equal(address_canonical(&a, "10.0.0.0/8", &err), "10.0.0.0/8");
	assert_string_equal(address_canonical(&a, "2001:DB8:0:0::/32", &err), "2001:db8::/32");
	assert_string_equal(address_canonical(&a, "localsubnet", &err), "LocalSubnet");
	assert_string_equal(address_canonical(&a, "ANY", &err), "any");
	assert_string_equal(address_canonical(&a, "10.0.0.1-10.0.0.9", &err), "10.0.0.1-10.0.0.9");
	assert_null(address_canonical(&a, "10.0.0.1/8", &err));
	assert_null(address_canonical(&a, "10.0.0.9-10.0.0.1", &err));
	assert_null(address_canonical(&a, "10.0.0.256", &err));
	assert_null(address_canonical(&a, "example.com", &err));
	arena_release(&a);
}

static void test_values(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct diag d;
	diag_init(&d);
	struct vctx c = { .a = &a, .d = &d };
	struct pval v;

	struct param_decl ns = { .name = "namespace", .type = PT_NAMESPACE };
	assert_true(value_from_text(&c, &ns, "ROOT\\CimV2\\Sub_1", (struct src_pos){ 0 }, &v));
	assert_string_equal(v.s, "root\\cimv2\\sub_1");
	assert_false(value_from_text(&c, &ns, "root\\\\cimv2", (struct src_pos){ 0 }, &v));
	assert_false(value_from_text(&c, &ns, "root\\cim v2", (struct src_pos){ 0 }, &v));

	struct param_decl guid = { .name = "appid", .type = PT_GUID };
	assert_true(value_from_text(&c, &guid, "d99e6e74-fc88-11d0-b498-00a0c90312f3", (struct src_pos){ 0 }, &v));
	assert_string_equal(v.s, "{D99E6E74-FC88-11D0-B498-00A0C90312F3}");
	assert_false(value_from_text(&c, &guid, "{d99e6e74-fc88-11d0-b498-00a0c90312f}", (struct src_pos){ 0 }, &v));

	// Lists are kept sorted and unique; 'any' stands alone.
	struct param_decl addrs = { .name = "from", .type = PT_ADDRESS_LIST };
	const char *in[] = { "10.2.0.0/16", "10.1.0.0/16", "10.2.0.0/16" };
	assert_true(value_from_texts(&c, &addrs, in, 3, (struct src_pos){ 0 }, &v));
	assert_int_equal(v.n, 2);
	assert_string_equal(v.items[0], "10.1.0.0/16");
	assert_string_equal(v.items[1], "10.2.0.0/16");
	const char *mixed[] = { "10.1.0.0/16", "any" };
	assert_false(value_from_texts(&c, &addrs, mixed, 2, (struct src_pos){ 0 }, &v));

	struct param_decl rights = { .name = "rights", .type = PT_RIGHTS, .has_vocab = true, .vocab = VOCAB_WMI };
	const char *r[] = { "remote-enable", "enable", "remote-enable" };
	assert_true(value_from_texts(&c, &rights, r, 3, (struct src_pos){ 0 }, &v));
	assert_int_equal(v.n, 2);
	const char *bad_right[] = { "remote-launch" };
	assert_false(value_from_texts(&c, &rights, bad_right, 1, (struct src_pos){ 0 }, &v));

	struct param_decl level = { .name = "level", .type = PT_INT, .min = 1, .max = 6 };
	assert_true(value_from_text(&c, &level, "6", (struct src_pos){ 0 }, &v));
	assert_int_equal(v.i, 6);
	assert_false(value_from_text(&c, &level, "7", (struct src_pos){ 0 }, &v));
	assert_false(value_from_text(&c, &level, "0x6", (struct src_pos){ 0 }, &v));

	struct param_decl b = { .name = "inherit", .type = PT_BOOL };
	assert_true(value_from_text(&c, &b, "False", (struct src_pos){ 0 }, &v));
	assert_false(v.b);
	assert_false(value_from_text(&c, &b, "no", (struct src_pos){ 0 }, &v));

	struct param_decl s = { .name = "name", .type = PT_STRING };
	assert_false(value_from_text(&c, &s, "line\nbreak", (struct src_pos){ 0 }, &v));

	assert_int_equal(d.errors, 9);
	diag_release(&d);
	arena_release(&a);
}

// --- Expansion ---

static void test_dcom_users_group_default(void **state)
{
	(void)state;
	struct compiled c;
	compile_grants(&c, "  - to: ops\n    allow: remote-wmi\n    from: [10.0.0.0/8]\n");
	assert_true(c.ok);
	// Membership in Distributed COM Users, and no machine limit is touched.
	assert_int_equal(c.m.n_members, 1);
	assert_int_equal(c.m.members[0].group->sid.sub[1], 562);
	assert_null(lookup_desc(&c.m, DESC_MACHINE_LAUNCH, NULL));
	assert_null(lookup_desc(&c.m, DESC_MACHINE_ACCESS, NULL));
	const struct m_descriptor *ns = find_desc(&c.m, DESC_NAMESPACE, "root\\cimv2");
	const struct m_ace *a = find_ace(ns, 1000);
	assert_int_equal(a->mask, 0x21); // Enable + Remote Enable
	assert_int_equal(a->flags, ACE_CI);
	assert_int_equal(c.m.n_rules, 2);
	assert_string_equal(c.m.rules[0].rule.id, "gpoc-t-wmi-rpcss-in");
	assert_string_equal(c.m.rules[0].rule.local_ports, "RPC-EPMap");
	assert_string_equal(c.m.rules[0].rule.service, "RpcSs");
	assert_string_equal(c.m.rules[1].rule.local_ports, "RPC");
	assert_string_equal(c.m.rules[1].rule.service, "Winmgmt");
	assert_int_equal(c.m.rules[1].rule.n_remote_addrs, 1);
	assert_string_equal(c.m.rules[1].rule.remote_addrs[0], "10.0.0.0/8");
	assert_int_equal(c.m.n_steps, 0);
	release(&c);
}

static void test_machine_acl(void **state)
{
	(void)state;
	struct compiled c;
	compile_grants(&c, "  - to: ops\n    allow: remote-wmi\n    via: machine-acl\n    fixed-port: true\n"
			   "    inherit: false\n    from: [10.0.0.0/8]\n");
	assert_true(c.ok);
	assert_int_equal(c.m.n_members, 0);
	const struct m_descriptor *l = find_desc(&c.m, DESC_MACHINE_LAUNCH, NULL);
	const struct m_descriptor *ac = find_desc(&c.m, DESC_MACHINE_ACCESS, NULL);
	assert_true(l->has_baseline);
	assert_string_equal(l->baseline_name, "machine-launch-restriction");
	assert_int_equal(find_ace(l, 1000)->mask, 0x1F);  // CCDCLCSWRP
	assert_int_equal(find_ace(ac, 1000)->mask, 0x7);  // CCDCLC
	assert_int_equal(find_ace(find_desc(&c.m, DESC_NAMESPACE, "root\\cimv2"), 1000)->flags, 0);
	// A standalone WMI host at level 6 and its fixed port.
	assert_int_equal(c.m.n_steps, 1);
	assert_int_equal(c.m.steps[0].kind, STEP_WINMGMT_STANDALONE);
	assert_int_equal(c.m.steps[0].level, 6);
	assert_string_equal(c.m.rules[1].rule.local_ports, "24158");
	release(&c);
}

static void test_collapse_and_merge(void **state)
{
	(void)state;
	struct compiled c;
	compile_grants(&c, "  - to: ops\n    allow: remote-wmi\n    from: [10.0.0.0/8]\n"
			   "  - to: ops\n    allow: remote-wmi\n    from: [10.0.0.0/8]\n"
			   "  - to: ops\n    allow: remote-wmi\n    rights: [execute-methods]\n    from: [192.168.0.0/16]\n");
	assert_true(c.ok);
	assert_int_equal(c.m.n_members, 1);
	assert_int_equal(c.m.members[0].meta.n_prov, 3);
	// Provenance is in file order and names the template line.
	assert_int_equal(c.m.members[0].meta.prov[0].grant.line, 9);
	assert_int_equal(c.m.members[0].meta.prov[2].grant.line, 15);
	assert_string_equal(c.m.members[0].meta.prov[0].capability, "remote-wmi");
	assert_non_null(c.m.members[0].meta.prov[0].tmpl.file);
	const struct m_descriptor *ns = find_desc(&c.m, DESC_NAMESPACE, "root\\cimv2");
	assert_int_equal(ns->n_aces, 1);
	assert_int_equal(ns->aces[0].mask, 0x23);
	assert_int_equal(ns->aces[0].meta.n_prov, 3);
	// One rule per id, admitting both ranges.
	assert_int_equal(c.m.n_rules, 2);
	assert_int_equal(c.m.rules[0].rule.n_remote_addrs, 2);
	assert_string_equal(c.m.rules[0].rule.remote_addrs[1], "192.168.0.0/16");
	release(&c);
}

// Merged addresses past the per-rule budget split into parts with stable ids.
static void test_rule_split(void **state)
{
	(void)state;
	struct strbuf g = STRBUF_INIT;
	for (int i = 0; i < 400; i++)
		strbuf_addf(&g, "  - to: ops\n    allow: remote-wmi\n    from: [10.%d.%d.0/24]\n", i / 256, i % 256);
	struct compiled c;
	compile_grants(&c, g.buf);
	strbuf_release(&g);
	assert_true(c.ok);
	// Two rules (rpcss, winmgmt), each in parts.
	size_t parts = 0, addrs = 0, provs = 0;
	for (size_t i = 0; i < c.m.n_rules; i++) {
		const struct fw_rule *r = &c.m.rules[i].rule;
		if (strncmp(r->id, "gpoc-t-wmi-rpcss-in", 19))
			continue;
		parts++;
		size_t text = 0;
		for (size_t a = 0; a < r->n_remote_addrs; a++)
			text += strlen(r->remote_addrs[a]) + 1;
		assert_true(text <= 4000);
		addrs += r->n_remote_addrs;
		// A part carries the grants whose addresses it holds: one each here.
		assert_int_equal(c.m.rules[i].meta.n_prov, r->n_remote_addrs);
		provs += c.m.rules[i].meta.n_prov;
	}
	assert_int_equal(parts, 2);
	assert_int_equal(addrs, 400);
	assert_int_equal(provs, 400);
	// Sorted by id, the first part keeps the id; names say which part.
	assert_string_equal(c.m.rules[0].rule.id, "gpoc-t-wmi-rpcss-in");
	assert_string_equal(c.m.rules[0].rule.name, "gpoc t: WMI RPC endpoint mapper (in) (part 1 of 2)");
	assert_string_equal(c.m.rules[1].rule.id, "gpoc-t-wmi-rpcss-in-2");
	assert_string_equal(c.m.rules[1].rule.name, "gpoc t: WMI RPC endpoint mapper (in) (part 2 of 2)");
	// The parts together hold the sorted union, in order.
	assert_string_equal(c.m.rules[0].rule.remote_addrs[0], "10.0.0.0/24");
	const struct fw_rule *last = &c.m.rules[1].rule;
	assert_true(strcmp(c.m.rules[0].rule.remote_addrs[c.m.rules[0].rule.n_remote_addrs - 1], last->remote_addrs[0]) < 0);
	release(&c);
}

// A namespace descriptor with more ACEs than Windows' 16-bit ACL size holds (about
// 1,800 domain SIDs) is an error at a grant, from the model, so that no renderer
// reaches secdesc_encode's BUG (it aborted `gpoc build --target sddl` before).
static void test_acl_size_limit(void **state)
{
	(void)state;
	enum { N = 2000 };
	struct strbuf t = STRBUF_INIT;
	strbuf_addstr(&t, "gpoc: 1\npolicy: { name: t }\ndomain: { netbios: CONTOSO, sid: S-1-5-21-1-2-3 }\n"
			  "principals:\n");
	for (int i = 0; i < N; i++)
		strbuf_addf(&t, "  p%d: { name: 'CONTOSO\\G%d', sid: S-1-5-21-1-2-3-%d }\n", i, i, 5000 + i);
	strbuf_addstr(&t, "grants:\n");
	uint32_t first_grant = (uint32_t)N + 6;
	for (int i = 0; i < N; i++)
		strbuf_addf(&t, "  - to: p%d\n    allow: remote-wmi\n    from: [10.0.0.1]\n", i);
	struct compiled c;
	compile_text(&c, "t.yaml", t.buf);
	c.owned_text = strbuf_detach(&t, NULL);
	assert_false(c.ok);
	assert_int_equal(c.d.errors, 1);
	const struct diag_entry *e = &c.d.v[0];
	assert_non_null(strstr(e->message, "the descriptor root\\cimv2 would exceed Windows' 64 KiB ACL limit with "));
	// At a grant's `allow:`.
	assert_true(e->pos.line >= first_grant && (e->pos.line - first_grant) % 3 == 1);
	assert_int_equal(e->pos.col, 12);
	release(&c);

	// Below the limit the same intent compiles and every descriptor encodes.
	strbuf_addstr(&t, "gpoc: 1\npolicy: { name: t }\ndomain: { netbios: CONTOSO, sid: S-1-5-21-1-2-3 }\n"
			  "principals:\n");
	for (int i = 0; i < 1700; i++)
		strbuf_addf(&t, "  p%d: { name: 'CONTOSO\\G%d', sid: S-1-5-21-1-2-3-%d }\n", i, i, 5000 + i);
	strbuf_addstr(&t, "grants:\n");
	for (int i = 0; i < 1700; i++)
		strbuf_addf(&t, "  - to: p%d\n    allow: remote-wmi\n    from: [10.0.0.1]\n", i);
	compile_text(&c, "t.yaml", t.buf);
	c.owned_text = strbuf_detach(&t, NULL);
	assert_true(c.ok);
	size_t big = 0;
	for (size_t i = 0; i < c.m.n_descriptors; i++) {
		struct secdesc sd;
		struct strbuf bin = STRBUF_INIT;
		assert_true(model_descriptor_build(&c.m, &c.m.descriptors[i], true, &sd, &c.d));
		secdesc_encode(&sd, &bin);
		if (c.m.descriptors[i].n_aces >= 1700) {
			assert_true(bin.len > 1700 * 36);
			big++;
		}
		strbuf_release(&bin);
		secdesc_release(&sd);
	}
	assert_int_equal(big, 1);
	release(&c);
}

static void test_risk_reason_travels(void **state)
{
	(void)state;
	struct compiled c;
	compile_grants(&c, "  - to: ops\n    allow: remote-wmi\n    from: any\n    accept-risk: 'lab network only'\n"
			   "  - to: everyone\n    allow: dcom-remote-launch\n    accept-risk: 'legacy app'\n");
	assert_true(c.ok);
	assert_int_equal(c.m.rules[0].rule.n_remote_addrs, 0);
	assert_non_null(c.m.rules[0].meta.risk);
	assert_string_equal(c.m.rules[0].meta.risk_reason, "lab network only");
	const struct m_ace *a = find_ace(find_desc(&c.m, DESC_MACHINE_LAUNCH, NULL), 0);
	assert_non_null(strstr(a->meta.risk, "Everyone"));
	assert_string_equal(a->meta.risk_reason, "legacy app");
	release(&c);

	// Without the acceptance, both grants are refused.
	compile_grants(&c, "  - to: ops\n    allow: remote-wmi\n    from: any\n"
			   "  - to: everyone\n    allow: dcom-remote-launch\n");
	assert_false(c.ok);
	assert_int_equal(c.d.errors, 3); // two rules of the first grant, one ACE of the second
	release(&c);
}

static void test_contradictions(void **state)
{
	(void)state;
	struct compiled c;
	compile_grants(&c, "  - to: ops\n    allow: dcom-remote-access\n"
			   "  - to: ops\n    allow: dcom-limit\n    limit: access\n    rights: [remote-access]\n"
			   "    access: deny\n");
	assert_false(c.ok);
	assert_int_equal(c.d.errors, 1);
	assert_int_equal(c.d.v[0].pos.line, 11); // the later grant
	assert_int_equal(c.d.v[1].severity, DIAG_NOTE);
	assert_int_equal(c.d.v[1].pos.line, 9);
	release(&c);

	// A deny of a right nobody is allowed is no contradiction.
	compile_grants(&c, "  - to: ops\n    allow: dcom-limit\n    limit: access\n    rights: [local-access]\n"
			   "  - to: ops\n    allow: dcom-limit\n    limit: access\n    rights: [remote-access]\n"
			   "    access: deny\n");
	assert_true(c.ok);
	const struct m_descriptor *d = find_desc(&c.m, DESC_MACHINE_ACCESS, NULL);
	assert_int_equal(d->n_aces, 2);
	assert_int_equal(d->aces[0].type, ACE_DENY); // deny first
	release(&c);
}

static void test_no_effect_is_an_error(void **state)
{
	(void)state;
	struct compiled c;
	compile_grants(&c, "  - to: ops\n    allow: dcom-app\n    appid: '{D99E6E74-FC88-11D0-B498-00A0C90312F3}'\n");
	assert_false(c.ok);
	assert_int_equal(c.d.errors, 1);
	assert_non_null(strstr(c.d.v[0].message, "no effect"));
	release(&c);
}

static void test_registry_primitive(void **state)
{
	(void)state;
	struct compiled c;
	compile_grants(&c, "  - allow: registry-value\n    key: 'HKLM\\SOFTWARE\\Contoso'\n    name: List\n"
			   "    type: REG_MULTI_SZ\n    data: [a, 'b\xc3\xa9']\n"
			   "  - allow: registry-value\n    key: 'HKLM\\SOFTWARE\\Contoso'\n    name: Big\n"
			   "    type: REG_QWORD\n    data: '0x1122334455667788'\n    revert: value\n    revert-data: 0\n");
	assert_true(c.ok);
	assert_int_equal(c.m.n_values, 2);
	// Sorted by key, then name: Big before List.
	const struct m_registry *big = &c.m.values[0], *list = &c.m.values[1];
	static const uint8_t q[] = { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 };
	assert_int_equal(big->value.size, 8);
	assert_memory_equal(big->value.data, q, 8);
	assert_false(big->revert_delete);
	assert_int_equal(big->revert.size, 8);
	static const uint8_t m[] = { 'a', 0, 0, 0, 'b', 0, 0xe9, 0, 0, 0, 0, 0 };
	assert_int_equal(list->value.size, sizeof(m));
	assert_memory_equal(list->value.data, m, sizeof(m));
	assert_true(list->revert_delete);
	assert_false(list->stock_template);
	release(&c);
}

// --- Cross-check with the sd module, for every example ---

static void check_descriptors(const struct model *m)
{
	for (size_t i = 0; i < m->n_descriptors; i++) {
		const struct m_descriptor *d = &m->descriptors[i];
		struct secdesc sd, back;
		struct diag dd;
		diag_init(&dd);
		assert_true(model_descriptor_build(m, d, true, &sd, &dd));
		struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
		sddl_print(&sd, &m->sids, SDDL_PRINT_NUMERIC_RM, &text);
		struct sddl_error serr;
		assert_true(sddl_parse(text.buf, text.len, &m->sids, &back, &serr));
		assert_true(secdesc_equal(&sd, &back));
		if (!rights_validate(d->vocab, &sd, &err))
			fail_msg("%s: %s", d->name, err.buf);
		// S-1-5-32-580 is never printed as RM.
		assert_null(strstr(text.buf, ";RM)"));
		// The baseline's entries all survive, each at least as strong.
		for (size_t k = 0; d->has_baseline && k < d->baseline.dacl.count; k++) {
			const struct ace *b = &d->baseline.dacl.aces[k];
			bool kept = false;
			for (size_t j = 0; j < sd.dacl.count && !kept; j++) {
				const struct ace *s = &sd.dacl.aces[j];
				kept = s->type == b->type && s->flags == b->flags && sid_equal(&s->sid, &b->sid) &&
				       (s->mask & b->mask) == b->mask;
			}
			assert_true(kept);
		}
		// Every intent ACE is in the result.
		for (size_t k = 0; k < d->n_aces; k++) {
			uint32_t allowed, denied;
			secdesc_effective_rights(&sd, &d->aces[k].who->sid, &allowed, &denied);
			uint32_t got = d->aces[k].type == ACE_DENY ? denied : allowed;
			assert_int_equal(got & d->aces[k].mask, d->aces[k].mask);
		}
		strbuf_release(&text);
		strbuf_release(&err);
		secdesc_release(&sd);
		secdesc_release(&back);
		diag_release(&dd);
	}
}

static void test_examples_cross_check(void **state)
{
	(void)state;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/examples", source_dir());
	DIR *dp = opendir(dir);
	assert_non_null(dp);
	struct dirent *de;
	size_t seen = 0, descriptors = 0;
	while ((de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml"))
			continue;
		char path[4400];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
		assert_true(read_file(path, &text, &err));
		struct compiled c;
		compile_text(&c, path, text.buf);
		c.owned_text = strbuf_detach(&text, NULL);
		assert_true(c.ok);
		check_descriptors(&c.m);
		descriptors += c.m.n_descriptors;
		// The intent comes first in files_read, then what it pulled in.
		assert_string_equal(c.m.files_read[0], path);
		assert_true(c.m.n_files_read >= 2);
		release(&c);
		strbuf_release(&text);
		strbuf_release(&err);
		seen++;
	}
	closedir(dp);
	assert_true(seen >= 5);
	assert_true(descriptors >= 10);
}

// Every stock capability loads cleanly and documents each parameter.
static void test_stock_capabilities_load(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct diag d;
	diag_init(&d);
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/templates", source_dir());
	struct model_options opt = { .templates_dir = dir };
	struct cap_loader l;
	cap_loader_init(&l, &opt, &a, &d);
	const char **names;
	size_t n = cap_loader_names(&l, &names);
	assert_true(n >= 8);
	for (size_t i = 0; i < n; i++) {
		const struct capability *cap;
		assert_int_equal(cap_loader_get(&l, names[i], (struct src_pos){ 0 }, &cap), CAP_FOUND);
		assert_true(cap->stock);
		assert_non_null(cap->summary);
		for (size_t p = 0; p < cap->n_params; p++)
			assert_non_null(cap->params[p].doc);
	}
	const struct capability *cap;
	assert_int_equal(cap_loader_get(&l, "../etc/passwd", (struct src_pos){ 0 }, &cap), CAP_MISSING);
	assert_int_equal(cap_loader_get(&l, "no-such-thing", (struct src_pos){ 0 }, &cap), CAP_MISSING);
	assert_int_equal(d.errors, 0);
	cap_loader_release(&l);
	diag_release(&d);
	arena_release(&a);
}

// --- Hostile input: mutated intents and templates never crash ---

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rnd(uint32_t n)
{
	// xorshift64*: deterministic, so a failure reproduces.
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717u) >> 33) % (n ? n : 1);
}

// One random edit: a byte changed to one of YAML's or gpoc's special characters,
// a byte deleted, a run duplicated, or the text cut short.
static void mutate(struct strbuf *t)
{
	static const char special[] = "$${}[]:,'\"\\-#&*!|>%@ \n\t0Sa";
	if (!t->len)
		return;
	size_t at = rnd((uint32_t)t->len);
	switch (rnd(4)) {
	case 0:
		t->buf[at] = special[rnd(sizeof(special) - 1)];
		break;
	case 1:
		memmove(t->buf + at, t->buf + at + 1, t->len - at - 1);
		strbuf_setlen(t, t->len - 1);
		break;
	case 2: {
		size_t n = rnd(40) + 1;
		if (at + n > t->len)
			n = t->len - at;
		char *copy = xstrndup(t->buf + at, n);
		struct strbuf out = STRBUF_INIT;
		strbuf_add(&out, t->buf, at + n);
		strbuf_add(&out, copy, n);
		strbuf_add(&out, t->buf + at + n, t->len - at - n);
		free(copy);
		strbuf_release(t);
		*t = out;
		break;
	}
	default:
		strbuf_setlen(t, at);
		break;
	}
}

static void build_all_descriptors(const struct model *m)
{
	for (size_t i = 0; i < m->n_descriptors; i++) {
		struct secdesc sd;
		struct diag d;
		diag_init(&d);
		if (model_descriptor_build(m, &m->descriptors[i], true, &sd, &d))
			secdesc_release(&sd);
		diag_release(&d);
	}
}

static void test_hostile_intents(void **state)
{
	(void)state;
	static const char *const examples[] = { "remote-wmi", "certsvc-enroll", "machine-acl", "primitives",
						"risk-acceptance", "winrm" };
	size_t compiled = 0, refused = 0;
	for (size_t e = 0; e < ARRAY_SIZE(examples); e++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/examples/%s.yaml", source_dir(), examples[e]);
		struct strbuf orig = STRBUF_INIT, err = STRBUF_INIT;
		assert_true(read_file(path, &orig, &err));
		for (int round = 0; round < 150; round++) {
			struct strbuf t = STRBUF_INIT;
			strbuf_addbuf(&t, &orig);
			for (uint32_t k = rnd(3) + 1; k; k--)
				mutate(&t);
			struct compiled c;
			memset(&c, 0, sizeof(c));
			arena_init(&c.a);
			diag_init(&c.d);
			struct src_file f = { "mutant.yaml", t.buf, t.len };
			char tdir[4200];
			snprintf(tdir, sizeof(tdir), "%s/templates", source_dir());
			struct model_options opt = { .templates_dir = tdir };
			bool ok = intent_load(&f, &c.a, &c.d, &c.in) && model_build(&c.in, &opt, &c.a, &c.d, &c.m);
			// Success and errors must agree, and every message has a position in a file.
			assert_int_equal(ok, c.d.errors == 0);
			if (ok) {
				build_all_descriptors(&c.m);
				compiled++;
			} else {
				refused++;
			}
			diag_release(&c.d);
			arena_release(&c.a);
			strbuf_release(&t);
		}
		strbuf_release(&orig);
		strbuf_release(&err);
	}
	// Both outcomes must be exercised for the test to mean anything.
	assert_true(compiled > 50);
	assert_true(refused > 50);
}

// Mutated templates in a --capabilities directory: errors, never a crash.
static void test_hostile_templates(void **state)
{
	(void)state;
	char dir[] = "/tmp/gpoc-model-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char tpath[4200], cpath[4300];
	snprintf(tpath, sizeof(tpath), "%s/templates", source_dir());
	snprintf(cpath, sizeof(cpath), "%s/mut.yaml", dir);
	// Each capability with parameters it accepts, so the unmutated one compiles.
	static const char *const caps[][2] = {
		{ "remote-wmi", "    from: [10.0.0.0/8]\n" },
		{ "certsvc-enroll", "    from: [10.0.0.0/8]\n" },
		{ "dcom-app", "    appid: '{D99E6E74-FC88-11D0-B498-00A0C90312F3}'\n    access-rights: [remote-access]\n" },
		{ "winrm-wmi", "    from: [10.0.0.0/8]\n" },
	};
	size_t loaded = 0, broken = 0;
	for (size_t k = 0; k < ARRAY_SIZE(caps); k++) {
		char path[4400];
		snprintf(path, sizeof(path), "%s/capabilities/%s.yaml", tpath, caps[k][0]);
		char intent[1024];
		snprintf(intent, sizeof(intent),
			 "gpoc: 1\npolicy: { name: t }\ndomain: { netbios: C, sid: S-1-5-21-1-2-3 }\n"
			 "principals:\n  ops: { name: 'C\\Ops', sid: S-1-5-21-1-2-3-1000 }\n"
			 "grants:\n  - to: ops\n    allow: mut\n%s",
			 caps[k][1]);
		struct strbuf orig = STRBUF_INIT, err = STRBUF_INIT;
		assert_true(read_file(path, &orig, &err));
		// Rename it to 'mut' so that it is found as dir/mut.yaml.
		char *name = strstr(orig.buf, "\nname: ");
		assert_non_null(name);
		struct strbuf base = STRBUF_INIT;
		strbuf_add(&base, orig.buf, (size_t)(name - orig.buf));
		strbuf_addstr(&base, "\nname: mut");
		strbuf_addstr(&base, strchr(name + 1, '\n'));
		for (int round = 0; round < 120; round++) {
			struct strbuf t = STRBUF_INIT;
			strbuf_addbuf(&t, &base);
			for (uint32_t m = rnd(3) + 1; m; m--)
				mutate(&t);
			FILE *fp = fopen(cpath, "wb");
			assert_non_null(fp);
			fwrite(t.buf, 1, t.len, fp);
			fclose(fp);
			struct arena a = ARENA_INIT;
			struct diag d;
			diag_init(&d);
			struct src_file f = { "t.yaml", intent, strlen(intent) };
			struct intent in;
			struct model m;
			const char *dirs[] = { dir };
			struct model_options opt = { .templates_dir = tpath, .extra_capability_dirs = dirs,
						     .n_extra_capability_dirs = 1 };
			assert_true(intent_load(&f, &a, &d, &in));
			bool ok = model_build(&in, &opt, &a, &d, &m);
			assert_int_equal(ok, d.errors == 0);
			if (ok) {
				build_all_descriptors(&m);
				loaded++;
			} else {
				broken++;
			}
			diag_release(&d);
			arena_release(&a);
			strbuf_release(&t);
		}
		strbuf_release(&base);
		strbuf_release(&orig);
		strbuf_release(&err);
	}
	unlink(cpath);
	rmdir(dir);
	assert_true(loaded > 20);
	assert_true(broken > 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tmpl_split),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_dcom_users_group_default),
		cmocka_unit_test(test_machine_acl),
		cmocka_unit_test(test_collapse_and_merge),
		cmocka_unit_test(test_rule_split),
		cmocka_unit_test(test_acl_size_limit),
		cmocka_unit_test(test_risk_reason_travels),
		cmocka_unit_test(test_contradictions),
		cmocka_unit_test(test_no_effect_is_an_error),
		cmocka_unit_test(test_registry_primitive),
		cmocka_unit_test(test_examples_cross_check),
		cmocka_unit_test(test_stock_capabilities_load),
		cmocka_unit_test(test_hostile_intents),
		cmocka_unit_test(test_hostile_templates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
