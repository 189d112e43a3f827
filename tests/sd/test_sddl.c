// SDDL parsing and printing beyond the Windows corpus: NULL ACLs, label ACEs,
// printing rules, refused constructs and their messages, limits, hostile bytes.
#include "sdtest.h"

static void expect_canon(const char *in, const char *want)
{
	struct sid_context ctx = test_domain_ctx();
	struct strbuf got = STRBUF_INIT;
	canon_or_fail(in, &ctx, &got);
	if (strcmp(got.buf, want))
		fail_msg("'%s' printed '%s', expected '%s'", in, got.buf, want);
	strbuf_release(&got);
}

// Rejected, at `offset` (SIZE_MAX: any), with `part` in the message.
static void expect_error_len(const char *in, size_t len, size_t offset, const char *part)
{
	struct sid_context ctx = test_domain_ctx();
	struct secdesc sd;
	struct sddl_error err;
	if (sddl_parse(in, len, &ctx, &sd, &err)) {
		secdesc_release(&sd);
		fail_msg("'%s' accepted", in);
	}
	if (part && !strstr(err.message, part))
		fail_msg("'%s': message '%s' lacks '%s'", in, err.message, part);
	if (offset != SIZE_MAX && err.offset != offset)
		fail_msg("'%s': error at offset %zu, expected %zu (%s)", in, err.offset, offset,
			 err.message);
	for (const char *m = err.message; *m; m++)
		if ((unsigned char)*m < 0x20 || (unsigned char)*m >= 0x7F)
			fail_msg("'%s': message has raw byte 0x%02x", in, (unsigned char)*m);
}

static void expect_error(const char *in, size_t offset, const char *part)
{
	expect_error_len(in, strlen(in), offset, part);
}

static void test_order_and_sections(void **state)
{
	(void)state;
	expect_canon("S:(AU;SA;WP;;;WD)D:(A;;GA;;;SY)G:SYO:BA",
		     "O:BAG:SYD:(A;;GA;;;SY)S:(AU;SA;WP;;;WD)");
	expect_canon("", "");
	expect_canon("   ", "");
	expect_canon("O:BA", "O:BA");
	expect_canon("O: BAG: SY", "O:BAG:SY");
	expect_error("D:(A;;GA;;;SY)D:", 14, "duplicate section 'D:'");
	expect_error("O:BAO:SY", 4, "duplicate");
	expect_error("o:BA", 0, "unknown section");
	expect_error("X", 0, "expected a section");
	expect_error("O:", 2, "missing SID");
	expect_error("O:G:BA", 2, "missing SID");
}

static void test_null_acls(void **state)
{
	(void)state;
	struct sid_context ctx = test_domain_ctx();
	struct secdesc sd;
	struct sddl_error err;
	assert_true(sddl_parse("D:NO_ACCESS_CONTROL", 19, &ctx, &sd, &err));
	assert_true(sd.dacl_null);
	assert_true(sd.control & SE_DACL_PRESENT);
	assert_int_equal(sd.dacl.count, 0);
	secdesc_release(&sd);
	expect_canon("D:NO_ACCESS_CONTROL", "D:NO_ACCESS_CONTROL");
	expect_canon("D:PAINO_ACCESS_CONTROL", "D:PAINO_ACCESS_CONTROL");
	expect_canon("S:NO_ACCESS_CONTROLD:", "D:S:NO_ACCESS_CONTROL");
	expect_canon("D: NO_ACCESS_CONTROL ", "D:NO_ACCESS_CONTROL");
	expect_error("D:NO_ACCESS_CONTROL(A;;GA;;;SY)", 19, "NO_ACCESS_CONTROL");
	expect_error("D:no_access_control", 2, "unexpected");
	// An empty DACL is not a NULL one.
	assert_true(sddl_parse("D:", 2, &ctx, &sd, &err));
	assert_false(sd.dacl_null);
	assert_true(sd.control & SE_DACL_PRESENT);
	secdesc_release(&sd);
}

static void test_acl_flags(void **state)
{
	(void)state;
	expect_canon("D:AIARP", "D:PARAI");
	expect_canon("S:PAI(AU;FA;GA;;;WD)", "S:PAI(AU;FA;GA;;;WD)");
	struct sid_context ctx = test_domain_ctx();
	struct secdesc sd;
	struct sddl_error err;
	assert_true(sddl_parse("D:PS:ARAI", 9, &ctx, &sd, &err));
	assert_int_equal(sd.control, SE_DACL_PRESENT | SE_DACL_PROTECTED | SE_SACL_PRESENT |
					     SE_SACL_AUTO_INHERIT_REQ | SE_SACL_AUTO_INHERITED);
	secdesc_release(&sd);
	// ACL flags are case-sensitive, and come before the ACEs.
	expect_error("D:p(A;;GA;;;SY)", 2, "unexpected 'p(A");
	expect_error("D:(A;;GA;;;SY)P", 14, "unexpected 'P'");
}

static void test_ace_types(void **state)
{
	(void)state;
	expect_canon("D:(a;;GA;;;SY)(d;;GA;;;BG)(oa;;RP;;;AU)(od;;WP;;;AU)",
		     "D:(A;;GA;;;SY)(D;;GA;;;BG)(OA;;RP;;;AU)(OD;;WP;;;AU)");
	expect_canon("S:(au;SA;GA;;;WD)(al;FA;GA;;;WD)(ou;sa;RP;;;WD)(ol;;RP;;;WD)(sp;;;;;S-1-17-1)",
		     "S:(AU;SA;GA;;;WD)(AL;FA;GA;;;WD)(OU;SA;RP;;;WD)(OL;;RP;;;WD)(SP;;;;;S-1-17-1)");
	// Every ACE flag, in printing order.
	expect_canon("S:(AU;FASAIDIONPCIOI;GA;;;WD)", "S:(AU;OICINPIOIDSAFA;GA;;;WD)");
	expect_error("D:(AU;SA;GA;;;WD)", 3, "not allowed in a DACL");
	expect_error("S:(A;;GA;;;WD)", 3, "not allowed in a SACL");
	expect_error("D:(ML;;NW;;;LW)", 3, "not allowed in a DACL");
	expect_error("D:(A;XX;GA;;;WD)", 5, "unknown ACE flag 'XX'");
	expect_error("D:(A;C;GA;;;WD)", 5, "unknown ACE flag 'C'");
	expect_error("D:(A ;;GA;;;WD)", 3, "unknown ACE type 'A '");
}

static void test_refused_kinds(void **state)
{
	(void)state;
	expect_error("D:(XA;;FX;;;S-1-1-0;(@User.Title == \"PM\"))", 3,
		     "conditional ACEs (type 'XA') are not supported");
	expect_error("D:(XD;;FX;;;WD;(Member_of {SID(BA)}))", 3, "conditional");
	expect_error("D:(ZA;;FX;;;WD;(x))", 3, "conditional");
	expect_error("S:(XU;SA;FX;;;WD;(x))", 3, "conditional");
	expect_error("D:(XA;;FX;;;WD)", 3, "conditional");
	expect_error("S:(RA;;;;;WD;(\"Project\",TS,0,\"Windows\"))", 3,
		     "resource attribute ACEs (type 'RA') are not supported");
	expect_error("D:(A;;GA;;;SY;x)", 2, "7 fields");
	expect_error("D:(A;;GA;;SY)", 2, "5 fields");
	expect_error("D:(A;;GA;;;SY", 2, "unterminated ACE");
}

static void test_guids(void **state)
{
	(void)state;
	expect_canon("D:(OA;;CR;1131F6AA-9C07-11D1-F79F-00C04FC2DCD2;;ED)",
		     "D:(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;ED)");
	expect_canon("D:(OA;;CR; ;  ;ED)", "D:(OA;;CR;;;ED)");
	expect_error("D:(A;;GA;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;WD)", 9,
		     "only OA, OD, OU and OL take GUIDs");
	expect_error("D:(OA;;GA;1131f6aa-9c07-11d1-f79f-00c04fc2dcdg;;WD)", 10, "malformed object");
	expect_error("D:(OA;;GA;;1131f6aa+9c07-11d1-f79f-00c04fc2dcd2;WD)", 11,
		     "malformed inherited object GUID");
	expect_error("D:(OA;;GA;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2a;;WD)", 10, "malformed");
}

static void test_rights_printing(void **state)
{
	(void)state;
	// Exact composites, with KR winning over its twin KX.
	expect_canon("D:(A;;KX;;;WD)", "D:(A;;KR;;;WD)");
	expect_canon("D:(A;;0xf003f;;;WD)", "D:(A;;KA;;;WD)");
	expect_canon("D:(A;;0x20006;;;WD)", "D:(A;;KW;;;WD)");
	expect_canon("D:(A;;0x120089;;;WD)", "D:(A;;FR;;;WD)");
	expect_canon("D:(A;;0x120116;;;WD)", "D:(A;;FW;;;WD)");
	expect_canon("D:(A;;0x1200a0;;;WD)", "D:(A;;FX;;;WD)");
	// A composite plus a bit is no composite: named bits, or hex if one is unnamed.
	expect_canon("D:(A;;KRDC;;;WD)", "D:(A;;CCDCSWRPRC;;;WD)");
	expect_canon("D:(A;;FRDC;;;WD)", "D:(A;;0x12008b;;;WD)");
	expect_canon("D:(A;;0x100000;;;WD)", "D:(A;;0x100000;;;WD)");
	expect_canon("D:(A;;0;;;WD)", "D:(A;;;;;WD)");
	expect_canon("D:(A;;0X1F;;;WD)", "D:(A;;CCDCLCSWRP;;;WD)");
	expect_canon("D:(A;;+5;;;WD)", "D:(A;;CCLC;;;WD)");
	expect_canon("D:(A;;-1;;;WD)", "D:(A;;0xffffffff;;;WD)");
	expect_canon("D:(A;;cc dc  lc;;;WD)", "D:(A;;CCDCLC;;;WD)");
	expect_canon("D:(A;;   ;;;WD)", "D:(A;;;;;WD)");
	// Label ACEs print their own codes.
	expect_canon("S:(ML;;NW;;;LW)", "S:(ML;;NW;;;LW)");
	expect_canon("S:(ML;;0x7;;;HI)", "S:(ML;;NWNRNX;;;HI)");
	expect_canon("S:(ML;;NWNR;;;SI)", "S:(ML;;NWNR;;;SI)");
	expect_canon("S:(ML;;0x9;;;ME)", "S:(ML;;CCSW;;;ME)");
	expect_error("D:(A;;08;;;WD)", 7, "unexpected '8'");
	expect_error("D:(A;;0x;;;WD)", 6, "malformed access mask");
	expect_error("D:(A;;-;;;WD)", 6, "malformed access mask");
	expect_error("D:(A;;--1;;;WD)", 6, "malformed access mask");
	expect_error("D:(A;;G;;;WD)", 6, "unknown access right 'G'");
	expect_error("D:(A;;GAX;;;WD)", 8, "unknown access right 'X'");
}

static void test_sids(void **state)
{
	(void)state;
	expect_canon("D:(A;;GA;;;s-1-5-32-544)", "D:(A;;GA;;;BA)");
	expect_canon("D:(A;;GA;;;S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14)",
		     "D:(A;;GA;;;S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14)");
	expect_error("D:(A;;GA;;;S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15)", SIZE_MAX,
		     "more than 15 sub-authorities");
	expect_canon("D:(A;;GA;;;S-1-0xffffffffffff-1)", "D:(A;;GA;;;S-1-0xFFFFFFFFFFFF-1)");
	expect_error("D:(A;;GA;;;S-1-0x1000000000000-1)", 11, "below 2^48");
	expect_error("D:(A;;GA;;;S-2-5-18)", 11, "revision 2");
	expect_error("D:(A;;GA;;;S-1)", 14, "identifier authority");
	expect_error("D:(A;;GA;;;S-1-5-)", 17, "malformed sub-authority");
	expect_error("D:(A;;GA;;;XX)", 11, "unknown SID alias 'XX'");
	expect_error("D:(A;;GA;;;BAD)", 11, "unknown SID alias 'BAD'");
	expect_error("D:(A;;GA;;;BR)", 11, "refused by Windows");
	expect_error("O:BA G", 5, "after SID alias 'BA'");
	// A numeric owner may not be followed by spaces, as in an ACE.
	expect_error("O:S-1-5-18 G:SY", 10, "unexpected ' '");
	// Hex mode after a hex revision applies to every later number.
	expect_canon("O:S-0x1-5-20", "O:S-1-5-32");
	expect_canon("O:S-1-5-0x20-0x220", "O:BA");
}

static void test_domain_aliases(void **state)
{
	(void)state;
	struct sid_context none;
	memset(&none, 0, sizeof(none));
	struct secdesc sd;
	struct sddl_error err;
	assert_false(sddl_parse("O:DA", 4, &none, &sd, &err));
	assert_non_null(strstr(err.message, "'DA' needs the domain SID"));
	assert_false(sddl_parse("O:EA", 4, NULL, &sd, &err));
	assert_non_null(strstr(err.message, "forest root domain SID"));
	assert_false(sddl_parse("O:LA", 4, NULL, &sd, &err));
	assert_non_null(strstr(err.message, "account domain SID"));

	struct sid_context dom = test_domain_ctx();
	assert_true(sddl_parse("O:daG:DUD:(A;;GA;;;ea)", 22, &dom, &sd, &err));
	struct strbuf out = STRBUF_INIT;
	sid_format(&sd.owner, &out);
	assert_string_equal(out.buf, TEST_DOMAIN "-512");
	strbuf_reset(&out);
	sddl_print(&sd, &dom, SDDL_PRINT_DEFAULT, &out);
	assert_string_equal(out.buf, "O:DAG:DUD:(A;;GA;;;EA)");
	strbuf_reset(&out);
	// Printed in another context the same SIDs stay numeric.
	sddl_print(&sd, &none, SDDL_PRINT_DEFAULT, &out);
	assert_string_equal(out.buf, "O:" TEST_DOMAIN "-512G:" TEST_DOMAIN "-513D:(A;;GA;;;" TEST_DOMAIN
				     "-519)");
	strbuf_release(&out);
	secdesc_release(&sd);
}

static void test_numeric_rm(void **state)
{
	(void)state;
	struct sid_context ctx = test_domain_ctx();
	struct secdesc sd;
	struct sddl_error err;
	assert_true(sddl_parse("D:(A;;CC;;;RM)", 14, &ctx, &sd, &err));
	struct strbuf out = STRBUF_INIT;
	sddl_print(&sd, &ctx, SDDL_PRINT_DEFAULT, &out);
	assert_string_equal(out.buf, "D:(A;;CC;;;RM)");
	strbuf_reset(&out);
	sddl_print(&sd, &ctx, SDDL_PRINT_NUMERIC_RM, &out);
	assert_string_equal(out.buf, "D:(A;;CC;;;S-1-5-32-580)");
	strbuf_release(&out);
	secdesc_release(&sd);
}

static void test_hostile_bytes(void **state)
{
	(void)state;
	expect_error_len("D:(A;;GA;;;SY)\0", 15, 14, "\\x00");
	expect_error("D:(\x01\x1b[31m;;GA;;;SY)", 3, "\\x01\\x1b[31m");
	expect_error("D:(A;;GA;;;SY)\t", 14, "\\x09");
	// A long junk token is quoted truncated, within the message buffer.
	char junk[600];
	memset(junk, 'Q', sizeof(junk));
	memcpy(junk, "D:(", 3);
	junk[sizeof(junk) - 1] = '\0';
	expect_error(junk, 2, "unterminated ACE");
	// Deep nesting is just an unknown type, not recursion.
	char nest[4000];
	memcpy(nest, "D:", 2);
	memset(nest + 2, '(', sizeof(nest) - 3);
	nest[sizeof(nest) - 1] = '\0';
	expect_error(nest, 2, "unterminated");
}

static void append_aces(struct strbuf *sb, size_t n)
{
	// Each ACE is 36 bytes in binary form: header, mask and a 28-byte SID.
	for (size_t i = 0; i < n; i++)
		strbuf_addf(sb, "(A;;GA;;;S-1-5-21-1-2-3-%zu)", 1000 + i);
}

static void test_acl_size_limit(void **state)
{
	(void)state;
	struct sid_context ctx = test_domain_ctx();
	struct secdesc sd;
	struct sddl_error err;
	struct strbuf sb = STRBUF_INIT;
	// (65535 - 8) / 36 = 1820 ACEs fit the 16-bit ACL size; one more does not.
	strbuf_addstr(&sb, "D:");
	append_aces(&sb, 1820);
	assert_true(sddl_parse(sb.buf, sb.len, &ctx, &sd, &err));
	assert_int_equal(acl_binary_size(&sd.dacl), 8 + 1820 * 36);
	struct strbuf e = STRBUF_INIT;
	assert_true(secdesc_check_size(&sd, &e));
	secdesc_release(&sd);
	append_aces(&sb, 1);
	assert_false(sddl_parse(sb.buf, sb.len, &ctx, &sd, &err));
	assert_non_null(strstr(err.message, "DACL too large"));
	strbuf_release(&sb);
	strbuf_release(&e);
}

static void test_release_after_failure(void **state)
{
	(void)state;
	// A failed parse leaves nothing to free, and releasing again is harmless.
	struct secdesc sd;
	struct sddl_error err;
	const char *s = "D:(A;;GA;;;SY)(A;;GA;;;BA)(A;;GA;;;XX)";
	assert_false(sddl_parse(s, strlen(s), NULL, &sd, &err));
	assert_null(sd.dacl.aces);
	secdesc_release(&sd);
	// A NULL error pointer is allowed.
	assert_false(sddl_parse(s, strlen(s), NULL, &sd, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_sections),
		cmocka_unit_test(test_null_acls),
		cmocka_unit_test(test_acl_flags),
		cmocka_unit_test(test_ace_types),
		cmocka_unit_test(test_refused_kinds),
		cmocka_unit_test(test_guids),
		cmocka_unit_test(test_rights_printing),
		cmocka_unit_test(test_sids),
		cmocka_unit_test(test_domain_aliases),
		cmocka_unit_test(test_numeric_rm),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_acl_size_limit),
		cmocka_unit_test(test_release_after_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
