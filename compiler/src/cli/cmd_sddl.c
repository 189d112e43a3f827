// gpoc sddl canon|hex|explain [OPTIONS] STRING|-
//
// Reads a security descriptor in SDDL and prints it the way Windows would (canon),
// as lowercase hex of its binary self-relative form (hex), or with one English line
// per ACE (explain). With '-' it reads one descriptor per line of standard input and
// prints exactly one line per input line, so its output lines up with its input:
// a rejected line prints "error: ..." in its place and the run exits 1 at the end.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/strbuf.h"
#include "sd/secdesc.h"
#include "sd/sid.h"

static const char usage_text[] =
	"usage: gpoc sddl canon|hex|explain [OPTIONS] STRING|-\n"
	"\n"
	"Reads a security descriptor in SDDL, as Windows' ConvertStringSecurityDescriptor-\n"
	"ToSecurityDescriptor does, and prints it:\n"
	"  canon     the canonical SDDL Windows prints for it\n"
	"  hex       its binary self-relative form, lowercase hex\n"
	"  explain   the canonical SDDL, then one line per ACE in English\n"
	"'-' reads one descriptor per line of standard input and prints one line per\n"
	"input line ('error: ...' for a rejected one; explain joins its lines with '; ').\n"
	"\n"
	"      --domain-sid SID    resolve domain aliases (DA, DU, ...) and, unless given\n"
	"                          separately, forest (EA, SA, ...) and machine (LA, LG) ones\n"
	"      --forest-sid SID    the forest root domain, for EA, SA, RO, EK\n"
	"      --machine-sid SID   the machine's account domain, for LA, LG\n"
	"      --as VOCAB          check the vocabulary's rules and explain rights in its\n"
	"                          words: com-launch, com-access, wmi, file, registry, generic\n"
	"      --numeric-rm        print S-1-5-32-580 numerically instead of as RM\n"
	"  -h, --help              show this help\n"
	"\n"
	"Exit status: 0 all descriptors accepted, 1 one was rejected, 2 usage or I/O errors.\n";

enum mode { MODE_CANON, MODE_HEX, MODE_EXPLAIN };

struct options {
	enum mode mode;
	struct sid_context ctx;
	bool has_vocab;
	enum rights_vocab vocab;
	unsigned print_flags;
};

// Renders one descriptor. In line mode everything goes on one line. Returns false
// with a message in `err` if the descriptor is rejected.
static bool render(const struct options *o, const char *s, size_t len, bool line_mode,
		   struct strbuf *out, struct strbuf *err)
{
	struct secdesc sd;
	struct sddl_error perr;
	if (!sddl_parse(s, len, &o->ctx, &sd, &perr)) {
		strbuf_addf(err, "%s (at offset %zu)", perr.message, perr.offset);
		return false;
	}
	bool ok = !o->has_vocab || rights_validate(o->vocab, &sd, err);
	if (ok)
		ok = secdesc_check_size(&sd, err);
	if (!ok) {
		secdesc_release(&sd);
		return false;
	}
	switch (o->mode) {
	case MODE_CANON:
		sddl_print(&sd, &o->ctx, o->print_flags, out);
		strbuf_addch(out, '\n');
		break;
	case MODE_HEX: {
		struct strbuf bin = STRBUF_INIT;
		secdesc_encode(&sd, &bin);
		strbuf_add_hex(out, bin.buf, bin.len);
		strbuf_addch(out, '\n');
		strbuf_release(&bin);
		break;
	}
	case MODE_EXPLAIN: {
		sddl_print(&sd, &o->ctx, o->print_flags, out);
		struct strbuf ex = STRBUF_INIT;
		secdesc_explain(&sd, &o->ctx, o->has_vocab ? o->vocab : VOCAB_GENERIC, &ex);
		if (line_mode) {
			// Lines of the explanation become "; "-separated parts after a tab.
			strbuf_addch(out, '\t');
			for (size_t i = 0; i < ex.len; i++) {
				if (ex.buf[i] != '\n')
					strbuf_addch(out, ex.buf[i]);
				else if (i + 1 < ex.len)
					strbuf_addstr(out, "; ");
			}
			strbuf_addch(out, '\n');
		} else {
			strbuf_addch(out, '\n');
			strbuf_addbuf(out, &ex);
		}
		strbuf_release(&ex);
		break;
	}
	}
	secdesc_release(&sd);
	return true;
}

static int run_stdin(const struct options *o)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool rejected = false;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		size_t len = (size_t)n;
		if (len && line[len - 1] == '\n')
			len--;
		if (len && line[len - 1] == '\r')
			len--;
		strbuf_reset(&out);
		strbuf_reset(&err);
		if (!render(o, line, len, true, &out, &err)) {
			rejected = true;
			strbuf_reset(&out);
			strbuf_addstr(&out, "error: ");
			// One output line per input line: a message never holds a newline,
			// but make sure.
			for (size_t i = 0; i < err.len; i++)
				strbuf_addch(&out, err.buf[i] == '\n' ? ' ' : err.buf[i]);
			strbuf_addch(&out, '\n');
		}
		fwrite(out.buf, 1, out.len, stdout);
	}
	free(line);
	strbuf_release(&out);
	strbuf_release(&err);
	if (ferror(stdin)) {
		cli_error("cannot read standard input");
		return EXIT_USAGE;
	}
	return rejected ? EXIT_INPUT : EXIT_OK;
}

static int run_one(const struct options *o, const char *s)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int rc = EXIT_OK;
	if (render(o, s, strlen(s), false, &out, &err)) {
		fwrite(out.buf, 1, out.len, stdout);
	} else {
		fprintf(stderr, "error: %s\n", err.buf);
		rc = EXIT_INPUT;
	}
	strbuf_release(&out);
	strbuf_release(&err);
	return rc;
}

static bool option_sid(const char *opt, const char *value, bool *has, struct sid *sid)
{
	const char *why;
	if (!sid_parse(value, strlen(value), sid, &why)) {
		cli_error("bad %s '%s': %s", opt, value, why);
		return false;
	}
	if (sid->sub_count >= SID_MAX_SUB_AUTHORITIES) {
		cli_error("bad %s '%s': a domain SID must leave room for a RID (at most 14 "
			  "sub-authorities)", opt, value);
		return false;
	}
	*has = true;
	return true;
}

int cmd_sddl(int argc, char **argv)
{
	struct options o;
	memset(&o, 0, sizeof(o));
	const char *mode = NULL, *input = NULL;
	bool no_more_options = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!no_more_options && arg[0] == '-' && arg[1] == '-' && arg[2]) {
			const char *name = arg, *value = NULL;
			const char *eq = strchr(arg, '=');
			char buf[32];
			if (eq && (size_t)(eq - arg) < sizeof(buf)) {
				memcpy(buf, arg, (size_t)(eq - arg));
				buf[eq - arg] = '\0';
				name = buf;
				value = eq + 1;
			}
			if (!strcmp(name, "--help")) {
				fputs(usage_text, stdout);
				return EXIT_OK;
			}
			if (!strcmp(name, "--numeric-rm")) {
				o.print_flags |= SDDL_PRINT_NUMERIC_RM;
				continue;
			}
			bool takes = !strcmp(name, "--domain-sid") || !strcmp(name, "--forest-sid") ||
				     !strcmp(name, "--machine-sid") || !strcmp(name, "--as");
			if (!takes) {
				cli_error("unknown option '%s'; run 'gpoc sddl --help'", arg);
				return EXIT_USAGE;
			}
			if (!value) {
				if (i + 1 >= argc) {
					cli_error("option '%s' needs a value", name);
					return EXIT_USAGE;
				}
				value = argv[++i];
			}
			bool ok = true;
			if (!strcmp(name, "--domain-sid"))
				ok = option_sid(name, value, &o.ctx.has_domain, &o.ctx.domain);
			else if (!strcmp(name, "--forest-sid"))
				ok = option_sid(name, value, &o.ctx.has_forest, &o.ctx.forest);
			else if (!strcmp(name, "--machine-sid"))
				ok = option_sid(name, value, &o.ctx.has_machine, &o.ctx.machine);
			else if (!rights_vocab_from_name(value, &o.vocab)) {
				cli_error("unknown vocabulary '%s'; accepted: com-launch, com-access, "
					  "wmi, file, registry, generic", value);
				ok = false;
			} else {
				o.has_vocab = true;
			}
			if (!ok)
				return EXIT_USAGE;
			continue;
		}
		if (!no_more_options && !strcmp(arg, "--")) {
			no_more_options = true;
			continue;
		}
		if (!no_more_options && !strcmp(arg, "-h")) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		}
		if (!mode) {
			mode = arg;
		} else if (!input) {
			input = arg;
		} else {
			cli_error("unexpected argument '%s'; give one SDDL string or '-'", arg);
			return EXIT_USAGE;
		}
	}
	if (!mode) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(mode, "canon")) {
		o.mode = MODE_CANON;
	} else if (!strcmp(mode, "hex")) {
		o.mode = MODE_HEX;
	} else if (!strcmp(mode, "explain")) {
		o.mode = MODE_EXPLAIN;
	} else {
		cli_error("unknown sddl action '%s'; accepted: canon, hex, explain", mode);
		return EXIT_USAGE;
	}
	if (!input) {
		cli_error("missing SDDL string; give one, or '-' to read lines from standard input");
		return EXIT_USAGE;
	}
	int rc = strcmp(input, "-") ? run_one(&o, input) : run_stdin(&o);
	if (fflush(stdout) || ferror(stdout)) {
		cli_error("cannot write standard output");
		return EXIT_USAGE;
	}
	return rc;
}
