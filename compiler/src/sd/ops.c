// Operations on descriptors: what the model does to a baseline (add, merge, remove),
// how two descriptors compare, what one grants a SID, and how it reads in English.
//
// Merging is the core of "start from the baseline, add our grants": a GPO's DCOM
// SDDL replaces the whole machine limit, so the result must keep every baseline
// entry (DOMAIN.md §1). Grants join an existing explicit ACE with the same type,
// flags, SID and object GUIDs by ORing masks; otherwise they are appended. The DACL
// is then put in the canonical order Windows' ACL editor writes -- explicit deny,
// explicit allow, inherited -- by a stable partition, so ACEs within each group
// keep their order and the result is deterministic.
//
// Effective rights follow the access check's rule for one SID: ACEs are read in
// order, a bit is granted by the first allow ACE that names it unless an earlier
// deny ACE took it. Group membership is unknown offline, so only ACEs for exactly
// that SID count; inherit-only ACEs and object ACEs restricted to an object type do
// not apply to the object itself and are skipped.
#include "sd/secdesc.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void acl_add_ace(struct acl *acl, const struct ace *ace)
{
	GROW(acl->aces, acl->alloc, acl->count + 1);
	acl->aces[acl->count++] = *ace;
	if (ace_is_object(ace->type) && acl->revision < 4)
		acl->revision = 4;
}

static bool guid_equal(const struct guid *a, const struct guid *b)
{
	return a->d1 == b->d1 && a->d2 == b->d2 && a->d3 == b->d3 && !memcmp(a->d4, b->d4, 8);
}

static bool objects_equal(const struct ace *a, const struct ace *b)
{
	if (!ace_is_object(a->type))
		return true;
	if (a->object_flags != b->object_flags)
		return false;
	if ((a->object_flags & ACE_OBJECT_TYPE_PRESENT) &&
	    !guid_equal(&a->object_type, &b->object_type))
		return false;
	if ((a->object_flags & ACE_INHERITED_OBJECT_TYPE_PRESENT) &&
	    !guid_equal(&a->inherited_object_type, &b->inherited_object_type))
		return false;
	return true;
}

// Same type, flags, SID and object GUIDs: two such ACEs can be one.
static bool same_key(const struct ace *a, const struct ace *b)
{
	return a->type == b->type && a->flags == b->flags && objects_equal(a, b) &&
	       sid_equal(&a->sid, &b->sid);
}

static bool ace_equal(const struct ace *a, const struct ace *b)
{
	return same_key(a, b) && a->mask == b->mask;
}

static bool is_deny(uint8_t type)
{
	return type == ACE_DENY || type == ACE_DENY_OBJECT;
}

static bool is_allow(uint8_t type)
{
	return type == ACE_ALLOW || type == ACE_ALLOW_OBJECT;
}

// 0 explicit deny, 1 other explicit, 2 inherited.
static int canonical_group(const struct ace *ace)
{
	if (ace->flags & ACE_ID)
		return 2;
	return is_deny(ace->type) ? 0 : 1;
}

static void canonical_order(struct acl *acl)
{
	if (acl->count < 2)
		return;
	struct ace *sorted = xmalloc(acl->count * sizeof(*sorted));
	size_t n = 0;
	for (int g = 0; g < 3; g++)
		for (size_t i = 0; i < acl->count; i++)
			if (canonical_group(&acl->aces[i]) == g)
				sorted[n++] = acl->aces[i];
	memcpy(acl->aces, sorted, n * sizeof(*sorted));
	free(sorted);
}

void secdesc_merge_dacl(struct secdesc *base, const struct ace *grants, size_t n)
{
	// A NULL DACL already grants everyone everything: every grant is covered.
	if ((base->control & SE_DACL_PRESENT) && base->dacl_null)
		return;
	base->control |= SE_DACL_PRESENT;
	struct acl *acl = &base->dacl;
	for (size_t g = 0; g < n; g++) {
		if (!grants[g].mask)
			continue;
		size_t i;
		for (i = 0; i < acl->count; i++)
			if (same_key(&acl->aces[i], &grants[g]))
				break;
		if (i < acl->count)
			acl->aces[i].mask |= grants[g].mask;
		else
			acl_add_ace(acl, &grants[g]);
	}
	canonical_order(acl);
}

size_t secdesc_remove_sid(struct secdesc *sd, const struct sid *sid)
{
	struct acl *acl = &sd->dacl;
	size_t kept = 0, removed = 0;
	for (size_t i = 0; i < acl->count; i++) {
		if (sid_equal(&acl->aces[i].sid, sid))
			removed++;
		else
			acl->aces[kept++] = acl->aces[i];
	}
	acl->count = kept;
	return removed;
}

static bool acl_equal(const struct acl *a, const struct acl *b)
{
	if (a->count != b->count || acl_effective_revision(a) != acl_effective_revision(b))
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (!ace_equal(&a->aces[i], &b->aces[i]))
			return false;
	return true;
}

bool secdesc_equal(const struct secdesc *a, const struct secdesc *b)
{
	uint16_t ca = a->control & (uint16_t)~SE_SELF_RELATIVE;
	uint16_t cb = b->control & (uint16_t)~SE_SELF_RELATIVE;
	if (ca != cb || a->has_owner != b->has_owner || a->has_group != b->has_group)
		return false;
	if (a->has_owner && !sid_equal(&a->owner, &b->owner))
		return false;
	if (a->has_group && !sid_equal(&a->group, &b->group))
		return false;
	if (ca & SE_DACL_PRESENT) {
		if (a->dacl_null != b->dacl_null)
			return false;
		if (!a->dacl_null && !acl_equal(&a->dacl, &b->dacl))
			return false;
	}
	if (ca & SE_SACL_PRESENT) {
		if (a->sacl_null != b->sacl_null)
			return false;
		if (!a->sacl_null && !acl_equal(&a->sacl, &b->sacl))
			return false;
	}
	return true;
}

void secdesc_effective_rights(const struct secdesc *sd, const struct sid *sid, uint32_t *allowed,
			      uint32_t *denied)
{
	*allowed = *denied = 0;
	// No DACL, or a NULL one, lets everybody do everything.
	if (!(sd->control & SE_DACL_PRESENT) || sd->dacl_null) {
		*allowed = UINT32_MAX;
		return;
	}
	for (size_t i = 0; i < sd->dacl.count; i++) {
		const struct ace *ace = &sd->dacl.aces[i];
		if ((ace->flags & ACE_IO) || !sid_equal(&ace->sid, sid))
			continue;
		if (ace_is_object(ace->type) && (ace->object_flags & ACE_OBJECT_TYPE_PRESENT))
			continue;
		if (is_deny(ace->type))
			*denied |= ace->mask & ~*allowed;
		else if (is_allow(ace->type))
			*allowed |= ace->mask & ~*denied;
	}
}

// --- explanations ---

static const char *ace_kind(uint8_t type)
{
	switch (type) {
	case ACE_ALLOW: case ACE_ALLOW_OBJECT: return "allow";
	case ACE_DENY: case ACE_DENY_OBJECT: return "deny";
	case ACE_AUDIT: case ACE_AUDIT_OBJECT: return "audit";
	case ACE_ALARM: case ACE_ALARM_OBJECT: return "alarm";
	case ACE_MANDATORY_LABEL: return "label";
	case ACE_SCOPED_POLICY_ID: return "policy";
	default: return "ace";
	}
}

static const char *const flag_words[8] = {
	"object inherit", "container inherit", "no propagate", "inherit only", "inherited",
	NULL, "successful access", "failed access",
};

static void label_explain(uint32_t mask, struct strbuf *out)
{
	static const char *const words[] = { "no write up", "no read up", "no execute up" };
	bool first = true;
	for (int i = 0; i < 3; i++)
		if (mask & (1u << i)) {
			strbuf_addstr(out, first ? "" : ", ");
			strbuf_addstr(out, words[i]);
			first = false;
		}
	if (mask & ~UINT32_C(7))
		strbuf_addf(out, "%s0x%lx", first ? "" : ", ", (unsigned long)(mask & ~UINT32_C(7)));
	else if (first)
		strbuf_addstr(out, "no policy");
}

void ace_explain(const struct ace *ace, const struct sid_context *ctx, enum rights_vocab v,
		 struct strbuf *out)
{
	const char *kind = ace_kind(ace->type);
	strbuf_addstr(out, kind);
	for (size_t n = strlen(kind); n < 7; n++)
		strbuf_addch(out, ' ');
	const char *name = sid_wellknown_name(&ace->sid, ctx);
	if (name) {
		strbuf_addstr(out, name);
		strbuf_addstr(out, " (");
		sid_format(&ace->sid, out);
		strbuf_addch(out, ')');
	} else {
		sid_format(&ace->sid, out);
	}
	strbuf_addstr(out, ": ");
	if (ace->type == ACE_MANDATORY_LABEL)
		label_explain(ace->mask, out);
	else
		rights_explain(v, ace->mask, out);

	bool first = true;
	for (int b = 0; b < 8; b++) {
		if (!(ace->flags & (1u << b)))
			continue;
		strbuf_addstr(out, first ? " [" : ", ");
		first = false;
		if (flag_words[b])
			strbuf_addstr(out, flag_words[b]);
		else
			strbuf_addf(out, "flag 0x%02x", 1u << b);
	}
	if (ace_is_object(ace->type)) {
		if (ace->object_flags & ACE_OBJECT_TYPE_PRESENT) {
			strbuf_addstr(out, first ? " [object " : ", object ");
			first = false;
			guid_format_sddl(&ace->object_type, out);
		}
		if (ace->object_flags & ACE_INHERITED_OBJECT_TYPE_PRESENT) {
			strbuf_addstr(out, first ? " [inherited object " : ", inherited object ");
			first = false;
			guid_format_sddl(&ace->inherited_object_type, out);
		}
	}
	if (!first)
		strbuf_addch(out, ']');
}

void secdesc_explain(const struct secdesc *sd, const struct sid_context *ctx, enum rights_vocab v,
		     struct strbuf *out)
{
	if (!(sd->control & SE_DACL_PRESENT))
		strbuf_addstr(out, "no DACL: everyone has every right\n");
	else if (sd->dacl_null)
		strbuf_addstr(out, "NULL DACL (NO_ACCESS_CONTROL): everyone has every right\n");
	else if (!sd->dacl.count)
		strbuf_addstr(out, "empty DACL: nobody has any right\n");
	for (size_t i = 0; i < sd->dacl.count && (sd->control & SE_DACL_PRESENT) && !sd->dacl_null;
	     i++) {
		ace_explain(&sd->dacl.aces[i], ctx, v, out);
		strbuf_addch(out, '\n');
	}
	if ((sd->control & SE_SACL_PRESENT) && !sd->sacl_null)
		for (size_t i = 0; i < sd->sacl.count; i++) {
			ace_explain(&sd->sacl.aces[i], ctx, v, out);
			strbuf_addch(out, '\n');
		}
}

// Hex text to bytes: pairs of hex digits, separators (whitespace, ',' and the '\'
// of .reg continuations) between pairs, an optional leading "hex:" or "0x".
static bool unhex(const uint8_t *p, size_t len, struct strbuf *bytes, struct strbuf *err)
{
	size_t i = 0;
	while (i < len && ascii_isspace(p[i]))
		i++;
	if (len - i >= 4 && !ascii_strncasecmp((const char *)p + i, "hex:", 4))
		i += 4;
	else if (len - i >= 2 && p[i] == '0' && (p[i + 1] | 0x20) == 'x')
		i += 2;
	for (; i < len; i++) {
		uint8_t c = p[i];
		if (ascii_isspace(c) || c == ',' || c == '\\')
			continue;
		if (!ascii_isxdigit(c) || i + 1 >= len || !ascii_isxdigit(p[i + 1])) {
			size_t at = ascii_isxdigit(c) ? i + 1 : i;
			if (at < len)
				strbuf_addf(err, "not a descriptor: byte %zu (0x%02x) is neither a hex "
					    "digit pair nor a separator", at, p[at]);
			else
				strbuf_addstr(err, "not a descriptor: odd number of hex digits");
			return false;
		}
		int hi = ascii_isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
		int lo = ascii_isdigit(p[i + 1]) ? p[i + 1] - '0' : (p[i + 1] | 0x20) - 'a' + 10;
		strbuf_addch(bytes, hi << 4 | lo);
		i++;
	}
	return true;
}

// Control bits SDDL can express; the others are noted by secdesc_describe_bytes.
enum {
	SDDL_CONTROL = SE_DACL_PRESENT | SE_SACL_PRESENT | SE_DACL_AUTO_INHERIT_REQ |
		       SE_SACL_AUTO_INHERIT_REQ | SE_DACL_AUTO_INHERITED | SE_SACL_AUTO_INHERITED |
		       SE_DACL_PROTECTED | SE_SACL_PROTECTED,
};

bool secdesc_describe_bytes(const uint8_t *p, size_t len, const struct sid_context *ctx,
			    enum rights_vocab v, struct strbuf *out, struct strbuf *err)
{
	struct strbuf bytes = STRBUF_INIT;
	struct secdesc sd;
	// A binary descriptor starts with its revision, 1, which no hex text does.
	if (!(len && p[0] == 1)) {
		if (!unhex(p, len, &bytes, err)) {
			strbuf_release(&bytes);
			return false;
		}
		p = (const uint8_t *)bytes.buf;
		len = bytes.len;
	}
	bool ok = secdesc_decode(p, len, &sd, err);
	strbuf_release(&bytes);
	if (!ok)
		return false;
	sddl_print(&sd, ctx, SDDL_PRINT_DEFAULT, out);
	strbuf_addch(out, '\n');
	uint16_t hidden = sd.control & (uint16_t)~SDDL_CONTROL;
	if (!(sd.control & SE_DACL_PRESENT))
		hidden |= sd.control & (SE_DACL_PROTECTED | SE_DACL_AUTO_INHERIT_REQ |
					SE_DACL_AUTO_INHERITED);
	if (!(sd.control & SE_SACL_PRESENT))
		hidden |= sd.control & (SE_SACL_PROTECTED | SE_SACL_AUTO_INHERIT_REQ |
					SE_SACL_AUTO_INHERITED);
	if (hidden)
		strbuf_addf(out, "note: control bits 0x%04x have no SDDL form and are not shown "
			    "above\n", hidden);
	secdesc_explain(&sd, ctx, v, out);
	secdesc_release(&sd);
	return true;
}
