// libFuzzer target for the intent loader and checker (compiler/src/intent/).
//
// Any bytes are loaded twice: by yaml_load alone, whose tree is walked, and by
// intent_load, whose typed intent is inspected. Properties, each aborting with its
// reason when broken:
//  - a load fails exactly when it added an error, and then says why;
//  - every position (nodes and diagnostics) names this file and a character of an
//    existing line, or one past its end, so the caret printer has a place to point;
//  - diagnostics come out in document order, each note after its error;
//  - a tree holds only what the language allows: scalar keys, unique within their
//    mapping, no merge keys, NUL-terminated scalars, and, when loading succeeded,
//    no NUL inside a scalar and only valid UTF-8;
//  - a successful intent has a policy name, at least one grant with an 'allow',
//    'to' pointers into its own principals, and outputs among the known targets.
// Diagnostics are also printed to /dev/null to run the caret code over them.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf.h"
#include "intent/intent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_intent: %s\n", what);
	abort();
}

static void check_pos(const struct src_file *f, struct src_pos p, bool whole_file_ok)
{
	if (p.file != f)
		broken("position in another file");
	if (p.line == 0) {
		if (!whole_file_ok)
			broken("node without a line");
		return;
	}
	size_t len;
	const char *s = src_line(f, p.line, &len);
	if (!s)
		broken("position on a line that does not exist");
	if (p.col == 0)
		broken("column 0");
	// Columns count characters the way diag.c's caret code steps over them.
	uint32_t cols = 1;
	for (size_t i = 0; i < len; cols++) {
		uint32_t cp;
		int n = utf8_decode((const uint8_t *)s + i, len - i, &cp);
		i += n > 0 ? (size_t)n : 1;
	}
	// A line ending in CR: src_line drops the CR, a position may still sit on it.
	if (p.col > cols + 1)
		broken("column past the end of its line");
}

static int cmp_key(const void *pa, const void *pb)
{
	const struct ynode *a = ((const struct ymap_entry *)pa)->key, *b = ((const struct ymap_entry *)pb)->key;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->str, b->str, n);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static void walk(const struct src_file *f, const struct ynode *n, bool clean, size_t depth)
{
	// `depth` counts the collections from the top down to this node, aliases
	// expanded: the limit holds for the tree readers see, not just the text.
	if (n->kind != YNODE_SCALAR && depth > yaml_default_limits.max_depth)
		broken("tree deeper than the depth limit");
	check_pos(f, n->pos, false);
	switch (n->kind) {
	case YNODE_SCALAR:
		if (!n->str || n->str[n->len] != '\0')
			broken("scalar not NUL-terminated");
		if (n->len > yaml_default_limits.max_scalar_bytes && clean)
			broken("oversized scalar in a clean load");
		if (clean && memchr(n->str, '\0', n->len))
			broken("NUL inside a scalar of a clean load");
		if (clean && !utf8_valid(n->str, n->len, NULL))
			broken("invalid UTF-8 in a scalar of a clean load");
		return;
	case YNODE_SEQUENCE:
		for (size_t i = 0; i < n->n_items; i++)
			walk(f, n->items[i], clean, depth + 1);
		return;
	case YNODE_MAPPING:
		break;
	}
	for (size_t i = 0; i < n->n_entries; i++) {
		const struct ynode *k = n->entries[i].key;
		if (k->kind != YNODE_SCALAR)
			broken("non-scalar mapping key");
		if (k->plain && k->len == 2 && !memcmp(k->str, "<<", 2))
			broken("merge key in the tree");
		walk(f, k, clean, depth);
		walk(f, n->entries[i].value, clean, depth + 1);
	}
	if (n->n_entries > 1) {
		struct ymap_entry *copy = malloc(n->n_entries * sizeof(*copy));
		memcpy(copy, n->entries, n->n_entries * sizeof(*copy));
		qsort(copy, n->n_entries, sizeof(*copy), cmp_key);
		for (size_t i = 1; i < n->n_entries; i++)
			if (!cmp_key(&copy[i - 1], &copy[i]))
				broken("duplicate key in the tree");
		free(copy);
	}
}

static void check_diags(const struct src_file *f, const struct diag *d, bool ok)
{
	if (ok != (d->errors == 0))
		broken("success and errors disagree");
	if (!ok && d->n == 0)
		broken("failed without a diagnostic");
	struct src_pos last = { f, 0, 0 };
	for (size_t i = 0; i < d->n; i++) {
		const struct diag_entry *e = &d->v[i];
		check_pos(f, e->pos, true);
		if (!e->message || !e->message[0])
			broken("empty message");
		if (e->severity == DIAG_NOTE) {
			if (i == 0)
				broken("note without an error before it");
			continue;
		}
		if (e->pos.line < last.line || (e->pos.line == last.line && e->pos.col < last.col))
			broken("diagnostics out of document order");
		last = e->pos;
	}
	diag_print_gcc(d, devnull);
}

static void check_intent(const struct intent *in)
{
	if (!in->policy.name || !in->policy.name[0])
		broken("intent without a policy name");
	if (in->n_grants == 0)
		broken("intent without grants");
	for (size_t i = 0; i < in->n_grants; i++) {
		const struct grant *g = &in->grants[i];
		if (!g->allow || !g->allow[0] || !g->node || g->index != i)
			broken("grant without allow, node or index");
		if (g->to && (g->to < in->principals || g->to >= in->principals + in->n_principals))
			broken("grant 'to' outside the intent's principals");
		if (g->accept_risk && !g->accept_risk[0])
			broken("empty accept-risk");
		for (size_t j = 0; j < g->n_suppress; j++)
			if (!g->suppress[j].rule[0] || !g->suppress[j].reason[0])
				broken("suppression without rule or reason");
	}
	for (size_t i = 0; i < in->n_principals; i++) {
		const struct principal *p = &in->principals[i];
		if (!p->name && !p->has_sid)
			broken("principal with neither name nor SID");
		if (p->alias && !p->has_sid)
			broken("alias left unresolved");
		if (intent_principal(in, p->key) != p)
			broken("principal lookup does not find it");
	}
	if (!in->outputs || (in->outputs & ~(unsigned)TARGET_ALL))
		broken("outputs outside the known targets");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		broken("cannot open /dev/null");
	// An exact-size copy: a read past the end is an ASan report, not a silent NUL.
	char *text = malloc(size ? size : 1);
	memcpy(text, data, size);
	struct src_file f = { "fuzz.yaml", text, size };

	struct arena a;
	arena_init(&a);
	struct diag d;
	diag_init(&d);
	struct ynode *root;
	bool ok = yaml_load(&f, NULL, &a, &d, &root);
	check_diags(&f, &d, ok);
	if (ok && !root)
		broken("clean load without a tree");
	if (root) {
		if (root->kind != YNODE_MAPPING)
			broken("top level is not a mapping");
		walk(&f, root, ok, 1);
	}
	diag_release(&d);
	arena_release(&a);

	arena_init(&a);
	diag_init(&d);
	struct intent in;
	ok = intent_load(&f, &a, &d, &in);
	check_diags(&f, &d, ok);
	if (ok)
		check_intent(&in);
	diag_release(&d);
	arena_release(&a);
	free(text);
	return 0;
}
