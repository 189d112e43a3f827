// Helpers shared by the formats tests (header-only; each test is one executable).
#ifndef GPOC_TESTS_FORMATS_TESTUTIL_H
#define GPOC_TESTS_FORMATS_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/strbuf.h"
#include "core/utf.h"

// The expected bytes of a UTF-16LE file with BOM whose text is `utf8`, where each
// "\n" stands for CRLF. Built with core's converter, never with the code under test.
static inline void u16_expect(struct strbuf *out, const char *utf8)
{
	strbuf_add(out, "\xFF\xFE", 2);
	const char *p = utf8;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		utf8_to_utf16le(out, p, n);
		if (!nl)
			break;
		strbuf_add(out, "\r\0\n\0", 4);
		p = nl + 1;
	}
}

// Compares byte buffers and prints the first difference (as text where possible).
static inline void assert_bytes(const void *got, size_t got_len, const void *want, size_t want_len)
{
	const uint8_t *g = got, *w = want;
	size_t n = got_len < want_len ? got_len : want_len, i;
	for (i = 0; i < n && g[i] == w[i]; i++)
		;
	if (i == n && got_len == want_len)
		return;
	print_error("bytes differ at offset %zu (got %zu bytes, want %zu)\n", i, got_len, want_len);
	size_t from = i > 40 ? i - 40 : 0;
	print_error("got : ");
	for (size_t k = from; k < got_len && k < i + 40; k++)
		print_error("%c", g[k] >= 0x20 && g[k] < 0x7f ? g[k] : '.');
	print_error("\nwant: ");
	for (size_t k = from; k < want_len && k < i + 40; k++)
		print_error("%c", w[k] >= 0x20 && w[k] < 0x7f ? w[k] : '.');
	print_error("\n");
	fail();
}

// Deterministic PRNG (xorshift64*), so randomized tests repeat exactly.
static inline uint64_t prng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

#endif
