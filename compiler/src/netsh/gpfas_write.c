// Writer of Group Policy firewall rule strings ([MS-GPFAS] 2.2.2.19).
//
// Field order follows what Windows itself writes (seen in exported policies):
//   Action Active Dir Protocol Profile* LPort* LPort2_10* RPort* RPort2_10* RA4* RA6*
//   App Svc Name Desc EmbedCtxt Edge Defer RMauth RUAuth Security Security2_9
// Single ports go to LPort/RPort and ranges to LPort2_10/RPort2_10 (the plain fields
// hold one port each); IPv4 subnets are written with a dotted mask, as Windows
// stores them; an address keyword goes to both RA4 and RA6, as in the built-in
// rules. RMauth is spelled with a lowercase 'a', as Windows writes it.
//
// The version is the highest "introduced in" of the fields written, and never below
// 2.10 (Windows 7 / Server 2008 R2, the oldest release that reads LPort2_10 and
// Defer; every supported Windows reads 2.10 strings). There is no escape for '|',
// so a value holding one is refused.

#include "netsh/gpfas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf.h"
#include "netsh/fwaddr.h"

enum { GPFAS_TEXT_MAX = 10000 }; // UTF-16 units: [MS-FASP] 2.2.37 string ranges (1, 10001)

// Fields and the minor version of v2 that introduced them.
static const struct {
	const char *key;
	unsigned minor;
} field_versions[] = {
	{ "Action", 0 }, { "Active", 0 }, { "Dir", 0 }, { "Protocol", 0 }, { "Profile", 0 },
	{ "LPort", 0 }, { "RPort", 0 }, { "LPort2_10", 10 }, { "RPort2_10", 10 }, { "RA4", 0 },
	{ "RA6", 0 }, { "App", 0 }, { "Svc", 0 }, { "Name", 0 }, { "Desc", 0 }, { "EmbedCtxt", 0 },
	{ "Edge", 0 }, { "Defer", 10 }, { "RMauth", 0 }, { "RUAuth", 0 }, { "Security", 0 },
	{ "Security2_9", 9 },
};
enum { GPFAS_MIN_MINOR = 10 };

struct writer {
	struct strbuf fields;
	unsigned minor;
	struct strbuf *why;
	bool ok;
};

static void need_version(struct writer *w, const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(field_versions); i++) {
		if (!strcmp(field_versions[i].key, key)) {
			if (field_versions[i].minor > w->minor)
				w->minor = field_versions[i].minor;
			return;
		}
	}
	BUG("rule string field '%s' has no version", key);
}

static void put(struct writer *w, const char *key, const char *value)
{
	need_version(w, key);
	strbuf_addf(&w->fields, "%s=%s|", key, value);
}

static bool text_ok(struct writer *w, const char *key, const char *s)
{
	size_t len = strlen(s), bad;
	if (!len) {
		strbuf_addf(w->why, "%s is empty", key);
		return false;
	}
	if (!utf8_valid(s, len, &bad)) {
		strbuf_addf(w->why, "%s is not valid UTF-8 (byte %zu)", key, bad);
		return false;
	}
	size_t units = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '|') {
			strbuf_addf(w->why, "%s contains '|' at byte %zu: Group Policy rule strings "
				    "have no escape for it", key, i);
			return false;
		}
		if (c < 0x20 || c == 0x7f) {
			strbuf_addf(w->why, "%s contains control character 0x%02x at byte %zu", key, c, i);
			return false;
		}
		// UTF-16 length: one unit per code point, two for 4-byte sequences.
		if ((c & 0xC0) != 0x80)
			units += (c >= 0xF0) ? 2 : 1;
	}
	if (units > GPFAS_TEXT_MAX) {
		strbuf_addf(w->why, "%s has %zu UTF-16 units; Windows takes at most %d", key, units,
			    GPFAS_TEXT_MAX);
		return false;
	}
	return true;
}

static void put_text(struct writer *w, const char *key, const char *s)
{
	if (!w->ok || !s)
		return;
	if (!text_ok(w, key, s)) {
		w->ok = false;
		return;
	}
	put(w, key, s);
}

static void put_ports(struct writer *w, const char *plain, const char *ranged, const char *list)
{
	if (!w->ok || !list)
		return;
	struct fw_ports *p = xmalloc(sizeof(*p));
	const char *err;
	if (!fw_ports_parse(list, strlen(list), true, p, &err))
		BUG("ports '%s' passed validation but do not parse: %s", list, err);
	if (p->keyword == FWP_IPHTTPS) {
		strbuf_addstr(w->why, "local port IPHTTPS: its spelling in Group Policy rule strings is not "
			      "verified, so gpoc does not write it");
		w->ok = false;
	} else if (p->keyword != FWP_NONE) {
		put(w, plain, fw_port_keyword_name(p->keyword));
	} else {
		char num[16];
		for (size_t i = 0; i < p->n; i++) {
			if (p->r[i].lo != p->r[i].hi)
				continue;
			snprintf(num, sizeof(num), "%u", p->r[i].lo);
			put(w, plain, num);
		}
		for (size_t i = 0; i < p->n; i++) {
			if (p->r[i].lo == p->r[i].hi)
				continue;
			snprintf(num, sizeof(num), "%u-%u", p->r[i].lo, p->r[i].hi);
			put(w, ranged, num);
		}
	}
	free(p);
}

static void put_addrs(struct writer *w, const struct fw_rule *r, int family, const char *key)
{
	struct strbuf t = STRBUF_INIT;
	for (size_t i = 0; i < r->n_remote_addrs; i++) {
		struct fw_addr a;
		const char *err;
		if (!fw_addr_parse(r->remote_addrs[i], strlen(r->remote_addrs[i]), true, &a, &err))
			BUG("address '%s' passed validation but does not parse", r->remote_addrs[i]);
		if (a.kind != FWA_KEYWORD && a.family != family)
			continue;
		strbuf_reset(&t);
		fw_addr_format(&a, FWA_STYLE_GPFAS, &t);
		put(w, key, t.buf);
	}
	strbuf_release(&t);
}

bool gpfas_write(const struct fw_rule *r, struct strbuf *out, struct strbuf *why)
{
	if (!fw_rule_validate(r, why))
		return false;
	if (r->security == FW_SEC_AUTHDYNENC) {
		strbuf_addstr(why, "security authdynenc: its spelling in Group Policy rule strings is not "
			      "verified, so gpoc does not write it");
		return false;
	}
	struct writer w = { STRBUF_INIT, GPFAS_MIN_MINOR, why, true };
	static const char *const actions[] = { [FW_ALLOW] = "Allow", [FW_BLOCK] = "Block", [FW_BYPASS] = "ByPass" };
	put(&w, "Action", actions[r->action]);
	put(&w, "Active", r->enabled ? "TRUE" : "FALSE");
	put(&w, "Dir", r->dir == FW_DIR_IN ? "In" : "Out");
	if (r->protocol != FW_PROTO_ANY) {
		char num[8];
		snprintf(num, sizeof(num), "%d", r->protocol);
		put(&w, "Protocol", num);
	}
	if (r->profiles && r->profiles != 7) {
		if (r->profiles & FW_PROFILE_DOMAIN)
			put(&w, "Profile", "Domain");
		if (r->profiles & FW_PROFILE_PRIVATE)
			put(&w, "Profile", "Private");
		if (r->profiles & FW_PROFILE_PUBLIC)
			put(&w, "Profile", "Public");
	}
	put_ports(&w, "LPort", "LPort2_10", r->local_ports);
	put_ports(&w, "RPort", "RPort2_10", r->remote_ports);
	put_addrs(&w, r, 4, "RA4");
	put_addrs(&w, r, 6, "RA6");
	put_text(&w, "App", r->program);
	put_text(&w, "Svc", r->service);
	put_text(&w, "Name", r->name);
	put_text(&w, "Desc", r->description);
	put_text(&w, "EmbedCtxt", r->group);
	if (w.ok && r->edge != FW_EDGE_NO) {
		put(&w, "Edge", "TRUE");
		if (r->edge == FW_EDGE_DEFERAPP)
			put(&w, "Defer", "App");
		else if (r->edge == FW_EDGE_DEFERUSER)
			put(&w, "Defer", "User");
	}
	put_text(&w, "RMauth", r->remote_machines_sddl);
	put_text(&w, "RUAuth", r->remote_users_sddl);
	if (w.ok && r->security != FW_SEC_NOTREQUIRED) {
		put(&w, "Security", r->security == FW_SEC_AUTHENC ? "AuthenticateEncrypt" : "Authenticate");
		if (r->security == FW_SEC_AUTHNOENCAP)
			put(&w, "Security2_9", "An-NoEncap");
	}
	if (w.ok)
		strbuf_addf(out, "v2.%u|%s", w.minor, w.fields.buf);
	strbuf_release(&w.fields);
	return w.ok;
}

bool gpfas_check_id(const char *id, struct strbuf *why)
{
	size_t len = id ? strlen(id) : 0;
	if (!len || len > 511) {
		strbuf_addf(why, "a rule ID has 1 to 511 characters, not %zu", len);
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)id[i];
		if (c < 0x20 || c >= 0x7f) {
			strbuf_addf(why, "rule ID contains byte 0x%02x at byte %zu; gpoc writes IDs in "
				    "printable ASCII", c, i);
			return false;
		}
	}
	return true;
}
