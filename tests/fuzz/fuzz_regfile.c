// libFuzzer target for the .reg reader (compiler/src/formats/regfile_read.c).
//
// Any bytes are either refused with a message or read. A read document that the
// writer accepts must re-read to equal operations, and writing those again must
// give the same bytes. The writer may refuse only with a message (what regedit
// cannot carry, e.g. control characters in key names). describe_reg must succeed
// exactly when the reader does. A broken property aborts with the reason.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "formats/describe.h"
#include "formats/regfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_regfile: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reg_doc d;
	struct fmt_error err;
	memset(&err, 0, sizeof(err));
	bool ok = regfile_read(data, size, &d, &err);
	if (!ok && !err.message[0])
		broken("read refused without a message");
	if (ok) {
		struct strbuf out = STRBUF_INIT;
		if (regfile_write(&d, &out, &err)) {
			struct reg_doc back;
			if (!regfile_read((const uint8_t *)out.buf, out.len, &back, &err))
				broken("written file does not re-read");
			if (!reg_doc_equal(&d, &back, NULL))
				broken("write -> read changed the operations");
			struct strbuf again = STRBUF_INIT;
			if (!regfile_write(&back, &again, &err))
				broken("re-read document does not write");
			if (again.len != out.len || memcmp(again.buf, out.buf, out.len))
				broken("second write differs from the first");
			strbuf_release(&again);
			reg_doc_release(&back);
		} else if (!err.message[0]) {
			broken("write refused without a message");
		}
		strbuf_release(&out);
	}
	reg_doc_release(&d);

	for (int json = 0; json < 2; json++) {
		struct describe_options o = { NULL, json, VOCAB_GENERIC };
		struct strbuf listing = STRBUF_INIT;
		if (describe_reg(data, size, &o, &listing, &err) != ok)
			broken("describe_reg disagrees with regfile_read");
		for (size_t i = 0; i < listing.len; i++)
			if ((unsigned char)listing.buf[i] < 0x20 && listing.buf[i] != '\n')
				broken("listing holds a control byte");
		strbuf_release(&listing);
	}
	return 0;
}
