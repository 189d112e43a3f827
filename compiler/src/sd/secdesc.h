#ifndef GPOC_SD_SECDESC_H
#define GPOC_SD_SECDESC_H

// Security descriptors: the in-memory form, SDDL text ([MS-DTYP] 2.5.1), the binary
// self-relative form ([MS-DTYP] 2.4.6), rights vocabularies and the operations the
// model needs. CONTRACT header: other modules use what is declared here; the sd
// module owns the implementation and may add to it.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "sd/sid.h"

enum ace_type {
	ACE_ALLOW = 0x0, ACE_DENY = 0x1, ACE_AUDIT = 0x2, ACE_ALARM = 0x3,
	ACE_ALLOW_OBJECT = 0x5, ACE_DENY_OBJECT = 0x6, ACE_AUDIT_OBJECT = 0x7, ACE_ALARM_OBJECT = 0x8,
	ACE_ALLOW_CALLBACK = 0x9, ACE_DENY_CALLBACK = 0xA, ACE_ALLOW_CALLBACK_OBJECT = 0xB,
	ACE_AUDIT_CALLBACK = 0xD, ACE_MANDATORY_LABEL = 0x11, ACE_RESOURCE_ATTRIBUTE = 0x12,
	ACE_SCOPED_POLICY_ID = 0x13,
};
enum ace_flag {
	ACE_OI = 0x01, ACE_CI = 0x02, ACE_NP = 0x04, ACE_IO = 0x08, ACE_ID = 0x10,
	ACE_SA = 0x40, ACE_FA = 0x80,
};
enum { ACE_OBJECT_TYPE_PRESENT = 1, ACE_INHERITED_OBJECT_TYPE_PRESENT = 2 };
enum sd_control {
	SE_OWNER_DEFAULTED = 0x0001, SE_GROUP_DEFAULTED = 0x0002,
	SE_DACL_PRESENT = 0x0004, SE_DACL_DEFAULTED = 0x0008,
	SE_SACL_PRESENT = 0x0010, SE_SACL_DEFAULTED = 0x0020,
	SE_DACL_AUTO_INHERIT_REQ = 0x0100, SE_SACL_AUTO_INHERIT_REQ = 0x0200,
	SE_DACL_AUTO_INHERITED = 0x0400, SE_SACL_AUTO_INHERITED = 0x0800,
	SE_DACL_PROTECTED = 0x1000, SE_SACL_PROTECTED = 0x2000,
	SE_SELF_RELATIVE = 0x8000,
};

struct guid {
	uint32_t d1;
	uint16_t d2, d3;
	uint8_t d4[8];
};

struct ace {
	uint8_t type;          // enum ace_type
	uint8_t flags;         // enum ace_flag bits
	uint32_t mask;
	uint32_t object_flags; // object ACEs: ACE_*_PRESENT bits
	struct guid object_type, inherited_object_type;
	struct sid sid;
};

struct acl {
	uint8_t revision;      // 2, or 4 when object ACEs are present
	struct ace *aces;      // owned (malloc), freed by secdesc_release
	size_t count, alloc;
};

struct secdesc {
	uint16_t control;      // SE_* bits; SE_SELF_RELATIVE is set on encode
	bool has_owner, has_group;
	struct sid owner, group;
	// DACL/SACL presence is SE_DACL_PRESENT/SE_SACL_PRESENT in control;
	// a present-but-NULL DACL ("D:NO_ACCESS_CONTROL") has dacl_null set.
	bool dacl_null, sacl_null;
	struct acl dacl, sacl;
};

void secdesc_init(struct secdesc *sd);
void secdesc_release(struct secdesc *sd);
void secdesc_copy(struct secdesc *dst, const struct secdesc *src);

// --- SDDL text ---
struct sddl_error {
	size_t offset;          // byte offset into the input where parsing failed
	char message[160];      // "unknown ACE type 'Antlers'", "conditional ACEs are not supported", ...
};
// Accepts what Windows' ConvertStringSecurityDescriptorToSecurityDescriptor accepts
// (see shared/testdata/sddl-windows). Aliases that need a domain fail with an error
// naming the missing SID when ctx lacks it.
bool sddl_parse(const char *s, size_t len, const struct sid_context *ctx, struct secdesc *out,
		struct sddl_error *err);
enum sddl_print_flags {
	SDDL_PRINT_DEFAULT = 0,
	// Artifacts gpoc writes print S-1-5-32-580 numerically (its alias RM is ambiguous
	// in old documentation; DOMAIN.md §1).
	SDDL_PRINT_NUMERIC_RM = 1,
};
// Prints exactly as ConvertSecurityDescriptorToStringSecurityDescriptor would.
void sddl_print(const struct secdesc *sd, const struct sid_context *ctx, unsigned flags,
		struct strbuf *out);

// --- Binary self-relative form ---
// Byte-identical to Windows: header, then SACL, DACL, owner, group, packed.
void secdesc_encode(const struct secdesc *sd, struct strbuf *out);
// Decodes any valid self-relative descriptor; false with a message on malformed input.
bool secdesc_decode(const uint8_t *p, size_t len, struct secdesc *out, struct strbuf *err);

// --- Rights vocabularies ---
enum rights_vocab {
	VOCAB_GENERIC,    // generic/standard/object names (SDDL codes spelled out)
	VOCAB_FILE,
	VOCAB_REGISTRY,
	VOCAB_COM_LAUNCH, // local-launch remote-launch local-activation remote-activation (+execute)
	VOCAB_COM_ACCESS, // local-access remote-access (+execute)
	VOCAB_WMI,        // enable execute-methods full-write partial-write provider-write
	                  // remote-enable read-security edit-security
};
// Parses a vocabulary name ("com-launch", "com-access", "wmi", "file", "registry", "generic").
bool rights_vocab_from_name(const char *name, enum rights_vocab *out);
// One right's name to its mask bit(s); false if the name is not in the vocabulary.
bool rights_from_name(enum rights_vocab v, const char *name, uint32_t *mask);
// All names of a vocabulary, NULL-terminated (for "did you mean" and docs).
const char *const *rights_names(enum rights_vocab v);
// Readable list "local launch, remote launch" of the bits of `mask`; bits without a
// name are printed as hex.
void rights_explain(enum rights_vocab v, uint32_t mask, struct strbuf *out);
// Mask of a grant in this vocabulary as Windows stores it (COM: EXECUTE added).
uint32_t rights_effective_mask(enum rights_vocab v, uint32_t mask);
// Validity rules of the vocabulary over a whole descriptor (COM: EXECUTE set in every
// ACE, no mixing of execute-only and local/remote ACEs; WMI: the SetSD rules). False
// with a message naming the offending ACE.
bool rights_validate(enum rights_vocab v, const struct secdesc *sd, struct strbuf *err);

// --- Operations ---
void acl_add_ace(struct acl *acl, const struct ace *ace);
// Merges `grants` into `base` (DACL): no duplicate ACEs (an ACE whose rights another
// ACE with the same type, flags, SID and object GUIDs already covers is dropped, equal
// SID+type+flags masks are ORed), canonical order: explicit deny, explicit allow,
// then inherited ACEs in their original order. Never drops an entry of `base`.
void secdesc_merge_dacl(struct secdesc *base, const struct ace *grants, size_t n);
// Removes every DACL ACE for `sid`; returns how many.
size_t secdesc_remove_sid(struct secdesc *sd, const struct sid *sid);
bool secdesc_equal(const struct secdesc *a, const struct secdesc *b);
// The rights `sid` gets from the DACL's allow ACEs, and those denied to it (exact SID
// match only: group membership is not known offline).
void secdesc_effective_rights(const struct secdesc *sd, const struct sid *sid, uint32_t *allowed,
			      uint32_t *denied);

// One line per ACE: "allow  Distributed COM Users (S-1-5-32-562): local launch, ...".
void secdesc_explain(const struct secdesc *sd, const struct sid_context *ctx, enum rights_vocab v,
		     struct strbuf *out);

// --- Additions (sd module): sizes, helpers and the decode command's entry point ---

// The binary ACL header stores its size in 16 bits.
enum { ACL_MAX_SIZE = 0xFFFF };
// True for OA, OD, OU, OL: the ACE types that carry object GUIDs.
bool ace_is_object(uint8_t type);
// The SDDL code of an ACE type ("A", "OA", "ML", ...), or NULL if it has none.
const char *ace_type_code(uint8_t type);
size_t ace_binary_size(const struct ace *ace);
size_t acl_binary_size(const struct acl *acl);
// The revision secdesc_encode writes: acl->revision if it is 3 or 4, else 4 when an
// object ACE is present, else 2 (so ACLs built with acl_add_ace need not set it).
uint8_t acl_effective_revision(const struct acl *acl);
// False with a message if an ACL would not fit the binary form (ACL_MAX_SIZE bytes).
// sddl_parse and secdesc_decode never produce such ACLs; code that builds ACLs with
// acl_add_ace or secdesc_merge_dacl calls this before secdesc_encode, which BUG()s.
bool secdesc_check_size(const struct secdesc *sd, struct strbuf *err);
// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lowercase, as Windows prints GUIDs in SDDL.
void guid_format_sddl(const struct guid *g, struct strbuf *out);
// Exactly 36 characters 8-4-4-4-12, hex digits in either case, no braces.
bool guid_parse_sddl(const char *s, size_t len, struct guid *out);
// For `gpoc decode`: `p` is a binary self-relative descriptor, or hex text of one
// (whitespace, commas and .reg line continuations between bytes are ignored, as is a
// leading "hex:"). Appends the canonical SDDL line, then secdesc_explain's lines.
// False with a message in `err` if the bytes are not a valid descriptor.
bool secdesc_describe_bytes(const uint8_t *p, size_t len, const struct sid_context *ctx,
			    enum rights_vocab v, struct strbuf *out, struct strbuf *err);
// The name rights_vocab_from_name() takes for `v`.
const char *rights_vocab_name(enum rights_vocab v);
// The explanation of one ACE, without a line break (secdesc_explain's line body).
void ace_explain(const struct ace *ace, const struct sid_context *ctx, enum rights_vocab v,
		 struct strbuf *out);

#endif
