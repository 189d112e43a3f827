// Reader of Group Policy firewall rule strings ([MS-GPFAS] 2.2.2.19).
//
// gpfas_parse() is the structural layer and the fuzzed one: it walks the bytes once,
// with the input's length as the only bound (the string need not be NUL-terminated),
// and copies keys and values into the arena. gpfas_to_rule() then interprets the
// fields gpoc knows:
//
//   Action=Allow|Block|ByPass  Active=TRUE|FALSE  Dir=In|Out  Protocol=0..255
//   Profile=Domain|Private|Public (repeats)      LPort=N|RPC|RPC-EPMap  RPort=N
//   LPort2_10=N-M  RPort2_10=N-M (repeat)        RA4=v4|KEYWORD  RA6=v6|KEYWORD (repeat)
//   App= Svc= Name= Desc= EmbedCtxt=             Edge=TRUE|FALSE  Defer=App|User
//   Security=Authenticate|AuthenticateEncrypt    Security2_9=An-NoEncap
//   RMauth= (also RMAuth=) RUAuth= (SDDL)
//
// Keys compare exactly (Windows writes them in one spelling); values of enumerations
// too. Everything else is returned as unknown, untouched.

#include "netsh/gpfas.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf.h"
#include "netsh/fwaddr.h"
#include "sd/secdesc.h"

static bool fail(struct gpfas_error *err, size_t off, const char *fmt, ...) GPOC_PRINTF(3, 4);
static bool fail(struct gpfas_error *err, size_t off, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err->offset = off;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return false;
}

static bool is_key_char(char c)
{
	return ascii_isalpha(c) || ascii_isdigit(c) || c == '_';
}

static bool parse_num(const char *s, size_t len, unsigned *out)
{
	if (!len || len > 5)
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!ascii_isdigit(s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

bool gpfas_parse(const char *s, size_t len, struct arena *a, struct gpfas_rule *out, struct gpfas_error *err)
{
	memset(out, 0, sizeof(*out));
	err->offset = 0;
	err->message[0] = '\0';
	if (len > GPFAS_MAX_LEN)
		return fail(err, 0, "rule string of %zu bytes is longer than %d", len, GPFAS_MAX_LEN);
	size_t bad;
	if (!utf8_valid(s, len, &bad))
		return fail(err, bad, "invalid UTF-8");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return fail(err, i, "control character 0x%02x in a rule string", c);
	}
	if (!len || s[0] != 'v')
		return fail(err, 0, "a rule string starts with a version like 'v2.10|'");
	const char *bar = memchr(s, '|', len);
	if (!bar)
		return fail(err, len, "missing '|' after the version");
	size_t vlen = (size_t)(bar - s) - 1;
	const char *dot = memchr(s + 1, '.', vlen);
	if (!dot || !parse_num(s + 1, (size_t)(dot - s) - 1, &out->major) ||
	    !parse_num(dot + 1, vlen - (size_t)(dot - s), &out->minor))
		return fail(err, 1, "bad version '%.*s'; expected digits '.' digits like 2.10",
			    (int)(vlen > 20 ? 20 : vlen), s + 1);
	out->version = arena_strndup(a, s + 1, vlen);
	size_t i = (size_t)(bar - s) + 1;
	if (i == len)
		return fail(err, i, "a rule string needs at least one field after the version");
	size_t count = 0;
	for (size_t k = i; k < len; k++)
		count += s[k] == '|';
	if (s[len - 1] != '|')
		return fail(err, len, "the last field is not ended by '|'");
	out->fields = arena_array(a, count, sizeof(*out->fields));
	while (i < len) {
		size_t start = i;
		while (i < len && is_key_char(s[i]))
			i++;
		if (i == start)
			return fail(err, start, "expected a field name (letters, digits, '_')");
		if (i == len || s[i] != '=')
			return fail(err, i, "expected '=' after field name '%.*s'",
				    (int)(i - start > 40 ? 40 : i - start), s + start);
		size_t vstart = ++i;
		const char *end = memchr(s + i, '|', len - i); // found: the string ends with '|'
		i = (size_t)(end - s);
		struct gpfas_field *f = &out->fields[out->n_fields++];
		f->key = arena_strndup(a, s + start, vstart - 1 - start);
		f->value = arena_strndup(a, s + vstart, i - vstart);
		f->offset = start;
		i++; // '|'
	}
	return true;
}

void gpfas_format(const struct gpfas_rule *g, struct strbuf *out)
{
	strbuf_addf(out, "v%s|", g->version);
	for (size_t i = 0; i < g->n_fields; i++)
		strbuf_addf(out, "%s=%s|", g->fields[i].key, g->fields[i].value);
}

// --- Interpretation ---

enum known {
	K_ACTION, K_ACTIVE, K_DIR, K_PROTOCOL, K_PROFILE, K_LPORT, K_LPORT2_10, K_RPORT, K_RPORT2_10,
	K_RA4, K_RA6, K_APP, K_SVC, K_NAME, K_DESC, K_EMBEDCTXT, K_EDGE, K_DEFER, K_SECURITY,
	K_SECURITY2_9, K_RMAUTH, K_RUAUTH, K_COUNT
};
static const struct {
	const char *key;
	bool repeats;
} known_keys[K_COUNT] = {
	[K_ACTION] = { "Action", false }, [K_ACTIVE] = { "Active", false }, [K_DIR] = { "Dir", false },
	[K_PROTOCOL] = { "Protocol", false }, [K_PROFILE] = { "Profile", true },
	[K_LPORT] = { "LPort", true }, [K_LPORT2_10] = { "LPort2_10", true }, [K_RPORT] = { "RPort", true },
	[K_RPORT2_10] = { "RPort2_10", true }, [K_RA4] = { "RA4", true }, [K_RA6] = { "RA6", true },
	[K_APP] = { "App", false }, [K_SVC] = { "Svc", false }, [K_NAME] = { "Name", false },
	[K_DESC] = { "Desc", false }, [K_EMBEDCTXT] = { "EmbedCtxt", false }, [K_EDGE] = { "Edge", false },
	[K_DEFER] = { "Defer", false }, [K_SECURITY] = { "Security", false },
	[K_SECURITY2_9] = { "Security2_9", false }, [K_RMAUTH] = { "RMauth", false },
	[K_RUAUTH] = { "RUAuth", false },
};

static int known_index(const char *key)
{
	for (int k = 0; k < K_COUNT; k++)
		if (!strcmp(key, known_keys[k].key))
			return k;
	if (!strcmp(key, "RMAuth")) // the spelling of DOMAIN.md's prose
		return K_RMAUTH;
	return -1;
}

static int enum_of(const char *v, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (names[i] && !strcmp(v, names[i]))
			return i;
	return -1;
}

// One port item: N, or N-M when `range`.
static bool port_item(const char *v, bool range, struct strbuf *list)
{
	const char *e;
	struct fw_ports *p = xmalloc(sizeof(*p));
	bool ok = fw_ports_parse(v, strlen(v), false, p, &e) && p->n == 1 && (range || p->r[0].lo == p->r[0].hi);
	free(p);
	if (ok) {
		if (list->len)
			strbuf_addch(list, ',');
		strbuf_addstr(list, v);
	}
	return ok;
}

bool gpfas_to_rule(const struct gpfas_rule *g, const struct sid_context *sids, struct arena *a,
		   struct fw_rule *out, const struct gpfas_field ***unknown, size_t *n_unknown,
		   struct gpfas_error *err)
{
	static const struct sid_context no_sids;
	memset(out, 0, sizeof(*out));
	*unknown = NULL;
	*n_unknown = 0;
	const struct gpfas_field *once[K_COUNT] = { 0 };
	const struct gpfas_field **unk = arena_array(a, g->n_fields ? g->n_fields : 1, sizeof(*unk));
	struct strbuf lports = STRBUF_INIT, rports = STRBUF_INIT;
	bool lport_kw = false;
	bool ok = false;
	// Address keywords seen in RA4 and RA6, as bits of enum fw_addr_keyword.
	unsigned kw4 = 0, kw6 = 0;
	char **addrs = arena_array(a, g->n_fields ? g->n_fields : 1, sizeof(*addrs));
	size_t n_addrs = 0;

	out->protocol = FW_PROTO_ANY;
	for (size_t i = 0; i < g->n_fields; i++) {
		const struct gpfas_field *f = &g->fields[i];
		int k = known_index(f->key);
		if (k < 0) {
			unk[(*n_unknown)++] = f;
			continue;
		}
		if (!known_keys[k].repeats) {
			if (once[k]) {
				fail(err, f->offset, "field '%s' appears twice (first at byte %zu)", f->key,
				     once[k]->offset);
				goto out;
			}
			once[k] = f;
			continue;
		}
		const char *v = f->value;
		const char *e;
		struct fw_addr addr;
		switch (k) {
		case K_PROFILE: {
			static const char *const profs[] = { "Domain", "Private", "Public" };
			int p = enum_of(v, profs, 3);
			if (p < 0) {
				fail(err, f->offset, "unknown Profile '%.40s'; expected Domain, Private or Public", v);
				goto out;
			}
			out->profiles |= 1u << p;
			break;
		}
		case K_LPORT:
			if (!strcmp(v, "RPC") || !strcmp(v, "RPC-EPMap")) {
				if (lports.len) {
					fail(err, f->offset, "port keyword '%s' together with other local ports "
					     "cannot be represented", v);
					goto out;
				}
				strbuf_addstr(&lports, v);
				lport_kw = true;
				break;
			}
			/* fall through */
		case K_LPORT2_10:
			if (lport_kw) {
				fail(err, f->offset, "local ports together with a port keyword cannot be represented");
				goto out;
			}
			if (!port_item(v, k == K_LPORT2_10, &lports)) {
				fail(err, f->offset, "bad %s '%.40s'; expected %s", f->key, v,
				     k == K_LPORT ? "a port 0 to 65535, RPC or RPC-EPMap" : "a port range low-high");
				goto out;
			}
			break;
		case K_RPORT:
		case K_RPORT2_10:
			if (!port_item(v, k == K_RPORT2_10, &rports)) {
				fail(err, f->offset, "bad %s '%.40s'; expected %s", f->key, v,
				     k == K_RPORT ? "a port 0 to 65535" : "a port range low-high");
				goto out;
			}
			break;
		case K_RA4:
		case K_RA6:
			if (!fw_addr_parse(v, strlen(v), true, &addr, &e)) {
				fail(err, f->offset, "bad %s '%.60s': %s", f->key, v, e);
				goto out;
			}
			if (addr.kind == FWA_KEYWORD) {
				unsigned *kw = k == K_RA4 ? &kw4 : &kw6;
				*kw |= 1u << addr.keyword;
				break;
			}
			if (addr.family != (k == K_RA4 ? 4 : 6)) {
				fail(err, f->offset, "%s holds an IPv%d address", f->key, addr.family);
				goto out;
			}
			{
				struct strbuf t = STRBUF_INIT;
				fw_addr_format(&addr, FWA_STYLE_CIDR, &t);
				addrs[n_addrs++] = arena_strdup(a, t.buf);
				strbuf_release(&t);
			}
			break;
		default:
			BUG("unhandled repeating field");
		}
	}
	if (kw4 != kw6) {
		fail(err, 0, "an address keyword in only one of RA4 and RA6 cannot be represented");
		goto out;
	}
	for (int kw = FWK_LOCALSUBNET; kw <= FWK_DEFAULTGATEWAY; kw++)
		if (kw4 & (1u << kw))
			addrs[n_addrs++] = arena_strdup(a, fw_addr_keyword_name((enum fw_addr_keyword)kw));

	const struct gpfas_field *f;
	int v;
	static const char *const actions[] = { [FW_ALLOW] = "Allow", [FW_BLOCK] = "Block", [FW_BYPASS] = "ByPass" };
	if (!(f = once[K_ACTION])) {
		fail(err, 0, "the rule has no Action field");
		goto out;
	}
	if ((v = enum_of(f->value, actions, 3)) < 0) {
		fail(err, f->offset, "unknown Action '%.40s'; expected Allow, Block or ByPass", f->value);
		goto out;
	}
	out->action = (enum fw_action)v;
	static const char *const dirs[] = { [FW_DIR_IN] = "In", [FW_DIR_OUT] = "Out" };
	if (!(f = once[K_DIR])) {
		fail(err, 0, "the rule has no Dir field");
		goto out;
	}
	if ((v = enum_of(f->value, dirs, 2)) < 0) {
		fail(err, f->offset, "unknown Dir '%.40s'; expected In or Out", f->value);
		goto out;
	}
	out->dir = (enum fw_dir)v;
	static const char *const bools[] = { "FALSE", "TRUE" };
	// FW_RULE_FLAGS_ACTIVE is a flag: no Active field leaves it clear.
	if ((f = once[K_ACTIVE])) {
		if ((v = enum_of(f->value, bools, 2)) < 0) {
			fail(err, f->offset, "unknown Active '%.40s'; expected TRUE or FALSE", f->value);
			goto out;
		}
		out->enabled = v;
	}
	if ((f = once[K_PROTOCOL])) {
		unsigned p;
		if (strlen(f->value) > 3 || !parse_num(f->value, strlen(f->value), &p) || p > 255) {
			fail(err, f->offset, "bad Protocol '%.40s'; expected 0 to 255", f->value);
			goto out;
		}
		out->protocol = (int)p;
	}
	if ((lports.len || rports.len) && out->protocol != FW_PROTO_TCP && out->protocol != FW_PROTO_UDP) {
		fail(err, 0, "ports are given but Protocol is not 6 (TCP) or 17 (UDP)");
		goto out;
	}
	out->local_ports = lports.len ? arena_strdup(a, lports.buf) : NULL;
	out->remote_ports = rports.len ? arena_strdup(a, rports.buf) : NULL;
	out->remote_addrs = n_addrs ? addrs : NULL;
	out->n_remote_addrs = n_addrs;
	if ((f = once[K_APP]))
		out->program = f->value;
	if ((f = once[K_SVC]))
		out->service = f->value;
	if ((f = once[K_NAME]))
		out->name = f->value;
	if ((f = once[K_DESC]))
		out->description = f->value;
	if ((f = once[K_EMBEDCTXT]))
		out->group = f->value;
	if ((f = once[K_EDGE])) {
		if ((v = enum_of(f->value, bools, 2)) < 0) {
			fail(err, f->offset, "unknown Edge '%.40s'; expected TRUE or FALSE", f->value);
			goto out;
		}
		out->edge = v ? FW_EDGE_YES : FW_EDGE_NO;
	}
	if ((f = once[K_DEFER])) {
		static const char *const defers[] = { "App", "User" };
		if ((v = enum_of(f->value, defers, 2)) < 0) {
			fail(err, f->offset, "unknown Defer '%.40s'; expected App or User", f->value);
			goto out;
		}
		out->edge = v ? FW_EDGE_DEFERUSER : FW_EDGE_DEFERAPP;
	}
	if (out->edge != FW_EDGE_NO && out->dir != FW_DIR_IN) {
		fail(err, 0, "edge traversal on an outbound rule");
		goto out;
	}
	if ((f = once[K_SECURITY])) {
		if (!strcmp(f->value, "Authenticate")) {
			out->security = FW_SEC_AUTHENTICATE;
		} else if (!strcmp(f->value, "AuthenticateEncrypt")) {
			out->security = FW_SEC_AUTHENC;
		} else {
			fail(err, f->offset, "unknown Security '%.40s'; expected Authenticate or "
			     "AuthenticateEncrypt", f->value);
			goto out;
		}
	}
	if ((f = once[K_SECURITY2_9])) {
		if (strcmp(f->value, "An-NoEncap") || out->security != FW_SEC_AUTHENTICATE) {
			fail(err, f->offset, "Security2_9 must be An-NoEncap next to Security=Authenticate");
			goto out;
		}
		out->security = FW_SEC_AUTHNOENCAP;
	}
	const int auths[] = { K_RUAUTH, K_RMAUTH };
	for (int i = 0; i < 2; i++) {
		if (!(f = once[auths[i]]))
			continue;
		struct secdesc sd;
		struct sddl_error se;
		secdesc_init(&sd);
		bool sd_ok = sddl_parse(f->value, strlen(f->value), sids ? sids : &no_sids, &sd, &se);
		secdesc_release(&sd);
		if (!sd_ok) {
			fail(err, f->offset + strlen(f->key) + 1 + se.offset, "invalid SDDL in %s: %s", f->key,
			     se.message);
			goto out;
		}
		if (out->security == FW_SEC_NOTREQUIRED) {
			fail(err, f->offset, "%s needs a Security field", f->key);
			goto out;
		}
		if (auths[i] == K_RUAUTH)
			out->remote_users_sddl = f->value;
		else
			out->remote_machines_sddl = f->value;
	}
	*unknown = unk;
	ok = true;
out:
	if (!ok)
		*n_unknown = 0;
	strbuf_release(&lports);
	strbuf_release(&rports);
	return ok;
}
