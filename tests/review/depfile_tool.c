// Test driver: review_depfile_tool OUT.d TARGET FILE... writes a depfile with
// depfile_write (check_depfile.py feeds it to make and ninja). Exit 1 with the
// error message on standard error when a name is refused.
#include <stdio.h>

#include "review/depfile.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: review_depfile_tool OUT.d TARGET FILE...\n", stderr);
		return 2;
	}
	struct strbuf err = STRBUF_INIT;
	bool ok = depfile_write(argv[1], argv[2], (const char *const *)(argv + 3), (size_t)(argc - 3), &err);
	if (!ok)
		fprintf(stderr, "%s\n", err.buf);
	strbuf_release(&err);
	return ok ? 0 : 1;
}
