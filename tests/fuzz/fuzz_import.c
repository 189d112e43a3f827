// libFuzzer target for gpoc import (compiler/src/importer/) on arbitrary bytes.
//
// The readers it uses are fuzzed on their own; this target covers what the importer
// adds on top: working out the settings in force, classifying them, writing YAML
// from hostile strings and compiling it again. The input is used as it is (the
// readers detect .reg and Registry.pol from the content), except that a first byte
// 0x01 (which no real file starts with) is replaced by a "PReg" header, so that
// mutations reach the Registry.pol path without having to keep the signature.
// Properties: a malformed file comes with a message; IMPORT_OK comes with an intent
// that loads with intent_load() without errors and notes whose positions are inside
// the input; the importer never reports an internal error (its own intent not
// compiling is a gpoc bug). A broken property aborts.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/diag.h"
#include "importer/importer.h"
#include "intent/intent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_import: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	// An exact-size copy, so that a read past the end is an ASan report.
	bool pol = size && data[0] == 0x01;
	size_t n = pol ? size + 7 : size;
	uint8_t *exact = malloc(n ? n : 1);
	if (pol) {
		memcpy(exact, "PReg\x01\0\0\0", 8);
		memcpy(exact + 8, data + 1, size - 1);
	} else if (size) {
		memcpy(exact, data, size);
	}

	struct import_options o = {
	    .source_name = "fuzz.input",
	    .intent_name = "fuzz.yaml",
	    .templates_dir = GPOC_TEMPLATES_DIR,
	};
	struct import_result r;
	import_result_init(&r);
	enum import_status st = import_run(exact, n, &o, &r);
	switch (st) {
	case IMPORT_MALFORMED:
		if (!r.error.message[0])
			broken("malformed without a message", NULL);
		break;
	case IMPORT_INTERNAL:
	case IMPORT_BAD_POLICY:
		broken("the importer's own intent does not compile", r.message.buf);
		break;
	case IMPORT_OK: {
		struct arena a = ARENA_INIT;
		struct diag d;
		diag_init(&d);
		struct src_file f = {.name = "fuzz.yaml", .text = r.yaml.buf, .len = r.yaml.len};
		struct intent in;
		if (!intent_load(&f, &a, &d, &in))
			broken("the imported intent does not load", d.n ? d.v[0].message : NULL);
		diag_release(&d);
		arena_release(&a);
		break;
	}
	case IMPORT_UNKNOWN_KIND:
	case IMPORT_NOTHING:
		break;
	}
	for (size_t i = 0; i < r.n_notes; i++) {
		const struct import_note *note = &r.notes[i];
		if (r.pol ? note->offset >= n : (note->line == 0 || note->offset))
			broken("a note points outside the input", note->message);
	}
	import_result_release(&r);
	free(exact);
	return 0;
}
