// The INF reader: SetupAPI's syntax as secedit and GPMC files use it.
//
//   - Lines end at LF; CR counts as white space, so CRLF and LF files read alike.
//     Ctrl-Z (0x1A) ends the file, as in SetupAPI.
//   - "[name]" starts a section; the name runs to the first ']' and the rest of
//     that line is ignored. Sections with the same name (case-insensitive) merge.
//   - ';' outside quotes starts a comment that runs to the end of the line.
//   - Other lines are "key = field, field, ..." or, without an '=' before the first
//     ',', just fields. White space around keys and fields is trimmed; text in
//     double quotes is kept as is, with "" standing for one '"'. Quoted and plain
//     parts of one field join up ("a"b is ab).
//   - '\' followed by nothing but white space (or a comment) before the line end
//     joins the next line; any other '\' is an ordinary character.
//
// Departures from SetupAPI, each an error with line and column instead of a
// silent repair: a line before the first section, a section name without ']' or
// longer than 255 characters, a quote without its closing quote, a NUL character.
// Only ASCII white space is trimmed.

#include "formats/inf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct iparser {
	const struct text *t;
	struct inf_doc *d;
	struct fmt_error *err;
	size_t i;          // current position
	size_t end;        // end of the text (first Ctrl-Z or t->n)
	size_t ls;         // start of the current physical line
	uint32_t line;     // its number
	struct inf_section *cur;
};

static bool ierr(struct iparser *p, size_t pos, const char *fmt, ...) GPOC_PRINTF(3, 4);
static bool ierr(struct iparser *p, size_t pos, const char *fmt, ...)
{
	char msg[sizeof(p->err->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fmt_error_set(p->err, p->line, text_col(p->t, p->ls, pos), 0, "%s", msg);
	return false;
}

static bool is_ws(uint16_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool at_eol(const struct iparser *p, size_t i)
{
	return i >= p->end || p->t->u[i] == '\n';
}

// Moves past the '\n' at p->i (if any) to the next physical line.
static void newline(struct iparser *p)
{
	if (p->i < p->end && p->t->u[p->i] == '\n') {
		p->i++;
		p->line++;
		p->ls = p->i;
	}
}

static void skip_to_eol(struct iparser *p)
{
	while (!at_eol(p, p->i))
		p->i++;
}

// If p->i is at a '\' that continues the line, consumes it, the rest of the line
// and the next line's leading white space, and returns true.
static bool continuation(struct iparser *p)
{
	size_t k = p->i + 1;
	while (!at_eol(p, k) && is_ws(p->t->u[k]))
		k++;
	if (!at_eol(p, k) && p->t->u[k] != ';')
		return false;
	p->i = k;
	skip_to_eol(p);
	newline(p);
	while (!at_eol(p, p->i) && is_ws(p->t->u[p->i]))
		p->i++;
	return true;
}

struct token {
	struct strbuf units; // UTF-16LE bytes of the field so far
	size_t keep;         // bytes up to the last character that is not trimmable
	bool quoted;
	bool started;        // something other than leading white space was seen
	uint32_t col;
	uint32_t line;
};

static const char *token_text(struct iparser *p, struct token *tk, size_t pos)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = NULL;
	size_t n = tk->keep / 2;
	uint16_t *u = xmalloc((n ? n : 1) * sizeof(*u));
	for (size_t k = 0; k < n; k++)
		u[k] = get_le16((const uint8_t *)tk->units.buf + 2 * k);
	if (u16_to_utf8(u, n, &sb))
		s = arena_strndup(&p->d->arena, sb.buf, sb.len);
	else
		ierr(p, pos, "text holds an unpaired UTF-16 surrogate");
	free(u);
	strbuf_release(&sb);
	return s;
}

static void token_reset(struct iparser *p, struct token *tk)
{
	strbuf_reset(&tk->units);
	tk->keep = 0;
	tk->quoted = tk->started = false;
	tk->col = text_col(p->t, p->ls, p->i);
	tk->line = p->line;
}

// One "key = fields" or fields-only line starting at p->i (not white space).
static bool parse_entry(struct iparser *p)
{
	const uint16_t *u = p->t->u;
	struct token tk;
	strbuf_init(&tk.units, 0);
	struct inf_line *l = inf_add_line(p->d, p->cur, NULL);
	l->line = p->line;
	bool first_field = true, ok = true;
	token_reset(p, &tk);
	for (;;) {
		bool eol = at_eol(p, p->i);
		uint16_t c = eol ? 0 : u[p->i];
		if (eol || c == ';' || c == ',' || (c == '=' && first_field && !l->key)) {
			const char *text = token_text(p, &tk, p->i);
			if (!text) {
				ok = false;
				break;
			}
			if (c == '=' && first_field && !l->key) {
				l->key = text;
				l->spaced = tk.units.len > tk.keep;
			} else {
				inf_add_field(p->d, l, text, tk.quoted);
				l->fields[l->n - 1].col = tk.col;
				first_field = false;
			}
			if (eol || c == ';')
				break;
			p->i++;
			token_reset(p, &tk);
			continue;
		}
		if (c == 0) {
			ok = ierr(p, p->i, "NUL character in the text; an INF file is text");
			break;
		}
		if (c == '\\' && continuation(p)) {
			// White space before the '\\' is trimmed, as at the end of a field.
			strbuf_setlen(&tk.units, tk.keep);
			continue;
		}
		if (c == '"') {
			size_t open = p->i++;
			for (;;) {
				if (at_eol(p, p->i)) {
					ok = ierr(p, open, "quoted text has no closing '\"' on its line");
					goto out;
				}
				if (u[p->i] == '"') {
					if (p->i + 1 < p->end && u[p->i + 1] == '"') {
						strbuf_add_le16(&tk.units, '"');
						p->i += 2;
						continue;
					}
					p->i++;
					break;
				}
				if (u[p->i] == 0) {
					ok = ierr(p, p->i, "NUL character in the text; an INF file is text");
					goto out;
				}
				strbuf_add_le16(&tk.units, u[p->i++]);
			}
			tk.quoted = tk.started = true;
			tk.keep = tk.units.len;
			continue;
		}
		if (is_ws(c) && !tk.started) {
			p->i++;
			if (!tk.units.len)
				tk.col = text_col(p->t, p->ls, p->i);
			continue;
		}
		strbuf_add_le16(&tk.units, c);
		if (!is_ws(c)) {
			tk.started = true;
			tk.keep = tk.units.len;
		}
		p->i++;
	}
out:
	strbuf_release(&tk.units);
	skip_to_eol(p);
	return ok;
}

bool inf_read(const uint8_t *bytes, size_t len, struct inf_doc *out, struct fmt_error *err)
{
	struct text t;
	inf_doc_init(out);
	if (!text_decode(bytes, len, &t, err))
		return false;
	struct iparser p = { .t = &t, .d = out, .err = err, .line = 1, .end = t.n };
	for (size_t k = 0; k < t.n; k++)
		if (t.u[k] == 0x1A) {
			p.end = k;
			break;
		}
	bool ok = true;
	while (ok && p.i < p.end) {
		const uint16_t *u = t.u;
		while (!at_eol(&p, p.i) && is_ws(u[p.i]))
			p.i++;
		if (at_eol(&p, p.i)) {
			newline(&p);
			continue;
		}
		if (u[p.i] == ';') {
			skip_to_eol(&p);
		} else if (u[p.i] == '[') {
			size_t s = ++p.i;
			while (!at_eol(&p, p.i) && u[p.i] != ']')
				p.i++;
			if (at_eol(&p, p.i)) {
				ok = ierr(&p, s - 1, "section name has no closing ']'");
				break;
			}
			if (text_col(&t, s, p.i) - 1 > INF_MAX_SECTION_NAME) {
				ok = ierr(&p, s, "section name is longer than %d characters", INF_MAX_SECTION_NAME);
				break;
			}
			struct strbuf sb = STRBUF_INIT;
			bool good = true;
			for (size_t k = s; k < p.i; k++)
				if (!u[k])
					good = ierr(&p, k, "NUL character in the text; an INF file is text");
			if (good && !u16_to_utf8(u + s, p.i - s, &sb))
				good = ierr(&p, s, "section name holds an unpaired UTF-16 surrogate");
			if (good) {
				p.cur = inf_section(out, sb.buf);
				if (!p.cur->line)
					p.cur->line = p.line;
			}
			strbuf_release(&sb);
			if (!(ok = good))
				break;
			skip_to_eol(&p); // SetupAPI ignores the rest of a section line
		} else if (!p.cur) {
			ok = ierr(&p, p.i, "line outside any section; expected a '[Section]' line first");
			break;
		} else {
			ok = parse_entry(&p);
		}
		newline(&p);
	}
	// Each section's style, for writing it back alike: that of its first key line.
	for (size_t i = 0; ok && i < out->n; i++) {
		struct inf_section *s = out->sections[i];
		for (size_t k = 0; k < s->n; k++)
			if (s->lines[k].key) {
				s->spaced = s->lines[k].spaced;
				break;
			}
	}
	text_release(&t);
	return ok;
}
