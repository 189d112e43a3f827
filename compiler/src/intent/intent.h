#ifndef GPOC_INTENT_INTENT_H
#define GPOC_INTENT_INTENT_H

// The typed intent (docs/intent.md): what check.c makes of a loaded ynode tree.
// CONTRACT header: the model's expansion consumes these structs. Everything lives in
// the compilation's arena and keeps its source position.

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/strbuf.h"
#include "intent/ynode.h"
#include "sd/sid.h"

enum { INTENT_FORMAT_VERSION = 1 };

// Output targets, in the order artifacts are rendered.
enum target {
	TARGET_MODEL = 1u << 0,
	TARGET_SDDL = 1u << 1,
	TARGET_NETSH = 1u << 2,
	TARGET_REG = 1u << 3,
	TARGET_PS1 = 1u << 4,
	TARGET_GPO = 1u << 5,
	TARGET_ADMX = 1u << 6,
	TARGET_PLAN = 1u << 7,
	TARGET_ALL = (1u << 8) - 1,
};
// "netsh" -> TARGET_NETSH; 0 if unknown.
unsigned target_from_name(const char *name);
const char *target_name(unsigned one_target);
// "netsh,reg" or "all" into TARGET_* bits; false with a message naming the accepted
// targets in `err`.
bool targets_parse(const char *list, unsigned *out, struct strbuf *err);

struct principal {
	const char *key;     // the name under `principals:`; NULL for principals made by templates
	struct src_pos pos;
	const char *name;    // "CONTOSO\\Monitoring" or NULL when only a SID/alias is given
	bool has_sid;
	struct sid sid;      // resolved (aliases too)
	const char *alias;   // as written ("DC"), or NULL
};

struct suppression {
	const char *rule;    // lint rule ID
	const char *reason;  // mandatory
	struct src_pos pos;
};

struct grant {
	struct src_pos pos;            // the `- ` of the grant (its mapping)
	size_t index;                  // position in the file, 0-based
	const struct principal *to;    // NULL when the grant has no `to:`
	struct src_pos to_pos;
	const char *allow;             // capability or primitive name
	struct src_pos allow_pos;
	const char *accept_risk;       // NULL unless given (never empty)
	struct src_pos accept_risk_pos;
	const char *note;              // free text, or NULL
	struct suppression *suppress;
	size_t n_suppress;
	// The grant's mapping node; every key other than the reserved ones (to, allow,
	// accept-risk, note, suppress) is a parameter of the capability, checked by
	// the model against the capability's declaration.
	const struct ynode *node;
};

struct baseline_override {
	const char *name;    // e.g. "machine-launch-restriction"
	const char *sddl;
	struct src_pos pos;
};

struct intent {
	const struct src_file *file;
	int version;
	struct {
		const char *name;        // [A-Za-z0-9][A-Za-z0-9._-]{0,63}: used in IDs and file names
		const char *description; // may be NULL
		const char *owner;
		const char *ticket;
		struct src_pos pos;
	} policy;
	const char *netbios;         // domain NetBIOS name, or NULL
	struct sid_context sids;     // domain, forest root and machine SIDs as given
	struct principal *principals;
	size_t n_principals;
	struct baseline_override *baselines;
	size_t n_baselines;
	struct grant *grants;
	size_t n_grants;
	unsigned outputs;            // TARGET_* bits; TARGET_ALL when `outputs:` is absent
	struct src_pos outputs_pos;
};

// The keys of a grant that are not capability parameters, for the model's
// "did you mean" over parameter names: to, allow, accept-risk, note, suppress.
enum { INTENT_N_GRANT_KEYS = 5 };
extern const char *const intent_grant_keys[INTENT_N_GRANT_KEYS];
bool intent_is_grant_key(const char *key);

// Loads and checks one intent file. On success returns true and fills *out (arena
// allocations). On failure returns false with every error found in `d`.
bool intent_load(const struct src_file *f, struct arena *a, struct diag *d, struct intent *out);

// Principal lookup by key; NULL if absent.
const struct principal *intent_principal(const struct intent *in, const char *key);

#endif
