#ifndef GPOC_CORE_UTIL_H
#define GPOC_CORE_UTIL_H

// Small helpers every module uses: allocation that never returns NULL (gpoc treats
// out-of-memory as fatal, like git's xmalloc), BUG() for broken internal invariants,
// and little-endian byte helpers for the binary formats.

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#if defined(__GNUC__)
#define GPOC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define GPOC_NORETURN __attribute__((noreturn))
#else
#define GPOC_PRINTF(fmt, args)
#define GPOC_NORETURN
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

// Grows *items (of *alloc elements of elem_size) so that index `need - 1` is valid.
void grow_array(void **items, size_t *alloc, size_t need, size_t elem_size);
#define GROW(arr, alloc, need) grow_array((void **)&(arr), &(alloc), (need), sizeof(*(arr)))

// An internal invariant broke: a gpoc bug, never a user error.
GPOC_NORETURN void bug_at(const char *file, int line, const char *fmt, ...) GPOC_PRINTF(3, 4);
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)

static inline void put_le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline uint16_t get_le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

// ASCII-only case helpers: gpoc never depends on the C locale.
static inline int ascii_tolower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static inline int ascii_toupper(int c) { return (c >= 'a' && c <= 'z') ? c - 32 : c; }
static inline bool ascii_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool ascii_isxdigit(int c)
{
	return ascii_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline bool ascii_isalpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool ascii_isspace(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
int ascii_strcasecmp(const char *a, const char *b);
int ascii_strncasecmp(const char *a, const char *b, size_t n);

// Levenshtein distance, for "did you mean" suggestions.
size_t edit_distance(const char *a, const char *b);
// Of `n` candidates, the closest to `word` if it is near enough to be a likely typo.
const char *closest_word(const char *word, const char *const *candidates, size_t n);

#endif
