#ifndef GPOC_REVIEW_PLAN_H
#define GPOC_REVIEW_PLAN_H

// Plans (docs/plan.md): what changes in effective access between two models, for
// review in a pull request. `gpoc plan OLD NEW` diffs two intents; the plan build
// target (plan/plan.md, plan/plan.json) is the plan of one intent against nothing.
//
// A plan is a sorted list of changes. Each change is one effect that appears (+),
// disappears (-) or changes (~) between the models: an ACE of a descriptor (per
// principal and descriptor), a baseline entry, a group membership, a firewall rule,
// a registry value or a host step. Every change names the principals it concerns
// (for firewall rules and host settings: the principals of the grants behind them),
// the object it touches, the intent lines that cause it and the build targets whose
// artifacts it changes. Risk acceptances, notes on what Windows does with the
// result, and the new model's lint findings come with it.
//
// Both models must outlive the plan: changes point into them.

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/strbuf.h"
#include "model/model.h"

enum plan_op { PLAN_ADD, PLAN_REMOVE, PLAN_CHANGE };

enum plan_kind {
	PLAN_ACE,       // a grant on a descriptor (machine limit, AppID, namespace)
	PLAN_BASELINE,  // a descriptor written whole from a baseline, or a baseline entry
	PLAN_MEMBER,    // membership in a local group
	PLAN_FIREWALL,  // a firewall rule
	PLAN_REGISTRY,  // a registry value
	PLAN_STEP,      // a host step (winmgmt /standalonehost, certsvc re-apply)
	PLAN_POLICY,    // the policy itself: name, outputs
};

struct plan_who {
	char *key;      // principal_identity(); sorts and matches
	char *display;  // "CONTOSO\Monitoring"
};

struct plan_source {
	char *file;     // as artifacts print it (model_display_path)
	unsigned line, col;
	char *capability; // or NULL
	char *who;        // principal_identity() of the grant's `to:`, or NULL
};

struct plan_change {
	enum plan_op op;
	enum plan_kind kind;
	char *object_key;
	char *object;             // "WMI namespace root\cimv2", "firewall rule 'gpoc ...'"
	struct plan_who *who;     // sorted by key; empty for host-wide changes
	size_t n_who;
	char *text;               // the line after the subject: what is gained/lost/changed
	struct plan_source *src;  // new model's provenance (old model's for removals)
	size_t n_src;
	size_t *src_by_who;       // indexes of src sorted by `who` (NULL first), then position
	unsigned targets;         // TARGET_* bits of the artifacts that change
	// Rights in the descriptor's vocabulary (PLAN_ACE / PLAN_BASELINE entries).
	int vocab;                // enum rights_vocab, or -1
	uint32_t old_mask, new_mask;
	uint8_t old_flags, new_flags; // PLAN_ACE: ACE flags (ACE_CI, ...)
	// Other kinds: the value before and after in words (NULL when absent).
	char *before, *after;
	const char *risk;         // what the effect weakens (new side), or NULL
};

struct plan_risk {
	enum plan_op op;          // ADD: newly accepted; REMOVE: no longer; CHANGE: new reason
	char *risk;
	char *reason, *old_reason;
	struct plan_source *src;
	size_t n_src;
};

struct plan {
	char *old_name, *new_name;   // file names as given; old_name NULL for a build's plan
	struct plan_change *v;
	size_t n, alloc;
	struct plan_risk *risks;
	size_t n_risks, alloc_risks;
	char **notes;                // "What Windows does with this", Markdown
	size_t n_notes, alloc_notes;
	unsigned outputs;            // union of both intents' outputs
	struct diag lint;            // lint findings of the new model
};

// Computes the plan from `old` to `new`; either may be NULL for "no intent" (a
// file added or deleted). Runs the lints on `new`.
void plan_compute(struct plan *p, const struct model *old, const struct model *new);
void plan_release(struct plan *p);
bool plan_has_changes(const struct plan *p);

// Markdown for a pull-request comment: summary first, then <details> per principal
// and per object, artifacts, lint findings. User text only ever appears inside code
// spans or fenced blocks, so an intent cannot inject Markdown, HTML or @mentions.
void plan_markdown(const struct plan *p, struct strbuf *out);
// The same plan as JSON (docs/plan.md has the schema).
void plan_json(const struct plan *p, struct strbuf *out);

#endif
