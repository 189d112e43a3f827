// The review module's writers: the JSON writer and its checker, diagnostics as
// JSON and SARIF, SARIF URIs, and depfile escaping (the real make and ninja read
// depfiles in check_depfile.py; here the exact bytes and the refusals).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/file.h"
#include "review/depfile.h"
#include "review/diag_output.h"
#include "review/json.h"

// --- JSON writer ---

static void test_json_writer_layout(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	json_init(&w, &sb);
	json_object_begin(&w);
	json_kv_string(&w, "a", "x");
	json_key(&w, "b");
	json_array_begin(&w);
	json_int(&w, -3);
	json_bool(&w, true);
	json_null(&w);
	json_array_end(&w);
	json_key(&w, "c");
	json_array_begin(&w);
	json_array_end(&w);
	json_key(&w, "d");
	json_object_begin(&w);
	json_object_end(&w);
	json_kv_string(&w, "e", NULL);
	json_object_end(&w);
	assert_true(json_done(&w));
	assert_string_equal(sb.buf, "{\n"
				    "  \"a\": \"x\",\n"
				    "  \"b\": [\n"
				    "    -3,\n"
				    "    true,\n"
				    "    null\n"
				    "  ],\n"
				    "  \"c\": [],\n"
				    "  \"d\": {},\n"
				    "  \"e\": null\n"
				    "}");
	strbuf_release(&sb);
}

static void test_json_escaping(void **state)
{
	(void)state;
	const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{ "plain", 5, "\"plain\"" },
		{ "q\"b\\s/", 6, "\"q\\\"b\\\\s/\"" },
		{ "\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"" },
		{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"" },
		{ "nul\0x", 5, "\"nul\\u0000x\"" },
		{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },                 // valid UTF-8 stays
		{ "\xe2\x80\xa8", 3, "\"\\u2028\"" },                    // line separator
		{ "a\xff" "b", 3, "\"a\\ufffdb\"" },                     // invalid byte
		{ "\xc0\xaf", 2, "\"\\ufffd\\ufffd\"" },                 // overlong '/'
		{ "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" },      // surrogate
		{ "\xf0\x9f\x98", 3, "\"\\ufffd\\ufffd\\ufffd\"" },      // truncated
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		json_quote(&sb, cases[i].in, cases[i].len);
		if (strcmp(sb.buf, cases[i].out))
			fail_msg("case %zu: got %s, want %s", i, sb.buf, cases[i].out);
		size_t bad;
		assert_true(json_valid(sb.buf, sb.len, 4, &bad));
		strbuf_release(&sb);
	}
}

static void test_json_valid(void **state)
{
	(void)state;
	static const char *const good[] = {
		"0", "-0", "1.5e+10", "-12.25E-3", "\"\"", "\"\\u00e9\\/\"", "[]", "{}", " [1, 2 ,3] ",
		"{\"a\": {\"b\": [true, false, null]}}", "\"\xc3\xa9\"",
	};
	static const char *const bad[] = {
		"", " ", "01", "1.", ".5", "+1", "1e", "-", "[1,]", "[,1]", "{\"a\"}", "{\"a\":1,}", "{1:2}",
		"\"\\x\"", "\"\\u12g4\"", "\"a", "tru", "nul", "[1] [2]", "[\"\x01\"]", "\"\xff\"", "{\"a\":}",
		"[", "]", "NaN", "\"\\", "[1 2]",
	};
	size_t off;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!json_valid(good[i], strlen(good[i]), 8, &off))
			fail_msg("rejected %s at %zu", good[i], off);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (json_valid(bad[i], strlen(bad[i]), 8, &off))
			fail_msg("accepted '%s'", bad[i]);
	// Depth limit: 3 levels pass with max 3, fail with max 2.
	assert_true(json_valid("[[[]]]", 6, 3, &off));
	assert_false(json_valid("[[[]]]", 6, 2, &off));
	// Deep nesting stops at the limit instead of recursing on.
	struct strbuf deep = STRBUF_INIT;
	for (int i = 0; i < 100000; i++)
		strbuf_addch(&deep, '[');
	assert_false(json_valid(deep.buf, deep.len, JSON_MAX_DEPTH, &off));
	assert_true(off <= JSON_MAX_DEPTH + 1);
	strbuf_release(&deep);
}

// --- Diagnostics ---

static char *print_to_string(void (*fn)(const struct diag *, FILE *), const struct diag *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	fn(d, f);
	fclose(f);
	return text;
}

static void add_sample(struct diag *d, const struct src_file *f)
{
	diag_add(d, DIAG_ERROR, src_pos_make(f, 3, 7), "GPOC-L005", "use a domain account", "'x' is \"bad\"\n");
	diag_error(d, src_pos_make(f, 0, 0), "whole-file error");
	diag_warning(d, src_pos_make(NULL, 0, 0), "no file at all");
	diag_note(d, src_pos_make(f, 4, 0), "a note");
	diag_add(d, DIAG_WARNING, src_pos_make(f, 5, 2), "GPOC-X123", NULL, "from another module");
}

static void test_diag_json(void **state)
{
	(void)state;
	struct src_file f = { "dir/in tent.yaml", "a\nb\nc\nd\ne\n", 10 };
	struct diag d;
	diag_init(&d);
	add_sample(&d, &f);
	char *text = print_to_string(diag_print_json, &d);
	size_t bad;
	assert_true(json_valid(text, strlen(text), 8, &bad));
	assert_non_null(strstr(text, "\"errors\": 2,\n  \"warnings\": 2,\n  \"notes\": 1,"));
	assert_non_null(strstr(text, "\"severity\": \"error\",\n      \"rule\": \"GPOC-L005\",\n"
				     "      \"file\": \"dir/in tent.yaml\",\n      \"line\": 3,\n"
				     "      \"column\": 7,\n      \"message\": \"'x' is \\\"bad\\\"\\n\",\n"
				     "      \"hint\": \"use a domain account\""));
	assert_non_null(strstr(text, "\"rule\": \"GPOC-E000\",\n      \"file\": \"dir/in tent.yaml\",\n"
				     "      \"line\": null,\n      \"column\": null"));
	assert_non_null(strstr(text, "\"rule\": \"GPOC-W000\",\n      \"file\": null"));
	assert_non_null(strstr(text, "\"rule\": \"GPOC-N000\""));
	free(text);
	diag_release(&d);
}

static void test_diag_rule_id(void **state)
{
	(void)state;
	struct diag_entry e = { 0 };
	e.severity = DIAG_ERROR;
	assert_string_equal(diag_rule_id(&e), "GPOC-E000");
	e.severity = DIAG_WARNING;
	assert_string_equal(diag_rule_id(&e), "GPOC-W000");
	e.severity = DIAG_NOTE;
	assert_string_equal(diag_rule_id(&e), "GPOC-N000");
	e.rule = (char *)(uintptr_t)"GPOC-L001";
	assert_string_equal(diag_rule_id(&e), "GPOC-L001");
}

static void test_sarif_uri(void **state)
{
	(void)state;
	char *cwd = getcwd(NULL, 0);
	assert_non_null(cwd);
	struct strbuf abs_in = STRBUF_INIT, abs_out = STRBUF_INIT;
	strbuf_addf(&abs_in, "%s/sub/x.yaml", cwd);
	const struct {
		const char *in, *out;
	} cases[] = {
		{ "intent.yaml", "intent.yaml" },
		{ "./intents/a b.yaml", "intents/a%20b.yaml" },
		{ "././x.yaml", "x.yaml" },
		{ "c:x.yaml", "c%3Ax.yaml" },   // not a URI scheme
		{ "100%.yaml", "100%25.yaml" },
		{ "a#b?c.yaml", "a%23b%3Fc.yaml" },
		{ "caf\xc3\xa9.yaml", "caf%C3%A9.yaml" },
		{ "../up.yaml", "../up.yaml" },
		{ "/nonexistent-root/x.yaml", "file:///nonexistent-root/x.yaml" },
		{ abs_in.buf, "sub/x.yaml" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strbuf_reset(&abs_out);
		sarif_uri(cases[i].in, &abs_out);
		if (strcmp(abs_out.buf, cases[i].out))
			fail_msg("sarif_uri(%s) = %s, want %s", cases[i].in, abs_out.buf, cases[i].out);
	}
	strbuf_release(&abs_in);
	strbuf_release(&abs_out);
	free(cwd);
}

static void test_diag_sarif(void **state)
{
	(void)state;
	struct src_file f = { "dir/in tent.yaml", "a\nb\nc\nd\ne\n", 10 };
	struct src_file in = { "<stdin>", "x\n", 2 };
	struct diag d;
	diag_init(&d);
	add_sample(&d, &f);
	diag_error(&d, src_pos_make(&in, 1, 1), "from standard input");
	char *text = print_to_string(diag_print_sarif, &d);
	size_t bad;
	assert_true(json_valid(text, strlen(text), JSON_MAX_DEPTH, &bad));
	assert_non_null(strstr(text, "\"version\": \"2.1.0\""));
	assert_non_null(strstr(text, "\"columnKind\": \"unicodeCodePoints\""));
	assert_non_null(strstr(text, "\"uri\": \"dir/in%20tent.yaml\""));
	assert_non_null(strstr(text, "\"startLine\": 3,\n                  \"startColumn\": 7"));
	assert_non_null(strstr(text, "\"text\": \"'x' is \\\"bad\\\"\\n\\nhint: use a domain account\""));
	// The file-less warning is a notification; a run with no tool error succeeded.
	assert_non_null(strstr(text, "\"executionSuccessful\": true"));
	assert_non_null(strstr(text, "\"text\": \"no file at all\""));
	// An unknown ID gets rule metadata of its own.
	assert_non_null(strstr(text, "\"id\": \"GPOC-X123\""));
	free(text);
	// A file-less error makes the run unsuccessful.
	diag_error(&d, src_pos_make(NULL, 0, 0), "cannot read templates");
	text = print_to_string(diag_print_sarif, &d);
	assert_non_null(strstr(text, "\"executionSuccessful\": false"));
	free(text);
	diag_release(&d);
}

// --- Depfiles ---

static void test_depfile_escape(void **state)
{
	(void)state;
	const struct {
		const char *in, *out;
	} good[] = {
		{ "a.yaml", "a.yaml" },
		{ "my dir/a b.yaml", "my\\ dir/a\\ b.yaml" },
		{ "cost$5.yaml", "cost$$5.yaml" },
		{ "issue#7.yaml", "issue\\#7.yaml" },
		{ "C:/x.yaml", "C\\:/x.yaml" },
		{ "a\\ b", "a\\\\\\ b" },           // backslash before a space: doubled, then escaped
		{ "a\\\\ b", "a\\\\\\\\\\ b" },
		{ "win\\path.yaml", "win\\path.yaml" },
		{ "x~y,z+w@v!u{t}(s).yaml", "x~y,z+w@v!u{t}(s).yaml" },
		{ "caf\xc3\xa9.yaml", "caf\xc3\xa9.yaml" },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
		if (!depfile_escape(good[i].in, &out, &err))
			fail_msg("refused '%s': %s", good[i].in, err.buf);
		if (strcmp(out.buf, good[i].out))
			fail_msg("escape(%s) = %s, want %s", good[i].in, out.buf, good[i].out);
		strbuf_release(&out);
		strbuf_release(&err);
	}
	static const char *const refused[] = {
		"", "~/x", "x:", "x\\", "x\\#y", "x\\:y", "lib.a(member.o)", "a\tb", "a\nb", "a\rb",
		"a=b", "a;b", "a%b", "a*b", "a?b", "a[1]", "a\"b", "a'b", "a&b", "a<b", "a>b", "a|b",
		"a^b", "a`b", "a\x7f",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
		strbuf_addstr(&out, "keep");
		if (depfile_escape(refused[i], &out, &err))
			fail_msg("accepted '%s' as '%s'", refused[i], out.buf);
		assert_string_equal(out.buf, "keep"); // nothing appended
		assert_non_null(strstr(err.buf, "cannot write file name '"));
		assert_null(strchr(err.buf, '\n')); // control characters are shown escaped
		strbuf_release(&out);
		strbuf_release(&err);
	}
}

static void test_depfile_format_and_write(void **state)
{
	(void)state;
	const char *files[] = { "in tent.yaml", "templates/x.yaml", "in tent.yaml", "out" };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	assert_true(depfile_format("out", files, 4, &out, &err));
	// Duplicates and the target itself are not listed as prerequisites.
	assert_string_equal(out.buf, "out: \\\n  in\\ tent.yaml \\\n  templates/x.yaml\n"
				     "\n"
				     "in\\ tent.yaml:\n"
				     "templates/x.yaml:\n");
	strbuf_reset(&out);
	assert_true(depfile_format("out", NULL, 0, &out, &err));
	assert_string_equal(out.buf, "out:\n");
	const char *badf[] = { "ok.yaml", "bad;name" };
	strbuf_reset(&out);
	assert_false(depfile_format("out", badf, 2, &out, &err));
	assert_int_equal(out.len, 0);
	assert_non_null(strstr(err.buf, "bad;name"));

	char dir[] = "/tmp/gpoc-depfile-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	strbuf_addf(&path, "%s/out.d", dir);
	strbuf_reset(&err);
	assert_true(depfile_write(path.buf, "out", files, 2, &err));
	assert_true(read_file(path.buf, &text, &err));
	assert_string_equal(text.buf, "out: \\\n  in\\ tent.yaml \\\n  templates/x.yaml\n\nin\\ tent.yaml:\ntemplates/x.yaml:\n");
	// A refused name leaves the previous depfile alone and no temporary behind.
	assert_false(depfile_write(path.buf, "out", badf, 2, &err));
	strbuf_reset(&text);
	assert_true(read_file(path.buf, &text, &err));
	assert_non_null(strstr(text.buf, "templates/x.yaml"));
	// An unwritable place is an error with the path in it.
	struct strbuf nowhere = STRBUF_INIT;
	strbuf_addf(&nowhere, "%s/missing/out.d", dir);
	strbuf_reset(&err);
	assert_false(depfile_write(nowhere.buf, "out", files, 2, &err));
	assert_non_null(strstr(err.buf, "cannot write depfile"));
	assert_int_equal(unlink(path.buf), 0);
	assert_int_equal(rmdir(dir), 0); // empty: no temporary file left
	strbuf_release(&nowhere);
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&out);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_writer_layout),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_json_valid),
		cmocka_unit_test(test_diag_json),
		cmocka_unit_test(test_diag_rule_id),
		cmocka_unit_test(test_sarif_uri),
		cmocka_unit_test(test_diag_sarif),
		cmocka_unit_test(test_depfile_escape),
		cmocka_unit_test(test_depfile_format_and_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
