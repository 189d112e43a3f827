// The commit step: output appears whole or not at all, and foreign directories are
// never replaced.
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/commit.h"

static char root[256];

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/gpoc-commit-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	struct strbuf err = STRBUF_INIT;
	bool ok = remove_tree(root, &err);
	strbuf_release(&err);
	return ok ? 0 : -1;
}

static char *path_in(const char *rel)
{
	static char buf[512];
	snprintf(buf, sizeof(buf), "%s/%s", root, rel);
	return buf;
}

static char *slurp(const char *rel)
{
	FILE *f = fopen(path_in(rel), "rb");
	if (!f)
		return NULL;
	static char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void add(struct artifact_set *s, const char *path, const char *text)
{
	strbuf_addstr(artifact_add(s, path), text);
}

static size_t entries_in(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_creates_new_directory(void **state)
{
	(void)state;
	struct artifact_set s;
	artifact_set_init(&s);
	add(&s, "netsh/firewall.netsh", "advfirewall ...\r\n");
	add(&s, "gpo/{ABC}/DomainSysvol/GPO/Machine/registry.pol", "PReg");
	struct strbuf err = STRBUF_INIT;
	assert_true(commit_artifacts(path_in("out"), &s, &err));
	assert_string_equal(slurp("out/netsh/firewall.netsh"), "advfirewall ...\r\n");
	assert_string_equal(slurp("out/gpo/{ABC}/DomainSysvol/GPO/Machine/registry.pol"), "PReg");
	assert_non_null(slurp("out/" COMMIT_MARKER));
	// Nothing but the output itself is left in the parent.
	assert_int_equal(entries_in(root), 1);
	strbuf_release(&err);
	artifact_set_release(&s);
}

static void test_replaces_previous_output_whole(void **state)
{
	(void)state;
	struct artifact_set a, b;
	artifact_set_init(&a);
	artifact_set_init(&b);
	add(&a, "reg/apply.reg", "old");
	add(&a, "only-in-old.txt", "stale");
	add(&b, "reg/apply.reg", "new");
	struct strbuf err = STRBUF_INIT;
	assert_true(commit_artifacts(path_in("out"), &a, &err));
	assert_true(commit_artifacts(path_in("out/"), &b, &err));
	assert_string_equal(slurp("out/reg/apply.reg"), "new");
	assert_null(slurp("out/only-in-old.txt"));
	assert_int_equal(entries_in(root), 1);
	strbuf_release(&err);
	artifact_set_release(&a);
	artifact_set_release(&b);
}

static void test_refuses_foreign_directory(void **state)
{
	(void)state;
	assert_int_equal(mkdir(path_in("mine"), 0755), 0);
	FILE *f = fopen(path_in("mine/notes.txt"), "w");
	assert_non_null(f);
	fputs("keep me", f);
	fclose(f);
	struct artifact_set s;
	artifact_set_init(&s);
	add(&s, "x.txt", "x");
	struct strbuf err = STRBUF_INIT;
	assert_false(commit_artifacts(path_in("mine"), &s, &err));
	assert_non_null(strstr(err.buf, "refusing to replace"));
	assert_string_equal(slurp("mine/notes.txt"), "keep me");
	assert_int_equal(entries_in(path_in("mine")), 1);
	assert_int_equal(entries_in(root), 1); // no temporary directory left behind
	strbuf_release(&err);
	artifact_set_release(&s);
}

static void test_empty_directory_is_usable(void **state)
{
	(void)state;
	assert_int_equal(mkdir(path_in("empty"), 0755), 0);
	struct artifact_set s;
	artifact_set_init(&s);
	add(&s, "a/b.txt", "b");
	struct strbuf err = STRBUF_INIT;
	assert_true(commit_artifacts(path_in("empty"), &s, &err));
	assert_string_equal(slurp("empty/a/b.txt"), "b");
	strbuf_release(&err);
	artifact_set_release(&s);
}

static void test_refuses_file_and_dot(void **state)
{
	(void)state;
	FILE *f = fopen(path_in("file"), "w");
	assert_non_null(f);
	fclose(f);
	struct artifact_set s;
	artifact_set_init(&s);
	add(&s, "x.txt", "x");
	struct strbuf err = STRBUF_INIT;
	assert_false(commit_artifacts(path_in("file"), &s, &err));
	assert_non_null(strstr(err.buf, "not a directory"));
	strbuf_reset(&err);
	assert_false(commit_artifacts(".", &s, &err));
	assert_non_null(strstr(err.buf, "must name a directory"));
	strbuf_release(&err);
	artifact_set_release(&s);
}

static void test_failure_leaves_old_output(void **state)
{
	(void)state;
	struct artifact_set a, b;
	artifact_set_init(&a);
	artifact_set_init(&b);
	add(&a, "reg/apply.reg", "old");
	struct strbuf err = STRBUF_INIT;
	assert_true(commit_artifacts(path_in("out"), &a, &err));
	// A file and a directory of the same name cannot both be written: the commit
	// fails half-way through writing the temporary tree.
	add(&b, "reg", "file named like a directory");
	add(&b, "reg/apply.reg", "new");
	assert_false(commit_artifacts(path_in("out"), &b, &err));
	assert_string_equal(slurp("out/reg/apply.reg"), "old");
	assert_int_equal(entries_in(root), 1);
	strbuf_release(&err);
	artifact_set_release(&a);
	artifact_set_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_creates_new_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaces_previous_output_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_foreign_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_directory_is_usable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_file_and_dot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_leaves_old_output, setup, teardown),
	};
	return cmocka_run_group_tests_name("commit", tests, NULL, NULL);
}
