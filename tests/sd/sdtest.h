// Helpers shared by the sd tests: a fixed SID context and whole-file reading.
#ifndef GPOC_TESTS_SD_SDTEST_H
#define GPOC_TESTS_SD_SDTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/strbuf.h"
#include "sd/secdesc.h"
#include "sd/sid.h"

// A domain no test case of shared/testdata/sddl-windows mentions, so domain
// aliases print back as aliases and every numeric domain SID stays numeric.
#define TEST_DOMAIN "S-1-5-21-3623811015-3361044348-30300820"
#define TEST_FOREST "S-1-5-21-1004336348-1177238915-682003330"
#define TEST_MACHINE "S-1-5-21-2222222222-3333333333-4044444444"

static inline struct sid test_sid(const char *s)
{
	struct sid sid;
	const char *err = NULL;
	if (!sid_parse(s, strlen(s), &sid, &err))
		fail_msg("test_sid('%s'): %s", s, err);
	return sid;
}

static inline struct sid_context test_domain_ctx(void)
{
	struct sid_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.has_domain = true;
	ctx.domain = test_sid(TEST_DOMAIN);
	return ctx;
}

// Reads a whole file into `out`; fails the test loudly if it cannot.
static inline void read_whole_file(const char *path, struct strbuf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open '%s'", path);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	if (ferror(f))
		fail_msg("cannot read '%s'", path);
	fclose(f);
}

static inline const char *shared_dir(void)
{
	const char *d = getenv("GPOC_SHARED_DIR");
	if (!d || !*d)
		fail_msg("GPOC_SHARED_DIR is not set; run the tests through ctest");
	return d;
}

// Canonical SDDL of `s` under `ctx`, or fails the test with the parser's message.
static inline void canon_or_fail(const char *s, const struct sid_context *ctx, struct strbuf *out)
{
	struct secdesc sd;
	struct sddl_error err;
	if (!sddl_parse(s, strlen(s), ctx, &sd, &err))
		fail_msg("'%s' rejected at %zu: %s", s, err.offset, err.message);
	sddl_print(&sd, ctx, SDDL_PRINT_DEFAULT, out);
	secdesc_release(&sd);
}

static inline void hex_of(const char *s, const struct sid_context *ctx, struct strbuf *out)
{
	struct secdesc sd;
	struct sddl_error err;
	struct strbuf bin = STRBUF_INIT;
	if (!sddl_parse(s, strlen(s), ctx, &sd, &err))
		fail_msg("'%s' rejected at %zu: %s", s, err.offset, err.message);
	secdesc_encode(&sd, &bin);
	strbuf_add_hex(out, bin.buf, bin.len);
	strbuf_release(&bin);
	secdesc_release(&sd);
}

#endif
