// File kind detection for `gpoc decode`: a look at the first bytes only.
//
// Order matters: the binary signatures first ("PReg"; a descriptor's revision byte
// 1, which no text starts with), then text, decoded from UTF-16LE when it has the
// BOM, by its first non-blank characters: a .reg header, an INF section or
// comment, SDDL section letters, or nothing but hex digit pairs and separators.

#include "formats/describe.h"

#include <string.h>

#include "core/util.h"

const char *file_kind_name(enum file_kind k)
{
	switch (k) {
	case FILE_REG5: return "reg";
	case FILE_REGEDIT4: return "regedit4";
	case FILE_POL: return "pol";
	case FILE_INF: return "inf";
	case FILE_SD_BINARY: return "sd-binary";
	case FILE_SD_HEX: return "sd-hex";
	case FILE_SDDL: return "sddl";
	case FILE_UNKNOWN: break;
	}
	return "unknown";
}

enum { SNIFF_CHARS = 64 };

// The first characters of the text as ASCII ('?' for anything else), after a BOM.
static size_t sniff_text(const uint8_t *p, size_t len, char *out, size_t cap, bool *utf16)
{
	size_t n = 0;
	*utf16 = len >= 2 && p[0] == 0xFF && p[1] == 0xFE;
	if (*utf16) {
		for (size_t i = 2; i + 1 < len && n < cap; i += 2) {
			uint16_t u = get_le16(p + i);
			out[n++] = u < 0x80 ? (char)u : '?';
		}
	} else {
		size_t i = (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) ? 3 : 0;
		for (; i < len && n < cap; i++)
			out[n++] = p[i] < 0x80 ? (char)p[i] : '?';
	}
	return n;
}

static bool starts(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);
	return n >= w && !memcmp(s, word, w);
}

static bool hex_text(const uint8_t *p, size_t len)
{
	size_t i = 0, digits = 0;
	while (i < len && ascii_isspace(p[i]))
		i++;
	if (len - i >= 4 && !ascii_strncasecmp((const char *)p + i, "hex:", 4))
		i += 4;
	size_t first = len;
	for (; i < len; i++) {
		if (ascii_isspace(p[i]) || p[i] == ',' || p[i] == '\\')
			continue;
		if (!ascii_isxdigit(p[i]))
			return false;
		if (first == len)
			first = i;
		digits++;
	}
	// A descriptor is at least its 20-byte header and starts with revision 01.
	return digits >= 40 && digits % 2 == 0 && p[first] == '0' && p[first + 1] == '1';
}

enum file_kind detect_file_kind(const uint8_t *p, size_t len)
{
	if (len >= 8 && !memcmp(p, "PReg", 4))
		return FILE_POL;
	if (len >= 20 && p[0] == 1 && p[1] == 0 && (p[3] & 0x80))
		return FILE_SD_BINARY;
	char s[SNIFF_CHARS];
	bool utf16;
	size_t n = sniff_text(p, len, s, sizeof(s), &utf16), i = 0;
	while (i < n && ascii_isspace(s[i]))
		i++;
	if (starts(s + i, n - i, "Windows Registry Editor Version 5.00"))
		return FILE_REG5;
	if (starts(s + i, n - i, "REGEDIT4"))
		return FILE_REGEDIT4;
	if (i < n && (s[i] == '[' || s[i] == ';'))
		return FILE_INF;
	if (n - i >= 2 && (s[i] == 'O' || s[i] == 'G' || s[i] == 'D' || s[i] == 'S') && s[i + 1] == ':')
		return FILE_SDDL;
	if (!utf16 && hex_text(p, len))
		return FILE_SD_HEX;
	return FILE_UNKNOWN;
}
