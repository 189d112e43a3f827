// value.c: typed values of capability parameters and primitive fields.
//
// Every value the model reads from YAML goes through here, whichever way it comes:
// a grant's parameter, a template's default, a template field written literally,
// or a field after `${...}` substitution (then it arrives as text). Each type has
// one reader that checks the text and returns its canonical form, so that equal
// values compare equal as strings later (namespaces in lowercase, GUIDs in
// uppercase with braces, IPv6 addresses as inet_ntop prints them).
//
// Lists accept a single scalar as a one-item list (`from: 10.0.0.0/8`); items are
// scalars. Messages name the field and say what would be accepted.
#include "model/capability.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/internal.h"
#include "netsh/fwaddr.h"

static const char *kind_name(const struct ynode *n)
{
	return ynode_kind_name(n->kind);
}

bool param_type_is_list(enum param_type t)
{
	return t == PT_STRING_LIST || t == PT_ADDRESS_LIST || t == PT_NAMESPACE_LIST || t == PT_RIGHTS;
}

enum param_type param_item_type(enum param_type t)
{
	switch (t) {
	case PT_NAMESPACE_LIST:
		return PT_NAMESPACE;
	case PT_STRING_LIST:
	case PT_ADDRESS_LIST:
	case PT_RIGHTS:
		return PT_STRING;
	default:
		return t;
	}
}

const char *param_type_name(enum param_type t)
{
	switch (t) {
	case PT_STRING: return "string";
	case PT_BOOL: return "bool";
	case PT_INT: return "int";
	case PT_ENUM: return "enum";
	case PT_STRING_LIST: return "string-list";
	case PT_ADDRESS_LIST: return "address-list";
	case PT_NAMESPACE: return "namespace";
	case PT_NAMESPACE_LIST: return "namespace-list";
	case PT_RIGHTS: return "rights";
	case PT_GUID: return "guid";
	case PT_PRINCIPAL: return "principal";
	case PT_DATA: return "data";
	}
	BUG("param type %d", (int)t);
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

// --- Item readers: text to canonical text ---

static bool read_bool(const char *s, bool *out)
{
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
		*out = false;
		return true;
	}
	return false;
}

static bool read_int(const char *s, int64_t *out)
{
	const char *p = s;
	bool neg = false;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (!ascii_isdigit((unsigned char)*p))
		return false;
	uint64_t v = 0;
	for (; *p; p++) {
		if (!ascii_isdigit((unsigned char)*p))
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > (uint64_t)INT64_MAX)
			return false;
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

// WMI namespace: root, then `\`-separated names of letters, digits and
// underscores. WMI compares them case-insensitively; gpoc keeps lowercase.
static const char *read_namespace(struct arena *a, const char *s, const char **err)
{
	size_t len = strlen(s);
	if (len > 512) {
		*err = "is longer than 512 characters";
		return NULL;
	}
	if (!ascii_strncasecmp(s, "root/", 5)) {
		*err = "uses '/'; WMI namespaces are separated by '\\' ('root\\cimv2')";
		return NULL;
	}
	if (ascii_strncasecmp(s, "root", 4) || (s[4] && s[4] != '\\')) {
		*err = "must start with 'root' (e.g. 'root\\cimv2')";
		return NULL;
	}
	char *out = arena_strdup(a, s);
	size_t seg = 0;
	for (size_t i = 0; i <= len; i++) {
		char c = out[i];
		if (c == '\\' || c == '\0') {
			if (seg == 0) {
				*err = c == '\\' && i + 1 == len ? "ends with '\\'" : "has an empty name between backslashes";
				return NULL;
			}
			seg = 0;
			continue;
		}
		if (!ascii_isalpha((unsigned char)c) && !ascii_isdigit((unsigned char)c) && c != '_') {
			*err = c == '/' ? "uses '/'; WMI namespaces are separated by '\\'"
					: "may hold only letters, digits, '_' and '\\' between names";
			return NULL;
		}
		out[i] = (char)ascii_tolower((unsigned char)c);
		seg++;
	}
	return out;
}

static const char *read_guid(struct arena *a, const char *s, const char **err)
{
	size_t len = strlen(s);
	const char *p = s;
	if (len == 38 && s[0] == '{' && s[37] == '}')
		p = s + 1;
	else if (len != 36) {
		*err = "must look like '{D99E6E74-FC88-11D0-B498-00A0C90312F3}'";
		return NULL;
	}
	char *out = arena_alloc(a, 39);
	out[0] = '{';
	for (size_t i = 0; i < 36; i++) {
		char c = p[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? c != '-' : !ascii_isxdigit((unsigned char)c)) {
			*err = "must look like '{D99E6E74-FC88-11D0-B498-00A0C90312F3}'";
			return NULL;
		}
		out[1 + i] = (char)ascii_toupper((unsigned char)c);
	}
	out[37] = '}';
	out[38] = '\0';
	return out;
}

// True for an IPv4 address or a prefix in the form fw_addr_format prints
// ("10.0.0.0/8": the reader refuses leading zeros in octets; a prefix length
// must not have one either, nor be a dotted mask): the common case, which then
// needs no formatting.
static bool ipv4_cidr_is_canonical(const char *s)
{
	const char *slash = NULL;
	for (const char *p = s; *p; p++) {
		if (*p == '/') {
			if (slash)
				return false;
			slash = p;
		} else if (*p != '.' && !ascii_isdigit((unsigned char)*p)) {
			return false;
		} else if (slash && *p == '.') {
			return false;
		}
	}
	return !slash || (slash[1] && (slash[1] != '0' || !slash[2]));
}

const char *address_canonical(struct arena *a, const char *s, const char **err)
{
	if (!ascii_strcasecmp(s, "any"))
		return "any";
	// The netsh module's reader, so that the model holds only what netsh and the
	// Group Policy rule string accept, spelled the one way they print it.
	struct fw_addr addr;
	if (!fw_addr_parse(s, strlen(s), true, &addr, err))
		return NULL;
	if (fw_addr_has_host_bits(&addr)) {
		*err = "bits are set below the prefix length; write the network address ('10.0.0.0/8')";
		return NULL;
	}
	if (ipv4_cidr_is_canonical(s))
		return s;
	struct strbuf sb = STRBUF_INIT;
	fw_addr_format(&addr, FWA_STYLE_CIDR, &sb);
	const char *r = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return r;
}

// --- Whole values ---

// Reports `fmt` (which quotes the field name, then the text) and yields false.
#define BAD(c, pos, decl, fmt, text) \
	(diag_error((c)->d, (pos), fmt, (decl)->name, quote_text((c)->a, (text))), false)

// One item of a list type (or a scalar type) from text.
static bool read_item(const struct vctx *c, const struct param_decl *decl, enum param_type t, const char *s,
		      struct src_pos pos, const char **out)
{
	const char *err = NULL;
	switch (t) {
	case PT_STRING:
		if (has_control(s))
			return BAD(c, pos, decl, "'%s' holds a control character in '%s'", s);
		if (decl->type == PT_RIGHTS && decl->has_vocab) {
			uint32_t mask;
			if (!rights_from_name(decl->vocab, s, &mask)) {
				const char *const *names = rights_names(decl->vocab);
				size_t n = 0;
				while (names[n])
					n++;
				const char *guess = closest_word(s, names, n);
				struct strbuf list = STRBUF_INIT;
				for (size_t i = 0; i < n; i++)
					strbuf_addf(&list, "%s%s", i ? ", " : "", names[i]);
				if (guess)
					diag_error(c->d, pos, "unknown right '%s' in '%s'; did you mean '%s'?",
						   quote_text(c->a, s), decl->name, guess);
				else
					diag_error(c->d, pos, "unknown right '%s' in '%s'; accepted: %s",
						   quote_text(c->a, s), decl->name, list.buf);
				strbuf_release(&list);
				return false;
			}
		}
		if (decl->type == PT_ADDRESS_LIST) {
			const char *canon = address_canonical(c->a, s, &err);
			if (!canon) {
				diag_error(c->d, pos, "invalid address '%s' in '%s': %s", quote_text(c->a, s), decl->name,
					   err);
				return false;
			}
			*out = canon;
			return true;
		}
		*out = s;
		return true;
	case PT_NAMESPACE:
		*out = read_namespace(c->a, s, &err);
		if (!*out) {
			diag_error(c->d, pos, "namespace '%s' in '%s' %s", quote_text(c->a, s), decl->name, err);
			return false;
		}
		return true;
	case PT_GUID:
		*out = read_guid(c->a, s, &err);
		if (!*out) {
			diag_error(c->d, pos, "GUID '%s' in '%s' %s", quote_text(c->a, s), decl->name, err);
			return false;
		}
		return true;
	case PT_ENUM:
		for (size_t i = 0; i < decl->n_values; i++)
			if (!strcmp(s, decl->values[i])) {
				*out = decl->values[i];
				return true;
			}
		{
			const char *guess = closest_word(s, decl->values, decl->n_values);
			struct strbuf list = STRBUF_INIT;
			for (size_t i = 0; i < decl->n_values; i++)
				strbuf_addf(&list, "%s%s", i ? ", " : "", decl->values[i]);
			if (guess)
				diag_error(c->d, pos, "unknown value '%s' for '%s'; did you mean '%s'?",
					   quote_text(c->a, s), decl->name, guess);
			else
				diag_error(c->d, pos, "unknown value '%s' for '%s'; accepted: %s", quote_text(c->a, s),
					   decl->name, list.buf);
			strbuf_release(&list);
		}
		return false;
	default:
		BUG("read_item type %d", (int)t);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool finish_list(const struct vctx *c, const struct param_decl *decl, struct pval *out)
{
	// Order carries no meaning in any list type, so items are kept sorted and
	// unique: equal lists compare equal, and duplicates cost nothing however long
	// a hostile list is.
	qsort(out->items, out->n, sizeof(*out->items), cmp_str);
	size_t w = 0;
	bool any = false;
	for (size_t i = 0; i < out->n; i++) {
		if (w && !strcmp(out->items[w - 1], out->items[i]))
			continue;
		if (decl->type == PT_ADDRESS_LIST && !strcmp(out->items[i], "any"))
			any = true;
		out->items[w++] = out->items[i];
	}
	out->n = w;
	if (any && w > 1) {
		diag_error(c->d, out->pos, "'any' in '%s' must stand alone: it already admits every address",
			   decl->name);
		return false;
	}
	if (decl->type == PT_ADDRESS_LIST && w == 0) {
		diag_error(c->d, out->pos, "'%s' is empty; give addresses, or 'any' with accept-risk", decl->name);
		return false;
	}
	if (decl->type == PT_NAMESPACE_LIST && w == 0) {
		diag_error(c->d, out->pos, "'%s' is empty; give at least one namespace", decl->name);
		return false;
	}
	return true;
}

static void init_val(const struct param_decl *decl, struct src_pos pos, struct pval *out)
{
	memset(out, 0, sizeof(*out));
	out->type = decl->type;
	out->set = true;
	out->pos = pos;
	out->has_vocab = decl->has_vocab;
	out->vocab = decl->vocab;
}

bool value_from_texts(const struct vctx *c, const struct param_decl *decl, const char *const *texts, size_t n,
		      struct src_pos pos, struct pval *out)
{
	init_val(decl, pos, out);
	if (decl->type == PT_DATA) {
		out->is_list = true;
		out->items = arena_array(c->a, n ? n : 1, sizeof(*out->items));
		for (size_t i = 0; i < n; i++) {
			if (has_control(texts[i]))
				return BAD(c, pos, decl, "'%s' holds a control character in '%s'", texts[i]);
			out->items[i] = texts[i];
		}
		out->n = n;
		return true;
	}
	if (!param_type_is_list(decl->type))
		BUG("value_from_texts on %s", param_type_name(decl->type));
	out->items = arena_array(c->a, n ? n : 1, sizeof(*out->items));
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		const char *item;
		if (read_item(c, decl, param_item_type(decl->type), texts[i], pos, &item))
			out->items[out->n++] = item;
		else
			ok = false;
	}
	return ok && finish_list(c, decl, out);
}

bool value_from_text(const struct vctx *c, const struct param_decl *decl, const char *text, struct src_pos pos,
		     struct pval *out)
{
	init_val(decl, pos, out);
	switch (decl->type) {
	case PT_STRING:
		if (has_control(text))
			return BAD(c, pos, decl, "'%s' holds a control character in '%s'", text);
		out->s = text;
		return true;
	case PT_DATA:
		if (has_control(text))
			return BAD(c, pos, decl, "'%s' holds a control character in '%s'", text);
		out->s = text;
		return true;
	case PT_BOOL:
		if (!read_bool(text, &out->b))
			return BAD(c, pos, decl, "'%s' must be true or false, not '%s'", text);
		return true;
	case PT_INT:
		if (!read_int(text, &out->i))
			return BAD(c, pos, decl, "'%s' must be a decimal number, not '%s'", text);
		if (out->i < decl->min || out->i > decl->max) {
			diag_error(c->d, pos, "'%s' must be between %lld and %lld, not %lld", decl->name,
				   (long long)decl->min, (long long)decl->max, (long long)out->i);
			return false;
		}
		return true;
	case PT_ENUM:
	case PT_NAMESPACE:
	case PT_GUID:
		return read_item(c, decl, decl->type, text, pos, &out->s);
	case PT_PRINCIPAL:
		if (!c->pr)
			return true;
		return c->pr->resolve(c->pr->ctx, NULL, text, pos, c->intent_text, &out->who);
	default: {
		const char *one[1] = { text };
		return value_from_texts(c, decl, one, 1, pos, out);
	}
	}
}

bool value_from_node(const struct vctx *c, const struct param_decl *decl, const struct ynode *n,
		     struct pval *out)
{
	if (decl->type == PT_PRINCIPAL) {
		init_val(decl, n->pos, out);
		if (n->kind == YNODE_SEQUENCE) {
			diag_error(c->d, n->pos,
				   "'%s' must be one principal (a key of 'principals:', a SID, an alias or "
				   "{name:, sid:}), not a list",
				   decl->name);
			return false;
		}
		if (!c->pr)
			return true;
		return c->pr->resolve(c->pr->ctx, n, n->kind == YNODE_SCALAR ? n->str : NULL, n->pos, c->intent_text,
				      &out->who);
	}
	if (n->kind == YNODE_MAPPING) {
		diag_error(c->d, n->pos, "'%s' must be %s, not %s", decl->name,
			   param_type_is_list(decl->type) ? "a list" : "a single value", kind_name(n));
		return false;
	}
	if (n->kind == YNODE_SEQUENCE) {
		if (!param_type_is_list(decl->type) && decl->type != PT_DATA) {
			diag_error(c->d, n->pos, "'%s' must be a single value, not a list", decl->name);
			return false;
		}
		const char **texts = arena_array(c->a, n->n_items ? n->n_items : 1, sizeof(*texts));
		for (size_t i = 0; i < n->n_items; i++) {
			if (n->items[i]->kind != YNODE_SCALAR) {
				diag_error(c->d, n->items[i]->pos, "items of '%s' must be single values, not %s",
					   decl->name, kind_name(n->items[i]));
				return false;
			}
			texts[i] = n->items[i]->str;
		}
		// Item positions make better messages: read items one by one.
		init_val(decl, n->pos, out);
		if (decl->type == PT_DATA)
			return value_from_texts(c, decl, texts, n->n_items, n->pos, out);
		out->items = arena_array(c->a, n->n_items ? n->n_items : 1, sizeof(*out->items));
		bool ok = true;
		for (size_t i = 0; i < n->n_items; i++) {
			const char *item;
			if (read_item(c, decl, param_item_type(decl->type), texts[i], n->items[i]->pos, &item))
				out->items[out->n++] = item;
			else
				ok = false;
		}
		return ok && finish_list(c, decl, out);
	}
	// A YAML null (`~`, `null`, or nothing) is not a value of any type.
	if (n->plain && (n->len == 0 || !strcmp(n->str, "~") || !strcmp(n->str, "null"))) {
		diag_error(c->d, n->pos, "'%s' has no value; write one or leave the key out", decl->name);
		return false;
	}
	return value_from_text(c, decl, n->str, n->pos, out);
}

size_t value_texts(struct arena *a, const struct pval *v, const char ***out)
{
	if (!v->set)
		return 0;
	if (param_type_is_list(v->type) || (v->type == PT_DATA && v->is_list)) {
		*out = v->items;
		return v->n;
	}
	const char **one = arena_alloc(a, sizeof(*one));
	switch (v->type) {
	case PT_BOOL:
		one[0] = v->b ? "true" : "false";
		break;
	case PT_INT:
		one[0] = arena_printf(a, "%lld", (long long)v->i);
		break;
	case PT_PRINCIPAL:
		return 0;
	default:
		one[0] = v->s;
		break;
	}
	*out = one;
	return 1;
}

void param_describe_type(const struct param_decl *p, struct strbuf *out)
{
	switch (p->type) {
	case PT_ENUM:
		strbuf_addstr(out, "enum (");
		for (size_t i = 0; i < p->n_values; i++)
			strbuf_addf(out, "%s%s", i ? " | " : "", p->values[i]);
		strbuf_addch(out, ')');
		return;
	case PT_RIGHTS:
		if (p->has_vocab) {
			static const char *const vocab[] = {
				[VOCAB_GENERIC] = "generic", [VOCAB_FILE] = "file", [VOCAB_REGISTRY] = "registry",
				[VOCAB_COM_LAUNCH] = "com-launch", [VOCAB_COM_ACCESS] = "com-access", [VOCAB_WMI] = "wmi",
			};
			strbuf_addf(out, "rights (%s)", vocab[p->vocab]);
		} else {
			strbuf_addstr(out, "rights");
		}
		return;
	case PT_INT:
		strbuf_addf(out, "int (%lld-%lld)", (long long)p->min, (long long)p->max);
		return;
	default:
		strbuf_addstr(out, param_type_name(p->type));
		return;
	}
}

void param_describe_default(const struct param_decl *p, struct strbuf *out)
{
	if (p->required) {
		strbuf_addstr(out, "(required)");
		return;
	}
	if (p->grantee_default) {
		strbuf_addstr(out, "(the grant's principal)");
		return;
	}
	if (!p->has_default) {
		strbuf_addstr(out, "(none)");
		return;
	}
	const struct pval *v = &p->def;
	if (param_type_is_list(v->type)) {
		strbuf_addch(out, '[');
		for (size_t i = 0; i < v->n; i++)
			strbuf_addf(out, "%s%s", i ? ", " : "", v->items[i]);
		strbuf_addch(out, ']');
		return;
	}
	switch (v->type) {
	case PT_BOOL:
		strbuf_addstr(out, v->b ? "true" : "false");
		return;
	case PT_INT:
		strbuf_addf(out, "%lld", (long long)v->i);
		return;
	case PT_STRING:
		strbuf_addf(out, "'%s'", v->s);
		return;
	default:
		strbuf_addstr(out, v->s ? v->s : "");
		return;
	}
}
