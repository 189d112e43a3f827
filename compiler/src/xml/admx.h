#ifndef GPOC_XML_ADMX_H
#define GPOC_XML_ADMX_H

// ADMX/ADML: administrative templates that make registry values visible and
// editable in the Group Policy editors ([MS-GPREG] section 7; docs/gpo.md).
//
// gpoc writes two pairs of files:
//   - a base pair, gpoc.admx + en-US/gpoc.adml, identical for every policy: the
//     namespace "Gpoc.Policies" (prefix "gpoc") and the root category "gpoc", so
//     that templates of several gpoc policies share one node in the editor instead
//     of each bringing its own (a category defined in two files shows twice);
//   - one pair per gpoc policy, gpoc-<policy>.admx + en-US/gpoc-<policy>.adml:
//     namespace "Gpoc.Policies.<policy>" (prefix "gpoc_<policy>"), a category for
//     the policy under gpoc:gpoc, its own supportedOn definition, and one ADMX
//     policy per registry value.
// Both writers validate what they produced (XSDs plus admx_check_pair) before
// returning it.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

#define ADMX_NAMESPACE_URI "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"
#define ADMX_BASE_PREFIX "gpoc"
#define ADMX_BASE_NAMESPACE "Gpoc.Policies"
#define ADMX_BASE_CATEGORY "gpoc"

enum admx_class { ADMX_MACHINE, ADMX_USER };

// How one registry value appears in the editor.
enum admx_kind {
	ADMX_SWITCH,     // REG_DWORD: Enabled writes `on`, Disabled writes `off`
	ADMX_DECIMAL,    // REG_DWORD typed in a number box (decimal element)
	ADMX_TEXT,       // REG_SZ, or REG_EXPAND_SZ if `expandable` (text element)
	ADMX_MULTI_TEXT, // REG_MULTI_SZ, one string per line (multiText element)
};

struct admx_setting {
	enum admx_class cls;
	const char *key;        // below the hive: "SOFTWARE\\Microsoft\\WBEM\\CIMOM"
	const char *value_name; // not empty (ADMX cannot name a key's default value)
	enum admx_kind kind;
	uint32_t on, off;       // ADMX_SWITCH
	uint32_t min, max;      // ADMX_DECIMAL: the range the editor accepts
	uint32_t def;           // ADMX_DECIMAL: the number box's initial value
	const char *def_text;   // ADMX_TEXT: the text box's initial value, or NULL
	bool expandable;        // ADMX_TEXT
	const char *display;    // the policy's title in the editor (one line)
	const char *explain;    // its help text, or NULL
};

struct admx_doc {
	const char *policy;      // gpoc policy name, [A-Za-z0-9][A-Za-z0-9._-]{0,63}
	const char *title;       // the policy's category title (one line)
	const char *description; // the category's help text and the ADML description, or NULL
	const struct admx_setting *settings;
	size_t n_settings;
};

// Writes the per-policy ADMX and its en-US ADML (appended to `admx` and `adml`).
// Policy, string and presentation IDs come from the value names, made NCNames
// ([A-Za-z0-9_], not starting with a digit) and unique by a "_2", "_3" suffix in
// settings order. Returns false with a message in `err` if a text cannot be carried
// by XML (xml_text_check) or a field is out of range; a validation failure of the
// output is a gpoc bug and its message starts with "internal error".
bool admx_write(const struct admx_doc *doc, const char *schema_dir, struct strbuf *admx,
		struct strbuf *adml, struct strbuf *err);

// Writes the base pair gpoc.admx / en-US/gpoc.adml (same bytes every time).
bool admx_write_base(const char *schema_dir, struct strbuf *admx, struct strbuf *adml, struct strbuf *err);

// Validates an ADMX and its ADML against schemas/admx.xsd and schemas/adml.xsd, then
// checks what the schemas cannot: every $(string.X) and $(presentation.X) in the
// ADMX is defined in the ADML; every prefix in a reference ("windows:System") is
// declared in policyNamespaces; references without a prefix, or with the target's,
// name a category / supportedOn definition / product of this file; each policy's
// elements and its presentation's controls match one to one. Appends "ADMX:line:
// message; ADML:line: message; ..." to `err` on failure.
bool admx_check_pair(const char *admx, size_t admx_len, const char *adml, size_t adml_len,
		     const char *schema_dir, struct strbuf *err);

#endif
