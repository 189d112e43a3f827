#ifndef GPOC_NETSH_NETSH_H
#define GPOC_NETSH_NETSH_H

// `netsh advfirewall firewall` commands: a writer from struct fw_rule and a checker
// that parses command lines back against the grammar of DOMAIN.md section 6.
//
// Lines are written without the leading "netsh " (as `netsh -f` wants them) and
// without a line break. NETSH_FOR_CMD writes values for a netsh command inside a
// .cmd file instead: the caller prepends "netsh ", and every quoted value is also
// safe from cmd.exe (`%` doubled; see quote.h).

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/fwrule.h"
#include "core/strbuf.h"
#include "sd/sid.h"

enum netsh_write_flags {
	NETSH_FOR_NETSH_F = 0,
	NETSH_FOR_CMD = 1,
};

/**
 * `advfirewall firewall add rule name="..." dir=in action=allow ...` for `r`.
 * Keywords are written in a fixed order; strings are quoted; a rule the grammar or
 * the quoting cannot carry is refused with a reason in `why` and nothing is appended.
 * The caller checks rmtusrgrp/rmtcomputergrp SDDL (the writer copies it).
 */
bool netsh_write_add(const struct fw_rule *r, unsigned flags, struct strbuf *out, struct strbuf *why);
/** `advfirewall firewall delete rule name="..."` (deletes every rule of that name). */
bool netsh_write_delete(const char *name, unsigned flags, struct strbuf *out, struct strbuf *why);
/**
 * `advfirewall firewall add rule name="..." dir=in action=block enable=no`: a
 * disabled rule with no effect, written before a delete so that the delete always
 * matches (a delete that matches nothing fails; see docs/scripts.md).
 */
bool netsh_write_placeholder(const char *name, unsigned flags, struct strbuf *out, struct strbuf *why);
/**
 * `advfirewall firewall set rule group="@FirewallAPI.dll,-34251" new enable=yes`.
 * Use the locale-independent indirect name of a built-in group, never its display
 * name (translated on other locales).
 */
bool netsh_write_set_group(const char *group, bool enable, unsigned flags, struct strbuf *out,
			   struct strbuf *why);

// --- Checker ---

enum netsh_cmd_kind { NETSH_ADD_RULE, NETSH_DELETE_RULE, NETSH_SET_GROUP };

struct netsh_cmd {
	enum netsh_cmd_kind kind;
	struct fw_rule rule;      // ADD_RULE: the whole rule; DELETE_RULE: name only
	const char *local_ip;     // ADD_RULE: localip= as written (fw_rule has no field), or NULL
	const char *group;        // SET_GROUP
	bool enable;              // SET_GROUP
};

struct netsh_error {
	size_t col;               // 1-based byte column in the line
	char message[256];
};

enum netsh_parse_flags {
	NETSH_PARSE_PREFIX = 1,   // the line starts with "netsh " (a command line, not a -f line)
};

/**
 * Parses one command (`len` bytes, no line break) into *out, checking every
 * constraint of DOMAIN.md section 6: known keywords only, each at most once, known
 * values, ports only with tcp/udp, port keywords only for inbound tcp local ports,
 * rmtusrgrp/rmtcomputergrp only with security=auth* and valid SDDL (parsed with
 * `sids`, which may be NULL), edge only inbound, name not empty and not `all`,
 * address syntax. Strings are copied into `a`. On failure returns false with the
 * first problem and its column in *err.
 */
bool netsh_parse_line(const char *line, size_t len, unsigned flags, const struct sid_context *sids,
		      struct arena *a, struct netsh_cmd *out, struct netsh_error *err);

/** What a netsh -f script leaves behind: the rules it adds, after its deletes. */
struct netsh_script {
	struct netsh_cmd *cmds;   // every command, in order
	size_t n_cmds;
	struct fw_rule *rules;    // the enabled state at the end: one per name
	size_t n_rules;
};

/**
 * Checks a whole `netsh -f` script (lines end in CRLF or LF; empty lines are
 * allowed). Besides every line's grammar: a rule name may be added again only after
 * a delete of that name (so the script is idempotent and leaves one rule per name),
 * and every add of a name is preceded by a delete of it. Each error goes to `d` at
 * its line and column in `f` (f->text is the script). Returns true if there was none.
 */
bool netsh_check_script(const struct src_file *f, const struct sid_context *sids, struct arena *a,
			struct netsh_script *out, struct diag *d);

#endif
