#include "core/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/utf.h"

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void diag_release(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].rule);
		free(d->v[i].message);
		free(d->v[i].hint);
	}
	free(d->v);
	diag_init(d);
}

void diag_vadd(struct diag *d, enum diag_severity sev, struct src_pos pos, const char *rule,
	       const char *hint, const char *fmt, va_list ap)
{
	if (sev == DIAG_ERROR)
		d->errors++;
	else if (sev == DIAG_WARNING)
		d->warnings++;
	if (d->n >= DIAG_MAX_ENTRIES) {
		d->dropped++;
		return;
	}
	GROW(d->v, d->alloc, d->n + 1);
	struct diag_entry *e = &d->v[d->n++];
	struct strbuf sb = STRBUF_INIT;
	strbuf_vaddf(&sb, fmt, ap);
	e->severity = sev;
	e->pos = pos;
	e->rule = rule ? xstrdup(rule) : NULL;
	e->hint = hint ? xstrdup(hint) : NULL;
	e->message = strbuf_detach(&sb, NULL);
}

void diag_add(struct diag *d, enum diag_severity sev, struct src_pos pos, const char *rule,
	      const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, sev, pos, rule, hint, fmt, ap);
	va_end(ap);
}

#define DEFINE_DIAG_FN(fn, sev)                                              \
	void fn(struct diag *d, struct src_pos pos, const char *fmt, ...)    \
	{                                                                    \
		va_list ap;                                                  \
		va_start(ap, fmt);                                           \
		diag_vadd(d, sev, pos, NULL, NULL, fmt, ap);                 \
		va_end(ap);                                                  \
	}
DEFINE_DIAG_FN(diag_error, DIAG_ERROR)
DEFINE_DIAG_FN(diag_warning, DIAG_WARNING)
DEFINE_DIAG_FN(diag_note, DIAG_NOTE)

void diag_append(struct diag *to, struct diag *from)
{
	for (size_t i = 0; i < from->n; i++) {
		if (to->n >= DIAG_MAX_ENTRIES) {
			to->dropped++;
			free(from->v[i].rule);
			free(from->v[i].message);
			free(from->v[i].hint);
			continue;
		}
		GROW(to->v, to->alloc, to->n + 1);
		to->v[to->n++] = from->v[i];
	}
	to->errors += from->errors;
	to->warnings += from->warnings;
	to->dropped += from->dropped;
	free(from->v);
	diag_init(from);
}

static bool is_terminal_control(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

static void put_escaped(const char *s, size_t len, FILE *out)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			uint32_t cp;
			int n = utf8_decode((const uint8_t *)s + i, len - i, &cp);
			// C1 controls (U+0080-009F: CSI and friends) drive terminals like
			// ESC does, and bidi controls reorder what a reader sees: both are
			// shown as \u{...} instead of being passed through.
			if (n > 0 && is_terminal_control(cp)) {
				fprintf(out, "\\u{%04x}", (unsigned)cp);
				i += (size_t)n;
				continue;
			}
			if (n > 0) {
				fwrite(s + i, 1, (size_t)n, out);
				i += (size_t)n;
				continue;
			}
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f || c >= 0x80)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
		i++;
	}
}

void fputs_escaped(const char *s, FILE *out)
{
	put_escaped(s, strlen(s), out);
}

const char *src_line(const struct src_file *f, uint32_t line, size_t *len)
{
	if (!f || !f->text || line == 0)
		return NULL;
	const char *p = f->text, *end = f->text + f->len;
	for (uint32_t l = 1; l < line; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	if (p == end) {
		*len = 0; // a position just past the last line break
		return p;
	}
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
	if (n && p[n - 1] == '\r')
		n--;
	*len = n;
	return p;
}

const char *diag_severity_name(enum diag_severity s)
{
	switch (s) {
	case DIAG_ERROR: return "error";
	case DIAG_WARNING: return "warning";
	case DIAG_NOTE: return "note";
	}
	return "error";
}

// Source lines longer than this are shown as a window around the column.
enum { SHOW_MAX = 160 };

static void print_source_line(const struct src_pos *pos, FILE *out)
{
	size_t len;
	const char *line = src_line(pos->file, pos->line, &len);
	if (!line)
		return;
	// Walk characters to find the byte offset of the column.
	size_t byte = 0;
	uint32_t col = 1;
	while (byte < len && col < pos->col) {
		uint32_t cp;
		int n = utf8_decode((const uint8_t *)line + byte, len - byte, &cp);
		byte += n > 0 ? (size_t)n : 1;
		col++;
	}
	size_t start = 0;
	if (byte > SHOW_MAX / 2) {
		start = byte - SHOW_MAX / 2;
		while (start < byte && ((unsigned char)line[start] & 0xC0) == 0x80)
			start++;
	}
	size_t stop = len - start > SHOW_MAX ? start + SHOW_MAX : len;
	while (stop > byte && stop < len && ((unsigned char)line[stop] & 0xC0) == 0x80)
		stop--;
	fputs("    ", out);
	if (start)
		fputs("...", out);
	put_escaped(line + start, stop - start, out);
	if (stop < len)
		fputs("...", out);
	fputc('\n', out);
	fputs("    ", out);
	if (start)
		fputs("   ", out);
	// The caret row mirrors the shown text: tabs stay tabs, escapes take their width.
	size_t i = start;
	while (i < byte) {
		unsigned char c = (unsigned char)line[i];
		uint32_t cp;
		int n = c >= 0x80 ? utf8_decode((const uint8_t *)line + i, len - i, &cp) : 1;
		if (c == '\t')
			fputc('\t', out);
		else if (c < 0x20 || c == 0x7f || n <= 0)
			fputs("    ", out);
		else if (c >= 0x80 && is_terminal_control(cp))
			fputs("        ", out);
		else
			fputc(' ', out);
		i += n > 0 ? (size_t)n : 1;
	}
	fputs("^\n", out);
}

void diag_print_entry_gcc(const struct diag_entry *e, FILE *out)
{
	if (e->pos.file) {
		fputs_escaped(e->pos.file->name, out);
		if (e->pos.line)
			fprintf(out, ":%u:%u", e->pos.line, e->pos.col ? e->pos.col : 1);
		fputs(": ", out);
	} else {
		fputs("gpoc: ", out);
	}
	fprintf(out, "%s: ", diag_severity_name(e->severity));
	fputs_escaped(e->message, out);
	if (e->rule)
		fprintf(out, " [%s]", e->rule);
	fputc('\n', out);
	if (e->pos.file && e->pos.line)
		print_source_line(&e->pos, out);
	if (e->hint) {
		fputs("    hint: ", out);
		fputs_escaped(e->hint, out);
		fputc('\n', out);
	}
}

void diag_print_gcc(const struct diag *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++)
		diag_print_entry_gcc(&d->v[i], out);
	if (d->dropped)
		fprintf(out, "gpoc: note: %zu more diagnostics not shown\n", d->dropped);
}
