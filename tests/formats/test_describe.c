// File kind detection and the decode listings, over sample files shaped like what
// regedit, GPMC and secedit write (samples/make_samples.py). The listings are
// golden files next to the samples (GPOC_UPDATE_GOLDEN=1 rewrites them; review the
// diff). The samples also check the writers: re-writing what was read must give
// the very bytes the independent Python generator produced.

#include "testutil.h"

#include <stdlib.h>

#include "formats/describe.h"
#include "formats/inf.h"
#include "formats/pol.h"
#include "formats/regfile.h"

static char *sample_path(const char *name)
{
	const char *src = getenv("GPOC_SOURCE_DIR");
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s/tests/formats/samples/%s", src ? src : ".", name);
	return strbuf_detach(&sb, NULL);
}

static bool slurp(const char *name, struct strbuf *out)
{
	char *path = sample_path(name);
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f)
		return false;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	fclose(f);
	return true;
}

static void load(const char *name, struct strbuf *out)
{
	if (!slurp(name, out)) {
		print_error("cannot read sample %s (is GPOC_SOURCE_DIR set?)\n", name);
		fail();
	}
}

static void golden(const char *name, const struct strbuf *got)
{
	const char *update = getenv("GPOC_UPDATE_GOLDEN");
	if (update && *update == '1') {
		char *path = sample_path(name);
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		fwrite(got->buf, 1, got->len, f);
		fclose(f);
		free(path);
		return;
	}
	struct strbuf want = STRBUF_INIT;
	load(name, &want);
	assert_bytes(got->buf, got->len, want.buf, want.len);
	strbuf_release(&want);
}

static void test_detect(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		enum file_kind kind;
	} samples[] = {
		{ "ole-export.reg", FILE_REG5 },  { "agent-regedit4.reg", FILE_REGEDIT4 }, { "Registry.pol", FILE_POL },
		{ "GptTmpl.inf", FILE_INF },      { "launch.bin", FILE_SD_BINARY },       { "launch.hex", FILE_SD_HEX },
	};
	for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
		struct strbuf f = STRBUF_INIT;
		load(samples[i].file, &f);
		assert_int_equal(detect_file_kind((const uint8_t *)f.buf, f.len), samples[i].kind);
		strbuf_release(&f);
	}
	static const struct {
		const char *text;
		size_t len;
		enum file_kind kind;
	} cases[] = {
		{ "", 0, FILE_UNKNOWN },
		{ "PReg", 4, FILE_UNKNOWN }, // too short for the header
		{ "PReg\x01\0\0\0", 8, FILE_POL },
		{ "\xEF\xBB\xBFWindows Registry Editor Version 5.00\r\n", 41, FILE_REG5 },
		{ "  REGEDIT4\n", 11, FILE_REGEDIT4 },
		{ "; comment\n[Version]\n", 20, FILE_INF },
		{ "\xFF\xFE[\0U\0", 6, FILE_INF },
		{ "O:BAG:BAD:(A;;GA;;;SY)", 22, FILE_SDDL },
		{ "\nD:(A;;GA;;;SY)\n", 16, FILE_SDDL },
		{ "hex:01,00,04,80,14,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00", 63, FILE_SD_HEX },
		{ "0100048014000000000000000000000000000000", 40, FILE_SD_HEX },
		{ "01000480140000000000000000000000000000", 38, FILE_UNKNOWN }, // under 20 bytes
		{ "02000480140000000000000000000000000000000000", 44, FILE_UNKNOWN },
		{ "hello world", 11, FILE_UNKNOWN },
		{ "\x01\x00\x04\x80", 4, FILE_UNKNOWN }, // a descriptor needs its 20-byte header
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum file_kind k = detect_file_kind((const uint8_t *)cases[i].text, cases[i].len);
		if (k != cases[i].kind) {
			print_error("case %zu: got %s, want %s\n", i, file_kind_name(k), file_kind_name(cases[i].kind));
			fail();
		}
	}
	assert_string_equal(file_kind_name(FILE_SD_HEX), "sd-hex");
}

static void describe_golden(const char *sample, const char *base)
{
	struct strbuf f = STRBUF_INIT;
	load(sample, &f);
	for (int json = 0; json < 2; json++) {
		struct describe_options o = { NULL, json, VOCAB_COM_LAUNCH };
		struct strbuf out = STRBUF_INIT;
		struct fmt_error err;
		if (!describe_file((const uint8_t *)f.buf, f.len, &o, &out, &err)) {
			print_error("%s: %u:%u: %s\n", sample, err.line, err.col, err.message);
			fail();
		}
		struct strbuf name = STRBUF_INIT;
		strbuf_addf(&name, "%s.%s", base, json ? "json" : "txt");
		golden(name.buf, &out);
		// Listings are text a terminal can show: no control bytes but line ends.
		for (size_t i = 0; i < out.len; i++)
			assert_true((unsigned char)out.buf[i] >= 0x20 || out.buf[i] == '\n');
		strbuf_release(&name);
		strbuf_release(&out);
	}
	strbuf_release(&f);
}

static void test_describe_samples(void **state)
{
	(void)state;
	describe_golden("ole-export.reg", "ole-export.reg");
	describe_golden("agent-regedit4.reg", "agent-regedit4.reg");
	describe_golden("Registry.pol", "Registry.pol");
	describe_golden("GptTmpl.inf", "GptTmpl.inf");
	describe_golden("launch.bin", "launch.bin");
	describe_golden("launch.hex", "launch.hex");
}

// Facts the golden files must show, checked directly so an accidental golden
// update cannot hide a regression in them.
static void test_describe_facts(void **state)
{
	(void)state;
	struct strbuf f = STRBUF_INIT, out = STRBUF_INIT;
	struct fmt_error err;
	struct describe_options o = { NULL, false, VOCAB_GENERIC };

	load("ole-export.reg", &f);
	assert_true(describe_reg((const uint8_t *)f.buf, f.len, &o, &out, &err));
	assert_non_null(strstr(out.buf, "\"EnableDCOM\" = REG_SZ \"Y\"\n"));
	assert_non_null(strstr(out.buf, "\"LegacyAuthenticationLevel\" = REG_DWORD 0x00000002 (2)\n"));
	assert_non_null(strstr(out.buf, "\"MachineLaunchRestriction\" = REG_BINARY 152 bytes, a security descriptor\n"
					"      SDDL: O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)"
					"(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCLCSWRP;;;LU)\n"));
	assert_non_null(strstr(out.buf, "SDDL: O:BAG:BAD:(A;;CCDCLC;;;WD)(A;;CCDC;;;AN)"));
	assert_non_null(strstr(out.buf, "Distributed COM Users"));
	strbuf_reset(&f);
	strbuf_reset(&out);

	load("Registry.pol", &f);
	assert_true(describe_pol((const uint8_t *)f.buf, f.len, &o, &out, &err));
	assert_non_null(strstr(out.buf, "  delete value \"MachineAccessRestriction\" (\"**del.MachineAccessRestriction\")\n"));
	assert_non_null(strstr(out.buf, "  delete values \"Alpha\", \"Beta\" (\"**DeleteValues\")\n"));
	assert_non_null(strstr(out.buf, "  delete subkeys \"Old\", \"Older\" (\"**DeleteKeys\")\n"));
	assert_non_null(strstr(out.buf, "  delete all values (\"**delvals.\")\n"));
	assert_non_null(strstr(out.buf, "  secure the key's ACL: yes (\"**SecureKey\")\n"));
	assert_non_null(strstr(out.buf, "  set if absent \"Mode\" = REG_SZ \"auto\"\n"));
	assert_non_null(strstr(out.buf, "  \"Odd\" = REG_SZ 3 bytes: 61 00 62\n      ! odd-length REG_SZ data (3 bytes)\n"));
	assert_non_null(strstr(out.buf, "REG_SZ data without a NUL terminator"));
	assert_non_null(strstr(out.buf, "      SDDL: O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)"));
	strbuf_reset(&f);
	strbuf_reset(&out);

	load("GptTmpl.inf", &f);
	assert_true(describe_inf((const uint8_t *)f.buf, f.len, &o, &out, &err));
	assert_non_null(strstr(out.buf, "\"SeNetworkLogonRight\" granted to: Everyone (S-1-1-0), Administrators "
					"(S-1-5-32-544), Distributed COM Users (S-1-5-32-562)\n"));
	assert_non_null(strstr(out.buf, "  group Distributed COM Users (S-1-5-32-562) is a member of: (none)\n"));
	assert_non_null(strstr(out.buf, "has members: S-1-5-21-1004336348-1177238915-682003330-1107, "
					"\"CONTOSO\\\\Monitoring\"\n"));
	assert_non_null(strstr(out.buf, "NoLMHash\" = REG_DWORD 0x00000001 (1)\n"));
	assert_non_null(strstr(out.buf, "LegalNoticeText\" = REG_MULTI_SZ \"Authorized use only\", "
					"\"Contact: it@contoso.com\"\n"));
	strbuf_reset(&f);
	strbuf_reset(&out);

	// A REG_MULTI_SZ without its final empty string is not shown as a list.
	struct pol_doc pd;
	pol_doc_init(&pd);
	static const uint8_t multi[] = { 'a', 0, 0, 0 };
	struct reg_value v = { HIVE_NONE, (char *)(uintptr_t)"K", (char *)(uintptr_t)"m", REGT_MULTI_SZ,
			       (uint8_t *)(uintptr_t)multi, sizeof(multi) };
	pol_doc_add(&pd, &v);
	assert_true(pol_write(&pd, &f, &err));
	assert_true(describe_pol((const uint8_t *)f.buf, f.len, &o, &out, &err));
	assert_non_null(strstr(out.buf, "  \"m\" = REG_MULTI_SZ 4 bytes: 61 00 00 00\n"
					"      ! REG_MULTI_SZ data without the final empty string\n"));
	pol_doc_release(&pd);
	strbuf_release(&f);
	strbuf_release(&out);
}

// Writing what was read reproduces the independently generated files byte for byte.
static void test_writers_match_samples(void **state)
{
	(void)state;
	struct strbuf f = STRBUF_INIT, out = STRBUF_INIT;
	struct fmt_error err;
	load("ole-export.reg", &f);
	struct reg_doc rd;
	assert_true(regfile_read((const uint8_t *)f.buf, f.len, &rd, &err));
	assert_true(regfile_write(&rd, &out, &err));
	assert_bytes(out.buf, out.len, f.buf, f.len);
	reg_doc_release(&rd);
	strbuf_reset(&f);
	strbuf_reset(&out);

	load("GptTmpl.inf", &f);
	struct inf_doc id;
	assert_true(inf_read((const uint8_t *)f.buf, f.len, &id, &err));
	assert_true(inf_find_section(&id, "Privilege Rights")->spaced);
	assert_false(inf_find_section(&id, "Registry Values")->spaced);
	assert_true(inf_write(&id, &out, &err));
	assert_bytes(out.buf, out.len, f.buf, f.len);
	inf_doc_release(&id);
	strbuf_release(&f);
	strbuf_release(&out);
}

static void test_hostile_listing(void **state)
{
	(void)state;
	// A .reg whose names and data try to forge listing lines or terminal escapes.
	struct strbuf f = STRBUF_INIT;
	u16_expect(&f, "Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\K\x1b[31m]\n"
		       "\"a\x1b]0;title\x07\"=\"x\"\n"
		       "\"fake\"=hex(1):0d,00,0a,00,20,00,20,00,22,00,6e,00,22,00,00,00\n"
		       "; comment with \x1b[2J\n");
	for (int json = 0; json < 2; json++) {
		struct describe_options o = { NULL, json, VOCAB_GENERIC };
		struct strbuf out = STRBUF_INIT;
		struct fmt_error err;
		assert_true(describe_file((const uint8_t *)f.buf, f.len, &o, &out, &err));
		for (size_t i = 0; i < out.len; i++)
			assert_true((unsigned char)out.buf[i] >= 0x20 || out.buf[i] == '\n');
		if (!json) {
			assert_non_null(strstr(out.buf, "key \"HKEY_CURRENT_USER\\\\K\\x1b[31m\"\n"));
			assert_non_null(strstr(out.buf, "\"fake\" = REG_SZ \"\\r\\n  \\\"n\\\"\"\n"));
		} else {
			assert_non_null(strstr(out.buf, "\"string\":\"\\r\\n  \\\"n\\\"\""));
			assert_non_null(strstr(out.buf, "\\u001b]0;title\\u0007"));
		}
		strbuf_release(&out);
	}
	strbuf_release(&f);
}

static void test_errors(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT;
	struct fmt_error err;
	struct describe_options o = { NULL, false, VOCAB_GENERIC };
	static const char bad_reg[] = "REGEDIT4\r\n[HKEY_USERS\\X]\r\n\"a\"=dword:xyz\r\n";
	strbuf_addstr(&out, "kept");
	assert_false(describe_file((const uint8_t *)bad_reg, sizeof(bad_reg) - 1, &o, &out, &err));
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, 11);
	assert_string_equal(out.buf, "kept");
	assert_false(describe_file((const uint8_t *)"PReg\x02\0\0\0", 8, &o, &out, &err));
	assert_non_null(strstr(err.message, "version 2"));
	assert_false(describe_file((const uint8_t *)"what is this", 12, &o, &out, &err));
	assert_non_null(strstr(err.message, "unknown file kind"));
	static const char bad_sddl[] = "\n  O:BAG:BAD:(A;;XX;;;SY)\n";
	assert_false(describe_file((const uint8_t *)bad_sddl, sizeof(bad_sddl) - 1, &o, &out, &err));
	assert_int_equal(err.line, 2);
	assert_true(err.col > 12 && err.col < 18); // at the rights field "XX"
	static const char lead_sddl[] = "\n\nD:(A;;GA;;;SY)\n";
	struct strbuf ok_out = STRBUF_INIT;
	assert_true(describe_file((const uint8_t *)lead_sddl, sizeof(lead_sddl) - 1, &o, &ok_out, &err));
	assert_non_null(strstr(ok_out.buf, "SDDL: D:(A;;GA;;;SY)\n"));
	strbuf_release(&ok_out);
	static const char bad_hex[] = "hex:01,00,04,80,14,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00";
	assert_false(describe_file((const uint8_t *)bad_hex, sizeof(bad_hex) - 1, &o, &out, &err));
	assert_string_equal(out.buf, "kept");
	strbuf_release(&out);

	// SDDL text: JSON form.
	static const char sddl[] = "O:BAG:BAD:(A;;CCDCLC;;;WD)\n";
	struct describe_options oj = { NULL, true, VOCAB_COM_ACCESS };
	struct strbuf js = STRBUF_INIT;
	assert_true(describe_file((const uint8_t *)sddl, sizeof(sddl) - 1, &oj, &js, &err));
	assert_non_null(strstr(js.buf, "{\"format\":\"sddl\",\"sddl\":\"O:BAG:BAD:(A;;CCDCLC;;;WD)\","
				       "\"vocabulary\":\"com-access\",\"explain\":[\""));
	strbuf_release(&js);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_describe_samples),
		cmocka_unit_test(test_describe_facts),
		cmocka_unit_test(test_writers_match_samples),
		cmocka_unit_test(test_hostile_listing),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests_name("formats_describe", tests, NULL, NULL);
}
