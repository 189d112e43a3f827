#ifndef GPOC_NETSH_QUOTE_H
#define GPOC_NETSH_QUOTE_H

// Quoting for the three script languages gpoc writes: cmd.exe (.cmd files), netsh's
// own line tokenizer (`netsh -f` files) and PowerShell. Each quoter either produces
// text that its consumer reads back as exactly the input, or refuses with a reason
// in `why` (appended; lowercase, no full stop) and leaves `out` untouched.
// docs/scripts.md explains every refusal; in short:
//
// - cmd.exe (.cmd files, which gpoc starts with `setlocal DisableDelayedExpansion`):
//   the value goes inside double quotes, where & | < > ^ ( ) are literal; `%` is
//   written `%%` (percent expansion runs before quotes are seen); `!` is literal
//   because delayed expansion is off. Refused: `"` (no escape exists inside quotes),
//   control characters (CR and LF end the line; the others are mangled by cmd's line
//   reader), non-ASCII (cmd decodes .cmd files in the console's OEM code page, which
//   gpoc cannot know), a trailing backslash (the program's argument parser reads `\"`
//   as an escaped quote) and lines cmd cannot hold.
// - netsh -f: the same double quotes without cmd's percent expansion, so `%` stays
//   single; the same refusals, plus leading or trailing blanks, which netsh's tokenizer
//   is not known to keep.
// - PowerShell: single-quoted, where only quote characters are special; PowerShell
//   takes U+2018, U+2019, U+201A and U+201B as single quotes too, so every one of them
//   is doubled like `'`.

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

// cmd.exe can read lines of at most 8191 characters.
enum { CMD_LINE_MAX = 8191 };

/** Appends `s` as a double-quoted value for a .cmd file (`%` doubled). */
bool cmd_quote(const char *s, struct strbuf *out, struct strbuf *why);
/** The same for `len` bytes that may hold NUL (which is refused). */
bool cmd_quote_mem(const char *s, size_t len, struct strbuf *out, struct strbuf *why);

/** Appends `s` as a double-quoted value for a `netsh -f` script line. */
bool netsh_quote(const char *s, struct strbuf *out, struct strbuf *why);
bool netsh_quote_mem(const char *s, size_t len, struct strbuf *out, struct strbuf *why);
/** A netsh value quoted for a netsh command inside a .cmd file: both sets of rules. */
bool netsh_cmd_quote(const char *s, struct strbuf *out, struct strbuf *why);

/**
 * Appends `s` as a PowerShell single-quoted string. Any text is representable; call
 * ps_value_check() first for values that must also stay on one line.
 */
void ps_quote(const char *s, struct strbuf *out);
/**
 * True if `s` (len bytes) is valid UTF-8 without NUL or other control characters:
 * what gpoc puts into a .ps1 file (a string holding CR or LF would be valid
 * PowerShell, but it would split the data table's one-entry-per-line layout).
 */
bool ps_value_check(const char *s, size_t len, struct strbuf *why);
/**
 * Appends `s` as a PowerShell expression made of ASCII only, for PowerShell code that
 * travels inside a .cmd line: `'abc'` when `s` is printable ASCII, else
 * `('abc'+[char]0x00DC+'def')`, every non-ASCII UTF-16 unit written as a [char] cast.
 * Fails on what ps_value_check() refuses.
 */
bool ps_quote_ascii(const char *s, size_t len, struct strbuf *out, struct strbuf *why);

#endif
