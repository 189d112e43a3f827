// The importer's YAML emitter against the intent loader: every string written as a
// scalar must load back (intent/ynode.h's yaml_load, libyaml underneath) as exactly
// itself and as a quoted scalar, alone and inside a flow list; every comment must
// stay a comment, whatever it quotes. Hostile strings are listed by hand (YAML
// indicators, booleans and numbers of YAML 1.1, line breaks of every kind, control
// characters, code points libyaml treats specially), then a fixed-seed generator
// mixes the same classes of characters into thousands more.

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/strbuf.h"
#include "core/utf.h"
#include "importer/yaml_out.h"
#include "intent/ynode.h"

// Loads `text`; fails the test with the loader's messages if it does not load.
static const struct ynode *load(struct arena *a, struct src_file *f, const char *text, size_t len)
{
	struct diag d;
	diag_init(&d);
	f->name = "emitted.yaml";
	f->text = text;
	f->len = len;
	struct ynode *root = NULL;
	bool ok = yaml_load(f, NULL, a, &d, &root);
	if (!ok || !root) {
		fprintf(stderr, "--- text:\n%.*s\n--- errors:\n", (int)len, text);
		diag_print_gcc(&d, stderr);
	}
	diag_release(&d);
	assert_true(ok);
	assert_non_null(root);
	return root;
}

static void print_hex(const char *what, const char *s, size_t len)
{
	fprintf(stderr, "%s:", what);
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, " %02x", (unsigned char)s[i]);
	fputc('\n', stderr);
}

static void assert_same(const struct ynode *n, const char *s, size_t len)
{
	assert_int_equal(n->kind, YNODE_SCALAR);
	if (n->len != len || memcmp(n->str, s, len)) {
		print_hex("want", s, len);
		print_hex("got ", n->str, n->len);
		fail();
	}
	// Quoted, so no reader may take it for a number, a boolean or null.
	assert_false(n->plain);
}

// `s` as a mapping value, in a flow list, and next to a hostile comment.
static void round_trip(const char *s, size_t len)
{
	struct strbuf doc = STRBUF_INIT;
	strbuf_addstr(&doc, "k: ");
	assert_true(yaml_add_scalar(&doc, s, len));
	strbuf_addstr(&doc, "\nl: [");
	assert_true(yaml_add_scalar(&doc, s, len));
	strbuf_addstr(&doc, ", ");
	assert_true(yaml_add_scalar(&doc, s, len));
	strbuf_addstr(&doc, "]\n# ");
	yaml_add_comment_text(&doc, s, len, 1 << 20);
	strbuf_addstr(&doc, "\nm: 'after'  # ");
	yaml_add_comment_text(&doc, s, len, 1 << 20);
	strbuf_addstr(&doc, "\n");
	struct arena a = ARENA_INIT;
	struct src_file f;
	const struct ynode *root = load(&a, &f, doc.buf, doc.len);
	assert_int_equal(root->kind, YNODE_MAPPING);
	// Comments added no key and took none away.
	assert_int_equal(root->n_entries, 3);
	assert_same(ynode_get(root, "k"), s, len);
	const struct ynode *l = ynode_get(root, "l");
	assert_non_null(l);
	assert_int_equal(l->kind, YNODE_SEQUENCE);
	assert_int_equal(l->n_items, 2);
	assert_same(l->items[0], s, len);
	assert_same(l->items[1], s, len);
	const struct ynode *m = ynode_get(root, "m");
	assert_non_null(m);
	assert_string_equal(m->str, "after");
	arena_release(&a);
	strbuf_release(&doc);
}

static const char *const hostile[] = {
    "",
    "a",
    "it's",
    "''",
    "'",
    "\"",
    "\"\"",
    "\\",
    "\\\\",
    "#",
    "a # b",
    "a #b",
    "#a",
    ": ",
    "a: b",
    "a:b",
    "key: value # c",
    "- x",
    "-",
    "--",
    "---",
    "--- x",
    "...",
    "?",
    "? x",
    "*x",
    "*",
    "&a",
    "&",
    "!tag",
    "!",
    "!!str",
    "!!binary",
    "%YAML 1.1",
    "%",
    "%TAG",
    "{",
    "}",
    "{a: 1}",
    "[",
    "]",
    "[a, b]",
    ",",
    "a, b",
    "|",
    "|-",
    ">",
    ">+",
    "@",
    "`",
    "<<",
    "=",
    "yes",
    "no",
    "Yes",
    "NO",
    "y",
    "n",
    "on",
    "off",
    "On",
    "OFF",
    "true",
    "false",
    "True",
    "FALSE",
    "null",
    "Null",
    "NULL",
    "~",
    "0",
    "00",
    "0x1f",
    "0o17",
    "017",
    "1e3",
    "-1",
    "+1",
    "1_000",
    "0b101",
    ".inf",
    "-.inf",
    ".NaN",
    "12:30:00",
    "2001-12-14",
    "1.0",
    " ",
    "  ",
    " leading",
    "trailing ",
    " both ",
    "\t",
    "a\tb",
    "\ttab",
    "tab\t",
    "\n",
    "\n\n",
    "line1\nline2",
    "\r\n",
    "\r",
    "a\rb",
    "trailing\n",
    "\x01",
    "a\x01b",
    "\x1b[31m",
    "\x7f",
    "\x08",
    "\x0b\x0c",
    "\xc2\x80",
    "\xc2\x85",
    "a\xc2\x85"
    "b",
    "\xc2\x9f",
    "\xc2\xa0",
    "\xe2\x80\xa8",
    "\xe2\x80\xa9",
    "\xef\xbb\xbf",
    "\xef\xbb\xbf"
    "bom",
    "\xef\xbf\xbe",
    "\xef\xbf\xbf",
    "\xed\x9f\xbf",
    "\xee\x80\x80",
    "\xef\xbf\xbd",
    "\xf0\x9f\x98\x80",
    "\xf4\x8f\xbf\xbf",
    "caf\xc3\xa9",
    "\xe6\x97\xa5\xe6\x9c\xac",
    "%SystemRoot%\\system32\\svchost.exe",
    "%%",
    "C:\\Program Files\\Contoso\\agent.exe",
    "HKLM\\SOFTWARE\\Microsoft\\Ole",
    "O:BAG:BAD:(A;;CCDCLC;;;WD)",
    "v2.10|Action=Allow|",
    "a\\nb",
    "\\x41",
    "\\u0041",
    "\\\"",
    "'quoted'",
    "\"double\"",
    "${principal}",
    "$$",
    "{{ x }}",
    "#!/bin/sh",
    "<script>",
};

static void test_hostile_strings(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
		round_trip(hostile[i], strlen(hostile[i]));
}

static void test_long_strings(void **state)
{
	(void)state;
	struct strbuf s = STRBUF_INIT;
	for (int i = 0; i < 5000; i++)
		strbuf_addstr(&s, i % 7 ? "ab' " : "\xe2\x80\xa8\"\\");
	round_trip(s.buf, s.len);
	strbuf_reset(&s);
	for (int i = 0; i < 20000; i++)
		strbuf_addch(&s, 'x');
	round_trip(s.buf, s.len);
	strbuf_release(&s);
}

static void test_style(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	assert_true(yaml_add_scalar_str(&sb, "it's"));
	assert_string_equal(sb.buf, "'it''s'");
	strbuf_reset(&sb);
	assert_true(yaml_add_scalar_str(&sb, "a\nb\t\"\\"));
	assert_string_equal(sb.buf, "\"a\\nb\\t\\\"\\\\\"");
	strbuf_reset(&sb);
	assert_true(yaml_add_scalar_str(&sb, "\xc2\x85|\xe2\x80\xa8|\xef\xbb\xbf|\x7f|\xf0\x9f\x98\x80"));
	assert_string_equal(sb.buf, "\"\\x85|\\u2028|\\uFEFF|\\x7F|\xf0\x9f\x98\x80\"");
	strbuf_reset(&sb);
	assert_true(yaml_add_scalar_str(&sb, "caf\xc3\xa9 \xe6\x97\xa5"));
	assert_string_equal(sb.buf, "'caf\xc3\xa9 \xe6\x97\xa5'");
	strbuf_release(&sb);
}

static void test_refused(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "keep");
	// NUL: the intent loader refuses it in any string.
	assert_false(yaml_add_scalar(&sb, "a\0b", 3));
	// Invalid UTF-8: a lone continuation byte, an overlong form, a surrogate.
	assert_false(yaml_add_scalar(&sb, "\x80", 1));
	assert_false(yaml_add_scalar(&sb, "\xc0\xaf", 2));
	assert_false(yaml_add_scalar(&sb, "\xed\xa0\x80", 3));
	assert_string_equal(sb.buf, "keep");
	strbuf_release(&sb);
}

static void test_comment_escapes(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	yaml_add_comment_text(&sb, "a\nb: c\r\xc2\x85\xe2\x80\xa8\x01\\\xff", 15, 100);
	assert_string_equal(sb.buf, "a\\nb: c\\r\\x85\\u2028\\x01\\\\xFF");
	strbuf_reset(&sb);
	// Cut at `max` input bytes, on a character boundary of the input.
	yaml_add_comment_text(&sb, "abcdef", 6, 3);
	assert_string_equal(sb.buf, "abc...");
	strbuf_release(&sb);
}

// A fixed-seed generator (tests must not depend on time or chance): strings made
// of the character classes above, so that their combinations are covered too.
static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static void test_generated(void **state)
{
	(void)state;
	static const uint32_t pool[] = {
	    'a',  'Z',    '0',    ' ',    ' ',    '\t',   '\n',   '\r',   '\'',   '"',     '\\',    '#',
	    ':',  '-',    '?',    '*',    '&',    '!',    '%',    '@',    '`',    '{',     '}',     '[',
	    ']',  ',',    '|',    '>',    '~',    0x01,   0x1F,   0x7F,   0x80,   0x85,    0x9F,    0xA0,
	    0xE9, 0x2028, 0x2029, 0xD7FF, 0xE000, 0xFEFF, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
	struct strbuf s = STRBUF_INIT;
	for (int i = 0; i < 3000; i++) {
		strbuf_reset(&s);
		size_t n = next() % 12;
		for (size_t k = 0; k < n; k++)
			strbuf_add_utf8(&s, pool[next() % (sizeof(pool) / sizeof(pool[0]))]);
		round_trip(s.buf, s.len);
	}
	strbuf_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hostile_strings), cmocka_unit_test(test_long_strings),
	    cmocka_unit_test(test_style),           cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_comment_escapes), cmocka_unit_test(test_generated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
