// ADMX/ADML writer and checker: golden files, determinism, the teeth of the XSDs
// and of admx_check_pair (each hand-broken document rejected with the expected
// message, each harmless variant accepted), hostile text round trips through
// libxml2's parser, refusals, and ID sanitizing.

#include "xmltest.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "xml/admx.h"

static char *schemas;
static struct strbuf golden_admx = STRBUF_INIT, golden_adml = STRBUF_INIT;

// One setting of each kind, with text that needs escaping.
static const struct admx_setting sample[] = {
	{ .cls = ADMX_MACHINE, .key = "SOFTWARE\\Microsoft\\WBEM\\CIMOM", .value_name = "AllowAnonymousCallback",
	  .kind = ADMX_SWITCH, .on = 1, .off = 0, .display = "Allow anonymous WMI callbacks",
	  .explain = "Lets WMI call back clients that do not authenticate.\n\nMicrosoft: do not change inside a domain." },
	{ .cls = ADMX_MACHINE, .key = "SOFTWARE\\Policies\\Gpoc\\Test", .value_name = "Level", .kind = ADMX_DECIMAL,
	  .min = 1, .max = 6, .def = 6, .display = "Authentication level <1-6> & more" },
	{ .cls = ADMX_USER, .key = "SOFTWARE\\Policies\\Gpoc\\Test", .value_name = "Path", .kind = ADMX_TEXT,
	  .def_text = "%SystemRoot%\\system32\\wbem\\unsecapp.exe", .expandable = true, .display = "Callback \"program\"",
	  .explain = "]]> is not special here" },
	{ .cls = ADMX_MACHINE, .key = "SOFTWARE\\Policies\\Gpoc\\Test", .value_name = "Servers", .kind = ADMX_MULTI_TEXT,
	  .display = "Servers" },
};

static const struct admx_doc sample_doc = {
	.policy = "web-01",
	.title = "web-01",
	.description = "Monitoring access for the web farm.",
	.settings = sample,
	.n_settings = ARRAY_SIZE(sample),
};

static void write_ok(const struct admx_doc *doc, struct strbuf *admx, struct strbuf *adml)
{
	struct strbuf err = STRBUF_INIT;
	if (!admx_write(doc, schemas, admx, adml, &err)) {
		print_error("admx_write failed: %s\n", err.buf);
		fail();
	}
	strbuf_release(&err);
}

static int setup(void **state)
{
	(void)state;
	schemas = schema_dir();
	struct strbuf err = STRBUF_INIT;
	if (!admx_write(&sample_doc, schemas, &golden_admx, &golden_adml, &err)) {
		fprintf(stderr, "setup: admx_write failed: %s\n", err.buf);
		return -1;
	}
	strbuf_release(&err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(schemas);
	strbuf_release(&golden_admx);
	strbuf_release(&golden_adml);
	return 0;
}

static void test_golden(void **state)
{
	(void)state;
	assert_golden("web-01.admx", golden_admx.buf, golden_admx.len);
	assert_golden("web-01.adml", golden_adml.buf, golden_adml.len);
	struct strbuf a = STRBUF_INIT, l = STRBUF_INIT, err = STRBUF_INIT;
	assert_true(admx_write_base(schemas, &a, &l, &err));
	assert_golden("gpoc.admx", a.buf, a.len);
	assert_golden("gpoc.adml", l.buf, l.len);
	// The base pair checks on its own too.
	assert_true(admx_check_pair(a.buf, a.len, l.buf, l.len, schemas, &err));
	strbuf_release(&a);
	strbuf_release(&l);
	strbuf_release(&err);
}

static void test_deterministic(void **state)
{
	(void)state;
	struct strbuf a = STRBUF_INIT, l = STRBUF_INIT;
	write_ok(&sample_doc, &a, &l);
	assert_int_equal(a.len, golden_admx.len);
	assert_memory_equal(a.buf, golden_admx.buf, a.len);
	assert_int_equal(l.len, golden_adml.len);
	assert_memory_equal(l.buf, golden_adml.buf, l.len);
	strbuf_release(&a);
	strbuf_release(&l);
}

static void test_golden_pair_checks(void **state)
{
	(void)state;
	struct strbuf err = STRBUF_INIT;
	assert_true(admx_check_pair(golden_admx.buf, golden_admx.len, golden_adml.buf, golden_adml.len, schemas, &err));
	assert_int_equal(err.len, 0);
	strbuf_release(&err);
}

// Applies one edit to the ADMX (in_admx) or the ADML and expects the check to
// fail with `fragment`, or to pass when fragment is NULL.
static void broken(bool in_admx, const char *from, const char *to, const char *fragment)
{
	struct strbuf edited = STRBUF_INIT, err = STRBUF_INIT;
	replace_once(&edited, in_admx ? golden_admx.buf : golden_adml.buf, from, to);
	const struct strbuf *a = in_admx ? &edited : &golden_admx;
	const struct strbuf *l = in_admx ? &golden_adml : &edited;
	bool ok = admx_check_pair(a->buf, a->len, l->buf, l->len, schemas, &err);
	if (fragment) {
		if (ok) {
			print_error("accepted after replacing %s by %s\n", from, to);
			fail();
		}
		assert_contains(err.buf, fragment);
	} else if (!ok) {
		print_error("rejected after replacing %s by %s: %s\n", from, to, err.buf);
		fail();
	}
	strbuf_release(&edited);
	strbuf_release(&err);
}

static void test_xsd_teeth(void **state)
{
	(void)state;
	// Missing supportedOn: [MS-GPREG] makes it required in every policy.
	broken(true, "      <supportedOn ref=\"SUPPORTED_gpoc\"/>\n      <enabledValue>", "      <enabledValue>",
	       "ADMX:21: Element 'enabledValue': This element is not expected. Expected is one of ( seeAlso, keywords, supportedOn )");
	broken(true, "class=\"Machine\"", "class=\"Computer\"",
	       "attribute 'class': [facet 'enumeration'] The value 'Computer' is not an element of the set {'User', 'Machine', 'Both'}");
	// Wrong element order: supportedOn before parentCategory.
	broken(true, "      <parentCategory ref=\"web_01\"/>\n      <supportedOn ref=\"SUPPORTED_gpoc\"/>",
	       "      <supportedOn ref=\"SUPPORTED_gpoc\"/>\n      <parentCategory ref=\"web_01\"/>",
	       "Element 'parentCategory': This element is not expected");
	broken(true, "<resources minRequiredRevision=\"1.0\"/>", "",
	       "Element 'supportedOn': This element is not expected. Expected is one of ( supersededAdm, annotation, resources )");
	broken(true, " revision=\"1.0\"", "", "The attribute 'revision' is required but missing");
	broken(true, "revision=\"1.0\"", "revision=\"one\"", "attribute 'revision': [facet 'pattern']");
	broken(true, "key=\"SOFTWARE\\Policies\\Gpoc\\Test\"", "key=\"\\SOFTWARE\\Policies\"", "attribute 'key': [facet 'pattern']");
	broken(true, "key=\"SOFTWARE\\Policies\\Gpoc\\Test\"", "key=\"SOFTWARE\\\\Policies\"", "attribute 'key': [facet 'pattern']");
	broken(true, "maxValue=\"6\"", "maxValue=\"4294967296\"", "attribute 'maxValue'");
	broken(true, "displayName=\"$(string.Level)\"", "displayName=\"Level\"", "attribute 'displayName': [facet 'pattern']");
	broken(true, "<decimal value=\"1\"/>", "<decimal value=\"-1\"/>", "attribute 'value'");
	broken(true, "<policy name=\"Level\"", "<policy name=\"AllowAnonymousCallback\"",
	       "Element 'policy': Duplicate key-sequence ['AllowAnonymousCallback'] in unique identity-constraint 'uniquePolicy'");
	broken(true, "<using prefix=\"gpoc\"", "<using prefix=\"gpoc_web_01\"",
	       "Duplicate key-sequence ['gpoc_web_01'] in unique identity-constraint 'uniquePrefix'");
	broken(true, "<target prefix=\"gpoc_web_01\" namespace=\"Gpoc.Policies.web-01\"/>", "",
	       "Element 'using': This element is not expected. Expected is ( target )");
	broken(true, "xmlns=\"" ADMX_NAMESPACE_URI "\"", "xmlns=\"urn:other\"",
	       "Element '{urn:other}policyDefinitions': No matching global declaration");
	broken(true, "<multiText id=\"Servers\" valueName=\"Servers\" required=\"true\"/>",
	       "<multiText id=\"Servers\" valueName=\"Servers\" required=\"true\"/><text id=\"Servers\" valueName=\"S2\"/>",
	       "Duplicate key-sequence ['Servers'] in unique identity-constraint 'uniqueElementId'");
	broken(true, "<multiText id=\"Servers\"", "<multiText",
	       "Element 'multiText': The attribute 'id' is required but missing");
	broken(false, "<string id=\"Servers\">", "<string id=\"Level\">",
	       "ADML:17: Element 'string': Duplicate key-sequence ['Level'] in unique identity-constraint 'uniqueString'");
	broken(false, "<displayName>gpoc policy web-01</displayName>", "",
	       "Element 'description': This element is not expected. Expected is ( displayName )");
	broken(false, "<decimalTextBox refId=\"Level\" defaultValue=\"6\">", "<decimalTextBox refId=\"Level\" defaultValue=\"x\">",
	       "attribute 'defaultValue'");
	broken(false, "<label>Path:</label>", "", "Element 'defaultValue': This element is not expected. Expected is ( label )");
}

static void test_cross_file_teeth(void **state)
{
	(void)state;
	broken(true, "displayName=\"$(string.Level)\"", "displayName=\"$(string.Nope)\"",
	       "ADMX:29: '$(string.Nope)' of 'displayName' is not defined in the ADML stringTable");
	broken(true, "explainText=\"$(string.Path_Help)\"", "explainText=\"$(string.path_Help)\"",
	       "'$(string.path_Help)' of 'explainText' is not defined in the ADML stringTable");
	broken(false, "<string id=\"gpoc_supported\">", "<string id=\"gpoc_unsupported\">",
	       "ADMX:10: '$(string.gpoc_supported)' of 'displayName' is not defined in the ADML stringTable");
	broken(true, "presentation=\"$(presentation.Level)\"", "presentation=\"$(presentation.Nope)\"",
	       "ADMX:29: '$(presentation.Nope)' is not defined in the ADML presentationTable");
	broken(false, "<presentation id=\"Servers\">", "<presentation id=\"Servers2\">",
	       "'$(presentation.Servers)' is not defined in the ADML presentationTable");
	broken(true, "<parentCategory ref=\"gpoc:gpoc\"/>", "<parentCategory ref=\"windows:System\"/>",
	       "ADMX:15: prefix 'windows' of category reference 'windows:System' is not declared in policyNamespaces");
	broken(true, "<supportedOn ref=\"SUPPORTED_gpoc\"/>", "<supportedOn ref=\"win:SUPPORTED_Windows7\"/>",
	       "prefix 'win' of supportedOn reference 'win:SUPPORTED_Windows7' is not declared in policyNamespaces");
	broken(true, "<supportedOn ref=\"SUPPORTED_gpoc\"/>", "<supportedOn ref=\"SUPPORTED_Nope\"/>",
	       "ADMX:21: supportedOn 'SUPPORTED_Nope' is not defined in this ADMX");
	broken(true, "<parentCategory ref=\"web_01\"/>", "<parentCategory ref=\"web-01\"/>",
	       "ADMX:20: category 'web-01' is not defined in this ADMX");
	broken(true, "<parentCategory ref=\"web_01\"/>", "<parentCategory ref=\"gpoc_web_01:nope\"/>",
	       "category 'gpoc_web_01:nope' is not defined in this ADMX");
	broken(false, "<decimalTextBox refId=\"Level\"", "<decimalTextBox refId=\"Levels\"",
	       "presentation 'Level' has a control for 'Levels', but policy 'Level' has no element with that id");
	broken(false, "<decimalTextBox refId=\"Level\"", "<decimalTextBox refId=\"Levels\"",
	       "element 'Level' of policy 'Level' has no control in presentation 'Level'");
	broken(true, " presentation=\"$(presentation.Level)\"", "", "policy 'Level' has elements but no presentation");

	// What must still pass: a declared prefix (checked no further), the target's own
	// prefix naming a local category, and a presentation's static text.
	broken(true, "<using prefix=\"gpoc\" namespace=\"Gpoc.Policies\"/>",
	       "<using prefix=\"gpoc\" namespace=\"Gpoc.Policies\"/>\n"
	       "    <using prefix=\"windows\" namespace=\"Microsoft.Policies.Windows\"/>",
	       NULL);
	broken(true, "<parentCategory ref=\"web_01\"/>", "<parentCategory ref=\"gpoc_web_01:web_01\"/>", NULL);
	broken(false, "<presentation id=\"Level\">", "<presentation id=\"Level\"><text>Note</text>", NULL);
}

// Our own messages quote references in full up to a limit.
static void test_long_reference_cut_short(void **state)
{
	(void)state;
	struct strbuf ref = STRBUF_INIT, edited = STRBUF_INIT, err = STRBUF_INIT;
	strbuf_addstr(&ref, "<parentCategory ref=\"");
	for (int i = 0; i < 300000; i++)
		strbuf_addstr(&ref, "\xC3\xA9x");
	strbuf_addstr(&ref, "\"/>");
	replace_once(&edited, golden_admx.buf, "<parentCategory ref=\"web_01\"/>", ref.buf);
	assert_false(admx_check_pair(edited.buf, edited.len, golden_adml.buf, golden_adml.len, schemas, &err));
	assert_contains(err.buf, "ADMX:20: category '\xC3\xA9x\xC3\xA9x");
	assert_contains(err.buf, "...");
	assert_true(err.len < 420 + 20);
	strbuf_release(&ref);
	strbuf_release(&edited);
	strbuf_release(&err);
}

static void test_garbage_input(void **state)
{
	(void)state;
	struct strbuf err = STRBUF_INIT;
	assert_false(admx_check_pair("<x", 2, golden_adml.buf, golden_adml.len, schemas, &err));
	assert_contains(err.buf, "ADMX:1:");
	strbuf_reset(&err);
	assert_false(admx_check_pair(golden_admx.buf, golden_admx.len, "", 0, schemas, &err));
	assert_contains(err.buf, "ADML:1: Document is empty");
	strbuf_reset(&err);
	// The two files swapped: each fails its schema.
	assert_false(admx_check_pair(golden_adml.buf, golden_adml.len, golden_admx.buf, golden_admx.len, schemas, &err));
	assert_contains(err.buf, "ADMX:2: Element 'policyDefinitionResources': No matching global declaration");
	assert_contains(err.buf, "ADML:2: Element 'policyDefinitions': No matching global declaration");
	strbuf_release(&err);
}

// The text of the ADML <string id="id">, read back with libxml2's tree API.
static char *adml_string(const struct strbuf *adml, const char *id)
{
	xmlDocPtr doc = xmlReadMemory(adml->buf, (int)adml->len, "t.adml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	char *found = NULL;
	xmlNodePtr res = xmlDocGetRootElement(doc)->children;
	while (res && !(res->type == XML_ELEMENT_NODE && !strcmp((const char *)res->name, "resources")))
		res = res->next;
	assert_non_null(res);
	for (xmlNodePtr t = res->children; t; t = t->next) {
		if (t->type != XML_ELEMENT_NODE || strcmp((const char *)t->name, "stringTable"))
			continue;
		for (xmlNodePtr s = t->children; s; s = s->next) {
			if (s->type != XML_ELEMENT_NODE)
				continue;
			xmlChar *sid = xmlGetProp(s, (const xmlChar *)"id");
			if (sid && !strcmp((const char *)sid, id)) {
				xmlChar *c = xmlNodeGetContent(s);
				found = xstrdup((const char *)c);
				xmlFree(c);
			}
			xmlFree(sid);
		}
	}
	xmlFreeDoc(doc);
	if (!found) {
		print_error("string '%s' not in the ADML\n", id);
		fail();
	}
	return found;
}

static void test_hostile_text_round_trips(void **state)
{
	(void)state;
	static const char *const displays[] = {
		"]]>",
		"<policy name=\"x\"/> & &amp; &#65; <!-- x --> <![CDATA[ y ]]>",
		"\"'\"'",
		"$(string.gpoc_category)",
		"Gr\xC3\xBC\xC3\x9F" "e \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80 \xE2\x80\xAE" "txet",
		"   leading and trailing spaces   ",
	};
	static const char explain[] = "line 1\r\nline 2\n\ttabbed ]]> <&> \"q\"\r";
	for (size_t i = 0; i < ARRAY_SIZE(displays); i++) {
		struct admx_setting s = sample[2];
		s.display = displays[i];
		s.explain = explain;
		s.def_text = displays[i];
		struct admx_doc doc = sample_doc;
		doc.settings = &s;
		doc.n_settings = 1;
		doc.description = explain;
		struct strbuf a = STRBUF_INIT, l = STRBUF_INIT;
		write_ok(&doc, &a, &l);
		char *got = adml_string(&l, "Path");
		assert_string_equal(got, displays[i]);
		free(got);
		got = adml_string(&l, "Path_Help");
		assert_string_equal(got, explain);
		free(got);
		got = adml_string(&l, "gpoc_category_Help");
		assert_string_equal(got, explain);
		free(got);
		strbuf_release(&a);
		strbuf_release(&l);
	}
}

static void refused(const struct admx_doc *doc, const char *fragment)
{
	struct strbuf a = STRBUF_INIT, l = STRBUF_INIT, err = STRBUF_INIT;
	assert_false(admx_write(doc, schemas, &a, &l, &err));
	assert_contains(err.buf, fragment);
	assert_int_equal(a.len, 0);
	assert_int_equal(l.len, 0);
	strbuf_release(&a);
	strbuf_release(&l);
	strbuf_release(&err);
}

static void test_refusals(void **state)
{
	(void)state;
	struct admx_setting s = sample[0];
	struct admx_doc doc = sample_doc;
	doc.settings = &s;
	doc.n_settings = 1;

	s.display = "bell\x07";
	refused(&doc, "display name of 'SOFTWARE\\Microsoft\\WBEM\\CIMOM\\AllowAnonymousCallback' contains control "
		      "character U+0007, which XML 1.0 cannot carry");
	s.display = "two\nlines";
	refused(&doc, "contains a line break (U+000A); it must be a single line");
	s.display = "bad \xFF utf8";
	refused(&doc, "display name of 'SOFTWARE\\Microsoft\\WBEM\\CIMOM\\AllowAnonymousCallback' is not valid UTF-8 (byte 4)");
	s.display = "";
	refused(&doc, "display name of 'SOFTWARE\\Microsoft\\WBEM\\CIMOM\\AllowAnonymousCallback' is empty");
	s.display = "ok";
	s.explain = "nul-free but \x1F";
	refused(&doc, "explain text of 'SOFTWARE\\Microsoft\\WBEM\\CIMOM\\AllowAnonymousCallback' contains control "
		      "character U+001F");
	s.explain = "x\xEF\xBF\xBF";
	refused(&doc, "U+FFFF, which is not an XML character");
	s.explain = NULL;
	s.key = "\\SOFTWARE\\X";
	refused(&doc, "registry key '\\SOFTWARE\\X' is not a key path below a hive");
	s.key = "SOFTWARE\\X\\";
	refused(&doc, "is not a key path below a hive");
	s.key = "SOFTWARE\\X";
	s.value_name = "";
	refused(&doc, "the default value of 'SOFTWARE\\X' has no name; ADMX cannot set it");
	s.value_name = "tab\there";
	refused(&doc, "value name under 'SOFTWARE\\X' contains control character U+0009");
	s.value_name = "v";
	s.kind = ADMX_DECIMAL;
	s.min = 5;
	s.max = 10;
	s.def = 11;
	refused(&doc, "'SOFTWARE\\X\\v': default 11 is outside the range 5-10");
	s.kind = ADMX_TEXT;
	s.def_text = "a\nb";
	refused(&doc, "default text of 'SOFTWARE\\X\\v' contains a line break");

	// The registry's length limits, in characters (not bytes).
	s = sample[0];
	struct strbuf big = STRBUF_INIT;
	for (int i = 0; i < 16383; i++)
		strbuf_addstr(&big, "\xC3\xA9");
	s.value_name = big.buf;
	struct strbuf a = STRBUF_INIT, l = STRBUF_INIT;
	write_ok(&doc, &a, &l);
	strbuf_addch(&big, 'x');
	refused(&doc, "value name under 'SOFTWARE\\Microsoft\\WBEM\\CIMOM' is longer than 16383 characters");
	s.value_name = "v";
	strbuf_reset(&big);
	for (int i = 0; i < 32768; i++)
		strbuf_addch(&big, 'k');
	s.key = big.buf;
	refused(&doc, "registry key of setting 0 is longer than 32767 characters");
	strbuf_release(&big);
	strbuf_release(&a);
	strbuf_release(&l);

	s = sample[0];
	doc.policy = "web 01";
	refused(&doc, "policy name 'web 01' cannot name an ADMX namespace");
	doc.policy = "-web";
	refused(&doc, "policy name '-web' cannot name an ADMX namespace");
	doc.policy = "web";
	doc.title = "";
	refused(&doc, "the policy has no title for its ADMX category");
	doc.title = "t\x01";
	refused(&doc, "policy title contains control character U+0001");
	doc.title = "t";
	doc.description = "\x02";
	refused(&doc, "policy description contains control character U+0002");
}

// The policy names the writer chose, in document order, joined by spaces.
static void policy_names(const struct strbuf *admx, struct strbuf *out)
{
	for (const char *p = admx->buf; (p = strstr(p, "<policy name=\"")); p++) {
		p += strlen("<policy name=\"");
		strbuf_add(out, p, (size_t)(strchr(p, '"') - p));
		strbuf_addch(out, ' ');
	}
}

static void test_ids_sanitized_and_unique(void **state)
{
	(void)state;
	static const char *const names[] = {
		"Level", "level", "LEVEL", "9lives", "Gr\xC3\xBC\xC3\x9F" "e", "a.b-c d", "gpoc_category", "Level_2",
	};
	struct admx_setting s[ARRAY_SIZE(names)];
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		s[i] = sample[0];
		s[i].value_name = names[i];
	}
	struct admx_doc doc = sample_doc;
	doc.settings = s;
	doc.n_settings = ARRAY_SIZE(s);
	struct strbuf a = STRBUF_INIT, l = STRBUF_INIT, got = STRBUF_INIT;
	write_ok(&doc, &a, &l);
	policy_names(&a, &got);
	// "Level_2" was taken by "level" before its own turn came.
	assert_string_equal(got.buf, "Level level_2 LEVEL_3 _9lives Gr____e a_b_c_d gpoc_category Level_2_2 ");
	// The string for policy "gpoc_category" cannot reuse the category's string ID.
	assert_contains(a.buf, "<policy name=\"gpoc_category\" class=\"Machine\" displayName=\"$(string.gpoc_category_2)\"");
	// valueName keeps the real name.
	assert_contains(a.buf, "valueName=\"Gr\xC3\xBC\xC3\x9F" "e\"");
	strbuf_release(&a);
	strbuf_release(&l);
	strbuf_release(&got);
}

static void test_long_default_text_raises_max_length(void **state)
{
	(void)state;
	struct strbuf text = STRBUF_INIT;
	for (int i = 0; i < 1100; i++)
		strbuf_addstr(&text, "\xF0\x9F\x98\x80"); // each is two UTF-16 units
	struct admx_setting s = sample[2];
	s.def_text = text.buf;
	struct admx_doc doc = sample_doc;
	doc.settings = &s;
	doc.n_settings = 1;
	struct strbuf a = STRBUF_INIT, l = STRBUF_INIT;
	write_ok(&doc, &a, &l);
	assert_contains(a.buf, "maxLength=\"2200\"");
	strbuf_release(&a);
	strbuf_release(&l);
	strbuf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_golden_pair_checks),
		cmocka_unit_test(test_xsd_teeth),
		cmocka_unit_test(test_cross_file_teeth),
		cmocka_unit_test(test_long_reference_cut_short),
		cmocka_unit_test(test_garbage_input),
		cmocka_unit_test(test_hostile_text_round_trips),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_ids_sanitized_and_unique),
		cmocka_unit_test(test_long_default_text_raises_max_length),
	};
	return cmocka_run_group_tests_name("xml_admx", tests, setup, teardown);
}
