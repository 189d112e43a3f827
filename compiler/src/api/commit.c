// See commit.h for the contract. This file needs Linux/XSI interfaces (nftw,
// renameat2), hence the feature macros before any include.
#define _GNU_SOURCE
#include "api/commit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	int r = (type == FTW_DP) ? rmdir(path) : unlink(path);
	return r ? -1 : 0;
}

bool remove_tree(const char *path, struct strbuf *err)
{
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
		strbuf_addf(err, "cannot remove '%s': %s", path, strerror(errno));
		return false;
	}
	return true;
}

// Splits "a/b/out" into parent "a/b" and base "out"; trailing slashes are ignored.
static bool split_path(const char *dir, struct strbuf *parent, struct strbuf *base, struct strbuf *err)
{
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	const char *slash = NULL;
	for (size_t i = 0; i < len; i++)
		if (dir[i] == '/')
			slash = dir + i;
	const char *b = slash ? slash + 1 : dir;
	size_t blen = len - (size_t)(b - dir);
	if (!blen || (blen == 1 && b[0] == '.') || (blen == 2 && b[0] == '.' && b[1] == '.')) {
		strbuf_addf(err, "output directory '%s' must name a directory, not '.', '..' or '/'", dir);
		return false;
	}
	if (!slash)
		strbuf_addstr(parent, ".");
	else if (slash == dir)
		strbuf_addstr(parent, "/");
	else
		strbuf_add(parent, dir, (size_t)(slash - dir));
	strbuf_add(base, b, blen);
	return true;
}

// 1: absent, 0: usable (empty, or a gpoc output directory), -1: refused (err set).
static int check_existing(const char *dir, struct strbuf *err)
{
	struct stat st;
	if (lstat(dir, &st) != 0) {
		if (errno == ENOENT)
			return 1;
		strbuf_addf(err, "cannot use output directory '%s': %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		strbuf_addf(err, "output path '%s' exists and is not a directory", dir);
		return -1;
	}
	struct strbuf marker = STRBUF_INIT;
	strbuf_addf(&marker, "%s/" COMMIT_MARKER, dir);
	bool has_marker = lstat(marker.buf, &st) == 0 && S_ISREG(st.st_mode);
	strbuf_release(&marker);
	if (has_marker)
		return 0;
	DIR *dh = opendir(dir);
	if (!dh) {
		strbuf_addf(err, "cannot open output directory '%s': %s", dir, strerror(errno));
		return -1;
	}
	bool empty = true;
	struct dirent *e;
	while ((e = readdir(dh)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(dh);
	if (!empty) {
		strbuf_addf(err,
			    "refusing to replace '%s': it is not empty and was not written by gpoc "
			    "(no " COMMIT_MARKER " file); choose a new or empty directory",
			    dir);
		return -1;
	}
	return 0;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

// Creates the directories leading to `rel` below `root`.
static bool make_parents(const char *root, const char *rel, struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT;
	strbuf_addstr(&path, root);
	const char *p = rel;
	const char *slash;
	bool ok = true;
	while ((slash = strchr(p, '/'))) {
		strbuf_addch(&path, '/');
		strbuf_add(&path, p, (size_t)(slash - p));
		if (mkdir(path.buf, 0755) != 0 && errno != EEXIST) {
			strbuf_addf(err, "cannot create directory '%s': %s", path.buf, strerror(errno));
			ok = false;
			break;
		}
		p = slash + 1;
	}
	strbuf_release(&path);
	return ok;
}

static bool write_file(const char *root, const char *rel, const struct strbuf *bytes, struct strbuf *err)
{
	if (!make_parents(root, rel, err))
		return false;
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "%s/%s", root, rel);
	bool ok = false;
	int fd = open(path.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		strbuf_addf(err, "cannot create '%s': %s", path.buf, strerror(errno));
	} else if (!write_all(fd, bytes->buf, bytes->len) || fsync(fd) != 0) {
		strbuf_addf(err, "cannot write '%s': %s", path.buf, strerror(errno));
		close(fd);
	} else if (close(fd) != 0) {
		strbuf_addf(err, "cannot write '%s': %s", path.buf, strerror(errno));
	} else {
		ok = true;
	}
	strbuf_release(&path);
	return ok;
}

static bool swap_into_place(const char *tmp, const char *dir, bool exists, const char *parent,
			    struct strbuf *err)
{
	if (!exists) {
		if (rename(tmp, dir) == 0)
			return true;
		strbuf_addf(err, "cannot move output into '%s': %s", dir, strerror(errno));
		return false;
	}
	// RENAME_EXCHANGE swaps the two names in one step; DIR is never missing.
	if (syscall(SYS_renameat2, AT_FDCWD, tmp, AT_FDCWD, dir, 2 /* RENAME_EXCHANGE */) == 0)
		return true;
	if (errno != EINVAL && errno != ENOSYS) {
		strbuf_addf(err, "cannot replace '%s': %s", dir, strerror(errno));
		return false;
	}
	// Fallback for file systems without RENAME_EXCHANGE: two renames, undone on failure.
	struct strbuf old = STRBUF_INIT;
	strbuf_addf(&old, "%s/.gpoc-old-XXXXXX", parent);
	bool ok = false;
	if (!mkdtemp(old.buf) || rmdir(old.buf) != 0) {
		strbuf_addf(err, "cannot replace '%s': %s", dir, strerror(errno));
	} else if (rename(dir, old.buf) != 0) {
		strbuf_addf(err, "cannot replace '%s': %s", dir, strerror(errno));
	} else if (rename(tmp, dir) != 0) {
		strbuf_addf(err, "cannot replace '%s': %s", dir, strerror(errno));
		if (rename(old.buf, dir) != 0)
			strbuf_addf(err, "; the previous output is in '%s'", old.buf);
	} else {
		// The new output is in place; the old one moves to tmp's name for removal.
		ok = rename(old.buf, tmp) == 0;
		if (!ok)
			ok = remove_tree(old.buf, err);
	}
	strbuf_release(&old);
	return ok;
}

bool commit_artifacts(const char *dir, const struct artifact_set *set, struct strbuf *err)
{
	struct strbuf parent = STRBUF_INIT, base = STRBUF_INIT, tmp = STRBUF_INIT;
	bool ok = false, made_tmp = false;
	if (!split_path(dir, &parent, &base, err))
		goto out;
	int state = check_existing(dir, err);
	if (state < 0)
		goto out;
	strbuf_addf(&tmp, "%s/.%s.gpoc-tmp-XXXXXX", parent.buf, base.buf);
	if (!mkdtemp(tmp.buf)) {
		strbuf_addf(err, "cannot create a temporary directory in '%s': %s", parent.buf, strerror(errno));
		goto out;
	}
	made_tmp = true;
	if (chmod(tmp.buf, 0755) != 0) {
		strbuf_addf(err, "cannot set permissions on '%s': %s", tmp.buf, strerror(errno));
		goto out;
	}
	struct strbuf marker = STRBUF_INIT;
	strbuf_addstr(&marker, "This directory is written by 'gpoc build' and replaced as a whole "
			       "on every build.\n");
	bool wrote = write_file(tmp.buf, COMMIT_MARKER, &marker, err);
	strbuf_release(&marker);
	if (!wrote)
		goto out;
	for (size_t i = 0; i < set->n; i++)
		if (!write_file(tmp.buf, set->v[i]->path, &set->v[i]->bytes, err))
			goto out;
	if (!swap_into_place(tmp.buf, dir, state == 0, parent.buf, err))
		goto out;
	ok = true;
out:
	// After a successful swap, tmp holds the previous output (or nothing).
	if (made_tmp) {
		struct stat st;
		if (lstat(tmp.buf, &st) == 0) {
			struct strbuf ignored = STRBUF_INIT;
			if (!remove_tree(tmp.buf, ok ? err : &ignored) && ok)
				ok = false;
			strbuf_release(&ignored);
		}
	}
	strbuf_release(&parent);
	strbuf_release(&base);
	strbuf_release(&tmp);
	return ok;
}
