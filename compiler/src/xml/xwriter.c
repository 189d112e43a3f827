// A thin layer over xmlTextWriter (xmlio.h, struct xw).
//
// The writers in this module emit a document as a straight run of start/attribute/
// text/end calls. Checking each libxml2 return value inline would bury that shape,
// so each wrapper does nothing once a call has failed and remembers the first
// failure; xw_finish() turns it into an error. libxml2 escapes text and attribute
// values itself ("<", "&", quotes, and CR/LF/TAB in attributes as character
// references); callers make sure the text is XML-legal first (xml_text_check).
//
// Output format, fixed for determinism: UTF-8 with an XML declaration, two-space
// indentation, LF line ends, attributes in the order the writer emits them.

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xml/xmlio.h"

// libxml2 takes const xmlChar * (unsigned char); BAD_CAST would drop the const.
static inline const xmlChar *XC(const char *s)
{
	return (const xmlChar *)s;
}

#define XW_DO(x, call, name)                  \
	do {                                  \
		if ((x)->what)                \
			return;               \
		if ((call) < 0)               \
			(x)->what = (name);   \
	} while (0)

void xw_begin(struct xw *x)
{
	x->what = NULL;
	x->w = NULL;
	x->buf = xmlBufferCreate();
	if (x->buf)
		x->w = xmlNewTextWriterMemory(x->buf, 0);
	if (!x->w) {
		x->what = "xmlNewTextWriterMemory";
		return;
	}
	XW_DO(x, xmlTextWriterSetIndent(x->w, 1), "xmlTextWriterSetIndent");
	XW_DO(x, xmlTextWriterSetIndentString(x->w, XC("  ")), "xmlTextWriterSetIndentString");
	XW_DO(x, xmlTextWriterStartDocument(x->w, "1.0", "utf-8", NULL), "xmlTextWriterStartDocument");
}

void xw_start(struct xw *x, const char *name)
{
	XW_DO(x, xmlTextWriterStartElement(x->w, XC(name)), "xmlTextWriterStartElement");
}

void xw_attr(struct xw *x, const char *name, const char *value)
{
	XW_DO(x, xmlTextWriterWriteAttribute(x->w, XC(name), XC(value)), "xmlTextWriterWriteAttribute");
}

void xw_attrf(struct xw *x, const char *name, const char *fmt, ...)
{
	struct strbuf v = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&v, fmt, ap);
	va_end(ap);
	xw_attr(x, name, v.buf);
	strbuf_release(&v);
}

void xw_text(struct xw *x, const char *text)
{
	XW_DO(x, xmlTextWriterWriteString(x->w, XC(text)), "xmlTextWriterWriteString");
}

// "a]]>b" is written as <![CDATA[a]]]]><![CDATA[>b]]>: the first section ends
// after "]]", the next starts with ">", and no section contains the terminator.
void xw_cdata(struct xw *x, const char *text)
{
	const char *p = text;
	for (;;) {
		const char *q = strstr(p, "]]>");
		size_t n = q ? (size_t)(q - p) + 2 : strlen(p);
		char *part = xstrndup(p, n);
		if (!x->what && xmlTextWriterWriteCDATA(x->w, XC(part)) < 0)
			x->what = "xmlTextWriterWriteCDATA";
		free(part);
		if (!q)
			break;
		p = q + 2;
	}
}

void xw_end(struct xw *x)
{
	XW_DO(x, xmlTextWriterEndElement(x->w), "xmlTextWriterEndElement");
}

void xw_element(struct xw *x, const char *name, const char *text)
{
	xw_start(x, name);
	xw_text(x, text);
	xw_end(x);
}

void xw_element_cdata(struct xw *x, const char *name, const char *text)
{
	xw_start(x, name);
	if (text && *text)
		xw_cdata(x, text);
	xw_end(x);
}

bool xw_finish(struct xw *x, struct strbuf *out, struct strbuf *err)
{
	if (!x->what && xmlTextWriterEndDocument(x->w) < 0)
		x->what = "xmlTextWriterEndDocument";
	if (x->w)
		xmlFreeTextWriter(x->w); // flushes into x->buf
	bool ok = !x->what && x->buf;
	if (ok)
		strbuf_add(out, xmlBufferContent(x->buf), (size_t)xmlBufferLength(x->buf));
	else
		strbuf_addf(err, "internal error: libxml2 failed in %s", x->what ? x->what : "xmlBufferCreate");
	if (x->buf)
		xmlBufferFree(x->buf);
	x->w = NULL;
	x->buf = NULL;
	return ok;
}
