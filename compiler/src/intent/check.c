// check.c: from a loaded ynode tree to the typed intent of intent.h.
//
// The grammar of the language (docs/intent.md) is written as one function per
// production, each with its rule in a comment above it, in this notation:
//
//   { a, b? }      a mapping with required key a and optional key b
//   [ x ]          a list of x
//   string         any scalar, kept exactly as written (`ticket: 1234` is "1234")
//
// Conventions every function here follows:
//
//  - Keep going. A problem is reported and checking continues with the next
//    key, grant or principal, so one run shows every error of the file. A value
//    of the wrong type is reported once and then treated as absent.
//  - Report at the node that is wrong: the key for unknown or misspelt keys, the
//    value for bad values, the enclosing mapping for missing keys.
//  - Messages name the subject in quotes and say what would be accepted; user text
//    goes through quote() so that a 60 KiB string does not become a 60 KiB message.
//  - A null value (`key:`, `key: ~`) of an optional key means the key is absent;
//    of a required key, it is an error.
//  - Cross-references (`to:` naming a principal) are resolved after all principals
//    are known, wherever they appear in the file; the diagnostics are sorted by
//    position at the end, so the order of the checks does not show.
#include "intent/intent.h"

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

// Candidates beyond this many make "did you mean" too slow to be worth it.
enum { SUGGEST_MAX = 1000, QUOTE_MAX = 60 };

static const char *const target_names[] = {
	"model", "sddl", "netsh", "reg", "ps1", "gpo", "admx", "plan",
};

const char *const intent_grant_keys[INTENT_N_GRANT_KEYS] = {
	"to", "allow", "accept-risk", "note", "suppress",
};

unsigned target_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(target_names); i++)
		if (!strcmp(name, target_names[i]))
			return 1u << i;
	return 0;
}

const char *target_name(unsigned one_target)
{
	for (size_t i = 0; i < ARRAY_SIZE(target_names); i++)
		if (one_target == 1u << i)
			return target_names[i];
	return NULL;
}

bool targets_parse(const char *list, unsigned *out, struct strbuf *err)
{
	*out = 0;
	for (const char *p = list;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char *name = xstrndup(p, n);
		unsigned t = !strcmp(name, "all") ? TARGET_ALL : target_from_name(name);
		if (!t)
			strbuf_addf(err, "unknown target '%s'; use model, sddl, netsh, reg, ps1, gpo, admx, plan "
					 "or all, separated by commas",
				    name);
		free(name);
		if (!t)
			return false;
		*out |= t;
		if (!comma)
			return true;
		p = comma + 1;
	}
}

bool intent_is_grant_key(const char *key)
{
	for (size_t i = 0; i < INTENT_N_GRANT_KEYS; i++)
		if (!strcmp(key, intent_grant_keys[i]))
			return true;
	return false;
}

const struct principal *intent_principal(const struct intent *in, const char *key)
{
	for (size_t i = 0; i < in->n_principals; i++)
		if (in->principals[i].key && !strcmp(in->principals[i].key, key))
			return &in->principals[i];
	return NULL;
}

struct checker {
	const struct src_file *f;
	struct arena *a;
	struct diag *d;
	struct intent *in;
	const struct ynode *root;
	struct strbuf q1, q2; // two quote() buffers, for messages quoting two texts
	const struct principal **by_key; // principals sorted by key, for `to:`
};

// ---------------------------------------------------------------------------
// Helpers

static const char *quote(struct strbuf *sb, const char *s, size_t len)
{
	strbuf_reset(sb);
	if (len <= QUOTE_MAX) {
		strbuf_add(sb, s, len);
		return sb->buf;
	}
	size_t cut = QUOTE_MAX;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	strbuf_add(sb, s, cut);
	strbuf_addstr(sb, "...");
	return sb->buf;
}

static const char *q1(struct checker *ck, const struct ynode *n)
{
	return quote(&ck->q1, n->str, n->len);
}

// What a value is, for "must be X, not Y".
static const char *describe(const struct ynode *n)
{
	return ynode_is_null(n) ? "empty" : ynode_kind_name(n->kind);
}

static bool diag_full(const struct checker *ck)
{
	return ck->d->n >= DIAG_MAX_ENTRIES;
}

// Reports every key of `map` that is not in `allowed`, suggesting the closest one.
static void check_keys(struct checker *ck, const struct ynode *map, const char *const *allowed, size_t n,
		       const char *where)
{
	for (size_t i = 0; i < map->n_entries; i++) {
		const struct ynode *k = map->entries[i].key;
		bool known = false;
		for (size_t j = 0; j < n && !known; j++)
			known = !strcmp(k->str, allowed[j]);
		if (known)
			continue;
		const char *guess = diag_full(ck) ? NULL : closest_word(k->str, allowed, n);
		if (guess) {
			diag_error(ck->d, k->pos, "unknown key '%s' in %s; did you mean '%s'?", q1(ck, k), where,
				   guess);
			continue;
		}
		struct strbuf list = STRBUF_INIT;
		for (size_t j = 0; j < n; j++)
			strbuf_addf(&list, "%s'%s'", j == 0 ? "" : j + 1 == n ? " or " : ", ", allowed[j]);
		diag_error(ck->d, k->pos, "unknown key '%s' in %s; expected %s", q1(ck, k), where, list.buf);
		strbuf_release(&list);
	}
}

// The value of `key` in `map` if it is present and not null.
static const struct ynode *get(const struct ynode *map, const char *key)
{
	const struct ynode *v = ynode_get(map, key);
	return v && !ynode_is_null(v) ? v : NULL;
}

// Reports a required key that is absent or null.
static const struct ynode *require(struct checker *ck, const struct ynode *map, const char *key,
				   const char *where, const char *what)
{
	const struct ynode *v = ynode_get(map, key);
	// The top-level mapping starts at its first key, which is not what is wrong.
	struct src_pos at = map == ck->root ? src_pos_make(ck->f, 0, 0) : map->pos;
	if (!v)
		diag_error(ck->d, at, "%s has no '%s'; add '%s:' with %s", where, key, key, what);
	else if (ynode_is_null(v))
		diag_error(ck->d, v->pos, "'%s' is empty; write %s", key, what);
	else
		return v;
	return NULL;
}

static bool want_kind(struct checker *ck, const struct ynode *v, enum ynode_kind kind, const char *key)
{
	if (v->kind == kind)
		return true;
	diag_error(ck->d, v->pos, "wrong type: '%s' must be %s, not %s", key, ynode_kind_name(kind),
		   describe(v));
	return false;
}

// A string field: any scalar, kept as written. NULL when absent, null or mistyped.
static const char *string_value(struct checker *ck, const struct ynode *v, const char *key)
{
	if (!v || !want_kind(ck, v, YNODE_SCALAR, key))
		return NULL;
	return v->str;
}

// A string field that, when given, must hold some text.
static const char *nonempty_value(struct checker *ck, const struct ynode *v, const char *key,
				  const char *what)
{
	if (v->kind == YNODE_SCALAR && (v->len == 0 || ynode_is_null(v))) {
		diag_error(ck->d, v->pos, "'%s' is empty; write %s", key, what);
		return NULL;
	}
	return string_value(ck, v, key);
}

static bool has_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

// ---------------------------------------------------------------------------
// gpoc: 1

// version := the plain integer 1
static void check_version(struct checker *ck, const struct ynode *root, bool *supported)
{
	*supported = true;
	const struct ynode *v = require(ck, root, "gpoc", "the top level", "the format version, 'gpoc: 1'");
	if (!v) {
		ck->in->version = INTENT_FORMAT_VERSION;
		return;
	}
	if (!want_kind(ck, v, YNODE_SCALAR, "gpoc"))
		return;
	bool digits = v->len > 0;
	for (size_t i = 0; i < v->len; i++)
		digits = digits && ascii_isdigit(v->str[i]);
	if (!digits || !v->plain) {
		diag_error(ck->d, v->pos, "wrong type: 'gpoc' must be the integer 1, not '%s'%s", q1(ck, v),
			   v->plain ? "" : " in quotes");
		return;
	}
	if (strcmp(v->str, "1")) {
		diag_error(ck->d, v->pos, "unsupported format version '%s'; this gpoc reads version 1",
			   q1(ck, v));
		*supported = false;
		return;
	}
	ck->in->version = INTENT_FORMAT_VERSION;
}

// ---------------------------------------------------------------------------
// policy:

// Device names that Windows refuses as file names, with any extension.
static bool is_dos_device(const char *name)
{
	static const char *const devices[] = { "CON", "PRN", "AUX", "NUL" };
	size_t stem = strcspn(name, ".");
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if (stem == 3 && !ascii_strncasecmp(name, devices[i], 3))
			return true;
	return stem == 4 && (!ascii_strncasecmp(name, "COM", 3) || !ascii_strncasecmp(name, "LPT", 3)) &&
	       name[3] >= '1' && name[3] <= '9';
}

// policy-name := [A-Za-z0-9][A-Za-z0-9._-]{0,63}, not a Windows device name, no final '.'
static void check_policy_name(struct checker *ck, const struct ynode *v)
{
	static const char rule[] = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter "
				   "or digit";
	bool ok = v->len >= 1 && v->len <= 64 && (ascii_isalpha(v->str[0]) || ascii_isdigit(v->str[0]));
	for (size_t i = 0; ok && i < v->len; i++) {
		char c = v->str[i];
		ok = ascii_isalpha(c) || ascii_isdigit(c) || c == '.' || c == '_' || c == '-';
	}
	if (!ok) {
		diag_error(ck->d, v->pos, "invalid policy name '%s'; use %s", q1(ck, v), rule);
		return;
	}
	// The name becomes file and folder names on Windows.
	if (is_dos_device(v->str))
		diag_error(ck->d, v->pos, "invalid policy name '%s'; Windows reserves it for a device, so it "
			   "cannot name a file", q1(ck, v));
	else if (v->str[v->len - 1] == '.')
		diag_error(ck->d, v->pos, "invalid policy name '%s'; it cannot end with '.', which Windows "
			   "drops from file names", q1(ck, v));
	else
		ck->in->policy.name = v->str;
}

// policy := { name, description?, owner?, ticket? }
static void check_policy(struct checker *ck, const struct ynode *root)
{
	static const char *const keys[] = { "name", "description", "owner", "ticket" };
	const struct ynode *p = require(ck, root, "policy", "the top level", "a mapping holding at least 'name'");
	if (!p || !want_kind(ck, p, YNODE_MAPPING, "policy"))
		return;
	ck->in->policy.pos = p->pos;
	check_keys(ck, p, keys, ARRAY_SIZE(keys), "'policy'");
	const struct ynode *name = require(ck, p, "name", "'policy'", "the policy's name, such as 'monitoring-wmi'");
	if (name && want_kind(ck, name, YNODE_SCALAR, "name"))
		check_policy_name(ck, name);
	ck->in->policy.description = string_value(ck, get(p, "description"), "description");
	ck->in->policy.owner = string_value(ck, get(p, "owner"), "owner");
	ck->in->policy.ticket = string_value(ck, get(p, "ticket"), "ticket");
}

// ---------------------------------------------------------------------------
// domain:

// netbios := 1 to 15 characters, none of \ / : * ? " < > | or control characters,
//            not starting with '.'
static void check_netbios(struct checker *ck, const struct ynode *v)
{
	size_t bad = strcspn(v->str, "\\/:*?\"<>|");
	if (v->len == 0 || v->len > 15 || bad < v->len || has_control(v->str, v->len) || v->str[0] == '.')
		diag_error(ck->d, v->pos, "invalid NetBIOS domain name '%s'; use 1 to 15 characters, none of "
			   "\\ / : * ? \" < > |, not starting with '.'", q1(ck, v));
	else
		ck->in->netbios = v->str;
}

// A SID value; false (after an error) if it does not parse.
static bool parse_sid_value(struct checker *ck, const struct ynode *v, const char *key, struct sid *out)
{
	if (!want_kind(ck, v, YNODE_SCALAR, key))
		return false;
	const char *err;
	if (!sid_parse(v->str, v->len, out, &err)) {
		diag_error(ck->d, v->pos, "invalid SID '%s'; %s", q1(ck, v), err);
		return false;
	}
	return true;
}

// A domain's SID gets a RID appended by the aliases that use it.
static bool parse_domain_sid(struct checker *ck, const struct ynode *map, const char *key, struct sid *out)
{
	const struct ynode *v = get(map, key);
	if (!v || !parse_sid_value(ck, v, key, out))
		return false;
	if (out->sub_count >= SID_MAX_SUB_AUTHORITIES) {
		diag_error(ck->d, v->pos, "'%s' has %d sub-authorities and leaves no room for a RID; a domain SID "
			   "has at most %d", key, SID_MAX_SUB_AUTHORITIES, SID_MAX_SUB_AUTHORITIES - 1);
		return false;
	}
	return true;
}

// domain := { netbios?, sid?, forest-sid?, machine-sid? }
static void check_domain(struct checker *ck, const struct ynode *root)
{
	static const char *const keys[] = { "netbios", "sid", "forest-sid", "machine-sid" };
	const struct ynode *dom = get(root, "domain");
	if (!dom || !want_kind(ck, dom, YNODE_MAPPING, "domain"))
		return;
	check_keys(ck, dom, keys, ARRAY_SIZE(keys), "'domain'");
	const struct ynode *nb = get(dom, "netbios");
	if (nb && want_kind(ck, nb, YNODE_SCALAR, "netbios"))
		check_netbios(ck, nb);
	struct sid_context *c = &ck->in->sids;
	// Forest and machine fall back to the domain inside sid_from_alias.
	c->has_domain = parse_domain_sid(ck, dom, "sid", &c->domain);
	c->has_forest = parse_domain_sid(ck, dom, "forest-sid", &c->forest);
	c->has_machine = parse_domain_sid(ck, dom, "machine-sid", &c->machine);
}

// ---------------------------------------------------------------------------
// principals:

// account := [DOMAIN '\'] NAME, each part 1 to 256 characters without control
//            characters or any of " / \ [ ] : ; | = , + * ? < > (Windows refuses
//            them in user and group names)
static bool check_account_name(struct checker *ck, const struct ynode *v)
{
	static const char forbidden[] = "\"/[]:;|=,+*?<>";
	const char *s = v->str, *end = s + v->len;
	const char *slash = memchr(s, '\\', v->len);
	const char *acct = slash ? slash + 1 : s;
	const char *problem = NULL;
	if (slash && memchr(acct, '\\', (size_t)(end - acct)))
		problem = "it has more than one '\\'";
	else if (slash && slash == s)
		problem = "the domain before '\\' is empty";
	else if (acct == end)
		problem = "the account name is empty";
	else if (has_control(s, v->len))
		problem = "it contains a control character";
	else if ((slash && slash - s > 256) || end - acct > 256)
		problem = "a part is longer than 256 characters";
	if (problem) {
		diag_error(ck->d, v->pos, "invalid account name '%s'; %s; write DOMAIN\\name or name",
			   q1(ck, v), problem);
		return false;
	}
	size_t bad = strcspn(s, forbidden);
	if (bad < v->len) {
		diag_error(ck->d, v->pos, "invalid account name '%s'; Windows does not allow '%c' in user or "
			   "group names", q1(ck, v), s[bad]);
		return false;
	}
	return true;
}

static void resolve_alias(struct checker *ck, struct principal *pr, const struct ynode *v)
{
	if (!want_kind(ck, v, YNODE_SCALAR, "alias"))
		return;
	pr->alias = v->str;
	switch (sid_from_alias(v->str, &ck->in->sids, &pr->sid)) {
	case ALIAS_OK:
		pr->has_sid = true;
		return;
	case ALIAS_UNKNOWN:
		diag_error(ck->d, v->pos, "unknown SID alias '%s'; use a two-letter SDDL alias such as 'BA' "
			   "or 'DU', or give 'sid:'", q1(ck, v));
		return;
	case ALIAS_NEEDS_DOMAIN:
		diag_error(ck->d, v->pos, "alias '%s' is relative to the domain; add the domain's SID as "
			   "'sid:' under 'domain:'", q1(ck, v));
		return;
	case ALIAS_NEEDS_FOREST:
		diag_error(ck->d, v->pos, "alias '%s' is relative to the forest root domain; add 'forest-sid:' "
			   "(or 'sid:') under 'domain:'", q1(ck, v));
		return;
	case ALIAS_NEEDS_MACHINE:
		diag_error(ck->d, v->pos, "alias '%s' is relative to the machine's account domain; add "
			   "'machine-sid:' (or 'sid:') under 'domain:'", q1(ck, v));
		return;
	case ALIAS_REFUSED:
		diag_error(ck->d, v->pos, "alias '%s' is refused by Windows; give the SID with 'sid:' instead",
			   q1(ck, v));
		return;
	}
}

// principal := { name?, sid?, alias? }, at least one; sid and alias exclusive
static void check_principal(struct checker *ck, const struct ymap_entry *e, struct principal *pr)
{
	static const char *const keys[] = { "name", "sid", "alias" };
	const struct ynode *k = e->key, *v = e->value;
	pr->key = k->str;
	pr->pos = k->pos;
	if (k->len == 0)
		diag_error(ck->d, k->pos, "principal key is empty; grants refer to principals by key, so "
			   "give it a name such as 'monitoring'");
	if (v->kind != YNODE_MAPPING) {
		diag_error(ck->d, v->pos, "wrong type: principal '%s' must be a mapping with 'name', 'sid' or "
			   "'alias', not %s", q1(ck, k), describe(v));
		return;
	}
	struct strbuf where = STRBUF_INIT;
	strbuf_addf(&where, "principal '%s'", q1(ck, k));
	check_keys(ck, v, keys, ARRAY_SIZE(keys), where.buf);
	strbuf_release(&where);
	const struct ynode *name = get(v, "name"), *sid = get(v, "sid"), *alias = get(v, "alias");
	if (!name && !sid && !alias) {
		diag_error(ck->d, v->pos, "principal '%s' has no 'name', 'sid' or 'alias'; give at least one",
			   q1(ck, k));
		return;
	}
	if (sid && alias) {
		diag_error(ck->d, alias->pos, "principal '%s' has both 'sid' and 'alias'; keep one of them",
			   q1(ck, k));
		diag_note(ck->d, sid->pos, "'sid' is given here");
		return;
	}
	if (name && want_kind(ck, name, YNODE_SCALAR, "name") && check_account_name(ck, name))
		pr->name = name->str;
	if (sid)
		pr->has_sid = parse_sid_value(ck, sid, "sid", &pr->sid);
	if (alias)
		resolve_alias(ck, pr, alias);
}

static int cmp_principal_key(const void *pa, const void *pb)
{
	const struct principal *a = *(const struct principal *const *)pa;
	const struct principal *b = *(const struct principal *const *)pb;
	return strcmp(a->key, b->key);
}

// principals := { KEY: principal, ... }
static void check_principals(struct checker *ck, const struct ynode *root)
{
	const struct ynode *ps = get(root, "principals");
	if (!ps || !want_kind(ck, ps, YNODE_MAPPING, "principals"))
		return;
	struct intent *in = ck->in;
	in->n_principals = ps->n_entries;
	in->principals = arena_array(ck->a, ps->n_entries, sizeof(*in->principals));
	ck->by_key = arena_array(ck->a, ps->n_entries, sizeof(*ck->by_key));
	for (size_t i = 0; i < ps->n_entries; i++) {
		check_principal(ck, &ps->entries[i], &in->principals[i]);
		ck->by_key[i] = &in->principals[i];
	}
	// Keys are unique (the loader drops repeats), so bsearch finds the one.
	qsort(ck->by_key, in->n_principals, sizeof(*ck->by_key), cmp_principal_key);
}

static const struct principal *find_principal(const struct checker *ck, const char *key)
{
	if (!ck->in->n_principals)
		return NULL;
	struct principal probe = { .key = key };
	const struct principal *pp = &probe;
	const struct principal **hit = bsearch(&pp, ck->by_key, ck->in->n_principals, sizeof(*ck->by_key),
					       cmp_principal_key);
	return hit ? *hit : NULL;
}

// ---------------------------------------------------------------------------
// baselines:

// baselines := { NAME: string, ... }   (the model parses the SDDL)
static void check_baselines(struct checker *ck, const struct ynode *root)
{
	const struct ynode *bs = get(root, "baselines");
	if (!bs || !want_kind(ck, bs, YNODE_MAPPING, "baselines"))
		return;
	struct intent *in = ck->in;
	in->baselines = arena_array(ck->a, bs->n_entries, sizeof(*in->baselines));
	for (size_t i = 0; i < bs->n_entries; i++) {
		const struct ynode *k = bs->entries[i].key, *v = bs->entries[i].value;
		if (k->len == 0) {
			diag_error(ck->d, k->pos, "baseline name is empty; name the baseline to override, such "
				   "as 'machine-launch-restriction'");
			continue;
		}
		if (v->kind != YNODE_SCALAR || ynode_is_null(v) || v->len == 0) {
			diag_error(ck->d, v->pos, "wrong type: baseline '%s' must be an SDDL string, not %s",
				   q1(ck, k), v->kind == YNODE_SCALAR ? "empty" : describe(v));
			continue;
		}
		struct baseline_override *b = &in->baselines[in->n_baselines++];
		b->name = k->str;
		b->sddl = v->str;
		b->pos = v->pos;
	}
}

// ---------------------------------------------------------------------------
// grants:

// suppression := { rule, reason }
static void check_suppression(struct checker *ck, const struct ynode *v, struct suppression *out, bool *ok)
{
	static const char *const keys[] = { "rule", "reason" };
	*ok = false;
	if (v->kind != YNODE_MAPPING) {
		diag_error(ck->d, v->pos, "wrong type: a suppression must be a mapping '{ rule: ID, reason: "
			   "text }', not %s", describe(v));
		return;
	}
	check_keys(ck, v, keys, ARRAY_SIZE(keys), "a suppression");
	const struct ynode *rule = require(ck, v, "rule", "a suppression", "the ID of the lint rule, such as 'GPOC-L003'");
	const struct ynode *reason = require(ck, v, "reason", "a suppression", "why the finding does not apply");
	out->pos = v->pos;
	if (rule)
		out->rule = nonempty_value(ck, rule, "rule", "the ID of the lint rule, such as 'GPOC-L003'");
	if (reason)
		out->reason = nonempty_value(ck, reason, "reason", "why the finding does not apply");
	*ok = out->rule && out->reason;
}

// suppress := [ suppression ]
static void check_suppress(struct checker *ck, const struct ynode *v, struct grant *g)
{
	if (!want_kind(ck, v, YNODE_SEQUENCE, "suppress"))
		return;
	g->suppress = arena_array(ck->a, v->n_items, sizeof(*g->suppress));
	for (size_t i = 0; i < v->n_items; i++) {
		bool ok;
		check_suppression(ck, v->items[i], &g->suppress[g->n_suppress], &ok);
		if (ok)
			g->n_suppress++;
	}
}

static void check_to(struct checker *ck, const struct ynode *v, struct grant *g)
{
	if (!want_kind(ck, v, YNODE_SCALAR, "to"))
		return;
	g->to_pos = v->pos;
	g->to = find_principal(ck, v->str);
	if (g->to)
		return;
	const struct intent *in = ck->in;
	if (!in->n_principals) {
		diag_error(ck->d, v->pos, "unknown principal '%s'; define it under 'principals:'", q1(ck, v));
		return;
	}
	const char *guess = NULL;
	if (in->n_principals <= SUGGEST_MAX && !diag_full(ck)) {
		const char **keys = xmalloc(in->n_principals * sizeof(*keys));
		for (size_t i = 0; i < in->n_principals; i++)
			keys[i] = in->principals[i].key;
		guess = closest_word(v->str, keys, in->n_principals);
		free(keys);
	}
	if (guess)
		diag_error(ck->d, v->pos, "unknown principal '%s'; did you mean '%s'?", q1(ck, v),
			   quote(&ck->q2, guess, strlen(guess)));
	else
		diag_error(ck->d, v->pos, "unknown principal '%s'; 'to:' names a key under 'principals:'",
			   q1(ck, v));
}

// grant := { to?, allow, accept-risk?, note?, suppress?, PARAMETER: any ... }
static void check_grant(struct checker *ck, const struct ynode *v, size_t index, struct grant *g)
{
	g->pos = v->pos;
	g->index = index;
	if (v->kind != YNODE_MAPPING) {
		diag_error(ck->d, v->pos, "wrong type: grant %zu must be a mapping with 'allow', not %s",
			   index + 1, describe(v));
		return;
	}
	g->node = v;
	struct strbuf where = STRBUF_INIT;
	strbuf_addf(&where, "grant %zu", index + 1);
	const struct ynode *allow = require(ck, v, "allow", where.buf, "the capability or primitive to grant, "
					    "such as 'remote-wmi'");
	if (allow) {
		g->allow_pos = allow->pos;
		g->allow = nonempty_value(ck, allow, "allow", "the capability or primitive to grant");
	}
	strbuf_release(&where);
	const struct ynode *to = get(v, "to");
	if (to)
		check_to(ck, to, g);
	const struct ynode *risk = ynode_get(v, "accept-risk");
	if (risk) {
		g->accept_risk_pos = risk->pos;
		g->accept_risk = nonempty_value(ck, risk, "accept-risk", "why the risk is acceptable");
	}
	g->note = string_value(ck, get(v, "note"), "note");
	const struct ynode *sup = get(v, "suppress");
	if (sup)
		check_suppress(ck, sup, g);
}

// grants := [ grant ], at least one
static void check_grants(struct checker *ck, const struct ynode *root)
{
	const struct ynode *gs = require(ck, root, "grants", "the top level",
					 "a list of grants, such as '- { to: monitoring, allow: remote-wmi }'");
	if (!gs || !want_kind(ck, gs, YNODE_SEQUENCE, "grants"))
		return;
	if (gs->n_items == 0) {
		diag_error(ck->d, gs->pos, "'grants' is empty; an intent grants at least one thing");
		return;
	}
	struct intent *in = ck->in;
	in->n_grants = gs->n_items;
	in->grants = arena_array(ck->a, gs->n_items, sizeof(*in->grants));
	for (size_t i = 0; i < gs->n_items; i++)
		check_grant(ck, gs->items[i], i, &in->grants[i]);
}

// ---------------------------------------------------------------------------
// outputs:

// outputs := [ model | sddl | netsh | reg | ps1 | gpo | admx | plan ], at least one,
//            each once; absent means all
static void check_outputs(struct checker *ck, const struct ynode *root)
{
	struct intent *in = ck->in;
	in->outputs = TARGET_ALL;
	const struct ynode *os = ynode_get(root, "outputs");
	if (!os)
		return;
	in->outputs_pos = os->pos;
	if (ynode_is_null(os) || (os->kind == YNODE_SEQUENCE && os->n_items == 0)) {
		diag_error(ck->d, os->pos, "'outputs' is empty; list the targets to build, or remove the key "
			   "to build them all");
		return;
	}
	if (!want_kind(ck, os, YNODE_SEQUENCE, "outputs"))
		return;
	unsigned seen = 0;
	const struct ynode *where[ARRAY_SIZE(target_names)] = { 0 };
	for (size_t i = 0; i < os->n_items; i++) {
		const struct ynode *t = os->items[i];
		if (t->kind != YNODE_SCALAR) {
			diag_error(ck->d, t->pos, "wrong type: each output must be a string, not %s",
				   describe(t));
			continue;
		}
		unsigned bit = target_from_name(t->str);
		if (!bit) {
			const char *guess = closest_word(t->str, target_names, ARRAY_SIZE(target_names));
			if (guess)
				diag_error(ck->d, t->pos, "unknown output '%s'; did you mean '%s'?", q1(ck, t), guess);
			else
				diag_error(ck->d, t->pos, "unknown output '%s'; expected model, sddl, netsh, reg, "
					   "ps1, gpo, admx or plan", q1(ck, t));
			continue;
		}
		size_t slot = 0;
		while ((1u << slot) != bit)
			slot++;
		if (seen & bit) {
			diag_error(ck->d, t->pos, "output '%s' is listed twice", q1(ck, t));
			diag_note(ck->d, where[slot]->pos, "'%s' is first listed here", q1(ck, t));
			continue;
		}
		seen |= bit;
		where[slot] = t;
	}
	in->outputs = seen ? seen : TARGET_ALL;
}

// ---------------------------------------------------------------------------
// The whole file

// intent := { gpoc, policy, domain?, principals?, baselines?, grants, outputs? }
static void check_intent(struct checker *ck, const struct ynode *root)
{
	static const char *const keys[] = { "gpoc", "policy", "domain", "principals",
					    "baselines", "grants", "outputs" };
	bool supported;
	check_version(ck, root, &supported);
	// A later format would be misread as this one: its other errors are noise.
	if (!supported)
		return;
	check_keys(ck, root, keys, ARRAY_SIZE(keys), "the top level");
	check_policy(ck, root);
	check_domain(ck, root);
	check_principals(ck, root);
	check_baselines(ck, root);
	check_grants(ck, root);
	check_outputs(ck, root);
}

bool intent_load(const struct src_file *f, struct arena *a, struct diag *d, struct intent *out)
{
	memset(out, 0, sizeof(*out));
	out->file = f;
	out->outputs = TARGET_ALL;
	size_t errors = d->errors, first = d->n;
	struct ynode *root;
	yaml_load(f, NULL, a, d, &root);
	if (root) {
		struct checker ck = { .f = f, .a = a, .d = d, .in = out, .root = root };
		strbuf_init(&ck.q1, 0);
		strbuf_init(&ck.q2, 0);
		check_intent(&ck, root);
		strbuf_release(&ck.q1);
		strbuf_release(&ck.q2);
	}
	yaml_sort_diagnostics(d, first);
	return d->errors == errors;
}
