#ifndef GPOC_REVIEW_DEPFILE_H
#define GPOC_REVIEW_DEPFILE_H

// Dependency files for `gpoc build --depfile FILE` (docs/lint.md, "Depfiles"): a
// make rule naming the build's output and every file the build read (the intent,
// capability templates, baselines), so make and ninja rebuild when any of them
// changes. The same text must mean the same file names to GNU make and to ninja;
// a name the two cannot both read back exactly is refused, never written wrongly.

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

// Appends `name` escaped for a depfile. False (nothing appended) with a message in
// `err` if the name cannot be written so that make and ninja both read it back.
bool depfile_escape(const char *name, struct strbuf *out, struct strbuf *err);

// The whole depfile: "target: \\\n  file \\\n  file\n", then an empty rule per file
// (as gcc -MP writes) so that make does not fail once a file is deleted. Duplicate
// files are listed once, in first-seen order.
bool depfile_format(const char *target, const char *const *files, size_t n, struct strbuf *out,
		    struct strbuf *err);

// Formats and writes the depfile to `path` (through a temporary file renamed into
// place, so a reader never sees half of it). False with a message in `err`.
bool depfile_write(const char *path, const char *target, const char *const *files, size_t n,
		   struct strbuf *err);

#endif
