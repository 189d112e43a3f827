// Security lints over the model.
//
// The model already refuses what is invalid; the lints point at what is valid but
// deserves a second look in review (DOMAIN.md §8). Each rule below is one function
// over one kind of effect. A rule never reports directly: it calls report() with
// the effect's metadata, and report() does the rest the same way for every rule:
//
//   - one finding per distinct grant in the effect's provenance, at that grant's
//     position (several grants can produce one collapsed effect);
//   - a grant whose `suppress:` names the rule silences its finding and marks the
//     suppression used;
//   - for risks the design gates behind `accept-risk:` (rule->risk_gate), an
//     effect whose risk was accepted is reported as a note quoting the reason: the
//     reviewer still sees it, CI does not fail on it.
//
// Findings are sorted by position before they reach the diag, so output does not
// depend on the order the rules run in. Unused suppressions (GPOC-L100) and
// suppressions naming no rule (GPOC-L101) are checked last.
#include "review/lint.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "review/describe.h"

enum rule_index {
	R_L001, R_L002, R_L003, R_L004, R_L005, R_L006, R_L007, R_L008, R_L009, R_L010, R_L011,
	R_L100, R_L101,
	R_COUNT
};

// Keep in step with docs/lint.md (one section per ID).
static const struct lint_rule rules[R_COUNT] = {
	[R_L001] = { "GPOC-L001", "DcomLimitAnonymousRemote", DIAG_ERROR,
		"Everyone or ANONYMOUS LOGON gets a remote right in a DCOM machine limit",
		"A remote bit (remote launch, remote activation, remote access) for Everyone or "
		"ANONYMOUS LOGON in MachineLaunchRestriction or MachineAccessRestriction opens "
		"DCOM on every machine the policy reaches to every caller, authenticated or not.",
		"Grant a specific group instead (membership in Distributed COM Users is the least "
		"invasive way). If the exposure is intended, say so with accept-risk on the grant.",
		true, "9.0" },
	[R_L002] = { "GPOC-L002", "BroadRemoteLaunch", DIAG_WARNING,
		"A group holding (nearly) every account gets remote launch",
		"Everyone, ANONYMOUS LOGON, NETWORK, Authenticated Users, BUILTIN\\Users or Domain "
		"Users with remote launch (directly, or through membership in Distributed COM Users) "
		"lets any account start COM servers on the host over the network.",
		"Grant remote launch to the group that needs it, not to everyone; suppress with a "
		"reason if a broad grant is really meant.",
		true, "7.0" },
	[R_L003] = { "GPOC-L003", "DcomLimitDropsDefaults", DIAG_WARNING,
		"A DCOM machine limit written by gpoc lacks Windows' default entries",
		"A machine limit set by Group Policy (or a .reg file) replaces the machine's whole "
		"descriptor. If its baseline lacks the default entries (Administrators, Everyone "
		"local, Distributed COM Users, Performance Log Users), applications that relied on "
		"them break on every machine the policy reaches.",
		"Start a baseline override from the descriptor exported from your own machines, or "
		"use via: dcom-users-group, which leaves the machine limits alone.",
		false, "5.0" },
	[R_L004] = { "GPOC-L004", "AnonymousCallbackInDomain", DIAG_ERROR,
		"AllowAnonymousCallback=1 in a domain",
		"HKLM\\SOFTWARE\\Microsoft\\WBEM\\CIMOM\\AllowAnonymousCallback=1 makes WMI accept "
		"unauthenticated asynchronous callbacks. It exists for machines without a trust "
		"between them; Microsoft says not to change it inside a domain.",
		"Remove the setting: inside a domain, callers authenticate. If the hosts really have "
		"no trust, accept the risk on the grant with the reason.",
		true, "8.0" },
	[R_L005] = { "GPOC-L005", "LocalAccountTokenFilterPolicy", DIAG_ERROR,
		"LocalAccountTokenFilterPolicy=1",
		"LocalAccountTokenFilterPolicy=1 lifts UAC remote restrictions: local accounts in "
		"Administrators keep their full token over the network, which weakens "
		"pass-the-hash protection. It only matters for local administrator accounts; a "
		"non-admin group never needs it.",
		"Use a domain account or group instead of a local administrator. If a local "
		"administrator must connect remotely, accept the risk on the grant with the reason.",
		true, "7.5" },
	[R_L006] = { "GPOC-L006", "FirewallRpcFromAnyAddress", DIAG_ERROR,
		"An inbound RPC/WMI firewall rule admits any remote address",
		"An inbound allow rule for the RPC endpoint mapper (TCP 135), dynamic RPC, the WMI "
		"service, unsecapp.exe, the fixed WMI port 24158 or WinRM without a remote address "
		"scope exposes DCOM/WMI to every network the host is on.",
		"Give the grant a 'from:' list of management subnets. If any address is really "
		"meant, accept the risk on the grant with the reason.",
		true, "7.0" },
	[R_L007] = { "GPOC-L007", "RootNamespaceBroadGrant", DIAG_WARNING,
		"Edit Security, Full Write or an inherited grant on the WMI namespace root",
		"A grant on root with Edit Security lets the principal rewrite every namespace's "
		"security; Full Write lets it change every class; CI (inheritance) carries any grant "
		"on root down to every namespace, including ones installed later.",
		"Grant on the namespaces needed (for example root\\cimv2), without edit-security.",
		false, "6.0" },
	[R_L008] = { "GPOC-L008", "OddWmiRightsMix", DIAG_WARNING,
		"A WMI namespace grant mixes rights oddly",
		"Partial Write or Provider Write next to read rights only (no Execute Methods, no "
		"Full Write) usually means a read-only grant picked up a write bit by mistake; write "
		"rights without Enable Account only work through some other ACE's Enable.",
		"For read-only access use enable and remote-enable; for write access state it fully.",
		false, NULL },
	[R_L009] = { "GPOC-L009", "WmiFullWriteAlone", DIAG_ERROR,
		"Full Write without Partial Write or Provider Write on a WMI namespace",
		"__SystemSecurity.SetSD rejects a descriptor with an ACE holding Full Write but "
		"neither Partial Write nor Provider Write, so the namespace step fails on the host.",
		"Add partial-write and provider-write to the grant, or drop full-write.",
		false, NULL },
	[R_L010] = { "GPOC-L010", "DcomHardeningDisabled", DIAG_ERROR,
		"A DCOM hardening value is set to 0",
		"RequireIntegrityActivationAuthenticationLevel and RaiseActivationAuthenticationLevel "
		"under HKLM\\SOFTWARE\\Microsoft\\Ole\\AppCompat turn off the DCOM hardening of "
		"KB5004442 (CVE-2021-26414) when 0. Windows enforces the hardening since March 2023; "
		"a generated configuration must never set them to 0.",
		"Remove the value (or its revert). Fix the client's authentication level instead.",
		false, "8.5" },
	[R_L011] = { "GPOC-L011", "StandaloneHostLevel", DIAG_ERROR,
		"winmgmt /standalonehost below authentication level 6",
		"winmgmt /standalonehost takes an RPC authentication level; without one it uses 4 "
		"(packet), below the packet integrity (5) that DCOM hardening requires. Level 6 "
		"(packet privacy) also encrypts the traffic.",
		"Use level 6.",
		false, "5.0" },
	[R_L100] = { "GPOC-L100", "UnusedSuppression", DIAG_WARNING,
		"A suppression silences nothing",
		"A suppress entry on a grant that no finding of its rule comes from hides nothing "
		"today and would silently hide a future finding; remove it.",
		"Remove the suppress entry, or move it to the grant the finding comes from.",
		false, NULL },
	[R_L101] = { "GPOC-L101", "UnknownSuppressionRule", DIAG_WARNING,
		"A suppression names a rule that does not exist",
		"A suppress entry whose rule ID is not a gpoc lint rule silences nothing (often a "
		"typo).",
		"Use one of the rule IDs of docs/lint.md.",
		false, NULL },
};

const struct lint_rule *lint_rules(size_t *n)
{
	*n = R_COUNT;
	return rules;
}

const struct lint_rule *lint_rule_find(const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < R_COUNT; i++)
		if (!ascii_strcasecmp(rules[i].id, id))
			return &rules[i];
	return NULL;
}

// --- Findings and suppressions ---

struct finding {
	const struct lint_rule *rule;
	enum diag_severity sev;
	struct src_pos pos;
	char *message;
	const char *hint;
};

struct lint_ctx {
	const struct model *m;
	const struct sid_context *sids;
	struct finding *v;
	size_t n, alloc;
	// used[first[g] + k]: suppression k of grant g silenced something.
	bool *used;
	size_t *first;
};

static bool pos_equal(struct src_pos a, struct src_pos b)
{
	return a.file == b.file && a.line == b.line && a.col == b.col;
}

static const struct grant *grant_at(const struct lint_ctx *c, struct src_pos pos, size_t *index)
{
	const struct intent *in = c->m->intent;
	if (!in || !pos.file)
		return NULL;
	for (size_t i = 0; i < in->n_grants; i++) {
		const struct grant *g = &in->grants[i];
		if (pos_equal(g->allow_pos, pos) || pos_equal(g->pos, pos)) {
			*index = i;
			return g;
		}
	}
	return NULL;
}

static bool suppressed(struct lint_ctx *c, const struct lint_rule *rule, struct src_pos pos)
{
	size_t gi;
	const struct grant *g = grant_at(c, pos, &gi);
	if (!g)
		return false;
	bool hit = false;
	for (size_t k = 0; k < g->n_suppress; k++) {
		if (g->suppress[k].rule && !ascii_strcasecmp(g->suppress[k].rule, rule->id)) {
			c->used[c->first[gi] + k] = true;
			hit = true;
		}
	}
	return hit;
}

static void add_finding(struct lint_ctx *c, const struct lint_rule *rule, enum diag_severity sev,
			struct src_pos pos, const char *message, const char *hint)
{
	GROW(c->v, c->alloc, c->n + 1);
	struct finding *f = &c->v[c->n++];
	f->rule = rule;
	f->sev = sev;
	f->pos = pos;
	f->message = xstrdup(message);
	f->hint = hint ? hint : rule->help;
}

// The one way rules report: see the comment at the top of the file.
static void report(struct lint_ctx *c, enum rule_index ri, enum diag_severity sev,
		   const struct effect_meta *meta, const char *hint, const char *fmt, ...)
	GPOC_PRINTF(6, 7);
static void report(struct lint_ctx *c, enum rule_index ri, enum diag_severity sev,
		   const struct effect_meta *meta, const char *hint, const char *fmt, ...)
{
	const struct lint_rule *rule = &rules[ri];
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (rule->risk_gate && meta && meta->risk_reason) {
		sev = DIAG_NOTE;
		strbuf_addf(&msg, "; risk accepted: '%s'", meta->risk_reason);
	}
	size_t n = meta ? meta->n_prov : 0;
	if (n == 0) {
		struct src_pos none = { 0 };
		add_finding(c, rule, sev, none, msg.buf, hint);
	}
	for (size_t i = 0; i < n; i++) {
		struct src_pos pos = meta->prov[i].grant;
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			if (pos_equal(meta->prov[j].grant, pos))
				seen = true;
		if (seen || suppressed(c, rule, pos))
			continue;
		add_finding(c, rule, sev, pos, msg.buf, hint);
	}
	strbuf_release(&msg);
}

// --- Descriptors: L001, L002, L003, L007, L008, L009 ---

enum {
	COM_EXECUTE = 0x1, COM_EXECUTE_LOCAL = 0x2, COM_EXECUTE_REMOTE = 0x4,
	COM_ACTIVATE_LOCAL = 0x8, COM_ACTIVATE_REMOTE = 0x10,
	WMI_ENABLE = 0x1, WMI_METHOD_EXECUTE = 0x2, WMI_FULL_WRITE = 0x4, WMI_PARTIAL_WRITE = 0x8,
	WMI_PROVIDER_WRITE = 0x10, WMI_REMOTE_ENABLE = 0x20, WMI_READ_CONTROL = 0x20000,
	WMI_WRITE_DAC = 0x40000,
};

static bool is_machine_limit(enum descriptor_kind k)
{
	return k == DESC_MACHINE_LAUNCH || k == DESC_MACHINE_ACCESS;
}

static bool is_launch(enum descriptor_kind k)
{
	return k == DESC_MACHINE_LAUNCH || k == DESC_APPID_LAUNCH;
}

static void lint_com_ace(struct lint_ctx *c, const struct m_descriptor *d, const struct m_ace *a)
{
	enum wk_principal wk = wk_classify(a->who, c->sids);
	struct strbuf who = STRBUF_INIT, what = STRBUF_INIT, where = STRBUF_INIT;
	describe_principal(a->who, c->sids, &who);
	describe_descriptor(d, &where);
	uint32_t remote = a->mask & (COM_EXECUTE_REMOTE | COM_ACTIVATE_REMOTE);
	if (is_machine_limit(d->kind) && (wk == WK_EVERYONE || wk == WK_ANONYMOUS) && remote) {
		describe_rights(d->vocab, remote, &what);
		report(c, R_L001, DIAG_ERROR, &a->meta, NULL,
		       "'%s' gets %s in the %s: %s can use DCOM on the host", who.buf, what.buf,
		       where.buf,
		       wk == WK_EVERYONE ? "every account on the network" : "unauthenticated callers");
	} else if (is_launch(d->kind) && wk_is_broad(wk) && (a->mask & COM_EXECUTE_REMOTE)) {
		describe_rights(d->vocab, COM_EXECUTE_REMOTE, &what);
		report(c, R_L002, DIAG_WARNING, &a->meta, NULL,
		       "'%s' gets %s in the %s: any account can start COM servers on the host remotely",
		       who.buf, what.buf, where.buf);
	}
	strbuf_release(&who);
	strbuf_release(&what);
	strbuf_release(&where);
}

static void lint_wmi_ace(struct lint_ctx *c, const struct m_descriptor *d, const struct m_ace *a)
{
	struct strbuf who = STRBUF_INIT, ns = STRBUF_INIT, tmp = STRBUF_INIT;
	describe_principal(a->who, c->sids, &who);
	strbuf_addstr(&ns, d->target ? d->target : d->name ? d->name : "?");
	uint32_t m = a->mask;
	const uint32_t writes = WMI_FULL_WRITE | WMI_PARTIAL_WRITE | WMI_PROVIDER_WRITE;

	if (d->target && !ascii_strcasecmp(d->target, "root")) {
		struct strbuf why = STRBUF_INIT;
		if (m & (WMI_WRITE_DAC | WMI_FULL_WRITE)) {
			strbuf_addstr(&why, "gives ");
			describe_rights(d->vocab, m & (WMI_WRITE_DAC | WMI_FULL_WRITE), &why);
		}
		if (a->flags & ACE_CI)
			strbuf_addf(&why, "%sis inherited by every namespace below root (CI)",
				    why.len ? " and " : "");
		if (why.len)
			report(c, R_L007, DIAG_WARNING, &a->meta, NULL,
			       "grant for '%s' on WMI namespace 'root' %s", who.buf, why.buf);
		strbuf_release(&why);
	}
	if ((m & WMI_FULL_WRITE) && !(m & (WMI_PARTIAL_WRITE | WMI_PROVIDER_WRITE)))
		report(c, R_L009, DIAG_ERROR, &a->meta, NULL,
		       "grant for '%s' on WMI namespace '%s' has full write without partial write or "
		       "provider write, which __SystemSecurity.SetSD rejects",
		       who.buf, ns.buf);
	if ((m & writes) && !(m & WMI_ENABLE)) {
		describe_rights(d->vocab, m & writes, &tmp);
		report(c, R_L008, DIAG_WARNING, &a->meta, NULL,
		       "grant for '%s' on WMI namespace '%s' has %s without enable account: the write "
		       "rights only work through another ACE's enable",
		       who.buf, ns.buf, tmp.buf);
	} else if ((m & (WMI_PARTIAL_WRITE | WMI_PROVIDER_WRITE)) &&
		   !(m & (WMI_METHOD_EXECUTE | WMI_FULL_WRITE))) {
		describe_rights(d->vocab, m & (WMI_PARTIAL_WRITE | WMI_PROVIDER_WRITE), &tmp);
		struct strbuf rest = STRBUF_INIT;
		describe_rights(d->vocab, m & ~(WMI_PARTIAL_WRITE | WMI_PROVIDER_WRITE), &rest);
		report(c, R_L008, DIAG_WARNING, &a->meta,
		       "for read-only access drop the write right; for write access add execute-methods",
		       "grant for '%s' on WMI namespace '%s' adds %s to read rights only (%s)", who.buf,
		       ns.buf, tmp.buf, rest.buf);
		strbuf_release(&rest);
	}
	strbuf_release(&who);
	strbuf_release(&ns);
	strbuf_release(&tmp);
}

// Windows' default entries of the machine limits (DOMAIN.md §4, documented by
// Microsoft in prose): a GPO value lacking one of them takes it away.
struct default_entry {
	const char *sid;
	uint32_t mask;
};
static const struct default_entry launch_defaults[] = {
	{ "S-1-5-32-544", 0x1F }, // Administrators: all launch and activation
	{ "S-1-1-0", 0x0B },      // Everyone: local launch, local activation
	{ "S-1-5-32-562", 0x1F }, // Distributed COM Users: all
	{ "S-1-5-32-559", 0x1F }, // Performance Log Users: all
};
static const struct default_entry access_defaults[] = {
	{ "S-1-1-0", 0x07 },      // Everyone: local and remote access
	{ "S-1-5-7", 0x03 },      // ANONYMOUS LOGON: local access
	{ "S-1-5-32-562", 0x07 }, // Distributed COM Users: local and remote access
	{ "S-1-5-32-559", 0x07 }, // Performance Log Users: local and remote access
};

// All provenance of a descriptor's ACEs, as one effect_meta for report().
static struct effect_meta descriptor_meta(const struct m_descriptor *d)
{
	struct effect_meta meta = { 0 };
	size_t n = 0;
	for (size_t i = 0; i < d->n_aces; i++)
		n += d->aces[i].meta.n_prov;
	if (!n)
		return meta;
	meta.prov = xcalloc(n, sizeof(*meta.prov));
	for (size_t i = 0; i < d->n_aces; i++)
		for (size_t k = 0; k < d->aces[i].meta.n_prov; k++)
			meta.prov[meta.n_prov++] = d->aces[i].meta.prov[k];
	return meta;
}

static void lint_machine_baseline(struct lint_ctx *c, const struct m_descriptor *d)
{
	const char *value = descriptor_value_name(d->kind);
	struct effect_meta meta = descriptor_meta(d);
	if (!d->has_baseline) {
		report(c, R_L003, DIAG_ERROR, &meta,
		       "give the descriptor a baseline, or use via: dcom-users-group",
		       "'%s' replaces the machine's whole descriptor and has no baseline: every default "
		       "entry (Administrators, Everyone local, Distributed COM Users, Performance Log "
		       "Users) is dropped",
		       value);
		free(meta.prov);
		return;
	}
	const struct default_entry *defs = d->kind == DESC_MACHINE_LAUNCH ? launch_defaults : access_defaults;
	// Both tables have one entry per default principal, four each.
	_Static_assert(ARRAY_SIZE(launch_defaults) == ARRAY_SIZE(access_defaults), "default tables");
	size_t n_defs = ARRAY_SIZE(launch_defaults);
	struct strbuf missing = STRBUF_INIT;
	for (size_t i = 0; i < n_defs; i++) {
		struct sid sid;
		const char *err;
		if (!sid_parse(defs[i].sid, strlen(defs[i].sid), &sid, &err))
			BUG("bad default SID %s", defs[i].sid);
		uint32_t allowed = 0, denied = 0;
		secdesc_effective_rights(&d->baseline, &sid, &allowed, &denied);
		// The intent's own ACEs count too: a grant can restore what an override left out.
		for (size_t k = 0; k < d->n_aces; k++) {
			const struct m_ace *a = &d->aces[k];
			if (!a->who || !a->who->has_sid || !sid_equal(&a->who->sid, &sid))
				continue;
			if (a->type == ACE_ALLOW)
				allowed |= a->mask;
			else if (a->type == ACE_DENY)
				denied |= a->mask;
		}
		uint32_t lacking = (defs[i].mask & ~allowed) | (defs[i].mask & denied);
		if (!lacking)
			continue;
		if (missing.len)
			strbuf_addstr(&missing, "; ");
		describe_sid(&sid, c->sids, &missing);
		strbuf_addstr(&missing, ": ");
		describe_rights(d->vocab, lacking, &missing);
	}
	if (missing.len) {
		struct strbuf where = STRBUF_INIT;
		const struct intent *in = c->m->intent;
		if (in && d->baseline_pos.file == in->file && d->baseline_pos.line) {
			strbuf_addstr(&where, " (baseline override at ");
			describe_pos(d->baseline_pos, &where);
			strbuf_addch(&where, ')');
		}
		report(c, R_L003, DIAG_WARNING, &meta, NULL,
		       "'%s' replaces the machine's whole descriptor, and baseline '%s'%s lacks default "
		       "entries: %s",
		       value, d->baseline_name ? d->baseline_name : "?", where.buf, missing.buf);
		strbuf_release(&where);
	}
	strbuf_release(&missing);
	free(meta.prov);
}

static void lint_descriptors(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->m->n_descriptors; i++) {
		const struct m_descriptor *d = &c->m->descriptors[i];
		for (size_t k = 0; k < d->n_aces; k++) {
			const struct m_ace *a = &d->aces[k];
			if (a->type != ACE_ALLOW)
				continue;
			if (d->kind == DESC_NAMESPACE)
				lint_wmi_ace(c, d, a);
			else
				lint_com_ace(c, d, a);
		}
		if (is_machine_limit(d->kind))
			lint_machine_baseline(c, d);
	}
}

// --- Group memberships: L001, L002 through Distributed COM Users ---

static void lint_members(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->m->n_members; i++) {
		const struct m_member *mb = &c->m->members[i];
		if (wk_classify(mb->group, c->sids) != WK_DCOM_USERS)
			continue;
		enum wk_principal wk = wk_classify(mb->member, c->sids);
		if (!wk_is_broad(wk))
			continue;
		struct strbuf who = STRBUF_INIT;
		describe_principal(mb->member, c->sids, &who);
		if (wk == WK_EVERYONE || wk == WK_ANONYMOUS)
			report(c, R_L001, DIAG_ERROR, &mb->meta, NULL,
			       "'%s' becomes a member of Distributed COM Users, which the default machine "
			       "limits grant remote launch, activation and access: every caller, "
			       "authenticated or not, can use DCOM on the host",
			       who.buf);
		else
			report(c, R_L002, DIAG_WARNING, &mb->meta, NULL,
			       "'%s' becomes a member of Distributed COM Users, which the default machine "
			       "limits grant remote launch: any account can start COM servers on the host "
			       "remotely",
			       who.buf);
		strbuf_release(&who);
	}
}

// --- Firewall: L006 ---

static bool addr_is_any(const char *a)
{
	static const char *const any[] = { "any", "*", "0.0.0.0/0", "::/0", "0.0.0.0-255.255.255.255" };
	for (size_t i = 0; i < ARRAY_SIZE(any); i++)
		if (!ascii_strcasecmp(a, any[i]))
			return true;
	return false;
}

static bool remote_is_any(const struct fw_rule *r)
{
	if (!r->remote_addrs || r->n_remote_addrs == 0)
		return true;
	for (size_t i = 0; i < r->n_remote_addrs; i++)
		if (r->remote_addrs[i] && addr_is_any(r->remote_addrs[i]))
			return true;
	return false;
}

// Does the port list (netsh syntax: "135", "RPC", "1000-2000", comma-separated)
// include an RPC/WMI port? Appends the matching item to *why.
static bool ports_hit(const char *ports, struct strbuf *why)
{
	static const char *const keywords[] = { "RPC", "RPC-EPMap" };
	static const unsigned wanted[] = { 135, 24158, 5985, 5986 };
	const char *p = ports;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char item[64];
		if (n < sizeof(item)) {
			memcpy(item, p, n);
			item[n] = '\0';
			for (size_t k = 0; k < ARRAY_SIZE(keywords); k++)
				if (!ascii_strcasecmp(item, keywords[k])) {
					strbuf_addf(why, "port %s", keywords[k]);
					return true;
				}
			// "N" or "N-M", decimal.
			unsigned long lo = 0, hi = 0;
			size_t i = 0;
			while (i < n && ascii_isdigit((unsigned char)item[i]) && lo < 100000)
				lo = lo * 10 + (unsigned long)(item[i++] - '0');
			bool ok = i > 0;
			hi = lo;
			if (ok && i < n && item[i] == '-') {
				size_t j = ++i;
				hi = 0;
				while (i < n && ascii_isdigit((unsigned char)item[i]) && hi < 100000)
					hi = hi * 10 + (unsigned long)(item[i++] - '0');
				ok = i > j;
			}
			if (ok && i == n)
				for (size_t k = 0; k < ARRAY_SIZE(wanted); k++)
					if (lo <= wanted[k] && wanted[k] <= hi) {
						strbuf_addf(why, "port %u", wanted[k]);
						return true;
					}
		}
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !ascii_strcasecmp(s + n - k, suffix);
}

// What makes the rule an RPC/WMI rule, for the message; false if it is not one.
static bool rule_is_rpc_wmi(const struct fw_rule *r, struct strbuf *why)
{
	if (r->protocol != FW_PROTO_TCP && r->protocol != FW_PROTO_ANY)
		return false;
	if (r->service && (!ascii_strcasecmp(r->service, "RpcSs") || !ascii_strcasecmp(r->service, "Winmgmt"))) {
		strbuf_addf(why, "service '%s'", r->service);
		return true;
	}
	if (r->program && ends_with_ci(r->program, "\\unsecapp.exe")) {
		strbuf_addstr(why, "unsecapp.exe");
		return true;
	}
	if (!r->local_ports) {
		strbuf_addstr(why, r->protocol == FW_PROTO_ANY ? "every protocol and port" : "every TCP port");
		return true;
	}
	return ports_hit(r->local_ports, why);
}

static void lint_firewall(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->m->n_rules; i++) {
		const struct m_firewall *f = &c->m->rules[i];
		const struct fw_rule *r = &f->rule;
		if (r->dir != FW_DIR_IN || r->action == FW_BLOCK || !remote_is_any(r))
			continue;
		struct strbuf why = STRBUF_INIT;
		if (rule_is_rpc_wmi(r, &why))
			report(c, R_L006, DIAG_ERROR, &f->meta, NULL,
			       "inbound firewall rule '%s' admits %s from any remote address",
			       r->name ? r->name : r->id ? r->id : "?", why.buf);
		strbuf_release(&why);
	}
}

// --- Registry values: L004, L005, L010 ---

static const char CIMOM_KEY[] = "SOFTWARE\\Microsoft\\WBEM\\CIMOM";
static const char SYSTEM_POLICIES_KEY[] = "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System";
static const char APPCOMPAT_KEY[] = "SOFTWARE\\Microsoft\\Ole\\AppCompat";
static const char *const hardening_values[] = {
	"RequireIntegrityActivationAuthenticationLevel",
	"RaiseActivationAuthenticationLevel",
};

static bool in_domain(const struct model *m)
{
	return m->sids.has_domain || (m->intent && (m->intent->netbios || m->intent->sids.has_domain));
}

static void lint_registry(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->m->n_values; i++) {
		const struct m_registry *r = &c->m->values[i];
		const struct reg_value *v = &r->value;
		uint32_t dw;
		if (reg_value_is(v, CIMOM_KEY, "AllowAnonymousCallback") && reg_value_dword(v, &dw) && dw &&
		    in_domain(c->m)) {
			const char *dom = c->m->intent && c->m->intent->netbios ? c->m->intent->netbios : NULL;
			report(c, R_L004, DIAG_ERROR, &r->meta, NULL,
			       "'AllowAnonymousCallback' is set to %u in %s%s%s: WMI accepts "
			       "unauthenticated callbacks, which Microsoft says not to allow inside a domain",
			       dw, dom ? "domain '" : "a domain", dom ? dom : "", dom ? "'" : "");
		}
		if (reg_value_is(v, SYSTEM_POLICIES_KEY, "LocalAccountTokenFilterPolicy") &&
		    reg_value_dword(v, &dw) && dw)
			report(c, R_L005, DIAG_ERROR, &r->meta, NULL,
			       "'LocalAccountTokenFilterPolicy' is set to %u: local administrator accounts "
			       "keep their full token over the network, which weakens pass-the-hash "
			       "protection",
			       dw);
		for (size_t k = 0; k < ARRAY_SIZE(hardening_values); k++) {
			const char *name = hardening_values[k];
			if (reg_value_is(v, APPCOMPAT_KEY, name) && reg_value_dword(v, &dw) && dw == 0)
				report(c, R_L010, DIAG_ERROR, &r->meta, NULL,
				       "'%s' is set to 0, which turns off DCOM hardening (KB5004442)", name);
			if (!r->revert_delete && reg_value_is(&r->revert, APPCOMPAT_KEY, name) &&
			    reg_value_dword(&r->revert, &dw) && dw == 0)
				report(c, R_L010, DIAG_ERROR, &r->meta, NULL,
				       "the revert of '%s' sets it to 0, which turns off DCOM hardening "
				       "(KB5004442)",
				       name);
		}
	}
}

// --- Steps: L011 ---

static void lint_steps(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->m->n_steps; i++) {
		const struct m_step *s = &c->m->steps[i];
		if (s->kind != STEP_WINMGMT_STANDALONE)
			continue;
		if (s->level > 6)
			report(c, R_L011, DIAG_ERROR, &s->meta, NULL,
			       "'winmgmt /standalonehost %d' is not an RPC authentication level (1 to 6)",
			       s->level);
		else if (s->level <= 0)
			report(c, R_L011, DIAG_ERROR, &s->meta, NULL,
			       "'winmgmt /standalonehost' without a level uses 4 (packet), below the packet "
			       "integrity (5) that DCOM hardening requires");
		else if (s->level < 5)
			report(c, R_L011, DIAG_ERROR, &s->meta, NULL,
			       "'winmgmt /standalonehost %d' is below packet integrity (5), which DCOM "
			       "hardening requires",
			       s->level);
		else if (s->level == 5)
			report(c, R_L011, DIAG_WARNING, &s->meta, NULL,
			       "'winmgmt /standalonehost 5' signs but does not encrypt WMI traffic; level 6 "
			       "(packet privacy) does both");
	}
}

// --- Suppressions: L100, L101 ---

static void lint_suppressions(struct lint_ctx *c)
{
	const struct intent *in = c->m->intent;
	if (!in)
		return;
	const char *ids[R_COUNT];
	for (size_t i = 0; i < R_COUNT; i++)
		ids[i] = rules[i].id;
	for (size_t g = 0; g < in->n_grants; g++) {
		const struct grant *gr = &in->grants[g];
		for (size_t k = 0; k < gr->n_suppress; k++) {
			const struct suppression *s = &gr->suppress[k];
			const char *id = s->rule ? s->rule : "";
			struct strbuf msg = STRBUF_INIT;
			const struct lint_rule *rule;
			if (!lint_rule_find(id)) {
				rule = &rules[R_L101];
				strbuf_addf(&msg, "suppression names unknown rule '%s'", id);
				const char *guess = closest_word(id, ids, R_COUNT);
				if (guess)
					strbuf_addf(&msg, "; did you mean '%s'?", guess);
			} else if (!c->used[c->first[g] + k]) {
				rule = &rules[R_L100];
				strbuf_addf(&msg, "suppression of '%s' is unused: no '%s' finding comes from "
					    "this grant", id, id);
			} else {
				strbuf_release(&msg);
				continue;
			}
			add_finding(c, rule, rule->severity, s->pos, msg.buf, NULL);
			strbuf_release(&msg);
		}
	}
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	const char *fa = a->pos.file ? a->pos.file->name : "";
	const char *fb = b->pos.file ? b->pos.file->name : "";
	int r = strcmp(fa, fb);
	if (r)
		return r;
	if (a->pos.line != b->pos.line)
		return a->pos.line < b->pos.line ? -1 : 1;
	if (a->pos.col != b->pos.col)
		return a->pos.col < b->pos.col ? -1 : 1;
	if ((r = strcmp(a->rule->id, b->rule->id)))
		return r;
	return strcmp(a->message, b->message);
}

void lint_model(const struct model *m, struct diag *d)
{
	struct lint_ctx c = { 0 };
	c.m = m;
	c.sids = &m->sids;
	size_t n_grants = m->intent ? m->intent->n_grants : 0, total = 0;
	c.first = xcalloc(n_grants + 1, sizeof(*c.first));
	for (size_t g = 0; g < n_grants; g++) {
		c.first[g] = total;
		total += m->intent->grants[g].n_suppress;
	}
	c.used = xcalloc(total + 1, sizeof(*c.used));

	lint_descriptors(&c);
	lint_members(&c);
	lint_firewall(&c);
	lint_registry(&c);
	lint_steps(&c);
	lint_suppressions(&c);

	sort_items(c.v, c.n, sizeof(*c.v), cmp_finding);
	for (size_t i = 0; i < c.n; i++) {
		struct finding *f = &c.v[i];
		diag_add(d, f->sev, f->pos, f->rule->id, f->hint, "%s", f->message);
		free(f->message);
	}
	free(c.v);
	free(c.used);
	free(c.first);
}
