// render_reg: reg/apply.reg and reg/revert.reg, for `reg import` or a double click.
//
// What goes in (formats/regfile.h writes it, "Windows Registry Editor Version 5.00"):
// - every registry value of the model;
// - the DCOM machine limits (MachineLaunchRestriction, MachineAccessRestriction
//   under HKLM\SOFTWARE\Microsoft\Ole) as the whole descriptor, baseline merged with
//   the intent's ACEs, REG_BINARY in the self-relative form Windows stores;
// - COM application permissions as REG_BINARY LaunchPermission/AccessPermission
//   under HKLM\SOFTWARE\Classes\AppID\{GUID} (with their baseline when they have
//   one, else just the intent's ACEs).
// WMI namespace security is not in the registry (the ps1 target carries it). A GPO's
// HKLM\SOFTWARE\Policies\Microsoft\Windows NT\DCOM\Machine*Restriction, when one
// applies, overrides the Ole values; apply.reg says so in a comment.
//
// revert.reg puts back what the model says was there: a value's revert data, or its
// deletion ("name"=-) when the model says the value did not exist; a descriptor's
// baseline, or its deletion when it has none.
//
// Layout: values grouped under their key, keys in order (hive, then key and value
// names case-insensitively, then exactly), so output is deterministic. Each value is
// preceded by '; ' comments naming the intent lines it comes from; comment text is
// made printable (control characters as \xNN) so nothing from the intent can start
// a line of its own.
//
// When the model holds nothing for the reg target, no file is written.
//
// Self-check: both files are re-read with the .reg reader and compared value by
// value with the model (descriptors decoded from their bytes and compared as
// descriptors). A mismatch is "internal error: reg/apply.reg does not re-read to the
// model: ...", a gpoc bug.

#include <stdlib.h>
#include <string.h>

#include "core/utf.h"
#include "formats/registry.h"
#include "formats/regfile.h"
#include "render/render.h"
#include "sd/secdesc.h"

#define OLE_KEY "SOFTWARE\\Microsoft\\Ole"
#define APPID_KEY "SOFTWARE\\Classes\\AppID\\"

// One value of the two files.
struct item {
	enum reg_hive hive;
	const char *key, *name;
	struct reg_value apply;          // what apply.reg sets
	bool revert_delete;              // revert.reg deletes the value...
	struct reg_value revert;         // ...or sets this
	const struct m_registry *value;  // the model value, or
	const struct m_descriptor *desc; // the model descriptor
};

struct reg_build {
	struct render_ctx *ctx;
	struct arena arena;
	struct item *items;
	size_t n, alloc;
	bool ok;
};

static struct src_pos first_grant(const struct effect_meta *meta)
{
	return meta && meta->n_prov ? meta->prov[0].grant : src_pos_make(NULL, 0, 0);
}

static const char *principal_label(const struct principal *p)
{
	return p->key ? p->key : p->name ? p->name : p->alias ? p->alias : "(unnamed principal)";
}

static struct item *add_item(struct reg_build *b)
{
	GROW(b->items, b->alloc, b->n + 1);
	struct item *it = &b->items[b->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

static void add_values(struct reg_build *b)
{
	const struct model *m = b->ctx->m;
	for (size_t i = 0; i < m->n_values; i++) {
		const struct m_registry *r = &m->values[i];
		struct item *it = add_item(b);
		it->hive = r->value.hive;
		it->key = r->value.key;
		it->name = r->value.name;
		it->apply = r->value;
		it->revert_delete = r->revert_delete;
		it->revert = r->revert_delete ? r->value : r->revert;
		it->value = r;
	}
}

static bool binary_value(struct reg_build *b, const struct secdesc *sd, const struct m_descriptor *desc,
			 struct reg_value *out)
{
	struct strbuf bytes = STRBUF_INIT, err = STRBUF_INIT;
	bool ok = secdesc_check_size(sd, &err);
	if (ok) {
		secdesc_encode(sd, &bytes);
		reg_value_set_binary(out, &b->arena, bytes.buf, bytes.len);
	} else {
		diag_error(b->ctx->d, desc->n_aces ? first_grant(&desc->aces[0].meta) : desc->baseline_pos,
			   "the reg target cannot write %s: %s", desc->name, err.buf);
	}
	strbuf_release(&bytes);
	strbuf_release(&err);
	return ok;
}

static void add_descriptor(struct reg_build *b, const struct m_descriptor *desc)
{
	bool machine = desc->kind == DESC_MACHINE_LAUNCH || desc->kind == DESC_MACHINE_ACCESS;
	bool sids = true;
	for (size_t i = 0; i < desc->n_aces; i++) {
		const struct m_ace *a = &desc->aces[i];
		if (a->who->has_sid)
			continue;
		diag_error(b->ctx->d, first_grant(&a->meta),
			   "the reg target writes %s as a binary security descriptor, which needs the SID of "
			   "principal '%s'; add 'sid: S-1-...' to the principal, or leave 'reg' out of the "
			   "outputs and use a target that resolves names when applied (ps1, netsh)",
			   desc->name, principal_label(a->who));
		sids = false;
	}
	if (!sids) {
		b->ok = false;
		return;
	}
	if (machine && !desc->has_baseline) {
		// The model merges every machine limit into a baseline; writing the intent's
		// ACEs alone would drop the machine's default entries.
		diag_error(b->ctx->d, src_pos_make(NULL, 0, 0),
			   "internal error: %s has no baseline, so reg/apply.reg would replace the machine's whole "
			   "limit (a bug in gpoc; please report it)",
			   desc->name);
		b->ok = false;
		return;
	}
	struct secdesc sd;
	if (!model_descriptor_build(b->ctx->m, desc, true, &sd, b->ctx->d)) {
		b->ok = false;
		return;
	}
	struct item *it = add_item(b);
	it->hive = HIVE_HKLM;
	if (machine) {
		it->key = OLE_KEY;
		it->name = desc->kind == DESC_MACHINE_LAUNCH ? "MachineLaunchRestriction" : "MachineAccessRestriction";
	} else {
		it->key = arena_printf(&b->arena, APPID_KEY "%s", desc->target);
		it->name = desc->kind == DESC_APPID_LAUNCH ? "LaunchPermission" : "AccessPermission";
	}
	it->desc = desc;
	it->apply.hive = it->revert.hive = HIVE_HKLM;
	it->apply.key = it->revert.key = (char *)(uintptr_t)it->key;
	it->apply.name = it->revert.name = (char *)(uintptr_t)it->name;
	if (!binary_value(b, &sd, desc, &it->apply))
		b->ok = false;
	it->revert_delete = !desc->has_baseline;
	if (desc->has_baseline && !binary_value(b, &desc->baseline, desc, &it->revert))
		b->ok = false;
	secdesc_release(&sd);
}

static int cmp_items(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int c;
	if (a->hive != b->hive)
		return a->hive < b->hive ? -1 : 1;
	if ((c = ascii_strcasecmp(a->key, b->key)) || (c = strcmp(a->key, b->key)))
		return c;
	if ((c = ascii_strcasecmp(a->name, b->name)) || (c = strcmp(a->name, b->name)))
		return c;
	return 0;
}

// Comment text from intent data: printable, one line.
static void add_printable(struct strbuf *sb, const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		int n;
		if (c >= 0x20 && c < 0x7f) {
			strbuf_addch(sb, c);
			i++;
		} else if (c >= 0x80 && (n = utf8_decode((const uint8_t *)s + i, len - i, &cp)) > 0 && cp != 0x85 &&
			   cp != 0x2028 && cp != 0x2029) {
			strbuf_add(sb, s + i, (size_t)n);
			i += (size_t)n;
		} else {
			strbuf_addf(sb, "\\x%02x", c);
			i++;
		}
	}
}

static void add_pos(struct strbuf *sb, struct src_pos pos)
{
	add_printable(sb, pos.file && pos.file->name ? pos.file->name : "<intent>");
	strbuf_addf(sb, ":%u:%u", pos.line, pos.col);
}

static void comment(struct reg_doc *doc, struct strbuf *sb)
{
	reg_doc_comment(doc, sb->buf);
	strbuf_reset(sb);
}

static void provenance(struct reg_doc *doc, const struct effect_meta *meta, const char *prefix)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < meta->n_prov; i++) {
		const struct provenance *p = &meta->prov[i];
		strbuf_addstr(&sb, prefix);
		add_printable(&sb, p->capability ? p->capability : "grant");
		strbuf_addstr(&sb, " at ");
		add_pos(&sb, p->grant);
		comment(doc, &sb);
	}
	strbuf_release(&sb);
}

static void item_comments(struct reg_doc *doc, const struct item *it, bool revert)
{
	struct strbuf sb = STRBUF_INIT;
	if (it->value) {
		add_printable(&sb, it->value->display ? it->value->display : it->name);
		if (revert)
			strbuf_addstr(&sb, it->revert_delete ? ": deleted, as before the policy"
							     : ": restored to its value before the policy");
		comment(doc, &sb);
		provenance(doc, &it->value->meta, "  from ");
	} else {
		const struct m_descriptor *d = it->desc;
		if (revert && d->has_baseline) {
			strbuf_addf(&sb, "%s: back to baseline '", it->name);
			add_printable(&sb, d->baseline_name ? d->baseline_name : "");
			strbuf_addstr(&sb, "'");
		} else if (revert) {
			strbuf_addf(&sb, "%s: deleted (it had no baseline)", it->name);
		} else if (d->has_baseline) {
			strbuf_addf(&sb, "%s: baseline '", it->name);
			add_printable(&sb, d->baseline_name ? d->baseline_name : "");
			strbuf_addstr(&sb, "' merged with the intent's ACEs");
		} else {
			strbuf_addf(&sb, "%s: the intent's ACEs", it->name);
		}
		comment(doc, &sb);
		for (size_t i = 0; !revert && i < d->n_aces; i++) {
			const struct m_ace *a = &d->aces[i];
			strbuf_addf(&sb, "  %s ", a->type == ACE_DENY ? "deny" : "allow");
			add_printable(&sb, principal_label(a->who));
			strbuf_addstr(&sb, " (");
			if (a->who->name && a->who->key) {
				add_printable(&sb, a->who->name);
				strbuf_addstr(&sb, ", ");
			}
			sid_format(&a->who->sid, &sb);
			strbuf_addstr(&sb, "):");
			comment(doc, &sb);
			provenance(doc, &a->meta, "    from ");
		}
	}
	strbuf_release(&sb);
}

static void build_doc(struct reg_build *b, bool revert, struct reg_doc *doc)
{
	const struct model *m = b->ctx->m;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "gpoc: %s ", revert ? "reverts" : "applies");
	if (m->intent && m->intent->policy.name) {
		strbuf_addstr(&sb, "policy ");
		add_printable(&sb, m->intent->policy.name);
	} else {
		strbuf_addstr(&sb, "the policy");
	}
	strbuf_addstr(&sb, revert ? " (undoes reg/apply.reg)" : " (reg import apply.reg /reg:64)");
	comment(doc, &sb);
	bool machine = false;
	for (size_t i = 0; i < b->n; i++)
		machine |= b->items[i].desc && !strcmp(b->items[i].key, OLE_KEY);
	if (machine && !revert) {
		reg_doc_comment(doc, "A GPO's HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\DCOM\\Machine*Restriction "
				     "overrides the Ole values below.");
	}
	for (size_t i = 0; i < b->n; i++) {
		const struct item *it = &b->items[i];
		if (!i || it->hive != it[-1].hive || strcmp(it->key, it[-1].key))
			reg_doc_key(doc, it->hive, it->key);
		item_comments(doc, it, revert);
		if (revert && it->revert_delete)
			reg_doc_delete_value(doc, it->hive, it->key, it->name);
		else
			reg_doc_set(doc, revert ? &it->revert : &it->apply);
	}
	strbuf_release(&sb);
}

static void internal_error(struct reg_build *b, const char *path, const char *what)
{
	diag_error(b->ctx->d, src_pos_make(NULL, 0, 0),
		   "internal error: %s does not re-read to the model: %s (a bug in gpoc; please report it)", path,
		   what);
	b->ok = false;
}

// "value 'NAME' <problem>" as the internal error's detail.
static void internal_error_value(struct reg_build *b, const char *path, const char *name, const char *problem)
{
	struct strbuf what = STRBUF_INIT;
	strbuf_addf(&what, "value '%s' %s", fmt_q(name), problem);
	internal_error(b, path, what.buf);
	strbuf_release(&what);
}

// The value `it` should have in the re-read file, compared with what is there.
static bool item_matches(struct reg_build *b, const struct item *it, bool revert, const struct reg_op *op)
{
	if (revert && it->revert_delete)
		return op->kind == REG_OP_DELETE_VALUE;
	if (op->kind != REG_OP_SET)
		return false;
	if (it->value)
		return reg_value_equal(&op->v, revert ? &it->value->revert : &it->value->value);
	// Descriptors: decode what was read and compare as descriptors with the model's.
	struct secdesc want, got;
	struct strbuf err = STRBUF_INIT;
	bool ok = false;
	if (revert) {
		secdesc_copy(&want, &it->desc->baseline);
	} else {
		struct diag quiet;
		diag_init(&quiet);
		bool built = model_descriptor_build(b->ctx->m, it->desc, true, &want, &quiet);
		diag_release(&quiet);
		if (!built)
			return false;
	}
	if (op->v.type == REGT_BINARY && secdesc_decode(op->v.data, op->v.size, &got, &err)) {
		ok = secdesc_equal(&want, &got);
		secdesc_release(&got);
	}
	secdesc_release(&want);
	strbuf_release(&err);
	return ok;
}

static void self_check(struct reg_build *b, const char *path, const struct strbuf *bytes, bool revert)
{
	struct reg_doc back;
	struct fmt_error err;
	if (!regfile_read((const uint8_t *)bytes->buf, bytes->len, &back, &err)) {
		struct strbuf what = STRBUF_INIT;
		strbuf_addf(&what, "line %u:%u: %s", err.line, err.col, err.message);
		internal_error(b, path, what.buf);
		strbuf_release(&what);
		reg_doc_release(&back);
		return;
	}
	bool *seen = xcalloc(b->n ? b->n : 1, sizeof(bool));
	for (size_t i = 0; b->ok && i < back.n; i++) {
		const struct reg_op *op = &back.ops[i];
		if (op->kind != REG_OP_SET && op->kind != REG_OP_DELETE_VALUE)
			continue;
		size_t k;
		for (k = 0; k < b->n; k++)
			if (b->items[k].hive == op->v.hive && !strcmp(b->items[k].key, op->v.key) &&
			    !strcmp(b->items[k].name, op->v.name))
				break;
		if (k == b->n || seen[k])
			internal_error_value(b, path, op->v.name, k == b->n ? "is not in the model" : "appears twice");
		else if (!item_matches(b, &b->items[k], revert, op))
			internal_error_value(b, path, op->v.name, "differs from the model");
		else
			seen[k] = true;
	}
	for (size_t k = 0; b->ok && k < b->n; k++)
		if (!seen[k])
			internal_error_value(b, path, b->items[k].name, "of the model is missing");
	free(seen);
	reg_doc_release(&back);
}

// A writer refusal: blame the value's (or descriptor's first) grant.
static void write_refused(struct reg_build *b, const struct reg_doc *doc, const struct fmt_error *err,
			  const char *path)
{
	const struct reg_op *op = err->line && err->line <= doc->n ? &doc->ops[err->line - 1] : NULL;
	struct src_pos pos = src_pos_make(NULL, 0, 0);
	for (size_t i = 0; op && i < b->n; i++) {
		const struct item *it = &b->items[i];
		if (strcmp(it->key, op->v.key) || (op->kind != REG_OP_KEY && strcmp(it->name, op->v.name)))
			continue;
		pos = it->value ? first_grant(&it->value->meta)
				: it->desc->n_aces ? first_grant(&it->desc->aces[0].meta) : it->desc->baseline_pos;
		break;
	}
	diag_error(b->ctx->d, pos, "the reg target cannot write %s: %s", path, err->message);
	b->ok = false;
}

bool render_reg(struct render_ctx *ctx)
{
	struct reg_build b = { .ctx = ctx, .ok = true };
	arena_init(&b.arena);
	add_values(&b);
	for (size_t i = 0; i < ctx->m->n_descriptors; i++)
		if (ctx->m->descriptors[i].kind != DESC_NAMESPACE)
			add_descriptor(&b, &ctx->m->descriptors[i]);
	if (b.ok && b.n) {
		qsort(b.items, b.n, sizeof(*b.items), cmp_items);
		// The model merges equal values, but a raw registry value may name the very
		// value a descriptor is written to: that is the intent's contradiction.
		for (size_t i = 1; i < b.n; i++) {
			const struct item *x = &b.items[i - 1], *y = &b.items[i];
			if (cmp_items(x, y))
				continue;
			const struct item *v = x->value ? x : y;
			struct src_pos pos = v->value ? first_grant(&v->value->meta) : src_pos_make(NULL, 0, 0);
			struct strbuf where = STRBUF_INIT;
			add_printable(&where, x->key);
			strbuf_addch(&where, '\\');
			add_printable(&where, x->name);
			diag_error(ctx->d, pos, "the reg target would write %s twice (a registry value and %s); "
						"leave one of them out",
				   where.buf, x->desc ? x->desc->name : y->desc ? y->desc->name : "another value");
			strbuf_release(&where);
			b.ok = false;
		}
		static const char *const paths[] = { "reg/apply.reg", "reg/revert.reg" };
		struct strbuf bytes[2] = { STRBUF_INIT, STRBUF_INIT };
		for (int r = 0; b.ok && r < 2; r++) {
			struct reg_doc doc;
			struct fmt_error err;
			reg_doc_init(&doc);
			build_doc(&b, r == 1, &doc);
			if (!regfile_write(&doc, &bytes[r], &err))
				write_refused(&b, &doc, &err, paths[r]);
			else
				self_check(&b, paths[r], &bytes[r], r == 1);
			reg_doc_release(&doc);
		}
		for (int r = 0; r < 2; r++) {
			if (b.ok)
				artifact_add_buf(ctx->out, paths[r], &bytes[r]);
			strbuf_release(&bytes[r]);
		}
	}
	free(b.items);
	arena_release(&b.arena);
	return b.ok;
}
