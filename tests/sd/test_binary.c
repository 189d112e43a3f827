// The binary self-relative form, byte by byte. Every expected byte string below was
// derived by hand from [MS-DTYP] 2.4.6 (header), 2.4.5 (ACL), 2.4.4 (ACEs) and
// 2.4.2.2 (SID), with the part order Windows uses (SACL, DACL, owner, group); the
// comments show the derivation. Then the decoder: other layouts, and every way of
// being malformed that it must refuse without reading out of bounds.
#include "sdtest.h"

static void strip_spaces(const char *in, struct strbuf *out)
{
	for (; *in; in++)
		if (*in != ' ' && *in != '|')
			strbuf_addch(out, *in);
}

static void expect_hex(const char *sddl, const char *want_spaced)
{
	struct sid_context ctx = test_domain_ctx();
	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;
	hex_of(sddl, &ctx, &got);
	strip_spaces(want_spaced, &want);
	if (strcmp(got.buf, want.buf))
		fail_msg("'%s'\n  encoded %s\n expected %s", sddl, got.buf, want.buf);
	strbuf_release(&got);
	strbuf_release(&want);
}

static void test_domain_md_example(void **state)
{
	(void)state;
	// DOMAIN.md §3, verbatim.
	expect_hex("D:(A;;0x201f01ff;;;SY)",
		   "01 00 04 80 | 00000000 00000000 00000000 14000000 |"
		   "02 00 1c 00 01 00 00 00 | 00 00 14 00 ff 01 1f 20 |"
		   "01 01 00 00 00 00 00 05 12 00 00 00");
}

static void test_object_ace(void **state)
{
	(void)state;
	// Control 0x8004 (self-relative, DACL present); DACL at 0x14. ACL revision 4 for
	// the object ACE; ACE = 4 header + 4 mask + 4 object flags + 16 GUID + 12 SID
	// = 40 (0x28); ACL = 8 + 40 = 48 (0x30). GUID bf967aba-0de6-11d0-a285-00aa003049e2:
	// first three groups little-endian, the last eight bytes as written.
	expect_hex("D:(OA;CI;RP;bf967aba-0de6-11d0-a285-00aa003049e2;;AU)",
		   "01 00 04 80 | 00000000 00000000 00000000 14000000 |"
		   "04 00 30 00 01 00 00 00 |"
		   "05 02 28 00 | 10 00 00 00 | 01 00 00 00 |"
		   "ba 7a 96 bf e6 0d d0 11 a2 85 00 aa 00 30 49 e2 |"
		   "01 01 00 00 00 00 00 05 0b 00 00 00");
	// Both GUIDs: object flags 3, ACE = 4 + 4 + 4 + 32 + 16 (RU, S-1-5-32-554) = 60.
	expect_hex("D:(OA;CIIO;RP;037088f8-0ae1-11d2-b422-00a0c968f939;"
		   "bf967aba-0de6-11d0-a285-00aa003049e2;RU)",
		   "01 00 04 80 | 00000000 00000000 00000000 14000000 |"
		   "04 00 44 00 01 00 00 00 |"
		   "05 0a 3c 00 | 10 00 00 00 | 03 00 00 00 |"
		   "f8 88 70 03 e1 0a d2 11 b4 22 00 a0 c9 68 f9 39 |"
		   "ba 7a 96 bf e6 0d d0 11 a2 85 00 aa 00 30 49 e2 |"
		   "01 02 00 00 00 00 00 05 20 00 00 00 2a 02 00 00");
	// Only the inherited object type: object flags 2, one GUID.
	expect_hex("D:(OD;;WP;;bf967aba-0de6-11d0-a285-00aa003049e2;WD)",
		   "01 00 04 80 | 00000000 00000000 00000000 14000000 |"
		   "04 00 30 00 01 00 00 00 |"
		   "06 00 28 00 | 20 00 00 00 | 02 00 00 00 |"
		   "ba 7a 96 bf e6 0d d0 11 a2 85 00 aa 00 30 49 e2 |"
		   "01 01 00 00 00 00 00 01 00 00 00 00");
	// An object ACE without GUIDs is still an object ACE: flags word 0, revision 4;
	// ACL = 8 + 20 (A, WD) + 24 (OA: 4 + 4 + 4 + 12, ED) = 52 (0x34).
	expect_hex("D:(A;;CC;;;WD)(OA;;CR;;;ED)",
		   "01 00 04 80 | 00000000 00000000 00000000 14000000 |"
		   "04 00 34 00 02 00 00 00 |"
		   "00 00 14 00 01 00 00 00 01 01 00 00 00 00 00 01 00 00 00 00 |"
		   "05 00 18 00 00 01 00 00 00 00 00 00 01 01 00 00 00 00 00 05 09 00 00 00");
}

static void test_all_parts(void **state)
{
	(void)state;
	// Control 0x8014. SACL at 0x14: 8 + ACE(4 + 4 + 12) = 28 (0x1c); ACE flags
	// SA|FA = 0xc0, WP = 0x20. DACL at 0x14 + 0x1c = 0x30, also 28 bytes; GA is
	// 0x10000000. Owner BA (16 bytes) at 0x30 + 0x1c = 0x4c; group SY at 0x5c.
	expect_hex("O:BAG:SYD:(A;;GA;;;WD)S:(AU;SAFA;WP;;;WD)",
		   "01 00 14 80 | 4c000000 5c000000 14000000 30000000 |"
		   "02 00 1c 00 01 00 00 00 | 02 c0 14 00 20 00 00 00 |"
		   "01 01 00 00 00 00 00 01 00 00 00 00 |"
		   "02 00 1c 00 01 00 00 00 | 00 00 14 00 00 00 00 10 |"
		   "01 01 00 00 00 00 00 01 00 00 00 00 |"
		   "01 02 00 00 00 00 00 05 20 00 00 00 20 02 00 00 |"
		   "01 01 00 00 00 00 00 05 12 00 00 00");
	// Owner and group only: no ACL bits, parts right after the header.
	expect_hex("O:SYG:S-1-0x123456789ABC-7",
		   "01 00 00 80 | 14000000 20000000 00000000 00000000 |"
		   "01 01 00 00 00 00 00 05 12 00 00 00 |"
		   "01 01 12 34 56 78 9a bc 07 00 00 00");
}

static void test_null_and_empty(void **state)
{
	(void)state;
	// NULL DACL: present bit, offset 0, nothing after the header.
	expect_hex("D:NO_ACCESS_CONTROL", "01 00 04 80 | 00000000 00000000 00000000 00000000");
	// Empty DACL: present, an 8-byte ACL with no ACEs.
	expect_hex("D:", "01 00 04 80 | 00000000 00000000 00000000 14000000 | 02 00 08 00 00 00 00 00");
	// Protected and auto-inherited: 0x8000 | 0x1000 | 0x0400 | 0x0004 = 0x9404.
	// ACE flags OI|CI|ID = 0x13; FA = 0x1f01ff; BA SID is 16 bytes, ACE 24.
	expect_hex("D:PAI(A;OICIID;FA;;;BA)",
		   "01 00 04 94 | 00000000 00000000 00000000 14000000 |"
		   "02 00 20 00 01 00 00 00 | 00 13 18 00 ff 01 1f 00 |"
		   "01 02 00 00 00 00 00 05 20 00 00 00 20 02 00 00");
	// Empty descriptor: a header of zeros but for revision and self-relative.
	expect_hex("", "01 00 00 80 | 00000000 00000000 00000000 00000000");
	// Label ACE in a SACL: type 0x11, NW = 1, HI = S-1-16-12288 (0x3000).
	expect_hex("S:(ML;;NW;;;HI)",
		   "01 00 10 80 | 00000000 00000000 14000000 00000000 |"
		   "02 00 1c 00 01 00 00 00 | 11 00 14 00 01 00 00 00 |"
		   "01 01 00 00 00 00 00 10 00 30 00 00");
}

// --- decoding ---

static void unhex_into(const char *spaced, struct strbuf *out)
{
	struct strbuf h = STRBUF_INIT;
	strip_spaces(spaced, &h);
	assert_int_equal(h.len % 2, 0);
	for (size_t i = 0; i < h.len; i += 2) {
		unsigned v;
		if (sscanf(h.buf + i, "%2x", &v) != 1)
			fail_msg("bad hex in test: %s", spaced);
		strbuf_addch(out, (int)v);
	}
	strbuf_release(&h);
}

static void expect_decodes_to(const char *spaced, const char *want_sddl)
{
	struct sid_context ctx = test_domain_ctx();
	struct strbuf bin = STRBUF_INIT, err = STRBUF_INIT, got = STRBUF_INIT;
	unhex_into(spaced, &bin);
	struct secdesc sd;
	if (!secdesc_decode((const uint8_t *)bin.buf, bin.len, &sd, &err))
		fail_msg("refused: %s", err.buf);
	sddl_print(&sd, &ctx, SDDL_PRINT_DEFAULT, &got);
	if (strcmp(got.buf, want_sddl))
		fail_msg("decoded to '%s', expected '%s'", got.buf, want_sddl);
	secdesc_release(&sd);
	strbuf_release(&bin);
	strbuf_release(&err);
	strbuf_release(&got);
}

static void test_decode_other_layouts(void **state)
{
	(void)state;
	// Owner, group, then DACL, each after the previous (the order MakeSelfRelativeSD
	// and many tools use), with 8 bytes of slack in the ACL and 4 after the SID of
	// the ACE (size 0x18 instead of 0x14): both carry no meaning and are dropped.
	const char *other =
		"01 00 04 80 | 14000000 24000000 00000000 30000000 |"
		"01 02 00 00 00 00 00 05 20 00 00 00 20 02 00 00 |"     // owner BA at 0x14
		"01 01 00 00 00 00 00 05 12 00 00 00 |"                 // group SY at 0x24
		"02 00 28 00 01 00 00 00 | 00 00 18 00 ff 01 1f 00 |"   // DACL at 0x30
		"01 01 00 00 00 00 00 01 00 00 00 00 | 00 00 00 00 |"
		"00 00 00 00 00 00 00 00";
	expect_decodes_to(other, "O:BAG:SYD:(A;;FA;;;WD)");
	// Re-encoding gives Windows' order, packed.
	struct strbuf bin = STRBUF_INIT, err = STRBUF_INIT, out = STRBUF_INIT, want = STRBUF_INIT;
	unhex_into(other, &bin);
	struct secdesc sd;
	assert_true(secdesc_decode((const uint8_t *)bin.buf, bin.len, &sd, &err));
	secdesc_encode(&sd, &out);
	strbuf_reset(&bin);
	unhex_into("01 00 04 80 | 30000000 40000000 00000000 14000000 |"
		   "02 00 1c 00 01 00 00 00 | 00 00 14 00 ff 01 1f 00 |"
		   "01 01 00 00 00 00 00 01 00 00 00 00 |"
		   "01 02 00 00 00 00 00 05 20 00 00 00 20 02 00 00 |"
		   "01 01 00 00 00 00 00 05 12 00 00 00", &want);
	assert_int_equal(out.len, want.len);
	assert_memory_equal(out.buf, want.buf, want.len);
	secdesc_release(&sd);
	// Owner and group may share bytes; a DACL offset without the present bit is
	// ignored; trailing bytes after the parts are ignored.
	expect_decodes_to("01 00 00 80 | 14000000 14000000 00000000 99000000 |"
			  "01 01 00 00 00 00 00 05 12 00 00 00 | ee ee", "O:SYG:SY");
	// NULL SACL: present, offset 0.
	expect_decodes_to("01 00 10 80 | 00000000 00000000 00000000 00000000",
			  "S:NO_ACCESS_CONTROL");
	// Revision-4 ACL without object ACEs keeps its revision on re-encode.
	strbuf_reset(&bin);
	strbuf_reset(&out);
	unhex_into("01 00 04 80 | 00000000 00000000 00000000 14000000 | 04 00 08 00 00 00 00 00",
		   &bin);
	assert_true(secdesc_decode((const uint8_t *)bin.buf, bin.len, &sd, &err));
	assert_int_equal(sd.dacl.revision, 4);
	secdesc_encode(&sd, &out);
	assert_int_equal(out.len, bin.len);
	assert_memory_equal(out.buf, bin.buf, bin.len);
	secdesc_release(&sd);
	strbuf_release(&bin);
	strbuf_release(&err);
	strbuf_release(&out);
	strbuf_release(&want);
}

static void expect_refused(const char *spaced, const char *part)
{
	struct strbuf bin = STRBUF_INIT, err = STRBUF_INIT;
	unhex_into(spaced, &bin);
	// A copy of exactly the right size, so ASan sees any read past the end.
	uint8_t *copy = xmalloc(bin.len ? bin.len : 1);
	memcpy(copy, bin.buf, bin.len);
	struct secdesc sd;
	if (secdesc_decode(copy, bin.len, &sd, &err))
		fail_msg("accepted: %s", spaced);
	if (!strstr(err.buf, part))
		fail_msg("message '%s' lacks '%s'", err.buf, part);
	assert_null(sd.dacl.aces);
	free(copy);
	strbuf_release(&bin);
	strbuf_release(&err);
}

#define HDR_DACL "01 00 04 80 | 00000000 00000000 00000000 14000000 |"

static void test_decode_malformed(void **state)
{
	(void)state;
	expect_refused("", "too short");
	expect_refused("01 00 04 80 00000000 00000000 00000000 140000", "too short");
	expect_refused("02 00 04 80 | 00000000 00000000 00000000 00000000", "revision 2");
	expect_refused("01 01 04 80 | 00000000 00000000 00000000 00000000", "resource-manager");
	expect_refused("01 00 04 00 | 00000000 00000000 00000000 00000000", "not self-relative");
	// Offsets into the header or past the end.
	expect_refused("01 00 00 80 | 04000000 00000000 00000000 00000000", "into the 20-byte header");
	expect_refused("01 00 00 80 | 18000000 00000000 00000000 00000000 | 01 01 00 00",
		       "beyond the end");
	expect_refused("01 00 00 80 | ffffffff 00000000 00000000 00000000", "beyond the end");
	expect_refused(HDR_DACL, "beyond the end");
	// Bad SIDs.
	expect_refused("01 00 00 80 | 14000000 00000000 00000000 00000000 |"
		       "02 01 00 00 00 00 00 05 12 00 00 00", "revision 2");
	expect_refused("01 00 00 80 | 14000000 00000000 00000000 00000000 |"
		       "01 10 00 00 00 00 00 05 12 00 00 00", "16 sub-authorities");
	expect_refused("01 00 00 80 | 00000000 14000000 00000000 00000000 |"
		       "01 02 00 00 00 00 00 05 12 00 00 00", "group SID truncated");
	// Bad ACLs.
	expect_refused(HDR_DACL "01 00 08 00 00 00 00 00", "revision 1");
	expect_refused(HDR_DACL "05 00 08 00 00 00 00 00", "revision 5");
	expect_refused(HDR_DACL "02 00 04 00 00 00 00 00", "less than its 8-byte header");
	expect_refused(HDR_DACL "02 00 10 00 00 00 00 00", "past the end");
	expect_refused(HDR_DACL "02 00 08 00 01 00 00 00", "room for at most 0");
	expect_refused(HDR_DACL "02 00 18 00 02 00 00 00 | 00 00 10 00 00000000 0100000000000001",
		       "room for at most 1");
	// Bad ACEs.
	expect_refused(HDR_DACL "02 00 18 00 01 00 00 00 | 00 00 00 00 00000000 0100000000000001",
		       "has size 0");
	expect_refused(HDR_DACL "02 00 18 00 01 00 00 00 | 00 00 20 00 00000000 0100000000000001",
		       "outside its ACL");
	expect_refused(HDR_DACL "02 00 18 00 01 00 00 00 | 00 00 0c 00 00000000 0100000000000001",
		       "ACE 1 SID truncated");
	expect_refused(HDR_DACL "02 00 18 00 01 00 00 00 | 09 00 10 00 00000000 0100000000000001",
		       "callback (conditional)");
	expect_refused(HDR_DACL "02 00 18 00 01 00 00 00 | 12 00 10 00 00000000 0100000000000001",
		       "resource attribute");
	expect_refused(HDR_DACL "02 00 18 00 01 00 00 00 | 42 00 10 00 00000000 0100000000000001",
		       "unknown type 0x42");
	expect_refused(HDR_DACL "02 00 18 00 01 00 00 00 | 00 20 10 00 00000000 0100000000000001",
		       "flag 0x20");
	expect_refused(HDR_DACL "02 00 1c 00 01 00 00 00 | 05 00 14 00 00000000 00000000"
			       "0100000000000001", "needs revision 4");
	expect_refused(HDR_DACL "04 00 1c 00 01 00 00 00 | 05 00 14 00 00000000 04000000"
			       "0100000000000001", "unknown object flags 0x4");
	expect_refused(HDR_DACL "04 00 1c 00 01 00 00 00 | 05 00 14 00 00000000 01000000"
			       "0100000000000001", "too short for its object GUID");
	expect_refused(HDR_DACL "04 00 2c 00 01 00 00 00 | 05 00 24 00 00000000 03000000"
			       "00000000000000000000000000000000 0100000000000001",
		       "too short for its inherited object GUID");
	expect_refused(HDR_DACL "02 00 18 00 01 00 00 00 | 00 00 04 00 00000000 0100000000000001",
		       "too short for its access mask");
}

static void test_decode_every_truncation(void **state)
{
	(void)state;
	// Every proper prefix of a valid encoding is refused (the group SID, last,
	// is cut), and every prefix is read within its bounds.
	struct sid_context ctx = test_domain_ctx();
	const char *s = "O:BAG:SYD:PAI(A;OICIID;FA;;;BA)(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;"
			"bf967aba-0de6-11d0-a285-00aa003049e2;DA)S:(AU;SA;WP;;;WD)(ML;;NW;;;LW)";
	struct secdesc sd, out;
	struct sddl_error perr;
	assert_true(sddl_parse(s, strlen(s), &ctx, &sd, &perr));
	struct strbuf bin = STRBUF_INIT, err = STRBUF_INIT;
	secdesc_encode(&sd, &bin);
	for (size_t n = 0; n < bin.len; n++) {
		uint8_t *copy = xmalloc(n ? n : 1);
		memcpy(copy, bin.buf, n);
		strbuf_reset(&err);
		if (secdesc_decode(copy, n, &out, &err))
			fail_msg("prefix of %zu of %zu bytes accepted", n, bin.len);
		assert_true(err.len > 0);
		free(copy);
	}
	assert_true(secdesc_decode((const uint8_t *)bin.buf, bin.len, &out, &err));
	assert_true(secdesc_equal(&sd, &out));
	secdesc_release(&out);
	secdesc_release(&sd);
	strbuf_release(&bin);
	strbuf_release(&err);
}

static void test_self_relative_bit_ignored_by_equal(void **state)
{
	(void)state;
	struct secdesc a, b;
	secdesc_init(&a);
	secdesc_init(&b);
	a.control = SE_DACL_PRESENT;
	b.control = SE_DACL_PRESENT | SE_SELF_RELATIVE;
	assert_true(secdesc_equal(&a, &b));
	b.control |= SE_DACL_PROTECTED;
	assert_false(secdesc_equal(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_md_example),
		cmocka_unit_test(test_object_ace),
		cmocka_unit_test(test_all_parts),
		cmocka_unit_test(test_null_and_empty),
		cmocka_unit_test(test_decode_other_layouts),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_decode_every_truncation),
		cmocka_unit_test(test_self_relative_bit_ignored_by_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
