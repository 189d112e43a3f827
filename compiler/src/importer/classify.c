// classify.c: what each setting in force becomes in the intent.
//
// A value's place decides its meaning, so the rules below go from the most
// specific place to the least:
//
//   ...\WindowsFirewall\FirewallRules\ID (REG_SZ rule string) -> firewall-rule
//     (also the local rule store under SharedAccess\Parameters\FirewallPolicy,
//     which holds the same strings)
//   SOFTWARE\Microsoft\Ole\Machine{Launch,Access}Restriction (REG_BINARY) and
//   SOFTWARE\Policies\Microsoft\Windows NT\DCOM\Machine...Restriction (REG_SZ SDDL)
//     -> the DCOM machine limit: a `baselines:` override holding the descriptor as
//     found (unless it is the stock baseline) and one dcom-limit grant per ACE that
//     the stock baseline lacks. The model compiles a machine limit as baseline +
//     grants, so this round-trips exactly, and the grants show a reviewer what the
//     deployment added to Windows' defaults.
//   SOFTWARE\Classes\AppID\{GUID}\{Launch,Access}Permission (REG_BINARY)
//     -> appid-permission grants, one per ACE; when the ACEs alone do not give the
//     descriptor back (another owner, a SACL, an order gpoc would not write), the
//     descriptor goes into a baseline override instead (verify.c tries both).
//   anything else below HKEY_LOCAL_MACHINE -> registry-value, when its type and
//     data are ones the primitive writes byte for byte.
//
// A value at one of the descriptor places that is not a valid descriptor of its
// kind is never passed on as raw bytes: it is listed as not imported. Raw
// REG_BINARY elsewhere is imported as it is, with a comment (and a warning) when it
// happens to hold a security descriptor gpoc has no primitive for.
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/utf.h"
#include "core/util.h"
#include "formats/pol.h"
#include "formats/registry.h"
#include "formats/text.h"
#include "importer/internal.h"
#include "intent/ynode.h"
#include "netsh/gpfas.h"

#define FW_POLICY_KEY "SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules"
#define FW_LOCAL_KEY                                                                                         \
	"SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules"
#define OLE_KEY "SOFTWARE\\Microsoft\\Ole"
#define DCOM_POLICY_KEY "SOFTWARE\\Policies\\Microsoft\\Windows NT\\DCOM"
#define APPID_PREFIX "SOFTWARE\\Classes\\AppID\\"

enum { RULE_ID_MAX = 48 }; // the firewall-rule primitive's `rule:` (model/primitive.c)

struct classify {
	struct imp *im;
	// Stock baselines of the two machine limits, read once.
	bool stock_read[2];
	bool has_stock[2];
	struct secdesc stock[2];
	// The gpoc policies found in rule names ("gpoc P: ..."), for the default policy.
	const char *gpoc_policy;
	bool policies_differ;
};

static const char *type_text(struct imp *im, uint32_t type)
{
	const char *n = reg_type_name(type);
	return n ? n : arena_printf(im->a, "type %" PRIu32, type);
}

static void skip(struct imp *im, const struct setting *s, const char *fmt, ...) GPOC_PRINTF(3, 4);
// Not imported: "'<path>' <why>" at the setting's place.
static void skip(struct imp *im, const struct setting *s, const char *fmt, ...)
{
	const char *path = imp_cut(im, setting_path(im, s->v.hive, s->v.key, s->v.name));
	struct strbuf why = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&why, fmt, ap);
	va_end(ap);
	imp_note(im, s->at, true, "'%s' %s", path, why.buf);
	strbuf_release(&why);
}

// --- Stock baselines ---

// templates/baselines/<name>.yaml's `sddl:`, parsed. False when there is none.
static bool read_stock(struct classify *c, const char *name, struct secdesc *out)
{
	const char *dir = c->im->o->templates_dir;
	if (!dir)
		return false;
	struct arena a = ARENA_INIT;
	struct diag d;
	diag_init(&d);
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	char *path = arena_printf(&a, "%s/baselines/%s.yaml", dir, name);
	bool ok = false;
	struct src_file f = {.name = path};
	struct ynode *root;
	if (read_file(path, &text, &err)) {
		f.text = text.buf;
		f.len = text.len;
		if (yaml_load(&f, NULL, &a, &d, &root) && root->kind == YNODE_MAPPING) {
			const struct ynode *s = ynode_get(root, "sddl");
			struct sddl_error se;
			if (s && s->kind == YNODE_SCALAR)
				ok = sddl_parse(s->str, s->len, NULL, out, &se);
		}
	}
	strbuf_release(&text);
	strbuf_release(&err);
	diag_release(&d);
	arena_release(&a);
	return ok;
}

static const struct secdesc *stock_of(struct classify *c, enum descriptor_kind k)
{
	int i = k == DESC_MACHINE_LAUNCH ? 0 : 1;
	if (!c->stock_read[i]) {
		c->stock_read[i] = true;
		c->has_stock[i] = read_stock(
		    c, i ? "machine-access-restriction" : "machine-launch-restriction", &c->stock[i]);
	}
	return c->has_stock[i] ? &c->stock[i] : NULL;
}

// --- Descriptors ---

static bool ace_in(const struct acl *acl, const struct ace *x)
{
	for (size_t i = 0; i < acl->count; i++) {
		const struct ace *y = &acl->aces[i];
		if (y->type == x->type && y->flags == x->flags && y->mask == x->mask &&
		    sid_equal(&y->sid, &x->sid))
			return true;
	}
	return false;
}

// Reads the descriptor of a limit or permission value into it->sd; false after a note.
static bool read_descriptor(struct imp *im, const struct setting *s, struct item *it, bool sddl_form)
{
	const struct reg_value *v = &s->v;
	enum rights_vocab vocab = dkind_vocab(it->dkind);
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	bool ok = false;
	if (sddl_form) {
		struct sddl_error se;
		if (v->type != REGT_SZ || !reg_data_as_string(v->data, v->size, &text)) {
			skip(im, s, "must be a REG_SZ holding one SDDL string, not %s%s",
			     type_text(im, v->type),
			     v->type == REGT_SZ ? " data that is not one string" : "");
		} else if (!sddl_parse(text.buf, text.len, im->o->sids, &it->sd, &se)) {
			skip(im, s, "is not valid SDDL: %s (at offset %zu)", se.message, se.offset);
		} else {
			ok = true;
		}
	} else if (v->type != REGT_BINARY) {
		skip(im, s, "must be a REG_BINARY security descriptor, not %s", type_text(im, v->type));
	} else if (!secdesc_decode(v->data, v->size, &it->sd, &err)) {
		skip(im, s, "is not a security descriptor: %s", err.buf);
	} else {
		ok = true;
	}
	if (ok && (!(it->sd.control & SE_DACL_PRESENT) || it->sd.dacl_null)) {
		skip(im, s, "has %s; gpoc writes descriptors with a DACL only",
		     it->sd.dacl_null ? "a NULL DACL (everyone may do everything)" : "no DACL");
		ok = false;
	}
	strbuf_reset(&err);
	if (ok && !rights_validate(vocab, &it->sd, &err)) {
		skip(im, s, "is not a valid %s descriptor: %s", rights_vocab_name(vocab), err.buf);
		ok = false;
	}
	if (ok) {
		it->has_sd = true;
		struct strbuf p = STRBUF_INIT;
		sddl_print(&it->sd, NULL, SDDL_PRINT_NUMERIC_RM, &p);
		it->sddl = arena_strdup(im->a, p.buf);
		// Both writers print or encode the descriptor canonically; say so when the
		// file spelled it another way (same descriptor, other bytes).
		if (sddl_form && strcmp(p.buf, text.buf))
			imp_note(im, s->at, false,
				 "'%s' is imported as the same descriptor written canonically: '%s'",
				 imp_cut(im, it->path), imp_cut(im, it->sddl));
		if (!sddl_form) {
			struct strbuf enc = STRBUF_INIT;
			secdesc_encode(&it->sd, &enc);
			if (enc.len != v->size || memcmp(enc.buf, v->data, enc.len))
				imp_note(im, s->at, false,
					 "'%s' is laid out unlike Windows' own encoding; gpoc writes "
					 "the same descriptor in the canonical layout",
					 imp_cut(im, it->path));
			strbuf_release(&enc);
		}
		strbuf_release(&p);
	} else {
		secdesc_release(&it->sd);
	}
	strbuf_release(&text);
	strbuf_release(&err);
	return ok;
}

// One grant per ACE a dcom-limit or appid-permission grant can write: allow or
// deny, no inheritance flags, a mask that is exactly some rights of the vocabulary.
// `base`: ACEs already in it become fillers. Returns how many ACEs could not be grants.
static size_t grants_from_acl(struct item *it, const struct acl *base, bool all_filler, struct arena *a)
{
	enum rights_vocab vocab = dkind_vocab(it->dkind);
	const struct acl *acl = &it->sd.dacl;
	it->grants = xcalloc(acl->count ? acl->count : 1, sizeof(*it->grants));
	it->n_grants = 0;
	size_t not_grants = 0;
	for (size_t i = 0; i < acl->count; i++) {
		const struct ace *x = &acl->aces[i];
		if ((x->type != ACE_ALLOW && x->type != ACE_DENY) || x->flags ||
		    !mask_rights(a, vocab, x->mask)) {
			not_grants++;
			continue;
		}
		struct igrant *g = &it->grants[it->n_grants++];
		g->sid = x->sid;
		g->deny = x->type == ACE_DENY;
		g->mask = x->mask;
		g->filler = all_filler || (base && ace_in(base, x));
	}
	return not_grants;
}

static void classify_limit(struct classify *c, const struct setting *s, enum descriptor_kind k,
			   bool policy_form)
{
	struct imp *im = c->im;
	struct item *it = imp_add_item(im, IT_LIMIT, s->at, setting_path(im, s->v.hive, s->v.key, s->v.name));
	it->dkind = k;
	it->from_policy = policy_form;
	if (!read_descriptor(im, s, it, policy_form)) {
		it->dropped = true;
		return;
	}
	const struct secdesc *stock = stock_of(c, k);
	it->override = !stock || !secdesc_equal(stock, &it->sd);
	if (it->override)
		it->baseline =
		    k == DESC_MACHINE_LAUNCH ? "machine-launch-restriction" : "machine-access-restriction";
	grants_from_acl(it, stock ? &stock->dacl : NULL, false, im->a);
	size_t extras = 0;
	for (size_t i = 0; i < it->n_grants; i++)
		extras += !it->grants[i].filler;
	if (extras) {
		// Only what the deployment added to the defaults: the rest is in the baseline.
		size_t w = 0;
		for (size_t i = 0; i < it->n_grants; i++)
			if (!it->grants[i].filler)
				it->grants[w++] = it->grants[i];
		it->n_grants = w;
	} else {
		for (size_t i = 0; i < it->n_grants; i++)
			it->grants[i].filler = true;
	}
	if (!it->n_grants) {
		skip(im, s,
		     "has no ACE a dcom-limit grant can write (allow or deny, no inheritance flags, "
		     "rights of the %s vocabulary)",
		     rights_vocab_name(dkind_vocab(k)));
		it->dropped = true;
	}
}

// "{GUID}" (38 characters, braces, hex digits and dashes at their places), uppercased.
static const char *appid_guid(struct imp *im, const char *s)
{
	if (strlen(s) != 38 || s[0] != '{' || s[37] != '}')
		return NULL;
	char *out = arena_strdup(im->a, s);
	for (size_t i = 1; i < 37; i++) {
		bool dash = i == 9 || i == 14 || i == 19 || i == 24;
		if (dash ? s[i] != '-' : !ascii_isxdigit((unsigned char)s[i]))
			return NULL;
		out[i] = (char)ascii_toupper((unsigned char)s[i]);
	}
	return out;
}

static void classify_appid(struct classify *c, const struct setting *s, const char *guid, bool launch)
{
	struct imp *im = c->im;
	struct item *it = imp_add_item(im, IT_APPID, s->at, setting_path(im, s->v.hive, s->v.key, s->v.name));
	it->dkind = launch ? DESC_APPID_LAUNCH : DESC_APPID_ACCESS;
	it->appid = guid;
	if (!read_descriptor(im, s, it, false)) {
		it->dropped = true;
		return;
	}
	size_t not_grants = grants_from_acl(it, NULL, false, im->a);
	if (!it->n_grants) {
		skip(im, s,
		     "has no ACE an appid-permission grant can write (allow or deny, no inheritance flags, "
		     "rights of the %s vocabulary)",
		     rights_vocab_name(dkind_vocab(it->dkind)));
		it->dropped = true;
		return;
	}
	// Variant 0: the ACEs alone (no baseline), as gpoc writes a permission it owns.
	// Variant 1: the descriptor as found in a baseline override, one ACE as filler.
	it->n_variants = 2;
	it->variant = not_grants ? 1 : 0;
	char *lower = arena_strndup(im->a, guid + 1, 36);
	for (char *p = lower; *p; p++)
		*p = (char)ascii_tolower((unsigned char)*p);
	it->baseline = arena_printf(im->a, "appid-%s-%s", lower, launch ? "launch" : "access");
}

// --- Firewall rules ---

// "gpoc P: X" with id "gpoc-P-S": gpoc's own rule. *policy, *name_out, *suffix.
static bool gpoc_rule(struct imp *im, const struct fw_rule *r, const char *id, const char **policy,
		      const char **name, const char **suffix)
{
	if (!r->name || strncmp(r->name, "gpoc ", 5))
		return false;
	const char *colon = strstr(r->name + 5, ": ");
	if (!colon || colon == r->name + 5)
		return false;
	size_t plen = (size_t)(colon - (r->name + 5));
	const char *p = r->name + 5;
	for (size_t i = 0; i < plen; i++)
		if (!(ascii_isalpha((unsigned char)p[i]) || ascii_isdigit((unsigned char)p[i]) ||
		      p[i] == '.' || p[i] == '_' || p[i] == '-'))
			return false;
	if (strncmp(id, "gpoc-", 5) || strncmp(id + 5, p, plen) || id[5 + plen] != '-')
		return false;
	const char *s = id + 5 + plen + 1;
	size_t slen = strlen(s);
	if (!slen || slen > RULE_ID_MAX || s[0] == '-')
		return false;
	for (size_t i = 0; i < slen; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || ascii_isdigit((unsigned char)s[i]) || s[i] == '-'))
			return false;
	*policy = arena_strndup(im->a, p, plen);
	*name = colon + 2;
	*suffix = s;
	return true;
}

// The description gpoc wrote is "[<description>; ]gpoc policy P: <what> [for <whom>]".
static const char *gpoc_description(struct imp *im, const char *desc, const char *policy)
{
	if (!desc)
		return NULL;
	const char *tail = arena_printf(im->a, "gpoc policy %s: ", policy);
	if (!strncmp(desc, tail, strlen(tail)))
		return NULL;
	const char *sep = arena_printf(im->a, "; %s", tail);
	const char *last = NULL;
	for (const char *p = desc; (p = strstr(p, sep)); p++)
		last = p;
	return last ? arena_strndup(im->a, desc, (size_t)(last - desc)) : desc;
}

static void classify_rule(struct classify *c, const struct setting *s)
{
	struct imp *im = c->im;
	const struct reg_value *v = &s->v;
	struct strbuf text = STRBUF_INIT;
	const char *id = v->name;
	if (v->type != REGT_SZ || !reg_data_as_string(v->data, v->size, &text)) {
		skip(im, s, "is a firewall rule value but not a REG_SZ rule string (%s%s)",
		     type_text(im, v->type), v->type == REGT_SZ ? " data that is not one string" : "");
		strbuf_release(&text);
		return;
	}
	struct gpfas_rule g;
	struct gpfas_error ge;
	struct fw_rule r;
	const struct gpfas_field **unknown;
	size_t n_unknown;
	if (!gpfas_parse(text.buf, text.len, im->a, &g, &ge) ||
	    !gpfas_to_rule(&g, NULL, im->a, &r, &unknown, &n_unknown, &ge)) {
		skip(im, s, "is not a rule string gpoc reads: %s (at byte %zu of the string)", ge.message,
		     ge.offset);
		strbuf_release(&text);
		return;
	}
	strbuf_release(&text);
	if (n_unknown) {
		struct strbuf list = STRBUF_INIT;
		for (size_t i = 0; i < n_unknown && i < 8; i++)
			strbuf_addf(&list, "%s%s", i ? ", " : "", unknown[i]->key);
		if (n_unknown > 8)
			strbuf_addf(&list, " and %zu more", n_unknown - 8);
		skip(im, s, "is a firewall rule with fields the firewall-rule primitive cannot carry: %s",
		     imp_cut(im, list.buf));
		strbuf_release(&list);
		return;
	}
	if (r.remote_users_sddl || r.remote_machines_sddl) {
		skip(im, s,
		     "is a firewall rule restricted to %s (%s), which the firewall-rule primitive cannot "
		     "carry",
		     r.remote_users_sddl ? "authorized users" : "authorized computers",
		     r.remote_users_sddl ? "RUAuth" : "RMauth");
		return;
	}
	// An empty text field says what an absent one says.
	if (r.program && !*r.program)
		r.program = NULL;
	if (r.service && !*r.service)
		r.service = NULL;
	if (r.group && !*r.group)
		r.group = NULL;
	struct item *it = imp_add_item(im, IT_RULE, s->at, setting_path(im, v->hive, v->key, v->name));
	it->grants = xcalloc(1, sizeof(*it->grants));
	it->n_grants = 1;
	r.id = arena_strdup(im->a, id);
	it->rule = r;
	const char *policy, *name, *suffix;
	if (gpoc_rule(im, &r, id, &policy, &name, &suffix)) {
		it->rule_suffix = suffix;
		it->rule_name = strcmp(name, suffix) ? name : NULL;
		it->rule_desc = gpoc_description(im, r.description, policy);
		if (!c->gpoc_policy)
			c->gpoc_policy = policy;
		else if (strcmp(c->gpoc_policy, policy))
			c->policies_differ = true;
	} else {
		it->rule_name = r.name && *r.name ? r.name : NULL;
		it->rule_desc = r.description;
		it->note = arena_printf(im->a, "rule ID in the file: '%s'", id);
	}
	if (it->rule_desc && !*it->rule_desc)
		it->rule_desc = NULL;
}

// A rule ID of [a-z0-9-], at most 48 characters, from any text.
static char *slug(struct arena *a, const char *s)
{
	char buf[RULE_ID_MAX + 1];
	size_t k = 0;
	bool dash = false;
	for (; *s && k < RULE_ID_MAX; s++) {
		int ch = ascii_tolower((unsigned char)*s);
		if (!((ch >= 'a' && ch <= 'z') || ascii_isdigit(ch))) {
			dash = true;
			continue;
		}
		if (dash && k) {
			if (k + 2 > RULE_ID_MAX)
				break;
			buf[k++] = '-';
		}
		dash = false;
		buf[k++] = (char)ch;
	}
	if (!k)
		return arena_strdup(a, "rule");
	return arena_strndup(a, buf, k);
}

// gpoc's own suffixes first (so that they survive unchanged), then the others from
// their IDs, each made unique with "-2", "-3", ...
static void assign_suffixes(struct imp *im)
{
	struct bmap used;
	bmap_init(&used);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < im->n_items; i++) {
			struct item *it = &im->items[i];
			if (it->kind != IT_RULE || it->dropped)
				continue;
			bool own = it->rule_suffix && !it->note;
			if (pass == 0 && !own)
				continue;
			if (pass == 1 && own)
				continue;
			const char *base = pass == 0 ? it->rule_suffix : slug(im->a, it->rule.id);
			const char *s = base;
			for (unsigned n = 2; bmap_get(&used, s, strlen(s)); n++) {
				char tail[16];
				int tl = snprintf(tail, sizeof(tail), "-%u", n);
				size_t keep = strlen(base);
				if (keep + (size_t)tl > RULE_ID_MAX)
					keep = RULE_ID_MAX - (size_t)tl;
				while (keep && base[keep - 1] == '-')
					keep--;
				s = arena_printf(im->a, "%.*s%s", (int)keep, base, tail);
			}
			*bmap_put(&used, s, strlen(s)) = it;
			if (pass == 0 && s != base)
				it->note = arena_printf(im->a, "rule ID in the file: '%s'", it->rule.id);
			if (pass == 1 || s != base) {
				if (!im->n_renamed)
					im->first_renamed = it->at;
				im->n_renamed++;
			}
			it->rule_suffix = s;
		}
	}
	bmap_release(&used);
}

// --- Plain registry values ---

// REG_MULTI_SZ data as the primitive writes it: each string with its NUL, then an
// empty one; no empty string inside. Appends the strings to *items.
static bool multi_sz(struct imp *im, const struct reg_value *v, const char ***items, size_t *n)
{
	*items = NULL;
	*n = 0;
	if (v->size % 2 || v->size < 2 || get_le16(v->data + v->size - 2))
		return false;
	size_t units = v->size / 2;
	if (units == 1)
		return true; // the empty list
	if (get_le16(v->data + v->size - 4))
		return false;
	const char **out = arena_array(im->a, units, sizeof(*out));
	size_t start = 0;
	for (size_t u = 0; u + 1 < units; u++) {
		if (get_le16(v->data + 2 * u))
			continue;
		if (u == start)
			return false; // an empty string before the end
		struct strbuf sb = STRBUF_INIT;
		bool ok = utf16le_to_utf8(&sb, v->data + 2 * start, 2 * (u - start));
		out[(*n)++] = arena_strdup(im->a, sb.buf);
		strbuf_release(&sb);
		if (!ok)
			return false;
		start = u + 1;
	}
	*items = out;
	return true;
}

static void classify_value(struct classify *c, const struct setting *s)
{
	struct imp *im = c->im;
	const struct reg_value *v = &s->v;
	struct strbuf text = STRBUF_INIT;
	const char **list;
	size_t n;
	const char *note = NULL;
	// A Registry.pol import builds a GPO, whose Registry.pol cannot name it.
	if (im->r->pol && utf16_units(v->name, strlen(v->name)) > POL_MAX_VALUE_NAME) {
		skip(im, s, "has a name longer than the %d characters a Registry.pol value name may have",
		     POL_MAX_VALUE_NAME);
		return;
	}
	switch (v->type) {
	case REGT_SZ:
	case REGT_EXPAND_SZ:
		if (!reg_data_as_string(v->data, v->size, &text)) {
			skip(im, s,
			     "is %s data that is not one string (odd size, no final NUL, a NUL inside or "
			     "a lone surrogate); a registry-value grant writes one string",
			     type_text(im, v->type));
			strbuf_release(&text);
			return;
		}
		break;
	case REGT_MULTI_SZ:
		if (!multi_sz(im, v, &list, &n)) {
			skip(im, s,
			     "is REG_MULTI_SZ data that is not a list of non-empty strings ending with an "
			     "empty one; a registry-value grant writes exactly that");
			return;
		}
		break;
	case REGT_DWORD:
	case REGT_QWORD:
		if (v->size != (v->type == REGT_DWORD ? 4u : 8u)) {
			skip(im, s, "is a %s of %zu bytes; the primitive writes whole numbers only",
			     type_text(im, v->type), v->size);
			return;
		}
		break;
	case REGT_BINARY: {
		// Raw bytes are kept as they are; a descriptor among them deserves a look.
		struct secdesc sd;
		struct strbuf err = STRBUF_INIT;
		if (secdesc_decode(v->data, v->size, &sd, &err)) {
			struct strbuf p = STRBUF_INIT;
			sddl_print(&sd, NULL, SDDL_PRINT_NUMERIC_RM, &p);
			note = arena_printf(im->a, "a security descriptor: %s", p.buf);
			imp_note(im, s->at, false,
				 "'%s' holds a security descriptor gpoc has no primitive for; it "
				 "is imported as raw bytes: %s",
				 imp_cut(im, setting_path(im, v->hive, v->key, v->name)), imp_cut(im, p.buf));
			strbuf_release(&p);
			secdesc_release(&sd);
		}
		strbuf_release(&err);
		break;
	}
	default:
		skip(im, s,
		     "is %s; a registry-value grant writes REG_SZ, REG_EXPAND_SZ, REG_DWORD, REG_QWORD, "
		     "REG_MULTI_SZ or REG_BINARY",
		     type_text(im, v->type));
		return;
	}
	strbuf_release(&text);
	struct item *it = imp_add_item(im, IT_VALUE, s->at, setting_path(im, v->hive, v->key, v->name));
	it->grants = xcalloc(1, sizeof(*it->grants));
	it->n_grants = 1;
	it->v = *v;
	it->note = note;
}

// --- The whole file ---

static bool key_is(const char *key, const char *want)
{
	return !ascii_strcasecmp(key, want);
}

static void one_setting(struct classify *c, const struct setting *s)
{
	struct imp *im = c->im;
	const struct reg_value *v = &s->v;
	if (v->hive != HIVE_HKLM) {
		skip(im, s, "is in %s; gpoc writes machine settings (HKEY_LOCAL_MACHINE) only",
		     reg_hive_name(v->hive) ? reg_hive_name(v->hive) : "another hive");
		return;
	}
	if (key_is(v->key, FW_POLICY_KEY) || key_is(v->key, FW_LOCAL_KEY)) {
		classify_rule(c, s);
		return;
	}
	bool launch = !ascii_strcasecmp(v->name, "MachineLaunchRestriction");
	bool access = !ascii_strcasecmp(v->name, "MachineAccessRestriction");
	if ((launch || access) && (key_is(v->key, OLE_KEY) || key_is(v->key, DCOM_POLICY_KEY))) {
		classify_limit(c, s, launch ? DESC_MACHINE_LAUNCH : DESC_MACHINE_ACCESS,
			       key_is(v->key, DCOM_POLICY_KEY));
		return;
	}
	size_t plen = strlen(APPID_PREFIX);
	if (!ascii_strncasecmp(v->key, APPID_PREFIX, plen)) {
		const char *guid = appid_guid(im, v->key + plen);
		bool lp = !ascii_strcasecmp(v->name, "LaunchPermission");
		if (guid && (lp || !ascii_strcasecmp(v->name, "AccessPermission"))) {
			classify_appid(c, s, guid, lp);
			return;
		}
	}
	classify_value(c, s);
}

// The Ole value and the DCOM policy value of one limit: on Windows the policy wins,
// and an intent holds one descriptor per limit.
static void one_limit_each(struct imp *im)
{
	for (int k = DESC_MACHINE_LAUNCH; k <= DESC_MACHINE_ACCESS; k++) {
		struct item *policy = NULL;
		for (size_t i = 0; i < im->n_items; i++) {
			struct item *it = &im->items[i];
			if (it->kind == IT_LIMIT && !it->dropped && (int)it->dkind == k && it->from_policy)
				policy = it;
		}
		if (!policy)
			continue;
		for (size_t i = 0; i < im->n_items; i++) {
			struct item *it = &im->items[i];
			if (it == policy || it->kind != IT_LIMIT || it->dropped || (int)it->dkind != k)
				continue;
			it->dropped = true;
			if (secdesc_equal(&it->sd, &policy->sd))
				imp_note(im, it->at, false,
					 "'%s' holds the same descriptor as the DCOM policy value at "
					 "%s; it is imported once",
					 imp_cut(im, it->path), where_text(im, policy->at));
			else
				imp_note(im, it->at, true,
					 "'%s' is overridden on Windows by the DCOM policy value at %s, "
					 "which is imported (an intent holds one %s limit)",
					 imp_cut(im, it->path), where_text(im, policy->at),
					 k == DESC_MACHINE_LAUNCH ? "machine launch" : "machine access");
		}
	}
}

void classify_settings(struct imp *im, const struct setting *s, size_t n)
{
	struct classify c = {.im = im};
	for (size_t i = 0; i < n; i++)
		one_setting(&c, &s[i]);
	for (int i = 0; i < 2; i++)
		if (c.has_stock[i])
			secdesc_release(&c.stock[i]);
	one_limit_each(im);
	assign_suffixes(im);
	if (im->o->policy)
		im->policy = im->o->policy;
	else if (c.gpoc_policy && !c.policies_differ)
		im->policy = c.gpoc_policy;
	else
		im->policy = "imported";
}
