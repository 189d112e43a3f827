// primitive.c: the effects the C core knows, and nothing else.
//
// Each primitive declares its fields as typed parameters (the same struct
// param_decl capabilities use) and has a build function that turns checked field
// values into raw effects: ACEs for a descriptor, group memberships, firewall
// rules, registry values, host steps. Capabilities, written in YAML, only ever
// combine these; an intent can also use one directly (`allow: firewall-rule`).
//
// The build functions are also where security judgement lives, because it must
// hold however an effect was written: a raw `dcom-limit` giving Everyone remote
// launch is as risky as a capability doing it. A build function sets
// effect_src.risk to a sentence saying what is weakened; expand.c refuses the grant
// unless it carries accept-risk. Values Windows must never hold (the DCOM
// hardening switches at 0) are refused outright.
//
// Field errors are reported where the value was written: the intent for grant
// parameters, the template line for a template's own literals.
#include <stdint.h>
#include <string.h>

#include "core/utf.h"
#include "core/util.h"
#include "model/internal.h"
#include "netsh/fwaddr.h"

// --- Field declarations ---

#define DEF_BOOL(v) .has_default = true, .def = { .type = PT_BOOL, .set = true, .b = (v) }
#define DEF_ENUM(v) .has_default = true, .def = { .type = PT_ENUM, .set = true, .s = (v) }
#define DEF_STR(v) .has_default = true, .def = { .type = PT_STRING, .set = true, .s = (v) }

static const char *const limit_values[] = { "launch", "access" };
static const char *const access_values[] = { "allow", "deny" };
static const char *const dir_values[] = { "in", "out" };
static const char *const action_values[] = { "allow", "block", "bypass" };
static const char *const edge_values[] = { "no", "yes", "deferapp", "deferuser" };
static const char *const security_values[] = { "notrequired", "authenticate", "authenc", "authdynenc",
					       "authnoencap" };
static const char *const regtype_values[] = { "REG_SZ", "REG_EXPAND_SZ", "REG_DWORD", "REG_QWORD",
					      "REG_MULTI_SZ", "REG_BINARY" };
static const char *const revert_values[] = { "delete", "value" };
static const char *const step_values[] = { "winmgmt-standalone-host", "certsvc-dcom-reapply" };

#define ENUM(arr) .values = arr, .n_values = ARRAY_SIZE(arr)

enum { GM_GROUP, GM_MEMBER };
static const struct param_decl group_member_fields[] = {
	[GM_GROUP] = { .name = "group", .type = PT_PRINCIPAL, .required = true,
		       .doc = "the group: a principal key, a SID, an alias, or {name:} for a group without a well-known SID" },
	[GM_MEMBER] = { .name = "member", .type = PT_PRINCIPAL, .grantee_default = true,
			.doc = "the principal added to the group" },
};

enum { DL_LIMIT, DL_PRINCIPAL, DL_RIGHTS, DL_ACCESS, DL_BASELINE };
static const struct param_decl dcom_limit_fields[] = {
	[DL_LIMIT] = { .name = "limit", .type = PT_ENUM, .required = true, ENUM(limit_values),
		       .doc = "MachineLaunchRestriction (launch) or MachineAccessRestriction (access)" },
	[DL_PRINCIPAL] = { .name = "principal", .type = PT_PRINCIPAL, .grantee_default = true,
			   .doc = "who the ACE is for" },
	[DL_RIGHTS] = { .name = "rights", .type = PT_RIGHTS, .required = true,
			.doc = "launch: local-launch remote-launch local-activation remote-activation; access: local-access remote-access" },
	[DL_ACCESS] = { .name = "access", .type = PT_ENUM, ENUM(access_values), DEF_ENUM("allow"),
			.doc = "an allow or a deny ACE" },
	[DL_BASELINE] = { .name = "baseline", .type = PT_STRING,
			  .doc = "baseline merged into; default machine-launch-restriction or machine-access-restriction" },
};

enum { AP_APPID, AP_PERMISSION, AP_PRINCIPAL, AP_RIGHTS, AP_ACCESS, AP_BASELINE };
static const struct param_decl appid_fields[] = {
	[AP_APPID] = { .name = "appid", .type = PT_GUID, .required = true, .doc = "the application's AppID" },
	[AP_PERMISSION] = { .name = "permission", .type = PT_ENUM, .required = true, ENUM(limit_values),
			    .doc = "LaunchPermission (launch) or AccessPermission (access)" },
	[AP_PRINCIPAL] = { .name = "principal", .type = PT_PRINCIPAL, .grantee_default = true,
			   .doc = "who the ACE is for" },
	[AP_RIGHTS] = { .name = "rights", .type = PT_RIGHTS, .required = true,
			.doc = "launch: local-launch remote-launch local-activation remote-activation; access: local-access remote-access" },
	[AP_ACCESS] = { .name = "access", .type = PT_ENUM, ENUM(access_values), DEF_ENUM("allow"),
			.doc = "an allow or a deny ACE" },
	[AP_BASELINE] = { .name = "baseline", .type = PT_STRING, DEF_STR(""),
			  .doc = "baseline merged into ('' = none: the descriptor holds only this intent's ACEs)" },
};

enum { NS_NAMESPACE, NS_PRINCIPAL, NS_RIGHTS, NS_INHERIT, NS_ACCESS, NS_BASELINE };
static const struct param_decl namespace_fields[] = {
	[NS_NAMESPACE] = { .name = "namespace", .type = PT_NAMESPACE, .required = true,
			   .doc = "the WMI namespace, e.g. root\\cimv2" },
	[NS_PRINCIPAL] = { .name = "principal", .type = PT_PRINCIPAL, .grantee_default = true,
			   .doc = "who the ACE is for" },
	[NS_RIGHTS] = { .name = "rights", .type = PT_RIGHTS, .required = true, .has_vocab = true, .vocab = VOCAB_WMI,
			.doc = "enable execute-methods full-write partial-write provider-write remote-enable read-security edit-security" },
	[NS_INHERIT] = { .name = "inherit", .type = PT_BOOL, DEF_BOOL(true),
			 .doc = "the ACE applies to sub-namespaces too (CI)" },
	[NS_ACCESS] = { .name = "access", .type = PT_ENUM, ENUM(access_values), DEF_ENUM("allow"),
			.doc = "an allow or a deny ACE" },
	[NS_BASELINE] = { .name = "baseline", .type = PT_STRING,
			  .doc = "baseline for the plan; default namespace-<path> (e.g. namespace-root-cimv2) when it exists" },
};

enum {
	FW_RULE, FW_NAME, FW_DESCRIPTION, FW_DIRECTION, FW_ACTION, FW_PROTOCOL, FW_LPORTS, FW_RPORTS, FW_PROGRAM,
	FW_SERVICE, FW_RADDRS, FW_PROFILES, FW_ENABLED, FW_EDGE, FW_SECURITY, FW_GROUP,
};
static const struct param_decl firewall_fields[] = {
	[FW_RULE] = { .name = "rule", .type = PT_STRING, .required = true,
		      .doc = "short id, [a-z0-9-]; the rule's id is gpoc-<policy>-<rule>" },
	[FW_NAME] = { .name = "name", .type = PT_STRING,
		      .doc = "display name, prefixed with 'gpoc <policy>: '; default the rule id" },
	[FW_DESCRIPTION] = { .name = "description", .type = PT_STRING,
			     .doc = "text put before the provenance gpoc writes into the description" },
	[FW_DIRECTION] = { .name = "direction", .type = PT_ENUM, ENUM(dir_values), DEF_ENUM("in"),
			   .doc = "in or out" },
	[FW_ACTION] = { .name = "action", .type = PT_ENUM, ENUM(action_values), DEF_ENUM("allow"),
			.doc = "allow, block or bypass" },
	[FW_PROTOCOL] = { .name = "protocol", .type = PT_STRING, DEF_STR("tcp"),
			  .doc = "tcp, udp, icmpv4, icmpv6, any or a number 0-255" },
	[FW_LPORTS] = { .name = "local-ports", .type = PT_STRING_LIST,
			.doc = "ports N or N-M, or one of RPC, RPC-EPMap, IPHTTPS (tcp); default any" },
	[FW_RPORTS] = { .name = "remote-ports", .type = PT_STRING_LIST, .doc = "ports N or N-M; default any" },
	[FW_PROGRAM] = { .name = "program", .type = PT_STRING,
			 .doc = "program path, environment variables unexpanded (%SystemRoot%\\...), or System" },
	[FW_SERVICE] = { .name = "service", .type = PT_STRING, .doc = "service short name (RpcSs, Winmgmt)" },
	[FW_RADDRS] = { .name = "remote-addresses", .type = PT_ADDRESS_LIST, .required = true,
			.doc = "addresses, prefixes, ranges or keywords; 'any' needs accept-risk for RPC ports" },
	[FW_PROFILES] = { .name = "profiles", .type = PT_STRING_LIST,
			  .doc = "domain, private, public; default all" },
	[FW_ENABLED] = { .name = "enabled", .type = PT_BOOL, DEF_BOOL(true), .doc = "the rule is enabled" },
	[FW_EDGE] = { .name = "edge", .type = PT_ENUM, ENUM(edge_values), DEF_ENUM("no"),
		      .doc = "edge traversal (inbound rules only)" },
	[FW_SECURITY] = { .name = "security", .type = PT_ENUM, ENUM(security_values), DEF_ENUM("notrequired"),
			  .doc = "IPsec requirement" },
	[FW_GROUP] = { .name = "group", .type = PT_STRING, .doc = "rule group" },
};

enum { RV_KEY, RV_NAME, RV_TYPE, RV_DATA, RV_REVERT, RV_REVERT_DATA, RV_DISPLAY, RV_EXPLAIN, RV_STOCK };
static const struct param_decl registry_fields[] = {
	[RV_KEY] = { .name = "key", .type = PT_STRING, .required = true,
		     .doc = "HKLM\\... (gpoc writes machine settings only)" },
	[RV_NAME] = { .name = "name", .type = PT_STRING, .required = true,
		      .doc = "value name ('' for the key's default value)" },
	[RV_TYPE] = { .name = "type", .type = PT_ENUM, .required = true, ENUM(regtype_values),
		      .doc = "REG_SZ, REG_EXPAND_SZ, REG_DWORD, REG_QWORD, REG_MULTI_SZ or REG_BINARY" },
	[RV_DATA] = { .name = "data", .type = PT_DATA, .required = true,
		      .doc = "number (DWORD, QWORD; decimal or 0x), text (SZ), list (MULTI_SZ), hex bytes (BINARY)" },
	[RV_REVERT] = { .name = "revert", .type = PT_ENUM, ENUM(revert_values), DEF_ENUM("delete"),
			.doc = "revert deletes the value, or writes revert-data" },
	[RV_REVERT_DATA] = { .name = "revert-data", .type = PT_DATA, .doc = "data written on revert: value" },
	[RV_DISPLAY] = { .name = "display", .type = PT_STRING, .doc = "short title for ADMX and the plan" },
	[RV_EXPLAIN] = { .name = "explain", .type = PT_STRING, .doc = "explain text for ADMX" },
	[RV_STOCK] = { .name = "stock-template", .type = PT_BOOL, DEF_BOOL(false),
		       .doc = "a stock ADMX already covers the value (gpoc writes no ADMX entry)" },
};

enum { ST_ACTION, ST_LEVEL };
static const struct param_decl step_fields[] = {
	[ST_ACTION] = { .name = "action", .type = PT_ENUM, .required = true, ENUM(step_values),
			.doc = "winmgmt-standalone-host or certsvc-dcom-reapply" },
	[ST_LEVEL] = { .name = "level", .type = PT_INT, .min = 1, .max = 6,
		       .doc = "winmgmt-standalone-host: authentication level (default 6, packet privacy)" },
};

// --- Helpers ---

static struct src_pos where(const struct pval *vals, int i, const struct effect_src *src)
{
	if (vals[i].set && vals[i].pos.file)
		return vals[i].pos;
	return src->prov.tmpl.file ? src->prov.tmpl : src->prov.grant;
}

static void push_ace(struct expand *x, const struct raw_ace *r)
{
	GROW(x->aces, x->alloc_aces, x->n_aces + 1);
	x->aces[x->n_aces++] = *r;
}

// "the machine launch limit", "namespace 'root\cimv2'": built only for messages.
static const char *descr_of(struct expand *x, enum descriptor_kind k, const char *target)
{
	switch (k) {
	case DESC_MACHINE_LAUNCH:
		return "the machine launch limit";
	case DESC_MACHINE_ACCESS:
		return "the machine access limit";
	case DESC_APPID_LAUNCH:
		return arena_printf(x->a, "the LaunchPermission of AppID %s", target);
	case DESC_APPID_ACCESS:
		return arena_printf(x->a, "the AccessPermission of AppID %s", target);
	case DESC_NAMESPACE:
		return arena_printf(x->a, "namespace '%s'", target);
	}
	BUG("descriptor kind %d", (int)k);
}

// The mask of a rights list in vocabulary `v`, as Windows stores it.
static bool rights_mask(struct expand *x, const struct pval *r, enum rights_vocab v, enum descriptor_kind k,
			const char *target, uint32_t *out)
{
	if (r->has_vocab && r->vocab != v) {
		diag_error(x->d, r->pos, "'%s' names %s rights, but %s takes %s rights", "rights",
			   model_vocab_name(r->vocab), descr_of(x, k, target), model_vocab_name(v));
		return false;
	}
	if (!r->n) {
		diag_error(x->d, r->pos, "'rights' is empty; name at least one right");
		return false;
	}
	uint32_t m = 0;
	bool ok = true;
	for (size_t i = 0; i < r->n; i++) {
		uint32_t bit;
		if (rights_from_name(v, r->items[i], &bit)) {
			m |= bit;
			continue;
		}
		const char *const *names = rights_names(v);
		const char *descr = descr_of(x, k, target);
		size_t n = 0;
		while (names[n])
			n++;
		const char *guess = closest_word(r->items[i], names, n);
		struct strbuf list = STRBUF_INIT;
		for (size_t j = 0; j < n; j++)
			strbuf_addf(&list, "%s%s", j ? ", " : "", names[j]);
		if (guess)
			diag_error(x->d, r->pos, "'%s' is not a right of %s; did you mean '%s'?",
				   quote_text(x->a, r->items[i]), descr, guess);
		else
			diag_error(x->d, r->pos, "'%s' is not a right of %s; accepted: %s", quote_text(x->a, r->items[i]),
				   descr, list.buf);
		strbuf_release(&list);
		ok = false;
	}
	*out = rights_effective_mask(v, m);
	return ok;
}

// COM rights that reach over the network (DOMAIN.md §2).
enum { COM_EXECUTE_REMOTE = 0x4, COM_ACTIVATE_REMOTE = 0x10 };
enum { WMI_FULL_WRITE = 0x4, WMI_PARTIAL_WRITE = 0x8, WMI_PROVIDER_WRITE = 0x10, WMI_EDIT_SECURITY = 0x40000 };

static const char *com_risk(struct expand *x, const struct raw_ace *r)
{
	if (r->type != ACE_ALLOW || !principal_is_everyone_or_anonymous(r->who))
		return NULL;
	if (!(r->mask & (COM_EXECUTE_REMOTE | COM_ACTIVATE_REMOTE)))
		return NULL;
	return arena_printf(x->a, "%s gets remote DCOM rights in %s", principal_label(x->a, r->who),
			    descr_of(x, r->kind, r->target));
}

// --- group-member ---

static void build_group_member(struct expand *x, const struct effect_src *src, const struct pval *vals)
{
	const struct principal *group = vals[GM_GROUP].who, *member = vals[GM_MEMBER].who;
	if (group == member) {
		diag_error(x->d, where(vals, GM_MEMBER, src), "%s cannot be a member of itself",
			   principal_label(x->a, group));
		return;
	}
	struct raw_member r = { .group = group, .member = member, .src = *src };
	if (principal_is_everyone_or_anonymous(member))
		r.src.risk = arena_printf(x->a, "%s becomes a member of %s", principal_label(x->a, member),
					  principal_label(x->a, group));
	GROW(x->members, x->alloc_members, x->n_members + 1);
	x->members[x->n_members++] = r;
}

// --- dcom-limit ---

static void build_dcom_limit(struct expand *x, const struct effect_src *src, const struct pval *vals)
{
	bool launch = !strcmp(vals[DL_LIMIT].s, "launch");
	struct raw_ace r = {
		.kind = launch ? DESC_MACHINE_LAUNCH : DESC_MACHINE_ACCESS,
		.vocab = launch ? VOCAB_COM_LAUNCH : VOCAB_COM_ACCESS,
		.who = vals[DL_PRINCIPAL].who,
		.type = strcmp(vals[DL_ACCESS].s, "deny") ? ACE_ALLOW : ACE_DENY,
		.src = *src,
	};
	if (!rights_mask(x, &vals[DL_RIGHTS], r.vocab, r.kind, NULL, &r.mask))
		return;
	if (vals[DL_BASELINE].set) {
		r.baseline = *vals[DL_BASELINE].s ? vals[DL_BASELINE].s : NULL;
		r.where = where(vals, DL_BASELINE, src);
	} else {
		r.baseline = launch ? "machine-launch-restriction" : "machine-access-restriction";
		r.where = where(vals, DL_LIMIT, src);
	}
	if (!r.baseline) {
		diag_error(x->d, r.where, "a machine limit replaces the whole descriptor and needs a baseline; "
					  "name one or leave 'baseline' out");
		return;
	}
	r.src.risk = com_risk(x, &r);
	push_ace(x, &r);
}

// --- appid-permission ---

static void build_appid(struct expand *x, const struct effect_src *src, const struct pval *vals)
{
	bool launch = !strcmp(vals[AP_PERMISSION].s, "launch");
	struct raw_ace r = {
		.kind = launch ? DESC_APPID_LAUNCH : DESC_APPID_ACCESS,
		.target = vals[AP_APPID].s,
		.vocab = launch ? VOCAB_COM_LAUNCH : VOCAB_COM_ACCESS,
		.who = vals[AP_PRINCIPAL].who,
		.type = strcmp(vals[AP_ACCESS].s, "deny") ? ACE_ALLOW : ACE_DENY,
		.baseline = *vals[AP_BASELINE].s ? vals[AP_BASELINE].s : NULL,
		.where = where(vals, AP_BASELINE, src),
		.src = *src,
	};
	if (!rights_mask(x, &vals[AP_RIGHTS], r.vocab, r.kind, r.target, &r.mask))
		return;
	r.src.risk = com_risk(x, &r);
	push_ace(x, &r);
}

// --- namespace-ace ---

// The default baseline of a namespace, looked up once per namespace.
static const char *namespace_baseline(struct expand *x, const char *ns)
{
	static char none;
	void **slot = strmap_put(&x->ns_baselines, ns);
	if (!*slot) {
		char *name = arena_concat(x->a, "namespace-", ns, "");
		for (char *p = name; *p; p++)
			if (*p == '\\')
				*p = '-';
		*slot = baseline_exists(x, name) ? name : &none;
	}
	return *slot == &none ? NULL : *slot;
}

static void build_namespace(struct expand *x, const struct effect_src *src, const struct pval *vals)
{
	const char *ns = vals[NS_NAMESPACE].s;
	struct raw_ace r = {
		.kind = DESC_NAMESPACE,
		.target = ns,
		.vocab = VOCAB_WMI,
		.who = vals[NS_PRINCIPAL].who,
		.type = strcmp(vals[NS_ACCESS].s, "deny") ? ACE_ALLOW : ACE_DENY,
		.flags = vals[NS_INHERIT].b ? ACE_CI : 0,
		.src = *src,
	};
	if (!rights_mask(x, &vals[NS_RIGHTS], VOCAB_WMI, r.kind, ns, &r.mask))
		return;
	if ((r.mask & WMI_FULL_WRITE) && !(r.mask & (WMI_PARTIAL_WRITE | WMI_PROVIDER_WRITE))) {
		diag_error(x->d, vals[NS_RIGHTS].pos,
			   "'full-write' needs 'partial-write' or 'provider-write' as well; WMI's SetSD refuses it alone");
		return;
	}
	if (vals[NS_BASELINE].set) {
		r.baseline = *vals[NS_BASELINE].s ? vals[NS_BASELINE].s : NULL;
		r.where = where(vals, NS_BASELINE, src);
	} else {
		// namespace-root-cimv2 for root\cimv2, when such a baseline exists.
		r.baseline = namespace_baseline(x, ns);
		r.where = where(vals, NS_NAMESPACE, src);
	}
	if (r.type == ACE_ALLOW && (r.mask & (WMI_EDIT_SECURITY | WMI_FULL_WRITE)))
		r.src.risk = arena_printf(x->a, "%s gets %s on namespace '%s'", principal_label(x->a, r.who),
					  (r.mask & WMI_EDIT_SECURITY) && (r.mask & WMI_FULL_WRITE) ? "Edit Security and Full Write"
					  : (r.mask & WMI_EDIT_SECURITY)			     ? "Edit Security"
												     : "Full Write",
					  ns);
	push_ace(x, &r);
}

// --- firewall-rule ---

// Text that reaches netsh and the GPO rule string: netsh has no escape for '"'
// inside a quoted value, and '|' separates the fields of a GPO rule string.
static bool fw_text_ok(struct expand *x, const struct pval *v, const char *field)
{
	if (!v->set)
		return true;
	if (strchr(v->s, '"') || strchr(v->s, '|')) {
		diag_error(x->d, v->pos, "'%s' of a firewall rule cannot hold '\"' or '|' (netsh cannot quote '\"', "
					 "and '|' separates the fields of a Group Policy rule)",
			   field);
		return false;
	}
	return true;
}

static bool port_number(const char *s, size_t len, long *out)
{
	if (!len || len > 5)
		return false;
	long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!ascii_isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > 65535)
		return false;
	*out = v;
	return true;
}

// Ports as netsh and the GPO rule string write them ("135", "5985,5986", "RPC"),
// checked by the netsh module's reader.
static bool fw_ports_text(struct expand *x, const struct pval *v, bool local, int protocol, char **out)
{
	*out = NULL;
	if (!v->set)
		return true;
	if (protocol != FW_PROTO_TCP && protocol != FW_PROTO_UDP) {
		diag_error(x->d, v->pos, "ports need protocol tcp or udp");
		return false;
	}
	// Templates repeat the same few port lists for every grant: each list is
	// checked once per (local or remote, protocol), the key's prefix.
	struct strbuf key = STRBUF_INIT;
	strbuf_addch(&key, local ? 'L' : 'R');
	strbuf_addch(&key, protocol == FW_PROTO_TCP ? 'T' : 'U');
	strbuf_addch(&key, ':');
	size_t plen = key.len;
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			strbuf_addch(&key, ',');
		strbuf_addstr(&key, v->items[i]);
	}
	const char *known = strmap_get(&x->ports_checked, key.buf);
	if (known) {
		strbuf_release(&key);
		*out = (char *)(uintptr_t)known;
		return true;
	}
	const char *text = key.buf + plen;
	struct fw_ports ports;
	const char *err;
	bool ok = fw_ports_parse(text, key.len - plen, local, &ports, &err);
	if (!ok)
		diag_error(x->d, v->pos, "%s ports '%s': %s", local ? "local" : "remote", quote_text(x->a, text), err);
	else if (ports.keyword != FWP_NONE && protocol != FW_PROTO_TCP) {
		diag_error(x->d, v->pos, "port keyword '%s' needs protocol tcp", fw_port_keyword_name(ports.keyword));
		ok = false;
	}
	if (ok) {
		*out = arena_strdup(x->a, ports.keyword != FWP_NONE ? fw_port_keyword_name(ports.keyword) : text);
		*strmap_put(&x->ports_checked, arena_strndup(x->a, key.buf, key.len)) = *out;
	}
	strbuf_release(&key);
	return ok;
}

static bool fw_protocol(struct expand *x, const struct pval *v, int *out)
{
	static const struct {
		const char *name;
		int proto;
	} names[] = { { "tcp", FW_PROTO_TCP }, { "udp", FW_PROTO_UDP }, { "icmpv4", FW_PROTO_ICMPV4 },
		      { "icmpv6", FW_PROTO_ICMPV6 }, { "any", FW_PROTO_ANY } };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!ascii_strcasecmp(v->s, names[i].name)) {
			*out = names[i].proto;
			return true;
		}
	long n;
	if (port_number(v->s, strlen(v->s), &n) && n <= 255) {
		*out = (int)n;
		return true;
	}
	diag_error(x->d, v->pos, "protocol '%s' is not tcp, udp, icmpv4, icmpv6, any or a number 0-255",
		   quote_text(x->a, v->s));
	return false;
}

static bool rule_id_valid(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 48 || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || ascii_isdigit((unsigned char)s[i]) || s[i] == '-'))
			return false;
	return true;
}

static bool service_valid(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 256)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(ascii_isalpha((unsigned char)s[i]) || ascii_isdigit((unsigned char)s[i]) || s[i] == '_' ||
		      s[i] == '-' || s[i] == '.' || s[i] == '$'))
			return false;
	return true;
}

// Local ports through which RPC and remote management are reached.
static bool management_ports(const char *ports)
{
	static const char *const risky[] = { "RPC", "RPC-EPMap", "135", "593", "24158", "5985", "5986" };
	if (!ports)
		return true;
	const char *p = ports;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		for (size_t i = 0; i < ARRAY_SIZE(risky); i++)
			if (strlen(risky[i]) == len && !strncmp(p, risky[i], len))
				return true;
		// A range covering a risky numeric port.
		const char *dash = memchr(p, '-', len);
		long lo, hi;
		if (dash && port_number(p, (size_t)(dash - p), &lo) &&
		    port_number(dash + 1, len - (size_t)(dash + 1 - p), &hi)) {
			static const long nums[] = { 135, 593, 24158, 5985, 5986 };
			for (size_t i = 0; i < ARRAY_SIZE(nums); i++)
				if (lo <= nums[i] && nums[i] <= hi)
					return true;
		}
		p += len + (end ? 1 : 0);
	}
	return false;
}

static void build_firewall(struct expand *x, const struct effect_src *src, const struct pval *vals)
{
	const struct pval *rule = &vals[FW_RULE];
	if (!rule_id_valid(rule->s)) {
		diag_error(x->d, rule->pos, "rule id '%s' must be 1-48 characters of a-z, 0-9 and '-'",
			   quote_text(x->a, rule->s));
		return;
	}
	bool ok = fw_text_ok(x, &vals[FW_NAME], "name") && fw_text_ok(x, &vals[FW_DESCRIPTION], "description") &&
		  fw_text_ok(x, &vals[FW_PROGRAM], "program") && fw_text_ok(x, &vals[FW_GROUP], "group");
	if (!ok)
		return;
	struct raw_rule r = { .src = *src };
	struct fw_rule *fw = &r.rule;
	if (vals[FW_NAME].set && !*vals[FW_NAME].s) {
		diag_error(x->d, vals[FW_NAME].pos, "a firewall rule name cannot be empty; leave 'name' out for the rule id");
		return;
	}
	fw->id = arena_concat(x->a, x->rule_id_prefix, rule->s, "");
	fw->name = arena_concat(x->a, x->rule_name_prefix, vals[FW_NAME].set ? vals[FW_NAME].s : rule->s, "");
	r.user_desc = vals[FW_DESCRIPTION].set && *vals[FW_DESCRIPTION].s ? vals[FW_DESCRIPTION].s : NULL;
	fw->group = vals[FW_GROUP].set && *vals[FW_GROUP].s ? arena_strdup(x->a, vals[FW_GROUP].s) : NULL;
	fw->dir = strcmp(vals[FW_DIRECTION].s, "out") ? FW_DIR_IN : FW_DIR_OUT;
	fw->action = !strcmp(vals[FW_ACTION].s, "block") ? FW_BLOCK : !strcmp(vals[FW_ACTION].s, "bypass") ? FW_BYPASS
													  : FW_ALLOW;
	if (!fw_protocol(x, &vals[FW_PROTOCOL], &fw->protocol))
		return;
	if (!fw_ports_text(x, &vals[FW_LPORTS], true, fw->protocol, &fw->local_ports) ||
	    !fw_ports_text(x, &vals[FW_RPORTS], false, fw->protocol, &fw->remote_ports))
		return;
	if (vals[FW_PROGRAM].set) {
		if (!*vals[FW_PROGRAM].s) {
			diag_error(x->d, vals[FW_PROGRAM].pos, "'program' cannot be empty; leave it out for any program");
			return;
		}
		fw->program = arena_strdup(x->a, vals[FW_PROGRAM].s);
	}
	if (vals[FW_SERVICE].set) {
		if (!service_valid(vals[FW_SERVICE].s)) {
			diag_error(x->d, vals[FW_SERVICE].pos,
				   "service '%s' is not a service short name (letters, digits, '_', '-', '.', '$')",
				   quote_text(x->a, vals[FW_SERVICE].s));
			return;
		}
		fw->service = arena_strdup(x->a, vals[FW_SERVICE].s);
	}
	const struct pval *ra = &vals[FW_RADDRS];
	if (!(ra->n == 1 && !strcmp(ra->items[0], "any"))) {
		fw->remote_addrs = arena_array(x->a, ra->n, sizeof(*fw->remote_addrs));
		for (size_t i = 0; i < ra->n; i++)
			fw->remote_addrs[i] = arena_strdup(x->a, ra->items[i]);
		fw->n_remote_addrs = ra->n;
	}
	const struct pval *pr = &vals[FW_PROFILES];
	for (size_t i = 0; pr->set && i < pr->n; i++) {
		const char *s = pr->items[i];
		if (!ascii_strcasecmp(s, "domain"))
			fw->profiles |= FW_PROFILE_DOMAIN;
		else if (!ascii_strcasecmp(s, "private"))
			fw->profiles |= FW_PROFILE_PRIVATE;
		else if (!ascii_strcasecmp(s, "public"))
			fw->profiles |= FW_PROFILE_PUBLIC;
		else if (ascii_strcasecmp(s, "any")) {
			diag_error(x->d, pr->pos, "profile '%s' is not domain, private, public or any", quote_text(x->a, s));
			return;
		}
	}
	if (fw->profiles == (FW_PROFILE_DOMAIN | FW_PROFILE_PRIVATE | FW_PROFILE_PUBLIC))
		fw->profiles = FW_PROFILE_ANY;
	fw->enabled = vals[FW_ENABLED].b;
	const char *edge = vals[FW_EDGE].s;
	fw->edge = !strcmp(edge, "yes") ? FW_EDGE_YES : !strcmp(edge, "deferapp") ? FW_EDGE_DEFERAPP
						  : !strcmp(edge, "deferuser")	   ? FW_EDGE_DEFERUSER
										   : FW_EDGE_NO;
	if (fw->edge != FW_EDGE_NO && fw->dir != FW_DIR_IN) {
		diag_error(x->d, vals[FW_EDGE].pos, "edge traversal applies to inbound rules only");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(security_values); i++)
		if (!strcmp(vals[FW_SECURITY].s, security_values[i]))
			fw->security = (enum fw_security)i;
	if (fw->dir == FW_DIR_IN && fw->action != FW_BLOCK && !fw->n_remote_addrs &&
	    (fw->protocol == FW_PROTO_TCP || fw->protocol == FW_PROTO_ANY) && management_ports(fw->local_ports))
		r.src.risk = arena_printf(x->a, "inbound firewall rule '%s' admits any remote address to %s", fw->id,
					  fw->local_ports ? arena_printf(x->a, "ports %s", fw->local_ports)
							  : "every TCP port");
	GROW(x->rules, x->alloc_rules, x->n_rules + 1);
	x->rules[x->n_rules++] = r;
}

// --- registry-value ---

static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *p = hex ? s + 2 : s;
	if (!*p)
		return false;
	for (; *p; p++) {
		unsigned d;
		if (ascii_isdigit((unsigned char)*p))
			d = (unsigned)(*p - '0');
		else if (hex && ascii_isxdigit((unsigned char)*p))
			d = (unsigned)(ascii_tolower((unsigned char)*p) - 'a' + 10);
		else
			return false;
		unsigned base = hex ? 16 : 10;
		if (v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static bool reg_data(struct expand *x, uint32_t type, const struct pval *v, const char *field, struct strbuf *out)
{
	bool list = v->is_list;
	if (type == REGT_MULTI_SZ) {
		const char *const *items = list ? v->items : &v->s;
		size_t n = list ? v->n : 1;
		for (size_t i = 0; i < n; i++) {
			if (!*items[i]) {
				diag_error(x->d, v->pos, "'%s' of a REG_MULTI_SZ cannot hold an empty string "
							 "(it would end the list)",
					   field);
				return false;
			}
			utf8_to_utf16le(out, items[i], strlen(items[i]));
			strbuf_add_le16(out, 0);
		}
		strbuf_add_le16(out, 0);
		return true;
	}
	if (list) {
		diag_error(x->d, v->pos, "'%s' must be one value for this type; only REG_MULTI_SZ takes a list", field);
		return false;
	}
	const char *s = v->s;
	uint64_t n;
	switch (type) {
	case REGT_DWORD:
		if (!parse_uint(s, UINT32_MAX, &n)) {
			diag_error(x->d, v->pos, "'%s' of a REG_DWORD must be a number 0-4294967295 (decimal or 0x hex), "
						 "not '%s'",
				   field, quote_text(x->a, s));
			return false;
		}
		strbuf_add_le32(out, (uint32_t)n);
		return true;
	case REGT_QWORD:
		if (!parse_uint(s, UINT64_MAX, &n)) {
			diag_error(x->d, v->pos, "'%s' of a REG_QWORD must be a number (decimal or 0x hex), not '%s'",
				   field, quote_text(x->a, s));
			return false;
		}
		strbuf_add_le32(out, (uint32_t)n);
		strbuf_add_le32(out, (uint32_t)(n >> 32));
		return true;
	case REGT_SZ:
	case REGT_EXPAND_SZ:
		utf8_to_utf16le(out, s, strlen(s));
		strbuf_add_le16(out, 0);
		return true;
	case REGT_BINARY:
		// "01,02,ff", "01 02 ff" or "0102ff".
		for (const char *p = s; *p;) {
			if (*p == ',' || *p == ' ') {
				p++;
				continue;
			}
			if (!ascii_isxdigit((unsigned char)p[0]) || !ascii_isxdigit((unsigned char)p[1])) {
				diag_error(x->d, v->pos, "'%s' of a REG_BINARY must be hex bytes ('01,02,ff' or '0102ff')",
					   field);
				return false;
			}
			unsigned hi = ascii_isdigit((unsigned char)p[0]) ? (unsigned)(p[0] - '0')
									  : (unsigned)(ascii_tolower((unsigned char)p[0]) - 'a' + 10);
			unsigned lo = ascii_isdigit((unsigned char)p[1]) ? (unsigned)(p[1] - '0')
									  : (unsigned)(ascii_tolower((unsigned char)p[1]) - 'a' + 10);
			strbuf_addch(out, (int)(hi << 4 | lo));
			p += 2;
		}
		return true;
	default:
		BUG("reg type %u", type);
	}
}

static uint32_t regtype_from_name(const char *s)
{
	static const uint32_t types[] = { REGT_SZ, REGT_EXPAND_SZ, REGT_DWORD, REGT_QWORD, REGT_MULTI_SZ, REGT_BINARY };
	for (size_t i = 0; i < ARRAY_SIZE(regtype_values); i++)
		if (!strcmp(s, regtype_values[i]))
			return types[i];
	BUG("regtype %s", s);
}

// Registry switches gpoc knows the meaning of (DOMAIN.md §1 and §8).
enum reg_judgement { REG_RISK_IF_NONZERO, REG_RISK_IF_ZERO, REG_NEVER_ZERO };
static const struct {
	const char *key, *name;
	enum reg_judgement j;
	const char *risk;
} known_values[] = {
	{ "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System", "LocalAccountTokenFilterPolicy",
	  REG_RISK_IF_NONZERO, "local administrators get unfiltered tokens over the network (LocalAccountTokenFilterPolicy)" },
	{ "SOFTWARE\\Microsoft\\WBEM\\CIMOM", "AllowAnonymousCallback", REG_RISK_IF_NONZERO,
	  "WMI makes unauthenticated callbacks to clients (AllowAnonymousCallback)" },
	{ "SOFTWARE\\Microsoft\\WBEM\\CIMOM", "UnsecAppAccessControlDefault", REG_RISK_IF_ZERO,
	  "callbacks to unsecapp.exe are no longer access-checked (UnsecAppAccessControlDefault=0)" },
	{ "SOFTWARE\\Microsoft\\Ole\\AppCompat", "RequireIntegrityActivationAuthenticationLevel", REG_NEVER_ZERO,
	  NULL },
	{ "SOFTWARE\\Microsoft\\Ole\\AppCompat", "RaiseActivationAuthenticationLevel", REG_NEVER_ZERO, NULL },
};

static bool dword_is_zero(const struct m_registry *v)
{
	return v->value.size == 4 && !get_le32(v->value.data);
}

static void build_registry(struct expand *x, const struct effect_src *src, const struct pval *vals)
{
	const char *key = vals[RV_KEY].s;
	size_t skip = 0;
	if (!ascii_strncasecmp(key, "HKLM\\", 5))
		skip = 5;
	else if (!ascii_strncasecmp(key, "HKEY_LOCAL_MACHINE\\", 19))
		skip = 19;
	if (!skip) {
		diag_error(x->d, vals[RV_KEY].pos, "registry key '%s' must start with 'HKLM\\' (gpoc writes machine "
						   "settings only)",
			   quote_text(x->a, key));
		return;
	}
	const char *rest = key + skip;
	size_t comp = 0;
	for (const char *p = rest;; p++) {
		if (*p == '\\' || !*p) {
			if (comp == 0 || comp > 255) {
				diag_error(x->d, vals[RV_KEY].pos,
					   "registry key '%s' has an empty or over-long (> 255) name between backslashes",
					   quote_text(x->a, key));
				return;
			}
			comp = 0;
			if (!*p)
				break;
			continue;
		}
		comp++;
	}
	struct raw_value r = { .src = *src };
	struct m_registry *m = &r.v;
	m->value.hive = HIVE_HKLM;
	m->value.key = arena_strdup(x->a, rest);
	m->value.name = arena_strdup(x->a, vals[RV_NAME].s);
	if (strlen(m->value.name) > 16383) {
		diag_error(x->d, vals[RV_NAME].pos, "a registry value name is at most 16383 characters");
		return;
	}
	m->value.type = regtype_from_name(vals[RV_TYPE].s);
	struct strbuf data = STRBUF_INIT;
	if (!reg_data(x, m->value.type, &vals[RV_DATA], "data", &data)) {
		strbuf_release(&data);
		return;
	}
	m->value.size = data.len;
	m->value.data = arena_memdup(x->a, data.buf, data.len ? data.len : 1);
	strbuf_reset(&data);
	bool revert_value = !strcmp(vals[RV_REVERT].s, "value");
	if (revert_value != vals[RV_REVERT_DATA].set) {
		diag_error(x->d, where(vals, revert_value ? RV_REVERT : RV_REVERT_DATA, src),
			   revert_value ? "'revert: value' needs 'revert-data'" : "'revert-data' needs 'revert: value'");
		strbuf_release(&data);
		return;
	}
	m->revert_delete = !revert_value;
	if (revert_value) {
		if (!reg_data(x, m->value.type, &vals[RV_REVERT_DATA], "revert-data", &data)) {
			strbuf_release(&data);
			return;
		}
		m->revert = m->value;
		m->revert.size = data.len;
		m->revert.data = arena_memdup(x->a, data.buf, data.len ? data.len : 1);
	}
	strbuf_release(&data);
	m->display = vals[RV_DISPLAY].set ? vals[RV_DISPLAY].s : arena_printf(x->a, "%s\\%s", key, m->value.name);
	m->explain = vals[RV_EXPLAIN].set ? vals[RV_EXPLAIN].s : NULL;
	m->stock_template = vals[RV_STOCK].b;
	for (size_t i = 0; i < ARRAY_SIZE(known_values); i++) {
		if (ascii_strcasecmp(m->value.key, known_values[i].key) || ascii_strcasecmp(m->value.name, known_values[i].name))
			continue;
		bool dword = m->value.type == REGT_DWORD;
		switch (known_values[i].j) {
		case REG_NEVER_ZERO:
			if (!dword || dword_is_zero(m) || (revert_value && (m->revert.size != 4 || !get_le32(m->revert.data)))) {
				diag_error(x->d, where(vals, RV_DATA, src),
					   "'%s' must be a nonzero REG_DWORD: DCOM hardening (KB5004442) is enforced, and "
					   "0 would switch it off",
					   known_values[i].name);
				return;
			}
			break;
		case REG_RISK_IF_NONZERO:
			if (!dword || !dword_is_zero(m))
				r.src.risk = known_values[i].risk;
			break;
		case REG_RISK_IF_ZERO:
			if (!dword || dword_is_zero(m))
				r.src.risk = known_values[i].risk;
			break;
		}
	}
	GROW(x->values, x->alloc_values, x->n_values + 1);
	x->values[x->n_values++] = r;
}

// --- step ---

static void build_step(struct expand *x, const struct effect_src *src, const struct pval *vals)
{
	struct raw_step r = { .src = *src };
	if (!strcmp(vals[ST_ACTION].s, "winmgmt-standalone-host")) {
		r.kind = STEP_WINMGMT_STANDALONE;
		r.level = vals[ST_LEVEL].set ? (int)vals[ST_LEVEL].i : 6;
		if (r.level < 6)
			r.src.risk = arena_printf(x->a, "the WMI standalone host runs at authentication level %d, below "
							"packet privacy (6)",
						  r.level);
	} else {
		r.kind = STEP_CERTSVC_DCOM_REAPPLY;
		if (vals[ST_LEVEL].set) {
			diag_error(x->d, vals[ST_LEVEL].pos, "'level' belongs to winmgmt-standalone-host only");
			return;
		}
	}
	GROW(x->steps, x->alloc_steps, x->n_steps + 1);
	x->steps[x->n_steps++] = r;
}

// --- The table ---

#define PRIM(n, s, f, b) { n, s, f, ARRAY_SIZE(f), b }
static const struct primitive prims[] = {
	PRIM("appid-permission", "an ACE in one COM application's LaunchPermission or AccessPermission", appid_fields,
	     build_appid),
	PRIM("dcom-limit", "an ACE in the DCOM machine launch or access limit, merged into a baseline",
	     dcom_limit_fields, build_dcom_limit),
	PRIM("firewall-rule", "one Windows Firewall rule", firewall_fields, build_firewall),
	PRIM("group-member", "membership of a principal in a local group", group_member_fields, build_group_member),
	PRIM("namespace-ace", "an ACE in a WMI namespace's security, applied online", namespace_fields,
	     build_namespace),
	PRIM("registry-value", "one HKLM registry value", registry_fields, build_registry),
	PRIM("step", "a command run on the host (winmgmt standalone host, CA DCOM re-apply)", step_fields,
	     build_step),
};

const struct primitive *primitive_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(prims); i++)
		if (!strcmp(prims[i].name, name))
			return &prims[i];
	return NULL;
}

const struct primitive *const *primitive_list(size_t *n)
{
	static const struct primitive *list[ARRAY_SIZE(prims)];
	for (size_t i = 0; i < ARRAY_SIZE(prims); i++)
		list[i] = &prims[i];
	*n = ARRAY_SIZE(prims);
	return list;
}

int primitive_field(const struct primitive *p, const char *name)
{
	for (size_t i = 0; i < p->n_fields; i++)
		if (!strcmp(p->fields[i].name, name))
			return (int)i;
	return -1;
}
