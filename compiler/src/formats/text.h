#ifndef GPOC_FORMATS_TEXT_H
#define GPOC_FORMATS_TEXT_H

// The shared core of the text formats (.reg and GptTmpl.inf), after cmark's
// rendering core: the writers emit UTF-16LE with a BOM and CRLF line ends through
// one small writer that counts columns in UTF-16 code units (the unit regedit wraps
// hex lines by); the readers decode a whole file into UTF-16 code units first, so
// one parser serves UTF-16LE files and 8-bit (UTF-8) files alike.
//
// Errors from every reader and writer of this module are a `struct fmt_error`:
// a position (line and column for text, byte offset for binary formats) and a
// message in the project's style. User text quoted in a message goes through
// fmt_quote(), which escapes control bytes and shortens long text, so a hostile
// file cannot drive a terminal or flood a log.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "core/util.h"

struct fmt_error {
	uint32_t line, col; // 1-based; 0 when the error is not tied to a line
	size_t offset;      // byte offset into the input, when known
	char message[256];
};

void fmt_error_set(struct fmt_error *e, uint32_t line, uint32_t col, size_t offset, const char *fmt, ...)
	GPOC_PRINTF(5, 6);
// Appends `s` for a message, without the surrounding quotes: control bytes, DEL
// and invalid UTF-8 as \xNN, cut after 48 characters with "...".
void fmt_quote(struct strbuf *sb, const char *s, size_t len);
// fmt_quote() into a rotating per-thread buffer (four slots), for use inside one message.
const char *fmt_q(const char *s);
const char *fmt_qn(const char *s, size_t len);

// --- Decoding ---
enum text_encoding { TEXT_UTF16LE, TEXT_UTF8 };

struct text {
	enum text_encoding enc;
	bool bom;      // the file began with a byte order mark
	uint16_t *u;   // the file's characters as UTF-16 code units, BOM removed
	size_t n;
	size_t header; // bytes of BOM
};

// FF FE: UTF-16LE. EF BB BF or no BOM: UTF-8 (which 8-bit files must be: gpoc does
// not guess an ANSI code page). FE FF (UTF-16BE) and malformed input are errors
// with a line and column.
bool text_decode(const uint8_t *p, size_t len, struct text *t, struct fmt_error *err);
void text_release(struct text *t);
// 1-based column of u[pos] on the line that starts at u[line_start], in characters
// (a surrogate pair counts once).
uint32_t text_col(const struct text *t, size_t line_start, size_t pos);
// Appends u[0..n) as UTF-8. False on an unpaired surrogate (nothing is appended
// for it); NUL is converted like any other character.
bool u16_to_utf8(const uint16_t *u, size_t n, struct strbuf *out);

// --- Writing ---
struct u16_writer {
	struct strbuf *out;
	size_t col; // UTF-16 code units written since the last line break
};

// Writes the BOM FF FE.
void u16w_begin(struct u16_writer *w, struct strbuf *out);
// `s` must be valid UTF-8 (callers validate user text first).
void u16w_add(struct u16_writer *w, const char *s, size_t len);
void u16w_str(struct u16_writer *w, const char *s);
void u16w_ch(struct u16_writer *w, char c);
void u16w_crlf(struct u16_writer *w);
// UTF-16 code units of valid UTF-8 `s`.
size_t utf16_units(const char *s, size_t len);

#endif
