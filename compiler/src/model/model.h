#ifndef GPOC_MODEL_MODEL_H
#define GPOC_MODEL_MODEL_H

// The model: every effect an intent has on a Windows host, each tagged with the
// intent lines that caused it. Expansion (expand.c) builds it from the typed intent
// and the capability templates; every renderer reads it and nothing else.
// CONTRACT header: renderers, plan and lint depend on these structs.
//
// Order is part of the contract: every array is sorted by a stable key (documented
// per array) so that output is deterministic and independent of grant order.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/strbuf.h"
#include "core/diag.h"
#include "core/fwrule.h"
#include "core/regvalue.h"
#include "intent/intent.h"
#include "sd/secdesc.h"

// Where an effect came from: the grant in the intent, the capability it named, and
// the line of the capability template that produced the effect.
struct provenance {
	struct src_pos grant;     // the grant's `allow:` position
	const char *capability;   // "remote-wmi", or the primitive's name
	struct src_pos tmpl;      // position in the template file (file NULL for primitives)
};

struct effect_meta {
	struct provenance *prov;  // at least one; identical effects collapse, keeping all
	size_t n_prov;
	const char *risk;         // what is weakened ("Everyone gets remote launch"), or NULL
	const char *risk_reason;  // the grant's accept-risk text when risk != NULL
};

enum descriptor_kind {
	DESC_MACHINE_LAUNCH,  // HKLM\SOFTWARE\Microsoft\Ole\MachineLaunchRestriction (VOCAB_COM_LAUNCH)
	DESC_MACHINE_ACCESS,  // ...\MachineAccessRestriction (VOCAB_COM_ACCESS)
	DESC_APPID_LAUNCH,    // HKLM\SOFTWARE\Classes\AppID\{guid}\LaunchPermission
	DESC_APPID_ACCESS,    // ...\AccessPermission
	DESC_NAMESPACE,       // WMI namespace security (VOCAB_WMI), applied online by ps1
};

struct m_ace {
	const struct principal *who; // may lack a SID: renderers that need one say so
	uint8_t type;                // ACE_ALLOW or ACE_DENY
	uint8_t flags;               // ACE_CI etc.
	uint32_t mask;               // as stored (COM masks include EXECUTE)
	struct effect_meta meta;
};

struct m_descriptor {
	enum descriptor_kind kind;
	const char *name;          // "MachineLaunchRestriction", "{D99E...} AccessPermission", "root\\cimv2"
	const char *target;        // AppID "{GUID}" (uppercase) or namespace, NULL for machine limits
	enum rights_vocab vocab;
	bool has_baseline;         // machine-acl merges into it; namespaces note it for the plan
	const char *baseline_name; // "machine-launch-restriction" (templates/baselines) or override
	struct secdesc baseline;
	struct src_pos baseline_pos; // the intent's override, or the baseline file
	struct m_ace *aces;        // canonical order: deny before allow, then by SID
	size_t n_aces;
};

struct m_member {
	const struct principal *group;  // always has a SID (builtin groups) or a name
	const struct principal *member;
	struct effect_meta meta;
};

struct m_firewall {
	struct fw_rule rule;            // rule.id unique; sorted by id
	struct effect_meta meta;
};

struct m_registry {
	struct reg_value value;         // hive HKLM; sorted by key, then name (case-insensitive)
	bool revert_delete;             // revert deletes the value...
	struct reg_value revert;        // ...or writes this (when !revert_delete)
	const char *display;            // short title for ADMX/plan ("Allow anonymous WMI callbacks")
	const char *explain;            // explain text for ADMX, or NULL
	bool stock_template;            // a stock ADMX already covers it (no gpoc ADMX entry)
	struct effect_meta meta;
};

enum step_kind {
	STEP_CERTSVC_DCOM_REAPPLY,  // certutil -setreg SetupStatus -SETUP_DCOM_SECURITY_UPDATED_FLAG; restart certsvc
	STEP_WINMGMT_STANDALONE,    // winmgmt /standalonehost <level>; restart winmgmt (revert: /sharedhost)
};

struct m_step {
	enum step_kind kind;
	int level;                  // STEP_WINMGMT_STANDALONE: authentication level (6)
	struct effect_meta meta;
};

struct model {
	const struct intent *intent;
	struct sid_context sids;
	struct m_descriptor *descriptors; // sorted by kind, then target
	size_t n_descriptors;
	struct m_member *members;         // sorted by group SID/name, then member
	size_t n_members;
	struct m_firewall *rules;
	size_t n_rules;
	struct m_registry *values;
	size_t n_values;
	struct m_step *steps;             // sorted by kind
	size_t n_steps;
	const char **files_read;          // intent, capability and baseline files (for --depfile)
	size_t n_files_read;
	const char *templates_dir;        // as given in model_options (see model_display_path)
};

struct model_options {
	const char *templates_dir;        // .../templates (capabilities/ and baselines/)
	const char *const *extra_capability_dirs; // --capabilities DIR, in order given
	size_t n_extra_capability_dirs;
};

// Expands `in` into *out. Returns false with every error in `d` (unknown capability
// or parameter, missing `from`, ungated risk, contradictions citing both places).
bool model_build(const struct intent *in, const struct model_options *opt, struct arena *a,
		 struct diag *d, struct model *out);

// The descriptor as it should end up: the baseline (when with_baseline and present)
// merged with the intent's ACEs in canonical order. Fails with an error at the
// grant's position if an ACE's principal has no SID.
bool model_descriptor_build(const struct model *m, const struct m_descriptor *desc,
			    bool with_baseline, struct secdesc *out, struct diag *d);

// --- Names (model.json, descriptors.txt, messages) ---

const char *descriptor_kind_name(enum descriptor_kind k); // "machine-launch", "appid-access", ...
const char *model_vocab_name(enum rights_vocab v);        // "com-launch", "wmi", ...
const char *step_kind_name(enum step_kind k);             // "winmgmt-standalone-host", ...

// A file name as artifacts print it: paths under m->templates_dir become
// "templates/...", so output does not depend on where gpoc is installed; other
// paths (the intent, --capabilities directories) stay as given.
void model_display_path(const struct model *m, const char *path, struct strbuf *out);

#endif
