// The locked-down XML reader and the text rules: DOCTYPEs and entities refused,
// namespace and encoding errors caught, size limit, schema file problems reported,
// libxml2 never writing to stderr, handlers restored and per thread.

#include "xmltest.h"

#include <libxml/xmlerror.h>
#include <pthread.h>
#include <unistd.h>

#include "xml/admx.h"
#include "xml/xsd.h"

static char *schemas;

static int setup(void **state)
{
	(void)state;
	schemas = schema_dir();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(schemas);
	return 0;
}

// A minimal valid ADML, for tests that need one document that passes.
static const char good_adml[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<policyDefinitionResources xmlns=\"" ADMX_NAMESPACE_URI "\" revision=\"1.0\" schemaVersion=\"1.0\">"
	"<displayName>d</displayName><description>x</description>"
	"<resources><stringTable><string id=\"a\">A</string></stringTable></resources>"
	"</policyDefinitionResources>\n";

static void expect_refused(const char *doc, size_t len, const char *fragment)
{
	struct strbuf err = STRBUF_INIT;
	assert_false(xsd_validate(schemas, "adml.xsd", "in.adml", doc, len, &err));
	assert_contains(err.buf, fragment);
	strbuf_release(&err);
}

static void test_valid_document_passes(void **state)
{
	(void)state;
	struct strbuf err = STRBUF_INIT;
	assert_true(xsd_validate(schemas, "adml.xsd", "in.adml", good_adml, strlen(good_adml), &err));
	assert_int_equal(err.len, 0);
	strbuf_release(&err);
}

static void test_doctype_and_entities_refused(void **state)
{
	(void)state;
	static const char internal[] = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>";
	static const char external[] = "<?xml version=\"1.0\"?><!DOCTYPE a SYSTEM \"http://127.0.0.1:9/x.dtd\"><a/>";
	static const char xxe[] = "<!DOCTYPE a [<!ENTITY f SYSTEM \"file:///etc/passwd\">]><a>&f;</a>";
	static const char laughs[] =
		"<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
		"<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
		"<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">]>"
		"<l>&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;</l>";
	expect_refused(internal, strlen(internal), "a DOCTYPE is not allowed");
	expect_refused(external, strlen(external), "in.adml:1: a DOCTYPE is not allowed");
	expect_refused(xxe, strlen(xxe), "a DOCTYPE is not allowed");
	expect_refused(laughs, strlen(laughs), "a DOCTYPE is not allowed");
}

static void test_malformed_refused(void **state)
{
	(void)state;
	static const char undefined_entity[] = "<a>&x;</a>";
	static const char undeclared_prefix[] = "<p:a/>";
	static const char bad_utf8[] = "<a>\xC3\x28</a>";
	static const char truncated[] = "<policyDefinitionResources xmlns=\"" ADMX_NAMESPACE_URI "\">";
	expect_refused(undefined_entity, strlen(undefined_entity), "Entity 'x' not defined");
	expect_refused(undeclared_prefix, strlen(undeclared_prefix), "Namespace prefix p on a is not defined");
	expect_refused(bad_utf8, strlen(bad_utf8), "in.adml:1:");
	expect_refused(truncated, strlen(truncated), "in.adml:1:");
	expect_refused("", 0, "in.adml");
	static const char nul_inside[] = "<a>x\0y</a>";
	expect_refused(nul_inside, sizeof(nul_inside) - 1, "in.adml:1:");
}

static void test_size_limit(void **state)
{
	(void)state;
	size_t n = (size_t)XML_INPUT_MAX + 1;
	char *big = xmalloc(n);
	memset(big, ' ', n);
	memcpy(big, "<a>", 3);
	expect_refused(big, n, "is more than the 16777216 bytes gpoc reads as XML");
	free(big);
}

static void test_schema_problems_reported(void **state)
{
	(void)state;
	struct strbuf err = STRBUF_INIT;
	assert_false(xsd_validate("/nonexistent-gpoc-dir", "adml.xsd", "in.adml", good_adml, strlen(good_adml), &err));
	assert_contains(err.buf, "/nonexistent-gpoc-dir/adml.xsd");
	strbuf_reset(&err);
	// A document valid XML but for a different schema.
	assert_false(xsd_validate(schemas, "admx.xsd", "in.admx", good_adml, strlen(good_adml), &err));
	assert_contains(err.buf, "in.admx:2: Element 'policyDefinitionResources': No matching global declaration");
	strbuf_release(&err);
}

// Messages quote document values; a huge value must not make a huge message.
static void test_long_values_cut_short(void **state)
{
	(void)state;
	struct strbuf doc = STRBUF_INIT, err = STRBUF_INIT;
	strbuf_addstr(&doc, "<policyDefinitionResources xmlns=\"" ADMX_NAMESPACE_URI "\" revision=\"1.0\" "
			    "schemaVersion=\"1.0\"><displayName>d</displayName><description>x</description>"
			    "<resources><stringTable><string id=\"");
	for (int i = 0; i < 200000; i++)
		strbuf_addstr(&doc, "\xC3\xA9{http");
	strbuf_addstr(&doc, "\">A</string></stringTable></resources></policyDefinitionResources>");
	assert_false(xsd_validate(schemas, "adml.xsd", "in.adml", doc.buf, doc.len, &err));
	assert_contains(err.buf, "in.adml:1: Element 'string', attribute 'id': [facet 'pattern'] The value '\xC3\xA9{http");
	assert_true(err.len < 3 * 420);
	strbuf_release(&doc);
	strbuf_release(&err);
}

// Runs `fn` with stderr redirected to a temporary file; returns what was written.
static void capture_stderr(void (*fn)(void), struct strbuf *out)
{
	char path[] = "/tmp/gpoc-xml-stderr-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fd, 2) >= 0);
	fn();
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	struct strbuf err = STRBUF_INIT;
	assert_true(read_file(path, out, &err));
	close(fd);
	unlink(path);
	strbuf_release(&err);
}

static void noisy_calls(void)
{
	struct strbuf err = STRBUF_INIT;
	static const char broken[] = "<a><b></a>";
	static const char dtd[] = "<!DOCTYPE a [<!ENTITY x \"y\">]><a/>";
	xsd_validate(schemas, "adml.xsd", "x", broken, strlen(broken), &err);
	xsd_validate(schemas, "adml.xsd", "x", dtd, strlen(dtd), &err);
	xsd_validate(schemas, "admx.xsd", "x", good_adml, strlen(good_adml), &err);
	xsd_validate("/nonexistent-gpoc-dir", "adml.xsd", "x", good_adml, strlen(good_adml), &err);
	admx_check_pair("<x", 2, "", 0, schemas, &err);
	assert_true(err.len > 0);
	strbuf_release(&err);
}

static void test_libxml2_never_prints(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT;
	capture_stderr(noisy_calls, &out);
	if (out.len)
		print_error("libxml2 wrote to stderr: %s\n", out.buf);
	assert_int_equal(out.len, 0);
	strbuf_release(&out);
}

static int sentinel;
static void sentinel_handler(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

static void test_handlers_restored(void **state)
{
	(void)state;
	xmlSetStructuredErrorFunc(&sentinel, sentinel_handler);
	struct strbuf err = STRBUF_INIT;
	static const char broken[] = "<a>";
	assert_false(xsd_validate(schemas, "adml.xsd", "x", broken, strlen(broken), &err));
	assert_ptr_equal(xmlStructuredError, sentinel_handler);
	assert_ptr_equal(xmlStructuredErrorContext, &sentinel);
	xmlSetStructuredErrorFunc(NULL, NULL);
	strbuf_release(&err);
}

// Two threads validate at once, one a broken document and one a good one, many
// times: each must see exactly its own result and messages.
struct thread_job {
	const char *doc;
	bool expect_ok;
	int failures;
};

static void *thread_main(void *arg)
{
	struct thread_job *job = arg;
	for (int i = 0; i < 40; i++) {
		struct strbuf err = STRBUF_INIT;
		bool ok = xsd_validate(schemas, "adml.xsd", "t", job->doc, strlen(job->doc), &err);
		if (ok != job->expect_ok || (ok && err.len) || (!ok && !strstr(err.buf, "t:1:")))
			job->failures++;
		strbuf_release(&err);
	}
	return NULL;
}

static void test_threads_keep_their_errors(void **state)
{
	(void)state;
	struct thread_job bad = { "<a></b>", false, 0 }, good = { good_adml, true, 0 };
	pthread_t t1, t2;
	assert_int_equal(pthread_create(&t1, NULL, thread_main, &bad), 0);
	assert_int_equal(pthread_create(&t2, NULL, thread_main, &good), 0);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	assert_int_equal(bad.failures, 0);
	assert_int_equal(good.failures, 0);
}

static void text_ok(const char *s, enum xml_text_kind kind)
{
	struct strbuf err = STRBUF_INIT;
	if (!xml_text_check("t", s, kind, &err)) {
		print_error("refused: %s\n", err.buf);
		fail();
	}
	strbuf_release(&err);
}

static void text_refused(const char *s, enum xml_text_kind kind, const char *fragment)
{
	struct strbuf err = STRBUF_INIT;
	assert_false(xml_text_check("display name of 'x'", s, kind, &err));
	assert_contains(err.buf, fragment);
	strbuf_release(&err);
}

static void test_text_rules(void **state)
{
	(void)state;
	text_ok("", XML_TEXT_LINE);
	text_ok("Allow <anonymous> & \"callbacks\" ]]> 'x'", XML_TEXT_LINE);
	text_ok("Gr\xC3\xBC\xC3\x9F" "e \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80", XML_TEXT_LINE);
	text_ok("a\tb\nc\r\nd", XML_TEXT_MULTILINE);
	text_ok("del \x7F and NEL \xC2\x85", XML_TEXT_MULTILINE);

	text_refused("a\x01" "b", XML_TEXT_MULTILINE,
		     "display name of 'x' contains control character U+0001, which XML 1.0 cannot carry");
	text_refused("\x1B[31m", XML_TEXT_LINE, "U+001B, which XML 1.0 cannot carry");
	text_refused("a\nb", XML_TEXT_LINE, "contains a line break (U+000A); it must be a single line");
	text_refused("a\rb", XML_TEXT_LINE, "line break (U+000D)");
	text_refused("a\tb", XML_TEXT_LINE, "control character U+0009; names and titles must be plain text");
	text_refused("a\x7F", XML_TEXT_LINE, "control character U+007F");
	text_refused("a\xC2\x85", XML_TEXT_LINE, "control character U+0085");
	text_refused("x\xEF\xBF\xBE", XML_TEXT_MULTILINE, "U+FFFE, which is not an XML character");
	text_refused("x\xEF\xBF\xBF", XML_TEXT_LINE, "U+FFFF");
	text_refused("ab\xC3\x28", XML_TEXT_LINE, "is not valid UTF-8 (byte 2)");
	text_refused("\xC0\xAF", XML_TEXT_LINE, "not valid UTF-8 (byte 0)");
	text_refused("\xED\xA0\x80", XML_TEXT_MULTILINE, "not valid UTF-8");
	text_refused("\xF4\x90\x80\x80", XML_TEXT_MULTILINE, "not valid UTF-8");
	text_refused("abc\xE6\x97", XML_TEXT_LINE, "not valid UTF-8 (byte 3)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_document_passes),
		cmocka_unit_test(test_doctype_and_entities_refused),
		cmocka_unit_test(test_malformed_refused),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_schema_problems_reported),
		cmocka_unit_test(test_long_values_cut_short),
		cmocka_unit_test(test_libxml2_never_prints),
		cmocka_unit_test(test_handlers_restored),
		cmocka_unit_test(test_threads_keep_their_errors),
		cmocka_unit_test(test_text_rules),
	};
	return cmocka_run_group_tests_name("xml_reader", tests, setup, teardown);
}
