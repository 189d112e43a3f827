// Security identifiers and their SDDL aliases.
//
// A SID is a revision (always 1), a 48-bit identifier authority and up to 15
// 32-bit sub-authorities ([MS-DTYP] 2.4.2). Its text form is
// "S-1-<authority>-<sub>-<sub>...", the authority in decimal below 2^32 and as
// "0x" + uppercase hex above, which is what Windows' ConvertSidToStringSid prints.
//
// The two-letter aliases of SDDL come in two kinds (DOMAIN.md §3):
//
//  - fixed ones, naming one SID on every machine (WD is S-1-1-0, BA is
//    S-1-5-32-544);
//  - domain-relative ones, a RID appended to the SID of a domain: the machine's
//    domain (DA, DU, ...), the forest root domain (SA, EA, ...) or the machine's own
//    account domain (LA, LG). struct sid_context says which domains are known; the
//    forest and machine groups fall back to the domain SID when only that is given,
//    as on a single-domain forest member where the user named just one domain.
//
// Printing is the inverse: an alias is printed only for a SID that the context
// resolves to, so a foreign domain's "-512" stays numeric, exactly as Windows keeps
// another domain's Domain Admins numeric.
//
// sid_parse is the strict reader for intents and command-line options. The SDDL
// parser (sddl.c) has its own reader that copies Windows' leniency.
#include "sd/sid.h"

#include <string.h>

#include "core/util.h"

enum alias_domain { AD_FIXED, AD_DOMAIN, AD_FOREST, AD_MACHINE };

struct alias {
	char name[3];
	enum alias_domain domain;
	uint64_t authority;   // fixed aliases only
	uint8_t sub_count;    // fixed aliases only
	uint32_t sub[6];      // fixed aliases: the sub-authorities; domain ones: sub[0] = RID
	const char *english;
};

#define FIXED1(n, auth, a, text) { n, AD_FIXED, auth, 1, { a }, text }
#define FIXED2(n, auth, a, b, text) { n, AD_FIXED, auth, 2, { a, b }, text }
#define BUILTIN(n, rid, text) FIXED2(n, 5, 32, rid, text)
#define RELATIVE(n, dom, rid, text) { n, dom, 0, 0, { rid }, text }

// Sorted by name for the binary search in sid_from_alias; no SID appears twice, so
// the order decides nothing else.
static const struct alias aliases[] = {
	BUILTIN("AA", 579, "Access Control Assistance Operators"),
	FIXED2("AC", 15, 2, 1, "All Application Packages"),
	FIXED1("AN", 5, 7, "Anonymous Logon"),
	BUILTIN("AO", 548, "Account Operators"),
	RELATIVE("AP", AD_DOMAIN, 525, "Protected Users"),
	FIXED1("AS", 18, 1, "Authentication Authority Asserted Identity"),
	FIXED1("AU", 5, 11, "Authenticated Users"),
	BUILTIN("BA", 544, "Administrators"),
	BUILTIN("BG", 546, "Guests"),
	BUILTIN("BO", 551, "Backup Operators"),
	BUILTIN("BU", 545, "Users"),
	RELATIVE("CA", AD_DOMAIN, 517, "Cert Publishers"),
	BUILTIN("CD", 574, "Certificate Service DCOM Access"),
	FIXED1("CG", 3, 1, "Creator Group"),
	RELATIVE("CN", AD_DOMAIN, 522, "Cloneable Domain Controllers"),
	FIXED1("CO", 3, 0, "Creator Owner"),
	BUILTIN("CY", 569, "Cryptographic Operators"),
	RELATIVE("DA", AD_DOMAIN, 512, "Domain Admins"),
	RELATIVE("DC", AD_DOMAIN, 515, "Domain Computers"),
	RELATIVE("DD", AD_DOMAIN, 516, "Domain Controllers"),
	RELATIVE("DG", AD_DOMAIN, 514, "Domain Guests"),
	RELATIVE("DU", AD_DOMAIN, 513, "Domain Users"),
	RELATIVE("EA", AD_FOREST, 519, "Enterprise Admins"),
	FIXED1("ED", 5, 9, "Enterprise Domain Controllers"),
	RELATIVE("EK", AD_FOREST, 527, "Enterprise Key Admins"),
	BUILTIN("ER", 573, "Event Log Readers"),
	BUILTIN("ES", 576, "RDS Endpoint Servers"),
	BUILTIN("HA", 578, "Hyper-V Administrators"),
	FIXED1("HI", 16, 12288, "High Mandatory Level"),
	BUILTIN("IS", 568, "IIS_IUSRS"),
	FIXED1("IU", 5, 4, "Interactive"),
	RELATIVE("KA", AD_DOMAIN, 526, "Key Admins"),
	RELATIVE("LA", AD_MACHINE, 500, "Administrator"),
	RELATIVE("LG", AD_MACHINE, 501, "Guest"),
	FIXED1("LS", 5, 19, "Local Service"),
	BUILTIN("LU", 559, "Performance Log Users"),
	FIXED1("LW", 16, 4096, "Low Mandatory Level"),
	FIXED1("ME", 16, 8192, "Medium Mandatory Level"),
	FIXED1("MP", 16, 8448, "Medium Plus Mandatory Level"),
	BUILTIN("MS", 577, "RDS Management Servers"),
	BUILTIN("MU", 558, "Performance Monitor Users"),
	BUILTIN("NO", 556, "Network Configuration Operators"),
	FIXED1("NS", 5, 20, "Network Service"),
	FIXED1("NU", 5, 2, "Network"),
	FIXED1("OW", 3, 4, "Owner Rights"),
	RELATIVE("PA", AD_DOMAIN, 520, "Group Policy Creator Owners"),
	BUILTIN("PO", 550, "Print Operators"),
	FIXED1("PS", 5, 10, "Principal Self"),
	BUILTIN("PU", 547, "Power Users"),
	BUILTIN("RA", 575, "RDS Remote Access Servers"),
	FIXED1("RC", 5, 12, "Restricted Code"),
	BUILTIN("RD", 555, "Remote Desktop Users"),
	BUILTIN("RE", 552, "Replicator"),
	BUILTIN("RM", 580, "Remote Management Users"),
	RELATIVE("RO", AD_FOREST, 498, "Enterprise Read-only Domain Controllers"),
	RELATIVE("RS", AD_DOMAIN, 553, "RAS and IAS Servers"),
	BUILTIN("RU", 554, "Pre-Windows 2000 Compatible Access"),
	RELATIVE("SA", AD_FOREST, 518, "Schema Admins"),
	FIXED1("SI", 16, 16384, "System Mandatory Level"),
	BUILTIN("SO", 549, "Server Operators"),
	FIXED1("SS", 18, 2, "Service Asserted Identity"),
	FIXED1("SU", 5, 6, "Service"),
	FIXED1("SY", 5, 18, "Local System"),
	{ "UD", AD_FIXED, 5, 6, { 84, 0, 0, 0, 0, 0 }, "User Mode Drivers" },
	FIXED1("WD", 1, 0, "Everyone"),
	FIXED1("WR", 5, 33, "Write Restricted Code"),
};

// Aliases that older SDDL documentation lists but Windows refuses to parse.
static const char *const refused_aliases[] = { "BR", "IF", "LK" };

// Well-known SIDs without an SDDL alias, for explanations only.
struct named_sid {
	uint64_t authority;
	uint8_t sub_count;
	uint32_t sub[2];
	const char *english;
};
static const struct named_sid named_sids[] = {
	{ 0, 1, { 0 }, "Nobody" },
	{ 2, 1, { 0 }, "Local" },
	{ 2, 1, { 1 }, "Console Logon" },
	{ 5, 1, { 1 }, "Dialup" },
	{ 5, 1, { 3 }, "Batch" },
	{ 5, 1, { 13 }, "Terminal Server User" },
	{ 5, 1, { 14 }, "Remote Interactive Logon" },
	{ 5, 1, { 15 }, "This Organization" },
	{ 5, 1, { 1000 }, "Other Organization" },
	{ 5, 2, { 32, 557 }, "Incoming Forest Trust Builders" },
	{ 5, 2, { 32, 560 }, "Windows Authorization Access Group" },
	{ 5, 2, { 32, 561 }, "Terminal Server License Servers" },
	{ 5, 2, { 32, 562 }, "Distributed COM Users" },
	{ 5, 2, { 32, 583 }, "Device Owners" },
	{ 5, 2, { 64, 10 }, "NTLM Authentication" },
	{ 5, 1, { 113 }, "Local account" },
	{ 5, 1, { 114 }, "Local account and member of Administrators group" },
	{ 15, 2, { 2, 2 }, "All Restricted Application Packages" },
};

// Domain RIDs without an alias, named in explanations of SIDs of a known domain.
struct named_rid {
	enum alias_domain domain;
	uint32_t rid;
	const char *english;
};
static const struct named_rid named_rids[] = {
	{ AD_DOMAIN, 502, "krbtgt" },
	{ AD_DOMAIN, 521, "Read-only Domain Controllers" },
	{ AD_DOMAIN, 571, "Allowed RODC Password Replication Group" },
	{ AD_DOMAIN, 572, "Denied RODC Password Replication Group" },
	{ AD_MACHINE, 503, "DefaultAccount" },
	{ AD_MACHINE, 504, "WDAGUtilityAccount" },
};

static void sid_set(struct sid *out, uint64_t authority, uint8_t n, const uint32_t *sub)
{
	memset(out, 0, sizeof(*out));
	out->revision = 1;
	out->authority = authority;
	out->sub_count = n;
	if (n)
		memcpy(out->sub, sub, n * sizeof(*sub));
}

// The domain an alias group resolves against, or NULL if the context lacks it.
static const struct sid *context_domain(const struct sid_context *ctx, enum alias_domain d)
{
	if (!ctx)
		return NULL;
	switch (d) {
	case AD_DOMAIN:
		return ctx->has_domain ? &ctx->domain : NULL;
	case AD_FOREST:
		if (ctx->has_forest)
			return &ctx->forest;
		return ctx->has_domain ? &ctx->domain : NULL;
	case AD_MACHINE:
		if (ctx->has_machine)
			return &ctx->machine;
		return ctx->has_domain ? &ctx->domain : NULL;
	case AD_FIXED:
		break;
	}
	return NULL;
}

// Parses an unsigned number: "0x" hex or decimal. Returns false on no digits or
// on a value above `max`.
static bool parse_number(const char **pp, const char *end, uint64_t max, uint64_t *out)
{
	const char *p = *pp;
	unsigned base = 10;
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	uint64_t v = 0;
	const char *start = p;
	for (; p < end; p++) {
		unsigned d;
		if (ascii_isdigit(*p))
			d = (unsigned)(*p - '0');
		else if (base == 16 && ascii_isxdigit(*p))
			d = (unsigned)(ascii_tolower(*p) - 'a' + 10);
		else
			break;
		if (v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	if (p == start)
		return false;
	*pp = p;
	*out = v;
	return true;
}

bool sid_parse(const char *s, size_t len, struct sid *out, const char **err)
{
	const char *p = s, *end = s + len;
	static const char syntax[] = "expected a SID such as 'S-1-5-32-544': 'S-1-', an "
				     "authority, then up to 15 sub-authorities";
	if (len < 4 || (p[0] != 'S' && p[0] != 's') || p[1] != '-' || p[2] != '1' || p[3] != '-') {
		*err = syntax;
		return false;
	}
	p += 4;
	uint64_t authority;
	if (!parse_number(&p, end, SID_MAX_AUTHORITY, &authority)) {
		*err = (p < end && ascii_isdigit(*p)) ?
			"authority of SID too large; it must be below 2^48" : syntax;
		return false;
	}
	struct sid sid;
	sid_set(&sid, authority, 0, NULL);
	while (p < end) {
		if (*p != '-') {
			*err = syntax;
			return false;
		}
		p++;
		if (sid.sub_count == SID_MAX_SUB_AUTHORITIES) {
			*err = "too many sub-authorities in SID; at most 15 are allowed";
			return false;
		}
		uint64_t v;
		if (!parse_number(&p, end, UINT32_MAX, &v)) {
			*err = (p < end && ascii_isdigit(*p)) ?
				"sub-authority of SID too large; each must be below 2^32" : syntax;
			return false;
		}
		sid.sub[sid.sub_count++] = (uint32_t)v;
	}
	*out = sid;
	return true;
}

static char *put_decimal(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

size_t sid_format_buf(const struct sid *sid, char *buf)
{
	// Formatted by hand: descriptors are printed by the million in benchmarks and
	// printf would dominate.
	char *p = buf;
	*p++ = 'S';
	*p++ = '-';
	p = put_decimal(p, sid->revision);
	*p++ = '-';
	if (sid->authority >> 32) {
		static const char hex[] = "0123456789ABCDEF";
		uint64_t a = sid->authority & SID_MAX_AUTHORITY;
		int digits = 1;
		while (digits < 12 && (a >> (4 * digits)))
			digits++;
		*p++ = '0';
		*p++ = 'x';
		for (int i = digits - 1; i >= 0; i--)
			*p++ = hex[(a >> (4 * i)) & 0xF];
	} else {
		p = put_decimal(p, sid->authority);
	}
	for (unsigned i = 0; i < sid->sub_count && i < SID_MAX_SUB_AUTHORITIES; i++) {
		*p++ = '-';
		p = put_decimal(p, sid->sub[i]);
	}
	return (size_t)(p - buf);
}

void sid_format(const struct sid *sid, struct strbuf *out)
{
	char b[SID_TEXT_MAX];
	strbuf_add(out, b, sid_format_buf(sid, b));
}

bool sid_equal(const struct sid *a, const struct sid *b)
{
	return sid_compare(a, b) == 0;
}

int sid_compare(const struct sid *a, const struct sid *b)
{
	if (a->revision != b->revision)
		return a->revision < b->revision ? -1 : 1;
	if (a->authority != b->authority)
		return a->authority < b->authority ? -1 : 1;
	unsigned n = a->sub_count < b->sub_count ? a->sub_count : b->sub_count;
	for (unsigned i = 0; i < n; i++)
		if (a->sub[i] != b->sub[i])
			return a->sub[i] < b->sub[i] ? -1 : 1;
	if (a->sub_count != b->sub_count)
		return a->sub_count < b->sub_count ? -1 : 1;
	return 0;
}

bool sid_in_domain(const struct sid *sid, const struct sid *domain, uint32_t *rid)
{
	if (sid->revision != domain->revision || sid->authority != domain->authority ||
	    sid->sub_count != domain->sub_count + 1)
		return false;
	for (unsigned i = 0; i < domain->sub_count; i++)
		if (sid->sub[i] != domain->sub[i])
			return false;
	if (rid)
		*rid = sid->sub[domain->sub_count];
	return true;
}

size_t sid_binary_size(const struct sid *sid)
{
	return 8 + 4 * (size_t)sid->sub_count;
}

void sid_encode(const struct sid *sid, struct strbuf *out)
{
	uint8_t b[8 + 4 * SID_MAX_SUB_AUTHORITIES];
	if (sid->sub_count > SID_MAX_SUB_AUTHORITIES)
		BUG("sid_encode: %u sub-authorities", sid->sub_count);
	b[0] = sid->revision;
	b[1] = sid->sub_count;
	// The authority is the one big-endian field of the whole format.
	for (int i = 0; i < 6; i++)
		b[2 + i] = (uint8_t)(sid->authority >> (8 * (5 - i)));
	for (unsigned i = 0; i < sid->sub_count; i++)
		put_le32(b + 8 + 4 * i, sid->sub[i]);
	strbuf_add(out, b, sid_binary_size(sid));
}

// Two letters folded to uppercase as one number, for cheap comparisons.
static unsigned alias_key(const char *a)
{
	return (unsigned)ascii_toupper((unsigned char)a[0]) << 8 |
	       (unsigned)ascii_toupper((unsigned char)a[1]);
}

// The table entry of a two-letter alias given as its key, or NULL.
static const struct alias *alias_by_key(unsigned key)
{
	size_t lo = 0, hi = ARRAY_SIZE(aliases);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		// Table names are uppercase already.
		unsigned k = (unsigned)(unsigned char)aliases[mid].name[0] << 8 |
			     (unsigned char)aliases[mid].name[1];
		if (k == key)
			return &aliases[mid];
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

enum alias_result sid_from_alias(const char *alias, const struct sid_context *ctx, struct sid *out)
{
	if (!alias[0] || !alias[1] || alias[2])
		return ALIAS_UNKNOWN;
	unsigned key = alias_key(alias);
	const struct alias *a = alias_by_key(key);
	if (!a) {
		for (size_t i = 0; i < ARRAY_SIZE(refused_aliases); i++)
			if (key == alias_key(refused_aliases[i]))
				return ALIAS_REFUSED;
		return ALIAS_UNKNOWN;
	}
	if (a->domain == AD_FIXED) {
		sid_set(out, a->authority, a->sub_count, a->sub);
		return ALIAS_OK;
	}
	const struct sid *dom = context_domain(ctx, a->domain);
	if (!dom)
		return a->domain == AD_DOMAIN ? ALIAS_NEEDS_DOMAIN :
		       a->domain == AD_FOREST ? ALIAS_NEEDS_FOREST : ALIAS_NEEDS_MACHINE;
	if (dom->sub_count >= SID_MAX_SUB_AUTHORITIES)
		return ALIAS_NEEDS_DOMAIN; // a full domain SID leaves no room for a RID
	*out = *dom;
	out->sub[out->sub_count++] = a->sub[0];
	return ALIAS_OK;
}

#define K(a, b) ((unsigned)(a) << 8 | (unsigned)(b))

// The key of the fixed alias naming `sid`, or 0. The same facts as the table,
// arranged by number: a switch compiles to jump tables, where a scan of the table
// would cost more than the rest of printing. test_sid.c checks the two agree for
// every alias of DOMAIN.md.
static unsigned fixed_alias_key(const struct sid *sid)
{
	uint32_t s0 = sid->sub_count > 0 ? sid->sub[0] : 0;
	uint32_t s1 = sid->sub_count > 1 ? sid->sub[1] : 0;
	switch (sid->authority) {
	case 1:
		return sid->sub_count == 1 && s0 == 0 ? K('W', 'D') : 0;
	case 3:
		if (sid->sub_count != 1)
			return 0;
		return s0 == 0 ? K('C', 'O') : s0 == 1 ? K('C', 'G') : s0 == 4 ? K('O', 'W') : 0;
	case 5:
		if (sid->sub_count == 1) {
			switch (s0) {
			case 2: return K('N', 'U');
			case 4: return K('I', 'U');
			case 6: return K('S', 'U');
			case 7: return K('A', 'N');
			case 9: return K('E', 'D');
			case 10: return K('P', 'S');
			case 11: return K('A', 'U');
			case 12: return K('R', 'C');
			case 18: return K('S', 'Y');
			case 19: return K('L', 'S');
			case 20: return K('N', 'S');
			case 33: return K('W', 'R');
			default: return 0;
			}
		}
		if (sid->sub_count == 2 && s0 == 32) {
			switch (s1) {
			case 544: return K('B', 'A');
			case 545: return K('B', 'U');
			case 546: return K('B', 'G');
			case 547: return K('P', 'U');
			case 548: return K('A', 'O');
			case 549: return K('S', 'O');
			case 550: return K('P', 'O');
			case 551: return K('B', 'O');
			case 552: return K('R', 'E');
			case 554: return K('R', 'U');
			case 555: return K('R', 'D');
			case 556: return K('N', 'O');
			case 558: return K('M', 'U');
			case 559: return K('L', 'U');
			case 568: return K('I', 'S');
			case 569: return K('C', 'Y');
			case 573: return K('E', 'R');
			case 574: return K('C', 'D');
			case 575: return K('R', 'A');
			case 576: return K('E', 'S');
			case 577: return K('M', 'S');
			case 578: return K('H', 'A');
			case 579: return K('A', 'A');
			case 580: return K('R', 'M');
			default: return 0;
			}
		}
		if (sid->sub_count == 6 && s0 == 84 && !s1 && !sid->sub[2] && !sid->sub[3] &&
		    !sid->sub[4] && !sid->sub[5])
			return K('U', 'D');
		return 0;
	case 15:
		return sid->sub_count == 2 && s0 == 2 && s1 == 1 ? K('A', 'C') : 0;
	case 16:
		if (sid->sub_count != 1)
			return 0;
		switch (s0) {
		case 4096: return K('L', 'W');
		case 8192: return K('M', 'E');
		case 8448: return K('M', 'P');
		case 12288: return K('H', 'I');
		case 16384: return K('S', 'I');
		default: return 0;
		}
	case 18:
		if (sid->sub_count != 1)
			return 0;
		return s0 == 1 ? K('A', 'S') : s0 == 2 ? K('S', 'S') : 0;
	default:
		return 0;
	}
}

// The key of the alias for `rid` in a domain of kind `d`, or 0; the same facts as
// the table (the RID groups do not overlap, so the order of domains is free).
static unsigned relative_alias_key(enum alias_domain d, uint32_t rid)
{
	switch (d) {
	case AD_DOMAIN:
		switch (rid) {
		case 512: return K('D', 'A');
		case 513: return K('D', 'U');
		case 514: return K('D', 'G');
		case 515: return K('D', 'C');
		case 516: return K('D', 'D');
		case 517: return K('C', 'A');
		case 520: return K('P', 'A');
		case 522: return K('C', 'N');
		case 525: return K('A', 'P');
		case 526: return K('K', 'A');
		case 553: return K('R', 'S');
		default: return 0;
		}
	case AD_FOREST:
		switch (rid) {
		case 498: return K('R', 'O');
		case 518: return K('S', 'A');
		case 519: return K('E', 'A');
		case 527: return K('E', 'K');
		default: return 0;
		}
	case AD_MACHINE:
		return rid == 500 ? K('L', 'A') : rid == 501 ? K('L', 'G') : 0;
	case AD_FIXED:
		break;
	}
	return 0;
}

// The alias of `sid`: a fixed one, else a domain-relative one.
static const struct alias *find_alias(const struct sid *sid, const struct sid_context *ctx)
{
	if (sid->revision != 1)
		return NULL;
	unsigned key = fixed_alias_key(sid);
	if (key)
		return alias_by_key(key);
	for (int d = AD_DOMAIN; d <= AD_MACHINE; d++) {
		const struct sid *dom = context_domain(ctx, (enum alias_domain)d);
		uint32_t rid;
		if (dom && sid_in_domain(sid, dom, &rid) &&
		    (key = relative_alias_key((enum alias_domain)d, rid)))
			return alias_by_key(key);
	}
	return NULL;
}

const char *sid_to_alias(const struct sid *sid, const struct sid_context *ctx)
{
	const struct alias *a = find_alias(sid, ctx);
	return a ? a->name : NULL;
}

const char *sid_wellknown_name(const struct sid *sid, const struct sid_context *ctx)
{
	const struct alias *a = find_alias(sid, ctx);
	if (a)
		return a->english;
	for (size_t i = 0; i < ARRAY_SIZE(named_sids); i++) {
		const struct named_sid *n = &named_sids[i];
		if (sid->revision == 1 && sid->authority == n->authority &&
		    sid->sub_count == n->sub_count &&
		    !memcmp(sid->sub, n->sub, n->sub_count * sizeof(n->sub[0])))
			return n->english;
	}
	for (size_t i = 0; i < ARRAY_SIZE(named_rids); i++) {
		const struct sid *dom = context_domain(ctx, named_rids[i].domain);
		uint32_t rid;
		if (dom && sid_in_domain(sid, dom, &rid) && rid == named_rids[i].rid)
			return named_rids[i].english;
	}
	return NULL;
}
