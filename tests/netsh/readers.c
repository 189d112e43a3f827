// Independent readers for the netsh tests (see readers.h).

#include "readers.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf.h"

bool cmd_phase1(const char *line, size_t len, const char *dp0, bool allow_ops, struct strbuf *out)
{
	bool quoted = false;
	for (size_t i = 0; i < len; i++) {
		char c = line[i];
		if (c == '%') {
			if (i + 1 < len && line[i + 1] == '%') {
				strbuf_addch(out, '%');
				i++;
				continue;
			}
			if (len - i >= 5 && !memcmp(line + i, "%~dp0", 5)) {
				strbuf_addstr(out, dp0);
				i += 4;
				continue;
			}
			return false; // %VAR%, %0 ... : cmd would expand it
		}
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && !allow_ops && strchr("&|<>^", c))
			return false;
		if (c == '\r' || c == '\n' || c == 0)
			return false;
		strbuf_addch(out, c);
	}
	return !quoted;
}

size_t argv_split(const char *s, struct strbuf **args)
{
	size_t n = 0, alloc = 0;
	*args = NULL;
	size_t i = 0, len = strlen(s);
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len)
			break;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			*args = realloc(*args, alloc * sizeof(**args));
		}
		struct strbuf *a = &(*args)[n++];
		strbuf_init(a, 0);
		bool quoted = false;
		while (i < len && (quoted || (s[i] != ' ' && s[i] != '\t'))) {
			if (s[i] == '\\') {
				size_t k = i;
				while (k < len && s[k] == '\\')
					k++;
				size_t bs = k - i;
				if (k < len && s[k] == '"') {
					for (size_t j = 0; j < bs / 2; j++)
						strbuf_addch(a, '\\');
					if (bs % 2) {
						strbuf_addch(a, '"');
						i = k + 1;
					} else {
						i = k; // the quote acts below
					}
				} else {
					for (size_t j = 0; j < bs; j++)
						strbuf_addch(a, '\\');
					i = k;
				}
				continue;
			}
			if (s[i] == '"') {
				if (quoted && i + 1 < len && s[i + 1] == '"') {
					strbuf_addch(a, '"');
					i += 2;
					continue;
				}
				quoted = !quoted;
				i++;
				continue;
			}
			strbuf_addch(a, s[i++]);
		}
	}
	return n;
}

void argv_release(struct strbuf *args, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_release(&args[i]);
	free(args);
}

static size_t ps_quote_at(const char *p, const char *end)
{
	if (p >= end)
		return 0;
	if (*p == '\'')
		return 1;
	const unsigned char *u = (const unsigned char *)p;
	if (end - p >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x98 && u[2] <= 0x9B)
		return 3;
	return 0;
}

static bool ps_read_single(const char **pp, const char *end, struct strbuf *out)
{
	const char *p = *pp;
	size_t q = ps_quote_at(p, end);
	if (!q)
		return false;
	p += q;
	while (p < end) {
		q = ps_quote_at(p, end);
		if (!q) {
			strbuf_addch(out, *p++);
			continue;
		}
		size_t q2 = ps_quote_at(p + q, end);
		if (!q2) {
			*pp = p + q;
			return true;
		}
		strbuf_add(out, p + q, q2);
		p += q + q2;
	}
	return false;
}

bool ps_read_string_expr(const char **pp, const char *end, struct strbuf *out)
{
	const char *p = *pp;
	if (p < end && *p != '(') {
		if (!ps_read_single(&p, end, out))
			return false;
		*pp = p;
		return true;
	}
	p++;
	uint32_t high = 0; // a pending high surrogate
	for (;;) {
		if (p < end && ps_quote_at(p, end)) {
			if (high)
				return false;
			if (!ps_read_single(&p, end, out))
				return false;
		} else if (end - p >= 8 && !memcmp(p, "[char]0x", 8)) {
			p += 8;
			uint32_t v = 0;
			int digits = 0;
			while (p < end && digits < 4) {
				char c = *p;
				int h = (c >= '0' && c <= '9') ? c - '0' : (c >= 'A' && c <= 'F') ? c - 'A' + 10 :
					(c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
				if (h < 0)
					break;
				v = v << 4 | (uint32_t)h;
				p++;
				digits++;
			}
			if (!digits)
				return false;
			if (v >= 0xD800 && v <= 0xDBFF) {
				if (high)
					return false;
				high = v;
			} else if (v >= 0xDC00 && v <= 0xDFFF) {
				if (!high)
					return false;
				strbuf_add_utf8(out, 0x10000 + ((high - 0xD800) << 10) + (v - 0xDC00));
				high = 0;
			} else {
				if (high)
					return false;
				strbuf_add_utf8(out, v);
			}
		} else {
			return false;
		}
		if (p < end && *p == '+') {
			p++;
			continue;
		}
		if (p < end && *p == ')' && !high) {
			*pp = p + 1;
			return true;
		}
		return false;
	}
}
