// driver.c: runs intent_load -> model_build -> render_model_json + render_sddl on
// one intent and compares (or, with GPOC_UPDATE_GOLDEN=1, rewrites) the results.
//
//   model_driver [--capabilities DIR]... INTENT EXPECTED_DIR
//       compare EXPECTED_DIR/model/model.json, EXPECTED_DIR/sddl/descriptors.txt
//       and EXPECTED_DIR/diagnostics.txt (present only when there are any)
//   model_driver [--capabilities DIR]... --out DIR INTENT
//       write the same files to DIR (for the shuffle property test)
//
// Paths are taken relative to $GPOC_SOURCE_DIR, where the driver changes to, so
// diagnostics and provenance print the same on every machine. Exit 0 when every
// file matches, 1 on a mismatch, 2 on usage or I/O errors.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/artifact.h"
#include "core/diag.h"
#include "core/file.h"
#include "intent/intent.h"
#include "model/model.h"
#include "render/render.h"

static int mkdirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return 0;
}

static int write_file(const char *path, const char *data, size_t len)
{
	if (mkdirs(path))
		return -1;
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(data, 1, len, f);
	return fclose(f) || n != len ? -1 : 0;
}

// Shows the first line that differs, which is what a reader needs to start with.
static void show_difference(const char *path, const char *want, size_t wlen, const char *got, size_t glen)
{
	size_t line = 1, i = 0;
	while (i < wlen && i < glen && want[i] == got[i]) {
		if (want[i] == '\n')
			line++;
		i++;
	}
	size_t ws = i, gs = i;
	while (ws > 0 && want[ws - 1] != '\n')
		ws--;
	gs = ws;
	size_t we = ws, ge = gs;
	while (we < wlen && want[we] != '\n')
		we++;
	while (ge < glen && got[ge] != '\n')
		ge++;
	fprintf(stderr, "%s: differs at line %zu\n  expected: %.*s\n  got:      %.*s\n", path, line, (int)(we - ws),
		want + ws, (int)(ge - gs), got + gs);
}

static int check_file(const char *dir, const char *rel, const char *data, size_t len, bool present, bool update,
		      const char *out_dir)
{
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "%s/%s", out_dir ? out_dir : dir, rel);
	int rc = 0;
	if (out_dir || update) {
		if (present) {
			if (write_file(path.buf, data, len)) {
				fprintf(stderr, "cannot write '%s': %s\n", path.buf, strerror(errno));
				rc = 2;
			}
		} else {
			unlink(path.buf);
		}
		strbuf_release(&path);
		return rc;
	}
	struct strbuf want = STRBUF_INIT, err = STRBUF_INIT;
	bool exists = access(path.buf, F_OK) == 0;
	if (!present) {
		if (exists) {
			fprintf(stderr, "%s: expected, but nothing was produced\n", path.buf);
			rc = 1;
		}
	} else if (!exists) {
		fprintf(stderr, "%s: missing; produced:\n%.*s\n", path.buf, (int)len, data);
		rc = 1;
	} else if (!read_file(path.buf, &want, &err)) {
		fprintf(stderr, "%s\n", err.buf);
		rc = 2;
	} else if (want.len != len || memcmp(want.buf, data, len)) {
		show_difference(path.buf, want.buf, want.len, data, len);
		rc = 1;
	}
	strbuf_release(&want);
	strbuf_release(&err);
	strbuf_release(&path);
	return rc;
}

int main(int argc, char **argv)
{
	const char *dirs[16];
	size_t n_dirs = 0;
	const char *out_dir = NULL, *intent_path = NULL, *expected = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--capabilities") && i + 1 < argc && n_dirs < 16)
			dirs[n_dirs++] = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out_dir = argv[++i];
		else if (!intent_path)
			intent_path = argv[i];
		else if (!expected)
			expected = argv[i];
		else
			intent_path = NULL, i = argc;
	}
	if (!intent_path || (!expected && !out_dir)) {
		fprintf(stderr, "usage: model_driver [--capabilities DIR]... (INTENT EXPECTED_DIR | --out DIR INTENT)\n");
		return 2;
	}
	const char *src = getenv("GPOC_SOURCE_DIR");
	if (src && *src && chdir(src)) {
		fprintf(stderr, "cannot change to '%s': %s\n", src, strerror(errno));
		return 2;
	}
	const char *upd = getenv("GPOC_UPDATE_GOLDEN");
	bool update = upd && *upd && strcmp(upd, "0");

	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	if (!read_file(intent_path, &text, &err)) {
		fprintf(stderr, "%s\n", err.buf);
		return 2;
	}
	struct src_file f = { intent_path, text.buf, text.len };
	struct arena a;
	arena_init(&a);
	struct diag d;
	diag_init(&d);
	struct artifact_set files;
	artifact_set_init(&files);

	struct intent in;
	if (intent_load(&f, &a, &d, &in)) {
		struct model_options opt = {
			.templates_dir = "templates",
			.extra_capability_dirs = dirs,
			.n_extra_capability_dirs = n_dirs,
		};
		struct model m;
		if (model_build(&in, &opt, &a, &d, &m)) {
			struct render_ctx ctx = { .m = &m, .out = &files, .d = &d, .datadir = "." };
			render_model_json(&ctx);
			render_sddl(&ctx);
		}
	}

	char *diag_text = NULL;
	size_t diag_len = 0;
	FILE *mem = open_memstream(&diag_text, &diag_len);
	diag_print_gcc(&d, mem);
	fclose(mem);

	int rc = 0, r;
	const char *rels[] = { "model/model.json", "sddl/descriptors.txt" };
	for (size_t i = 0; i < 2; i++) {
		// As in a real build, nothing is written when there are errors.
		const struct artifact *art = d.errors ? NULL : artifact_find(&files, rels[i]);
		r = check_file(expected, rels[i], art ? art->bytes.buf : "", art ? art->bytes.len : 0, art != NULL,
			       update, out_dir);
		if (r > rc)
			rc = r;
	}
	r = check_file(expected, "diagnostics.txt", diag_text, diag_len, diag_len > 0, update, out_dir);
	if (r > rc)
		rc = r;

	free(diag_text);
	artifact_set_release(&files);
	diag_release(&d);
	arena_release(&a);
	strbuf_release(&text);
	strbuf_release(&err);
	return rc;
}
