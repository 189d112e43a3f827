// Address, port and protocol syntax for firewall rules, shared by the netsh and the
// Group Policy ([MS-GPFAS] 2.2.2.19) encodings.
//
// Parsers here read untrusted text (a netsh script, a rule string from a Registry.pol)
// with explicit lengths: every function takes (s, len), never relies on a NUL, and
// rejects rather than guesses. Canonical output (fw_addr_format) is what the GPO
// writer stores; the netsh writer keeps the model's spelling, so comparisons go
// through fw_addr_equal/fw_ports_equal, never through strcmp.

#include "netsh/fwaddr.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static const char *const addr_keywords[] = {
	[FWK_LOCALSUBNET] = "LocalSubnet",
	[FWK_DNS] = "DNS",
	[FWK_DHCP] = "DHCP",
	[FWK_WINS] = "WINS",
	[FWK_DEFAULTGATEWAY] = "DefaultGateway",
};

const char *fw_addr_keyword_name(enum fw_addr_keyword k)
{
	return addr_keywords[k];
}

static bool span_eq_ci(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && !ascii_strncasecmp(s, word, len);
}

// Decimal number without sign or leading zeros, at most `max`.
static bool parse_dec(const char *s, size_t len, unsigned max, unsigned *out)
{
	if (!len || len > 10 || (len > 1 && s[0] == '0'))
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!ascii_isdigit(s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool parse_ipv4(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		size_t start = i;
		while (i < len && s[i] != '.')
			i++;
		unsigned v;
		if (!parse_dec(s + start, i - start, 255, &v))
			return false;
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= len)
				return false;
			i++; // the dot
		}
	}
	return i == len;
}

static int hexval(char c)
{
	if (ascii_isdigit(c))
		return c - '0';
	c = (char)ascii_tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

// RFC 4291 section 2.2 text forms: eight groups of 1-4 hex digits, one "::" for a run
// of zero groups, and an optional dotted IPv4 address in place of the last two.
static bool parse_ipv6(const char *s, size_t len, uint8_t out[16])
{
	uint16_t g[8];
	int n = 0, gap = -1;
	size_t i = 0;
	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
		if (i == len)
			goto done;
	} else if (len && s[0] == ':') {
		return false;
	}
	for (;;) {
		// A group, or an embedded IPv4 address at the end.
		size_t start = i;
		while (i < len && s[i] != ':')
			i++;
		size_t glen = i - start;
		if (!glen)
			return false;
		if (memchr(s + start, '.', glen)) {
			if (i != len || n > 6)
				return false;
			uint8_t v4[4];
			if (!parse_ipv4(s + start, glen, v4))
				return false;
			g[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
			g[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
			break;
		}
		if (glen > 4 || n >= 8)
			return false;
		unsigned v = 0;
		for (size_t k = start; k < i; k++) {
			int h = hexval(s[k]);
			if (h < 0)
				return false;
			v = v << 4 | (unsigned)h;
		}
		g[n++] = (uint16_t)v;
		if (i == len)
			break;
		i++; // ':'
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return false; // a second "::"
			gap = n;
			i++;
			if (i == len)
				break;
		} else if (i == len) {
			return false; // trailing single ':'
		}
	}
done:
	if (gap < 0 && n != 8)
		return false;
	if (gap >= 0 && n > 7)
		return false; // "::" must stand for at least one group
	memset(out, 0, 16);
	int tail = gap < 0 ? 0 : n - gap;
	int head = n - tail;
	for (int k = 0; k < head; k++) {
		out[2 * k] = (uint8_t)(g[k] >> 8);
		out[2 * k + 1] = (uint8_t)g[k];
	}
	for (int k = 0; k < tail; k++) {
		int pos = 8 - tail + k;
		out[2 * pos] = (uint8_t)(g[head + k] >> 8);
		out[2 * pos + 1] = (uint8_t)g[head + k];
	}
	return true;
}

// An address of either family; *family gets 4 or 6.
static bool parse_ip(const char *s, size_t len, uint8_t out[16], int *family)
{
	if (memchr(s, ':', len)) {
		*family = 6;
		return parse_ipv6(s, len, out);
	}
	*family = 4;
	memset(out, 0, 16);
	return parse_ipv4(s, len, out);
}

static bool mask_to_prefix(const uint8_t m[4], unsigned *prefix)
{
	uint32_t v = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	unsigned p = 0;
	while (p < 32 && (v & (UINT32_C(1) << (31 - p))))
		p++;
	uint32_t expect = p ? ~UINT32_C(0) << (32 - p) : 0;
	if (v != expect)
		return false;
	*prefix = p;
	return true;
}

bool fw_addr_parse(const char *s, size_t len, bool keywords, struct fw_addr *out, const char **err)
{
	memset(out, 0, sizeof(*out));
	if (!len) {
		*err = "empty address";
		return false;
	}
	for (size_t k = 0; k < ARRAY_SIZE(addr_keywords); k++) {
		if (span_eq_ci(s, len, addr_keywords[k])) {
			if (!keywords) {
				*err = "address keywords are not accepted here";
				return false;
			}
			out->kind = FWA_KEYWORD;
			out->keyword = (enum fw_addr_keyword)k;
			return true;
		}
	}
	const char *slash = memchr(s, '/', len);
	const char *dash = memchr(s, '-', len);
	if (slash && dash) {
		*err = "an address is a subnet or a range, not both";
		return false;
	}
	if (dash) {
		size_t l1 = (size_t)(dash - s);
		int f1, f2;
		if (!parse_ip(s, l1, out->a, &f1) || !parse_ip(dash + 1, len - l1 - 1, out->b, &f2)) {
			*err = "a range is first-last with two IPv4 or two IPv6 addresses";
			return false;
		}
		if (f1 != f2) {
			*err = "a range's two ends must be of the same address family";
			return false;
		}
		if (memcmp(out->a, out->b, 16) > 0) {
			*err = "a range's first address must not be above its last";
			return false;
		}
		out->kind = FWA_RANGE;
		out->family = f1;
		return true;
	}
	if (slash) {
		size_t l1 = (size_t)(slash - s);
		const char *p = slash + 1;
		size_t plen = len - l1 - 1;
		if (!parse_ip(s, l1, out->a, &out->family)) {
			*err = "expected an IPv4 or IPv6 address before '/'";
			return false;
		}
		unsigned max = out->family == 4 ? 32 : 128;
		if (out->family == 4 && memchr(p, '.', plen)) {
			uint8_t m[4];
			if (!parse_ipv4(p, plen, m) || !mask_to_prefix(m, &out->prefix)) {
				*err = "an IPv4 subnet mask must be contiguous ones, like 255.255.0.0";
				return false;
			}
		} else if (!parse_dec(p, plen, max, &out->prefix)) {
			*err = out->family == 4 ? "an IPv4 prefix length is 0 to 32"
						: "an IPv6 prefix length is 0 to 128";
			return false;
		}
		out->kind = FWA_SUBNET;
		return true;
	}
	if (!parse_ip(s, len, out->a, &out->family)) {
		*err = "expected an IPv4 or IPv6 address, subnet, range or address keyword";
		return false;
	}
	out->kind = FWA_HOST;
	return true;
}

bool fw_addr_equal(const struct fw_addr *x, const struct fw_addr *y)
{
	if (x->kind != y->kind)
		return false;
	switch (x->kind) {
	case FWA_KEYWORD:
		return x->keyword == y->keyword;
	case FWA_HOST:
		return x->family == y->family && !memcmp(x->a, y->a, 16);
	case FWA_SUBNET:
		return x->family == y->family && x->prefix == y->prefix && !memcmp(x->a, y->a, 16);
	case FWA_RANGE:
		return x->family == y->family && !memcmp(x->a, y->a, 16) && !memcmp(x->b, y->b, 16);
	}
	return false;
}

bool fw_addr_has_host_bits(const struct fw_addr *a)
{
	if (a->kind != FWA_SUBNET)
		return false;
	unsigned bits = a->family == 4 ? 32 : 128;
	for (unsigned i = a->prefix; i < bits; i++)
		if (a->a[i / 8] & (0x80 >> (i % 8)))
			return true;
	return false;
}

static void format_ip(const uint8_t *a, int family, struct strbuf *out)
{
	if (family == 4) {
		strbuf_addf(out, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return;
	}
	// RFC 5952: lowercase, no leading zeros, the longest run (the first of equal
	// ones) of two or more zero groups becomes "::".
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	int best = -1, best_len = 0;
	for (int i = 0; i < 8;) {
		if (g[i]) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && !g[j])
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			strbuf_addstr(out, "::");
			i += best_len - 1;
			continue;
		}
		if (i && i != best + best_len)
			strbuf_addch(out, ':');
		strbuf_addf(out, "%x", g[i]);
	}
}

void fw_addr_format(const struct fw_addr *a, enum fw_addr_style style, struct strbuf *out)
{
	switch (a->kind) {
	case FWA_KEYWORD:
		strbuf_addstr(out, addr_keywords[a->keyword]);
		return;
	case FWA_HOST:
		format_ip(a->a, a->family, out);
		return;
	case FWA_SUBNET:
		format_ip(a->a, a->family, out);
		if (a->family == 4 && style == FWA_STYLE_GPFAS) {
			uint32_t m = a->prefix ? ~UINT32_C(0) << (32 - a->prefix) : 0;
			strbuf_addf(out, "/%u.%u.%u.%u", (unsigned)(m >> 24), (unsigned)(m >> 16 & 0xff),
				    (unsigned)(m >> 8 & 0xff), (unsigned)(m & 0xff));
		} else {
			strbuf_addf(out, "/%u", a->prefix);
		}
		return;
	case FWA_RANGE:
		format_ip(a->a, a->family, out);
		strbuf_addch(out, '-');
		format_ip(a->b, a->family, out);
		return;
	}
}

static const char *const port_keywords[] = {
	[FWP_NONE] = NULL,
	[FWP_RPC] = "RPC",
	[FWP_RPC_EPMAP] = "RPC-EPMap",
	[FWP_IPHTTPS] = "IPHTTPS",
};

const char *fw_port_keyword_name(enum fw_port_keyword k)
{
	return port_keywords[k];
}

bool fw_ports_parse(const char *s, size_t len, bool keywords, struct fw_ports *out, const char **err)
{
	out->keyword = FWP_NONE;
	out->n = 0;
	for (size_t k = 1; k < ARRAY_SIZE(port_keywords); k++) {
		if (span_eq_ci(s, len, port_keywords[k])) {
			if (!keywords) {
				*err = "port keywords (RPC, RPC-EPMap, IPHTTPS) are not accepted here";
				return false;
			}
			out->keyword = (enum fw_port_keyword)k;
			return true;
		}
	}
	size_t i = 0;
	for (;;) {
		size_t start = i;
		while (i < len && s[i] != ',')
			i++;
		const char *item = s + start;
		size_t ilen = i - start;
		if (!ilen) {
			*err = "empty item in a port list";
			return false;
		}
		if (out->n == FW_PORTS_MAX) {
			*err = "too many items in a port list";
			return false;
		}
		const char *dash = memchr(item, '-', ilen);
		unsigned lo, hi;
		if (dash) {
			size_t l1 = (size_t)(dash - item);
			if (!parse_dec(item, l1, 65535, &lo) || !parse_dec(dash + 1, ilen - l1 - 1, 65535, &hi)) {
				*err = "a port range is low-high with ports 0 to 65535";
				return false;
			}
			if (lo > hi) {
				*err = "a port range's low end must not be above its high end";
				return false;
			}
		} else if (!parse_dec(item, ilen, 65535, &lo)) {
			// A keyword inside a list is the likely mistake.
			for (size_t k = 1; k < ARRAY_SIZE(port_keywords); k++)
				if (span_eq_ci(item, ilen, port_keywords[k])) {
					*err = "a port keyword must stand alone, not in a list";
					return false;
				}
			*err = "expected a port 0 to 65535, a range low-high, or a keyword";
			return false;
		} else {
			hi = lo;
		}
		out->r[out->n].lo = (uint16_t)lo;
		out->r[out->n].hi = (uint16_t)hi;
		out->n++;
		if (i == len)
			return true;
		i++; // ','
	}
}

static void ports_bitmap(const struct fw_ports *p, uint8_t *bits)
{
	memset(bits, 0, 65536 / 8);
	for (size_t i = 0; i < p->n; i++)
		for (uint32_t v = p->r[i].lo; v <= p->r[i].hi; v++)
			bits[v / 8] |= (uint8_t)(1u << (v % 8));
}

bool fw_ports_equal(const struct fw_ports *x, const struct fw_ports *y)
{
	if (x->keyword != y->keyword)
		return false;
	if (x->keyword != FWP_NONE)
		return true;
	static uint8_t bx[65536 / 8], by[65536 / 8];
	ports_bitmap(x, bx);
	ports_bitmap(y, by);
	return !memcmp(bx, by, sizeof(bx));
}

const char *fw_protocol_name(int protocol)
{
	switch (protocol) {
	case FW_PROTO_TCP: return "tcp";
	case FW_PROTO_UDP: return "udp";
	case FW_PROTO_ICMPV4: return "icmpv4";
	case FW_PROTO_ICMPV6: return "icmpv6";
	default: return NULL;
	}
}

// --- Rule comparison ---

static bool str_same(const char *field, const char *a, const char *b, struct strbuf *why)
{
	if (!a && !b)
		return true;
	if (a && b && !strcmp(a, b))
		return true;
	strbuf_addf(why, "field '%s' differs", field);
	return false;
}

static bool ports_same(const char *field, const char *a, const char *b, struct strbuf *why)
{
	if (!a || !b) {
		if (!a && !b)
			return true;
		strbuf_addf(why, "field '%s' differs: one rule has no ports", field);
		return false;
	}
	struct fw_ports *pa = xmalloc(sizeof(*pa)), *pb = xmalloc(sizeof(*pb));
	const char *err;
	bool ok = fw_ports_parse(a, strlen(a), true, pa, &err) && fw_ports_parse(b, strlen(b), true, pb, &err) &&
		  fw_ports_equal(pa, pb);
	free(pa);
	free(pb);
	if (!ok)
		strbuf_addf(why, "field '%s' differs: '%s' vs '%s'", field, a, b);
	return ok;
}

// A total order that agrees with fw_addr_equal: the fields it compares, by kind.
static int cmp_addr(const void *pa, const void *pb)
{
	const struct fw_addr *x = pa, *y = pb;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind == FWA_KEYWORD)
		return (x->keyword > y->keyword) - (x->keyword < y->keyword);
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->kind == FWA_SUBNET && x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	int c = memcmp(x->a, y->a, 16);
	if (c || x->kind != FWA_RANGE)
		return c;
	return memcmp(x->b, y->b, 16);
}

// The addresses of `v` parsed, sorted and without duplicates; false if one does
// not parse.
static bool addr_set(char *const *v, size_t n, struct fw_addr *out, size_t *n_out)
{
	for (size_t i = 0; i < n; i++) {
		const char *err;
		if (!fw_addr_parse(v[i], strlen(v[i]), true, &out[i], &err))
			return false;
	}
	qsort(out, n, sizeof(*out), cmp_addr);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (!w || cmp_addr(&out[w - 1], &out[i]))
			out[w++] = out[i];
	*n_out = w;
	return true;
}

// Both address lists as sets: every address of one has an equal one in the other.
// Sorted and compared in one pass: the self-checks compare rules that merge the
// addresses of thousands of grants, where a pairwise search was quadratic.
static bool addrs_same(char *const *x, size_t nx, char *const *y, size_t ny)
{
	struct fw_addr *ax = xcalloc(nx + 1, sizeof(*ax)), *ay = xcalloc(ny + 1, sizeof(*ay));
	size_t mx = 0, my = 0;
	bool same = addr_set(x, nx, ax, &mx) && addr_set(y, ny, ay, &my) && mx == my;
	for (size_t i = 0; same && i < mx; i++)
		same = fw_addr_equal(&ax[i], &ay[i]);
	free(ax);
	free(ay);
	return same;
}

bool fw_rule_same(const struct fw_rule *a, const struct fw_rule *b, unsigned flags, struct strbuf *why)
{
	if (!(flags & FWCMP_IGNORE_ID) && !str_same("id", a->id, b->id, why))
		return false;
	if (!str_same("name", a->name, b->name, why) || !str_same("description", a->description, b->description, why))
		return false;
	if (!(flags & FWCMP_IGNORE_GROUP) && !str_same("group", a->group, b->group, why))
		return false;
	if (!str_same("program", a->program, b->program, why) || !str_same("service", a->service, b->service, why))
		return false;
	if (!str_same("remote users", a->remote_users_sddl, b->remote_users_sddl, why) ||
	    !str_same("remote machines", a->remote_machines_sddl, b->remote_machines_sddl, why))
		return false;
	if (a->dir != b->dir || a->action != b->action || a->protocol != b->protocol || a->enabled != b->enabled ||
	    a->edge != b->edge || a->security != b->security) {
		strbuf_addf(why, "direction, action, protocol, enable, edge or security differs");
		return false;
	}
	unsigned pa = a->profiles == 7 ? 0 : a->profiles, pb = b->profiles == 7 ? 0 : b->profiles;
	if (pa != pb) {
		strbuf_addf(why, "field 'profile' differs: 0x%x vs 0x%x", a->profiles, b->profiles);
		return false;
	}
	if (!ports_same("local port", a->local_ports, b->local_ports, why) ||
	    !ports_same("remote port", a->remote_ports, b->remote_ports, why))
		return false;
	if (!addrs_same(a->remote_addrs, a->n_remote_addrs, b->remote_addrs, b->n_remote_addrs)) {
		strbuf_addstr(why, "field 'remote address' differs");
		return false;
	}
	return true;
}

// --- Validation shared by both writers ---

static bool text_present(const char *field, const char *s, struct strbuf *why)
{
	if (!s || !*s) {
		strbuf_addf(why, "the rule has no %s", field);
		return false;
	}
	return true;
}

bool fw_rule_validate(const struct fw_rule *r, struct strbuf *why)
{
	const char *err;
	if (!text_present("name", r->name, why))
		return false;
	if (!ascii_strcasecmp(r->name, "all")) {
		strbuf_addstr(why, "rule name 'all' is reserved: netsh reads it as every rule");
		return false;
	}
	if (r->protocol != FW_PROTO_ANY && (r->protocol < 0 || r->protocol > 255)) {
		strbuf_addf(why, "protocol %d is not an IP protocol number 0 to 255", r->protocol);
		return false;
	}
	if (r->profiles & ~7u) {
		strbuf_addf(why, "profile bits 0x%x are not domain, private or public", r->profiles);
		return false;
	}
	bool tcpudp = r->protocol == FW_PROTO_TCP || r->protocol == FW_PROTO_UDP;
	if ((r->local_ports || r->remote_ports) && !tcpudp) {
		strbuf_addstr(why, "ports need protocol tcp or udp");
		return false;
	}
	struct fw_ports *p = xmalloc(sizeof(*p));
	bool ok = true;
	if (r->local_ports && !fw_ports_parse(r->local_ports, strlen(r->local_ports), true, p, &err)) {
		strbuf_addf(why, "local port '%s': %s", r->local_ports, err);
		ok = false;
	} else if (r->local_ports && p->keyword != FWP_NONE &&
		   (r->protocol != FW_PROTO_TCP || r->dir != FW_DIR_IN)) {
		strbuf_addf(why, "local port keyword '%s' needs an inbound tcp rule", r->local_ports);
		ok = false;
	} else if (r->remote_ports && !fw_ports_parse(r->remote_ports, strlen(r->remote_ports), false, p, &err)) {
		strbuf_addf(why, "remote port '%s': %s", r->remote_ports, err);
		ok = false;
	}
	free(p);
	if (!ok)
		return false;
	if (r->n_remote_addrs && !r->remote_addrs) {
		strbuf_addstr(why, "remote address list is missing");
		return false;
	}
	for (size_t i = 0; i < r->n_remote_addrs; i++) {
		struct fw_addr a;
		const char *s = r->remote_addrs[i];
		if (!s || !ascii_strcasecmp(s, "any")) {
			strbuf_addstr(why, "remote address 'any' must be written as an empty list");
			return false;
		}
		if (!fw_addr_parse(s, strlen(s), true, &a, &err)) {
			strbuf_addf(why, "remote address '%s': %s", s, err);
			return false;
		}
		if (fw_addr_has_host_bits(&a)) {
			strbuf_addf(why, "remote address '%s' has bits set below its prefix length", s);
			return false;
		}
	}
	if (r->edge != FW_EDGE_NO && r->dir != FW_DIR_IN) {
		strbuf_addstr(why, "edge traversal applies to inbound rules only");
		return false;
	}
	if ((r->remote_users_sddl || r->remote_machines_sddl) && r->security == FW_SEC_NOTREQUIRED) {
		strbuf_addstr(why, "remote user or computer groups need security authenticate, authenc, "
			      "authdynenc or authnoencap");
		return false;
	}
	if (r->security == FW_SEC_AUTHDYNENC && r->dir != FW_DIR_IN) {
		strbuf_addstr(why, "security authdynenc applies to inbound rules only");
		return false;
	}
	if (r->action == FW_BYPASS && r->dir == FW_DIR_IN && !r->remote_machines_sddl) {
		strbuf_addstr(why, "an inbound bypass rule needs a remote computer group");
		return false;
	}
	if (r->program && !*r->program) {
		strbuf_addstr(why, "program is empty");
		return false;
	}
	if (r->service) {
		if (!*r->service || !strcmp(r->service, "*") || !ascii_strcasecmp(r->service, "any")) {
			strbuf_addf(why, "service '%s' is not a service name: gpoc does not write "
				    "'any services' rules", r->service);
			return false;
		}
		if (strpbrk(r->service, "/\\")) {
			strbuf_addf(why, "service name '%s' contains '/' or '\\', which Windows "
				    "service names cannot", r->service);
			return false;
		}
	}
	return true;
}
