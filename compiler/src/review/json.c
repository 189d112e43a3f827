// JSON writing and checking for the review outputs.
//
// The writer keeps one flag per open container ("nothing written here yet") so
// that commas and line breaks come out right without the callers tracking them.
// Misuse (a value where a key is due, closing what is not open) is a gpoc bug and
// stops with BUG(): every document is written by code in this module's callers,
// never shaped by input.
//
// json_valid() is an independent reader: a strict RFC 8259 recogniser the
// renderers and tests run over what the writer produced.
#include "review/json.h"

#include <inttypes.h>
#include <string.h>

#include "core/utf.h"
#include "core/util.h"

void json_init(struct json_writer *w, struct strbuf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

bool json_done(const struct json_writer *w)
{
	return w->depth == 0 && !w->after_key;
}

static void newline_indent(struct json_writer *w)
{
	strbuf_addch(w->out, '\n');
	for (int i = 0; i < w->depth; i++)
		strbuf_addstr(w->out, "  ");
}

// Called before every value and key: the comma and line break it needs.
static void before_item(struct json_writer *w, bool is_key)
{
	if (w->after_key) {
		if (is_key)
			BUG("json: key where a value is due");
		w->after_key = false;
		return;
	}
	if (w->depth == 0) {
		if (w->out->len)
			BUG("json: second top-level value");
		return;
	}
	bool first = w->first[w->depth - 1];
	w->first[w->depth - 1] = false;
	if (w->inline_at && w->depth >= w->inline_at) {
		if (!first)
			strbuf_add(w->out, ", ", 2);
		return;
	}
	if (!first)
		strbuf_addch(w->out, ',');
	newline_indent(w);
}

static void open_container(struct json_writer *w, char c)
{
	before_item(w, false);
	if (w->depth >= JSON_MAX_DEPTH)
		BUG("json: nesting deeper than %d", JSON_MAX_DEPTH);
	strbuf_addch(w->out, c);
	w->first[w->depth++] = true;
}

static void close_container(struct json_writer *w, char c)
{
	if (w->depth == 0 || w->after_key)
		BUG("json: unbalanced '%c'", c);
	bool empty = w->first[--w->depth];
	bool in_line = w->inline_at && w->depth + 1 >= w->inline_at;
	if (!empty && !in_line)
		newline_indent(w);
	strbuf_addch(w->out, c);
	if (w->inline_at && w->depth + 1 == w->inline_at)
		w->inline_at = 0;
}

static void open_inline(struct json_writer *w, char c)
{
	open_container(w, c);
	if (!w->inline_at)
		w->inline_at = w->depth;
}

void json_object_begin(struct json_writer *w) { open_container(w, '{'); }
void json_object_end(struct json_writer *w) { close_container(w, '}'); }
void json_array_begin(struct json_writer *w) { open_container(w, '['); }
void json_array_end(struct json_writer *w) { close_container(w, ']'); }
void json_object_begin_inline(struct json_writer *w) { open_inline(w, '{'); }
void json_array_begin_inline(struct json_writer *w) { open_inline(w, '['); }

void json_quote(struct strbuf *out, const char *s, size_t len)
{
	strbuf_addch(out, '"');
	size_t i = 0;
	while (i < len) {
		// Printable ASCII other than '"' and '\\' is copied as a run, not byte by byte.
		size_t run = i;
		while (run < len && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x7f && s[run] != '"' &&
		       s[run] != '\\')
			run++;
		if (run > i) {
			strbuf_add(out, s + i, run - i);
			i = run;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			uint32_t cp;
			int n = utf8_decode((const uint8_t *)s + i, len - i, &cp);
			if (n < 0) {
				strbuf_addstr(out, "\\ufffd");
				i++;
			} else if (cp == 0x2028 || cp == 0x2029) {
				// Valid JSON either way; escaped so the text is also valid JavaScript.
				strbuf_addf(out, "\\u%04" PRIx32, cp);
				i += (size_t)n;
			} else {
				strbuf_add(out, s + i, (size_t)n);
				i += (size_t)n;
			}
			continue;
		}
		switch (c) {
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		case '\b': strbuf_addstr(out, "\\b"); break;
		case '\f': strbuf_addstr(out, "\\f"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				strbuf_addf(out, "\\u%04x", c);
			else
				strbuf_addch(out, (char)c);
		}
		i++;
	}
	strbuf_addch(out, '"');
}

void json_key(struct json_writer *w, const char *key)
{
	if (w->depth == 0)
		BUG("json: key outside an object");
	before_item(w, true);
	json_quote(w->out, key, strlen(key));
	strbuf_addstr(w->out, ": ");
	w->after_key = true;
}

void json_string_len(struct json_writer *w, const char *s, size_t len)
{
	before_item(w, false);
	json_quote(w->out, s, len);
}

void json_string(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	json_string_len(w, s, strlen(s));
}

void json_int(struct json_writer *w, int64_t v)
{
	before_item(w, false);
	// By hand: a vsnprintf per number cost more than the rest of a key and value.
	char digits[24];
	size_t n = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		strbuf_addch(w->out, '-');
	while (n)
		strbuf_addch(w->out, digits[--n]);
}

void json_bool(struct json_writer *w, bool v)
{
	before_item(w, false);
	strbuf_addstr(w->out, v ? "true" : "false");
}

void json_null(struct json_writer *w)
{
	before_item(w, false);
	strbuf_addstr(w->out, "null");
}

void json_kv_string(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_string(w, s);
}

void json_kv_int(struct json_writer *w, const char *key, int64_t v)
{
	json_key(w, key);
	json_int(w, v);
}

void json_kv_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

// --- The checker: value = object / array / string / number / true / false / null ---

struct jparse {
	const char *p, *end, *start;
	size_t depth, max_depth;
};

static void skip_ws(struct jparse *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool literal(struct jparse *j, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n))
		return false;
	j->p += n;
	return true;
}

// string = '"' *( unescaped / '\' escape ) '"', unescaped >= 0x20, valid UTF-8.
static bool string(struct jparse *j)
{
	if (j->p >= j->end || *j->p != '"')
		return false;
	j->p++;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p;
		if (c == '"') {
			j->p++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			j->p++;
			if (j->p >= j->end)
				return false;
			char e = *j->p++;
			if (e == 'u') {
				for (int k = 0; k < 4; k++, j->p++)
					if (j->p >= j->end || !ascii_isxdigit((unsigned char)*j->p))
						return false;
			} else if (!strchr("\"\\/bfnrt", e) || !e) {
				return false;
			}
			continue;
		}
		if (c >= 0x80) {
			uint32_t cp;
			int n = utf8_decode((const uint8_t *)j->p, (size_t)(j->end - j->p), &cp);
			if (n < 0)
				return false;
			j->p += n;
			continue;
		}
		j->p++;
	}
	return false;
}

// number = [ '-' ] int [ frac ] [ exp ]; int = '0' / digit1-9 *digit
static bool number(struct jparse *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || !ascii_isdigit((unsigned char)*j->p))
		return false;
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && ascii_isdigit((unsigned char)*j->p))
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || !ascii_isdigit((unsigned char)*j->p))
			return false;
		while (j->p < j->end && ascii_isdigit((unsigned char)*j->p))
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || !ascii_isdigit((unsigned char)*j->p))
			return false;
		while (j->p < j->end && ascii_isdigit((unsigned char)*j->p))
			j->p++;
	}
	return true;
}

static bool value(struct jparse *j);

// Both containers: open, then members separated by ',', then close.
static bool container(struct jparse *j, char close_c, bool object)
{
	if (++j->depth > j->max_depth)
		return false;
	j->p++;
	skip_ws(j);
	if (j->p < j->end && *j->p == close_c) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		skip_ws(j);
		if (object) {
			if (!string(j))
				return false;
			skip_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return false;
			j->p++;
			skip_ws(j);
		}
		if (!value(j))
			return false;
		skip_ws(j);
		if (j->p >= j->end)
			return false;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p != close_c)
			return false;
		j->p++;
		j->depth--;
		return true;
	}
}

static bool value(struct jparse *j)
{
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{': return container(j, '}', true);
	case '[': return container(j, ']', false);
	case '"': return string(j);
	case 't': return literal(j, "true");
	case 'f': return literal(j, "false");
	case 'n': return literal(j, "null");
	default: return number(j);
	}
}

bool json_valid(const char *text, size_t len, size_t max_depth, size_t *err_offset)
{
	struct jparse j = { text, text + len, text, 0, max_depth };
	skip_ws(&j);
	bool ok = value(&j);
	if (ok) {
		skip_ws(&j);
		ok = j.p == j.end;
	}
	if (!ok && err_offset)
		*err_offset = (size_t)(j.p - j.start);
	return ok;
}
