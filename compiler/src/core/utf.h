#ifndef GPOC_CORE_UTF_H
#define GPOC_CORE_UTF_H

// UTF-8 (intents, SDDL, diagnostics) and UTF-16LE (.reg, Registry.pol, GptTmpl.inf).
// The decoders are strict: overlong forms, surrogates and code points past U+10FFFF
// are invalid UTF-8.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

// Decodes one code point; returns the bytes used (1-4), or -1 if invalid/truncated.
int utf8_decode(const uint8_t *s, size_t len, uint32_t *cp);
// True if all of s[0..len) is valid UTF-8; else *bad gets the offset of the first bad byte.
bool utf8_valid(const char *s, size_t len, size_t *bad);
void strbuf_add_utf8(struct strbuf *sb, uint32_t cp);
// Appends UTF-16LE bytes (no BOM, no terminator). `s` must be valid UTF-8.
void utf8_to_utf16le(struct strbuf *out, const char *s, size_t len);
// Appends UTF-8. Returns false (leaving U+FFFD in place) on an unpaired surrogate or an odd byte count.
bool utf16le_to_utf8(struct strbuf *out, const uint8_t *p, size_t nbytes);

#endif
