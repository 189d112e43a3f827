// Rights vocabularies: names both ways, explanations, and the validity rules of
// COM permissions and WMI namespace security (DOMAIN.md §2).
#include "sdtest.h"

static void test_vocab_names(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum rights_vocab v;
	} vs[] = {
		{ "generic", VOCAB_GENERIC }, { "file", VOCAB_FILE }, { "registry", VOCAB_REGISTRY },
		{ "com-launch", VOCAB_COM_LAUNCH }, { "com-access", VOCAB_COM_ACCESS },
		{ "wmi", VOCAB_WMI },
	};
	for (size_t i = 0; i < ARRAY_SIZE(vs); i++) {
		enum rights_vocab v = VOCAB_GENERIC;
		assert_true(rights_vocab_from_name(vs[i].name, &v));
		assert_int_equal(v, vs[i].v);
		assert_string_equal(rights_vocab_name(v), vs[i].name);
	}
	enum rights_vocab v;
	assert_false(rights_vocab_from_name("WMI", &v));
	assert_false(rights_vocab_from_name("com", &v));
	assert_false(rights_vocab_from_name("", &v));
}

static void expect_right(enum rights_vocab v, const char *name, uint32_t want)
{
	uint32_t got = 0;
	if (!rights_from_name(v, name, &got))
		fail_msg("'%s' unknown in %s", name, rights_vocab_name(v));
	if (got != want)
		fail_msg("'%s' is 0x%x, expected 0x%x", name, (unsigned)got, (unsigned)want);
}

static void test_names_to_bits(void **state)
{
	(void)state;
	// DOMAIN.md §2.
	expect_right(VOCAB_COM_LAUNCH, "local-launch", 0x2);
	expect_right(VOCAB_COM_LAUNCH, "remote-launch", 0x4);
	expect_right(VOCAB_COM_LAUNCH, "local-activation", 0x8);
	expect_right(VOCAB_COM_LAUNCH, "remote-activation", 0x10);
	expect_right(VOCAB_COM_ACCESS, "local-access", 0x2);
	expect_right(VOCAB_COM_ACCESS, "remote-access", 0x4);
	expect_right(VOCAB_WMI, "enable", 0x1);
	expect_right(VOCAB_WMI, "execute-methods", 0x2);
	expect_right(VOCAB_WMI, "full-write", 0x4);
	expect_right(VOCAB_WMI, "partial-write", 0x8);
	expect_right(VOCAB_WMI, "provider-write", 0x10);
	expect_right(VOCAB_WMI, "remote-enable", 0x20);
	expect_right(VOCAB_WMI, "read-security", 0x20000);
	expect_right(VOCAB_WMI, "edit-security", 0x40000);
	expect_right(VOCAB_FILE, "full-control", 0x1F01FF);
	expect_right(VOCAB_FILE, "read", 0x120089);
	expect_right(VOCAB_FILE, "write", 0x120116);
	expect_right(VOCAB_FILE, "execute", 0x1200A0);
	expect_right(VOCAB_REGISTRY, "full-control", 0xF003F);
	expect_right(VOCAB_REGISTRY, "read", 0x20019);
	expect_right(VOCAB_REGISTRY, "write", 0x20006);
	expect_right(VOCAB_GENERIC, "generic-all", 0x10000000);
	expect_right(VOCAB_GENERIC, "read-property", 0x10);
	uint32_t m;
	assert_false(rights_from_name(VOCAB_WMI, "remote-enabel", &m));
	assert_false(rights_from_name(VOCAB_COM_ACCESS, "local-launch", &m));
	assert_false(rights_from_name(VOCAB_COM_LAUNCH, "Local-Launch", &m));
}

static void test_name_lists(void **state)
{
	(void)state;
	static const char *const launch[] = { "local-launch", "remote-launch", "local-activation",
					      "remote-activation" };
	static const char *const access[] = { "local-access", "remote-access" };
	static const char *const wmi[] = { "enable", "execute-methods", "full-write",
					   "partial-write", "provider-write", "remote-enable",
					   "read-security", "edit-security" };
	const char *const *l = rights_names(VOCAB_COM_LAUNCH);
	for (size_t i = 0; i < ARRAY_SIZE(launch); i++)
		assert_string_equal(l[i], launch[i]);
	assert_null(l[ARRAY_SIZE(launch)]);
	l = rights_names(VOCAB_COM_ACCESS);
	for (size_t i = 0; i < ARRAY_SIZE(access); i++)
		assert_string_equal(l[i], access[i]);
	assert_null(l[ARRAY_SIZE(access)]);
	l = rights_names(VOCAB_WMI);
	for (size_t i = 0; i < ARRAY_SIZE(wmi); i++)
		assert_string_equal(l[i], wmi[i]);
	assert_null(l[ARRAY_SIZE(wmi)]);
	// Every listed name of every vocabulary resolves, and no name repeats.
	for (int v = VOCAB_GENERIC; v <= VOCAB_WMI; v++) {
		const char *const *names = rights_names((enum rights_vocab)v);
		for (size_t i = 0; names[i]; i++) {
			uint32_t m = 0;
			assert_true(rights_from_name((enum rights_vocab)v, names[i], &m));
			assert_true(m != 0);
			for (size_t j = 0; j < i; j++)
				assert_string_not_equal(names[i], names[j]);
		}
	}
}

static void expect_explain(enum rights_vocab v, uint32_t mask, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	rights_explain(v, mask, &sb);
	if (strcmp(sb.buf, want))
		fail_msg("0x%x in %s: '%s', expected '%s'", (unsigned)mask, rights_vocab_name(v),
			 sb.buf, want);
	strbuf_release(&sb);
}

static void test_explain(void **state)
{
	(void)state;
	expect_explain(VOCAB_COM_LAUNCH, 0x1F,
		       "local launch, remote launch, local activation, remote activation");
	expect_explain(VOCAB_COM_LAUNCH, 0xB, "local launch, local activation");
	expect_explain(VOCAB_COM_LAUNCH, 0x1,
		       "execute (all launch and activation rights, legacy form)");
	expect_explain(VOCAB_COM_ACCESS, 0x7, "local access, remote access");
	expect_explain(VOCAB_COM_ACCESS, 0x3, "local access");
	expect_explain(VOCAB_COM_ACCESS, 0xB, "local access, 0x8");
	expect_explain(VOCAB_WMI, 0x21, "enable, remote enable");
	expect_explain(VOCAB_WMI, 0x6003F, "enable, execute methods, full write, partial write, "
					   "provider write, remote enable, read security, edit security");
	expect_explain(VOCAB_WMI, 0x80, "0x80");
	expect_explain(VOCAB_FILE, 0x1F01FF, "full control");
	expect_explain(VOCAB_FILE, 0x12019F, "read, write");
	expect_explain(VOCAB_FILE, 0x1200A9, "read, execute");
	expect_explain(VOCAB_FILE, 0x120089 | 0x10000, "read, delete");
	expect_explain(VOCAB_FILE, 0x20, "traverse");
	expect_explain(VOCAB_REGISTRY, 0xF003F, "full control");
	expect_explain(VOCAB_REGISTRY, 0x20019, "read");
	expect_explain(VOCAB_REGISTRY, 0x2001F, "read, write");
	expect_explain(VOCAB_GENERIC, 0x10000000, "generic all");
	expect_explain(VOCAB_GENERIC, 0x30, "read property, write property");
	expect_explain(VOCAB_GENERIC, 0x400, "0x400");
	expect_explain(VOCAB_WMI, 0, "no rights");
}

static void test_effective_mask(void **state)
{
	(void)state;
	assert_int_equal(rights_effective_mask(VOCAB_COM_LAUNCH, 0x4 | 0x10), 0x15);
	assert_int_equal(rights_effective_mask(VOCAB_COM_ACCESS, 0x4), 0x5);
	assert_int_equal(rights_effective_mask(VOCAB_COM_ACCESS, 0x5), 0x5);
	assert_int_equal(rights_effective_mask(VOCAB_WMI, 0x20), 0x20);
	assert_int_equal(rights_effective_mask(VOCAB_FILE, 0x120089), 0x120089);
}

static void expect_valid(enum rights_vocab v, const char *sddl, bool want, const char *part)
{
	struct sid_context ctx = test_domain_ctx();
	struct secdesc sd;
	struct sddl_error perr;
	if (!sddl_parse(sddl, strlen(sddl), &ctx, &sd, &perr))
		fail_msg("'%s' rejected: %s", sddl, perr.message);
	struct strbuf err = STRBUF_INIT;
	bool ok = rights_validate(v, &sd, &err);
	if (ok != want)
		fail_msg("%s: '%s' %s (%s)", rights_vocab_name(v), sddl,
			 ok ? "passed" : "failed", err.buf);
	if (!ok && part && !strstr(err.buf, part))
		fail_msg("'%s': message '%s' lacks '%s'", sddl, err.buf, part);
	if (ok)
		assert_int_equal(err.len, 0);
	strbuf_release(&err);
	secdesc_release(&sd);
}

static void test_validate_com(void **state)
{
	(void)state;
	// DOMAIN.md §4's baselines pass.
	expect_valid(VOCAB_COM_LAUNCH, "O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)"
				       "(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCLCSWRP;;;LU)", true, NULL);
	expect_valid(VOCAB_COM_ACCESS, "O:BAG:BAD:(A;;CCDCLC;;;WD)(A;;CCDC;;;AN)"
				       "(A;;CCDCLC;;;S-1-5-32-562)(A;;CCDCLC;;;LU)", true, NULL);
	expect_valid(VOCAB_COM_ACCESS, "D:(A;;CC;;;WD)(D;;CC;;;AN)", true, NULL);
	expect_valid(VOCAB_COM_ACCESS, "D:(A;;DCLC;;;WD)", false, "ACE 1 (A for S-1-1-0)");
	expect_valid(VOCAB_COM_ACCESS, "D:(A;;DCLC;;;WD)", false, "EXECUTE");
	expect_valid(VOCAB_COM_ACCESS, "D:(A;;CCDCLC;;;WD)(A;;CC;;;BA)", false, "mixed");
	expect_valid(VOCAB_COM_ACCESS, "D:(A;;CCSW;;;WD)", false, "0x8");
	expect_valid(VOCAB_COM_LAUNCH, "D:(A;;CCDCLCSWRPWP;;;WD)", false, "0x20");
	expect_valid(VOCAB_COM_LAUNCH, "D:(OA;;CC;;;WD)", false, "only A and D");
	expect_valid(VOCAB_COM_LAUNCH, "D:NO_ACCESS_CONTROL", false, "needs a DACL");
	expect_valid(VOCAB_COM_LAUNCH, "O:BA", false, "needs a DACL");
}

static void test_validate_wmi(void **state)
{
	(void)state;
	const char *cimv2 = "O:BAG:BAD:(A;CI;CCDCLCSWRPWPRCWD;;;BA)(A;CI;CCDCRP;;;NS)"
			    "(A;CI;CCDCRP;;;LS)(A;CI;CCDCRP;;;AU)";
	expect_valid(VOCAB_WMI, cimv2, true, NULL);
	expect_valid(VOCAB_WMI, "O:BAG:BAD:(A;CI;CCWP;;;S-1-5-21-1-2-3-1105)", true, NULL);
	expect_valid(VOCAB_WMI, "O:BAG:BAD:(A;CIIO;CCWP;;;WD)", true, NULL);
	// Full Write needs both Partial Write and Provider Write.
	expect_valid(VOCAB_WMI, "O:BAG:BAD:(A;;CCLCSWRP;;;WD)", true, NULL);
	expect_valid(VOCAB_WMI, "O:BAG:BAD:(A;;CCLC;;;WD)", false, "full write");
	expect_valid(VOCAB_WMI, "O:BAG:BAD:(A;;CCLCSW;;;WD)", false, "provider write");
	expect_valid(VOCAB_WMI, "O:BAG:BAD:(A;;CCLCRP;;;WD)", false, "partial write");
	expect_valid(VOCAB_WMI, "O:BAG:BAD:(A;OIIO;CC;;;WD)", false, "inherit-only");
	expect_valid(VOCAB_WMI, "O:BAG:BAD:(A;ID;CC;;;WD)", false, "inherited");
	expect_valid(VOCAB_WMI, "O:BAG:BAD:(A;;CCDT;;;WD)", false, "0x40");
	expect_valid(VOCAB_WMI, "O:BAG:BAD:(A;;GA;;;WD)", false, "not WMI namespace rights");
	expect_valid(VOCAB_WMI, "G:BAD:(A;;CC;;;WD)", false, "owner and a group");
	expect_valid(VOCAB_WMI, "O:BAD:(A;;CC;;;WD)", false, "owner and a group");
	expect_valid(VOCAB_WMI, "O:BAG:BA", false, "needs a DACL");
	expect_valid(VOCAB_WMI, "O:BAG:BAD:(A;;CC;;;WD)(A;;CCWP;;;BA)(A;;CC;;;AN)(A;ID;CC;;;AU)",
		     false, "DACL ACE 4");
	// Vocabularies without rules accept anything.
	expect_valid(VOCAB_FILE, "D:NO_ACCESS_CONTROL", true, NULL);
	expect_valid(VOCAB_GENERIC, "", true, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vocab_names),
		cmocka_unit_test(test_names_to_bits),
		cmocka_unit_test(test_name_lists),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_effective_mask),
		cmocka_unit_test(test_validate_com),
		cmocka_unit_test(test_validate_wmi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
