// SIDs: the strict reader, text and binary forms, ordering, domains, aliases.
// Expected values are written out from [MS-DTYP] 2.4.2 and DOMAIN.md §3, never
// computed by the code under test.
#include "sdtest.h"

static void expect_parse(const char *s, uint64_t authority, unsigned n, const uint32_t *sub)
{
	struct sid sid;
	const char *err = NULL;
	if (!sid_parse(s, strlen(s), &sid, &err))
		fail_msg("'%s' rejected: %s", s, err);
	assert_int_equal(sid.revision, 1);
	assert_true(sid.authority == authority);
	assert_int_equal(sid.sub_count, n);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(sid.sub[i], sub[i]);
}

static void expect_reject(const char *s, size_t len, const char *part_of_message)
{
	struct sid sid;
	const char *err = NULL;
	if (sid_parse(s, len, &sid, &err))
		fail_msg("'%.*s' accepted", (int)len, s);
	assert_non_null(err);
	if (part_of_message && !strstr(err, part_of_message))
		fail_msg("'%.*s': message '%s' lacks '%s'", (int)len, s, err, part_of_message);
}

static void test_parse_valid(void **state)
{
	(void)state;
	expect_parse("S-1-5-32-544", 5, 2, (const uint32_t[]){ 32, 544 });
	expect_parse("S-1-5", 5, 0, NULL);
	expect_parse("s-1-1-0", 1, 1, (const uint32_t[]){ 0 });
	expect_parse("S-1-0x5-18", 5, 1, (const uint32_t[]){ 18 });
	expect_parse("S-1-0xffffffffffff-1", UINT64_C(0xFFFFFFFFFFFF), 1, (const uint32_t[]){ 1 });
	expect_parse("S-1-281474976710655", UINT64_C(281474976710655), 0, NULL);
	expect_parse("S-1-5-21-4294967295", 5, 2, (const uint32_t[]){ 21, 4294967295u });
	expect_parse("S-1-5-0x10", 5, 1, (const uint32_t[]){ 16 });
	expect_parse("S-1-1-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15", 1, 15,
		     (const uint32_t[]){ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 });
}

static void test_parse_limits(void **state)
{
	(void)state;
	// Windows' limits: at most 15 sub-authorities, authority below 2^48.
	expect_reject("S-1-1-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16",
		      strlen("S-1-1-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16"), "15");
	expect_reject("S-1-281474976710656", strlen("S-1-281474976710656"), "2^48");
	expect_reject("S-1-0x1000000000000", strlen("S-1-0x1000000000000"), "2^48");
	expect_reject("S-1-99999999999999999999999", strlen("S-1-99999999999999999999999"), "2^48");
	expect_reject("S-1-5-4294967296", strlen("S-1-5-4294967296"), "2^32");
	expect_reject("S-1-5-0x100000000", strlen("S-1-5-0x100000000"), "2^32");
}

static void test_parse_syntax(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "S", "S-", "S-1", "S-1-", "S-2-5", "S-10-5", "X-1-5", "S-1-5-", "S-1-5--1",
		" S-1-5", "S-1-5 ", "S-1-5-a", "S-1-0x", "S-1-5-+1", "S-1--5", "SY", "S-1-5-0x",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		expect_reject(bad[i], strlen(bad[i]), "S-1-");
	// The length is authoritative: a NUL inside is a bad character, not the end.
	expect_reject("S-1-5\0-1", 8, NULL);
}

static void expect_format(const char *want, uint64_t authority, unsigned n, const uint32_t *sub)
{
	struct sid sid;
	memset(&sid, 0, sizeof(sid));
	sid.revision = 1;
	sid.authority = authority;
	sid.sub_count = (uint8_t)n;
	for (unsigned i = 0; i < n; i++)
		sid.sub[i] = sub[i];
	struct strbuf sb = STRBUF_INIT;
	sid_format(&sid, &sb);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void test_format(void **state)
{
	(void)state;
	expect_format("S-1-5-32-544", 5, 2, (const uint32_t[]){ 32, 544 });
	expect_format("S-1-5", 5, 0, NULL);
	// Decimal up to 2^32 - 1, then 0x and uppercase hex, as ConvertSidToStringSid.
	expect_format("S-1-4294967295-1", 0xFFFFFFFF, 1, (const uint32_t[]){ 1 });
	expect_format("S-1-0x100000000-1", UINT64_C(0x100000000), 1, (const uint32_t[]){ 1 });
	expect_format("S-1-0x12A05F200-30-40", UINT64_C(5000000000), 2,
		      (const uint32_t[]){ 30, 40 });
	expect_format("S-1-0xFFFFFFFFFFFF-4294967295", UINT64_C(0xFFFFFFFFFFFF), 1,
		      (const uint32_t[]){ 4294967295u });
}

static void test_encode(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	struct sid sy = test_sid("S-1-5-18");
	assert_int_equal(sid_binary_size(&sy), 12);
	sid_encode(&sy, &sb);
	assert_int_equal(sb.len, 12);
	assert_memory_equal(sb.buf, "\x01\x01\x00\x00\x00\x00\x00\x05\x12\x00\x00\x00", 12);
	strbuf_reset(&sb);
	// The authority is big-endian, the sub-authorities little-endian.
	struct sid odd = test_sid("S-1-0x123456789ABC-16909060");
	sid_encode(&odd, &sb);
	assert_int_equal(sb.len, 12);
	assert_memory_equal(sb.buf, "\x01\x01\x12\x34\x56\x78\x9a\xbc\x04\x03\x02\x01", 12);
	strbuf_reset(&sb);
	struct sid none = test_sid("S-1-5");
	assert_int_equal(sid_binary_size(&none), 8);
	sid_encode(&none, &sb);
	assert_memory_equal(sb.buf, "\x01\x00\x00\x00\x00\x00\x00\x05", 8);
	strbuf_release(&sb);
}

static void test_order(void **state)
{
	(void)state;
	// Sorted by hand: authority first, then sub-authorities, a prefix first.
	static const char *const sorted[] = {
		"S-1-1-0", "S-1-5", "S-1-5-18", "S-1-5-32", "S-1-5-32-544", "S-1-5-32-545",
		"S-1-5-33", "S-1-16-4096", "S-1-0x100000000",
	};
	for (size_t i = 0; i < ARRAY_SIZE(sorted); i++)
		for (size_t j = 0; j < ARRAY_SIZE(sorted); j++) {
			struct sid a = test_sid(sorted[i]), b = test_sid(sorted[j]);
			int c = sid_compare(&a, &b);
			int want = i < j ? -1 : i > j ? 1 : 0;
			if ((c > 0) - (c < 0) != want)
				fail_msg("compare(%s, %s) = %d", sorted[i], sorted[j], c);
			assert_int_equal(sid_equal(&a, &b), i == j);
		}
}

static void test_in_domain(void **state)
{
	(void)state;
	struct sid dom = test_sid("S-1-5-21-1-2-3");
	struct sid da = test_sid("S-1-5-21-1-2-3-512");
	uint32_t rid = 0;
	assert_true(sid_in_domain(&da, &dom, &rid));
	assert_int_equal(rid, 512);
	struct sid deeper = test_sid("S-1-5-21-1-2-3-512-1");
	assert_false(sid_in_domain(&deeper, &dom, &rid));
	struct sid other = test_sid("S-1-5-21-1-2-4-512");
	assert_false(sid_in_domain(&other, &dom, &rid));
	struct sid auth = test_sid("S-1-6-21-1-2-3-512");
	assert_false(sid_in_domain(&auth, &dom, &rid));
	assert_false(sid_in_domain(&dom, &dom, &rid));
	assert_true(sid_in_domain(&da, &dom, NULL));
}

// DOMAIN.md §3's table of fixed aliases, copied by hand.
static const struct {
	const char *alias, *sid;
} fixed[] = {
	{ "WD", "S-1-1-0" }, { "CO", "S-1-3-0" }, { "CG", "S-1-3-1" }, { "OW", "S-1-3-4" },
	{ "NU", "S-1-5-2" }, { "IU", "S-1-5-4" }, { "SU", "S-1-5-6" }, { "AN", "S-1-5-7" },
	{ "ED", "S-1-5-9" }, { "PS", "S-1-5-10" }, { "AU", "S-1-5-11" }, { "RC", "S-1-5-12" },
	{ "SY", "S-1-5-18" }, { "LS", "S-1-5-19" }, { "NS", "S-1-5-20" }, { "WR", "S-1-5-33" },
	{ "BA", "S-1-5-32-544" }, { "BU", "S-1-5-32-545" }, { "BG", "S-1-5-32-546" },
	{ "PU", "S-1-5-32-547" }, { "AO", "S-1-5-32-548" }, { "SO", "S-1-5-32-549" },
	{ "PO", "S-1-5-32-550" }, { "BO", "S-1-5-32-551" }, { "RE", "S-1-5-32-552" },
	{ "RU", "S-1-5-32-554" }, { "RD", "S-1-5-32-555" }, { "NO", "S-1-5-32-556" },
	{ "MU", "S-1-5-32-558" }, { "LU", "S-1-5-32-559" }, { "IS", "S-1-5-32-568" },
	{ "CY", "S-1-5-32-569" }, { "ER", "S-1-5-32-573" }, { "CD", "S-1-5-32-574" },
	{ "RA", "S-1-5-32-575" }, { "ES", "S-1-5-32-576" }, { "MS", "S-1-5-32-577" },
	{ "HA", "S-1-5-32-578" }, { "AA", "S-1-5-32-579" }, { "RM", "S-1-5-32-580" },
	{ "UD", "S-1-5-84-0-0-0-0-0" }, { "AC", "S-1-15-2-1" }, { "LW", "S-1-16-4096" },
	{ "ME", "S-1-16-8192" }, { "MP", "S-1-16-8448" }, { "HI", "S-1-16-12288" },
	{ "SI", "S-1-16-16384" }, { "AS", "S-1-18-1" }, { "SS", "S-1-18-2" },
};

// Domain-relative aliases: RID and which domain.
static const struct {
	const char *alias;
	uint32_t rid;
	char domain; // 'd' domain, 'f' forest root, 'm' machine
} relative[] = {
	{ "DA", 512, 'd' }, { "DU", 513, 'd' }, { "DG", 514, 'd' }, { "DC", 515, 'd' },
	{ "DD", 516, 'd' }, { "CA", 517, 'd' }, { "PA", 520, 'd' }, { "CN", 522, 'd' },
	{ "AP", 525, 'd' }, { "KA", 526, 'd' }, { "RS", 553, 'd' }, { "SA", 518, 'f' },
	{ "EA", 519, 'f' }, { "RO", 498, 'f' }, { "EK", 527, 'f' }, { "LA", 500, 'm' },
	{ "LG", 501, 'm' },
};

static void test_fixed_aliases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
		struct sid got, want = test_sid(fixed[i].sid);
		assert_int_equal(sid_from_alias(fixed[i].alias, NULL, &got), ALIAS_OK);
		if (!sid_equal(&got, &want))
			fail_msg("%s is not %s", fixed[i].alias, fixed[i].sid);
		const char *back = sid_to_alias(&want, NULL);
		if (!back || strcmp(back, fixed[i].alias))
			fail_msg("%s prints as %s, not %s", fixed[i].sid, back ? back : "(none)",
				 fixed[i].alias);
		char lower[3] = { (char)(fixed[i].alias[0] | 0x20), (char)(fixed[i].alias[1] | 0x20),
				  0 };
		assert_int_equal(sid_from_alias(lower, NULL, &got), ALIAS_OK);
		assert_true(sid_equal(&got, &want));
		assert_non_null(sid_wellknown_name(&want, NULL));
	}
	struct sid dcom = test_sid("S-1-5-32-562");
	assert_null(sid_to_alias(&dcom, NULL));
	assert_string_equal(sid_wellknown_name(&dcom, NULL), "Distributed COM Users");
	struct sid everyone = test_sid("S-1-1-0");
	assert_string_equal(sid_wellknown_name(&everyone, NULL), "Everyone");
}

static void test_unknown_and_refused(void **state)
{
	(void)state;
	struct sid s;
	assert_int_equal(sid_from_alias("XX", NULL, &s), ALIAS_UNKNOWN);
	assert_int_equal(sid_from_alias("B", NULL, &s), ALIAS_UNKNOWN);
	assert_int_equal(sid_from_alias("BAX", NULL, &s), ALIAS_UNKNOWN);
	assert_int_equal(sid_from_alias("", NULL, &s), ALIAS_UNKNOWN);
	assert_int_equal(sid_from_alias("BR", NULL, &s), ALIAS_REFUSED);
	assert_int_equal(sid_from_alias("IF", NULL, &s), ALIAS_REFUSED);
	assert_int_equal(sid_from_alias("lk", NULL, &s), ALIAS_REFUSED);
}

static void test_relative_aliases(void **state)
{
	(void)state;
	struct sid_context none;
	memset(&none, 0, sizeof(none));
	struct sid s;
	// Without the SIDs they need, each group fails with its own reason.
	for (size_t i = 0; i < ARRAY_SIZE(relative); i++) {
		enum alias_result want = relative[i].domain == 'd' ? ALIAS_NEEDS_DOMAIN :
					 relative[i].domain == 'f' ? ALIAS_NEEDS_FOREST :
								     ALIAS_NEEDS_MACHINE;
		assert_int_equal(sid_from_alias(relative[i].alias, &none, &s), want);
		assert_int_equal(sid_from_alias(relative[i].alias, NULL, &s), want);
	}
	// A domain SID alone resolves all three groups.
	struct sid_context dom = test_domain_ctx();
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(relative); i++) {
		assert_int_equal(sid_from_alias(relative[i].alias, &dom, &s), ALIAS_OK);
		strbuf_reset(&want);
		strbuf_reset(&got);
		strbuf_addf(&want, "%s-%lu", TEST_DOMAIN, (unsigned long)relative[i].rid);
		sid_format(&s, &got);
		assert_string_equal(got.buf, want.buf);
		assert_string_equal(sid_to_alias(&s, &dom), relative[i].alias);
		assert_non_null(sid_wellknown_name(&s, &dom));
		// A foreign domain's RID stays numeric and nameless.
		assert_null(sid_to_alias(&s, &none));
		assert_null(sid_wellknown_name(&s, &none));
	}
	// Forest and machine SIDs, when given, take over their groups.
	struct sid_context all = dom;
	all.has_forest = true;
	all.forest = test_sid(TEST_FOREST);
	all.has_machine = true;
	all.machine = test_sid(TEST_MACHINE);
	for (size_t i = 0; i < ARRAY_SIZE(relative); i++) {
		const char *base = relative[i].domain == 'd' ? TEST_DOMAIN :
				   relative[i].domain == 'f' ? TEST_FOREST : TEST_MACHINE;
		assert_int_equal(sid_from_alias(relative[i].alias, &all, &s), ALIAS_OK);
		strbuf_reset(&want);
		strbuf_reset(&got);
		strbuf_addf(&want, "%s-%lu", base, (unsigned long)relative[i].rid);
		sid_format(&s, &got);
		assert_string_equal(got.buf, want.buf);
		assert_string_equal(sid_to_alias(&s, &all), relative[i].alias);
	}
	// With a separate forest, the domain's own -519 is not EA.
	struct sid dom519 = test_sid(TEST_DOMAIN "-519");
	assert_null(sid_to_alias(&dom519, &all));
	assert_string_equal(sid_to_alias(&dom519, &dom), "EA");
	strbuf_release(&want);
	strbuf_release(&got);
}

static void test_names(void **state)
{
	(void)state;
	struct sid_context dom = test_domain_ctx();
	struct sid da = test_sid(TEST_DOMAIN "-512");
	assert_string_equal(sid_wellknown_name(&da, &dom), "Domain Admins");
	struct sid krbtgt = test_sid(TEST_DOMAIN "-502");
	assert_string_equal(sid_wellknown_name(&krbtgt, &dom), "krbtgt");
	assert_null(sid_to_alias(&krbtgt, &dom));
	struct sid user = test_sid(TEST_DOMAIN "-1105");
	assert_null(sid_wellknown_name(&user, &dom));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_parse_syntax),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_in_domain),
		cmocka_unit_test(test_fixed_aliases),
		cmocka_unit_test(test_unknown_and_refused),
		cmocka_unit_test(test_relative_aliases),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
