// Diagnostics print user text so that it cannot drive a terminal.
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"

static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fputs_escaped(s, f);
	fclose(f);
	return buf;
}

static void expect(const char *in, const char *want)
{
	char *got = escaped(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_c0_and_del(void **state)
{
	(void)state;
	expect("a\x1b[31mb", "a\\x1b[31mb");
	expect("x\ry\nz\x7f", "x\\x0dy\\x0az\\x7f");
	expect("tab\tkept", "tab\tkept");
}

static void test_c1_and_bidi(void **state)
{
	(void)state;
	expect("\xc2\x9b" "31m", "\\u{009b}31m");              // CSI
	expect("a\xe2\x80\xae" "b", "a\\u{202e}b");             // RIGHT-TO-LEFT OVERRIDE
	expect("\xe2\x81\xa6x", "\\u{2066}x");                   // LEFT-TO-RIGHT ISOLATE
	expect("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"); // text stays
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	expect("\xff\xc3(", "\\xff\\xc3(");
	expect("\xed\xa0\x80", "\\xed\\xa0\\x80"); // a surrogate is not UTF-8
}

static void test_gcc_format(void **state)
{
	(void)state;
	struct src_file f = { "in.yaml", "gpoc: 1\nkey: \xc2\x9bvalue\n", 0 };
	f.len = strlen(f.text);
	struct diag d;
	diag_init(&d);
	diag_error(&d, src_pos_make(&f, 2, 6), "unknown key '%s'", "\xc2\x9b");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	diag_print_gcc(&d, out);
	fclose(out);
	assert_string_equal(buf, "in.yaml:2:6: error: unknown key '\\u{009b}'\n"
				 "    key: \\u{009b}value\n"
				 "         ^\n");
	free(buf);
	diag_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c0_and_del),
		cmocka_unit_test(test_c1_and_bidi),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_gcc_format),
	};
	return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
