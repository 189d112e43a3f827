#ifndef GPOC_NETSH_GPFAS_H
#define GPOC_NETSH_GPFAS_H

// Group Policy firewall rule strings ([MS-GPFAS] 2.2.2.19): the REG_SZ data of the
// values under SOFTWARE\Policies\Microsoft\WindowsFirewall\FirewallRules, value name =
// rule ID. Shape: "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=135|...|".
//
// Two layers. gpfas_parse() reads the structure only (version, then Key=Value fields
// each ended by '|') and keeps every field, known or not, so gpfas_format() gives the
// input back byte for byte. gpfas_to_rule() interprets the fields gpoc knows into a
// struct fw_rule and lists the others. gpfas_write() is the writer gpoc uses.
//
// Text is UTF-8 here; the caller converts the REG_SZ from UTF-16LE and drops its
// terminating NUL.

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/fwrule.h"
#include "core/strbuf.h"
#include "sd/sid.h"

struct gpfas_field {
	char *key;          // e.g. "LPort2_10" (arena, NUL-terminated)
	char *value;        // may be empty
	size_t offset;      // byte offset of the key in the input
};

struct gpfas_rule {
	char *version;      // "2.10" as written
	unsigned major, minor;
	struct gpfas_field *fields;
	size_t n_fields;
};

struct gpfas_error {
	size_t offset;      // byte offset into the input
	char message[256];
};

// A rule string longer than this is refused (Windows' own strings are far shorter;
// each text field holds at most 10000 characters, [MS-FASP] 2.2.37).
enum { GPFAS_MAX_LEN = 1 << 20 };

/**
 * Structure only: "v" DIGITS "." DIGITS "|" then one or more fields KEY "=" VALUE "|",
 * KEY made of letters, digits and '_', VALUE any valid UTF-8 except '|', NUL and other
 * control characters. Fails only on malformed structure.
 */
bool gpfas_parse(const char *s, size_t len, struct arena *a, struct gpfas_rule *out, struct gpfas_error *err);
/** The exact text gpfas_parse() read. */
void gpfas_format(const struct gpfas_rule *g, struct strbuf *out);

/**
 * The rule a parsed string describes (rule ID left NULL). Fields gpoc does not model
 * (LA4, IFType, ICMP4, Platform, ...) go to *unknown (pointers into g->fields); *out
 * is exact only when there are none. Fails on a known field with a bad value, a
 * field that may appear once given twice, or a combination struct fw_rule cannot
 * hold (an address keyword in RA4 but not RA6). RUAuth/RMauth SDDL is checked with
 * sddl_parse() against `sids` (may be NULL).
 */
bool gpfas_to_rule(const struct gpfas_rule *g, const struct sid_context *sids, struct arena *a,
		   struct fw_rule *out, const struct gpfas_field ***unknown, size_t *n_unknown,
		   struct gpfas_error *err);

/**
 * The rule string for `r`. The version is the lowest that has every field written
 * (docs/scripts.md has the table; today always "v2.10"). Refuses, with the reason in
 * `why`, what the grammar cannot carry: a '|' in a value (no escape exists), control
 * characters, invalid UTF-8, text fields over 10000 UTF-16 units, and settings whose
 * spelling in rule strings gpoc has not verified (IPHTTPS ports, authdynenc).
 */
bool gpfas_write(const struct fw_rule *r, struct strbuf *out, struct strbuf *why);
/** A rule ID usable as the registry value name: 1 to 511 printable characters. */
bool gpfas_check_id(const char *id, struct strbuf *why);

#endif
