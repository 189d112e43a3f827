// Names for model entities, shared by lint.c and plan.c.
//
// Principals are recognised by SID. A principal given only by name (allowed for
// script outputs) is recognised by its English account name, with or without the
// "NT AUTHORITY\" / "BUILTIN\" / domain prefix; localised names are not matched,
// and docs/lint.md says so.
#include "review/describe.h"

#include <inttypes.h>
#include <string.h>

#include "core/utf.h"
#include "core/util.h"

struct wk_entry {
	enum wk_principal wk;
	const char *sid;     // NULL for domain-relative ones
	const char *name;    // English account name
	const char *prefix;  // the authority prefix it may carry ("NT AUTHORITY"), or NULL
};

static const struct wk_entry wk_table[] = {
	{ WK_EVERYONE, "S-1-1-0", "Everyone", NULL },
	{ WK_ANONYMOUS, "S-1-5-7", "ANONYMOUS LOGON", "NT AUTHORITY" },
	{ WK_NETWORK, "S-1-5-2", "NETWORK", "NT AUTHORITY" },
	{ WK_AUTHENTICATED, "S-1-5-11", "Authenticated Users", "NT AUTHORITY" },
	{ WK_BUILTIN_USERS, "S-1-5-32-545", "Users", "BUILTIN" },
	{ WK_ADMINISTRATORS, "S-1-5-32-544", "Administrators", "BUILTIN" },
	{ WK_DCOM_USERS, "S-1-5-32-562", "Distributed COM Users", "BUILTIN" },
	{ WK_PERFLOG_USERS, "S-1-5-32-559", "Performance Log Users", "BUILTIN" },
	{ WK_REMOTE_MGMT_USERS, "S-1-5-32-580", "Remote Management Users", "BUILTIN" },
};

enum wk_principal wk_classify_sid(const struct sid *sid, const struct sid_context *ctx)
{
	struct strbuf sb = STRBUF_INIT;
	sid_format(sid, &sb);
	enum wk_principal found = WK_NONE;
	for (size_t i = 0; i < ARRAY_SIZE(wk_table); i++)
		if (!strcmp(sb.buf, wk_table[i].sid))
			found = wk_table[i].wk;
	strbuf_release(&sb);
	uint32_t rid;
	if (found == WK_NONE && ctx && ctx->has_domain && sid_in_domain(sid, &ctx->domain, &rid) &&
	    rid == 513)
		found = WK_DOMAIN_USERS;
	return found;
}

static enum wk_principal wk_classify_name(const char *name)
{
	const char *slash = strrchr(name, '\\');
	const char *base = slash ? slash + 1 : name;
	size_t prefix_len = slash ? (size_t)(slash - name) : 0;
	for (size_t i = 0; i < ARRAY_SIZE(wk_table); i++) {
		const struct wk_entry *e = &wk_table[i];
		if (ascii_strcasecmp(base, e->name))
			continue;
		if (!slash)
			return e->wk;
		if (e->prefix && strlen(e->prefix) == prefix_len &&
		    !ascii_strncasecmp(name, e->prefix, prefix_len))
			return e->wk;
	}
	// Any domain's Domain Users is as broad as ours.
	if (!ascii_strcasecmp(base, "Domain Users"))
		return WK_DOMAIN_USERS;
	return WK_NONE;
}

enum wk_principal wk_classify(const struct principal *p, const struct sid_context *ctx)
{
	if (!p)
		return WK_NONE;
	if (p->has_sid)
		return wk_classify_sid(&p->sid, ctx);
	return p->name ? wk_classify_name(p->name) : WK_NONE;
}

bool wk_is_broad(enum wk_principal w)
{
	switch (w) {
	case WK_EVERYONE:
	case WK_ANONYMOUS:
	case WK_NETWORK:
	case WK_AUTHENTICATED:
	case WK_BUILTIN_USERS:
	case WK_DOMAIN_USERS:
		return true;
	default:
		return false;
	}
}

void describe_sid(const struct sid *sid, const struct sid_context *ctx, struct strbuf *out)
{
	const char *wk = sid_wellknown_name(sid, ctx);
	if (wk) {
		strbuf_addstr(out, wk);
		strbuf_addstr(out, " (");
		sid_format(sid, out);
		strbuf_addch(out, ')');
		return;
	}
	sid_format(sid, out);
}

void describe_principal(const struct principal *p, const struct sid_context *ctx, struct strbuf *out)
{
	if (!p) {
		strbuf_addstr(out, "(no principal)");
		return;
	}
	if (p->name) {
		strbuf_addstr(out, p->name);
		return;
	}
	if (p->has_sid) {
		describe_sid(&p->sid, ctx, out);
		return;
	}
	strbuf_addstr(out, p->alias ? p->alias : p->key ? p->key : "(unnamed principal)");
}

void principal_identity(const struct principal *p, struct strbuf *out)
{
	if (!p) {
		strbuf_addstr(out, "none:");
		return;
	}
	if (p->has_sid) {
		sid_format(&p->sid, out);
		return;
	}
	strbuf_addstr(out, "name:");
	const char *n = p->name ? p->name : p->alias ? p->alias : p->key ? p->key : "";
	for (; *n; n++)
		strbuf_addch(out, ascii_tolower((unsigned char)*n));
}

void describe_descriptor(const struct m_descriptor *d, struct strbuf *out)
{
	const char *t = d->target ? d->target : d->name ? d->name : "?";
	switch (d->kind) {
	case DESC_MACHINE_LAUNCH:
		strbuf_addstr(out, "DCOM machine launch limit");
		return;
	case DESC_MACHINE_ACCESS:
		strbuf_addstr(out, "DCOM machine access limit");
		return;
	case DESC_APPID_LAUNCH:
		strbuf_addf(out, "launch permission of DCOM AppID %s", t);
		return;
	case DESC_APPID_ACCESS:
		strbuf_addf(out, "access permission of DCOM AppID %s", t);
		return;
	case DESC_NAMESPACE:
		strbuf_addf(out, "WMI namespace %s", t);
		return;
	}
	strbuf_addf(out, "descriptor %s", t);
}

const char *descriptor_value_name(enum descriptor_kind k)
{
	switch (k) {
	case DESC_MACHINE_LAUNCH: return "MachineLaunchRestriction";
	case DESC_MACHINE_ACCESS: return "MachineAccessRestriction";
	case DESC_APPID_LAUNCH: return "LaunchPermission";
	case DESC_APPID_ACCESS: return "AccessPermission";
	case DESC_NAMESPACE: return NULL;
	}
	return NULL;
}

void describe_rights(enum rights_vocab v, uint32_t mask, struct strbuf *out)
{
	if (!mask) {
		strbuf_addstr(out, "no rights");
		return;
	}
	rights_explain(v, mask, out);
}

static const char *hive_name(enum reg_hive h)
{
	switch (h) {
	case HIVE_HKLM: return "HKLM\\";
	case HIVE_HKCU: return "HKCU\\";
	case HIVE_HKCR: return "HKCR\\";
	case HIVE_HKU: return "HKU\\";
	case HIVE_NONE: return "";
	}
	return "";
}

void describe_reg_path(const struct reg_value *v, struct strbuf *out)
{
	strbuf_addstr(out, hive_name(v->hive));
	strbuf_addstr(out, v->key ? v->key : "");
	strbuf_addch(out, '\\');
	strbuf_addstr(out, v->name && *v->name ? v->name : "(Default)");
}

bool reg_value_is(const struct reg_value *v, const char *key, const char *name)
{
	if (v->hive != HIVE_HKLM && v->hive != HIVE_NONE)
		return false;
	return v->key && v->name && !ascii_strcasecmp(v->key, key) && !ascii_strcasecmp(v->name, name);
}

bool reg_value_dword(const struct reg_value *v, uint32_t *out)
{
	if (v->type != REGT_DWORD || v->size != 4 || !v->data)
		return false;
	*out = get_le32(v->data);
	return true;
}

void describe_reg_data(const struct reg_value *v, struct strbuf *out)
{
	uint32_t dw;
	if (reg_value_dword(v, &dw)) {
		strbuf_addf(out, "%" PRIu32, dw);
		return;
	}
	if ((v->type == REGT_SZ || v->type == REGT_EXPAND_SZ || v->type == REGT_MULTI_SZ) &&
	    v->data && v->size % 2 == 0) {
		struct strbuf text = STRBUF_INIT;
		utf16le_to_utf8(&text, v->data, v->size);
		// Drop terminators; a multi-string's inner NULs separate its items.
		size_t n = text.len;
		while (n && text.buf[n - 1] == '\0')
			n--;
		strbuf_addch(out, '"');
		for (size_t i = 0; i < n; i++) {
			if (text.buf[i] == '\0')
				strbuf_addstr(out, "\", \"");
			else
				strbuf_addch(out, text.buf[i]);
		}
		strbuf_addch(out, '"');
		strbuf_release(&text);
		return;
	}
	if (v->type == REGT_QWORD && v->size == 8 && v->data) {
		uint64_t q = (uint64_t)get_le32(v->data) | ((uint64_t)get_le32(v->data + 4) << 32);
		strbuf_addf(out, "%" PRIu64, q);
		return;
	}
	// Binary and unknown types: hex, cut short so that a plan line stays a line.
	enum { SHOW = 32 };
	strbuf_addf(out, "type %" PRIu32 ", %zu bytes", v->type, v->size);
	if (v->size && v->data) {
		strbuf_addstr(out, ": ");
		strbuf_add_hex(out, v->data, v->size < SHOW ? v->size : SHOW);
		if (v->size > SHOW)
			strbuf_addstr(out, "...");
	}
}

void describe_pos(struct src_pos pos, struct strbuf *out)
{
	if (!pos.file)
		return;
	strbuf_addstr(out, pos.file->name);
	if (pos.line)
		strbuf_addf(out, ":%" PRIu32, pos.line);
}
