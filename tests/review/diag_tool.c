// Test driver: compiles intents up to the lints, as `gpoc check` does, and prints
// every diagnostic in the format asked for (check_sarif.py reads the output).
//
//   review_diag_tool --format=gcc|json|sarif [--capabilities DIR] INTENT...
//
// Templates come from $GPOC_SOURCE_DIR/templates. Exit 0 without errors, 1 with.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/file.h"
#include "intent/intent.h"
#include "model/model.h"
#include "review/diag_output.h"
#include "review/lint.h"

int main(int argc, char **argv)
{
	const char *format = "gcc", *caps[8];
	size_t n_caps = 0;
	int first = 1;
	for (; first < argc && !strncmp(argv[first], "--", 2); first++) {
		if (!strncmp(argv[first], "--format=", 9))
			format = argv[first] + 9;
		else if (!strcmp(argv[first], "--capabilities") && first + 1 < argc && n_caps < 8)
			caps[n_caps++] = argv[++first];
		else
			return fprintf(stderr, "review_diag_tool: bad option '%s'\n", argv[first]), 2;
	}
	const char *src = getenv("GPOC_SOURCE_DIR");
	struct arena a;
	arena_init(&a);
	struct diag d;
	diag_init(&d);
	struct model_options opt = {
		.templates_dir = arena_printf(&a, "%s/templates", src ? src : "."),
		.extra_capability_dirs = caps,
		.n_extra_capability_dirs = n_caps,
	};
	struct strbuf *texts = calloc((size_t)argc, sizeof(*texts));
	for (int i = first; i < argc; i++) {
		struct strbuf err = STRBUF_INIT;
		strbuf_init(&texts[i], 0);
		if (!read_file(argv[i], &texts[i], &err)) {
			fprintf(stderr, "review_diag_tool: %s\n", err.buf);
			return 2;
		}
		struct src_file *f = arena_alloc(&a, sizeof(*f));
		f->name = strcmp(argv[i], "-") ? argv[i] : "<stdin>";
		f->text = texts[i].buf;
		f->len = texts[i].len;
		struct intent in;
		struct model m;
		if (intent_load(f, &a, &d, &in) && model_build(&in, &opt, &a, &d, &m))
			lint_model(&m, &d);
	}
	if (!strcmp(format, "json"))
		diag_print_json(&d, stdout);
	else if (!strcmp(format, "sarif"))
		diag_print_sarif(&d, stdout);
	else
		diag_print_gcc(&d, stdout);
	int status = d.errors ? 1 : 0;
	for (int i = first; i < argc; i++)
		strbuf_release(&texts[i]);
	free(texts);
	diag_release(&d);
	arena_release(&a);
	return status;
}
