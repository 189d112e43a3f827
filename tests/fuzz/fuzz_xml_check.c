// libFuzzer target for the xml module (compiler/src/xml/).
//
// The first byte picks what the rest of the input feeds:
//   0  admx_check_pair(ADMX, ADML)          the two documents separated by a NUL byte
//   1  gpo_backup_check(Backup, bkupInfo)   likewise
//   2  xsd_validate against one of the four schemas (second byte picks which)
//   3  admx_write of one setting whose strings (display, explain, key, value
//      name, default text, policy name, title) are the NUL-separated fields
// Readers must refuse with a message or accept. The writer must either refuse the
// input with a message of its own or produce a pair that passed its validation: an
// "internal error" means gpoc wrote XML it could not read back, which is a bug.
// A broken property aborts, which libFuzzer reports with the input.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "xml/admx.h"
#include "xml/gpo_backup.h"
#include "xml/xsd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const struct strbuf *err)
{
	fprintf(stderr, "fuzz_xml_check: %s: %s\n", what, err ? err->buf : "");
	abort();
}

// Splits [p, p+n) at the first NUL: *a/*alen before it, *b/*blen after it.
static void split(const char *p, size_t n, const char **a, size_t *alen, const char **b, size_t *blen)
{
	const char *z = memchr(p, '\0', n);
	*a = p;
	*alen = z ? (size_t)(z - p) : n;
	*b = z ? z + 1 : p + n;
	*blen = z ? n - *alen - 1 : 0;
}

static void fuzz_writer(const char *p, size_t n)
{
	// Up to 7 NUL-terminated fields; missing ones are empty.
	char *copy = malloc(n + 8);
	memcpy(copy, p, n);
	memset(copy + n, 0, 8);
	const char *field[7];
	const char *q = copy;
	for (int i = 0; i < 7; i++) {
		field[i] = q;
		if (q < copy + n)
			q += strlen(q) + 1;
	}
	struct admx_setting s = {
		.cls = ADMX_MACHINE,
		.display = field[0],
		.explain = field[1],
		.key = field[2],
		.value_name = field[3],
		.kind = (enum admx_kind)(n % 4),
		.on = 1,
		.min = 0,
		.max = 100,
		.def = (uint32_t)(n % 101),
		.def_text = field[4],
		.expandable = n & 1,
	};
	struct admx_doc doc = { .policy = field[5], .title = field[6], .description = field[1],
				.settings = &s, .n_settings = 1 };
	struct strbuf admx = STRBUF_INIT, adml = STRBUF_INIT, err = STRBUF_INIT;
	if (admx_write(&doc, GPOC_FUZZ_SCHEMA_DIR, &admx, &adml, &err)) {
		if (!admx.len || !adml.len || err.len)
			broken("accepted without output or with a message", &err);
	} else if (!err.len || !strncmp(err.buf, "internal error", 14)) {
		broken("writer failed its own validation", &err);
	}
	strbuf_release(&admx);
	strbuf_release(&adml);
	strbuf_release(&err);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	static const char *const xsds[] = { "admx.xsd", "adml.xsd", "gpo-backup.xsd", "gpo-bkupinfo.xsd" };
	const char *p = (const char *)data + 1, *a, *b;
	size_t n = size - 1, alen, blen;
	struct strbuf err = STRBUF_INIT;
	bool ok;
	switch (data[0] % 4) {
	case 0:
		split(p, n, &a, &alen, &b, &blen);
		ok = admx_check_pair(a, alen, b, blen, GPOC_FUZZ_SCHEMA_DIR, &err);
		break;
	case 1:
		split(p, n, &a, &alen, &b, &blen);
		ok = gpo_backup_check(a, alen, b, blen, GPOC_FUZZ_SCHEMA_DIR, &err);
		break;
	case 2:
		ok = xsd_validate(GPOC_FUZZ_SCHEMA_DIR, xsds[data[1] % 4], "in", p + 1, n - 1, &err);
		break;
	default:
		fuzz_writer(p, n);
		return 0;
	}
	if (ok == (err.len > 0))
		broken(ok ? "accepted with a message" : "refused without a message", &err);
	strbuf_release(&err);
	return 0;
}
