// gpoc check INTENT... [--diagnostics=gcc|json|sarif] [--capabilities DIR]...
//
// Validates intents and reports every problem; writes nothing. A check runs exactly
// the stages of a build (load, expansion, lint, every renderer of the intent's
// outputs and their self-checks) and stops before the commit, so a clean check
// means a clean build. Files are independent: a broken one does not stop the
// others from being checked, and all diagnostics are reported together.
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/build.h"
#include "cli/cli.h"

static const char usage_text[] =
	"usage: gpoc check [--diagnostics=gcc|json|sarif] [--capabilities DIR]... INTENT...\n"
	"\n"
	"Validates intents and reports every problem found, as FILE:LINE:COL: error: ...\n"
	"on standard error: syntax, the intent language, capabilities and their parameters,\n"
	"risks without accept-risk, lint findings, and anything a target cannot express.\n"
	"Writes nothing. '-' reads an intent from standard input.\n"
	"\n"
	"      --diagnostics=FMT   diagnostics format: gcc (default), json, or sarif (2.1.0)\n"
	"  -C, --capabilities DIR  also load capability templates from DIR (repeatable)\n"
	"  -t, --target LIST       check these targets instead of each intent's outputs\n"
	"  -h, --help              show this help\n"
	"\n"
	"Exit status: 0 no errors (warnings allowed), 1 errors in an intent, 2 usage or I/O errors.\n";

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "diagnostics", required_argument, NULL, 'D' },
		{ "capabilities", required_argument, NULL, 'C' },
		{ "target", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pipeline_options po = { 0 };
	int c, status = EXIT_USAGE;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":C:t:h", longopts, NULL)) != -1) {
		int shared = cli_pipeline_option(c, optarg, &po);
		if (shared < 0)
			goto out;
		if (shared)
			continue;
		if (c == 'h') {
			fputs(usage_text, stdout);
			status = EXIT_OK;
			goto out;
		}
		cli_option_error(c, argv, "check");
		goto out;
	}
	if (optind >= argc) {
		cli_error("no intent given; usage: gpoc check INTENT...");
		goto out;
	}
	int stdin_uses = 0;
	for (int i = optind; i < argc; i++)
		if (!strcmp(argv[i], "-") && ++stdin_uses > 1) {
			cli_error("standard input ('-') can be checked only once");
			goto out;
		}

	struct build_session session;
	build_session_init(&session);
	struct diag d;
	diag_init(&d);
	status = EXIT_OK;
	for (int i = optind; i < argc; i++) {
		const char *one[] = { argv[i] };
		struct build_request req = {
			.intents = one,
			.n_intents = 1,
			.targets = po.targets,
			.capability_dirs = po.capability_dirs,
			.n_capability_dirs = po.n_capability_dirs,
			.datadir = cli_datadir(),
		};
		struct strbuf err = STRBUF_INIT;
		enum build_status st = build_run(&session, &req, &d, &err, NULL);
		if (st == BUILD_IO_ERROR) {
			cli_error("%s", err.buf);
			status = EXIT_USAGE;
		} else if (st == BUILD_INPUT_ERRORS && status == EXIT_OK) {
			status = EXIT_INPUT;
		}
		strbuf_release(&err);
	}
	cli_print_diagnostics(&d, po.format);
	diag_release(&d);
	build_session_release(&session);
out:
	cli_pipeline_options_release(&po);
	return status;
}
