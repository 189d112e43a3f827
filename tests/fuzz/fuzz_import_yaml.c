// libFuzzer target for the importer's YAML emitter (compiler/src/importer/yaml_out.c).
//
// The input is a string. yaml_add_scalar() must refuse it (appending nothing)
// exactly when it is not valid UTF-8 or holds a NUL; otherwise the document
// "k: <scalar>", a flow list of it twice, and the same bytes as two comments must
// load with yaml_load() into exactly three keys whose scalars are the input, quoted.
// Comments are written for any bytes, valid or not. A broken property aborts.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/strbuf.h"
#include "core/utf.h"
#include "importer/yaml_out.h"
#include "intent/ynode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_import_yaml: %s\n", what);
	abort();
}

static bool same(const struct ynode *n, const char *s, size_t len)
{
	return n && n->kind == YNODE_SCALAR && !n->plain && n->len == len && !memcmp(n->str, s, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	// The scalar limit of the loader is 64 KiB; stay well inside it.
	if (size > 16384)
		return 0;
	const char *s = (const char *)data;
	bool writable = utf8_valid(s, size, NULL) && !memchr(s, '\0', size);
	struct strbuf doc = STRBUF_INIT;
	strbuf_addstr(&doc, "k: ");
	size_t before = doc.len;
	bool ok = yaml_add_scalar(&doc, s, size);
	if (ok != writable)
		broken(ok ? "wrote a string with NUL or invalid UTF-8" : "refused a writable string");
	if (!ok) {
		if (doc.len != before)
			broken("a refused string left bytes behind");
		strbuf_addstr(&doc, "''");
	}
	strbuf_addstr(&doc, "\nl: [");
	if (ok) {
		yaml_add_scalar(&doc, s, size);
		strbuf_addstr(&doc, ", ");
		yaml_add_scalar(&doc, s, size);
	}
	strbuf_addstr(&doc, "]\n# ");
	yaml_add_comment_text(&doc, s, size, size + 1);
	strbuf_addstr(&doc, "\nm: 'x'  # ");
	yaml_add_comment_text(&doc, s, size, size + 1);
	strbuf_addstr(&doc, "\n");

	struct arena a = ARENA_INIT;
	struct diag d;
	diag_init(&d);
	struct src_file f = {.name = "fuzz.yaml", .text = doc.buf, .len = doc.len};
	struct ynode *root = NULL;
	if (!yaml_load(&f, NULL, &a, &d, &root) || !root) {
		FILE *null = fopen("/dev/null", "w");
		diag_print_gcc(&d, null ? null : stderr);
		if (null)
			fclose(null);
		broken("the emitted document does not load");
	}
	if (root->kind != YNODE_MAPPING || root->n_entries != 3)
		broken("a comment added or removed a key");
	const struct ynode *m = ynode_get(root, "m");
	if (!m || m->kind != YNODE_SCALAR || strcmp(m->str, "x"))
		broken("the key after the comments changed");
	if (ok) {
		const struct ynode *l = ynode_get(root, "l");
		if (!same(ynode_get(root, "k"), s, size))
			broken("the scalar does not read back as the string");
		if (!l || l->kind != YNODE_SEQUENCE || l->n_items != 2 || !same(l->items[0], s, size) ||
		    !same(l->items[1], s, size))
			broken("the flow list does not read back as the strings");
	}
	diag_release(&d);
	arena_release(&a);
	strbuf_release(&doc);
	return 0;
}
