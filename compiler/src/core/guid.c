#include "core/guid.h"

#include <nettle/sha1.h>
#include <string.h>

void guid_from_name(const char *ns, const char *name, uint8_t out[16])
{
	struct sha1_ctx ctx;
	uint8_t digest[SHA1_DIGEST_SIZE];
	sha1_init(&ctx);
	sha1_update(&ctx, strlen(ns), (const uint8_t *)ns);
	// A separator that cannot occur in either part keeps ("ab","c") != ("a","bc").
	sha1_update(&ctx, 1, (const uint8_t *)"\0");
	sha1_update(&ctx, strlen(name), (const uint8_t *)name);
	sha1_digest(&ctx, sizeof(digest), digest);
	memcpy(out, digest, 16);
	out[6] = (uint8_t)((out[6] & 0x0F) | 0x50); // version 5
	out[8] = (uint8_t)((out[8] & 0x3F) | 0x80); // RFC 4122 variant
}

void guid_format16(const uint8_t g[16], struct strbuf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	strbuf_addch(out, '{');
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			strbuf_addch(out, '-');
		strbuf_addch(out, hex[g[i] >> 4]);
		strbuf_addch(out, hex[g[i] & 15]);
	}
	strbuf_addch(out, '}');
}
