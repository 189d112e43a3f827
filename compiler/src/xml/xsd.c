// Reading XML safely and validating it against the project's XSDs.
//
// Everything libxml2 reports goes into a struct xml_errlog (xmlio.h): a list of
// "name:line: message" entries in the caller's strbuf. libxml2 offers two ways to be
// told about errors, structured (an xmlError with file and line) and generic
// (printf-style fragments, used by a few corners such as the regular-expression
// compiler); both are captured for the duration of a guard and restored after it.
// The handlers are per-thread variables in libxml2, so a guard on one thread leaves
// every other thread's handlers alone.
//
// The reader refuses a DOCTYPE outright from the SAX callback that announces it,
// before any entity declaration is read. No gpoc format has one, and without a DTD
// there is nothing to expand (billion laughs) or to fetch (external entities).
// XML_PARSE_NONET forbids network access on top of that, and no option that loads
// or substitutes anything (NOENT, DTDLOAD, DTDATTR, XINCLUDE) is ever set.
//
// Messages from libxml2 name elements as "{namespace}name"; the namespace is cut
// out ("'policy'") because every gpoc schema has a single namespace and the long
// form buries the point.

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/file.h"
#include "core/utf.h"
#include "xml/xmlio.h"
#include "xml/xsd.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

// xmlInitParser() is not safe to race on its first call.
static void init_libxml2(void)
{
	xmlInitParser();
}

void xml_errlog_init(struct xml_errlog *log, struct strbuf *out, const char *name)
{
	log->out = out;
	log->name = name;
	log->count = 0;
	log->refused = false;
	strbuf_init(&log->generic, 0);
}

// Appends `msg` as one entry: namespaces cut, line breaks folded, trailing space
// trimmed, and cut short after XML_ERRLOG_MSG_MAX bytes -- messages quote values from
// the document, which can be megabytes long.
enum { XML_ERRLOG_MSG_MAX = 400 };
static void add_entry(struct xml_errlog *log, const char *name, long line, const char *msg)
{
	log->count++;
	if (log->count > XML_ERRLOG_KEEP)
		return;
	struct strbuf *out = log->out;
	if (log->count > 1)
		strbuf_addstr(out, "; ");
	if (name && line > 0)
		strbuf_addf(out, "%s:%ld: ", name, line);
	else if (name)
		strbuf_addf(out, "%s: ", name);
	// Namespaces out first (once memchr finds no '}', none is left to find, so
	// this stays linear), then the length cap on what remains.
	struct strbuf clean = STRBUF_INIT;
	size_t n = strlen(msg);
	bool no_close = false;
	for (size_t i = 0; i < n; i++) {
		if (msg[i] == '{' && !no_close && !strncmp(msg + i + 1, "http", 4)) {
			const char *close = memchr(msg + i, '}', n - i);
			if (close) {
				i = (size_t)(close - msg);
				continue;
			}
			no_close = true;
		}
		strbuf_addch(&clean, (msg[i] == '\n' || msg[i] == '\r') ? ' ' : msg[i]);
	}
	bool cut = clean.len > XML_ERRLOG_MSG_MAX;
	if (cut) {
		size_t k = XML_ERRLOG_MSG_MAX;
		while (k && ((unsigned char)clean.buf[k] & 0xC0) == 0x80)
			k--; // not inside a UTF-8 sequence
		strbuf_setlen(&clean, k);
	}
	while (clean.len && (clean.buf[clean.len - 1] == ' ' || clean.buf[clean.len - 1] == '.'))
		strbuf_setlen(&clean, clean.len - 1);
	strbuf_addbuf(out, &clean);
	if (cut)
		strbuf_addstr(out, "...");
	strbuf_release(&clean);
}

static void flush_generic(struct xml_errlog *log)
{
	if (!log->generic.len)
		return;
	add_entry(log, log->name, 0, log->generic.buf);
	strbuf_reset(&log->generic);
}

void xml_errlog_add(struct xml_errlog *log, long line, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	flush_generic(log);
	add_entry(log, log->name, line, msg.buf);
	strbuf_release(&msg);
}

void xml_errlog_finish(struct xml_errlog *log)
{
	flush_generic(log);
	if (log->count > XML_ERRLOG_KEEP)
		strbuf_addf(log->out, "; and %zu more", log->count - XML_ERRLOG_KEEP);
	strbuf_release(&log->generic);
}

// Warnings do not make a document invalid; only errors are reported.
static void on_structured(void *ctx, xmlErrorPtr e)
{
	struct xml_errlog *log = ctx;
	if (!e || e->level < XML_ERR_ERROR)
		return;
	flush_generic(log);
	add_entry(log, e->file ? e->file : log->name, e->line, e->message ? e->message : "unknown error");
}

static void on_generic(void *ctx, const char *fmt, ...) GPOC_PRINTF(2, 3);
static void on_generic(void *ctx, const char *fmt, ...)
{
	struct xml_errlog *log = ctx;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&log->generic, fmt, ap);
	va_end(ap);
}

void xml_guard_enter(struct xml_guard *g, struct xml_errlog *log)
{
	pthread_once(&init_once, init_libxml2);
	g->serror = xmlStructuredError;
	g->sctx = xmlStructuredErrorContext;
	g->gerror = xmlGenericError;
	g->gctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(log, on_structured);
	xmlSetGenericErrorFunc(log, on_generic);
}

void xml_guard_leave(struct xml_guard *g)
{
	xmlSetStructuredErrorFunc(g->sctx, g->serror);
	xmlSetGenericErrorFunc(g->gctx, g->gerror);
}

// SAX: "<!DOCTYPE" has been read. The guard's log is this thread's structured
// error context (xml_read is only called inside a guard).
static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
			   const xmlChar *system_id)
{
	(void)name;
	(void)external_id;
	(void)system_id;
	xmlParserCtxtPtr ctxt = ctx;
	struct xml_errlog *log = xmlStructuredErrorContext;
	log->refused = true;
	xml_errlog_add(log, ctxt->input ? ctxt->input->line : 0,
		       "a DOCTYPE is not allowed (gpoc reads XML without DTDs or entities)");
	xmlStopParser(ctxt);
}

xmlDocPtr xml_read(struct xml_errlog *log, const char *name, const char *buf, size_t len)
{
	if (xmlStructuredError != on_structured || xmlStructuredErrorContext != log)
		BUG("xml_read outside a guard for its log");
	const char *saved = log->name;
	log->name = name;
	xmlDocPtr doc = NULL;
	if (len > XML_INPUT_MAX) {
		xml_errlog_add(log, 0, "%zu bytes is more than the %d bytes gpoc reads as XML", len,
			       (int)XML_INPUT_MAX);
		goto out;
	}
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		xml_errlog_add(log, 0, "libxml2 could not allocate a parser");
		goto out;
	}
	ctxt->sax->internalSubset = refuse_doctype;
	size_t before = log->count;
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, name, NULL, XML_PARSE_NONET);
	// A namespace error (an undeclared prefix) leaves the document "well-formed"
	// for libxml2 but is an error for gpoc; so is a document cut short by the
	// DOCTYPE refusal.
	bool ok = doc && ctxt->wellFormed && ctxt->nsWellFormed && !log->refused &&
		  xmlDocGetRootElement(doc);
	if (!ok && log->count == before)
		xml_errlog_add(log, 0, "not a well-formed XML document");
	xmlFreeParserCtxt(ctxt);
	if (!ok && doc) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
out:
	log->name = saved;
	return doc;
}

bool xml_validate_doc(struct xml_errlog *log, const char *schema_dir, const char *xsd_name, xmlDocPtr doc)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT, ioerr = STRBUF_INIT;
	xmlDocPtr sdoc = NULL;
	xmlSchemaParserCtxtPtr pctxt = NULL;
	xmlSchemaPtr schema = NULL;
	xmlSchemaValidCtxtPtr vctxt = NULL;
	bool ok = false;

	strbuf_addf(&path, "%s/%s", schema_dir, xsd_name);
	if (!read_file(path.buf, &text, &ioerr)) {
		xml_errlog_add(log, 0, "%s", ioerr.buf);
		goto out;
	}
	sdoc = xml_read(log, path.buf, text.buf, text.len);
	if (!sdoc)
		goto out;
	pctxt = xmlSchemaNewDocParserCtxt(sdoc);
	if (!pctxt) {
		xml_errlog_add(log, 0, "libxml2 could not allocate a schema parser");
		goto out;
	}
	xmlSchemaSetParserStructuredErrors(pctxt, on_structured, log);
	size_t before = log->count;
	schema = xmlSchemaParse(pctxt);
	if (!schema) {
		if (log->count == before)
			xml_errlog_add(log, 0, "schema '%s' cannot be compiled", path.buf);
		goto out;
	}
	vctxt = xmlSchemaNewValidCtxt(schema);
	if (!vctxt) {
		xml_errlog_add(log, 0, "libxml2 could not allocate a schema validator");
		goto out;
	}
	xmlSchemaSetValidStructuredErrors(vctxt, on_structured, log);
	before = log->count;
	int rc = xmlSchemaValidateDoc(vctxt, doc);
	if (rc < 0)
		xml_errlog_add(log, 0, "libxml2 could not validate against '%s' (internal error %d)", path.buf, rc);
	else if (rc > 0 && log->count == before)
		xml_errlog_add(log, 0, "not valid against '%s'", path.buf);
	ok = rc == 0;
out:
	if (vctxt)
		xmlSchemaFreeValidCtxt(vctxt);
	if (schema)
		xmlSchemaFree(schema);
	if (pctxt)
		xmlSchemaFreeParserCtxt(pctxt);
	if (sdoc)
		xmlFreeDoc(sdoc);
	strbuf_release(&path);
	strbuf_release(&text);
	strbuf_release(&ioerr);
	return ok;
}

bool xsd_validate(const char *schema_dir, const char *xsd_name, const char *doc_name, const char *buf,
		  size_t len, struct strbuf *err)
{
	struct xml_errlog log;
	struct xml_guard g;
	xml_errlog_init(&log, err, doc_name);
	xml_guard_enter(&g, &log);
	bool ok = false;
	xmlDocPtr doc = xml_read(&log, doc_name, buf, len);
	if (doc) {
		ok = xml_validate_doc(&log, schema_dir, xsd_name, doc);
		xmlFreeDoc(doc);
	}
	xml_guard_leave(&g);
	xml_errlog_finish(&log);
	return ok;
}

bool xml_text_check(const char *what, const char *s, enum xml_text_kind kind, struct strbuf *err)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode((const uint8_t *)s + i, len - i, &cp);
		if (n < 0) {
			strbuf_addf(err, "%s is not valid UTF-8 (byte %zu)", what, i);
			return false;
		}
		bool line_break = cp == '\n' || cp == '\r';
		if (line_break && kind == XML_TEXT_LINE) {
			strbuf_addf(err, "%s contains a line break (U+%04X); it must be a single line", what,
				    (unsigned)cp);
			return false;
		} else if (cp < 0x20 && cp != '\t' && !line_break) {
			strbuf_addf(err, "%s contains control character U+%04X, which XML 1.0 cannot carry",
				    what, (unsigned)cp);
			return false;
		} else if (kind == XML_TEXT_LINE && (cp == '\t' || (cp >= 0x7F && cp <= 0x9F))) {
			strbuf_addf(err, "%s contains control character U+%04X; names and titles must be plain text",
				    what, (unsigned)cp);
			return false;
		} else if (cp == 0xFFFE || cp == 0xFFFF) {
			strbuf_addf(err, "%s contains U+%04X, which is not an XML character", what, (unsigned)cp);
			return false;
		}
		i += (size_t)n;
	}
	return true;
}

xmlNodePtr xml_child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (xml_is(c, name))
			return c;
	return NULL;
}

xmlNodePtr xml_next(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->next : NULL; c; c = c->next)
		if (xml_is(c, name))
			return c;
	return NULL;
}

bool xml_is(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

char *xml_attr(xmlNodePtr n, const char *name)
{
	// Unqualified attributes (ADMX) have no namespace; the backup's bkp:
	// attributes are matched by local name, like elements.
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (!strcmp((const char *)a->name, name))
			return (char *)xmlNodeGetContent((xmlNodePtr)a);
	return NULL;
}

char *xml_text(xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	return t ? (char *)t : (char *)xmlStrdup((const xmlChar *)"");
}
