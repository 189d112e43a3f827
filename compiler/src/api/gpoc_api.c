// The public API of gpoc.h, a thin layer over the build pipeline and the sd module.
#define _GNU_SOURCE
#include "gpoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/build.h"
#include "intent/intent.h"
#include "review/diag_output.h"
#include "sd/secdesc.h"

#ifndef GPOC_VERSION
#error "GPOC_VERSION must be defined by the build"
#endif

const char *gpoc_version(void)
{
	return GPOC_VERSION;
}

void gpoc_free(void *p)
{
	free(p);
}

static char *diagnostics_text(const struct diag *d, int format)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	if (format == GPOC_DIAGNOSTICS_JSON)
		diag_print_json(d, f);
	else if (format == GPOC_DIAGNOSTICS_SARIF)
		diag_print_sarif(d, f);
	else
		diag_print_gcc(d, f);
	fclose(f);
	return text;
}

int gpoc_build(const struct gpoc_build_options *options, char **diagnostics)
{
	struct strbuf err = STRBUF_INIT;
	struct build_request req = {
		.intents = options->intents,
		.n_intents = options->n_intents,
		.output_dir = options->output_dir,
		.capability_dirs = options->capability_dirs,
		.n_capability_dirs = options->n_capability_dirs,
		.datadir = options->datadir,
		.depfile = options->depfile,
	};
	int status;
	struct diag d;
	diag_init(&d);
	struct build_session session;
	build_session_init(&session);
	if (!options->datadir) {
		strbuf_addstr(&err, "gpoc_build: options->datadir is required");
		status = GPOC_IO_ERROR;
	} else if (options->targets && !targets_parse(options->targets, &req.targets, &err)) {
		status = GPOC_IO_ERROR;
	} else {
		status = (int)build_run(&session, &req, &d, &err, NULL);
	}
	if (status == GPOC_IO_ERROR)
		diag_error(&d, (struct src_pos){ 0 }, "%s", err.buf);
	if (diagnostics)
		*diagnostics = diagnostics_text(&d, options->diagnostics_format);
	diag_release(&d);
	build_session_release(&session);
	strbuf_release(&err);
	return status;
}

int gpoc_sddl_canonicalize(const char *sddl, const char *domain_sid, char **out, char **error)
{
	struct sid_context ctx = { 0 };
	*out = NULL;
	if (error)
		*error = NULL;
	if (domain_sid) {
		const char *why;
		if (!sid_parse(domain_sid, strlen(domain_sid), &ctx.domain, &why)) {
			if (error)
				*error = xstrdup(why);
			return GPOC_INPUT_ERRORS;
		}
		ctx.has_domain = true;
	}
	struct secdesc sd;
	struct sddl_error e;
	if (!sddl_parse(sddl, strlen(sddl), &ctx, &sd, &e)) {
		if (error) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_addf(&sb, "at offset %zu: %s", e.offset, e.message);
			*error = strbuf_detach(&sb, NULL);
		}
		return GPOC_INPUT_ERRORS;
	}
	struct strbuf sb = STRBUF_INIT;
	sddl_print(&sd, &ctx, SDDL_PRINT_DEFAULT, &sb);
	secdesc_release(&sd);
	*out = strbuf_detach(&sb, NULL);
	return GPOC_OK;
}
