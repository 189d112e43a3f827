#ifndef GPOC_API_BUILD_H
#define GPOC_API_BUILD_H

// The build pipeline shared by `gpoc build`, `gpoc check` and the public API:
//
//   read -> intent_load -> model_build -> lint -> render every target -> self-check
//        -> (build only) commit
//
// Every stage reports into one `struct diag`; nothing is written unless every
// intent of the request compiled without errors and every renderer's own
// validation passed. `check` runs exactly the same stages as `build` and stops
// before the commit, so a clean check means a clean build.

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/artifact.h"
#include "core/diag.h"

struct build_request {
	const char *const *intents;     // paths; "-" is standard input (at most once)
	size_t n_intents;
	const char *output_dir;         // NULL for check
	unsigned targets;               // TARGET_* bits; 0 = each intent's `outputs:`
	const char *const *capability_dirs;
	size_t n_capability_dirs;
	const char *datadir;            // holds templates/ and schemas/
	const char *depfile;            // write make/ninja dependencies here, or NULL
};

enum build_status { BUILD_OK = 0, BUILD_INPUT_ERRORS = 1, BUILD_IO_ERROR = 2 };

// What must outlive a build: diagnostics point into the source texts and into
// capability templates loaded in the arena. Release it after printing them.
struct build_source {
	struct src_file file; // points at name and text below
	char *name;
	char *text;
};
struct build_session {
	struct arena arena;
	struct build_source **sources;
	size_t n_sources, alloc_sources;
};
void build_session_init(struct build_session *s);
void build_session_release(struct build_session *s);

// Runs the request. Diagnostics about the input go to `d`; I/O problems (unreadable
// file, unwritable output) are returned as BUILD_IO_ERROR with a message in `err`.
// `files` receives the artifacts (for tests and `check`); may be NULL.
enum build_status build_run(struct build_session *s, const struct build_request *req, struct diag *d,
			    struct strbuf *err, struct artifact_set *files);

// Compiles one intent held in memory (for the whole-pipeline fuzz target and
// tests): the same stages as build_run for one file, no commit. The text is copied.
bool build_compile_text(struct build_session *s, const char *name, const char *text, size_t len,
			const struct build_request *req, struct diag *d, struct artifact_set *out);

#endif
