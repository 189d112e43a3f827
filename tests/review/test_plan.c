// The plan's diff engine on hand-built models: additions, removals and changes per
// kind of effect, address scopes compared as sets of intervals, baselines, risk
// acceptances, identity of principals across models, and the documents' safety
// and determinism.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "review/json.h"
#include "review/plan.h"

static const char MON_SID[] = FX_DOMAIN "-1105";

struct pair {
	struct fx old, new;
	struct plan p;
	bool computed;
};

static void pair_init(struct pair *pr)
{
	memset(pr, 0, sizeof(*pr));
	fx_init(&pr->old, "old.yaml");
	fx_init(&pr->new, "new.yaml");
}

static void compute(struct pair *pr)
{
	if (pr->computed)
		plan_release(&pr->p);
	plan_compute(&pr->p, &pr->old.m, &pr->new.m);
	pr->computed = true;
}

static void pair_release(struct pair *pr)
{
	if (pr->computed)
		plan_release(&pr->p);
	fx_release(&pr->old);
	fx_release(&pr->new);
}

static const struct plan_change *only_change(const struct plan *p)
{
	if (p->n != 1) {
		for (size_t i = 0; i < p->n; i++)
			fprintf(stderr, "change %zu: %s: %s\n", i, p->v[i].object, p->v[i].text);
		fail_msg("%zu changes, want 1", p->n);
	}
	return &p->v[0];
}

static void assert_contains(const char *s, const char *needle)
{
	if (!s || !strstr(s, needle))
		fail_msg("'%s' does not contain '%s'", s ? s : "(null)", needle);
}

// The same grant and namespace ACE in a fixture; returns the ACE.
static struct m_ace *ns_grant(struct fx *f, const char *name, const char *sid, uint32_t line, uint32_t mask,
			      uint8_t flags)
{
	const struct principal *p = fx_principal(f, name, sid);
	struct grant *g = fx_grant(f, p, line, "remote-wmi");
	struct m_descriptor *d = f->m.n_descriptors ? &f->m.descriptors[0]
						      : fx_descriptor(f, DESC_NAMESPACE, "root\\cimv2", NULL, NULL);
	return fx_ace(f, d, p, ACE_ALLOW, flags, mask, fx_meta(f, g));
}

static void test_identical_models(void **state)
{
	(void)state;
	struct pair pr;
	pair_init(&pr);
	ns_grant(&pr.old, "CONTOSO\\Monitoring", MON_SID, 10, 0x21, ACE_CI);
	// Same access from another line and under a new display name: the SID is what counts.
	ns_grant(&pr.new, "CONTOSO\\Monitoring-Renamed", MON_SID, 30, 0x21, ACE_CI);
	compute(&pr);
	assert_int_equal(pr.p.n, 0);
	assert_false(plan_has_changes(&pr.p));
	assert_int_equal(pr.p.n_notes, 0); // notes explain changes only
	pair_release(&pr);
}

static void test_ace_added_removed(void **state)
{
	(void)state;
	struct pair pr;
	pair_init(&pr);
	ns_grant(&pr.old, "CONTOSO\\Old", FX_DOMAIN "-2001", 10, 0x21, ACE_CI);
	ns_grant(&pr.new, "CONTOSO\\New", FX_DOMAIN "-2002", 12, 0x21, ACE_CI);
	compute(&pr);
	assert_int_equal(pr.p.n, 2);
	const struct plan_change *add = NULL, *rem = NULL;
	for (size_t i = 0; i < pr.p.n; i++)
		*(pr.p.v[i].op == PLAN_ADD ? &add : &rem) = &pr.p.v[i];
	assert_non_null(add);
	assert_non_null(rem);
	assert_int_equal(rem->op, PLAN_REMOVE);
	assert_int_equal(add->kind, PLAN_ACE);
	assert_string_equal(add->who[0].display, "CONTOSO\\New");
	assert_string_equal(rem->who[0].display, "CONTOSO\\Old");
	// Additions cite the new intent, removals the old one.
	assert_string_equal(add->src[0].file, "new.yaml");
	assert_int_equal(add->src[0].line, 12);
	assert_string_equal(rem->src[0].file, "old.yaml");
	assert_int_equal(rem->src[0].line, 10);
	assert_int_equal(add->new_mask, 0x21);
	assert_int_equal(rem->old_mask, 0x21);
	assert_true(add->targets & TARGET_PS1);
	assert_false(add->targets & TARGET_GPO); // namespaces are not Group Policy
	assert_true(plan_has_changes(&pr.p));
	pair_release(&pr);
}

static void test_ace_rights_changed(void **state)
{
	(void)state;
	struct pair pr;
	pair_init(&pr);
	ns_grant(&pr.old, "CONTOSO\\Monitoring", MON_SID, 10, 0x21, ACE_CI);
	ns_grant(&pr.new, "CONTOSO\\Monitoring", MON_SID, 10, 0x22, 0);
	compute(&pr);
	const struct plan_change *c = only_change(&pr.p);
	assert_int_equal(c->op, PLAN_CHANGE);
	assert_int_equal(c->old_mask, 0x21);
	assert_int_equal(c->new_mask, 0x22);
	assert_int_equal(c->old_flags, ACE_CI);
	assert_int_equal(c->new_flags, 0);
	assert_contains(c->text, "rights added: execute methods");
	assert_contains(c->text, "rights removed: enable");
	assert_contains(c->text, "no longer inherited by sub-namespaces");
	pair_release(&pr);
}

static void test_principal_by_name(void **state)
{
	(void)state;
	struct pair pr;
	pair_init(&pr);
	// Principals without a SID match by name, case-insensitively.
	ns_grant(&pr.old, "CONTOSO\\Helpdesk", NULL, 10, 0x21, 0);
	ns_grant(&pr.new, "contoso\\HELPDESK", NULL, 10, 0x21, 0);
	compute(&pr);
	assert_int_equal(pr.p.n, 0);
	pair_release(&pr);
}

// --- Firewall scopes ---

struct scope_case {
	const char *old[3], *new[3]; // NULL-terminated; { NULL } = any address
	const char *word;            // "widened", "narrowed", "changed", or NULL for no change
};

static void test_scopes(void **state)
{
	(void)state;
	static const struct scope_case cases[] = {
		{ { "10.0.0.0/8" }, { "10.1.0.0/16" }, "narrowed" },
		{ { "10.1.0.0/16" }, { "10.0.0.0/8" }, "widened" },
		{ { "10.0.0.0/8" }, { "10.0.0.0/8", "192.168.0.0/16" }, "widened" },
		{ { "10.0.0.0/8" }, { "192.168.0.0/16" }, "changed" },
		{ { "10.0.0.0/8" }, { NULL }, "widened" },
		{ { NULL }, { "10.0.0.0/8" }, "narrowed" },
		{ { "10.0.0.0/8" }, { "10.0.0.0/255.0.0.0" }, NULL },
		{ { "10.0.0.0/28" }, { "10.0.0.1-10.0.0.9" }, "narrowed" },
		{ { "10.0.0.1-10.0.0.9" }, { "10.0.0.5", "10.0.0.0/28" }, "widened" },
		{ { "LocalSubnet" }, { "localsubnet" }, NULL },
		{ { "LocalSubnet" }, { "LocalSubnet", "10.0.0.0/8" }, "widened" },
		{ { "fe80::/64" }, { "fe80::1" }, "narrowed" },
		{ { "fe80::/64" }, { "10.0.0.0/8" }, "changed" },
		{ { "10.0.0.0/8", "192.168.1.0/24" }, { "192.168.1.0/24", "10.0.0.0/8" }, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pair pr;
		pair_init(&pr);
		struct grant *go = fx_grant(&pr.old, NULL, 10, "x");
		struct grant *gn = fx_grant(&pr.new, NULL, 10, "x");
		fx_rule(&pr.old, "rpc", "135", cases[i].old[0] ? cases[i].old : NULL, fx_meta(&pr.old, go));
		struct fw_rule *r = fx_rule(&pr.new, "rpc", "135", cases[i].new[0] ? cases[i].new : NULL,
					    fx_meta(&pr.new, gn));
		r->description = (char *)(uintptr_t)"a different description is no change in access";
		compute(&pr);
		if (!cases[i].word) {
			if (pr.p.n)
				fail_msg("case %zu: unexpected change '%s'", i, pr.p.v[0].text);
		} else {
			const struct plan_change *c = only_change(&pr.p);
			char want[64];
			snprintf(want, sizeof(want), "remote addresses %s", cases[i].word);
			if (!strstr(c->text, want))
				fail_msg("case %zu: '%s' does not say '%s'", i, c->text, want);
			assert_true(c->targets & TARGET_NETSH);
			assert_true(c->targets & TARGET_GPO);
		}
		pair_release(&pr);
	}
}

static void test_firewall_fields(void **state)
{
	(void)state;
	struct pair pr;
	pair_init(&pr);
	const struct principal *mon = fx_principal(&pr.new, "CONTOSO\\Monitoring", MON_SID);
	struct grant *go = fx_grant(&pr.old, NULL, 10, "x");
	struct grant *gn = fx_grant(&pr.new, mon, 10, "x");
	static const char *const scope[] = { "10.0.0.0/8", NULL };
	fx_rule(&pr.old, "rpc", "135", scope, fx_meta(&pr.old, go));
	struct fw_rule *r = fx_rule(&pr.new, "rpc", "135,24158", scope, fx_meta(&pr.new, gn));
	r->enabled = false;
	compute(&pr);
	const struct plan_change *c = only_change(&pr.p);
	assert_contains(c->text, "local ports 135 → 135,24158");
	assert_contains(c->text, "state enabled → disabled");
	// A rule concerns the principals of the grants behind it.
	assert_int_equal(c->n_who, 1);
	assert_string_equal(c->who[0].display, "CONTOSO\\Monitoring");
	pair_release(&pr);
}

// --- Registry values, steps, memberships ---

static void test_registry_step_member(void **state)
{
	(void)state;
	struct pair pr;
	pair_init(&pr);
	struct grant *go = fx_grant(&pr.old, NULL, 10, "x");
	struct grant *gn = fx_grant(&pr.new, NULL, 10, "x");
	fx_dword(&pr.old, "SOFTWARE\\Microsoft\\WBEM\\CIMOM", "AllowAnonymousCallback", 0, fx_meta(&pr.old, go));
	struct m_registry *v = fx_dword(&pr.new, "software\\microsoft\\wbem\\cimom", "allowanonymouscallback", 1,
					fx_meta(&pr.new, gn));
	v->stock_template = true;
	fx_step(&pr.old, STEP_WINMGMT_STANDALONE, 4, fx_meta(&pr.old, go));
	fx_step(&pr.new, STEP_WINMGMT_STANDALONE, 6, fx_meta(&pr.new, gn));
	const struct principal *dcu = fx_principal(&pr.new, NULL, "S-1-5-32-562");
	const struct principal *mon = fx_principal(&pr.new, "CONTOSO\\Monitoring", MON_SID);
	fx_member(&pr.new, dcu, mon, fx_meta(&pr.new, gn));
	compute(&pr);
	assert_int_equal(pr.p.n, 3);
	int seen = 0;
	for (size_t i = 0; i < pr.p.n; i++) {
		const struct plan_change *c = &pr.p.v[i];
		switch (c->kind) {
		case PLAN_REGISTRY:
			assert_int_equal(c->op, PLAN_CHANGE);
			assert_string_equal(c->before, "0");
			assert_string_equal(c->after, "1");
			assert_true(c->targets & TARGET_REG);
			assert_false(c->targets & TARGET_ADMX); // a stock template covers it
			seen |= 1;
			break;
		case PLAN_STEP:
			assert_int_equal(c->op, PLAN_CHANGE);
			assert_contains(c->text, "level 4 → 6");
			assert_int_equal(c->targets & ~TARGET_MODEL, TARGET_NETSH);
			seen |= 2;
			break;
		case PLAN_MEMBER:
			assert_int_equal(c->op, PLAN_ADD);
			assert_contains(c->text, "member of Distributed COM Users");
			assert_string_equal(c->who[0].display, "CONTOSO\\Monitoring");
			seen |= 4;
			break;
		default:
			fail_msg("unexpected change kind %d", (int)c->kind);
		}
	}
	assert_int_equal(seen, 7);
	pair_release(&pr);
}

// --- Baselines ---

static const char LAUNCH[] =
	"O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCLCSWRP;;;LU)";

static void test_baselines(void **state)
{
	(void)state;
	struct pair pr;
	pair_init(&pr);
	// Only the new model writes the limit whole: one line, not one per baseline entry.
	struct grant *gn = fx_grant(&pr.new, NULL, 10, "x");
	const struct principal *mon = fx_principal(&pr.new, "CONTOSO\\Monitoring", MON_SID);
	struct m_descriptor *dn = fx_descriptor(&pr.new, DESC_MACHINE_LAUNCH, NULL, "machine-launch-restriction", LAUNCH);
	fx_ace(&pr.new, dn, mon, ACE_ALLOW, 0, 0x1F, fx_meta(&pr.new, gn));
	compute(&pr);
	assert_int_equal(pr.p.n, 2);
	size_t whole = 0;
	for (size_t i = 0; i < pr.p.n; i++)
		if (pr.p.v[i].kind == PLAN_BASELINE) {
			whole++;
			assert_int_equal(pr.p.v[i].n_who, 0);
			assert_contains(pr.p.v[i].text, "written whole from baseline machine-launch-restriction");
		}
	assert_int_equal(whole, 1);
	assert_true(pr.p.n_notes > 0);
	bool noted = false;
	for (size_t i = 0; i < pr.p.n_notes; i++)
		noted |= strstr(pr.p.notes[i], "replaces the machine's own descriptor") != NULL;
	assert_true(noted);

	// Both write it whole; the old baseline gave Everyone remote launch too.
	struct grant *go = fx_grant(&pr.old, NULL, 10, "x");
	const struct principal *mon_old = fx_principal(&pr.old, "CONTOSO\\Monitoring", MON_SID);
	struct m_descriptor *d_old = fx_descriptor(&pr.old, DESC_MACHINE_LAUNCH, NULL, "old-launch",
		"O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCLCSW;;;WD)(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCLCSWRP;;;LU)");
	fx_ace(&pr.old, d_old, mon_old, ACE_ALLOW, 0, 0x1F, fx_meta(&pr.old, go));
	compute(&pr);
	assert_int_equal(pr.p.n, 2);
	bool entry = false, renamed = false;
	for (size_t i = 0; i < pr.p.n; i++) {
		const struct plan_change *c = &pr.p.v[i];
		assert_int_equal(c->kind, PLAN_BASELINE);
		assert_int_equal(c->op, PLAN_CHANGE);
		if (c->n_who) {
			assert_string_equal(c->who[0].key, "S-1-1-0");
			assert_contains(c->text, "rights removed: remote launch");
			entry = true;
		} else {
			assert_contains(c->text, "baseline old-launch → machine-launch-restriction");
			renamed = true;
		}
	}
	assert_true(entry && renamed);
	pair_release(&pr);
}

// --- Risk acceptances ---

static void test_risks(void **state)
{
	(void)state;
	struct pair pr;
	pair_init(&pr);
	struct grant *go = fx_grant(&pr.old, NULL, 10, "x");
	struct grant *gn = fx_grant(&pr.new, NULL, 11, "x");
	struct effect_meta mo = fx_meta(&pr.old, go), mn = fx_meta(&pr.new, gn);
	fx_risk(&mo, "UAC remote restrictions off", "reason one");
	fx_risk(&mn, "UAC remote restrictions off", "reason two");
	fx_dword(&pr.old, "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System",
		 "LocalAccountTokenFilterPolicy", 1, mo);
	fx_dword(&pr.new, "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System",
		 "LocalAccountTokenFilterPolicy", 1, mn);
	compute(&pr);
	// Same effect, new reason: no change in access, but a change in what was accepted.
	assert_int_equal(pr.p.n, 0);
	assert_int_equal(pr.p.n_risks, 1);
	assert_int_equal(pr.p.risks[0].op, PLAN_CHANGE);
	assert_string_equal(pr.p.risks[0].reason, "reason two");
	assert_string_equal(pr.p.risks[0].old_reason, "reason one");
	assert_int_equal(pr.p.risks[0].src[0].line, 11);
	assert_true(plan_has_changes(&pr.p));

	// Against nothing: newly accepted. From something to nothing: withdrawn.
	plan_release(&pr.p);
	plan_compute(&pr.p, NULL, &pr.new.m);
	assert_int_equal(pr.p.n_risks, 1);
	assert_int_equal(pr.p.risks[0].op, PLAN_ADD);
	plan_release(&pr.p);
	plan_compute(&pr.p, &pr.old.m, NULL);
	assert_int_equal(pr.p.n_risks, 1);
	assert_int_equal(pr.p.risks[0].op, PLAN_REMOVE);
	assert_int_equal(pr.p.n, 1);
	assert_int_equal(pr.p.v[0].op, PLAN_REMOVE);
	assert_int_equal(pr.p.lint.n, 0); // nothing to lint
	pair_release(&pr);
}

// --- Documents ---

static void test_documents(void **state)
{
	(void)state;
	struct pair pr;
	pair_init(&pr);
	// A name with backticks and Markdown/HTML: it must stay inside code.
	ns_grant(&pr.new, "CONTOSO\\a``b</details>@octocat", FX_DOMAIN "-3001", 10, 0x21, ACE_CI);
	ns_grant(&pr.old, "CONTOSO\\Monitoring", MON_SID, 10, 0x21, ACE_CI);
	compute(&pr);
	struct strbuf md1 = STRBUF_INIT, md2 = STRBUF_INIT, js = STRBUF_INIT;
	plan_markdown(&pr.p, &md1);
	plan_markdown(&pr.p, &md2);
	assert_string_equal(md1.buf, md2.buf); // deterministic
	plan_json(&pr.p, &js);
	size_t bad = 0;
	if (!json_valid(js.buf, js.len, JSON_MAX_DEPTH, &bad))
		fail_msg("plan.json invalid at %zu:\n%s", bad, js.buf);
	// The only raw </details> are gpoc's own closing tags, one per opening.
	size_t open = 0, close = 0;
	for (const char *p = md1.buf; (p = strstr(p, "<details>")); p++)
		open++;
	for (const char *p = md1.buf; (p = strstr(p, "</details>\n")); p++)
		close++;
	assert_int_equal(open, close);
	// In <summary>, the name is HTML-escaped.
	assert_non_null(strstr(md1.buf, "<code>CONTOSO&#92;a&#96;&#96;b&lt;/details&gt;&#64;octocat</code>"));
	// In running text, a code span with a fence longer than the name's backtick run.
	assert_non_null(strstr(md1.buf, "- ```CONTOSO\\a``b</details>@octocat```: 1 added"));
	assert_non_null(strstr(js.buf, "\"name\": \"CONTOSO\\\\a``b</details>@octocat\""));
	strbuf_release(&md1);
	strbuf_release(&md2);
	strbuf_release(&js);
	pair_release(&pr);
}

// A rule merged from many grants: lines name 8 addresses and principals at most,
// and under a principal's heading only that principal's grant is cited.
static void test_large_lists(void **state)
{
	(void)state;
	struct pair pr;
	pair_init(&pr);
	struct fx *f = &pr.new;
	enum { N = 20 };
	const char *addrs[N + 1] = { 0 };
	struct effect_meta meta = { 0 };
	meta.prov = arena_array(&f->a, N, sizeof(*meta.prov));
	for (int i = 0; i < N; i++) {
		addrs[i] = arena_printf(&f->a, "10.%d.0.0/16", i);
		const char *name = arena_printf(&f->a, "CONTOSO\\G%02d", i);
		const char *sid = arena_printf(&f->a, "%s-%d", FX_DOMAIN, 5000 + i);
		struct grant *g = fx_grant(f, fx_principal(f, name, sid), (uint32_t)(10 + 2 * i), "remote-wmi");
		meta.prov[meta.n_prov].grant = g->allow_pos;
		meta.prov[meta.n_prov++].capability = g->allow;
	}
	fx_rule(f, "rpc", "135", addrs, meta);
	compute(&pr);
	const struct plan_change *c = only_change(&pr.p);
	assert_int_equal(c->n_who, N);
	assert_int_equal(c->n_src, N);
	assert_contains(c->text, "10.7.0.0/16 and 12 more");
	assert_contains(c->after, "10.19.0.0/16"); // plan.json keeps them all
	struct strbuf md = STRBUF_INIT;
	plan_markdown(&pr.p, &md);
	// Under the object: 8 principals and 8 sources named, the rest counted.
	assert_non_null(strstr(md.buf, "+ CONTOSO\\G00, CONTOSO\\G01, CONTOSO\\G02, CONTOSO\\G03, CONTOSO\\G04, "
				       "CONTOSO\\G05, CONTOSO\\G06, CONTOSO\\G07 and 12 more: "));
	assert_non_null(strstr(md.buf, "new.yaml:24 and 12 more\n"));
	// Under G13's heading, the line cites G13's grant (line 36) and nothing else.
	const char *sec = strstr(md.buf, "<summary><code>CONTOSO&#92;G13</code>");
	assert_non_null(sec);
	const char *line = strstr(sec, "\n+ firewall rule");
	assert_non_null(line);
	const char *eol = strchr(line + 1, '\n');
	assert_non_null(eol);
	const char *want = " — new.yaml:36";
	assert_true((size_t)(eol - line) > strlen(want));
	assert_memory_equal(eol - strlen(want), want, strlen(want));
	assert_true(strstr(line, "new.yaml:34") == NULL || strstr(line, "new.yaml:34") > eol);
	strbuf_release(&md);
	pair_release(&pr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_models),
		cmocka_unit_test(test_ace_added_removed),
		cmocka_unit_test(test_ace_rights_changed),
		cmocka_unit_test(test_principal_by_name),
		cmocka_unit_test(test_scopes),
		cmocka_unit_test(test_firewall_fields),
		cmocka_unit_test(test_registry_step_member),
		cmocka_unit_test(test_baselines),
		cmocka_unit_test(test_risks),
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_large_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
