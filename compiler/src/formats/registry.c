// Registry value helpers shared by the .reg, Registry.pol and GptTmpl.inf code.

#include "formats/registry.h"

#include <string.h>

#include "core/utf.h"
#include "formats/text.h"

const char *reg_type_name(uint32_t type)
{
	switch (type) {
	case REGT_NONE: return "REG_NONE";
	case REGT_SZ: return "REG_SZ";
	case REGT_EXPAND_SZ: return "REG_EXPAND_SZ";
	case REGT_BINARY: return "REG_BINARY";
	case REGT_DWORD: return "REG_DWORD";
	case REGT_DWORD_BIG_ENDIAN: return "REG_DWORD_BIG_ENDIAN";
	case REGT_LINK: return "REG_LINK";
	case REGT_MULTI_SZ: return "REG_MULTI_SZ";
	case 8: return "REG_RESOURCE_LIST";
	case 9: return "REG_FULL_RESOURCE_DESCRIPTOR";
	case 10: return "REG_RESOURCE_REQUIREMENTS_LIST";
	case REGT_QWORD: return "REG_QWORD";
	}
	return NULL;
}

static const struct {
	enum reg_hive hive;
	const char *name;
} hives[] = {
	{ HIVE_HKLM, "HKEY_LOCAL_MACHINE" },
	{ HIVE_HKCU, "HKEY_CURRENT_USER" },
	{ HIVE_HKCR, "HKEY_CLASSES_ROOT" },
	{ HIVE_HKU, "HKEY_USERS" },
};

const char *reg_hive_name(enum reg_hive hive)
{
	for (size_t i = 0; i < ARRAY_SIZE(hives); i++)
		if (hives[i].hive == hive)
			return hives[i].name;
	return NULL;
}

enum reg_hive reg_hive_from_name(const char *s, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(hives); i++)
		if (strlen(hives[i].name) == len && !ascii_strncasecmp(s, hives[i].name, len))
			return hives[i].hive;
	return HIVE_NONE;
}

static bool str_eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

bool reg_value_equal_nohive(const struct reg_value *a, const struct reg_value *b)
{
	return str_eq(a->key, b->key) && str_eq(a->name, b->name) && a->type == b->type &&
	       a->size == b->size && (!a->size || !memcmp(a->data, b->data, a->size));
}

bool reg_value_equal(const struct reg_value *a, const struct reg_value *b)
{
	return a->hive == b->hive && reg_value_equal_nohive(a, b);
}

bool reg_key_check(const char *key, bool allow_empty, struct strbuf *why)
{
	size_t len = strlen(key), bad;
	if (!len) {
		if (allow_empty)
			return true;
		strbuf_addstr(why, "key path is empty; expected a path below the hive such as 'SOFTWARE\\Vendor'");
		return false;
	}
	if (!utf8_valid(key, len, &bad)) {
		strbuf_addf(why, "key path '%s' is not valid UTF-8 (byte %zu)", fmt_q(key), bad);
		return false;
	}
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = (unsigned char)key[i];
		if (i < len && (c < 0x20 || c == 0x7f)) {
			strbuf_addf(why, "key path '%s' contains control character 0x%02x; registry files cannot carry it",
				    fmt_q(key), c);
			return false;
		}
		if (i < len && c != '\\')
			continue;
		if (i == start) {
			strbuf_addf(why, "key path '%s' has an empty component (leading, trailing or doubled '\\')",
				    fmt_q(key));
			return false;
		}
		if (utf16_units(key + start, i - start) > REG_MAX_KEY_COMPONENT) {
			strbuf_addf(why, "key name component '%s' is longer than %d characters", fmt_qn(key + start, i - start),
				    REG_MAX_KEY_COMPONENT);
			return false;
		}
		start = i + 1;
	}
	return true;
}

void reg_value_set_sz(struct reg_value *v, struct arena *a, uint32_t type, const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	utf8_to_utf16le(&sb, s, strlen(s));
	strbuf_add_le16(&sb, 0);
	v->type = type;
	v->size = sb.len;
	v->data = arena_memdup(a, sb.buf, sb.len);
	strbuf_release(&sb);
}

void reg_value_set_dword(struct reg_value *v, struct arena *a, uint32_t dw)
{
	uint8_t b[4];
	put_le32(b, dw);
	v->type = REGT_DWORD;
	v->size = 4;
	v->data = arena_memdup(a, b, 4);
}

void reg_value_set_binary(struct reg_value *v, struct arena *a, const void *p, size_t n)
{
	v->type = REGT_BINARY;
	v->size = n;
	v->data = n ? arena_memdup(a, p, n) : NULL;
}

bool reg_data_as_string(const uint8_t *data, size_t size, struct strbuf *out)
{
	if (size < 2 || size % 2 || get_le16(data + size - 2) != 0)
		return false;
	size_t n = size / 2 - 1;
	for (size_t i = 0; i < n; i++)
		if (get_le16(data + 2 * i) == 0)
			return false;
	struct strbuf tmp = STRBUF_INIT;
	bool ok = utf16le_to_utf8(&tmp, data, 2 * n);
	if (ok)
		strbuf_addbuf(out, &tmp);
	strbuf_release(&tmp);
	return ok;
}
