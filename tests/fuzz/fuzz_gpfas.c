// libFuzzer target for the Group Policy firewall rule string reader
// (compiler/src/netsh/gpfas_read.c).
//
// Any input is refused with a message and an offset inside it, or parsed; a parsed
// string formats back to exactly the input. When it also converts to a rule with no
// unknown fields and the writer accepts that rule, the written string must parse and
// convert back to the same rule.
// A broken property aborts, which libFuzzer reports as a crash with the input.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "netsh/fwaddr.h"
#include "netsh/gpfas.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_gpfas: %s: '%s'\n", what, text ? text : "");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct arena a = ARENA_INIT;
	struct gpfas_rule g;
	struct gpfas_error err;
	if (!gpfas_parse(s, size, &a, &g, &err)) {
		if (!err.message[0] || err.offset > size)
			broken("refused without a message or with a bad offset", NULL);
		arena_release(&a);
		return 0;
	}
	struct strbuf back = STRBUF_INIT, out = STRBUF_INIT, why = STRBUF_INIT;
	gpfas_format(&g, &back);
	if (back.len != size || memcmp(back.buf, s, size))
		broken("format(parse(x)) != x", back.buf);
	struct fw_rule r;
	const struct gpfas_field **unknown;
	size_t n_unknown;
	if (!gpfas_to_rule(&g, NULL, &a, &r, &unknown, &n_unknown, &err)) {
		if (!err.message[0] || err.offset > size)
			broken("conversion refused without a message or with a bad offset", NULL);
	} else if (!n_unknown && gpfas_write(&r, &out, &why)) {
		struct gpfas_rule g2;
		struct fw_rule r2;
		if (!gpfas_parse(out.buf, out.len, &a, &g2, &err))
			broken("the writer's string does not parse", out.buf);
		if (!gpfas_to_rule(&g2, NULL, &a, &r2, &unknown, &n_unknown, &err) || n_unknown)
			broken("the writer's string does not convert", out.buf);
		if (!fw_rule_same(&r, &r2, FWCMP_IGNORE_ID, &why))
			broken("the writer's string reads back as another rule", out.buf);
	}
	strbuf_release(&back);
	strbuf_release(&out);
	strbuf_release(&why);
	arena_release(&a);
	return 0;
}
