// sddl_txt.c: every security descriptor the intent touches (sddl/descriptors.txt).
//
// One block per descriptor of the model, in the model's order: where it lives,
// the baseline it starts from, the descriptor as it should end up printed as
// canonical SDDL (what ConvertSecurityDescriptorToStringSecurityDescriptor would
// print, with S-1-5-32-580 numeric), the hex of its binary self-relative form (what
// a REG_BINARY value holds), one readable line per ACE, and the intent's own ACEs
// with the grants they come from.
//
// The descriptor comes from model_descriptor_build(), like every other renderer's.
// Self-check: the printed SDDL is parsed back and the hex decoded back, and both
// must equal the descriptor; the descriptor must pass rights_validate() for its
// vocabulary. A principal without a SID cannot be written here: that is an error
// at its grant, not a check failure.
#include <string.h>

#include "core/util.h"
#include "render/render.h"
#include "sd/secdesc.h"

static const char *kind_text(enum descriptor_kind k)
{
	switch (k) {
	case DESC_MACHINE_LAUNCH: return "DCOM machine launch and activation limit";
	case DESC_MACHINE_ACCESS: return "DCOM machine access limit";
	case DESC_APPID_LAUNCH: return "launch and activation permission of one COM application";
	case DESC_APPID_ACCESS: return "access permission of one COM application";
	case DESC_NAMESPACE: return "WMI namespace security";
	}
	return "";
}

static void add_where(struct strbuf *out, const struct m_descriptor *d)
{
	switch (d->kind) {
	case DESC_MACHINE_LAUNCH:
	case DESC_MACHINE_ACCESS:
		strbuf_addf(out, "registry: HKLM\\SOFTWARE\\Microsoft\\Ole\\%s (REG_BINARY)\n", d->name);
		strbuf_addf(out, "policy: HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\DCOM\\%s (REG_SZ, SDDL; wins "
				 "over the Ole value)\n",
			    d->name);
		return;
	case DESC_APPID_LAUNCH:
	case DESC_APPID_ACCESS:
		strbuf_addf(out, "registry: HKLM\\SOFTWARE\\Classes\\AppID\\%s\\%s (REG_BINARY)\n", d->target,
			    d->kind == DESC_APPID_LAUNCH ? "LaunchPermission" : "AccessPermission");
		return;
	case DESC_NAMESPACE:
		strbuf_addstr(out, "applied: online, merged into the namespace's descriptor by "
				   "ps1/apply-namespaces.ps1 (__SystemSecurity GetSD/SetSD)\n");
		return;
	}
}

// User text (principal names, risk reasons) on one line: control characters
// would break the one-line-per-field layout, so they become \xNN.
static void add_text(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			strbuf_addf(out, "\\x%02x", c);
		else
			strbuf_addch(out, c);
	}
}

static void add_pos(struct strbuf *out, const struct model *m, struct src_pos pos)
{
	model_display_path(m, pos.file->name, out);
	strbuf_addf(out, ":%u:%u", pos.line, pos.col);
}

// "(A;CI;CCWP;;;S-1-5-21-...)" for one ACE of the intent.
static void add_ace_sddl(struct strbuf *out, const struct model *m, const struct m_ace *a)
{
	struct secdesc one;
	secdesc_init(&one);
	one.control = SE_DACL_PRESENT;
	one.dacl.revision = 2;
	struct ace ace = { .type = a->type, .flags = a->flags, .mask = a->mask, .sid = a->who->sid };
	acl_add_ace(&one.dacl, &ace);
	struct strbuf sb = STRBUF_INIT;
	sddl_print(&one, &m->sids, SDDL_PRINT_NUMERIC_RM, &sb);
	// A descriptor of just a DACL prints as "D:(...)".
	strbuf_addstr(out, sb.len > 2 && !strncmp(sb.buf, "D:", 2) ? sb.buf + 2 : sb.buf);
	strbuf_release(&sb);
	secdesc_release(&one);
}

static void add_indented(struct strbuf *out, const char *text)
{
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		strbuf_addstr(out, "  ");
		strbuf_add(out, p, len);
		strbuf_addch(out, '\n');
		p += len + (nl ? 1 : 0);
	}
}

static bool check(struct render_ctx *ctx, const struct m_descriptor *d, const struct secdesc *sd,
		  const struct strbuf *sddl, const struct strbuf *bin)
{
	const struct model *m = ctx->m;
	struct src_pos pos = d->aces[0].meta.prov[0].grant;
	bool ok = true;
	struct secdesc back;
	struct sddl_error serr;
	if (!sddl_parse(sddl->buf, sddl->len, &m->sids, &back, &serr)) {
		diag_error(ctx->d, pos, "sddl/descriptors.txt: the SDDL printed for %s does not parse back (%s at "
					"offset %zu); a gpoc bug",
			   d->name, serr.message, serr.offset);
		return false;
	}
	if (!secdesc_equal(&back, sd)) {
		diag_error(ctx->d, pos, "sddl/descriptors.txt: the SDDL printed for %s reads back as another "
					"descriptor; a gpoc bug",
			   d->name);
		ok = false;
	}
	secdesc_release(&back);
	struct strbuf err = STRBUF_INIT;
	struct secdesc dec;
	if (!secdesc_decode((const uint8_t *)bin->buf, bin->len, &dec, &err)) {
		diag_error(ctx->d, pos, "sddl/descriptors.txt: the binary form of %s does not decode (%s); a gpoc bug",
			   d->name, err.buf);
		strbuf_release(&err);
		return false;
	}
	if (!secdesc_equal(&dec, sd)) {
		diag_error(ctx->d, pos, "sddl/descriptors.txt: the binary form of %s decodes as another descriptor; "
					"a gpoc bug",
			   d->name);
		ok = false;
	}
	secdesc_release(&dec);
	if (!rights_validate(d->vocab, sd, &err)) {
		diag_error(ctx->d, pos, "%s is not a valid %s descriptor: %s", d->name, model_vocab_name(d->vocab),
			   err.buf);
		ok = false;
	}
	strbuf_release(&err);
	return ok;
}

bool render_sddl(struct render_ctx *ctx)
{
	const struct model *m = ctx->m;
	struct strbuf *out = artifact_add(ctx->out, "sddl/descriptors.txt");
	strbuf_addf(out, "# gpoc: security descriptors of policy '%s'\n", m->intent->policy.name);
	strbuf_addstr(out,
		      "#\n"
		      "# One block per descriptor the intent changes. 'sddl' is the descriptor as it should end\n"
		      "# up on the host (its baseline merged with the intent's ACEs) as Windows prints it; 'hex'\n"
		      "# is its binary self-relative form; 'aces' reads every ACE out; 'granted' lists the\n"
		      "# intent's own ACEs and the grants they come from.\n");
	if (!m->n_descriptors)
		strbuf_addstr(out, "#\n# This intent changes no security descriptor.\n");
	bool ok = true;
	for (size_t i = 0; i < m->n_descriptors; i++) {
		const struct m_descriptor *d = &m->descriptors[i];
		struct secdesc sd;
		if (!model_descriptor_build(m, d, true, &sd, ctx->d)) {
			ok = false;
			continue;
		}
		struct strbuf sddl = STRBUF_INIT, bin = STRBUF_INIT, explain = STRBUF_INIT;
		sddl_print(&sd, &m->sids, SDDL_PRINT_NUMERIC_RM, &sddl);
		secdesc_encode(&sd, &bin);
		secdesc_explain(&sd, &m->sids, d->vocab, &explain);
		if (!check(ctx, d, &sd, &sddl, &bin))
			ok = false;

		strbuf_addf(out, "\n[%s]\n", d->name);
		strbuf_addf(out, "kind: %s (%s)\n", descriptor_kind_name(d->kind), kind_text(d->kind));
		add_where(out, d);
		if (d->has_baseline) {
			strbuf_addf(out, "baseline: %s (", d->baseline_name);
			add_pos(out, m, d->baseline_pos);
			strbuf_addstr(out, ")\n");
		} else if (d->kind == DESC_NAMESPACE) {
			strbuf_addstr(out, "baseline: none (the ACEs are merged into whatever the namespace holds)\n");
		} else {
			strbuf_addstr(out, "baseline: none (the descriptor holds only this intent's ACEs)\n");
		}
		strbuf_addf(out, "sddl: %s\n", sddl.buf);
		strbuf_addstr(out, "hex: ");
		strbuf_add_hex(out, bin.buf, bin.len);
		strbuf_addstr(out, "\naces:\n");
		add_indented(out, explain.buf);
		strbuf_addstr(out, "granted:\n");
		for (size_t k = 0; k < d->n_aces; k++) {
			const struct m_ace *a = &d->aces[k];
			strbuf_addstr(out, "  ");
			add_ace_sddl(out, m, a);
			if (a->who->key || a->who->name) {
				strbuf_addstr(out, a->who->key ? " '" : " ");
				add_text(out, a->who->key ? a->who->key : a->who->name);
				strbuf_addstr(out, a->who->key ? "'" : "");
			}
			strbuf_addch(out, '\n');
			if (a->meta.risk) {
				strbuf_addstr(out, "    risk: ");
				add_text(out, a->meta.risk);
				strbuf_addstr(out, "; accepted because: ");
				add_text(out, a->meta.risk_reason ? a->meta.risk_reason : "");
				strbuf_addch(out, '\n');
			}
			for (size_t p = 0; p < a->meta.n_prov; p++) {
				const struct provenance *pv = &a->meta.prov[p];
				strbuf_addstr(out, "    from ");
				add_pos(out, m, pv->grant);
				strbuf_addf(out, " (%s", pv->capability);
				if (pv->tmpl.file) {
					strbuf_addstr(out, ", ");
					add_pos(out, m, pv->tmpl);
				}
				strbuf_addstr(out, ")\n");
			}
		}
		strbuf_release(&sddl);
		strbuf_release(&bin);
		strbuf_release(&explain);
		secdesc_release(&sd);
	}
	return ok;
}
