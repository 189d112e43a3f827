// capability.c: finding, reading and checking capability templates.
//
// A capability is a YAML file (docs/capabilities.md):
//
//   gpoc-capability: 1
//   name: remote-wmi                 # must match the file name
//   summary: one line                # `gpoc capabilities` lists it
//   description: |                   # optional, shown by `gpoc capabilities NAME`
//   parameters:
//     from: {type: address-list, required: true, doc: ...}
//   effects:
//     - firewall-rule: {rule: wmi-rpcss-in, remote-addresses: ${from}, ...}
//       when: {fixed-port: false}     # optional: every key must hold
//       for-each: {namespace: namespaces}  # optional: once per item of a list
//       risk: what it weakens         # optional: always needs accept-risk
//
// Everything that can be checked without an intent is checked here, when the file
// is read, and reported at the template's line: unknown keys, parameter types and
// defaults, unknown primitives and fields, unknown `${variables}`, a list variable
// where one value is expected, literal field values. What is left for expansion
// is what depends on the grant: its parameter values and its principal.
//
// Capabilities are looked up by name in templates/capabilities/ and in each
// --capabilities directory. A name found in two places is an error rather than an
// override: a reviewer reading `allow: remote-wmi` must be able to trust that it
// means the stock remote-wmi.
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "core/file.h"
#include "core/util.h"
#include "model/internal.h"

enum { TEMPLATE_FORMAT_VERSION = 1 };

// Keys of a grant that are not parameters, and variables every template has.
static const char *const reserved_params[] = { "to", "allow", "accept-risk", "note", "suppress", "principal",
					       "policy" };

bool capability_name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || ascii_isdigit((unsigned char)c) || (c == '-' && i > 0);
		if (!ok)
			return false;
	}
	return true;
}

// Variable and parameter names: [a-z][a-z0-9-]*
static bool var_name_valid(const char *s, size_t n)
{
	if (n == 0 || n > 64 || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || ascii_isdigit((unsigned char)s[i]) || s[i] == '-'))
			return false;
	return true;
}

bool tmpl_has_syntax(const char *s)
{
	for (; *s; s++)
		if (s[0] == '$' && (s[1] == '{' || s[1] == '$'))
			return true;
	return false;
}

bool tmpl_split(struct arena *a, const char *s, struct tpart **parts, size_t *n, const char **err)
{
	size_t cap = 4, count = 0;
	for (const char *p = s; *p; p++)
		if (*p == '$')
			cap += 2;
	struct tpart *v = arena_array(a, cap, sizeof(*v));
	struct strbuf lit = STRBUF_INIT;
	const char *p = s;
	while (*p) {
		if (p[0] == '$' && p[1] == '$') {
			strbuf_addch(&lit, '$');
			p += 2;
			continue;
		}
		if (p[0] == '$' && p[1] == '{') {
			const char *end = strchr(p + 2, '}');
			if (!end) {
				*err = "'${' without its closing '}'";
				strbuf_release(&lit);
				return false;
			}
			size_t len = (size_t)(end - (p + 2));
			if (!var_name_valid(p + 2, len)) {
				*err = "a variable name is lowercase letters, digits and '-' ('${from}')";
				strbuf_release(&lit);
				return false;
			}
			if (lit.len) {
				v[count++] = (struct tpart){ arena_strndup(a, lit.buf, lit.len), lit.len, false, 0 };
				strbuf_reset(&lit);
			}
			v[count++] = (struct tpart){ arena_strndup(a, p + 2, len), len, true, 0 };
			p = end + 1;
			continue;
		}
		strbuf_addch(&lit, *p++);
	}
	if (lit.len || count == 0)
		v[count++] = (struct tpart){ arena_strndup(a, lit.buf, lit.len), lit.len, false, 0 };
	strbuf_release(&lit);
	*parts = v;
	*n = count;
	return true;
}

// --- Reading one template ---

struct reader {
	struct cap_loader *l;
	struct capability *cap;
	struct diag *d;
	struct arena *a;
	bool ok;
};

static bool expect_kind(struct reader *r, const struct ynode *n, enum ynode_kind k, const char *what)
{
	if (n->kind == k)
		return true;
	diag_error(r->d, n->pos, "'%s' must be %s, not %s", what, ynode_kind_name(k), ynode_kind_name(n->kind));
	r->ok = false;
	return false;
}

static const char *scalar_text(struct reader *r, const struct ynode *n, const char *what)
{
	if (!expect_kind(r, n, YNODE_SCALAR, what))
		return NULL;
	return n->str;
}

static void unknown_key(struct reader *r, const struct ynode *k, const char *where, const char *const *accepted,
			size_t n)
{
	const char *guess = closest_word(k->str, accepted, n);
	struct strbuf list = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&list, "%s%s", i ? ", " : "", accepted[i]);
	if (guess)
		diag_error(r->d, k->pos, "unknown key '%s' in %s; did you mean '%s'?", quote_text(r->a, k->str), where,
			   guess);
	else
		diag_error(r->d, k->pos, "unknown key '%s' in %s; accepted: %s", quote_text(r->a, k->str), where,
			   list.buf);
	strbuf_release(&list);
	r->ok = false;
}

static bool read_bool_node(struct reader *r, const struct ynode *n, const char *what, bool *out)
{
	if (n->kind == YNODE_SCALAR && n->plain) {
		if (!strcmp(n->str, "true")) {
			*out = true;
			return true;
		}
		if (!strcmp(n->str, "false")) {
			*out = false;
			return true;
		}
	}
	diag_error(r->d, n->pos, "'%s' must be true or false", what);
	r->ok = false;
	return false;
}

static bool read_int_node(struct reader *r, const struct ynode *n, const char *what, int64_t *out)
{
	static const struct param_decl any_int = { .name = "", .type = PT_INT, .min = INT32_MIN, .max = INT32_MAX };
	struct param_decl d = any_int;
	d.name = what;
	struct vctx c = { .a = r->a, .d = r->d };
	struct pval v;
	if (!value_from_node(&c, &d, n, &v)) {
		r->ok = false;
		return false;
	}
	*out = v.i;
	return true;
}

static const char *const param_keys[] = { "type", "doc", "default", "required", "values", "vocabulary", "min", "max" };

static bool type_from_name(const char *s, enum param_type *out)
{
	static const enum param_type usable[] = { PT_STRING, PT_BOOL, PT_INT, PT_ENUM, PT_STRING_LIST,
						  PT_ADDRESS_LIST, PT_NAMESPACE, PT_NAMESPACE_LIST, PT_RIGHTS,
						  PT_GUID, PT_PRINCIPAL };
	for (size_t i = 0; i < ARRAY_SIZE(usable); i++)
		if (!strcmp(s, param_type_name(usable[i]))) {
			*out = usable[i];
			return true;
		}
	return false;
}

static void read_param(struct reader *r, const struct ynode *key, const struct ynode *n, struct param_decl *p)
{
	p->name = key->str;
	p->pos = key->pos;
	if (!var_name_valid(key->str, key->len)) {
		diag_error(r->d, key->pos, "parameter name '%s' must be lowercase letters, digits and '-'",
			   quote_text(r->a, key->str));
		r->ok = false;
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(reserved_params); i++)
		if (!strcmp(key->str, reserved_params[i])) {
			diag_error(r->d, key->pos,
				   "parameter name '%s' is reserved (grant keys to, allow, accept-risk, note, suppress; "
				   "variables principal, policy)",
				   key->str);
			r->ok = false;
			return;
		}
	if (!expect_kind(r, n, YNODE_MAPPING, key->str))
		return;
	const struct ynode *type = ynode_get(n, "type"), *def = NULL, *values = NULL, *vocab = NULL;
	bool has_min = false, has_max = false;
	int64_t min = 0, max = INT32_MAX;
	for (size_t i = 0; i < n->n_entries; i++) {
		const struct ynode *k = n->entries[i].key, *v = n->entries[i].value;
		if (!strcmp(k->str, "type")) {
			continue;
		} else if (!strcmp(k->str, "doc")) {
			p->doc = scalar_text(r, v, "doc");
		} else if (!strcmp(k->str, "default")) {
			def = v;
		} else if (!strcmp(k->str, "required")) {
			read_bool_node(r, v, "required", &p->required);
		} else if (!strcmp(k->str, "values")) {
			values = v;
		} else if (!strcmp(k->str, "vocabulary")) {
			vocab = v;
		} else if (!strcmp(k->str, "min")) {
			has_min = read_int_node(r, v, "min", &min);
		} else if (!strcmp(k->str, "max")) {
			has_max = read_int_node(r, v, "max", &max);
		} else {
			unknown_key(r, k, "a parameter", param_keys, ARRAY_SIZE(param_keys));
		}
	}
	if (!type) {
		diag_error(r->d, n->pos, "parameter '%s' needs 'type:' (string, bool, int, enum, string-list, "
					 "address-list, namespace, namespace-list, rights, guid, principal)",
			   p->name);
		r->ok = false;
		return;
	}
	const char *tn = scalar_text(r, type, "type");
	if (!tn)
		return;
	if (!type_from_name(tn, &p->type)) {
		static const char *const names[] = { "string", "bool", "int", "enum", "string-list", "address-list",
						     "namespace", "namespace-list", "rights", "guid", "principal" };
		const char *guess = closest_word(tn, names, ARRAY_SIZE(names));
		if (guess)
			diag_error(r->d, type->pos, "unknown type '%s'; did you mean '%s'?", quote_text(r->a, tn), guess);
		else
			diag_error(r->d, type->pos, "unknown type '%s'; accepted: string, bool, int, enum, string-list, "
						    "address-list, namespace, namespace-list, rights, guid, principal",
				   quote_text(r->a, tn));
		r->ok = false;
		return;
	}
	if (!p->doc) {
		diag_error(r->d, key->pos, "parameter '%s' needs 'doc:' (one line for 'gpoc capabilities')", p->name);
		r->ok = false;
	}
	if ((values != NULL) != (p->type == PT_ENUM)) {
		diag_error(r->d, values ? values->pos : type->pos,
			   values ? "'values' belongs to enum parameters only" : "an enum parameter needs 'values:'");
		r->ok = false;
		return;
	}
	if ((vocab != NULL) != (p->type == PT_RIGHTS)) {
		diag_error(r->d, vocab ? vocab->pos : type->pos,
			   vocab ? "'vocabulary' belongs to rights parameters only"
				 : "a rights parameter needs 'vocabulary:' (com-launch, com-access, wmi)");
		r->ok = false;
		return;
	}
	if ((has_min || has_max) && p->type != PT_INT) {
		diag_error(r->d, n->pos, "'min' and 'max' belong to int parameters only");
		r->ok = false;
		return;
	}
	p->min = has_min ? min : (p->type == PT_INT ? INT32_MIN : 0);
	p->max = max;
	if (p->min > p->max) {
		diag_error(r->d, n->pos, "'min' is above 'max'");
		r->ok = false;
		return;
	}
	if (values) {
		if (!expect_kind(r, values, YNODE_SEQUENCE, "values") || !values->n_items) {
			if (values->kind == YNODE_SEQUENCE) {
				diag_error(r->d, values->pos, "'values' must list at least one value");
				r->ok = false;
			}
			return;
		}
		const char **vs = arena_array(r->a, values->n_items, sizeof(*vs));
		for (size_t i = 0; i < values->n_items; i++) {
			const char *s = scalar_text(r, values->items[i], "values");
			if (!s)
				return;
			for (size_t j = 0; j < i; j++)
				if (!strcmp(vs[j], s)) {
					diag_error(r->d, values->items[i]->pos, "value '%s' is listed twice",
						   quote_text(r->a, s));
					r->ok = false;
				}
			vs[i] = s;
		}
		p->values = vs;
		p->n_values = values->n_items;
	}
	if (vocab) {
		const char *vn = scalar_text(r, vocab, "vocabulary");
		if (!vn)
			return;
		if (!rights_vocab_from_name(vn, &p->vocab)) {
			diag_error(r->d, vocab->pos,
				   "unknown vocabulary '%s'; accepted: com-launch, com-access, wmi, file, registry, generic",
				   quote_text(r->a, vn));
			r->ok = false;
			return;
		}
		p->has_vocab = true;
	}
	if (p->required && def) {
		diag_error(r->d, def->pos, "parameter '%s' is required and so cannot have a default", p->name);
		r->ok = false;
		return;
	}
	if (def) {
		if (p->type == PT_PRINCIPAL) {
			diag_error(r->d, def->pos, "a principal parameter cannot have a default");
			r->ok = false;
			return;
		}
		struct vctx c = { .a = r->a, .d = r->d };
		if (value_from_node(&c, p, def, &p->def))
			p->has_default = true;
		else
			r->ok = false;
	}
}

// A variable in scope while checking one effect.
struct scope_var {
	const char *name;
	enum param_type type;
	bool always_set;
	int var;                 // VAR_* or the parameter's index
};

struct scope {
	struct scope_var *v;
	size_t n;
};

static const struct scope_var *scope_find(const struct scope *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static bool check_var(struct reader *r, const struct scope *s, const char *name, struct src_pos pos,
		      const struct scope_var **out)
{
	*out = scope_find(s, name);
	if (*out)
		return true;
	const char **names = arena_array(r->a, s->n ? s->n : 1, sizeof(*names));
	for (size_t i = 0; i < s->n; i++)
		names[i] = s->v[i].name;
	const char *guess = closest_word(name, names, s->n);
	if (guess)
		diag_error(r->d, pos, "unknown variable '${%s}'; did you mean '${%s}'?", name, guess);
	else
		diag_error(r->d, pos, "unknown variable '${%s}'; variables are the parameters, ${principal} and ${policy}",
			   name);
	r->ok = false;
	return false;
}

static bool is_listish(enum param_type t)
{
	return param_type_is_list(t);
}

// Checks one scalar of a field (the field's whole value, or an item of a list)
// and keeps it split into literal and variable parts in *out.
static void check_scalar(struct reader *r, const struct scope *s, const struct param_decl *fd,
			 const struct ynode *n, bool as_item, bool *has_vars, struct tscalar *out)
{
	out->pos = n->pos;
	if (!tmpl_has_syntax(n->str)) {
		struct tpart *lit = arena_alloc(r->a, sizeof(*lit));
		*lit = (struct tpart){ n->str, n->len, false, 0 };
		out->parts = lit;
		out->n = 1;
		return;
	}
	*has_vars = true;
	struct tpart *parts;
	size_t np;
	const char *err;
	if (!tmpl_split(r->a, n->str, &parts, &np, &err)) {
		diag_error(r->d, n->pos, "bad substitution in '%s': %s", quote_text(r->a, n->str), err);
		r->ok = false;
		return;
	}
	out->parts = parts;
	out->n = np;
	bool exact = np == 1 && parts[0].is_var;
	for (size_t i = 0; i < np; i++) {
		if (!parts[i].is_var)
			continue;
		const struct scope_var *v;
		if (!check_var(r, s, parts[i].text, n->pos, &v))
			continue;
		parts[i].var = v->var;
		if (v->type == PT_PRINCIPAL && (fd->type != PT_PRINCIPAL || !exact)) {
			diag_error(r->d, n->pos, "'${%s}' is a principal: it can only be the whole value of a principal "
						 "field ('%s' is %s)",
				   v->name, fd->name, param_type_name(fd->type));
			r->ok = false;
			continue;
		}
		if (fd->type == PT_PRINCIPAL && v->type != PT_PRINCIPAL) {
			diag_error(r->d, n->pos, "field '%s' takes a principal: '${principal}', a principal parameter, "
						 "a SID, an alias or {name:, sid:}",
				   fd->name);
			r->ok = false;
			continue;
		}
		if (is_listish(v->type)) {
			bool list_field = is_listish(fd->type) || fd->type == PT_DATA;
			if (!exact || !list_field || (as_item && fd->type == PT_DATA)) {
				diag_error(r->d, n->pos, "'${%s}' is a list and '%s' takes one value here; "
							 "use 'for-each: {item: %s}' and '${item}'",
					   v->name, fd->name, v->name);
				r->ok = false;
				continue;
			}
		}
		if (!exact && !v->always_set) {
			diag_error(r->d, n->pos, "'${%s}' may have no value, so it cannot be part of a longer text; "
						 "give the parameter a default",
				   v->name);
			r->ok = false;
		}
	}
}

static void read_field(struct reader *r, const struct scope *s, const struct param_decl *fd, const struct ynode *n,
		       struct tmpl_field *f)
{
	f->node = n;
	if (n->kind == YNODE_SCALAR) {
		f->scalars = arena_alloc(r->a, sizeof(*f->scalars));
		f->n_scalars = 1;
		check_scalar(r, s, fd, n, false, &f->has_vars, f->scalars);
	} else if (n->kind == YNODE_SEQUENCE) {
		f->is_seq = true;
		f->scalars = arena_array(r->a, n->n_items ? n->n_items : 1, sizeof(*f->scalars));
		f->n_scalars = n->n_items;
		for (size_t i = 0; i < n->n_items; i++)
			if (n->items[i]->kind == YNODE_SCALAR)
				check_scalar(r, s, fd, n->items[i], true, &f->has_vars, &f->scalars[i]);
		if (f->has_vars && !is_listish(fd->type) && fd->type != PT_DATA) {
			diag_error(r->d, n->pos, "field '%s' takes one value, not a list", fd->name);
			r->ok = false;
			return;
		}
		if (f->has_vars)
			for (size_t i = 0; i < n->n_items; i++)
				if (n->items[i]->kind != YNODE_SCALAR) {
					diag_error(r->d, n->items[i]->pos, "items of '%s' must be single values",
						   fd->name);
					r->ok = false;
					return;
				}
	} else if (fd->type == PT_PRINCIPAL) {
		for (size_t i = 0; i < n->n_entries; i++) {
			const struct ynode *v = n->entries[i].value;
			if (v->kind == YNODE_SCALAR && tmpl_has_syntax(v->str)) {
				diag_error(r->d, v->pos, "a {name:, sid:} principal is written literally; "
							 "substitute the whole field instead");
				r->ok = false;
				return;
			}
		}
	}
	if (f->has_vars)
		return;
	if (fd->type == PT_PRINCIPAL) {
		if (!principal_literal_check(r->d, r->a, n))
			r->ok = false;
		return;
	}
	struct vctx c = { .a = r->a, .d = r->d };
	if (value_from_node(&c, fd, n, &f->literal))
		f->literal_ok = true;
	else
		r->ok = false;
}

static const char *const effect_keys[] = { "when", "for-each", "risk" };

static void read_when(struct reader *r, const struct ynode *n, struct tmpl_effect *e)
{
	if (!expect_kind(r, n, YNODE_MAPPING, "when"))
		return;
	struct capability *cap = r->cap;
	e->conds = arena_array(r->a, n->n_entries ? n->n_entries : 1, sizeof(*e->conds));
	for (size_t i = 0; i < n->n_entries; i++) {
		const struct ynode *k = n->entries[i].key, *v = n->entries[i].value;
		size_t pi = 0;
		while (pi < cap->n_params && strcmp(cap->params[pi].name, k->str))
			pi++;
		if (pi == cap->n_params) {
			const char **names = arena_array(r->a, cap->n_params ? cap->n_params : 1, sizeof(*names));
			for (size_t j = 0; j < cap->n_params; j++)
				names[j] = cap->params[j].name;
			const char *guess = closest_word(k->str, names, cap->n_params);
			if (guess)
				diag_error(r->d, k->pos, "'when' tests unknown parameter '%s'; did you mean '%s'?",
					   quote_text(r->a, k->str), guess);
			else
				diag_error(r->d, k->pos, "'when' tests unknown parameter '%s'", quote_text(r->a, k->str));
			r->ok = false;
			continue;
		}
		const struct param_decl *p = &cap->params[pi];
		struct tmpl_cond *c = &e->conds[e->n_conds];
		c->param = pi;
		c->pos = k->pos;
		if (p->type == PT_BOOL || is_listish(p->type)) {
			c->test_bool = true;
			if (!read_bool_node(r, v, k->str, &c->b))
				continue;
		} else if (p->type == PT_ENUM || p->type == PT_STRING) {
			const struct ynode *const *items = (const struct ynode *const *)&v;
			size_t ni = 1;
			if (v->kind == YNODE_SEQUENCE) {
				items = (const struct ynode *const *)v->items;
				ni = v->n_items;
			}
			c->values = arena_array(r->a, ni ? ni : 1, sizeof(*c->values));
			for (size_t j = 0; j < ni; j++) {
				const char *s = scalar_text(r, items[j], k->str);
				if (!s)
					break;
				if (p->type == PT_ENUM) {
					struct vctx vc = { .a = r->a, .d = r->d };
					struct pval pv;
					if (!value_from_text(&vc, p, s, items[j]->pos, &pv)) {
						r->ok = false;
						continue;
					}
				}
				c->values[c->n_values++] = s;
			}
		} else {
			diag_error(r->d, k->pos, "'when' can test bool, enum, string and list parameters; '%s' is %s",
				   p->name, param_type_name(p->type));
			r->ok = false;
			continue;
		}
		e->n_conds++;
	}
}

static void read_effect(struct reader *r, const struct ynode *n, struct tmpl_effect *e)
{
	struct capability *cap = r->cap;
	e->pos = n->pos;
	if (!expect_kind(r, n, YNODE_MAPPING, "an effect"))
		return;
	const struct ynode *body = NULL, *when = NULL, *foreach = NULL, *prim_key = NULL;
	for (size_t i = 0; i < n->n_entries; i++) {
		const struct ynode *k = n->entries[i].key, *v = n->entries[i].value;
		if (!strcmp(k->str, "when")) {
			when = v;
		} else if (!strcmp(k->str, "for-each")) {
			foreach = v;
		} else if (!strcmp(k->str, "risk")) {
			e->risk = scalar_text(r, v, "risk");
			if (e->risk && !*e->risk) {
				diag_error(r->d, v->pos, "'risk' must say what the effect weakens");
				r->ok = false;
			}
		} else if (primitive_find(k->str)) {
			if (prim_key) {
				diag_error(r->d, k->pos, "an effect has one primitive; this one has '%s' and '%s'",
					   prim_key->str, k->str);
				r->ok = false;
				continue;
			}
			prim_key = k;
			body = v;
			e->prim = primitive_find(k->str);
		} else {
			size_t np;
			const struct primitive *const *prims = primitive_list(&np);
			const char **names = arena_array(r->a, np + ARRAY_SIZE(effect_keys), sizeof(*names));
			for (size_t j = 0; j < np; j++)
				names[j] = prims[j]->name;
			for (size_t j = 0; j < ARRAY_SIZE(effect_keys); j++)
				names[np + j] = effect_keys[j];
			unknown_key(r, k, "an effect (a primitive, when, for-each or risk)", names,
				    np + ARRAY_SIZE(effect_keys));
		}
	}
	if (!e->prim) {
		if (r->ok) {
			diag_error(r->d, n->pos, "an effect needs a primitive: firewall-rule, registry-value, group-member, "
						 "dcom-limit, appid-permission, namespace-ace or step");
			r->ok = false;
		}
		return;
	}

	// The variables in scope: builtins, parameters, then the loop variable.
	struct scope s;
	s.v = arena_array(r->a, cap->n_params + 3, sizeof(*s.v));
	s.n = 0;
	s.v[s.n++] = (struct scope_var){ "principal", PT_PRINCIPAL, false, VAR_PRINCIPAL };
	s.v[s.n++] = (struct scope_var){ "policy", PT_STRING, true, VAR_POLICY };
	for (size_t i = 0; i < cap->n_params; i++) {
		const struct param_decl *p = &cap->params[i];
		s.v[s.n++] = (struct scope_var){ p->name, p->type, p->required || p->has_default, (int)i };
	}
	if (foreach && expect_kind(r, foreach, YNODE_MAPPING, "for-each")) {
		if (foreach->n_entries != 1) {
			diag_error(r->d, foreach->pos, "'for-each' takes one entry: {variable: list-parameter}");
			r->ok = false;
		} else {
			const struct ynode *k = foreach->entries[0].key, *v = foreach->entries[0].value;
			const char *list = scalar_text(r, v, "for-each");
			const struct scope_var *lv = NULL;
			if (!var_name_valid(k->str, k->len)) {
				diag_error(r->d, k->pos, "variable name '%s' must be lowercase letters, digits and '-'",
					   quote_text(r->a, k->str));
				r->ok = false;
			} else if (scope_find(&s, k->str)) {
				diag_error(r->d, k->pos, "loop variable '%s' hides a parameter or builtin of that name",
					   k->str);
				r->ok = false;
			} else if (list && check_var(r, &s, list, v->pos, &lv)) {
				size_t pi = 0;
				while (pi < cap->n_params && strcmp(cap->params[pi].name, list))
					pi++;
				if (pi == cap->n_params || !is_listish(lv->type)) {
					diag_error(r->d, v->pos, "'for-each' iterates over a list parameter; '%s' is not one",
						   list);
					r->ok = false;
				} else {
					e->has_loop = true;
					e->loop_var = k->str;
					e->loop_param = pi;
					s.v[s.n++] = (struct scope_var){ k->str, param_item_type(lv->type), true, VAR_LOOP };
				}
			}
		}
	}
	if (when)
		read_when(r, when, e);

	const struct primitive *prim = e->prim;
	e->fields = arena_array(r->a, prim->n_fields, sizeof(*e->fields));
	if (!expect_kind(r, body, YNODE_MAPPING, prim->name))
		return;
	for (size_t i = 0; i < body->n_entries; i++) {
		const struct ynode *k = body->entries[i].key, *v = body->entries[i].value;
		int fi = primitive_field(prim, k->str);
		if (fi < 0) {
			const char **names = arena_array(r->a, prim->n_fields, sizeof(*names));
			for (size_t j = 0; j < prim->n_fields; j++)
				names[j] = prim->fields[j].name;
			unknown_key(r, k, arena_printf(r->a, "a '%s' effect", prim->name), names, prim->n_fields);
			continue;
		}
		read_field(r, &s, &prim->fields[fi], v, &e->fields[fi]);
		if (prim->fields[fi].type == PT_PRINCIPAL && v->kind == YNODE_SCALAR && !strcmp(v->str, "${principal}"))
			cap->uses_principal = true;
	}
	for (size_t i = 0; i < prim->n_fields; i++) {
		const struct param_decl *fd = &prim->fields[i];
		if (e->fields[i].node)
			continue;
		if (fd->required) {
			diag_error(r->d, prim_key->pos, "'%s' effect needs field '%s'", prim->name, fd->name);
			r->ok = false;
		}
		if (fd->grantee_default)
			cap->uses_principal = true;
	}
}

static const char *const top_keys[] = { "gpoc-capability", "name", "summary", "description", "parameters",
					"effects" };

static void read_capability(struct reader *r, const struct ynode *root, const char *stem)
{
	struct capability *cap = r->cap;
	if (!expect_kind(r, root, YNODE_MAPPING, "a capability"))
		return;
	const struct ynode *version = NULL, *params = NULL, *effects = NULL;
	for (size_t i = 0; i < root->n_entries; i++) {
		const struct ynode *k = root->entries[i].key, *v = root->entries[i].value;
		if (!strcmp(k->str, "gpoc-capability"))
			version = v;
		else if (!strcmp(k->str, "name"))
			cap->name = scalar_text(r, v, "name");
		else if (!strcmp(k->str, "summary"))
			cap->summary = scalar_text(r, v, "summary");
		else if (!strcmp(k->str, "description"))
			cap->description = scalar_text(r, v, "description");
		else if (!strcmp(k->str, "parameters"))
			params = v;
		else if (!strcmp(k->str, "effects"))
			effects = v;
		else
			unknown_key(r, k, "a capability", top_keys, ARRAY_SIZE(top_keys));
	}
	struct src_pos top = src_pos_make(root->pos.file, 1, 1);
	if (!version || version->kind != YNODE_SCALAR || strcmp(version->str, "1")) {
		diag_error(r->d, version ? version->pos : top, "a capability starts with 'gpoc-capability: %d'",
			   TEMPLATE_FORMAT_VERSION);
		r->ok = false;
	}
	if (!cap->name) {
		diag_error(r->d, top, "a capability needs 'name:' (the file name without .yaml)");
		r->ok = false;
	} else if (strcmp(cap->name, stem)) {
		diag_error(r->d, ynode_get(root, "name")->pos, "capability name '%s' must match its file name '%s.yaml'",
			   quote_text(r->a, cap->name), stem);
		r->ok = false;
	}
	if (!cap->summary) {
		diag_error(r->d, top, "a capability needs 'summary:' (one line for 'gpoc capabilities')");
		r->ok = false;
	}
	if (params && expect_kind(r, params, YNODE_MAPPING, "parameters")) {
		cap->params = arena_array(r->a, params->n_entries ? params->n_entries : 1, sizeof(*cap->params));
		cap->n_params = params->n_entries;
		for (size_t i = 0; i < params->n_entries; i++)
			read_param(r, params->entries[i].key, params->entries[i].value, &cap->params[i]);
	}
	if (!effects) {
		diag_error(r->d, top, "a capability needs 'effects:' (a list of primitive effects)");
		r->ok = false;
		return;
	}
	if (!expect_kind(r, effects, YNODE_SEQUENCE, "effects"))
		return;
	if (!effects->n_items) {
		diag_error(r->d, effects->pos, "'effects' is empty; a capability must do something");
		r->ok = false;
		return;
	}
	cap->effects = arena_array(r->a, effects->n_items, sizeof(*cap->effects));
	cap->n_effects = effects->n_items;
	for (size_t i = 0; i < effects->n_items; i++)
		read_effect(r, effects->items[i], &cap->effects[i]);
}

// --- The loader ---

struct cap_slot {
	enum cap_find state;
	const struct capability *cap;
};

void cap_loader_init(struct cap_loader *l, const struct model_options *opt, struct arena *a, struct diag *d)
{
	memset(l, 0, sizeof(*l));
	l->opt = opt;
	l->a = a;
	l->d = d;
	struct strmap *m = xmalloc(sizeof(*m));
	strmap_init(m);
	l->cache = m;
}

void cap_loader_release(struct cap_loader *l)
{
	strmap_release(l->cache);
	free(l->cache);
	free(l->files);
	memset(l, 0, sizeof(*l));
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static const char *stock_dir(struct cap_loader *l)
{
	if (!l->opt->templates_dir)
		return NULL;
	return arena_printf(l->a, "%s/capabilities", l->opt->templates_dir);
}

static enum cap_find load(struct cap_loader *l, const char *name, const char *path, bool stock, struct src_pos use,
			  const struct capability **out)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	if (!read_file(path, &text, &err)) {
		diag_error(l->d, use, "capability '%s': %s", name, err.buf);
		strbuf_release(&text);
		strbuf_release(&err);
		return CAP_REFUSED;
	}
	strbuf_release(&err);
	struct src_file *f = arena_alloc(l->a, sizeof(*f));
	f->name = arena_strdup(l->a, path);
	f->len = text.len;
	f->text = arena_memdup(l->a, text.buf, text.len + 1);
	strbuf_release(&text);
	GROW(l->files, l->alloc_files, l->n_files + 1);
	l->files[l->n_files++] = f->name;

	struct ynode *root;
	if (!yaml_load(f, &yaml_default_limits, l->a, l->d, &root))
		return CAP_BROKEN;
	struct capability *cap = arena_alloc(l->a, sizeof(*cap));
	cap->path = f->name;
	cap->file = f;
	cap->stock = stock;
	struct reader r = { .l = l, .cap = cap, .d = l->d, .a = l->a, .ok = true };
	read_capability(&r, root, name);
	if (!r.ok)
		return CAP_BROKEN;
	*out = cap;
	return CAP_FOUND;
}

enum cap_find cap_loader_get(struct cap_loader *l, const char *name, struct src_pos use,
			     const struct capability **out)
{
	struct cap_slot *slot = strmap_get(l->cache, name);
	if (slot) {
		*out = slot->cap;
		return slot->state;
	}
	slot = arena_alloc(l->a, sizeof(*slot));
	*strmap_put(l->cache, arena_strdup(l->a, name)) = slot;
	slot->state = CAP_MISSING;
	*out = NULL;
	// The name becomes a file name: only [a-z0-9-] ever reaches the file system.
	if (!capability_name_valid(name))
		return CAP_MISSING;
	const char *found = NULL;
	bool found_stock = false;
	const char *dir = stock_dir(l);
	if (dir) {
		const char *p = arena_printf(l->a, "%s/%s.yaml", dir, name);
		if (is_file(p)) {
			found = p;
			found_stock = true;
		}
	}
	for (size_t i = 0; i < l->opt->n_extra_capability_dirs; i++) {
		const char *p = arena_printf(l->a, "%s/%s.yaml", l->opt->extra_capability_dirs[i], name);
		if (!is_file(p))
			continue;
		if (found) {
			diag_error(l->d, use,
				   "capability '%s' is defined twice, in '%s' and in '%s'; rename one "
				   "(a --capabilities directory cannot replace a capability of the same name)",
				   name, found, p);
			slot->state = CAP_REFUSED;
			return CAP_REFUSED;
		}
		found = p;
	}
	if (!found)
		return CAP_MISSING;
	slot->state = load(l, name, found, found_stock, use, &slot->cap);
	*out = slot->cap;
	return slot->state;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void scan_dir(struct cap_loader *l, const char *dir, const char ***names, size_t *n, size_t *alloc)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *de;
	while ((de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml"))
			continue;
		char *stem = arena_strndup(l->a, de->d_name, len - 5);
		if (!capability_name_valid(stem))
			continue;
		GROW(*names, *alloc, *n + 1);
		(*names)[(*n)++] = stem;
	}
	closedir(dp);
}

size_t cap_loader_names(struct cap_loader *l, const char ***out)
{
	const char **names = NULL;
	size_t n = 0, alloc = 0;
	const char *dir = stock_dir(l);
	if (dir)
		scan_dir(l, dir, &names, &n, &alloc);
	for (size_t i = 0; i < l->opt->n_extra_capability_dirs; i++)
		scan_dir(l, l->opt->extra_capability_dirs[i], &names, &n, &alloc);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (!w || strcmp(names[w - 1], names[i]))
			names[w++] = names[i];
	const char **copy = arena_array(l->a, w ? w : 1, sizeof(*copy));
	if (w)
		memcpy(copy, names, w * sizeof(*copy));
	free(names);
	*out = copy;
	return w;
}
