// Plan documents: Markdown for a pull-request comment and JSON (docs/plan.md).
//
// Both are written from the sorted changes of plan.c and nothing else. The
// Markdown's one rule: text from an intent (names, reasons, file names) is only
// ever written inside a code span or a fenced block (md_code, md_fenced), with
// control characters as \xNN, or HTML-escaped inside <code> in a <summary>. So a
// hostile intent cannot add Markdown, HTML, links or @mentions to a comment.
#include "review/plan.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "review/describe.h"
#include "review/json.h"
#include "review/plan_internal.h"

// --- Markdown helpers ---

// Lines list at most this many principals or sources ("and N more"); plan.json
// has them all.
enum { LIST_SHOWN = 8 };
// An object's section shows at most this many lines: a namespace granted to 2,000
// principals would repeat every principal's section line by line (half of plan.md).
enum { OBJECT_LINES_SHOWN = 100 };

// Control characters and invalid bytes as \xNN: a name can never end a line, a
// table row or a fenced block.
static void add_sanitized(struct strbuf *out, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c < 0x20 || *c == 0x7f)
			strbuf_addf(out, "\\x%02x", *c);
		else
			strbuf_addch(out, (char)*c);
	}
}

// `text` as a CommonMark code span: a fence longer than any backtick run inside,
// padded when the text starts or ends with a backtick.
void md_code(struct strbuf *out, const char *text)
{
	struct strbuf s = STRBUF_INIT;
	add_sanitized(&s, text);
	size_t run = 0, longest = 0;
	for (size_t i = 0; i < s.len; i++) {
		run = s.buf[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	bool pad = s.len && (s.buf[0] == '`' || s.buf[s.len - 1] == '`' || s.buf[0] == ' ');
	for (size_t i = 0; i <= longest; i++)
		strbuf_addch(out, '`');
	if (pad)
		strbuf_addch(out, ' ');
	strbuf_addbuf(out, &s);
	if (pad)
		strbuf_addch(out, ' ');
	for (size_t i = 0; i <= longest; i++)
		strbuf_addch(out, '`');
	strbuf_release(&s);
}

// A fenced code block around `body`: the fence is longer than any backtick run in
// it, so no line of the body can close the block early.
static void md_fenced(struct strbuf *out, const char *info, const struct strbuf *body)
{
	size_t run = 0, longest = 0;
	for (size_t i = 0; i < body->len; i++) {
		run = body->buf[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	size_t n = longest < 3 ? 3 : longest + 1;
	for (size_t i = 0; i < n; i++)
		strbuf_addch(out, '`');
	strbuf_addf(out, "%s\n", info);
	strbuf_addbuf(out, body);
	for (size_t i = 0; i < n; i++)
		strbuf_addch(out, '`');
	strbuf_addstr(out, "\n\n");
}

static void html_text(struct strbuf *out, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '&': strbuf_addstr(out, "&amp;"); break;
		case '<': strbuf_addstr(out, "&lt;"); break;
		case '>': strbuf_addstr(out, "&gt;"); break;
		case '"': strbuf_addstr(out, "&quot;"); break;
		case '\'': strbuf_addstr(out, "&#39;"); break;
		// Markdown would still read these inside <summary> on some renderers.
		case '`': strbuf_addstr(out, "&#96;"); break;
		case '@': strbuf_addstr(out, "&#64;"); break;
		case '*': strbuf_addstr(out, "&#42;"); break;
		case '_': strbuf_addstr(out, "&#95;"); break;
		case '[': strbuf_addstr(out, "&#91;"); break;
		case ']': strbuf_addstr(out, "&#93;"); break;
		case '\\': strbuf_addstr(out, "&#92;"); break;
		default:
			if (*c < 0x20 || *c == 0x7f)
				strbuf_addf(out, "\\x%02x", *c);
			else
				strbuf_addch(out, (char)*c);
		}
	}
}

static char op_char(enum plan_op op)
{
	return op == PLAN_ADD ? '+' : op == PLAN_REMOVE ? '-' : '~';
}

// " — file:line, file:line": the grants behind a line. Under a principal's heading
// (who != NULL), only that principal's grants: a firewall rule merged from a
// thousand grants cites, under each principal, the one that is theirs.
static void add_one_source(struct strbuf *out, const struct plan_source *s, size_t *shown, size_t *hidden)
{
	if (*shown == LIST_SHOWN) {
		(*hidden)++;
		return;
	}
	strbuf_addstr(out, (*shown)++ ? ", " : " — ");
	add_sanitized(out, s->file);
	if (s->line)
		strbuf_addf(out, ":%u", s->line);
}

static void add_sources_text(struct strbuf *out, const struct plan_change *c, const char *who)
{
	size_t shown = 0, hidden = 0;
	if (!who) {
		for (size_t i = 0; i < c->n_src; i++)
			add_one_source(out, &c->src[i], &shown, &hidden);
	} else {
		// Sources of no principal (baselines, the policy), then the principal's own,
		// found by binary search in the by-principal index.
		size_t i = 0;
		for (; i < c->n_src && !c->src[c->src_by_who[i]].who; i++)
			add_one_source(out, &c->src[c->src_by_who[i]], &shown, &hidden);
		size_t lo = i, hi = c->n_src;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(c->src[c->src_by_who[mid]].who, who) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < c->n_src && !strcmp(c->src[c->src_by_who[lo]].who, who); lo++)
			add_one_source(out, &c->src[c->src_by_who[lo]], &shown, &hidden);
	}
	if (hidden)
		strbuf_addf(out, " and %zu more", hidden);
}

static void add_who_list(struct strbuf *out, const struct plan_change *c)
{
	if (!c->n_who) {
		strbuf_addstr(out, "host");
		return;
	}
	size_t shown = c->n_who <= LIST_SHOWN ? c->n_who : LIST_SHOWN;
	for (size_t i = 0; i < shown; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		add_sanitized(out, c->who[i].display);
	}
	if (shown < c->n_who)
		strbuf_addf(out, " and %zu more", c->n_who - shown);
}

// One line of a ```diff block. `subject` says which of principal/object lead.
enum line_style { LINE_FULL, LINE_UNDER_PRINCIPAL, LINE_UNDER_OBJECT };

static void diff_line(struct strbuf *out, const struct plan_change *c, enum line_style style, const char *who)
{
	strbuf_addch(out, op_char(c->op));
	strbuf_addch(out, ' ');
	if (style != LINE_UNDER_PRINCIPAL) {
		add_who_list(out, c);
		strbuf_addstr(out, ": ");
	}
	if (style != LINE_UNDER_OBJECT) {
		add_sanitized(out, c->object);
		strbuf_addstr(out, ": ");
	}
	add_sanitized(out, c->text);
	add_sources_text(out, c, who);
	strbuf_addch(out, '\n');
}

static void plural(struct strbuf *out, size_t n, const char *one, const char *many)
{
	strbuf_addf(out, "%zu %s", n, n == 1 ? one : many);
}

struct tally {
	size_t add, remove, change;
};

static void count(struct tally *t, enum plan_op op)
{
	if (op == PLAN_ADD)
		t->add++;
	else if (op == PLAN_REMOVE)
		t->remove++;
	else
		t->change++;
}

static void tally_text(struct strbuf *out, const struct tally *t)
{
	bool first = true;
	if (t->add) {
		strbuf_addf(out, "%zu added", t->add);
		first = false;
	}
	if (t->remove) {
		strbuf_addf(out, "%s%zu removed", first ? "" : ", ", t->remove);
		first = false;
	}
	if (t->change)
		strbuf_addf(out, "%s%zu changed", first ? "" : ", ", t->change);
}

// The plan's changes grouped by principal: one group per principal key, in key
// order, each listing its changes in plan order. Built by sorting (key, change)
// pairs once, so that plans with thousands of principals stay linear-logarithmic.
struct who_group {
	const struct plan_who *who;
	size_t *changes;
	size_t n;
	struct tally t;
};

struct who_pair {
	const struct plan_who *who;
	size_t change;
};

static int cmp_pair(const void *pa, const void *pb)
{
	const struct who_pair *a = pa, *b = pb;
	int r = strcmp(a->who->key, b->who->key);
	if (r)
		return r;
	return a->change < b->change ? -1 : a->change > b->change;
}

static size_t group_by_principal(const struct plan *p, struct who_group **out)
{
	size_t n_pairs = 0;
	for (size_t i = 0; i < p->n; i++)
		n_pairs += p->v[i].n_who;
	struct who_pair *pairs = xcalloc(n_pairs + 1, sizeof(*pairs));
	size_t k = 0;
	for (size_t i = 0; i < p->n; i++)
		for (size_t j = 0; j < p->v[i].n_who; j++)
			pairs[k++] = (struct who_pair){ &p->v[i].who[j], i };
	sort_items(pairs, n_pairs, sizeof(*pairs), cmp_pair);
	struct who_group *g = xcalloc(n_pairs + 1, sizeof(*g));
	size_t n = 0;
	for (size_t i = 0; i < n_pairs;) {
		size_t j = i;
		while (j < n_pairs && !strcmp(pairs[j].who->key, pairs[i].who->key))
			j++;
		g[n].who = pairs[i].who;
		g[n].changes = xcalloc(j - i, sizeof(size_t));
		for (size_t m = i; m < j; m++) {
			g[n].changes[g[n].n++] = pairs[m].change;
			count(&g[n].t, p->v[pairs[m].change].op);
		}
		n++;
		i = j;
	}
	free(pairs);
	*out = g;
	return n;
}

static void groups_release(struct who_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(g[i].changes);
	free(g);
}

static void md_details_open(struct strbuf *out, const char *title_html)
{
	strbuf_addf(out, "<details><summary>%s</summary>\n\n", title_html);
}

static void md_details_close(struct strbuf *out)
{
	strbuf_addstr(out, "</details>\n\n");
}

static void md_lint(const struct plan *p, struct strbuf *out)
{
	const struct diag *d = &p->lint;
	if (!d->n)
		return;
	struct strbuf title = STRBUF_INIT;
	strbuf_addstr(&title, "Lint findings: ");
	size_t notes = d->n - d->errors - d->warnings;
	plural(&title, d->errors, "error", "errors");
	strbuf_addstr(&title, ", ");
	plural(&title, d->warnings, "warning", "warnings");
	strbuf_addstr(&title, ", ");
	plural(&title, notes, "note", "notes");
	md_details_open(out, title.buf);
	strbuf_release(&title);
	struct strbuf blk = STRBUF_INIT;
	for (size_t i = 0; i < d->n; i++) {
		const struct diag_entry *e = &d->v[i];
		if (e->pos.file) {
			add_sanitized(&blk, e->pos.file->name);
			if (e->pos.line)
				strbuf_addf(&blk, ":%u:%u", e->pos.line, e->pos.col ? e->pos.col : 1);
			strbuf_addstr(&blk, ": ");
		}
		strbuf_addstr(&blk, e->severity == DIAG_ERROR ? "error: " : e->severity == DIAG_WARNING ? "warning: " : "note: ");
		add_sanitized(&blk, e->message);
		if (e->rule)
			strbuf_addf(&blk, " [%s]", e->rule);
		strbuf_addch(&blk, '\n');
		if (e->hint) {
			strbuf_addstr(&blk, "    hint: ");
			add_sanitized(&blk, e->hint);
			strbuf_addch(&blk, '\n');
		}
	}
	md_fenced(out, "text", &blk);
	strbuf_release(&blk);
	strbuf_addstr(out, "Rule IDs are explained in `docs/lint.md`.\n\n");
	md_details_close(out);
}

void plan_markdown(const struct plan *p, struct strbuf *out)
{
	struct tally all = { 0 };
	for (size_t i = 0; i < p->n; i++)
		count(&all, p->v[i].op);

	strbuf_addstr(out, "## gpoc plan\n\n");
	if (p->old_name) {
		md_code(out, p->old_name);
		strbuf_addstr(out, " → ");
	}
	md_code(out, p->new_name ? p->new_name : "(none)");
	strbuf_addstr(out, ": ");
	if (!p->n) {
		strbuf_addstr(out, "**no change in effective access.**\n\n");
	} else {
		strbuf_addstr(out, "**");
		plural(out, p->n, "change", "changes");
		strbuf_addstr(out, "** (");
		tally_text(out, &all);
		strbuf_addstr(out, ").\n\n");
	}

	struct who_group *who;
	size_t n_who = group_by_principal(p, &who);
	bool host = false;
	for (size_t i = 0; i < p->n; i++)
		host |= p->v[i].n_who == 0;
	if (p->n) {
		strbuf_addstr(out, "### Who gains or loses what\n\n");
		for (size_t w = 0; w < n_who; w++) {
			strbuf_addstr(out, "- ");
			md_code(out, who[w].who->display);
			strbuf_addstr(out, ": ");
			tally_text(out, &who[w].t);
			strbuf_addch(out, '\n');
		}
		if (host) {
			struct tally t = { 0 };
			for (size_t i = 0; i < p->n; i++)
				if (!p->v[i].n_who)
					count(&t, p->v[i].op);
			strbuf_addstr(out, "- host settings: ");
			tally_text(out, &t);
			strbuf_addch(out, '\n');
		}
		strbuf_addch(out, '\n');
	}

	if (p->n_risks) {
		strbuf_addstr(out, "### Risk acceptances\n\n");
		struct strbuf blk = STRBUF_INIT;
		for (size_t i = 0; i < p->n_risks; i++) {
			const struct plan_risk *r = &p->risks[i];
			strbuf_addch(&blk, op_char(r->op));
			strbuf_addch(&blk, ' ');
			add_sanitized(&blk, r->risk);
			if (r->op == PLAN_REMOVE) {
				strbuf_addstr(&blk, ": no longer accepted");
			} else {
				strbuf_addstr(&blk, ": accepted because \"");
				add_sanitized(&blk, r->reason ? r->reason : "");
				strbuf_addch(&blk, '"');
				if (r->op == PLAN_CHANGE) {
					strbuf_addstr(&blk, " (was \"");
					add_sanitized(&blk, r->old_reason ? r->old_reason : "");
					strbuf_addstr(&blk, "\")");
				}
			}
			size_t shown = 0, hidden = 0;
			for (size_t k = 0; k < r->n_src; k++)
				add_one_source(&blk, &r->src[k], &shown, &hidden);
			if (hidden)
				strbuf_addf(&blk, " and %zu more", hidden);
			strbuf_addch(&blk, '\n');
		}
		md_fenced(out, "diff", &blk);
		strbuf_release(&blk);
	}

	if (p->n_notes) {
		strbuf_addstr(out, "### What Windows does with this\n\n");
		for (size_t i = 0; i < p->n_notes; i++)
			strbuf_addf(out, "- %s\n", p->notes[i]);
		strbuf_addch(out, '\n');
	}

	for (size_t w = 0; w < n_who; w++) {
		struct strbuf title = STRBUF_INIT;
		strbuf_addstr(&title, "<code>");
		html_text(&title, who[w].who->display);
		strbuf_addstr(&title, "</code>: ");
		tally_text(&title, &who[w].t);
		md_details_open(out, title.buf);
		strbuf_release(&title);
		struct strbuf blk = STRBUF_INIT;
		for (size_t i = 0; i < who[w].n; i++)
			diff_line(&blk, &p->v[who[w].changes[i]], LINE_UNDER_PRINCIPAL, who[w].who->key);
		md_fenced(out, "diff", &blk);
		strbuf_release(&blk);
		md_details_close(out);
	}
	groups_release(who, n_who);

	// Objects, in change order (sorted by object key).
	for (size_t i = 0; i < p->n;) {
		size_t j = i;
		struct tally t = { 0 };
		while (j < p->n && !strcmp(p->v[j].object_key, p->v[i].object_key))
			count(&t, p->v[j++].op);
		struct strbuf title = STRBUF_INIT;
		strbuf_addstr(&title, "<code>");
		html_text(&title, p->v[i].object);
		strbuf_addstr(&title, "</code>: ");
		tally_text(&title, &t);
		md_details_open(out, title.buf);
		strbuf_release(&title);
		struct strbuf blk = STRBUF_INIT;
		size_t shown = j - i <= OBJECT_LINES_SHOWN ? j - i : OBJECT_LINES_SHOWN;
		for (size_t k = i; k < i + shown; k++)
			diff_line(&blk, &p->v[k], LINE_UNDER_OBJECT, NULL);
		md_fenced(out, "diff", &blk);
		strbuf_release(&blk);
		if (shown < j - i)
			strbuf_addf(out, "And %zu more: each principal's section lists its own; plan.json has them all.\n\n",
				    j - i - shown);
		md_details_close(out);
		i = j;
	}

	unsigned touched = 0;
	for (size_t i = 0; i < p->n; i++)
		touched |= p->v[i].targets;
	if (touched) {
		struct strbuf title = STRBUF_INIT;
		strbuf_addstr(&title, "Artifacts that change:");
		for (unsigned bit = 1; bit & TARGET_ALL; bit <<= 1)
			if (touched & bit)
				strbuf_addf(&title, " %s", target_name(bit));
		md_details_open(out, title.buf);
		strbuf_release(&title);
		for (unsigned bit = 1; bit & TARGET_ALL; bit <<= 1) {
			if (!(touched & bit))
				continue;
			strbuf_addf(out, "- **%s**: ", target_name(bit));
			bool first = true;
			size_t last = (size_t)-1;
			for (size_t i = 0; i < p->n; i++) {
				if (!(p->v[i].targets & bit))
					continue;
				// Changes are sorted by object: a repeat is the one just written.
				if (last != (size_t)-1 && !strcmp(p->v[last].object_key, p->v[i].object_key))
					continue;
				last = i;
				if (!first)
					strbuf_addstr(out, ", ");
				first = false;
				md_code(out, p->v[i].object);
			}
			strbuf_addch(out, '\n');
		}
		strbuf_addch(out, '\n');
		md_details_close(out);
	}
	md_lint(p, out);
}

// --- JSON ---
//
// Pretty-printed down to the entries of the long lists (summary principals,
// changes, risks, artifacts' change indexes, lint diagnostics), each on one line:
// a 2,000-grant plan is a few megabytes instead of several times that, and a diff
// of two plans is one line per change.

static const char *op_name(enum plan_op op)
{
	return op == PLAN_ADD ? "add" : op == PLAN_REMOVE ? "remove" : "change";
}

static const char *kind_name(enum plan_kind k)
{
	switch (k) {
	case PLAN_ACE: return "ace";
	case PLAN_BASELINE: return "baseline";
	case PLAN_MEMBER: return "member";
	case PLAN_FIREWALL: return "firewall";
	case PLAN_REGISTRY: return "registry";
	case PLAN_STEP: return "step";
	case PLAN_POLICY: return "policy";
	}
	return "?";
}

static void json_rights(struct json_writer *w, const char *key, enum rights_vocab v, uint32_t mask)
{
	json_key(w, key);
	json_array_begin(w);
	uint32_t covered = (v == VOCAB_COM_LAUNCH || v == VOCAB_COM_ACCESS) ? 0x1 : 0;
	for (const char *const *n = rights_names(v); *n; n++) {
		uint32_t bits;
		if (!rights_from_name(v, *n, &bits) || !bits || (bits & (bits - 1)))
			continue; // composites ("full-control") are spelled by their parts
		if (mask & bits) {
			json_string(w, *n);
			covered |= bits;
		}
	}
	for (uint32_t bit = 1; bit; bit <<= 1)
		if ((mask & bit) && !(covered & bit)) {
			char hex[16];
			snprintf(hex, sizeof(hex), "0x%" PRIx32, bit);
			json_string(w, hex);
		}
	json_array_end(w);
}

// ACE flags by their SDDL names; null for the side where the ACE does not exist.
static void json_flags(struct json_writer *w, const char *key, int flags)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} names[] = { { ACE_OI, "OI" }, { ACE_CI, "CI" }, { ACE_NP, "NP" }, { ACE_IO, "IO" },
		      { ACE_ID, "ID" }, { ACE_SA, "SA" }, { ACE_FA, "FA" } };
	json_key(w, key);
	if (flags < 0) {
		json_null(w);
		return;
	}
	json_array_begin(w);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (flags & names[i].bit)
			json_string(w, names[i].name);
	json_array_end(w);
}

static void json_sources(struct json_writer *w, const struct plan_source *src, size_t n)
{
	json_key(w, "sources");
	json_array_begin(w);
	for (size_t i = 0; i < n; i++) {
		json_object_begin(w);
		json_kv_string(w, "file", src[i].file);
		json_kv_int(w, "line", src[i].line);
		json_kv_int(w, "column", src[i].col);
		json_kv_string(w, "capability", src[i].capability);
		json_kv_string(w, "principal", src[i].who);
		json_object_end(w);
	}
	json_array_end(w);
}

static void json_targets(struct json_writer *w, unsigned targets)
{
	json_key(w, "targets");
	json_array_begin(w);
	for (unsigned bit = 1; bit & TARGET_ALL; bit <<= 1)
		if (targets & bit)
			json_string(w, target_name(bit));
	json_array_end(w);
}

void plan_json(const struct plan *p, struct strbuf *out)
{
	struct json_writer w;
	json_init(&w, out);
	struct tally all = { 0 };
	for (size_t i = 0; i < p->n; i++)
		count(&all, p->v[i].op);
	json_object_begin(&w);
	json_kv_string(&w, "format", "gpoc-plan");
	json_kv_int(&w, "version", 1);
	json_kv_string(&w, "old", p->old_name);
	json_kv_string(&w, "new", p->new_name);
	json_kv_bool(&w, "changed", plan_has_changes(p));

	json_key(&w, "summary");
	json_object_begin(&w);
	json_kv_int(&w, "added", (int64_t)all.add);
	json_kv_int(&w, "removed", (int64_t)all.remove);
	json_kv_int(&w, "changed", (int64_t)all.change);
	json_key(&w, "principals");
	json_array_begin(&w);
	struct who_group *who;
	size_t n_who = group_by_principal(p, &who);
	for (size_t k = 0; k < n_who; k++) {
		json_object_begin_inline(&w);
		json_kv_string(&w, "key", who[k].who->key);
		json_kv_string(&w, "name", who[k].who->display);
		json_kv_int(&w, "added", (int64_t)who[k].t.add);
		json_kv_int(&w, "removed", (int64_t)who[k].t.remove);
		json_kv_int(&w, "changed", (int64_t)who[k].t.change);
		json_object_end(&w);
	}
	groups_release(who, n_who);
	json_array_end(&w);
	json_object_end(&w);

	json_key(&w, "changes");
	json_array_begin(&w);
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_change *c = &p->v[i];
		json_object_begin_inline(&w);
		json_kv_string(&w, "op", op_name(c->op));
		json_kv_string(&w, "kind", kind_name(c->kind));
		json_key(&w, "object");
		json_object_begin(&w);
		json_kv_string(&w, "key", c->object_key);
		json_kv_string(&w, "name", c->object);
		json_object_end(&w);
		json_key(&w, "principals");
		json_array_begin(&w);
		for (size_t k = 0; k < c->n_who; k++) {
			json_object_begin(&w);
			json_kv_string(&w, "key", c->who[k].key);
			json_kv_string(&w, "name", c->who[k].display);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_kv_string(&w, "text", c->text);
		if (c->vocab >= 0) {
			enum rights_vocab v = (enum rights_vocab)c->vocab;
			json_key(&w, "rights");
			json_object_begin(&w);
			json_kv_string(&w, "vocabulary", rights_vocab_name(v));
			json_rights(&w, "old", v, c->old_mask);
			json_rights(&w, "new", v, c->new_mask);
			json_rights(&w, "added", v, c->new_mask & ~c->old_mask);
			json_rights(&w, "removed", v, c->old_mask & ~c->new_mask);
			json_object_end(&w);
			if (c->kind == PLAN_ACE) {
				json_key(&w, "flags");
				json_object_begin(&w);
				json_flags(&w, "old", c->op == PLAN_ADD ? -1 : c->old_flags);
				json_flags(&w, "new", c->op == PLAN_REMOVE ? -1 : c->new_flags);
				json_object_end(&w);
			}
		} else {
			json_kv_string(&w, "before", c->before);
			json_kv_string(&w, "after", c->after);
		}
		json_kv_string(&w, "risk", c->risk);
		json_sources(&w, c->src, c->n_src);
		json_targets(&w, c->targets);
		json_object_end(&w);
	}
	json_array_end(&w);

	json_key(&w, "risks");
	json_array_begin(&w);
	for (size_t i = 0; i < p->n_risks; i++) {
		const struct plan_risk *r = &p->risks[i];
		json_object_begin_inline(&w);
		json_kv_string(&w, "op", op_name(r->op));
		json_kv_string(&w, "risk", r->risk);
		json_kv_string(&w, "reason", r->op == PLAN_REMOVE ? NULL : r->reason);
		json_kv_string(&w, "old-reason", r->op == PLAN_REMOVE ? r->reason : r->old_reason);
		json_sources(&w, r->src, r->n_src);
		json_object_end(&w);
	}
	json_array_end(&w);

	json_key(&w, "artifacts");
	json_array_begin(&w);
	for (unsigned bit = 1; bit & TARGET_ALL; bit <<= 1) {
		bool any = false;
		for (size_t i = 0; i < p->n; i++)
			any |= (p->v[i].targets & bit) != 0;
		if (!any)
			continue;
		json_object_begin(&w);
		json_kv_string(&w, "target", target_name(bit));
		json_key(&w, "changes");
		json_array_begin_inline(&w);
		for (size_t i = 0; i < p->n; i++)
			if (p->v[i].targets & bit)
				json_int(&w, (int64_t)i);
		json_array_end(&w);
		json_object_end(&w);
	}
	json_array_end(&w);

	json_key(&w, "notes");
	json_array_begin(&w);
	for (size_t i = 0; i < p->n_notes; i++)
		json_string(&w, p->notes[i]);
	json_array_end(&w);

	json_key(&w, "lint");
	json_object_begin(&w);
	json_kv_int(&w, "errors", (int64_t)p->lint.errors);
	json_kv_int(&w, "warnings", (int64_t)p->lint.warnings);
	json_key(&w, "diagnostics");
	json_array_begin(&w);
	for (size_t i = 0; i < p->lint.n; i++) {
		const struct diag_entry *e = &p->lint.v[i];
		json_object_begin_inline(&w);
		json_kv_string(&w, "severity", e->severity == DIAG_ERROR ? "error" : e->severity == DIAG_WARNING ? "warning" : "note");
		json_kv_string(&w, "rule", e->rule);
		json_kv_string(&w, "file", e->pos.file ? e->pos.file->name : NULL);
		json_kv_int(&w, "line", e->pos.line);
		json_kv_int(&w, "column", e->pos.col);
		json_kv_string(&w, "message", e->message);
		json_kv_string(&w, "hint", e->hint);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_object_end(&w);

	json_object_end(&w);
	strbuf_addch(out, '\n');
}
