#ifndef GPOC_XML_XMLIO_H
#define GPOC_XML_XMLIO_H

// libxml2 plumbing shared by the files of this module (not for other modules: they
// use admx.h, gpo_backup.h and xsd.h, which do not expose libxml2 types).
//
// Errors. libxml2 reports through per-thread handler functions. Every entry point
// of this module brackets its libxml2 work with xml_guard_enter/leave, which point
// this thread's structured and generic handlers at an xml_errlog and restore the
// previous ones afterwards: whatever libxml2 has to say ends up in the caller's
// error buffer, nothing reaches stderr, and other threads are not affected. The
// schema parser and validator get the same log through their own contexts.
//
// Writing. struct xw wraps xmlTextWriter so that a run of calls can be made without
// checking each one: the first failure is remembered and xw_finish() reports it.

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

// Where libxml2's complaints go: "name:line: message; name:line: message; ...".
struct xml_errlog {
	struct strbuf *out;
	const char *name; // file name to use when libxml2 gives none
	size_t count;     // messages seen (only the first XML_ERRLOG_KEEP are kept)
	bool refused;     // the reader refused the input (a DOCTYPE)
	struct strbuf generic; // unstructured output collected until the next message
};
enum { XML_ERRLOG_KEEP = 8 };

void xml_errlog_init(struct xml_errlog *log, struct strbuf *out, const char *name);
// Flushes pending generic text and notes how many messages were dropped.
void xml_errlog_finish(struct xml_errlog *log);
// Adds one message of our own, in the same format.
void xml_errlog_add(struct xml_errlog *log, long line, const char *fmt, ...) GPOC_PRINTF(3, 4);

struct xml_guard {
	xmlStructuredErrorFunc serror;
	void *sctx;
	xmlGenericErrorFunc gerror;
	void *gctx;
};
void xml_guard_enter(struct xml_guard *g, struct xml_errlog *log);
void xml_guard_leave(struct xml_guard *g);

// Parses a complete document with the restrictions described in xsd.h. Returns
// NULL after logging why (not well-formed, namespace error, DOCTYPE, too large).
xmlDocPtr xml_read(struct xml_errlog *log, const char *name, const char *buf, size_t len);

// Validates `doc` against schema_dir/xsd_name. Schema problems are logged as such.
bool xml_validate_doc(struct xml_errlog *log, const char *schema_dir, const char *xsd_name, xmlDocPtr doc);

// First child element of `n` with local name `name` (any namespace), or NULL.
xmlNodePtr xml_child(xmlNodePtr n, const char *name);
// Next sibling element after `n` with local name `name`, or NULL.
xmlNodePtr xml_next(xmlNodePtr n, const char *name);
bool xml_is(xmlNodePtr n, const char *name);
// The attribute's value (caller frees with xmlFree) or NULL.
char *xml_attr(xmlNodePtr n, const char *name);
// The text content (caller frees with xmlFree); never NULL for an element.
char *xml_text(xmlNodePtr n);

struct xw {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	const char *what; // the first call that failed, or NULL
};

void xw_begin(struct xw *x);
void xw_start(struct xw *x, const char *name);
void xw_attr(struct xw *x, const char *name, const char *value);
void xw_attrf(struct xw *x, const char *name, const char *fmt, ...) GPOC_PRINTF(3, 4);
void xw_text(struct xw *x, const char *text);
// A CDATA section, split around any "]]>" so that the text survives.
void xw_cdata(struct xw *x, const char *text);
void xw_end(struct xw *x);
// <name>text</name>
void xw_element(struct xw *x, const char *name, const char *text);
// <name><![CDATA[text]]></name>, or <name/> when text is NULL or empty.
void xw_element_cdata(struct xw *x, const char *name, const char *text);
// Ends the document and appends it to `out`. False (with a message in `err`) if
// any call failed. Always releases the writer.
bool xw_finish(struct xw *x, struct strbuf *out, struct strbuf *err);

#endif
