// The YAML loader (load.c): positions, limits, and every refusal, each at the
// place it must be reported. Inputs are copied into buffers of exactly their
// length without a terminating NUL, so that a read past the end shows under ASan.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "intent/ynode.h"

struct loaded {
	struct src_file f;
	char *text;
	struct arena a;
	struct diag d;
	struct ynode *root;
	bool ok;
};

static struct loaded *load_n(const char *text, size_t len, const struct yaml_limits *lim)
{
	struct loaded *l = calloc(1, sizeof(*l));
	l->text = malloc(len ? len : 1);
	memcpy(l->text, text, len);
	l->f.name = "t.yaml";
	l->f.text = l->text;
	l->f.len = len;
	arena_init(&l->a);
	diag_init(&l->d);
	l->ok = yaml_load(&l->f, lim, &l->a, &l->d, &l->root);
	return l;
}

static struct loaded *load(const char *text)
{
	return load_n(text, strlen(text), NULL);
}

static struct loaded *load_lim(const char *text, const struct yaml_limits *lim)
{
	return load_n(text, strlen(text), lim);
}

static void done(struct loaded *l)
{
	diag_release(&l->d);
	arena_release(&l->a);
	free(l->text);
	free(l);
}

static void print_diags(const struct loaded *l)
{
	for (size_t i = 0; i < l->d.n; i++)
		fprintf(stderr, "  [%zu] %u:%u %s\n", i, l->d.v[i].pos.line, l->d.v[i].pos.col,
			l->d.v[i].message);
}

// Diagnostic i is `sev` at line:col and its message contains `part`.
static void expect_diag(const struct loaded *l, size_t i, enum diag_severity sev, uint32_t line, uint32_t col,
			const char *part)
{
	if (i >= l->d.n || l->d.v[i].severity != sev || l->d.v[i].pos.line != line ||
	    (line && l->d.v[i].pos.col != col) || !strstr(l->d.v[i].message, part)) {
		fprintf(stderr, "expected diagnostic %zu at %u:%u containing \"%s\"; got:\n", i, line, col, part);
		print_diags(l);
		fail();
	}
	assert_ptr_equal(l->d.v[i].pos.file, &l->f);
}

static void expect_one_error(const struct loaded *l, uint32_t line, uint32_t col, const char *part)
{
	assert_false(l->ok);
	if (l->d.n != 1) {
		print_diags(l);
		fail_msg("expected exactly one diagnostic, got %zu", l->d.n);
	}
	expect_diag(l, 0, DIAG_ERROR, line, col, part);
}

static void expect_pos(const struct ynode *n, uint32_t line, uint32_t col)
{
	assert_non_null(n);
	if (n->pos.line != line || n->pos.col != col)
		fail_msg("node at %u:%u, expected %u:%u", n->pos.line, n->pos.col, line, col);
}

static const struct ynode *get(const struct ynode *map, const char *key)
{
	const struct ynode *v = ynode_get(map, key);
	if (!v)
		fail_msg("no key '%s'", key);
	return v;
}

static void expect_scalar(const struct ynode *n, const char *text)
{
	assert_non_null(n);
	assert_int_equal(n->kind, YNODE_SCALAR);
	assert_int_equal(n->len, strlen(text));
	assert_memory_equal(n->str, text, n->len);
	assert_int_equal(n->str[n->len], '\0');
}

// ---------------------------------------------------------------------------
// Trees and positions

static void test_tree_and_positions(void **state)
{
	(void)state;
	struct loaded *l = load("a: \xC3\xA9\nb\xC3\xA9: [x, 'y']\nc:\n  - k: v\n");
	assert_true(l->ok);
	assert_int_equal(l->d.n, 0);
	const struct ynode *r = l->root;
	assert_int_equal(r->kind, YNODE_MAPPING);
	assert_int_equal(r->n_entries, 3);
	expect_pos(r, 1, 1);
	expect_pos(r->entries[0].key, 1, 1);
	expect_scalar(get(r, "a"), "\xC3\xA9");
	expect_pos(get(r, "a"), 1, 4);
	// Columns count characters: the key "bé" is 3 bytes but 2 columns.
	expect_pos(r->entries[1].key, 2, 1);
	const struct ynode *seq = get(r, "b\xC3\xA9");
	assert_int_equal(seq->kind, YNODE_SEQUENCE);
	expect_pos(seq, 2, 5);
	assert_int_equal(seq->n_items, 2);
	expect_scalar(seq->items[0], "x");
	expect_pos(seq->items[0], 2, 6);
	assert_true(seq->items[0]->plain);
	expect_scalar(seq->items[1], "y");
	expect_pos(seq->items[1], 2, 9);
	assert_false(seq->items[1]->plain);
	const struct ynode *c = get(r, "c");
	expect_pos(c, 4, 3);
	expect_pos(c->items[0], 4, 5);
	expect_scalar(get(c->items[0], "k"), "v");
	expect_pos(get(c->items[0], "k"), 4, 8);
	done(l);
}

static void test_positions_crlf_and_bom(void **state)
{
	(void)state;
	struct loaded *l = load("a: 1\r\nb: 2\r\n");
	assert_true(l->ok);
	expect_pos(get(l->root, "b"), 2, 4);
	done(l);
	// The byte order mark is a character of line 1, as the caret printer counts it.
	l = load("\xEF\xBB\xBF" "a: 1\nb: 2\n");
	assert_true(l->ok);
	expect_pos(l->root->entries[0].key, 1, 2);
	expect_pos(get(l->root, "a"), 1, 5);
	expect_pos(get(l->root, "b"), 2, 4);
	done(l);
}

// libyaml breaks lines at a lone CR; diagnostics print lines split at LF only,
// so positions must follow the latter to put the caret under the right text.
static void test_positions_lone_cr(void **state)
{
	(void)state;
	struct loaded *l = load("a: 1\rb: 2\nc: 3\n");
	assert_true(l->ok);
	expect_pos(l->root->entries[1].key, 1, 6);
	expect_pos(get(l->root, "b"), 1, 9);
	expect_pos(get(l->root, "c"), 2, 4);
	done(l);
}

// Positions far into a line, and a note pointing back before them, exercise the
// position map's checkpoints.
static void test_positions_far_and_backwards(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "a: {b: [");
	for (int i = 0; i < 3000; i++)
		strbuf_addstr(&sb, "x, ");
	strbuf_addstr(&sb, "y]\n"); // the flow mapping is never closed
	struct loaded *l = load(sb.buf);
	assert_false(l->ok);
	assert_null(l->root);
	assert_int_equal(l->d.n, 2);
	expect_diag(l, 0, DIAG_ERROR, 2, 1, "invalid YAML: did not find expected ',' or '}'");
	expect_diag(l, 1, DIAG_NOTE, 1, 4, "while parsing a flow mapping that starts here");
	done(l);

	strbuf_reset(&sb);
	strbuf_addstr(&sb, "k: [");
	for (int i = 0; i < 5000; i++)
		strbuf_addstr(&sb, "xy, ");
	strbuf_addstr(&sb, "last]\nz: !!str 1\n");
	l = load(sb.buf);
	const struct ynode *k = get(l->root, "k");
	expect_pos(k->items[4999], 1, 5 + 4 * 4999);
	expect_pos(k->items[5000], 1, 5 + 4 * 5000);
	expect_one_error(l, 2, 4, "explicit tag '!!str'");
	done(l);
	strbuf_release(&sb);
}

static void test_scalar_styles(void **state)
{
	(void)state;
	struct loaded *l = load("p: plain\ns: 'single'\nd: \"dou\\tble\"\nl: |\n  line1\n  line2\nf: >\n  folded\n  text\n"
				"e:\nn: ~\nq: ''\n");
	assert_true(l->ok);
	expect_scalar(get(l->root, "p"), "plain");
	assert_true(get(l->root, "p")->plain);
	expect_scalar(get(l->root, "s"), "single");
	assert_false(get(l->root, "s")->plain);
	expect_scalar(get(l->root, "d"), "dou\tble");
	expect_scalar(get(l->root, "l"), "line1\nline2\n");
	assert_false(get(l->root, "l")->plain);
	expect_scalar(get(l->root, "f"), "folded text\n");
	expect_scalar(get(l->root, "e"), "");
	assert_true(ynode_is_null(get(l->root, "e")));
	assert_true(ynode_is_null(get(l->root, "n")));
	expect_scalar(get(l->root, "q"), "");
	assert_false(ynode_is_null(get(l->root, "q")));
	done(l);
}

static void test_is_null(void **state)
{
	(void)state;
	struct loaded *l = load("a: null\nb: Null\nc: NULL\nd: nUll\ne: 'null'\nf: ~\ng: [~]\n");
	assert_true(ynode_is_null(get(l->root, "a")));
	assert_true(ynode_is_null(get(l->root, "b")));
	assert_true(ynode_is_null(get(l->root, "c")));
	assert_false(ynode_is_null(get(l->root, "d")));
	assert_false(ynode_is_null(get(l->root, "e")));
	assert_true(ynode_is_null(get(l->root, "f")));
	assert_false(ynode_is_null(get(l->root, "g")));
	done(l);
}

static void test_get_and_kind_names(void **state)
{
	(void)state;
	struct loaded *l = load("ab: 1\na: 2\n");
	expect_scalar(ynode_get(l->root, "a"), "2");
	expect_scalar(ynode_get(l->root, "ab"), "1");
	assert_null(ynode_get(l->root, "b"));
	assert_null(ynode_get(l->root, ""));
	assert_null(ynode_get(get(l->root, "a"), "a")); // not a mapping
	assert_null(ynode_get(NULL, "a"));
	assert_string_equal(ynode_kind_name(YNODE_SCALAR), "a string");
	assert_string_equal(ynode_kind_name(YNODE_SEQUENCE), "a list");
	assert_string_equal(ynode_kind_name(YNODE_MAPPING), "a mapping");
	done(l);
}

// ---------------------------------------------------------------------------
// Aliases

static void test_alias_copies_node_at_alias_position(void **state)
{
	(void)state;
	struct loaded *l = load("a: &x {k: v}\nb: *x\nc: &s str\nd: *s\n");
	assert_true(l->ok);
	const struct ynode *a = get(l->root, "a"), *b = get(l->root, "b");
	assert_int_equal(b->kind, YNODE_MAPPING);
	expect_pos(b, 2, 4);
	expect_pos(a, 1, 4);
	assert_int_equal(b->n_entries, 1);
	assert_ptr_equal(b->entries, a->entries);
	expect_scalar(get(l->root, "d"), "str");
	expect_pos(get(l->root, "d"), 4, 4);
	done(l);
}

static void test_alias_redefined_anchor_newest_wins(void **state)
{
	(void)state;
	struct loaded *l = load("a: &x 1\nb: &x 2\nc: *x\n");
	assert_true(l->ok);
	expect_scalar(get(l->root, "c"), "2");
	done(l);
}

static void test_alias_unknown_and_recursive(void **state)
{
	(void)state;
	struct loaded *l = load("a: *nope\nb: &r [1, *r]\nc: ok\n");
	assert_false(l->ok);
	// Reading goes on: the tree is complete, the bad aliases read as empty values.
	assert_non_null(l->root);
	assert_int_equal(l->d.n, 2);
	expect_diag(l, 0, DIAG_ERROR, 1, 4, "alias '*nope' has no anchor; define '&nope' on a node before it");
	expect_diag(l, 1, DIAG_ERROR, 2, 11, "alias '*r' refers to a node that contains it");
	assert_true(ynode_is_null(get(l->root, "a")));
	expect_scalar(get(l->root, "c"), "ok");
	done(l);
}

static void test_alias_budget(void **state)
{
	(void)state;
	struct yaml_limits lim = yaml_default_limits;
	lim.max_alias_nodes = 5;
	// x is 3 nodes: the first alias brings the total to 3, the second to 6.
	struct loaded *l = load_lim("a: &x [1, 2]\nb: *x\nc: *x\n", &lim);
	expect_one_error(l, 3, 4, "aliases expand to more than 5 nodes");
	assert_null(l->root);
	done(l);
	l = load_lim("a: &x [1, 2]\nb: *x\n", &lim);
	assert_true(l->ok);
	done(l);
}

// The classic "billion laughs": nine levels of nine aliases each.
static void test_billion_laughs(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (char c = 'b'; c <= 'j'; c++) {
		strbuf_addf(&sb, "%c: &%c [", c, c);
		for (int i = 0; i < 9; i++)
			strbuf_addf(&sb, "%s*%c", i ? ", " : "", c - 1);
		strbuf_addstr(&sb, "]\n");
	}
	struct loaded *l = load(sb.buf);
	// Per alias: a = 10 nodes, b = 91, c = 820, d = 7381. The aliases of lines
	// b, c and d cost 9 * (10 + 91 + 820) = 8289; the first *d passes 10,000.
	expect_one_error(l, 5, 8, "aliases expand to more than 10000 nodes");
	assert_null(l->root);
	done(l);
	strbuf_release(&sb);
}

static void test_anchor_limit(void **state)
{
	(void)state;
	struct yaml_limits lim = yaml_default_limits;
	lim.max_anchors = 2;
	struct loaded *l = load_lim("a: &x 1\nb: &y 2\nc: &z 3\n", &lim);
	expect_one_error(l, 3, 4, "more than 2 anchors");
	done(l);
}

// ---------------------------------------------------------------------------
// Structural refusals that keep reading

static void test_duplicate_keys(void **state)
{
	(void)state;
	struct loaded *l = load("a: 1\nb: 2\na: 3\nm: {x: 1, x: 2, x: 3}\n");
	assert_false(l->ok);
	assert_non_null(l->root);
	assert_int_equal(l->d.n, 6);
	expect_diag(l, 0, DIAG_ERROR, 3, 1, "duplicate key 'a'; a key may appear once in a mapping");
	expect_diag(l, 1, DIAG_NOTE, 1, 1, "'a' is first defined here");
	expect_diag(l, 2, DIAG_ERROR, 4, 11, "duplicate key 'x'");
	expect_diag(l, 3, DIAG_NOTE, 4, 5, "'x' is first defined here");
	expect_diag(l, 4, DIAG_ERROR, 4, 17, "duplicate key 'x'");
	expect_diag(l, 5, DIAG_NOTE, 4, 5, "'x' is first defined here");
	// The first of each key stays, in document order.
	assert_int_equal(l->root->n_entries, 3);
	expect_scalar(l->root->entries[0].value, "1");
	expect_scalar(l->root->entries[1].value, "2");
	const struct ynode *m = get(l->root, "m");
	assert_int_equal(m->n_entries, 1);
	expect_scalar(get(m, "x"), "1");
	done(l);
}

// Keys differing in a byte after a common prefix, or in length, are different.
static void test_keys_that_only_look_alike(void **state)
{
	(void)state;
	struct loaded *l = load("ab: 1\na: 2\n'a ': 3\n\"a\\tb\": 4\nA: 5\n");
	assert_true(l->ok);
	assert_int_equal(l->root->n_entries, 5);
	done(l);
}

static void test_merge_key_refused(void **state)
{
	(void)state;
	struct loaded *l = load("base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n'<<': quoted is a plain string key\n");
	expect_one_error(l, 3, 3, "merge key '<<' is not supported");
	const struct ynode *m = get(l->root, "m");
	assert_int_equal(m->n_entries, 1);
	expect_scalar(get(m, "y"), "2");
	expect_scalar(get(l->root, "<<"), "quoted is a plain string key");
	done(l);
}

static void test_non_scalar_keys(void **state)
{
	(void)state;
	struct loaded *l = load("? [a]\n: b\n{c: 1}: x\nd: e\n");
	assert_false(l->ok);
	assert_int_equal(l->d.n, 2);
	expect_diag(l, 0, DIAG_ERROR, 1, 3, "mapping key must be a string, not a list");
	expect_diag(l, 1, DIAG_ERROR, 3, 1, "mapping key must be a string, not a mapping");
	assert_int_equal(l->root->n_entries, 1);
	expect_scalar(get(l->root, "d"), "e");
	done(l);
}

static void test_tags_refused(void **state)
{
	(void)state;
	struct loaded *l = load("a: !!str x\nb: !foo y\nc: ! z\nd: !!binary aGk=\ne: !!map {k: v}\nf: !!seq [1]\n");
	assert_false(l->ok);
	assert_int_equal(l->d.n, 6);
	expect_diag(l, 0, DIAG_ERROR, 1, 4, "explicit tag '!!str' is not allowed; the intent language has no tags");
	expect_diag(l, 1, DIAG_ERROR, 2, 4, "explicit tag '!foo'");
	expect_diag(l, 2, DIAG_ERROR, 3, 4, "explicit tag '!'");
	expect_diag(l, 3, DIAG_ERROR, 4, 4, "explicit tag '!!binary'");
	expect_diag(l, 4, DIAG_ERROR, 5, 4, "explicit tag '!!map'");
	expect_diag(l, 5, DIAG_ERROR, 6, 4, "explicit tag '!!seq'");
	// The values stay, so checking can go on.
	expect_scalar(get(l->root, "a"), "x");
	done(l);
}

static void test_tag_directive_refused(void **state)
{
	(void)state;
	struct loaded *l = load("%TAG !e! tag:example.com,2000:\n---\na: 1\n");
	expect_one_error(l, 1, 1, "'%TAG' directive is not allowed");
	done(l);
	// A %YAML directive names the YAML version and is harmless.
	l = load("%YAML 1.1\n---\na: 1\n");
	assert_true(l->ok);
	done(l);
}

static void test_nul_from_escapes(void **state)
{
	(void)state;
	struct loaded *l = load("a: \"x\\0y\"\nb: \"\\x00\"\nc: \"\\u0000\"\nd: \"\\x01 is fine\"\n");
	assert_false(l->ok);
	assert_int_equal(l->d.n, 3);
	expect_diag(l, 0, DIAG_ERROR, 1, 4, "string holds a NUL character");
	expect_diag(l, 1, DIAG_ERROR, 2, 4, "string holds a NUL character");
	expect_diag(l, 2, DIAG_ERROR, 3, 4, "string holds a NUL character");
	// The length is authoritative; the NUL is kept so nothing is silently cut.
	expect_scalar(get(l->root, "d"), "\x01 is fine");
	assert_int_equal(get(l->root, "a")->len, 3);
	done(l);
}

static void test_scalar_limit(void **state)
{
	(void)state;
	struct yaml_limits lim = yaml_default_limits;
	lim.max_scalar_bytes = 4;
	struct loaded *l = load_lim("a: abcd\nb: abcde\n", &lim);
	expect_one_error(l, 2, 4, "string is too long (5 bytes); the limit is 4 bytes");
	assert_non_null(l->root);
	done(l);
}

// Diagnostics come out in document order although duplicate keys are found
// only when their mapping ends, after the problems inside it.
static void test_diagnostics_in_document_order(void **state)
{
	(void)state;
	struct loaded *l = load("a: 1\na: 2\nb: !!str x\n");
	assert_int_equal(l->d.n, 3);
	expect_diag(l, 0, DIAG_ERROR, 2, 1, "duplicate key 'a'");
	expect_diag(l, 1, DIAG_NOTE, 1, 1, "first defined here");
	expect_diag(l, 2, DIAG_ERROR, 3, 4, "explicit tag");
	done(l);
}

static void test_sort_diagnostics_keeps_notes(void **state)
{
	(void)state;
	struct src_file f = { "f", "", 0 };
	struct diag d;
	diag_init(&d);
	diag_error(&d, src_pos_make(&f, 1, 1), "untouched");
	diag_error(&d, src_pos_make(&f, 5, 2), "e5");
	diag_note(&d, src_pos_make(&f, 1, 1), "n5");
	diag_warning(&d, src_pos_make(&f, 3, 9), "w3");
	diag_error(&d, src_pos_make(&f, 3, 1), "e3");
	diag_error(&d, src_pos_make(&f, 0, 0), "file");
	diag_error(&d, src_pos_make(&f, 3, 1), "e3b");
	yaml_sort_diagnostics(&d, 1);
	const char *want[] = { "untouched", "file", "e3", "e3b", "w3", "e5", "n5" };
	assert_int_equal(d.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(d.v[i].message, want[i]);
	diag_release(&d);
}

// ---------------------------------------------------------------------------
// Refusals that stop reading

static void test_multiple_documents(void **state)
{
	(void)state;
	struct loaded *l = load("a: 1\n---\nb: 2\n");
	expect_one_error(l, 2, 1, "a second YAML document; a file holds one document");
	// The first document was read whole and can still be checked.
	assert_non_null(l->root);
	expect_scalar(get(l->root, "a"), "1");
	done(l);
	l = load("---\na: 1\n...\n---\nb: 2\n");
	expect_one_error(l, 4, 1, "a second YAML document");
	done(l);
	// One explicit document with an end marker is fine.
	l = load("---\na: 1\n...\n");
	assert_true(l->ok);
	done(l);
}

static void test_empty_inputs(void **state)
{
	(void)state;
	struct loaded *l = load("");
	expect_one_error(l, 0, 0, "file is empty; expected a mapping of keys to values");
	assert_null(l->root);
	done(l);
	l = load("# only a comment\n\n");
	expect_one_error(l, 0, 0, "file is empty");
	done(l);
	l = load("---\n");
	expect_one_error(l, 1, 1, "document is empty; expected a mapping of keys to values");
	done(l);
	l = load("\n\n~\n");
	expect_one_error(l, 3, 1, "document is empty");
	done(l);
}

static void test_top_level_not_mapping(void **state)
{
	(void)state;
	struct loaded *l = load("- a\n- b\n");
	expect_one_error(l, 1, 1, "the top level must be a mapping of keys to values, not a list");
	assert_null(l->root);
	done(l);
	l = load("\n'text'\n");
	expect_one_error(l, 2, 1, "not a string");
	done(l);
}

static void test_depth_limit(void **state)
{
	(void)state;
	struct yaml_limits lim = yaml_default_limits;
	lim.max_depth = 3;
	struct loaded *l = load_lim("a: [[x]]\n", &lim);
	assert_true(l->ok);
	done(l);
	l = load_lim("a: [[[x]]]\n", &lim);
	expect_one_error(l, 1, 6, "nesting is deeper than 3 levels");
	assert_null(l->root);
	done(l);
	l = load_lim("a:\n  b:\n    c: 1\n", &lim);
	assert_true(l->ok);
	done(l);
	l = load_lim("a:\n  b:\n    c:\n      d: 1\n", &lim);
	expect_one_error(l, 4, 7, "nesting is deeper than 3 levels");
	done(l);
}

// Aliases cannot smuggle nesting past the limit: what they expand to counts.
static void test_depth_limit_through_aliases(void **state)
{
	(void)state;
	struct yaml_limits lim = yaml_default_limits;
	lim.max_depth = 3;
	struct loaded *l = load_lim("a: &x [[1]]\nb: *x\n", &lim);
	assert_true(l->ok);
	done(l);
	l = load_lim("a: &x [[1]]\nb: [*x]\n", &lim);
	expect_one_error(l, 2, 5, "nesting is deeper than 3 levels once the alias is expanded");
	assert_null(l->root);
	done(l);
}

// A hundred thousand levels: refused at level 65 with the default limits, without
// recursion anywhere (libyaml's parser and ours both keep explicit stacks).
static void test_very_deep_nesting(void **state)
{
	(void)state;
	size_t n = 100000;
	char *text = malloc(2 * n + 4);
	memcpy(text, "a: ", 3);
	memset(text + 3, '[', n);
	memset(text + 3 + n, ']', n);
	text[3 + 2 * n] = '\n';
	struct loaded *l = load_n(text, 2 * n + 4, NULL);
	// The mapping is level 1, the first '[' (column 4) level 2: column 67 is level 65.
	expect_one_error(l, 1, 67, "nesting is deeper than 64 levels");
	done(l);
	free(text);
}

static void test_node_limit(void **state)
{
	(void)state;
	struct yaml_limits lim = yaml_default_limits;
	lim.max_nodes = 5;
	// mapping, key, sequence, 1, 2 are five nodes; 3 is the sixth.
	struct loaded *l = load_lim("a: [1, 2]\n", &lim);
	assert_true(l->ok);
	done(l);
	l = load_lim("a: [1, 2, 3]\n", &lim);
	expect_one_error(l, 1, 11, "document has more than 5 nodes");
	assert_null(l->root);
	done(l);
	// Nodes reached through an alias count at their full size.
	l = load_lim("a: &x [1]\nb: *x\n", &lim);
	expect_one_error(l, 2, 4, "more than 5 nodes");
	done(l);
}

static void test_file_limit(void **state)
{
	(void)state;
	struct yaml_limits lim = yaml_default_limits;
	lim.max_file_bytes = 8;
	struct loaded *l = load_lim("a: 12345\n", &lim);
	expect_one_error(l, 0, 0, "file is too large (9 bytes); intents are limited to 8 bytes");
	done(l);
	l = load_lim("a: 1234\n", &lim);
	assert_true(l->ok);
	done(l);
}

static void test_default_limits(void **state)
{
	(void)state;
	assert_int_equal(yaml_default_limits.max_file_bytes, 8 * 1024 * 1024);
	assert_int_equal(yaml_default_limits.max_scalar_bytes, 64 * 1024);
	assert_int_equal(yaml_default_limits.max_depth, 64);
	assert_int_equal(yaml_default_limits.max_nodes, 200000);
	assert_int_equal(yaml_default_limits.max_alias_nodes, 10000);
	assert_int_equal(yaml_default_limits.max_anchors, 10000);
}

// ---------------------------------------------------------------------------
// Bytes that are not YAML text

static void test_encodings(void **state)
{
	(void)state;
	static const struct {
		const char *bytes;
		size_t len;
		const char *msg;
	} cases[] = {
		{ "\xFF\xFEg\0p\0", 6, "file is encoded as UTF-16LE (it starts with the byte order mark FF FE); save it as UTF-8" },
		{ "\xFE\xFF\0g\0p", 6, "UTF-16BE (it starts with the byte order mark FE FF)" },
		{ "\xFF\xFE\0\0g\0\0\0", 8, "UTF-32LE (it starts with the byte order mark FF FE 00 00)" },
		{ "\0\0\xFE\xFF\0\0\0g", 8, "UTF-32BE (it starts with the byte order mark 00 00 FE FF)" },
		{ "g\0p\0o\0", 6, "UTF-16LE (NUL bytes between its characters)" },
		{ "\0g\0p\0o", 6, "UTF-16BE (NUL bytes between its characters)" },
		{ "g\0\0\0p\0\0\0", 8, "UTF-32LE (NUL bytes between its characters)" },
		{ "\0\0\0g\0\0\0p", 8, "UTF-32BE (NUL bytes between its characters)" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct loaded *l = load_n(cases[i].bytes, cases[i].len, NULL);
		expect_one_error(l, 0, 0, cases[i].msg);
		done(l);
	}
}

static void test_nul_byte(void **state)
{
	(void)state;
	struct loaded *l = load_n("a: 1\nbc\0: 2\n", 12, NULL);
	expect_one_error(l, 2, 3, "NUL byte in the file; intents are UTF-8 text");
	done(l);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"a: \xC3\xA9\xC3(\n",      // truncated sequence
		"a: \xC3\xA9\xC0\xAF\n",   // overlong
		"a: \xC3\xA9\xED\xA0\x80\n", // surrogate
		"a: \xC3\xA9\xF4\x90\x80\x80\n", // past U+10FFFF
		"a: \xC3\xA9\xFF\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct loaded *l = load(bad[i]);
		expect_one_error(l, 1, 5, "invalid UTF-8 (byte 0x");
		done(l);
	}
}

static void test_control_characters(void **state)
{
	(void)state;
	struct loaded *l = load("a: x\x1b[31m\n");
	expect_one_error(l, 1, 5, "control character U+001B is not allowed in YAML text; write it as \\x1b");
	done(l);
	l = load("a: \xC2\x80\n"); // U+0080, a C1 control
	expect_one_error(l, 1, 4, "control character U+0080");
	done(l);
	l = load("a: \xEF\xBF\xBF\n"); // U+FFFF
	expect_one_error(l, 1, 4, "character U+FFFF is not allowed in YAML text; write it as \\uffff");
	done(l);
	// NEL, non-breaking space, astral characters and tabs inside values are text.
	l = load("a: \"\xC2\x85\"\nb: \xC2\xA0x\nc: \xF0\x9F\x98\x80\nd: \"x\ty\"\n");
	assert_true(l->ok);
	done(l);
}

// ---------------------------------------------------------------------------
// Syntax errors

static void test_tabs(void **state)
{
	(void)state;
	struct loaded *l = load("a:\n\tb: 1\n");
	expect_one_error(l, 2, 1, "tab character used for indentation; indent with spaces");
	done(l);
	l = load("a:\n  b: 1\n  \tc: 2\n");
	expect_one_error(l, 3, 3, "tab character used for indentation");
	done(l);
	l = load("a: |\n  x\n\ty\n");
	expect_one_error(l, 3, 1, "tab character used for indentation");
	done(l);
	l = load("a:\n  - b\n  -\tc\n");
	expect_one_error(l, 3, 4, "tab character where YAML expects a space; use spaces");
	done(l);
	// Tabs that YAML allows stay allowed.
	l = load("a:\tb\nc: [x,\t\ty]\nd: \"x\n\ty\"\n");
	assert_true(l->ok);
	done(l);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	struct loaded *l = load("a: b: c\n");
	expect_one_error(l, 1, 5, "invalid YAML: mapping values are not allowed in this context");
	assert_string_equal(l->d.v[0].hint, "a plain value cannot contain ': '; put the value in quotes");
	done(l);
	l = load("a: @x\n");
	expect_one_error(l, 1, 4, "invalid YAML: '@' cannot start a plain value");
	done(l);
	l = load("a: `x\n");
	expect_one_error(l, 1, 4, "invalid YAML: '`' cannot start a plain value");
	done(l);
	l = load("a: b\nc\nd: e\n");
	assert_false(l->ok);
	assert_null(l->root);
	assert_int_equal(l->d.n, 2);
	expect_diag(l, 0, DIAG_ERROR, 3, 1, "invalid YAML: could not find expected ':'");
	expect_diag(l, 1, DIAG_NOTE, 2, 1, "while scanning a simple key that starts here");
	done(l);
	l = load("a: \"unterminated\n");
	assert_false(l->ok);
	expect_diag(l, 0, DIAG_ERROR, 2, 1, "invalid YAML: found unexpected end of stream");
	expect_diag(l, 1, DIAG_NOTE, 1, 4, "while scanning a quoted scalar that starts here");
	done(l);
}

// Problems found before a syntax error are kept and reported with it.
static void test_errors_before_syntax_error_kept(void **state)
{
	(void)state;
	struct loaded *l = load("a: !!str x\nb: [\n");
	assert_false(l->ok);
	assert_null(l->root);
	expect_diag(l, 0, DIAG_ERROR, 1, 4, "explicit tag");
	expect_diag(l, 1, DIAG_ERROR, 3, 1, "invalid YAML");
	done(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_and_positions),
		cmocka_unit_test(test_positions_crlf_and_bom),
		cmocka_unit_test(test_positions_lone_cr),
		cmocka_unit_test(test_positions_far_and_backwards),
		cmocka_unit_test(test_scalar_styles),
		cmocka_unit_test(test_is_null),
		cmocka_unit_test(test_get_and_kind_names),
		cmocka_unit_test(test_alias_copies_node_at_alias_position),
		cmocka_unit_test(test_alias_redefined_anchor_newest_wins),
		cmocka_unit_test(test_alias_unknown_and_recursive),
		cmocka_unit_test(test_alias_budget),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_anchor_limit),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_keys_that_only_look_alike),
		cmocka_unit_test(test_merge_key_refused),
		cmocka_unit_test(test_non_scalar_keys),
		cmocka_unit_test(test_tags_refused),
		cmocka_unit_test(test_tag_directive_refused),
		cmocka_unit_test(test_nul_from_escapes),
		cmocka_unit_test(test_scalar_limit),
		cmocka_unit_test(test_diagnostics_in_document_order),
		cmocka_unit_test(test_sort_diagnostics_keeps_notes),
		cmocka_unit_test(test_multiple_documents),
		cmocka_unit_test(test_empty_inputs),
		cmocka_unit_test(test_top_level_not_mapping),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_depth_limit_through_aliases),
		cmocka_unit_test(test_very_deep_nesting),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_file_limit),
		cmocka_unit_test(test_default_limits),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_tabs),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_errors_before_syntax_error_kept),
	};
	return cmocka_run_group_tests_name("intent_load", tests, NULL, NULL);
}
