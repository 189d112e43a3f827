// Readable and JSON listings of .reg, Registry.pol and GptTmpl.inf files (and of
// standalone descriptors) for `gpoc decode`.
//
// Every listing comes from the independent readers of this module, so what is
// shown is what the file says, not what gpoc meant to write. Text output quotes
// every name and string and escapes control characters (\r, \n, \t, \xNN), so a
// hostile file cannot forge listing lines or drive a terminal. The JSON form
// (docs/formats.md, "decode --json") has the same entries as objects; numbers that
// may not fit a double (QWORDs) are strings.

#include "formats/describe.h"

#include <string.h>

#include "core/utf.h"
#include "formats/inf.h"
#include "formats/pol.h"
#include "formats/registry.h"
#include "formats/regfile.h"

struct dout {
	const struct describe_options *o;
	struct sid_context sids;
	struct strbuf *sb;
	bool json;
	size_t entries; // JSON: entries written (for commas)
};

void json_add_string(struct strbuf *out, const char *s, size_t len)
{
	strbuf_addch(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			strbuf_addch(out, '\\');
			strbuf_addch(out, c);
		} else if (c == '\n') {
			strbuf_addstr(out, "\\n");
		} else if (c == '\r') {
			strbuf_addstr(out, "\\r");
		} else if (c == '\t') {
			strbuf_addstr(out, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_addf(out, "\\u%04x", c);
		} else {
			strbuf_addch(out, c);
		}
	}
	strbuf_addch(out, '"');
}

static void jstr(struct strbuf *out, const char *s)
{
	json_add_string(out, s, strlen(s));
}

// "name": "value" member with a leading comma.
static void jmember(struct strbuf *out, const char *name, const char *value)
{
	strbuf_addf(out, ",\"%s\":", name);
	if (value)
		jstr(out, value);
	else
		strbuf_addstr(out, "null");
}

// Text for a listing line: "..." with \ " and control characters escaped.
static void quote_text(struct strbuf *out, const char *s, size_t len)
{
	strbuf_addch(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			strbuf_addch(out, '\\');
			strbuf_addch(out, c);
		} else if (c == '\n') {
			strbuf_addstr(out, "\\n");
		} else if (c == '\r') {
			strbuf_addstr(out, "\\r");
		} else if (c == '\t') {
			strbuf_addstr(out, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_addf(out, "\\x%02x", c);
		} else {
			strbuf_addch(out, c);
		}
	}
	strbuf_addch(out, '"');
}

static void qtext(struct strbuf *out, const char *s)
{
	quote_text(out, s, strlen(s));
}

// Opens a JSON entry object {"kind":"..."; closes with end_entry.
static void begin_entry(struct dout *d, const char *kind)
{
	if (!d->json)
		return;
	strbuf_addstr(d->sb, d->entries++ ? ",\n{\"kind\":" : "\n{\"kind\":");
	jstr(d->sb, kind);
}

static void end_entry(struct dout *d)
{
	if (d->json)
		strbuf_addch(d->sb, '}');
}

// --- Values ---

static enum rights_vocab vocab_for(const char *name)
{
	if (!ascii_strcasecmp(name, "MachineLaunchRestriction") || !ascii_strcasecmp(name, "LaunchPermission"))
		return VOCAB_COM_LAUNCH;
	if (!ascii_strcasecmp(name, "MachineAccessRestriction") || !ascii_strcasecmp(name, "AccessPermission"))
		return VOCAB_COM_ACCESS;
	return VOCAB_GENERIC;
}

// A REG_MULTI_SZ split into strings (NUL-separated in `out`), or false if the
// data is not a clean list: s1 NUL ... sn NUL NUL, or the empty list (NUL or NUL NUL).
static bool multi_strings(const uint8_t *data, size_t size, struct strbuf *out, size_t *count)
{
	*count = 0;
	if (size % 2 || size < 2 || get_le16(data + size - 2) != 0)
		return false;
	size_t units = size / 2, start = 0;
	for (size_t i = 0; i < units; i++) {
		if (get_le16(data + 2 * i) != 0)
			continue;
		if (i == start) // the empty string ends the list
			return i + 1 == units || (i + 2 == units && !*count);
		if (!utf16le_to_utf8(out, data + 2 * start, 2 * (i - start)))
			return false;
		strbuf_addch(out, 0);
		(*count)++;
		start = i + 1;
	}
	return false; // no final empty string: not a clean list (shown as bytes)
}

// The descriptor a value holds, if any: SDDL text in a string, or binary.
struct sdview {
	bool is_sd;
	struct strbuf sddl, explain, error;
};

static void sdview_release(struct sdview *v)
{
	strbuf_release(&v->sddl);
	strbuf_release(&v->explain);
	strbuf_release(&v->error);
}

static bool looks_like_sddl(const char *s)
{
	while (*s == ' ')
		s++;
	return (s[0] == 'O' || s[0] == 'G' || s[0] == 'D' || s[0] == 'S') && s[1] == ':';
}

static void sd_from_value(struct dout *d, const struct reg_value *v, const char *string, struct sdview *out)
{
	strbuf_init(&out->sddl, 0);
	strbuf_init(&out->explain, 0);
	strbuf_init(&out->error, 0);
	out->is_sd = false;
	struct secdesc sd;
	if (v->type == REGT_BINARY) {
		struct strbuf err = STRBUF_INIT;
		if (secdesc_decode(v->data, v->size, &sd, &err))
			out->is_sd = true;
		strbuf_release(&err);
	} else if (string && looks_like_sddl(string)) {
		struct sddl_error err;
		out->is_sd = true;
		if (!sddl_parse(string, strlen(string), &d->sids, &sd, &err)) {
			strbuf_addf(&out->error, "not valid SDDL at offset %zu: %s", err.offset, err.message);
			return;
		}
	}
	if (!out->is_sd)
		return;
	sddl_print(&sd, &d->sids, SDDL_PRINT_DEFAULT, &out->sddl);
	secdesc_explain(&sd, &d->sids, vocab_for(v->name), &out->explain);
	secdesc_release(&sd);
}

// Lines of `text` (each ending in '\n') as a JSON array or indented text lines.
static void add_lines(struct dout *d, const struct strbuf *text, const char *indent)
{
	const char *p = text->buf, *end = text->buf + text->len;
	bool first = true;
	if (d->json)
		strbuf_addch(d->sb, '[');
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (d->json) {
			if (!first)
				strbuf_addch(d->sb, ',');
			json_add_string(d->sb, p, n);
		} else {
			strbuf_addstr(d->sb, indent);
			strbuf_add(d->sb, p, n);
			strbuf_addch(d->sb, '\n');
		}
		first = false;
		p += n + (nl ? 1 : 0);
	}
	if (d->json)
		strbuf_addch(d->sb, ']');
}

// The value's type and data: JSON members, or the rest of a text line plus any
// indented detail lines (descriptor, anomalies).
static void describe_value(struct dout *d, const struct reg_value *v, const struct strbuf *anomalies)
{
	struct strbuf *sb = d->sb;
	const char *tname = reg_type_name(v->type);
	struct strbuf str = STRBUF_INIT, multi = STRBUF_INIT;
	bool is_str = (v->type == REGT_SZ || v->type == REGT_EXPAND_SZ) && reg_data_as_string(v->data, v->size, &str);
	size_t nmulti = 0;
	bool is_multi = v->type == REGT_MULTI_SZ && multi_strings(v->data, v->size, &multi, &nmulti);
	bool is_dword = (v->type == REGT_DWORD || v->type == REGT_DWORD_BIG_ENDIAN) && v->size == 4;
	bool is_qword = v->type == REGT_QWORD && v->size == 8;
	uint32_t dw = 0;
	uint64_t qw = 0;
	if (is_dword)
		dw = v->type == REGT_DWORD ? get_le32(v->data)
					   : (uint32_t)v->data[0] << 24 | (uint32_t)v->data[1] << 16 |
						     (uint32_t)v->data[2] << 8 | v->data[3];
	if (is_qword)
		qw = (uint64_t)get_le32(v->data) | (uint64_t)get_le32(v->data + 4) << 32;
	struct sdview sdv;
	sd_from_value(d, v, is_str ? str.buf : NULL, &sdv);

	if (d->json) {
		jmember(sb, "type", tname);
		strbuf_addf(sb, ",\"type_code\":%u,\"size\":%zu,\"hex\":\"", (unsigned)v->type, v->size);
		strbuf_add_hex(sb, v->data, v->size);
		strbuf_addch(sb, '"');
		if (is_str) {
			strbuf_addstr(sb, ",\"string\":");
			json_add_string(sb, str.buf, str.len);
		} else if (is_multi) {
			strbuf_addstr(sb, ",\"strings\":[");
			const char *p = multi.buf;
			for (size_t i = 0; i < nmulti; i++) {
				if (i)
					strbuf_addch(sb, ',');
				jstr(sb, p);
				p += strlen(p) + 1;
			}
			strbuf_addch(sb, ']');
		} else if (is_dword) {
			strbuf_addf(sb, ",\"number\":%u", (unsigned)dw);
		} else if (is_qword) {
			strbuf_addf(sb, ",\"number_text\":\"%llu\"", (unsigned long long)qw);
		}
		if (sdv.is_sd && !sdv.error.len) {
			jmember(sb, "sddl", sdv.sddl.buf);
			strbuf_addstr(sb, ",\"explain\":");
			add_lines(d, &sdv.explain, "");
		} else if (sdv.error.len) {
			jmember(sb, "sddl_error", sdv.error.buf);
		}
		if (anomalies && anomalies->len) {
			strbuf_addstr(sb, ",\"anomalies\":");
			add_lines(d, anomalies, "");
		}
	} else {
		if (tname)
			strbuf_addstr(sb, tname);
		else
			strbuf_addf(sb, "type 0x%x", (unsigned)v->type);
		if (is_str) {
			strbuf_addch(sb, ' ');
			quote_text(sb, str.buf, str.len);
		} else if (is_multi) {
			const char *p = multi.buf;
			if (!nmulti)
				strbuf_addstr(sb, " (empty list)");
			for (size_t i = 0; i < nmulti; i++) {
				strbuf_addstr(sb, i ? ", " : " ");
				qtext(sb, p);
				p += strlen(p) + 1;
			}
		} else if (is_dword) {
			strbuf_addf(sb, " 0x%08x (%u)", (unsigned)dw, (unsigned)dw);
		} else if (is_qword) {
			strbuf_addf(sb, " 0x%016llx (%llu)", (unsigned long long)qw, (unsigned long long)qw);
		} else if (!v->size) {
			strbuf_addstr(sb, " (no data)");
		} else {
			strbuf_addf(sb, " %zu bytes", v->size);
			if (sdv.is_sd) {
				strbuf_addstr(sb, ", a security descriptor");
			} else {
				strbuf_addch(sb, ':');
				size_t show = v->size > 64 ? 64 : v->size;
				for (size_t i = 0; i < show; i++)
					strbuf_addf(sb, " %02x", v->data[i]);
				if (show < v->size)
					strbuf_addf(sb, " ... (%zu more)", v->size - show);
			}
		}
		strbuf_addch(sb, '\n');
		if (sdv.is_sd && !sdv.error.len) {
			strbuf_addf(sb, "      SDDL: %s\n", sdv.sddl.buf);
			add_lines(d, &sdv.explain, "      ");
		} else if (sdv.error.len) {
			strbuf_addf(sb, "      ! %s\n", sdv.error.buf);
		}
		if (anomalies)
			add_lines(d, anomalies, "      ! ");
	}
	sdview_release(&sdv);
	strbuf_release(&str);
	strbuf_release(&multi);
}

static void text_name(struct strbuf *sb, const char *name)
{
	if (*name)
		qtext(sb, name);
	else
		strbuf_addch(sb, '@');
}

// --- .reg ---

static void hive_key_text(struct strbuf *sb, enum reg_hive hive, const char *key)
{
	strbuf_addstr(sb, reg_hive_name(hive));
	if (*key) {
		strbuf_addch(sb, '\\');
		strbuf_addstr(sb, key);
	}
}

static void reg_body(struct dout *d, const struct reg_doc *doc)
{
	struct strbuf *sb = d->sb;
	for (size_t i = 0; i < doc->n; i++) {
		const struct reg_op *op = &doc->ops[i];
		static const char *const kinds[] = { "comment", "key", "delete-key", "set", "delete-value" };
		begin_entry(d, kinds[op->kind]);
		if (d->json) {
			strbuf_addf(sb, ",\"line\":%u", op->line);
			if (op->kind == REG_OP_COMMENT) {
				jmember(sb, "text", op->text);
			} else {
				jmember(sb, "hive", reg_hive_name(op->v.hive));
				jmember(sb, "key", op->v.key);
				if (op->kind == REG_OP_SET || op->kind == REG_OP_DELETE_VALUE)
					jmember(sb, "name", op->v.name);
				if (op->kind == REG_OP_SET)
					describe_value(d, &op->v, NULL);
			}
			end_entry(d);
			continue;
		}
		switch (op->kind) {
		case REG_OP_COMMENT:
			strbuf_addstr(sb, "; ");
			qtext(sb, op->text);
			strbuf_addch(sb, '\n');
			break;
		case REG_OP_KEY:
		case REG_OP_DELETE_KEY: {
			struct strbuf k = STRBUF_INIT;
			hive_key_text(&k, op->v.hive, op->v.key);
			strbuf_addstr(sb, op->kind == REG_OP_KEY ? "key " : "delete key ");
			qtext(sb, k.buf);
			strbuf_addch(sb, '\n');
			strbuf_release(&k);
			break;
		}
		case REG_OP_SET:
			strbuf_addstr(sb, "  ");
			text_name(sb, op->v.name);
			strbuf_addstr(sb, " = ");
			describe_value(d, &op->v, NULL);
			break;
		case REG_OP_DELETE_VALUE:
			strbuf_addstr(sb, "  delete value ");
			text_name(sb, op->v.name);
			strbuf_addch(sb, '\n');
			break;
		}
	}
}

static void doc_open(struct dout *d, const char *format, const char *version, bool utf16, size_t count,
		     const char *what)
{
	if (d->json) {
		strbuf_addstr(d->sb, "{\"format\":");
		jstr(d->sb, format);
		jmember(d->sb, "version", version);
		jmember(d->sb, "encoding", utf16 ? "utf-16le" : "utf-8");
		strbuf_addstr(d->sb, ",\"entries\":[");
	} else {
		strbuf_addf(d->sb, "%s, %s, %s, %zu %s\n", !strcmp(format, "inf") ? "INF file" : ".reg file", version,
			    utf16 ? "UTF-16LE" : "UTF-8", count, what);
	}
}

static void doc_close(struct dout *d)
{
	if (d->json)
		strbuf_addstr(d->sb, "\n]}\n");
}

static void dout_init(struct dout *d, const struct describe_options *o, struct strbuf *sb)
{
	memset(d, 0, sizeof(*d));
	d->o = o;
	d->sb = sb;
	d->json = o->json;
	if (o->sids)
		d->sids = *o->sids;
}

bool describe_reg(const uint8_t *p, size_t len, const struct describe_options *o, struct strbuf *out,
		  struct fmt_error *err)
{
	struct reg_doc doc;
	if (!regfile_read(p, len, &doc, err)) {
		reg_doc_release(&doc);
		return false;
	}
	struct strbuf sb = STRBUF_INIT;
	struct dout d;
	dout_init(&d, o, &sb);
	doc_open(&d, "reg", doc.version == REG_V5 ? "Windows Registry Editor Version 5.00" : "REGEDIT4", doc.utf16,
		 doc.n, "operations");
	reg_body(&d, &doc);
	doc_close(&d);
	strbuf_addbuf(out, &sb);
	strbuf_release(&sb);
	reg_doc_release(&doc);
	return true;
}

// --- Registry.pol ---

// Writes `s` split at ';' as a list (the data of **DeleteValues / **DeleteKeys).
static void semicolon_list(struct dout *d, const char *s)
{
	bool first = true;
	if (d->json)
		strbuf_addstr(d->sb, ",\"names\":[");
	while (*s) {
		const char *e = strchr(s, ';');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n) {
			if (d->json) {
				if (!first)
					strbuf_addch(d->sb, ',');
				json_add_string(d->sb, s, n);
			} else {
				strbuf_addstr(d->sb, first ? " " : ", ");
				quote_text(d->sb, s, n);
			}
			first = false;
		}
		s += n + (e ? 1 : 0);
	}
	if (d->json)
		strbuf_addch(d->sb, ']');
}

static void pol_entry(struct dout *d, const struct pol_entry *e)
{
	struct strbuf *sb = d->sb;
	const struct reg_value *v = &e->v;
	const char *target;
	enum pol_action act = pol_classify(v->name, &target);
	static const char *const kinds[] = { "set", "delete-value", "delete-all-values", "delete-values",
					     "delete-keys", "secure-key", "soft-set" };
	struct strbuf an = STRBUF_INIT, data = STRBUF_INIT;
	pol_anomalies(v, &an);
	bool text_data = reg_data_as_string(v->data, v->size, &data);
	begin_entry(d, kinds[act]);
	if (d->json) {
		strbuf_addf(sb, ",\"offset\":%zu", e->offset);
		jmember(sb, "key", v->key);
		jmember(sb, "name", v->name);
		if (act == POL_DELETE_VALUE || act == POL_SOFT_SET)
			jmember(sb, "target", target);
		if ((act == POL_DELETE_VALUES || act == POL_DELETE_KEYS) && text_data)
			semicolon_list(d, data.buf);
		if (act == POL_SECURE_KEY)
			strbuf_addf(sb, ",\"secure\":%s",
				    v->type == REGT_DWORD && v->size == 4 && get_le32(v->data) ? "true" : "false");
		describe_value(d, v, &an);
		end_entry(d);
	} else {
		strbuf_addstr(sb, "  ");
		switch (act) {
		case POL_SET:
			text_name(sb, v->name);
			strbuf_addstr(sb, " = ");
			break;
		case POL_SOFT_SET:
			strbuf_addstr(sb, "set if absent ");
			text_name(sb, target);
			strbuf_addstr(sb, " = ");
			break;
		case POL_DELETE_VALUE:
			strbuf_addstr(sb, "delete value ");
			text_name(sb, target);
			break;
		case POL_DELETE_ALL_VALUES:
			strbuf_addstr(sb, "delete all values");
			break;
		case POL_DELETE_VALUES:
		case POL_DELETE_KEYS:
			strbuf_addstr(sb, act == POL_DELETE_VALUES ? "delete values" : "delete subkeys");
			if (text_data)
				semicolon_list(d, data.buf);
			break;
		case POL_SECURE_KEY:
			strbuf_addf(sb, "secure the key's ACL: %s",
				    v->type == REGT_DWORD && v->size == 4 && get_le32(v->data) ? "yes" : "no");
			break;
		}
		if (act == POL_SET || act == POL_SOFT_SET) {
			describe_value(d, v, &an);
		} else {
			strbuf_addstr(sb, " (");
			qtext(sb, v->name);
			strbuf_addstr(sb, ")\n");
			add_lines(d, &an, "      ! ");
		}
	}
	strbuf_release(&an);
	strbuf_release(&data);
}

bool describe_pol(const uint8_t *p, size_t len, const struct describe_options *o, struct strbuf *out,
		  struct fmt_error *err)
{
	struct pol_doc doc;
	if (!pol_read(p, len, &doc, err)) {
		pol_doc_release(&doc);
		return false;
	}
	struct strbuf sb = STRBUF_INIT;
	struct dout d;
	dout_init(&d, o, &sb);
	if (d.json) {
		strbuf_addstr(&sb, "{\"format\":\"pol\",\"version\":1,\"entries\":[");
	} else {
		strbuf_addf(&sb, "Registry.pol, version 1, %zu entries\n", doc.n);
	}
	const char *key = NULL;
	for (size_t i = 0; i < doc.n; i++) {
		if (!d.json && (!key || strcmp(key, doc.v[i].v.key))) {
			key = doc.v[i].v.key;
			strbuf_addstr(&sb, "key ");
			qtext(&sb, key);
			strbuf_addch(&sb, '\n');
		}
		pol_entry(&d, &doc.v[i]);
	}
	doc_close(&d);
	strbuf_addbuf(out, &sb);
	strbuf_release(&sb);
	pol_doc_release(&doc);
	return true;
}

// --- GptTmpl.inf ---

// "*S-1-5-32-544" -> Administrators (S-1-5-32-544); names as they are.
static void account(struct dout *d, const char *text, bool first)
{
	struct strbuf *sb = d->sb;
	struct sid sid;
	const char *perr;
	bool is_sid = text[0] == '*' && sid_parse(text + 1, strlen(text + 1), &sid, &perr);
	const char *name = is_sid ? sid_wellknown_name(&sid, &d->sids) : NULL;
	if (d->json) {
		strbuf_addstr(sb, first ? "{\"text\":" : ",{\"text\":");
		jstr(sb, text);
		if (is_sid) {
			struct strbuf s = STRBUF_INIT;
			sid_format(&sid, &s);
			jmember(sb, "sid", s.buf);
			strbuf_release(&s);
		} else {
			jmember(sb, "sid", NULL);
		}
		jmember(sb, "name", name);
		strbuf_addch(sb, '}');
		return;
	}
	strbuf_addstr(sb, first ? " " : ", ");
	if (name) {
		strbuf_addstr(sb, name);
		strbuf_addstr(sb, " (");
		sid_format(&sid, sb);
		strbuf_addch(sb, ')');
	} else if (is_sid) {
		sid_format(&sid, sb);
	} else {
		qtext(sb, text);
	}
}

static void accounts(struct dout *d, const struct inf_line *l)
{
	size_t shown = 0;
	if (d->json)
		strbuf_addstr(d->sb, ",\"accounts\":[");
	for (size_t i = 0; i < l->n; i++)
		if (*l->fields[i].text)
			account(d, l->fields[i].text, shown++ == 0);
	if (d->json)
		strbuf_addch(d->sb, ']');
	else if (!shown)
		strbuf_addstr(d->sb, " (none)");
}

static void raw_line(struct dout *d, const struct inf_line *l, const char *error)
{
	struct strbuf *sb = d->sb;
	begin_entry(d, "line");
	if (d->json) {
		strbuf_addf(sb, ",\"line\":%u", l->line);
		jmember(sb, "key", l->key);
		strbuf_addstr(sb, ",\"fields\":[");
		for (size_t i = 0; i < l->n; i++) {
			strbuf_addstr(sb, i ? ",{\"text\":" : "{\"text\":");
			jstr(sb, l->fields[i].text);
			strbuf_addf(sb, ",\"quoted\":%s}", l->fields[i].quoted ? "true" : "false");
		}
		strbuf_addch(sb, ']');
		if (error)
			jmember(sb, "error", error);
		end_entry(d);
		return;
	}
	strbuf_addstr(sb, "  ");
	if (l->key) {
		qtext(sb, l->key);
		strbuf_addstr(sb, " =");
	}
	for (size_t i = 0; i < l->n; i++) {
		strbuf_addstr(sb, i ? ", " : " ");
		qtext(sb, l->fields[i].text);
	}
	strbuf_addch(sb, '\n');
	if (error)
		strbuf_addf(sb, "      ! %s\n", error);
}

static bool has_suffix_ci(const char *s, const char *suffix, size_t *stem)
{
	size_t n = strlen(s), m = strlen(suffix);
	if (n < m || ascii_strcasecmp(s + n - m, suffix))
		return false;
	*stem = n - m;
	return true;
}

static void inf_line_entry(struct dout *d, const struct inf_section *s, const struct inf_line *l, struct arena *a)
{
	struct strbuf *sb = d->sb;
	size_t stem;
	if (!ascii_strcasecmp(s->name, "Registry Values")) {
		struct reg_value v;
		struct fmt_error err;
		if (!gpttmpl_registry_value(l, a, &v, &err)) {
			raw_line(d, l, err.message);
			return;
		}
		begin_entry(d, "registry-value");
		if (d->json) {
			strbuf_addf(sb, ",\"line\":%u", l->line);
			jmember(sb, "hive", reg_hive_name(v.hive));
			jmember(sb, "key", v.key);
			jmember(sb, "name", v.name);
		} else {
			strbuf_addstr(sb, "  ");
			qtext(sb, l->key);
			strbuf_addstr(sb, " = ");
		}
		describe_value(d, &v, NULL);
		end_entry(d);
	} else if (!ascii_strcasecmp(s->name, "Group Membership") && l->key &&
		   (has_suffix_ci(l->key, "__Members", &stem) || has_suffix_ci(l->key, "__Memberof", &stem))) {
		bool members = has_suffix_ci(l->key, "__Members", &stem);
		char *group = arena_strndup(a, l->key, stem);
		begin_entry(d, members ? "group-members" : "group-memberof");
		if (d->json) {
			strbuf_addf(sb, ",\"line\":%u,\"group\":", l->line);
			account(d, group, true);
		} else {
			strbuf_addstr(sb, "  group");
			account(d, group, true);
			strbuf_addstr(sb, members ? " has members:" : " is a member of:");
		}
		accounts(d, l);
		if (!d->json)
			strbuf_addch(sb, '\n');
		end_entry(d);
	} else if (!ascii_strcasecmp(s->name, "Privilege Rights") && l->key) {
		begin_entry(d, "privilege");
		if (d->json) {
			strbuf_addf(sb, ",\"line\":%u", l->line);
			jmember(sb, "privilege", l->key);
		} else {
			strbuf_addstr(sb, "  ");
			qtext(sb, l->key);
			strbuf_addstr(sb, " granted to:");
		}
		accounts(d, l);
		if (!d->json)
			strbuf_addch(sb, '\n');
		end_entry(d);
	} else {
		raw_line(d, l, NULL);
	}
}

bool describe_inf(const uint8_t *p, size_t len, const struct describe_options *o, struct strbuf *out,
		  struct fmt_error *err)
{
	struct inf_doc doc;
	if (!inf_read(p, len, &doc, err)) {
		inf_doc_release(&doc);
		return false;
	}
	struct strbuf sb = STRBUF_INIT;
	struct dout d;
	dout_init(&d, o, &sb);
	bool utf16 = len >= 2 && p[0] == 0xFF && p[1] == 0xFE;
	doc_open(&d, "inf", "SetupAPI syntax", utf16, doc.n, "sections");
	for (size_t i = 0; i < doc.n; i++) {
		const struct inf_section *s = doc.sections[i];
		begin_entry(&d, "section");
		if (d.json) {
			strbuf_addf(&sb, ",\"line\":%u", s->line);
			jmember(&sb, "name", s->name);
		} else {
			strbuf_addstr(&sb, "section ");
			qtext(&sb, s->name);
			strbuf_addch(&sb, '\n');
		}
		end_entry(&d);
		for (size_t k = 0; k < s->n; k++)
			inf_line_entry(&d, s, &s->lines[k], &doc.arena);
	}
	doc_close(&d);
	strbuf_addbuf(out, &sb);
	strbuf_release(&sb);
	inf_doc_release(&doc);
	return true;
}

// --- Standalone descriptors ---

static bool describe_sd(const uint8_t *p, size_t len, enum file_kind kind, const struct describe_options *o,
			struct strbuf *out, struct fmt_error *err)
{
	struct dout d;
	struct strbuf sb = STRBUF_INIT, e = STRBUF_INIT, text = STRBUF_INIT, sddl = STRBUF_INIT, expl = STRBUF_INIT;
	struct secdesc sd;
	bool ok;
	dout_init(&d, o, &sb);
	if (kind == FILE_SDDL) {
		struct text t;
		if (!text_decode(p, len, &t, err))
			return false;
		ok = u16_to_utf8(t.u, t.n, &text);
		text_release(&t);
		// One descriptor: white space around it (blank lines, a final newline) is not
		// part of it; positions in errors still count it.
		while (text.len && ascii_isspace(text.buf[text.len - 1]))
			strbuf_setlen(&text, text.len - 1);
		size_t lead = 0;
		uint32_t line = 1, col = 1;
		while (lead < text.len && ascii_isspace(text.buf[lead])) {
			if (text.buf[lead++] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		struct sddl_error se;
		if (!ok) {
			fmt_error_set(err, 1, 1, 0, "SDDL text holds an unpaired UTF-16 surrogate");
		} else if (!(ok = sddl_parse(text.buf + lead, text.len - lead, &d.sids, &sd, &se))) {
			// Columns count characters, not the bytes sddl_error.offset counts.
			for (size_t i = 0; i < se.offset; i++)
				if (((unsigned char)text.buf[lead + i] & 0xC0) != 0x80)
					col++;
			fmt_error_set(err, line, col, lead + se.offset, "%s", se.message);
		}
	} else {
		struct strbuf bytes = STRBUF_INIT;
		ok = true;
		if (kind == FILE_SD_HEX) {
			// What detect_file_kind() accepted: an optional "hex:", then hex digit
			// pairs with white space, ',' or '\\' between them.
			size_t i = 0;
			while (i < len && ascii_isspace(p[i]))
				i++;
			if (len - i >= 4 && !ascii_strncasecmp((const char *)p + i, "hex:", 4))
				i += 4;
			for (; ok && i < len; i++) {
				if (ascii_isspace(p[i]) || p[i] == ',' || p[i] == '\\')
					continue;
				if (!ascii_isxdigit(p[i]) || i + 1 >= len || !ascii_isxdigit(p[i + 1])) {
					fmt_error_set(err, 0, 0, i, "hex text breaks at byte %zu: expected pairs of hex "
								    "digits separated by white space or ','",
						      i);
					ok = false;
					break;
				}
				int hi = ascii_isdigit(p[i]) ? p[i] - '0' : (p[i] | 0x20) - 'a' + 10;
				int lo = ascii_isdigit(p[i + 1]) ? p[i + 1] - '0' : (p[i + 1] | 0x20) - 'a' + 10;
				strbuf_addch(&bytes, hi << 4 | lo);
				i++;
			}
			p = (const uint8_t *)bytes.buf;
			len = bytes.len;
		}
		if (ok && !(ok = secdesc_decode(p, len, &sd, &e)))
			fmt_error_set(err, 0, 0, 0, "%s", e.buf);
		strbuf_release(&bytes);
	}
	if (ok) {
		sddl_print(&sd, &d.sids, SDDL_PRINT_DEFAULT, &sddl);
		secdesc_explain(&sd, &d.sids, o->vocab, &expl);
		secdesc_release(&sd);
		if (d.json) {
			strbuf_addstr(&sb, "{\"format\":");
			jstr(&sb, file_kind_name(kind));
			jmember(&sb, "sddl", sddl.buf);
			jmember(&sb, "vocabulary", rights_vocab_name(o->vocab));
			strbuf_addstr(&sb, ",\"explain\":");
			add_lines(&d, &expl, "");
			strbuf_addstr(&sb, "}\n");
		} else {
			strbuf_addf(&sb, "security descriptor (%s)\n  SDDL: %s\n", file_kind_name(kind), sddl.buf);
			add_lines(&d, &expl, "  ");
		}
		strbuf_addbuf(out, &sb);
	}
	strbuf_release(&sb);
	strbuf_release(&e);
	strbuf_release(&text);
	strbuf_release(&sddl);
	strbuf_release(&expl);
	return ok;
}

bool describe_file(const uint8_t *p, size_t len, const struct describe_options *o, struct strbuf *out,
		   struct fmt_error *err)
{
	enum file_kind k = detect_file_kind(p, len);
	switch (k) {
	case FILE_REG5:
	case FILE_REGEDIT4:
		return describe_reg(p, len, o, out, err);
	case FILE_POL:
		return describe_pol(p, len, o, out, err);
	case FILE_INF:
		return describe_inf(p, len, o, out, err);
	case FILE_SD_BINARY:
	case FILE_SD_HEX:
	case FILE_SDDL:
		return describe_sd(p, len, k, o, out, err);
	case FILE_UNKNOWN:
		break;
	}
	fmt_error_set(err, 0, 0, 0,
		      "unknown file kind; expected a .reg file, a Registry.pol, an INF file (GptTmpl.inf), a binary "
		      "or hex security descriptor, or SDDL text");
	return false;
}
