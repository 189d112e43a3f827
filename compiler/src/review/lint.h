#ifndef GPOC_REVIEW_LINT_H
#define GPOC_REVIEW_LINT_H

// Security lints over the model (docs/lint.md): what an intent may legally say but a
// reviewer should look at twice (DOMAIN.md §8).
//
// Every rule has a stable ID ("GPOC-L001"; IDs are never renumbered or reused), a
// default severity, and a section in docs/lint.md. A finding is reported at the
// position of the grant that caused the effect (provenance), once per grant, so
// that a grant's `suppress:` list can silence exactly the findings it is
// responsible for. A suppression that silences nothing is itself reported
// (GPOC-L100), as is one naming a rule that does not exist (GPOC-L101).

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "model/model.h"

struct lint_rule {
	const char *id;          // "GPOC-L001"
	const char *name;        // "DcomLimitAnonymousRemote" (SARIF reportingDescriptor.name)
	enum diag_severity severity; // default; findings may be raised or lowered (docs/lint.md)
	const char *summary;     // one line: what the rule finds
	const char *description; // why it matters
	const char *help;        // how to fix or when to suppress
	// A risk the design gates behind `accept-risk:`: a finding on an effect whose risk
	// was accepted is reported as a note that quotes the reason, not at `severity`.
	bool risk_gate;
	const char *security_severity; // GitHub code scanning score ("8.0"), or NULL
};

// All lint rules in ID order; *n gets the count.
const struct lint_rule *lint_rules(size_t *n);
// The rule with this ID (ASCII case-insensitive), or NULL.
const struct lint_rule *lint_rule_find(const char *id);

// Runs every rule over `m` and adds the findings that no suppression silences to `d`,
// sorted by position, plus GPOC-L100/L101 for unused or unknown suppressions
// (m->intent's grants). Never fails: a model it cannot judge yields no finding.
void lint_model(const struct model *m, struct diag *d);

#endif
