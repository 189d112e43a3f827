// strmap.c: a string-keyed hash map (open addressing, FNV-1a), and small helpers.
//
// Expansion must stay near-linear in the number of grants, so lookups by principal
// identity, capability name and baseline name go through this map rather than a
// scan. Keys and values belong to the caller (normally the compilation's arena).
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/internal.h"

void strmap_init(struct strmap *m)
{
	m->slots = NULL;
	m->cap = m->n = 0;
}

void strmap_release(struct strmap *m)
{
	free(m->slots);
	strmap_init(m);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211u;
	}
	return h;
}

static struct strmap_slot *find(const struct strmap *m, const char *key)
{
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)hash(key) & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];
		if (!s->key || !strcmp(s->key, key))
			return s;
	}
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	struct strmap_slot *s = find(m, key);
	return s->key ? s->value : NULL;
}

void **strmap_put(struct strmap *m, const char *key)
{
	// Keep the load factor at most one half so probes stay short.
	if ((m->n + 1) * 2 > m->cap) {
		struct strmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 16;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key) {
				*find(m, old.slots[i].key) = old.slots[i];
				m->n++;
			}
		free(old.slots);
	}
	struct strmap_slot *s = find(m, key);
	if (!s->key) {
		s->key = key;
		s->value = NULL;
		m->n++;
	}
	return &s->value;
}

const char *quote_text(struct arena *a, const char *s)
{
	enum { QUOTE_MAX = 60 };
	size_t len = strlen(s);
	if (len <= QUOTE_MAX)
		return s;
	// Cut on a UTF-8 character boundary.
	size_t cut = QUOTE_MAX;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	return arena_printf(a, "%.*s...", (int)cut, s);
}

char *arena_concat(struct arena *ar, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *r = arena_alloc(ar, la + lb + lc + 1);
	memcpy(r, a, la);
	memcpy(r + la, b, lb);
	memcpy(r + la + lb, c, lc + 1);
	return r;
}
