// The netsh checker: parses `advfirewall firewall` command lines back into struct
// fw_rule, enforcing the grammar and constraints of DOMAIN.md section 6.
//
// It is written independently of netsh_write.c (it shares only the address and port
// syntax of fwaddr.c) so that the renderer's self-check is a real second opinion.
//
// Tokens. A line is split at spaces into tokens. The command words
// ("advfirewall firewall add rule") are bare; every parameter is `keyword=value`,
// keyword bare and matched case-insensitively, value either bare (no quotes) or
// wholly enclosed in one pair of double quotes, which are removed. Anything else —
// a quote inside a value, an unterminated quote, a control or non-ASCII byte, a
// quoted value that is empty, starts or ends with a blank, or ends with a backslash
// — is refused, because gpoc cannot vouch for how netsh would read it.
//
// Grammar (keywords in any order, each at most once):
//   add rule name=S dir=in|out action=allow|block|bypass [program=S] [service=S]
//            [description=S] [enable=yes|no] [profile=any|P{,P}] [protocol=PROTO]
//            [localport=PORTS|RPC|RPC-EPMap|IPHTTPS|any] [remoteport=PORTS|any]
//            [localip=any|ADDR{,ADDR}] [remoteip=any|RADDR{,RADDR}]
//            [edge=yes|deferapp|deferuser|no] [security=SEC]
//            [rmtusrgrp=SDDL] [rmtcomputergrp=SDDL]
//   delete rule name=S
//   set rule group=S new enable=yes|no

#include "netsh/netsh.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsh/fwaddr.h"
#include "sd/secdesc.h"

struct token {
	const char *p;     // token text as written
	size_t len;
	size_t col;        // 1-based
	// For keyword=value tokens:
	const char *key;
	size_t key_len;
	const char *val;   // value without quotes
	size_t val_len;
	size_t val_col;
	bool quoted;
};

enum { MAX_TOKENS = 64 };

static bool fail(struct netsh_error *err, size_t col, const char *fmt, ...) GPOC_PRINTF(3, 4);
static bool fail(struct netsh_error *err, size_t col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err->col = col;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return false;
}

static bool is_blank(char c)
{
	return c == ' ';
}

// Splits the line; values are checked for what gpoc can vouch for.
static bool tokenize(const char *line, size_t len, struct token *t, size_t *n, struct netsh_error *err)
{
	*n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c < 0x20 || c == 0x7f) // gpoc separates with spaces and never writes a tab
			return fail(err, i + 1, "control character 0x%02x in a netsh command", c);
		if (c >= 0x80)
			return fail(err, i + 1, "non-ASCII byte 0x%02x: gpoc writes netsh scripts in "
				    "printable ASCII only", c);
	}
	size_t i = 0;
	while (i < len) {
		while (i < len && is_blank(line[i]))
			i++;
		if (i == len)
			break;
		if (*n == MAX_TOKENS)
			return fail(err, i + 1, "too many parameters (more than %d)", MAX_TOKENS);
		struct token *tk = &t[(*n)++];
		memset(tk, 0, sizeof(*tk));
		tk->p = line + i;
		tk->col = i + 1;
		size_t start = i;
		bool in_quote = false;
		size_t quote_at = 0;
		while (i < len && (in_quote || !is_blank(line[i]))) {
			if (line[i] == '"') {
				in_quote = !in_quote;
				quote_at = i;
			}
			i++;
		}
		if (in_quote)
			return fail(err, quote_at + 1, "unterminated double quote");
		tk->len = i - start;
		const char *eq = memchr(tk->p, '=', tk->len);
		const char *q = memchr(tk->p, '"', tk->len);
		if (!eq) {
			if (q)
				return fail(err, (size_t)(q - line) + 1, "double quote outside a keyword=value "
					    "parameter");
			continue; // a command word
		}
		if (q && q < eq)
			return fail(err, (size_t)(q - line) + 1, "double quote inside a keyword");
		tk->key = tk->p;
		tk->key_len = (size_t)(eq - tk->p);
		if (!tk->key_len)
			return fail(err, tk->col, "'=' without a keyword before it");
		tk->val = eq + 1;
		tk->val_len = tk->len - tk->key_len - 1;
		tk->val_col = (size_t)(tk->val - line) + 1;
		if (tk->val_len && tk->val[0] == '"') {
			if (tk->val_len < 2 || tk->val[tk->val_len - 1] != '"' ||
			    memchr(tk->val + 1, '"', tk->val_len - 2))
				return fail(err, tk->val_col, "a quoted value must be enclosed in exactly one "
					    "pair of double quotes");
			tk->quoted = true;
			tk->val++;
			tk->val_len -= 2;
			tk->val_col++;
			if (!tk->val_len)
				return fail(err, tk->val_col - 1, "empty quoted value");
			if (is_blank(tk->val[0]) || is_blank(tk->val[tk->val_len - 1]))
				return fail(err, tk->val_col, "quoted value starts or ends with a blank, which "
					    "netsh's tokenizer is not known to keep");
			if (tk->val[tk->val_len - 1] == '\\')
				return fail(err, tk->val_col + tk->val_len - 1, "quoted value ends with a "
					    "backslash, which would escape the closing quote");
		} else if (q) {
			return fail(err, (size_t)(q - line) + 1, "double quote inside an unquoted value");
		} else if (!tk->val_len) {
			return fail(err, tk->val_col, "missing value after '%.*s='", (int)tk->key_len, tk->key);
		}
	}
	return true;
}

static bool word_is(const struct token *t, const char *w)
{
	return !t->key && strlen(w) == t->len && !ascii_strncasecmp(t->p, w, t->len);
}

static bool key_is(const struct token *t, const char *k)
{
	return strlen(k) == t->key_len && !ascii_strncasecmp(t->key, k, t->key_len);
}

static bool val_is(const struct token *t, const char *v)
{
	return strlen(v) == t->val_len && !ascii_strncasecmp(t->val, v, t->val_len);
}

// The value of an enumeration keyword: index into `names`, or a failure listing them.
static bool enum_value(const struct token *t, const char *const *names, size_t n, int *out,
		       struct netsh_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (names[i] && val_is(t, names[i])) {
			*out = (int)i;
			return true;
		}
	}
	char list[160] = "";
	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		if (!names[i])
			continue;
		int w = snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", names[i]);
		if (w < 0 || (size_t)w >= sizeof(list) - used)
			break;
		used += (size_t)w;
	}
	int shown = (int)(t->val_len > 40 ? 40 : t->val_len);
	return fail(err, t->val_col, "unknown value '%.*s' for '%.*s'; expected one of %s", shown, t->val,
		    (int)t->key_len, t->key, list);
}

static const char *const yes_no[] = { "no", "yes" };

enum param {
	P_NAME, P_DIR, P_ACTION, P_PROGRAM, P_SERVICE, P_DESCRIPTION, P_ENABLE, P_PROFILE, P_PROTOCOL,
	P_LOCALPORT, P_REMOTEPORT, P_LOCALIP, P_REMOTEIP, P_EDGE, P_SECURITY, P_RMTUSRGRP,
	P_RMTCOMPUTERGRP, P_COUNT
};
static const char *const param_names[P_COUNT] = {
	"name", "dir", "action", "program", "service", "description", "enable", "profile", "protocol",
	"localport", "remoteport", "localip", "remoteip", "edge", "security", "rmtusrgrp", "rmtcomputergrp",
};
// Parameters whose value is free text (must be quoted by gpoc's writer; accepted bare).
static const bool param_is_text[P_COUNT] = {
	[P_NAME] = true, [P_PROGRAM] = true, [P_SERVICE] = true, [P_DESCRIPTION] = true,
	[P_RMTUSRGRP] = true, [P_RMTCOMPUTERGRP] = true,
};

static char *dup_val(struct arena *a, const struct token *t)
{
	return arena_strndup(a, t->val, t->val_len);
}

static bool check_sddl(const struct token *t, const struct sid_context *sids, struct netsh_error *err)
{
	static const struct sid_context none;
	struct secdesc sd;
	struct sddl_error se;
	secdesc_init(&sd);
	bool ok = sddl_parse(t->val, t->val_len, sids ? sids : &none, &sd, &se);
	secdesc_release(&sd);
	if (!ok) {
		size_t off = se.offset <= t->val_len ? se.offset : t->val_len;
		return fail(err, t->val_col + off, "invalid SDDL in '%.*s': %s", (int)t->key_len, t->key,
			    se.message);
	}
	return true;
}

static bool parse_addr_list(const struct token *t, bool keywords, struct arena *a, char ***list, size_t *n,
			    struct netsh_error *err)
{
	*list = NULL;
	*n = 0;
	if (val_is(t, "any"))
		return true;
	size_t count = 1;
	for (size_t i = 0; i < t->val_len; i++)
		count += t->val[i] == ',';
	if (count > 1000)
		return fail(err, t->val_col, "more than 1000 addresses in '%.*s'", (int)t->key_len, t->key);
	char **v = arena_array(a, count, sizeof(*v));
	size_t i = 0;
	for (size_t k = 0; k < count; k++) {
		size_t start = i;
		while (i < t->val_len && t->val[i] != ',')
			i++;
		struct fw_addr addr;
		const char *e;
		if (i - start == 3 && !ascii_strncasecmp(t->val + start, "any", 3))
			return fail(err, t->val_col + start, "'any' must stand alone in '%.*s'", (int)t->key_len,
				    t->key);
		if (!fw_addr_parse(t->val + start, i - start, keywords, &addr, &e))
			return fail(err, t->val_col + start, "bad address '%.*s' in '%.*s': %s",
				    (int)(i - start > 60 ? 60 : i - start), t->val + start, (int)t->key_len, t->key, e);
		v[k] = arena_strndup(a, t->val + start, i - start);
		i++; // ','
	}
	*list = v;
	*n = count;
	return true;
}

static bool parse_add(const struct token *t, size_t n, const struct sid_context *sids, struct arena *a,
		      struct netsh_cmd *out, struct netsh_error *err)
{
	const struct token *seen[P_COUNT] = { 0 };
	struct fw_rule *r = &out->rule;
	r->protocol = FW_PROTO_ANY;
	r->enabled = true;
	for (size_t i = 0; i < n; i++) {
		if (!t[i].key)
			return fail(err, t[i].col, "unexpected word '%.*s'; expected keyword=value",
				    (int)(t[i].len > 40 ? 40 : t[i].len), t[i].p);
		int p = -1;
		for (int k = 0; k < P_COUNT; k++)
			if (key_is(&t[i], param_names[k]))
				p = k;
		if (p < 0) {
			char key[48];
			snprintf(key, sizeof(key), "%.*s", (int)(t[i].key_len > 40 ? 40 : t[i].key_len), t[i].key);
			const char *near = closest_word(key, param_names, P_COUNT);
			return fail(err, t[i].col, "unknown keyword '%s'%s%s%s", key, near ? "; did you mean '" : "",
				    near ? near : "", near ? "'?" : "");
		}
		if (seen[p])
			return fail(err, t[i].col, "keyword '%s' given twice (first at column %zu)", param_names[p],
				    seen[p]->col);
		seen[p] = &t[i];
		if (t[i].quoted && !param_is_text[p])
			return fail(err, t[i].val_col - 1, "the value of '%s' is a keyword or list, not quoted text",
				    param_names[p]);
	}
	if (!seen[P_NAME])
		return fail(err, 1, "'add rule' needs name=");
	if (!seen[P_DIR])
		return fail(err, 1, "'add rule' needs dir=in or dir=out");
	if (!seen[P_ACTION])
		return fail(err, 1, "'add rule' needs action=allow, block or bypass");

	const struct token *tk;
	int v;
	tk = seen[P_NAME];
	if (val_is(tk, "all"))
		return fail(err, tk->val_col, "rule name 'all' is reserved: netsh reads it as every rule");
	r->name = dup_val(a, tk);
	static const char *const dirs[] = { [FW_DIR_IN] = "in", [FW_DIR_OUT] = "out" };
	if (!enum_value(seen[P_DIR], dirs, 2, &v, err))
		return false;
	r->dir = (enum fw_dir)v;
	static const char *const actions[] = { [FW_ALLOW] = "allow", [FW_BLOCK] = "block", [FW_BYPASS] = "bypass" };
	if (!enum_value(seen[P_ACTION], actions, 3, &v, err))
		return false;
	r->action = (enum fw_action)v;
	if ((tk = seen[P_PROGRAM]))
		r->program = dup_val(a, tk);
	if ((tk = seen[P_SERVICE])) {
		if (val_is(tk, "any") || val_is(tk, "*"))
			return fail(err, tk->val_col, "service=any (every service) is not supported by gpoc");
		if (memchr(tk->val, '/', tk->val_len) || memchr(tk->val, '\\', tk->val_len))
			return fail(err, tk->val_col, "a service name cannot contain '/' or '\\'");
		r->service = dup_val(a, tk);
	}
	if ((tk = seen[P_DESCRIPTION]))
		r->description = dup_val(a, tk);
	if ((tk = seen[P_ENABLE])) {
		if (!enum_value(tk, yes_no, 2, &v, err))
			return false;
		r->enabled = v;
	}
	if ((tk = seen[P_PROFILE]) && !val_is(tk, "any")) {
		size_t i = 0;
		while (i <= tk->val_len) {
			size_t start = i;
			while (i < tk->val_len && tk->val[i] != ',')
				i++;
			static const char *const profs[] = { "domain", "private", "public" };
			int bit = -1;
			for (int k = 0; k < 3; k++)
				if (strlen(profs[k]) == i - start && !ascii_strncasecmp(tk->val + start, profs[k], i - start))
					bit = k;
			if (bit < 0)
				return fail(err, tk->val_col + start, "unknown profile '%.*s'; expected any, or a list "
					    "of domain, private, public", (int)(i - start > 40 ? 40 : i - start), tk->val + start);
			if (r->profiles & (1u << bit))
				return fail(err, tk->val_col + start, "profile '%s' listed twice", profs[bit]);
			r->profiles |= 1u << bit;
			i++;
		}
	}
	if ((tk = seen[P_PROTOCOL])) {
		static const struct { const char *name; int num; } protos[] = {
			{ "tcp", FW_PROTO_TCP }, { "udp", FW_PROTO_UDP }, { "icmpv4", FW_PROTO_ICMPV4 },
			{ "icmpv6", FW_PROTO_ICMPV6 }, { "any", FW_PROTO_ANY },
		};
		bool found = false;
		for (size_t k = 0; k < ARRAY_SIZE(protos) && !found; k++)
			if (val_is(tk, protos[k].name)) {
				r->protocol = protos[k].num;
				found = true;
			}
		if (!found) {
			unsigned num = 0;
			bool digits = tk->val_len && tk->val_len <= 3 && !(tk->val_len > 1 && tk->val[0] == '0');
			for (size_t k = 0; k < tk->val_len && digits; k++) {
				if (!ascii_isdigit(tk->val[k]))
					digits = false;
				else
					num = num * 10 + (unsigned)(tk->val[k] - '0');
			}
			if (!digits || num > 255)
				return fail(err, tk->val_col, "unknown protocol '%.*s'; expected tcp, udp, icmpv4, "
					    "icmpv6, any or a number 0 to 255", (int)(tk->val_len > 40 ? 40 : tk->val_len), tk->val);
			r->protocol = (int)num;
		}
	}
	bool tcpudp = r->protocol == FW_PROTO_TCP || r->protocol == FW_PROTO_UDP;
	const int port_params[] = { P_LOCALPORT, P_REMOTEPORT };
	for (int k = 0; k < 2; k++) {
		tk = seen[port_params[k]];
		if (!tk || val_is(tk, "any"))
			continue;
		if (!tcpudp)
			return fail(err, tk->col, "'%s' needs protocol=tcp or protocol=udp", param_names[port_params[k]]);
		struct fw_ports *ports = arena_alloc(a, sizeof(*ports));
		const char *e;
		if (!fw_ports_parse(tk->val, tk->val_len, port_params[k] == P_LOCALPORT, ports, &e))
			return fail(err, tk->val_col, "bad port list in '%s': %s", param_names[port_params[k]], e);
		if (ports->keyword != FWP_NONE && (r->protocol != FW_PROTO_TCP || r->dir != FW_DIR_IN))
			return fail(err, tk->val_col, "port keyword '%s' needs an inbound tcp rule",
				    fw_port_keyword_name(ports->keyword));
		char *s = dup_val(a, tk);
		if (port_params[k] == P_LOCALPORT)
			r->local_ports = s;
		else
			r->remote_ports = s;
	}
	if ((tk = seen[P_LOCALIP])) {
		char **list;
		size_t cnt;
		if (!parse_addr_list(tk, false, a, &list, &cnt, err))
			return false;
		out->local_ip = dup_val(a, tk);
	}
	if ((tk = seen[P_REMOTEIP]) && !parse_addr_list(tk, true, a, &r->remote_addrs, &r->n_remote_addrs, err))
		return false;
	if ((tk = seen[P_EDGE])) {
		static const char *const edges[] = {
			[FW_EDGE_NO] = "no", [FW_EDGE_YES] = "yes", [FW_EDGE_DEFERAPP] = "deferapp",
			[FW_EDGE_DEFERUSER] = "deferuser",
		};
		if (r->dir != FW_DIR_IN)
			return fail(err, tk->col, "'edge' applies to inbound rules only");
		if (!enum_value(tk, edges, 4, &v, err))
			return false;
		r->edge = (enum fw_edge)v;
	}
	if ((tk = seen[P_SECURITY])) {
		static const char *const secs[] = {
			[FW_SEC_NOTREQUIRED] = "notrequired", [FW_SEC_AUTHENTICATE] = "authenticate",
			[FW_SEC_AUTHENC] = "authenc", [FW_SEC_AUTHDYNENC] = "authdynenc",
			[FW_SEC_AUTHNOENCAP] = "authnoencap",
		};
		if (!enum_value(tk, secs, 5, &v, err))
			return false;
		r->security = (enum fw_security)v;
		if (r->security == FW_SEC_AUTHDYNENC && r->dir != FW_DIR_IN)
			return fail(err, tk->val_col, "security=authdynenc applies to inbound rules only");
	}
	const int grp_params[] = { P_RMTUSRGRP, P_RMTCOMPUTERGRP };
	for (int k = 0; k < 2; k++) {
		if (!(tk = seen[grp_params[k]]))
			continue;
		if (r->security == FW_SEC_NOTREQUIRED)
			return fail(err, tk->col, "'%s' needs security=authenticate, authenc, authdynenc or "
				    "authnoencap", param_names[grp_params[k]]);
		if (!check_sddl(tk, sids, err))
			return false;
		if (grp_params[k] == P_RMTUSRGRP)
			r->remote_users_sddl = dup_val(a, tk);
		else
			r->remote_machines_sddl = dup_val(a, tk);
	}
	if (r->action == FW_BYPASS && r->dir == FW_DIR_IN && !r->remote_machines_sddl)
		return fail(err, seen[P_ACTION]->val_col, "an inbound bypass rule needs rmtcomputergrp=");
	return true;
}

bool netsh_parse_line(const char *line, size_t len, unsigned flags, const struct sid_context *sids,
		      struct arena *a, struct netsh_cmd *out, struct netsh_error *err)
{
	struct token t[MAX_TOKENS];
	size_t n;
	memset(out, 0, sizeof(*out));
	err->col = 0;
	err->message[0] = '\0';
	if (!tokenize(line, len, t, &n, err))
		return false;
	size_t i = 0;
	if (flags & NETSH_PARSE_PREFIX) {
		if (!n || !word_is(&t[0], "netsh"))
			return fail(err, n ? t[0].col : 1, "expected 'netsh'");
		i = 1;
	}
	if (n - i < 4 || !word_is(&t[i], "advfirewall") || !word_is(&t[i + 1], "firewall"))
		return fail(err, i < n ? t[i].col : len + 1, "expected 'advfirewall firewall add|delete|set rule'");
	const struct token *verb = &t[i + 2];
	if (!word_is(&t[i + 3], "rule"))
		return fail(err, t[i + 3].col, "expected 'rule' after '%.*s'", (int)(verb->len > 20 ? 20 : verb->len), verb->p);
	const struct token *rest = t + i + 4;
	size_t nrest = n - i - 4;
	if (word_is(verb, "add")) {
		out->kind = NETSH_ADD_RULE;
		return parse_add(rest, nrest, sids, a, out, err);
	}
	if (word_is(verb, "delete")) {
		out->kind = NETSH_DELETE_RULE;
		if (nrest != 1 || !rest[0].key || !key_is(&rest[0], "name"))
			return fail(err, nrest ? rest[0].col : len + 1, "gpoc's 'delete rule' takes exactly name=");
		if (val_is(&rest[0], "all"))
			return fail(err, rest[0].val_col, "rule name 'all' would delete every rule");
		out->rule.name = dup_val(a, &rest[0]);
		return true;
	}
	if (word_is(verb, "set")) {
		out->kind = NETSH_SET_GROUP;
		if (nrest != 3 || !rest[0].key || !key_is(&rest[0], "group") || !word_is(&rest[1], "new") ||
		    !rest[2].key || !key_is(&rest[2], "enable"))
			return fail(err, nrest ? rest[0].col : len + 1, "gpoc's 'set rule' is group=\"...\" new "
				    "enable=yes|no");
		int v;
		if (!enum_value(&rest[2], yes_no, 2, &v, err))
			return false;
		out->group = dup_val(a, &rest[0]);
		out->enable = v;
		return true;
	}
	return fail(err, verb->col, "unknown command '%.*s'; expected add, delete or set",
		    (int)(verb->len > 20 ? 20 : verb->len), verb->p);
}

// --- Whole scripts ---

struct name_state {
	const char *name;
	size_t adds;           // rules of this name present now
	bool deleted;          // a delete of this name came before the current rule
	size_t rule;           // index into the final rule list while adds == 1
	uint32_t add_line;
};

static struct name_state *find_name(struct name_state *v, size_t n, const char *name)
{
	// netsh matches rule names case-insensitively.
	for (size_t i = 0; i < n; i++)
		if (!ascii_strcasecmp(v[i].name, name))
			return &v[i];
	return NULL;
}

bool netsh_check_script(const struct src_file *f, const struct sid_context *sids, struct arena *a,
			struct netsh_script *out, struct diag *d)
{
	memset(out, 0, sizeof(*out));
	size_t errors_before = d->errors;
	struct netsh_cmd *cmds = NULL;
	size_t n_cmds = 0, alloc_cmds = 0;
	struct name_state *names = NULL;
	size_t n_names = 0, alloc_names = 0;
	const char *p = f->text, *end = f->text + f->len;
	uint32_t lineno = 0;
	while (p < end) {
		lineno++;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t len = (size_t)(le - p);
		if (len && p[len - 1] == '\r')
			len--;
		const char *line = p;
		p = nl ? nl + 1 : end;
		if (!len)
			continue;
		struct netsh_cmd cmd;
		struct netsh_error err;
		if (!netsh_parse_line(line, len, 0, sids, a, &cmd, &err)) {
			diag_error(d, src_pos_make(f, lineno, (uint32_t)err.col), "%s", err.message);
			continue;
		}
		GROW(cmds, alloc_cmds, n_cmds + 1);
		cmds[n_cmds++] = cmd;
		if (cmd.kind == NETSH_SET_GROUP)
			continue;
		struct name_state *ns = find_name(names, n_names, cmd.rule.name);
		if (!ns) {
			GROW(names, alloc_names, n_names + 1);
			ns = &names[n_names++];
			memset(ns, 0, sizeof(*ns));
			ns->name = cmd.rule.name;
		}
		if (cmd.kind == NETSH_DELETE_RULE) {
			ns->adds = 0;
			ns->deleted = true;
			continue;
		}
		if (ns->adds) {
			diag_error(d, src_pos_make(f, lineno, 1), "rule '%s' is added again without a delete since "
				   "line %u: the firewall would hold two rules of that name", cmd.rule.name, ns->add_line);
			continue;
		}
		ns->adds = 1;
		ns->add_line = lineno;
		ns->rule = n_cmds - 1;
	}
	// The state at the end: names with a rule; each must have been deleted first.
	size_t n_rules = 0;
	for (size_t i = 0; i < n_names; i++)
		n_rules += names[i].adds;
	out->rules = n_rules ? arena_array(a, n_rules, sizeof(*out->rules)) : NULL;
	for (size_t i = 0; i < n_names; i++) {
		if (!names[i].adds)
			continue;
		if (!names[i].deleted)
			diag_error(d, src_pos_make(f, names[i].add_line, 1), "rule '%s' is added without a delete "
				   "of that name before it: running the script twice would duplicate it", names[i].name);
		out->rules[out->n_rules++] = cmds[names[i].rule].rule;
	}
	out->cmds = n_cmds ? arena_memdup(a, cmds, n_cmds * sizeof(*cmds)) : NULL;
	out->n_cmds = n_cmds;
	free(cmds);
	free(names);
	return d->errors == errors_before;
}
