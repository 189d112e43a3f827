#ifndef GPOC_CORE_ARENA_H
#define GPOC_CORE_ARENA_H

// One arena per compilation (chibicc's and git's mem-pool reasoning): the AST, the
// model and every string they hold are allocated here and freed at once by
// arena_release(). Nothing allocated from an arena is ever freed on its own.

#include <stddef.h>

struct arena_block;
struct arena {
	struct arena_block *head;
	size_t used_total;
};
#define ARENA_INIT { 0, 0 }

void arena_init(struct arena *a);
void arena_release(struct arena *a);
// Zero-filled, aligned for any object.
void *arena_alloc(struct arena *a, size_t size);
void *arena_array(struct arena *a, size_t n, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void *arena_memdup(struct arena *a, const void *p, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
