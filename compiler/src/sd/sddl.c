// SDDL: the Security Descriptor Definition Language ([MS-DTYP] 2.5.1), read and
// written the way Windows reads and writes it.
//
// The grammar, as Windows' ConvertStringSecurityDescriptorToSecurityDescriptor
// accepts it (shared/testdata/sddl-windows holds the cases it was checked against):
//
//   descriptor := sp* ( section sp* )*
//   section    := "O:" sid-token | "G:" sid-token | "D:" acl | "S:" acl
//   acl        := sp* acl-flag* [ "NO_ACCESS_CONTROL" ] sp* ( ace sp* )*
//   acl-flag   := "P" | "AR" | "AI"
//   ace        := "(" type ";" flags ";" rights ";" guid ";" guid ";" sid ")"
//
// where sp is the space character only: Windows refuses tabs between rights, and
// nothing shows it takes them elsewhere. Each section appears at most once, in any
// order; the letters O, G, D, S and the ACL flags are case-sensitive, while ACE
// types, ACE flags, rights and SID aliases are not. The O: and G: tokens run up to
// the letter before the next ':' (so "O:S-1-2-0x2D:" is S-1-2-2 followed by D:).
//
// Inside an ACE, each field may start with spaces. Rights are two-letter codes with
// single spaces allowed between (not after) them, or a number in C syntax (0x hex,
// leading-0 octal, decimal, optional sign) that saturates at 0xffffffff before the
// sign applies -- "-9876543210" is 1, as on Windows. A GUID field is empty when it
// holds only spaces; otherwise it is exactly 36 characters. A SID is an alias, which
// may be followed by spaces, or "S-1-..." with no trailing space; in the numeric form
// spaces may follow each '-', "0x" makes one number hex, a revision written "0x1"
// makes every later number hex, sub-authorities saturate at 2^32-1 and an authority
// of 2^48 or more is refused. ACE types belong to one ACL: A, D, OA, OD in the DACL;
// AU, AL, OU, OL, ML, SP in the SACL. Conditional (XA, XD, ZA, XU) and resource
// attribute (RA) ACEs are refused with a message saying so.
//
// Printing follows ConvertSecurityDescriptorToStringSecurityDescriptor: parts in the
// order O, G, D, S; ACL flags in the order P, AR, AI; ACEs never reordered; GUIDs
// lowercase; an alias for every SID that has one in the configured context; rights
// by the rule of DOMAIN.md §3 (one of FA FR FW FX KA KR KW KX for an exact match,
// else the codes in bit order when every bit has one, else lowercase hex), with
// mandatory-label ACEs printing NW, NR, NX for their three bits.
#include "sd/secdesc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"

struct code {
	char name[3];
	uint32_t value;
};

static const struct code ace_type_codes[] = {
	{ "A", ACE_ALLOW }, { "D", ACE_DENY }, { "AU", ACE_AUDIT }, { "AL", ACE_ALARM },
	{ "OA", ACE_ALLOW_OBJECT }, { "OD", ACE_DENY_OBJECT }, { "OU", ACE_AUDIT_OBJECT },
	{ "OL", ACE_ALARM_OBJECT }, { "XA", ACE_ALLOW_CALLBACK }, { "XD", ACE_DENY_CALLBACK },
	{ "ZA", ACE_ALLOW_CALLBACK_OBJECT }, { "XU", ACE_AUDIT_CALLBACK },
	{ "ML", ACE_MANDATORY_LABEL }, { "RA", ACE_RESOURCE_ATTRIBUTE },
	{ "SP", ACE_SCOPED_POLICY_ID },
};

// In printing order.
static const struct code ace_flag_codes[] = {
	{ "OI", ACE_OI }, { "CI", ACE_CI }, { "NP", ACE_NP }, { "IO", ACE_IO },
	{ "ID", ACE_ID }, { "SA", ACE_SA }, { "FA", ACE_FA },
};

// Single-bit rights in printing (bit) order.
static const struct code right_codes[] = {
	{ "CC", 0x1 }, { "DC", 0x2 }, { "LC", 0x4 }, { "SW", 0x8 }, { "RP", 0x10 },
	{ "WP", 0x20 }, { "DT", 0x40 }, { "LO", 0x80 }, { "CR", 0x100 },
	{ "SD", 0x10000 }, { "RC", 0x20000 }, { "WD", 0x40000 }, { "WO", 0x80000 },
	{ "GA", 0x10000000 }, { "GX", 0x20000000 }, { "GW", 0x40000000 }, { "GR", 0x80000000 },
};
#define NAMED_RIGHTS UINT32_C(0xF00F01FF)

// Printed only for an exact match, in this order (KR wins over KX, its twin).
static const struct code composite_right_codes[] = {
	{ "FA", 0x1F01FF }, { "FR", 0x120089 }, { "FW", 0x120116 }, { "FX", 0x1200A0 },
	{ "KA", 0xF003F }, { "KR", 0x20019 }, { "KW", 0x20006 }, { "KX", 0x20019 },
};

static const struct code label_right_codes[] = {
	{ "NW", 0x1 }, { "NR", 0x2 }, { "NX", 0x4 },
};

// Case-insensitive lookup of a code of exactly `n` characters.
static const struct code *find_code(const struct code *tab, size_t ntab, const char *p, size_t n)
{
	if (n < 1 || n > 2)
		return NULL;
	int c0 = ascii_toupper((unsigned char)p[0]);
	int c1 = n == 2 ? ascii_toupper((unsigned char)p[1]) : 0;
	for (size_t i = 0; i < ntab; i++)
		if (tab[i].name[0] == c0 && tab[i].name[1] == c1)
			return &tab[i];
	return NULL;
}

#define KEY(a, b) ((a) << 8 | (b))

// The mask of a two-letter rights code in either case; false if there is none.
// A switch rather than a table scan: rights strings are the bulk of most SDDL.
static bool right_code(const char *p, uint32_t *v)
{
	switch (KEY(ascii_toupper((unsigned char)p[0]), ascii_toupper((unsigned char)p[1]))) {
	case KEY('C', 'C'): *v = 0x1; return true;
	case KEY('D', 'C'): *v = 0x2; return true;
	case KEY('L', 'C'): *v = 0x4; return true;
	case KEY('S', 'W'): *v = 0x8; return true;
	case KEY('R', 'P'): *v = 0x10; return true;
	case KEY('W', 'P'): *v = 0x20; return true;
	case KEY('D', 'T'): *v = 0x40; return true;
	case KEY('L', 'O'): *v = 0x80; return true;
	case KEY('C', 'R'): *v = 0x100; return true;
	case KEY('S', 'D'): *v = 0x10000; return true;
	case KEY('R', 'C'): *v = 0x20000; return true;
	case KEY('W', 'D'): *v = 0x40000; return true;
	case KEY('W', 'O'): *v = 0x80000; return true;
	case KEY('G', 'A'): *v = 0x10000000; return true;
	case KEY('G', 'X'): *v = 0x20000000; return true;
	case KEY('G', 'W'): *v = 0x40000000; return true;
	case KEY('G', 'R'): *v = 0x80000000; return true;
	case KEY('F', 'A'): *v = 0x1F01FF; return true;
	case KEY('F', 'R'): *v = 0x120089; return true;
	case KEY('F', 'W'): *v = 0x120116; return true;
	case KEY('F', 'X'): *v = 0x1200A0; return true;
	case KEY('K', 'A'): *v = 0xF003F; return true;
	case KEY('K', 'R'): *v = 0x20019; return true;
	case KEY('K', 'W'): *v = 0x20006; return true;
	case KEY('K', 'X'): *v = 0x20019; return true;
	case KEY('N', 'W'): *v = 0x1; return true;
	case KEY('N', 'R'): *v = 0x2; return true;
	case KEY('N', 'X'): *v = 0x4; return true;
	default: return false;
	}
}

const char *ace_type_code(uint8_t type)
{
	for (size_t i = 0; i < ARRAY_SIZE(ace_type_codes); i++)
		if (ace_type_codes[i].value == type)
			return ace_type_codes[i].name;
	return NULL;
}

// --- GUIDs ---

// Hex digit values plus one; 0 marks a byte that is not a hex digit.
static const uint8_t hex_plus_one[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
	['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14,
	['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
	['F'] = 16,
};

static inline int hexval(int c)
{
	return (int)hex_plus_one[c & 0xFF] - 1;
}

bool guid_parse_sddl(const char *s, size_t len, struct guid *out)
{
	if (len != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return false;
	// Where each byte's two digits start in "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
	static const uint8_t at[16] = { 0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34 };
	uint8_t b[16];
	unsigned bad = 0;
	for (size_t k = 0; k < 16; k++) {
		unsigned hi = hex_plus_one[(unsigned char)s[at[k]]];
		unsigned lo = hex_plus_one[(unsigned char)s[at[k] + 1]];
		bad |= !hi | !lo;
		b[k] = (uint8_t)((hi - 1) << 4 | ((lo - 1) & 0xF));
	}
	if (bad)
		return false;
	// The text is big-endian within each of the first three groups.
	out->d1 = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	out->d2 = (uint16_t)(b[4] << 8 | b[5]);
	out->d3 = (uint16_t)(b[6] << 8 | b[7]);
	memcpy(out->d4, b + 8, 8);
	return true;
}

static const char hexdigits[] = "0123456789abcdef";

static char *put_hex(char *p, uint32_t v, int digits)
{
	for (int i = digits - 1; i >= 0; i--)
		*p++ = hexdigits[(v >> (4 * i)) & 0xF];
	return p;
}

static char *put_guid(char *p, const struct guid *g)
{
	p = put_hex(p, g->d1, 8);
	*p++ = '-';
	p = put_hex(p, g->d2, 4);
	*p++ = '-';
	p = put_hex(p, g->d3, 4);
	*p++ = '-';
	p = put_hex(p, g->d4[0], 2);
	p = put_hex(p, g->d4[1], 2);
	*p++ = '-';
	for (int i = 2; i < 8; i++)
		p = put_hex(p, g->d4[i], 2);
	return p;
}

void guid_format_sddl(const struct guid *g, struct strbuf *out)
{
	char b[36];
	put_guid(b, g);
	strbuf_add(out, b, sizeof(b));
}

// --- parsing ---

struct parser {
	const char *s; // the whole input, for error offsets
	const struct sid_context *ctx;
	struct sddl_error *err;
};

// User text in a message: printable ASCII kept, anything else as \xNN, at most ~40
// characters, so a hostile string can neither drive a terminal nor overflow.
struct quoted {
	char buf[64];
};

static const char *quote(struct quoted *q, const char *p, const char *end)
{
	size_t o = 0;
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (o > 40) {
			memcpy(q->buf + o, "...", 4);
			return q->buf;
		}
		if (c >= 0x20 && c < 0x7F && c != '\\') {
			q->buf[o++] = (char)c;
		} else {
			q->buf[o++] = '\\';
			q->buf[o++] = 'x';
			q->buf[o++] = hexdigits[c >> 4];
			q->buf[o++] = hexdigits[c & 0xF];
		}
	}
	q->buf[o] = '\0';
	return q->buf;
}

static bool fail(struct parser *ps, const char *at, const char *fmt, ...) GPOC_PRINTF(3, 4);
static bool fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	if (ps->err) {
		va_list ap;
		ps->err->offset = (size_t)(at - ps->s);
		va_start(ap, fmt);
		vsnprintf(ps->err->message, sizeof(ps->err->message), fmt, ap);
		va_end(ap);
	}
	return false;
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

static const char *end_of_word(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != ';' && *p != ')' && *p != '(')
		p++;
	return p;
}

// One number of a numeric SID: spaces, then "0x" hex or digits of `base`,
// saturating at UINT64_MAX. Sets *hex when the number carried "0x".
static bool sid_number(const char **pp, const char *end, unsigned base, uint64_t *v, bool *hex)
{
	const char *p = skip_spaces(*pp, end);
	*hex = false;
	if (end - p >= 3 && p[0] == '0' && (p[1] | 0x20) == 'x' && hexval((unsigned char)p[2]) >= 0) {
		base = 16;
		p += 2;
		*hex = true;
	}
	const char *start = p;
	uint64_t x = 0;
	for (; p < end; p++) {
		int d = hexval((unsigned char)*p);
		if (d < 0 || (unsigned)d >= base)
			break;
		// A constant bound instead of a division per digit: exact up to 2^60,
		// far past the 2^48 and 2^32 limits the callers check.
		x = x > (UINT64_MAX >> 4) - 1 ? UINT64_MAX : x * base + (unsigned)d;
	}
	if (p == start)
		return false;
	*pp = p;
	*v = x;
	return true;
}

static bool parse_numeric_sid(struct parser *ps, const char *p, const char *end, struct sid *out)
{
	const char *start = p;
	struct quoted q;
	uint64_t v;
	bool hex;
	p += 2;
	if (!sid_number(&p, end, 10, &v, &hex))
		return fail(ps, p, "SID '%s' lacks its revision; expected 'S-1-' then numbers",
			    quote(&q, start, end));
	if (v != 1)
		return fail(ps, start, "SID '%s' has revision %llu; expected 1",
			    quote(&q, start, end), (unsigned long long)v);
	// Windows reads every number after a revision written in hex as hex.
	unsigned base = hex ? 16 : 10;
	if (p == end || *p != '-')
		return fail(ps, p, "SID '%s' lacks its identifier authority; expected 'S-1-' "
			    "then numbers", quote(&q, start, end));
	p++;
	if (!sid_number(&p, end, base, &v, &hex))
		return fail(ps, p, "SID '%s' has a malformed identifier authority; expected a "
			    "number", quote(&q, start, end));
	if (v > SID_MAX_AUTHORITY)
		return fail(ps, start, "identifier authority of SID '%s' is too large; it must "
			    "be below 2^48", quote(&q, start, end));
	memset(out, 0, sizeof(*out));
	out->revision = 1;
	out->authority = v;
	while (p < end && *p == '-') {
		p++;
		if (out->sub_count == SID_MAX_SUB_AUTHORITIES)
			return fail(ps, p, "SID '%s' has more than 15 sub-authorities",
				    quote(&q, start, end));
		if (!sid_number(&p, end, base, &v, &hex))
			return fail(ps, p, "SID '%s' has an empty or malformed sub-authority; "
				    "expected a number after each '-'", quote(&q, start, end));
		// Windows saturates rather than refusing an oversized sub-authority.
		out->sub[out->sub_count++] = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	}
	if (p != end)
		return fail(ps, p, "unexpected '%s' in SID; expected '-' and a number or the end "
			    "of the SID", quote(&q, p, end));
	return true;
}

static const char *alias_needs(enum alias_result r)
{
	switch (r) {
	case ALIAS_NEEDS_DOMAIN:
		return "the domain SID";
	case ALIAS_NEEDS_FOREST:
		return "the forest root domain SID";
	case ALIAS_NEEDS_MACHINE:
		return "the machine's account domain SID";
	default:
		return "a domain SID";
	}
}

// A SID field or O:/G: token: spaces, then an alias (spaces may follow) or "S-...".
static bool parse_sid_text(struct parser *ps, const char *p, const char *end, struct sid *out)
{
	struct quoted q;
	p = skip_spaces(p, end);
	if (p == end)
		return fail(ps, p, "missing SID; expected an alias such as 'BA' or a SID such as "
			    "'S-1-5-32-544'");
	if (end - p >= 2 && (p[0] == 'S' || p[0] == 's') && p[1] == '-')
		return parse_numeric_sid(ps, p, end, out);
	const char *w = end_of_word(p, end);
	if (w - p != 2)
		return fail(ps, p, "unknown SID alias '%s'; expected a two-letter alias such as "
			    "'BA' or a SID such as 'S-1-5-32-544'", quote(&q, p, w));
	const char *rest = skip_spaces(w, end);
	if (rest != end)
		return fail(ps, rest, "unexpected '%s' after SID alias '%s'",
			    quote(&q, rest, end), quote(&(struct quoted){ { 0 } }, p, w));
	char a[3] = { p[0], p[1], '\0' };
	enum alias_result r = sid_from_alias(a, ps->ctx, out);
	switch (r) {
	case ALIAS_OK:
		return true;
	case ALIAS_UNKNOWN:
		return fail(ps, p, "unknown SID alias '%s'; expected a two-letter alias such as "
			    "'BA' or a SID such as 'S-1-5-32-544'", quote(&q, p, w));
	case ALIAS_REFUSED:
		return fail(ps, p, "SID alias '%s' is refused by Windows; write the SID in full",
			    quote(&q, p, w));
	case ALIAS_NEEDS_DOMAIN:
	case ALIAS_NEEDS_FOREST:
	case ALIAS_NEEDS_MACHINE:
		break;
	}
	return fail(ps, p, "SID alias '%s' needs %s, which is not configured; give it "
		    "(--domain-sid) or write the SID in full", quote(&q, p, w), alias_needs(r));
}

// Rights as a number: C syntax, saturating at 0xffffffff, then the sign.
static bool parse_mask_number(struct parser *ps, const char *p, const char *end, uint32_t *out)
{
	struct quoted q;
	const char *start = p;
	bool neg = false;
	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	unsigned base = 10;
	if (p < end && *p == '0') {
		if (end - p >= 2 && (p[1] | 0x20) == 'x') {
			base = 16;
			p += 2;
		} else {
			base = 8;
		}
	}
	const char *digits = p;
	uint64_t v = 0;
	for (; p < end; p++) {
		int d = hexval((unsigned char)*p);
		if (d < 0 || (unsigned)d >= base)
			break;
		v = v * base + (unsigned)d;
		if (v > UINT32_MAX)
			v = (uint64_t)UINT32_MAX + 1; // stays above, whatever follows
	}
	if (p == digits)
		return fail(ps, start, "malformed access mask '%s'; expected a number such as "
			    "'0x1f' or two-letter codes such as 'RPWP'", quote(&q, start, end));
	if (p != end)
		return fail(ps, p, "unexpected '%s' after access mask number '%s'",
			    quote(&q, p, end), quote(&(struct quoted){ { 0 } }, start, p));
	uint32_t m = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	*out = neg ? 0u - m : m;
	return true;
}

static bool parse_rights(struct parser *ps, const char *p, const char *end, uint32_t *out)
{
	struct quoted q;
	p = skip_spaces(p, end);
	*out = 0;
	if (p == end)
		return true;
	if (ascii_isdigit(*p) || *p == '-' || *p == '+')
		return parse_mask_number(ps, p, end, out);
	uint32_t mask = 0;
	while (p < end) {
		uint32_t v;
		if (end - p < 2 || !right_code(p, &v))
			return fail(ps, p, "unknown access right '%s'; expected two-letter codes "
				    "such as 'RPWP' or a number such as '0x1f'",
				    quote(&q, p, end - p >= 2 ? p + 2 : end));
		mask |= v;
		p += 2;
		const char *next = skip_spaces(p, end);
		if (next == end && next != p)
			return fail(ps, p, "space after the last access right; Windows refuses it");
		p = next;
	}
	*out = mask;
	return true;
}

static bool parse_ace_flags(struct parser *ps, const char *p, const char *end, uint8_t *out)
{
	struct quoted q;
	p = skip_spaces(p, end);
	uint8_t flags = 0;
	while (p < end) {
		const struct code *c = end - p >= 2 ?
			find_code(ace_flag_codes, ARRAY_SIZE(ace_flag_codes), p, 2) : NULL;
		if (!c)
			return fail(ps, p, "unknown ACE flag '%s'; expected OI, CI, NP, IO, ID, SA "
				    "or FA", quote(&q, p, end - p >= 2 ? p + 2 : end));
		flags |= (uint8_t)c->value;
		p += 2;
	}
	*out = flags;
	return true;
}

static bool allowed_in(uint8_t type, bool dacl)
{
	if (dacl)
		return type == ACE_ALLOW || type == ACE_DENY || type == ACE_ALLOW_OBJECT ||
		       type == ACE_DENY_OBJECT;
	return type == ACE_AUDIT || type == ACE_ALARM || type == ACE_AUDIT_OBJECT ||
	       type == ACE_ALARM_OBJECT || type == ACE_MANDATORY_LABEL ||
	       type == ACE_SCOPED_POLICY_ID;
}

static bool parse_guid_field(struct parser *ps, const char *p, const char *end, uint8_t type,
			     struct guid *g, bool *present, const char *what)
{
	struct quoted q;
	*present = false;
	if (skip_spaces(p, end) == end)
		return true;
	if (!ace_is_object(type))
		return fail(ps, p, "%s GUID on ACE type '%s'; only OA, OD, OU and OL take GUIDs",
			    what, ace_type_code(type));
	if (!guid_parse_sddl(p, (size_t)(end - p), g))
		return fail(ps, p, "malformed %s GUID '%s'; expected 8-4-4-4-12 hex digits "
			    "without braces or spaces", what, quote(&q, p, end));
	*present = true;
	return true;
}

// ace := "(" type ";" flags ";" rights ";" guid ";" guid ";" sid ")"
static bool parse_ace(struct parser *ps, const char **pp, const char *end, bool dacl,
		      struct ace *ace)
{
	struct quoted q;
	const char *open = *pp, *p = open + 1;
	// Field i runs from f[i] to the ';' before f[i + 1] (or to the ')').
	const char *f[7];
	size_t nf = 1;
	f[0] = p;
	for (; p < end && *p != ')'; p++) {
		if (*p != ';')
			continue;
		if (nf < ARRAY_SIZE(f))
			f[nf] = p + 1;
		nf++;
	}
	if (p == end)
		return fail(ps, open, "unterminated ACE '%s'; expected ')'", quote(&q, open, end));
	const char *close = p;
#define FIELD_END(i) ((i) + 1 < nf ? f[(i) + 1] - 1 : close)

	memset(ace, 0, sizeof(*ace));
	const char *t = skip_spaces(f[0], FIELD_END(0));
	const struct code *c = find_code(ace_type_codes, ARRAY_SIZE(ace_type_codes), t,
					 (size_t)(FIELD_END(0) - t));
	if (!c)
		return fail(ps, t, "unknown ACE type '%s'; expected A, D, OA or OD in a DACL, AU, "
			    "AL, OU, OL, ML or SP in a SACL", quote(&q, t, FIELD_END(0)));
	ace->type = (uint8_t)c->value;
	switch (ace->type) {
	case ACE_ALLOW_CALLBACK: case ACE_DENY_CALLBACK: case ACE_ALLOW_CALLBACK_OBJECT:
	case ACE_AUDIT_CALLBACK:
		return fail(ps, t, "conditional ACEs (type '%s') are not supported", c->name);
	case ACE_RESOURCE_ATTRIBUTE:
		return fail(ps, t, "resource attribute ACEs (type 'RA') are not supported");
	default:
		break;
	}
	if (nf != 6)
		return fail(ps, open, "ACE has %zu fields; expected 6: type;flags;rights;"
			    "object-guid;inherit-guid;sid", nf);
	if (!allowed_in(ace->type, dacl))
		return fail(ps, t, dacl ? "ACE type '%s' is not allowed in a DACL; expected A, D, "
				     "OA or OD" :
				   "ACE type '%s' is not allowed in a SACL; expected AU, AL, OU, "
				   "OL, ML or SP", c->name);
	bool present;
	if (!parse_ace_flags(ps, f[1], FIELD_END(1), &ace->flags) ||
	    !parse_rights(ps, f[2], FIELD_END(2), &ace->mask))
		return false;
	if (!parse_guid_field(ps, f[3], FIELD_END(3), ace->type, &ace->object_type, &present,
			      "object"))
		return false;
	if (present)
		ace->object_flags |= ACE_OBJECT_TYPE_PRESENT;
	if (!parse_guid_field(ps, f[4], FIELD_END(4), ace->type, &ace->inherited_object_type,
			      &present, "inherited object"))
		return false;
	if (present)
		ace->object_flags |= ACE_INHERITED_OBJECT_TYPE_PRESENT;
	if (!parse_sid_text(ps, f[5], close, &ace->sid))
		return false;
#undef FIELD_END
	*pp = close + 1;
	return true;
}

static bool parse_acl(struct parser *ps, const char **pp, const char *end, bool dacl,
		      struct secdesc *sd)
{
	struct quoted q;
	const char *name = dacl ? "DACL" : "SACL";
	const char *p = skip_spaces(*pp, end);
	uint16_t control = dacl ? SE_DACL_PRESENT : SE_SACL_PRESENT;
	for (;;) {
		if (p < end && *p == 'P') {
			control |= dacl ? SE_DACL_PROTECTED : SE_SACL_PROTECTED;
			p++;
		} else if (end - p >= 2 && p[0] == 'A' && p[1] == 'R') {
			control |= dacl ? SE_DACL_AUTO_INHERIT_REQ : SE_SACL_AUTO_INHERIT_REQ;
			p += 2;
		} else if (end - p >= 2 && p[0] == 'A' && p[1] == 'I') {
			control |= dacl ? SE_DACL_AUTO_INHERITED : SE_SACL_AUTO_INHERITED;
			p += 2;
		} else {
			break;
		}
	}
	bool null = false;
	if (end - p >= 17 && !memcmp(p, "NO_ACCESS_CONTROL", 17)) {
		null = true;
		p += 17;
	}
	p = skip_spaces(p, end);
	struct acl *acl = dacl ? &sd->dacl : &sd->sacl;
	size_t size = 8;
	bool object = false;
	while (p < end && *p == '(') {
		if (null)
			return fail(ps, p, "ACE after NO_ACCESS_CONTROL; a NULL %s has no ACEs",
				    name);
		const char *start = p;
		// Parsed in place; the slot counts only once the ACE is accepted.
		GROW(acl->aces, acl->alloc, acl->count + 1);
		struct ace *ace = &acl->aces[acl->count];
		if (!parse_ace(ps, &p, end, dacl, ace))
			return false;
		size += ace_binary_size(ace);
		if (size > ACL_MAX_SIZE)
			return fail(ps, start, "%s too large: more than %u bytes in binary form",
				    name, (unsigned)ACL_MAX_SIZE);
		object |= ace_is_object(ace->type);
		acl->count++;
		p = skip_spaces(p, end);
	}
	if (p < end && !(end - p >= 2 && p[1] == ':'))
		return fail(ps, p, "unexpected '%s' in %s; expected flags P, AR, AI, "
			    "NO_ACCESS_CONTROL, ACEs in parentheses or the next section",
			    quote(&q, p, end), name);
	acl->revision = object ? 4 : 2;
	sd->control |= control;
	if (dacl)
		sd->dacl_null = null;
	else
		sd->sacl_null = null;
	*pp = p;
	return true;
}

bool sddl_parse(const char *s, size_t len, const struct sid_context *ctx, struct secdesc *out,
		struct sddl_error *err)
{
	struct parser ps = { s, ctx, err };
	struct quoted q;
	const char *p = s, *end = s + len;
	bool seen[4] = { false, false, false, false };
	secdesc_init(out);
	if (err) {
		err->offset = 0;
		err->message[0] = '\0';
	}
	p = skip_spaces(p, end);
	while (p < end) {
		const char *sec = p;
		if (end - p < 2 || p[1] != ':') {
			fail(&ps, p, "unexpected '%s'; expected a section 'O:', 'G:', 'D:' or 'S:'",
			     quote(&q, p, end));
			goto failed;
		}
		int which;
		switch (*p) {
		case 'O': which = 0; break;
		case 'G': which = 1; break;
		case 'D': which = 2; break;
		case 'S': which = 3; break;
		default:
			fail(&ps, p, "unknown section '%s'; expected 'O:', 'G:', 'D:' or 'S:' (in "
			     "capitals)", quote(&q, p, p + 2));
			goto failed;
		}
		if (seen[which]) {
			fail(&ps, sec, "duplicate section '%c:'; each of O:, G:, D: and S: may "
			     "appear once", *sec);
			goto failed;
		}
		seen[which] = true;
		p += 2;
		if (which < 2) {
			// The SID runs up to the section letter before the next ':'.
			const char *colon = memchr(p, ':', (size_t)(end - p));
			const char *te = !colon ? end : colon - 1 > p ? colon - 1 : p;
			struct sid *sid = which == 0 ? &out->owner : &out->group;
			if (!parse_sid_text(&ps, p, te, sid))
				goto failed;
			if (which == 0)
				out->has_owner = true;
			else
				out->has_group = true;
			p = te;
		} else if (!parse_acl(&ps, &p, end, which == 2, out)) {
			goto failed;
		}
		p = skip_spaces(p, end);
	}
	return true;
failed:
	secdesc_release(out);
	return false;
}

// --- printing ---

// Printers write into a caller's buffer and return the new end; print_ace builds
// each ACE in a stack buffer and appends it once.
static char *put_sid(char *p, const struct sid *sid, const struct sid_context *ctx,
		     unsigned flags)
{
	const char *a = sid_to_alias(sid, ctx);
	if (a && (flags & SDDL_PRINT_NUMERIC_RM) && !strcmp(a, "RM"))
		a = NULL;
	if (!a)
		return p + sid_format_buf(sid, p);
	*p++ = a[0];
	*p++ = a[1];
	return p;
}

static void print_sid(const struct sid *sid, const struct sid_context *ctx, unsigned flags,
		      struct strbuf *out)
{
	char b[SID_TEXT_MAX];
	strbuf_add(out, b, (size_t)(put_sid(b, sid, ctx, flags) - b));
}

static char *put_code(char *p, const char *name)
{
	*p++ = name[0];
	if (name[1])
		*p++ = name[1];
	return p;
}

static char *put_mask(char *p, uint8_t type, uint32_t mask)
{
	if (!mask)
		return p;
	if (type == ACE_MANDATORY_LABEL && !(mask & ~UINT32_C(7))) {
		for (size_t i = 0; i < ARRAY_SIZE(label_right_codes); i++)
			if (mask & label_right_codes[i].value)
				p = put_code(p, label_right_codes[i].name);
		return p;
	}
	for (size_t i = 0; i < ARRAY_SIZE(composite_right_codes); i++)
		if (mask == composite_right_codes[i].value)
			return put_code(p, composite_right_codes[i].name);
	if (!(mask & ~NAMED_RIGHTS)) {
		for (size_t i = 0; i < ARRAY_SIZE(right_codes); i++)
			if (mask & right_codes[i].value)
				p = put_code(p, right_codes[i].name);
		return p;
	}
	*p++ = '0';
	*p++ = 'x';
	int digits = 1;
	while (digits < 8 && (mask >> (4 * digits)))
		digits++;
	return put_hex(p, mask, digits);
}

// '(' + type + 5 separators + flags (14) + rights (34) + 2 GUIDs + SID + ')'.
enum { ACE_TEXT_MAX = 2 + 2 + 5 + 14 + 34 + 2 * 36 + SID_TEXT_MAX };

static void print_ace(const struct ace *ace, const struct sid_context *ctx, unsigned flags,
		      struct strbuf *out)
{
	char b[ACE_TEXT_MAX], *p = b;
	const char *type = ace_type_code(ace->type);
	if (!type)
		BUG("sddl_print: ACE type 0x%x has no SDDL code", ace->type);
	*p++ = '(';
	p = put_code(p, type);
	*p++ = ';';
	for (size_t i = 0; i < ARRAY_SIZE(ace_flag_codes); i++)
		if (ace->flags & ace_flag_codes[i].value)
			p = put_code(p, ace_flag_codes[i].name);
	*p++ = ';';
	p = put_mask(p, ace->type, ace->mask);
	*p++ = ';';
	bool object = ace_is_object(ace->type);
	if (object && (ace->object_flags & ACE_OBJECT_TYPE_PRESENT))
		p = put_guid(p, &ace->object_type);
	*p++ = ';';
	if (object && (ace->object_flags & ACE_INHERITED_OBJECT_TYPE_PRESENT))
		p = put_guid(p, &ace->inherited_object_type);
	*p++ = ';';
	p = put_sid(p, &ace->sid, ctx, flags);
	*p++ = ')';
	strbuf_add(out, b, (size_t)(p - b));
}

static void print_acl(const struct secdesc *sd, bool dacl, const struct sid_context *ctx,
		      unsigned flags, struct strbuf *out)
{
	const struct acl *acl = dacl ? &sd->dacl : &sd->sacl;
	strbuf_addstr(out, dacl ? "D:" : "S:");
	if (sd->control & (dacl ? SE_DACL_PROTECTED : SE_SACL_PROTECTED))
		strbuf_addch(out, 'P');
	if (sd->control & (dacl ? SE_DACL_AUTO_INHERIT_REQ : SE_SACL_AUTO_INHERIT_REQ))
		strbuf_addstr(out, "AR");
	if (sd->control & (dacl ? SE_DACL_AUTO_INHERITED : SE_SACL_AUTO_INHERITED))
		strbuf_addstr(out, "AI");
	if (dacl ? sd->dacl_null : sd->sacl_null) {
		strbuf_addstr(out, "NO_ACCESS_CONTROL");
		return;
	}
	for (size_t i = 0; i < acl->count; i++)
		print_ace(&acl->aces[i], ctx, flags, out);
}

void sddl_print(const struct secdesc *sd, const struct sid_context *ctx, unsigned flags,
		struct strbuf *out)
{
	if (sd->has_owner) {
		strbuf_addstr(out, "O:");
		print_sid(&sd->owner, ctx, flags, out);
	}
	if (sd->has_group) {
		strbuf_addstr(out, "G:");
		print_sid(&sd->group, ctx, flags, out);
	}
	// An ACL's flags without its PRESENT bit have no SDDL form: "D:P" would read back
	// as an empty DACL, which denies everything, where an absent one allows it.
	if (sd->control & SE_DACL_PRESENT)
		print_acl(sd, true, ctx, flags, out);
	if (sd->control & SE_SACL_PRESENT)
		print_acl(sd, false, ctx, flags, out);
}
