// GptTmpl.inf: writer bytes, SetupAPI quoting rules, reading secedit-shaped files,
// registry value conversion both ways, refusals and malformed input.

#include "testutil.h"

#include <stdlib.h>

#include "core/arena.h"
#include "formats/inf.h"
#include "formats/registry.h"

static struct arena A;

static int setup(void **state)
{
	(void)state;
	arena_init(&A);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_release(&A);
	return 0;
}

static struct reg_value sz(const char *key, const char *name, uint32_t type, const char *s)
{
	struct reg_value v = { HIVE_HKLM, (char *)(uintptr_t)key, (char *)(uintptr_t)name, 0, NULL, 0 };
	reg_value_set_sz(&v, &A, type, s);
	return v;
}

static void add_ok(struct inf_doc *d, const struct reg_value *v)
{
	struct strbuf why = STRBUF_INIT;
	if (!gpttmpl_add_registry_value(d, v, &why)) {
		print_error("refused: %s\n", why.buf);
		fail();
	}
	strbuf_release(&why);
}

static void read_ok(const void *p, size_t len, struct inf_doc *d)
{
	struct fmt_error err;
	if (!inf_read(p, len, d, &err)) {
		print_error("read failed %u:%u: %s\n", err.line, err.col, err.message);
		fail();
	}
}

static void test_gpttmpl_golden(void **state)
{
	(void)state;
	struct inf_doc d;
	inf_doc_init(&d);
	gpttmpl_init(&d);
	struct reg_value v = sz("Software\\Policies\\Microsoft\\Windows NT\\DCOM", "MachineLaunchRestriction", REGT_SZ,
				"O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCLCSWRP;;;S-1-5-32-562)");
	add_ok(&d, &v);
	uint8_t one[4] = { 1, 0, 0, 0 };
	struct reg_value dw = { HIVE_HKLM, (char *)(uintptr_t)"System\\X", (char *)(uintptr_t)"Y", REGT_DWORD, one, 4 };
	add_ok(&d, &dw);
	uint8_t big[4] = { 0xFF, 0xFF, 0xFF, 0xFF };
	struct reg_value dw2 = { HIVE_HKLM, (char *)(uintptr_t)"System\\X", (char *)(uintptr_t)"Max", REGT_DWORD, big, 4 };
	add_ok(&d, &dw2);
	v = sz("S", "E", REGT_EXPAND_SZ, "C:\\Program Files\\x");
	add_ok(&d, &v);
	uint8_t multi[] = { 'a', 0, 0, 0, 'b', 0, ' ', 0, '"', 0, 'q', 0, '"', 0, 0, 0, 0, 0 };
	struct reg_value m = { HIVE_HKLM, (char *)(uintptr_t)"S", (char *)(uintptr_t)"M", REGT_MULTI_SZ, multi, sizeof(multi) };
	add_ok(&d, &m);
	uint8_t empty_multi[] = { 0, 0, 0, 0 };
	struct reg_value em = { HIVE_HKLM, (char *)(uintptr_t)"S", (char *)(uintptr_t)"None", REGT_MULTI_SZ, empty_multi, 4 };
	add_ok(&d, &em);
	struct strbuf why = STRBUF_INIT;
	assert_true(gpttmpl_add_group(&d, "S-1-5-32-562", false, NULL, 0, &why));
	const char *members[] = { "S-1-5-21-1-2-3-1001", "CONTOSO\\Monitoring" };
	assert_true(gpttmpl_add_group(&d, "S-1-5-32-562", true, members, 2, &why));
	const char *priv[] = { "S-1-5-32-544", "S-1-5-11" };
	assert_true(gpttmpl_add_privilege(&d, "SeNetworkLogonRight", priv, 2, &why));

	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;
	struct fmt_error err;
	assert_true(inf_write(&d, &got, &err));
	u16_expect(&want, "[Unicode]\n"
			  "Unicode=yes\n"
			  "[Version]\n"
			  "signature=\"$CHICAGO$\"\n"
			  "Revision=1\n"
			  "[Registry Values]\n"
			  "MACHINE\\Software\\Policies\\Microsoft\\Windows NT\\DCOM\\MachineLaunchRestriction=1,"
			  "\"O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCLCSWRP;;;S-1-5-32-562)\"\n"
			  "MACHINE\\System\\X\\Y=4,1\n"
			  "MACHINE\\System\\X\\Max=4,4294967295\n"
			  "MACHINE\\S\\E=2,\"C:\\Program Files\\x\"\n"
			  "MACHINE\\S\\M=7,\"a\",\"b \"\"q\"\"\"\n"
			  "MACHINE\\S\\None=7,\"\"\n"
			  "[Group Membership]\n"
			  "*S-1-5-32-562__Memberof =\n"
			  "*S-1-5-32-562__Members = *S-1-5-21-1-2-3-1001,CONTOSO\\Monitoring\n"
			  "[Privilege Rights]\n"
			  "SeNetworkLogonRight = *S-1-5-32-544,*S-1-5-11\n");
	assert_bytes(got.buf, got.len, want.buf, want.len);
	// The first bytes, by hand: BOM, "[U".
	assert_memory_equal(got.buf, "\xFF\xFE[\0U\0", 6);

	// Read back: same document, and every registry value converts back exactly.
	struct inf_doc back;
	read_ok(got.buf, got.len, &back);
	assert_true(inf_doc_equal(&d, &back));
	const struct inf_section *rv = inf_find_section(&back, "registry values");
	assert_non_null(rv);
	assert_int_equal(rv->n, 6);
	struct reg_value out;
	assert_true(gpttmpl_registry_value(&rv->lines[1], &A, &out, &err));
	assert_true(reg_value_equal(&out, &dw));
	assert_true(gpttmpl_registry_value(&rv->lines[2], &A, &out, &err));
	assert_true(reg_value_equal(&out, &dw2));
	assert_true(gpttmpl_registry_value(&rv->lines[3], &A, &out, &err));
	assert_true(reg_value_equal(&out, &v));
	assert_true(gpttmpl_registry_value(&rv->lines[4], &A, &out, &err));
	assert_true(reg_value_equal(&out, &m));
	assert_true(gpttmpl_registry_value(&rv->lines[5], &A, &out, &err));
	assert_true(reg_value_equal(&out, &em));
	assert_true(gpttmpl_registry_value(&rv->lines[0], &A, &out, &err));
	assert_string_equal(out.key, "Software\\Policies\\Microsoft\\Windows NT\\DCOM");
	assert_string_equal(out.name, "MachineLaunchRestriction");
	inf_doc_release(&back);
	strbuf_release(&got);
	strbuf_release(&want);
	strbuf_release(&why);
	inf_doc_release(&d);
}

static void test_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *key, *name, *data;
		const char *fragment;
	} cases[] = {
		{ "S", "v", "100%", "'%'" },
		{ "S", "v", "%11%", "'%'" },
		{ "S", "v", "a\r\nb", "control character 0x0d" },
		{ "S", "v", "a\x1a" "b", "control character 0x1a" },
		{ "S", "v", "tab\tis fine", NULL },
		{ "S", "a=b", "x", "contains '='" },
		{ "S", "a;b", "x", "contains ';'" },
		{ "S", "a,b", "x", "contains ','" },
		{ "S", "a\"b", "x", "contains '\"'" },
		{ "S", "", "x", "non-empty" },
		{ "S", "a b", "x", NULL },
		{ "S ", "v", "x", NULL }, // a key name may end in a space: it is inside the line
		{ "S", "v ", "x", "white space" },
		{ "S\\", "v", "x", "empty component" },
		{ "%S%", "v", "x", "'%'" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct inf_doc d;
		inf_doc_init(&d);
		struct reg_value v = sz(cases[i].key, cases[i].name, REGT_SZ, cases[i].data);
		struct strbuf why = STRBUF_INIT;
		bool ok = gpttmpl_add_registry_value(&d, &v, &why);
		if (ok != !cases[i].fragment || (cases[i].fragment && !strstr(why.buf, cases[i].fragment))) {
			print_error("case %zu: ok=%d '%s'\n", i, ok, why.buf);
			fail();
		}
		if (ok) {
			struct strbuf out = STRBUF_INIT;
			struct fmt_error err;
			assert_true(inf_write(&d, &out, &err));
			struct inf_doc back;
			read_ok(out.buf, out.len, &back);
			struct reg_value r;
			assert_true(gpttmpl_registry_value(&inf_find_section(&back, "Registry Values")->lines[0], &A, &r,
							   &err));
			assert_true(reg_value_equal(&r, &v));
			inf_doc_release(&back);
			strbuf_release(&out);
		}
		strbuf_release(&why);
		inf_doc_release(&d);
	}

	// Types and shapes the section cannot hold.
	uint8_t bin[2] = { 1, 2 };
	uint8_t unterminated[2] = { 'a', 0 };
	uint8_t inner_empty[] = { 'a', 0, 0, 0, 0, 0, 'b', 0, 0, 0, 0, 0 };
	uint8_t short_dw[3] = { 1, 2, 3 };
	const struct reg_value bad[] = {
		{ HIVE_HKLM, (char *)(uintptr_t)"S", (char *)(uintptr_t)"b", REGT_BINARY, bin, 2 },
		{ HIVE_HKLM, (char *)(uintptr_t)"S", (char *)(uintptr_t)"u", REGT_SZ, unterminated, 2 },
		{ HIVE_HKLM, (char *)(uintptr_t)"S", (char *)(uintptr_t)"m", REGT_MULTI_SZ, inner_empty, sizeof(inner_empty) },
		{ HIVE_HKLM, (char *)(uintptr_t)"S", (char *)(uintptr_t)"d", REGT_DWORD, short_dw, 3 },
		{ HIVE_HKCU, (char *)(uintptr_t)"S", (char *)(uintptr_t)"c", REGT_DWORD, short_dw, 3 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct inf_doc d;
		inf_doc_init(&d);
		struct strbuf why = STRBUF_INIT;
		assert_false(gpttmpl_add_registry_value(&d, &bad[i], &why));
		assert_true(why.len > 20);
		assert_int_equal(d.n, 0); // nothing half-added
		strbuf_release(&why);
		inf_doc_release(&d);
	}

	// A field longer than SetupAPI reads.
	char *longs = malloc(4098);
	memset(longs, 'x', 4097);
	longs[4097] = 0;
	struct inf_doc d;
	inf_doc_init(&d);
	struct reg_value v = sz("S", "v", REGT_SZ, longs);
	struct strbuf why = STRBUF_INIT;
	assert_false(gpttmpl_add_registry_value(&d, &v, &why));
	assert_non_null(strstr(why.buf, "4096"));
	longs[4096] = 0;
	v = sz("S", "v", REGT_SZ, longs);
	strbuf_reset(&why);
	assert_true(gpttmpl_add_registry_value(&d, &v, &why));
	strbuf_release(&why);
	inf_doc_release(&d);
	free(longs);
}

static void test_writer_line_checks(void **state)
{
	(void)state;
	struct inf_doc d;
	struct strbuf out = STRBUF_INIT;
	struct fmt_error err;

	inf_doc_init(&d);
	struct inf_section *s = inf_section(&d, "S");
	inf_add_field(&d, inf_add_line(&d, s, NULL), "a=b", false);
	assert_false(inf_write(&d, &out, &err));
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.message, "'='"));
	inf_doc_release(&d);

	inf_doc_init(&d);
	s = inf_section(&d, "S");
	inf_add_field(&d, inf_add_line(&d, s, NULL), "[x]", false);
	assert_false(inf_write(&d, &out, &err));
	assert_non_null(strstr(err.message, "start a section"));
	inf_doc_release(&d);

	inf_doc_init(&d);
	s = inf_section(&d, "S");
	inf_add_field(&d, inf_add_line(&d, s, "k"), "ends\\", false);
	assert_false(inf_write(&d, &out, &err));
	assert_non_null(strstr(err.message, "continuation"));
	inf_doc_release(&d);

	inf_doc_init(&d);
	inf_section(&d, "a]b");
	assert_false(inf_write(&d, &out, &err));
	assert_int_equal(err.line, 1);
	inf_doc_release(&d);
	assert_int_equal(out.len, 0);

	// Quoted, the same texts are fine and read back.
	inf_doc_init(&d);
	s = inf_section(&d, "S");
	struct inf_line *l = inf_add_line(&d, s, NULL);
	inf_add_field(&d, l, "a=b", true);
	inf_add_field(&d, l, "ends\\", true);
	inf_add_field(&d, l, " spaced ", true);
	inf_add_field(&d, l, "semi;colon,comma", true);
	inf_add_field(&d, l, "", false);
	l = inf_add_line(&d, s, "k");
	inf_add_field(&d, l, "\"\"", true);
	inf_add_field(&d, l, "mid = ok", false);
	assert_true(inf_write(&d, &out, &err));
	struct inf_doc back;
	read_ok(out.buf, out.len, &back);
	assert_true(inf_doc_equal(&d, &back));
	inf_doc_release(&back);
	inf_doc_release(&d);
	strbuf_release(&out);
}

// Shaped like secedit /export output and a GPMC GptTmpl.inf, with what SetupAPI
// allows around them: LF-only lines, comments, case-insensitive section names,
// continuation lines, partial quoting, Ctrl-Z.
static void test_read_foreign(void **state)
{
	(void)state;
	static const char text[] = "; exported by hand\n"
				   "[Unicode]\r\n"
				   "Unicode=yes\r\n"
				   "[System Access]\r\n"
				   "MinimumPasswordAge = 1\r\n"
				   "[Version]\r\n"
				   "signature=\"$CHICAGO$\"\r\n"
				   "Revision=1\r\n"
				   "[Registry Values]\r\n"
				   "MACHINE\\Software\\Policies\\Microsoft\\Windows NT\\DCOM\\MachineAccessRestriction=1,"
				   "\"O:BAG:BAD:(A;;CCDCLC;;;WD)\"\r\n"
				   "MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\NoLMHash = 4 , 1 ; comment\n"
				   "[registry values]\n"
				   "MACHINE\\S\\Joined=7,first,\\\n"
				   "    second  \\  ; comment after the continuation\n"
				   "  third\n"
				   "MACHINE\\S\\Quoted=1,  \"a \"\"b\"\" \"c  \n"
				   "[Privilege Rights]  ignored text\n"
				   "SeNetworkLogonRight = *S-1-1-0,*S-1-5-32-544\n"
				   "[Group Membership]\n"
				   "*S-1-5-32-544__Memberof =\n"
				   "*S-1-5-32-544__Members = *S-1-5-21-1-2-3-500\n"
				   "\"Svc\",2,\"D:(A;;GA;;;SY)\"\n"
				   "\x1a"
				   "garbage after Ctrl-Z [ \"";
	struct strbuf f = STRBUF_INIT;
	u16_expect(&f, text);
	// u16_expect turns "\n" into CRLF; also read it as UTF-8 with LF.
	for (int pass = 0; pass < 2; pass++) {
		struct inf_doc d;
		if (pass == 0)
			read_ok(f.buf, f.len, &d);
		else
			read_ok(text, sizeof(text) - 1, &d);
		assert_int_equal(d.n, 6);
		assert_string_equal(d.sections[1]->name, "System Access");
		assert_string_equal(d.sections[1]->lines[0].key, "MinimumPasswordAge");
		const struct inf_section *rv = d.sections[3];
		assert_string_equal(rv->name, "Registry Values");
		assert_int_equal(rv->n, 4);
		struct reg_value v;
		struct fmt_error err;
		assert_true(gpttmpl_registry_value(&rv->lines[1], &A, &v, &err));
		assert_string_equal(v.key, "System\\CurrentControlSet\\Control\\Lsa");
		assert_string_equal(v.name, "NoLMHash");
		assert_int_equal(v.type, REGT_DWORD);
		assert_int_equal(get_le32(v.data), 1);
		assert_int_equal(rv->lines[1].line, 11);
		const struct inf_line *j = &rv->lines[2];
		// "first,\" continues on the next line; "second  \" continues again with the
		// white space before the '\' trimmed, so "second" and "third" join.
		assert_int_equal(j->n, 3);
		assert_string_equal(j->fields[1].text, "first");
		assert_string_equal(j->fields[2].text, "secondthird");
		const struct inf_line *q = &rv->lines[3];
		assert_int_equal(q->n, 2);
		assert_string_equal(q->fields[1].text, "a \"b\" c");
		assert_true(q->fields[1].quoted);
		assert_int_equal(q->fields[1].col, 22);
		const struct inf_section *gm = inf_find_section(&d, "GROUP MEMBERSHIP");
		assert_non_null(gm);
		assert_int_equal(gm->n, 3);
		assert_int_equal(gm->lines[0].n, 1);
		assert_string_equal(gm->lines[0].fields[0].text, "");
		assert_null(gm->lines[2].key);
		assert_int_equal(gm->lines[2].n, 3);
		assert_string_equal(gm->lines[2].fields[2].text, "D:(A;;GA;;;SY)");
		inf_doc_release(&d);
	}
	strbuf_release(&f);
}

static void test_read_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		uint32_t line, col;
		const char *fragment;
	} cases[] = {
		{ "\n  key=value\n", 2, 3, "outside any section" },
		{ "[Version\nx=1\n", 1, 1, "no closing ']'" },
		{ "[S]\nk=\"open\n", 2, 3, "no closing '\"'" },
		{ "[S]\nk=a\"b\nc\"\n", 2, 4, "no closing '\"'" },
		{ "[S]\r\nk=\xff\n", 2, 3, "not valid UTF-8" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct inf_doc d;
		struct fmt_error err;
		bool ok = inf_read((const uint8_t *)cases[i].text, strlen(cases[i].text), &d, &err);
		if (ok || err.line != cases[i].line || err.col != cases[i].col || !strstr(err.message, cases[i].fragment)) {
			print_error("case %zu: ok=%d %u:%u %s\n", i, ok, err.line, err.col, ok ? "" : err.message);
			fail();
		}
		inf_doc_release(&d);
	}
	static const char nul[] = "[S]\nk=a\0b\n";
	struct inf_doc d;
	struct fmt_error err;
	assert_false(inf_read((const uint8_t *)nul, sizeof(nul) - 1, &d, &err));
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 4);
	inf_doc_release(&d);

	char longname[300] = "[";
	memset(longname + 1, 'n', 256);
	strcpy(longname + 257, "]\n");
	assert_false(inf_read((const uint8_t *)longname, strlen(longname), &d, &err));
	assert_non_null(strstr(err.message, "longer than 255"));
	inf_doc_release(&d);
}

static void test_registry_line_errors(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		uint32_t col;
		const char *fragment;
	} cases[] = {
		{ "MACHINE\\S=4,1", 1, "MACHINE\\key\\name" },
		{ "SOFTWARE\\S\\V=4,1", 1, "does not start with MACHINE" },
		{ "MACHINE\\S\\V=x,1", 13, "registry type number" },
		{ "MACHINE\\S\\V=4,-1", 15, "decimal number" },
		{ "MACHINE\\S\\V=4,4294967296", 15, "decimal number" },
		{ "MACHINE\\S\\V=4,1,2", 15, "decimal number" },
		{ "MACHINE\\S\\V=1,a,b", 17, "must be quoted" },
		{ "MACHINE\\S\\V=3,00", 13, "not supported" },
		{ "just,fields", 1, "no 'MACHINE" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf f = STRBUF_INIT;
		strbuf_addf(&f, "[Registry Values]\n%s\n", cases[i].line);
		struct inf_doc d;
		read_ok(f.buf, f.len, &d);
		struct reg_value v;
		struct fmt_error err;
		bool ok = gpttmpl_registry_value(&d.sections[0]->lines[0], &A, &v, &err);
		if (ok || err.line != 2 || err.col != cases[i].col || !strstr(err.message, cases[i].fragment)) {
			print_error("case %zu: ok=%d %u:%u %s\n", i, ok, err.line, err.col, ok ? "" : err.message);
			fail();
		}
		inf_doc_release(&d);
		strbuf_release(&f);
	}
}

// Hostile strings as REG_SZ data and as value names: each round-trips or is refused.
static void test_hostile_strings(void **state)
{
	(void)state;
	char *big = malloc(70 * 1024 + 1);
	memset(big, 'b', 70 * 1024);
	big[70 * 1024] = 0;
	const char *const hostile[] = { "\"", "%", "%%", "^", "&", "|", "<", ">", "!", "a\rb", "a\nb",
					")(A;;GA;;;WD)", ";", "$(x)", "`id`", "]", "[x", "\"\"\"",
					"caf\xC3\xA9 \xF0\x9F\x98\x80", "\\", big };
	size_t kept = 0, refused = 0;
	for (size_t i = 0; i < ARRAY_SIZE(hostile); i++)
		for (int use = 0; use < 2; use++) {
			struct inf_doc d;
			inf_doc_init(&d);
			struct reg_value v = sz("S", use ? hostile[i] : "v", REGT_SZ, use ? "d" : hostile[i]);
			struct strbuf why = STRBUF_INIT;
			if (!gpttmpl_add_registry_value(&d, &v, &why)) {
				assert_true(why.len > 10);
				refused++;
			} else {
				struct strbuf out = STRBUF_INIT;
				struct fmt_error err;
				assert_true(inf_write(&d, &out, &err));
				struct inf_doc back;
				read_ok(out.buf, out.len, &back);
				struct reg_value r;
				assert_true(gpttmpl_registry_value(&back.sections[0]->lines[0], &A, &r, &err));
				assert_true(reg_value_equal(&r, &v));
				inf_doc_release(&back);
				strbuf_release(&out);
				kept++;
			}
			strbuf_release(&why);
			inf_doc_release(&d);
		}
	// As data: %, %%, CR, LF and the 70 KB text are refused (5), the other 16 kept.
	// As names (unquoted in the key): also '"', ')(A;;GA;;;WD)' and ';' (';'), '"""'
	// and '\\' (it would split the key): 10 refused, 11 kept.
	assert_int_equal(refused, 15);
	assert_int_equal(kept, 27);
	free(big);
}

// Random documents (fields quoted when they need it) survive write -> read.
static void test_random_round_trips(void **state)
{
	(void)state;
	static const char *const pieces[] = { "a", "Z", " ", "\"", ",", ";", "=", "[", "]", "\\", "\t", "\xC3\xA9",
					      "\xF0\x9F\x98\x80", "$" };
	uint64_t seed = 77;
	int written = 0;
	for (int round = 0; round < 400; round++) {
		struct inf_doc d;
		inf_doc_init(&d);
		int ns = 1 + (int)(prng_next(&seed) % 3);
		for (int si = 0; si < ns; si++) {
			char name[32];
			snprintf(name, sizeof(name), "Section %d", si);
			struct inf_section *s = inf_section(&d, name);
			s->spaced = prng_next(&seed) % 2;
			int nl = (int)(prng_next(&seed) % 5);
			for (int li = 0; li < nl; li++) {
				char key[32];
				snprintf(key, sizeof(key), "Key%d", li);
				struct inf_line *l = inf_add_line(&d, s, prng_next(&seed) % 4 ? key : NULL);
				int nf = 1 + (int)(prng_next(&seed) % 4);
				for (int fi = 0; fi < nf; fi++) {
					struct strbuf t = STRBUF_INIT;
					int parts = (int)(prng_next(&seed) % 5);
					for (int q = 0; q < parts; q++)
						strbuf_addstr(&t, pieces[prng_next(&seed) % ARRAY_SIZE(pieces)]);
					inf_add_field(&d, l, t.buf, true);
					strbuf_release(&t);
				}
			}
		}
		struct strbuf out = STRBUF_INIT;
		struct fmt_error err;
		if (!inf_write(&d, &out, &err)) {
			print_error("round %d: %s\n", round, err.message);
			fail();
		}
		written++;
		struct inf_doc back;
		read_ok(out.buf, out.len, &back);
		if (!inf_doc_equal(&d, &back)) {
			print_error("round %d differs\n", round);
			fail();
		}
		struct strbuf again = STRBUF_INIT;
		// The reader does not know `spaced`; copy it to compare bytes.
		for (size_t i = 0; i < back.n; i++)
			back.sections[i]->spaced = d.sections[i]->spaced;
		assert_true(inf_write(&back, &again, &err));
		assert_bytes(again.buf, again.len, out.buf, out.len);
		strbuf_release(&again);
		inf_doc_release(&back);
		strbuf_release(&out);
		inf_doc_release(&d);
	}
	assert_int_equal(written, 400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gpttmpl_golden),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_writer_line_checks),
		cmocka_unit_test(test_read_foreign),
		cmocka_unit_test(test_read_malformed),
		cmocka_unit_test(test_registry_line_errors),
		cmocka_unit_test(test_hostile_strings),
		cmocka_unit_test(test_random_round_trips),
	};
	return cmocka_run_group_tests_name("formats_inf", tests, setup, teardown);
}
