#ifndef GPOC_INTENT_YNODE_H
#define GPOC_INTENT_YNODE_H

// A YAML document as a tree that remembers where every node came from.
// CONTRACT header: load.c (libyaml) builds it for intents and capability templates
// alike; check.c and the model's template reader walk it.
//
// Only the YAML the intent language needs survives loading: one document whose
// nodes are plain mappings, sequences and scalars. Anchors and aliases are expanded
// (within limits), explicit tags are refused, mapping keys are unique scalars.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/diag.h"

enum ynode_kind { YNODE_SCALAR, YNODE_SEQUENCE, YNODE_MAPPING };

struct ynode;
struct ymap_entry {
	struct ynode *key;   // always a scalar
	struct ynode *value;
};

struct ynode {
	enum ynode_kind kind;
	struct src_pos pos;  // where the node starts
	// YNODE_SCALAR: the text as written (NUL-terminated; NUL bytes are refused).
	const char *str;
	size_t len;
	bool plain;          // unquoted, so `true`, `12`, `~` may mean bool/int/null
	// YNODE_SEQUENCE
	struct ynode **items;
	size_t n_items;
	// YNODE_MAPPING, in document order
	struct ymap_entry *entries;
	size_t n_entries;
};

// Limits that make hostile input fail fast instead of exhausting memory or stack.
struct yaml_limits {
	size_t max_file_bytes;   // default 8 MiB
	size_t max_scalar_bytes; // default 64 KiB
	size_t max_depth;        // default 64 levels of nesting
	size_t max_nodes;        // default 200,000 nodes after alias expansion (docs/limits.md)
	size_t max_alias_nodes;  // default 10,000 nodes copied through aliases in total
	size_t max_anchors;      // default 10,000 anchors defined
};
extern const struct yaml_limits yaml_default_limits;

// Loads `f` (whose text must outlive the tree) into *out. Returns false after adding
// at least one error to `d`; never crashes or stops at the first error when more
// can be found (libyaml stops at the first syntax error). `lim` NULL means
// yaml_default_limits.
//
// Even when it returns false, *out is the top-level mapping if the document could be
// read to its end: the problems found were then confined to pieces the loader
// dropped (a duplicate key, a merge key, a non-string key) or reported and kept (an
// explicit tag, an oversized or NUL-holding string), so a checker can still walk the
// tree and report its own errors too. *out is NULL when reading stopped early (a
// syntax error, an encoding problem, a limit) or the top level is not a mapping.
//
// An alias yields a copy of its anchor's node at the alias's position whose
// children are shared with the anchor's: treat the tree as read-only.
bool yaml_load(const struct src_file *f, const struct yaml_limits *lim, struct arena *a,
	       struct diag *d, struct ynode **out);

// True for a plain empty, "~", "null", "Null" or "NULL" scalar: YAML's null.
bool ynode_is_null(const struct ynode *n);

// Sorts d->v[from..] by line and column, keeping every note right after the error
// or warning before it. Loaders and checkers find problems out of document order
// (duplicate keys are known when their mapping ends); readers expect them in order.
void yaml_sort_diagnostics(struct diag *d, size_t from);

// Mapping lookup by key text; NULL if absent.
const struct ynode *ynode_get(const struct ynode *map, const char *key);
const char *ynode_kind_name(enum ynode_kind k); // "a string", "a list", "a mapping"

#endif
