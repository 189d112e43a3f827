// Text decoding and UTF-16LE writing shared by the .reg and GptTmpl.inf code; see
// text.h for why one core serves both.

#include "formats/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf.h"

void fmt_error_set(struct fmt_error *e, uint32_t line, uint32_t col, size_t offset, const char *fmt, ...)
{
	if (!e)
		return;
	e->line = line;
	e->col = col;
	e->offset = offset;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
}

void fmt_quote(struct strbuf *sb, const char *s, size_t len)
{
	size_t i = 0, chars = 0;
	while (i < len) {
		if (chars == 48) {
			strbuf_addstr(sb, "...");
			return;
		}
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		int n;
		if (c < 0x20 || c == 0x7f) {
			strbuf_addf(sb, "\\x%02x", c);
			i++;
		} else if (c < 0x80) {
			strbuf_addch(sb, c);
			i++;
		} else if ((n = utf8_decode((const uint8_t *)s + i, len - i, &cp)) > 0) {
			strbuf_add(sb, s + i, (size_t)n);
			i += (size_t)n;
		} else {
			strbuf_addf(sb, "\\x%02x", c);
			i++;
		}
		chars++;
	}
}

const char *fmt_qn(const char *s, size_t len)
{
	// Four slots: a message quotes at most a few subjects. Per thread, so that
	// library users compiling on several threads do not share them.
	static _Thread_local char slots[4][200];
	static _Thread_local unsigned next;
	char *slot = slots[next++ % 4];
	struct strbuf sb = STRBUF_INIT;
	fmt_quote(&sb, s, len);
	snprintf(slot, sizeof(slots[0]), "%s", sb.buf);
	strbuf_release(&sb);
	return slot;
}

const char *fmt_q(const char *s)
{
	return fmt_qn(s, strlen(s));
}

// Position (line, column) of byte `off` in 8-bit text, for decoding errors.
static void byte_pos(const uint8_t *p, size_t off, uint32_t *line, uint32_t *col)
{
	uint32_t l = 1, c = 1;
	for (size_t i = 0; i < off; i++) {
		if (p[i] == '\n' || (p[i] == '\r' && (i + 1 >= off || p[i + 1] != '\n'))) {
			l++;
			c = 1;
		} else if (p[i] != '\r' && (p[i] & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

bool text_decode(const uint8_t *p, size_t len, struct text *t, struct fmt_error *err)
{
	memset(t, 0, sizeof(*t));
	if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		fmt_error_set(err, 1, 1, 0, "file is UTF-16 big-endian; expected UTF-16LE (FF FE) or UTF-8");
		return false;
	}
	if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		t->enc = TEXT_UTF16LE;
		t->bom = true;
		t->header = 2;
		size_t body = len - 2;
		t->n = body / 2;
		t->u = xmalloc((t->n ? t->n : 1) * sizeof(uint16_t));
		for (size_t i = 0; i < t->n; i++)
			t->u[i] = get_le16(p + 2 + 2 * i);
		if (body % 2) {
			uint32_t line = 1;
			size_t start = 0;
			for (size_t i = 0; i < t->n; i++)
				if (t->u[i] == '\n' || (t->u[i] == '\r' && (i + 1 >= t->n || t->u[i + 1] != '\n'))) {
					line++;
					start = i + 1;
				}
			fmt_error_set(err, line, text_col(t, start, t->n), len - 1,
				      "file ends in the middle of a UTF-16 character (odd byte count %zu)", len);
			text_release(t);
			return false;
		}
		return true;
	}
	t->enc = TEXT_UTF8;
	size_t i = 0;
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		t->bom = true;
		t->header = 3;
		i = 3;
	}
	// At most one code unit per byte.
	t->u = xmalloc((len - i + 1) * sizeof(uint16_t));
	while (i < len) {
		uint32_t cp;
		if (p[i] < 0x80) {
			t->u[t->n++] = p[i++];
			continue;
		}
		int k = utf8_decode(p + i, len - i, &cp);
		if (k < 0) {
			uint32_t line, col;
			byte_pos(p + t->header, i - t->header, &line, &col);
			fmt_error_set(err, line, col, i,
				      "byte 0x%02x is not valid UTF-8; gpoc reads 8-bit files as UTF-8 "
				      "(save the file as UTF-8 or UTF-16LE)",
				      p[i]);
			text_release(t);
			return false;
		}
		i += (size_t)k;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			t->u[t->n++] = (uint16_t)(0xD800 | (cp >> 10));
			t->u[t->n++] = (uint16_t)(0xDC00 | (cp & 0x3FF));
		} else {
			t->u[t->n++] = (uint16_t)cp;
		}
	}
	return true;
}

void text_release(struct text *t)
{
	free(t->u);
	memset(t, 0, sizeof(*t));
}

uint32_t text_col(const struct text *t, size_t line_start, size_t pos)
{
	uint32_t col = 1;
	for (size_t i = line_start; i < pos && i < t->n; i++)
		if (!(t->u[i] >= 0xDC00 && t->u[i] <= 0xDFFF && i > line_start && t->u[i - 1] >= 0xD800 &&
		      t->u[i - 1] <= 0xDBFF))
			col++;
	return col;
}

bool u16_to_utf8(const uint16_t *u, size_t n, struct strbuf *out)
{
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = u[i];
		if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF) {
			strbuf_add_utf8(out, 0x10000 + ((c - 0xD800) << 10) + (u[i + 1] - 0xDC00u));
			i++;
		} else if (c >= 0xD800 && c <= 0xDFFF) {
			ok = false;
		} else {
			strbuf_add_utf8(out, c);
		}
	}
	return ok;
}

void u16w_begin(struct u16_writer *w, struct strbuf *out)
{
	w->out = out;
	w->col = 0;
	strbuf_add(out, "\xFF\xFE", 2);
}

void u16w_add(struct u16_writer *w, const char *s, size_t len)
{
	size_t before = w->out->len;
	utf8_to_utf16le(w->out, s, len);
	w->col += (w->out->len - before) / 2;
}

void u16w_str(struct u16_writer *w, const char *s)
{
	u16w_add(w, s, strlen(s));
}

void u16w_ch(struct u16_writer *w, char c)
{
	strbuf_add_le16(w->out, (uint16_t)(unsigned char)c);
	w->col++;
}

void u16w_crlf(struct u16_writer *w)
{
	strbuf_add(w->out, "\r\0\n\0", 4);
	w->col = 0;
}

size_t utf16_units(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xC0) == 0x80)
			continue;
		n += (c >= 0xF0) ? 2 : 1;
	}
	return n;
}
