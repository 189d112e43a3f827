#ifndef GPOC_CORE_DIAG_H
#define GPOC_CORE_DIAG_H

// Diagnostics: every message carries its place in a source file.
//
// Stages never print. They add entries to a `struct diag`, and keep going so that
// all errors of a file are reported at once; the CLI prints the collection in the
// format asked for (gcc-style text here; JSON and SARIF in render/). Messages follow
// git's guidelines: lowercase first word, no full stop, the problem first, the subject
// in quotes. User text inside a message is printed with control bytes escaped, so a
// hostile file cannot drive the terminal.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/util.h"

// A source file whose text stays alive as long as any position pointing into it.
struct src_file {
	const char *name; // as given on the command line ("-" reads as "<stdin>")
	const char *text;
	size_t len;
};

// 1-based line and column (columns count characters, as libyaml's marks do).
// line == 0 means "the file as a whole"; file == NULL means "no file at all".
struct src_pos {
	const struct src_file *file;
	uint32_t line, col;
};

enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

struct diag_entry {
	enum diag_severity severity;
	struct src_pos pos;
	char *rule;    // lint rule ID ("GPOC-W001") or NULL
	char *message;
	char *hint;    // how to fix it, or NULL
};

struct diag {
	struct diag_entry *v;
	size_t n, alloc;
	size_t errors, warnings;
	size_t dropped; // entries beyond DIAG_MAX_ENTRIES, counted but not kept
};

// A flood of errors from one broken file helps nobody; the rest are counted.
enum { DIAG_MAX_ENTRIES = 500 };

void diag_init(struct diag *d);
void diag_release(struct diag *d);

void diag_error(struct diag *d, struct src_pos pos, const char *fmt, ...) GPOC_PRINTF(3, 4);
void diag_warning(struct diag *d, struct src_pos pos, const char *fmt, ...) GPOC_PRINTF(3, 4);
void diag_note(struct diag *d, struct src_pos pos, const char *fmt, ...) GPOC_PRINTF(3, 4);
void diag_add(struct diag *d, enum diag_severity sev, struct src_pos pos, const char *rule,
	      const char *hint, const char *fmt, ...) GPOC_PRINTF(6, 7);
void diag_vadd(struct diag *d, enum diag_severity sev, struct src_pos pos, const char *rule,
	       const char *hint, const char *fmt, va_list ap) GPOC_PRINTF(6, 0);

// "error", "warning" or "note" (also SARIF's level names).
const char *diag_severity_name(enum diag_severity s);

// Moves all entries of `from` to the end of `to`.
void diag_append(struct diag *to, struct diag *from);

// "file:line:col: error: message", then the source line and a caret under the column.
void diag_print_gcc(const struct diag *d, FILE *out);
void diag_print_entry_gcc(const struct diag_entry *e, FILE *out);

// Writes `s` for a terminal or a log: control bytes and invalid UTF-8 become \xNN.
void fputs_escaped(const char *s, FILE *out);

// The text of line `line` (1-based) of `f`, without its line break; NULL if absent.
const char *src_line(const struct src_file *f, uint32_t line, size_t *len);

static inline struct src_pos src_pos_make(const struct src_file *f, uint32_t line, uint32_t col)
{
	struct src_pos p = { f, line, col };
	return p;
}

#endif
