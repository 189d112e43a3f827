// Hand-built intents and models for the review module's unit tests: each test
// states exactly the effects it lints or diffs, without going through templates.
#ifndef GPOC_TESTS_REVIEW_FIXTURE_H
#define GPOC_TESTS_REVIEW_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/model.h"

enum { FX_MAX = 32 };

#define FX_DOMAIN "S-1-5-21-1004336348-1177238915-682003330"

struct fx {
	struct arena a;
	struct src_file file;
	struct intent in;
	struct model m;
	size_t cap_desc;
};

// An intent "t.yaml" in domain CONTOSO (FX_DOMAIN), no grants, no effects.
void fx_init(struct fx *f, const char *file_name);
void fx_release(struct fx *f);
void fx_no_domain(struct fx *f);

// A principal; sid may be NULL (name only), name may be NULL (SID only).
const struct principal *fx_principal(struct fx *f, const char *name, const char *sid);
// A grant whose `allow:` sits at line:12 (and its mapping at line:5).
struct grant *fx_grant(struct fx *f, const struct principal *to, uint32_t line, const char *allow);
void fx_suppress(struct fx *f, struct grant *g, const char *rule, uint32_t line);
// Provenance of one grant (or two).
struct effect_meta fx_meta(struct fx *f, const struct grant *g);
struct effect_meta fx_meta2(struct fx *f, const struct grant *g1, const struct grant *g2);
void fx_risk(struct effect_meta *meta, const char *risk, const char *reason);

// baseline_sddl NULL: no baseline.
struct m_descriptor *fx_descriptor(struct fx *f, enum descriptor_kind k, const char *target,
				   const char *baseline_name, const char *baseline_sddl);
struct m_ace *fx_ace(struct fx *f, struct m_descriptor *d, const struct principal *who, uint8_t type,
		     uint8_t flags, uint32_t mask, struct effect_meta meta);
struct m_member *fx_member(struct fx *f, const struct principal *group, const struct principal *member,
			   struct effect_meta meta);
// An inbound allow TCP rule on `ports` with the given remote addresses (NULL-terminated list, or NULL = any).
struct fw_rule *fx_rule(struct fx *f, const char *id, const char *ports, const char *const *addrs,
			struct effect_meta meta);
struct m_registry *fx_dword(struct fx *f, const char *key, const char *name, uint32_t value,
			    struct effect_meta meta);
struct m_step *fx_step(struct fx *f, enum step_kind kind, int level, struct effect_meta meta);

#endif
