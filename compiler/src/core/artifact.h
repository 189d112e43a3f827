#ifndef GPOC_CORE_ARTIFACT_H
#define GPOC_CORE_ARTIFACT_H

// The files a build produces, held in memory until every one of them has been
// rendered and validated; only then does the commit step write them (atomically).

#include <stddef.h>

#include "core/strbuf.h"

struct artifact {
	char *path;          // relative to the output directory, '/'-separated, no ".."
	struct strbuf bytes; // exact file content
};

// Artifacts are allocated one by one, so the strbuf artifact_add() returns stays
// where it is while more artifacts are added.
struct artifact_set {
	struct artifact **v;
	size_t n, alloc;
};

void artifact_set_init(struct artifact_set *s);
void artifact_set_release(struct artifact_set *s);
// A new, empty file at `path`; BUG() if the path is already taken or is not relative.
struct strbuf *artifact_add(struct artifact_set *s, const char *path);
// artifact_add() with `bytes` as its content, taken over without a copy (renderers
// build tens of megabytes); `bytes` is left empty.
void artifact_add_buf(struct artifact_set *s, const char *path, struct strbuf *bytes);
// The artifact at `path`, or NULL.
const struct artifact *artifact_find(const struct artifact_set *s, const char *path);
// Sorts by path (for deterministic listings and commits).
void artifact_set_sort(struct artifact_set *s);

#endif
