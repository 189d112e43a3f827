#ifndef GPOC_IMPORTER_YAML_OUT_H
#define GPOC_IMPORTER_YAML_OUT_H

// Writing YAML that reads back exactly: the scalars and comments `gpoc import`
// emits. Everything that comes from an imported file (rule names, registry paths,
// value data) goes through yaml_add_scalar(), so no byte of it can become YAML
// syntax: a ': ', '#', a leading '-' or '*', 'yes' or '~' is text inside quotes,
// and a line break is an escape, never the end of a line.
//
// The only style decisions are these two:
// - single quotes ('it''s') when every character is one YAML prints as itself
//   inside them: printable ASCII and the printable non-ASCII code points, less the
//   ones YAML 1.1 folds as line breaks (U+0085, U+2028, U+2029) and U+FEFF (a
//   byte order mark libyaml may drop);
// - double quotes with escapes otherwise (\t, \n, \r, \xNN, \uNNNN, \UNNNNNNNN,
//   \\ and \"), which libyaml decodes to the same code points.
// Plain scalars are never written for data: whether `no` or `1e3` stays a string
// depends on the reader, a quoted scalar does not.

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "core/strbuf.h"

/**
 * Appends `s` (len bytes) as a quoted YAML flow scalar. Returns false and appends
 * nothing when `s` is not valid UTF-8 or holds a NUL: the intent loader refuses NUL
 * in strings, so such a value cannot be carried by an intent at all.
 */
bool yaml_add_scalar(struct strbuf *out, const char *s, size_t len);
static inline bool yaml_add_scalar_str(struct strbuf *out, const char *s)
{
	return yaml_add_scalar(out, s, strlen(s));
}

/** True if yaml_add_scalar() would write `s` in single quotes. */
bool yaml_single_quotable(const char *s, size_t len);

/**
 * Appends `s` for use after '# ' in a comment, on one line whatever it holds:
 * characters YAML would end the line at (CR, LF, U+0085, U+2028, U+2029), control
 * characters, U+FEFF and invalid UTF-8 are written as escapes (\n, \xNN, \u2028),
 * so a comment can quote hostile text without that text starting a line of YAML.
 * A '\' stays as it is (registry paths are full of them): a comment is read by
 * people only, so an escape in it need not be unambiguous. Nothing is appended
 * past `max` input bytes; "..." marks the cut.
 */
void yaml_add_comment_text(struct strbuf *out, const char *s, size_t len, size_t max);

#endif
