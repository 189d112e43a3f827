// expand.c: from grants to effects (issue #4).
//
// model_build() walks the grants of a checked intent. A grant names either a
// primitive (`allow: firewall-rule`: the grant's keys are the primitive's fields)
// or a capability (`allow: remote-wmi`: the grant's keys are the capability's
// parameters). Either way the grant's keys are read against a list of typed
// declarations (bind_grant), so unknown keys, bad values and missing required ones
// are reported at the intent's line with the same messages.
//
// A capability's effects are then instantiated once per grant: `when:` conditions
// are tested against the bound parameters, `for-each:` runs an effect once per item
// of a list parameter, and each field is substituted:
//
//   field: ${name}          the variable's typed value (a list stays a list)
//   field: text ${name}     text; the variable must hold one value
//   field: [a, ${list}]     items; a list variable is spliced in
//
// Variables are the parameters, ${principal} (the grant's `to:`) and ${policy};
// capability.c has already checked every reference. Each resulting set of field
// values goes to the primitive's build function (primitive.c), which appends raw
// effects tagged with their provenance: the grant's position, the capability and
// the template line.
//
// Risk: after a grant is expanded, the risks its effects carry are gathered; a grant
// without accept-risk that has any is refused with one error per distinct risk.
//
// Finally merge.c sorts the raw effects, merges what belongs together, reports
// contradictions, and fills the model's arrays in the order model.h documents. Every
// step is linear or n log n in the number of effects.
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/internal.h"

// Reads the grant's parameters against `decls` into vals[]. `what` names the
// capability or primitive for messages.
static bool bind_grant(struct expand *x, const struct grant *g, const struct param_decl *decls, size_t n,
		       const char *what, struct pval *vals)
{
	struct principal_resolver rbuf;
	struct vctx c = { .a = x->a, .d = x->d, .pr = expand_resolver(x, &rbuf), .intent_text = true };
	bool ok = true;
	bool *given = xcalloc(n ? n : 1, sizeof(*given));
	const struct ynode *node = g->node;
	for (size_t i = 0; node && node->kind == YNODE_MAPPING && i < node->n_entries; i++) {
		const struct ynode *k = node->entries[i].key, *v = node->entries[i].value;
		if (intent_is_grant_key(k->str))
			continue;
		size_t j = 0;
		while (j < n && strcmp(decls[j].name, k->str))
			j++;
		if (j == n) {
			const char **names = arena_array(x->a, n + 1, sizeof(*names));
			for (size_t m = 0; m < n; m++)
				names[m] = decls[m].name;
			const char *guess = closest_word(k->str, names, n);
			struct strbuf list = STRBUF_INIT;
			for (size_t m = 0; m < n; m++)
				strbuf_addf(&list, "%s%s", m ? ", " : "", decls[m].name);
			if (guess)
				diag_error(x->d, k->pos, "unknown parameter '%s' for '%s'; did you mean '%s'?",
					   quote_text(x->a, k->str), what, guess);
			else if (n)
				diag_error(x->d, k->pos, "unknown parameter '%s' for '%s'; accepted: %s",
					   quote_text(x->a, k->str), what, list.buf);
			else
				diag_error(x->d, k->pos, "unknown parameter '%s': '%s' takes no parameters",
					   quote_text(x->a, k->str), what);
			strbuf_release(&list);
			ok = false;
			continue;
		}
		given[j] = true;
		if (!value_from_node(&c, &decls[j], v, &vals[j]))
			ok = false;
	}
	for (size_t j = 0; j < n; j++) {
		if (given[j])
			continue;
		const struct param_decl *p = &decls[j];
		if (p->required) {
			diag_error(x->d, g->allow_pos, "'%s' needs parameter '%s' (%s)", what, p->name,
				   p->doc ? p->doc : param_type_name(p->type));
			ok = false;
		} else if (p->has_default) {
			vals[j] = p->def;
		} else if (p->grantee_default && g->to) {
			memset(&vals[j], 0, sizeof(vals[j]));
			vals[j].type = PT_PRINCIPAL;
			vals[j].set = true;
			vals[j].pos = g->to_pos;
			vals[j].who = principal_canonical(x, g->to);
		} else {
			memset(&vals[j], 0, sizeof(vals[j]));
			vals[j].type = p->type;
		}
	}
	free(given);
	return ok;
}

// A grant whose effects need a principal must say who with `to:`.
static bool need_to(struct expand *x, const struct grant *g, const char *what)
{
	if (g->to)
		return true;
	diag_error(x->d, g->allow_pos, "'%s' grants to a principal; add 'to:' naming one of 'principals:'", what);
	return false;
}

// Where each raw effect array stood before a grant or an effect was expanded.
struct marks {
	size_t aces, members, rules, values, steps;
};

static struct marks marks_now(const struct expand *x)
{
	return (struct marks){ x->n_aces, x->n_members, x->n_rules, x->n_values, x->n_steps };
}

static size_t effects_since(const struct expand *x, const struct marks *m)
{
	return (x->n_aces - m->aces) + (x->n_members - m->members) + (x->n_rules - m->rules) +
	       (x->n_values - m->values) + (x->n_steps - m->steps);
}

static void set_risk(struct expand *x, const struct marks *m, const char *risk)
{
	for (size_t i = m->aces; i < x->n_aces; i++)
		x->aces[i].src.risk = risk;
	for (size_t i = m->members; i < x->n_members; i++)
		x->members[i].src.risk = risk;
	for (size_t i = m->rules; i < x->n_rules; i++)
		x->rules[i].src.risk = risk;
	for (size_t i = m->values; i < x->n_values; i++)
		x->values[i].src.risk = risk;
	for (size_t i = m->steps; i < x->n_steps; i++)
		x->steps[i].src.risk = risk;
}

// --- Capability instantiation ---

struct env {
	const struct capability *cap;
	const struct pval *params;  // bound parameters, indexed like cap->params
	struct pval principal;      // ${principal}
	struct pval policy;         // ${policy}
	const char *loop_var;
	struct pval loop;           // the loop variable's current value
};

static const struct pval *env_get(const struct env *e, int var)
{
	switch (var) {
	case VAR_PRINCIPAL:
		return &e->principal;
	case VAR_POLICY:
		return &e->policy;
	case VAR_LOOP:
		return &e->loop;
	default:
		if (var < 0 || (size_t)var >= e->cap->n_params)
			BUG("template variable %d out of range", var);
		return &e->params[var];
	}
}

// A value that fills a field of its own type as it is: checked and canonical
// already. Enums and ints are re-read (the field may accept other values).
static bool same_kind(const struct param_decl *fd, const struct pval *v)
{
	if (fd->type != v->type || fd->type == PT_ENUM || fd->type == PT_INT || fd->type == PT_DATA)
		return false;
	if (fd->type == PT_RIGHTS && fd->has_vocab && (!v->has_vocab || v->vocab != fd->vocab))
		return false;
	return true;
}

static bool is_exact(const struct tscalar *t)
{
	return t->n == 1 && t->parts[0].is_var;
}

// The text of a scalar with its variables substituted (each holds one value).
static const char *interpolate(struct expand *x, const struct env *e, const struct tscalar *t)
{
	if (t->n == 1 && !t->parts[0].is_var)
		return t->parts[0].text;
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < t->n; i++) {
		const struct tpart *p = &t->parts[i];
		if (!p->is_var) {
			strbuf_add(&sb, p->text, p->len);
			continue;
		}
		const char **texts;
		size_t nt = value_texts(x->a, env_get(e, p->var), &texts);
		if (nt != 1)
			BUG("variable '%s' interpolated with %zu values", p->text, nt);
		strbuf_addstr(&sb, texts[0]);
	}
	const char *r = arena_strdup(x->a, sb.buf);
	strbuf_release(&sb);
	return r;
}

// One field of one effect for this grant.
static bool subst_field(struct expand *x, const struct env *e, const struct param_decl *fd,
			const struct tmpl_field *tf, struct pval *out)
{
	struct principal_resolver rbuf;
	struct vctx c = { .a = x->a, .d = x->d, .pr = expand_resolver(x, &rbuf), .intent_text = false };
	if (!tf->is_seq && is_exact(&tf->scalars[0])) {
		const struct pval *v = env_get(e, tf->scalars[0].parts[0].var);
		if (!v->set) {
			memset(out, 0, sizeof(*out));
			out->type = fd->type;
			return true;
		}
		if (fd->type == PT_PRINCIPAL || same_kind(fd, v)) {
			*out = *v;
			return true;
		}
		// Re-read the value's canonical texts as the field's type: a string
		// parameter may fill an enum field, one namespace a list field.
		const char **texts;
		size_t nt = value_texts(x->a, v, &texts);
		c.intent_text = true;
		bool ok;
		if (param_type_is_list(fd->type) || (fd->type == PT_DATA && (param_type_is_list(v->type) || v->is_list)))
			ok = value_from_texts(&c, fd, texts, nt, v->pos, out);
		else
			ok = value_from_text(&c, fd, texts[0], v->pos, out);
		if (ok && fd->type == PT_RIGHTS && v->has_vocab) {
			out->has_vocab = true;
			out->vocab = v->vocab;
		}
		return ok;
	}
	if (!tf->is_seq)
		return value_from_text(&c, fd, interpolate(x, e, &tf->scalars[0]), tf->node->pos, out);
	const char **texts = NULL;
	size_t nt = 0, alloc = 0;
	for (size_t i = 0; i < tf->n_scalars; i++) {
		const struct tscalar *t = &tf->scalars[i];
		if (is_exact(t)) {
			// A list variable is spliced in; a one-value variable is one item.
			const char **vt;
			size_t k = value_texts(x->a, env_get(e, t->parts[0].var), &vt);
			GROW(texts, alloc, nt + k + 1);
			for (size_t j = 0; j < k; j++)
				texts[nt++] = vt[j];
			continue;
		}
		GROW(texts, alloc, nt + 1);
		texts[nt++] = interpolate(x, e, t);
	}
	bool ok = value_from_texts(&c, fd, texts, nt, tf->node->pos, out);
	free(texts);
	return ok;
}

static bool cond_holds(const struct tmpl_cond *c, const struct pval *params)
{
	const struct pval *v = &params[c->param];
	if (c->test_bool) {
		if (v->type == PT_BOOL)
			return v->set && v->b == c->b;
		return (v->set && v->n > 0) == c->b;
	}
	if (!v->set)
		return false;
	for (size_t i = 0; i < c->n_values; i++)
		if (!strcmp(v->s, c->values[i]))
			return true;
	return false;
}

static size_t instantiate(struct expand *x, const struct grant *g, const struct env *e,
			  const struct tmpl_effect *te)
{
	const struct primitive *p = te->prim;
	// Build functions copy what they keep: the values live on the stack.
	struct pval vals[PRIM_MAX_FIELDS];
	if (p->n_fields > PRIM_MAX_FIELDS)
		BUG("primitive '%s' has %zu fields", p->name, p->n_fields);
	bool ok = true;
	for (size_t i = 0; i < p->n_fields; i++) {
		const struct param_decl *fd = &p->fields[i];
		const struct tmpl_field *tf = &te->fields[i];
		if (!tf->node) {
			if (fd->has_default) {
				vals[i] = fd->def;
			} else if (fd->grantee_default) {
				vals[i] = e->principal;
			} else {
				vals[i] = (struct pval){ .type = fd->type };
			}
			if (fd->grantee_default && !vals[i].set)
				ok = false; // need_to() has reported it
			continue;
		}
		if (tf->literal_ok) {
			vals[i] = tf->literal;
			continue;
		}
		if (!tf->has_vars) {
			// A principal written literally: resolved against this intent.
			struct principal_resolver rbuf;
			struct vctx c = { .a = x->a, .d = x->d, .pr = expand_resolver(x, &rbuf) };
			if (!value_from_node(&c, fd, tf->node, &vals[i]))
				ok = false;
			continue;
		}
		if (!subst_field(x, e, fd, tf, &vals[i])) {
			ok = false;
			continue;
		}
		if (fd->required && !vals[i].set) {
			diag_error(x->d, g->allow_pos, "'%s' leaves '%s' of the '%s' effect at %s:%u without a value",
				   e->cap->name, fd->name, p->name, te->pos.file->name, te->pos.line);
			ok = false;
		}
		if (fd->type == PT_PRINCIPAL && !vals[i].set && tf->node)
			ok = false;
	}
	if (!ok)
		return 0;
	struct effect_src src = {
		.grant = g,
		.prov = { .grant = g->allow_pos, .capability = e->cap->name, .tmpl = te->pos },
	};
	struct marks m = marks_now(x);
	p->build(x, &src, vals);
	// The template's own judgement of the effect replaces the generic one.
	if (te->risk)
		set_risk(x, &m, te->risk);
	return effects_since(x, &m);
}

static void expand_capability(struct expand *x, const struct grant *g, const struct capability *cap)
{
	struct pval *params = arena_array(x->a, cap->n_params ? cap->n_params : 1, sizeof(*params));
	bool ok = bind_grant(x, g, cap->params, cap->n_params, cap->name, params);
	if (cap->uses_principal && !need_to(x, g, cap->name))
		ok = false;
	if (!ok)
		return;
	struct env e = { .cap = cap, .params = params };
	e.principal.type = PT_PRINCIPAL;
	if (g->to) {
		e.principal.set = true;
		e.principal.pos = g->to_pos;
		e.principal.who = principal_canonical(x, g->to);
	}
	e.policy = (struct pval){ .type = PT_STRING, .set = true, .pos = x->in->policy.pos, .s = x->in->policy.name };
	size_t made = 0, errors = x->d->errors;
	for (size_t i = 0; i < cap->n_effects; i++) {
		const struct tmpl_effect *te = &cap->effects[i];
		bool hold = true;
		for (size_t c = 0; c < te->n_conds && hold; c++)
			hold = cond_holds(&te->conds[c], params);
		if (!hold)
			continue;
		if (!te->has_loop) {
			e.loop_var = NULL;
			made += instantiate(x, g, &e, te);
			continue;
		}
		const struct pval *list = &params[te->loop_param];
		e.loop_var = te->loop_var;
		for (size_t k = 0; list->set && k < list->n; k++) {
			e.loop = (struct pval){ .type = param_item_type(list->type), .set = true, .pos = list->pos,
						.s = list->items[k] };
			made += instantiate(x, g, &e, te);
		}
	}
	if (!made && x->d->errors == errors)
		diag_error(x->d, g->allow_pos, "this '%s' grant has no effect with these parameters; "
					       "check the conditions its parameters select",
			   cap->name);
}

static void expand_primitive(struct expand *x, const struct grant *g, const struct primitive *p)
{
	struct pval vals[PRIM_MAX_FIELDS];
	if (p->n_fields > PRIM_MAX_FIELDS)
		BUG("primitive '%s' has %zu fields", p->name, p->n_fields);
	memset(vals, 0, p->n_fields * sizeof(*vals));
	if (!bind_grant(x, g, p->fields, p->n_fields, p->name, vals))
		return;
	for (size_t i = 0; i < p->n_fields; i++)
		if (p->fields[i].grantee_default && !vals[i].set && !need_to(x, g, p->name))
			return;
	struct effect_src src = { .grant = g, .prov = { .grant = g->allow_pos, .capability = p->name } };
	p->build(x, &src, vals);
}

// --- Risk gate ---

struct risk_item {
	const char *text;
	struct src_pos tmpl;
};

static int cmp_risk(const void *a, const void *b)
{
	return strcmp(((const struct risk_item *)a)->text, ((const struct risk_item *)b)->text);
}

#define COLLECT(arr, n, from)                                                            \
	for (size_t i = (from); i < (n); i++)                                            \
		if ((arr)[i].src.risk) {                                                 \
			GROW(items, alloc, count + 1);                                   \
			items[count++] = (struct risk_item){ (arr)[i].src.risk,          \
							     (arr)[i].src.prov.tmpl };   \
		}

static void gate_risk(struct expand *x, const struct grant *g, const struct marks *m)
{
	struct risk_item *items = NULL;
	size_t count = 0, alloc = 0;
	COLLECT(x->aces, x->n_aces, m->aces)
	COLLECT(x->members, x->n_members, m->members)
	COLLECT(x->rules, x->n_rules, m->rules)
	COLLECT(x->values, x->n_values, m->values)
	COLLECT(x->steps, x->n_steps, m->steps)
	if (g->accept_risk) {
		if (!count)
			diag_warning(x->d, g->accept_risk_pos,
				     "'accept-risk' is given but nothing this grant does weakens security; remove it");
		free(items);
		return;
	}
	if (count)
		qsort(items, count, sizeof(*items), cmp_risk);
	size_t shown = 0, distinct = 0;
	for (size_t i = 0; i < count; i++) {
		if (i && !strcmp(items[i].text, items[i - 1].text))
			continue;
		distinct++;
		if (shown == 5)
			continue;
		shown++;
		diag_add(x->d, DIAG_ERROR, g->allow_pos, NULL,
			 "add 'accept-risk: \"<why this is acceptable>\"' to the grant if this is intended",
			 "this grant weakens security: %s; it needs 'accept-risk: \"<reason>\"'", items[i].text);
		if (items[i].tmpl.file)
			diag_note(x->d, items[i].tmpl, "the effect comes from this template line");
	}
	if (distinct > shown)
		diag_error(x->d, g->allow_pos, "this grant weakens security in %zu more ways; it needs 'accept-risk'",
			   distinct - shown);
	free(items);
}

// --- The whole intent ---

static void expand_grant(struct expand *x, const struct grant *g)
{
	if (!g->allow)
		return; // intent_load has reported the missing `allow:`
	const struct primitive *p = primitive_find(g->allow);
	if (p) {
		expand_primitive(x, g, p);
		return;
	}
	const struct capability *cap;
	switch (cap_loader_get(&x->caps, g->allow, g->allow_pos, &cap)) {
	case CAP_FOUND:
		expand_capability(x, g, cap);
		return;
	case CAP_BROKEN:
		diag_note(x->d, g->allow_pos, "capability '%s' is used here", g->allow);
		return;
	case CAP_REFUSED:
		return;
	case CAP_MISSING:
		break;
	}
	const char **names;
	size_t n = cap_loader_names(&x->caps, &names);
	size_t np;
	const struct primitive *const *prims = primitive_list(&np);
	const char **all = arena_array(x->a, n + np, sizeof(*all));
	memcpy(all, names, n * sizeof(*all));
	for (size_t i = 0; i < np; i++)
		all[n + i] = prims[i]->name;
	const char *guess = closest_word(g->allow, all, n + np);
	if (guess)
		diag_error(x->d, g->allow_pos, "unknown capability '%s'; did you mean '%s'?", quote_text(x->a, g->allow),
			   guess);
	else
		diag_error(x->d, g->allow_pos, "unknown capability '%s'; 'gpoc capabilities' lists them",
			   quote_text(x->a, g->allow));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void collect_files(struct expand *x)
{
	size_t n = x->caps.n_files + x->n_files;
	const char **v = arena_array(x->a, n + 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < x->caps.n_files; i++)
		v[k++] = x->caps.files[i];
	for (size_t i = 0; i < x->n_files; i++)
		v[k++] = x->files[i];
	qsort(v, k, sizeof(*v), cmp_str);
	size_t w = 0;
	for (size_t i = 0; i < k; i++)
		if (!w || strcmp(v[w - 1], v[i]))
			v[w++] = v[i];
	// The intent first, then the templates and baselines it pulled in.
	const char **out = arena_array(x->a, w + 1, sizeof(*out));
	out[0] = x->in->file->name;
	memcpy(out + 1, v, w * sizeof(*out));
	x->m->files_read = out;
	x->m->n_files_read = w + 1;
}

bool model_build(const struct intent *in, const struct model_options *opt, struct arena *a, struct diag *d,
		 struct model *out)
{
	memset(out, 0, sizeof(*out));
	out->intent = in;
	out->sids = in->sids;
	out->templates_dir = opt->templates_dir;
	size_t errors = d->errors;

	struct expand x = { .in = in, .opt = opt, .a = a, .d = d, .m = out };
	cap_loader_init(&x.caps, opt, a, d);
	strmap_init(&x.principals);
	strmap_init(&x.baselines);
	strmap_init(&x.baseline_known);
	strmap_init(&x.ns_baselines);
	strmap_init(&x.keys);
	strmap_init(&x.ports_checked);
	x.rule_id_prefix = arena_concat(a, "gpoc-", in->policy.name, "-");
	x.rule_name_prefix = arena_concat(a, "gpoc ", in->policy.name, ": ");
	principals_init(&x);

	for (size_t i = 0; i < in->n_grants; i++) {
		const struct grant *g = &in->grants[i];
		struct marks m = marks_now(&x);
		size_t before = d->errors;
		expand_grant(&x, g);
		if (d->errors == before)
			gate_risk(&x, g, &m);
	}
	if (d->errors == errors)
		merge_effects(&x);
	baselines_check_unused(&x);
	collect_files(&x);

	free(x.aces);
	free(x.members);
	free(x.rules);
	free(x.values);
	free(x.steps);
	free(x.files);
	baselines_release(&x);
	strmap_release(&x.principals);
	strmap_release(&x.ns_baselines);
	strmap_release(&x.keys);
	strmap_release(&x.ports_checked);
	cap_loader_release(&x.caps);
	return d->errors == errors;
}
