// gpoc build INTENT... -o DIR [--target LIST] [--capabilities DIR]... [--depfile FILE]
//                             [--diagnostics=gcc|json|sarif]
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/build.h"
#include "cli/cli.h"
#include "intent/intent.h"

static const char usage_text[] =
	"usage: gpoc build INTENT... -o DIR [--target LIST] [--capabilities DIR]...\n"
	"                  [--depfile FILE] [--diagnostics=gcc|json|sarif]\n"
	"\n"
	"Compiles intents into deployable artifacts. Everything is rendered and checked in\n"
	"memory first; DIR is then replaced in one step, so on any error it is left exactly\n"
	"as it was. With several intents, each writes DIR/<policy name>/.\n"
	"\n"
	"  -o, --output DIR        output directory (created, or replaced if gpoc wrote it)\n"
	"  -t, --target LIST       comma-separated targets: model, sddl, netsh, reg, ps1, gpo,\n"
	"                          admx, plan, or all (default: the intent's 'outputs:')\n"
	"  -C, --capabilities DIR  also load capability templates from DIR (repeatable)\n"
	"      --depfile FILE      write make/ninja dependencies of DIR to FILE\n"
	"      --diagnostics=FMT   gcc (default), json or sarif, on standard error\n";

int cmd_build(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "target", required_argument, NULL, 't' },
		{ "capabilities", required_argument, NULL, 'C' },
		{ "depfile", required_argument, NULL, 'd' },
		{ "diagnostics", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct build_request req = { 0 };
	struct pipeline_options po = { 0 };
	int c, status = EXIT_USAGE;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:t:C:h", longopts, NULL)) != -1) {
		int shared = cli_pipeline_option(c, optarg, &po);
		if (shared < 0)
			goto out;
		if (shared)
			continue;
		switch (c) {
		case 'o':
			req.output_dir = optarg;
			break;
		case 'd':
			req.depfile = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			status = EXIT_OK;
			goto out;
		default:
			cli_option_error(c, argv, "build");
			goto out;
		}
	}
	if (optind >= argc) {
		cli_error("no intent given; usage: gpoc build INTENT... -o DIR");
		goto out;
	}
	if (!req.output_dir) {
		cli_error("no output directory; add -o DIR");
		goto out;
	}
	req.intents = (const char *const *)argv + optind;
	req.n_intents = (size_t)(argc - optind);
	req.targets = po.targets;
	req.capability_dirs = po.capability_dirs;
	req.n_capability_dirs = po.n_capability_dirs;
	req.datadir = cli_datadir();

	struct build_session session;
	build_session_init(&session);
	struct diag d;
	diag_init(&d);
	struct strbuf err = STRBUF_INIT;
	struct artifact_set files;
	artifact_set_init(&files);
	enum build_status st = build_run(&session, &req, &d, &err, &files);
	cli_print_diagnostics(&d, po.format);
	if (st == BUILD_IO_ERROR) {
		cli_error("%s", err.buf);
		status = EXIT_USAGE;
	} else if (st == BUILD_INPUT_ERRORS) {
		status = EXIT_INPUT;
	} else {
		// JSON and SARIF readers parse standard error whole: no chatter then.
		if (po.format == DIAG_FORMAT_GCC)
			fprintf(stderr, "gpoc: wrote %zu files to %s\n", files.n, req.output_dir);
		status = EXIT_OK;
	}
	artifact_set_release(&files);
	strbuf_release(&err);
	diag_release(&d);
	build_session_release(&session);
out:
	cli_pipeline_options_release(&po);
	return status;
}
