// load.c: YAML text to a ynode tree that remembers where everything came from.
//
// This is the only file that talks to libyaml, and it uses the event API rather than
// yaml_parser_load(): libyaml's document loader has no limits, builds its tree
// recursively and expands nothing itself, so hostile input would be free to exhaust
// memory before we could look at it. Reading events lets every limit of
// struct yaml_limits be enforced at the moment it is crossed.
//
// The work happens in three passes over the input:
//
//  1. prescan() looks at the raw bytes before libyaml does: size, UTF-16/32 text,
//     NUL bytes, invalid UTF-8, control characters. libyaml would either decode
//     UTF-16 silently or stop with a message that points at the wrong place.
//
//  2. The event loop in yaml_load() builds the tree bottom-up with an explicit stack
//     of frames (one per open mapping or sequence), so nesting never costs C stack.
//     Problems that leave the document readable (an explicit tag, a duplicate key,
//     a merge key, a non-scalar key, an oversized or NUL-holding string) are
//     reported and the offending piece is dropped; reading goes on so that every
//     such problem is reported at once. Problems that make further reading
//     meaningless or dangerous (a syntax error, nesting or node or alias limits, a
//     second document) stop the loop.
//
//  3. The diagnostics of this file are sorted by position, because duplicate keys
//     are only known when their mapping closes, after the errors inside it.
//
// Positions. libyaml's marks count characters from 0 and treat CR, NEL, LS and PS as
// line breaks; diagnostics print lines split at LF only. So marks are not used for
// their line and column: their character index is mapped back to the source text by
// struct posmap, which counts lines the way core/diag.c prints them. A UTF-8 byte
// order mark is not given to libyaml at all (with the encoding set explicitly, it
// would count the mark as a column of indentation); the map adds it back as the
// first character of line 1, which is how the caret printer counts it.
//
// Aliases are expanded by copying the anchored node itself (with the alias's
// position) and sharing its children: the tree is read-only after loading, so
// sharing is invisible to readers, and the alias budget counts every node reached
// through an alias, so the shared structure cannot stand for an exponential tree
// ("billion laughs").
#include "intent/ynode.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/strbuf.h"
#include "core/utf.h"

const struct yaml_limits yaml_default_limits = {
	.max_file_bytes = 8u * 1024 * 1024,
	.max_scalar_bytes = 64u * 1024,
	.max_depth = 64,
	.max_nodes = 200000,
	.max_alias_nodes = 10000,
	.max_anchors = 10000,
};

// Longest piece of user text quoted inside a message; the rest becomes "...".
enum { QUOTE_MAX = 60 };

// ---------------------------------------------------------------------------
// Positions

// Checkpoints every PM_STEP characters let the map go backwards cheaply.
enum { PM_STEP = 4096 };

struct pm_mark {
	size_t chr, byte;
	uint32_t line, col;
};

struct posmap {
	const struct src_file *f;
	size_t offset; // characters before libyaml's index 0: 1 after a UTF-8 BOM
	struct pm_mark cur;
	struct pm_mark *cps; // cps[k] is the mark at character k * PM_STEP
	size_t n_cps, alloc_cps;
};

static void pm_init(struct posmap *pm, const struct src_file *f, size_t offset)
{
	memset(pm, 0, sizeof(*pm));
	pm->f = f;
	pm->offset = offset;
	pm->cur.line = pm->cur.col = 1;
	GROW(pm->cps, pm->alloc_cps, 1);
	pm->cps[pm->n_cps++] = pm->cur;
}

static void pm_release(struct posmap *pm)
{
	free(pm->cps);
}

// Steps over one character exactly as diag.c's caret code does: a valid UTF-8
// sequence is one column, any other byte is one column too.
static void pm_step(const struct src_file *f, struct pm_mark *m)
{
	unsigned char c = (unsigned char)f->text[m->byte];
	int n = 1;
	if (c >= 0x80) {
		uint32_t cp;
		n = utf8_decode((const uint8_t *)f->text + m->byte, f->len - m->byte, &cp);
		if (n <= 0)
			n = 1;
	}
	m->byte += (size_t)n;
	m->chr++;
	if (c == '\n') {
		m->line++;
		m->col = 1;
	} else {
		m->col++;
	}
}

static struct src_pos pm_pos(struct posmap *pm, size_t yaml_index)
{
	size_t target = yaml_index + pm->offset;
	if (target < pm->cur.chr)
		pm->cur = pm->cps[target / PM_STEP];
	while (pm->cur.chr < target && pm->cur.byte < pm->f->len) {
		pm_step(pm->f, &pm->cur);
		if (pm->cur.chr % PM_STEP == 0 && pm->cur.chr / PM_STEP == pm->n_cps) {
			GROW(pm->cps, pm->alloc_cps, pm->n_cps + 1);
			pm->cps[pm->n_cps++] = pm->cur;
		}
	}
	return src_pos_make(pm->f, pm->cur.line, pm->cur.col);
}

// The position of byte `byte` (for problems found before libyaml runs).
static struct src_pos pos_at_byte(const struct src_file *f, size_t byte)
{
	struct pm_mark m = { 0, 0, 1, 1 };
	while (m.byte < byte && m.byte < f->len)
		pm_step(f, &m);
	return src_pos_make(f, m.line, m.col);
}

// ---------------------------------------------------------------------------
// Quoting user text in messages

// Appends `s` for use inside '...' in a message, cut at QUOTE_MAX bytes on a
// character boundary. Control bytes stay as they are: diag printing escapes them.
static const char *quote(struct strbuf *sb, const char *s, size_t len)
{
	strbuf_reset(sb);
	if (len <= QUOTE_MAX) {
		strbuf_add(sb, s, len);
		return sb->buf;
	}
	size_t cut = QUOTE_MAX;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	strbuf_add(sb, s, cut);
	strbuf_addstr(sb, "...");
	return sb->buf;
}

// ---------------------------------------------------------------------------
// Pass 1: the raw bytes

static bool starts_with(const struct src_file *f, const char *bytes, size_t n)
{
	return f->len >= n && !memcmp(f->text, bytes, n);
}

// UTF-16 and UTF-32 text, with or without a byte order mark. Without one, ASCII
// text in those encodings shows NUL bytes at fixed places among the first four.
static const char *wide_encoding(const struct src_file *f)
{
	if (starts_with(f, "\x00\x00\xFE\xFF", 4))
		return "UTF-32BE (it starts with the byte order mark 00 00 FE FF)";
	if (starts_with(f, "\xFF\xFE\x00\x00", 4))
		return "UTF-32LE (it starts with the byte order mark FF FE 00 00)";
	if (starts_with(f, "\xFE\xFF", 2))
		return "UTF-16BE (it starts with the byte order mark FE FF)";
	if (starts_with(f, "\xFF\xFE", 2))
		return "UTF-16LE (it starts with the byte order mark FF FE)";
	if (f->len < 4)
		return NULL;
	const unsigned char *p = (const unsigned char *)f->text;
	if (p[0] && !p[1] && !p[2] && !p[3])
		return "UTF-32LE (NUL bytes between its characters)";
	if (!p[0] && !p[1] && !p[2] && p[3])
		return "UTF-32BE (NUL bytes between its characters)";
	if (p[0] && !p[1] && p[2] && !p[3])
		return "UTF-16LE (NUL bytes between its characters)";
	if (!p[0] && p[1] && !p[2] && p[3])
		return "UTF-16BE (NUL bytes between its characters)";
	return NULL;
}

// YAML's printable set (YAML 1.1 §5.1, what libyaml's reader enforces), less NUL,
// which gets its own message.
static bool is_yaml_printable(uint32_t cp)
{
	return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0x7E) || cp == 0x85 ||
	       (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
	       (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Returns false after reporting the first problem; later bytes of a file in the
// wrong encoding would only repeat it.
static bool prescan(const struct src_file *f, const struct yaml_limits *lim, struct diag *d)
{
	struct src_pos whole = src_pos_make(f, 0, 0);
	if (f->len > lim->max_file_bytes) {
		diag_error(d, whole, "file is too large (%zu bytes); intents are limited to %zu bytes", f->len,
			   lim->max_file_bytes);
		return false;
	}
	const char *wide = wide_encoding(f);
	if (wide) {
		diag_error(d, whole, "file is encoded as %s; save it as UTF-8", wide);
		return false;
	}
	const uint8_t *p = (const uint8_t *)f->text;
	size_t i = starts_with(f, "\xEF\xBB\xBF", 3) ? 3 : 0;
	while (i < f->len) {
		if (p[i] == '\0') {
			diag_error(d, pos_at_byte(f, i), "NUL byte in the file; intents are UTF-8 text");
			return false;
		}
		uint32_t cp = p[i];
		int n = 1;
		if (cp >= 0x80) {
			n = utf8_decode(p + i, f->len - i, &cp);
			if (n < 0) {
				diag_error(d, pos_at_byte(f, i),
					   "invalid UTF-8 (byte 0x%02X); save the file as UTF-8", p[i]);
				return false;
			}
		}
		if (!is_yaml_printable(cp)) {
			diag_add(d, DIAG_ERROR, pos_at_byte(f, i), NULL,
				 "inside a double-quoted string, write it as an escape", cp < 0x100 ?
				 "control character U+%04X is not allowed in YAML text; write it as \\x%02x" :
				 "character U+%04X is not allowed in YAML text; write it as \\u%04x",
				 (unsigned)cp, (unsigned)cp);
			return false;
		}
		i += (size_t)n;
	}
	return true;
}

// ---------------------------------------------------------------------------
// Pass 2: events to tree

struct frame {
	struct ynode *node;   // the open mapping or sequence
	size_t weight;        // nodes in this subtree so far, aliases at their full size
	size_t height;        // deepest nesting of collections among the children so far
	const char *anchor;   // to define when the node is complete, or NULL
	// Children gathered so far; the buffers are reused by later frames at this depth.
	struct ynode **items;
	size_t n_items, alloc_items;
	struct ymap_entry *entries;
	size_t n_entries, alloc_entries;
	// Mappings alternate key, value: `key` is set between the two, and `drop`
	// when the key was refused so that its value is read and thrown away.
	struct ynode *key;
	bool have_key, drop;
};

struct anchor {
	uint64_t hash;
	const char *name;
	const struct ynode *node;
	size_t weight, height;
};

struct loader {
	const struct src_file *f;
	const struct yaml_limits *lim;
	struct arena *a;
	struct diag *d;
	struct posmap pm;
	struct frame *frames; // frames[0..depth) are open; [0..n_frames) initialised
	size_t depth, n_frames, alloc_frames;
	size_t nodes;       // nodes in the document, aliases counted at their full size
	size_t alias_nodes; // nodes reached through aliases
	struct anchor *anchors;
	size_t n_anchors, alloc_anchors;
	// Scratch space for finding duplicate keys, reused by every mapping.
	struct ymap_entry **sorted;
	size_t alloc_sorted;
	size_t *first_of; // entry index -> index of the entry it repeats, or SIZE_MAX
	size_t alloc_first_of;
	struct ynode *root;
	struct src_pos doc_pos; // where the document starts
	bool stop; // a problem that ends reading
	struct strbuf q1; // quote() buffer
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3u;
	return h;
}

// libyaml resolves the "!!" handle; the message shows the short form the user wrote.
static void refuse_tag(struct loader *ld, struct src_pos pos, const yaml_char_t *tag)
{
	static const char core[] = "tag:yaml.org,2002:";
	if (!tag)
		return;
	const char *t = (const char *)tag;
	struct strbuf sb = STRBUF_INIT;
	if (!strncmp(t, core, sizeof(core) - 1))
		strbuf_addf(&sb, "!!%s", t + sizeof(core) - 1);
	else
		strbuf_addstr(&sb, t);
	diag_add(ld->d, DIAG_ERROR, pos, NULL, "remove the tag; quote the value if it must stay a string",
		 "explicit tag '%s' is not allowed; the intent language has no tags",
		 quote(&ld->q1, sb.buf, sb.len));
	strbuf_release(&sb);
}

static bool count_nodes(struct loader *ld, size_t n, struct src_pos pos)
{
	ld->nodes += n;
	if (ld->nodes <= ld->lim->max_nodes)
		return true;
	diag_error(ld->d, pos, "document has more than %zu nodes; split it into several files",
		   ld->lim->max_nodes);
	ld->stop = true;
	return false;
}

static void define_anchor(struct loader *ld, const char *name, const struct ynode *node, size_t weight,
			  size_t height)
{
	if (ld->n_anchors == ld->lim->max_anchors) {
		diag_error(ld->d, node->pos, "more than %zu anchors in the document", ld->lim->max_anchors);
		ld->stop = true;
		return;
	}
	GROW(ld->anchors, ld->alloc_anchors, ld->n_anchors + 1);
	struct anchor *an = &ld->anchors[ld->n_anchors++];
	an->hash = fnv1a(name);
	an->name = name;
	an->node = node;
	an->weight = weight;
	an->height = height;
}

// Sorts keys, then document order; the entries live in one array, so their
// addresses are their document order.
static int cmp_entry_key(const void *pa, const void *pb)
{
	const struct ymap_entry *a = *(const struct ymap_entry *const *)pa;
	const struct ymap_entry *b = *(const struct ymap_entry *const *)pb;
	size_t n = a->key->len < b->key->len ? a->key->len : b->key->len;
	int c = memcmp(a->key->str, b->key->str, n);
	if (c)
		return c;
	if (a->key->len != b->key->len)
		return a->key->len < b->key->len ? -1 : 1;
	return a < b ? -1 : a > b;
}


// Reports every key that repeats an earlier key of the same mapping, at the repeat
// with a note at the first, and drops the repeat. Sorting keeps this O(n log n)
// however many keys a hostile file holds.
static void drop_duplicate_keys(struct loader *ld, struct frame *fr)
{
	size_t n = fr->n_entries;
	if (n < 2)
		return;
	GROW(ld->sorted, ld->alloc_sorted, n);
	GROW(ld->first_of, ld->alloc_first_of, n);
	for (size_t i = 0; i < n; i++) {
		ld->sorted[i] = &fr->entries[i];
		ld->first_of[i] = SIZE_MAX;
	}
	qsort(ld->sorted, n, sizeof(*ld->sorted), cmp_entry_key);
	bool any = false;
	size_t first = 0; // index in `sorted` of the current run's first entry
	for (size_t i = 1; i < n; i++) {
		const struct ynode *a = ld->sorted[first]->key, *b = ld->sorted[i]->key;
		if (a->len == b->len && !memcmp(a->str, b->str, a->len)) {
			ld->first_of[ld->sorted[i] - fr->entries] = (size_t)(ld->sorted[first] - fr->entries);
			any = true;
		} else {
			first = i;
		}
	}
	if (!any)
		return;
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (ld->first_of[i] == SIZE_MAX) {
			fr->entries[kept++] = fr->entries[i];
			continue;
		}
		const struct ynode *dup = fr->entries[i].key;
		const struct ynode *orig = fr->entries[ld->first_of[i]].key;
		const char *k = quote(&ld->q1, dup->str, dup->len);
		diag_add(ld->d, DIAG_ERROR, dup->pos, NULL, "remove one of them or merge their values",
			 "duplicate key '%s'; a key may appear once in a mapping", k);
		diag_note(ld->d, orig->pos, "'%s' is first defined here", k);
	}
	fr->n_entries = kept;
}

static struct ynode *new_node(struct loader *ld, enum ynode_kind kind, struct src_pos pos)
{
	struct ynode *n = arena_alloc(ld->a, sizeof(*n));
	n->kind = kind;
	n->pos = pos;
	return n;
}

// A finished node goes to the open collection, or becomes the document.
// `height` is the node's own nesting of collections: 0 for a scalar, 1 for a list of
// scalars.
static void add_node(struct loader *ld, struct ynode *node, size_t weight, size_t height)
{
	if (ld->depth == 0) {
		ld->root = node;
		return;
	}
	struct frame *fr = &ld->frames[ld->depth - 1];
	fr->weight += weight;
	if (height > fr->height)
		fr->height = height;
	if (fr->node->kind == YNODE_SEQUENCE) {
		GROW(fr->items, fr->alloc_items, fr->n_items + 1);
		fr->items[fr->n_items++] = node;
		return;
	}
	if (fr->have_key) {
		if (!fr->drop) {
			GROW(fr->entries, fr->alloc_entries, fr->n_entries + 1);
			fr->entries[fr->n_entries].key = fr->key;
			fr->entries[fr->n_entries].value = node;
			fr->n_entries++;
		}
		fr->have_key = fr->drop = false;
		fr->key = NULL;
		return;
	}
	fr->have_key = true;
	fr->key = node;
	if (node->kind != YNODE_SCALAR) {
		diag_add(ld->d, DIAG_ERROR, node->pos, NULL, "write the key as a plain or quoted string",
			 "mapping key must be a string, not %s", ynode_kind_name(node->kind));
		fr->drop = true;
	} else if (node->plain && node->len == 2 && !memcmp(node->str, "<<", 2)) {
		diag_add(ld->d, DIAG_ERROR, node->pos, NULL, "write the keys out, or quote '<<' to mean the string",
			 "merge key '<<' is not supported; the intent language has no merges");
		fr->drop = true;
	}
}

static const char *anchor_copy(struct loader *ld, const yaml_char_t *anchor)
{
	return anchor ? arena_strdup(ld->a, (const char *)anchor) : NULL;
}

static void on_scalar(struct loader *ld, const yaml_event_t *ev, struct src_pos pos)
{
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	refuse_tag(ld, pos, ev->data.scalar.tag);
	if (!count_nodes(ld, 1, pos))
		return;
	struct ynode *n = new_node(ld, YNODE_SCALAR, pos);
	n->str = arena_strndup(ld->a, value, len);
	n->len = len;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (len > ld->lim->max_scalar_bytes)
		diag_error(ld->d, pos, "string is too long (%zu bytes); the limit is %zu bytes", len,
			   ld->lim->max_scalar_bytes);
	// Escapes such as "\0" and "\x00" can put a NUL inside a quoted string.
	if (memchr(value, '\0', len))
		diag_add(ld->d, DIAG_ERROR, pos, NULL, "remove the \\0, \\x00 or \\u0000 escape",
			 "string holds a NUL character; strings cannot contain NUL");
	add_node(ld, n, 1, 0);
	if (ev->data.scalar.anchor)
		define_anchor(ld, anchor_copy(ld, ev->data.scalar.anchor), n, 1, 0);
}

static void on_start(struct loader *ld, enum ynode_kind kind, const yaml_char_t *tag,
		     const yaml_char_t *anchor, struct src_pos pos)
{
	refuse_tag(ld, pos, tag);
	if (ld->depth == ld->lim->max_depth) {
		diag_add(ld->d, DIAG_ERROR, pos, NULL, NULL,
			 "nesting is deeper than %zu levels; intents are never this deep", ld->lim->max_depth);
		ld->stop = true;
		return;
	}
	if (!count_nodes(ld, 1, pos))
		return;
	if (ld->depth == ld->n_frames) {
		// A frame is zeroed once, when first used; later its buffers are reused.
		GROW(ld->frames, ld->alloc_frames, ld->n_frames + 1);
		memset(&ld->frames[ld->n_frames++], 0, sizeof(*ld->frames));
	}
	struct frame *fr = &ld->frames[ld->depth++];
	fr->node = new_node(ld, kind, pos);
	fr->weight = 1;
	fr->height = 0;
	fr->anchor = anchor_copy(ld, anchor);
	fr->n_items = fr->n_entries = 0;
	fr->key = NULL;
	fr->have_key = fr->drop = false;
}

static void on_end(struct loader *ld)
{
	if (ld->depth == 0)
		BUG("collection end without a start");
	struct frame *fr = &ld->frames[ld->depth - 1];
	struct ynode *n = fr->node;
	if (n->kind == YNODE_SEQUENCE) {
		n->n_items = fr->n_items;
		n->items = arena_array(ld->a, fr->n_items, sizeof(*n->items));
		if (fr->n_items)
			memcpy(n->items, fr->items, fr->n_items * sizeof(*n->items));
	} else {
		if (fr->have_key)
			BUG("mapping ends between a key and its value");
		drop_duplicate_keys(ld, fr);
		n->n_entries = fr->n_entries;
		n->entries = arena_array(ld->a, fr->n_entries, sizeof(*n->entries));
		if (fr->n_entries)
			memcpy(n->entries, fr->entries, fr->n_entries * sizeof(*n->entries));
	}
	size_t weight = fr->weight, height = fr->height + 1;
	const char *anchor = fr->anchor;
	ld->depth--;
	add_node(ld, n, weight, height);
	if (anchor)
		define_anchor(ld, anchor, n, weight, height);
}

// An alias stands for a copy of its anchor's node, placed where the alias is.
static void on_alias(struct loader *ld, const char *name, struct src_pos pos)
{
	uint64_t h = fnv1a(name);
	const struct anchor *an = NULL;
	// The newest definition wins (YAML lets an anchor be defined again).
	for (size_t i = ld->n_anchors; i-- > 0;) {
		if (ld->anchors[i].hash == h && !strcmp(ld->anchors[i].name, name)) {
			an = &ld->anchors[i];
			break;
		}
	}
	struct ynode *n;
	size_t weight, height = 0;
	if (an) {
		// Nesting through an alias counts as if it were written out, so readers
		// of the tree may rely on the depth limit.
		if (ld->depth + an->height > ld->lim->max_depth) {
			diag_add(ld->d, DIAG_ERROR, pos, NULL, NULL,
				 "nesting is deeper than %zu levels once the alias is expanded; intents are "
				 "never this deep", ld->lim->max_depth);
			ld->stop = true;
			return;
		}
		ld->alias_nodes += an->weight;
		if (ld->alias_nodes > ld->lim->max_alias_nodes) {
			diag_add(ld->d, DIAG_ERROR, pos, NULL, "write the repeated values out instead",
				 "aliases expand to more than %zu nodes; nested aliases grow exponentially",
				 ld->lim->max_alias_nodes);
			ld->stop = true;
			return;
		}
		if (!count_nodes(ld, an->weight, pos))
			return;
		n = arena_memdup(ld->a, an->node, sizeof(*n));
		n->pos = pos;
		weight = an->weight;
		height = an->height;
	} else {
		bool enclosing = false;
		for (size_t i = 0; i < ld->depth; i++)
			if (ld->frames[i].anchor && !strcmp(ld->frames[i].anchor, name))
				enclosing = true;
		const char *q = quote(&ld->q1, name, strlen(name));
		if (enclosing)
			diag_error(ld->d, pos, "alias '*%s' refers to a node that contains it; "
				   "recursive structures are not allowed", q);
		else
			diag_error(ld->d, pos, "alias '*%s' has no anchor; define '&%s' on a node before it", q,
				   q);
		if (!count_nodes(ld, 1, pos))
			return;
		// An empty value keeps the document's shape, so checking can go on.
		n = new_node(ld, YNODE_SCALAR, pos);
		n->str = "";
		n->plain = true;
		weight = 1;
	}
	add_node(ld, n, weight, height);
}

// ---------------------------------------------------------------------------
// libyaml's errors

// Column of the first tab in the line's indentation, or 0.
static uint32_t indent_tab(const struct src_file *f, uint32_t line)
{
	size_t len;
	const char *s = src_line(f, line, &len);
	if (!s)
		return 0;
	for (size_t i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		if (s[i] == '\t')
			return (uint32_t)i + 1;
	return 0;
}

static char char_at(const struct src_file *f, struct src_pos pos)
{
	size_t len;
	const char *s = src_line(f, pos.line, &len);
	if (!s || pos.col == 0)
		return 0;
	// Columns count characters; only an ASCII prefix maps them to bytes directly.
	size_t i = 0;
	for (uint32_t col = 1; col < pos.col && i < len; col++) {
		uint32_t cp;
		int n = utf8_decode((const uint8_t *)s + i, len - i, &cp);
		i += n > 0 ? (size_t)n : 1;
	}
	return i < len ? s[i] : 0;
}

static void report_yaml_error(struct loader *ld, const yaml_parser_t *p)
{
	struct diag *d = ld->d;
	if (p->error == YAML_MEMORY_ERROR) {
		diag_error(d, src_pos_make(ld->f, 0, 0), "out of memory while reading YAML");
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		// prescan() refuses what the reader would; this is a second line of defence.
		diag_error(d, pos_at_byte(ld->f, p->problem_offset), "invalid text: %s",
			   p->problem ? p->problem : "unreadable input");
		return;
	}
	struct src_pos at = pm_pos(&ld->pm, p->problem_mark.index);
	struct src_pos ctx = p->context ? pm_pos(&ld->pm, p->context_mark.index) : at;
	const char *problem = p->problem ? p->problem : "unexpected input";

	// libyaml's messages about tabs name the symptom, not the cause.
	uint32_t tab = indent_tab(ld->f, at.line);
	if (tab || strstr(problem, "tab character")) {
		if (tab)
			at.col = tab;
		diag_add(d, DIAG_ERROR, at, NULL, NULL, "tab character used for indentation; indent with spaces");
		return;
	}
	if (char_at(ld->f, at) == '\t') {
		diag_add(d, DIAG_ERROR, at, NULL, NULL, "tab character where YAML expects a space; use spaces");
		return;
	}
	char c = char_at(ld->f, at);
	if (!strcmp(problem, "found character that cannot start any token") && (c == '@' || c == '`')) {
		diag_add(d, DIAG_ERROR, at, NULL, "put the value in quotes",
			 "invalid YAML: '%c' cannot start a plain value", c);
		return;
	}
	const char *hint = NULL;
	if (!strcmp(problem, "mapping values are not allowed in this context"))
		hint = "a plain value cannot contain ': '; put the value in quotes";
	diag_add(d, DIAG_ERROR, at, NULL, hint, "invalid YAML: %s", problem);
	if (p->context && (ctx.line != at.line || ctx.col != at.col))
		diag_note(d, ctx, "%s that starts here", p->context);
}

// ---------------------------------------------------------------------------
// Pass 3: order

struct diag_group {
	struct src_pos pos; // of the group's first entry
	size_t start, n;
};

static int cmp_group(const void *pa, const void *pb)
{
	const struct diag_group *a = pa, *b = pb;
	if (a->pos.line != b->pos.line)
		return a->pos.line < b->pos.line ? -1 : 1;
	if (a->pos.col != b->pos.col)
		return a->pos.col < b->pos.col ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

void yaml_sort_diagnostics(struct diag *d, size_t from)
{
	if (d->n <= from + 1)
		return;
	// An error or warning and the notes after it move together.
	struct diag_group *g = xmalloc((d->n - from) * sizeof(*g));
	size_t ng = 0;
	for (size_t i = from; i < d->n; i++) {
		if (d->v[i].severity == DIAG_NOTE && ng > 0) {
			g[ng - 1].n++;
			continue;
		}
		g[ng].pos = d->v[i].pos;
		g[ng].start = i;
		g[ng].n = 1;
		ng++;
	}
	qsort(g, ng, sizeof(*g), cmp_group);
	struct diag_entry *v = xmalloc((d->n - from) * sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < ng; i++)
		for (size_t j = 0; j < g[i].n; j++)
			v[k++] = d->v[g[i].start + j];
	memcpy(d->v + from, v, k * sizeof(*v));
	free(v);
	free(g);
}

// ---------------------------------------------------------------------------
// The entry point

bool ynode_is_null(const struct ynode *n)
{
	if (n->kind != YNODE_SCALAR || !n->plain)
		return false;
	return n->len == 0 || !strcmp(n->str, "~") || !strcmp(n->str, "null") || !strcmp(n->str, "Null") ||
	       !strcmp(n->str, "NULL");
}

static void run_parser(struct loader *ld, yaml_parser_t *p)
{
	size_t documents = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(p, &ev)) {
			report_yaml_error(ld, p);
			ld->stop = true;
			ld->root = NULL;
			return;
		}
		struct src_pos pos = pm_pos(&ld->pm, ev.start_mark.index);
		bool end = false;
		switch (ev.type) {
		case YAML_NO_EVENT:
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			end = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (documents++) {
				diag_add(ld->d, DIAG_ERROR, pos, NULL, "put each intent in a file of its own",
					 "a second YAML document; a file holds one document");
				end = true;
				break;
			}
			ld->doc_pos = pos;
			if (ev.data.document_start.tag_directives.start != ev.data.document_start.tag_directives.end)
				diag_error(ld->d, pos, "'%%TAG' directive is not allowed; the intent language has no tags");
			break;
		case YAML_SCALAR_EVENT:
			on_scalar(ld, &ev, pos);
			break;
		case YAML_SEQUENCE_START_EVENT:
			on_start(ld, YNODE_SEQUENCE, ev.data.sequence_start.tag, ev.data.sequence_start.anchor, pos);
			break;
		case YAML_MAPPING_START_EVENT:
			on_start(ld, YNODE_MAPPING, ev.data.mapping_start.tag, ev.data.mapping_start.anchor, pos);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			on_end(ld);
			break;
		case YAML_ALIAS_EVENT:
			on_alias(ld, (const char *)ev.data.alias.anchor, pos);
			break;
		}
		yaml_event_delete(&ev);
		if (ld->stop && !end) {
			ld->root = NULL; // the document was not read to its end
			return;
		}
		if (end)
			return;
	}
}

bool yaml_load(const struct src_file *f, const struct yaml_limits *lim, struct arena *a, struct diag *d,
	       struct ynode **out)
{
	if (!lim)
		lim = &yaml_default_limits;
	*out = NULL;
	size_t errors = d->errors, first = d->n;
	if (!prescan(f, lim, d))
		return false;

	struct loader ld;
	memset(&ld, 0, sizeof(ld));
	ld.f = f;
	ld.lim = lim;
	ld.a = a;
	ld.d = d;
	strbuf_init(&ld.q1, 0);
	size_t bom = starts_with(f, "\xEF\xBB\xBF", 3) ? 3 : 0;
	pm_init(&ld.pm, f, bom ? 1 : 0);

	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		BUG("libyaml cannot initialise a parser");
	yaml_parser_set_input_string(&p, (const unsigned char *)f->text + bom, f->len - bom);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	run_parser(&ld, &p);
	yaml_parser_delete(&p);

	struct ynode *root = ld.root;
	if (!root && !ld.stop)
		diag_error(d, src_pos_make(f, 0, 0), "file is empty; expected a mapping of keys to values");
	else if (root && ynode_is_null(root))
		diag_error(d, ld.doc_pos, "document is empty; expected a mapping of keys to values");
	else if (root && root->kind != YNODE_MAPPING)
		diag_error(d, root->pos, "the top level must be a mapping of keys to values, not %s",
			   ynode_kind_name(root->kind));
	if (root && root->kind != YNODE_MAPPING)
		root = NULL;

	for (size_t i = 0; i < ld.n_frames; i++) {
		free(ld.frames[i].items);
		free(ld.frames[i].entries);
	}
	free(ld.frames);
	free(ld.anchors);
	free(ld.sorted);
	free(ld.first_of);
	strbuf_release(&ld.q1);
	pm_release(&ld.pm);
	yaml_sort_diagnostics(d, first);
	*out = root;
	return d->errors == errors;
}

const struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != YNODE_MAPPING)
		return NULL;
	size_t len = strlen(key);
	for (size_t i = 0; i < map->n_entries; i++) {
		const struct ynode *k = map->entries[i].key;
		if (k->len == len && !memcmp(k->str, key, len))
			return map->entries[i].value;
	}
	return NULL;
}

const char *ynode_kind_name(enum ynode_kind k)
{
	switch (k) {
	case YNODE_SCALAR: return "a string";
	case YNODE_SEQUENCE: return "a list";
	case YNODE_MAPPING: return "a mapping";
	}
	return "a value";
}
