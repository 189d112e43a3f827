// verify.c: compile the intent the importer wrote, and believe only the compiler.
//
// Each round emits the YAML, loads it with intent_load(), expands it with
// model_build(), compares the model with the items, and lets the caller's verifier
// (lint and the renderers of the intent's outputs) have its say. Every error is
// taken back to the setting it came from through the line it points at (emit.c
// recorded which item owns each line); an item with an error moves to its next
// variant (AppID permissions: from "the ACEs alone" to "the descriptor as a
// baseline override") or is taken out and listed as not imported, with the
// compiler's message. The next round compiles what is left. A round always takes
// out or changes at least one item, so the loop ends.
//
// Risk: first comes a probe in which every grant carries accept-risk, so that
// nothing is refused for a risk; the model then says, effect by effect, which
// grants weaken security (effect_meta.risk). The probe compiles the items in
// windows of a few grants (see PROBE_WINDOW_GRANTS). The final text puts
// accept-risk, marked as imported and not yet reviewed, on exactly the risky
// grants, and drops filler grants that are risky when a harmless one can do their
// job. The final text is compiled whole once more, which also finds conflicts
// between grants of different windows, and must be clean; only then is it the
// result.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "formats/registry.h"
#include "importer/internal.h"
#include "intent/intent.h"
#include "netsh/fwaddr.h"

struct round {
	struct imp *im;
	struct emitted *e;
	size_t from, to;   // the items this round compiles
	const char **fail; // per item: the first reason it failed this round, or NULL
	size_t n_failed;
	bool bad_policy;
	struct strbuf unplaced; // errors that belong to no item
};

static void fail(struct round *rd, size_t item, const char *why)
{
	if (rd->fail[item])
		return;
	rd->fail[item] = arena_strdup(rd->im->a, why);
	rd->n_failed++;
}

static int32_t item_at_line(const struct emitted *e, uint32_t line)
{
	if (!line || line > e->n_lines)
		return -1;
	return e->line_item[line];
}

// --- Errors back to items ---

static void place_errors(struct round *rd, const struct diag *d, const struct src_file *f)
{
	struct imp *im = rd->im;
	const struct emitted *e = rd->e;
	for (size_t i = 0; i < d->n; i++) {
		const struct diag_entry *x = &d->v[i];
		if (x->severity != DIAG_ERROR)
			continue;
		uint32_t line = x->pos.file == f ? x->pos.line : 0;
		int32_t it = item_at_line(e, line);
		if (it >= 0) {
			fail(rd, (size_t)it, x->message);
			continue;
		}
		int32_t p = line && line <= e->n_lines ? e->line_principal[line] : -1;
		if (p >= 0) {
			// A principal's line: every item that names it.
			bool any = false;
			for (size_t k = rd->from; k < rd->to; k++) {
				const struct item *t = &im->items[k];
				if (t->dropped)
					continue;
				for (size_t j = 0; j < t->n_grants; j++)
					if ((t->kind == IT_LIMIT || t->kind == IT_APPID) &&
					    sid_equal(&t->grants[j].sid, &e->principals[p])) {
						fail(rd, k, x->message);
						any = true;
						break;
					}
			}
			if (any)
				continue;
		}
		if (line >= e->policy_first && line <= e->policy_last && line)
			rd->bad_policy = true;
		if (rd->unplaced.len < 2000) {
			if (x->pos.file && x->pos.line)
				strbuf_addf(&rd->unplaced, "%s:%" PRIu32 ": ", x->pos.file->name,
					    x->pos.line);
			strbuf_addf(&rd->unplaced, "%s\n", x->message);
		}
	}
	if (d->dropped && !rd->n_failed && rd->unplaced.len < 2000)
		strbuf_addf(&rd->unplaced, "%zu more errors not shown\n", d->dropped);
}

// --- The model against the items ---

static int32_t item_of(const struct round *rd, const struct effect_meta *meta)
{
	if (!meta->n_prov)
		return -1;
	return item_at_line(rd->e, meta->prov[0].grant.line);
}

// The item's grant whose allow: is at `line`.
static struct igrant *grant_at_line(struct item *it, uint32_t line)
{
	for (size_t j = 0; j < it->n_grants; j++)
		if (it->grants[j].allow_line == line)
			return &it->grants[j];
	return NULL;
}

static void note_risk(struct round *rd, const struct effect_meta *meta)
{
	if (!meta->risk)
		return;
	for (size_t k = 0; k < meta->n_prov; k++) {
		int32_t i = item_at_line(rd->e, meta->prov[k].grant.line);
		if (i < 0)
			continue;
		struct igrant *g = grant_at_line(&rd->im->items[i], meta->prov[k].grant.line);
		if (g && !g->risk)
			g->risk = arena_strdup(rd->im->a, meta->risk);
	}
}

static void compare_value(struct round *rd, const struct m_registry *mv, bool *seen)
{
	struct imp *im = rd->im;
	int32_t i = item_of(rd, &mv->meta);
	if (i < 0 || im->items[i].kind != IT_VALUE) {
		strbuf_addstr(&rd->unplaced, "a registry value of the model comes from no imported value\n");
		return;
	}
	struct item *it = &im->items[i];
	seen[i] = true;
	note_risk(rd, &mv->meta);
	struct reg_value want = it->v;
	want.hive = HIVE_HKLM;
	if (!reg_value_equal(&mv->value, &want))
		fail(rd, (size_t)i,
		     arena_printf(im->a, "gpoc would write it as %s of %zu bytes under '%s', not as found",
				  reg_type_name(mv->value.type) ? reg_type_name(mv->value.type) : "?",
				  mv->value.size, imp_cut(im, mv->value.key)));
}

static void compare_rule(struct round *rd, const struct m_firewall *mr, bool *seen)
{
	struct imp *im = rd->im;
	int32_t i = item_of(rd, &mr->meta);
	if (i < 0 || im->items[i].kind != IT_RULE) {
		strbuf_addstr(&rd->unplaced, "a firewall rule of the model comes from no imported rule\n");
		return;
	}
	struct item *it = &im->items[i];
	seen[i] = true;
	note_risk(rd, &mr->meta);
	// What the rule must compile to: the same rule under gpoc's id and name, with
	// gpoc's provenance after the description.
	struct fw_rule want = it->rule;
	want.id = arena_printf(im->a, "gpoc-%s-%s", im->policy, it->rule_suffix);
	want.name =
	    arena_printf(im->a, "gpoc %s: %s", im->policy, it->rule_name ? it->rule_name : it->rule_suffix);
	const char *d = mr->rule.description ? mr->rule.description : "";
	const char *lead =
	    it->rule_desc ? arena_printf(im->a, "%s; gpoc policy ", it->rule_desc) : "gpoc policy ";
	if (strncmp(d, lead, strlen(lead))) {
		fail(rd, (size_t)i,
		     arena_printf(im->a, "gpoc would write its description as '%s'", imp_cut(im, d)));
		return;
	}
	want.description = mr->rule.description;
	struct strbuf why = STRBUF_INIT;
	if (strcmp(mr->rule.id, want.id))
		fail(rd, (size_t)i,
		     arena_printf(im->a, "gpoc would give it the ID '%s'", imp_cut(im, mr->rule.id)));
	else if (!fw_rule_same(&mr->rule, &want, 0, &why))
		fail(rd, (size_t)i, arena_printf(im->a, "gpoc would write a different rule: %s", why.buf));
	strbuf_release(&why);
}

static void compare_descriptor(struct round *rd, const struct model *m, const struct m_descriptor *md,
			       bool *seen)
{
	struct imp *im = rd->im;
	int32_t i = -1;
	for (size_t k = 0; k < md->n_aces; k++) {
		int32_t j = item_of(rd, &md->aces[k].meta);
		if (j < 0 || (i >= 0 && j != i)) {
			strbuf_addstr(&rd->unplaced,
				      "a descriptor of the model mixes ACEs of several imported values\n");
			return;
		}
		i = j;
		note_risk(rd, &md->aces[k].meta);
	}
	if (i < 0 || (im->items[i].kind != IT_LIMIT && im->items[i].kind != IT_APPID)) {
		strbuf_addstr(&rd->unplaced, "a descriptor of the model comes from no imported descriptor\n");
		return;
	}
	struct item *it = &im->items[i];
	seen[i] = true;
	if (md->kind != it->dkind || (it->appid && (!md->target || strcmp(md->target, it->appid)))) {
		fail(rd, (size_t)i, "gpoc would write it to another place");
		return;
	}
	struct diag d;
	diag_init(&d);
	struct secdesc sd;
	if (!model_descriptor_build(m, md, true, &sd, &d)) {
		fail(rd, (size_t)i, d.n ? d.v[0].message : "gpoc cannot build the descriptor");
	} else if (!secdesc_equal(&sd, &it->sd)) {
		struct strbuf p = STRBUF_INIT;
		sddl_print(&sd, NULL, SDDL_PRINT_NUMERIC_RM, &p);
		fail(rd, (size_t)i, arena_printf(im->a, "gpoc would write it as '%s'", imp_cut(im, p.buf)));
		strbuf_release(&p);
	}
	secdesc_release(&sd);
	diag_release(&d);
}

static void compare_model(struct round *rd, const struct model *m)
{
	struct imp *im = rd->im;
	bool *seen = xcalloc(im->n_items ? im->n_items : 1, sizeof(*seen));
	for (size_t i = rd->from; i < rd->to; i++)
		for (size_t j = 0; j < im->items[i].n_grants; j++)
			im->items[i].grants[j].risk = NULL;
	for (size_t k = 0; k < m->n_values; k++)
		compare_value(rd, &m->values[k], seen);
	for (size_t k = 0; k < m->n_rules; k++)
		compare_rule(rd, &m->rules[k], seen);
	for (size_t k = 0; k < m->n_descriptors; k++)
		compare_descriptor(rd, m, &m->descriptors[k], seen);
	if (m->n_members || m->n_steps)
		strbuf_addstr(&rd->unplaced,
			      "the model has group members or steps no imported setting asked for\n");
	for (size_t i = rd->from; i < rd->to; i++)
		if (!im->items[i].dropped && !seen[i])
			fail(rd, i, "gpoc compiles it to nothing");
	free(seen);
}

// --- Rounds ---

static bool compile_round(struct round *rd, const struct model_options *opt)
{
	struct imp *im = rd->im;
	struct emitted *e = rd->e;
	struct arena a;
	arena_init(&a);
	struct diag d;
	diag_init(&d);
	struct src_file f = {.name = im->o->intent_name, .text = e->text.buf, .len = e->text.len};
	struct intent in;
	struct model m;
	bool ok = intent_load(&f, &a, &d, &in) && model_build(&in, opt, &a, &d, &m);
	if (ok) {
		compare_model(rd, &m);
		if (!rd->n_failed && !rd->unplaced.len && im->o->verify)
			im->o->verify->run(im->o->verify->ctx, &in, &m, &d);
	}
	place_errors(rd, &d, &f);
	diag_release(&d);
	arena_release(&a);
	return !rd->n_failed && !rd->unplaced.len;
}

// Apply a round's failures: next variant, or out with a note.
static void apply_failures(struct round *rd)
{
	struct imp *im = rd->im;
	for (size_t i = 0; i < im->n_items; i++) {
		struct item *it = &im->items[i];
		if (!rd->fail[i] || it->dropped)
			continue;
		if (it->variant + 1 < it->n_variants) {
			it->variant++;
			continue;
		}
		it->dropped = true;
		it->why = rd->fail[i];
		imp_note(im, it->at, true, "'%s': %s", imp_cut(im, it->path), rd->fail[i]);
	}
}

static bool is_filler(const struct item *it, const struct igrant *g)
{
	return g->filler || (it->kind == IT_APPID && it->variant == 1);
}

// Everyone or ANONYMOUS LOGON: harmless as a local-only filler, but a reviewer
// should not have to stop at one.
static bool broad(const struct sid *s)
{
	return s->authority == 1 ? s->sub_count == 1 && s->sub[0] == 0
				 : s->authority == 5 && s->sub_count == 1 && s->sub[0] == 7;
}

// A filler grant only makes gpoc write the descriptor: one is enough, and a
// harmless one is better than a risky one (a grant for a named group better still).
static void prune_fillers(struct imp *im)
{
	for (size_t i = 0; i < im->n_items; i++) {
		struct item *it = &im->items[i];
		if (it->dropped || !it->n_grants || !is_filler(it, &it->grants[0]))
			continue;
		size_t keep = 0;
		int best = -1;
		for (size_t j = 0; j < it->n_grants; j++) {
			const struct igrant *g = &it->grants[j];
			int score = (g->risk ? 0 : 2) + (broad(&g->sid) ? 0 : 1);
			if (score > best) {
				best = score;
				keep = j;
			}
		}
		for (size_t j = 0; j < it->n_grants; j++)
			it->grants[j].removed = j != keep;
	}
}

static size_t live_count(const struct imp *im)
{
	size_t n = 0;
	for (size_t i = 0; i < im->n_items; i++)
		n += !im->items[i].dropped;
	return n;
}

static void risk_notes(struct imp *im)
{
	for (size_t i = 0; i < im->n_items; i++) {
		const struct item *it = &im->items[i];
		if (it->dropped)
			continue;
		for (size_t j = 0; j < it->n_grants; j++)
			if (!it->grants[j].removed && it->grants[j].risk)
				imp_note(im, it->at, false,
					 "'%s' weakens security: %s; the intent accepts the risk "
					 "with 'accept-risk', to be reviewed",
					 imp_cut(im, it->path), it->grants[j].risk);
	}
}

// The grants of a probe window. Every grant of a probe carries accept-risk, and
// the model warns once per grant whose accept-risk is not needed; struct diag keeps
// DIAG_MAX_ENTRIES (500) entries, so a window stays well below that with room for
// an error and a note per grant, or the errors that matter would be counted, not kept.
enum { PROBE_WINDOW_GRANTS = 120 };

static size_t window_end(const struct imp *im, size_t from, size_t *grants_out)
{
	size_t grants = 0, i = from;
	for (; i < im->n_items; i++) {
		const struct item *it = &im->items[i];
		if (it->dropped)
			continue;
		if (grants && grants + it->n_grants > PROBE_WINDOW_GRANTS)
			break;
		grants += it->n_grants;
	}
	*grants_out = grants;
	return i;
}

enum outcome { CLEAN, CHANGED, FAILED };

// One compile of items [from, to). CHANGED when items moved on (dropped or next
// variant) and the work must be redone; FAILED with *status and r->message set.
static enum outcome one_round(struct imp *im, bool probe, size_t from, size_t to,
			      const struct model_options *opt, enum import_status *status)
{
	struct emitted e;
	emit_intent(im, probe, from, to, &e);
	if (e.redo) {
		emitted_release(&e);
		return CHANGED;
	}
	struct round rd = {.im = im, .e = &e, .from = from, .to = to};
	rd.fail = xcalloc(im->n_items ? im->n_items : 1, sizeof(*rd.fail));
	strbuf_init(&rd.unplaced, 0);
	bool clean = compile_round(&rd, opt);
	enum outcome out = CLEAN;
	if (rd.unplaced.len && rd.bad_policy && !im->o->policy && strcmp(im->policy, "imported")) {
		// The policy of gpoc's own rule names is not one an intent takes.
		im->policy = "imported";
		out = CHANGED;
	} else if (rd.unplaced.len) {
		if (rd.bad_policy && im->o->policy) {
			*status = IMPORT_BAD_POLICY;
			strbuf_addf(&im->r->message, "policy name '%s' is refused: %s", im->o->policy,
				    rd.unplaced.buf);
		} else {
			*status = IMPORT_INTERNAL;
			strbuf_addf(&im->r->message, "the imported intent does not compile:\n%s",
				    rd.unplaced.buf);
		}
		out = FAILED;
	} else if (!clean) {
		apply_failures(&rd);
		out = CHANGED;
	} else if (!probe) {
		strbuf_reset(&im->r->yaml);
		strbuf_addbuf(&im->r->yaml, &e.text);
	}
	free(rd.fail);
	strbuf_release(&rd.unplaced);
	emitted_release(&e);
	return out;
}

bool verify_and_finish(struct imp *im, enum import_status *status)
{
	struct model_options opt = {.templates_dir = im->o->templates_dir};
	*status = IMPORT_OK;
	for (;;) {
		if (!live_count(im)) {
			*status = IMPORT_NOTHING;
			return false;
		}
		// Probe, window by window: what each grant is refused for, and which
		// grants are risky. Anything that changes starts the probe again.
		bool changed = false;
		for (size_t from = 0; from < im->n_items;) {
			size_t grants;
			size_t to = window_end(im, from, &grants);
			if (!grants) {
				from = to;
				continue;
			}
			enum outcome r = one_round(im, true, from, to, &opt, status);
			if (r == FAILED)
				return false;
			changed |= r == CHANGED;
			from = to;
		}
		if (changed)
			continue;
		prune_fillers(im);
		// The whole intent as it will be written: conflicts between grants of
		// different windows (two rules with one name) show here.
		enum outcome r = one_round(im, false, 0, im->n_items, &opt, status);
		if (r == FAILED)
			return false;
		if (r == CLEAN) {
			risk_notes(im);
			return true;
		}
	}
}
