// Plans: what changes in effective access between two models.
//
// The diff works on "facts", one per effect of a model, each with a key that
// names the same effect in both models regardless of where in the intent it came
// from (line numbers move; keys do not):
//
//   ACE         descriptor kind + target, principal identity (SID, else name), type
//   baseline    descriptor kind + target (the descriptor is written whole), and
//               per SID of the baseline (its entries)
//   member      group identity + member identity
//   firewall    rule ID
//   registry    key + value name, case-insensitive
//   step        step kind
//
// Both fact lists are sorted by key and walked together: a key on one side only is
// an addition or a removal, a key on both sides whose payload differs is a change
// described field by field (rights added and removed; remote address scope widened
// or narrowed, comparing addresses as sets of intervals, so 10.0.0.0/8 covers
// 10.1.0.0/16). Baseline entries are compared only when both models write the
// descriptor whole: a baseline is Windows' default, so writing it is not a grant.
//
// The notes on what Windows does with the result are written here too; the
// Markdown and JSON documents are in plan_output.c. Changes are sorted by keys
// only, so output is deterministic.
#include "review/plan.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "netsh/fwaddr.h"
#include "review/describe.h"
#include "review/lint.h"
#include "review/plan_internal.h"

enum {
	WMI_METHOD_EXECUTE = 0x2, WMI_PROVIDER_WRITE = 0x10,
};

struct fact {
	enum plan_kind kind;
	char *key;
	char *object_key;
	const struct model *m;
	const struct m_descriptor *desc;
	const struct m_ace *ace;        // PLAN_ACE
	bool entry;                     // PLAN_BASELINE: an entry (sid) or the whole descriptor
	struct sid sid;
	uint32_t allowed, denied;
	const struct m_member *member;
	const struct m_firewall *fw;
	const struct m_registry *reg;
	const struct m_step *step;
	const struct effect_meta *meta;
};

struct facts {
	struct fact *v;
	size_t n, alloc;
};

static char *xprintf(const char *fmt, ...) GPOC_PRINTF(1, 2);
static char *xprintf(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return strbuf_detach(&sb, NULL);
}

static void add_lower(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++)
		strbuf_addch(sb, ascii_tolower((unsigned char)*s));
}

static char *descriptor_key(const struct m_descriptor *d)
{
	struct strbuf sb = STRBUF_INIT;
	// Machine limits have no target: one per machine.
	strbuf_addf(&sb, "d:%s", descriptor_kind_name(d->kind));
	if (d->target) {
		strbuf_addch(&sb, ':');
		add_lower(&sb, d->target);
	}
	return strbuf_detach(&sb, NULL);
}

static struct fact *new_fact(struct facts *fs, const struct model *m, enum plan_kind kind)
{
	GROW(fs->v, fs->alloc, fs->n + 1);
	struct fact *f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->m = m;
	return f;
}

static void collect_descriptor(struct facts *fs, const struct model *m, const struct m_descriptor *d)
{
	for (size_t i = 0; i < d->n_aces; i++) {
		const struct m_ace *a = &d->aces[i];
		struct fact *f = new_fact(fs, m, PLAN_ACE);
		f->desc = d;
		f->ace = a;
		f->meta = &a->meta;
		f->object_key = descriptor_key(d);
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s|", f->object_key);
		principal_identity(a->who, &sb);
		strbuf_addf(&sb, "|%u", a->type);
		f->key = strbuf_detach(&sb, NULL);
	}
	// Namespace baselines are never written (ps1 merges into the live descriptor).
	if (!d->has_baseline || d->kind == DESC_NAMESPACE)
		return;
	struct fact *whole = new_fact(fs, m, PLAN_BASELINE);
	whole->desc = d;
	whole->object_key = descriptor_key(d);
	whole->key = xprintf("%s|~baseline", whole->object_key);
	const struct acl *dacl = &d->baseline.dacl;
	for (size_t i = 0; i < dacl->count; i++) {
		const struct sid *sid = &dacl->aces[i].sid;
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = sid_equal(&dacl->aces[k].sid, sid);
		if (seen)
			continue;
		struct fact *f = new_fact(fs, m, PLAN_BASELINE);
		f->desc = d;
		f->entry = true;
		f->sid = *sid;
		secdesc_effective_rights(&d->baseline, sid, &f->allowed, &f->denied);
		f->object_key = descriptor_key(d);
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s|~baseline|", f->object_key);
		sid_format(sid, &sb);
		f->key = strbuf_detach(&sb, NULL);
	}
}

static void collect(struct facts *fs, const struct model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_descriptors; i++)
		collect_descriptor(fs, m, &m->descriptors[i]);
	for (size_t i = 0; i < m->n_members; i++) {
		const struct m_member *mb = &m->members[i];
		struct fact *f = new_fact(fs, m, PLAN_MEMBER);
		f->member = mb;
		f->meta = &mb->meta;
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, "g:");
		principal_identity(mb->group, &sb);
		f->object_key = xstrdup(sb.buf);
		strbuf_addch(&sb, '|');
		principal_identity(mb->member, &sb);
		f->key = strbuf_detach(&sb, NULL);
	}
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct m_firewall *fw = &m->rules[i];
		struct fact *f = new_fact(fs, m, PLAN_FIREWALL);
		f->fw = fw;
		f->meta = &fw->meta;
		f->object_key = xprintf("f:%s", fw->rule.id ? fw->rule.id : "");
		f->key = xstrdup(f->object_key);
	}
	for (size_t i = 0; i < m->n_values; i++) {
		const struct m_registry *r = &m->values[i];
		struct fact *f = new_fact(fs, m, PLAN_REGISTRY);
		f->reg = r;
		f->meta = &r->meta;
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, "r:");
		add_lower(&sb, r->value.key);
		strbuf_addch(&sb, '\\');
		add_lower(&sb, r->value.name);
		f->object_key = strbuf_detach(&sb, NULL);
		f->key = xstrdup(f->object_key);
	}
	for (size_t i = 0; i < m->n_steps; i++) {
		const struct m_step *s = &m->steps[i];
		struct fact *f = new_fact(fs, m, PLAN_STEP);
		f->step = s;
		f->meta = &s->meta;
		f->object_key = xprintf("s:%d", (int)s->kind);
		f->key = xstrdup(f->object_key);
	}
}

static int cmp_fact(const void *pa, const void *pb)
{
	const struct fact *a = pa, *b = pb;
	return strcmp(a->key, b->key);
}

static void facts_release(struct facts *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].key);
		free(fs->v[i].object_key);
	}
	free(fs->v);
}

// --- Words for facts ---

static int cmp_line_col(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2)
{
	return l1 != l2 ? (l1 < l2 ? -1 : 1) : c1 != c2 ? (c1 < c2 ? -1 : 1) : 0;
}

// The grant whose `allow:` (or mapping) is at `pos`. Grants are in document order,
// so their `allow:` positions increase: binary search first, then a scan for
// positions that are a grant's mapping rather than its `allow:`.
static const struct grant *grant_of(const struct model *m, struct src_pos pos)
{
	const struct intent *in = m->intent;
	if (!in || !pos.file)
		return NULL;
	size_t lo = 0, hi = in->n_grants;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct grant *g = &in->grants[mid];
		int r = cmp_line_col(g->allow_pos.line, g->allow_pos.col, pos.line, pos.col);
		if (r == 0 && g->allow_pos.file == pos.file)
			return g;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = 0; i < in->n_grants; i++) {
		const struct grant *g = &in->grants[i];
		if ((g->allow_pos.file == pos.file && g->allow_pos.line == pos.line && g->allow_pos.col == pos.col) ||
		    (g->pos.file == pos.file && g->pos.line == pos.line && g->pos.col == pos.col))
			return g;
	}
	return NULL;
}

static void add_who(struct plan_change *c, const struct principal *p, const struct sid *sid,
		    const struct sid_context *ctx)
{
	struct strbuf key = STRBUF_INIT, disp = STRBUF_INIT;
	if (p) {
		principal_identity(p, &key);
		describe_principal(p, ctx, &disp);
	} else {
		sid_format(sid, &key);
		describe_sid(sid, ctx, &disp);
	}
	// Duplicates are removed once all are in (set_who).
	c->who = xrealloc(c->who, (c->n_who + 1) * sizeof(*c->who));
	c->who[c->n_who].key = strbuf_detach(&key, NULL);
	c->who[c->n_who].display = strbuf_detach(&disp, NULL);
	c->n_who++;
}

static int cmp_who(const void *pa, const void *pb)
{
	return strcmp(((const struct plan_who *)pa)->key, ((const struct plan_who *)pb)->key);
}

static int cmp_source(const void *pa, const void *pb)
{
	const struct plan_source *a = pa, *b = pb;
	int r = strcmp(a->file, b->file);
	if (r)
		return r;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return strcmp(a->capability ? a->capability : "", b->capability ? b->capability : "");
}

static void add_source(struct plan_source **v, size_t *n, const struct model *m, struct src_pos pos,
		       const char *capability)
{
	if (!pos.file)
		return;
	struct strbuf file = STRBUF_INIT;
	model_display_path(m, pos.file->name, &file);
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	struct plan_source *s = &(*v)[(*n)++];
	s->file = strbuf_detach(&file, NULL);
	s->line = pos.line;
	s->col = pos.col;
	s->capability = capability ? xstrdup(capability) : NULL;
	s->who = NULL;
	const struct grant *g = grant_of(m, pos);
	if (g && g->to) {
		struct strbuf id = STRBUF_INIT;
		principal_identity(g->to, &id);
		s->who = strbuf_detach(&id, NULL);
	}
}

static void source_release(struct plan_source *s)
{
	free(s->file);
	free(s->capability);
	free(s->who);
}

// Sorted, one entry per position (an effect collapsed from several grants of one
// line, or a risk shared by effects of one grant, lists the line once).
static void sources_normalize(struct plan_source *v, size_t *n)
{
	sort_items(v, *n, sizeof(*v), cmp_source);
	size_t k = 0;
	for (size_t i = 0; i < *n; i++) {
		if (k && !strcmp(v[k - 1].file, v[i].file) && v[k - 1].line == v[i].line && v[k - 1].col == v[i].col) {
			source_release(&v[i]);
			continue;
		}
		v[k++] = v[i];
	}
	*n = k;
}

static void add_meta_sources(struct plan_source **v, size_t *n, const struct model *m,
			     const struct effect_meta *meta)
{
	for (size_t i = 0; meta && i < meta->n_prov; i++)
		add_source(v, n, m, meta->prov[i].grant, meta->prov[i].capability);
	sources_normalize(*v, n);
}

static void describe_object(const struct fact *f, struct strbuf *out)
{
	switch (f->kind) {
	case PLAN_ACE:
	case PLAN_BASELINE:
		describe_descriptor(f->desc, out);
		return;
	case PLAN_MEMBER:
		strbuf_addstr(out, "group ");
		describe_principal(f->member->group, &f->m->sids, out);
		return;
	case PLAN_FIREWALL:
		strbuf_addf(out, "firewall rule %s", f->fw->rule.name ? f->fw->rule.name : f->fw->rule.id);
		return;
	case PLAN_REGISTRY:
		strbuf_addstr(out, "registry value ");
		describe_reg_path(&f->reg->value, out);
		return;
	case PLAN_STEP:
		strbuf_addstr(out, f->step->kind == STEP_WINMGMT_STANDALONE ? "WMI service host"
									 : "Certificate Services DCOM security");
		return;
	case PLAN_POLICY:
		strbuf_addstr(out, "policy");
		return;
	}
}

static void describe_ace(const struct m_descriptor *d, uint8_t type, uint8_t flags, uint32_t mask,
			 struct strbuf *out)
{
	if (type == ACE_DENY)
		strbuf_addstr(out, "denied ");
	describe_rights(d->vocab, mask, out);
	if (d->kind == DESC_NAMESPACE && (flags & ACE_CI))
		strbuf_addstr(out, ", inherited by sub-namespaces");
}

// Plan lines name at most this many addresses of a list; plan.json has them all. A
// rule merged from many grants can hold thousands, and its line appears under every
// principal behind it.
enum { ADDRS_SHOWN = 8 };

static void add_addr_list(struct strbuf *out, const char *const *v, size_t n, bool all)
{
	size_t shown = all || n <= ADDRS_SHOWN ? n : ADDRS_SHOWN;
	for (size_t i = 0; i < shown; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		strbuf_addstr(out, v[i] ? v[i] : "?");
	}
	if (shown < n)
		strbuf_addf(out, " and %zu more", n - shown);
}

static void describe_addrs(const struct fw_rule *r, struct strbuf *out, bool all)
{
	if (!r->remote_addrs || !r->n_remote_addrs) {
		strbuf_addstr(out, "any address");
		return;
	}
	add_addr_list(out, (const char *const *)r->remote_addrs, r->n_remote_addrs, all);
}

static const char *proto_name(int p)
{
	switch (p) {
	case FW_PROTO_ANY: return "any protocol";
	case FW_PROTO_TCP: return "TCP";
	case FW_PROTO_UDP: return "UDP";
	case FW_PROTO_ICMPV4: return "ICMPv4";
	case FW_PROTO_ICMPV6: return "ICMPv6";
	}
	return NULL;
}

static void describe_fw(const struct fw_rule *r, struct strbuf *out, bool all)
{
	strbuf_addstr(out, r->dir == FW_DIR_IN ? "inbound " : "outbound ");
	strbuf_addstr(out, r->action == FW_ALLOW ? "allow " : r->action == FW_BLOCK ? "block " : "bypass ");
	const char *pn = proto_name(r->protocol);
	if (pn)
		strbuf_addstr(out, pn);
	else
		strbuf_addf(out, "protocol %d", r->protocol);
	if (r->local_ports)
		strbuf_addf(out, " port %s", r->local_ports);
	if (r->service)
		strbuf_addf(out, " (service %s)", r->service);
	else if (r->program)
		strbuf_addf(out, " (program %s)", r->program);
	strbuf_addstr(out, " from ");
	describe_addrs(r, out, all);
	if (!r->enabled)
		strbuf_addstr(out, ", disabled");
}

static void describe_step(const struct m_step *s, struct strbuf *out)
{
	if (s->kind == STEP_WINMGMT_STANDALONE)
		strbuf_addf(out, "winmgmt /standalonehost %d: WMI in its own process on TCP 24158", s->level);
	else
		strbuf_addstr(out, "certutil -setreg SetupStatus -SETUP_DCOM_SECURITY_UPDATED_FLAG, then "
				   "restart certsvc");
}

static void describe_reg_value(const struct m_registry *r, struct strbuf *out)
{
	strbuf_addstr(out, "set to ");
	describe_reg_data(&r->value, out);
	if (r->display)
		strbuf_addf(out, " (%s)", r->display);
}

// --- Address scopes: widened, narrowed or changed ---

struct interval {
	bool keyword;
	int family;
	unsigned kw;
	uint8_t lo[16], hi[16];
	const char *text; // when unparsable: compared as text
};

static void to_interval(const char *s, struct interval *iv)
{
	memset(iv, 0, sizeof(*iv));
	struct fw_addr a;
	const char *err;
	if (!fw_addr_parse(s, strlen(s), true, &a, &err)) {
		iv->text = s;
		return;
	}
	size_t n = a.family == 6 ? 16 : 4;
	switch (a.kind) {
	case FWA_KEYWORD:
		iv->keyword = true;
		iv->kw = a.keyword;
		return;
	case FWA_HOST:
		memcpy(iv->lo, a.a, n);
		memcpy(iv->hi, a.a, n);
		break;
	case FWA_RANGE:
		memcpy(iv->lo, a.a, n);
		memcpy(iv->hi, a.b, n);
		break;
	case FWA_SUBNET:
		for (size_t i = 0; i < n; i++) {
			unsigned bits = a.prefix > i * 8 ? a.prefix - (unsigned)i * 8 : 0;
			uint8_t mask = bits >= 8 ? 0xFF : (uint8_t)(0xFF << (8 - bits));
			iv->lo[i] = a.a[i] & mask;
			iv->hi[i] = (uint8_t)(a.a[i] | (uint8_t)~mask);
		}
		break;
	}
	iv->family = a.family;
}

static bool interval_covers(const struct interval *a, const struct interval *b)
{
	if (a->text || b->text)
		return a->text && b->text && !ascii_strcasecmp(a->text, b->text);
	if (a->keyword || b->keyword)
		return a->keyword && b->keyword && a->kw == b->kw;
	size_t n = a->family == 6 ? 16 : 4;
	return a->family == b->family && memcmp(a->lo, b->lo, n) <= 0 && memcmp(b->hi, a->hi, n) <= 0;
}

static bool addrs_any(const struct fw_rule *r)
{
	if (!r->remote_addrs || !r->n_remote_addrs)
		return true;
	for (size_t i = 0; i < r->n_remote_addrs; i++)
		if (r->remote_addrs[i] && !ascii_strcasecmp(r->remote_addrs[i], "any"))
			return true;
	return false;
}

// Every address of b lies in some address of a.
static bool scope_covers(const struct fw_rule *a, const struct fw_rule *b)
{
	if (addrs_any(a))
		return true;
	if (addrs_any(b))
		return false;
	for (size_t j = 0; j < b->n_remote_addrs; j++) {
		struct interval ib;
		to_interval(b->remote_addrs[j], &ib);
		bool in = false;
		for (size_t i = 0; i < a->n_remote_addrs && !in; i++) {
			struct interval ia;
			to_interval(a->remote_addrs[i], &ia);
			in = interval_covers(&ia, &ib);
		}
		if (!in)
			return false;
	}
	return true;
}

// The addresses of `of` missing from `other` (by exact text), appended as a list.
static size_t missing_addrs(const struct fw_rule *of, const struct fw_rule *other, const char ***out)
{
	size_t n = 0;
	*out = xcalloc(of->n_remote_addrs + 1, sizeof(**out));
	for (size_t i = 0; i < of->n_remote_addrs; i++) {
		bool found = false;
		for (size_t k = 0; k < other->n_remote_addrs && !found; k++)
			found = !ascii_strcasecmp(of->remote_addrs[i], other->remote_addrs[k]);
		if (!found)
			(*out)[n++] = of->remote_addrs[i];
	}
	return n;
}

static void addr_delta(struct strbuf *out, const struct fw_rule *a, const struct fw_rule *b)
{
	if (addrs_any(a) || addrs_any(b)) {
		describe_addrs(a, out, false);
		strbuf_addstr(out, " → ");
		describe_addrs(b, out, false);
		return;
	}
	const char **added, **removed;
	size_t n_added = missing_addrs(b, a, &added), n_removed = missing_addrs(a, b, &removed);
	if (n_added) {
		strbuf_addstr(out, "added ");
		add_addr_list(out, added, n_added, false);
	}
	if (n_removed) {
		strbuf_addstr(out, n_added ? "; removed " : "removed ");
		add_addr_list(out, removed, n_removed, false);
	}
	free(added);
	free(removed);
}

static bool str_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void diff_field(struct strbuf *out, const char *what, const char *a, const char *b)
{
	if (str_same(a, b))
		return;
	if (out->len)
		strbuf_addstr(out, "; ");
	strbuf_addf(out, "%s %s → %s", what, a ? a : "any", b ? b : "any");
}

static const char *profiles_text(unsigned p, char *buf, size_t n)
{
	if (!p || p == (FW_PROFILE_DOMAIN | FW_PROFILE_PRIVATE | FW_PROFILE_PUBLIC))
		return "all";
	snprintf(buf, n, "%s%s%s%s%s", p & FW_PROFILE_DOMAIN ? "domain" : "",
		 (p & FW_PROFILE_DOMAIN) && (p & ~FW_PROFILE_DOMAIN) ? "," : "",
		 p & FW_PROFILE_PRIVATE ? "private" : "",
		 (p & FW_PROFILE_PRIVATE) && (p & FW_PROFILE_PUBLIC) ? "," : "",
		 p & FW_PROFILE_PUBLIC ? "public" : "");
	return buf;
}

// Field-by-field change of a firewall rule; the description (which carries
// provenance) is not a change in access.
static void diff_fw(const struct fw_rule *a, const struct fw_rule *b, struct strbuf *out)
{
	bool wide = scope_covers(b, a), narrow = scope_covers(a, b);
	if (!(wide && narrow)) {
		strbuf_addf(out, "remote addresses %s: ", wide ? "widened" : narrow ? "narrowed" : "changed");
		size_t na = addrs_any(a) ? 0 : a->n_remote_addrs, nb = addrs_any(b) ? 0 : b->n_remote_addrs;
		if (na <= ADDRS_SHOWN && nb <= ADDRS_SHOWN) {
			describe_addrs(a, out, true);
			strbuf_addstr(out, " → ");
			describe_addrs(b, out, true);
		} else {
			// Long lists: what was added and removed, as written.
			addr_delta(out, a, b);
		}
	}
	char pa[32], pb[32];
	if (a->dir != b->dir)
		diff_field(out, "direction", a->dir == FW_DIR_IN ? "in" : "out", b->dir == FW_DIR_IN ? "in" : "out");
	if (a->action != b->action)
		diff_field(out, "action", a->action == FW_ALLOW ? "allow" : a->action == FW_BLOCK ? "block" : "bypass",
			   b->action == FW_ALLOW ? "allow" : b->action == FW_BLOCK ? "block" : "bypass");
	if (a->protocol != b->protocol) {
		snprintf(pa, sizeof(pa), "%d", a->protocol);
		snprintf(pb, sizeof(pb), "%d", b->protocol);
		diff_field(out, "protocol", proto_name(a->protocol) ? proto_name(a->protocol) : pa,
			   proto_name(b->protocol) ? proto_name(b->protocol) : pb);
	}
	diff_field(out, "local ports", a->local_ports, b->local_ports);
	diff_field(out, "remote ports", a->remote_ports, b->remote_ports);
	diff_field(out, "program", a->program, b->program);
	diff_field(out, "service", a->service, b->service);
	if (a->enabled != b->enabled)
		diff_field(out, "state", a->enabled ? "enabled" : "disabled", b->enabled ? "enabled" : "disabled");
	char bufa[32], bufb[32];
	const char *ta = profiles_text(a->profiles, bufa, sizeof(bufa));
	const char *tb = profiles_text(b->profiles, bufb, sizeof(bufb));
	if (strcmp(ta, tb))
		diff_field(out, "profiles", ta, tb);
	if (a->security != b->security) {
		snprintf(pa, sizeof(pa), "%d", (int)a->security);
		snprintf(pb, sizeof(pb), "%d", (int)b->security);
		diff_field(out, "security level", pa, pb);
	}
	if (a->edge != b->edge) {
		snprintf(pa, sizeof(pa), "%d", (int)a->edge);
		snprintf(pb, sizeof(pb), "%d", (int)b->edge);
		diff_field(out, "edge traversal", pa, pb);
	}
	diff_field(out, "authorized users", a->remote_users_sddl, b->remote_users_sddl);
	diff_field(out, "authorized computers", a->remote_machines_sddl, b->remote_machines_sddl);
	diff_field(out, "name", a->name, b->name);
	diff_field(out, "group", a->group, b->group);
}

static bool reg_same(const struct reg_value *a, const struct reg_value *b)
{
	return a->type == b->type && a->size == b->size &&
	       (a->size == 0 || (a->data && b->data && !memcmp(a->data, b->data, a->size)));
}

// --- Targets whose artifacts change (docs/plan.md, "Artifacts") ---

static unsigned fact_targets(const struct fact *f)
{
	unsigned t = TARGET_MODEL;
	switch (f->kind) {
	case PLAN_ACE:
	case PLAN_BASELINE:
		if (f->desc->kind == DESC_NAMESPACE)
			t |= TARGET_SDDL | TARGET_PS1;
		else
			t |= TARGET_SDDL | TARGET_REG | TARGET_GPO;
		break;
	case PLAN_MEMBER:
	case PLAN_FIREWALL:
		t |= TARGET_GPO | TARGET_NETSH;
		break;
	case PLAN_REGISTRY:
		t |= TARGET_GPO | TARGET_REG;
		if (!f->reg->stock_template)
			t |= TARGET_ADMX;
		break;
	case PLAN_STEP:
		t |= TARGET_NETSH;
		break;
	case PLAN_POLICY:
		t = TARGET_ALL;
		break;
	}
	return t;
}

// --- Building changes ---

static struct plan_change *new_change(struct plan *p, enum plan_op op, const struct fact *f)
{
	GROW(p->v, p->alloc, p->n + 1);
	struct plan_change *c = &p->v[p->n++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->kind = f->kind;
	c->object_key = xstrdup(f->object_key);
	struct strbuf sb = STRBUF_INIT;
	describe_object(f, &sb);
	c->object = strbuf_detach(&sb, NULL);
	c->vocab = -1;
	c->targets = fact_targets(f) & p->outputs;
	if (f->meta && f->meta->risk)
		c->risk = f->meta->risk;
	return c;
}

// Principals a change concerns: the ACE's or member's own, else those of the
// grants behind the effect.
static void set_who(struct plan_change *c, const struct fact *f)
{
	const struct sid_context *ctx = &f->m->sids;
	switch (f->kind) {
	case PLAN_ACE:
		add_who(c, f->ace->who, NULL, ctx);
		break;
	case PLAN_BASELINE:
		if (f->entry)
			add_who(c, NULL, &f->sid, ctx);
		break;
	case PLAN_MEMBER:
		add_who(c, f->member->member, NULL, ctx);
		break;
	default:
		for (size_t i = 0; f->meta && i < f->meta->n_prov; i++) {
			const struct grant *g = grant_of(f->m, f->meta->prov[i].grant);
			if (g && g->to)
				add_who(c, g->to, NULL, ctx);
		}
		break;
	}
	sort_items(c->who, c->n_who, sizeof(*c->who), cmp_who);
	size_t k = 0;
	for (size_t i = 0; i < c->n_who; i++) {
		if (k && !strcmp(c->who[k - 1].key, c->who[i].key)) {
			free(c->who[i].key);
			free(c->who[i].display);
			continue;
		}
		c->who[k++] = c->who[i];
	}
	c->n_who = k;
}

static void set_sources(struct plan_change *c, const struct fact *f)
{
	if (f->kind == PLAN_BASELINE) {
		add_source(&c->src, &c->n_src, f->m, f->desc->baseline_pos, NULL);
		return;
	}
	add_meta_sources(&c->src, &c->n_src, f->m, f->meta);
}

// An addition or removal: the fact as a whole.
static void one_sided(struct plan *p, enum plan_op op, const struct fact *f)
{
	struct strbuf t = STRBUF_INIT;
	switch (f->kind) {
	case PLAN_ACE:
		describe_ace(f->desc, f->ace->type, f->ace->flags, f->ace->mask, &t);
		break;
	case PLAN_BASELINE:
		if (f->entry) {
			describe_rights(f->desc->vocab, f->allowed, &t);
			strbuf_addf(&t, " (baseline %s)", f->desc->baseline_name ? f->desc->baseline_name : "?");
		} else {
			strbuf_addf(&t, "%s written whole from baseline %s plus the grants",
				    descriptor_value_name(f->desc->kind),
				    f->desc->baseline_name ? f->desc->baseline_name : "?");
		}
		break;
	case PLAN_MEMBER:
		strbuf_addstr(&t, "member of ");
		describe_principal(f->member->group, &f->m->sids, &t);
		break;
	case PLAN_FIREWALL:
		describe_fw(&f->fw->rule, &t, false);
		break;
	case PLAN_REGISTRY:
		describe_reg_value(f->reg, &t);
		break;
	case PLAN_STEP:
		describe_step(f->step, &t);
		break;
	case PLAN_POLICY:
		break;
	}
	struct plan_change *c = new_change(p, op, f);
	c->text = strbuf_detach(&t, NULL);
	if (f->kind == PLAN_ACE || (f->kind == PLAN_BASELINE && f->entry)) {
		c->vocab = (int)f->desc->vocab;
		uint32_t mask = f->kind == PLAN_ACE ? f->ace->mask : f->allowed;
		uint8_t flags = f->kind == PLAN_ACE ? f->ace->flags : 0;
		if (op == PLAN_ADD) {
			c->new_mask = mask;
			c->new_flags = flags;
		} else {
			c->old_mask = mask;
			c->old_flags = flags;
		}
	} else {
		struct strbuf v = STRBUF_INIT;
		if (f->kind == PLAN_REGISTRY)
			describe_reg_data(&f->reg->value, &v);
		else if (f->kind == PLAN_STEP && f->step->kind == STEP_WINMGMT_STANDALONE)
			strbuf_addf(&v, "level %d", f->step->level);
		else if (f->kind == PLAN_FIREWALL)
			describe_fw(&f->fw->rule, &v, true);
		if (v.len)
			*(op == PLAN_ADD ? &c->after : &c->before) = strbuf_detach(&v, NULL);
		strbuf_release(&v);
	}
	set_who(c, f);
	set_sources(c, f);
}

static void rights_delta(enum rights_vocab v, uint32_t a, uint32_t b, struct strbuf *t)
{
	// COM's EXECUTE bit rides along with every grant; it is not a right of its own.
	uint32_t ignore = (v == VOCAB_COM_LAUNCH || v == VOCAB_COM_ACCESS) ? 0x1 : 0;
	uint32_t added = b & ~a & ~ignore, removed = a & ~b & ~ignore;
	if (added) {
		strbuf_addstr(t, "rights added: ");
		describe_rights(v, added, t);
	}
	if (removed) {
		strbuf_addstr(t, added ? "; rights removed: " : "rights removed: ");
		describe_rights(v, removed, t);
	}
	if (!added && !removed && a != b) {
		strbuf_addstr(t, "rights ");
		describe_rights(v, a, t);
		strbuf_addstr(t, " → ");
		describe_rights(v, b, t);
	}
}

// A key in both models: a change if the payload differs.
static void two_sided(struct plan *p, const struct fact *o, const struct fact *n)
{
	struct strbuf t = STRBUF_INIT;
	char *before = NULL, *after = NULL;
	bool masks = false;
	uint32_t om = 0, nm = 0;
	uint8_t oflags = 0, nflags = 0;
	switch (n->kind) {
	case PLAN_ACE:
		om = o->ace->mask;
		nm = n->ace->mask;
		oflags = o->ace->flags;
		nflags = n->ace->flags;
		masks = true;
		rights_delta(n->desc->vocab, om, nm, &t);
		{
			uint8_t of = o->ace->flags, nf = n->ace->flags;
			uint8_t worded = n->desc->kind == DESC_NAMESPACE ? ACE_CI : 0;
			if ((of ^ nf) & worded)
				strbuf_addf(&t, "%s%s inherited by sub-namespaces", t.len ? "; " : "",
					    (nf & ACE_CI) ? "now" : "no longer");
			if ((of ^ nf) & ~worded)
				strbuf_addf(&t, "%sACE flags 0x%02x → 0x%02x", t.len ? "; " : "", of, nf);
		}
		break;
	case PLAN_BASELINE:
		if (n->entry) {
			om = o->allowed;
			nm = n->allowed;
			masks = true;
			rights_delta(n->desc->vocab, om, nm, &t);
			if (t.len)
				strbuf_addf(&t, " (baseline %s)", n->desc->baseline_name ? n->desc->baseline_name : "?");
		} else if (!str_same(o->desc->baseline_name, n->desc->baseline_name)) {
			strbuf_addf(&t, "baseline %s → %s", o->desc->baseline_name ? o->desc->baseline_name : "?",
				    n->desc->baseline_name ? n->desc->baseline_name : "?");
		}
		break;
	case PLAN_MEMBER:
		break;
	case PLAN_FIREWALL:
		diff_fw(&o->fw->rule, &n->fw->rule, &t);
		if (t.len) {
			struct strbuf x = STRBUF_INIT;
			describe_fw(&o->fw->rule, &x, true);
			before = strbuf_detach(&x, NULL);
			describe_fw(&n->fw->rule, &x, true);
			after = strbuf_detach(&x, NULL);
		}
		break;
	case PLAN_REGISTRY:
		if (!reg_same(&o->reg->value, &n->reg->value)) {
			struct strbuf x = STRBUF_INIT;
			describe_reg_data(&o->reg->value, &x);
			before = strbuf_detach(&x, NULL);
			describe_reg_data(&n->reg->value, &x);
			after = strbuf_detach(&x, NULL);
			strbuf_addf(&t, "changed from %s to %s", before, after);
		}
		break;
	case PLAN_STEP:
		if (o->step->level != n->step->level) {
			before = xprintf("level %d", o->step->level);
			after = xprintf("level %d", n->step->level);
			strbuf_addf(&t, "winmgmt /standalonehost level %d → %d", o->step->level, n->step->level);
		}
		break;
	case PLAN_POLICY:
		break;
	}
	if (!t.len) {
		strbuf_release(&t);
		free(before);
		free(after);
		return;
	}
	struct plan_change *c = new_change(p, PLAN_CHANGE, n);
	c->text = strbuf_detach(&t, NULL);
	c->before = before;
	c->after = after;
	if (masks) {
		c->vocab = (int)n->desc->vocab;
		c->old_mask = om;
		c->new_mask = nm;
		c->old_flags = oflags;
		c->new_flags = nflags;
	}
	// A change concerns who it concerned before too (a rule's grants can move).
	set_who(c, o);
	set_who(c, n);
	set_sources(c, n);
}

// Baseline entries count only when both sides write the descriptor whole.
static bool both_write_whole(const struct facts *a, const struct facts *b, const char *object_key)
{
	int found = 0;
	const struct facts *sides[2] = { a, b };
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < sides[s]->n; i++) {
			const struct fact *f = &sides[s]->v[i];
			if (f->kind == PLAN_BASELINE && !f->entry && !strcmp(f->object_key, object_key)) {
				found++;
				break;
			}
		}
	return found == 2;
}

static void diff_facts(struct plan *p, struct facts *of, struct facts *nf)
{
	sort_items(of->v, of->n, sizeof(*of->v), cmp_fact);
	sort_items(nf->v, nf->n, sizeof(*nf->v), cmp_fact);
	size_t i = 0, j = 0;
	while (i < of->n || j < nf->n) {
		int c = i >= of->n ? 1 : j >= nf->n ? -1 : strcmp(of->v[i].key, nf->v[j].key);
		const struct fact *f = c < 0 ? &of->v[i] : &nf->v[j];
		bool entry = f->kind == PLAN_BASELINE && f->entry;
		if (c == 0) {
			if (!entry || both_write_whole(of, nf, f->object_key))
				two_sided(p, &of->v[i], &nf->v[j]);
			i++;
			j++;
		} else if (c < 0) {
			if (!entry || both_write_whole(of, nf, f->object_key))
				one_sided(p, PLAN_REMOVE, f);
			i++;
		} else {
			if (!entry || both_write_whole(of, nf, f->object_key))
				one_sided(p, PLAN_ADD, f);
			j++;
		}
	}
}

static void policy_changes(struct plan *p, const struct model *old, const struct model *new)
{
	if (!old || !old->intent || !new->intent)
		return;
	const struct intent *a = old->intent, *b = new->intent;
	struct fact f = { 0 };
	f.kind = PLAN_POLICY;
	f.m = new;
	char policy_key[] = "p:policy", outputs_key[] = "p:outputs"; // new_change copies them
	f.object_key = policy_key;
	if (!str_same(a->policy.name, b->policy.name)) {
		struct plan_change *c = new_change(p, PLAN_CHANGE, &f);
		c->text = xprintf("name %s → %s: rule IDs, file names and GPO IDs derive from it",
				  a->policy.name ? a->policy.name : "?", b->policy.name ? b->policy.name : "?");
		c->before = a->policy.name ? xstrdup(a->policy.name) : NULL;
		c->after = b->policy.name ? xstrdup(b->policy.name) : NULL;
		add_source(&c->src, &c->n_src, new, b->policy.pos, NULL);
	}
	if (a->outputs != b->outputs) {
		struct strbuf t = STRBUF_INIT;
		for (unsigned bit = 1; bit & TARGET_ALL; bit <<= 1) {
			if ((a->outputs & bit) == (b->outputs & bit))
				continue;
			strbuf_addf(&t, "%s%s%s", t.len ? ", " : "outputs ", (b->outputs & bit) ? "+" : "-",
				    target_name(bit));
		}
		f.object_key = outputs_key;
		struct plan_change *c = new_change(p, PLAN_CHANGE, &f);
		c->text = strbuf_detach(&t, NULL);
		c->targets = a->outputs ^ b->outputs;
		add_source(&c->src, &c->n_src, new, b->outputs_pos, NULL);
	}
}

// --- Risk acceptances ---

struct risk_entry {
	const char *risk, *reason;
	const struct effect_meta **metas;
	size_t n_metas;
};

static void collect_risk(struct risk_entry **v, size_t *n, const struct effect_meta *meta)
{
	if (!meta || !meta->risk)
		return;
	struct risk_entry *e = NULL;
	for (size_t i = 0; i < *n && !e; i++)
		if (!strcmp((*v)[i].risk, meta->risk))
			e = &(*v)[i];
	if (!e) {
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		e = &(*v)[(*n)++];
		memset(e, 0, sizeof(*e));
		e->risk = meta->risk;
		e->reason = meta->risk_reason;
	}
	e->metas = xrealloc(e->metas, (e->n_metas + 1) * sizeof(*e->metas));
	e->metas[e->n_metas++] = meta;
}

static void collect_risks(const struct model *m, struct risk_entry **v, size_t *n)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_descriptors; i++)
		for (size_t k = 0; k < m->descriptors[i].n_aces; k++)
			collect_risk(v, n, &m->descriptors[i].aces[k].meta);
	for (size_t i = 0; i < m->n_members; i++)
		collect_risk(v, n, &m->members[i].meta);
	for (size_t i = 0; i < m->n_rules; i++)
		collect_risk(v, n, &m->rules[i].meta);
	for (size_t i = 0; i < m->n_values; i++)
		collect_risk(v, n, &m->values[i].meta);
	for (size_t i = 0; i < m->n_steps; i++)
		collect_risk(v, n, &m->steps[i].meta);
}

static void add_risk(struct plan *p, enum plan_op op, const struct risk_entry *e, const char *old_reason,
		     const struct model *m)
{
	GROW(p->risks, p->alloc_risks, p->n_risks + 1);
	struct plan_risk *r = &p->risks[p->n_risks++];
	memset(r, 0, sizeof(*r));
	r->op = op;
	r->risk = xstrdup(e->risk);
	r->reason = e->reason ? xstrdup(e->reason) : NULL;
	r->old_reason = old_reason ? xstrdup(old_reason) : NULL;
	for (size_t i = 0; i < e->n_metas; i++)
		add_meta_sources(&r->src, &r->n_src, m, e->metas[i]);
}

static int cmp_risk(const void *pa, const void *pb)
{
	const struct plan_risk *a = pa, *b = pb;
	return strcmp(a->risk, b->risk);
}

static void diff_risks(struct plan *p, const struct model *old, const struct model *new)
{
	struct risk_entry *ov = NULL, *nv = NULL;
	size_t on = 0, nn = 0;
	collect_risks(old, &ov, &on);
	collect_risks(new, &nv, &nn);
	for (size_t j = 0; j < nn; j++) {
		const struct risk_entry *o = NULL;
		for (size_t i = 0; i < on && !o; i++)
			if (!strcmp(ov[i].risk, nv[j].risk))
				o = &ov[i];
		if (!o)
			add_risk(p, PLAN_ADD, &nv[j], NULL, new);
		else if (!str_same(o->reason, nv[j].reason))
			add_risk(p, PLAN_CHANGE, &nv[j], o->reason, new);
	}
	for (size_t i = 0; i < on; i++) {
		bool kept = false;
		for (size_t j = 0; j < nn && !kept; j++)
			kept = !strcmp(ov[i].risk, nv[j].risk);
		if (!kept)
			add_risk(p, PLAN_REMOVE, &ov[i], NULL, old);
	}
	sort_items(p->risks, p->n_risks, sizeof(*p->risks), cmp_risk);
	for (size_t i = 0; i < on; i++)
		free(ov[i].metas);
	for (size_t j = 0; j < nn; j++)
		free(nv[j].metas);
	free(ov);
	free(nv);
}

// --- Notes: what Windows does with the result (docs/plan.md, "Notes") ---

static void add_note(struct plan *p, struct strbuf *sb)
{
	for (size_t i = 0; i < p->n_notes; i++)
		if (!strcmp(p->notes[i], sb->buf)) {
			strbuf_release(sb);
			return;
		}
	GROW(p->notes, p->alloc_notes, p->n_notes + 1);
	p->notes[p->n_notes++] = strbuf_detach(sb, NULL);
}

static bool plan_has(const struct plan *p, enum plan_kind kind, enum plan_op op)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].kind == kind && p->v[i].op == op)
			return true;
	return false;
}

// Execute methods / provider write that Authenticated Users or Everyone hold on the
// namespace by default: from the descriptor's baseline, else (root\cimv2 only) the
// documented default (DOMAIN.md §2).
static uint32_t default_wmi_rights(const struct m_descriptor *d, const char **from)
{
	static const char *const everyone_like[] = { "S-1-5-11", "S-1-1-0" };
	uint32_t got = 0;
	if (d->has_baseline) {
		for (size_t i = 0; i < ARRAY_SIZE(everyone_like); i++) {
			struct sid sid;
			const char *err;
			if (!sid_parse(everyone_like[i], strlen(everyone_like[i]), &sid, &err))
				BUG("bad SID");
			uint32_t allowed = 0, denied = 0;
			secdesc_effective_rights(&d->baseline, &sid, &allowed, &denied);
			got |= allowed & ~denied;
		}
		*from = "baseline";
		return got & (WMI_METHOD_EXECUTE | WMI_PROVIDER_WRITE);
	}
	if (d->target && !ascii_strcasecmp(d->target, "root\\cimv2")) {
		*from = "default";
		return WMI_METHOD_EXECUTE | WMI_PROVIDER_WRITE;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// "object key \x01 principal key" of every added or changed ACE, sorted, so that the
// notes can ask "is this grant part of the change?" without scanning the plan.
static size_t changed_ace_keys(const struct plan *p, char ***out)
{
	size_t n = 0, alloc = 0;
	char **v = NULL;
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_change *c = &p->v[i];
		if (c->kind != PLAN_ACE || c->op == PLAN_REMOVE)
			continue;
		for (size_t k = 0; k < c->n_who; k++) {
			GROW(v, alloc, n + 1);
			v[n++] = xprintf("%s\x01%s", c->object_key, c->who[k].key);
		}
	}
	sort_items(v, n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

static bool ace_changed(char **keys, size_t n, const struct m_descriptor *d, const struct principal *who)
{
	char *dk = descriptor_key(d);
	struct strbuf id = STRBUF_INIT;
	principal_identity(who, &id);
	char *key = xprintf("%s\x01%s", dk, id.buf);
	const char *k = key;
	bool found = n && bsearch(&k, keys, n, sizeof(*keys), cmp_str) != NULL;
	free(key);
	free(dk);
	strbuf_release(&id);
	return found;
}

// The read-only caveat (DOMAIN.md §2), one note per namespace and set of rights:
// changed grants that leave out rights Authenticated Users hold there by default.
static void readonly_notes(struct plan *p, const struct model *m, const struct m_descriptor *d, char **keys,
			   size_t n_keys)
{
	const char *from = NULL;
	uint32_t dflt = default_wmi_rights(d, &from);
	if (!dflt)
		return;
	uint32_t done = 0; // masks already written, as a set of 4 bits (missing is a subset of 0x12)
	for (size_t k = 0; k < d->n_aces; k++) {
		uint32_t missing = dflt & ~d->aces[k].mask;
		unsigned slot = (missing & WMI_METHOD_EXECUTE ? 1u : 0u) | (missing & WMI_PROVIDER_WRITE ? 2u : 0u);
		if (!missing || (done & (1u << slot)))
			continue;
		// Every principal of a changed grant on d that lacks exactly these rights.
		struct strbuf names = STRBUF_INIT;
		size_t n = 0;
		for (size_t j = k; j < d->n_aces; j++) {
			const struct m_ace *a = &d->aces[j];
			if (a->type != ACE_ALLOW || (dflt & ~a->mask) != missing ||
			    wk_classify(a->who, &m->sids) == WK_ANONYMOUS || !ace_changed(keys, n_keys, d, a->who))
				continue;
			if (n < ADDRS_SHOWN) {
				struct strbuf who = STRBUF_INIT;
				describe_principal(a->who, &m->sids, &who);
				if (n)
					strbuf_addstr(&names, ", ");
				md_code(&names, who.buf);
				strbuf_release(&who);
			}
			n++;
		}
		done |= 1u << slot;
		if (!n) {
			strbuf_release(&names);
			continue;
		}
		if (n > ADDRS_SHOWN)
			strbuf_addf(&names, " and %zu more", n - ADDRS_SHOWN);
		struct strbuf sb = STRBUF_INIT, rights = STRBUF_INIT;
		describe_rights(d->vocab, missing, &rights);
		bool one = !(missing & (missing - 1));
		strbuf_addstr(&sb, "On ");
		md_code(&sb, d->target ? d->target : d->name);
		strbuf_addf(&sb, ", Authenticated Users already hold %s (", rights.buf);
		if (!strcmp(from, "baseline")) {
			strbuf_addstr(&sb, "baseline ");
			md_code(&sb, d->baseline_name ? d->baseline_name : "?");
		} else {
			strbuf_addstr(&sb, "Windows default");
		}
		strbuf_addf(&sb, "), so %s %s %s too although %s grant%s leave%s %s out: access is the union "
				 "of ACEs, so %s not read-only.",
			    names.buf, n == 1 ? "holds" : "hold", one ? "it" : "them", n == 1 ? "its" : "their",
			    n == 1 ? "" : "s", n == 1 ? "s" : "", one ? "it" : "them",
			    n == 1 ? "the grant is" : "the grants are");
		add_note(p, &sb);
		strbuf_release(&names);
		strbuf_release(&rights);
	}
}

static void notes_for(struct plan *p, const struct model *m, const struct model *old)
{
	struct strbuf sb = STRBUF_INIT;
	char **keys;
	size_t n_keys = changed_ace_keys(p, &keys);
	for (size_t i = 0; m && i < m->n_descriptors; i++) {
		const struct m_descriptor *d = &m->descriptors[i];
		struct strbuf name = STRBUF_INIT;
		describe_descriptor(d, &name);
		if (d->kind != DESC_NAMESPACE) {
			md_code(&sb, descriptor_value_name(d->kind));
			strbuf_addf(&sb, " (%s) is written whole: on every machine the policy reaches it "
					 "replaces the machine's own descriptor with ", name.buf);
			if (d->has_baseline) {
				strbuf_addstr(&sb, "baseline ");
				md_code(&sb, d->baseline_name ? d->baseline_name : "?");
				strbuf_addstr(&sb, " plus the grants; entries added on a machine by hand are lost.");
			} else {
				strbuf_addstr(&sb, "the grants alone, with no baseline: Windows' default "
						   "entries are lost.");
			}
			add_note(p, &sb);
		}
		if (d->kind == DESC_NAMESPACE)
			readonly_notes(p, m, d, keys, n_keys);
		strbuf_release(&name);
	}
	bool ns = false;
	for (size_t i = 0; m && i < m->n_descriptors; i++)
		ns |= m->descriptors[i].kind == DESC_NAMESPACE;
	if (ns) {
		strbuf_addstr(&sb, "WMI namespace security is not Group Policy: it changes only when "
				   "`ps1/apply-namespaces.ps1` runs on a host (`netsh/apply.cmd` runs it), "
				   "which merges these ACEs into the namespace's live descriptor.");
		add_note(p, &sb);
	}
	if (plan_has(p, PLAN_ACE, PLAN_REMOVE) || plan_has(p, PLAN_ACE, PLAN_CHANGE)) {
		for (size_t i = 0; i < p->n; i++)
			if (p->v[i].kind == PLAN_ACE && p->v[i].op != PLAN_ADD &&
			    p->v[i].vocab == (int)VOCAB_WMI && (p->v[i].old_mask & ~p->v[i].new_mask)) {
				strbuf_addstr(&sb, "Rights taken out of a namespace grant stay on hosts where the "
						   "old `ps1/apply-namespaces.ps1` already ran: the script only adds. "
						   "Run the old build's `ps1/revert-namespaces.ps1` there first.");
				add_note(p, &sb);
				break;
			}
	}
	for (size_t i = 0; m && i < m->n_values; i++) {
		const struct reg_value *v = &m->values[i].value;
		uint32_t dw;
		if (reg_value_is(v, "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System",
				 "LocalAccountTokenFilterPolicy") && reg_value_dword(v, &dw) && dw) {
			strbuf_addstr(&sb, "`LocalAccountTokenFilterPolicy=1` only matters for local accounts in "
					   "Administrators: they keep their full token over the network (weaker "
					   "pass-the-hash protection). Domain accounts and non-admin groups are not "
					   "affected by it and never need it.");
			add_note(p, &sb);
		}
		if (reg_value_is(v, "SOFTWARE\\Microsoft\\WBEM\\CIMOM", "AllowAnonymousCallback") &&
		    reg_value_dword(v, &dw) && dw) {
			strbuf_addstr(&sb, "`AllowAnonymousCallback=1` makes WMI accept asynchronous callbacks "
					   "from unauthenticated callers, on every machine the policy reaches. It "
					   "is meant for machines without a trust between them.");
			add_note(p, &sb);
		}
	}
	for (size_t i = 0; m && i < m->n_members; i++) {
		enum wk_principal g = wk_classify(m->members[i].group, &m->sids);
		if (g == WK_DCOM_USERS) {
			strbuf_addstr(&sb, "Membership in Distributed COM Users grants local and remote launch, "
					   "activation and access through the default machine limits. It gives "
					   "no WMI namespace rights by itself.");
			add_note(p, &sb);
		} else if (g == WK_REMOTE_MGMT_USERS) {
			strbuf_addstr(&sb, "Membership in Remote Management Users reaches WMI over WinRM; the "
					   "namespace still needs remote enable for the principal.");
			add_note(p, &sb);
		}
	}
	if (plan_has(p, PLAN_MEMBER, PLAN_REMOVE)) {
		strbuf_addstr(&sb, "Removing a membership from the intent does not take anyone out of a "
				   "group on hosts where it was added: the GPO only adds members "
				   "(`__Memberof`). The old build's `netsh/revert.cmd` removes it.");
		add_note(p, &sb);
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_change *c = &p->v[i];
		if (c->kind != PLAN_REGISTRY || c->op != PLAN_REMOVE || !strncmp(c->object_key, "r:software\\policies\\", 20))
			continue;
		strbuf_addstr(&sb, "A registry value outside `SOFTWARE\\Policies` stays on machines when the "
				   "policy stops setting it: the old build's revert GPO or `reg/revert.reg` "
				   "removes it.");
		add_note(p, &sb);
		break;
	}
	if (plan_has(p, PLAN_FIREWALL, PLAN_REMOVE)) {
		strbuf_addstr(&sb, "A firewall rule removed from the intent leaves the GPO with it, but "
				   "stays on hosts where `netsh/apply.cmd` added it until the old build's "
				   "`netsh/revert.cmd` runs.");
		add_note(p, &sb);
	}
	for (size_t i = 0; m && i < m->n_steps; i++) {
		if (m->steps[i].kind == STEP_WINMGMT_STANDALONE) {
			strbuf_addf(&sb, "`winmgmt /standalonehost %d` moves WMI into its own process on a "
					 "fixed port (TCP 24158) and restarts the service; `winmgmt /sharedhost` "
					 "undoes it. It is not Group Policy: `netsh/apply.cmd` runs it.",
				    m->steps[i].level);
			add_note(p, &sb);
		} else {
			strbuf_addstr(&sb, "The CA re-applies its DCOM security (`certutil -setreg SetupStatus "
					   "-SETUP_DCOM_SECURITY_UPDATED_FLAG`) and certsvc restarts: enrollment "
					   "pauses for the restart.");
			add_note(p, &sb);
		}
	}
	(void)old;
	for (size_t i = 0; i < n_keys; i++)
		free(keys[i]);
	free(keys);
	strbuf_release(&sb);
}

// --- Entry points ---

static int cmp_change(const void *pa, const void *pb)
{
	const struct plan_change *a = pa, *b = pb;
	int r = strcmp(a->object_key, b->object_key);
	if (r)
		return r;
	r = strcmp(a->n_who ? a->who[0].key : "", b->n_who ? b->who[0].key : "");
	if (r)
		return r;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(a->text, b->text);
}

// Sorting source indexes by principal needs the change they belong to.
static const struct plan_source *sorting_src;

static int cmp_src_by_who(const void *pa, const void *pb)
{
	const struct plan_source *a = &sorting_src[*(const size_t *)pa], *b = &sorting_src[*(const size_t *)pb];
	if (!a->who || !b->who) {
		if (a->who || b->who)
			return a->who ? 1 : -1;
	} else {
		int r = strcmp(a->who, b->who);
		if (r)
			return r;
	}
	return cmp_source(a, b);
}

static void index_sources(struct plan_change *c)
{
	c->src_by_who = xcalloc(c->n_src + 1, sizeof(size_t));
	for (size_t i = 0; i < c->n_src; i++)
		c->src_by_who[i] = i;
	sorting_src = c->src;
	sort_items(c->src_by_who, c->n_src, sizeof(size_t), cmp_src_by_who);
	sorting_src = NULL;
}

void plan_compute(struct plan *p, const struct model *old, const struct model *new)
{
	memset(p, 0, sizeof(*p));
	diag_init(&p->lint);
	if (old && old->intent && old->intent->file)
		p->old_name = xstrdup(old->intent->file->name);
	if (new && new->intent && new->intent->file)
		p->new_name = xstrdup(new->intent->file->name);
	p->outputs = 0;
	if (new)
		p->outputs |= new->intent ? new->intent->outputs : TARGET_ALL;
	if (old)
		p->outputs |= old->intent ? old->intent->outputs : TARGET_ALL;

	struct facts of = { 0 }, nf = { 0 };
	collect(&of, old);
	collect(&nf, new);
	diff_facts(p, &of, &nf);
	facts_release(&of);
	facts_release(&nf);
	if (old && new)
		policy_changes(p, old, new);
	sort_items(p->v, p->n, sizeof(*p->v), cmp_change);
	for (size_t i = 0; i < p->n; i++)
		index_sources(&p->v[i]);
	diff_risks(p, old, new);
	// Notes explain a change; with none, they would only repeat the intent.
	if (plan_has_changes(p))
		notes_for(p, new, old);
	if (new)
		lint_model(new, &p->lint);
}

bool plan_has_changes(const struct plan *p)
{
	return p->n > 0 || p->n_risks > 0;
}

static void sources_release(struct plan_source *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		source_release(&s[i]);
	free(s);
}

void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct plan_change *c = &p->v[i];
		free(c->object_key);
		free(c->object);
		for (size_t k = 0; k < c->n_who; k++) {
			free(c->who[k].key);
			free(c->who[k].display);
		}
		free(c->who);
		free(c->text);
		free(c->before);
		free(c->after);
		sources_release(c->src, c->n_src);
		free(c->src_by_who);
	}
	free(p->v);
	for (size_t i = 0; i < p->n_risks; i++) {
		free(p->risks[i].risk);
		free(p->risks[i].reason);
		free(p->risks[i].old_reason);
		sources_release(p->risks[i].src, p->risks[i].n_src);
	}
	free(p->risks);
	for (size_t i = 0; i < p->n_notes; i++)
		free(p->notes[i]);
	free(p->notes);
	free(p->old_name);
	free(p->new_name);
	diag_release(&p->lint);
	memset(p, 0, sizeof(*p));
}
