#ifndef GPOC_REVIEW_DESCRIBE_H
#define GPOC_REVIEW_DESCRIBE_H

// Words for model entities, shared by the lints and the plan so that a finding and
// a plan line name the same thing the same way. Internal to the review module.

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/strbuf.h"
#include "model/model.h"

// Well-known principals the rules and the plan reason about. Matched by SID, or
// for principals given only by name, by their English account name.
enum wk_principal {
	WK_NONE,
	WK_EVERYONE,           // S-1-1-0
	WK_ANONYMOUS,          // S-1-5-7
	WK_NETWORK,            // S-1-5-2
	WK_AUTHENTICATED,      // S-1-5-11
	WK_BUILTIN_USERS,      // S-1-5-32-545
	WK_DOMAIN_USERS,       // domain SID + 513
	WK_ADMINISTRATORS,     // S-1-5-32-544
	WK_DCOM_USERS,         // S-1-5-32-562
	WK_PERFLOG_USERS,      // S-1-5-32-559
	WK_REMOTE_MGMT_USERS,  // S-1-5-32-580
};
enum wk_principal wk_classify(const struct principal *p, const struct sid_context *ctx);
enum wk_principal wk_classify_sid(const struct sid *sid, const struct sid_context *ctx);
// True for principals that stand for (nearly) every account: Everyone, ANONYMOUS
// LOGON, NETWORK, Authenticated Users, BUILTIN\Users, Domain Users.
bool wk_is_broad(enum wk_principal w);

// "CONTOSO\Monitoring", else the well-known name, else the alias, else the SID.
void describe_principal(const struct principal *p, const struct sid_context *ctx, struct strbuf *out);
void describe_sid(const struct sid *sid, const struct sid_context *ctx, struct strbuf *out);
// Identity for matching principals across two models: the SID text when known,
// else "name:" and the lowercased name.
void principal_identity(const struct principal *p, struct strbuf *out);

// "DCOM machine launch limit", "WMI namespace root\cimv2", "DCOM AppID {..} access permission".
void describe_descriptor(const struct m_descriptor *d, struct strbuf *out);
// The registry value name Windows stores the descriptor under, or NULL for namespaces.
const char *descriptor_value_name(enum descriptor_kind k);

// Readable rights list of a mask in a vocabulary (sd's rights_explain).
void describe_rights(enum rights_vocab v, uint32_t mask, struct strbuf *out);

// "HKLM\SOFTWARE\...\Name".
void describe_reg_path(const struct reg_value *v, struct strbuf *out);
// The value's data for a reader: DWORDs in decimal, strings as text, else hex bytes.
void describe_reg_data(const struct reg_value *v, struct strbuf *out);
// HKLM (or hive-less, as in Registry.pol) value at key\name, ASCII case-insensitive.
bool reg_value_is(const struct reg_value *v, const char *key, const char *name);
// A REG_DWORD's number; false for any other type or size.
bool reg_value_dword(const struct reg_value *v, uint32_t *out);

// qsort that accepts an empty (possibly NULL) array, which qsort itself does not.
static inline void sort_items(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

// "intent.yaml:14" (no column), or "" when the position has no file.
void describe_pos(struct src_pos pos, struct strbuf *out);

#endif
