// Command dispatch, --help and --version, and the helpers every command shares.
#include "cli/cli.h"

#include <getopt.h>

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "intent/intent.h"
#include "review/diag_output.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

// Keep in step with docs/gpoc.1 and the usage text below.
static const struct command commands[] = {
	{ "build", cmd_build, "compile intents into artifacts in an output directory" },
	{ "check", cmd_check, "validate intents and report every problem; writes nothing" },
	{ "sddl", cmd_sddl, "canonicalise, encode or explain security descriptors" },
	{ "capabilities", cmd_capabilities, "list capabilities and their parameters" },
	{ "plan", cmd_plan, "show who gains or loses what between two intents" },
	{ "decode", cmd_decode, "print a .reg, .pol, GptTmpl.inf or security descriptor readably" },
	{ "import", cmd_import, "turn a .reg or registry.pol into an intent of primitives" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *out)
{
	fputs("usage: gpoc [--version] [--help] COMMAND [ARGS]\n\ncommands:\n", out);
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-14s %s\n", c->name, c->summary);
	fputs("\nRun 'gpoc COMMAND --help' for a command's options; 'man gpoc' for the manual.\n"
	      "Exit status: 0 success, 1 errors in the input, 2 usage or I/O errors.\n", out);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("gpoc: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool cli_parse_diag_format(const char *s, enum diag_format *out)
{
	if (!strcmp(s, "gcc"))
		*out = DIAG_FORMAT_GCC;
	else if (!strcmp(s, "json"))
		*out = DIAG_FORMAT_JSON;
	else if (!strcmp(s, "sarif"))
		*out = DIAG_FORMAT_SARIF;
	else {
		cli_error("unknown diagnostics format '%s'; use gcc, json or sarif", s);
		return false;
	}
	return true;
}

void cli_print_diagnostics(const struct diag *d, enum diag_format fmt)
{
	switch (fmt) {
	case DIAG_FORMAT_GCC:
		diag_print_gcc(d, stderr);
		break;
	case DIAG_FORMAT_JSON:
		diag_print_json(d, stderr);
		break;
	case DIAG_FORMAT_SARIF:
		diag_print_sarif(d, stderr);
		break;
	}
}

bool cli_parse_targets(const char *list, unsigned *out)
{
	struct strbuf err = STRBUF_INIT;
	bool ok = targets_parse(list, out, &err);
	if (!ok)
		cli_error("%s", err.buf);
	strbuf_release(&err);
	return ok;
}

int cli_pipeline_option(int c, const char *arg, struct pipeline_options *o)
{
	switch (c) {
	case 't':
		return cli_parse_targets(arg, &o->targets) ? 1 : -1;
	case 'C':
		GROW(o->capability_dirs, o->alloc_capability_dirs, o->n_capability_dirs + 1);
		o->capability_dirs[o->n_capability_dirs++] = arg;
		return 1;
	case 'D':
		return cli_parse_diag_format(arg, &o->format) ? 1 : -1;
	}
	return 0;
}

void cli_pipeline_options_release(struct pipeline_options *o)
{
	free(o->capability_dirs);
	memset(o, 0, sizeof(*o));
}

bool cli_parse_sid(const char *opt, const char *value, struct sid *out)
{
	const char *why;
	if (sid_parse(value, strlen(value), out, &why))
		return true;
	cli_error("bad %s '%s': %s", opt, value, why);
	return false;
}

void cli_option_error(int c, char **argv, const char *command)
{
	if (c == ':')
		cli_error("option '%s' needs a value", argv[optind - 1]);
	else
		cli_error("unknown option '%s'; see 'gpoc %s --help'", argv[optind - 1], command);
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *cli_datadir(void)
{
	static char *cached;
	if (cached)
		return cached;
	const char *env = getenv("GPOC_DATADIR");
	if (env && *env)
		return cached = xstrdup(env);
	// An installed binary finds ../share/gpoc beside its own bin/ directory.
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			struct strbuf sb = STRBUF_INIT;
			strbuf_addf(&sb, "%s/../share/gpoc", exe);
			struct strbuf tmpl = STRBUF_INIT;
			strbuf_addf(&tmpl, "%s/templates", sb.buf);
			bool ok = is_dir(tmpl.buf);
			strbuf_release(&tmpl);
			if (ok)
				return cached = strbuf_detach(&sb, NULL);
			strbuf_release(&sb);
		}
	}
	if (is_dir(GPOC_INSTALL_DATADIR "/templates"))
		return cached = xstrdup(GPOC_INSTALL_DATADIR);
	return cached = xstrdup(GPOC_SOURCE_DATADIR);
}

int cli_main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("gpoc %s\n", GPOC_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, cmd))
			return c->run(argc - 1, argv + 1);
	const char *names[ARRAY_SIZE(commands)];
	size_t n = 0;
	for (const struct command *c = commands; c->name; c++)
		names[n++] = c->name;
	const char *guess = closest_word(cmd, names, n);
	if (guess)
		cli_error("unknown command '%s'; did you mean '%s'?", cmd, guess);
	else
		cli_error("unknown command '%s'; run 'gpoc --help' for the list", cmd);
	return EXIT_USAGE;
}
