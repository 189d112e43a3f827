// The netsh and ps1 renderers over hand-built models: golden files, step order,
// determinism, hostile values in every field of every artifact (refused at the
// intent line, or read back exactly by independent readers), and the self-checks.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsh/fwaddr.h"
#include "netsh/netsh.h"
#include "readers.h"
#include "render/render.h"

static struct arena A = ARENA_INIT;

static char *S(const char *s)
{
	return arena_strdup(&A, s);
}

static const char intent_text[] =
	"gpoc: 1\n"                                                       // 1
	"policy: { name: monitoring-wmi }\n"                              // 2
	"domain: { netbios: CONTOSO, sid: S-1-5-21-1004336348-1177238915-682003330 }\n"
	"principals:\n"                                                   // 4
	"  monitoring: { name: 'CONTOSO\\Monitoring', sid: S-1-5-21-1004336348-1177238915-682003330-1105 }\n"
	"  legacy: { name: 'CONTOSO\\Legacy Ops' }\n"                     // 6
	"grants:\n"                                                       // 7
	"  - to: monitoring\n"                                            // 8
	"    allow: remote-wmi\n"                                         // 9
	"    from: [10.0.0.0/8]\n"                                        // 10
	"  - to: legacy\n"                                                // 11
	"    allow: remote-wmi\n"                                         // 12
	"outputs: [netsh, reg, ps1]\n";                                   // 13
static struct src_file intent_file = { "examples/monitoring.yaml", intent_text, sizeof(intent_text) - 1 };

static struct sid sid_of(const char *s)
{
	struct sid sid;
	const char *err;
	if (!sid_parse(s, strlen(s), &sid, &err))
		fail_msg("bad SID in test: %s", s);
	return sid;
}

static struct principal *principal(const char *key, uint32_t line, const char *name, const char *sid)
{
	struct principal *p = arena_alloc(&A, sizeof(*p));
	p->key = key ? S(key) : NULL;
	p->pos = key ? src_pos_make(&intent_file, line, 3) : src_pos_make(NULL, 0, 0);
	p->name = name ? S(name) : NULL;
	if (sid) {
		p->has_sid = true;
		p->sid = sid_of(sid);
	}
	return p;
}

static struct effect_meta meta(uint32_t line, const char *capability)
{
	struct effect_meta m = { 0 };
	m.prov = arena_alloc(&A, sizeof(*m.prov));
	m.prov[0].grant = src_pos_make(&intent_file, line, 5);
	m.prov[0].capability = capability;
	m.n_prov = 1;
	return m;
}

static char **list(size_t n, ...)
{
	va_list ap;
	va_start(ap, n);
	char **v = arena_array(&A, n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		v[i] = S(va_arg(ap, const char *));
	va_end(ap);
	return v;
}

struct fixture {
	struct intent intent;
	struct model m;
	struct principal *monitoring, *legacy, *dcom_users;
};

// The model with everything: five rules (RPC, RPC-EPMap, ports, program and
// service, rmtusrgrp, an outbound one), members with and without SIDs, a DCOM
// descriptor (so reg import runs), namespace ACEs by SID, by name and a deny, and
// both steps.
static void build_full(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	struct intent *in = &f->intent;
	in->file = &intent_file;
	in->version = 1;
	in->policy.name = S("monitoring-wmi");
	in->policy.pos = src_pos_make(&intent_file, 2, 9);
	in->outputs = TARGET_ALL;
	in->outputs_pos = src_pos_make(&intent_file, 13, 1);
	f->monitoring = principal("monitoring", 5, "CONTOSO\\Monitoring", "S-1-5-21-1004336348-1177238915-682003330-1105");
	f->legacy = principal("legacy", 6, "CONTOSO\\Legacy Ops", NULL);
	f->dcom_users = principal(NULL, 0, NULL, "S-1-5-32-562");

	struct model *m = &f->m;
	m->intent = in;
	m->n_rules = 5;
	m->rules = arena_array(&A, m->n_rules, sizeof(*m->rules));
	struct fw_rule *r;

	r = &m->rules[0].rule;
	r->id = S("gpoc-monitoring-wmi-async-in");
	r->name = S("gpoc monitoring-wmi: WMI async callbacks (TCP-In)");
	r->description = S("gpoc policy monitoring-wmi: remote-wmi for monitoring");
	r->dir = FW_DIR_IN;
	r->action = FW_ALLOW;
	r->protocol = FW_PROTO_TCP;
	r->program = S("%SystemRoot%\\system32\\wbem\\unsecapp.exe");
	r->remote_addrs = list(1, "10.0.0.0/8");
	r->n_remote_addrs = 1;
	r->profiles = FW_PROFILE_DOMAIN;
	r->enabled = true;
	m->rules[0].meta = meta(8, "remote-wmi");

	r = &m->rules[1].rule;
	r->id = S("gpoc-monitoring-wmi-rpcss-in");
	r->name = S("gpoc monitoring-wmi: RPC endpoint mapper (TCP-In)");
	r->description = S("gpoc policy monitoring-wmi: remote-wmi for monitoring");
	r->dir = FW_DIR_IN;
	r->action = FW_ALLOW;
	r->protocol = FW_PROTO_TCP;
	r->local_ports = S("RPC-EPMap");
	r->program = S("%SystemRoot%\\system32\\svchost.exe");
	r->service = S("RpcSs");
	r->remote_addrs = list(2, "10.0.0.0/8", "LocalSubnet");
	r->n_remote_addrs = 2;
	r->profiles = FW_PROFILE_DOMAIN | FW_PROFILE_PRIVATE;
	r->enabled = true;
	m->rules[1].meta = meta(8, "remote-wmi");

	r = &m->rules[2].rule;
	r->id = S("gpoc-monitoring-wmi-winmgmt-in");
	r->name = S("gpoc monitoring-wmi: WMI service (TCP-In)");
	r->description = NULL; // the renderer writes provenance
	r->dir = FW_DIR_IN;
	r->action = FW_ALLOW;
	r->protocol = FW_PROTO_TCP;
	r->local_ports = S("RPC");
	r->program = S("%SystemRoot%\\system32\\svchost.exe");
	r->service = S("Winmgmt");
	r->remote_addrs = list(2, "10.0.0.0/8", "fe80::/64");
	r->n_remote_addrs = 2;
	r->enabled = true;
	m->rules[2].meta = meta(8, "remote-wmi");

	r = &m->rules[3].rule;
	r->id = S("gpoc-monitoring-wmi-winmgmt-out");
	r->name = S("gpoc monitoring-wmi: WMI service (TCP-Out)");
	r->description = S("gpoc policy monitoring-wmi: remote-wmi for legacy");
	r->dir = FW_DIR_OUT;
	r->action = FW_ALLOW;
	r->protocol = FW_PROTO_TCP;
	r->remote_ports = S("135,49152-65535");
	r->service = S("Winmgmt");
	r->program = S("%SystemRoot%\\system32\\svchost.exe");
	r->enabled = true;
	m->rules[3].meta = meta(11, "remote-wmi");

	r = &m->rules[4].rule;
	r->id = S("gpoc-monitoring-wmi-winrm-in");
	r->name = S("gpoc monitoring-wmi: WinRM for Monitoring (TCP-In)");
	r->description = S("gpoc policy monitoring-wmi: winrm-wmi for monitoring");
	r->dir = FW_DIR_IN;
	r->action = FW_ALLOW;
	r->protocol = FW_PROTO_TCP;
	r->local_ports = S("5985,5986");
	r->remote_addrs = list(1, "10.0.0.0/8");
	r->n_remote_addrs = 1;
	r->profiles = FW_PROFILE_DOMAIN;
	r->enabled = true;
	r->security = FW_SEC_AUTHENTICATE;
	r->remote_users_sddl = S("O:LSD:(A;;CC;;;S-1-5-21-1004336348-1177238915-682003330-1105)");
	m->rules[4].meta = meta(8, "winrm-wmi");

	m->n_members = 2;
	m->members = arena_array(&A, 2, sizeof(*m->members));
	m->members[0].group = f->dcom_users;
	m->members[0].member = f->monitoring;
	m->members[0].meta = meta(8, "remote-wmi");
	m->members[1].group = f->dcom_users;
	m->members[1].member = f->legacy;
	m->members[1].meta = meta(11, "remote-wmi");

	m->n_descriptors = 3;
	m->descriptors = arena_array(&A, 3, sizeof(*m->descriptors));
	struct m_descriptor *d = &m->descriptors[0];
	d->kind = DESC_MACHINE_LAUNCH;
	d->name = "MachineLaunchRestriction";
	d->vocab = VOCAB_COM_LAUNCH;
	d->n_aces = 1;
	d->aces = arena_array(&A, 1, sizeof(*d->aces));
	d->aces[0] = (struct m_ace){ f->monitoring, ACE_ALLOW, 0, 0x1F, meta(8, "remote-wmi") };
	d = &m->descriptors[1];
	d->kind = DESC_NAMESPACE;
	d->name = "root\\cimv2";
	d->target = "root\\cimv2";
	d->vocab = VOCAB_WMI;
	d->n_aces = 2;
	d->aces = arena_array(&A, 2, sizeof(*d->aces));
	d->aces[0] = (struct m_ace){ f->monitoring, ACE_ALLOW, ACE_CI, 0x21, meta(8, "remote-wmi") };
	d->aces[1] = (struct m_ace){ f->legacy, ACE_ALLOW, ACE_CI, 0x21, meta(11, "remote-wmi") };
	d = &m->descriptors[2];
	d->kind = DESC_NAMESPACE;
	d->name = "root\\subscription";
	d->target = "root\\subscription";
	d->vocab = VOCAB_WMI;
	d->n_aces = 1;
	d->aces = arena_array(&A, 1, sizeof(*d->aces));
	d->aces[0] = (struct m_ace){ f->monitoring, ACE_DENY, 0, 0x4, meta(8, "remote-wmi") };

	m->n_steps = 2;
	m->steps = arena_array(&A, 2, sizeof(*m->steps));
	m->steps[0].kind = STEP_CERTSVC_DCOM_REAPPLY;
	m->steps[0].meta = meta(11, "certsvc-enroll");
	m->steps[1].kind = STEP_WINMGMT_STANDALONE;
	m->steps[1].level = 6;
	m->steps[1].meta = meta(8, "remote-wmi");
}

// Only firewall rules: apply.cmd has one step, the ps1 table is empty.
static void build_minimal(struct fixture *f)
{
	build_full(f);
	f->m.n_rules = 1;
	f->m.n_members = 0;
	f->m.n_descriptors = 0;
	f->m.n_steps = 0;
}

struct rendered {
	struct artifact_set out;
	struct diag d;
	bool netsh_ok, ps1_ok;
};

static void render(const struct model *m, struct rendered *r)
{
	artifact_set_init(&r->out);
	diag_init(&r->d);
	struct render_ctx ctx = { .m = m, .out = &r->out, .d = &r->d };
	r->netsh_ok = render_netsh(&ctx);
	r->ps1_ok = render_ps1(&ctx);
}

static void rendered_release(struct rendered *r)
{
	artifact_set_release(&r->out);
	diag_release(&r->d);
}

static void no_internal_errors(const struct rendered *r)
{
	for (size_t i = 0; i < r->d.n; i++)
		if (strstr(r->d.v[i].message, "internal error"))
			fail_msg("%s", r->d.v[i].message);
}

static const struct strbuf *artifact(const struct rendered *r, const char *path)
{
	const struct artifact *a = artifact_find(&r->out, path);
	if (!a)
		fail_msg("no artifact %s", path);
	return &a->bytes;
}

// --- Golden files ---

static void golden(const char *name, const struct rendered *r, const char *path)
{
	const struct strbuf *got = artifact(r, path);
	char file[512];
	const char *base = strrchr(path, '/') + 1;
	snprintf(file, sizeof(file), "%s/%s/%s", GOLDEN_DIR, name, base);
	const char *update = getenv("GPOC_UPDATE_GOLDEN");
	if (update && !strcmp(update, "1")) {
		FILE *fp = fopen(file, "wb");
		if (!fp || fwrite(got->buf, 1, got->len, fp) != got->len || fclose(fp))
			fail_msg("cannot write %s: %s", file, strerror(errno));
		return;
	}
	FILE *fp = fopen(file, "rb");
	if (!fp)
		fail_msg("cannot read %s: %s (run with GPOC_UPDATE_GOLDEN=1 to create it)", file, strerror(errno));
	struct strbuf want = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&want, buf, n);
	fclose(fp);
	if (want.len != got->len || memcmp(want.buf, got->buf, want.len)) {
		size_t i = 0;
		while (i < want.len && i < got->len && want.buf[i] == got->buf[i])
			i++;
		fail_msg("%s differs from %s at byte %zu", path, file, i);
	}
	strbuf_release(&want);
}

static void test_golden_full(void **state)
{
	(void)state;
	struct fixture f;
	build_full(&f);
	struct rendered r;
	render(&f.m, &r);
	if (!r.netsh_ok || !r.ps1_ok)
		diag_print_gcc(&r.d, stderr);
	assert_true(r.netsh_ok && r.ps1_ok);
	assert_int_equal(r.d.n, 0);
	golden("full", &r, "netsh/firewall.netsh");
	golden("full", &r, "netsh/apply.cmd");
	golden("full", &r, "netsh/revert.cmd");
	golden("full", &r, "ps1/apply-namespaces.ps1");
	golden("full", &r, "ps1/revert-namespaces.ps1");
	rendered_release(&r);
}

static void test_golden_minimal(void **state)
{
	(void)state;
	struct fixture f;
	build_minimal(&f);
	struct rendered r;
	render(&f.m, &r);
	assert_true(r.netsh_ok && r.ps1_ok);
	golden("minimal", &r, "netsh/firewall.netsh");
	golden("minimal", &r, "netsh/apply.cmd");
	golden("minimal", &r, "netsh/revert.cmd");
	golden("minimal", &r, "ps1/apply-namespaces.ps1");
	rendered_release(&r);
}

// --- Structure: order, determinism, idempotence ---

static size_t find_line(const struct strbuf *t, const char *needle)
{
	const char *p = strstr(t->buf, needle);
	if (!p)
		fail_msg("'%s' not found", needle);
	return (size_t)(p - t->buf);
}

static void test_order_and_determinism(void **state)
{
	(void)state;
	struct fixture f;
	build_full(&f);
	struct rendered r1, r2;
	render(&f.m, &r1);
	render(&f.m, &r2);
	assert_true(r1.netsh_ok && r2.netsh_ok && r1.ps1_ok && r2.ps1_ok);
	assert_int_equal(r1.out.n, r2.out.n);
	for (size_t i = 0; i < r1.out.n; i++) {
		assert_string_equal(r1.out.v[i]->path, r2.out.v[i]->path);
		assert_int_equal(r1.out.v[i]->bytes.len, r2.out.v[i]->bytes.len);
		assert_memory_equal(r1.out.v[i]->bytes.buf, r2.out.v[i]->bytes.buf, r1.out.v[i]->bytes.len);
	}
	// firewall.netsh: per rule a placeholder, then a delete, then the add.
	const struct strbuf *fw = artifact(&r1, "netsh/firewall.netsh");
	for (size_t i = 0; i < f.m.n_rules; i++) {
		struct strbuf ph = STRBUF_INIT, del = STRBUF_INIT, add = STRBUF_INIT;
		const char *name = f.m.rules[i].rule.name;
		strbuf_addf(&ph, "add rule name=\"%s\" dir=in action=block enable=no\r\n", name);
		strbuf_addf(&del, "delete rule name=\"%s\"\r\n", name);
		strbuf_addf(&add, "add rule name=\"%s\" dir=%s", name, f.m.rules[i].rule.dir == FW_DIR_IN ? "in" : "out");
		size_t a = find_line(fw, ph.buf), b = find_line(fw, del.buf), c = find_line(fw, add.buf);
		if (f.m.rules[i].rule.dir == FW_DIR_IN) // the placeholder's prefix matches the real add too
			c = (size_t)(strstr(fw->buf + b, add.buf) - fw->buf);
		assert_true(a < b && b < c);
		strbuf_release(&ph);
		strbuf_release(&del);
		strbuf_release(&add);
	}
	// apply.cmd: firewall, memberships, reg, ps1, certsvc, winmgmt.
	const struct strbuf *ap = artifact(&r1, "netsh/apply.cmd");
	size_t fwp = find_line(ap, "netsh -f \"%~dp0firewall.netsh\"\r\n");
	size_t mem1 = find_line(ap, "Add-LocalGroupMember -SID 'S-1-5-32-562' -Member 'S-1-5-21-1004336348-1177238915-682003330-1105'");
	size_t mem2 = find_line(ap, "Add-LocalGroupMember -SID 'S-1-5-32-562' -Member 'CONTOSO\\Legacy Ops'");
	size_t reg = find_line(ap, "reg import \"%~dp0..\\reg\\apply.reg\" /reg:64\r\n");
	size_t ps1 = find_line(ap, "-File \"%~dp0..\\ps1\\apply-namespaces.ps1\"\r\n");
	size_t cert = find_line(ap, "certutil -setreg SetupStatus -SETUP_DCOM_SECURITY_UPDATED_FLAG\r\n");
	size_t stop = find_line(ap, "net stop certsvc\r\n"), start = find_line(ap, "net start certsvc\r\n");
	size_t wm = find_line(ap, "winmgmt /standalonehost 6\r\n");
	size_t wstop = find_line(ap, "net stop winmgmt /y\r\n"), wstart = find_line(ap, "net start winmgmt\r\n");
	assert_true(fwp < mem1 && mem1 < mem2 && mem2 < reg && reg < ps1 && ps1 < cert && cert < stop &&
		    stop < start && start < wm && wm < wstop && wstop < wstart);
	assert_true(find_line(ap, "@echo off\r\nsetlocal EnableExtensions DisableDelayedExpansion\r\n") == 0);
	// Every command is followed by both errorlevel checks naming its step.
	size_t commands = 0;
	for (const char *p = ap->buf; (p = strstr(p, "\r\necho gpoc: step ")); p++) {
		unsigned n, total;
		assert_int_equal(sscanf(p, "\r\necho gpoc: step %u of %u:", &n, &total), 2);
		assert_int_equal(total, 11);
		char check[64];
		snprintf(check, sizeof(check), "if errorlevel 1 (echo gpoc: step %u failed: ", n);
		assert_non_null(strstr(p, check));
		snprintf(check, sizeof(check), "if not errorlevel 0 (echo gpoc: step %u failed: ", n);
		assert_non_null(strstr(p, check));
		commands++;
	}
	assert_int_equal(commands, 11);
	// revert.cmd: the reverse.
	const struct strbuf *rv = artifact(&r1, "netsh/revert.cmd");
	size_t wsh = find_line(rv, "winmgmt /sharedhost\r\n");
	size_t rps1 = find_line(rv, "revert-namespaces.ps1\"");
	size_t rreg = find_line(rv, "reg import \"%~dp0..\\reg\\revert.reg\" /reg:64\r\n");
	size_t rm2 = find_line(rv, "Remove-LocalGroupMember -SID 'S-1-5-32-562' -Member 'CONTOSO\\Legacy Ops'");
	size_t rm1 = find_line(rv, "Remove-LocalGroupMember -SID 'S-1-5-32-562' -Member 'S-1-5-21-");
	size_t del_last = find_line(rv, "delete rule name=\"gpoc monitoring-wmi: WinRM for Monitoring (TCP-In)\"");
	size_t del_first = find_line(rv, "delete rule name=\"gpoc monitoring-wmi: WMI async callbacks (TCP-In)\"");
	assert_true(wsh < rps1 && rps1 < rreg && rreg < rm2 && rm2 < rm1 && rm1 < del_last && del_last < del_first);
	assert_null(strstr(rv->buf, "certutil"));
	rendered_release(&r1);
	rendered_release(&r2);
}

// --- Reading back ---

// The rules firewall.netsh leaves, compared with the model's.
static void firewall_reads_back(const struct rendered *r, const struct model *m)
{
	const struct strbuf *fw = artifact(r, "netsh/firewall.netsh");
	struct src_file f = { "firewall.netsh", fw->buf, fw->len };
	struct arena a = ARENA_INIT;
	struct diag d;
	diag_init(&d);
	struct netsh_script s;
	assert_true(netsh_check_script(&f, NULL, &a, &s, &d));
	assert_int_equal(s.n_rules, m->n_rules);
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct fw_rule *want = &m->rules[i].rule;
		assert_string_equal(s.rules[i].name, want->name);
		// The model's description, then the intent lines it came from.
		struct strbuf desc = STRBUF_INIT;
		if (want->description)
			strbuf_addstr(&desc, want->description);
		else
			strbuf_addf(&desc, "gpoc: %s", m->rules[i].meta.prov[0].capability);
		const char *base = strrchr(intent_file.name, '/');
		strbuf_addf(&desc, " (%s:%u)", base ? base + 1 : intent_file.name, m->rules[i].meta.prov[0].grant.line);
		assert_string_equal(s.rules[i].description, desc.buf);
		strbuf_release(&desc);
		if (want->program)
			assert_string_equal(s.rules[i].program, want->program);
		if (want->service)
			assert_string_equal(s.rules[i].service, want->service);
		if (want->remote_users_sddl)
			assert_string_equal(s.rules[i].remote_users_sddl, want->remote_users_sddl);
	}
	diag_release(&d);
	arena_release(&a);
}

// The values the .cmd lines hand to netsh and PowerShell, read like cmd.exe would.
struct cmd_values {
	char *names[16];        // name= of netsh lines
	size_t n_names;
	char *ps[16][2];        // group and member of PowerShell lines
	size_t n_ps;
};

static void cmd_reads_back(const struct strbuf *t, struct cmd_values *v)
{
	memset(v, 0, sizeof(*v));
	const char *p = t->buf, *end = t->buf + t->len;
	while (p < end) {
		const char *nl = strstr(p, "\r\n");
		assert_non_null(nl);
		struct strbuf after = STRBUF_INIT;
		bool is_if = !strncmp(p, "if ", 3);
		if (!cmd_phase1(p, (size_t)(nl - p), "C:\\gpoc out\\netsh\\", is_if, &after))
			fail_msg("cmd would expand or act on: %.*s", (int)(nl - p), p);
		struct strbuf *args;
		size_t n = argv_split(after.buf, &args);
		if (n && !strcmp(args[0].buf, "netsh") && n > 5) {
			for (size_t i = 1; i < n; i++)
				if (!strncmp(args[i].buf, "name=", 5) && v->n_names < 16)
					v->names[v->n_names++] = S(args[i].buf + 5);
		}
		if (n && !strcmp(args[0].buf, "powershell") && n >= 5 && !strcmp(args[3].buf, "-Command")) {
			struct strbuf code = STRBUF_INIT;
			for (size_t i = 4; i < n; i++) {
				if (i > 4)
					strbuf_addch(&code, ' ');
				strbuf_addbuf(&code, &args[i]);
			}
			const char *g = strstr(code.buf, "-SID ");
			if (!g)
				g = strstr(code.buf, "-Name ");
			assert_non_null(g);
			g = strchr(g, ' ') + 1;
			struct strbuf gv = STRBUF_INIT, mv = STRBUF_INIT;
			assert_true(ps_read_string_expr(&g, code.buf + code.len, &gv));
			assert_true(!strncmp(g, " -Member ", 9));
			g += 9;
			assert_true(ps_read_string_expr(&g, code.buf + code.len, &mv));
			assert_true(!strncmp(g, " } catch { if ($_.FullyQualifiedErrorId -ne '", 44));
			if (v->n_ps < 16) {
				v->ps[v->n_ps][0] = S(gv.buf);
				v->ps[v->n_ps][1] = S(mv.buf);
				v->n_ps++;
			}
			strbuf_release(&gv);
			strbuf_release(&mv);
			strbuf_release(&code);
		}
		argv_release(args, n);
		strbuf_release(&after);
		p = nl + 2;
	}
}

// The ps1 data table, read with the PowerShell string reader of readers.c.
struct ps1_entry {
	char *ns, *sid, *account, *type, *source;
	unsigned flags, mask;
};

static size_t ps1_reads_back(const struct strbuf *t, struct ps1_entry *e, size_t max, char **policy)
{
	assert_true(t->len >= 3 && !memcmp(t->buf, "\xEF\xBB\xBF", 3));
	const char *end = t->buf + t->len;
	const char *p = strstr(t->buf, "\r\n# --- gpoc data begin ---\r\n$GpocPolicy = ");
	assert_non_null(p);
	p += strlen("\r\n# --- gpoc data begin ---\r\n$GpocPolicy = ");
	struct strbuf s = STRBUF_INIT;
	assert_true(ps_read_string_expr(&p, end, &s));
	*policy = S(s.buf);
	assert_true(!strncmp(p, "\r\n$GpocAces = @(\r\n", 18));
	p += 18;
	size_t n = 0;
	while (strncmp(p, ")\r\n# --- gpoc data end ---\r\n", 28)) {
		assert_true(n < max);
		static const char *const keys[] = { "\t@{ Namespace = ", "; Sid = ", "; Account = ", "; Type = " };
		char **slots[] = { &e[n].ns, &e[n].sid, &e[n].account, &e[n].type };
		for (int k = 0; k < 4; k++) {
			assert_true(!strncmp(p, keys[k], strlen(keys[k])));
			p += strlen(keys[k]);
			strbuf_reset(&s);
			assert_true(ps_read_string_expr(&p, end, &s));
			*slots[k] = S(s.buf);
		}
		int used = 0;
		assert_int_equal(sscanf(p, "; Flags = 0x%x; Mask = 0x%x; Source = %n", &e[n].flags, &e[n].mask, &used), 2);
		assert_true(used > 0);
		p += used;
		strbuf_reset(&s);
		assert_true(ps_read_string_expr(&p, end, &s));
		e[n].source = S(s.buf);
		assert_true(!strncmp(p, " }\r\n", 4));
		p += 4;
		n++;
	}
	strbuf_release(&s);
	return n;
}

static void test_reads_back(void **state)
{
	(void)state;
	struct fixture f;
	build_full(&f);
	struct rendered r;
	render(&f.m, &r);
	assert_true(r.netsh_ok && r.ps1_ok);
	firewall_reads_back(&r, &f.m);
	struct cmd_values v;
	cmd_reads_back(artifact(&r, "netsh/apply.cmd"), &v);
	assert_int_equal(v.n_ps, 2);
	assert_string_equal(v.ps[0][0], "S-1-5-32-562");
	assert_string_equal(v.ps[0][1], "S-1-5-21-1004336348-1177238915-682003330-1105");
	assert_string_equal(v.ps[1][1], "CONTOSO\\Legacy Ops");
	cmd_reads_back(artifact(&r, "netsh/revert.cmd"), &v);
	assert_int_equal(v.n_names, 10); // placeholder and delete per rule, last rule first
	assert_string_equal(v.names[0], f.m.rules[4].rule.name);
	assert_string_equal(v.names[9], f.m.rules[0].rule.name);
	struct ps1_entry e[8];
	char *policy;
	size_t n = ps1_reads_back(artifact(&r, "ps1/apply-namespaces.ps1"), e, 8, &policy);
	assert_string_equal(policy, "monitoring-wmi");
	assert_int_equal(n, 3);
	assert_string_equal(e[0].ns, "root\\cimv2");
	assert_string_equal(e[0].sid, "S-1-5-21-1004336348-1177238915-682003330-1105");
	assert_string_equal(e[0].account, "");
	assert_string_equal(e[0].type, "Allow");
	assert_int_equal(e[0].flags, 2);
	assert_int_equal(e[0].mask, 0x21);
	assert_string_equal(e[0].source, "monitoring.yaml:8");
	assert_string_equal(e[1].sid, "");
	assert_string_equal(e[1].account, "CONTOSO\\Legacy Ops");
	assert_string_equal(e[2].ns, "root\\subscription");
	assert_string_equal(e[2].type, "Deny");
	assert_int_equal(e[2].mask, 4);
	// The revert script carries the same table.
	n = ps1_reads_back(artifact(&r, "ps1/revert-namespaces.ps1"), e, 8, &policy);
	assert_int_equal(n, 3);
	rendered_release(&r);
}

// --- Hostile values in every field ---

static const char *const hostile[] = {
	"\"", "%", "%%", "^", "&", "|", "<", ">", "!", "\r", "\n", ")(A;;GA;;;WD)", ";", "$(calc)", "`",
	"\xE2\x80\x99", "\xC3\x9C" "berwachung", "'", "\\", "%~dp0", "!x!",
};

enum field {
	F_RULE_NAME, F_RULE_DESC, F_RULE_PROGRAM, F_RULE_SERVICE, F_RULE_SDDL, F_MEMBER_NAME, F_GROUP_NAME,
	F_NAMESPACE, F_POLICY, F_FILE, F_COUNT
};
static const char *const field_names[F_COUNT] = {
	"rule name", "rule description", "rule program", "rule service", "rule SDDL", "member name", "group name",
	"namespace", "policy name", "intent file name",
};

// Puts `value` into one field; returns the line a refusal must point at.
static uint32_t set_field(struct fixture *f, enum field field, const char *value)
{
	struct model *m = &f->m;
	char *v = S(value);
	switch (field) {
	case F_RULE_NAME: m->rules[1].rule.name = v; return 8;
	case F_RULE_DESC: m->rules[1].rule.description = v; return 8;
	case F_RULE_PROGRAM: m->rules[1].rule.program = v; return 8;
	case F_RULE_SERVICE: m->rules[1].rule.service = v; return 8;
	case F_RULE_SDDL: m->rules[4].rule.remote_users_sddl = v; return 8;
	case F_MEMBER_NAME: f->legacy->name = v; return 6;
	case F_GROUP_NAME:
		f->dcom_users->has_sid = false;
		f->dcom_users->name = v;
		return 8;
	case F_NAMESPACE: m->descriptors[1].target = v; return 8;
	case F_POLICY: f->intent.policy.name = v; return 2;
	case F_FILE: intent_file.name = v; return 8; // reaches descriptions and the ps1 Source column
	default: break;
	}
	return 0;
}

static void check_hostile(enum field field, const char *value, size_t *accepted, size_t *refused)
{
	struct fixture f;
	build_full(&f);
	uint32_t line = set_field(&f, field, value);
	struct rendered r;
	render(&f.m, &r);
	no_internal_errors(&r);
	bool netsh_field = field <= F_GROUP_NAME;
	bool ok = netsh_field ? r.netsh_ok : r.ps1_ok;
	if (field == F_FILE)
		ok = r.netsh_ok && r.ps1_ok;
	if (field == F_MEMBER_NAME)
		ok = r.netsh_ok && r.ps1_ok; // the legacy principal is a member and has an ACE
	if (!ok) {
		// A refusal: at the intent line of the effect or the principal, saying why.
		bool found = false;
		for (size_t i = 0; i < r.d.n; i++)
			if (r.d.v[i].pos.file == &intent_file && r.d.v[i].pos.line == line && strstr(r.d.v[i].message, ": "))
				found = true;
		if (!found) {
			diag_print_gcc(&r.d, stderr);
			fail_msg("%s '%s' refused without an error at line %u", field_names[field], value, line);
		}
		(*refused)++;
		rendered_release(&r);
		intent_file.name = "examples/monitoring.yaml";
		return;
	}
	(*accepted)++;
	if (r.netsh_ok)
		firewall_reads_back(&r, &f.m);
	struct cmd_values v;
	if (r.netsh_ok) {
		cmd_reads_back(artifact(&r, "netsh/apply.cmd"), &v);
		if (field == F_MEMBER_NAME)
			assert_string_equal(v.ps[1][1], value);
		if (field == F_GROUP_NAME)
			assert_string_equal(v.ps[0][0], value);
		cmd_reads_back(artifact(&r, "netsh/revert.cmd"), &v);
		if (field == F_RULE_NAME)
			assert_string_equal(v.names[7], value);
	}
	if (r.ps1_ok) {
		struct ps1_entry e[8];
		char *policy;
		size_t n = ps1_reads_back(artifact(&r, "ps1/apply-namespaces.ps1"), e, 8, &policy);
		assert_int_equal(n, 3);
		if (field == F_NAMESPACE)
			assert_string_equal(e[0].ns, value);
		if (field == F_MEMBER_NAME)
			assert_string_equal(e[1].account, value);
		if (field == F_POLICY)
			assert_string_equal(policy, value);
		if (field == F_FILE) {
			struct strbuf src = STRBUF_INIT;
			const char *base = strrchr(value, '/');
			strbuf_addf(&src, "%s:8", base ? base + 1 : value);
			assert_string_equal(e[0].source, src.buf);
			strbuf_release(&src);
		}
	}
	rendered_release(&r);
	intent_file.name = "examples/monitoring.yaml";
}

static void test_hostile(void **state)
{
	(void)state;
	size_t accepted = 0, refused = 0;
	for (int field = 0; field < F_COUNT; field++) {
		for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
			struct strbuf v = STRBUF_INIT;
			strbuf_addf(&v, "x%sy", hostile[i]);
			check_hostile((enum field)field, v.buf, &accepted, &refused);
			strbuf_release(&v);
		}
		// Very long text: 70000 characters, some of them special.
		char *big = malloc(70001);
		for (size_t i = 0; i < 70000; i++)
			big[i] = "ab%c!d^"[i % 7];
		big[70000] = 0;
		check_hostile((enum field)field, big, &accepted, &refused);
		free(big);
	}
	print_message("hostile values: %zu read back exactly, %zu refused at their intent line\n", accepted, refused);
	assert_true(accepted > 100);
	assert_true(refused > 40);
}

// Specific refusals and their messages.
static void test_refusals(void **state)
{
	(void)state;
	struct fixture f;
	struct rendered r;

	build_full(&f);
	f.m.rules[1].rule.name = S("gpoc monitoring-wmi: RPC \"endpoint\" mapper");
	render(&f.m, &r);
	assert_false(r.netsh_ok);
	assert_int_equal(r.d.n, 1);
	assert_int_equal(r.d.v[0].pos.line, 8);
	assert_string_equal(r.d.v[0].message, "cannot write firewall rule 'gpoc-monitoring-wmi-rpcss-in' to "
					      "netsh/firewall.netsh: contains '\"' at byte 25: a double quote cannot "
					      "be escaped inside a quoted value (in name)");
	assert_null(artifact_find(&r.out, "netsh/apply.cmd")); // nothing written on error
	rendered_release(&r);

	// Rule names must differ, ignoring case.
	build_full(&f);
	f.m.rules[2].rule.name = S("GPOC monitoring-wmi: RPC endpoint mapper (TCP-In)");
	render(&f.m, &r);
	assert_false(r.netsh_ok);
	assert_non_null(strstr(r.d.v[0].message, "is used by two rules"));
	rendered_release(&r);

	// apply.cmd needs the reg and ps1 targets.
	build_full(&f);
	f.intent.outputs = TARGET_NETSH;
	render(&f.m, &r);
	assert_false(r.netsh_ok);
	assert_int_equal(r.d.v[0].pos.line, 13);
	assert_non_null(strstr(r.d.v[0].message, "add 'reg' to 'outputs'"));
	assert_non_null(strstr(r.d.v[1].message, "add 'ps1' to 'outputs'"));
	rendered_release(&r);

	// A non-ASCII rule name cannot go to netsh; a non-ASCII member can (as [char] codes).
	build_full(&f);
	f.m.rules[0].rule.name = S("R\xC3\xA8gle");
	f.legacy->name = S("CONTOSO\\\xC3\x9C" "berwachung");
	render(&f.m, &r);
	assert_false(r.netsh_ok);
	assert_int_equal(r.d.n, 1);
	assert_non_null(strstr(r.d.v[0].message, "non-ASCII"));
	rendered_release(&r);
	build_full(&f);
	f.legacy->name = S("CONTOSO\\\xC3\x9C" "berwachung");
	render(&f.m, &r);
	assert_true(r.netsh_ok && r.ps1_ok);
	assert_non_null(strstr(artifact(&r, "netsh/apply.cmd")->buf, "-Member ('CONTOSO\\'+[char]0x00DC+'berwachung')"));
	rendered_release(&r);

	// An empty model: empty firewall.netsh, scripts that only report success.
	build_full(&f);
	f.m.n_rules = f.m.n_members = f.m.n_descriptors = f.m.n_steps = 0;
	render(&f.m, &r);
	assert_true(r.netsh_ok && r.ps1_ok);
	assert_int_equal(artifact(&r, "netsh/firewall.netsh")->len, 0);
	assert_null(strstr(artifact(&r, "netsh/apply.cmd")->buf, "echo gpoc: step"));
	assert_non_null(strstr(artifact(&r, "netsh/apply.cmd")->buf, "\r\necho gpoc: done\r\nexit /b 0\r\n"));
	assert_null(strstr(artifact(&r, "netsh/revert.cmd")->buf, "echo gpoc: step"));
	assert_non_null(strstr(artifact(&r, "ps1/apply-namespaces.ps1")->buf, "$GpocAces = @(\r\n)\r\n"));
	rendered_release(&r);

	// winmgmt level out of range; an ACE type the script cannot write.
	build_full(&f);
	f.m.steps[1].level = 7;
	f.m.descriptors[2].aces[0].type = ACE_AUDIT;
	render(&f.m, &r);
	assert_false(r.netsh_ok);
	assert_false(r.ps1_ok);
	assert_non_null(strstr(r.d.v[0].message, "level 7 is not 1 to 6"));
	assert_non_null(strstr(r.d.v[1].message, "not allow or deny"));
	rendered_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_full),
		cmocka_unit_test(test_golden_minimal),
		cmocka_unit_test(test_order_and_determinism),
		cmocka_unit_test(test_reads_back),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_refusals),
	};
	int rc = cmocka_run_group_tests_name("netsh and ps1 renderers", tests, NULL, NULL);
	arena_release(&A);
	return rc;
}
