// principal.c: who an effect is for.
//
// Grants name principals by their key under `principals:`; templates name them by
// SID (`S-1-5-32-562`), by SDDL alias (`CD`) or by name only
// (`{name: CERTSVC_DCOM_ACCESS}`, for groups without a well-known SID). Whatever
// the spelling, one identity must end up as one object, or merging and
// contradiction checks would compare spellings instead of principals. So every
// principal passes through principal_canonical(): the identity is the SID when
// there is one, else the name (case-insensitive, as Windows compares account
// names). When an intent declares two keys for one identity, the smallest key
// stands for both (a rule that does not depend on the order of the file); an
// identity the intent does not declare gets one synthetic principal, named by
// sid_wellknown_name().
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/internal.h"
#include "sd/sid.h"

// The map key of a SID: "S" then the authority and sub-authorities in hex, each
// after a '-'. Not the text form (no printf on this hot path), but as unique.
static const char *sid_key(struct arena *a, const struct sid *sid)
{
	char buf[2 + 13 + SID_MAX_SUB_AUTHORITIES * 9 + 1], *p = buf;
	static const char hex[] = "0123456789abcdef";
	*p++ = 'S';
	uint64_t parts[1 + SID_MAX_SUB_AUTHORITIES];
	parts[0] = sid->authority;
	for (size_t i = 0; i < sid->sub_count; i++)
		parts[1 + i] = sid->sub[i];
	for (size_t i = 0; i <= sid->sub_count; i++) {
		*p++ = '-';
		char digits[16];
		size_t n = 0;
		uint64_t v = parts[i];
		do {
			digits[n++] = hex[v & 15];
			v >>= 4;
		} while (v);
		while (n)
			*p++ = digits[--n];
	}
	return arena_strndup(a, buf, (size_t)(p - buf));
}

static const char *name_key(struct arena *a, const char *name)
{
	char *k = arena_concat(a, "n:", name, "");
	for (char *p = k; *p; p++)
		*p = (char)ascii_tolower((unsigned char)*p);
	return k;
}

// Which of two declarations of one identity speaks for it.
static bool better(const struct principal *p, const struct principal *cur)
{
	if (p->has_sid != cur->has_sid)
		return p->has_sid;
	if (!p->key || !cur->key)
		return p->key != NULL;
	return strcmp(p->key, cur->key) < 0;
}

static void enroll(struct expand *x, const char *key, const struct principal *p)
{
	void **slot = strmap_put(&x->principals, key);
	if (!*slot || better(p, *slot))
		*slot = (void *)(uintptr_t)p;
}

static const struct principal *lookup_canonical(struct expand *x, const struct principal *p);

void principals_init(struct expand *x)
{
	for (size_t i = 0; i < x->in->n_principals; i++) {
		const struct principal *p = &x->in->principals[i];
		// By key too: intent_principal() scans, and a grant may name many.
		if (p->key)
			*strmap_put(&x->keys, p->key) = (void *)(uintptr_t)p;
		if (p->has_sid)
			enroll(x, sid_key(x->a, &p->sid), p);
		if (p->name)
			enroll(x, name_key(x->a, p->name), p);
	}
	x->canon = arena_array(x->a, x->in->n_principals ? x->in->n_principals : 1, sizeof(*x->canon));
	for (size_t i = 0; i < x->in->n_principals; i++)
		x->canon[i] = lookup_canonical(x, &x->in->principals[i]);
}

static const struct principal *synthetic(struct expand *x, const char *name, const struct sid *sid,
					 struct src_pos pos)
{
	const char *key = sid ? sid_key(x->a, sid) : name_key(x->a, name);
	void **slot = strmap_put(&x->principals, key);
	if (*slot)
		return *slot;
	struct principal *np = arena_alloc(x->a, sizeof(*np));
	np->pos = pos;
	if (sid) {
		np->has_sid = true;
		np->sid = *sid;
		const char *known = sid_wellknown_name(sid, &x->in->sids);
		np->name = name ? arena_strdup(x->a, name) : known ? arena_strdup(x->a, known) : NULL;
	} else {
		np->name = arena_strdup(x->a, name);
	}
	*slot = np;
	// A SID-holding principal also answers to its name.
	if (sid && name)
		enroll(x, name_key(x->a, name), np);
	return np;
}

static const struct principal *lookup_canonical(struct expand *x, const struct principal *p)
{
	const struct principal *c = NULL;
	if (p->has_sid)
		c = strmap_get(&x->principals, sid_key(x->a, &p->sid));
	else if (p->name)
		c = strmap_get(&x->principals, name_key(x->a, p->name));
	return c ? c : p;
}

const struct principal *principal_canonical(struct expand *x, const struct principal *p)
{
	// The intent's own principals are asked for once per grant: answer from a table.
	const struct principal *base = x->in->principals;
	if (base && p >= base && p < base + x->in->n_principals)
		return x->canon[p - base];
	return lookup_canonical(x, p);
}

static bool alias_error(struct expand *x, const char *text, enum alias_result r, struct src_pos pos)
{
	switch (r) {
	case ALIAS_NEEDS_DOMAIN:
		diag_error(x->d, pos, "alias '%s' needs the domain SID; add 'sid:' under 'domain:'", text);
		return false;
	case ALIAS_NEEDS_FOREST:
		diag_error(x->d, pos, "alias '%s' needs the forest root domain SID; add 'forest-sid:' (or 'sid:') under 'domain:'",
			   text);
		return false;
	case ALIAS_NEEDS_MACHINE:
		diag_error(x->d, pos, "alias '%s' needs the machine's account domain SID; add 'machine-sid:' under 'domain:'",
			   text);
		return false;
	case ALIAS_REFUSED:
		diag_error(x->d, pos, "alias '%s' is refused by Windows; write the SID instead", text);
		return false;
	default:
		BUG("alias_error %d", (int)r);
	}
}

static bool looks_like_alias(const char *s)
{
	return strlen(s) == 2 && ascii_isalpha((unsigned char)s[0]) && ascii_isalpha((unsigned char)s[1]);
}

static bool resolve_mapping(struct expand *x, const struct ynode *n, const struct principal **out)
{
	const char *name = NULL;
	struct sid sid;
	bool has_sid = false, ok = true;
	for (size_t i = 0; i < n->n_entries; i++) {
		const struct ynode *k = n->entries[i].key, *v = n->entries[i].value;
		if (strcmp(k->str, "name") && strcmp(k->str, "sid")) {
			diag_error(x->d, k->pos, "unknown key '%s' in a principal; accepted: name, sid",
				   quote_text(x->a, k->str));
			ok = false;
			continue;
		}
		if (v->kind != YNODE_SCALAR || !v->len) {
			diag_error(x->d, v->pos, "'%s' of a principal must be a non-empty string", k->str);
			ok = false;
			continue;
		}
		if (!strcmp(k->str, "name")) {
			name = v->str;
			continue;
		}
		const char *err;
		if (!sid_parse(v->str, v->len, &sid, &err)) {
			diag_error(x->d, v->pos, "invalid SID '%s': %s", quote_text(x->a, v->str), err);
			ok = false;
			continue;
		}
		has_sid = true;
	}
	if (!ok)
		return false;
	if (!name && !has_sid) {
		diag_error(x->d, n->pos, "a principal needs 'name:', 'sid:' or both");
		return false;
	}
	*out = synthetic(x, name, has_sid ? &sid : NULL, n->pos);
	return true;
}

static bool resolve(void *ctx, const struct ynode *n, const char *text, struct src_pos pos, bool intent_text,
		    const struct principal **out)
{
	struct expand *x = ctx;
	if (n && n->kind == YNODE_MAPPING)
		return resolve_mapping(x, n, out);
	if (intent_text) {
		const struct principal *p = strmap_get(&x->keys, text);
		if (p) {
			*out = principal_canonical(x, p);
			return true;
		}
	}
	if ((text[0] == 'S' || text[0] == 's') && text[1] == '-') {
		struct sid sid;
		const char *err;
		if (!sid_parse(text, strlen(text), &sid, &err)) {
			diag_error(x->d, pos, "invalid SID '%s': %s", quote_text(x->a, text), err);
			return false;
		}
		*out = synthetic(x, NULL, &sid, pos);
		return true;
	}
	if (looks_like_alias(text)) {
		struct sid sid;
		enum alias_result r = sid_from_alias(text, &x->in->sids, &sid);
		if (r == ALIAS_OK) {
			*out = synthetic(x, NULL, &sid, pos);
			return true;
		}
		if (r != ALIAS_UNKNOWN)
			return alias_error(x, text, r, pos);
	}
	if (!intent_text) {
		diag_error(x->d, pos, "'%s' is not a SID or an SDDL alias", quote_text(x->a, text));
		return false;
	}
	const char **keys = xmalloc((x->in->n_principals + 1) * sizeof(*keys));
	size_t nk = 0;
	for (size_t i = 0; i < x->in->n_principals; i++)
		if (x->in->principals[i].key)
			keys[nk++] = x->in->principals[i].key;
	const char *guess = closest_word(text, keys, nk);
	if (guess)
		diag_error(x->d, pos, "unknown principal '%s'; did you mean '%s'?", quote_text(x->a, text), guess);
	else
		diag_error(x->d, pos,
			   "unknown principal '%s'; give a key of 'principals:', a SID (S-1-...) or an SDDL alias (BA, AU, ...)",
			   quote_text(x->a, text));
	free(keys);
	return false;
}

const struct principal_resolver *expand_resolver(struct expand *x, struct principal_resolver *buf)
{
	buf->resolve = resolve;
	buf->ctx = x;
	return buf;
}

bool principal_literal_check(struct diag *d, struct arena *a, const struct ynode *n)
{
	if (n->kind == YNODE_SEQUENCE) {
		diag_error(d, n->pos, "a principal must be one value, not a list");
		return false;
	}
	if (n->kind == YNODE_MAPPING) {
		bool ok = true, any = false;
		for (size_t i = 0; i < n->n_entries; i++) {
			const struct ynode *k = n->entries[i].key, *v = n->entries[i].value;
			if (strcmp(k->str, "name") && strcmp(k->str, "sid")) {
				diag_error(d, k->pos, "unknown key '%s' in a principal; accepted: name, sid",
					   quote_text(a, k->str));
				ok = false;
				continue;
			}
			any = true;
			if (v->kind != YNODE_SCALAR || !v->len) {
				diag_error(d, v->pos, "'%s' of a principal must be a non-empty string", k->str);
				ok = false;
				continue;
			}
			struct sid sid;
			const char *err;
			if (!strcmp(k->str, "sid") && !sid_parse(v->str, v->len, &sid, &err)) {
				diag_error(d, v->pos, "invalid SID '%s': %s", quote_text(a, v->str), err);
				ok = false;
			}
		}
		if (ok && !any) {
			diag_error(d, n->pos, "a principal needs 'name:', 'sid:' or both");
			ok = false;
		}
		return ok;
	}
	struct sid sid;
	const char *err;
	if ((n->str[0] == 'S' || n->str[0] == 's') && n->str[1] == '-') {
		if (sid_parse(n->str, n->len, &sid, &err))
			return true;
		diag_error(d, n->pos, "invalid SID '%s': %s", quote_text(a, n->str), err);
		return false;
	}
	if (looks_like_alias(n->str)) {
		struct sid_context none = { 0 };
		enum alias_result r = sid_from_alias(n->str, &none, &sid);
		if (r != ALIAS_UNKNOWN && r != ALIAS_REFUSED)
			return true;
	}
	diag_error(d, n->pos, "'%s' is not a SID, an SDDL alias or {name:, sid:}", quote_text(a, n->str));
	return false;
}

int principal_cmp(const struct principal *a, const struct principal *b)
{
	if (a == b)
		return 0;
	if (a->has_sid != b->has_sid)
		return a->has_sid ? -1 : 1;
	if (a->has_sid)
		return sid_compare(&a->sid, &b->sid);
	const char *na = a->name ? a->name : "", *nb = b->name ? b->name : "";
	int c = ascii_strcasecmp(na, nb);
	return c ? c : strcmp(na, nb);
}

bool principal_is_sid(const struct principal *p, uint64_t authority, size_t n, const uint32_t *sub)
{
	if (!p->has_sid || p->sid.authority != authority || p->sid.sub_count != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p->sid.sub[i] != sub[i])
			return false;
	return true;
}

bool principal_is_everyone_or_anonymous(const struct principal *p)
{
	static const uint32_t zero[] = { 0 }, seven[] = { 7 };
	return principal_is_sid(p, 1, 1, zero) || principal_is_sid(p, 5, 1, seven);
}

const char *principal_label(struct arena *a, const struct principal *p)
{
	// The key as the intent wrote it, and what it stands for: a well-known
	// name says more than a key ("'everyone' (Everyone, S-1-1-0)").
	struct strbuf sb = STRBUF_INIT;
	struct sid_context none = { 0 };
	const char *known = p->has_sid ? sid_wellknown_name(&p->sid, &none) : NULL;
	if (p->key)
		strbuf_addf(&sb, "'%s'", p->key);
	else if (p->name)
		strbuf_addf(&sb, p->has_sid ? "%s" : "'%s'", p->name);
	if (p->has_sid) {
		if (sb.len)
			strbuf_addstr(&sb, " (");
		if (p->key && known)
			strbuf_addf(&sb, "%s, ", known);
		sid_format(&p->sid, &sb);
		if (p->key || p->name)
			strbuf_addch(&sb, ')');
	}
	const char *r = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return r;
}
