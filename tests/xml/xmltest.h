// Helpers shared by the xml tests (header-only; each test is one executable).
#ifndef GPOC_TESTS_XML_XMLTEST_H
#define GPOC_TESTS_XML_XMLTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/file.h"
#include "core/strbuf.h"

// $GPOC_SOURCE_DIR (set by CTest) + "/" + rel.
static inline const char *source_path(const char *rel)
{
	static struct strbuf b = STRBUF_INIT;
	const char *src = getenv("GPOC_SOURCE_DIR");
	if (!src) {
		print_error("GPOC_SOURCE_DIR is not set (run the test through ctest)\n");
		fail();
	}
	strbuf_reset(&b);
	strbuf_addf(&b, "%s/%s", src, rel);
	return b.buf;
}

static inline char *schema_dir(void)
{
	return xstrdup(source_path("schemas"));
}

// Fails unless `hay` contains `needle`, printing both.
static inline void assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		return;
	print_error("expected to find: %s\n           in: %s\n", needle, hay);
	fail();
}

// A copy of `s` with the first `from` replaced by `to`; fails if `from` is absent,
// so a hand-broken document is always really broken the intended way.
static inline void replace_once(struct strbuf *out, const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	if (!p) {
		print_error("text to replace not found: %s\n", from);
		fail();
	}
	strbuf_reset(out);
	strbuf_add(out, s, (size_t)(p - s));
	strbuf_addstr(out, to);
	strbuf_addstr(out, p + strlen(from));
}

// Compares `got` with the golden file tests/xml/golden/<name>, or rewrites the file
// when GPOC_UPDATE_GOLDEN=1 (then review the diff: the golden files are the spec).
static inline void assert_golden(const char *name, const char *got, size_t len)
{
	struct strbuf rel = STRBUF_INIT, want = STRBUF_INIT, err = STRBUF_INIT;
	strbuf_addf(&rel, "tests/xml/golden/%s", name);
	const char *path = source_path(rel.buf);
	const char *update = getenv("GPOC_UPDATE_GOLDEN");
	if (update && !strcmp(update, "1")) {
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(got, 1, len, f) != len || fclose(f)) {
			print_error("cannot write golden file %s\n", path);
			fail();
		}
	} else if (!read_file(path, &want, &err)) {
		print_error("%s (set GPOC_UPDATE_GOLDEN=1 to create it)\n", err.buf);
		fail();
	} else if (want.len != len || memcmp(want.buf, got, len)) {
		size_t i = 0;
		while (i < len && i < want.len && got[i] == want.buf[i])
			i++;
		print_error("output differs from golden file %s at byte %zu\n--- got:\n%.*s\n--- want:\n%.*s\n", path, i,
			    (int)(len - i < 200 ? len - i : 200), got + i,
			    (int)(want.len - i < 200 ? want.len - i : 200), want.buf + i);
		fail();
	}
	strbuf_release(&rel);
	strbuf_release(&want);
	strbuf_release(&err);
}

#endif
