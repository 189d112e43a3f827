// gpoc plan OLD NEW [--json] [--exit-code] [--capabilities DIR]...
//
// Shows who gains or loses what between two intents, for review in a pull request
// (docs/plan.md): both intents are loaded and expanded into models exactly as a
// build does, and review/plan.h diffs the models. `-` reads one of them from
// standard input, so `git show main:x.yaml | gpoc plan - x.yaml` works. An empty
// file (or /dev/null) stands for "no intent": a file added or deleted in a pull
// request plans as everything added or everything removed.
//
// Exit status: 0 done (with --exit-code: no change), 1 errors in an intent (with
// --exit-code: changes), 2 usage or I/O errors, 3 errors in an intent when
// --exit-code is given (so that 1 keeps meaning "changes", as with git diff).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/file.h"
#include "core/strbuf.h"
#include "intent/intent.h"
#include "model/model.h"
#include "review/plan.h"

enum { EXIT_PLAN_INPUT = 3 };

static const char usage_text[] =
	"usage: gpoc plan [--json] [--exit-code] [--capabilities DIR]... OLD NEW\n"
	"\n"
	"Shows the change in effective access from intent OLD to intent NEW: per principal\n"
	"and per object, what is added (+), removed (-) or changed (~), from which intent\n"
	"line, which risk acceptances change and which artifacts change. Markdown for a\n"
	"pull-request comment on standard output, or JSON with --json.\n"
	"'-' reads one of the intents from standard input; an empty file (/dev/null)\n"
	"stands for no intent at all.\n"
	"\n"
	"      --json               print the plan as JSON\n"
	"      --exit-code          exit 1 if there are changes, 0 if not (like git diff)\n"
	"      --capabilities DIR   also load capability templates from DIR (repeatable)\n"
	"  -h, --help               show this help\n"
	"\n"
	"Exit status: 0 success (with --exit-code: no changes), 1 errors in an intent\n"
	"(with --exit-code: changes), 2 usage or I/O errors, 3 errors in an intent when\n"
	"--exit-code is given.\n";

struct side {
	const char *path;
	struct strbuf text;
	struct src_file file;
	struct intent in;
	struct model m;
	bool empty;  // no intent: /dev/null or an empty file
};

static bool blank(const struct strbuf *sb)
{
	for (size_t i = 0; i < sb->len; i++)
		if (!ascii_isspace((unsigned char)sb->buf[i]))
			return false;
	return true;
}

// Reads and compiles one side. Returns EXIT_OK, EXIT_USAGE (unreadable) or
// EXIT_INPUT (diagnostics in d).
static int load_side(struct side *s, const struct model_options *opt, struct arena *a, struct diag *d)
{
	struct strbuf err = STRBUF_INIT;
	strbuf_init(&s->text, 0);
	if (!read_file(s->path, &s->text, &err)) {
		cli_error("%s", err.buf);
		strbuf_release(&err);
		return EXIT_USAGE;
	}
	strbuf_release(&err);
	s->file.name = strcmp(s->path, "-") ? s->path : "<stdin>";
	s->file.text = s->text.buf;
	s->file.len = s->text.len;
	if (blank(&s->text)) {
		s->empty = true;
		return EXIT_OK;
	}
	if (!intent_load(&s->file, a, d, &s->in))
		return EXIT_INPUT;
	if (!model_build(&s->in, opt, a, d, &s->m))
		return EXIT_INPUT;
	return EXIT_OK;
}

int cmd_plan(int argc, char **argv)
{
	bool json = false, exit_code = false;
	const char **caps = xcalloc((size_t)argc + 1, sizeof(*caps));
	size_t n_caps = 0;
	const char *paths[2];
	int n_paths = 0, status = EXIT_OK;
	bool options_done = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!options_done && !strcmp(arg, "--")) {
			options_done = true;
			continue;
		}
		if (options_done || arg[0] != '-' || !strcmp(arg, "-")) {
			if (n_paths == 2) {
				cli_error("too many intents; usage: gpoc plan OLD NEW");
				status = EXIT_USAGE;
				goto out;
			}
			paths[n_paths++] = arg;
			continue;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage_text, stdout);
			goto out;
		}
		if (!strcmp(arg, "--json")) {
			json = true;
		} else if (!strcmp(arg, "--exit-code")) {
			exit_code = true;
		} else if (!strncmp(arg, "--capabilities=", 15) && arg[15]) {
			caps[n_caps++] = arg + 15;
		} else if (!strcmp(arg, "--capabilities")) {
			if (i + 1 == argc) {
				cli_error("option '--capabilities' needs a directory");
				status = EXIT_USAGE;
				goto out;
			}
			caps[n_caps++] = argv[++i];
		} else {
			cli_error("unknown option '%s'; see 'gpoc plan --help'", arg);
			status = EXIT_USAGE;
			goto out;
		}
	}
	if (n_paths != 2) {
		cli_error("plan needs two intents; usage: gpoc plan OLD NEW");
		status = EXIT_USAGE;
		goto out;
	}
	if (!strcmp(paths[0], "-") && !strcmp(paths[1], "-")) {
		cli_error("standard input ('-') can be only one of OLD and NEW");
		status = EXIT_USAGE;
		goto out;
	}

	struct arena a;
	arena_init(&a);
	struct diag d;
	diag_init(&d);
	struct model_options opt = {
		.templates_dir = arena_printf(&a, "%s/templates", cli_datadir()),
		.extra_capability_dirs = caps,
		.n_extra_capability_dirs = n_caps,
	};
	struct side sides[2];
	memset(sides, 0, sizeof(sides));
	int st[2];
	for (int k = 0; k < 2; k++) {
		sides[k].path = paths[k];
		st[k] = load_side(&sides[k], &opt, &a, &d);
	}
	diag_print_gcc(&d, stderr);
	if (st[0] == EXIT_USAGE || st[1] == EXIT_USAGE) {
		status = EXIT_USAGE;
	} else if (st[0] == EXIT_INPUT || st[1] == EXIT_INPUT) {
		if (!d.errors)
			BUG("an intent failed to compile without an error");
		status = exit_code ? EXIT_PLAN_INPUT : EXIT_INPUT;
	} else {
		struct plan p;
		plan_compute(&p, sides[0].empty ? NULL : &sides[0].m, sides[1].empty ? NULL : &sides[1].m);
		// An empty side has no model to take its name from.
		if (!p.old_name)
			p.old_name = xstrdup(sides[0].file.name);
		if (!p.new_name)
			p.new_name = xstrdup(sides[1].file.name);
		struct strbuf out = STRBUF_INIT;
		if (json)
			plan_json(&p, &out);
		else
			plan_markdown(&p, &out);
		if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
			cli_error("cannot write the plan to standard output");
			status = EXIT_USAGE;
		} else if (exit_code && plan_has_changes(&p)) {
			status = 1;
		}
		strbuf_release(&out);
		plan_release(&p);
	}
	for (int k = 0; k < 2; k++)
		strbuf_release(&sides[k].text);
	diag_release(&d);
	arena_release(&a);
out:
	free(caps);
	return status;
}
