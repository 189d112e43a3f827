// importer.c: import_run() and the bookkeeping every step shares.
//
// The steps run in one direction: read the file into the settings still in force
// at its end (settings.c), decide what each one becomes (classify.c), then write,
// compile and correct the intent until the compiler accepts every grant as the
// setting it came from (emit.c, verify.c). Each step that declines a setting adds
// a note at the setting's place in the file; the notes come out sorted by that
// place, so a reviewer reads them in file order whichever step wrote them.
#include "importer/internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "formats/describe.h"

// --- bmap ---

void bmap_init(struct bmap *m)
{
	m->slots = NULL;
	m->cap = m->n = 0;
}

void bmap_release(struct bmap *m)
{
	free(m->slots);
	bmap_init(m);
}

static uint64_t bhash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211u;
	}
	return h;
}

static struct bmap_slot *bfind(const struct bmap *m, const char *key, size_t len)
{
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)bhash(key, len) & mask;; i = (i + 1) & mask) {
		struct bmap_slot *s = &m->slots[i];
		if (!s->key || (s->len == len && !memcmp(s->key, key, len)))
			return s;
	}
}

void *bmap_get(const struct bmap *m, const char *key, size_t len)
{
	if (!m->cap)
		return NULL;
	struct bmap_slot *s = bfind(m, key, len);
	return s->key ? s->value : NULL;
}

void **bmap_put(struct bmap *m, const char *key, size_t len)
{
	// Load factor at most one half keeps probes short.
	if ((m->n + 1) * 2 > m->cap) {
		struct bmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 16;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key) {
				*bfind(m, old.slots[i].key, old.slots[i].len) = old.slots[i];
				m->n++;
			}
		free(old.slots);
	}
	struct bmap_slot *s = bfind(m, key, len);
	if (!s->key) {
		s->key = key;
		s->len = len;
		s->value = NULL;
		m->n++;
	}
	return &s->value;
}

// --- Notes and items ---

void imp_note(struct imp *im, struct where at, bool skipped, const char *fmt, ...)
{
	struct import_result *r = im->r;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	GROW(r->notes, r->alloc_notes, r->n_notes + 1);
	struct import_note *n = &r->notes[r->n_notes++];
	n->skipped = skipped;
	n->line = at.line;
	n->offset = at.offset;
	n->message = arena_strdup(im->a, sb.buf);
	strbuf_release(&sb);
	if (skipped)
		r->n_skipped++;
}

struct item *imp_add_item(struct imp *im, enum item_kind kind, struct where at, const char *path)
{
	GROW(im->items, im->alloc_items, im->n_items + 1);
	struct item *it = &im->items[im->n_items++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->at = at;
	it->path = path;
	it->n_variants = 1;
	secdesc_init(&it->sd);
	return it;
}

void imp_release(struct imp *im)
{
	for (size_t i = 0; i < im->n_items; i++) {
		secdesc_release(&im->items[i].sd);
		free(im->items[i].grants);
	}
	free(im->items);
	im->items = NULL;
	im->n_items = im->alloc_items = 0;
}

// --- Helpers shared by classify.c and emit.c ---

const char **mask_rights(struct arena *a, enum rights_vocab v, uint32_t mask)
{
	const char *const *names = rights_names(v);
	size_t n = 0;
	while (names[n])
		n++;
	const char **out = arena_array(a, n + 1, sizeof(*out));
	size_t k = 0;
	uint32_t named = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t bit;
		if (!rights_from_name(v, names[i], &bit) || !bit || (mask & bit) != bit)
			continue;
		out[k++] = names[i];
		named |= bit;
	}
	// The grant's rights must give back this very mask, with nothing unnamed left.
	if (!k || rights_effective_mask(v, named) != mask)
		return NULL;
	return out;
}

enum rights_vocab dkind_vocab(enum descriptor_kind k)
{
	return k == DESC_MACHINE_LAUNCH || k == DESC_APPID_LAUNCH ? VOCAB_COM_LAUNCH : VOCAB_COM_ACCESS;
}

const char *principal_key(struct arena *a, const struct sid *sid)
{
	char buf[SID_TEXT_MAX + 8];
	memcpy(buf, "sid-", 4);
	size_t n = sid_format_buf(sid, buf + 4) + 4;
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)ascii_tolower((unsigned char)buf[i]);
	return arena_strndup(a, buf, n);
}

// --- import_run ---

void import_result_init(struct import_result *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->yaml, 0);
	strbuf_init(&r->message, 0);
	arena_init(&r->arena);
}

void import_result_release(struct import_result *r)
{
	strbuf_release(&r->yaml);
	strbuf_release(&r->message);
	free(r->notes);
	arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}

// Notes sorted by their place in the file; at one place, in the order they were
// made (qsort is not stable, so the index is the last key).
struct keyed_note {
	struct import_note n;
	size_t i;
};

static int cmp_note(const void *pa, const void *pb)
{
	const struct keyed_note *a = pa, *b = pb;
	if (a->n.line != b->n.line)
		return a->n.line < b->n.line ? -1 : 1;
	if (a->n.offset != b->n.offset)
		return a->n.offset < b->n.offset ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

static void sort_notes(struct import_result *r)
{
	struct keyed_note *k = xmalloc((r->n_notes ? r->n_notes : 1) * sizeof(*k));
	for (size_t i = 0; i < r->n_notes; i++) {
		k[i].n = r->notes[i];
		k[i].i = i;
	}
	qsort(k, r->n_notes, sizeof(*k), cmp_note);
	for (size_t i = 0; i < r->n_notes; i++)
		r->notes[i] = k[i].n;
	free(k);
}

enum import_status import_run(const uint8_t *p, size_t len, const struct import_options *o,
			      struct import_result *r)
{
	struct imp im = {.o = o, .r = r, .a = &r->arena};
	enum file_kind kind = detect_file_kind(p, len);
	struct setting *settings = NULL;
	size_t n = 0;
	enum import_status status = IMPORT_OK;
	bool read_ok;
	switch (kind) {
	case FILE_REG5:
	case FILE_REGEDIT4:
		read_ok = settings_from_reg(&im, p, len, &settings, &n);
		break;
	case FILE_POL:
		r->pol = true;
		read_ok = settings_from_pol(&im, p, len, &settings, &n);
		break;
	default:
		return IMPORT_UNKNOWN_KIND;
	}
	if (!read_ok) {
		free(settings);
		return IMPORT_MALFORMED;
	}
	classify_settings(&im, settings, n);
	free(settings);
	size_t live = 0;
	for (size_t i = 0; i < im.n_items; i++)
		live += !im.items[i].dropped;
	// verify_and_finish() sets the status whether or not it succeeds.
	if (!live)
		status = IMPORT_NOTHING;
	else
		verify_and_finish(&im, &status);
	for (size_t i = 0; i < im.n_items; i++)
		r->n_imported += !im.items[i].dropped;
	if (status == IMPORT_OK && !r->n_imported)
		status = IMPORT_NOTHING;
	sort_notes(r);
	imp_release(&im);
	return status;
}
