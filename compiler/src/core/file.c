#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool read_file(const char *path, struct strbuf *out, struct strbuf *err)
{
	bool is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		strbuf_addf(err, "cannot read '%s': %s", path, strerror(errno));
		return false;
	}
	struct stat st;
	if (!is_stdin && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		strbuf_addf(err, "cannot read '%s': it is a directory", path);
		close(fd);
		return false;
	}
	size_t start = out->len;
	for (;;) {
		strbuf_grow(out, 64 * 1024);
		ssize_t n = read(fd, out->buf + out->len, out->alloc - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			strbuf_addf(err, "cannot read '%s': %s", is_stdin ? "<stdin>" : path, strerror(errno));
			break;
		}
		if (n == 0) {
			if (!is_stdin)
				close(fd);
			return true;
		}
		strbuf_setlen(out, out->len + (size_t)n);
		if (out->len - start > FILE_READ_MAX) {
			strbuf_addf(err, "cannot read '%s': larger than %d MiB", is_stdin ? "<stdin>" : path,
				    FILE_READ_MAX / (1024 * 1024));
			break;
		}
	}
	if (!is_stdin)
		close(fd);
	strbuf_setlen(out, start);
	return false;
}
