// Benchmark: an intent with N grants compiled to every artifact, in memory (the
// pipeline of `gpoc build` up to, not including, the commit step).
//
//   bench_compile [GRANTS...]        default: 250 500 1000 2000 4000
//   GPOC_BENCH_TARGETS=model,sddl    only these targets (default: all)
//   GPOC_BENCH_STAGES=1              also time each stage on its own: libyaml's bare
//                                    parse (the floor), intent_load, model_build,
//                                    lint_model and every renderer (median of the runs)
//
// For each size it writes a generated intent to a temporary file, compiles it
// repeatedly, and prints the median and best wall time per compile on this core,
// the input size, and the memory the compile kept (the arena and the artifacts) so
// linear growth can be read off the rows. Run it on an otherwise idle machine; see
// bench/README.md for the targets and the figures measured.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <yaml.h>

#include "api/build.h"
#include "core/file.h"
#include "core/strbuf.h"
#include "intent/intent.h"
#include "model/model.h"
#include "render/render.h"
#include "review/lint.h"

static const char *source_dir(void)
{
	const char *s = getenv("GPOC_SOURCE_DIR");
	return s && *s ? s : GPOC_BENCH_SOURCE_DIR;
}

// A realistic mix: every principal gets remote WMI from its own /24; every fourth
// of the first 64 goes through the machine limits instead of Distributed COM Users, every tenth
// also enrols certificates, every seventh gets WinRM.
static void generate(size_t grants, struct strbuf *out)
{
	const char *dom = "S-1-5-21-1004336348-1177238915-682003330";
	strbuf_addf(out,
		    "gpoc: 1\n"
		    "policy: { name: bench-%zu, description: generated benchmark intent }\n"
		    "domain: { netbios: CONTOSO, sid: %s }\n"
		    "principals:\n",
		    grants, dom);
	for (size_t i = 0; i < grants; i++)
		strbuf_addf(out, "  p%zu: { name: 'CONTOSO\\Group%zu', sid: %s-%zu }\n", i, i, dom, 2000 + i);
	strbuf_addstr(out, "grants:\n");
	for (size_t i = 0; i < grants; i++) {
		const char *cap = i % 10 == 9 ? "certsvc-enroll" : i % 7 == 6 ? "winrm-wmi" : "remote-wmi";
		strbuf_addf(out, "  - to: p%zu\n    allow: %s\n    from: [10.%zu.%zu.0/24]\n", i, cap,
			    (i / 256) % 256, i % 256);
		// One namespace holds about 1,800 domain-SID ACEs (Windows' 64 KiB ACL):
		// past 2,000 grants, principals get an application namespace only.
		if (!strcmp(cap, "remote-wmi") && i < 2000) {
			strbuf_addf(out, "    namespaces: ['root\\cimv2', 'root\\app%zu']\n", i % 5);
			// A GPO's DCOM restriction is one SDDL string, which GptTmpl.inf caps
			// at 4096 characters: only a few principals go through the limits.
			if (i % 4 == 3 && i < 64)
				strbuf_addstr(out, "    via: machine-acl\n");
		} else if (i >= 2000 && strcmp(cap, "certsvc-enroll")) {
			strbuf_addf(out, "    namespaces: ['root\\app%zu']\n", i % 5);
		}
	}
}

// GPOC_BENCH_TARGETS=netsh,reg measures some targets only; default all.
static unsigned bench_targets(void)
{
	const char *list = getenv("GPOC_BENCH_TARGETS");
	if (!list || !*list)
		return TARGET_ALL;
	unsigned t = 0;
	char *copy = strdup(list), *save = NULL;
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save))
		t |= target_from_name(name);
	free(copy);
	return t ? t : TARGET_ALL;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

// The stages of build_run timed one by one, for GPOC_BENCH_STAGES=1: where the
// time goes, and what libyaml alone costs on the same text (no compile can beat it).
enum { STAGE_RUNS = 11 };

static const struct {
	const char *name;
	unsigned target;
	bool (*render)(struct render_ctx *ctx);
} stage_renderers[] = {
	{ "render model", TARGET_MODEL, render_model_json },
	{ "render sddl", TARGET_SDDL, render_sddl },
	{ "render netsh", TARGET_NETSH, render_netsh },
	{ "render reg", TARGET_REG, render_reg },
	{ "render ps1", TARGET_PS1, render_ps1 },
	{ "render gpo", TARGET_GPO, render_gpo },
	{ "render admx", TARGET_ADMX, render_admx },
	{ "render plan", TARGET_PLAN, render_plan },
};

enum { N_STAGES = 4 + sizeof(stage_renderers) / sizeof(stage_renderers[0]) };

static double yaml_parse_only(const struct strbuf *text)
{
	double t0 = now();
	yaml_parser_t p;
	yaml_event_t ev;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text->buf, text->len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev))
			break;
		bool end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (end)
			break;
	}
	yaml_parser_delete(&p);
	return now() - t0;
}

static int stages(const struct strbuf *text, const char *datadir, unsigned targets)
{
	static const char *const names[4] = { "libyaml parse only", "intent_load", "model_build", "lint_model" };
	double t[N_STAGES][STAGE_RUNS];
	size_t bytes[N_STAGES] = { 0 };
	for (int r = 0; r < STAGE_RUNS; r++) {
		struct arena a;
		arena_init(&a);
		struct diag d;
		diag_init(&d);
		struct src_file f = { .name = "bench.yaml", .text = text->buf, .len = text->len };
		struct intent in;
		struct model m;
		t[0][r] = yaml_parse_only(text);
		double t0 = now();
		bool ok = intent_load(&f, &a, &d, &in);
		t[1][r] = now() - t0;
		struct model_options opt = { .templates_dir = arena_printf(&a, "%s/templates", datadir) };
		t0 = now();
		ok = ok && model_build(&in, &opt, &a, &d, &m);
		t[2][r] = now() - t0;
		t0 = now();
		if (ok)
			lint_model(&m, &d);
		t[3][r] = now() - t0;
		if (!ok || d.errors) {
			diag_print_gcc(&d, stderr);
			return 1;
		}
		for (size_t i = 0; i < ARRAY_SIZE(stage_renderers); i++) {
			struct artifact_set out;
			artifact_set_init(&out);
			struct render_ctx ctx = { .m = &m, .out = &out, .d = &d, .datadir = datadir, .targets = targets,
						  .targets_from_cli = true };
			t0 = now();
			if ((targets & stage_renderers[i].target) && !stage_renderers[i].render(&ctx)) {
				diag_print_gcc(&d, stderr);
				return 1;
			}
			t[4 + i][r] = now() - t0;
			bytes[4 + i] = 0;
			for (size_t k = 0; k < out.n; k++)
				bytes[4 + i] += out.v[k]->bytes.len;
			artifact_set_release(&out);
		}
		diag_release(&d);
		arena_release(&a);
	}
	double total = 0;
	for (size_t s = 0; s < N_STAGES; s++) {
		qsort(t[s], STAGE_RUNS, sizeof(t[s][0]), cmp_double);
		if (s)
			total += t[s][STAGE_RUNS / 2];
		const char *name = s < 4 ? names[s] : stage_renderers[s - 4].name;
		printf("        %-20s median %8.2f ms", name, t[s][STAGE_RUNS / 2] * 1e3);
		if (bytes[s])
			printf("  output %9zu B", bytes[s]);
		printf("\n");
	}
	printf("        %-20s        %8.2f ms (sum of the stage medians after libyaml)\n", "total", total * 1e3);
	return 0;
}

static int run(size_t grants)
{
	struct strbuf text = STRBUF_INIT;
	generate(grants, &text);
	char path[] = "/tmp/gpoc-bench-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	if (fd < 0 || write(fd, text.buf, text.len) != (ssize_t)text.len) {
		perror("bench_compile: temporary intent");
		return 1;
	}
	close(fd);

	struct strbuf datadir = STRBUF_INIT;
	strbuf_addstr(&datadir, source_dir());
	const char *intents[] = { path };
	struct build_request req = { .intents = intents, .n_intents = 1, .targets = bench_targets(),
				     .datadir = datadir.buf };
	enum { RUNS = 21 };
	double t[RUNS];
	size_t kept = 0, artifact_bytes = 0;
	for (int r = 0; r < RUNS; r++) {
		struct build_session s;
		build_session_init(&s);
		struct diag d;
		diag_init(&d);
		struct strbuf err = STRBUF_INIT;
		struct artifact_set files;
		artifact_set_init(&files);
		double t0 = now();
		enum build_status st = build_run(&s, &req, &d, &err, &files);
		t[r] = now() - t0;
		if (st != BUILD_OK) {
			diag_print_gcc(&d, stderr);
			fprintf(stderr, "bench_compile: the generated intent did not compile: %s\n", err.buf);
			return 1;
		}
		artifact_bytes = 0;
		for (size_t i = 0; i < files.n; i++)
			artifact_bytes += files.v[i]->bytes.len;
		kept = s.arena.used_total + artifact_bytes;
		artifact_set_release(&files);
		strbuf_release(&err);
		diag_release(&d);
		build_session_release(&s);
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	printf("%6zu grants  input %8zu B  median %8.2f ms  best %8.2f ms  memory %9zu B (%.1fx input)  output %8zu B\n",
	       grants, text.len, t[RUNS / 2] * 1e3, t[0] * 1e3, kept, (double)kept / (double)text.len,
	       artifact_bytes);
	const char *st = getenv("GPOC_BENCH_STAGES");
	if (st && *st && strcmp(st, "0") && stages(&text, datadir.buf, bench_targets()))
		return 1;
	unlink(path);
	strbuf_release(&text);
	strbuf_release(&datadir);
	return 0;
}

int main(int argc, char **argv)
{
	size_t sizes[] = { 250, 500, 1000, 2000, 4000 };
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			if (run(strtoul(argv[i], NULL, 10)))
				return 1;
		return 0;
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (run(sizes[i]))
			return 1;
	return 0;
}
