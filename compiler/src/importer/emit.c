// emit.c: the intent as YAML text.
//
// Layout, top to bottom: a header comment naming the source, `gpoc: 1`, the
// policy, the principals (one per SID, sorted by SID, keyed `sid-s-1-5-...`, the
// well-known name as a comment), the baseline overrides and the grants in the
// order of the settings they come from in the file, `outputs:` matching what the
// file was (reg for a .reg, plus netsh when it held firewall rules; gpo for a
// Registry.pol), and last the list of what was not imported, as comments.
//
// Every string from the file is written by yaml_add_scalar(); plain scalars are
// only the compiler's own words (primitive and field names, enumerations, rights,
// SIDs as sid_format prints them, decimal numbers). Each line is recorded with the
// item (or principal) it belongs to, so that verify.c can take a compiler error at
// a line back to the setting that caused it.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf.h"
#include "core/util.h"
#include "formats/registry.h"
#include "importer/internal.h"
#include "importer/yaml_out.h"
#include "netsh/fwaddr.h"

enum { COMMENT_MAX = 400 };

struct out {
	struct imp *im;
	struct emitted *e;
	struct strbuf *sb;
	uint32_t line;           // the line being written, 1-based
	int32_t item, principal; // what owns it (-1: nothing)
	size_t alloc_lines;
	bool probe;
	size_t from, to; // the items written: [from, to), live ones only
};

static bool in_window(const struct out *o, size_t i)
{
	return i >= o->from && i < o->to && !o->im->items[i].dropped;
}

static void nl(struct out *o)
{
	struct emitted *e = o->e;
	if (o->line + 1 > o->alloc_lines) {
		size_t na = o->alloc_lines ? o->alloc_lines * 2 : 256;
		while (na < o->line + 1)
			na *= 2;
		e->line_item = xrealloc(e->line_item, na * sizeof(*e->line_item));
		e->line_principal = xrealloc(e->line_principal, na * sizeof(*e->line_principal));
		o->alloc_lines = na;
	}
	e->line_item[o->line] = o->item;
	e->line_principal[o->line] = o->principal;
	e->n_lines = o->line;
	strbuf_addch(o->sb, '\n');
	o->line++;
}

static void put(struct out *o, const char *s)
{
	strbuf_addstr(o->sb, s);
}

static void comment(struct out *o, const char *indent, const char *text)
{
	strbuf_addf(o->sb, "%s# ", indent);
	yaml_add_comment_text(o->sb, text, strlen(text), COMMENT_MAX);
	nl(o);
}

// A string from the file. Readers hand over valid UTF-8 without NUL, so this
// cannot fail; if it ever did, the item is taken out rather than the YAML broken.
static void scalar(struct out *o, struct item *it, const char *s)
{
	if (yaml_add_scalar(o->sb, s, strlen(s)))
		return;
	put(o, "''");
	if (it && !it->dropped) {
		it->dropped = true;
		imp_note(o->im, it->at, true, "'%s' holds text YAML cannot carry (invalid UTF-8 or a NUL)",
			 imp_cut(o->im, it->path));
		o->e->redo = true;
	}
}

// "key: 'value'" on its own line at grant indentation.
static void field(struct out *o, struct item *it, const char *key, const char *value)
{
	strbuf_addf(o->sb, "    %s: ", key);
	scalar(o, it, value);
	nl(o);
}

static void plain_field(struct out *o, const char *key, const char *value)
{
	strbuf_addf(o->sb, "    %s: %s", key, value);
	nl(o);
}

// --- Principals ---

static int cmp_sid(const void *a, const void *b)
{
	return sid_compare(a, b);
}

static bool grant_emitted(const struct item *it, const struct igrant *g, bool probe)
{
	(void)it;
	return probe || !g->removed;
}

static void collect_principals(struct out *o)
{
	struct imp *im = o->im;
	struct emitted *e = o->e;
	size_t n = 0, alloc = 0;
	struct sid *v = NULL;
	for (size_t i = 0; i < im->n_items; i++) {
		const struct item *it = &im->items[i];
		if (!in_window(o, i) || (it->kind != IT_LIMIT && it->kind != IT_APPID))
			continue;
		for (size_t j = 0; j < it->n_grants; j++) {
			if (!grant_emitted(it, &it->grants[j], o->probe))
				continue;
			GROW(v, alloc, n + 1);
			v[n++] = it->grants[j].sid;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_sid);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (!w || !sid_equal(&v[w - 1], &v[i]))
			v[w++] = v[i];
	e->principals = v;
	e->n_principals = w;
}

static int32_t principal_index(const struct emitted *e, const struct sid *sid)
{
	size_t lo = 0, hi = e->n_principals;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = sid_compare(&e->principals[mid], sid);
		if (!c)
			return (int32_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	BUG("principal of a grant was not collected");
}

static void emit_principals(struct out *o)
{
	struct emitted *e = o->e;
	if (!e->n_principals)
		return;
	put(o, "principals:");
	nl(o);
	struct sid_context none = {0};
	for (size_t i = 0; i < e->n_principals; i++) {
		o->principal = (int32_t)i;
		struct strbuf sid = STRBUF_INIT;
		sid_format(&e->principals[i], &sid);
		strbuf_addf(o->sb, "  %s: { sid: %s }", principal_key(o->im->a, &e->principals[i]), sid.buf);
		const struct sid *sid_i = &e->principals[i];
		const char *known = sid_wellknown_name(sid_i, &none);
		// S-1-5-21-X-Y-Z-RID: a well-known RID names the group in whatever domain
		// (or machine) X-Y-Z is, which the file does not say.
		if (!known && sid_i->authority == 5 && sid_i->sub_count >= 2 && sid_i->sub[0] == 21) {
			struct sid_context dom = { .has_domain = true, .domain = *sid_i };
			dom.domain.sub_count--;
			known = sid_wellknown_name(sid_i, &dom);
			if (known)
				known = arena_printf(o->im->a, "%s (RID %" PRIu32 " of its domain)", known,
						     sid_i->sub[sid_i->sub_count - 1]);
		}
		if (known) {
			put(o, "  # ");
			yaml_add_comment_text(o->sb, known, strlen(known), COMMENT_MAX);
		}
		nl(o);
		strbuf_release(&sid);
	}
	o->principal = -1;
}

// --- Grants ---

static void where_comment(struct out *o, const struct item *it, const char *indent)
{
	struct imp *im = o->im;
	const char *text = arena_printf(im->a, "%s: %s", where_text(im, it->at), it->path);
	comment(o, indent, text);
}

static bool item_has_filler_grants(const struct item *it)
{
	return it->kind == IT_APPID && it->variant == 1;
}

static bool uses_override(const struct item *it)
{
	if (it->kind == IT_LIMIT)
		return it->override;
	return it->kind == IT_APPID && it->variant == 1;
}

static void risk_lines(struct out *o, struct item *it, struct igrant *g)
{
	struct imp *im = o->im;
	if (o->probe) {
		field(o, it, "accept-risk", "probe");
		return;
	}
	if (!g->risk)
		return;
	const char *why = arena_printf(im->a, "imported from %s (%s) as it was deployed; not yet reviewed",
				       im->o->source_name, where_text(im, it->at));
	field(o, it, "accept-risk", why);
}

static void rights_list(struct out *o, const struct item *it, const struct igrant *g)
{
	const char **names = mask_rights(o->im->a, dkind_vocab(it->dkind), g->mask);
	if (!names)
		BUG("grant mask 0x%x was checked to be rights", (unsigned)g->mask);
	put(o, "    rights: [");
	for (size_t i = 0; names[i]; i++)
		strbuf_addf(o->sb, "%s%s", i ? ", " : "", names[i]);
	put(o, "]");
	nl(o);
}

static void emit_ace_grants(struct out *o, struct item *it)
{
	struct imp *im = o->im;
	bool first = true;
	for (size_t j = 0; j < it->n_grants; j++) {
		struct igrant *g = &it->grants[j];
		if (!grant_emitted(it, g, o->probe)) {
			g->allow_line = 0; // no line of this text is its
			continue;
		}
		if (first) {
			where_comment(o, it, "  ");
			const char *how = NULL;
			if (it->kind == IT_LIMIT && !it->override)
				how = "it is the stock baseline; the grant only makes gpoc write the "
				      "descriptor";
			else if (item_has_filler_grants(it) || (it->kind == IT_LIMIT && g->filler))
				how = "the descriptor as found is the baseline override above; the grant "
				      "only makes "
				      "gpoc write it";
			else if (it->kind == IT_LIMIT)
				how = "the descriptor as found is the baseline override above; the grants "
				      "are what it "
				      "adds to the stock baseline";
			if (how)
				comment(o, "  ", how);
			first = false;
		}
		if (!o->probe && g->risk)
			comment(o, "  ", arena_printf(im->a, "risk: %s", g->risk));
		int32_t p = principal_index(o->e, &g->sid);
		g->allow_line = o->line + 1;
		strbuf_addf(o->sb, "  - to: %s", principal_key(im->a, &o->e->principals[p]));
		nl(o);
		if (it->kind == IT_LIMIT) {
			plain_field(o, "allow", "dcom-limit");
			plain_field(o, "limit", it->dkind == DESC_MACHINE_LAUNCH ? "launch" : "access");
		} else {
			plain_field(o, "allow", "appid-permission");
			field(o, it, "appid", it->appid);
			plain_field(o, "permission", it->dkind == DESC_APPID_LAUNCH ? "launch" : "access");
		}
		if (g->deny)
			plain_field(o, "access", "deny");
		rights_list(o, it, g);
		if (it->kind == IT_APPID && it->variant == 1)
			field(o, it, "baseline", it->baseline);
		risk_lines(o, it, g);
	}
}

static void emit_value(struct out *o, struct item *it)
{
	struct imp *im = o->im;
	const struct reg_value *v = &it->v;
	where_comment(o, it, "  ");
	if (it->note)
		comment(o, "  ", it->note);
	if (!o->probe && it->grants[0].risk)
		comment(o, "  ", arena_printf(im->a, "risk: %s", it->grants[0].risk));
	it->grants[0].allow_line = o->line;
	put(o, "  - allow: registry-value");
	nl(o);
	field(o, it, "key", arena_printf(im->a, "HKLM\\%s", v->key));
	field(o, it, "name", v->name);
	plain_field(o, "type", reg_type_name(v->type));
	struct strbuf sb = STRBUF_INIT;
	switch (v->type) {
	case REGT_SZ:
	case REGT_EXPAND_SZ:
		reg_data_as_string(v->data, v->size, &sb); // checked by classify.c
		field(o, it, "data", sb.buf);
		break;
	case REGT_MULTI_SZ: {
		put(o, "    data: [");
		// Items: UTF-16 strings between the NUL units, the last (empty) one left out.
		size_t units = v->size / 2, start = 0;
		bool any = false;
		for (size_t u = 0; u + 1 < units; u++) {
			if (get_le16(v->data + 2 * u))
				continue;
			strbuf_reset(&sb);
			utf16le_to_utf8(&sb, v->data + 2 * start, 2 * (u - start));
			if (any)
				put(o, ", ");
			scalar(o, it, sb.buf);
			any = true;
			start = u + 1;
		}
		put(o, "]");
		nl(o);
		break;
	}
	case REGT_DWORD:
		strbuf_addf(&sb, "%" PRIu32, get_le32(v->data));
		plain_field(o, "data", sb.buf);
		break;
	case REGT_QWORD:
		strbuf_addf(&sb, "%" PRIu64,
			    (uint64_t)get_le32(v->data) | (uint64_t)get_le32(v->data + 4) << 32);
		plain_field(o, "data", sb.buf);
		break;
	case REGT_BINARY:
		for (size_t i = 0; i < v->size; i++)
			strbuf_addf(&sb, "%s%02x", i ? "," : "", v->data[i]);
		field(o, it, "data", sb.buf);
		break;
	default:
		BUG("value type %" PRIu32 " was checked by classify.c", v->type);
	}
	strbuf_release(&sb);
	risk_lines(o, it, &it->grants[0]);
}

static void list_field(struct out *o, struct item *it, const char *key, const char *commas)
{
	strbuf_addf(o->sb, "    %s: [", key);
	const char *p = commas;
	for (bool first = true;; first = false) {
		const char *c = strchr(p, ',');
		char *one = arena_strndup(o->im->a, p, c ? (size_t)(c - p) : strlen(p));
		if (!first)
			put(o, ", ");
		scalar(o, it, one);
		if (!c)
			break;
		p = c + 1;
	}
	put(o, "]");
	nl(o);
}

static void emit_rule(struct out *o, struct item *it)
{
	struct imp *im = o->im;
	const struct fw_rule *r = &it->rule;
	where_comment(o, it, "  ");
	if (it->note)
		comment(o, "  ", it->note);
	if (!o->probe && it->grants[0].risk)
		comment(o, "  ", arena_printf(im->a, "risk: %s", it->grants[0].risk));
	it->grants[0].allow_line = o->line;
	put(o, "  - allow: firewall-rule");
	nl(o);
	field(o, it, "rule", it->rule_suffix);
	if (it->rule_name)
		field(o, it, "name", it->rule_name);
	if (it->rule_desc)
		field(o, it, "description", it->rule_desc);
	plain_field(o, "direction", r->dir == FW_DIR_IN ? "in" : "out");
	plain_field(o, "action",
		    r->action == FW_ALLOW   ? "allow"
		    : r->action == FW_BLOCK ? "block"
					    : "bypass");
	const char *proto = r->protocol == FW_PROTO_ANY ? "any" : fw_protocol_name(r->protocol);
	if (proto)
		plain_field(o, "protocol", proto);
	else
		field(o, it, "protocol", arena_printf(im->a, "%d", r->protocol));
	if (r->local_ports)
		list_field(o, it, "local-ports", r->local_ports);
	if (r->remote_ports)
		list_field(o, it, "remote-ports", r->remote_ports);
	if (r->program)
		field(o, it, "program", r->program);
	if (r->service)
		field(o, it, "service", r->service);
	if (r->n_remote_addrs) {
		put(o, "    remote-addresses: [");
		for (size_t i = 0; i < r->n_remote_addrs; i++) {
			if (i)
				put(o, ", ");
			scalar(o, it, r->remote_addrs[i]);
		}
		put(o, "]");
		nl(o);
	} else {
		plain_field(o, "remote-addresses", "[any]");
	}
	if (r->profiles) {
		static const char *const names[] = {"domain", "private", "public"};
		put(o, "    profiles: [");
		bool any = false;
		for (int b = 0; b < 3; b++)
			if (r->profiles & (1u << b)) {
				strbuf_addf(o->sb, "%s%s", any ? ", " : "", names[b]);
				any = true;
			}
		put(o, "]");
		nl(o);
	}
	if (!r->enabled)
		plain_field(o, "enabled", "false");
	static const char *const edges[] = {[FW_EDGE_NO] = "'no'",
					    [FW_EDGE_YES] = "'yes'",
					    [FW_EDGE_DEFERAPP] = "deferapp",
					    [FW_EDGE_DEFERUSER] = "deferuser"};
	if (r->edge != FW_EDGE_NO)
		plain_field(o, "edge", edges[r->edge]);
	static const char *const secs[] = {[FW_SEC_NOTREQUIRED] = "notrequired",
					   [FW_SEC_AUTHENTICATE] = "authenticate",
					   [FW_SEC_AUTHENC] = "authenc",
					   [FW_SEC_AUTHDYNENC] = "authdynenc",
					   [FW_SEC_AUTHNOENCAP] = "authnoencap"};
	if (r->security != FW_SEC_NOTREQUIRED)
		plain_field(o, "security", secs[r->security]);
	if (r->group)
		field(o, it, "group", r->group);
	risk_lines(o, it, &it->grants[0]);
}

// --- The whole file ---

static size_t live_items(const struct imp *im, bool *rules)
{
	size_t n = 0;
	*rules = false;
	for (size_t i = 0; i < im->n_items; i++) {
		if (im->items[i].dropped)
			continue;
		n++;
		if (im->items[i].kind == IT_RULE)
			*rules = true;
	}
	return n;
}

static void emit_trailer(struct out *o)
{
	const struct import_result *r = o->im->r;
	size_t skipped = 0;
	for (size_t i = 0; i < r->n_notes; i++)
		skipped += r->notes[i].skipped;
	if (!skipped)
		return;
	nl(o);
	comment(o, "",
		arena_printf(o->im->a,
			     "Not imported (%zu): what the intent cannot express, also printed "
			     "as warnings:",
			     skipped));
	// In file order, whichever step found them.
	const struct import_note **v = xmalloc(skipped * sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < r->n_notes; i++)
		if (r->notes[i].skipped)
			v[k++] = &r->notes[i];
	for (size_t i = 1; i < k; i++) {
		const struct import_note *x = v[i];
		size_t j = i;
		while (j && (v[j - 1]->line > x->line ||
			     (v[j - 1]->line == x->line && v[j - 1]->offset > x->offset))) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	for (size_t i = 0; i < k; i++)
		comment(o, "",
			arena_printf(o->im->a, "%s: %s",
				     where_text(o->im, (struct where){v[i]->line, v[i]->offset}),
				     v[i]->message));
	free(v);
}

void emit_intent(struct imp *im, bool probe, size_t from, size_t to, struct emitted *e)
{
	memset(e, 0, sizeof(*e));
	strbuf_init(&e->text, 0);
	struct out o = {.im = im,
			.e = e,
			.sb = &e->text,
			.line = 1,
			.item = -1,
			.principal = -1,
			.probe = probe,
			.from = from,
			.to = to};
	bool rules;
	size_t live = live_items(im, &rules);
	const char *kind = im->r->pol ? "Registry.pol" : ".reg file";
	comment(&o, "",
		arena_printf(im->a, "Imported by 'gpoc import' from the %s '%s'.", kind, im->o->source_name));
	comment(&o, "",
		arena_printf(im->a, "%zu setting%s imported as primitive grants, in the order of the file.",
			     live, live == 1 ? "" : "s"));
	comment(&o, "", "Review them before building: they say what the file did, not why.");
	put(&o, "gpoc: 1");
	nl(&o);
	e->policy_first = o.line;
	put(&o, "policy:");
	nl(&o);
	put(&o, "  name: ");
	scalar(&o, NULL, im->policy);
	nl(&o);
	put(&o, "  description: 'imported with gpoc import'");
	nl(&o);
	e->policy_last = o.line - 1;

	collect_principals(&o);
	emit_principals(&o);

	bool any_override = false;
	for (size_t i = 0; i < im->n_items; i++)
		any_override |= in_window(&o, i) && uses_override(&im->items[i]);
	if (any_override) {
		put(&o, "baselines:");
		nl(&o);
		for (size_t i = 0; i < im->n_items; i++) {
			struct item *it = &im->items[i];
			if (!in_window(&o, i) || !uses_override(it))
				continue;
			o.item = (int32_t)i;
			comment(&o, "  ",
				arena_printf(im->a, "%s: %s, as found", where_text(im, it->at), it->path));
			strbuf_addf(o.sb, "  %s: ", it->baseline);
			scalar(&o, it, it->sddl);
			nl(&o);
		}
		o.item = -1;
	}

	put(&o, "grants:");
	nl(&o);
	for (size_t i = 0; i < im->n_items; i++) {
		struct item *it = &im->items[i];
		if (!in_window(&o, i))
			continue;
		o.item = (int32_t)i;
		switch (it->kind) {
		case IT_VALUE:
			emit_value(&o, it);
			break;
		case IT_RULE:
			emit_rule(&o, it);
			break;
		case IT_LIMIT:
		case IT_APPID:
			emit_ace_grants(&o, it);
			break;
		}
	}
	o.item = -1;
	if (im->r->pol)
		put(&o, "outputs: [gpo]");
	else
		put(&o, rules ? "outputs: [netsh, reg]" : "outputs: [reg]");
	nl(&o);
	emit_trailer(&o);
}

void emitted_release(struct emitted *e)
{
	strbuf_release(&e->text);
	free(e->line_item);
	free(e->line_principal);
	free(e->principals);
	memset(e, 0, sizeof(*e));
}
