// yaml_out.c: quoted YAML scalars and one-line comments (see yaml_out.h).
//
// The character classes follow what libyaml's reader and scanner do, because
// that is what reads the result (intent/load.c): the reader accepts TAB, LF, CR,
// printable ASCII, U+0085 and the printable ranges above U+00A0; the scanner folds
// LF, CR, U+0085, U+2028 and U+2029 inside quoted scalars into spaces. A character
// outside "printable and not a break" is therefore never written raw: in a
// double-quoted scalar it becomes an escape libyaml decodes back to itself.
// tests/import/test_yaml_out.c loads every kind of string written here with
// yaml_load() and compares it with the input.
#include "importer/yaml_out.h"

#include <stdint.h>

#include "core/utf.h"

// Characters written as themselves in single quotes (and in comments).
static bool is_plain_char(uint32_t cp)
{
	if (cp >= 0x20 && cp <= 0x7E)
		return true;
	if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF)
		return false;
	return (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
	       (cp >= 0x10000 && cp <= 0x10FFFF);
}

static void add_escape(struct strbuf *out, uint32_t cp)
{
	switch (cp) {
	case '\t':
		strbuf_addstr(out, "\\t");
		return;
	case '\n':
		strbuf_addstr(out, "\\n");
		return;
	case '\r':
		strbuf_addstr(out, "\\r");
		return;
	}
	if (cp < 0x100)
		strbuf_addf(out, "\\x%02X", (unsigned)cp);
	else if (cp < 0x10000)
		strbuf_addf(out, "\\u%04X", (unsigned)cp);
	else
		strbuf_addf(out, "\\U%08X", (unsigned)cp);
}

bool yaml_single_quotable(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(p + i, len - i, &cp);
		if (n < 0 || !is_plain_char(cp))
			return false;
		i += (size_t)n;
	}
	return true;
}

bool yaml_add_scalar(struct strbuf *out, const char *s, size_t len)
{
	if (!utf8_valid(s, len, NULL) || memchr(s, '\0', len))
		return false;
	if (yaml_single_quotable(s, len)) {
		strbuf_addch(out, '\'');
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '\'')
				strbuf_addch(out, '\'');
			strbuf_addch(out, s[i]);
		}
		strbuf_addch(out, '\'');
		return true;
	}
	const uint8_t *p = (const uint8_t *)s;
	strbuf_addch(out, '"');
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(p + i, len - i, &cp); // valid: checked above
		if (cp == '"' || cp == '\\') {
			strbuf_addch(out, '\\');
			strbuf_addch(out, (int)cp);
		} else if (is_plain_char(cp)) {
			strbuf_add(out, s + i, (size_t)n);
		} else {
			add_escape(out, cp);
		}
		i += (size_t)n;
	}
	strbuf_addch(out, '"');
	return true;
}

void yaml_add_comment_text(struct strbuf *out, const char *s, size_t len, size_t max)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t end = len < max ? len : max;
	size_t i = 0;
	while (i < end) {
		uint32_t cp;
		int n = utf8_decode(p + i, len - i, &cp);
		if (n < 0) {
			strbuf_addf(out, "\\x%02X", p[i]);
			i++;
			continue;
		}
		if (is_plain_char(cp))
			strbuf_add(out, s + i, (size_t)n);
		else
			add_escape(out, cp);
		i += (size_t)n;
	}
	if (i < len)
		strbuf_addstr(out, "...");
}
