#ifndef GPOC_CLI_CLI_H
#define GPOC_CLI_CLI_H

// The command-line front end. cli.c dispatches `gpoc COMMAND ...` to one cmd_*.c
// per command. Exit status everywhere: 0 success, 1 input errors (diagnostics
// printed), 2 usage or I/O errors.

#include <stdbool.h>
#include <stdio.h>

#include "core/diag.h"
#include "sd/sid.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

int cli_main(int argc, char **argv);

// Commands: argv[0] is the command name.
int cmd_check(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_sddl(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_capabilities(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_import(int argc, char **argv);

// "gpoc: error: ..." on stderr, for usage and I/O problems (not input diagnostics).
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

enum diag_format { DIAG_FORMAT_GCC, DIAG_FORMAT_JSON, DIAG_FORMAT_SARIF };
// Parses "gcc", "json" or "sarif" (for --diagnostics=); prints a usage error if neither.
bool cli_parse_diag_format(const char *s, enum diag_format *out);
void cli_print_diagnostics(const struct diag *d, enum diag_format fmt);
// Parses "netsh,reg" or "all" into TARGET_* bits; prints a usage error naming the
// accepted targets on failure.
bool cli_parse_targets(const char *list, unsigned *out);

// Options build and check share: -t/--target, -C/--capabilities, --diagnostics.
struct pipeline_options {
	unsigned targets;       // 0: each intent's outputs
	const char **capability_dirs;
	size_t n_capability_dirs, alloc_capability_dirs;
	enum diag_format format;
};
// Handles getopt_long's result `c` ('t', 'C' or 'D') with its argument. Returns 1 if
// handled, 0 if `c` is not a shared option, -1 after printing a usage error.
int cli_pipeline_option(int c, const char *arg, struct pipeline_options *o);
void cli_pipeline_options_release(struct pipeline_options *o);
// Parses the SID value of option `opt`; prints a usage error and returns false if bad.
bool cli_parse_sid(const char *opt, const char *value, struct sid *out);

// The usage error for getopt_long's ':' (missing value) and '?' (unknown option).
void cli_option_error(int c, char **argv, const char *command);

// Directory holding templates/ and schemas/: $GPOC_DATADIR, else the installed
// share/gpoc next to the executable, else the source tree this binary was built from.
const char *cli_datadir(void);

#endif
