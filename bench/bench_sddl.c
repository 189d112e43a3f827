// bench_sddl: descriptors per second for canon + encode (sddl_parse, sddl_print,
// secdesc_encode) over a corpus, on one core.
//
//   bench_sddl [--seconds N | --passes N] [--domain-sid SID] [FILE...]
//
// FILEs hold one SDDL string per line ('#' lines and blank lines skipped); a line
// "INPUT -> OUTPUT" (the shared/testdata/sddl-windows format) contributes INPUT.
// Without FILEs it reads bench/sddl-corpus.txt and every file of
// $GPOC_SHARED_DIR/testdata/sddl-windows (default: ../shared beside the source).
// Lines the parser refuses are counted and left out of the timed set, so the
// figure is for descriptors actually converted. Time is the thread's CPU time.
// --passes runs the corpus a fixed number of times, for instruction counts under
// valgrind --tool=callgrind when the machine is too busy for stable timings.
// Speed is measured, never asserted.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/strbuf.h"
#include "sd/secdesc.h"

struct corpus {
	char **lines;
	size_t *lens;
	size_t n, alloc, bytes, refused;
};

// CPU time of this thread: on a shared machine, wall time would count the time
// other processes held the core.
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add_line(struct corpus *c, const char *p, size_t len, const struct sid_context *ctx)
{
	struct secdesc sd;
	struct sddl_error err;
	if (!sddl_parse(p, len, ctx, &sd, &err)) {
		c->refused++;
		return;
	}
	secdesc_release(&sd);
	if (c->n == c->alloc) {
		c->alloc = c->alloc ? 2 * c->alloc : 256;
		c->lines = xrealloc(c->lines, c->alloc * sizeof(*c->lines));
		c->lens = xrealloc(c->lens, c->alloc * sizeof(*c->lens));
	}
	c->lines[c->n] = xstrndup(p, len);
	c->lens[c->n++] = len;
	c->bytes += len;
}

static int load(struct corpus *c, const char *path, const struct sid_context *ctx)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "bench_sddl: cannot open '%s'\n", path);
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) >= 0) {
		size_t len = (size_t)n;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (!len || line[0] == '#')
			continue;
		line[len] = '\0';
		char *sep = strstr(line, " -> ");
		if (sep)
			len = (size_t)(sep - line);
		add_line(c, line, len, ctx);
	}
	free(line);
	fclose(f);
	return 0;
}

static int load_windows_cases(struct corpus *c, const struct sid_context *ctx)
{
	const char *shared = getenv("GPOC_SHARED_DIR");
	struct strbuf dir = STRBUF_INIT;
	if (shared && *shared)
		strbuf_addf(&dir, "%s/testdata/sddl-windows", shared);
	else
		strbuf_addf(&dir, "%s/../shared/testdata/sddl-windows", GPOC_SOURCE_DIR);
	DIR *d = opendir(dir.buf);
	if (!d) {
		fprintf(stderr, "bench_sddl: cannot open '%s'; set GPOC_SHARED_DIR\n", dir.buf);
		strbuf_release(&dir);
		return -1;
	}
	// Sorted, so the corpus is the same on every machine.
	char *names[64];
	size_t nn = 0;
	struct dirent *e;
	while ((e = readdir(d)) && nn < 64) {
		size_t l = strlen(e->d_name);
		if (l > 4 && !strcmp(e->d_name + l - 4, ".txt"))
			names[nn++] = xstrdup(e->d_name);
	}
	closedir(d);
	for (size_t i = 1; i < nn; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	int rc = 0;
	for (size_t i = 0; i < nn; i++) {
		struct strbuf path = STRBUF_INIT;
		strbuf_addf(&path, "%s/%s", dir.buf, names[i]);
		if (load(c, path.buf, ctx))
			rc = -1;
		strbuf_release(&path);
		free(names[i]);
	}
	strbuf_release(&dir);
	return rc;
}

int main(int argc, char **argv)
{
	double seconds = 3.0;
	long passes = 0;
	const char *domain = "S-1-5-21-3623811015-3361044348-30300820";
	int first_file = argc;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			seconds = atof(argv[++i]);
		} else if (!strcmp(argv[i], "--passes") && i + 1 < argc) {
			passes = atol(argv[++i]);
		} else if (!strcmp(argv[i], "--domain-sid") && i + 1 < argc) {
			domain = argv[++i];
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: bench_sddl [--seconds N | --passes N] [--domain-sid SID] "
				"[FILE...]\n");
			return 2;
		} else {
			first_file = i;
			break;
		}
	}
	struct sid_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	const char *why;
	if (!sid_parse(domain, strlen(domain), &ctx.domain, &why)) {
		fprintf(stderr, "bench_sddl: bad domain SID '%s': %s\n", domain, why);
		return 2;
	}
	ctx.has_domain = true;

	struct corpus c = { 0 };
	if (first_file < argc) {
		for (int i = first_file; i < argc; i++)
			if (load(&c, argv[i], &ctx))
				return 2;
	} else if (load(&c, GPOC_SOURCE_DIR "/bench/sddl-corpus.txt", &ctx) ||
		   load_windows_cases(&c, &ctx)) {
		return 2;
	}
	if (!c.n) {
		fprintf(stderr, "bench_sddl: empty corpus\n");
		return 2;
	}

	struct strbuf text = STRBUF_INIT, bin = STRBUF_INIT;
	size_t done = 0, out_bytes = 0;
	double start = now(), elapsed = 0;
	do {
		for (size_t i = 0; i < c.n; i++) {
			struct secdesc sd;
			struct sddl_error err;
			if (!sddl_parse(c.lines[i], c.lens[i], &ctx, &sd, &err))
				return 1; // accepted while loading: cannot happen
			strbuf_reset(&text);
			strbuf_reset(&bin);
			sddl_print(&sd, &ctx, SDDL_PRINT_DEFAULT, &text);
			secdesc_encode(&sd, &bin);
			out_bytes += text.len + bin.len;
			secdesc_release(&sd);
		}
		done += c.n;
		elapsed = now() - start;
	} while (passes ? (long)(done / c.n) < passes : elapsed < seconds);

	printf("corpus: %zu descriptors (%zu bytes of SDDL), %zu lines refused\n", c.n, c.bytes,
	       c.refused);
	printf("canon+encode: %zu descriptors in %.2f s of CPU = %.0f descriptors/s, %.1f MB/s of SDDL, "
	       "%.0f ns each\n", done, elapsed, (double)done / elapsed,
	       (double)c.bytes * ((double)done / (double)c.n) / elapsed / 1e6,
	       elapsed / (double)done * 1e9);
	// Keeps the work observable so the loop cannot be optimised away.
	printf("output: %zu bytes of SDDL and binary\n", out_bytes);
	for (size_t i = 0; i < c.n; i++)
		free(c.lines[i]);
	free(c.lines);
	free(c.lens);
	strbuf_release(&text);
	strbuf_release(&bin);
	return 0;
}
