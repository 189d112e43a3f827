#include "api/build.h"

#include <stdlib.h>
#include <string.h>

#include "api/commit.h"
#include "core/arena.h"
#include "core/file.h"
#include "intent/intent.h"
#include "model/model.h"
#include "render/render.h"
#include "review/depfile.h"
#include "review/lint.h"

void build_session_init(struct build_session *s)
{
	memset(s, 0, sizeof(*s));
	arena_init(&s->arena);
}

void build_session_release(struct build_session *s)
{
	for (size_t i = 0; i < s->n_sources; i++) {
		free(s->sources[i]->name);
		free(s->sources[i]->text);
		free(s->sources[i]);
	}
	free(s->sources);
	arena_release(&s->arena);
	build_session_init(s);
}

static const struct src_file *keep_source(struct build_session *s, const char *path, struct strbuf *text)
{
	struct build_source *src = xcalloc(1, sizeof(*src));
	src->name = xstrdup(strcmp(path, "-") ? path : "<stdin>");
	size_t len;
	src->text = strbuf_detach(text, &len);
	src->file.name = src->name;
	src->file.text = src->text;
	src->file.len = len;
	GROW(s->sources, s->alloc_sources, s->n_sources + 1);
	s->sources[s->n_sources++] = src;
	return &src->file;
}

static const struct {
	unsigned target;
	bool (*render)(struct render_ctx *ctx);
} renderers[] = {
	{ TARGET_MODEL, render_model_json },
	{ TARGET_SDDL, render_sddl },
	{ TARGET_NETSH, render_netsh },
	{ TARGET_REG, render_reg },
	{ TARGET_PS1, render_ps1 },
	{ TARGET_GPO, render_gpo },
	{ TARGET_ADMX, render_admx },
	{ TARGET_PLAN, render_plan },
};

// Moves every artifact of `from` into `to` under `prefix`.
static void move_artifacts(struct artifact_set *to, struct artifact_set *from, const char *prefix)
{
	for (size_t i = 0; i < from->n; i++) {
		struct strbuf path = STRBUF_INIT;
		strbuf_addf(&path, "%s%s", prefix, from->v[i]->path);
		struct strbuf *dst = artifact_add(to, path.buf);
		strbuf_release(&path);
		*dst = from->v[i]->bytes;
		strbuf_init(&from->v[i]->bytes, 0);
	}
	artifact_set_release(from);
}

struct compiled {
	const char *policy;         // arena
	struct src_pos policy_pos;
	const char **files_read;    // arena
	size_t n_files_read;
};

static bool compile_one(const struct src_file *f, const struct build_request *req, struct arena *a,
			struct diag *d, struct artifact_set *out, struct compiled *info)
{
	struct intent in;
	if (!intent_load(f, a, d, &in))
		return false;
	info->policy = in.policy.name;
	info->policy_pos = in.policy.pos;

	struct model_options opt = {
		.templates_dir = arena_printf(a, "%s/templates", req->datadir),
		.extra_capability_dirs = req->capability_dirs,
		.n_extra_capability_dirs = req->n_capability_dirs,
	};
	struct model m;
	if (!model_build(&in, &opt, a, d, &m))
		return false;
	info->files_read = m.files_read;
	info->n_files_read = m.n_files_read;
	lint_model(&m, d);
	if (d->errors)
		return false;

	unsigned targets = req->targets ? req->targets : in.outputs;
	struct render_ctx ctx = { .m = &m, .out = out, .d = d, .datadir = req->datadir, .targets = targets,
				  .targets_from_cli = req->targets != 0 };
	bool ok = true;
	for (size_t i = 0; i < ARRAY_SIZE(renderers); i++)
		if ((targets & renderers[i].target) && !renderers[i].render(&ctx))
			ok = false;
	return ok && !d->errors;
}

enum build_status build_run(struct build_session *s, const struct build_request *req, struct diag *d,
			    struct strbuf *err, struct artifact_set *files)
{
	struct artifact_set all;
	artifact_set_init(&all);
	struct arena *a = &s->arena;
	enum build_status status = BUILD_OK;
	struct compiled *info = xcalloc(req->n_intents ? req->n_intents : 1, sizeof(*info));
	size_t stdin_uses = 0;

	for (size_t i = 0; i < req->n_intents; i++)
		if (!strcmp(req->intents[i], "-") && ++stdin_uses > 1) {
			strbuf_addstr(err, "standard input ('-') can be given only once");
			status = BUILD_IO_ERROR;
			goto out;
		}

	for (size_t i = 0; i < req->n_intents; i++) {
		struct strbuf text = STRBUF_INIT;
		if (!read_file(req->intents[i], &text, err)) {
			strbuf_release(&text);
			status = BUILD_IO_ERROR;
			goto out;
		}
		const struct src_file *f = keep_source(s, req->intents[i], &text);
		struct artifact_set one;
		artifact_set_init(&one);
		size_t errors_before = d->errors;
		if (!compile_one(f, req, a, d, &one, &info[i]) || d->errors > errors_before)
			status = BUILD_INPUT_ERRORS;
		if (status == BUILD_OK) {
			// One intent writes to DIR itself; several get DIR/<policy>/ each.
			const char *prefix = "";
			if (req->n_intents > 1)
				prefix = arena_printf(a, "%s/", info[i].policy);
			for (size_t j = 0; j < i && req->n_intents > 1; j++) {
				if (info[j].policy && !strcmp(info[j].policy, info[i].policy)) {
					diag_error(d, info[i].policy_pos,
						   "policy name '%s' is used by two intents of this build; "
						   "each intent's output goes to a directory named after its policy",
						   info[i].policy);
					diag_note(d, info[j].policy_pos, "'%s' is also named here", info[j].policy);
					status = BUILD_INPUT_ERRORS;
				}
			}
			if (status == BUILD_OK)
				move_artifacts(&all, &one, prefix);
		}
		artifact_set_release(&one);
	}
	if (status != BUILD_OK)
		goto out;

	artifact_set_sort(&all);
	if (req->output_dir && !commit_artifacts(req->output_dir, &all, err)) {
		status = BUILD_IO_ERROR;
		goto out;
	}
	if (req->depfile) {
		// The depfile names the output directory as the target and every file read.
		const char **deps = NULL;
		size_t n = 0, alloc = 0;
		for (size_t i = 0; i < req->n_intents; i++)
			for (size_t j = 0; j < info[i].n_files_read; j++) {
				GROW(deps, alloc, n + 1);
				deps[n++] = info[i].files_read[j];
			}
		bool ok = depfile_write(req->depfile, req->output_dir ? req->output_dir : "check",
					(const char *const *)deps, n, err);
		free(deps);
		if (!ok)
			status = BUILD_IO_ERROR;
	}
out:
	if (files && status == BUILD_OK) {
		*files = all;
		artifact_set_init(&all);
	}
	artifact_set_release(&all);
	free(info);
	return status;
}

bool build_compile_text(struct build_session *s, const char *name, const char *text, size_t len,
			const struct build_request *req, struct diag *d, struct artifact_set *out)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_add(&sb, text, len);
	const struct src_file *f = keep_source(s, name, &sb);
	struct compiled info = { 0 };
	return compile_one(f, req, &s->arena, d, out, &info);
}
