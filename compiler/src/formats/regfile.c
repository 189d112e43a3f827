// The .reg writer: "Windows Registry Editor Version 5.00" files, byte for byte as
// regedit exports them.
//
// Layout: BOM FF FE, UTF-16LE, CRLF after every line. The header line, then a blank
// line before each "[key]" or "[-key]" line, values as "name"=data below their key,
// and one blank line at the end, as regedit's own exports end.
//
// Data forms, chosen by type and content exactly as regedit exports:
//   REG_SZ holding one clean string   "text" with \ -> \\ and " -> \"
//   REG_DWORD of 4 bytes              dword:%08x (lowercase)
//   REG_BINARY                        hex:aa,bb,...
//   anything else                     hex(N):aa,... (N lowercase hex, no 0x)
// "Clean" means: NUL-terminated, no NUL before the end, no CR or LF (a line break
// would end the line; regedit has no escape for it), no unpaired surrogate. Other
// REG_SZ data goes out as hex(1).
//
// Hex wrapping (regedit's export rule): after a byte and its comma, once the line
// has reached 77 UTF-16 units, write "\" CRLF and two spaces. The count starts at
// the beginning of the line, so the escaped "name"=hex: prefix counts; continuation
// lines start at 2 and so carry 25 bytes.
//
// Refused, because regedit would not read them back identically: key paths with
// control characters, value names with CR or LF, empty key components,
// deleting a hive root, comments with CR or LF (the rest would be parsed as
// registry lines: data becoming code), and REG_SZ/REG_EXPAND_SZ/REG_MULTI_SZ data
// of odd size or without a final NUL (regedit appends a terminator on import).

#include "formats/regfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf.h"
#include "formats/registry.h"

void reg_doc_init(struct reg_doc *d)
{
	memset(d, 0, sizeof(*d));
	arena_init(&d->arena);
}

void reg_doc_release(struct reg_doc *d)
{
	free(d->ops);
	arena_release(&d->arena);
	reg_doc_init(d);
}

static struct reg_op *add_op(struct reg_doc *d, enum reg_op_kind kind, enum reg_hive hive, const char *key)
{
	GROW(d->ops, d->alloc, d->n + 1);
	struct reg_op *op = &d->ops[d->n++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->v.hive = hive;
	op->v.key = arena_strdup(&d->arena, key ? key : "");
	op->v.name = arena_strdup(&d->arena, "");
	return op;
}

void reg_doc_comment(struct reg_doc *d, const char *text)
{
	struct reg_op *op = add_op(d, REG_OP_COMMENT, HIVE_NONE, "");
	op->text = arena_strdup(&d->arena, text);
}

void reg_doc_key(struct reg_doc *d, enum reg_hive hive, const char *key)
{
	add_op(d, REG_OP_KEY, hive, key);
}

void reg_doc_delete_key(struct reg_doc *d, enum reg_hive hive, const char *key)
{
	add_op(d, REG_OP_DELETE_KEY, hive, key);
}

void reg_doc_set(struct reg_doc *d, const struct reg_value *v)
{
	struct reg_op *op = add_op(d, REG_OP_SET, v->hive, v->key);
	op->v.name = arena_strdup(&d->arena, v->name ? v->name : "");
	op->v.type = v->type;
	op->v.size = v->size;
	op->v.data = arena_memdup(&d->arena, v->data, v->size);
}

void reg_doc_delete_value(struct reg_doc *d, enum reg_hive hive, const char *key, const char *name)
{
	struct reg_op *op = add_op(d, REG_OP_DELETE_VALUE, hive, key);
	op->v.name = arena_strdup(&d->arena, name);
}

static bool streq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

bool reg_op_equal(const struct reg_op *a, const struct reg_op *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case REG_OP_COMMENT:
		return streq(a->text, b->text);
	case REG_OP_KEY:
	case REG_OP_DELETE_KEY:
		return a->v.hive == b->v.hive && streq(a->v.key, b->v.key);
	case REG_OP_DELETE_VALUE:
		return a->v.hive == b->v.hive && streq(a->v.key, b->v.key) && streq(a->v.name, b->v.name);
	case REG_OP_SET:
		return reg_value_equal(&a->v, &b->v);
	}
	return false;
}

bool reg_doc_equal(const struct reg_doc *a, const struct reg_doc *b, size_t *at)
{
	size_t n = a->n < b->n ? a->n : b->n;
	for (size_t i = 0; i < n; i++)
		if (!reg_op_equal(&a->ops[i], &b->ops[i])) {
			if (at)
				*at = i;
			return false;
		}
	if (a->n != b->n) {
		if (at)
			*at = n;
		return false;
	}
	return true;
}

// --- Writer ---

enum { HEX_WRAP_COLUMN = 77 };

static bool check_text_line(const char *what, const char *s, struct strbuf *why)
{
	size_t len = strlen(s), bad;
	if (!utf8_valid(s, len, &bad)) {
		strbuf_addf(why, "%s '%s' is not valid UTF-8 (byte %zu)", what, fmt_q(s), bad);
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r' || c == '\n') {
			strbuf_addf(why,
				    "%s '%s' contains a line break; in a .reg file it would start a new line "
				    "that regedit parses as registry data",
				    what, fmt_q(s));
			return false;
		}
	}
	return true;
}

static bool check_value_name(const char *name, struct strbuf *why)
{
	// Inside the quotes only a line break is a problem: regedit splits lines first.
	if (!check_text_line("value name", name, why))
		return false;
	if (utf16_units(name, strlen(name)) > REG_MAX_VALUE_NAME) {
		strbuf_addf(why, "value name '%s' is longer than %d characters", fmt_q(name), REG_MAX_VALUE_NAME);
		return false;
	}
	return true;
}

static bool is_string_type(uint32_t type)
{
	return type == REGT_SZ || type == REGT_EXPAND_SZ || type == REGT_MULTI_SZ;
}

// True if REG_SZ data can be written as "text": see the essay at the top.
static bool sz_is_clean(const uint8_t *d, size_t size)
{
	if (size < 2 || size % 2 || get_le16(d + size - 2) != 0)
		return false;
	size_t n = size / 2 - 1;
	for (size_t i = 0; i < n; i++) {
		uint16_t u = get_le16(d + 2 * i);
		if (u == 0 || u == '\r' || u == '\n')
			return false;
		if (u >= 0xD800 && u <= 0xDBFF) {
			if (i + 1 >= n)
				return false;
			uint16_t lo = get_le16(d + 2 * i + 2);
			if (lo < 0xDC00 || lo > 0xDFFF)
				return false;
			i++;
		} else if (u >= 0xDC00 && u <= 0xDFFF) {
			return false;
		}
	}
	return true;
}

// "name" with \ and " escaped, or @ for the default value.
static void write_name(struct u16_writer *w, const char *name)
{
	if (!*name) {
		u16w_ch(w, '@');
		return;
	}
	u16w_ch(w, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '\\' || *p == '"')
			u16w_ch(w, '\\');
		if ((unsigned char)*p < 0x80) {
			u16w_ch(w, *p);
		} else {
			const char *q = p + 1;
			while ((unsigned char)*q >= 0x80 && (*q & 0xC0) == 0x80)
				q++;
			u16w_add(w, p, (size_t)(q - p));
			p = q - 1;
		}
	}
	u16w_ch(w, '"');
}

static void write_hex(struct u16_writer *w, const uint8_t *d, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < size; i++) {
		u16w_ch(w, digits[d[i] >> 4]);
		u16w_ch(w, digits[d[i] & 15]);
		if (i + 1 == size)
			break;
		u16w_ch(w, ',');
		if (w->col >= HEX_WRAP_COLUMN) {
			u16w_ch(w, '\\');
			u16w_crlf(w);
			u16w_ch(w, ' ');
			u16w_ch(w, ' ');
		}
	}
}

static bool write_set(struct u16_writer *w, const struct reg_value *v, struct strbuf *why)
{
	if (!check_value_name(v->name, why))
		return false;
	if (is_string_type(v->type) && v->size && (v->size % 2 || get_le16(v->data + v->size - 2) != 0)) {
		strbuf_addf(why,
			    "%s data of value '%s' %s; regedit adds a terminator on import, so a .reg file "
			    "cannot hold it exactly",
			    reg_type_name(v->type), fmt_q(v->name),
			    v->size % 2 ? "has an odd byte count" : "does not end in a NUL terminator");
		return false;
	}
	write_name(w, v->name);
	u16w_ch(w, '=');
	if (v->type == REGT_SZ && sz_is_clean(v->data, v->size)) {
		u16w_ch(w, '"');
		size_t n = v->size / 2 - 1;
		for (size_t i = 0; i < n; i++) {
			uint16_t u = get_le16(v->data + 2 * i);
			if (u == '\\' || u == '"')
				u16w_ch(w, '\\');
			strbuf_add_le16(w->out, u);
			w->col++;
		}
		u16w_ch(w, '"');
	} else if (v->type == REGT_DWORD && v->size == 4) {
		char buf[16];
		snprintf(buf, sizeof(buf), "dword:%08x", (unsigned)get_le32(v->data));
		u16w_str(w, buf);
	} else {
		char buf[24];
		if (v->type == REGT_BINARY)
			snprintf(buf, sizeof(buf), "hex:");
		else
			snprintf(buf, sizeof(buf), "hex(%x):", (unsigned)v->type);
		u16w_str(w, buf);
		write_hex(w, v->data, v->size);
	}
	u16w_crlf(w);
	return true;
}

static bool write_key_line(struct u16_writer *w, const struct reg_op *op, struct strbuf *why)
{
	const char *hive = reg_hive_name(op->v.hive);
	if (!hive) {
		strbuf_addf(why, "key '%s' has no hive; a .reg file needs HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER, "
				 "HKEY_CLASSES_ROOT or HKEY_USERS",
			    fmt_q(op->v.key));
		return false;
	}
	bool del = op->kind == REG_OP_DELETE_KEY;
	if (!reg_key_check(op->v.key, !del, why)) {
		if (del && !*op->v.key)
			strbuf_addf(why, " (refusing to delete the hive %s)", hive);
		return false;
	}
	u16w_crlf(w);
	u16w_ch(w, '[');
	if (del)
		u16w_ch(w, '-');
	u16w_str(w, hive);
	if (*op->v.key) {
		u16w_ch(w, '\\');
		u16w_str(w, op->v.key);
	}
	u16w_ch(w, ']');
	u16w_crlf(w);
	return true;
}

bool regfile_write(const struct reg_doc *d, struct strbuf *out, struct fmt_error *err)
{
	struct strbuf buf = STRBUF_INIT, why = STRBUF_INIT;
	struct u16_writer w;
	const struct reg_op *cur = NULL; // the KEY op values go under
	bool ok = true;
	size_t i;

	u16w_begin(&w, &buf);
	u16w_str(&w, "Windows Registry Editor Version 5.00");
	u16w_crlf(&w);
	for (i = 0; ok && i < d->n; i++) {
		const struct reg_op *op = &d->ops[i];
		switch (op->kind) {
		case REG_OP_COMMENT:
			if ((ok = check_text_line("comment", op->text, &why))) {
				u16w_ch(&w, ';');
				if (*op->text) {
					u16w_ch(&w, ' ');
					u16w_str(&w, op->text);
				}
				u16w_crlf(&w);
			}
			break;
		case REG_OP_KEY:
		case REG_OP_DELETE_KEY:
			ok = write_key_line(&w, op, &why);
			cur = op->kind == REG_OP_KEY ? op : NULL;
			break;
		case REG_OP_SET:
		case REG_OP_DELETE_VALUE:
			if (!cur || cur->v.hive != op->v.hive || strcmp(cur->v.key, op->v.key)) {
				strbuf_addf(&why, "value '%s' of key '%s' does not follow that key's [key] line",
					    fmt_q(op->v.name), fmt_q(op->v.key));
				ok = false;
			} else if (op->kind == REG_OP_SET) {
				ok = write_set(&w, &op->v, &why);
			} else if ((ok = check_value_name(op->v.name, &why))) {
				write_name(&w, op->v.name);
				u16w_str(&w, "=-");
				u16w_crlf(&w);
			}
			break;
		}
	}
	if (ok) {
		u16w_crlf(&w);
		strbuf_addbuf(out, &buf);
	} else {
		fmt_error_set(err, (uint32_t)i, 0, 0, "%s", why.buf);
	}
	strbuf_release(&buf);
	strbuf_release(&why);
	return ok;
}
