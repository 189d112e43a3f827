// render_admx over hand-built models: golden artifacts, one note per value ADMX
// cannot express (messages written out here), stock-template values left alone,
// nothing written when nothing is left, errors for unusable display text, and
// byte-identical output on a second run.

#include "xmltest.h"

#include "core/artifact.h"
#include "core/diag.h"
#include "core/utf.h"
#include "model/model.h"
#include "render/render.h"
#include "xml/admx.h"

static const char intent_text[] = "gpoc: 1\npolicy:\n  name: monitoring\n";
static const struct src_file F = { "monitoring.yaml", intent_text, sizeof(intent_text) - 1 };

static struct intent the_intent = {
	.file = &F,
	.version = 1,
	.policy = { .name = "monitoring", .description = "Let CONTOSO\\Monitoring query WMI remotely.",
		    .pos = { &F, 3, 3 } },
};

static struct provenance prov_wmi[] = {
	{ .grant = { &F, 10, 5 }, .capability = "remote-wmi", .tmpl = { NULL, 0, 0 } },
};
static struct provenance prov_two[] = {
	{ .grant = { &F, 12, 5 }, .capability = "wmi-callbacks", .tmpl = { NULL, 0, 0 } },
	{ .grant = { &F, 14, 5 }, .capability = "remote-wmi", .tmpl = { NULL, 0, 0 } },
	{ .grant = { &F, 16, 5 }, .capability = "wmi-callbacks", .tmpl = { NULL, 0, 0 } },
};

static uint8_t dw0[4] = { 0, 0, 0, 0 };
static uint8_t dw1[4] = { 1, 0, 0, 0 };
static uint8_t dw6[4] = { 6, 0, 0, 0 };
static uint8_t qw[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static uint8_t sd[20] = { 1, 0, 4, 0x80 };

// UTF-16LE data of `n` bytes of UTF-8 `s` (embedded NULs allowed), kept until exit.
static struct strbuf u16[8];
static size_t n_u16;
static uint8_t *utf16(const char *s, size_t n, size_t *size)
{
	struct strbuf *b = &u16[n_u16++];
	strbuf_init(b, 0);
	utf8_to_utf16le(b, s, n);
	*size = b->len;
	return (uint8_t *)b->buf;
}

#define META(p) { .prov = (p), .n_prov = ARRAY_SIZE(p) }
#define RVH(h, k, n, t, d, s)                                                                    \
	{ .hive = (h), .key = (char *)(uintptr_t)(k), .name = (char *)(uintptr_t)(n), .type = (t), .data = (d), \
	  .size = (s) }
#define RV(k, n, t, d, s) RVH(HIVE_HKLM, k, n, t, d, s)

static struct m_registry values[12];
static size_t n_values;

static void build_values(void)
{
	size_t size;
	struct m_registry v[] = {
		{ .value = RV("SOFTWARE\\Microsoft\\Ole", "MachineLaunchRestriction", REGT_BINARY, sd, sizeof(sd)),
		  .display = "DCOM launch limits", .meta = META(prov_wmi) },
		{ .value = RV("SOFTWARE\\Microsoft\\WBEM\\CIMOM", "AllowAnonymousCallback", REGT_DWORD, dw0, 4),
		  .display = "Allow anonymous WMI callbacks",
		  .explain = "Lets WMI call back clients that cannot authenticate. Microsoft: leave it off inside a domain.",
		  .meta = META(prov_wmi) },
		{ .value = RV("SOFTWARE\\Microsoft\\WBEM\\CIMOM", "UnsecAppAccessControlDefault", REGT_DWORD, dw1, 4),
		  .display = "Check access of WMI callbacks", .meta = META(prov_two) },
		{ .value = RV("SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System",
			      "LocalAccountTokenFilterPolicy", REGT_DWORD, dw1, 4),
		  .display = "covered by a stock template", .stock_template = true, .meta = META(prov_wmi) },
		{ .value = RV("SOFTWARE\\Policies\\Gpoc\\Test", "", REGT_DWORD, dw1, 4), .display = "unnamed",
		  .meta = META(prov_wmi) },
		{ .value = RV("SOFTWARE\\Policies\\Gpoc\\Test", "Big", REGT_QWORD, qw, 8), .display = "big",
		  .meta = META(prov_wmi) },
		{ .value = RV("SOFTWARE\\Policies\\Gpoc\\Test", "Level", REGT_DWORD, dw6, 4), .meta = META(prov_wmi) },
		{ .value = RV("SOFTWARE\\Policies\\Gpoc\\Test", "Path", REGT_EXPAND_SZ, NULL, 0),
		  .display = "Callback program", .meta = META(prov_wmi) },
		{ .value = RV("SOFTWARE\\Policies\\Gpoc\\Test", "Servers", REGT_MULTI_SZ, NULL, 0),
		  .display = "Servers <allowed> & \"trusted\"", .explain = "Hosts ]]> that may call.",
		  .meta = META(prov_wmi) },
		{ .value = RV("SOFTWARE\\Policies\\Gpoc\\Test", "Text2", REGT_SZ, NULL, 0), .display = "two lines",
		  .meta = META(prov_wmi) },
		{ .value = RVH(HIVE_HKCU, "SOFTWARE\\Policies\\Gpoc\\User", "Flag", REGT_DWORD, dw1, 4),
		  .display = "A user flag", .meta = META(prov_wmi) },
	};
	static const char path[] = "%SystemRoot%\\system32\\wbem\\unsecapp.exe";
	static const char servers[] = "web01\0web02.contoso.com\0";
	static const char two[] = "line1\nline2";
	v[7].value.data = utf16(path, sizeof(path), &size); // with its NUL terminator
	v[7].value.size = size;
	v[8].value.data = utf16(servers, sizeof(servers), &size); // "a\0b\0\0"
	v[8].value.size = size;
	v[9].value.data = utf16(two, sizeof(two), &size);
	v[9].value.size = size;
	n_values = ARRAY_SIZE(v);
	memcpy(values, v, sizeof(v));
}

static struct model model_of(struct m_registry *v, size_t n)
{
	struct model m = { .intent = &the_intent, .values = v, .n_values = n };
	return m;
}

static int setup(void **state)
{
	(void)state;
	build_values();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_u16; i++)
		strbuf_release(&u16[i]);
	return 0;
}

struct rendered {
	struct artifact_set out;
	struct diag d;
	bool ok;
};

static void render(const struct model *m, const char *datadir, struct rendered *r)
{
	artifact_set_init(&r->out);
	diag_init(&r->d);
	struct render_ctx ctx = { .m = m, .out = &r->out, .d = &r->d, .datadir = datadir };
	r->ok = render_admx(&ctx);
	artifact_set_sort(&r->out);
}

static void rendered_release(struct rendered *r)
{
	artifact_set_release(&r->out);
	diag_release(&r->d);
}

static void expect_entry(const struct diag *d, size_t i, enum diag_severity sev, uint32_t line, const char *msg)
{
	assert_true(i < d->n);
	assert_int_equal(d->v[i].severity, sev);
	assert_ptr_equal(d->v[i].pos.file, &F);
	assert_int_equal(d->v[i].pos.line, line);
	assert_string_equal(d->v[i].message, msg);
}

static void test_golden(void **state)
{
	(void)state;
	struct model m = model_of(values, n_values);
	struct rendered r;
	render(&m, getenv("GPOC_SOURCE_DIR"), &r);
	assert_true(r.ok);
	assert_int_equal(r.d.errors, 0);
	assert_int_equal(r.d.n, 4);
	expect_entry(&r.d, 0, DIAG_NOTE, 10,
		     "REG_BINARY value 'HKLM\\SOFTWARE\\Microsoft\\Ole\\MachineLaunchRestriction' is left out of the "
		     "ADMX: ADMX can only write REG_DWORD, REG_SZ, REG_EXPAND_SZ and REG_MULTI_SZ values (the reg and "
		     "gpo outputs still set it)");
	expect_entry(&r.d, 1, DIAG_NOTE, 10,
		     "REG_DWORD value 'HKLM\\SOFTWARE\\Policies\\Gpoc\\Test\\' is left out of the ADMX: ADMX cannot "
		     "set a key's unnamed default value (the reg and gpo outputs still set it)");
	expect_entry(&r.d, 2, DIAG_NOTE, 10,
		     "REG_QWORD value 'HKLM\\SOFTWARE\\Policies\\Gpoc\\Test\\Big' is left out of the ADMX: ADMX can "
		     "only write REG_DWORD, REG_SZ, REG_EXPAND_SZ and REG_MULTI_SZ values (the reg and gpo outputs "
		     "still set it)");
	expect_entry(&r.d, 3, DIAG_NOTE, 10,
		     "REG_SZ value 'HKLM\\SOFTWARE\\Policies\\Gpoc\\Test\\Text2' is left out of the ADMX: its text "
		     "contains a line break (U+000A); it must be a single line (the reg and gpo outputs still set it)");

	static const char *const paths[] = {
		"admx/en-US/gpoc-monitoring.adml",
		"admx/en-US/gpoc-windows.adml",
		"admx/en-US/gpoc.adml",
		"admx/gpoc-monitoring.admx",
		"admx/gpoc-windows.admx",
		"admx/gpoc.admx",
	};
	assert_int_equal(r.out.n, ARRAY_SIZE(paths));
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		assert_string_equal(r.out.v[i]->path, paths[i]);
		struct strbuf golden = STRBUF_INIT;
		strbuf_addf(&golden, "render-monitoring/%s", paths[i]);
		assert_golden(golden.buf, r.out.v[i]->bytes.buf, r.out.v[i]->bytes.len);
		strbuf_release(&golden);
	}
	// The base pair is the one admx_write_base writes (same bytes as its golden file).
	assert_golden("gpoc.admx", r.out.v[5]->bytes.buf, r.out.v[5]->bytes.len);
	assert_golden("gpoc.adml", r.out.v[2]->bytes.buf, r.out.v[2]->bytes.len);

	// Facts stated independently of the golden files.
	const char *admx = r.out.v[3]->bytes.buf, *adml = r.out.v[0]->bytes.buf;
	assert_null(strstr(admx, "LocalAccountTokenFilterPolicy"));
	assert_null(strstr(admx, "MachineLaunchRestriction"));
	assert_contains(admx, "<policy name=\"Flag\" class=\"User\"");
	assert_contains(admx, "<text id=\"Path\" valueName=\"Path\" required=\"true\" maxLength=\"1023\" expandable=\"true\"/>");
	assert_contains(adml, "<defaultValue>%SystemRoot%\\system32\\wbem\\unsecapp.exe</defaultValue>");
	assert_contains(adml, "<decimalTextBox refId=\"Level\" defaultValue=\"6\">Level:</decimalTextBox>");
	assert_contains(adml, "<string id=\"Level\">Level</string>"); // no display name: the value name
	assert_contains(adml, "gpoc policy 'monitoring' sets these 2 line(s):\n  web01\n  web02.contoso.com\n");
	assert_contains(adml, "Enabled writes 1, Disabled writes 0. gpoc policy 'monitoring' sets 0 (Disabled).");
	assert_contains(adml, "Requested by: wmi-callbacks, remote-wmi.");
	assert_contains(adml, "This value lies outside SOFTWARE\\Policies");
	struct strbuf err = STRBUF_INIT;
	assert_true(admx_check_pair(admx, r.out.v[3]->bytes.len, adml, r.out.v[0]->bytes.len,
				    source_path("schemas"), &err));
	strbuf_release(&err);
	rendered_release(&r);
}

static void test_deterministic(void **state)
{
	(void)state;
	struct model m = model_of(values, n_values);
	struct rendered a, b;
	render(&m, getenv("GPOC_SOURCE_DIR"), &a);
	render(&m, getenv("GPOC_SOURCE_DIR"), &b);
	assert_true(a.ok && b.ok);
	assert_int_equal(a.out.n, b.out.n);
	for (size_t i = 0; i < a.out.n; i++) {
		assert_string_equal(a.out.v[i]->path, b.out.v[i]->path);
		assert_int_equal(a.out.v[i]->bytes.len, b.out.v[i]->bytes.len);
		assert_memory_equal(a.out.v[i]->bytes.buf, b.out.v[i]->bytes.buf, a.out.v[i]->bytes.len);
	}
	rendered_release(&a);
	rendered_release(&b);
}

// The Windows settings without a stock template are always written, also for an
// intent with no registry values: a GPO author gets them from any build.
static void test_windows_template_always(void **state)
{
	(void)state;
	struct rendered r;
	struct model empty = model_of(NULL, 0);
	render(&empty, getenv("GPOC_SOURCE_DIR"), &r);
	assert_true(r.ok);
	assert_int_equal(r.d.n, 0);
	assert_int_equal(r.out.n, 4);
	assert_string_equal(r.out.v[0]->path, "admx/en-US/gpoc-windows.adml");
	assert_string_equal(r.out.v[2]->path, "admx/gpoc-windows.admx");
	const char *admx = r.out.v[2]->bytes.buf, *adml = r.out.v[0]->bytes.buf;
	static const char *const names[] = { "AllowAnonymousCallback", "UnsecAppAccessControlDefault",
					     "LocalAccountTokenFilterPolicy",
					     "RequireIntegrityActivationAuthenticationLevel",
					     "RaiseActivationAuthenticationLevel" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		assert_contains(admx, names[i]);
	// The DCOM hardening values can be set to 1 or deleted, never to 0.
	assert_contains(admx, "<decimal id=\"RequireIntegrityActivationAuthenticationLevel\" "
			      "valueName=\"RequireIntegrityActivationAuthenticationLevel\" required=\"true\" "
			      "minValue=\"1\" maxValue=\"1\"/>");
	struct strbuf err = STRBUF_INIT;
	assert_true(admx_check_pair(admx, r.out.v[2]->bytes.len, adml, r.out.v[0]->bytes.len, source_path("schemas"),
				    &err));
	strbuf_release(&err);
	rendered_release(&r);

	// Only a stock-template value and a binary one: no per-policy pair, one note.
	struct m_registry v[] = { values[0], values[3] };
	struct model m = model_of(v, ARRAY_SIZE(v));
	render(&m, getenv("GPOC_SOURCE_DIR"), &r);
	assert_true(r.ok);
	assert_int_equal(r.out.n, 4);
	for (size_t i = 0; i < r.out.n; i++)
		assert_null(strstr(r.out.v[i]->path, "monitoring"));
	assert_int_equal(r.d.n, 1);
	assert_int_equal(r.d.v[0].severity, DIAG_NOTE);
	rendered_release(&r);

	// The template's policy name is reserved.
	struct intent reserved = the_intent;
	reserved.policy.name = "Windows";
	struct model m2 = model_of(NULL, 0);
	m2.intent = &reserved;
	render(&m2, getenv("GPOC_SOURCE_DIR"), &r);
	assert_false(r.ok);
	assert_int_equal(r.out.n, 0);
	assert_contains(r.d.v[0].message, "is reserved for gpoc's template of Windows settings");
	rendered_release(&r);
}

static void test_unusable_text_is_an_error(void **state)
{
	(void)state;
	struct m_registry v[] = { values[1], values[2] };
	v[1].display = "Check \x1B[31m access";
	v[0].explain = "bad \xC3\x28 UTF-8";
	struct model m = model_of(v, ARRAY_SIZE(v));
	struct rendered r;
	render(&m, getenv("GPOC_SOURCE_DIR"), &r);
	assert_false(r.ok);
	assert_int_equal(r.out.n, 0);
	assert_int_equal(r.d.errors, 2);
	expect_entry(&r.d, 0, DIAG_ERROR, 10,
		     "explain text of 'HKLM\\SOFTWARE\\Microsoft\\WBEM\\CIMOM\\AllowAnonymousCallback' is not valid "
		     "UTF-8 (byte 4)");
	expect_entry(&r.d, 1, DIAG_ERROR, 12,
		     "display name of 'HKLM\\SOFTWARE\\Microsoft\\WBEM\\CIMOM\\UnsecAppAccessControlDefault' contains "
		     "control character U+001B, which XML 1.0 cannot carry");
	rendered_release(&r);

	struct intent bad = the_intent;
	bad.policy.description = "desc \x01";
	struct model m2 = model_of(values + 1, 1);
	m2.intent = &bad;
	render(&m2, getenv("GPOC_SOURCE_DIR"), &r);
	assert_false(r.ok);
	assert_int_equal(r.out.n, 0);
	expect_entry(&r.d, 0, DIAG_ERROR, 3, "policy description contains control character U+0001, which XML 1.0 cannot carry");
	rendered_release(&r);
}

static void test_missing_schemas_fail(void **state)
{
	(void)state;
	struct model m = model_of(values + 1, 1);
	struct rendered r;
	render(&m, "/nonexistent-gpoc-datadir", &r);
	assert_false(r.ok);
	assert_int_equal(r.out.n, 0);
	assert_int_equal(r.d.errors, 1);
	assert_contains(r.d.v[0].message, "internal error: the generated ADMX/ADML pair fails validation");
	assert_contains(r.d.v[0].message, "/nonexistent-gpoc-datadir/schemas/admx.xsd");
	rendered_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_windows_template_always),
		cmocka_unit_test(test_unusable_text_is_an_error),
		cmocka_unit_test(test_missing_schemas_fail),
	};
	return cmocka_run_group_tests_name("xml_render_admx", tests, setup, teardown);
}
