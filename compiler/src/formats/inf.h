#ifndef GPOC_FORMATS_INF_H
#define GPOC_FORMATS_INF_H

// Security templates (GptTmpl.inf, secedit /export): SetupAPI INF syntax.
//
// The data model is what SetupAPI makes of a file: sections (names compared
// case-insensitively, repeated sections merged) holding ordered lines, each an
// optional key and a list of fields. A field remembers whether it was quoted, so a
// document read and written again keeps its shape. Quoting (docs/formats.md): in a
// quoted field '"' is doubled; '%' is refused everywhere because SetupAPI expands
// %name% and %N% (directory ids) in fields; CR, LF, NUL and Ctrl-Z (SetupAPI's end
// of file) cannot be written at all.
//
// GptTmpl.inf helpers on top write and read the sections Group Policy uses:
// [Unicode], [Version], [Registry Values], [Group Membership], [Privilege Rights].

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/regvalue.h"
#include "core/strbuf.h"
#include "formats/text.h"

struct inf_field {
	const char *text;
	bool quoted; // written in double quotes (reader: some part of it was quoted)
	uint32_t col; // reader: 1-based column where the field starts
};

struct inf_line {
	const char *key; // NULL for a line without '='
	struct inf_field *fields; // a key's empty value is one empty field
	size_t n, alloc;
	uint32_t line; // reader: 1-based line number
	bool spaced;   // reader: white space before the '='
};

struct inf_section {
	const char *name;
	bool spaced; // "key = value" (secedit's style for most sections) else "key=value";
	             // the reader sets it from the section's first key line
	struct inf_line *lines;
	size_t n, alloc;
	uint32_t line; // reader: line of the first [name]
};

struct inf_doc {
	struct inf_section **sections; // pointers stay valid while sections are added
	size_t n, alloc;
	struct arena arena;
};

void inf_doc_init(struct inf_doc *d);
void inf_doc_release(struct inf_doc *d);
// The section called `name` (case-insensitive), appended if absent.
struct inf_section *inf_section(struct inf_doc *d, const char *name);
struct inf_section *inf_find_section(const struct inf_doc *d, const char *name);
struct inf_line *inf_add_line(struct inf_doc *d, struct inf_section *s, const char *key);
void inf_add_field(struct inf_doc *d, struct inf_line *l, const char *text, bool quoted);
// Same sections, keys and fields (text and quoting); positions and `spaced` ignored.
bool inf_doc_equal(const struct inf_doc *a, const struct inf_doc *b);

// SetupAPI's MAX_INF_STRING_LENGTH: the longest field Windows reads.
enum { INF_MAX_FIELD = 4096, INF_MAX_SECTION_NAME = 255 };

// Appends the file (BOM FF FE, UTF-16LE, CRLF). On error `out` is unchanged and
// err->line is the 1-based line of the output the problem would have been on.
bool inf_write(const struct inf_doc *d, struct strbuf *out, struct fmt_error *err);
// Reads UTF-16LE (with BOM) or UTF-8 INF text. Errors carry line and column.
bool inf_read(const uint8_t *p, size_t len, struct inf_doc *out, struct fmt_error *err);

// --- GptTmpl.inf ---

// [Unicode] Unicode=yes, [Version] signature="$CHICAGO$" Revision=1.
void gpttmpl_init(struct inf_doc *d);
// [Registry Values] MACHINE\Path\Name=TYPE,DATA for REG_SZ and REG_EXPAND_SZ (one
// quoted string), REG_DWORD (decimal) and REG_MULTI_SZ (one quoted field per
// string). v->hive must be HKLM and v->name not empty. False with the reason in
// `why` for what the section cannot hold.
bool gpttmpl_add_registry_value(struct inf_doc *d, const struct reg_value *v, struct strbuf *why);
// A [Registry Values] line back to a value (strings in the arena). Errors point at
// the line and field.
bool gpttmpl_registry_value(const struct inf_line *l, struct arena *a, struct reg_value *out,
			    struct fmt_error *err);
// [Group Membership] "*GROUP__Memberof = ..." (members == false) or
// "*GROUP__Members = ..." (members == true). `group` and each entry are a SID
// ("S-1-5-32-562", written "*S-1-5-32-562") or an account name written as is.
bool gpttmpl_add_group(struct inf_doc *d, const char *group, bool members, const char *const *list, size_t n,
		       struct strbuf *why);
// [Privilege Rights] "SeNetworkLogonRight = *S-1-5-32-544,...".
bool gpttmpl_add_privilege(struct inf_doc *d, const char *privilege, const char *const *list, size_t n,
			   struct strbuf *why);

#endif
