#ifndef GPOC_TESTS_NETSH_READERS_H
#define GPOC_TESTS_NETSH_READERS_H

// Independent readers for the tests: how cmd.exe, a Windows program's argument parser
// and PowerShell's tokenizer read what gpoc writes. They share no code with the
// writers under test (compiler/src/netsh/quote.c and the renderers), so a round trip
// through them is a real check.

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

/**
 * cmd.exe phase 1 for a line of a batch file: `%%` becomes `%`, `%~dp0` becomes `dp0`;
 * any other `%` would be an expansion and fails (returns false). Then it checks the
 * line as phase 2 would see it: outside double quotes, none of & | < > ^ may appear
 * unless `allow_ops`. `!` is left alone (delayed expansion is off).
 */
bool cmd_phase1(const char *line, size_t len, const char *dp0, bool allow_ops, struct strbuf *out);

/**
 * A command line split into arguments by the Microsoft C runtime's rules (the ones
 * CommandLineToArgvW documents): blanks separate arguments outside quotes, `"`
 * toggles quoting and is dropped, 2n backslashes before `"` give n and the quote acts,
 * 2n+1 give n and a literal quote, `""` inside quotes gives one quote. Returns the
 * argument count; args[i] must be released by the caller (argv_release).
 */
size_t argv_split(const char *cmdline, struct strbuf **args);
void argv_release(struct strbuf *args, size_t n);

/**
 * One PowerShell string expression at *p as gpoc writes them: a single-quoted
 * string (any of ' U+2018 U+2019 U+201A U+201B opens and closes it; two quote
 * characters in a row stand for the second), or `(` terms joined by `+` `)` where a
 * term is a single-quoted string or `[char]0xHHHH`. Appends the value's UTF-8 to out.
 */
bool ps_read_string_expr(const char **p, const char *end, struct strbuf *out);

#endif
