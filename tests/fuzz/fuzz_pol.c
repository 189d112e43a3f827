// libFuzzer target for the Registry.pol reader (compiler/src/formats/pol_read.c).
//
// Any bytes are either refused with a message or read. PReg framing has one form, so
// a read file that the writer accepts must be written back byte for byte; the
// writer may refuse only with a message (empty keys and the like from foreign
// files). describe_pol must succeed exactly when the reader does, and every file
// kind is run through describe_file. A broken property aborts with the reason.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "formats/describe.h"
#include "formats/pol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_pol: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pol_doc d;
	struct fmt_error err;
	memset(&err, 0, sizeof(err));
	bool ok = pol_read(data, size, &d, &err);
	if (!ok && !err.message[0])
		broken("read refused without a message");
	if (ok) {
		struct strbuf out = STRBUF_INIT, an = STRBUF_INIT;
		for (size_t i = 0; i < d.n; i++)
			pol_anomalies(&d.v[i].v, &an);
		if (pol_write(&d, &out, &err)) {
			if (out.len != size || memcmp(out.buf, data, size))
				broken("write of a read file differs from the file");
		} else if (!err.message[0]) {
			broken("write refused without a message");
		}
		strbuf_release(&an);
		strbuf_release(&out);
	}
	pol_doc_release(&d);

	for (int json = 0; json < 2; json++) {
		struct describe_options o = { NULL, json, VOCAB_GENERIC };
		struct strbuf listing = STRBUF_INIT;
		if (describe_pol(data, size, &o, &listing, &err) != ok)
			broken("describe_pol disagrees with pol_read");
		strbuf_reset(&listing);
		if (!describe_file(data, size, &o, &listing, &err) && !err.message[0])
			broken("describe_file refused without a message");
		for (size_t i = 0; i < listing.len; i++)
			if ((unsigned char)listing.buf[i] < 0x20 && listing.buf[i] != '\n')
				broken("listing holds a control byte");
		strbuf_release(&listing);
	}
	return 0;
}
