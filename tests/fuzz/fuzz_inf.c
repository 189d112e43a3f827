// libFuzzer target for the INF reader (compiler/src/formats/inf_read.c) and the
// GptTmpl.inf registry value conversion.
//
// Any bytes are either refused with a message or read. A read document that the
// writer accepts must re-read to an equal document and re-write to the same bytes.
// Each [Registry Values] line that converts to a registry value and that the
// GptTmpl writer accepts must convert back to the same value after a write and a
// read. describe_inf must succeed exactly when the reader does. A broken property
// aborts with the reason.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/strbuf.h"
#include "formats/describe.h"
#include "formats/inf.h"
#include "formats/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_inf: %s\n", what);
	abort();
}

static void check_registry_line(const struct inf_line *l, struct arena *a)
{
	struct reg_value v;
	struct fmt_error err;
	memset(&err, 0, sizeof(err));
	if (!gpttmpl_registry_value(l, a, &v, &err)) {
		if (!err.message[0])
			broken("registry line refused without a message");
		return;
	}
	if (v.hive != HIVE_HKLM)
		return;
	struct inf_doc d;
	inf_doc_init(&d);
	struct strbuf why = STRBUF_INIT, out = STRBUF_INIT;
	if (gpttmpl_add_registry_value(&d, &v, &why)) {
		if (!inf_write(&d, &out, &err))
			broken("GptTmpl writer accepted a value inf_write refuses");
		struct inf_doc back;
		if (!inf_read((const uint8_t *)out.buf, out.len, &back, &err))
			broken("GptTmpl output does not re-read");
		struct reg_value r;
		if (back.n != 1 || back.sections[0]->n != 1 ||
		    !gpttmpl_registry_value(&back.sections[0]->lines[0], a, &r, &err) || !reg_value_equal(&r, &v))
			broken("registry value changed through write -> read");
		inf_doc_release(&back);
	} else if (!why.len) {
		broken("GptTmpl writer refused without a message");
	}
	strbuf_release(&why);
	strbuf_release(&out);
	inf_doc_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inf_doc d;
	struct fmt_error err;
	memset(&err, 0, sizeof(err));
	bool ok = inf_read(data, size, &d, &err);
	if (!ok && !err.message[0])
		broken("read refused without a message");
	if (ok) {
		struct strbuf out = STRBUF_INIT;
		if (inf_write(&d, &out, &err)) {
			struct inf_doc back;
			if (!inf_read((const uint8_t *)out.buf, out.len, &back, &err))
				broken("written file does not re-read");
			if (!inf_doc_equal(&d, &back))
				broken("write -> read changed the document");
			struct strbuf again = STRBUF_INIT;
			if (!inf_write(&back, &again, &err))
				broken("re-read document does not write");
			if (again.len != out.len || memcmp(again.buf, out.buf, out.len))
				broken("second write differs from the first");
			strbuf_release(&again);
			inf_doc_release(&back);
		} else if (!err.message[0]) {
			broken("write refused without a message");
		}
		strbuf_release(&out);
		const struct inf_section *rv = inf_find_section(&d, "Registry Values");
		for (size_t i = 0; rv && i < rv->n; i++)
			check_registry_line(&rv->lines[i], &d.arena);
	}
	inf_doc_release(&d);

	for (int json = 0; json < 2; json++) {
		struct describe_options o = { NULL, json, VOCAB_GENERIC };
		struct strbuf listing = STRBUF_INIT;
		if (describe_inf(data, size, &o, &listing, &err) != ok)
			broken("describe_inf disagrees with inf_read");
		for (size_t i = 0; i < listing.len; i++)
			if ((unsigned char)listing.buf[i] < 0x20 && listing.buf[i] != '\n')
				broken("listing holds a control byte");
		strbuf_release(&listing);
	}
	return 0;
}
