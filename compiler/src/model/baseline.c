// baseline.c: the descriptors grants are merged into.
//
// A Group Policy SDDL for the DCOM machine limits replaces the machine's whole
// descriptor, so a grant must be merged into what the machine already has, or it
// drops the default entries and breaks applications (DOMAIN.md §1, §4). What the
// machine has is not known offline: gpoc ships the Windows defaults as data in
// templates/baselines/<name>.yaml, marked with how sure they are, and an intent
// replaces any of them by name with the SDDL exported from its own machines:
//
//   baselines:
//     machine-launch-restriction: 'O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)...'
//
// A baseline file:
//
//   gpoc-baseline: 1
//   name: machine-launch-restriction   # must match the file name
//   vocabulary: com-launch             # the rights it holds
//   confidence: unconfirmed            # free text: how sure the SDDL is
//   sddl: 'O:BAG:BAD:...'
//
// Baselines are read only when a descriptor uses them, and each one once.
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/file.h"
#include "core/util.h"
#include "model/internal.h"

static const char *baseline_path(struct expand *x, const char *name)
{
	if (!x->opt->templates_dir || !capability_name_valid(name))
		return NULL;
	return arena_printf(x->a, "%s/baselines/%s.yaml", x->opt->templates_dir, name);
}

static bool is_file(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static const struct baseline_override *override_of(struct expand *x, const char *name)
{
	for (size_t i = 0; i < x->in->n_baselines; i++)
		if (!strcmp(x->in->baselines[i].name, name))
			return &x->in->baselines[i];
	return NULL;
}

bool baseline_exists(struct expand *x, const char *name)
{
	struct baseline *b = strmap_get(&x->baselines, name);
	if (b)
		return b->ok;
	// Asked once per namespace ACE: remember the answer instead of a stat() each.
	static char yes, no;
	void *known = strmap_get(&x->baseline_known, name);
	if (known)
		return known == &yes;
	bool exists = override_of(x, name) || is_file(baseline_path(x, name));
	*strmap_put(&x->baseline_known, arena_strdup(x->a, name)) = exists ? &yes : &no;
	return exists;
}

static bool parse_sddl(struct expand *x, struct baseline *b)
{
	struct sddl_error err;
	secdesc_init(&b->sd);
	if (!sddl_parse(b->sddl, strlen(b->sddl), &x->in->sids, &b->sd, &err)) {
		diag_error(x->d, b->pos, "baseline '%s' is not valid SDDL: %s (at offset %zu)", b->name, err.message,
			   err.offset);
		secdesc_release(&b->sd);
		secdesc_init(&b->sd);
		return false;
	}
	if (!(b->sd.control & SE_DACL_PRESENT) || b->sd.dacl_null) {
		diag_error(x->d, b->pos, "baseline '%s' has no DACL; a baseline holds the entries a grant is merged "
					 "into ('D:(...)')",
			   b->name);
		return false;
	}
	return true;
}

static const char *const baseline_keys[] = { "gpoc-baseline", "name", "vocabulary", "confidence", "sddl" };

static bool load_stock(struct expand *x, struct baseline *b, const char *path, struct src_pos use)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	if (!read_file(path, &text, &err)) {
		diag_error(x->d, use, "baseline '%s': %s", b->name, err.buf);
		strbuf_release(&text);
		strbuf_release(&err);
		return false;
	}
	strbuf_release(&err);
	struct src_file *f = arena_alloc(x->a, sizeof(*f));
	f->name = arena_strdup(x->a, path);
	f->len = text.len;
	f->text = arena_memdup(x->a, text.buf, text.len + 1);
	strbuf_release(&text);
	GROW(x->files, x->alloc_files, x->n_files + 1);
	x->files[x->n_files++] = f->name;
	struct ynode *root;
	if (!yaml_load(f, &yaml_default_limits, x->a, x->d, &root))
		return false;
	struct src_pos top = src_pos_make(f, 1, 1);
	if (root->kind != YNODE_MAPPING) {
		diag_error(x->d, root->pos, "a baseline must be a mapping, not %s", ynode_kind_name(root->kind));
		return false;
	}
	bool ok = true;
	const struct ynode *version = NULL, *sddl = NULL, *vocab = NULL, *name = NULL;
	for (size_t i = 0; i < root->n_entries; i++) {
		const struct ynode *k = root->entries[i].key, *v = root->entries[i].value;
		if (!strcmp(k->str, "gpoc-baseline"))
			version = v;
		else if (!strcmp(k->str, "name"))
			name = v;
		else if (!strcmp(k->str, "vocabulary"))
			vocab = v;
		else if (!strcmp(k->str, "sddl"))
			sddl = v;
		else if (!strcmp(k->str, "confidence"))
			;
		else {
			const char *guess = closest_word(k->str, baseline_keys, ARRAY_SIZE(baseline_keys));
			diag_error(x->d, k->pos, "unknown key '%s' in a baseline%s%s%s", quote_text(x->a, k->str),
				   guess ? "; did you mean '" : "", guess ? guess : "", guess ? "'?" : "");
			ok = false;
		}
		if (v->kind != YNODE_SCALAR) {
			diag_error(x->d, v->pos, "'%s' of a baseline must be a single value", k->str);
			ok = false;
		}
	}
	if (!ok)
		return false;
	if (!version || strcmp(version->str, "1")) {
		diag_error(x->d, version ? version->pos : top, "a baseline starts with 'gpoc-baseline: 1'");
		return false;
	}
	if (!name || strcmp(name->str, b->name)) {
		diag_error(x->d, name ? name->pos : top, "baseline name must match its file name '%s.yaml'", b->name);
		return false;
	}
	if (!vocab || !rights_vocab_from_name(vocab->str, &b->vocab)) {
		diag_error(x->d, vocab ? vocab->pos : top,
			   "a baseline needs 'vocabulary:' (com-launch, com-access, wmi, file, registry, generic)");
		return false;
	}
	b->has_vocab = true;
	if (!sddl) {
		diag_error(x->d, top, "a baseline needs 'sddl:'");
		return false;
	}
	b->sddl = sddl->str;
	b->pos = sddl->pos;
	if (!parse_sddl(x, b))
		return false;
	if (!rights_validate(b->vocab, &b->sd, &err)) {
		diag_error(x->d, b->pos, "baseline '%s' is not a valid %s descriptor: %s", b->name,
			   model_vocab_name(b->vocab), err.buf);
		strbuf_release(&err);
		return false;
	}
	return true;
}

static size_t stock_names(struct expand *x, const char ***out)
{
	const char **v = NULL;
	size_t n = 0, alloc = 0;
	const char *dir = x->opt->templates_dir ? arena_printf(x->a, "%s/baselines", x->opt->templates_dir) : NULL;
	DIR *dp = dir ? opendir(dir) : NULL;
	struct dirent *de;
	while (dp && (de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml"))
			continue;
		GROW(v, alloc, n + 1);
		v[n++] = arena_strndup(x->a, de->d_name, len - 5);
	}
	if (dp)
		closedir(dp);
	const char **copy = arena_array(x->a, n ? n : 1, sizeof(*copy));
	if (n)
		memcpy(copy, v, n * sizeof(*copy));
	free(v);
	*out = copy;
	return n;
}

struct baseline *baseline_get(struct expand *x, const char *name, struct src_pos use)
{
	struct baseline *b = strmap_get(&x->baselines, name);
	if (b) {
		b->used = true;
		return b->ok ? b : NULL;
	}
	b = arena_alloc(x->a, sizeof(*b));
	b->name = arena_strdup(x->a, name);
	b->used = true;
	secdesc_init(&b->sd);
	*strmap_put(&x->baselines, b->name) = b;
	const struct baseline_override *o = override_of(x, name);
	if (o) {
		b->from_intent = true;
		b->sddl = o->sddl;
		b->pos = o->pos;
		b->ok = parse_sddl(x, b);
		return b->ok ? b : NULL;
	}
	const char *path = baseline_path(x, name);
	if (!is_file(path)) {
		const char **names;
		size_t n = stock_names(x, &names);
		const char *guess = closest_word(name, names, n);
		if (guess)
			diag_error(x->d, use, "unknown baseline '%s'; did you mean '%s'?", quote_text(x->a, name), guess);
		else
			diag_error(x->d, use, "unknown baseline '%s'; give its SDDL under 'baselines:' in the intent",
				   quote_text(x->a, name));
		return NULL;
	}
	b->ok = load_stock(x, b, path, use);
	return b->ok ? b : NULL;
}

void baselines_check_unused(struct expand *x)
{
	for (size_t i = 0; i < x->in->n_baselines; i++) {
		const struct baseline_override *o = &x->in->baselines[i];
		struct baseline *b = strmap_get(&x->baselines, o->name);
		if (b && b->used)
			continue;
		const char *guess = NULL;
		if (!is_file(baseline_path(x, o->name))) {
			const char **names;
			size_t n = stock_names(x, &names);
			guess = closest_word(o->name, names, n);
		}
		if (guess)
			diag_warning(x->d, o->pos, "baseline '%s' is not used by any grant of this intent; did you mean '%s'?",
				     quote_text(x->a, o->name), guess);
		else
			diag_warning(x->d, o->pos, "baseline '%s' is not used by any grant of this intent",
				     quote_text(x->a, o->name));
	}
}

void baselines_release(struct expand *x)
{
	for (size_t i = 0; i < x->baselines.cap; i++)
		if (x->baselines.slots[i].key)
			secdesc_release(&((struct baseline *)x->baselines.slots[i].value)->sd);
	strmap_release(&x->baselines);
	strmap_release(&x->baseline_known);
}
