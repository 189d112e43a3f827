// settings.c: what a .reg file or a Registry.pol leaves in force.
//
// Both files are programs: operations applied in order. An intent is a set of
// values, so the importer first runs the program in its head. A value set twice
// is imported once, as the last set leaves it; a value deleted after it was set is
// not imported at all; a key deleted with its subtree ([-HKEY_...] in a .reg,
// **DeleteKeys in a Registry.pol) or emptied of its values (**delvals.,
// **DeleteValues) takes every earlier value below it along. Each operation the
// intent cannot say (every kind of delete, **SecureKey, **soft.) becomes a note at
// its place, and so does every set that a later operation undid, naming that
// operation, so nothing in the file disappears without a word.
//
// Values are compared as Windows compares registry names: case-insensitively (in
// ASCII, as the model compares them, so the two cannot disagree). Lookups go
// through sorting and hash maps: a hostile file of a million entries costs
// O(n log n), not O(n^2).
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "formats/pol.h"
#include "formats/regfile.h"
#include "formats/registry.h"
#include "importer/internal.h"

enum { PATH_SHOWN_MAX = 200 };

// Text for messages: cut at a character boundary past PATH_SHOWN_MAX bytes.
const char *imp_cut(struct imp *im, const char *s)
{
	size_t len = strlen(s);
	if (len <= PATH_SHOWN_MAX)
		return s;
	size_t cut = PATH_SHOWN_MAX;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	return arena_printf(im->a, "%.*s...", (int)cut, s);
}

const char *setting_path(struct imp *im, enum reg_hive hive, const char *key, const char *name)
{
	// A Registry.pol has no hive in its keys: show them as the file holds them.
	const char *h = im->r->pol ? NULL : reg_hive_name(hive);
	const char *shown_name = name ? (*name ? name : "@") : NULL;
	return arena_printf(im->a, "%s%s%s%s%s", h ? h : "", h && *key ? "\\" : "", key,
			    shown_name ? "\\" : "", shown_name ? shown_name : "");
}

const char *where_text(struct imp *im, struct where at)
{
	if (im->r->pol)
		return arena_printf(im->a, "offset 0x%zx", at.offset);
	return arena_printf(im->a, "line %" PRIu32, at.line);
}

// --- Events: the operations that matter for what stays in force ---

enum ev_kind {
	EV_SET,            // a value is set
	EV_DEL_VALUE,      // one value is deleted
	EV_DEL_TREE,       // a key and everything below it is deleted
	EV_DEL_KEY_VALUES, // every value of one key is deleted
};

struct event {
	enum ev_kind kind;
	const char *lkey; // hive digit, ':', key in ASCII lowercase
	size_t lkey_len;
	const char *lname; // value name in ASCII lowercase (EV_SET, EV_DEL_VALUE)
	size_t seq;
	struct where at;
	const struct reg_value *v; // EV_SET: the value as read
};

struct events {
	struct event *v;
	size_t n, alloc;
	struct arena arena; // lowercase keys and names
};

static char *lower_dup(struct arena *a, const char *prefix, const char *s)
{
	size_t pl = strlen(prefix), n = strlen(s);
	char *r = arena_alloc(a, pl + n + 1);
	memcpy(r, prefix, pl);
	for (size_t i = 0; i < n; i++)
		r[pl + i] = (char)ascii_tolower((unsigned char)s[i]);
	r[pl + n] = '\0';
	return r;
}

static void add_event(struct events *ev, enum ev_kind kind, enum reg_hive hive, const char *key,
		      const char *name, struct where at, const struct reg_value *v)
{
	GROW(ev->v, ev->alloc, ev->n + 1);
	struct event *e = &ev->v[ev->n];
	char hp[3] = {(char)('0' + (int)hive), ':', '\0'};
	e->kind = kind;
	e->lkey = lower_dup(&ev->arena, hp, key);
	e->lkey_len = strlen(e->lkey);
	e->lname = name ? lower_dup(&ev->arena, "", name) : NULL;
	e->seq = ev->n;
	e->at = at;
	e->v = v;
	ev->n++;
}

static int cmp_value_event(const void *pa, const void *pb)
{
	const struct event *a = *(const struct event *const *)pa, *b = *(const struct event *const *)pb;
	int c = strcmp(a->lkey, b->lkey);
	if (!c)
		c = strcmp(a->lname, b->lname);
	if (!c)
		c = a->seq < b->seq ? -1 : a->seq > b->seq;
	return c;
}

// The later of two events kept in a map slot.
static void keep_latest(void **slot, const struct event *e)
{
	const struct event *old = *slot;
	if (!old || old->seq < e->seq)
		*slot = (void *)(uintptr_t)e;
}

static void copy_value(struct imp *im, const struct reg_value *from, struct reg_value *to)
{
	*to = *from;
	to->key = arena_strdup(im->a, from->key);
	to->name = arena_strdup(im->a, from->name);
	to->data = arena_memdup(im->a, from->data, from->size ? from->size : 1);
}

// Runs the events and appends the sets still in force, in file order.
static void resolve(struct imp *im, struct events *ev, struct setting **out, size_t *n_out)
{
	size_t n = ev->n;
	const struct event **undone = xcalloc(n ? n : 1, sizeof(*undone));

	// A value's last set or delete wins over its earlier sets.
	const struct event **byval = xmalloc((n ? n : 1) * sizeof(*byval));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (ev->v[i].kind == EV_SET || ev->v[i].kind == EV_DEL_VALUE)
			byval[k++] = &ev->v[i];
	qsort(byval, k, sizeof(*byval), cmp_value_event);
	for (size_t i = 0; i + 1 < k; i++) {
		const struct event *a = byval[i], *b = byval[i + 1];
		if (a->kind == EV_SET && !strcmp(a->lkey, b->lkey) && !strcmp(a->lname, b->lname))
			undone[a->seq] = b;
	}
	free(byval);

	// Deleted keys and emptied keys take the values set before them along.
	struct bmap tree, emptied;
	bmap_init(&tree);
	bmap_init(&emptied);
	for (size_t i = 0; i < n; i++) {
		const struct event *e = &ev->v[i];
		if (e->kind == EV_DEL_TREE)
			keep_latest(bmap_put(&tree, e->lkey, e->lkey_len), e);
		else if (e->kind == EV_DEL_KEY_VALUES)
			keep_latest(bmap_put(&emptied, e->lkey, e->lkey_len), e);
	}
	for (size_t i = 0; i < n; i++) {
		const struct event *e = &ev->v[i];
		if (e->kind != EV_SET || undone[i])
			continue;
		const struct event *d = bmap_get(&emptied, e->lkey, e->lkey_len);
		if (d && d->seq > e->seq) {
			undone[i] = d;
			continue;
		}
		if (!tree.n)
			continue;
		// Every ancestor: the hive root ("1:"), then each prefix ending before a '\'.
		for (size_t j = 2; j <= e->lkey_len && !undone[i]; j++) {
			if (j != 2 && j != e->lkey_len && e->lkey[j] != '\\')
				continue;
			d = bmap_get(&tree, e->lkey, j);
			if (d && d->seq > e->seq)
				undone[i] = d;
		}
	}
	bmap_release(&tree);
	bmap_release(&emptied);

	struct setting *s = xmalloc((n ? n : 1) * sizeof(*s));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const struct event *e = &ev->v[i];
		if (e->kind != EV_SET)
			continue;
		if (undone[i]) {
			const char *path = imp_cut(im, setting_path(im, e->v->hive, e->v->key, e->v->name));
			if (undone[i]->kind == EV_SET)
				imp_note(im, e->at, true,
					 "'%s' is set again at %s; the last setting is imported", path,
					 where_text(im, undone[i]->at));
			else
				imp_note(im, e->at, true,
					 "'%s' is deleted later, at %s, so it is not imported", path,
					 where_text(im, undone[i]->at));
			continue;
		}
		copy_value(im, e->v, &s[m].v);
		s[m].at = e->at;
		m++;
	}
	free(undone);
	*out = s;
	*n_out = m;
}

static const char *const only_sets =
    "an intent only sets values (gpoc writes the deletes itself, into revert files)";

bool settings_from_reg(struct imp *im, const uint8_t *p, size_t len, struct setting **out, size_t *n)
{
	struct reg_doc d;
	reg_doc_init(&d);
	struct fmt_error err;
	memset(&err, 0, sizeof(err));
	if (!regfile_read(p, len, &d, &err)) {
		im->r->error = err;
		reg_doc_release(&d);
		return false;
	}
	struct events ev = {0};
	arena_init(&ev.arena);
	for (size_t i = 0; i < d.n; i++) {
		const struct reg_op *op = &d.ops[i];
		struct where at = {.line = op->line};
		switch (op->kind) {
		case REG_OP_COMMENT:
		case REG_OP_KEY:
			break;
		case REG_OP_DELETE_KEY:
			imp_note(im, at, true, "deletes key '%s' and everything below it; %s",
				 imp_cut(im, setting_path(im, op->v.hive, op->v.key, NULL)), only_sets);
			add_event(&ev, EV_DEL_TREE, op->v.hive, op->v.key, NULL, at, NULL);
			break;
		case REG_OP_SET:
			add_event(&ev, EV_SET, op->v.hive, op->v.key, op->v.name, at, &op->v);
			break;
		case REG_OP_DELETE_VALUE:
			imp_note(im, at, true, "deletes value '%s'; %s",
				 imp_cut(im, setting_path(im, op->v.hive, op->v.key, op->v.name)), only_sets);
			add_event(&ev, EV_DEL_VALUE, op->v.hive, op->v.key, op->v.name, at, NULL);
			break;
		}
	}
	resolve(im, &ev, out, n);
	free(ev.v);
	arena_release(&ev.arena);
	reg_doc_release(&d);
	return true;
}

// The ';'-separated names of a **DeleteValues / **DeleteKeys entry, or false when
// its data is not one clean string.
static bool pol_list(const struct reg_value *v, struct strbuf *out)
{
	if (v->type != REGT_SZ && v->type != REGT_EXPAND_SZ)
		return false;
	return reg_data_as_string(v->data, v->size, out);
}

bool settings_from_pol(struct imp *im, const uint8_t *p, size_t len, struct setting **out, size_t *n)
{
	struct pol_doc d;
	pol_doc_init(&d);
	struct fmt_error err;
	memset(&err, 0, sizeof(err));
	if (!pol_read(p, len, &d, &err)) {
		im->r->error = err;
		pol_doc_release(&d);
		return false;
	}
	struct events ev = {0};
	arena_init(&ev.arena);
	for (size_t i = 0; i < d.n; i++) {
		struct reg_value *v = &d.v[i].v;
		struct where at = {.offset = d.v[i].offset};
		// A computer GPO's registry.pol: every key is below HKEY_LOCAL_MACHINE.
		v->hive = HIVE_HKLM;
		const char *target;
		enum pol_action act = pol_classify(v->name, &target);
		const char *key_path = imp_cut(im, setting_path(im, v->hive, v->key, NULL));
		struct strbuf list = STRBUF_INIT;
		switch (act) {
		case POL_SET:
			add_event(&ev, EV_SET, v->hive, v->key, v->name, at, v);
			break;
		case POL_DELETE_VALUE:
			imp_note(im, at, true, "deletes value '%s' ('%s'); %s",
				 imp_cut(im, setting_path(im, v->hive, v->key, target)), imp_cut(im, v->name),
				 only_sets);
			add_event(&ev, EV_DEL_VALUE, v->hive, v->key, target, at, NULL);
			break;
		case POL_DELETE_ALL_VALUES:
			imp_note(im, at, true, "deletes every value of key '%s' ('%s'); %s", key_path,
				 imp_cut(im, v->name), only_sets);
			add_event(&ev, EV_DEL_KEY_VALUES, v->hive, v->key, NULL, at, NULL);
			break;
		case POL_DELETE_VALUES:
		case POL_DELETE_KEYS: {
			bool keys = act == POL_DELETE_KEYS;
			bool listed = pol_list(v, &list);
			imp_note(im, at, true, "deletes %s of key '%s' ('%s'%s%s%s); %s",
				 keys ? "subkeys" : "values", key_path, imp_cut(im, v->name),
				 listed ? ": '" : "", listed ? imp_cut(im, list.buf) : "", listed ? "'" : "",
				 only_sets);
			// The names are relative to the entry's key ([MS-GPREG] 2.2.1.2).
			for (char *s = list.buf; listed && *s;) {
				char *semi = strchr(s, ';');
				if (semi)
					*semi = '\0';
				if (*s && keys) {
					char *sub =
					    arena_printf(&ev.arena, "%s%s%s", v->key, *v->key ? "\\" : "", s);
					add_event(&ev, EV_DEL_TREE, v->hive, sub, NULL, at, NULL);
				} else if (*s) {
					add_event(&ev, EV_DEL_VALUE, v->hive, v->key, s, at, NULL);
				}
				if (!semi)
					break;
				s = semi + 1;
			}
			break;
		}
		case POL_SECURE_KEY:
			imp_note(im, at, true,
				 "secures the access control list of key '%s' ('%s'); an intent "
				 "cannot say that",
				 key_path, imp_cut(im, v->name));
			break;
		case POL_SOFT_SET:
			imp_note(im, at, true,
				 "sets '%s' only where it does not exist yet ('%s'); a registry-value "
				 "grant always sets the value",
				 imp_cut(im, setting_path(im, v->hive, v->key, target)),
				 imp_cut(im, v->name));
			break;
		}
		strbuf_release(&list);
	}
	resolve(im, &ev, out, n);
	free(ev.v);
	arena_release(&ev.arena);
	pol_doc_release(&d);
	return true;
}
