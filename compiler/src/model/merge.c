// merge.c: raw effects into the model, in the model's order, with contradictions.
//
// Each kind of raw effect is sorted by the key that identifies "the same thing"
// (descriptor and principal, group and member, rule id, registry key and value
// name, step kind) and then by provenance, so that one pass over each run of equal
// keys can:
//
//  - collapse identical effects into one, keeping every provenance;
//  - merge what adds up: ACE masks of one principal with the same type and flags,
//    the remote addresses of one firewall rule (the rule admits the union);
//  - report what contradicts: allow and deny of the same right for one principal
//    on one object, two contents for one registry value or rule id, two levels for
//    one step. The error is at the later grant, with a note at the earlier one.
//
// Sorting makes the result independent of the order of grants in the intent, and
// keeps the whole pass O(n log n).
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/internal.h"
#include "netsh/fwaddr.h"

static int cmp_pos(struct src_pos a, struct src_pos b)
{
	if (a.file != b.file) {
		const char *fa = a.file ? a.file->name : "", *fb = b.file ? b.file->name : "";
		int c = strcmp(fa, fb);
		if (c)
			return c;
	}
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	if (a.col != b.col)
		return a.col < b.col ? -1 : 1;
	return 0;
}

static int cmp_prov(const struct provenance *a, const struct provenance *b)
{
	int c = cmp_pos(a->grant, b->grant);
	if (c)
		return c;
	c = strcmp(a->capability, b->capability);
	if (c)
		return c;
	return cmp_pos(a->tmpl, b->tmpl);
}

static int cmp_opt_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// Joins the distinct strings of v[0..n) in sorted order; NULL if there are none.
static const char *join_distinct(struct arena *a, const char **v, size_t n, const char *sep)
{
	if (!n)
		return NULL;
	qsort(v, n, sizeof(*v), cmp_str);
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(v[i], v[i - 1]))
			continue;
		if (sb.len)
			strbuf_addstr(&sb, sep);
		strbuf_addstr(&sb, v[i]);
	}
	const char *r = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return r;
}

// The meta of one merged effect from its contributions (already in provenance
// order): every distinct provenance, every distinct risk and acceptance.
static void make_meta(struct expand *x, const struct effect_src *const *srcs, size_t n, struct effect_meta *out)
{
	out->prov = arena_array(x->a, n, sizeof(*out->prov));
	out->n_prov = 0;
	const char **risks = xmalloc(n * sizeof(*risks)), **reasons = xmalloc(n * sizeof(*reasons));
	size_t nr = 0, nreason = 0;
	for (size_t i = 0; i < n; i++) {
		const struct effect_src *s = srcs[i];
		if (!out->n_prov || cmp_prov(&out->prov[out->n_prov - 1], &s->prov))
			out->prov[out->n_prov++] = s->prov;
		if (s->risk) {
			risks[nr++] = s->risk;
			if (s->grant->accept_risk)
				reasons[nreason++] = s->grant->accept_risk;
		}
	}
	out->risk = join_distinct(x->a, risks, nr, "; ");
	out->risk_reason = join_distinct(x->a, reasons, nreason, "; ");
	free(risks);
	free(reasons);
}

// Reports two contributions that cannot both hold. `a` precedes `b`.
static void GPOC_PRINTF(4, 5) conflict(struct expand *x, const struct effect_src *a, const struct effect_src *b,
				       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(x->d, DIAG_ERROR, b->prov.grant, NULL, NULL, fmt, ap);
	va_end(ap);
	if (cmp_pos(a->prov.grant, b->prov.grant)) {
		diag_note(x->d, a->prov.grant, "the other one comes from this grant");
		return;
	}
	if (a->prov.tmpl.file)
		diag_note(x->d, a->prov.tmpl, "one comes from this template line");
	if (b->prov.tmpl.file)
		diag_note(x->d, b->prov.tmpl, "the other from this one");
}

// --- Descriptors ---

static const char *descriptor_name(struct expand *x, enum descriptor_kind k, const char *target)
{
	switch (k) {
	case DESC_MACHINE_LAUNCH:
		return "MachineLaunchRestriction";
	case DESC_MACHINE_ACCESS:
		return "MachineAccessRestriction";
	case DESC_APPID_LAUNCH:
		return arena_printf(x->a, "%s LaunchPermission", target);
	case DESC_APPID_ACCESS:
		return arena_printf(x->a, "%s AccessPermission", target);
	case DESC_NAMESPACE:
		return target;
	}
	BUG("descriptor kind %d", (int)k);
}

static int cmp_raw_ace(const void *pa, const void *pb)
{
	const struct raw_ace *a = pa, *b = pb;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	int c = cmp_opt_str(a->target, b->target);
	if (c)
		return c;
	c = principal_cmp(a->who, b->who);
	if (c)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->flags != b->flags)
		return a->flags < b->flags ? -1 : 1;
	return cmp_prov(&a->src.prov, &b->src.prov);
}

// Canonical ACE order (model.h): deny before allow, then by principal, then flags.
static int cmp_m_ace(const void *pa, const void *pb)
{
	const struct m_ace *a = pa, *b = pb;
	if (a->type != b->type)
		return a->type == ACE_DENY ? -1 : 1;
	int c = principal_cmp(a->who, b->who);
	if (c)
		return c;
	return a->flags < b->flags ? -1 : a->flags > b->flags;
}

// The model's descriptors are read-only and live in the arena: the baseline's ACEs
// are copied there, so nothing in the model needs secdesc_release().
static void arena_secdesc(struct arena *a, const struct secdesc *src, struct secdesc *dst)
{
	*dst = *src;
	dst->dacl.aces = src->dacl.count ? arena_memdup(a, src->dacl.aces, src->dacl.count * sizeof(struct ace)) : NULL;
	dst->dacl.alloc = src->dacl.count;
	dst->sacl.aces = src->sacl.count ? arena_memdup(a, src->sacl.aces, src->sacl.count * sizeof(struct ace)) : NULL;
	dst->sacl.alloc = src->sacl.count;
}

static void check_contradiction(struct expand *x, const struct m_descriptor *desc, const struct raw_ace *r,
				size_t n)
{
	// r[0..n) share one principal, sorted allow before deny.
	uint32_t allowed = 0;
	for (size_t i = 0; i < n; i++)
		if (r[i].type == ACE_ALLOW)
			allowed |= r[i].mask;
	for (size_t i = 0; i < n; i++) {
		if (r[i].type != ACE_DENY)
			continue;
		// Only the rights themselves clash: COM's EXECUTE bit is in every mask.
		uint32_t both = allowed & r[i].mask;
		if (desc->vocab == VOCAB_COM_LAUNCH || desc->vocab == VOCAB_COM_ACCESS)
			both &= ~(uint32_t)1;
		if (!both)
			continue;
		size_t a = 0;
		while (r[a].type != ACE_ALLOW || !(r[a].mask & both))
			a++;
		struct strbuf rights = STRBUF_INIT;
		rights_explain(desc->vocab, both, &rights);
		const struct effect_src *first = &r[a].src, *second = &r[i].src;
		if (cmp_prov(&first->prov, &second->prov) > 0) {
			first = &r[i].src;
			second = &r[a].src;
		}
		conflict(x, first, second, "%s is both allowed and denied %s on %s", principal_label(x->a, r[i].who),
			 rights.buf, desc->name);
		strbuf_release(&rights);
		return;
	}
}

static void build_descriptor(struct expand *x, struct raw_ace *r, size_t n, struct m_descriptor *desc)
{
	desc->kind = r[0].kind;
	desc->target = r[0].target;
	desc->vocab = r[0].vocab;
	desc->name = descriptor_name(x, desc->kind, desc->target);

	// One baseline per descriptor.
	const struct raw_ace *chose = &r[0];
	for (size_t i = 1; i < n; i++) {
		if (!cmp_opt_str(r[i].baseline, chose->baseline))
			continue;
		const struct raw_ace *a = chose, *b = &r[i];
		if (cmp_prov(&a->src.prov, &b->src.prov) > 0) {
			a = &r[i];
			b = chose;
		}
		conflict(x, &a->src, &b->src, "%s is merged into baseline %s%s%s here and into %s%s%s by another grant",
			 desc->name, b->baseline ? "'" : "", b->baseline ? b->baseline : "none",
			 b->baseline ? "'" : "", a->baseline ? "'" : "", a->baseline ? a->baseline : "none",
			 a->baseline ? "'" : "");
		return;
	}
	if (chose->baseline) {
		struct baseline *b = baseline_get(x, chose->baseline, chose->where);
		if (!b)
			return;
		if (b->has_vocab && b->vocab != desc->vocab) {
			diag_error(x->d, chose->where, "baseline '%s' holds %s rights, but %s takes %s rights", b->name,
				   model_vocab_name(b->vocab), desc->name, model_vocab_name(desc->vocab));
			return;
		}
		struct strbuf err = STRBUF_INIT;
		if (b->from_intent && !rights_validate(desc->vocab, &b->sd, &err)) {
			diag_error(x->d, b->pos, "baseline '%s' is not a valid %s descriptor: %s", b->name,
				   model_vocab_name(desc->vocab), err.buf);
			strbuf_release(&err);
			return;
		}
		strbuf_release(&err);
		desc->has_baseline = true;
		desc->baseline_name = b->name;
		desc->baseline_pos = b->pos;
		arena_secdesc(x->a, &b->sd, &desc->baseline);
	}

	// Runs of one principal: contradictions; runs of one (principal, type, flags): one ACE.
	desc->aces = arena_array(x->a, n, sizeof(*desc->aces));
	const struct effect_src **srcs = xmalloc(n * sizeof(*srcs));
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && r[j].who == r[i].who)
			j++;
		check_contradiction(x, desc, r + i, j - i);
		for (size_t k = i; k < j;) {
			size_t l = k;
			struct m_ace *m = &desc->aces[desc->n_aces++];
			m->who = r[k].who;
			m->type = r[k].type;
			m->flags = r[k].flags;
			size_t ns = 0;
			for (; l < j && r[l].type == r[k].type && r[l].flags == r[k].flags; l++) {
				m->mask |= r[l].mask;
				srcs[ns++] = &r[l].src;
			}
			make_meta(x, srcs, ns, &m->meta);
			k = l;
		}
		i = j;
	}
	free(srcs);
	qsort(desc->aces, desc->n_aces, sizeof(*desc->aces), cmp_m_ace);
}

// The merged descriptor must be one Windows accepts for its vocabulary (COM:
// EXECUTE everywhere, no mixing of old and new ACEs; WMI: the SetSD rules).
static void validate_descriptor(struct expand *x, const struct m_descriptor *desc)
{
	for (size_t i = 0; i < desc->n_aces; i++)
		if (!desc->aces[i].who->has_sid)
			return; // resolved when applied; renderers that need a SID say so
	// Every principal has a SID, so the one way to fail is an ACL past Windows'
	// size limit, which model_descriptor_build reports at the grant.
	struct secdesc sd;
	if (!model_descriptor_build(x->m, desc, true, &sd, x->d))
		return;
	struct strbuf err = STRBUF_INIT;
	if (!rights_validate(desc->vocab, &sd, &err)) {
		struct src_pos pos = desc->has_baseline ? desc->baseline_pos : desc->aces[0].meta.prov[0].grant;
		diag_error(x->d, pos, "%s would not be a valid %s descriptor: %s", desc->name,
			   model_vocab_name(desc->vocab), err.buf);
	}
	strbuf_release(&err);
	secdesc_release(&sd);
}

static void merge_descriptors(struct expand *x)
{
	if (!x->n_aces)
		return;
	qsort(x->aces, x->n_aces, sizeof(*x->aces), cmp_raw_ace);
	size_t groups = 0;
	for (size_t i = 0; i < x->n_aces; i++)
		if (!i || x->aces[i].kind != x->aces[i - 1].kind || cmp_opt_str(x->aces[i].target, x->aces[i - 1].target))
			groups++;
	struct model *m = x->m;
	m->descriptors = arena_array(x->a, groups, sizeof(*m->descriptors));
	for (size_t i = 0; i < x->n_aces;) {
		size_t j = i + 1;
		while (j < x->n_aces && x->aces[j].kind == x->aces[i].kind && !cmp_opt_str(x->aces[j].target, x->aces[i].target))
			j++;
		size_t errors = x->d->errors;
		struct m_descriptor *desc = &m->descriptors[m->n_descriptors++];
		build_descriptor(x, x->aces + i, j - i, desc);
		if (x->d->errors == errors)
			validate_descriptor(x, desc);
		i = j;
	}
}

// --- Group members ---

static int cmp_raw_member(const void *pa, const void *pb)
{
	const struct raw_member *a = pa, *b = pb;
	int c = principal_cmp(a->group, b->group);
	if (c)
		return c;
	c = principal_cmp(a->member, b->member);
	return c ? c : cmp_prov(&a->src.prov, &b->src.prov);
}

static void merge_members(struct expand *x)
{
	if (!x->n_members)
		return;
	qsort(x->members, x->n_members, sizeof(*x->members), cmp_raw_member);
	struct model *m = x->m;
	m->members = arena_array(x->a, x->n_members, sizeof(*m->members));
	const struct effect_src **srcs = xmalloc(x->n_members * sizeof(*srcs));
	for (size_t i = 0; i < x->n_members;) {
		size_t j = i, ns = 0;
		for (; j < x->n_members && x->members[j].group == x->members[i].group &&
		       x->members[j].member == x->members[i].member;
		     j++)
			srcs[ns++] = &x->members[j].src;
		struct m_member *mm = &m->members[m->n_members++];
		mm->group = x->members[i].group;
		mm->member = x->members[i].member;
		make_meta(x, srcs, ns, &mm->meta);
		i = j;
	}
	free(srcs);
}

// --- Firewall rules ---

static int cmp_raw_rule(const void *pa, const void *pb)
{
	const struct raw_rule *a = pa, *b = pb;
	int c = strcmp(a->rule.id, b->rule.id);
	return c ? c : cmp_prov(&a->src.prov, &b->src.prov);
}

static const char *or_any(const char *s)
{
	return s ? s : "any";
}

static const char *protocol_text(struct arena *a, int p)
{
	return p == FW_PROTO_ANY ? "any" : arena_printf(a, "%d", p);
}

// The first field in which two rules of one id differ (remote addresses merge),
// with both values as text; substance first, names last.
static bool rule_difference(struct arena *ar, const struct raw_rule *a, const struct raw_rule *b,
			    const char *what[3])
{
	const struct fw_rule *p = &a->rule, *q = &b->rule;
	static const char *const dirs[] = { "in", "out" }, *const actions[] = { "allow", "block", "bypass" };
	static const char *const edges[] = { "no", "yes", "deferapp", "deferuser" };
	static const char *const secs[] = { "notrequired", "authenticate", "authenc", "authdynenc", "authnoencap" };
#define DIFF(name, x, y)                   \
	do {                               \
		what[0] = name;            \
		what[1] = x;               \
		what[2] = y;               \
		return true;               \
	} while (0)
	if (p->dir != q->dir)
		DIFF("direction", dirs[q->dir], dirs[p->dir]);
	if (p->action != q->action)
		DIFF("action", actions[q->action], actions[p->action]);
	if (p->protocol != q->protocol)
		DIFF("protocol", protocol_text(ar, q->protocol), protocol_text(ar, p->protocol));
	if (cmp_opt_str(p->local_ports, q->local_ports))
		DIFF("local ports", or_any(q->local_ports), or_any(p->local_ports));
	if (cmp_opt_str(p->remote_ports, q->remote_ports))
		DIFF("remote ports", or_any(q->remote_ports), or_any(p->remote_ports));
	if (cmp_opt_str(p->program, q->program))
		DIFF("program", or_any(q->program), or_any(p->program));
	if (cmp_opt_str(p->service, q->service))
		DIFF("service", or_any(q->service), or_any(p->service));
	if (p->profiles != q->profiles)
		DIFF("profiles", arena_printf(ar, "0x%x", q->profiles), arena_printf(ar, "0x%x", p->profiles));
	if (p->enabled != q->enabled)
		DIFF("enabled", q->enabled ? "true" : "false", p->enabled ? "true" : "false");
	if (p->edge != q->edge)
		DIFF("edge", edges[q->edge], edges[p->edge]);
	if (p->security != q->security)
		DIFF("security", secs[q->security], secs[p->security]);
	if (cmp_opt_str(p->group, q->group))
		DIFF("group", q->group ? q->group : "none", p->group ? p->group : "none");
	if (cmp_opt_str(a->user_desc, b->user_desc))
		DIFF("description", b->user_desc ? b->user_desc : "none", a->user_desc ? a->user_desc : "none");
	if (strcmp(p->name, q->name))
		DIFF("name", q->name, p->name);
#undef DIFF
	return false;
}

static bool desc_text_ok(const char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '|' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

// "gpoc policy monitoring-wmi: remote-wmi for monitoring, ops". Line numbers are
// left out on purpose: a description lands on every host, and must not change
// when someone adds a comment line above a grant.
static char *rule_description(struct expand *x, const struct raw_rule *r, size_t n)
{
	const char **caps = xmalloc(n * sizeof(*caps)), **keys = xmalloc(n * sizeof(*keys));
	size_t nk = 0;
	for (size_t i = 0; i < n; i++) {
		caps[i] = r[i].src.prov.capability;
		const struct principal *to = r[i].src.grant->to;
		if (to && to->key && desc_text_ok(to->key))
			keys[nk++] = to->key;
	}
	struct strbuf sb = STRBUF_INIT;
	if (r[0].user_desc)
		strbuf_addf(&sb, "%s; ", r[0].user_desc);
	strbuf_addf(&sb, "gpoc policy %s: %s", x->in->policy.name, join_distinct(x->a, caps, n, ", "));
	if (nk) {
		const char *who = join_distinct(x->a, keys, nk, ", ");
		size_t count = 1;
		for (const char *p = who; (p = strstr(p, ", ")); p += 2)
			count++;
		if (count <= 3)
			strbuf_addf(&sb, " for %s", who);
		else
			strbuf_addf(&sb, " for %zu principals", count);
	}
	free(caps);
	free(keys);
	char *s = arena_strdup(x->a, sb.buf);
	strbuf_release(&sb);
	return s;
}

static int cmp_rule_name(const void *pa, const void *pb)
{
	const struct m_firewall *a = *(const struct m_firewall *const *)pa, *b = *(const struct m_firewall *const *)pb;
	int c = ascii_strcasecmp(a->rule.name, b->rule.name);
	return c ? c : strcmp(a->rule.id, b->rule.id);
}

static int cmp_m_rule_id(const void *pa, const void *pb)
{
	return strcmp(((const struct m_firewall *)pa)->rule.id, ((const struct m_firewall *)pb)->rule.id);
}

// A rule whose merged addresses run past FW_ADDRESS_TEXT_MAX characters becomes
// several rules with parts of the list (in order: the list is sorted), ids
// "<id>", "<id>-2", ... and names "<name> (part N of M)". One rule per grant would
// give a host thousands of rules; one unbounded rule cannot be written: netsh reads
// a command line of at most 8191 characters.
enum { FW_ADDRESS_TEXT_MAX = 4000 };

// Whether one of the grant's addresses is in the sorted slice v[0..n).
static bool addrs_meet(const struct fw_rule *grant, char *const *v, size_t n)
{
	for (size_t a = 0; a < grant->n_remote_addrs; a++)
		if (bsearch(&grant->remote_addrs[a], v, n, sizeof(*v), cmp_str))
			return true;
	return false;
}

// Each part keeps the provenance (and so the principals, risks and plan lines) of
// the grants whose addresses it holds, not of all of them: under a principal, a
// review shows the part that admits its addresses, and the model does not repeat
// thousands of provenances per part. `raw` are the merged rule's grants.
static void split_rule(struct expand *x, const struct m_firewall *mf, const struct raw_rule *raw, size_t n_raw,
		       struct m_firewall **out, size_t *n, size_t *alloc)
{
	size_t total = 0;
	for (size_t i = 0; i < mf->rule.n_remote_addrs; i++)
		total += strlen(mf->rule.remote_addrs[i]) + 1;
	if (total <= FW_ADDRESS_TEXT_MAX) {
		GROW(*out, *alloc, *n + 1);
		(*out)[(*n)++] = *mf;
		return;
	}
	// Greedy parts, each within the budget.
	size_t parts = 0, len = 0;
	for (size_t i = 0; i < mf->rule.n_remote_addrs; i++) {
		size_t l = strlen(mf->rule.remote_addrs[i]) + 1;
		if (!parts || len + l > FW_ADDRESS_TEXT_MAX) {
			parts++;
			len = 0;
		}
		len += l;
	}
	size_t part = 0, start = 0;
	len = 0;
	for (size_t i = 0; i <= mf->rule.n_remote_addrs; i++) {
		size_t l = i < mf->rule.n_remote_addrs ? strlen(mf->rule.remote_addrs[i]) + 1 : 0;
		if (i < mf->rule.n_remote_addrs && (i == start || len + l <= FW_ADDRESS_TEXT_MAX)) {
			len += l;
			continue;
		}
		part++;
		struct m_firewall p = *mf;
		char num[24];
		snprintf(num, sizeof(num), "-%zu", part);
		p.rule.id = part == 1 ? mf->rule.id : arena_concat(x->a, mf->rule.id, num, "");
		snprintf(num, sizeof(num), "%zu", part);
		char of[24];
		snprintf(of, sizeof(of), " of %zu)", parts);
		p.rule.name = arena_concat(x->a, mf->rule.name, " (part ", arena_concat(x->a, num, of, ""));
		p.rule.remote_addrs = mf->rule.remote_addrs + start;
		p.rule.n_remote_addrs = i - start;
		const struct effect_src **srcs = xmalloc(n_raw * sizeof(*srcs));
		size_t ns = 0;
		for (size_t r = 0; r < n_raw; r++)
			if (addrs_meet(&raw[r].rule, p.rule.remote_addrs, p.rule.n_remote_addrs))
				srcs[ns++] = &raw[r].src;
		if (!ns)
			BUG("firewall rule part '%s' holds addresses of no grant", p.rule.id);
		make_meta(x, srcs, ns, &p.meta);
		free(srcs);
		GROW(*out, *alloc, *n + 1);
		(*out)[(*n)++] = p;
		start = i;
		len = l;
	}
}

static void merge_rules(struct expand *x)
{
	if (!x->n_rules)
		return;
	qsort(x->rules, x->n_rules, sizeof(*x->rules), cmp_raw_rule);
	struct model *m = x->m;
	struct m_firewall *out = NULL;
	size_t n_out = 0, alloc_out = 0;
	const struct effect_src **srcs = xmalloc(x->n_rules * sizeof(*srcs));
	for (size_t i = 0; i < x->n_rules;) {
		size_t j = i;
		bool any = false, ok = true;
		size_t n_addrs = 0;
		for (; j < x->n_rules && !strcmp(x->rules[j].rule.id, x->rules[i].rule.id); j++) {
			const char *what[3];
			if (ok && rule_difference(x->a, &x->rules[i], &x->rules[j], what)) {
				conflict(x, &x->rules[i].src, &x->rules[j].src,
					 "firewall rule '%s' is made twice with different %s: '%s' here, '%s' by the other "
					 "grant",
					 x->rules[j].rule.id, what[0], quote_text(x->a, what[1]), quote_text(x->a, what[2]));
				ok = false;
			}
			if (!x->rules[j].rule.n_remote_addrs)
				any = true;
			n_addrs += x->rules[j].rule.n_remote_addrs;
			srcs[j - i] = &x->rules[j].src;
		}
		if (!ok) {
			i = j;
			continue;
		}
		struct m_firewall merged = { .rule = x->rules[i].rule };
		// One rule admits the union of what its grants ask for; `any` absorbs the rest.
		if (any) {
			merged.rule.remote_addrs = NULL;
			merged.rule.n_remote_addrs = 0;
		} else if (j - i > 1) {
			char **addrs = arena_array(x->a, n_addrs, sizeof(*addrs));
			size_t k = 0;
			for (size_t r = i; r < j; r++)
				for (size_t a = 0; a < x->rules[r].rule.n_remote_addrs; a++)
					addrs[k++] = x->rules[r].rule.remote_addrs[a];
			qsort(addrs, k, sizeof(*addrs), cmp_str);
			size_t w = 0;
			for (size_t a = 0; a < k; a++)
				if (!w || strcmp(addrs[w - 1], addrs[a]))
					addrs[w++] = addrs[a];
			merged.rule.remote_addrs = addrs;
			merged.rule.n_remote_addrs = w;
		}
		merged.rule.description = rule_description(x, x->rules + i, j - i);
		make_meta(x, srcs, j - i, &merged.meta);
		split_rule(x, &merged, x->rules + i, j - i, &out, &n_out, &alloc_out);
		i = j;
	}
	free(srcs);

	// In id order (model.h); a part's id must not meet another rule's.
	if (n_out) // qsort with a NULL array is undefined even for zero elements
		qsort(out, n_out, sizeof(*out), cmp_m_rule_id);
	m->rules = arena_array(x->a, n_out ? n_out : 1, sizeof(*m->rules));
	for (size_t i = 0; i < n_out; i++) {
		if (m->n_rules && !strcmp(m->rules[m->n_rules - 1].rule.id, out[i].rule.id)) {
			struct effect_src a = { .prov = m->rules[m->n_rules - 1].meta.prov[0] },
					 b = { .prov = out[i].meta.prov[0] };
			conflict(x, &a, &b, "firewall rule id '%s' is made twice (a rule split in parts takes the ids "
					    "'<id>-2', '<id>-3', ...); rename one",
				 out[i].rule.id);
			continue;
		}
		m->rules[m->n_rules++] = out[i];
	}
	free(out);

	// The checks the netsh and GPO writers apply, here so that the error is at
	// the intent rather than at rendering.
	for (size_t i = 0; i < m->n_rules; i++) {
		struct m_firewall *mf = &m->rules[i];
		struct strbuf why = STRBUF_INIT;
		if (!fw_rule_validate(&mf->rule, &why)) {
			const struct provenance *p = &mf->meta.prov[0];
			diag_error(x->d, p->tmpl.file ? p->tmpl : p->grant, "firewall rule '%s' cannot be written: %s",
				   mf->rule.id, why.buf);
			if (p->tmpl.file)
				diag_note(x->d, p->grant, "the rule comes from this grant");
		}
		strbuf_release(&why);
	}

	// netsh addresses rules by name: two ids must not share one.
	const struct m_firewall **byname = xmalloc(m->n_rules * sizeof(*byname));
	for (size_t i = 0; i < m->n_rules; i++)
		byname[i] = &m->rules[i];
	qsort(byname, m->n_rules, sizeof(*byname), cmp_rule_name);
	for (size_t i = 1; i < m->n_rules; i++) {
		if (ascii_strcasecmp(byname[i - 1]->rule.name, byname[i]->rule.name))
			continue;
		struct effect_src a = { .prov = byname[i - 1]->meta.prov[0] }, b = { .prov = byname[i]->meta.prov[0] };
		if (cmp_prov(&a.prov, &b.prov) > 0) {
			struct effect_src t = a;
			a = b;
			b = t;
		}
		conflict(x, &a, &b, "firewall rules '%s' and '%s' have the same name '%s'; netsh needs unique names",
			 byname[i - 1]->rule.id, byname[i]->rule.id, byname[i]->rule.name);
	}
	free(byname);
}

// --- Registry values ---

static int cmp_raw_value(const void *pa, const void *pb)
{
	const struct raw_value *a = pa, *b = pb;
	int c = ascii_strcasecmp(a->v.value.key, b->v.value.key);
	if (c)
		return c;
	c = ascii_strcasecmp(a->v.value.name, b->v.value.name);
	return c ? c : cmp_prov(&a->src.prov, &b->src.prov);
}

static bool same_bytes(const struct reg_value *a, const struct reg_value *b)
{
	return a->type == b->type && a->size == b->size && !memcmp(a->data, b->data, a->size);
}

static const char *value_difference(const struct m_registry *a, const struct m_registry *b)
{
	if (a->value.type != b->value.type)
		return "types";
	if (!same_bytes(&a->value, &b->value))
		return "data";
	if (a->revert_delete != b->revert_delete || (!a->revert_delete && !same_bytes(&a->revert, &b->revert)))
		return "revert actions";
	if (strcmp(a->display, b->display) || cmp_opt_str(a->explain, b->explain))
		return "display or explain texts";
	if (a->stock_template != b->stock_template)
		return "stock-template flags";
	return NULL;
}

static void merge_values(struct expand *x)
{
	if (!x->n_values)
		return;
	qsort(x->values, x->n_values, sizeof(*x->values), cmp_raw_value);
	struct model *m = x->m;
	m->values = arena_array(x->a, x->n_values, sizeof(*m->values));
	const struct effect_src **srcs = xmalloc(x->n_values * sizeof(*srcs));
	for (size_t i = 0; i < x->n_values;) {
		size_t j = i;
		bool ok = true;
		for (; j < x->n_values && !ascii_strcasecmp(x->values[j].v.value.key, x->values[i].v.value.key) &&
		       !ascii_strcasecmp(x->values[j].v.value.name, x->values[i].v.value.name);
		     j++) {
			const char *diff = ok ? value_difference(&x->values[i].v, &x->values[j].v) : NULL;
			if (diff) {
				conflict(x, &x->values[i].src, &x->values[j].src,
					 "registry value 'HKLM\\%s\\%s' is set twice with different %s",
					 x->values[j].v.value.key, x->values[j].v.value.name, diff);
				ok = false;
			}
			srcs[j - i] = &x->values[j].src;
		}
		if (ok) {
			struct m_registry *mv = &m->values[m->n_values++];
			*mv = x->values[i].v;
			make_meta(x, srcs, j - i, &mv->meta);
		}
		i = j;
	}
	free(srcs);
}

// --- Steps ---

static int cmp_raw_step(const void *pa, const void *pb)
{
	const struct raw_step *a = pa, *b = pb;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return cmp_prov(&a->src.prov, &b->src.prov);
}

static void merge_steps(struct expand *x)
{
	if (!x->n_steps)
		return;
	qsort(x->steps, x->n_steps, sizeof(*x->steps), cmp_raw_step);
	struct model *m = x->m;
	m->steps = arena_array(x->a, x->n_steps, sizeof(*m->steps));
	const struct effect_src **srcs = xmalloc(x->n_steps * sizeof(*srcs));
	for (size_t i = 0; i < x->n_steps;) {
		size_t j = i;
		bool ok = true;
		for (; j < x->n_steps && x->steps[j].kind == x->steps[i].kind; j++) {
			if (ok && x->steps[j].level != x->steps[i].level) {
				conflict(x, &x->steps[i].src, &x->steps[j].src,
					 "step '%s' is asked for with level %d here and level %d by another grant",
					 step_kind_name(x->steps[j].kind), x->steps[j].level, x->steps[i].level);
				ok = false;
			}
			srcs[j - i] = &x->steps[j].src;
		}
		if (ok) {
			struct m_step *ms = &m->steps[m->n_steps++];
			ms->kind = x->steps[i].kind;
			ms->level = x->steps[i].level;
			make_meta(x, srcs, j - i, &ms->meta);
		}
		i = j;
	}
	free(srcs);
}

void merge_effects(struct expand *x)
{
	merge_descriptors(x);
	merge_members(x);
	merge_rules(x);
	merge_values(x);
	merge_steps(x);
}
