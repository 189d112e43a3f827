// Descriptor operations: adding, merging grants into a baseline, removing a
// principal, comparing, effective rights, explanations and describing bytes.
// Expected results are SDDL strings written by hand.
#include "sdtest.h"

#define USER "S-1-5-21-1-2-3-1105"
#define MONITORING "S-1-5-21-1-2-3-4242"

static struct secdesc parse_or_fail(const char *s)
{
	struct sid_context ctx = test_domain_ctx();
	struct secdesc sd;
	struct sddl_error err;
	if (!sddl_parse(s, strlen(s), &ctx, &sd, &err))
		fail_msg("'%s' rejected: %s", s, err.message);
	return sd;
}

static void expect_sddl(const struct secdesc *sd, const char *want)
{
	struct sid_context ctx = test_domain_ctx();
	struct strbuf got = STRBUF_INIT;
	sddl_print(sd, &ctx, SDDL_PRINT_DEFAULT, &got);
	if (strcmp(got.buf, want))
		fail_msg("got '%s'\nexpected '%s'", got.buf, want);
	strbuf_release(&got);
}

static struct ace make_ace(uint8_t type, uint8_t flags, uint32_t mask, const char *sid)
{
	struct ace a;
	memset(&a, 0, sizeof(a));
	a.type = type;
	a.flags = flags;
	a.mask = mask;
	a.sid = test_sid(sid);
	return a;
}

static void test_add_ace(void **state)
{
	(void)state;
	struct secdesc sd;
	secdesc_init(&sd);
	sd.control = SE_DACL_PRESENT;
	struct ace a = make_ace(ACE_ALLOW, 0, 0x7, "S-1-1-0");
	acl_add_ace(&sd.dacl, &a);
	assert_int_equal(acl_effective_revision(&sd.dacl), 2);
	struct ace o = make_ace(ACE_ALLOW_OBJECT, ACE_CI, 0x10, "S-1-5-11");
	o.object_flags = ACE_OBJECT_TYPE_PRESENT;
	assert_true(guid_parse_sddl("bf967aba-0de6-11d0-a285-00aa003049e2", 36, &o.object_type));
	acl_add_ace(&sd.dacl, &o);
	assert_int_equal(sd.dacl.revision, 4);
	expect_sddl(&sd, "D:(A;;CCDCLC;;;WD)(OA;CI;RP;bf967aba-0de6-11d0-a285-00aa003049e2;;AU)");
	struct strbuf err = STRBUF_INIT;
	assert_true(secdesc_check_size(&sd, &err));
	secdesc_release(&sd);
	strbuf_release(&err);
}

static void test_merge_baseline(void **state)
{
	(void)state;
	// DOMAIN.md §4's launch baseline plus remote launch/activation for a group.
	struct secdesc sd = parse_or_fail("O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)"
					  "(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCLCSWRP;;;LU)");
	struct ace grants[] = {
		make_ace(ACE_ALLOW, 0, rights_effective_mask(VOCAB_COM_LAUNCH, 0x4 | 0x10), MONITORING),
		// Already covered by the baseline: changes nothing.
		make_ace(ACE_ALLOW, 0, 0x3, "S-1-1-0"),
		// A duplicate of the first grant.
		make_ace(ACE_ALLOW, 0, 0x15, MONITORING),
	};
	secdesc_merge_dacl(&sd, grants, ARRAY_SIZE(grants));
	expect_sddl(&sd, "O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)"
			 "(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCLCSWRP;;;LU)"
			 "(A;;CCLCRP;;;" MONITORING ")");
	// More rights for a SID already there are ORed into its ACE.
	struct ace more = make_ace(ACE_ALLOW, 0, 0x4, "S-1-1-0");
	secdesc_merge_dacl(&sd, &more, 1);
	expect_sddl(&sd, "O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCLCSW;;;WD)"
			 "(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCLCSWRP;;;LU)"
			 "(A;;CCLCRP;;;" MONITORING ")");
	// Same SID, different flags: a separate ACE.
	struct ace inherit = make_ace(ACE_ALLOW, ACE_CI, 0x1, MONITORING);
	secdesc_merge_dacl(&sd, &inherit, 1);
	assert_int_equal(sd.dacl.count, 6);
	secdesc_release(&sd);
}

static void test_merge_canonical_order(void **state)
{
	(void)state;
	// A baseline out of canonical order: inherited first, a deny after allows.
	struct secdesc sd = parse_or_fail("D:(A;ID;FA;;;SY)(A;;FR;;;BU)(D;;FW;;;AN)"
					  "(A;OICIID;FA;;;BA)(A;;FA;;;BA)");
	struct ace grants[] = {
		make_ace(ACE_DENY, 0, 0x10000, USER),
		make_ace(ACE_ALLOW, 0, 0x120089, USER),
		make_ace(ACE_ALLOW, ACE_ID, 0x120089, "S-1-1-0"),
	};
	secdesc_merge_dacl(&sd, grants, ARRAY_SIZE(grants));
	// Explicit deny, explicit allow, inherited; each group in its original order.
	expect_sddl(&sd, "D:(D;;FW;;;AN)(D;;SD;;;" USER ")(A;;FR;;;BU)(A;;FA;;;BA)"
			 "(A;;FR;;;" USER ")(A;ID;FA;;;SY)(A;OICIID;FA;;;BA)(A;ID;FR;;;WD)");
	secdesc_release(&sd);
}

static void test_merge_never_drops(void **state)
{
	(void)state;
	// Every baseline ACE survives a merge, with at least its rights, even
	// duplicates the baseline itself holds.
	const char *base = "D:(A;;CC;;;WD)(A;;CC;;;WD)(D;;DC;;;AN)(A;ID;LC;;;BA)"
			   "(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;ED)";
	struct secdesc sd = parse_or_fail(base), orig = parse_or_fail(base);
	struct ace grants[] = {
		make_ace(ACE_ALLOW, 0, 0x2, "S-1-1-0"),
		make_ace(ACE_DENY, 0, 0x1, "S-1-5-7"),
		make_ace(ACE_ALLOW_OBJECT, 0, 0x100, "S-1-5-9"),
	};
	secdesc_merge_dacl(&sd, grants, ARRAY_SIZE(grants));
	for (size_t i = 0; i < orig.dacl.count; i++) {
		const struct ace *o = &orig.dacl.aces[i];
		bool found = false;
		for (size_t j = 0; j < sd.dacl.count && !found; j++) {
			const struct ace *n = &sd.dacl.aces[j];
			found = n->type == o->type && n->flags == o->flags &&
				sid_equal(&n->sid, &o->sid) && (n->mask & o->mask) == o->mask &&
				n->object_flags == o->object_flags;
		}
		if (!found)
			fail_msg("baseline ACE %zu dropped", i + 1);
	}
	// The deny joins the baseline's deny for AN; the object ACE without a GUID is
	// not the one with a GUID.
	assert_int_equal(sd.dacl.count, orig.dacl.count + 1);
	expect_sddl(&sd, "D:(D;;CCDC;;;AN)(A;;CCDC;;;WD)(A;;CC;;;WD)"
			 "(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;ED)(OA;;CR;;;ED)"
			 "(A;ID;LC;;;BA)");
	secdesc_release(&sd);
	secdesc_release(&orig);
}

static void test_merge_special_dacls(void **state)
{
	(void)state;
	struct ace g = make_ace(ACE_ALLOW, 0, 0x7, USER);
	// A NULL DACL already grants everything: unchanged.
	struct secdesc sd = parse_or_fail("O:BAD:NO_ACCESS_CONTROL");
	secdesc_merge_dacl(&sd, &g, 1);
	expect_sddl(&sd, "O:BAD:NO_ACCESS_CONTROL");
	secdesc_release(&sd);
	// An absent DACL becomes one holding the grants.
	sd = parse_or_fail("O:BAG:BA");
	secdesc_merge_dacl(&sd, &g, 1);
	expect_sddl(&sd, "O:BAG:BAD:(A;;CCDCLC;;;" USER ")");
	secdesc_release(&sd);
	// A grant of no rights adds nothing.
	sd = parse_or_fail("D:");
	struct ace none = make_ace(ACE_ALLOW, 0, 0, USER);
	secdesc_merge_dacl(&sd, &none, 1);
	expect_sddl(&sd, "D:");
	secdesc_release(&sd);
}

static void test_remove_sid(void **state)
{
	(void)state;
	struct secdesc sd = parse_or_fail("O:WDD:(A;;CC;;;WD)(A;;CC;;;BA)(D;;DC;;;WD)"
					  "(OA;;CR;;;WD)S:(AU;SA;CC;;;WD)");
	struct sid wd = test_sid("S-1-1-0");
	assert_int_equal(secdesc_remove_sid(&sd, &wd), 3);
	// Only the DACL: owner and SACL keep the SID.
	expect_sddl(&sd, "O:WDD:(A;;CC;;;BA)S:(AU;SA;CC;;;WD)");
	assert_int_equal(secdesc_remove_sid(&sd, &wd), 0);
	secdesc_release(&sd);
}

static void test_equal(void **state)
{
	(void)state;
	struct secdesc a = parse_or_fail("O:BAD:(A;;CC;;;WD)(A;;DC;;;BA)");
	struct secdesc b = parse_or_fail("D:(A;;CC;;;WD)(A;;DC;;;BA)O:BA");
	struct secdesc c = parse_or_fail("O:BAD:(A;;DC;;;BA)(A;;CC;;;WD)");
	struct secdesc d = parse_or_fail("O:BAD:P(A;;CC;;;WD)(A;;DC;;;BA)");
	struct secdesc e = parse_or_fail("O:BAD:(A;;CC;;;WD)(A;;DC;;;BA)S:");
	struct secdesc f = parse_or_fail("O:BA");
	struct secdesc g = parse_or_fail("O:BAD:NO_ACCESS_CONTROL");
	assert_true(secdesc_equal(&a, &b));
	assert_false(secdesc_equal(&a, &c));
	assert_false(secdesc_equal(&a, &d));
	assert_false(secdesc_equal(&a, &e));
	assert_false(secdesc_equal(&a, &f));
	assert_false(secdesc_equal(&g, &f));
	assert_false(secdesc_equal(&g, &a));
	struct secdesc copy;
	secdesc_copy(&copy, &a);
	assert_true(secdesc_equal(&a, &copy));
	assert_true(copy.dacl.aces != a.dacl.aces);
	copy.dacl.aces[0].mask = 0x3;
	assert_false(secdesc_equal(&a, &copy));
	secdesc_release(&copy);
	secdesc_release(&a);
	secdesc_release(&b);
	secdesc_release(&c);
	secdesc_release(&d);
	secdesc_release(&e);
	secdesc_release(&f);
	secdesc_release(&g);
}

static void expect_effective(const char *sddl, const char *sid, uint32_t allowed, uint32_t denied)
{
	struct secdesc sd = parse_or_fail(sddl);
	struct sid s = test_sid(sid);
	uint32_t a = 0xdead, d = 0xbeef;
	secdesc_effective_rights(&sd, &s, &a, &d);
	if (a != allowed || d != denied)
		fail_msg("'%s' for %s: allowed 0x%x denied 0x%x, expected 0x%x 0x%x", sddl, sid,
			 (unsigned)a, (unsigned)d, (unsigned)allowed, (unsigned)denied);
	secdesc_release(&sd);
}

static void test_effective_rights(void **state)
{
	(void)state;
	expect_effective("D:(A;;CCDC;;;WD)(A;;LC;;;WD)(A;;SW;;;BA)", "S-1-1-0", 0x7, 0);
	// Order decides: a deny before an allow takes the bit, after it does not.
	expect_effective("D:(D;;CC;;;WD)(A;;CCDC;;;WD)", "S-1-1-0", 0x2, 0x1);
	expect_effective("D:(A;;CC;;;WD)(D;;CCDC;;;WD)", "S-1-1-0", 0x1, 0x2);
	// Inherit-only ACEs and object-type ACEs do not apply to the object itself.
	expect_effective("D:(A;CIIO;CC;;;WD)(OA;;RP;bf967aba-0de6-11d0-a285-00aa003049e2;;WD)"
			 "(OA;;WP;;;WD)", "S-1-1-0", 0x20, 0);
	expect_effective("D:(A;;CC;;;BA)", "S-1-1-0", 0, 0);
	expect_effective("D:NO_ACCESS_CONTROL", "S-1-1-0", 0xFFFFFFFF, 0);
	expect_effective("O:BA", "S-1-1-0", 0xFFFFFFFF, 0);
	expect_effective("D:", "S-1-1-0", 0, 0);
}

static void expect_explain(const char *sddl, enum rights_vocab v, const char *want)
{
	struct sid_context ctx = test_domain_ctx();
	struct secdesc sd = parse_or_fail(sddl);
	struct strbuf got = STRBUF_INIT;
	secdesc_explain(&sd, &ctx, v, &got);
	if (strcmp(got.buf, want))
		fail_msg("'%s' explained as\n%s\nexpected\n%s", sddl, got.buf, want);
	strbuf_release(&got);
	secdesc_release(&sd);
}

static void test_explain(void **state)
{
	(void)state;
	expect_explain("O:BAG:BAD:(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCSW;;;WD)(A;;CCDCLCSWRP;;;"
		       MONITORING ")", VOCAB_COM_LAUNCH,
		       "allow  Distributed COM Users (S-1-5-32-562): local launch, remote launch, "
		       "local activation, remote activation\n"
		       "allow  Everyone (S-1-1-0): local launch, local activation\n"
		       "allow  " MONITORING ": local launch, remote launch, local activation, "
		       "remote activation\n");
	expect_explain("D:(D;OICI;CCWP;;;DA)(A;CIID;CCDCRP;;;AU)", VOCAB_WMI,
		       "deny   Domain Admins (" TEST_DOMAIN "-512): enable, remote enable "
		       "[object inherit, container inherit]\n"
		       "allow  Authenticated Users (S-1-5-11): enable, execute methods, provider write "
		       "[container inherit, inherited]\n");
	expect_explain("D:(OA;CIIO;RP;037088f8-0ae1-11d2-b422-00a0c968f939;"
		       "bf967aba-0de6-11d0-a285-00aa003049e2;RU)S:(AU;SAFA;WP;;;WD)(ML;;NW;;;HI)",
		       VOCAB_GENERIC,
		       "allow  Pre-Windows 2000 Compatible Access (S-1-5-32-554): read property "
		       "[container inherit, inherit only, object 037088f8-0ae1-11d2-b422-00a0c968f939, "
		       "inherited object bf967aba-0de6-11d0-a285-00aa003049e2]\n"
		       "audit  Everyone (S-1-1-0): write property [successful access, failed access]\n"
		       "label  High Mandatory Level (S-1-16-12288): no write up\n");
	expect_explain("D:", VOCAB_GENERIC, "empty DACL: nobody has any right\n");
	expect_explain("D:NO_ACCESS_CONTROL", VOCAB_GENERIC,
		       "NULL DACL (NO_ACCESS_CONTROL): everyone has every right\n");
	expect_explain("O:BA", VOCAB_GENERIC, "no DACL: everyone has every right\n");
	expect_explain("D:(A;;;;;WD)", VOCAB_FILE, "allow  Everyone (S-1-1-0): no rights\n");
}

static void expect_describe(const char *input, size_t len, const char *want)
{
	struct sid_context ctx = test_domain_ctx();
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	if (!secdesc_describe_bytes((const uint8_t *)input, len, &ctx, VOCAB_COM_ACCESS, &out, &err))
		fail_msg("refused: %s", err.buf);
	if (strcmp(out.buf, want))
		fail_msg("described as\n%s\nexpected\n%s", out.buf, want);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void expect_describe_fails(const char *input, const char *part)
{
	struct sid_context ctx = test_domain_ctx();
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	if (secdesc_describe_bytes((const uint8_t *)input, strlen(input), &ctx, VOCAB_GENERIC, &out,
				   &err))
		fail_msg("accepted '%s'", input);
	if (!strstr(err.buf, part))
		fail_msg("message '%s' lacks '%s'", err.buf, part);
	assert_int_equal(out.len, 0);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_describe_bytes(void **state)
{
	(void)state;
	const char *want = "D:(A;;CCDCLC;;;WD)\n"
			   "allow  Everyone (S-1-1-0): local access, remote access\n";
	// D:(A;;CCDCLC;;;WD): header, DACL at 0x14 of 8 + 20 bytes.
	static const uint8_t bin[] = {
		0x01, 0x00, 0x04, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x14, 0, 0, 0,
		0x02, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x14, 0x00, 0x07, 0x00, 0x00, 0x00,
		0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	};
	expect_describe((const char *)bin, sizeof(bin), want);
	const char *hex = "010004800000000000000000000000001400000002001c0001000000000014000700"
			  "00000101000000000001 00000000\n";
	expect_describe(hex, strlen(hex), want);
	const char *reg = "hex:01,00,04,80,00,00,00,00,00,00,00,00,00,00,00,00,14,00,00,00,02,00,\\\r\n"
			  "  1c,00,01,00,00,00,00,00,14,00,07,00,00,00,01,01,00,00,00,00,00,01,00,00,\\\r\n"
			  "  00,00";
	expect_describe(reg, strlen(reg), want);
	const char *ox = "0x0100048000000000000000000000000014000000"
			 "02001C000100000000001400070000000101000000000001"
			 "00000000";
	expect_describe(ox, strlen(ox), want);
}

static void test_describe_errors(void **state)
{
	(void)state;
	expect_describe_fails("01000480", "too short");
	expect_describe_fails("0100048", "odd number");
	expect_describe_fails("01 00 04 8", "odd number");
	expect_describe_fails("0100zz80", "byte 4");
	expect_describe_fails("O:BAG:BA", "byte 0");
	expect_describe_fails("", "too short");
}

static void test_describe_control_note(void **state)
{
	(void)state;
	// Owner-defaulted (0x1) and DACL-defaulted (0x8) with a NULL DACL.
	const char *hex = "01000d8000000000000000000000000000000000";
	expect_describe(hex, strlen(hex),
			"D:NO_ACCESS_CONTROL\n"
			"note: control bits 0x0009 have no SDDL form and are not shown above\n"
			"NULL DACL (NO_ACCESS_CONTROL): everyone has every right\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_ace),
		cmocka_unit_test(test_merge_baseline),
		cmocka_unit_test(test_merge_canonical_order),
		cmocka_unit_test(test_merge_never_drops),
		cmocka_unit_test(test_merge_special_dacls),
		cmocka_unit_test(test_remove_sid),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_effective_rights),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_describe_bytes),
		cmocka_unit_test(test_describe_errors),
		cmocka_unit_test(test_describe_control_note),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
