// descriptor.c: a model descriptor as Windows will hold it, and the names the
// model's consumers print.
//
// model_descriptor_build() is the one place that turns a descriptor of the model
// (a baseline plus the intent's ACEs) into a struct secdesc; the SDDL, .reg, GPO
// and PowerShell renderers all call it, so they cannot disagree about what a
// descriptor is. A descriptor without a baseline gets Administrators as owner and
// group, as DCOMCNFG writes them, and WMI's SetSD requires both.
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/model.h"

// secdesc_merge_dacl() compares every grant with every ACE already present, which
// is quadratic for thousands of grants on one namespace. The model's ACEs are
// already unique per (principal, type, flags), so only those that meet an ACE of
// the baseline need its merge; the others are appended as it would append them,
// and a final call with the matching ones ORs them in and puts the whole list in
// canonical order. O(grants x baseline entries).
static void merge_into(struct secdesc *sd, const struct ace *aces, size_t n)
{
	size_t base = sd->dacl.count;
	struct ace *meets = xcalloc(n ? n : 1, sizeof(*meets));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		bool hit = false;
		for (size_t k = 0; k < base && !hit; k++) {
			const struct ace *b = &sd->dacl.aces[k];
			hit = b->type == aces[i].type && b->flags == aces[i].flags && sid_equal(&b->sid, &aces[i].sid);
		}
		if (hit)
			meets[m++] = aces[i];
		else
			acl_add_ace(&sd->dacl, &aces[i]);
	}
	secdesc_merge_dacl(sd, meets, m);
	free(meets);
}

bool model_descriptor_build(const struct model *m, const struct m_descriptor *desc, bool with_baseline,
			    struct secdesc *out, struct diag *d)
{
	secdesc_init(out);
	if (with_baseline && desc->has_baseline) {
		secdesc_copy(out, &desc->baseline);
	} else {
		static const struct sid administrators = { 1, 2, 5, { 32, 544 } };
		out->has_owner = out->has_group = true;
		out->owner = out->group = administrators;
		out->control = SE_DACL_PRESENT;
		out->dacl.revision = 2;
	}
	struct ace *aces = xcalloc(desc->n_aces ? desc->n_aces : 1, sizeof(*aces));
	size_t n = 0;
	bool ok = true;
	for (size_t i = 0; i < desc->n_aces; i++) {
		const struct m_ace *ma = &desc->aces[i];
		if (!ma->who->has_sid) {
			const char *who = ma->who->key ? ma->who->key : ma->who->name ? ma->who->name : "?";
			diag_error(d, ma->meta.prov[0].grant,
				   "principal '%s' has no SID, but %s is written as a security descriptor and needs "
				   "one; add 'sid:' to the principal",
				   who, desc->name);
			ok = false;
			continue;
		}
		aces[n].type = ma->type;
		aces[n].flags = ma->flags;
		aces[n].mask = ma->mask;
		aces[n].sid = ma->who->sid;
		n++;
	}
	if (ok)
		merge_into(out, aces, n);
	free(aces);
	(void)m;
	// Every renderer encodes what this returns, and secdesc_encode() BUG()s on an
	// ACL its 16-bit size field cannot hold: the one check is here, reported at the
	// grant whose ACE crosses the limit, so no renderer can reach the BUG.
	struct strbuf why = STRBUF_INIT;
	if (ok && !secdesc_check_size(out, &why)) {
		size_t at = desc->n_aces ? desc->n_aces - 1 : 0, size = acl_binary_size(&desc->baseline.dacl);
		for (size_t i = 0; i < desc->n_aces; i++) {
			size += 8 + sid_binary_size(&desc->aces[i].who->sid);
			if (size > ACL_MAX_SIZE) {
				at = i;
				break;
			}
		}
		struct src_pos pos = desc->n_aces ? desc->aces[at].meta.prov[0].grant : desc->baseline_pos;
		diag_error(d, pos,
			   "the descriptor %s would exceed Windows' 64 KiB ACL limit with %zu ACEs (%s); "
			   "grant to fewer principals on it, e.g. to a group that holds them",
			   desc->name, out->dacl.count, why.buf);
		ok = false;
	}
	strbuf_release(&why);
	if (!ok) {
		secdesc_release(out);
		secdesc_init(out);
	}
	return ok;
}

const char *descriptor_kind_name(enum descriptor_kind k)
{
	switch (k) {
	case DESC_MACHINE_LAUNCH: return "machine-launch";
	case DESC_MACHINE_ACCESS: return "machine-access";
	case DESC_APPID_LAUNCH: return "appid-launch";
	case DESC_APPID_ACCESS: return "appid-access";
	case DESC_NAMESPACE: return "namespace";
	}
	BUG("descriptor kind %d", (int)k);
}

const char *model_vocab_name(enum rights_vocab v)
{
	switch (v) {
	case VOCAB_GENERIC: return "generic";
	case VOCAB_FILE: return "file";
	case VOCAB_REGISTRY: return "registry";
	case VOCAB_COM_LAUNCH: return "com-launch";
	case VOCAB_COM_ACCESS: return "com-access";
	case VOCAB_WMI: return "wmi";
	}
	BUG("vocabulary %d", (int)v);
}

const char *step_kind_name(enum step_kind k)
{
	switch (k) {
	case STEP_CERTSVC_DCOM_REAPPLY: return "certsvc-dcom-reapply";
	case STEP_WINMGMT_STANDALONE: return "winmgmt-standalone-host";
	}
	BUG("step kind %d", (int)k);
}

void model_display_path(const struct model *m, const char *path, struct strbuf *out)
{
	const char *dir = m->templates_dir;
	size_t n = dir ? strlen(dir) : 0;
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n && !strncmp(path, dir, n) && path[n] == '/') {
		strbuf_addstr(out, "templates");
		strbuf_addstr(out, path + n);
		return;
	}
	strbuf_addstr(out, path);
}
