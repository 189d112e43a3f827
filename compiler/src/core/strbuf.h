#ifndef GPOC_CORE_STRBUF_H
#define GPOC_CORE_STRBUF_H

// A growable byte buffer, after git's strbuf.
//
// Invariants: `buf` is never NULL and `buf[len]` is always '\0', so a strbuf can be
// handed to any function that wants a C string, even when it also holds binary data
// (the binary formats use it as a byte vector; `len` is authoritative there).
// STRBUF_INIT and strbuf_init() give an empty buffer that owns no memory;
// strbuf_release() frees and re-initialises; strbuf_detach() hands the memory over.

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_empty[];
#define STRBUF_INIT { 0, 0, strbuf_empty }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
static inline void strbuf_reset(struct strbuf *sb) { strbuf_setlen(sb, 0); }

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
// Inline: the renderers write tens of megabytes a byte at a time (escaping), and a
// call per byte was a tenth of a build. strbuf_grow() handles the unallocated case.
static inline void strbuf_addch(struct strbuf *sb, int c)
{
	if (sb->len + 1 >= sb->alloc)
		strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) GPOC_PRINTF(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) GPOC_PRINTF(2, 0);
void strbuf_add_le16(struct strbuf *sb, uint16_t v);
void strbuf_add_le32(struct strbuf *sb, uint32_t v);
// Appends `n` bytes as lowercase hex with no separators.
void strbuf_add_hex(struct strbuf *sb, const void *data, size_t n);

#endif
