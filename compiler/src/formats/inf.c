// The INF document model and writer, and the GptTmpl.inf helpers.
//
// The writer emits what secedit and GPMC emit: BOM FF FE, UTF-16LE, CRLF after
// every line, "[Section]" lines with no blank line between sections, then
// "key=field,field" ("key = field,field" in spaced sections). A quoted field is
// '"' + text with '"' doubled + '"'; an unquoted one is the text itself. Before any
// byte is written every name and field is checked against what SetupAPI would read
// back differently (the list is in check_field below); such input is refused with a
// message, never escaped into something else.

#include "formats/inf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf.h"
#include "formats/registry.h"
#include "sd/sid.h"

void inf_doc_init(struct inf_doc *d)
{
	memset(d, 0, sizeof(*d));
	arena_init(&d->arena);
}

void inf_doc_release(struct inf_doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct inf_section *s = d->sections[i];
		for (size_t k = 0; k < s->n; k++)
			free(s->lines[k].fields);
		free(s->lines);
		free(s);
	}
	free(d->sections);
	arena_release(&d->arena);
	inf_doc_init(d);
}

struct inf_section *inf_find_section(const struct inf_doc *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (!ascii_strcasecmp(d->sections[i]->name, name))
			return d->sections[i];
	return NULL;
}

struct inf_section *inf_section(struct inf_doc *d, const char *name)
{
	struct inf_section *s = inf_find_section(d, name);
	if (s)
		return s;
	s = xcalloc(1, sizeof(*s));
	s->name = arena_strdup(&d->arena, name);
	GROW(d->sections, d->alloc, d->n + 1);
	d->sections[d->n++] = s;
	return s;
}

struct inf_line *inf_add_line(struct inf_doc *d, struct inf_section *s, const char *key)
{
	GROW(s->lines, s->alloc, s->n + 1);
	struct inf_line *l = &s->lines[s->n++];
	memset(l, 0, sizeof(*l));
	l->key = key ? arena_strdup(&d->arena, key) : NULL;
	return l;
}

void inf_add_field(struct inf_doc *d, struct inf_line *l, const char *text, bool quoted)
{
	GROW(l->fields, l->alloc, l->n + 1);
	struct inf_field *f = &l->fields[l->n++];
	f->text = arena_strdup(&d->arena, text);
	f->quoted = quoted;
	f->col = 0;
}

bool inf_doc_equal(const struct inf_doc *a, const struct inf_doc *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct inf_section *x = a->sections[i], *y = b->sections[i];
		if (strcmp(x->name, y->name) || x->n != y->n)
			return false;
		for (size_t k = 0; k < x->n; k++) {
			const struct inf_line *l = &x->lines[k], *m = &y->lines[k];
			if (!l->key != !m->key || (l->key && strcmp(l->key, m->key)) || l->n != m->n)
				return false;
			for (size_t f = 0; f < l->n; f++)
				if (strcmp(l->fields[f].text, m->fields[f].text) ||
				    l->fields[f].quoted != m->fields[f].quoted)
					return false;
		}
	}
	return true;
}

// --- Writer ---

// Characters SetupAPI-style parsers may take as white space at the ends of an
// unquoted token (ASCII ones and the Unicode spaces).
static bool is_space_cp(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' || c == 0x85 ||
	       c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

enum field_role { ROLE_KEY, ROLE_FIRST_KEYLESS, ROLE_VALUE };

// Refuses what SetupAPI would not read back as the same text:
// - invalid UTF-8, more than INF_MAX_FIELD characters;
// - '%' anywhere (SetupAPI expands %name% and %N% directory ids);
// - control characters other than TAB (CR, LF and Ctrl-Z end lines or the file);
// - unquoted: ',' ';' '"' (field, comment and quote syntax), white space at either
//   end (trimmed), '\' at the end or before white space (line continuation);
//   '=' in a key or in the first field of a line without key (it would become the
//   key), '[' at the start of a line (a section);
// - an empty key.
static bool check_field(const char *what, const char *s, bool quoted, enum field_role role, struct strbuf *why)
{
	size_t len = strlen(s), bad;
	if (!utf8_valid(s, len, &bad)) {
		strbuf_addf(why, "%s '%s' is not valid UTF-8 (byte %zu)", what, fmt_q(s), bad);
		return false;
	}
	if (role == ROLE_KEY && !len) {
		strbuf_addf(why, "%s is empty", what);
		return false;
	}
	if (utf16_units(s, len) > INF_MAX_FIELD) {
		strbuf_addf(why, "%s '%s' is longer than the %d characters SetupAPI reads", what, fmt_q(s),
			    INF_MAX_FIELD);
		return false;
	}
	uint32_t first = 0, last = 0;
	for (size_t i = 0; i < len;) {
		uint32_t c;
		int n = utf8_decode((const uint8_t *)s + i, len - i, &c);
		if (i == 0)
			first = c;
		last = c;
		if (c == '%') {
			strbuf_addf(why, "%s '%s' contains '%%', which SetupAPI expands (%%name%% and %%N%% tokens); "
					 "GptTmpl.inf cannot carry it",
				    what, fmt_q(s));
			return false;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			strbuf_addf(why, "%s '%s' contains control character 0x%02x, which an INF file cannot carry",
				    what, fmt_q(s), (unsigned)c);
			return false;
		}
		if (!quoted) {
			const char *bad_char = NULL;
			if (c == ',' || c == ';' || c == '"')
				bad_char = c == ',' ? "','" : c == ';' ? "';'" : "'\"'";
			else if (c == '=' && role != ROLE_VALUE)
				bad_char = "'='";
			if (bad_char) {
				strbuf_addf(why, "%s '%s' contains %s; it must be quoted", what, fmt_q(s), bad_char);
				return false;
			}
			if (c == '\\') {
				uint32_t next = 0;
				if (i + 1 < len)
					utf8_decode((const uint8_t *)s + i + 1, len - i - 1, &next);
				if (i + 1 == len || is_space_cp(next)) {
					strbuf_addf(why, "%s '%s' has '\\' at its end or before white space, which "
							 "SetupAPI reads as a line continuation",
						    what, fmt_q(s));
					return false;
				}
			}
		}
		i += (size_t)n;
	}
	if (!quoted && len && (is_space_cp(first) || is_space_cp(last))) {
		strbuf_addf(why, "%s '%s' begins or ends with white space, which SetupAPI trims", what, fmt_q(s));
		return false;
	}
	if (!quoted && first == '[' && role != ROLE_VALUE) {
		strbuf_addf(why, "%s '%s' begins with '[', which would start a section", what, fmt_q(s));
		return false;
	}
	return true;
}

static void write_field(struct u16_writer *w, const struct inf_field *f)
{
	if (!f->quoted) {
		u16w_str(w, f->text);
		return;
	}
	u16w_ch(w, '"');
	for (const char *p = f->text; *p;) {
		const char *q = strchr(p, '"');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		u16w_add(w, p, n);
		if (!q)
			break;
		u16w_str(w, "\"\"");
		p = q + 1;
	}
	u16w_ch(w, '"');
}

static bool check_line(const struct inf_line *l, struct strbuf *why)
{
	if (l->key) {
		if (!check_field("key", l->key, false, ROLE_KEY, why))
			return false;
		if (!l->n) {
			strbuf_addf(why, "key '%s' has no value field", fmt_q(l->key));
			return false;
		}
	} else if (!l->n || (l->n == 1 && !l->fields[0].quoted && !*l->fields[0].text)) {
		strbuf_addstr(why, "a line without key needs at least one non-empty field");
		return false;
	}
	for (size_t i = 0; i < l->n; i++)
		if (!check_field("field", l->fields[i].text, l->fields[i].quoted,
				 !l->key && i == 0 ? ROLE_FIRST_KEYLESS : ROLE_VALUE, why))
			return false;
	return true;
}

static bool check_section_name(const char *name, struct strbuf *why)
{
	size_t len = strlen(name), bad;
	if (!len || !utf8_valid(name, len, &bad) || utf16_units(name, len) > INF_MAX_SECTION_NAME) {
		strbuf_addf(why, "section name '%s' must be 1 to %d characters of valid UTF-8", fmt_q(name),
			    INF_MAX_SECTION_NAME);
		return false;
	}
	for (const char *p = name; *p; p++)
		if (*p == ']' || (unsigned char)*p < 0x20 || *p == 0x7f) {
			strbuf_addf(why, "section name '%s' contains ']' or a control character", fmt_q(name));
			return false;
		}
	return true;
}

bool inf_write(const struct inf_doc *d, struct strbuf *out, struct fmt_error *err)
{
	struct strbuf buf = STRBUF_INIT, why = STRBUF_INIT;
	struct u16_writer w;
	uint32_t line = 0;
	bool ok = true;

	u16w_begin(&w, &buf);
	for (size_t i = 0; ok && i < d->n; i++) {
		const struct inf_section *s = d->sections[i];
		line++;
		if (!(ok = check_section_name(s->name, &why)))
			break;
		u16w_ch(&w, '[');
		u16w_str(&w, s->name);
		u16w_ch(&w, ']');
		u16w_crlf(&w);
		for (size_t k = 0; ok && k < s->n; k++) {
			const struct inf_line *l = &s->lines[k];
			line++;
			if (!(ok = check_line(l, &why)))
				break;
			bool empty_value = l->n == 1 && !l->fields[0].quoted && !*l->fields[0].text;
			if (l->key) {
				u16w_str(&w, l->key);
				u16w_str(&w, s->spaced ? (empty_value ? " =" : " = ") : "=");
			}
			for (size_t f = 0; f < l->n; f++) {
				if (f)
					u16w_ch(&w, ',');
				write_field(&w, &l->fields[f]);
			}
			u16w_crlf(&w);
		}
	}
	if (ok)
		strbuf_addbuf(out, &buf);
	else
		fmt_error_set(err, line, 0, 0, "%s", why.buf);
	strbuf_release(&buf);
	strbuf_release(&why);
	return ok;
}

// --- GptTmpl.inf ---

void gpttmpl_init(struct inf_doc *d)
{
	struct inf_section *s = inf_section(d, "Unicode");
	inf_add_field(d, inf_add_line(d, s, "Unicode"), "yes", false);
	s = inf_section(d, "Version");
	inf_add_field(d, inf_add_line(d, s, "signature"), "$CHICAGO$", true);
	inf_add_field(d, inf_add_line(d, s, "Revision"), "1", false);
}

// Adds a finished line to `s` if it passes the writer's checks.
static bool add_checked(struct inf_doc *d, struct inf_section *s, const char *key, const struct inf_field *fields,
			size_t n, struct strbuf *why)
{
	struct inf_line tmp = { key, (struct inf_field *)(uintptr_t)fields, n, n, 0, false };
	if (!check_line(&tmp, why))
		return false;
	struct inf_line *l = inf_add_line(d, s, key);
	for (size_t i = 0; i < n; i++)
		inf_add_field(d, l, fields[i].text, fields[i].quoted);
	return true;
}

bool gpttmpl_add_registry_value(struct inf_doc *d, const struct reg_value *v, struct strbuf *why)
{
	if (v->hive != HIVE_HKLM) {
		strbuf_addf(why, "GptTmpl.inf registry values are machine values; '%s' is not under HKLM",
			    fmt_q(v->key));
		return false;
	}
	if (!reg_key_check(v->key, false, why))
		return false;
	if (!*v->name || strchr(v->name, '\\')) {
		strbuf_addf(why, "value name '%s' cannot be written in GptTmpl.inf (it must be non-empty and "
				 "hold no '\\'); use Registry.pol",
			    fmt_q(v->name));
		return false;
	}
	struct strbuf key = STRBUF_INIT, text = STRBUF_INIT;
	struct inf_field fields[64];
	struct inf_field *fv = fields;
	size_t n = 0;
	bool ok = false;
	char num[16];
	strbuf_addf(&key, "MACHINE\\%s\\%s", v->key, v->name);
	if (v->type == REGT_DWORD && v->size == 4) {
		snprintf(num, sizeof(num), "%u", (unsigned)get_le32(v->data));
		fields[n++] = (struct inf_field){ "4", false, 0 };
		fields[n++] = (struct inf_field){ num, false, 0 };
		ok = true;
	} else if ((v->type == REGT_SZ || v->type == REGT_EXPAND_SZ) && reg_data_as_string(v->data, v->size, &text)) {
		fields[n++] = (struct inf_field){ v->type == REGT_SZ ? "1" : "2", false, 0 };
		fields[n++] = (struct inf_field){ text.buf, true, 0 };
		ok = true;
	} else if (v->type == REGT_MULTI_SZ && v->size >= 4 && v->size % 2 == 0 &&
		   get_le16(v->data + v->size - 2) == 0 && get_le16(v->data + v->size - 4) == 0) {
		// s1 NUL s2 NUL ... sn NUL NUL with no empty string inside; "" NUL NUL (one
		// empty string) is the empty list.
		size_t units = v->size / 2 - 1, start = 0, count = 0;
		for (size_t i = 0; i < units; i++)
			if (get_le16(v->data + 2 * i) == 0) {
				if (i == start && units != 1)
					break;
				start = i + 1;
				count++;
			}
		if (start == units) {
			fv = xmalloc((count + 1) * sizeof(*fv));
			fv[n++] = (struct inf_field){ "7", false, 0 };
			// Texts are NUL-separated in `text`; fields point into it once complete.
			size_t *offs = xmalloc((count + 1) * sizeof(*offs));
			start = 0;
			ok = true;
			for (size_t i = 0, k = 0; ok && i < units; i++)
				if (get_le16(v->data + 2 * i) == 0) {
					offs[k++] = text.len;
					ok = utf16le_to_utf8(&text, v->data + 2 * start, 2 * (i - start));
					strbuf_addch(&text, 0);
					start = i + 1;
				}
			for (size_t k = 0; ok && k < count; k++)
				fv[n++] = (struct inf_field){ text.buf + offs[k], true, 0 };
			free(offs);
			if (!ok)
				strbuf_addf(why, "REG_MULTI_SZ value '%s' holds an unpaired UTF-16 surrogate",
					    fmt_q(v->name));
		}
	}
	if (!ok && !why->len)
		strbuf_addf(why,
			    "GptTmpl.inf [Registry Values] holds one clean REG_SZ or REG_EXPAND_SZ string, a 4-byte "
			    "REG_DWORD or a well-formed REG_MULTI_SZ; value '%s' (%s, %zu bytes) must go to Registry.pol",
			    fmt_q(v->name), reg_type_name(v->type) ? reg_type_name(v->type) : "unknown type", v->size);
	if (ok) {
		struct inf_section *s = inf_section(d, "Registry Values");
		ok = add_checked(d, s, key.buf, fv, n, why);
	}
	if (fv != fields)
		free(fv);
	strbuf_release(&key);
	strbuf_release(&text);
	return ok;
}

// "*S-1-..." for a SID, the text itself for an account name.
static void account_field(const char *s, struct strbuf *out)
{
	struct sid sid;
	const char *err;
	if (sid_parse(s, strlen(s), &sid, &err)) {
		strbuf_addch(out, '*');
		sid_format(&sid, out);
	} else {
		strbuf_addstr(out, s);
	}
}

static bool add_account_list(struct inf_doc *d, struct inf_section *s, const char *key, const char *const *list,
			     size_t n, struct strbuf *why)
{
	struct strbuf texts = STRBUF_INIT;
	size_t *offs = xmalloc((n + 1) * sizeof(*offs));
	struct inf_field *fields = xmalloc((n + 1) * sizeof(*fields));
	for (size_t i = 0; i < n; i++) {
		offs[i] = texts.len;
		account_field(list[i], &texts);
		strbuf_addch(&texts, 0);
	}
	for (size_t i = 0; i < n; i++)
		fields[i] = (struct inf_field){ texts.buf + offs[i], false, 0 };
	if (!n)
		fields[0] = (struct inf_field){ "", false, 0 };
	bool ok = add_checked(d, s, key, fields, n ? n : 1, why);
	free(fields);
	free(offs);
	strbuf_release(&texts);
	return ok;
}

bool gpttmpl_add_group(struct inf_doc *d, const char *group, bool members, const char *const *list, size_t n,
		       struct strbuf *why)
{
	struct strbuf key = STRBUF_INIT;
	account_field(group, &key);
	strbuf_addstr(&key, members ? "__Members" : "__Memberof");
	struct inf_section *s = inf_section(d, "Group Membership");
	s->spaced = true;
	bool ok = add_account_list(d, s, key.buf, list, n, why);
	strbuf_release(&key);
	return ok;
}

bool gpttmpl_add_privilege(struct inf_doc *d, const char *privilege, const char *const *list, size_t n,
			   struct strbuf *why)
{
	for (const char *p = privilege; *p; p++)
		if (!ascii_isalpha(*p)) {
			strbuf_addf(why, "privilege '%s' is not a name such as 'SeNetworkLogonRight'", fmt_q(privilege));
			return false;
		}
	struct inf_section *s = inf_section(d, "Privilege Rights");
	s->spaced = true;
	return add_account_list(d, s, privilege, list, n, why);
}

// --- Reading [Registry Values] lines ---

static bool field_err(struct fmt_error *err, const struct inf_line *l, size_t f, const char *fmt, ...)
	GPOC_PRINTF(4, 5);
static bool field_err(struct fmt_error *err, const struct inf_line *l, size_t f, const char *fmt, ...)
{
	char msg[sizeof(err->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fmt_error_set(err, l->line, f < l->n ? l->fields[f].col : 1, 0, "%s", msg);
	return false;
}

static bool parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!ascii_isdigit(*s))
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

static const struct {
	const char *word;
	enum reg_hive hive;
} inf_hives[] = {
	{ "MACHINE", HIVE_HKLM },
	{ "USERS", HIVE_HKU },
	{ "CLASSES_ROOT", HIVE_HKCR },
	{ "CURRENT_USER", HIVE_HKCU },
};

bool gpttmpl_registry_value(const struct inf_line *l, struct arena *a, struct reg_value *out, struct fmt_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!l->key)
		return field_err(err, l, 0, "registry value line has no 'MACHINE\\key\\name=' part");
	const char *k = l->key, *first = strchr(k, '\\'), *last = strrchr(k, '\\');
	if (!first || first == last || last[1] == 0)
		return field_err(err, l, SIZE_MAX,
				 "registry value '%s' is not of the form MACHINE\\key\\name", fmt_q(k));
	for (size_t i = 0; i < ARRAY_SIZE(inf_hives); i++)
		if (strlen(inf_hives[i].word) == (size_t)(first - k) &&
		    !ascii_strncasecmp(k, inf_hives[i].word, (size_t)(first - k)))
			out->hive = inf_hives[i].hive;
	if (out->hive == HIVE_NONE)
		return field_err(err, l, SIZE_MAX, "registry value '%s' does not start with MACHINE, USERS, "
						   "CLASSES_ROOT or CURRENT_USER",
				 fmt_q(k));
	out->key = arena_strndup(a, first + 1, (size_t)(last - first - 1));
	out->name = arena_strdup(a, last + 1);
	uint32_t type;
	if (l->n < 1 || !parse_u32(l->fields[0].text, &type))
		return field_err(err, l, 0, "expected a registry type number (1, 2, 4 or 7) after '='");
	out->type = type;
	struct strbuf data = STRBUF_INIT;
	bool ok = true;
	if (type == REGT_DWORD) {
		uint32_t dw;
		if (l->n != 2 || !parse_u32(l->fields[1].text, &dw))
			ok = field_err(err, l, 1, "REG_DWORD needs one decimal number from 0 to 4294967295");
		else
			strbuf_add_le32(&data, dw);
	} else if (type == REGT_SZ || type == REGT_EXPAND_SZ) {
		if (l->n != 2)
			ok = field_err(err, l, 2, "%s value has %zu fields; a string holding ',' must be quoted",
				       reg_type_name(type), l->n - 1);
		else {
			utf8_to_utf16le(&data, l->fields[1].text, strlen(l->fields[1].text));
			strbuf_add_le16(&data, 0);
		}
	} else if (type == REGT_MULTI_SZ) {
		for (size_t i = 1; i < l->n; i++) {
			utf8_to_utf16le(&data, l->fields[i].text, strlen(l->fields[i].text));
			strbuf_add_le16(&data, 0);
		}
		if (l->n == 1)
			strbuf_add_le16(&data, 0);
		strbuf_add_le16(&data, 0);
	} else {
		ok = field_err(err, l, 0, "registry type %u is not supported in GptTmpl.inf; expected 1 (REG_SZ), "
					  "2 (REG_EXPAND_SZ), 4 (REG_DWORD) or 7 (REG_MULTI_SZ)",
			       (unsigned)type);
	}
	if (ok) {
		out->size = data.len;
		out->data = arena_memdup(a, data.buf, data.len);
	}
	strbuf_release(&data);
	return ok;
}
