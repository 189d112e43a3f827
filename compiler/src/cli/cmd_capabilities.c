// gpoc capabilities [NAME] [--capabilities DIR]...
//
// Lists what `allow:` accepts: the capabilities of templates/capabilities/ and of
// each --capabilities directory, then the primitives. With NAME (a capability or a
// primitive) it prints its description and parameters the way --help prints
// options: type, default, one line of documentation. Templates are read and
// checked exactly as a build reads them, so a broken template shows its errors
// here too (exit 1).
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/strbuf.h"
#include "model/capability.h"

static const char usage_text[] =
	"usage: gpoc capabilities [NAME] [--capabilities DIR]...\n"
	"\n"
	"Without NAME, lists the capabilities an intent can grant ('allow: NAME') with\n"
	"their summaries, then the primitives it can use directly. With NAME, prints\n"
	"that capability's or primitive's description and parameters.\n"
	"\n"
	"      --capabilities DIR  also read capabilities from DIR (may be repeated; a\n"
	"                          name may not repeat a stock capability's)\n"
	"  -h, --help              show this help\n"
	"\n"
	"Exit status: 0 success, 1 a capability file has errors, 2 usage or I/O errors.\n";

// "  name        text", the text starting in column `width`.
static void row(const char *name, size_t width, const char *text)
{
	size_t n = strlen(name);
	printf("  %s", name);
	if (n + 2 >= width) {
		printf("\n%*s", (int)width, "");
	} else {
		printf("%*s", (int)(width - n - 2), "");
	}
	fputs_escaped(text ? text : "", stdout);
	putchar('\n');
}

static void print_params(const struct param_decl *p, size_t n)
{
	if (!n) {
		puts("parameters: none");
		return;
	}
	puts("parameters:");
	for (size_t i = 0; i < n; i++) {
		struct strbuf type = STRBUF_INIT, def = STRBUF_INIT, line = STRBUF_INIT;
		param_describe_type(&p[i], &type);
		param_describe_default(&p[i], &def);
		strbuf_addf(&line, "%-26s %s", type.buf, def.buf);
		row(p[i].name, 22, line.buf);
		if (p[i].doc) {
			fputs("      ", stdout);
			fputs_escaped(p[i].doc, stdout);
			putchar('\n');
		}
		strbuf_release(&type);
		strbuf_release(&def);
		strbuf_release(&line);
	}
}

static void print_indented(const char *text)
{
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct strbuf sb = STRBUF_INIT;
		strbuf_add(&sb, p, len);
		if (len)
			fputs("  ", stdout);
		fputs_escaped(sb.buf, stdout);
		putchar('\n');
		strbuf_release(&sb);
		p += len + (nl ? 1 : 0);
	}
}

static void print_capability(const struct capability *cap)
{
	printf("%s: ", cap->name);
	fputs_escaped(cap->summary, stdout);
	printf("\nfile: ");
	fputs_escaped(cap->path, stdout);
	puts(cap->stock ? "" : " (from --capabilities)");
	if (cap->description) {
		putchar('\n');
		print_indented(cap->description);
	}
	putchar('\n');
	print_params(cap->params, cap->n_params);
	puts("\neffects:");
	for (size_t i = 0; i < cap->n_effects; i++) {
		const struct tmpl_effect *e = &cap->effects[i];
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "line %u", e->pos.line);
		if (e->has_loop)
			strbuf_addf(&sb, ", for each %s of %s", e->loop_var, cap->params[e->loop_param].name);
		for (size_t c = 0; c < e->n_conds; c++) {
			const struct tmpl_cond *cd = &e->conds[c];
			strbuf_addf(&sb, ", when %s is ", cap->params[cd->param].name);
			if (cd->test_bool)
				strbuf_addstr(&sb, cap->params[cd->param].type == PT_BOOL ? (cd->b ? "true" : "false")
											: (cd->b ? "not empty" : "empty"));
			for (size_t v = 0; v < cd->n_values; v++)
				strbuf_addf(&sb, "%s%s", v ? " or " : "", cd->values[v]);
		}
		if (e->risk)
			strbuf_addstr(&sb, "; always needs accept-risk");
		row(e->prim->name, 22, sb.buf);
		strbuf_release(&sb);
	}
}

int cmd_capabilities(int argc, char **argv)
{
	const char *dirs[64];
	size_t n_dirs = 0;
	const char *name = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		}
		if (!strcmp(a, "--capabilities") || !strncmp(a, "--capabilities=", 15)) {
			const char *dir = a[14] == '=' ? a + 15 : (i + 1 < argc ? argv[++i] : NULL);
			if (!dir || !*dir) {
				cli_error("'--capabilities' needs a directory");
				return EXIT_USAGE;
			}
			if (n_dirs == sizeof(dirs) / sizeof(dirs[0])) {
				cli_error("too many '--capabilities' directories (at most 64)");
				return EXIT_USAGE;
			}
			dirs[n_dirs++] = dir;
			continue;
		}
		if (a[0] == '-' && a[1]) {
			cli_error("unknown option '%s'; see 'gpoc capabilities --help'", a);
			return EXIT_USAGE;
		}
		if (name) {
			cli_error("one capability at a time: '%s' and '%s'", name, a);
			return EXIT_USAGE;
		}
		name = a;
	}

	struct arena a;
	arena_init(&a);
	struct diag d;
	diag_init(&d);
	struct strbuf tdir = STRBUF_INIT;
	strbuf_addf(&tdir, "%s/templates", cli_datadir());
	struct model_options opt = { .templates_dir = tdir.buf, .extra_capability_dirs = dirs,
				     .n_extra_capability_dirs = n_dirs };
	struct cap_loader l;
	cap_loader_init(&l, &opt, &a, &d);
	size_t n_prims;
	const struct primitive *const *prims = primitive_list(&n_prims);
	int rc = EXIT_OK;

	if (name) {
		const struct primitive *p = primitive_find(name);
		const struct capability *cap;
		enum cap_find found = p ? CAP_MISSING : cap_loader_get(&l, name, (struct src_pos){ 0 }, &cap);
		if (p) {
			printf("%s: %s\n(a primitive: usable directly as 'allow: %s', its fields as the grant's keys)\n\n",
			       p->name, p->summary, p->name);
			print_params(p->fields, p->n_fields);
		} else if (found == CAP_FOUND) {
			print_capability(cap);
		} else if (found == CAP_MISSING) {
			const char **names;
			size_t n = cap_loader_names(&l, &names);
			const char **all = arena_array(&a, n + n_prims, sizeof(*all));
			memcpy(all, names, n * sizeof(*all));
			for (size_t i = 0; i < n_prims; i++)
				all[n + i] = prims[i]->name;
			const char *guess = closest_word(name, all, n + n_prims);
			if (guess)
				cli_error("unknown capability '%s'; did you mean '%s'?", name, guess);
			else
				cli_error("unknown capability '%s'; 'gpoc capabilities' lists them", name);
			rc = EXIT_USAGE;
		} else {
			rc = EXIT_INPUT;
		}
	} else {
		const char **names;
		size_t n = cap_loader_names(&l, &names);
		puts("capabilities ('allow: NAME'; 'gpoc capabilities NAME' shows its parameters):");
		for (size_t i = 0; i < n; i++) {
			const struct capability *cap;
			if (cap_loader_get(&l, names[i], (struct src_pos){ 0 }, &cap) != CAP_FOUND) {
				row(names[i], 28, "(has errors; see below)");
				rc = EXIT_INPUT;
				continue;
			}
			struct strbuf sb = STRBUF_INIT;
			strbuf_addstr(&sb, cap->summary);
			if (!cap->stock)
				strbuf_addstr(&sb, " [--capabilities]");
			row(cap->name, 28, sb.buf);
			strbuf_release(&sb);
		}
		puts("\nprimitives (usable directly as 'allow: NAME', fields as the grant's keys):");
		for (size_t i = 0; i < n_prims; i++)
			row(prims[i]->name, 28, prims[i]->summary);
	}
	fflush(stdout);
	if (d.n)
		diag_print_gcc(&d, stderr);
	if (d.errors && rc == EXIT_OK)
		rc = EXIT_INPUT;
	cap_loader_release(&l);
	diag_release(&d);
	strbuf_release(&tdir);
	arena_release(&a);
	return rc;
}
