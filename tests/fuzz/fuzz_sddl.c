// libFuzzer target for the SDDL parser (compiler/src/sd/sddl.c).
//
// Any input must either be refused with a printable message pointing inside the
// input, or be accepted; an accepted descriptor must print to SDDL that parses back
// to an equal descriptor and prints identically, and must survive encode -> decode.
// A broken property aborts, which libFuzzer reports as a crash with the input.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "sd/secdesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const struct strbuf *text)
{
	fprintf(stderr, "fuzz_sddl: %s: '%s'\n", what, text ? text->buf : "");
	abort();
}

static struct sid_context make_ctx(void)
{
	struct sid_context ctx;
	const char *err;
	memset(&ctx, 0, sizeof(ctx));
	ctx.has_domain = sid_parse("S-1-5-21-1-2-3", 14, &ctx.domain, &err);
	ctx.has_forest = sid_parse("S-1-5-21-4-5-6", 14, &ctx.forest, &err);
	return ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sid_context ctx;
	static int ready;
	if (!ready) {
		ctx = make_ctx();
		ready = 1;
	}
	const char *s = (const char *)data;
	struct secdesc sd, again, decoded;
	struct sddl_error err;
	if (!sddl_parse(s, size, &ctx, &sd, &err)) {
		if (!err.message[0] || err.offset > size)
			broken("refused without a message or with a bad offset", NULL);
		for (const char *m = err.message; *m; m++)
			if ((unsigned char)*m < 0x20 || (unsigned char)*m >= 0x7F)
				broken("raw byte in an error message", NULL);
		return 0;
	}
	struct strbuf t1 = STRBUF_INIT, t2 = STRBUF_INIT, bin = STRBUF_INIT, e = STRBUF_INIT;
	sddl_print(&sd, &ctx, SDDL_PRINT_DEFAULT, &t1);
	if (!sddl_parse(t1.buf, t1.len, &ctx, &again, &err))
		broken("printed form refused", &t1);
	if (!secdesc_equal(&sd, &again))
		broken("printed form reads back differently", &t1);
	sddl_print(&again, &ctx, SDDL_PRINT_DEFAULT, &t2);
	if (strcmp(t1.buf, t2.buf))
		broken("printing is not idempotent", &t1);
	if (!secdesc_check_size(&sd, &e))
		broken("parser built an oversized ACL", &t1);
	secdesc_encode(&sd, &bin);
	if (!secdesc_decode((const uint8_t *)bin.buf, bin.len, &decoded, &e))
		broken("own binary form refused", &t1);
	if (!secdesc_equal(&sd, &decoded))
		broken("binary round trip differs", &t1);
	// The readers of a parsed descriptor must not crash either.
	strbuf_reset(&t2);
	secdesc_explain(&sd, &ctx, VOCAB_COM_LAUNCH, &t2);
	for (int v = VOCAB_GENERIC; v <= VOCAB_WMI; v++) {
		strbuf_reset(&e);
		rights_validate((enum rights_vocab)v, &sd, &e);
	}
	secdesc_release(&sd);
	secdesc_release(&again);
	secdesc_release(&decoded);
	strbuf_release(&t1);
	strbuf_release(&t2);
	strbuf_release(&bin);
	strbuf_release(&e);
	return 0;
}
