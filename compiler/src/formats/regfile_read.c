// The .reg reader: "Windows Registry Editor Version 5.00" and "REGEDIT4" files.
//
// The grammar follows what regedit accepts (Wine's regedit, whose conformance tests
// run against Windows, is the executable reference; docs/formats.md lists the cases):
//
//   file     = header EOL *(line EOL)
//   header   = *WS ("Windows Registry Editor Version 5.00" / "REGEDIT4")
//   line     = *WS ( "" / ";" comment / "[" ["-"] hive ["\" path] "]" tail
//                  / ("@" / quoted) *WS "=" *WS data tail )
//   data     = "-" / quoted / "dword:" *WS 1*8HEX / ("hex:" / "hex(" 1*8HEX "):") hexlist
//   hexlist  = [byte *("," [byte])] with "\" after a comma (or first) continuing the
//              list on the next line that is not blank or a comment
//   tail     = *WS [";" anything]
//   quoted   = DQUOTE *(char / "\\" / "\"") DQUOTE
//
// Lines end at CR, LF or CRLF; the key name ends at the last ']' on its line. Where
// regedit silently skips a line it cannot parse, this reader stops with an error at
// the line and column: a reviewer decoding a file should see everything it says.
// Values are returned as regedit stores them (regfile.h); a trailing "; comment"
// after data and comments between hex continuation lines are not kept.

#include "formats/regfile.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/utf.h"
#include "formats/registry.h"

struct rparser {
	const struct text *t;
	struct reg_doc *d;
	struct fmt_error *err;
	size_t next;       // start of the line after the current one
	size_t ls, le;     // current line [ls, le)
	uint32_t line;     // its 1-based number
	bool have_key;     // a [key] line is open
	bool after_delete; // the last key line was [-key]
	enum reg_hive hive;
	char *key; // the open key's path (in the document's arena)
	struct strbuf data;
};

static bool perr(struct rparser *p, size_t pos, const char *fmt, ...) GPOC_PRINTF(3, 4);
static bool perr(struct rparser *p, size_t pos, const char *fmt, ...)
{
	char msg[sizeof(p->err->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fmt_error_set(p->err, p->line, text_col(p->t, p->ls, pos), 0, "%s", msg);
	return false;
}

// Loads the next line; false at the end of the file. Fails (p->err set, *bad true)
// on a NUL character, which regedit would take as the end of the line.
static bool next_line(struct rparser *p, bool *bad)
{
	const uint16_t *u = p->t->u;
	size_t n = p->t->n, i = p->next;
	*bad = false;
	if (i >= n)
		return false;
	p->ls = i;
	p->line++;
	while (i < n && u[i] != '\r' && u[i] != '\n') {
		if (u[i] == 0) {
			p->le = i;
			*bad = true;
			perr(p, i, "NUL character in the text; a .reg file is text");
			return false;
		}
		i++;
	}
	p->le = i;
	if (i < n && u[i] == '\r' && i + 1 < n && u[i + 1] == '\n')
		i += 2;
	else if (i < n)
		i++;
	p->next = i;
	return true;
}

static size_t skip_ws(const struct rparser *p, size_t i)
{
	while (i < p->le && (p->t->u[i] == ' ' || p->t->u[i] == '\t'))
		i++;
	return i;
}

// After data or a key line: whitespace, then the end or a comment.
static bool expect_tail(struct rparser *p, size_t i, const char *after)
{
	i = skip_ws(p, i);
	if (i < p->le && p->t->u[i] != ';')
		return perr(p, i, "unexpected text after %s; expected the end of the line or a '; comment'", after);
	return true;
}

static bool match_ascii(const struct rparser *p, size_t i, const char *s)
{
	size_t n = strlen(s);
	if (p->le - i < n)
		return false;
	for (size_t k = 0; k < n; k++)
		if (p->t->u[i + k] != (unsigned char)s[k])
			return false;
	return true;
}

static int hexval(uint16_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

// Converts u[a..b) to UTF-8 in the arena; false (error at a) on an unpaired surrogate.
static const char *to_utf8(struct rparser *p, size_t a, size_t b, const char *what)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = NULL;
	if (u16_to_utf8(p->t->u + a, b - a, &sb))
		s = arena_strndup(&p->d->arena, sb.buf, sb.len);
	else
		perr(p, a, "%s holds an unpaired UTF-16 surrogate", what);
	strbuf_release(&sb);
	return s;
}

static const char *const hive_list =
	"HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER, HKEY_CLASSES_ROOT or HKEY_USERS";

// "[" ["-"] hive ["\" path] "]" tail; i is just after '['.
static bool parse_key_line(struct rparser *p, size_t i)
{
	const uint16_t *u = p->t->u;
	size_t rb = p->le;
	while (rb > i && u[rb - 1] != ']')
		rb--;
	if (rb == i)
		return perr(p, p->le, "missing ']' at the end of the key line");
	rb--; // index of the last ']'
	if (i < rb && (u[i] == ' ' || u[i] == '\t'))
		return perr(p, i, "space before the key name; regedit ignores such a line");
	bool del = i < rb && u[i] == '-';
	if (del)
		i++;
	size_t hs = i;
	while (i < rb && u[i] != '\\')
		i++;
	char hname[24];
	size_t hlen = i - hs;
	enum reg_hive hive = HIVE_NONE;
	if (hlen < sizeof(hname)) {
		size_t k;
		for (k = 0; k < hlen && u[hs + k] < 0x80; k++)
			hname[k] = (char)u[hs + k];
		if (k == hlen)
			hive = reg_hive_from_name(hname, hlen);
	}
	if (hive == HIVE_NONE) {
		const char *name = to_utf8(p, hs, i, "hive name");
		if (!name)
			return false;
		return perr(p, hs, "unknown hive '%s'; expected %s", fmt_q(name), hive_list);
	}
	const char *path = "";
	if (i < rb) {
		size_t ps = ++i;
		for (size_t k = ps; k <= rb; k++)
			if (k == rb || u[k] == '\\') {
				if (k == ps || u[k - 1] == '\\')
					return perr(p, k, "empty key name component (leading, trailing or doubled '\\')");
			}
		if (!(path = to_utf8(p, ps, rb, "key name")))
			return false;
	}
	if (del && !*path)
		return perr(p, hs, "refusing to read a deletion of the whole hive '%s'", reg_hive_name(hive));
	if (!expect_tail(p, rb + 1, "the key line"))
		return false;
	if (del)
		reg_doc_delete_key(p->d, hive, path);
	else
		reg_doc_key(p->d, hive, path);
	p->d->ops[p->d->n - 1].line = p->line;
	p->have_key = !del;
	p->after_delete = del;
	p->hive = hive;
	p->key = p->d->ops[p->d->n - 1].v.key;
	return true;
}

// A quoted string starting at u[*i] == '"'. Appends the unescaped units to `out`
// (as UTF-16LE) and leaves *i after the closing quote.
static bool parse_quoted(struct rparser *p, size_t *i, struct strbuf *out, const char *what)
{
	const uint16_t *u = p->t->u;
	size_t k = *i + 1;
	for (;;) {
		if (k >= p->le)
			return perr(p, *i, "%s has no closing '\"'", what);
		uint16_t c = u[k];
		if (c == '"')
			break;
		if (c == '\\') {
			if (k + 1 >= p->le)
				return perr(p, k, "'\\' at the end of %s; write '\\\\' for a backslash", what);
			c = u[k + 1];
			if (c != '\\' && c != '"')
				return perr(p, k, "unsupported escape in %s; regedit knows only '\\\\' and '\\\"'",
					    what);
			k++;
		}
		strbuf_add_le16(out, c);
		k++;
	}
	*i = k + 1;
	return true;
}

// The hex list of a hex: or hex(N): value, starting at u[i] on the current line;
// may read continuation lines.
static bool parse_hexlist(struct rparser *p, size_t i)
{
	const uint16_t *u = p->t->u;
	for (;;) {
		// At the start of the list or just after a comma.
		i = skip_ws(p, i);
		if (i >= p->le || u[i] == ';')
			return true;
		if (u[i] == '\\') {
			if (!expect_tail(p, i + 1, "the continuation '\\'"))
				return false;
			bool bad;
			for (;;) {
				if (!next_line(p, &bad))
					return !bad; // the file ends: the value has what was read
				i = skip_ws(p, p->ls);
				if (i < p->le && u[i] != ';')
					break;
			}
			if (hexval(u[i]) < 0)
				return perr(p, i, "expected a hex byte to continue the value from the previous line");
			continue;
		}
		int h = hexval(u[i]);
		if (h < 0)
			return perr(p, i, "expected a hex byte such as '0a'");
		size_t start = i++;
		if (i < p->le && hexval(u[i]) >= 0)
			h = h * 16 + hexval(u[i++]);
		if (i < p->le && hexval(u[i]) >= 0)
			return perr(p, start, "hex byte has more than two digits");
		strbuf_addch(&p->data, h);
		i = skip_ws(p, i);
		if (i >= p->le || u[i] == ';')
			return true;
		if (u[i] != ',')
			return perr(p, i, "expected ',' after a hex byte");
		i++;
	}
}

// hex(1), hex(2) and hex(7) data as regedit stores it: with a terminator added when
// missing, converted from 8-bit text (UTF-8 here) to UTF-16LE in non-UTF-16 files.
static bool fix_string_hex(struct rparser *p, uint32_t type, size_t value_start, uint32_t value_line,
			   size_t value_ls)
{
	if (!p->data.len || (type != REGT_SZ && type != REGT_EXPAND_SZ && type != REGT_MULTI_SZ))
		return true;
	if (p->d->utf16) {
		if (p->data.len % 2 == 0 && get_le16((const uint8_t *)p->data.buf + p->data.len - 2) != 0)
			strbuf_add_le16(&p->data, 0);
		return true;
	}
	if (p->data.buf[p->data.len - 1] != 0)
		strbuf_addch(&p->data, 0);
	size_t bad;
	if (!utf8_valid(p->data.buf, p->data.len, &bad)) {
		// Point at the value, which may have started lines before this one.
		p->line = value_line;
		p->ls = value_ls;
		return perr(p, value_start, "%s data is not valid UTF-8 text (byte %zu); gpoc reads 8-bit .reg files as UTF-8",
			    reg_type_name(type), bad);
	}
	struct strbuf w = STRBUF_INIT;
	utf8_to_utf16le(&w, p->data.buf, p->data.len);
	strbuf_reset(&p->data);
	strbuf_addbuf(&p->data, &w);
	strbuf_release(&w);
	return true;
}

// ("@" / quoted) *WS "=" *WS data tail; i at '@' or '"'.
static bool parse_value_line(struct rparser *p, size_t i)
{
	const uint16_t *u = p->t->u;
	size_t name_pos = i, ls = p->ls;
	uint32_t line = p->line;
	char *name;
	if (u[i] == '@') {
		name = arena_strdup(&p->d->arena, "");
		i++;
	} else {
		struct strbuf nb = STRBUF_INIT;
		bool ok = parse_quoted(p, &i, &nb, "the value name");
		if (ok) {
			// The name is UTF-16LE in nb; unpaired surrogates cannot become UTF-8.
			struct strbuf s = STRBUF_INIT;
			ok = utf16le_to_utf8(&s, (const uint8_t *)nb.buf, nb.len);
			if (!ok)
				perr(p, name_pos, "the value name holds an unpaired UTF-16 surrogate");
			name = arena_strndup(&p->d->arena, s.buf, s.len);
			strbuf_release(&s);
		}
		strbuf_release(&nb);
		if (!ok)
			return false;
	}
	i = skip_ws(p, i);
	if (i >= p->le || u[i] != '=')
		return perr(p, i, "expected '=' after the value name");
	i = skip_ws(p, i + 1);
	if (!p->have_key)
		return perr(p, name_pos, p->after_delete
						 ? "value follows a key deletion '[-...]'; regedit has no key to put it in"
						 : "value before any key; expected a '[HKEY_...\\key]' line first");
	struct reg_value v = { .hive = p->hive, .key = p->key, .name = name };
	if (i < p->le && u[i] == '-') {
		if (!expect_tail(p, i + 1, "'-'"))
			return false;
		reg_doc_delete_value(p->d, p->hive, p->key, name);
		p->d->ops[p->d->n - 1].line = line;
		return true;
	}
	strbuf_reset(&p->data);
	if (i < p->le && u[i] == '"') {
		if (!parse_quoted(p, &i, &p->data, "the string"))
			return false;
		strbuf_add_le16(&p->data, 0);
		if (!expect_tail(p, i, "the string"))
			return false;
		v.type = REGT_SZ;
	} else if (match_ascii(p, i, "dword:")) {
		i = skip_ws(p, i + 6);
		size_t s = i;
		uint32_t dw = 0;
		while (i < p->le && hexval(u[i]) >= 0 && i - s < 9)
			dw = dw * 16 + (uint32_t)hexval(u[i++]);
		if (i == s)
			return perr(p, s, "expected 1 to 8 hex digits after 'dword:'");
		if (i - s > 8)
			return perr(p, s, "dword has more than 8 hex digits");
		if (!expect_tail(p, i, "the dword"))
			return false;
		v.type = REGT_DWORD;
		strbuf_add_le32(&p->data, dw);
	} else if (match_ascii(p, i, "hex:") || match_ascii(p, i, "hex(")) {
		if (u[i + 3] == ':') {
			v.type = REGT_BINARY;
			i += 4;
		} else {
			size_t s = i += 4;
			uint64_t t = 0;
			while (i < p->le && hexval(u[i]) >= 0 && i - s < 9)
				t = t * 16 + (uint64_t)hexval(u[i++]);
			if (i == s || i - s > 8 || i + 1 >= p->le || u[i] != ')' || u[i + 1] != ':')
				return perr(p, s, "expected a type of 1 to 8 hex digits and '):' in 'hex(N):'");
			v.type = (uint32_t)t;
			i += 2;
		}
		if (!parse_hexlist(p, i) || !fix_string_hex(p, v.type, name_pos, line, ls))
			return false;
	} else {
		return perr(p, i,
			    "unknown value data; expected \"text\", dword:, hex:, hex(N): or '-' to delete the value");
	}
	v.data = (uint8_t *)p->data.buf;
	v.size = p->data.len;
	reg_doc_set(p->d, &v);
	p->d->ops[p->d->n - 1].line = line;
	return true;
}

bool regfile_read(const uint8_t *bytes, size_t len, struct reg_doc *out, struct fmt_error *err)
{
	struct text t;
	reg_doc_init(out);
	if (!text_decode(bytes, len, &t, err))
		return false;
	struct rparser p = { .t = &t, .d = out, .err = err };
	strbuf_init(&p.data, 0);
	out->utf16 = t.enc == TEXT_UTF16LE;
	bool ok = false, bad;

	if (!next_line(&p, &bad)) {
		if (!bad)
			fmt_error_set(err, 1, 1, 0, "file is empty; expected 'Windows Registry Editor Version 5.00' "
						    "or 'REGEDIT4' on the first line");
		goto done;
	}
	size_t i = skip_ws(&p, p.ls);
	if (match_ascii(&p, i, "Windows Registry Editor Version 5.00") && i + 36 == p.le) {
		out->version = REG_V5;
	} else if (match_ascii(&p, i, "REGEDIT4") && i + 8 == p.le) {
		out->version = REG_V4;
	} else {
		perr(&p, i, "not a .reg file: expected 'Windows Registry Editor Version 5.00' or 'REGEDIT4' "
			    "on the first line");
		goto done;
	}
	while (next_line(&p, &bad)) {
		i = skip_ws(&p, p.ls);
		if (i >= p.le)
			continue;
		uint16_t c = t.u[i];
		if (c == ';') {
			size_t s = i + 1;
			if (s < p.le && t.u[s] == ' ')
				s++;
			const char *text = to_utf8(&p, s, p.le, "the comment");
			if (!text)
				goto done;
			reg_doc_comment(out, text);
			out->ops[out->n - 1].line = p.line;
		} else if (c == '[') {
			if (!parse_key_line(&p, i + 1))
				goto done;
		} else if (c == '@' || c == '"') {
			if (!parse_value_line(&p, i))
				goto done;
		} else {
			perr(&p, i, "unexpected text; expected '[key]', '\"name\"=data', '@=data', "
				    "a '; comment' or a blank line");
			goto done;
		}
	}
	ok = !bad;
done:
	strbuf_release(&p.data);
	text_release(&t);
	return ok;
}
