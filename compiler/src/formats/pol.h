#ifndef GPOC_FORMATS_POL_H
#define GPOC_FORMATS_POL_H

// Registry.pol ("PReg", [MS-GPREG] 2.2.1): the registry half of a Group Policy
// Object. A header "PReg" + u32 LE version 1, then entries
// [key;value;type;size;data] where '[', ';' and ']' are UTF-16LE characters, key
// and value are UTF-16LE with a NUL terminator, type and size are u32 LE and data is
// exactly `size` bytes. Keys carry no hive: the file's place (Machine or User)
// says which.
//
// The reader never scans data for ']': it reads `size` bytes, after checking that
// they are there. It reads foreign files faithfully (odd-length string data, zero
// sizes, REG_SZ without terminator) and leaves judging them to pol_anomalies();
// only broken framing, truncation and sizes past the end are errors.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/regvalue.h"
#include "core/strbuf.h"
#include "formats/text.h"

struct pol_entry {
	struct reg_value v; // v.hive is HIVE_NONE
	size_t offset;      // reader: byte offset of the entry's '['
};

struct pol_doc {
	struct pol_entry *v;
	size_t n, alloc;
	struct arena arena;
};

void pol_doc_init(struct pol_doc *d);
void pol_doc_release(struct pol_doc *d);
// Copies `v` (its hive is ignored: a Registry.pol has none).
void pol_doc_add(struct pol_doc *d, const struct reg_value *v);
// The delete marker GPMC writes for "delete value NAME of KEY": value "**del.NAME",
// REG_SZ data " " (with its NUL).
void pol_doc_add_delete(struct pol_doc *d, const char *key, const char *name);
bool pol_doc_equal(const struct pol_doc *a, const struct pol_doc *b, size_t *at);

// [MS-GPREG]: a value name has at most 259 characters.
enum { POL_MAX_VALUE_NAME = 259 };

// Appends the file to `out`. Refuses (err->line = 1-based entry index) keys that
// reg_key_check() rejects, invalid UTF-8 and value names over 259 characters;
// `out` is unchanged on error.
bool pol_write(const struct pol_doc *d, struct strbuf *out, struct fmt_error *err);
// On error err->offset is the byte offset of the problem; *out stays initialised.
bool pol_read(const uint8_t *p, size_t len, struct pol_doc *out, struct fmt_error *err);

// What an entry tells the client, from the special value names (case-insensitive).
enum pol_action {
	POL_SET,               // an ordinary value
	POL_DELETE_VALUE,      // **del.NAME
	POL_DELETE_ALL_VALUES, // **delvals.
	POL_DELETE_VALUES,     // **DeleteValues, data "a;b;c"
	POL_DELETE_KEYS,       // **DeleteKeys, data "k1;k2"
	POL_SECURE_KEY,        // **SecureKey, DWORD 1 = secure the key's ACL, 0 = not
	POL_SOFT_SET,          // **soft.NAME: set NAME only if it does not exist
};
// *target gets the NAME after "**del." / "**soft." (else the whole name).
enum pol_action pol_classify(const char *name, const char **target);

// Appends one line per oddity of `v` as read from a foreign file ("odd-length
// REG_SZ data", "REG_DWORD of 3 bytes", ...); returns how many.
size_t pol_anomalies(const struct reg_value *v, struct strbuf *out);

#endif
