// Every case Windows produced (shared/testdata/sddl-windows, see its README): each
// line "INPUT -> OUTPUT" of an accepting file must parse and print exactly OUTPUT;
// each line of a rejecting file must be refused. Every .txt file of the folder is
// read at test time and must be one of the known kinds, so a new file cannot be
// skipped silently. For accepted cases the test also checks that OUTPUT is a fixed
// point and that the binary form decodes back to the same descriptor.
#include "sdtest.h"

#include <dirent.h>

enum kind { KIND_ACCEPT, KIND_REJECT };

static const struct {
	const char *file;
	enum kind kind;
	size_t min_cases; // guards against a truncated copy of the data
} files[] = {
	{ "canonical.txt", KIND_ACCEPT, 19 },
	{ "non_canonical.txt", KIND_ACCEPT, 50 },
	{ "windows_is_less_fussy.txt", KIND_ACCEPT, 23 },
	{ "windows_is_weird.txt", KIND_ACCEPT, 10 },
	{ "windows_is_fussy.txt", KIND_REJECT, 1 },
	{ "should_fail.txt", KIND_REJECT, 47 },
};

struct tally {
	size_t cases, failures;
	struct strbuf report;
};

static void failure(struct tally *t, const char *file, size_t line, const char *fmt, ...)
	GPOC_PRINTF(4, 5);
static void failure(struct tally *t, const char *file, size_t line, const char *fmt, ...)
{
	va_list ap;
	t->failures++;
	if (t->failures > 20)
		return;
	strbuf_addf(&t->report, "%s:%zu: ", file, line);
	va_start(ap, fmt);
	strbuf_vaddf(&t->report, fmt, ap);
	va_end(ap);
	strbuf_addch(&t->report, '\n');
}

static void check_accept(struct tally *t, const char *file, size_t line, const char *in,
			 size_t in_len, const char *want, size_t want_len,
			 const struct sid_context *ctx)
{
	struct secdesc sd, again, decoded;
	struct sddl_error err;
	struct strbuf got = STRBUF_INIT, got2 = STRBUF_INIT, bin = STRBUF_INIT,
		      derr = STRBUF_INIT;
	if (!sddl_parse(in, in_len, ctx, &sd, &err)) {
		failure(t, file, line, "rejected at offset %zu: %s", err.offset, err.message);
		return;
	}
	sddl_print(&sd, ctx, SDDL_PRINT_DEFAULT, &got);
	if (got.len != want_len || memcmp(got.buf, want, want_len))
		failure(t, file, line, "printed '%.200s', Windows printed '%.*s'", got.buf,
			(int)(want_len > 200 ? 200 : want_len), want);
	// Windows' output is canonical: it must read back to itself.
	if (!sddl_parse(want, want_len, ctx, &again, &err)) {
		failure(t, file, line, "output rejected at offset %zu: %s", err.offset,
			err.message);
	} else {
		sddl_print(&again, ctx, SDDL_PRINT_DEFAULT, &got2);
		if (strcmp(got.buf, got2.buf) || !secdesc_equal(&sd, &again))
			failure(t, file, line, "output is not a fixed point");
		secdesc_release(&again);
	}
	secdesc_encode(&sd, &bin);
	if (!secdesc_decode((const uint8_t *)bin.buf, bin.len, &decoded, &derr)) {
		failure(t, file, line, "own binary form refused: %s", derr.buf);
	} else {
		if (!secdesc_equal(&sd, &decoded))
			failure(t, file, line, "binary round trip changed the descriptor");
		secdesc_release(&decoded);
	}
	secdesc_release(&sd);
	strbuf_release(&got);
	strbuf_release(&got2);
	strbuf_release(&bin);
	strbuf_release(&derr);
}

static void check_reject(struct tally *t, const char *file, size_t line, const char *in,
			 size_t in_len, const struct sid_context *ctx)
{
	struct secdesc sd;
	struct sddl_error err;
	if (sddl_parse(in, in_len, ctx, &sd, &err)) {
		struct strbuf got = STRBUF_INIT;
		sddl_print(&sd, ctx, SDDL_PRINT_DEFAULT, &got);
		failure(t, file, line, "accepted as '%.200s'; Windows rejects it", got.buf);
		strbuf_release(&got);
		secdesc_release(&sd);
		return;
	}
	if (!err.message[0] || err.offset > in_len)
		failure(t, file, line, "rejected without a message or with offset %zu past %zu",
			err.offset, in_len);
}

static size_t run_file(struct tally *t, const char *dir, const char *name, enum kind kind)
{
	struct sid_context ctx = test_domain_ctx();
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	strbuf_addf(&path, "%s/%s", dir, name);
	read_whole_file(path.buf, &text);
	size_t cases = 0, lineno = 0;
	const char *p = text.buf, *end = text.buf + text.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		lineno++;
		if (le == p) { // a blank line, typically the last
			p = le + 1;
			continue;
		}
		const char *sep = NULL;
		for (const char *q = p; q + 4 <= le; q++)
			if (!memcmp(q, " -> ", 4)) {
				sep = q;
				break;
			}
		if (!sep)
			fail_msg("%s:%zu: no ' -> ' separator", path.buf, lineno);
		cases++;
		t->cases++;
		if (kind == KIND_ACCEPT)
			check_accept(t, name, lineno, p, (size_t)(sep - p), sep + 4,
				     (size_t)(le - sep - 4), &ctx);
		else
			check_reject(t, name, lineno, p, (size_t)(sep - p), &ctx);
		p = le + 1;
	}
	strbuf_release(&path);
	strbuf_release(&text);
	return cases;
}

static void test_windows_cases(void **state)
{
	(void)state;
	struct strbuf dir = STRBUF_INIT;
	strbuf_addf(&dir, "%s/testdata/sddl-windows", shared_dir());
	DIR *d = opendir(dir.buf);
	if (!d)
		fail_msg("cannot open '%s': the Windows SDDL cases are missing", dir.buf);
	struct tally t = { 0, 0, STRBUF_INIT };
	size_t seen = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 4 || strcmp(e->d_name + n - 4, ".txt"))
			continue;
		size_t i;
		for (i = 0; i < ARRAY_SIZE(files); i++)
			if (!strcmp(files[i].file, e->d_name))
				break;
		if (i == ARRAY_SIZE(files))
			fail_msg("%s/%s: unknown case file; add it to the table in %s", dir.buf,
				 e->d_name, __FILE__);
		size_t cases = run_file(&t, dir.buf, files[i].file, files[i].kind);
		if (cases < files[i].min_cases)
			fail_msg("%s: only %zu cases, expected at least %zu", files[i].file, cases,
				 files[i].min_cases);
		seen++;
	}
	closedir(d);
	if (seen != ARRAY_SIZE(files))
		fail_msg("found %zu of the %zu case files in %s", seen, ARRAY_SIZE(files), dir.buf);
	print_message("%zu Windows cases checked, %zu failures\n", t.cases, t.failures);
	if (t.failures)
		fail_msg("%zu of %zu cases failed:\n%s", t.failures, t.cases, t.report.buf);
	strbuf_release(&t.report);
	strbuf_release(&dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
