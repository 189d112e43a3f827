#ifndef GPOC_IMPORTER_IMPORTER_H
#define GPOC_IMPORTER_IMPORTER_H

// `gpoc import`: reading what a team already deployed — a .reg file (5.00 or
// REGEDIT4) or a Registry.pol — back into an intent made of primitives
// (docs/import.md).
//
// The importer never guesses whether the intent it wrote means what the file
// said. It compiles its own output: the intent is loaded with intent_load(), expanded
// with model_build(), and each imported setting is compared with what the model
// makes of it (registry bytes, descriptors, firewall rules field by field); the
// caller may add the remaining checks of `gpoc check` (lint, renderers) through
// struct import_verifier. A setting the compiler refuses or would change is taken
// out and listed as not imported, with the compiler's reason, and the intent is
// compiled again, until it is clean. So what is written always passes `gpoc
// check`, and every grant in it compiles back to the setting it came from.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/strbuf.h"
#include "formats/text.h"
#include "intent/intent.h"
#include "model/model.h"

struct import_verifier {
	// Runs the checks after the model (lint, the renderers of in->outputs) and adds
	// their errors to `d`; errors at a grant's lines take that setting out.
	void (*run)(void *ctx, const struct intent *in, const struct model *m, struct diag *d);
	void *ctx;
};

struct import_options {
	const char *source_name;              // the imported file as the user named it (comments, messages)
	const char *intent_name;              // what diagnostics call the generated intent ("out.yaml")
	const char *policy;                   // policy name, or NULL: gpoc's own rule prefix, else "imported"
	const char *templates_dir;            // .../templates: stock baselines
	const struct import_verifier *verify; // NULL: intent_load and model_build only
	const struct sid_context *sids;       // resolves DA, DU, ... in SDDL values; NULL for none
};

// A warning about one setting of the imported file, at its place there.
struct import_note {
	bool skipped;        // not imported (also listed at the end of the intent)
	uint32_t line;       // .reg: 1-based line; 0 for a Registry.pol
	size_t offset;       // Registry.pol: byte offset of the entry
	const char *message; // in the result's arena
};

enum import_status {
	IMPORT_OK,           // result->yaml holds the intent
	IMPORT_MALFORMED,    // the file does not parse: result->error
	IMPORT_UNKNOWN_KIND, // neither a .reg file nor a Registry.pol
	IMPORT_NOTHING,      // nothing in the file can be expressed (the notes say why)
	IMPORT_BAD_POLICY,   // options->policy is refused: result->message
	IMPORT_INTERNAL,     // the generated intent would not compile: result->message (a gpoc bug)
};

struct import_result {
	bool pol;                  // the file was a Registry.pol (else .reg)
	struct strbuf yaml;        // the intent
	struct import_note *notes; // in file order
	size_t n_notes, alloc_notes;
	size_t n_imported, n_skipped; // settings
	struct fmt_error error;       // IMPORT_MALFORMED
	struct strbuf message;        // IMPORT_BAD_POLICY, IMPORT_INTERNAL
	struct arena arena;
};

void import_result_init(struct import_result *r);
void import_result_release(struct import_result *r);

enum import_status import_run(const uint8_t *p, size_t len, const struct import_options *o,
			      struct import_result *r);

#endif
