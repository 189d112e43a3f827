// render_plan: plan/plan.md and plan/plan.json, what the intent grants.
//
// The plan target is review/plan.h's plan of the model against nothing: every
// effect is an addition, with the intent lines behind it, the artifacts that carry
// it, its risk acceptances, the notes on what Windows does with it, and the lint
// findings. `gpoc plan OLD NEW` produces the same documents for a change.
//
// Self-check before returning: plan.json must be well-formed JSON (json_valid, an
// independent recogniser) and plan.md valid UTF-8 with balanced <details>; and
// the plan must account for the model: one addition per ACE, membership, firewall
// rule, registry value and step (baseline entries aside), nothing removed or changed.
#include "render/render.h"

#include <string.h>

#include "core/utf.h"
#include "review/json.h"
#include "review/plan.h"

static size_t count_substr(const char *s, const char *needle)
{
	size_t n = 0, k = strlen(needle);
	for (const char *p = strstr(s, needle); p; p = strstr(p + k, needle))
		n++;
	return n;
}

static bool check_plan(struct render_ctx *ctx, const struct plan *p, const struct strbuf *md,
		       const struct strbuf *js)
{
	const struct model *m = ctx->m;
	struct src_pos none = { 0 };
	size_t bad;
	if (!json_valid(js->buf, js->len, JSON_MAX_DEPTH, &bad)) {
		diag_error(ctx->d, none, "plan/plan.json failed its self-check: not valid JSON at byte %zu", bad);
		return false;
	}
	if (!utf8_valid(md->buf, md->len, &bad) ||
	    count_substr(md->buf, "<details>") != count_substr(md->buf, "</details>")) {
		diag_error(ctx->d, none, "plan/plan.md failed its self-check: invalid UTF-8 or unbalanced <details>");
		return false;
	}
	size_t want[PLAN_POLICY + 1] = { 0 }, got[PLAN_POLICY + 1] = { 0 };
	for (size_t i = 0; i < m->n_descriptors; i++)
		want[PLAN_ACE] += m->descriptors[i].n_aces;
	want[PLAN_MEMBER] = m->n_members;
	want[PLAN_FIREWALL] = m->n_rules;
	want[PLAN_REGISTRY] = m->n_values;
	want[PLAN_STEP] = m->n_steps;
	for (size_t i = 0; i < p->n; i++) {
		if (p->v[i].op != PLAN_ADD) {
			diag_error(ctx->d, none, "plan/plan.md failed its self-check: a change against nothing "
				   "is not an addition ('%s')", p->v[i].object);
			return false;
		}
		got[p->v[i].kind]++;
	}
	for (int k = PLAN_ACE; k <= PLAN_STEP; k++)
		if (k != PLAN_BASELINE && want[k] != got[k]) {
			diag_error(ctx->d, none, "plan/plan.md failed its self-check: %zu effects of kind %d "
				   "in the model, %zu in the plan", want[k], k, got[k]);
			return false;
		}
	return true;
}

bool render_plan(struct render_ctx *ctx)
{
	struct plan p;
	plan_compute(&p, NULL, ctx->m);
	struct strbuf md = STRBUF_INIT, js = STRBUF_INIT;
	plan_markdown(&p, &md);
	plan_json(&p, &js);
	bool ok = check_plan(ctx, &p, &md, &js);
	if (ok) {
		artifact_add_buf(ctx->out, "plan/plan.md", &md);
		artifact_add_buf(ctx->out, "plan/plan.json", &js);
	}
	strbuf_release(&md);
	strbuf_release(&js);
	plan_release(&p);
	return ok;
}
