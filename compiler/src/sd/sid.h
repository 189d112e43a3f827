#ifndef GPOC_SD_SID_H
#define GPOC_SD_SID_H

// Security identifiers ([MS-DTYP] 2.4.2) and the SDDL SID aliases (DOMAIN.md §3).
// CONTRACT header: the functions below are what other modules call; the sd module
// owns their implementation and may add more.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

enum { SID_MAX_SUB_AUTHORITIES = 15 };
#define SID_MAX_AUTHORITY ((UINT64_C(1) << 48) - 1)

struct sid {
	uint8_t revision; // always 1
	uint8_t sub_count;
	uint64_t authority; // 48 bits
	uint32_t sub[SID_MAX_SUB_AUTHORITIES];
};

// The domains that domain-relative aliases resolve against.
struct sid_context {
	bool has_domain;  // DA DU DG DC DD CA PA CN AP KA RS
	struct sid domain;
	bool has_forest;  // SA EA RO EK (forest root domain)
	struct sid forest;
	bool has_machine; // LA LG (the machine's own account domain)
	struct sid machine;
};

// Strict SID syntax for intents and command-line options: "S-1-" authority
// (decimal, or 0x hex, below 2^48) then 0..15 decimal sub-authorities that fit in 32
// bits. On failure returns false and points *err at a static message naming what
// is accepted. (The SDDL parser has its own, Windows-compatible lenient rules.)
bool sid_parse(const char *s, size_t len, struct sid *out, const char **err);
// Windows' text form: authority in decimal below 2^32, else 0x%llX hex.
void sid_format(const struct sid *sid, struct strbuf *out);
// The same into `buf` (at least SID_TEXT_MAX bytes, not NUL-terminated); returns
// the length. For printers that assemble a line in a local buffer.
enum { SID_TEXT_MAX = 192 };
size_t sid_format_buf(const struct sid *sid, char *buf);
bool sid_equal(const struct sid *a, const struct sid *b);
// A total order (for sorting and deduplication).
int sid_compare(const struct sid *a, const struct sid *b);
// True if `sid` is `domain` plus exactly one more sub-authority; *rid gets it.
bool sid_in_domain(const struct sid *sid, const struct sid *domain, uint32_t *rid);
// Bytes of the binary form ([MS-DTYP] 2.4.2.2): 8 + 4 * sub_count.
size_t sid_binary_size(const struct sid *sid);
void sid_encode(const struct sid *sid, struct strbuf *out);

enum alias_result {
	ALIAS_OK,
	ALIAS_UNKNOWN,
	ALIAS_NEEDS_DOMAIN,  // DA, DU, ... without ctx->has_domain
	ALIAS_NEEDS_FOREST,  // SA, EA, ... without ctx->has_forest (nor has_domain as fallback)
	ALIAS_NEEDS_MACHINE, // LA, LG without ctx->has_machine (nor has_domain as fallback)
	ALIAS_REFUSED,       // BR, IF, LK: Windows rejects them
};
// Two-letter alias (case-insensitive) to SID.
enum alias_result sid_from_alias(const char *alias, const struct sid_context *ctx, struct sid *out);
// The alias Windows prints for `sid` in this context, or NULL.
const char *sid_to_alias(const struct sid *sid, const struct sid_context *ctx);
// A readable English name for well-known SIDs ("Distributed COM Users",
// "Everyone", "Domain Admins" for domain RIDs), or NULL.
const char *sid_wellknown_name(const struct sid *sid, const struct sid_context *ctx);

#endif
