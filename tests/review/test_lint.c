// Lint rules over hand-built models: each rule fires on a minimal model that has
// the problem, at the grant's position, and stays silent on the same model without
// it; suppressions silence exactly their grant's findings; unused and unknown
// suppressions are reported; docs/lint.md has a section per rule.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/file.h"
#include "fixture.h"
#include "review/lint.h"

static const char MONITORING_SID[] = FX_DOMAIN "-1105";
static const char LAUNCH_DEFAULT[] =
	"O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCLCSWRP;;;LU)";
static const char ACCESS_DEFAULT[] =
	"O:BAG:BAD:(A;;CCDCLC;;;WD)(A;;CCDC;;;AN)(A;;CCDCLC;;;S-1-5-32-562)(A;;CCDCLC;;;LU)";
static const char CIMOM[] = "SOFTWARE\\Microsoft\\WBEM\\CIMOM";
static const char UAC[] = "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System";
static const char APPCOMPAT[] = "SOFTWARE\\Microsoft\\Ole\\AppCompat";

struct run {
	struct fx f;
	struct diag d;
};

static void setup_run(struct run *r)
{
	fx_init(&r->f, "t.yaml");
	diag_init(&r->d);
}

static void finish(struct run *r)
{
	diag_release(&r->d);
	fx_release(&r->f);
}

static void lint(struct run *r)
{
	diag_release(&r->d);
	diag_init(&r->d);
	lint_model(&r->f.m, &r->d);
}

static size_t n_rule(const struct run *r, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < r->d.n; i++)
		n += r->d.v[i].rule && !strcmp(r->d.v[i].rule, rule);
	return n;
}

static const struct diag_entry *the(const struct run *r, const char *rule)
{
	const struct diag_entry *found = NULL;
	for (size_t i = 0; i < r->d.n; i++)
		if (r->d.v[i].rule && !strcmp(r->d.v[i].rule, rule)) {
			assert_null(found); // exactly one expected
			found = &r->d.v[i];
		}
	if (!found) {
		diag_print_gcc(&r->d, stderr);
		fail_msg("no %s finding", rule);
	}
	return found;
}

static void assert_at(const struct diag_entry *e, const struct grant *g)
{
	assert_ptr_equal(e->pos.file, g->allow_pos.file);
	assert_int_equal(e->pos.line, g->allow_pos.line);
	assert_int_equal(e->pos.col, g->allow_pos.col);
}

static void assert_contains(const char *s, const char *needle)
{
	if (!strstr(s, needle))
		fail_msg("'%s' does not contain '%s'", s, needle);
}

static void assert_clean(struct run *r)
{
	lint(r);
	if (r->d.n)
		diag_print_gcc(&r->d, stderr);
	assert_int_equal(r->d.n, 0);
}

// --- A clean model: what remote-wmi produces for a domain group ---

static void build_clean(struct fx *f)
{
	const struct principal *mon = fx_principal(f, "CONTOSO\\Monitoring", MONITORING_SID);
	const struct principal *dcu = fx_principal(f, NULL, "S-1-5-32-562");
	struct grant *g = fx_grant(f, mon, 20, "remote-wmi");
	struct m_descriptor *ns = fx_descriptor(f, DESC_NAMESPACE, "root\\cimv2", NULL, NULL);
	fx_ace(f, ns, mon, ACE_ALLOW, ACE_CI, 0x21, fx_meta(f, g));
	fx_member(f, dcu, mon, fx_meta(f, g));
	static const char *const scope[] = { "10.20.0.0/16", NULL };
	fx_rule(f, "rpcss", "RPC-EPMap", scope, fx_meta(f, g));
	fx_rule(f, "winmgmt", "RPC", scope, fx_meta(f, g));
}

static void test_clean_model(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	build_clean(&r.f);
	fx_step(&r.f, STEP_WINMGMT_STANDALONE, 6, fx_meta(&r.f, &r.f.in.grants[0]));
	fx_dword(&r.f, APPCOMPAT, "RequireIntegrityActivationAuthenticationLevel", 1, fx_meta(&r.f, &r.f.in.grants[0]));
	fx_dword(&r.f, CIMOM, "AllowAnonymousCallback", 0, fx_meta(&r.f, &r.f.in.grants[0]));
	fx_dword(&r.f, UAC, "LocalAccountTokenFilterPolicy", 0, fx_meta(&r.f, &r.f.in.grants[0]));
	assert_clean(&r);
	finish(&r);
}

// --- L001 / L002 ---

static void test_l001_everyone_remote_launch(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	const struct principal *wd = fx_principal(&r.f, NULL, "S-1-1-0");
	struct grant *g = fx_grant(&r.f, wd, 30, "dcom-remote-launch");
	struct m_descriptor *d = fx_descriptor(&r.f, DESC_MACHINE_LAUNCH, NULL, "machine-launch-restriction", LAUNCH_DEFAULT);
	struct m_ace *a = fx_ace(&r.f, d, wd, ACE_ALLOW, 0, 0x0B, fx_meta(&r.f, g)); // local only
	assert_clean(&r);
	a->mask = 0x1F; // remote launch and remote activation
	lint(&r);
	const struct diag_entry *e = the(&r, "GPOC-L001");
	assert_int_equal(e->severity, DIAG_ERROR);
	assert_at(e, g);
	assert_contains(e->message, "Everyone");
	assert_contains(e->message, "remote launch");
	assert_non_null(e->hint);
	// L001 covers it: no second finding from L002 for the same ACE.
	assert_int_equal(n_rule(&r, "GPOC-L002"), 0);
	finish(&r);
}

static void test_l001_anonymous_remote_access(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	const struct principal *an = fx_principal(&r.f, NULL, "S-1-5-7");
	struct grant *g = fx_grant(&r.f, an, 31, "dcom-remote-access");
	struct m_descriptor *d = fx_descriptor(&r.f, DESC_MACHINE_ACCESS, NULL, "machine-access-restriction", ACCESS_DEFAULT);
	struct m_ace *a = fx_ace(&r.f, d, an, ACE_ALLOW, 0, 0x3, fx_meta(&r.f, g));
	assert_clean(&r);
	a->mask = 0x7;
	lint(&r);
	const struct diag_entry *e = the(&r, "GPOC-L001");
	assert_at(e, g);
	assert_contains(e->message, "unauthenticated");
	finish(&r);
}

static void test_l001_by_name_only(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	// A principal given only by its English name is recognised too.
	const struct principal *an = fx_principal(&r.f, "NT AUTHORITY\\ANONYMOUS LOGON", NULL);
	struct grant *g = fx_grant(&r.f, an, 31, "x");
	struct m_descriptor *d = fx_descriptor(&r.f, DESC_MACHINE_ACCESS, NULL, "m", ACCESS_DEFAULT);
	fx_ace(&r.f, d, an, ACE_ALLOW, 0, 0x7, fx_meta(&r.f, g));
	lint(&r);
	assert_at(the(&r, "GPOC-L001"), g);
	finish(&r);
}

static void test_l001_accepted_risk_is_note(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	const struct principal *wd = fx_principal(&r.f, NULL, "S-1-1-0");
	struct grant *g = fx_grant(&r.f, wd, 30, "x");
	struct m_descriptor *d = fx_descriptor(&r.f, DESC_MACHINE_LAUNCH, NULL, "m", LAUNCH_DEFAULT);
	struct effect_meta meta = fx_meta(&r.f, g);
	fx_risk(&meta, "Everyone gets remote launch", "kiosk lab, isolated VLAN (RISK-7)");
	fx_ace(&r.f, d, wd, ACE_ALLOW, 0, 0x1F, meta);
	lint(&r);
	const struct diag_entry *e = the(&r, "GPOC-L001");
	assert_int_equal(e->severity, DIAG_NOTE);
	assert_contains(e->message, "kiosk lab, isolated VLAN (RISK-7)");
	assert_int_equal(r.d.errors, 0);
	finish(&r);
}

static void test_l002_broad_remote_launch(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	const struct principal *au = fx_principal(&r.f, NULL, "S-1-5-11");
	struct grant *g = fx_grant(&r.f, au, 40, "x");
	struct m_descriptor *launch = fx_descriptor(&r.f, DESC_MACHINE_LAUNCH, NULL, "m", LAUNCH_DEFAULT);
	struct m_descriptor *access = fx_descriptor(&r.f, DESC_MACHINE_ACCESS, NULL, "m", ACCESS_DEFAULT);
	fx_ace(&r.f, access, au, ACE_ALLOW, 0, 0x7, fx_meta(&r.f, g)); // remote access: not launch
	struct m_ace *a = fx_ace(&r.f, launch, au, ACE_ALLOW, 0, 0x1B, fx_meta(&r.f, g)); // no remote launch
	assert_clean(&r);
	a->mask = 0x1F;
	lint(&r);
	const struct diag_entry *e = the(&r, "GPOC-L002");
	assert_int_equal(e->severity, DIAG_WARNING);
	assert_at(e, g);
	assert_contains(e->message, "Authenticated Users");
	finish(&r);
}

static void test_l002_domain_users_appid_and_everyone(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	const struct principal *du = fx_principal(&r.f, NULL, FX_DOMAIN "-513");
	const struct principal *wd = fx_principal(&r.f, NULL, "S-1-1-0");
	struct grant *g1 = fx_grant(&r.f, du, 41, "x");
	struct grant *g2 = fx_grant(&r.f, wd, 42, "x");
	struct m_descriptor *app = fx_descriptor(&r.f, DESC_APPID_LAUNCH, "{D99E6E74-FC88-11D0-B498-00A0C90312F3}", NULL, NULL);
	fx_ace(&r.f, app, du, ACE_ALLOW, 0, 0x5, fx_meta(&r.f, g1));
	// Everyone on an AppID is not a machine limit: L002, not L001.
	fx_ace(&r.f, app, wd, ACE_ALLOW, 0, 0x5, fx_meta(&r.f, g2));
	lint(&r);
	assert_int_equal(n_rule(&r, "GPOC-L002"), 2);
	assert_int_equal(n_rule(&r, "GPOC-L001"), 0);
	finish(&r);
}

static void test_l001_l002_through_dcom_users(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	const struct principal *dcu = fx_principal(&r.f, "BUILTIN\\Distributed COM Users", "S-1-5-32-562");
	const struct principal *au = fx_principal(&r.f, NULL, "S-1-5-11");
	const struct principal *wd = fx_principal(&r.f, "Everyone", NULL);
	const struct principal *admins = fx_principal(&r.f, NULL, "S-1-5-32-544");
	struct grant *g1 = fx_grant(&r.f, au, 50, "x");
	struct grant *g2 = fx_grant(&r.f, wd, 51, "x");
	struct grant *g3 = fx_grant(&r.f, au, 52, "x");
	fx_member(&r.f, dcu, au, fx_meta(&r.f, g1));
	fx_member(&r.f, dcu, wd, fx_meta(&r.f, g2));
	fx_member(&r.f, admins, au, fx_meta(&r.f, g3)); // other group: not these rules
	lint(&r);
	assert_at(the(&r, "GPOC-L002"), g1);
	assert_at(the(&r, "GPOC-L001"), g2);
	finish(&r);
}

// --- L003 ---

static void test_l003_no_baseline(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	const struct principal *mon = fx_principal(&r.f, "CONTOSO\\Monitoring", MONITORING_SID);
	struct grant *g = fx_grant(&r.f, mon, 20, "remote-wmi");
	struct m_descriptor *d = fx_descriptor(&r.f, DESC_MACHINE_LAUNCH, NULL, NULL, NULL);
	fx_ace(&r.f, d, mon, ACE_ALLOW, 0, 0x1F, fx_meta(&r.f, g));
	lint(&r);
	const struct diag_entry *e = the(&r, "GPOC-L003");
	assert_int_equal(e->severity, DIAG_ERROR);
	assert_at(e, g);
	assert_contains(e->message, "MachineLaunchRestriction");
	finish(&r);
}

static void test_l003_override_drops_defaults(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	const struct principal *mon = fx_principal(&r.f, "CONTOSO\\Monitoring", MONITORING_SID);
	struct grant *g = fx_grant(&r.f, mon, 20, "remote-wmi");
	// An override without Administrators and with Everyone reduced to local launch only.
	struct m_descriptor *d = fx_descriptor(&r.f, DESC_MACHINE_LAUNCH, NULL, "machine-launch-restriction",
					       "O:BAG:BAD:(A;;CCDC;;;WD)(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCLCSWRP;;;LU)");
	fx_ace(&r.f, d, mon, ACE_ALLOW, 0, 0x1F, fx_meta(&r.f, g));
	lint(&r);
	const struct diag_entry *e = the(&r, "GPOC-L003");
	assert_int_equal(e->severity, DIAG_WARNING);
	assert_at(e, g);
	assert_contains(e->message, "Administrators");
	assert_contains(e->message, "(S-1-1-0): local activation");
	assert_contains(e->message, "baseline override at t.yaml:3");
	// Windows' defaults in the baseline: nothing to say.
	secdesc_release(&d->baseline);
	struct sddl_error err;
	assert_true(sddl_parse(LAUNCH_DEFAULT, strlen(LAUNCH_DEFAULT), &r.f.m.sids, &d->baseline, &err));
	assert_clean(&r);
	finish(&r);
}

static void test_l003_grant_restores_entry(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	const struct principal *anon = fx_principal(&r.f, NULL, "S-1-5-7");
	const struct principal *mon = fx_principal(&r.f, "CONTOSO\\Monitoring", MONITORING_SID);
	struct grant *g = fx_grant(&r.f, mon, 20, "x");
	struct grant *g2 = fx_grant(&r.f, anon, 21, "x");
	struct m_descriptor *d = fx_descriptor(&r.f, DESC_MACHINE_ACCESS, NULL, "m",
					       "O:BAG:BAD:(A;;CCDCLC;;;WD)(A;;CCDCLC;;;S-1-5-32-562)(A;;CCDCLC;;;LU)");
	fx_ace(&r.f, d, mon, ACE_ALLOW, 0, 0x7, fx_meta(&r.f, g));
	lint(&r);
	assert_contains(the(&r, "GPOC-L003")->message, "(S-1-5-7): local access");
	fx_ace(&r.f, d, anon, ACE_ALLOW, 0, 0x3, fx_meta(&r.f, g2));
	assert_clean(&r);
	finish(&r);
}

// --- L004 / L005 / L010 ---

static void test_l004_anonymous_callback(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	struct grant *g = fx_grant(&r.f, NULL, 25, "wmi-anonymous-callback");
	struct m_registry *v = fx_dword(&r.f, CIMOM, "AllowAnonymousCallback", 1, fx_meta(&r.f, g));
	lint(&r);
	const struct diag_entry *e = the(&r, "GPOC-L004");
	assert_int_equal(e->severity, DIAG_ERROR);
	assert_at(e, g);
	assert_contains(e->message, "'CONTOSO'");
	put_le32(v->value.data, 0);
	assert_clean(&r);
	// Outside a domain it is what the setting is for.
	put_le32(v->value.data, 1);
	fx_no_domain(&r.f);
	assert_clean(&r);
	finish(&r);
}

static void test_l005_token_filter(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	struct grant *g = fx_grant(&r.f, NULL, 26, "uac-remote-local-admins");
	// Key names compare case-insensitively, as Windows does.
	struct m_registry *v = fx_dword(&r.f, "software\\microsoft\\windows\\currentversion\\policies\\system",
					"localaccounttokenfilterpolicy", 1, fx_meta(&r.f, g));
	lint(&r);
	assert_at(the(&r, "GPOC-L005"), g);
	put_le32(v->value.data, 0);
	assert_clean(&r);
	finish(&r);
}

static void test_l010_hardening(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	struct grant *g = fx_grant(&r.f, NULL, 27, "registry-value");
	struct m_registry *v = fx_dword(&r.f, APPCOMPAT, "RaiseActivationAuthenticationLevel", 2, fx_meta(&r.f, g));
	assert_clean(&r);
	put_le32(v->value.data, 0);
	lint(&r);
	const struct diag_entry *e = the(&r, "GPOC-L010");
	assert_int_equal(e->severity, DIAG_ERROR);
	assert_at(e, g);
	// A revert that writes 0 is as bad.
	put_le32(v->value.data, 2);
	v->revert_delete = false;
	v->revert = v->value;
	v->revert.data = arena_array(&r.f.a, 4, 1);
	put_le32(v->revert.data, 0);
	lint(&r);
	assert_contains(the(&r, "GPOC-L010")->message, "revert");
	finish(&r);
}

// --- L006 ---

static void test_l006_firewall(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	struct grant *g = fx_grant(&r.f, NULL, 28, "x");
	static const char *const scoped[] = { "10.0.0.0/8", NULL };
	static const char *const any[] = { "Any", NULL };
	struct fw_rule *rule = fx_rule(&r.f, "r1", "RPC-EPMap", scoped, fx_meta(&r.f, g));
	assert_clean(&r);

	const struct {
		const char *ports;
		int protocol;
		enum fw_dir dir;
		enum fw_action action;
		const char *service;
		bool fires;
	} cases[] = {
		{ "RPC-EPMap", FW_PROTO_TCP, FW_DIR_IN, FW_ALLOW, NULL, true },
		{ "rpc", FW_PROTO_TCP, FW_DIR_IN, FW_ALLOW, NULL, true },
		{ "135", FW_PROTO_TCP, FW_DIR_IN, FW_ALLOW, NULL, true },
		{ "100-200", FW_PROTO_TCP, FW_DIR_IN, FW_ALLOW, NULL, true },
		{ "443,24158", FW_PROTO_TCP, FW_DIR_IN, FW_ALLOW, NULL, true },
		{ "5985", FW_PROTO_TCP, FW_DIR_IN, FW_ALLOW, NULL, true },
		{ NULL, FW_PROTO_TCP, FW_DIR_IN, FW_ALLOW, NULL, true },
		{ "443", FW_PROTO_TCP, FW_DIR_IN, FW_ALLOW, "Winmgmt", true },
		{ "443", FW_PROTO_TCP, FW_DIR_IN, FW_ALLOW, NULL, false },
		{ "136-5984", FW_PROTO_TCP, FW_DIR_IN, FW_ALLOW, NULL, false },
		{ "135", FW_PROTO_UDP, FW_DIR_IN, FW_ALLOW, NULL, false },
		{ "135", FW_PROTO_TCP, FW_DIR_OUT, FW_ALLOW, NULL, false },
		{ "135", FW_PROTO_TCP, FW_DIR_IN, FW_BLOCK, NULL, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rule->local_ports = (char *)(uintptr_t)cases[i].ports;
		rule->protocol = cases[i].protocol;
		rule->dir = cases[i].dir;
		rule->action = cases[i].action;
		rule->service = (char *)(uintptr_t)cases[i].service;
		for (int scope = 0; scope < 3; scope++) {
			// No address list, an explicit "any", or a scope.
			rule->remote_addrs = scope == 0 ? NULL : (char **)(uintptr_t)(scope == 1 ? any : scoped);
			rule->n_remote_addrs = scope == 0 ? 0 : 1;
			lint(&r);
			size_t want = cases[i].fires && scope < 2;
			if (n_rule(&r, "GPOC-L006") != want)
				fail_msg("case %zu (%s) scope %d: %zu findings, want %zu", i,
					 cases[i].ports ? cases[i].ports : "any port", scope, n_rule(&r, "GPOC-L006"), want);
			if (want)
				assert_at(the(&r, "GPOC-L006"), g);
		}
	}
	finish(&r);
}

// --- L007 / L008 / L009 ---

static void test_l007_root(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	const struct principal *mon = fx_principal(&r.f, "CONTOSO\\Monitoring", MONITORING_SID);
	struct grant *g = fx_grant(&r.f, mon, 20, "x");
	struct m_descriptor *root = fx_descriptor(&r.f, DESC_NAMESPACE, "root", NULL, NULL);
	struct m_ace *a = fx_ace(&r.f, root, mon, ACE_ALLOW, 0, 0x21, fx_meta(&r.f, g));
	assert_clean(&r);
	a->flags = ACE_CI;
	lint(&r);
	assert_contains(the(&r, "GPOC-L007")->message, "inherited by every namespace");
	a->flags = 0;
	a->mask = 0x40021;
	lint(&r);
	const struct diag_entry *e = the(&r, "GPOC-L007");
	assert_int_equal(e->severity, DIAG_WARNING);
	assert_at(e, g);
	assert_contains(e->message, "edit security");
	// The same rights on root\cimv2 are not about root.
	root->target = "root\\cimv2";
	a->flags = ACE_CI;
	assert_clean(&r);
	finish(&r);
}

static void test_l008_l009_bit_mixes(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	const struct principal *mon = fx_principal(&r.f, "CONTOSO\\Monitoring", MONITORING_SID);
	struct grant *g = fx_grant(&r.f, mon, 20, "x");
	struct m_descriptor *ns = fx_descriptor(&r.f, DESC_NAMESPACE, "root\\cimv2", NULL, NULL);
	struct m_ace *a = fx_ace(&r.f, ns, mon, ACE_ALLOW, ACE_CI, 0x21, fx_meta(&r.f, g));
	const struct {
		uint32_t mask;
		size_t l008, l009;
	} cases[] = {
		{ 0x21, 0, 0 },          // enable, remote enable
		{ 0x29, 1, 0 },          // + partial write: read grant with a stray write bit
		{ 0x31, 1, 0 },          // + provider write
		{ 0x2B, 0, 0 },          // + execute methods: a deliberate write grant
		{ 0x3D, 0, 0 },          // enable, full, partial, provider write, remote enable
		{ 0x28, 1, 0 },          // partial write without enable
		{ 0x25, 0, 1 },          // full write alone: SetSD refuses
		{ 0x27, 0, 1 },          // full write + execute methods, still no partial/provider
		{ 0x20021, 0, 0 },       // read security is a read right
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a->mask = cases[i].mask;
		lint(&r);
		if (n_rule(&r, "GPOC-L008") != cases[i].l008 || n_rule(&r, "GPOC-L009") != cases[i].l009)
			fail_msg("mask 0x%x: L008 %zu L009 %zu", cases[i].mask, n_rule(&r, "GPOC-L008"),
				 n_rule(&r, "GPOC-L009"));
	}
	a->mask = 0x25;
	lint(&r);
	assert_int_equal(the(&r, "GPOC-L009")->severity, DIAG_ERROR);
	finish(&r);
}

// --- L011 ---

static void test_l011_standalone_level(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	struct grant *g = fx_grant(&r.f, NULL, 33, "remote-wmi");
	struct m_step *s = fx_step(&r.f, STEP_WINMGMT_STANDALONE, 6, fx_meta(&r.f, g));
	assert_clean(&r);
	const struct {
		int level;
		int sev; // -1: no finding
	} cases[] = { { 6, -1 }, { 5, DIAG_WARNING }, { 4, DIAG_ERROR }, { 1, DIAG_ERROR },
		      { 0, DIAG_ERROR }, { 7, DIAG_ERROR } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s->level = cases[i].level;
		lint(&r);
		if (cases[i].sev < 0) {
			assert_int_equal(r.d.n, 0);
			continue;
		}
		const struct diag_entry *e = the(&r, "GPOC-L011");
		assert_int_equal(e->severity, cases[i].sev);
		assert_at(e, g);
	}
	// The certsvc step has no level.
	s->kind = STEP_CERTSVC_DCOM_REAPPLY;
	s->level = 0;
	assert_clean(&r);
	finish(&r);
}

// --- Suppressions ---

static void test_suppression(void **state)
{
	(void)state;
	struct run r;
	setup_run(&r);
	struct grant *g1 = fx_grant(&r.f, NULL, 10, "uac-remote-local-admins");
	struct grant *g2 = fx_grant(&r.f, NULL, 12, "other");
	// One effect from two grants: one finding per grant.
	fx_dword(&r.f, UAC, "LocalAccountTokenFilterPolicy", 1, fx_meta2(&r.f, g1, g2));
	lint(&r);
	assert_int_equal(n_rule(&r, "GPOC-L005"), 2);
	assert_int_equal(r.d.v[0].pos.line, 10); // sorted by position
	assert_int_equal(r.d.v[1].pos.line, 12);

	// g1 suppresses its own finding (IDs compare case-insensitively); g2's stays.
	fx_suppress(&r.f, g1, "gpoc-l005", 11);
	lint(&r);
	assert_at(the(&r, "GPOC-L005"), g2);
	assert_int_equal(n_rule(&r, "GPOC-L100"), 0);

	// A suppression for a rule that finds nothing on its grant is reported.
	fx_suppress(&r.f, g2, "GPOC-L002", 13);
	lint(&r);
	const struct diag_entry *e = the(&r, "GPOC-L100");
	assert_int_equal(e->severity, DIAG_WARNING);
	assert_int_equal(e->pos.line, 13);
	assert_contains(e->message, "GPOC-L002");
	assert_int_equal(n_rule(&r, "GPOC-L005"), 1);

	// An unknown rule ID, with a suggestion.
	fx_suppress(&r.f, g2, "GPOC-L0O5", 14);
	lint(&r);
	e = the(&r, "GPOC-L101");
	assert_int_equal(e->pos.line, 14);
	assert_contains(e->message, "did you mean 'GPOC-L005'?");
	finish(&r);
}

// --- The rule table and its documentation ---

static void test_rule_table(void **state)
{
	(void)state;
	size_t n;
	const struct lint_rule *rules = lint_rules(&n);
	assert_true(n >= 13);
	for (size_t i = 0; i < n; i++) {
		const struct lint_rule *r = &rules[i];
		assert_int_equal(strlen(r->id), 9);
		assert_memory_equal(r->id, "GPOC-L", 6);
		for (int k = 6; k < 9; k++)
			assert_true(r->id[k] >= '0' && r->id[k] <= '9');
		if (i)
			assert_true(strcmp(rules[i - 1].id, r->id) < 0); // sorted, unique
		assert_true(r->name && *r->name && r->summary && *r->summary);
		assert_true(r->description && *r->description && r->help && *r->help);
		assert_ptr_equal(lint_rule_find(r->id), r);
	}
	assert_ptr_equal(lint_rule_find("gpoc-l001"), &rules[0]);
	assert_null(lint_rule_find("GPOC-L999"));
	assert_null(lint_rule_find(NULL));
}

static void test_rules_documented(void **state)
{
	(void)state;
	const char *src = getenv("GPOC_SOURCE_DIR");
	assert_non_null(src);
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT, err = STRBUF_INIT;
	strbuf_addf(&path, "%s/docs/lint.md", src);
	if (!read_file(path.buf, &text, &err))
		fail_msg("%s", err.buf);
	size_t n;
	const struct lint_rule *rules = lint_rules(&n);
	const char *generic[] = { "GPOC-E000", "GPOC-W000", "GPOC-N000" };
	for (size_t i = 0; i < n + 3; i++) {
		struct strbuf heading = STRBUF_INIT;
		strbuf_addf(&heading, "\n### %s ", i < n ? rules[i].id : generic[i - n]);
		if (!strstr(text.buf, heading.buf))
			fail_msg("docs/lint.md has no section '%s'", heading.buf + 1);
		strbuf_release(&heading);
	}
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_model),
		cmocka_unit_test(test_l001_everyone_remote_launch),
		cmocka_unit_test(test_l001_anonymous_remote_access),
		cmocka_unit_test(test_l001_by_name_only),
		cmocka_unit_test(test_l001_accepted_risk_is_note),
		cmocka_unit_test(test_l002_broad_remote_launch),
		cmocka_unit_test(test_l002_domain_users_appid_and_everyone),
		cmocka_unit_test(test_l001_l002_through_dcom_users),
		cmocka_unit_test(test_l003_no_baseline),
		cmocka_unit_test(test_l003_override_drops_defaults),
		cmocka_unit_test(test_l003_grant_restores_entry),
		cmocka_unit_test(test_l004_anonymous_callback),
		cmocka_unit_test(test_l005_token_filter),
		cmocka_unit_test(test_l010_hardening),
		cmocka_unit_test(test_l006_firewall),
		cmocka_unit_test(test_l007_root),
		cmocka_unit_test(test_l008_l009_bit_mixes),
		cmocka_unit_test(test_l011_standalone_level),
		cmocka_unit_test(test_suppression),
		cmocka_unit_test(test_rule_table),
		cmocka_unit_test(test_rules_documented),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
