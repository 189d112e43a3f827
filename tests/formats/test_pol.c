// Registry.pol: framing bytes, special value names, foreign-file oddities, errors
// on truncation and size overflow, randomized round trips.

#include "testutil.h"

#include <stdlib.h>

#include "formats/pol.h"
#include "formats/registry.h"

static struct reg_value rv(const char *key, const char *name, uint32_t type, const void *data, size_t size)
{
	struct reg_value v = { HIVE_NONE, (char *)(uintptr_t)key, (char *)(uintptr_t)name, type,
			       (uint8_t *)(uintptr_t)data, size };
	return v;
}

static void test_empty_file(void **state)
{
	(void)state;
	struct pol_doc d;
	pol_doc_init(&d);
	struct strbuf out = STRBUF_INIT;
	struct fmt_error err;
	assert_true(pol_write(&d, &out, &err));
	assert_bytes(out.buf, out.len, "PReg\x01\x00\x00\x00", 8);
	struct pol_doc back;
	assert_true(pol_read((const uint8_t *)out.buf, out.len, &back, &err));
	assert_int_equal(back.n, 0);
	pol_doc_release(&back);
	strbuf_release(&out);
	pol_doc_release(&d);
}

// One entry written out by hand, byte by byte.
static void test_golden_bytes(void **state)
{
	(void)state;
	struct pol_doc d;
	pol_doc_init(&d);
	uint8_t dw[4] = { 1, 0, 0, 0 };
	struct reg_value v = rv("A\\b", "V", REGT_DWORD, dw, 4);
	pol_doc_add(&d, &v);
	uint8_t s[] = { 'h', 0, 'i', 0, 0, 0 };
	v = rv("K", "", REGT_SZ, s, sizeof(s));
	pol_doc_add(&d, &v);
	struct strbuf out = STRBUF_INIT;
	struct fmt_error err;
	assert_true(pol_write(&d, &out, &err));
	static const char want[] = "PReg\x01\0\0\0"
				   "[\0A\0\\\0b\0\0\0;\0V\0\0\0;\0\x04\0\0\0;\0\x04\0\0\0;\0\x01\0\0\0]\0"
				   "[\0K\0\0\0;\0\0\0;\0\x01\0\0\0;\0\x06\0\0\0;\0h\0i\0\0\0]\0";
	assert_bytes(out.buf, out.len, want, sizeof(want) - 1);
	strbuf_release(&out);
	pol_doc_release(&d);
}

static void test_delete_marker_shape(void **state)
{
	(void)state;
	struct pol_doc d;
	pol_doc_init(&d);
	pol_doc_add_delete(&d, "Software\\Policies\\X", "Val");
	struct strbuf out = STRBUF_INIT;
	struct fmt_error err;
	assert_true(pol_write(&d, &out, &err));
	static const char tail[] = ";\0*\0*\0d\0e\0l\0.\0V\0a\0l\0\0\0;\0\x01\0\0\0;\0\x04\0\0\0;\0 \0\0\0]\0";
	assert_true(out.len > sizeof(tail));
	assert_bytes(out.buf + out.len - (sizeof(tail) - 1), sizeof(tail) - 1, tail, sizeof(tail) - 1);
	const char *target;
	assert_int_equal(pol_classify(d.v[0].v.name, &target), POL_DELETE_VALUE);
	assert_string_equal(target, "Val");
	strbuf_release(&out);
	pol_doc_release(&d);
}

static void test_classify(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum pol_action act;
		const char *target;
	} cases[] = {
		{ "Plain", POL_SET, "Plain" },
		{ "**del.X", POL_DELETE_VALUE, "X" },
		{ "**DEL.x.y", POL_DELETE_VALUE, "x.y" },
		{ "**delvals.", POL_DELETE_ALL_VALUES, "**delvals." },
		{ "**DelVals", POL_DELETE_ALL_VALUES, "**DelVals" },
		{ "**DeleteValues", POL_DELETE_VALUES, "**DeleteValues" },
		{ "**deletevalues", POL_DELETE_VALUES, "**deletevalues" },
		{ "**DeleteKeys", POL_DELETE_KEYS, "**DeleteKeys" },
		{ "**SecureKey", POL_SECURE_KEY, "**SecureKey" },
		{ "**soft.Y", POL_SOFT_SET, "Y" },
		{ "**Soft.", POL_SOFT_SET, "" },
		{ "*del.X", POL_SET, "*del.X" },
		{ "**DeleteValuesX", POL_SET, "**DeleteValuesX" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *target;
		assert_int_equal(pol_classify(cases[i].name, &target), cases[i].act);
		assert_string_equal(target, cases[i].target);
	}
}

static void put(struct strbuf *f, const char *ascii)
{
	for (; *ascii; ascii++)
		strbuf_add_le16(f, (uint8_t)*ascii);
}

// An entry with raw framing, for foreign-shaped files.
static void entry(struct strbuf *f, const char *key, const char *name, uint32_t type, uint32_t size,
		  const void *data, size_t data_len)
{
	put(f, "[");
	put(f, key);
	strbuf_add_le16(f, 0);
	put(f, ";");
	put(f, name);
	strbuf_add_le16(f, 0);
	put(f, ";");
	strbuf_add_le32(f, type);
	put(f, ";");
	strbuf_add_le32(f, size);
	put(f, ";");
	strbuf_add(f, data, data_len);
	put(f, "]");
}

static void test_foreign_oddities(void **state)
{
	(void)state;
	struct strbuf f = STRBUF_INIT;
	strbuf_add(&f, "PReg\x01\0\0\0", 8);
	// Data holding the framing characters ']' and ';' (UTF-16LE): read by size.
	static const uint8_t tricky[] = { ']', 0, ';', 0, '[', 0, 0, 0 };
	entry(&f, "Software\\Policies\\T", "tricky", REGT_SZ, sizeof(tricky), tricky, sizeof(tricky));
	// Odd-length data: the next entry starts at an odd offset.
	static const uint8_t odd[] = { 'a', 0, 'b' };
	entry(&f, "Software\\Policies\\T", "odd", REGT_SZ, 3, odd, 3);
	entry(&f, "Software\\Policies\\T", "zero", REGT_DWORD, 0, NULL, 0);
	static const uint8_t unterminated[] = { 'a', 0, 'b', 0 };
	entry(&f, "Software\\Policies\\T", "unterm", REGT_SZ, 4, unterminated, 4);
	// GPMC's delete marker: REG_SZ " ".
	static const uint8_t space[] = { ' ', 0, 0, 0 };
	entry(&f, "Software\\Policies\\T", "**del.Gone", REGT_SZ, 4, space, 4);
	entry(&f, "Software\\Policies\\T", "**DeleteValues", REGT_SZ, 4, space, 4);
	entry(&f, "", "noKey", 0x99, 0, NULL, 0);

	struct pol_doc d;
	struct fmt_error err;
	if (!pol_read((const uint8_t *)f.buf, f.len, &d, &err)) {
		print_error("read: %s\n", err.message);
		fail();
	}
	assert_int_equal(d.n, 7);
	assert_int_equal(d.v[0].offset, 8);
	assert_int_equal(d.v[0].v.size, sizeof(tricky));
	assert_memory_equal(d.v[0].v.data, tricky, sizeof(tricky));
	assert_string_equal(d.v[1].v.name, "odd");
	assert_int_equal(d.v[1].v.size, 3);
	assert_true(d.v[2].offset % 2 == 1);
	assert_int_equal(d.v[2].v.size, 0);
	assert_string_equal(d.v[4].v.name, "**del.Gone");

	struct strbuf an = STRBUF_INIT;
	assert_int_equal(pol_anomalies(&d.v[0].v, &an), 0);
	assert_int_equal(pol_anomalies(&d.v[1].v, &an), 1);
	assert_non_null(strstr(an.buf, "odd-length REG_SZ data (3 bytes)"));
	strbuf_reset(&an);
	assert_int_equal(pol_anomalies(&d.v[2].v, &an), 2);
	assert_non_null(strstr(an.buf, "zero-size data"));
	assert_non_null(strstr(an.buf, "REG_DWORD of 0 bytes"));
	strbuf_reset(&an);
	assert_int_equal(pol_anomalies(&d.v[3].v, &an), 1);
	assert_non_null(strstr(an.buf, "without a NUL terminator"));
	strbuf_reset(&an);
	assert_int_equal(pol_anomalies(&d.v[4].v, &an), 0);
	assert_int_equal(pol_anomalies(&d.v[6].v, &an), 3);
	assert_non_null(strstr(an.buf, "type 153"));
	assert_non_null(strstr(an.buf, "empty key path"));
	strbuf_release(&an);

	// The writer refuses the empty key, so a read foreign file is not always writable.
	struct strbuf out = STRBUF_INIT;
	assert_false(pol_write(&d, &out, &err));
	assert_int_equal(err.line, 7);
	strbuf_release(&out);
	pol_doc_release(&d);
	strbuf_release(&f);
}

struct bad {
	size_t cut;      // truncate the file to this many bytes (0 = no cut)
	size_t patch_at; // overwrite bytes here (0 = none)
	const char *patch;
	size_t patch_len;
	size_t want_offset;
	const char *fragment;
};

static void test_malformed(void **state)
{
	(void)state;
	struct strbuf good = STRBUF_INIT;
	strbuf_add(&good, "PReg\x01\0\0\0", 8);
	static const uint8_t dw[4] = { 7, 0, 0, 0 };
	entry(&good, "K", "V", REGT_DWORD, 4, dw, 4);
	// Layout: 8 '[' 10 'K' 12 NUL 14 ';' 16 'V' 18 NUL 20 ';' 22 type 26 ';' 28 size
	// 32 ';' 34 data 38 ']' 40.
	assert_int_equal(good.len, 40);
	const struct bad cases[] = {
		{ 3, 0, NULL, 0, 0, "not a Registry.pol file" },
		{ 0, 0, "PREG", 4, 0, "not a Registry.pol file" },
		{ 0, 4, "\x02", 1, 4, "unsupported Registry.pol version 2" },
		{ 0, 8, "(", 1, 8, "expected '[' at the start of an entry" },
		{ 11, 0, NULL, 0, 10, "key starting at offset 10 has no NUL terminator" },
		{ 0, 14, ",", 1, 14, "expected ';' after the key" },
		{ 24, 0, NULL, 0, 22, "file ends inside the type" },
		{ 0, 28, "\x07", 1, 34, "data size 7" },
		{ 0, 28, "\xff\xff\xff\xff", 4, 34, "data size 4294967295" },
		{ 37, 0, NULL, 0, 34, "data size 4" },
		{ 39, 0, NULL, 0, 38, "file ends at offset 38 where ']' was expected" },
		{ 0, 38, "}", 1, 38, "expected ']' at the end of the entry" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf f = STRBUF_INIT;
		strbuf_addbuf(&f, &good);
		if (cases[i].patch)
			memcpy(f.buf + cases[i].patch_at, cases[i].patch, cases[i].patch_len);
		if (cases[i].cut)
			strbuf_setlen(&f, cases[i].cut);
		struct pol_doc d;
		struct fmt_error err;
		bool ok = pol_read((const uint8_t *)f.buf, f.len, &d, &err);
		if (ok || err.offset != cases[i].want_offset || !strstr(err.message, cases[i].fragment)) {
			print_error("case %zu: ok=%d offset %zu '%s' (want %zu '%s')\n", i, ok, err.offset,
				    ok ? "" : err.message, cases[i].want_offset, cases[i].fragment);
			fail();
		}
		pol_doc_release(&d);
		strbuf_release(&f);
	}
	// A stray byte after the last entry.
	strbuf_addch(&good, '[');
	struct pol_doc d;
	struct fmt_error err;
	assert_false(pol_read((const uint8_t *)good.buf, good.len, &d, &err));
	assert_int_equal(err.offset, 40);
	pol_doc_release(&d);

	// An unpaired surrogate in a value name.
	struct strbuf f = STRBUF_INIT;
	strbuf_add(&f, "PReg\x01\0\0\0[\0K\0\0\0;\0\x00\xDC\0\0;\0", 8 + 14);
	strbuf_add_le32(&f, 0);
	strbuf_add(&f, ";\0", 2);
	strbuf_add_le32(&f, 0);
	strbuf_add(&f, ";\0]\0", 4);
	assert_false(pol_read((const uint8_t *)f.buf, f.len, &d, &err));
	assert_non_null(strstr(err.message, "unpaired"));
	assert_int_equal(err.offset, 16);
	pol_doc_release(&d);
	strbuf_release(&f);
	strbuf_release(&good);
}

static void test_writer_refusals(void **state)
{
	(void)state;
	static const char *const keys[] = { "", "\\Lead", "Trail\\", "Dou\\\\ble", "Line\nBreak", "\xff" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct pol_doc d;
		pol_doc_init(&d);
		struct reg_value v = rv(keys[i], "n", REGT_NONE, NULL, 0);
		pol_doc_add(&d, &v);
		struct strbuf out = STRBUF_INIT;
		struct fmt_error err;
		assert_false(pol_write(&d, &out, &err));
		assert_int_equal(out.len, 0);
		assert_int_equal(err.line, 1);
		strbuf_release(&out);
		pol_doc_release(&d);
	}
	char name[300];
	memset(name, 'n', 260);
	name[260] = 0;
	struct pol_doc d;
	pol_doc_init(&d);
	struct reg_value v = rv("K", name, REGT_NONE, NULL, 0);
	pol_doc_add(&d, &v);
	name[259] = 0;
	v = rv("K", name, REGT_NONE, NULL, 0);
	pol_doc_add(&d, &v);
	struct strbuf out = STRBUF_INIT;
	struct fmt_error err;
	assert_false(pol_write(&d, &out, &err));
	assert_non_null(strstr(err.message, "259"));
	// Just at the limit is fine.
	struct pol_doc one;
	pol_doc_init(&one);
	pol_doc_add(&one, &d.v[1].v);
	assert_true(pol_write(&one, &out, &err));
	pol_doc_release(&one);
	strbuf_release(&out);
	pol_doc_release(&d);
}

static void test_random_round_trips(void **state)
{
	(void)state;
	static const char *const pieces[] = { "a", "Z", "]", ";", "[", " ", "**del.", "\xC3\xA9", "\xF0\x9F\x98\x80",
					      "%", "\"" };
	uint64_t seed = 12345;
	for (int round = 0; round < 300; round++) {
		struct pol_doc d;
		pol_doc_init(&d);
		int n = (int)(prng_next(&seed) % 8);
		for (int i = 0; i < n; i++) {
			struct strbuf key = STRBUF_INIT, name = STRBUF_INIT;
			strbuf_addstr(&key, "Software\\Policies");
			int parts = 1 + (int)(prng_next(&seed) % 3);
			for (int p = 0; p < parts; p++)
				strbuf_addstr(&key, pieces[prng_next(&seed) % ARRAY_SIZE(pieces)]);
			parts = (int)(prng_next(&seed) % 4);
			for (int p = 0; p < parts; p++)
				strbuf_addstr(&name, pieces[prng_next(&seed) % ARRAY_SIZE(pieces)]);
			size_t size = (size_t)(prng_next(&seed) % 70);
			uint8_t *data = malloc(size + 1);
			for (size_t k = 0; k < size; k++)
				data[k] = (uint8_t)prng_next(&seed);
			struct reg_value v = rv(key.buf, name.buf, (uint32_t)prng_next(&seed), data, size);
			pol_doc_add(&d, &v);
			free(data);
			strbuf_release(&key);
			strbuf_release(&name);
		}
		struct strbuf out = STRBUF_INIT;
		struct fmt_error err;
		assert_true(pol_write(&d, &out, &err));
		struct pol_doc back;
		if (!pol_read((const uint8_t *)out.buf, out.len, &back, &err)) {
			print_error("round %d: %s\n", round, err.message);
			fail();
		}
		assert_true(pol_doc_equal(&d, &back, NULL));
		struct strbuf again = STRBUF_INIT;
		assert_true(pol_write(&back, &again, &err));
		assert_bytes(again.buf, again.len, out.buf, out.len);
		strbuf_release(&again);
		strbuf_release(&out);
		pol_doc_release(&back);
		pol_doc_release(&d);
	}
}

// Hostile strings as key component, value name and REG_SZ data: PReg frames by
// NUL terminators and sizes, so only what a key path or a 259-character name cannot
// hold is refused; the rest comes back exactly.
static void test_hostile_strings(void **state)
{
	(void)state;
	char *big = malloc(70 * 1024 + 1);
	memset(big, 'h', 70 * 1024);
	big[70 * 1024] = 0;
	const char *const hostile[] = { "\"", "%", "%%", "^", "&", "|", "<", ">", "!", "a\rb", "a\nb",
					")(A;;GA;;;WD)", ";", "$(x)", "`id`", "]", "[", "];[", "**del.x",
					"caf\xC3\xA9 \xF0\x9F\x98\x80", big };
	size_t kept = 0, refused = 0;
	for (size_t i = 0; i < ARRAY_SIZE(hostile); i++)
		for (int use = 0; use < 3; use++) {
			struct strbuf key = STRBUF_INIT, data = STRBUF_INIT;
			strbuf_addf(&key, "Software\\Policies\\%s", use == 0 ? hostile[i] : "K");
			utf8_to_utf16le(&data, use == 2 ? hostile[i] : "d", strlen(use == 2 ? hostile[i] : "d"));
			strbuf_add_le16(&data, 0);
			struct pol_doc d;
			pol_doc_init(&d);
			struct reg_value v = rv(key.buf, use == 1 ? hostile[i] : "n", REGT_SZ, data.buf, data.len);
			pol_doc_add(&d, &v);
			struct strbuf out = STRBUF_INIT;
			struct fmt_error err;
			if (pol_write(&d, &out, &err)) {
				struct pol_doc back;
				assert_true(pol_read((const uint8_t *)out.buf, out.len, &back, &err));
				assert_true(pol_doc_equal(&d, &back, NULL));
				pol_doc_release(&back);
				kept++;
			} else {
				assert_true(strlen(err.message) > 10);
				refused++;
			}
			strbuf_release(&out);
			pol_doc_release(&d);
			strbuf_release(&key);
			strbuf_release(&data);
		}
	// Refused: CR and LF in a key (2), the 70 KB text as key component and as name (2).
	assert_int_equal(refused, 4);
	assert_int_equal(kept, 3 * ARRAY_SIZE(hostile) - 4);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_golden_bytes),
		cmocka_unit_test(test_delete_marker_shape),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_foreign_oddities),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_writer_refusals),
		cmocka_unit_test(test_random_round_trips),
		cmocka_unit_test(test_hostile_strings),
	};
	return cmocka_run_group_tests_name("formats_pol", tests, NULL, NULL);
}
