#ifndef GPOC_REVIEW_DIAG_OUTPUT_H
#define GPOC_REVIEW_DIAG_OUTPUT_H

// Machine-readable diagnostics for CI (docs/lint.md, "Output formats"): the same
// entries diag_print_gcc() prints, as JSON or as SARIF 2.1.0 for GitHub code
// scanning. Both are deterministic: no timestamps, no absolute paths that the
// command line did not give.

#include <stdio.h>

#include "core/diag.h"
#include "core/strbuf.h"

// {"version": 1, "errors": N, "warnings": N, "notes": N, "dropped": N,
//  "diagnostics": [{"severity", "rule", "file", "line", "column", "message", "hint"}]}
void diag_print_json(const struct diag *d, FILE *out);

// A SARIF 2.1.0 log with one run: tool.driver "gpoc" with metadata for every lint
// rule and for the generic IDs below; one result per diagnostic that has a file.
// Diagnostics without a file (a missing templates directory, ...) go to
// invocations[0].toolExecutionNotifications, where SARIF puts tool-level problems.
void diag_print_sarif(const struct diag *d, FILE *out);

// The rule ID a diagnostic is reported under: its own, else "GPOC-E000" (errors),
// "GPOC-W000" (warnings) or "GPOC-N000" (notes) for diagnostics of the loader,
// checker and model, which carry no lint rule.
const char *diag_rule_id(const struct diag_entry *e);

// A file name as a relative URI reference for SARIF's artifactLocation.uri:
// '/'-separated, "./" dropped, bytes outside RFC 3986's unreserved set and '/'
// percent-encoded. Absolute paths become "file://" URIs.
void sarif_uri(const char *path, struct strbuf *out);

#endif
