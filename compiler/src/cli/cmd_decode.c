// gpoc decode FILE [--json] [--domain-sid SID] [--as VOCAB]
//
// Reads what already exists — .reg (5.00 and REGEDIT4), Registry.pol, GptTmpl.inf,
// a binary or hex security descriptor, or SDDL text — and prints it readably, with
// every security descriptor shown as canonical SDDL and one line per ACE. The kind
// is detected from the content, not the file name.
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/file.h"
#include "formats/describe.h"

static const char usage_text[] =
	"usage: gpoc decode [--json] [--domain-sid SID] [--as VOCAB] FILE\n"
	"\n"
	"Prints a .reg file, a Registry.pol, a GptTmpl.inf, a binary or hex security\n"
	"descriptor, or SDDL text in readable form ('-' reads standard input). Security\n"
	"descriptors inside them are shown as canonical SDDL with one line per ACE.\n"
	"\n"
	"      --json              a JSON document instead of text (docs/formats.md)\n"
	"      --domain-sid SID    show SIDs of this domain by their aliases and names\n"
	"      --as VOCAB          rights vocabulary for a standalone descriptor:\n"
	"                          com-launch, com-access, wmi, file, registry, generic\n"
	"  -h, --help              show this help\n"
	"\n"
	"Exit status: 0 decoded, 1 the file is malformed or of no known kind, 2 usage or I/O.\n";

int cmd_decode(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "domain-sid", required_argument, NULL, 'd' },
		{ "as", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sid_context sids = { 0 };
	struct describe_options o = { .sids = &sids, .vocab = VOCAB_GENERIC };
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 'd':
			if (!cli_parse_sid("--domain-sid", optarg, &sids.domain))
				return EXIT_USAGE;
			sids.has_domain = true;
			break;
		case 'a':
			if (!rights_vocab_from_name(optarg, &o.vocab)) {
				cli_error("unknown vocabulary '%s'; use com-launch, com-access, wmi, file, "
					  "registry or generic",
					  optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			cli_option_error(c, argv, "decode");
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_error("decode takes exactly one FILE; see 'gpoc decode --help'");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	struct strbuf bytes = STRBUF_INIT, err = STRBUF_INIT, out = STRBUF_INIT;
	int status;
	if (!read_file(path, &bytes, &err)) {
		cli_error("%s", err.buf);
		status = EXIT_USAGE;
	} else {
		struct fmt_error e;
		memset(&e, 0, sizeof(e));
		if (describe_file((const uint8_t *)bytes.buf, bytes.len, &o, &out, &e)) {
			fwrite(out.buf, 1, out.len, stdout);
			status = EXIT_OK;
		} else {
			const char *name = strcmp(path, "-") ? path : "<stdin>";
			fputs_escaped(name, stderr);
			if (e.line)
				fprintf(stderr, ":%u:%u", e.line, e.col ? e.col : 1);
			else if (e.offset)
				fprintf(stderr, ": offset 0x%zx", e.offset);
			fputs(": error: ", stderr);
			fputs_escaped(e.message, stderr);
			fputc('\n', stderr);
			status = EXIT_INPUT;
		}
	}
	strbuf_release(&bytes);
	strbuf_release(&err);
	strbuf_release(&out);
	return status;
}
