// The Registry.pol reader: framing exactly as pol.h describes, every length
// checked against what is left before it is used.

#include "formats/pol.h"

#include <string.h>

#include "core/utf.h"

struct preader {
	const uint8_t *p;
	size_t len, off;
	struct fmt_error *err;
};

static bool need(struct preader *r, size_t n, const char *what)
{
	if (r->len - r->off >= n)
		return true;
	fmt_error_set(r->err, 0, 0, r->off, "file ends inside %s at offset %zu (%zu bytes left, %zu needed)", what,
		      r->off, r->len - r->off, n);
	return false;
}

static bool expect_char(struct preader *r, char c, const char *where)
{
	if (r->len - r->off < 2) {
		fmt_error_set(r->err, 0, 0, r->off, "file ends at offset %zu where '%c' was expected %s", r->off, c,
			      where);
		return false;
	}
	if (r->p[r->off] != (uint8_t)c || r->p[r->off + 1] != 0) {
		fmt_error_set(r->err, 0, 0, r->off, "expected '%c' %s at offset %zu, found bytes %02x %02x", c, where,
			      r->off, r->p[r->off], r->p[r->off + 1]);
		return false;
	}
	r->off += 2;
	return true;
}

// A NUL-terminated UTF-16LE string; *out is UTF-8 in the arena.
static bool read_string(struct preader *r, struct arena *a, const char *what, char **out)
{
	size_t start = r->off, i = r->off;
	while (i + 1 < r->len && (r->p[i] || r->p[i + 1]))
		i += 2;
	if (i + 1 >= r->len) {
		fmt_error_set(r->err, 0, 0, start, "%s starting at offset %zu has no NUL terminator before the end of "
						   "the file",
			      what, start);
		return false;
	}
	struct strbuf sb = STRBUF_INIT;
	bool ok = utf16le_to_utf8(&sb, r->p + start, i - start);
	if (ok)
		*out = arena_strndup(a, sb.buf, sb.len);
	else
		fmt_error_set(r->err, 0, 0, start, "%s at offset %zu holds an unpaired UTF-16 surrogate", what, start);
	strbuf_release(&sb);
	r->off = i + 2;
	return ok;
}

bool pol_read(const uint8_t *p, size_t len, struct pol_doc *out, struct fmt_error *err)
{
	struct preader r = { p, len, 0, err };
	pol_doc_init(out);
	if (len < 8 || memcmp(p, "PReg", 4)) {
		fmt_error_set(err, 0, 0, 0, "not a Registry.pol file: expected the signature 'PReg' and a version");
		return false;
	}
	uint32_t version = get_le32(p + 4);
	if (version != 1) {
		fmt_error_set(err, 0, 0, 4, "unsupported Registry.pol version %u; expected 1", (unsigned)version);
		return false;
	}
	r.off = 8;
	while (r.off < len) {
		struct reg_value v = { HIVE_NONE, NULL, NULL, 0, NULL, 0 };
		size_t start = r.off;
		if (!expect_char(&r, '[', "at the start of an entry") ||
		    !read_string(&r, &out->arena, "key", &v.key) || !expect_char(&r, ';', "after the key") ||
		    !read_string(&r, &out->arena, "value name", &v.name) ||
		    !expect_char(&r, ';', "after the value name") || !need(&r, 4, "the type"))
			return false;
		v.type = get_le32(p + r.off);
		r.off += 4;
		if (!expect_char(&r, ';', "after the type") || !need(&r, 4, "the size"))
			return false;
		uint32_t size = get_le32(p + r.off);
		r.off += 4;
		if (!expect_char(&r, ';', "after the size"))
			return false;
		if (size > len - r.off) {
			fmt_error_set(err, 0, 0, r.off,
				      "data size %u of value '%s' at offset %zu runs past the end of the file "
				      "(%zu bytes left)",
				      (unsigned)size, fmt_q(v.name), r.off, len - r.off);
			return false;
		}
		v.data = (uint8_t *)(uintptr_t)(p + r.off);
		v.size = size;
		r.off += size;
		if (!expect_char(&r, ']', "at the end of the entry"))
			return false;
		pol_doc_add(out, &v);
		out->v[out->n - 1].offset = start;
	}
	return true;
}
