// The Registry.pol writer and the meaning of its special value names.
//
// Output is the header "PReg" 01 00 00 00 followed by the entries in the order
// given, each framed as in pol.h with no padding. Callers pass entries already in
// the order they want (the GPO renderer sorts by key, then value name, like GPMC).

#include "formats/pol.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf.h"
#include "formats/registry.h"

void pol_doc_init(struct pol_doc *d)
{
	memset(d, 0, sizeof(*d));
	arena_init(&d->arena);
}

void pol_doc_release(struct pol_doc *d)
{
	free(d->v);
	arena_release(&d->arena);
	pol_doc_init(d);
}

void pol_doc_add(struct pol_doc *d, const struct reg_value *v)
{
	GROW(d->v, d->alloc, d->n + 1);
	struct pol_entry *e = &d->v[d->n++];
	memset(e, 0, sizeof(*e));
	e->v.hive = HIVE_NONE;
	e->v.key = arena_strdup(&d->arena, v->key ? v->key : "");
	e->v.name = arena_strdup(&d->arena, v->name ? v->name : "");
	e->v.type = v->type;
	e->v.size = v->size;
	e->v.data = arena_memdup(&d->arena, v->data, v->size);
}

void pol_doc_add_delete(struct pol_doc *d, const char *key, const char *name)
{
	static const uint8_t space[] = { ' ', 0, 0, 0 };
	char *marker = arena_printf(&d->arena, "**del.%s", name);
	struct reg_value v = { HIVE_NONE, (char *)(uintptr_t)key, marker, REGT_SZ, (uint8_t *)(uintptr_t)space,
			       sizeof(space) };
	pol_doc_add(d, &v);
}

bool pol_doc_equal(const struct pol_doc *a, const struct pol_doc *b, size_t *at)
{
	size_t n = a->n < b->n ? a->n : b->n;
	for (size_t i = 0; i < n; i++)
		if (!reg_value_equal_nohive(&a->v[i].v, &b->v[i].v)) {
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

static void add_u16_char(struct strbuf *out, char c)
{
	strbuf_add_le16(out, (uint16_t)c);
}

bool pol_write(const struct pol_doc *d, struct strbuf *out, struct fmt_error *err)
{
	struct strbuf buf = STRBUF_INIT, why = STRBUF_INIT;
	size_t i;
	bool ok = true;

	strbuf_add(&buf, "PReg", 4);
	strbuf_add_le32(&buf, 1);
	for (i = 0; ok && i < d->n; i++) {
		const struct reg_value *v = &d->v[i].v;
		size_t nlen = strlen(v->name), bad;
		if (!reg_key_check(v->key, false, &why)) {
			ok = false;
		} else if (!utf8_valid(v->name, nlen, &bad)) {
			strbuf_addf(&why, "value name '%s' is not valid UTF-8 (byte %zu)", fmt_q(v->name), bad);
			ok = false;
		} else if (utf16_units(v->name, nlen) > POL_MAX_VALUE_NAME) {
			strbuf_addf(&why, "value name '%s' is longer than the %d characters Registry.pol allows",
				    fmt_q(v->name), POL_MAX_VALUE_NAME);
			ok = false;
		} else if (v->size > UINT32_MAX) {
			strbuf_addf(&why, "data of value '%s' is larger than 4 GiB", fmt_q(v->name));
			ok = false;
		} else {
			add_u16_char(&buf, '[');
			utf8_to_utf16le(&buf, v->key, strlen(v->key));
			strbuf_add_le16(&buf, 0);
			add_u16_char(&buf, ';');
			utf8_to_utf16le(&buf, v->name, nlen);
			strbuf_add_le16(&buf, 0);
			add_u16_char(&buf, ';');
			strbuf_add_le32(&buf, v->type);
			add_u16_char(&buf, ';');
			strbuf_add_le32(&buf, (uint32_t)v->size);
			add_u16_char(&buf, ';');
			strbuf_add(&buf, v->data, v->size);
			add_u16_char(&buf, ']');
		}
	}
	if (ok)
		strbuf_addbuf(out, &buf);
	else
		fmt_error_set(err, (uint32_t)i, 0, 0, "%s", why.buf);
	strbuf_release(&buf);
	strbuf_release(&why);
	return ok;
}

static bool has_prefix_ci(const char *s, const char *prefix)
{
	return !ascii_strncasecmp(s, prefix, strlen(prefix));
}

enum pol_action pol_classify(const char *name, const char **target)
{
	*target = name;
	if (!ascii_strcasecmp(name, "**DeleteValues"))
		return POL_DELETE_VALUES;
	if (!ascii_strcasecmp(name, "**DeleteKeys"))
		return POL_DELETE_KEYS;
	if (!ascii_strcasecmp(name, "**SecureKey"))
		return POL_SECURE_KEY;
	if (!ascii_strcasecmp(name, "**delvals.") || !ascii_strcasecmp(name, "**delvals"))
		return POL_DELETE_ALL_VALUES;
	if (has_prefix_ci(name, "**del.")) {
		*target = name + 6;
		return POL_DELETE_VALUE;
	}
	if (has_prefix_ci(name, "**soft.")) {
		*target = name + 7;
		return POL_SOFT_SET;
	}
	return POL_SET;
}

size_t pol_anomalies(const struct reg_value *v, struct strbuf *out)
{
	size_t n = 0;
	const char *tname = reg_type_name(v->type);
	bool string = v->type == REGT_SZ || v->type == REGT_EXPAND_SZ || v->type == REGT_MULTI_SZ;
	const char *target;
	enum pol_action act = pol_classify(v->name, &target);

#define ANOMALY(...)                                   \
	do {                                           \
		strbuf_addf(out, __VA_ARGS__);         \
		strbuf_addch(out, '\n');               \
		n++;                                   \
	} while (0)

	if (!tname)
		ANOMALY("type %u is not a registry type Windows defines", (unsigned)v->type);
	if (!*v->key)
		ANOMALY("empty key path");
	else if (v->key[0] == '\\' || v->key[strlen(v->key) - 1] == '\\' || strstr(v->key, "\\\\"))
		ANOMALY("key path has an empty component");
	if (utf16_units(v->name, strlen(v->name)) > POL_MAX_VALUE_NAME)
		ANOMALY("value name longer than %d characters", POL_MAX_VALUE_NAME);
	if (!v->size && act == POL_SET)
		ANOMALY("zero-size data");
	if (string && v->size % 2)
		ANOMALY("odd-length %s data (%zu bytes)", tname, v->size);
	else if (string && v->size >= 2 && get_le16(v->data + v->size - 2) != 0)
		ANOMALY("%s data without a NUL terminator", tname);
	if (v->type == REGT_MULTI_SZ && v->size >= 4 && v->size % 2 == 0 &&
	    get_le16(v->data + v->size - 4) != 0)
		ANOMALY("REG_MULTI_SZ data without the final empty string");
	if ((v->type == REGT_DWORD || v->type == REGT_DWORD_BIG_ENDIAN) && v->size != 4)
		ANOMALY("%s of %zu bytes (expected 4)", tname, v->size);
	if (v->type == REGT_QWORD && v->size != 8)
		ANOMALY("REG_QWORD of %zu bytes (expected 8)", v->size);
	if ((act == POL_DELETE_VALUE || act == POL_SOFT_SET) && !*target)
		ANOMALY("special value name '%s' names no value", v->name);
	if (act == POL_SECURE_KEY && (v->type != REGT_DWORD || v->size != 4))
		ANOMALY("**SecureKey should be a REG_DWORD of 0 or 1");
#undef ANOMALY
	return n;
}
