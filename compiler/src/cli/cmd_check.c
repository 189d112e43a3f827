// gpoc check INTENT... [--diagnostics=gcc]
//
// Validates intents and reports every problem on standard error; writes nothing.
// Each file goes through check_file(), the one place that runs the stages of a
// check, so later stages (model expansion, lints) are added there. Files are
// independent: a broken one does not stop the others from being checked.
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/file.h"
#include "core/strbuf.h"
#include "intent/intent.h"

static const char usage_text[] =
	"usage: gpoc check [--diagnostics=gcc] INTENT...\n"
	"\n"
	"Validates intents and reports every problem found, as FILE:LINE:COL: error: ...\n"
	"on standard error. Writes nothing. '-' reads an intent from standard input.\n"
	"\n"
	"      --diagnostics=FMT   diagnostics format: gcc (the default)\n"
	"  -h, --help              show this help\n"
	"\n"
	"Exit status: 0 no errors, 1 errors in an intent, 2 usage or I/O errors.\n";

// The diagnostics formats this command prints; json and sarif come with review/.
static bool parse_format(const char *s)
{
	if (!strcmp(s, "gcc"))
		return true;
	cli_error("unknown diagnostics format '%s'; accepted: gcc", s);
	return false;
}

// Checks one intent. Returns EXIT_OK, EXIT_INPUT (diagnostics printed) or
// EXIT_USAGE (the file could not be read).
static int check_file(const char *path)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	if (!read_file(path, &text, &err)) {
		cli_error("%s", err.buf);
		strbuf_release(&err);
		strbuf_release(&text);
		return EXIT_USAGE;
	}
	struct src_file f = { strcmp(path, "-") ? path : "<stdin>", text.buf, text.len };
	struct arena a;
	arena_init(&a);
	struct diag d;
	diag_init(&d);
	struct intent in;
	bool ok = intent_load(&f, &a, &d, &in);
	diag_print_gcc(&d, stderr);
	// Warnings alone do not fail a check; errors always come with a diagnostic.
	if (ok && d.errors)
		BUG("intent_load succeeded with %zu errors", d.errors);
	if (!ok && !d.errors)
		BUG("intent_load failed without an error");
	diag_release(&d);
	arena_release(&a);
	strbuf_release(&err);
	strbuf_release(&text);
	return ok ? EXIT_OK : EXIT_INPUT;
}

int cmd_check(int argc, char **argv)
{
	int first = argc, stdin_uses = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "--")) {
			first = i + 1;
			break;
		}
		if (arg[0] != '-' || !strcmp(arg, "-")) {
			first = i;
			break;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		}
		if (!strncmp(arg, "--diagnostics=", 14)) {
			if (!parse_format(arg + 14))
				return EXIT_USAGE;
			continue;
		}
		if (!strcmp(arg, "--diagnostics")) {
			if (i + 1 == argc) {
				cli_error("option '--diagnostics' needs a value; accepted: gcc");
				return EXIT_USAGE;
			}
			if (!parse_format(argv[++i]))
				return EXIT_USAGE;
			continue;
		}
		cli_error("unknown option '%s'; see 'gpoc check --help'", arg);
		return EXIT_USAGE;
	}
	if (first >= argc) {
		cli_error("no intent given; usage: gpoc check INTENT...");
		return EXIT_USAGE;
	}
	for (int i = first; i < argc; i++) {
		if (!strcmp(argv[i], "-") && ++stdin_uses > 1) {
			cli_error("standard input ('-') can be checked only once");
			return EXIT_USAGE;
		}
	}
	int status = EXIT_OK;
	for (int i = first; i < argc; i++) {
		int st = check_file(argv[i]);
		// A usage or I/O error outranks errors in an intent.
		if (st == EXIT_USAGE || (st == EXIT_INPUT && status == EXIT_OK))
			status = st;
	}
	return status;
}
