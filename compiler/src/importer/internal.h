#ifndef GPOC_IMPORTER_INTERNAL_H
#define GPOC_IMPORTER_INTERNAL_H

// Shared by the files of the importer module only.
//
//   settings.c  the file's operations in order -> the settings still in force at
//               its end (a later set or delete of the same value wins), plus a
//               note for every operation an intent cannot say (deletes, ...)
//   classify.c  each setting -> an item: a firewall rule, a DCOM machine limit, an
//               AppID permission or a plain registry value, or a note saying why not
//   emit.c      items -> YAML text, remembering which lines belong to which item
//   verify.c    compile that text, compare the model with the items, take out what
//               the compiler refuses or would change, until the intent is clean
//   importer.c  import_run(): the steps above in order

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/fwrule.h"
#include "core/regvalue.h"
#include "core/strbuf.h"
#include "importer/importer.h"
#include "model/model.h"
#include "sd/secdesc.h"

// --- A map from byte strings to pointers (open addressing, FNV-1a) ---

struct bmap_slot {
	const char *key; // not NUL-terminated; NULL = empty slot
	size_t len;
	void *value;
};
struct bmap {
	struct bmap_slot *slots;
	size_t cap, n;
};
void bmap_init(struct bmap *m);
void bmap_release(struct bmap *m);
void *bmap_get(const struct bmap *m, const char *key, size_t len);
// The value slot for `key` (which must outlive the map), created holding NULL.
void **bmap_put(struct bmap *m, const char *key, size_t len);

// --- Places in the imported file ---

struct where {
	uint32_t line; // .reg: 1-based line of the operation
	size_t offset; // Registry.pol: byte offset of the entry
};

// --- Settings in force at the end of the file ---

struct setting {
	struct reg_value v; // hive HKLM for a Registry.pol (a computer GPO's registry.pol)
	struct where at;
};

// --- Items: what a setting becomes ---

enum item_kind { IT_VALUE, IT_RULE, IT_LIMIT, IT_APPID };

// One grant of the intent. IT_VALUE and IT_RULE items have exactly one; for
// IT_LIMIT and IT_APPID each is one ACE (a dcom-limit or appid-permission grant).
struct igrant {
	struct sid sid;
	bool deny;
	uint32_t mask;       // effective mask (COM: EXECUTE included)
	bool filler;         // the baseline already holds it: it only makes the model write the descriptor
	bool removed;        // a filler the final intent leaves out
	const char *risk;    // what the model says the grant weakens, or NULL
	uint32_t allow_line; // set by emit()
};

struct item {
	enum item_kind kind;
	struct where at;
	const char *path; // "HKEY_LOCAL_MACHINE\\key\\name", for comments and messages
	const char *note; // a comment over the grant (NULL for none)
	bool dropped;
	const char *why; // why it was dropped
	int variant;     // IT_APPID: 0 = the ACEs alone, 1 = baseline override + fillers
	int n_variants;

	struct igrant *grants; // at least one (xmalloc'd; freed by imp_release)
	size_t n_grants;

	// IT_VALUE
	struct reg_value v;

	// IT_RULE
	struct fw_rule rule; // as read; rule.id is the value name
	const char *rule_suffix;
	const char *rule_name; // `name:`, or NULL
	const char *rule_desc; // `description:`, or NULL

	// IT_LIMIT, IT_APPID
	enum descriptor_kind dkind;
	bool from_policy;  // IT_LIMIT: the DCOM policy value (SDDL), not the Ole one
	const char *appid; // "{GUID}", uppercase
	struct secdesc sd; // the descriptor as found (owned; released by imp_release)
	bool has_sd;
	const char *sddl;     // sd printed (baseline overrides, messages)
	bool override;        // a baselines: entry carries sd (machine limits: unless it is the stock one)
	const char *baseline; // the baseline's name when override
};

struct imp {
	const struct import_options *o;
	struct import_result *r;
	struct arena *a; // r->arena
	const char *policy;
	unsigned outputs; // TARGET_* bits written as outputs:
	struct item *items;
	size_t n_items, alloc_items;
	size_t n_renamed; // foreign firewall rules given gpoc IDs
	struct where first_renamed;
};

void imp_note(struct imp *im, struct where at, bool skipped, const char *fmt, ...) GPOC_PRINTF(4, 5);
struct item *imp_add_item(struct imp *im, enum item_kind kind, struct where at, const char *path);
void imp_release(struct imp *im);

// settings.c: appends the settings in force to *out (xmalloc'd) and notes for the rest.
// False with r->error when the file does not parse.
bool settings_from_reg(struct imp *im, const uint8_t *p, size_t len, struct setting **out, size_t *n);
bool settings_from_pol(struct imp *im, const uint8_t *p, size_t len, struct setting **out, size_t *n);
// "HKEY_LOCAL_MACHINE\\key\\name" (a Registry.pol's keys without the hive; the default
// value as "@"; name NULL for the key itself), for messages and comments.
const char *setting_path(struct imp *im, enum reg_hive hive, const char *key, const char *name);
// "line 12" or "offset 0x1a2".
const char *where_text(struct imp *im, struct where at);
// `s` cut to 200 bytes (at a character boundary, "..." added) for messages.
const char *imp_cut(struct imp *im, const char *s);

// classify.c
void classify_settings(struct imp *im, const struct setting *s, size_t n);

// emit.c: the intent text with the live items of [from, to) (all of them: 0, n_items).
// `probe` puts accept-risk on every grant (to learn from the model which ones need
// it); otherwise only on grants the model found risky.
// *line_item gets, per line (1-based index), the item that owns it or -1;
// *line_sid gets, per line, the principal's SID index into *sids or -1.
struct emitted {
	struct strbuf text;
	int32_t *line_item;
	int32_t *line_principal;
	size_t n_lines;
	struct sid *principals; // in emission order
	size_t n_principals;
	uint32_t policy_first, policy_last;
	bool redo; // emission took an item out: emit again
};
void emit_intent(struct imp *im, bool probe, size_t from, size_t to, struct emitted *e);
void emitted_release(struct emitted *e);

// verify.c: the compile-compare-drop loop. False (with r->message) when the intent
// cannot be made clean; *status says why.
bool verify_and_finish(struct imp *im, enum import_status *status);

// Helpers shared by classify.c and emit.c.
// The rights names of `mask` in `v` (NULL-terminated, arena); NULL if the mask is
// not exactly rights_effective_mask() of some names.
const char **mask_rights(struct arena *a, enum rights_vocab v, uint32_t mask);
enum rights_vocab dkind_vocab(enum descriptor_kind k);
// "sid-s-1-5-32-562"
const char *principal_key(struct arena *a, const struct sid *sid);

#endif
