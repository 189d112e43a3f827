#ifndef GPOC_FORMATS_DESCRIBE_H
#define GPOC_FORMATS_DESCRIBE_H

// `gpoc decode`: what kind of file a byte string is, and a readable (or JSON)
// listing of it. One line per key and value with its type and data; a value that
// holds a security descriptor (REG_BINARY that decodes as one, or a REG_SZ that
// parses as SDDL) is shown as canonical SDDL followed by one explanation line per
// ACE. The JSON shape is documented in docs/formats.md and stays stable.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "formats/text.h"
#include "sd/secdesc.h"

enum file_kind {
	FILE_UNKNOWN,
	FILE_REG5,      // "Windows Registry Editor Version 5.00" (UTF-16LE or UTF-8)
	FILE_REGEDIT4,  // "REGEDIT4"
	FILE_POL,       // Registry.pol ("PReg")
	FILE_INF,       // INF text: GptTmpl.inf, secedit templates
	FILE_SD_BINARY, // a self-relative security descriptor
	FILE_SD_HEX,    // hex text of one ("01,00,04,80,..." or "01000480...")
	FILE_SDDL,      // SDDL text ("O:BAG:BAD:...")
};

// Sniffs the first bytes; never reads past `len`. A file that parses badly still
// gets its kind (the describe function then reports where it breaks).
enum file_kind detect_file_kind(const uint8_t *p, size_t len);
// "reg", "regedit4", "pol", "inf", "sd-binary", "sd-hex", "sddl", "unknown".
const char *file_kind_name(enum file_kind k);

struct describe_options {
	const struct sid_context *sids; // names and aliases of domain SIDs; NULL for none
	bool json;                      // JSON instead of text
	enum rights_vocab vocab;        // for standalone descriptors (FILE_SD_*, FILE_SDDL)
};

// Each appends the listing to `out` and returns true, or returns false with the
// reader's error (line and column, or byte offset) and leaves `out` unchanged.
bool describe_reg(const uint8_t *p, size_t len, const struct describe_options *o, struct strbuf *out,
		  struct fmt_error *err);
bool describe_pol(const uint8_t *p, size_t len, const struct describe_options *o, struct strbuf *out,
		  struct fmt_error *err);
bool describe_inf(const uint8_t *p, size_t len, const struct describe_options *o, struct strbuf *out,
		  struct fmt_error *err);
// Detects the kind and describes any of the kinds above (FILE_UNKNOWN is an error
// naming what is accepted).
bool describe_file(const uint8_t *p, size_t len, const struct describe_options *o, struct strbuf *out,
		   struct fmt_error *err);

// Appends `s` as a JSON string literal (quotes included); `s` is valid UTF-8.
void json_add_string(struct strbuf *out, const char *s, size_t len);

#endif
