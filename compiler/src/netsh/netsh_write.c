// The netsh writer: one `advfirewall firewall ...` command per call.
//
// Conventions: keywords appear in one fixed order (name dir action program service
// description enable profile protocol localport remoteport remoteip edge security
// rmtusrgrp rmtcomputergrp), enumerations in lowercase as netsh's help spells them,
// and every free-form string (name, description, program, service, SDDL, group) in
// double quotes through quote.h, whether or not it has blanks, so that quoting never
// depends on content. Addresses and ports are validated and written as the model
// spells them. The output is all or nothing: on a refusal `out` is left as it was.

#include "netsh/netsh.h"

#include <string.h>

#include "netsh/fwaddr.h"
#include "netsh/quote.h"

static const char *const dir_names[] = { [FW_DIR_IN] = "in", [FW_DIR_OUT] = "out" };
static const char *const action_names[] = {
	[FW_ALLOW] = "allow", [FW_BLOCK] = "block", [FW_BYPASS] = "bypass",
};
static const char *const edge_names[] = {
	[FW_EDGE_NO] = "no", [FW_EDGE_YES] = "yes", [FW_EDGE_DEFERAPP] = "deferapp",
	[FW_EDGE_DEFERUSER] = "deferuser",
};
static const char *const security_names[] = {
	[FW_SEC_NOTREQUIRED] = "notrequired", [FW_SEC_AUTHENTICATE] = "authenticate",
	[FW_SEC_AUTHENC] = "authenc", [FW_SEC_AUTHDYNENC] = "authdynenc",
	[FW_SEC_AUTHNOENCAP] = "authnoencap",
};

static bool put_quoted(struct strbuf *out, const char *key, const char *value, unsigned flags,
		       struct strbuf *why)
{
	size_t mark = out->len;
	strbuf_addf(out, " %s=", key);
	bool ok = (flags & NETSH_FOR_CMD) ? netsh_cmd_quote(value, out, why) : netsh_quote(value, out, why);
	if (!ok) {
		strbuf_setlen(out, mark);
		// The quoter explained the value; say which one it was.
		strbuf_addf(why, " (in %s)", key);
	}
	return ok;
}

// Unquoted values (ports, addresses) never contain a byte the quoters would refuse,
// since their syntax was validated; but they must also be cmd-safe, so assert it.
static void put_plain(struct strbuf *out, const char *key, const char *value)
{
	for (const char *p = value; *p; p++)
		if (!((*p >= '0' && *p <= '9') || ascii_isalpha(*p) || *p == '.' || *p == ':' ||
		      *p == '/' || *p == '-' || *p == ','))
			BUG("unexpected byte 0x%02x in validated netsh value", (unsigned char)*p);
	strbuf_addf(out, " %s=%s", key, value);
}

bool netsh_write_add(const struct fw_rule *r, unsigned flags, struct strbuf *out, struct strbuf *why)
{
	if ((unsigned)r->dir >= ARRAY_SIZE(dir_names) || (unsigned)r->action >= ARRAY_SIZE(action_names) ||
	    (unsigned)r->edge >= ARRAY_SIZE(edge_names) || (unsigned)r->security >= ARRAY_SIZE(security_names))
		BUG("fw_rule enumeration out of range");
	if (!fw_rule_validate(r, why))
		return false;
	struct strbuf line = STRBUF_INIT;
	bool ok = true;
	strbuf_addstr(&line, "advfirewall firewall add rule");
	ok = put_quoted(&line, "name", r->name, flags, why);
	if (ok) {
		strbuf_addf(&line, " dir=%s action=%s", dir_names[r->dir], action_names[r->action]);
		if (r->program)
			ok = put_quoted(&line, "program", r->program, flags, why);
	}
	if (ok && r->service)
		ok = put_quoted(&line, "service", r->service, flags, why);
	if (ok && r->description)
		ok = put_quoted(&line, "description", r->description, flags, why);
	if (ok) {
		strbuf_addf(&line, " enable=%s", r->enabled ? "yes" : "no");
		unsigned p = r->profiles;
		if (!p || p == 7) {
			strbuf_addstr(&line, " profile=any");
		} else {
			// netsh reads a comma list; fixed order domain, private, public.
			const char *sep = " profile=";
			static const char *const names[] = { "domain", "private", "public" };
			for (int i = 0; i < 3; i++) {
				if (p & (1u << i)) {
					strbuf_addf(&line, "%s%s", sep, names[i]);
					sep = ",";
				}
			}
		}
		const char *proto = fw_protocol_name(r->protocol);
		if (r->protocol == FW_PROTO_ANY)
			strbuf_addstr(&line, " protocol=any");
		else if (proto)
			strbuf_addf(&line, " protocol=%s", proto);
		else
			strbuf_addf(&line, " protocol=%d", r->protocol);
		if (r->local_ports)
			put_plain(&line, "localport", r->local_ports);
		if (r->remote_ports)
			put_plain(&line, "remoteport", r->remote_ports);
		if (r->n_remote_addrs) {
			strbuf_addstr(&line, " remoteip=");
			for (size_t i = 0; i < r->n_remote_addrs; i++) {
				if (i)
					strbuf_addch(&line, ',');
				size_t mark = line.len;
				strbuf_addstr(&line, r->remote_addrs[i]);
				for (size_t k = mark; k < line.len; k++)
					if (!ascii_isxdigit(line.buf[k]) && !ascii_isalpha(line.buf[k]) &&
					    !strchr(".:/-", line.buf[k]))
						BUG("unexpected byte in validated address");
			}
		}
		if (r->edge != FW_EDGE_NO)
			strbuf_addf(&line, " edge=%s", edge_names[r->edge]);
		if (r->security != FW_SEC_NOTREQUIRED)
			strbuf_addf(&line, " security=%s", security_names[r->security]);
		if (r->remote_users_sddl)
			ok = put_quoted(&line, "rmtusrgrp", r->remote_users_sddl, flags, why);
	}
	if (ok && r->remote_machines_sddl)
		ok = put_quoted(&line, "rmtcomputergrp", r->remote_machines_sddl, flags, why);
	if (ok)
		strbuf_addbuf(out, &line);
	strbuf_release(&line);
	return ok;
}

static bool name_ok(const char *name, struct strbuf *why)
{
	if (!name || !*name) {
		strbuf_addstr(why, "the rule has no name");
		return false;
	}
	if (!ascii_strcasecmp(name, "all")) {
		strbuf_addstr(why, "rule name 'all' is reserved: netsh reads it as every rule");
		return false;
	}
	return true;
}

bool netsh_write_delete(const char *name, unsigned flags, struct strbuf *out, struct strbuf *why)
{
	if (!name_ok(name, why))
		return false;
	size_t mark = out->len;
	strbuf_addstr(out, "advfirewall firewall delete rule");
	if (!put_quoted(out, "name", name, flags, why)) {
		strbuf_setlen(out, mark);
		return false;
	}
	return true;
}

bool netsh_write_placeholder(const char *name, unsigned flags, struct strbuf *out, struct strbuf *why)
{
	if (!name_ok(name, why))
		return false;
	size_t mark = out->len;
	strbuf_addstr(out, "advfirewall firewall add rule");
	if (!put_quoted(out, "name", name, flags, why)) {
		strbuf_setlen(out, mark);
		return false;
	}
	strbuf_addstr(out, " dir=in action=block enable=no");
	return true;
}

bool netsh_write_set_group(const char *group, bool enable, unsigned flags, struct strbuf *out,
			   struct strbuf *why)
{
	if (!group || !*group) {
		strbuf_addstr(why, "the rule group is empty");
		return false;
	}
	size_t mark = out->len;
	strbuf_addstr(out, "advfirewall firewall set rule");
	if (!put_quoted(out, "group", group, flags, why)) {
		strbuf_setlen(out, mark);
		return false;
	}
	strbuf_addf(out, " new enable=%s", enable ? "yes" : "no");
	return true;
}
