#ifndef GPOC_MODEL_INTERNAL_H
#define GPOC_MODEL_INTERNAL_H

// Shared by the files of the model module only: the expansion context, the raw
// effects primitives produce before merge.c sorts, merges and checks them, and a
// small string-keyed hash map.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/diag.h"
#include "model/capability.h"
#include "model/model.h"

// --- String map: open addressing, keys and values owned by the caller ---

struct strmap_slot {
	const char *key;
	void *value;
};
struct strmap {
	struct strmap_slot *slots;
	size_t cap, n;
};
void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);
void *strmap_get(const struct strmap *m, const char *key);
// The value slot for `key`, created (holding NULL) if absent.
void **strmap_put(struct strmap *m, const char *key);

// a + b + c in the arena (cheaper than arena_printf on hot paths).
char *arena_concat(struct arena *ar, const char *a, const char *b, const char *c);

// User text inside a message, cut at 60 characters ("...").
const char *quote_text(struct arena *a, const char *s);

// --- Template text: `${name}` references, `$$` for a literal `$` ---

// Splits `s` into literal and variable parts (arena). False with *err on bad syntax.
bool tmpl_split(struct arena *a, const char *s, struct tpart **parts, size_t *n, const char **err);
// True if `s` needs tmpl_split (holds `${` or `$$`).
bool tmpl_has_syntax(const char *s);

// --- Raw effects ---

// One contribution to an effect: which grant, through which template line.
struct effect_src {
	const struct grant *grant;
	struct provenance prov;
	const char *risk;         // what this contribution weakens, or NULL
};

struct raw_ace {
	enum descriptor_kind kind;
	const char *target;       // NULL, "{GUID}" or a namespace
	enum rights_vocab vocab;
	const char *baseline;     // baseline name, or NULL for none
	struct src_pos where;     // the field that decided the baseline / the effect
	const struct principal *who;
	uint8_t type, flags;
	uint32_t mask;            // effective (COM: with EXECUTE)
	struct effect_src src;
};

struct raw_member {
	const struct principal *group, *member;
	struct effect_src src;
};

struct raw_rule {
	struct fw_rule rule;      // description not yet set
	const char *user_desc;    // the `description:` field, or NULL
	struct effect_src src;
};

struct raw_value {
	struct m_registry v;      // meta not yet set
	struct effect_src src;
};

struct raw_step {
	enum step_kind kind;
	int level;
	struct effect_src src;
};

struct baseline {
	const char *name;
	const char *sddl;
	enum rights_vocab vocab;
	bool has_vocab;           // stock files declare theirs; overrides take the user's
	bool from_intent;
	struct src_pos pos;       // the SDDL's position
	struct secdesc sd;
	bool ok;                  // parsed without errors
	bool used;
};

struct expand {
	const struct intent *in;
	const struct model_options *opt;
	struct arena *a;
	struct diag *d;
	struct model *m;
	struct cap_loader caps;
	struct strmap principals; // identity -> canonical principal
	struct strmap baselines;  // name -> struct baseline
	struct strmap baseline_known; // name -> yes/no: baseline_exists() stats once
	struct strmap ns_baselines;   // namespace -> its default baseline name, or a "none" mark
	struct strmap keys;           // principal key -> the intent's principal
	struct strmap ports_checked;  // port list as written -> as the rule holds it
	const struct principal **canon; // canonical principal of each of in->principals
	const char *rule_id_prefix;   // "gpoc-<policy>-"
	const char *rule_name_prefix; // "gpoc <policy>: "
	const char **files;       // baseline files read
	size_t n_files, alloc_files;

	struct raw_ace *aces;
	size_t n_aces, alloc_aces;
	struct raw_member *members;
	size_t n_members, alloc_members;
	struct raw_rule *rules;
	size_t n_rules, alloc_rules;
	struct raw_value *values;
	size_t n_values, alloc_values;
	struct raw_step *steps;
	size_t n_steps, alloc_steps;
};

// principal.c
void principals_init(struct expand *x);
// The one principal object gpoc uses for this identity (SID, else name).
const struct principal *principal_canonical(struct expand *x, const struct principal *p);
// The resolver value.c calls for principal fields.
extern const struct principal_resolver *expand_resolver(struct expand *x, struct principal_resolver *buf);
// Syntax check of a principal written in a template (no intent at hand yet).
bool principal_literal_check(struct diag *d, struct arena *a, const struct ynode *n);
// A total order over canonical principals: SIDs first (by SID), then names.
int principal_cmp(const struct principal *a, const struct principal *b);
bool principal_is_sid(const struct principal *p, uint64_t authority, size_t n, const uint32_t *sub);
bool principal_is_everyone_or_anonymous(const struct principal *p);
// "'monitoring' (S-1-5-21-...-1105)", "Everyone (S-1-1-0)", "'CERTSVC_DCOM_ACCESS'"
const char *principal_label(struct arena *a, const struct principal *p);

// baseline.c
// The baseline `name` (an intent override or templates/baselines/<name>.yaml), or
// NULL after reporting at `use` that it does not exist.
struct baseline *baseline_get(struct expand *x, const char *name, struct src_pos use);
// True if a stock file or an override of that name exists (no error reported).
bool baseline_exists(struct expand *x, const char *name);
void baselines_check_unused(struct expand *x);
void baselines_release(struct expand *x);

// merge.c: raw effects to the model's sorted arrays, with contradictions reported.
void merge_effects(struct expand *x);

#endif
