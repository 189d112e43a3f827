// Whole-pipeline fuzz target: the input is an intent; load, expand, lint and render
// every target with their self-checks. Any crash, sanitizer report or BUG() is a
// finding; so is a renderer self-check failure ("internal error"), which aborts here.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/build.h"
#include "intent/intent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct build_request req = {
		.targets = TARGET_ALL,
		.datadir = GPOC_FUZZ_SOURCE_DIR,
	};
	struct build_session s;
	build_session_init(&s);
	struct diag d;
	diag_init(&d);
	struct artifact_set out;
	artifact_set_init(&out);
	bool ok = build_compile_text(&s, "fuzz.yaml", (const char *)data, size, &req, &d, &out);
	if (ok != (d.errors == 0))
		abort(); // success exactly when no error was reported
	for (size_t i = 0; i < d.n; i++)
		if (!strncmp(d.v[i].message, "internal error", 14))
			abort(); // a renderer disagreed with its own reader (user text
				 // never starts a message, so the prefix is reliable)
	artifact_set_release(&out);
	diag_release(&d);
	build_session_release(&s);
	return 0;
}
