// Security descriptors in memory and in their binary self-relative form.
//
// The in-memory form (struct secdesc, sd/secdesc.h) keeps what a descriptor means:
// control bits, owner, group and two ACLs, each ACL a plain array of ACEs. It does
// not keep how some file happened to lay that out, so encoding is a function of the
// meaning alone and two equal descriptors always encode to the same bytes.
//
// The binary form ([MS-DTYP] 2.4.6) is a 20-byte header -- revision 1, a zero byte,
// the control word, then the offsets of owner, group, SACL and DACL (0 = absent) --
// followed by the parts. Windows writes them in the order SACL, DACL, owner, group,
// packed without padding (DOMAIN.md §3); secdesc_encode does the same, so its output
// is byte-identical to what ConvertStringSecurityDescriptorToSecurityDescriptor gives.
//
// secdesc_decode reads untrusted bytes. Every read goes through a bounds check
// against the buffer length first; offsets may point anywhere (parts in any order,
// even shared), and what is not meaning -- ACL slack after the last ACE, bytes after
// an ACE's SID, the ACL padding bytes -- is read past and not kept. What it cannot
// represent faithfully (conditional and resource-attribute ACEs, resource-manager
// control bits) it refuses with a message rather than drop.
#include "sd/secdesc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum { SD_HEADER_SIZE = 20, ACL_HEADER_SIZE = 8, ACE_HEADER_SIZE = 4, GUID_SIZE = 16 };

void secdesc_init(struct secdesc *sd)
{
	memset(sd, 0, sizeof(*sd));
}

void secdesc_release(struct secdesc *sd)
{
	free(sd->dacl.aces);
	free(sd->sacl.aces);
	secdesc_init(sd);
}

static void acl_copy(struct acl *dst, const struct acl *src)
{
	dst->revision = src->revision;
	dst->count = dst->alloc = src->count;
	dst->aces = NULL;
	if (src->count) {
		dst->aces = xmalloc(src->count * sizeof(*src->aces));
		memcpy(dst->aces, src->aces, src->count * sizeof(*src->aces));
	}
}

void secdesc_copy(struct secdesc *dst, const struct secdesc *src)
{
	*dst = *src;
	acl_copy(&dst->dacl, &src->dacl);
	acl_copy(&dst->sacl, &src->sacl);
}

bool ace_is_object(uint8_t type)
{
	return type == ACE_ALLOW_OBJECT || type == ACE_DENY_OBJECT || type == ACE_AUDIT_OBJECT ||
	       type == ACE_ALARM_OBJECT;
}

size_t ace_binary_size(const struct ace *ace)
{
	size_t n = ACE_HEADER_SIZE + 4 + sid_binary_size(&ace->sid);
	if (ace_is_object(ace->type)) {
		n += 4;
		if (ace->object_flags & ACE_OBJECT_TYPE_PRESENT)
			n += GUID_SIZE;
		if (ace->object_flags & ACE_INHERITED_OBJECT_TYPE_PRESENT)
			n += GUID_SIZE;
	}
	return n;
}

size_t acl_binary_size(const struct acl *acl)
{
	size_t n = ACL_HEADER_SIZE;
	for (size_t i = 0; i < acl->count; i++)
		n += ace_binary_size(&acl->aces[i]);
	return n;
}

uint8_t acl_effective_revision(const struct acl *acl)
{
	if (acl->revision == 3 || acl->revision == 4)
		return acl->revision;
	for (size_t i = 0; i < acl->count; i++)
		if (ace_is_object(acl->aces[i].type))
			return 4;
	return 2;
}

static bool acl_encoded(const struct secdesc *sd, bool dacl)
{
	if (dacl)
		return (sd->control & SE_DACL_PRESENT) && !sd->dacl_null;
	return (sd->control & SE_SACL_PRESENT) && !sd->sacl_null;
}

bool secdesc_check_size(const struct secdesc *sd, struct strbuf *err)
{
	for (int d = 0; d < 2; d++) {
		const struct acl *acl = d ? &sd->dacl : &sd->sacl;
		if (!acl_encoded(sd, d))
			continue;
		size_t n = acl_binary_size(acl);
		if (n > ACL_MAX_SIZE || acl->count > 0xFFFF) {
			strbuf_addf(err, "%s too large: %zu ACEs in %zu bytes; the binary form holds "
				    "at most %u bytes", d ? "DACL" : "SACL", acl->count, n,
				    (unsigned)ACL_MAX_SIZE);
			return false;
		}
	}
	return true;
}

static void guid_put(uint8_t *b, const struct guid *g)
{
	put_le32(b, g->d1);
	put_le16(b + 4, g->d2);
	put_le16(b + 6, g->d3);
	memcpy(b + 8, g->d4, 8);
}

static void guid_get(const uint8_t *b, struct guid *g)
{
	g->d1 = get_le32(b);
	g->d2 = get_le16(b + 4);
	g->d3 = get_le16(b + 6);
	memcpy(g->d4, b + 8, 8);
}

static void encode_acl(const struct acl *acl, size_t size, struct strbuf *out)
{
	uint8_t h[ACL_HEADER_SIZE] = { 0 };
	h[0] = acl_effective_revision(acl);
	put_le16(h + 2, (uint16_t)size);
	put_le16(h + 4, (uint16_t)acl->count);
	strbuf_add(out, h, sizeof(h));
	for (size_t i = 0; i < acl->count; i++) {
		const struct ace *ace = &acl->aces[i];
		uint8_t b[ACE_HEADER_SIZE + 8 + 2 * GUID_SIZE];
		size_t n = 0;
		b[0] = ace->type;
		b[1] = ace->flags;
		put_le16(b + 2, (uint16_t)ace_binary_size(ace));
		put_le32(b + 4, ace->mask);
		n = 8;
		if (ace_is_object(ace->type)) {
			uint32_t of = ace->object_flags &
				      (ACE_OBJECT_TYPE_PRESENT | ACE_INHERITED_OBJECT_TYPE_PRESENT);
			put_le32(b + n, of);
			n += 4;
			if (of & ACE_OBJECT_TYPE_PRESENT) {
				guid_put(b + n, &ace->object_type);
				n += GUID_SIZE;
			}
			if (of & ACE_INHERITED_OBJECT_TYPE_PRESENT) {
				guid_put(b + n, &ace->inherited_object_type);
				n += GUID_SIZE;
			}
		}
		strbuf_add(out, b, n);
		sid_encode(&ace->sid, out);
	}
}

void secdesc_encode(const struct secdesc *sd, struct strbuf *out)
{
	bool has_sacl = acl_encoded(sd, false), has_dacl = acl_encoded(sd, true);
	size_t sacl_size = has_sacl ? acl_binary_size(&sd->sacl) : 0;
	size_t dacl_size = has_dacl ? acl_binary_size(&sd->dacl) : 0;
	// The parsers never build an ACL the 16-bit size field cannot hold, and
	// builders are told to call secdesc_check_size().
	if (sacl_size > ACL_MAX_SIZE || dacl_size > ACL_MAX_SIZE)
		BUG("secdesc_encode: ACL of %zu bytes; call secdesc_check_size first",
		    sacl_size > dacl_size ? sacl_size : dacl_size);
	size_t owner_size = sd->has_owner ? sid_binary_size(&sd->owner) : 0;
	size_t group_size = sd->has_group ? sid_binary_size(&sd->group) : 0;

	size_t pos = SD_HEADER_SIZE;
	uint32_t sacl_off = has_sacl ? (uint32_t)pos : 0;
	pos += sacl_size;
	uint32_t dacl_off = has_dacl ? (uint32_t)pos : 0;
	pos += dacl_size;
	uint32_t owner_off = sd->has_owner ? (uint32_t)pos : 0;
	pos += owner_size;
	uint32_t group_off = sd->has_group ? (uint32_t)pos : 0;
	pos += group_size;

	strbuf_grow(out, pos);
	uint8_t h[SD_HEADER_SIZE];
	h[0] = 1;
	h[1] = 0;
	put_le16(h + 2, (uint16_t)(sd->control | SE_SELF_RELATIVE));
	put_le32(h + 4, owner_off);
	put_le32(h + 8, group_off);
	put_le32(h + 12, sacl_off);
	put_le32(h + 16, dacl_off);
	strbuf_add(out, h, sizeof(h));
	if (has_sacl)
		encode_acl(&sd->sacl, sacl_size, out);
	if (has_dacl)
		encode_acl(&sd->dacl, dacl_size, out);
	if (sd->has_owner)
		sid_encode(&sd->owner, out);
	if (sd->has_group)
		sid_encode(&sd->group, out);
}

// --- decoding ---

struct decoder {
	const uint8_t *p;
	size_t len;
	struct strbuf *err;
};

static bool derr(struct decoder *d, const char *fmt, ...) GPOC_PRINTF(2, 3);
static bool derr(struct decoder *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(d->err, fmt, ap);
	va_end(ap);
	return false;
}

// Names what is wrong with the SID at `off`; only called once it is known to be bad.
static bool sid_error(struct decoder *d, size_t off, size_t limit, const char *what, size_t ace)
{
	const uint8_t *b = d->p + off;
	char who[48];
	if (ace)
		snprintf(who, sizeof(who), "%s ACE %zu SID", what, ace);
	else
		snprintf(who, sizeof(who), "%s SID", what);
	if (limit < 8)
		return derr(d, "%s truncated at offset %zu: a SID needs at least 8 bytes, %zu left",
			    who, off, limit);
	if (b[0] != 1)
		return derr(d, "%s at offset %zu has revision %u; expected 1", who, off, b[0]);
	if (b[1] > SID_MAX_SUB_AUTHORITIES)
		return derr(d, "%s at offset %zu has %u sub-authorities; at most 15 are allowed",
			    who, off, b[1]);
	return derr(d, "%s truncated at offset %zu: %zu bytes needed, %zu left", who, off,
		    8 + 4 * (size_t)b[1], limit);
}

// Reads a SID of at most `limit` bytes starting at `off` (limit already within
// bounds). `what` names the part and `ace` the ACE (1-based; 0 for owner and group).
static bool decode_sid(struct decoder *d, size_t off, size_t limit, struct sid *sid,
		       const char *what, size_t ace)
{
	const uint8_t *b = d->p + off;
	if (limit < 8 || b[0] != 1 || b[1] > SID_MAX_SUB_AUTHORITIES ||
	    limit < 8 + 4 * (size_t)b[1])
		return sid_error(d, off, limit, what, ace);
	memset(sid, 0, sizeof(*sid));
	sid->revision = 1;
	sid->sub_count = b[1];
	for (int i = 0; i < 6; i++)
		sid->authority = (sid->authority << 8) | b[2 + i];
	for (unsigned i = 0; i < sid->sub_count; i++)
		sid->sub[i] = get_le32(b + 8 + 4 * i);
	return true;
}

// Checks that an offset from the header points at `need` bytes after the header.
static bool check_offset(struct decoder *d, uint32_t off, size_t need, const char *what)
{
	if (off < SD_HEADER_SIZE)
		return derr(d, "%s offset %lu points into the 20-byte header", what,
			    (unsigned long)off);
	if (off > d->len || d->len - off < need)
		return derr(d, "%s offset %lu is beyond the end of the %zu-byte descriptor", what,
			    (unsigned long)off, d->len);
	return true;
}

static const char *unsupported_ace_kind(uint8_t type)
{
	switch (type) {
	case 0x9: case 0xA: case 0xB: case 0xC: case 0xD: case 0xE: case 0xF: case 0x10:
		return "a callback (conditional) ACE";
	case ACE_RESOURCE_ATTRIBUTE:
		return "a resource attribute ACE";
	case 0x4:
		return "a compound ACE";
	default:
		return NULL;
	}
}

static bool decode_acl(struct decoder *d, uint32_t off, struct acl *acl, const char *what)
{
	if (!check_offset(d, off, ACL_HEADER_SIZE, what))
		return false;
	const uint8_t *h = d->p + off;
	uint8_t rev = h[0];
	if (rev < 2 || rev > 4)
		return derr(d, "%s at offset %lu has revision %u; expected 2 or 4", what,
			    (unsigned long)off, rev);
	size_t size = get_le16(h + 2), count = get_le16(h + 4);
	if (size < ACL_HEADER_SIZE)
		return derr(d, "%s at offset %lu has size %zu, less than its 8-byte header", what,
			    (unsigned long)off, size);
	if (d->len - off < size)
		return derr(d, "%s at offset %lu has size %zu, past the end of the %zu-byte "
			    "descriptor", what, (unsigned long)off, size, d->len);
	// Each ACE takes at least 16 bytes, so a count the size cannot hold is refused
	// before anything is allocated for it.
	if (count > (size - ACL_HEADER_SIZE) / 16)
		return derr(d, "%s holds %zu ACEs but its %zu bytes have room for at most %zu",
			    what, count, size, (size - ACL_HEADER_SIZE) / 16);
	acl->revision = rev;
	acl->count = 0;
	if (count) {
		acl->aces = xcalloc(count, sizeof(*acl->aces));
		acl->alloc = count;
	}
	size_t pos = off + ACL_HEADER_SIZE, end = off + size;
	for (size_t i = 0; i < count; i++) {
		if (end - pos < ACE_HEADER_SIZE)
			return derr(d, "%s ACE %zu at offset %zu is truncated", what, i + 1, pos);
		const uint8_t *a = d->p + pos;
		uint8_t type = a[0];
		size_t asize = get_le16(a + 2);
		if (asize < ACE_HEADER_SIZE || asize > end - pos)
			return derr(d, "%s ACE %zu at offset %zu has size %zu, outside its ACL",
				    what, i + 1, pos, asize);
		const char *kind = unsupported_ace_kind(type);
		if (kind)
			return derr(d, "%s ACE %zu has type 0x%02x, %s; such ACEs are not supported",
				    what, i + 1, type, kind);
		struct ace *ace = &acl->aces[i];
		memset(ace, 0, sizeof(*ace));
		ace->type = type;
		ace->flags = a[1];
		// 0x20 has no SDDL code, so the two forms could no longer say the same.
		if (ace->flags & 0x20)
			return derr(d, "%s ACE %zu has flag 0x20, which has no SDDL form; it is "
				    "not supported", what, i + 1);
		size_t q = ACE_HEADER_SIZE + 4;
		if (asize < q)
			return derr(d, "%s ACE %zu at offset %zu is too short for its access mask",
				    what, i + 1, pos);
		ace->mask = get_le32(a + 4);
		if (ace_is_object(type)) {
			if (rev < 4)
				return derr(d, "%s has revision %u but ACE %zu is an object ACE, "
					    "which needs revision 4", what, rev, i + 1);
			if (asize < q + 4)
				return derr(d, "%s ACE %zu at offset %zu is too short for its "
					    "object flags", what, i + 1, pos);
			uint32_t of = get_le32(a + q);
			q += 4;
			if (of & ~(uint32_t)(ACE_OBJECT_TYPE_PRESENT |
					     ACE_INHERITED_OBJECT_TYPE_PRESENT))
				return derr(d, "%s ACE %zu has unknown object flags 0x%lx; expected "
					    "0x1 and 0x2 only", what, i + 1, (unsigned long)of);
			ace->object_flags = of;
			if (of & ACE_OBJECT_TYPE_PRESENT) {
				if (asize < q + GUID_SIZE)
					return derr(d, "%s ACE %zu is too short for its object "
						    "GUID", what, i + 1);
				guid_get(a + q, &ace->object_type);
				q += GUID_SIZE;
			}
			if (of & ACE_INHERITED_OBJECT_TYPE_PRESENT) {
				if (asize < q + GUID_SIZE)
					return derr(d, "%s ACE %zu is too short for its inherited "
						    "object GUID", what, i + 1);
				guid_get(a + q, &ace->inherited_object_type);
				q += GUID_SIZE;
			}
		} else if (type != ACE_ALLOW && type != ACE_DENY && type != ACE_AUDIT &&
			   type != ACE_ALARM && type != ACE_MANDATORY_LABEL &&
			   type != ACE_SCOPED_POLICY_ID) {
			return derr(d, "%s ACE %zu has unknown type 0x%02x", what, i + 1, type);
		}
		if (!decode_sid(d, pos + q, asize - q, &ace->sid, what, i + 1))
			return false;
		acl->count++;
		pos += asize;
	}
	return true;
}

bool secdesc_decode(const uint8_t *p, size_t len, struct secdesc *out, struct strbuf *err)
{
	struct decoder d = { p, len, err };
	secdesc_init(out);
	bool ok = false;
	if (len < SD_HEADER_SIZE) {
		derr(&d, "descriptor too short: %zu bytes; the self-relative header alone is 20",
		     len);
		goto done;
	}
	if (p[0] != 1) {
		derr(&d, "descriptor revision %u is not supported; expected 1", p[0]);
		goto done;
	}
	if (p[1] != 0) {
		derr(&d, "descriptor has resource-manager control bits 0x%02x; they are not "
		     "supported", p[1]);
		goto done;
	}
	uint16_t control = get_le16(p + 2);
	if (!(control & SE_SELF_RELATIVE)) {
		derr(&d, "descriptor is not self-relative (control 0x%04x lacks 0x8000)", control);
		goto done;
	}
	out->control = control & (uint16_t)~SE_SELF_RELATIVE;
	uint32_t owner_off = get_le32(p + 4), group_off = get_le32(p + 8);
	uint32_t sacl_off = get_le32(p + 12), dacl_off = get_le32(p + 16);
	if (owner_off) {
		if (!check_offset(&d, owner_off, 8, "owner") ||
		    !decode_sid(&d, owner_off, len - owner_off, &out->owner, "owner", 0))
			goto done;
		out->has_owner = true;
	}
	if (group_off) {
		if (!check_offset(&d, group_off, 8, "group") ||
		    !decode_sid(&d, group_off, len - group_off, &out->group, "group", 0))
			goto done;
		out->has_group = true;
	}
	// An ACL offset counts only when its PRESENT bit is set; a present ACL with
	// offset 0 is a NULL ACL ("D:NO_ACCESS_CONTROL").
	if (control & SE_SACL_PRESENT) {
		if (!sacl_off)
			out->sacl_null = true;
		else if (!decode_acl(&d, sacl_off, &out->sacl, "SACL"))
			goto done;
	}
	if (control & SE_DACL_PRESENT) {
		if (!dacl_off)
			out->dacl_null = true;
		else if (!decode_acl(&d, dacl_off, &out->dacl, "DACL"))
			goto done;
	}
	ok = true;
done:
	if (!ok)
		secdesc_release(out);
	return ok;
}
