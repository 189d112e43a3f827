// Quoting for cmd.exe, netsh and PowerShell: every accepted value reads back exactly
// through the independent readers of readers.c; every refused one says why.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "netsh/quote.h"
#include "readers.h"

// The hostile values of the test plan, each tried in every quoter.
static const char *const hostile[] = {
	"plain",
	"with space",
	"50%",
	"%%",
	"%PATH%",
	"%~dp0",
	"^",
	"a&b",
	"a|b",
	"<in",
	"out>",
	"bang!",
	"!PATH!",
	")(A;;GA;;;WD)",
	"a;b",
	"$(Remove-Item C:\\)",
	"`backtick`n",
	"it's",
	"it\xE2\x80\x99s",        // U+2019
	"\xE2\x80\x98\xE2\x80\x9A\xE2\x80\x9B", // U+2018 U+201A U+201B
	"CONTOSO\\\xC3\x9C" "berwachung", // non-ASCII
	"emoji \xF0\x9F\x98\x80",
	"\"quoted\"",
	"line\r\nbreak",
	"lf\nonly",
	"tab\there",
	"ends with backslash\\",
	"\\\\server\\share",
	" leading",
	"trailing ",
};

// A value read back from a .cmd argument: phase 1, then the C runtime's splitting.
static bool cmd_roundtrip(const char *quoted, struct strbuf *value)
{
	struct strbuf line = STRBUF_INIT;
	strbuf_addstr(&line, "prog ");
	strbuf_addstr(&line, quoted);
	struct strbuf after = STRBUF_INIT;
	bool ok = cmd_phase1(line.buf, line.len, "C:\\x\\", false, &after);
	if (ok) {
		struct strbuf *args;
		size_t n = argv_split(after.buf, &args);
		ok = n == 2;
		if (ok)
			strbuf_addbuf(value, &args[1]);
		argv_release(args, n);
	}
	strbuf_release(&line);
	strbuf_release(&after);
	return ok;
}

static void test_cmd_quote_exact(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } cases[] = {
		{ "abc", "\"abc\"" },
		{ "50%", "\"50%%\"" },
		{ "%%", "\"%%%%\"" },
		{ "%PATH%", "\"%%PATH%%\"" },
		{ "a&b|c<d>e^f!g(h)", "\"a&b|c<d>e^f!g(h)\"" },
		{ "%SystemRoot%\\system32\\svchost.exe", "\"%%SystemRoot%%\\system32\\svchost.exe\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
		assert_true(cmd_quote(cases[i].in, &out, &why));
		assert_string_equal(out.buf, cases[i].out);
		strbuf_release(&out);
		strbuf_release(&why);
	}
}

static void expect_refusal(bool (*q)(const char *, size_t, struct strbuf *, struct strbuf *), const char *s,
			   size_t len, const char *reason)
{
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	strbuf_addstr(&out, "keep");
	assert_false(q(s, len, &out, &why));
	assert_string_equal(out.buf, "keep"); // nothing appended on refusal
	if (!strstr(why.buf, reason))
		fail_msg("refusal of '%s' says '%s', expected it to mention '%s'", s, why.buf, reason);
	strbuf_release(&out);
	strbuf_release(&why);
}

static void test_cmd_quote_refusals(void **state)
{
	(void)state;
	expect_refusal(cmd_quote_mem, "a\"b", 3, "double quote cannot be escaped");
	expect_refusal(cmd_quote_mem, "a\rb", 3, "line break");
	expect_refusal(cmd_quote_mem, "a\nb", 3, "line break");
	expect_refusal(cmd_quote_mem, "a\0b", 3, "NUL");
	expect_refusal(cmd_quote_mem, "a\tb", 3, "control character 0x09");
	expect_refusal(cmd_quote_mem, "a\x1a" "b", 3, "control character 0x1a");
	expect_refusal(cmd_quote_mem, "\xC3\x9C", 2, "non-ASCII");
	expect_refusal(cmd_quote_mem, "dir\\", 4, "backslash");
	expect_refusal(cmd_quote_mem, "", 0, "empty");
	expect_refusal(netsh_quote_mem, " x", 2, "blank");
	expect_refusal(netsh_quote_mem, "x ", 2, "blank");
	expect_refusal(netsh_quote_mem, "a\"b", 3, "double quote");
	expect_refusal(netsh_quote_mem, "a\0b", 3, "NUL");
}

// Every hostile value: refused, or read back exactly by cmd + argv rules.
static void test_cmd_quote_hostile(void **state)
{
	(void)state;
	size_t accepted = 0;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct strbuf out = STRBUF_INIT, why = STRBUF_INIT, back = STRBUF_INIT;
		if (cmd_quote(hostile[i], &out, &why)) {
			accepted++;
			assert_true(cmd_roundtrip(out.buf, &back));
			assert_string_equal(back.buf, hostile[i]);
		} else {
			assert_true(why.len > 0);
		}
		strbuf_release(&out);
		strbuf_release(&why);
		strbuf_release(&back);
	}
	assert_true(accepted >= 18);
}

// Exhaustive over two printable ASCII characters: refused only for '"' or a
// trailing backslash, otherwise read back exactly.
static void test_cmd_quote_exhaustive(void **state)
{
	(void)state;
	char s[3] = { 0 };
	for (int a = 0x20; a < 0x7f; a++) {
		for (int b = 0x20; b < 0x7f; b++) {
			s[0] = (char)a;
			s[1] = (char)b;
			struct strbuf out = STRBUF_INIT, why = STRBUF_INIT, back = STRBUF_INIT;
			bool ok = cmd_quote(s, &out, &why);
			bool expect = a != '"' && b != '"' && b != '\\';
			assert_int_equal(ok, expect);
			if (ok) {
				assert_true(cmd_roundtrip(out.buf, &back));
				assert_string_equal(back.buf, s);
			}
			strbuf_release(&out);
			strbuf_release(&why);
			strbuf_release(&back);
		}
	}
}

static void test_cmd_quote_long(void **state)
{
	(void)state;
	size_t n = 70000;
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = "a%b!c&d"[i % 7];
	s[n] = 0;
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT, back = STRBUF_INIT;
	assert_true(cmd_quote(s, &out, &why));
	assert_true(cmd_roundtrip(out.buf, &back));
	assert_int_equal(back.len, n);
	assert_memory_equal(back.buf, s, n);
	strbuf_release(&out);
	strbuf_release(&why);
	strbuf_release(&back);
	free(s);
}

static void test_netsh_quote(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	assert_true(netsh_quote("%SystemRoot%\\x.exe", &out, &why));
	assert_string_equal(out.buf, "\"%SystemRoot%\\x.exe\""); // netsh -f expands nothing
	strbuf_reset(&out);
	assert_true(netsh_cmd_quote("%SystemRoot%\\x.exe", &out, &why));
	assert_string_equal(out.buf, "\"%%SystemRoot%%\\x.exe\"");
	strbuf_release(&out);
	strbuf_release(&why);
}

static void ps_roundtrip(const char *s)
{
	struct strbuf out = STRBUF_INIT, back = STRBUF_INIT;
	ps_quote(s, &out);
	const char *p = out.buf;
	assert_true(ps_read_string_expr(&p, out.buf + out.len, &back));
	assert_ptr_equal(p, out.buf + out.len); // the whole literal, nothing left
	assert_string_equal(back.buf, s);
	strbuf_release(&out);
	strbuf_release(&back);
}

static void test_ps_quote(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT;
	ps_quote("it's", &out);
	assert_string_equal(out.buf, "'it''s'");
	strbuf_reset(&out);
	ps_quote("a\xE2\x80\x99" "b", &out); // U+2019 doubled as itself
	assert_string_equal(out.buf, "'a\xE2\x80\x99\xE2\x80\x99" "b'");
	strbuf_reset(&out);
	ps_quote("\xE2\x80\x98\xE2\x80\x9A\xE2\x80\x9B", &out);
	assert_string_equal(out.buf, "'\xE2\x80\x98\xE2\x80\x98\xE2\x80\x9A\xE2\x80\x9A\xE2\x80\x9B\xE2\x80\x9B'");
	strbuf_reset(&out);
	ps_quote("$(x) `n \"", &out); // nothing else is special inside single quotes
	assert_string_equal(out.buf, "'$(x) `n \"'");
	strbuf_release(&out);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
		ps_roundtrip(hostile[i]);
	// U+201C (a double quote to PowerShell) and U+2017 sit next to the single quotes.
	ps_roundtrip("\xE2\x80\x9C\xE2\x80\x97");
	size_t n = 70000;
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = "ab'c"[i % 4];
	s[n] = 0;
	ps_roundtrip(s);
	free(s);
}

static void test_ps_value_check(void **state)
{
	(void)state;
	struct strbuf why = STRBUF_INIT;
	assert_true(ps_value_check("root\\cimv2", 10, &why));
	assert_true(ps_value_check("\xE2\x80\x99", 3, &why));
	assert_false(ps_value_check("a\nb", 3, &why));
	assert_non_null(strstr(why.buf, "0x0a"));
	strbuf_reset(&why);
	assert_false(ps_value_check("a\0b", 3, &why));
	strbuf_reset(&why);
	assert_false(ps_value_check("\xC3", 1, &why));
	assert_non_null(strstr(why.buf, "UTF-8"));
	strbuf_release(&why);
}

static void test_ps_quote_ascii(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	assert_true(ps_quote_ascii("CONTOSO\\\xC3\x9C" "berwachung", 20, &out, &why));
	assert_string_equal(out.buf, "('CONTOSO\\'+[char]0x00DC+'berwachung')");
	strbuf_reset(&out);
	assert_true(ps_quote_ascii("\xC3\x9C", 2, &out, &why));
	assert_string_equal(out.buf, "(''+[char]0x00DC)");
	strbuf_reset(&out);
	assert_true(ps_quote_ascii("it's", 4, &out, &why));
	assert_string_equal(out.buf, "'it''s'");
	strbuf_reset(&out);
	assert_true(ps_quote_ascii("\xF0\x9F\x98\x80", 4, &out, &why)); // U+1F600: a surrogate pair
	assert_string_equal(out.buf, "(''+[char]0xD83D+[char]0xDE00)");
	strbuf_reset(&out);
	assert_false(ps_quote_ascii("a\rb", 3, &out, &why));
	strbuf_release(&out);
	strbuf_release(&why);
	// Through cmd too: the layering apply.cmd uses for group memberships.
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const char *s = hostile[i];
		struct strbuf ps = STRBUF_INIT, cmd = STRBUF_INIT, back = STRBUF_INIT, val = STRBUF_INIT;
		strbuf_reset(&why);
		if (!ps_quote_ascii(s, strlen(s), &ps, &why)) {
			assert_true(strchr(s, '\r') || strchr(s, '\n') || strchr(s, '\t'));
			goto next;
		}
		for (size_t k = 0; k < ps.len; k++)
			assert_true((unsigned char)ps.buf[k] >= 0x20 && (unsigned char)ps.buf[k] < 0x7f);
		if (!cmd_quote(ps.buf, &cmd, &why)) {
			// Only a '"' in the value stops the cmd layer (PowerShell literals end in ' or ).
			assert_non_null(strchr(s, '"'));
			goto next;
		}
		assert_true(cmd_roundtrip(cmd.buf, &back));
		const char *p = back.buf;
		assert_true(ps_read_string_expr(&p, back.buf + back.len, &val));
		assert_string_equal(val.buf, s);
	next:
		strbuf_release(&ps);
		strbuf_release(&cmd);
		strbuf_release(&back);
		strbuf_release(&val);
	}
	strbuf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_quote_exact),
		cmocka_unit_test(test_cmd_quote_refusals),
		cmocka_unit_test(test_cmd_quote_hostile),
		cmocka_unit_test(test_cmd_quote_exhaustive),
		cmocka_unit_test(test_cmd_quote_long),
		cmocka_unit_test(test_netsh_quote),
		cmocka_unit_test(test_ps_quote),
		cmocka_unit_test(test_ps_value_check),
		cmocka_unit_test(test_ps_quote_ascii),
	};
	return cmocka_run_group_tests_name("netsh quoting", tests, NULL, NULL);
}
