// Depfiles that GNU make and ninja read the same way.
//
// The two readers disagree on much of make's quoting, so gpoc writes only what
// both agree on and refuses the rest (docs/lint.md, "Depfiles", has the table):
//
//   space       "\ "; backslashes right before it are doubled: in make and in
//               ninja, 2N+1 backslashes and a space are N backslashes and a space
//   '#'         "\#" (make: comment start); ninja keeps backslashes before '#'
//               that make would halve, so a backslash right before '#' is refused
//   '$'         "$$" in both
//   ':'         "\:" (make: rule separator); a name ending in ':' or with a
//               backslash before ':' is refused (ninja reads both differently)
//   '\'         as is, except before '#' or ':' or at the end of a name (refused)
//   refused     control characters and tab (ninja only escapes a space), the
//               characters make gives meaning and neither can escape for both
//               (= ; % * ? [ ] and a leading ~), characters ninja ends a name at
//               (" ' & < > | ^ `), and "lib(member)" names, which make reads as
//               archive members
//   as is       letters, digits, + , - . / _ ( ) { } @ ! and every byte >= 0x80
//
// Tests feed the output to the real make and ninja (tests/review/depfile_tools.py).
#include "review/depfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

static bool plain(unsigned char c)
{
	return ascii_isalpha(c) || ascii_isdigit(c) || c >= 0x80 || (c && strchr("+,-./_(){}@!~", c));
}

static bool refuse(struct strbuf *err, const char *name, const char *why)
{
	strbuf_addstr(err, "cannot write file name '");
	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f)
			strbuf_addf(err, "\\x%02x", c);
		else
			strbuf_addch(err, (char)c);
	}
	strbuf_addf(err, "' to a depfile: %s", why);
	return false;
}

bool depfile_escape(const char *name, struct strbuf *out, struct strbuf *err)
{
	size_t len = strlen(name);
	if (!len)
		return refuse(err, name, "the name is empty");
	if (name[0] == '~')
		return refuse(err, name, "make expands a leading '~' to a home directory");
	if (name[len - 1] == ':')
		return refuse(err, name, "ninja reads a trailing ':' as the end of the target");
	if (name[len - 1] == '\\')
		return refuse(err, name, "make and ninja read a trailing backslash differently");
	if (name[len - 1] == ')' && strchr(name, '('))
		return refuse(err, name, "make reads 'archive(member)' as a member of a library");
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f) {
			strbuf_release(&sb);
			return refuse(err, name, c == '\t' ? "ninja cannot escape a tab"
							   : "it holds a control character");
		}
		if (plain(c)) {
			strbuf_addch(&sb, (char)c);
			continue;
		}
		switch (c) {
		case ' ': {
			size_t k = i;
			while (k > 0 && name[k - 1] == '\\') {
				strbuf_addch(&sb, '\\');
				k--;
			}
			strbuf_addstr(&sb, "\\ ");
			continue;
		}
		case '#':
		case ':':
			if (i > 0 && name[i - 1] == '\\') {
				strbuf_release(&sb);
				return refuse(err, name, c == '#' ? "make and ninja read '\\#' differently"
								  : "make and ninja read '\\:' differently");
			}
			strbuf_addch(&sb, '\\');
			strbuf_addch(&sb, (char)c);
			continue;
		case '$':
			strbuf_addstr(&sb, "$$");
			continue;
		case '\\':
			strbuf_addch(&sb, '\\');
			continue;
		default: {
			char why[96];
			snprintf(why, sizeof(why), "'%c' cannot be written so that make and ninja both read it", c);
			strbuf_release(&sb);
			return refuse(err, name, why);
		}
		}
	}
	strbuf_addbuf(out, &sb);
	strbuf_release(&sb);
	return true;
}

bool depfile_format(const char *target, const char *const *files, size_t n, struct strbuf *out,
		    struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT, phony = STRBUF_INIT;
	bool ok = depfile_escape(target, &sb, err);
	if (ok)
		strbuf_addch(&sb, ':');
	for (size_t i = 0; ok && i < n; i++) {
		bool dup = !strcmp(files[i], target);
		for (size_t k = 0; k < i && !dup; k++)
			dup = !strcmp(files[k], files[i]);
		if (dup)
			continue;
		strbuf_addstr(&sb, " \\\n  ");
		size_t at = sb.len;
		ok = depfile_escape(files[i], &sb, err);
		if (ok) {
			strbuf_add(&phony, sb.buf + at, sb.len - at);
			strbuf_addstr(&phony, ":\n");
		}
	}
	if (ok) {
		strbuf_addch(&sb, '\n');
		if (phony.len) {
			strbuf_addch(&sb, '\n');
			strbuf_addbuf(&sb, &phony);
		}
		strbuf_addbuf(out, &sb);
	}
	strbuf_release(&sb);
	strbuf_release(&phony);
	return ok;
}

bool depfile_write(const char *path, const char *target, const char *const *files, size_t n,
		   struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT, tmp = STRBUF_INIT;
	if (!depfile_format(target, files, n, &text, err)) {
		strbuf_release(&text);
		return false;
	}
	strbuf_addf(&tmp, "%s.XXXXXX", path);
	int fd = mkstemp(tmp.buf);
	bool ok = fd >= 0;
	if (!ok) {
		strbuf_addf(err, "cannot write depfile '%s': %s", path, strerror(errno));
		goto out;
	}
	size_t done = 0;
	while (ok && done < text.len) {
		ssize_t w = write(fd, text.buf + done, text.len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			strbuf_addf(err, "cannot write depfile '%s': %s", path, strerror(errno));
			ok = false;
		} else {
			done += (size_t)w;
		}
	}
	if (close(fd) != 0 && ok) {
		strbuf_addf(err, "cannot write depfile '%s': %s", path, strerror(errno));
		ok = false;
	}
	// mkstemp creates 0600; give the depfile the mode any new file would get.
	mode_t mask = umask(0);
	umask(mask);
	if (ok && chmod(tmp.buf, 0666 & ~mask) != 0) {
		strbuf_addf(err, "cannot write depfile '%s': %s", path, strerror(errno));
		ok = false;
	}
	if (ok && rename(tmp.buf, path) != 0) {
		strbuf_addf(err, "cannot write depfile '%s': %s", path, strerror(errno));
		ok = false;
	}
	if (!ok)
		unlink(tmp.buf);
out:
	strbuf_release(&text);
	strbuf_release(&tmp);
	return ok;
}
