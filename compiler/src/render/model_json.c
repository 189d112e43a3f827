// model_json.c: the model as JSON (model/model.json), for tools and reviews.
//
// Every effect of the model with its provenance, in the model's own order, with a
// fixed key order, two-space indentation, one effect per line and a final newline, so the same intent
// gives the same bytes on every machine (docs/capabilities.md documents the
// format). Nothing here depends on where gpoc is installed: template paths are
// printed relative to the data directory ("templates/capabilities/...").
//
// The writer is review/json.h; the self-check reads the document back with its
// independent RFC 8259 recogniser.
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/utf.h"
#include "core/util.h"
#include "render/render.h"
#include "review/json.h"
#include "sd/sid.h"

// A position as "file:line:column": split from the right, the file may hold any
// character. A third of the document's bytes were position objects.
static void write_pos(struct json_writer *w, const struct model *m, const char *key, struct src_pos pos)
{
	if (!pos.file) {
		json_kv_string(w, key, NULL);
		return;
	}
	struct strbuf sb = STRBUF_INIT;
	model_display_path(m, pos.file->name, &sb);
	strbuf_addf(&sb, ":%u:%u", pos.line, pos.col);
	json_kv_string(w, key, sb.buf);
	strbuf_release(&sb);
}

static void write_meta(struct json_writer *w, const struct model *m, const struct effect_meta *meta)
{
	json_key(w, "risk");
	if (meta->risk) {
		json_object_begin(w);
		json_kv_string(w, "what", meta->risk);
		json_kv_string(w, "accepted-because", meta->risk_reason);
		json_object_end(w);
	} else {
		json_null(w);
	}
	json_key(w, "provenance");
	json_array_begin(w);
	for (size_t i = 0; i < meta->n_prov; i++) {
		const struct provenance *p = &meta->prov[i];
		json_object_begin(w);
		write_pos(w, m, "grant", p->grant);
		json_kv_string(w, "capability", p->capability);
		write_pos(w, m, "template", p->tmpl);
		json_object_end(w);
	}
	json_array_end(w);
}

static void write_principal(struct json_writer *w, const struct model *m, const char *key, const struct principal *p)
{
	json_key(w, key);
	json_object_begin(w);
	json_kv_string(w, "key", p->key);
	json_kv_string(w, "name", p->name);
	if (p->has_sid) {
		struct strbuf sb = STRBUF_INIT;
		sid_format(&p->sid, &sb);
		json_kv_string(w, "sid", sb.buf);
		strbuf_release(&sb);
	} else {
		json_kv_string(w, "sid", NULL);
	}
	(void)m;
	json_object_end(w);
}

static void kv_hex32(struct json_writer *w, const char *key, uint32_t v)
{
	char buf[16];
	snprintf(buf, sizeof(buf), "0x%" PRIx32, v);
	json_kv_string(w, key, buf);
}

static void write_flags(struct json_writer *w, uint8_t flags)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} names[] = { { ACE_OI, "OI" }, { ACE_CI, "CI" }, { ACE_NP, "NP" }, { ACE_IO, "IO" },
		      { ACE_ID, "ID" }, { ACE_SA, "SA" }, { ACE_FA, "FA" } };
	json_key(w, "flags");
	json_array_begin(w);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (flags & names[i].bit)
			json_string(w, names[i].name);
	json_array_end(w);
}

static void write_rights(struct json_writer *w, enum rights_vocab v, uint32_t mask)
{
	json_key(w, "rights");
	json_array_begin(w);
	for (const char *const *n = rights_names(v); *n; n++) {
		uint32_t bit;
		if (rights_from_name(v, *n, &bit) && bit && (mask & bit) == bit)
			json_string(w, *n);
	}
	json_array_end(w);
}

static void write_descriptor(struct json_writer *w, const struct model *m, const struct m_descriptor *d)
{
	json_object_begin(w);
	json_kv_string(w, "kind", descriptor_kind_name(d->kind));
	json_kv_string(w, "name", d->name);
	json_kv_string(w, "target", d->target);
	json_kv_string(w, "vocabulary", model_vocab_name(d->vocab));
	json_key(w, "baseline");
	if (d->has_baseline) {
		json_object_begin(w);
		json_kv_string(w, "name", d->baseline_name);
		struct strbuf sddl = STRBUF_INIT;
		sddl_print(&d->baseline, &m->sids, SDDL_PRINT_NUMERIC_RM, &sddl);
		json_kv_string(w, "sddl", sddl.buf);
		strbuf_release(&sddl);
		write_pos(w, m, "source", d->baseline_pos);
		json_object_end(w);
	} else {
		json_null(w);
	}
	json_key(w, "aces");
	json_array_begin(w);
	for (size_t i = 0; i < d->n_aces; i++) {
		const struct m_ace *a = &d->aces[i];
		json_object_begin_inline(w);
		json_kv_string(w, "type", a->type == ACE_DENY ? "deny" : "allow");
		write_flags(w, a->flags);
		write_principal(w, m, "principal", a->who);
		kv_hex32(w, "mask", a->mask);
		write_rights(w, d->vocab, a->mask);
		write_meta(w, m, &a->meta);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static const char *hive_name(enum reg_hive h)
{
	switch (h) {
	case HIVE_HKLM: return "HKLM";
	case HIVE_HKCU: return "HKCU";
	case HIVE_HKCR: return "HKCR";
	case HIVE_HKU: return "HKU";
	case HIVE_NONE: return NULL;
	}
	return NULL;
}

static const char *reg_type_name(uint32_t t)
{
	switch (t) {
	case REGT_SZ: return "REG_SZ";
	case REGT_EXPAND_SZ: return "REG_EXPAND_SZ";
	case REGT_BINARY: return "REG_BINARY";
	case REGT_DWORD: return "REG_DWORD";
	case REGT_MULTI_SZ: return "REG_MULTI_SZ";
	case REGT_QWORD: return "REG_QWORD";
	default: return NULL;
	}
}

static void write_utf16(struct json_writer *w, const uint8_t *p, size_t n)
{
	struct strbuf u = STRBUF_INIT;
	utf16le_to_utf8(&u, p, n);
	json_string(w, u.buf);
	strbuf_release(&u);
}

// Data as bytes (exact) and, for the common types, as a readable value.
static void write_reg_data(struct json_writer *w, const struct reg_value *v)
{
	const char *tn = reg_type_name(v->type);
	if (tn)
		json_kv_string(w, "type", tn);
	else
		json_kv_int(w, "type", v->type);
	struct strbuf hex = STRBUF_INIT;
	strbuf_add_hex(&hex, v->data, v->size);
	json_kv_string(w, "bytes", hex.buf);
	strbuf_release(&hex);
	json_key(w, "value");
	if (v->type == REGT_DWORD && v->size == 4) {
		json_int(w, get_le32(v->data));
	} else if (v->type == REGT_QWORD && v->size == 8) {
		// JSON numbers lose precision past 2^53: a string keeps every digit.
		char buf[24];
		uint64_t q = (uint64_t)get_le32(v->data) | (uint64_t)get_le32(v->data + 4) << 32;
		snprintf(buf, sizeof(buf), "%" PRIu64, q);
		json_string(w, buf);
	} else if (v->type == REGT_SZ || v->type == REGT_EXPAND_SZ) {
		// Without the terminating NUL.
		size_t n = v->size & ~(size_t)1;
		write_utf16(w, v->data, n >= 2 ? n - 2 : 0);
	} else if (v->type == REGT_MULTI_SZ) {
		// Each string ends with NUL, the list with one more.
		json_array_begin(w);
		size_t n = v->size & ~(size_t)1, start = 0;
		for (size_t i = 0; i + 1 < n; i += 2) {
			if (v->data[i] || v->data[i + 1])
				continue;
			if (i == start)
				break;
			write_utf16(w, v->data + start, i - start);
			start = i + 2;
		}
		json_array_end(w);
	} else {
		json_null(w);
	}
}

static const char *fw_dir_name(enum fw_dir d) { return d == FW_DIR_OUT ? "out" : "in"; }

static const char *fw_action_name(enum fw_action a)
{
	return a == FW_BLOCK ? "block" : a == FW_BYPASS ? "bypass" : "allow";
}

static const char *fw_edge_name(enum fw_edge e)
{
	switch (e) {
	case FW_EDGE_YES: return "yes";
	case FW_EDGE_DEFERAPP: return "deferapp";
	case FW_EDGE_DEFERUSER: return "deferuser";
	case FW_EDGE_NO: return "no";
	}
	return "no";
}

static const char *fw_security_name(enum fw_security s)
{
	switch (s) {
	case FW_SEC_AUTHENTICATE: return "authenticate";
	case FW_SEC_AUTHENC: return "authenc";
	case FW_SEC_AUTHDYNENC: return "authdynenc";
	case FW_SEC_AUTHNOENCAP: return "authnoencap";
	case FW_SEC_NOTREQUIRED: return "notrequired";
	}
	return "notrequired";
}

static void write_rule(struct json_writer *w, const struct model *m, const struct m_firewall *f)
{
	const struct fw_rule *r = &f->rule;
	json_object_begin_inline(w);
	json_kv_string(w, "id", r->id);
	json_kv_string(w, "name", r->name);
	json_kv_string(w, "description", r->description);
	json_kv_string(w, "group", r->group);
	json_kv_string(w, "direction", fw_dir_name(r->dir));
	json_kv_string(w, "action", fw_action_name(r->action));
	json_key(w, "protocol");
	if (r->protocol == FW_PROTO_ANY)
		json_string(w, "any");
	else
		json_int(w, r->protocol);
	json_kv_string(w, "local-ports", r->local_ports);
	json_kv_string(w, "remote-ports", r->remote_ports);
	json_kv_string(w, "program", r->program);
	json_kv_string(w, "service", r->service);
	json_key(w, "remote-addresses");
	json_array_begin(w);
	for (size_t i = 0; i < r->n_remote_addrs; i++)
		json_string(w, r->remote_addrs[i]);
	json_array_end(w);
	json_key(w, "profiles");
	json_array_begin(w);
	if (r->profiles & FW_PROFILE_DOMAIN)
		json_string(w, "domain");
	if (r->profiles & FW_PROFILE_PRIVATE)
		json_string(w, "private");
	if (r->profiles & FW_PROFILE_PUBLIC)
		json_string(w, "public");
	json_array_end(w);
	json_kv_bool(w, "enabled", r->enabled);
	json_kv_string(w, "edge", fw_edge_name(r->edge));
	json_kv_string(w, "security", fw_security_name(r->security));
	write_meta(w, m, &f->meta);
	json_object_end(w);
}

static void write_value(struct json_writer *w, const struct model *m, const struct m_registry *v)
{
	json_object_begin_inline(w);
	json_kv_string(w, "hive", hive_name(v->value.hive));
	json_kv_string(w, "key", v->value.key);
	json_kv_string(w, "name", v->value.name);
	write_reg_data(w, &v->value);
	json_key(w, "revert");
	json_object_begin(w);
	if (v->revert_delete) {
		json_kv_string(w, "action", "delete");
	} else {
		json_kv_string(w, "action", "write");
		write_reg_data(w, &v->revert);
	}
	json_object_end(w);
	json_kv_string(w, "display", v->display);
	json_kv_string(w, "explain", v->explain);
	json_kv_bool(w, "stock-template", v->stock_template);
	write_meta(w, m, &v->meta);
	json_object_end(w);
}

bool render_model_json(struct render_ctx *ctx)
{
	const struct model *m = ctx->m;
	const struct intent *in = m->intent;
	struct strbuf *out = artifact_add(ctx->out, "model/model.json");
	struct json_writer w;
	json_init(&w, out);
	json_object_begin(&w);
	json_kv_string(&w, "format", "gpoc-model");
	json_kv_int(&w, "version", 1);
	json_key(&w, "policy");
	json_object_begin(&w);
	json_kv_string(&w, "name", in->policy.name);
	json_kv_string(&w, "description", in->policy.description);
	json_kv_string(&w, "owner", in->policy.owner);
	json_kv_string(&w, "ticket", in->policy.ticket);
	json_object_end(&w);

	json_key(&w, "files");
	json_array_begin(&w);
	for (size_t i = 0; i < m->n_files_read; i++) {
		struct strbuf sb = STRBUF_INIT;
		model_display_path(m, m->files_read[i], &sb);
		json_string(&w, sb.buf);
		strbuf_release(&sb);
	}
	json_array_end(&w);

	json_key(&w, "descriptors");
	json_array_begin(&w);
	for (size_t i = 0; i < m->n_descriptors; i++)
		write_descriptor(&w, m, &m->descriptors[i]);
	json_array_end(&w);

	json_key(&w, "group-members");
	json_array_begin(&w);
	for (size_t i = 0; i < m->n_members; i++) {
		json_object_begin_inline(&w);
		write_principal(&w, m, "group", m->members[i].group);
		write_principal(&w, m, "member", m->members[i].member);
		write_meta(&w, m, &m->members[i].meta);
		json_object_end(&w);
	}
	json_array_end(&w);

	json_key(&w, "firewall-rules");
	json_array_begin(&w);
	for (size_t i = 0; i < m->n_rules; i++)
		write_rule(&w, m, &m->rules[i]);
	json_array_end(&w);

	json_key(&w, "registry-values");
	json_array_begin(&w);
	for (size_t i = 0; i < m->n_values; i++)
		write_value(&w, m, &m->values[i]);
	json_array_end(&w);

	json_key(&w, "steps");
	json_array_begin(&w);
	for (size_t i = 0; i < m->n_steps; i++) {
		json_object_begin_inline(&w);
		json_kv_string(&w, "kind", step_kind_name(m->steps[i].kind));
		json_key(&w, "level");
		if (m->steps[i].kind == STEP_WINMGMT_STANDALONE)
			json_int(&w, m->steps[i].level);
		else
			json_null(&w);
		write_meta(&w, m, &m->steps[i].meta);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_object_end(&w);
	strbuf_addch(out, '\n');

	size_t bad = 0;
	if (!json_done(&w) || !json_valid(out->buf, out->len, JSON_MAX_DEPTH, &bad)) {
		diag_error(ctx->d, m->intent->policy.pos, "model/model.json failed its own check: not valid JSON "
							  "at byte %zu (a gpoc bug)",
			   bad);
		return false;
	}
	return true;
}
