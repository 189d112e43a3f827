// Round-trip properties, over the Windows corpus and over descriptors generated
// from a fixed-seed PRNG (so every run checks the same cases):
//
//   parse -> print -> parse   gives an equal descriptor, and printing is idempotent;
//   encode -> decode          gives an equal descriptor;
//   encode -> decode -> encode gives the same bytes;
//   a generated descriptor -> print -> parse gives the generated one back.
//
// The generator covers every ACE type the text form has (but the refused ones),
// every flag, masks of every printing class (zero, composites, named bits, hex),
// GUIDs, SIDs from aliases, the configured domains and random ones with 0..15
// sub-authorities and 48-bit authorities, NULL and empty ACLs and all ACL flags.
#include "sdtest.h"

static uint64_t rng_state;

static uint64_t rng(void)
{
	// xorshift64*: deterministic, no libc rand().
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)(rng() % n);
}

static void gen_sid(struct sid *s, const struct sid_context *ctx)
{
	static const char *const aliases[] = { "WD", "BA", "SY", "AU", "RM", "LU", "HI", "UD",
					       "DA", "EA", "LA", "RO", "AC", "SS" };
	memset(s, 0, sizeof(*s));
	switch (below(4)) {
	case 0:
		if (sid_from_alias(aliases[below(ARRAY_SIZE(aliases))], ctx, s) != ALIAS_OK)
			fail_msg("generator alias failed");
		return;
	case 1:
		*s = ctx->domain;
		s->sub[s->sub_count++] = below(3) ? 500 + below(60) : (uint32_t)rng();
		return;
	default:
		s->revision = 1;
		s->authority = below(3) ? below(20) : rng() & SID_MAX_AUTHORITY;
		s->sub_count = (uint8_t)below(SID_MAX_SUB_AUTHORITIES + 1);
		for (unsigned i = 0; i < s->sub_count; i++)
			s->sub[i] = below(2) ? below(1000) : (uint32_t)rng();
		return;
	}
}

static uint32_t gen_mask(void)
{
	static const uint32_t interesting[] = {
		0, 0x1F01FF, 0x120089, 0x120116, 0x1200A0, 0xF003F, 0x20019, 0x20006,
		0x1, 0x7, 0x1F, 0x6003F, 0xF00F01FF, 0x100000, 0xFFFFFFFF, 0x201F01FF,
	};
	switch (below(4)) {
	case 0:
		return interesting[below(ARRAY_SIZE(interesting))];
	case 1:
		return (uint32_t)rng() & 0xF00F01FF; // named bits only
	default:
		return (uint32_t)rng() >> below(32);
	}
}

static void gen_guid(struct guid *g)
{
	uint64_t a = rng(), b = rng();
	g->d1 = (uint32_t)a;
	g->d2 = (uint16_t)(a >> 32);
	g->d3 = (uint16_t)(a >> 48);
	memcpy(g->d4, &b, 8);
}

static void gen_acl(struct acl *acl, bool dacl, const struct sid_context *ctx)
{
	static const uint8_t dacl_types[] = { ACE_ALLOW, ACE_DENY, ACE_ALLOW_OBJECT, ACE_DENY_OBJECT };
	static const uint8_t sacl_types[] = { ACE_AUDIT, ACE_ALARM, ACE_AUDIT_OBJECT,
					      ACE_ALARM_OBJECT, ACE_MANDATORY_LABEL,
					      ACE_SCOPED_POLICY_ID };
	size_t n = below(4) ? below(8) : below(60);
	for (size_t i = 0; i < n; i++) {
		struct ace a;
		memset(&a, 0, sizeof(a));
		a.type = dacl ? dacl_types[below(ARRAY_SIZE(dacl_types))] :
				sacl_types[below(ARRAY_SIZE(sacl_types))];
		a.flags = (uint8_t)(rng() & 0xDF); // every flag but 0x20, which SDDL lacks
		a.mask = gen_mask();
		if (ace_is_object(a.type)) {
			a.object_flags = below(4);
			if (a.object_flags & ACE_OBJECT_TYPE_PRESENT)
				gen_guid(&a.object_type);
			if (a.object_flags & ACE_INHERITED_OBJECT_TYPE_PRESENT)
				gen_guid(&a.inherited_object_type);
		}
		gen_sid(&a.sid, ctx);
		acl_add_ace(acl, &a);
	}
	acl->revision = acl_effective_revision(acl);
}

static void gen_secdesc(struct secdesc *sd, const struct sid_context *ctx)
{
	secdesc_init(sd);
	if (below(3)) {
		sd->has_owner = true;
		gen_sid(&sd->owner, ctx);
	}
	if (below(3)) {
		sd->has_group = true;
		gen_sid(&sd->group, ctx);
	}
	for (int d = 0; d < 2; d++) {
		if (!below(4))
			continue;
		sd->control |= d ? SE_DACL_PRESENT : SE_SACL_PRESENT;
		if (below(2))
			sd->control |= d ? SE_DACL_PROTECTED : SE_SACL_PROTECTED;
		if (below(2))
			sd->control |= d ? SE_DACL_AUTO_INHERIT_REQ : SE_SACL_AUTO_INHERIT_REQ;
		if (below(2))
			sd->control |= d ? SE_DACL_AUTO_INHERITED : SE_SACL_AUTO_INHERITED;
		if (!below(8)) {
			if (d)
				sd->dacl_null = true;
			else
				sd->sacl_null = true;
			continue;
		}
		gen_acl(d ? &sd->dacl : &sd->sacl, d, ctx);
	}
}

// All the properties for one descriptor; `text` is its SDDL source if it had one.
static void check_properties(const struct secdesc *sd, const struct sid_context *ctx,
			     const char *what)
{
	struct strbuf t1 = STRBUF_INIT, t2 = STRBUF_INIT, b1 = STRBUF_INIT, b2 = STRBUF_INIT,
		      err = STRBUF_INIT;
	struct secdesc p, d;
	struct sddl_error perr;
	sddl_print(sd, ctx, SDDL_PRINT_DEFAULT, &t1);
	if (!sddl_parse(t1.buf, t1.len, ctx, &p, &perr))
		fail_msg("%s: printed form '%.300s' rejected at %zu: %s", what, t1.buf, perr.offset,
			 perr.message);
	if (!secdesc_equal(sd, &p))
		fail_msg("%s: '%.300s' reads back as a different descriptor", what, t1.buf);
	sddl_print(&p, ctx, SDDL_PRINT_DEFAULT, &t2);
	if (strcmp(t1.buf, t2.buf))
		fail_msg("%s: printing is not idempotent:\n%.300s\n%.300s", what, t1.buf, t2.buf);
	secdesc_encode(sd, &b1);
	if (!secdesc_decode((const uint8_t *)b1.buf, b1.len, &d, &err))
		fail_msg("%s: own binary form refused: %s", what, err.buf);
	if (!secdesc_equal(sd, &d))
		fail_msg("%s: binary round trip changed '%.300s'", what, t1.buf);
	secdesc_encode(&d, &b2);
	if (b1.len != b2.len || memcmp(b1.buf, b2.buf, b1.len))
		fail_msg("%s: bytes changed after decode and encode", what);
	secdesc_release(&p);
	secdesc_release(&d);
	strbuf_release(&t1);
	strbuf_release(&t2);
	strbuf_release(&b1);
	strbuf_release(&b2);
	strbuf_release(&err);
}

static struct sid_context full_ctx(void)
{
	struct sid_context ctx = test_domain_ctx();
	ctx.has_forest = true;
	ctx.forest = test_sid(TEST_FOREST);
	ctx.has_machine = true;
	ctx.machine = test_sid(TEST_MACHINE);
	return ctx;
}

static void test_generated(void **state)
{
	(void)state;
	struct sid_context ctx = full_ctx();
	rng_state = UINT64_C(0x9E3779B97F4A7C15);
	char what[32];
	for (int i = 0; i < 20000; i++) {
		struct secdesc sd;
		gen_secdesc(&sd, &ctx);
		snprintf(what, sizeof(what), "generated #%d", i);
		check_properties(&sd, &ctx, what);
		secdesc_release(&sd);
	}
}

static void test_windows_corpus(void **state)
{
	(void)state;
	static const char *const accepting[] = { "canonical.txt", "non_canonical.txt",
						 "windows_is_less_fussy.txt", "windows_is_weird.txt" };
	struct sid_context ctx = test_domain_ctx();
	size_t n = 0;
	for (size_t f = 0; f < ARRAY_SIZE(accepting); f++) {
		struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
		strbuf_addf(&path, "%s/testdata/sddl-windows/%s", shared_dir(), accepting[f]);
		read_whole_file(path.buf, &text);
		for (char *line = text.buf, *nl; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			if (!nl)
				nl = line + strlen(line) - 1;
			char *sep = strstr(line, " -> ");
			if (!sep || sep > nl)
				continue;
			struct secdesc sd;
			struct sddl_error err;
			if (!sddl_parse(line, (size_t)(sep - line), &ctx, &sd, &err))
				fail_msg("%s: '%.80s' rejected: %s", accepting[f], line, err.message);
			check_properties(&sd, &ctx, accepting[f]);
			secdesc_release(&sd);
			n++;
		}
		strbuf_release(&path);
		strbuf_release(&text);
	}
	assert_true(n >= 102);
}

static void test_generated_with_gaps(void **state)
{
	(void)state;
	// Printing in a context that knows no domain is still exact: domain SIDs
	// print numerically and read back the same.
	struct sid_context full = full_ctx(), none;
	memset(&none, 0, sizeof(none));
	rng_state = UINT64_C(0x0123456789ABCDEF);
	for (int i = 0; i < 2000; i++) {
		struct secdesc sd;
		gen_secdesc(&sd, &full);
		check_properties(&sd, &none, "generated, no domain");
		secdesc_release(&sd);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows_corpus),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_generated_with_gaps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
