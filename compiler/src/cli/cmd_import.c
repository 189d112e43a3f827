// gpoc import FILE [-o OUT.yaml] [--policy NAME]
//
// Turns what a team already deployed — a .reg file or a computer GPO's
// Registry.pol — into an intent made of primitives (docs/import.md), so that the
// team can adopt gpoc without writing the intent from scratch. The importer module
// does the work and compiles its own output; this file adds what only the command
// line has: the rest of `gpoc check` (lint and the renderers, which live above the
// importer), warnings on stderr at their place in the imported file, and writing
// the intent (standard output, or -o through a temporary file renamed into place,
// so that OUT.yaml is either the old file or the whole new one).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/artifact.h"
#include "core/file.h"
#include "formats/describe.h"
#include "importer/importer.h"
#include "render/render.h"
#include "review/lint.h"

static const char usage_text[] =
    "usage: gpoc import [-o OUT.yaml] [--policy NAME] [--domain-sid SID] FILE\n"
    "\n"
    "Reads a .reg file (5.00 or REGEDIT4) or a computer GPO's Registry.pol ('-' reads\n"
    "standard input) and writes an intent of primitive grants that compiles back to\n"
    "the same settings: firewall rules, DCOM machine limits, AppID permissions and\n"
    "registry values. What an intent cannot express (deletes, other hives, unknown\n"
    "firewall rule fields, ...) is listed as comments at the end of the intent and\n"
    "as warnings on standard error.\n"
    "\n"
    "  -o, --output OUT.yaml   write the intent there (default: standard output)\n"
    "      --policy NAME       the policy name (default: the gpoc policy the file's\n"
    "                          rules came from, else 'imported')\n"
    "      --domain-sid SID    resolve domain aliases (DA, DU, ...) in SDDL values;\n"
    "                          the intent holds the SIDs in full\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 imported (even with warnings), 1 the file is malformed, of no\n"
    "known kind, or holds nothing an intent can express, 2 usage or I/O errors.\n";

// --- The checks of `gpoc check` that sit above the importer ---

static const struct {
	unsigned target;
	bool (*render)(struct render_ctx *ctx);
} renderers[] = {
    {TARGET_NETSH, render_netsh},
    {TARGET_REG, render_reg},
    {TARGET_GPO, render_gpo},
};

static void verify_outputs(void *ctx, const struct intent *in, const struct model *m, struct diag *d)
{
	const char *datadir = ctx;
	// Only lint's errors matter here; its warnings (one per grant, for some rules)
	// could fill the diagnostics list and crowd out the renderers' errors.
	struct diag lint;
	diag_init(&lint);
	lint_model(m, &lint);
	for (size_t i = 0; i < lint.n; i++)
		if (lint.v[i].severity == DIAG_ERROR)
			diag_error(d, lint.v[i].pos, "%s", lint.v[i].message);
	diag_release(&lint);
	if (d->errors)
		return;
	struct artifact_set scratch;
	artifact_set_init(&scratch);
	struct render_ctx rc = {.m = m, .out = &scratch, .d = d, .datadir = datadir, .targets = in->outputs};
	for (size_t i = 0; i < ARRAY_SIZE(renderers); i++)
		if (in->outputs & renderers[i].target)
			renderers[i].render(&rc);
	artifact_set_release(&scratch);
}

// --- Output ---

// Writes `text` to `path` through a temporary file in the same directory and a
// rename, so a reader never sees half an intent.
static bool write_atomically(const char *path, const struct strbuf *text)
{
	struct strbuf tmp = STRBUF_INIT;
	strbuf_addf(&tmp, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp.buf);
	if (fd < 0) {
		cli_error("cannot create a temporary file next to '%s': %s", path, strerror(errno));
		strbuf_release(&tmp);
		return false;
	}
	// mkstemp makes the file private; an intent is an ordinary file.
	mode_t mask = umask(0);
	umask(mask);
	bool ok = fchmod(fd, 0666 & ~mask) == 0;
	for (size_t off = 0; ok && off < text->len;) {
		ssize_t n = write(fd, text->buf + off, text->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			ok = false;
		else
			off += (size_t)n;
	}
	ok = ok && fsync(fd) == 0;
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (ok && rename(tmp.buf, path) != 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		cli_error("cannot write '%s': %s", path, strerror(saved));
		unlink(tmp.buf);
	}
	strbuf_release(&tmp);
	return ok;
}

// --- Messages ---

static void print_place(const char *name, const struct import_result *r, uint32_t line, size_t offset)
{
	fputs_escaped(name, stderr);
	if (r->pol)
		fprintf(stderr, ": offset 0x%zx", offset);
	else
		fprintf(stderr, ":%u", line);
}

static void print_notes(const char *name, const struct import_result *r)
{
	for (size_t i = 0; i < r->n_notes; i++) {
		const struct import_note *n = &r->notes[i];
		print_place(name, r, n->line, n->offset);
		fputs(n->skipped ? ": warning: not imported: " : ": warning: ", stderr);
		fputs_escaped(n->message, stderr);
		fputc('\n', stderr);
	}
}

// A Registry.pol under a "User" folder holds user settings, which would become
// machine settings here: refuse rather than move them to HKEY_LOCAL_MACHINE.
static bool user_policy_path(const char *path)
{
	const char *end = strrchr(path, '/');
	if (!end)
		return false;
	const char *start = end;
	while (start > path && start[-1] != '/')
		start--;
	return end - start == 4 && !ascii_strncasecmp(start, "user", 4);
}

int cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"policy", required_argument, NULL, 'p'},
	    {"domain-sid", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *output = NULL, *policy = NULL;
	struct sid_context sids = {0};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'p':
			policy = optarg;
			break;
		case 'd':
			if (!cli_parse_sid("--domain-sid", optarg, &sids.domain))
				return EXIT_USAGE;
			sids.has_domain = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			cli_option_error(c, argv, "import");
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_error("import takes exactly one FILE; see 'gpoc import --help'");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	if (output && !strcmp(output, "-"))
		output = NULL;
	struct strbuf bytes = STRBUF_INIT, err = STRBUF_INIT;
	if (!read_file(path, &bytes, &err)) {
		cli_error("%s", err.buf);
		strbuf_release(&bytes);
		strbuf_release(&err);
		return EXIT_USAGE;
	}
	strbuf_release(&err);
	const uint8_t *p = (const uint8_t *)bytes.buf;
	if (detect_file_kind(p, bytes.len) == FILE_POL && user_policy_path(path)) {
		cli_error(
		    "'%s' is in a 'User' folder: a user GPO's settings are not machine settings, and gpoc "
		    "writes machine settings only; import the GPO's Machine\\registry.pol",
		    path);
		strbuf_release(&bytes);
		return EXIT_USAGE;
	}

	struct strbuf templates = STRBUF_INIT;
	strbuf_addf(&templates, "%s/templates", cli_datadir());
	struct import_verifier verifier = {.run = verify_outputs, .ctx = (void *)(uintptr_t)cli_datadir()};
	struct import_options o = {
	    .source_name = name,
	    .intent_name = output ? output : "imported.yaml",
	    .policy = policy,
	    .templates_dir = templates.buf,
	    .verify = &verifier,
	    .sids = &sids,
	};
	struct import_result r;
	import_result_init(&r);
	enum import_status st = import_run(p, bytes.len, &o, &r);
	int status = EXIT_OK;
	switch (st) {
	case IMPORT_OK:
		print_notes(name, &r);
		if (output ? !write_atomically(output, &r.yaml)
			   : fwrite(r.yaml.buf, 1, r.yaml.len, stdout) != r.yaml.len || fflush(stdout)) {
			if (!output)
				cli_error("cannot write the intent to standard output");
			status = EXIT_USAGE;
			break;
		}
		fprintf(stderr, "gpoc: imported %zu setting%s from ", r.n_imported,
			r.n_imported == 1 ? "" : "s");
		fputs_escaped(name, stderr);
		if (output) {
			fputs(" into ", stderr);
			fputs_escaped(output, stderr);
		}
		if (r.n_skipped)
			fprintf(stderr, "; %zu not imported (listed at the end of the intent)", r.n_skipped);
		fputc('\n', stderr);
		break;
	case IMPORT_MALFORMED:
		fputs_escaped(name, stderr);
		if (r.error.line)
			fprintf(stderr, ":%u:%u", r.error.line, r.error.col ? r.error.col : 1);
		else
			fprintf(stderr, ": offset 0x%zx", r.error.offset);
		fputs(": error: ", stderr);
		fputs_escaped(r.error.message, stderr);
		fputc('\n', stderr);
		status = EXIT_INPUT;
		break;
	case IMPORT_UNKNOWN_KIND:
		fputs_escaped(name, stderr);
		fputs(": error: neither a .reg file (REGEDIT4 or Windows Registry Editor Version 5.00) nor a "
		      "Registry.pol (PReg)\n",
		      stderr);
		status = EXIT_INPUT;
		break;
	case IMPORT_NOTHING:
		print_notes(name, &r);
		fputs_escaped(name, stderr);
		fputs(": error: nothing in the file can be expressed as an intent; nothing written\n",
		      stderr);
		status = EXIT_INPUT;
		break;
	case IMPORT_BAD_POLICY:
		cli_error("%s", r.message.buf);
		status = EXIT_USAGE;
		break;
	case IMPORT_INTERNAL:
		print_notes(name, &r);
		fputs("gpoc: internal error: ", stderr);
		fputs_escaped(r.message.buf, stderr);
		fputs(" (a bug in gpoc; please report it)\n", stderr);
		status = EXIT_INPUT;
		break;
	}
	import_result_release(&r);
	strbuf_release(&templates);
	strbuf_release(&bytes);
	return status;
}
