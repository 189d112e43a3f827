#ifndef GPOC_RENDER_RENDER_H
#define GPOC_RENDER_RENDER_H

// Renderers: one per build target, each turning the model into files of an
// artifact set. CONTRACT header. Every renderer validates what it produced with an
// independent reader (re-parse and compare with the model) before returning; a
// mismatch is a gpoc bug and is reported as an error naming the artifact, so the
// commit step never writes a file that did not survive its own check.
//
// A renderer returns false after adding errors to ctx->d: either input the target
// cannot express (a principal without a SID in a binary format, a name cmd.exe
// cannot quote), reported at the intent line, or a failed self-check.

#include <stdbool.h>

#include "core/artifact.h"
#include "core/diag.h"
#include "model/model.h"

struct render_ctx {
	const struct model *m;
	struct artifact_set *out;
	struct diag *d;
	const char *datadir;     // holds schemas/ (XSDs) and templates/
	unsigned targets;        // TARGET_* bits being rendered in this build; 0 = the
	                         // intent's outputs (renderers that run another target's
	                         // files check that it is among them)
	bool targets_from_cli;   // targets came from --target, not from `outputs:`
};

bool render_model_json(struct render_ctx *ctx);   // model/model.json
bool render_sddl(struct render_ctx *ctx);         // sddl/descriptors.txt
bool render_netsh(struct render_ctx *ctx);        // netsh/firewall.netsh, apply.cmd, revert.cmd
bool render_reg(struct render_ctx *ctx);          // reg/apply.reg, reg/revert.reg
bool render_ps1(struct render_ctx *ctx);          // ps1/apply-namespaces.ps1, revert-namespaces.ps1
bool render_gpo(struct render_ctx *ctx);          // gpo/{BackupId}/...
bool render_admx(struct render_ctx *ctx);         // admx/gpoc-<policy>.admx, admx/en-US/...adml
bool render_plan(struct render_ctx *ctx);         // plan/plan.md, plan/plan.json

#endif
