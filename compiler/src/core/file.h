#ifndef GPOC_CORE_FILE_H
#define GPOC_CORE_FILE_H

// Reading input files whole. "-" means standard input. A limit guards against
// being handed /dev/zero or a multi-gigabyte file: the intent loader's own limit is
// smaller, this one only keeps memory bounded.

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

enum { FILE_READ_MAX = 64 * 1024 * 1024 };

// Appends the file's bytes to `out`. On failure returns false with a message like
// "cannot read 'x': No such file or directory" in `err`.
bool read_file(const char *path, struct strbuf *out, struct strbuf *err);

#endif
