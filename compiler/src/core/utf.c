#include "core/utf.h"

int utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	if (!len)
		return -1;
	uint8_t c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	int n;
	uint32_t v, min;
	if ((c & 0xE0) == 0xC0) {
		n = 2; v = c & 0x1F; min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3; v = c & 0x0F; min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4; v = c & 0x07; min = 0x10000;
	} else {
		return -1;
	}
	if (len < (size_t)n)
		return -1;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return -1;
	*cp = v;
	return n;
}

bool utf8_valid(const char *s, size_t len, size_t *bad)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		int n = utf8_decode((const uint8_t *)s + i, len - i, &cp);
		if (n < 0) {
			if (bad)
				*bad = i;
			return false;
		}
		i += (size_t)n;
	}
	return true;
}

void strbuf_add_utf8(struct strbuf *sb, uint32_t cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp; n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6)); b[1] = (char)(0x80 | (cp & 0x3F)); n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12)); b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18)); b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); b[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
	}
	strbuf_add(sb, b, n);
}

void utf8_to_utf16le(struct strbuf *out, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		int n = utf8_decode((const uint8_t *)s + i, len - i, &cp);
		if (n < 0)
			BUG("utf8_to_utf16le: invalid UTF-8 must be refused before rendering");
		i += (size_t)n;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			strbuf_add_le16(out, (uint16_t)(0xD800 | (cp >> 10)));
			strbuf_add_le16(out, (uint16_t)(0xDC00 | (cp & 0x3FF)));
		} else {
			strbuf_add_le16(out, (uint16_t)cp);
		}
	}
}

bool utf16le_to_utf8(struct strbuf *out, const uint8_t *p, size_t nbytes)
{
	bool ok = (nbytes % 2) == 0;
	size_t n = nbytes / 2;
	for (size_t i = 0; i < n; i++) {
		uint32_t u = get_le16(p + 2 * i);
		if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
			uint32_t lo = get_le16(p + 2 * i + 2);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				strbuf_add_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
				i++;
				continue;
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF) {
			strbuf_add_utf8(out, 0xFFFD);
			ok = false;
			continue;
		}
		strbuf_add_utf8(out, u);
	}
	return ok;
}
