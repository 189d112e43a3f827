#ifndef GPOC_API_COMMIT_H
#define GPOC_API_COMMIT_H

// The commit step: the only code in gpoc that writes output files.
//
// The whole artifact set is written into a fresh temporary directory beside the
// output directory, which then takes the output directory's place in one rename
// (renameat2 RENAME_EXCHANGE where the file system supports it). Until that rename
// nothing under DIR changes; if anything fails before it, the temporary directory
// is removed and DIR is exactly as it was (or still absent).
//
// A build replaces DIR as a whole, so gpoc refuses to replace a non-empty directory
// it did not create: each output directory carries a marker file, COMMIT_MARKER.

#include <stdbool.h>

#include "core/artifact.h"
#include "core/strbuf.h"

#define COMMIT_MARKER ".gpoc-output"

bool commit_artifacts(const char *dir, const struct artifact_set *set, struct strbuf *err);

// Removes a directory tree (no symlinks followed). Returns false with a message.
bool remove_tree(const char *path, struct strbuf *err);

#endif
