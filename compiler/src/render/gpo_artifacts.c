// render_gpo: the model as an importable GPMC backup.
//
//   gpo/{BackupId}/Backup.xml, bkupInfo.xml                 (xml/gpo_backup.h)
//   gpo/{BackupId}/DomainSysvol/GPO/Machine/registry.pol    (formats/pol.h)
//   gpo/{BackupId}/DomainSysvol/GPO/Machine/microsoft/windows nt/SecEdit/GptTmpl.inf
//
// What goes where:
// - registry.pol: every firewall rule as a REG_SZ rule string under
//   SOFTWARE\Policies\Microsoft\WindowsFirewall\FirewallRules (value name = rule ID),
//   every registry value of the model, and AppID Launch/AccessPermission descriptors
//   as REG_BINARY (the registry extension writes any type).
// - GptTmpl.inf: the DCOM machine restrictions as security options
//   (MACHINE\Software\Policies\Microsoft\Windows NT\DCOM\Machine*Restriction=1,"SDDL").
//   They replace the machine's descriptor whole, so they are always the baseline
//   merged with the grants; and group memberships as "*MEMBER__Memberof = *GROUP",
//   which adds to a group without redefining its members (a "__Members" line
//   would replace every member of the group).
// - WMI namespace security and the service steps (certutil, winmgmt) have no Group
//   Policy form: the ps1 and netsh targets carry them, and a note says so.
//
// Values outside SOFTWARE\Policies stay on a machine after the GPO is unlinked
// ("tattooing"). When the model has such values, a second backup, the revert GPO
// gpo/{RevertBackupId}/, restores them: the revert value where the model knows one,
// else a "**del." marker that deletes the value.
//
// IDs are name-based GUIDs of the policy name, so rebuilding a policy yields the
// same backup and GPO IDs. Every file is re-read and compared before returning.

#include <stdlib.h>
#include <string.h>

#include "core/guid.h"
#include "core/utf.h"
#include "formats/inf.h"
#include "formats/pol.h"
#include "formats/registry.h"
#include "netsh/fwaddr.h"
#include "netsh/gpfas.h"
#include "render/render.h"
#include "xml/gpo_backup.h"

#define FIREWALL_RULES_KEY "SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules"
#define DCOM_POLICY_KEY "Software\\Policies\\Microsoft\\Windows NT\\DCOM"
#define APPID_KEY "SOFTWARE\\Classes\\AppID\\"

struct gpo_build {
	struct render_ctx *ctx;
	struct arena arena;
	struct pol_doc pol;
	struct inf_doc inf;
	bool has_inf_settings;
	unsigned extensions;
	bool ok;
};

static struct src_pos first_grant(const struct effect_meta *meta)
{
	return meta->n_prov ? meta->prov[0].grant : (struct src_pos){ 0 };
}

static void fail(struct gpo_build *b, const struct effect_meta *meta, const char *what, const char *why)
{
	diag_error(b->ctx->d, first_grant(meta), "the gpo target cannot write %s: %s", what, why);
	b->ok = false;
}

static void internal_error(struct gpo_build *b, const char *path, const char *what)
{
	diag_error(b->ctx->d, (struct src_pos){ 0 },
		   "internal error: %s does not re-read to the model: %s (a bug in gpoc; please report it)",
		   path, what);
	b->ok = false;
}

static void add_firewall_rules(struct gpo_build *b)
{
	const struct model *m = b->ctx->m;
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct m_firewall *r = &m->rules[i];
		struct strbuf text = STRBUF_INIT, why = STRBUF_INIT;
		if (!gpfas_check_id(r->rule.id, &why) || !gpfas_write(&r->rule, &text, &why)) {
			fail(b, &r->meta, "firewall rule", why.buf);
		} else {
			struct reg_value v = { .hive = HIVE_NONE, .key = arena_strdup(&b->arena, FIREWALL_RULES_KEY),
					       .name = r->rule.id };
			reg_value_set_sz(&v, &b->arena, REGT_SZ, text.buf);
			pol_doc_add(&b->pol, &v);
			b->extensions |= GPO_EXT_FIREWALL;
		}
		strbuf_release(&text);
		strbuf_release(&why);
	}
}

static void add_registry_values(struct gpo_build *b)
{
	const struct model *m = b->ctx->m;
	for (size_t i = 0; i < m->n_values; i++) {
		const struct m_registry *r = &m->values[i];
		if (r->value.hive != HIVE_HKLM) {
			fail(b, &r->meta, "a registry value outside HKEY_LOCAL_MACHINE",
			     "a computer GPO holds machine settings only");
			continue;
		}
		// What Registry.pol cannot hold is refused here, at the grant, so that a
		// failure of pol_write() below can only be a gpoc bug.
		struct strbuf why = STRBUF_INIT, name16 = STRBUF_INIT;
		utf8_to_utf16le(&name16, r->value.name, strlen(r->value.name));
		if (!reg_key_check(r->value.key, false, &why)) {
			fail(b, &r->meta, "a registry value", why.buf);
		} else if (name16.len / 2 > POL_MAX_VALUE_NAME) {
			strbuf_addf(&why, "its name is %zu characters long; Registry.pol value names have at most %d",
				    name16.len / 2, POL_MAX_VALUE_NAME);
			fail(b, &r->meta, "a registry value", why.buf);
		} else {
			pol_doc_add(&b->pol, &r->value);
			b->extensions |= GPO_EXT_REGISTRY;
		}
		strbuf_release(&why);
		strbuf_release(&name16);
	}
}

// AppID permissions go to registry.pol as the binary descriptor Windows reads.
static void add_appid_descriptor(struct gpo_build *b, const struct m_descriptor *desc)
{
	struct secdesc sd;
	if (!model_descriptor_build(b->ctx->m, desc, true, &sd, b->ctx->d)) {
		b->ok = false;
		return;
	}
	struct strbuf bytes = STRBUF_INIT;
	secdesc_encode(&sd, &bytes);
	struct reg_value v = {
		.hive = HIVE_NONE,
		.key = arena_printf(&b->arena, APPID_KEY "%s", desc->target),
		.name = arena_strdup(&b->arena, desc->kind == DESC_APPID_LAUNCH ? "LaunchPermission"
										: "AccessPermission"),
	};
	reg_value_set_binary(&v, &b->arena, bytes.buf, bytes.len);
	pol_doc_add(&b->pol, &v);
	b->extensions |= GPO_EXT_REGISTRY;
	strbuf_release(&bytes);
	secdesc_release(&sd);
}

// The DCOM machine restrictions as security options in GptTmpl.inf.
static void add_machine_restriction(struct gpo_build *b, const struct m_descriptor *desc)
{
	struct secdesc sd;
	if (!model_descriptor_build(b->ctx->m, desc, true, &sd, b->ctx->d)) {
		b->ok = false;
		return;
	}
	struct strbuf sddl = STRBUF_INIT, why = STRBUF_INIT;
	sddl_print(&sd, &b->ctx->m->sids, SDDL_PRINT_NUMERIC_RM, &sddl);
	struct reg_value v = {
		.hive = HIVE_HKLM,
		.key = arena_strdup(&b->arena, DCOM_POLICY_KEY),
		.name = arena_strdup(&b->arena, desc->kind == DESC_MACHINE_LAUNCH ? "MachineLaunchRestriction"
										  : "MachineAccessRestriction"),
	};
	reg_value_set_sz(&v, &b->arena, REGT_SZ, sddl.buf);
	if (!gpttmpl_add_registry_value(&b->inf, &v, &why)) {
		const struct effect_meta *meta = desc->n_aces ? &desc->aces[0].meta : NULL;
		if (meta)
			fail(b, meta, desc->name, why.buf);
		else
			internal_error(b, GPO_BACKUP_GPTTMPL_INF, why.buf);
	}
	b->has_inf_settings = true;
	strbuf_release(&sddl);
	strbuf_release(&why);
	secdesc_release(&sd);
}

static void add_descriptors(struct gpo_build *b)
{
	const struct model *m = b->ctx->m;
	for (size_t i = 0; i < m->n_descriptors; i++) {
		const struct m_descriptor *desc = &m->descriptors[i];
		switch (desc->kind) {
		case DESC_MACHINE_LAUNCH:
		case DESC_MACHINE_ACCESS:
			add_machine_restriction(b, desc);
			break;
		case DESC_APPID_LAUNCH:
		case DESC_APPID_ACCESS:
			add_appid_descriptor(b, desc);
			break;
		case DESC_NAMESPACE:
			break; // online only: the ps1 target
		}
	}
}

static const char *principal_ref(struct gpo_build *b, const struct principal *p)
{
	if (p->has_sid) {
		struct strbuf sb = STRBUF_INIT;
		sid_format(&p->sid, &sb);
		char *s = arena_strdup(&b->arena, sb.buf);
		strbuf_release(&sb);
		return s;
	}
	return p->name;
}

// "*MEMBER__Memberof = *GROUP,*GROUP": the model sorts members by group, so the
// memberships are regrouped by member (sorted by the member's reference, then by
// model order) before one line per member is written.
struct membership_ref {
	const char *member;
	size_t index;
};

static int cmp_membership_ref(const void *a, const void *b)
{
	const struct membership_ref *x = a, *y = b;
	int c = strcmp(x->member, y->member);
	return c ? c : (x->index > y->index) - (x->index < y->index);
}

static void add_memberships(struct gpo_build *b)
{
	const struct model *m = b->ctx->m;
	if (!m->n_members)
		return;
	struct membership_ref *refs = arena_array(&b->arena, m->n_members, sizeof(*refs));
	for (size_t i = 0; i < m->n_members; i++) {
		refs[i].member = principal_ref(b, m->members[i].member);
		refs[i].index = i;
	}
	qsort(refs, m->n_members, sizeof(*refs), cmp_membership_ref);
	const char **groups = arena_array(&b->arena, m->n_members, sizeof(*groups));
	for (size_t i = 0; i < m->n_members;) {
		size_t j = i, n = 0;
		bool usable = true;
		for (; j < m->n_members && !strcmp(refs[j].member, refs[i].member); j++) {
			const struct m_member *mm = &m->members[refs[j].index];
			if (!mm->group->has_sid) {
				fail(b, &mm->meta, "a group membership",
				     "Group Policy names the group by SID; give the group a 'sid:'");
				usable = false;
				continue;
			}
			groups[n++] = principal_ref(b, mm->group);
		}
		struct strbuf why = STRBUF_INIT;
		const struct m_member *first = &m->members[refs[i].index];
		if (usable && n && !gpttmpl_add_group(&b->inf, refs[i].member, false, groups, n, &why))
			fail(b, &first->meta, "a group membership", why.buf);
		strbuf_release(&why);
		b->has_inf_settings = true;
		i = j;
	}
}

static void note_online_only(struct gpo_build *b)
{
	const struct model *m = b->ctx->m;
	for (size_t i = 0; i < m->n_steps; i++)
		diag_note(b->ctx->d, first_grant(&m->steps[i].meta),
			  "Group Policy cannot run the '%s' step; the netsh target's apply.cmd runs it",
			  step_kind_name(m->steps[i].kind));
}

static const char *backup_guid(struct arena *a, const char *ns, const char *policy)
{
	uint8_t g[16];
	guid_from_name(ns, policy, g);
	struct strbuf sb = STRBUF_INIT;
	guid_format16(g, &sb);
	char *s = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return s;
}

// Re-reads registry.pol and checks it holds exactly the entries written.
static void check_pol(struct gpo_build *b, const char *path, const struct pol_doc *want,
		      const struct strbuf *bytes)
{
	struct pol_doc back;
	struct fmt_error e;
	size_t at;
	if (!pol_read((const uint8_t *)bytes->buf, bytes->len, &back, &e)) {
		internal_error(b, path, e.message);
	} else if (!pol_doc_equal(want, &back, &at)) {
		struct strbuf why = STRBUF_INIT;
		strbuf_addf(&why, "entry %zu differs", at + 1);
		internal_error(b, path, why.buf);
		strbuf_release(&why);
	} else {
		// Firewall rules also read back to the model's rules, field by field.
		const struct model *m = b->ctx->m;
		for (size_t i = 0; i < back.n; i++) {
			const struct reg_value *v = &back.v[i].v;
			size_t r = 0;
			while (r < m->n_rules && strcmp(m->rules[r].rule.id, v->name))
				r++;
			if (strcmp(v->key, FIREWALL_RULES_KEY) || r == m->n_rules)
				continue;
			struct strbuf text = STRBUF_INIT, why = STRBUF_INIT;
			struct arena a;
			arena_init(&a);
			struct gpfas_rule g;
			struct gpfas_error ge;
			struct fw_rule rule;
			const struct gpfas_field **unknown;
			size_t n_unknown;
			if (!reg_data_as_string(v->data, v->size, &text))
				internal_error(b, path, "a firewall rule is not one string");
			else if (!gpfas_parse(text.buf, text.len, &a, &g, &ge) ||
				 !gpfas_to_rule(&g, &m->sids, &a, &rule, &unknown, &n_unknown, &ge))
				internal_error(b, path, ge.message);
			else {
				rule.id = v->name;
				if (n_unknown || !fw_rule_same(&m->rules[r].rule, &rule, 0, &why))
					internal_error(b, path, n_unknown ? "unknown rule fields" : why.buf);
			}
			arena_release(&a);
			strbuf_release(&text);
			strbuf_release(&why);
		}
	}
	pol_doc_release(&back);
}

static void check_inf(struct gpo_build *b, const char *path, const struct inf_doc *want,
		      const struct strbuf *bytes)
{
	struct inf_doc back;
	struct fmt_error e;
	if (!inf_read((const uint8_t *)bytes->buf, bytes->len, &back, &e))
		internal_error(b, path, e.message);
	else if (!inf_doc_equal(want, &back))
		internal_error(b, path, "sections or lines differ");
	inf_doc_release(&back);
}

// Writes one backup folder: XML, registry.pol, and GptTmpl.inf when it has settings.
static void write_backup(struct gpo_build *b, const char *backup_id, const char *gpo_id, const char *title,
			 const struct pol_doc *pol, const struct inf_doc *inf, unsigned extensions)
{
	struct render_ctx *ctx = b->ctx;
	struct fmt_error e;
	struct strbuf path = STRBUF_INIT;

	if (pol->n) {
		strbuf_addf(&path, "gpo/%s/" GPO_BACKUP_REGISTRY_POL, backup_id);
		struct strbuf *out = artifact_add(ctx->out, path.buf);
		if (!pol_write(pol, out, &e))
			internal_error(b, path.buf, e.message);
		else
			check_pol(b, path.buf, pol, out);
	}
	if (inf) {
		strbuf_reset(&path);
		strbuf_addf(&path, "gpo/%s/" GPO_BACKUP_GPTTMPL_INF, backup_id);
		struct strbuf *out = artifact_add(ctx->out, path.buf);
		if (!inf_write(inf, out, &e))
			fail(b, &(struct effect_meta){ 0 }, "GptTmpl.inf", e.message);
		else
			check_inf(b, path.buf, inf, out);
	}

	struct gpo_backup_info info = {
		.backup_id = backup_id,
		.gpo_id = gpo_id,
		.display_name = title,
		.comment = ctx->m->intent->policy.description,
		.machine_version = 1,
		.machine_extensions = extensions,
	};
	struct strbuf schemas = STRBUF_INIT, err = STRBUF_INIT;
	strbuf_addf(&schemas, "%s/schemas", ctx->datadir);
	strbuf_reset(&path);
	strbuf_addf(&path, "gpo/%s/" GPO_BACKUP_XML, backup_id);
	struct strbuf *backup = artifact_add(ctx->out, path.buf);
	strbuf_reset(&path);
	strbuf_addf(&path, "gpo/%s/" GPO_BKUPINFO_XML, backup_id);
	struct strbuf *bkupinfo = artifact_add(ctx->out, path.buf);
	if (!gpo_backup_xml(&info, schemas.buf, backup, bkupinfo, &err)) {
		diag_error(ctx->d, ctx->m->intent->policy.pos, "the gpo target cannot write the backup of '%s': %s",
			   title, err.buf);
		b->ok = false;
	}
	strbuf_release(&schemas);
	strbuf_release(&err);
	strbuf_release(&path);
}

// Values outside SOFTWARE\Policies tattoo the machine; the revert GPO undoes them.
static bool tattoos(const struct reg_value *v)
{
	static const char policies[] = "SOFTWARE\\Policies\\";
	return ascii_strncasecmp(v->key, policies, sizeof(policies) - 1) != 0;
}

static void write_revert_backup(struct gpo_build *b, const char *policy)
{
	const struct model *m = b->ctx->m;
	struct pol_doc revert;
	pol_doc_init(&revert);
	for (size_t i = 0; i < m->n_values; i++) {
		const struct m_registry *r = &m->values[i];
		if (r->value.hive != HIVE_HKLM || !tattoos(&r->value))
			continue;
		if (r->revert_delete)
			pol_doc_add_delete(&revert, r->value.key, r->value.name);
		else
			pol_doc_add(&revert, &r->revert);
	}
	for (size_t i = 0; i < m->n_descriptors; i++) {
		const struct m_descriptor *desc = &m->descriptors[i];
		if (desc->kind != DESC_APPID_LAUNCH && desc->kind != DESC_APPID_ACCESS)
			continue;
		char *key = arena_printf(&b->arena, APPID_KEY "%s", desc->target);
		char *name = arena_strdup(&b->arena, desc->kind == DESC_APPID_LAUNCH ? "LaunchPermission"
										     : "AccessPermission");
		if (desc->has_baseline) {
			struct strbuf bytes = STRBUF_INIT;
			secdesc_encode(&desc->baseline, &bytes);
			struct reg_value v = { .hive = HIVE_NONE, .key = key, .name = name };
			reg_value_set_binary(&v, &b->arena, bytes.buf, bytes.len);
			pol_doc_add(&revert, &v);
			strbuf_release(&bytes);
		} else {
			pol_doc_add_delete(&revert, key, name);
		}
	}
	if (revert.n) {
		const char *id = backup_guid(&b->arena, "gpoc-gpo-revert-backup", policy);
		const char *gpo = backup_guid(&b->arena, "gpoc-gpo-revert", policy);
		const char *title = arena_printf(&b->arena, "gpoc %s (revert)", policy);
		write_backup(b, id, gpo, title, &revert, NULL, GPO_EXT_REGISTRY);
	}
	pol_doc_release(&revert);
}

bool render_gpo(struct render_ctx *ctx)
{
	struct gpo_build b = { .ctx = ctx, .ok = true };
	arena_init(&b.arena);
	pol_doc_init(&b.pol);
	inf_doc_init(&b.inf);
	gpttmpl_init(&b.inf);
	const char *policy = ctx->m->intent->policy.name;

	add_firewall_rules(&b);
	add_registry_values(&b);
	add_descriptors(&b);
	add_memberships(&b);
	note_online_only(&b);
	if (b.has_inf_settings)
		b.extensions |= GPO_EXT_SECURITY;

	if (b.ok && (b.pol.n || b.has_inf_settings)) {
		const char *id = backup_guid(&b.arena, "gpoc-gpo-backup", policy);
		const char *gpo = backup_guid(&b.arena, "gpoc-gpo", policy);
		const char *title = arena_printf(&b.arena, "gpoc %s", policy);
		write_backup(&b, id, gpo, title, &b.pol, b.has_inf_settings ? &b.inf : NULL, b.extensions);
		if (b.ok)
			write_revert_backup(&b, policy);
	}
	pol_doc_release(&b.pol);
	inf_doc_release(&b.inf);
	arena_release(&b.arena);
	return b.ok;
}
