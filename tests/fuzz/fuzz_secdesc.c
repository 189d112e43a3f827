// libFuzzer target for the binary descriptor decoder (compiler/src/sd/secdesc.c).
//
// Any bytes must either be refused with a message or decode; a decoded descriptor
// must encode to bytes that decode to an equal descriptor and re-encode identically.
// When everything in it has an SDDL form, its SDDL must read back equal too.
// Input is also fed to secdesc_describe_bytes (raw and hex paths). A broken
// property aborts, which libFuzzer reports as a crash with the input.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "sd/secdesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_secdesc: %s\n", what);
	abort();
}

enum {
	SDDL_CONTROL = SE_DACL_PRESENT | SE_SACL_PRESENT | SE_DACL_AUTO_INHERIT_REQ |
		       SE_SACL_AUTO_INHERIT_REQ | SE_DACL_AUTO_INHERITED | SE_SACL_AUTO_INHERITED |
		       SE_DACL_PROTECTED | SE_SACL_PROTECTED,
};

static bool placeable(const struct acl *acl, bool dacl)
{
	for (size_t i = 0; i < acl->count; i++) {
		uint8_t t = acl->aces[i].type;
		bool in_dacl = t == ACE_ALLOW || t == ACE_DENY || t == ACE_ALLOW_OBJECT ||
			       t == ACE_DENY_OBJECT;
		if (in_dacl != dacl)
			return false;
	}
	return true;
}

// What SDDL can say of `sd`: control bits with an SDDL form (ACL flags only with
// their ACL), ACL revisions as the parser chooses them.
static void sddl_view(struct secdesc *sd)
{
	sd->control &= SDDL_CONTROL;
	if (!(sd->control & SE_DACL_PRESENT))
		sd->control &= (uint16_t)~(SE_DACL_PROTECTED | SE_DACL_AUTO_INHERIT_REQ |
					   SE_DACL_AUTO_INHERITED);
	if (!(sd->control & SE_SACL_PRESENT))
		sd->control &= (uint16_t)~(SE_SACL_PROTECTED | SE_SACL_AUTO_INHERIT_REQ |
					   SE_SACL_AUTO_INHERITED);
	sd->dacl.revision = 0;
	sd->sacl.revision = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secdesc sd, again;
	struct strbuf err = STRBUF_INIT, b1 = STRBUF_INIT, b2 = STRBUF_INIT, text = STRBUF_INIT;
	struct sid_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	if (secdesc_decode(data, size, &sd, &err)) {
		if (err.len)
			broken("decoded with an error message");
		secdesc_encode(&sd, &b1);
		if (!secdesc_decode((const uint8_t *)b1.buf, b1.len, &again, &err))
			broken("own encoding refused");
		if (!secdesc_equal(&sd, &again))
			broken("decode -> encode -> decode differs");
		secdesc_encode(&again, &b2);
		if (b1.len != b2.len || memcmp(b1.buf, b2.buf, b1.len))
			broken("encoding is not stable");
		secdesc_release(&again);
		if (placeable(&sd.dacl, true) && placeable(&sd.sacl, false)) {
			struct sddl_error perr;
			sddl_view(&sd);
			sddl_print(&sd, &ctx, SDDL_PRINT_DEFAULT, &text);
			if (!sddl_parse(text.buf, text.len, &ctx, &again, &perr))
				broken("SDDL of a decoded descriptor refused");
			if (!secdesc_equal(&sd, &again))
				broken("SDDL of a decoded descriptor reads back differently");
			secdesc_release(&again);
		}
		secdesc_release(&sd);
	} else if (!err.len) {
		broken("refused without a message");
	}
	strbuf_reset(&text);
	strbuf_reset(&err);
	secdesc_describe_bytes(data, size, &ctx, VOCAB_WMI, &text, &err);
	strbuf_release(&err);
	strbuf_release(&b1);
	strbuf_release(&b2);
	strbuf_release(&text);
	return 0;
}
