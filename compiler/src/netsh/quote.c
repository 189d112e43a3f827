// Quoting for cmd.exe, netsh script lines and PowerShell (see quote.h for the rules
// and docs/scripts.md for the reasoning behind each refusal).
//
// All checks look at bytes, and every refusal names the first offending character
// and its byte offset, so a diagnostic can point at it.

#include "netsh/quote.h"

#include <string.h>

#include "core/utf.h"

// What a double-quoted value may hold; the flags differ between consumers.
enum {
	Q_CMD = 1,   // cmd.exe percent expansion applies: '%' is doubled
	Q_NETSH = 2, // netsh tokenizer: no leading/trailing blanks
};

static void refuse_char(struct strbuf *why, unsigned char c, size_t at, const char *reason)
{
	if (c >= 0x20 && c < 0x7f)
		strbuf_addf(why, "contains '%c' at byte %zu: %s", c, at, reason);
	else
		strbuf_addf(why, "contains byte 0x%02x at byte %zu: %s", c, at, reason);
}

static bool dq_check(const char *s, size_t len, unsigned flags, struct strbuf *why)
{
	const char *consumer = (flags & Q_CMD) ? "cmd.exe" : "netsh";
	if (!len) {
		strbuf_addstr(why, "is empty");
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"') {
			refuse_char(why, c, i, "a double quote cannot be escaped inside a quoted value");
			return false;
		}
		if (c == '\r' || c == '\n') {
			refuse_char(why, c, i, "a line break would end the command");
			return false;
		}
		if (c == 0) {
			refuse_char(why, c, i, "NUL ends the string for every Windows consumer");
			return false;
		}
		if (c < 0x20 || c == 0x7f) {
			strbuf_addf(why, "contains control character 0x%02x at byte %zu: %s would not "
				    "read it back unchanged", c, i, consumer);
			return false;
		}
		if (c >= 0x80) {
			strbuf_addf(why, "contains a non-ASCII character at byte %zu: %s reads %s in "
				    "the console's OEM code page, which differs between machines; "
				    "only printable ASCII is accepted", i, consumer,
				    (flags & Q_CMD) ? ".cmd files" : "script files");
			return false;
		}
	}
	if (s[len - 1] == '\\') {
		strbuf_addf(why, "ends with a backslash at byte %zu: before the closing quote it "
			    "would read as an escaped quote", len - 1);
		return false;
	}
	if ((flags & Q_NETSH) && (s[0] == ' ' || s[len - 1] == ' ')) {
		strbuf_addstr(why, "starts or ends with a blank, which netsh's tokenizer is not "
			      "known to keep");
		return false;
	}
	return true;
}

static bool dq_quote(const char *s, size_t len, unsigned flags, struct strbuf *out, struct strbuf *why)
{
	if (!dq_check(s, len, flags, why))
		return false;
	strbuf_grow(out, len + 2);
	strbuf_addch(out, '"');
	for (size_t i = 0; i < len; i++) {
		// cmd expands %VAR% (and %0, %~dp0) in phase 1, before it looks at
		// quotes; %% is its only escape and yields a single %.
		if (s[i] == '%' && (flags & Q_CMD))
			strbuf_addch(out, '%');
		strbuf_addch(out, s[i]);
	}
	strbuf_addch(out, '"');
	return true;
}

bool cmd_quote_mem(const char *s, size_t len, struct strbuf *out, struct strbuf *why)
{
	return dq_quote(s, len, Q_CMD, out, why);
}

bool cmd_quote(const char *s, struct strbuf *out, struct strbuf *why)
{
	return dq_quote(s, strlen(s), Q_CMD, out, why);
}

bool netsh_quote_mem(const char *s, size_t len, struct strbuf *out, struct strbuf *why)
{
	return dq_quote(s, len, Q_NETSH, out, why);
}

bool netsh_quote(const char *s, struct strbuf *out, struct strbuf *why)
{
	return dq_quote(s, strlen(s), Q_NETSH, out, why);
}

bool netsh_cmd_quote(const char *s, struct strbuf *out, struct strbuf *why)
{
	return dq_quote(s, strlen(s), Q_NETSH | Q_CMD, out, why);
}

// PowerShell's tokenizer (CharExtensions.IsSingleQuote) treats these four as `'`.
static size_t ps_single_quote_len(const unsigned char *p, size_t left)
{
	if (left >= 1 && p[0] == '\'')
		return 1;
	// U+2018..U+201B are E2 80 98..9B in UTF-8.
	if (left >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x98 && p[2] <= 0x9B)
		return 3;
	return 0;
}

void ps_quote(const char *s, struct strbuf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	strbuf_addch(out, '\'');
	for (size_t i = 0; i < len;) {
		size_t q = ps_single_quote_len(p + i, len - i);
		if (q) {
			// Inside a single-quoted string a quote character followed by
			// another one stands for the second: doubling keeps the original.
			strbuf_add(out, p + i, q);
			strbuf_add(out, p + i, q);
			i += q;
		} else {
			strbuf_addch(out, p[i]);
			i++;
		}
	}
	strbuf_addch(out, '\'');
}

bool ps_value_check(const char *s, size_t len, struct strbuf *why)
{
	size_t bad;
	if (!utf8_valid(s, len, &bad)) {
		strbuf_addf(why, "is not valid UTF-8 (byte %zu)", bad);
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f) {
			strbuf_addf(why, "contains control character 0x%02x at byte %zu, which gpoc "
				    "does not write into PowerShell scripts", c, i);
			return false;
		}
	}
	return true;
}

bool ps_quote_ascii(const char *s, size_t len, struct strbuf *out, struct strbuf *why)
{
	if (!ps_value_check(s, len, why))
		return false;
	bool ascii = true;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			ascii = false;
	if (ascii) {
		strbuf_addch(out, '\'');
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '\'')
				strbuf_addch(out, '\'');
			strbuf_addch(out, s[i]);
		}
		strbuf_addch(out, '\'');
		return true;
	}
	// The expression starts with a string literal (possibly empty) so that every
	// `+` is a string concatenation: [char] + [char] would add numbers.
	strbuf_addstr(out, "('");
	bool in_literal = true;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (!in_literal) {
				strbuf_addstr(out, "+'");
				in_literal = true;
			}
			if (c == '\'')
				strbuf_addch(out, '\'');
			strbuf_addch(out, (char)c);
			i++;
			continue;
		}
		uint32_t cp;
		int n = utf8_decode((const uint8_t *)s + i, len - i, &cp);
		if (n < 0) // ps_value_check() accepted it
			BUG("invalid UTF-8 after validation");
		if (in_literal) {
			strbuf_addch(out, '\'');
			in_literal = false;
		}
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			strbuf_addf(out, "+[char]0x%04X+[char]0x%04X", (unsigned)(0xD800 + (v >> 10)),
				    (unsigned)(0xDC00 + (v & 0x3FF)));
		} else {
			strbuf_addf(out, "+[char]0x%04X", (unsigned)cp);
		}
		i += (size_t)n;
	}
	if (in_literal)
		strbuf_addch(out, '\'');
	strbuf_addch(out, ')');
	return true;
}
