#ifndef GPOC_XML_XSD_H
#define GPOC_XML_XSD_H

// XML in gpoc: what may go into it, and checking a document against one of the
// project's schemas (schemas/*.xsd). Both writers in this module (ADMX/ADML and the
// GPO backup XML) validate their output here before handing it over, and `gpoc
// decode` validates files it is given; see docs/gpo.md.
//
// Reading is locked down, because `gpoc decode` reads XML from anywhere: no network
// (XML_PARSE_NONET), no DTD at all (a DOCTYPE is refused, so there are no entities
// to expand or fetch), no XInclude, at most XML_INPUT_MAX bytes, and the XSDs load
// nothing besides themselves. libxml2's messages are collected into the caller's
// error buffer; libxml2 never prints on its own.

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

enum { XML_INPUT_MAX = 16 * 1024 * 1024 };

enum xml_text_kind {
	XML_TEXT_LINE,      // names and titles: no line breaks
	XML_TEXT_MULTILINE, // explain texts and descriptions: TAB, LF and CR allowed
};

// Whether `s` can be written as XML 1.0 character data and read back unchanged:
// valid UTF-8, no U+FFFE/U+FFFF, no C0 control other than TAB/LF/CR, and for
// XML_TEXT_LINE no control character at all (C0, DEL, C1: the schemas refuse them
// in names, keys and titles). On failure appends a message naming `what`
// ("display name of 'X'") to `err`.
bool xml_text_check(const char *what, const char *s, enum xml_text_kind kind, struct strbuf *err);

// Parses `len` bytes of `doc_name` and validates them against
// `schema_dir`/`xsd_name`. On failure appends "doc_name:line: message[; ...]" to `err`.
bool xsd_validate(const char *schema_dir, const char *xsd_name, const char *doc_name, const char *buf,
		  size_t len, struct strbuf *err);

#endif
