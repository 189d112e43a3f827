// The public API, through the shared library exactly as an embedder links it
// (only the GPOC_API symbols are exported).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpoc.h"

static const char *source_dir(void)
{
	const char *s = getenv("GPOC_SOURCE_DIR");
	return s ? s : ".";
}

static void test_version(void **state)
{
	(void)state;
	assert_non_null(gpoc_version());
	assert_true(strlen(gpoc_version()) >= 5);
}

static void test_sddl_canonicalize(void **state)
{
	(void)state;
	char *out = NULL, *err = NULL;
	// A Windows-produced case: rights reordered, the domain alias printed back.
	assert_int_equal(gpoc_sddl_canonicalize("D:(A;;RPLCLORC;;;AU)(A;;GA;;;DU)", "S-1-5-21-1-2-3", &out, &err),
			 GPOC_OK);
	assert_string_equal(out, "D:(A;;LCRPLORC;;;AU)(A;;GA;;;DU)");
	assert_null(err);
	gpoc_free(out);
	assert_int_equal(gpoc_sddl_canonicalize("D:(Antlers;;GA;;;SY)", NULL, &out, &err), GPOC_INPUT_ERRORS);
	assert_null(out);
	assert_non_null(err);
	gpoc_free(err);
}

static void test_build_check_only(void **state)
{
	(void)state;
	char path[1024], *diagnostics = NULL;
	snprintf(path, sizeof(path), "%s/examples/remote-wmi.yaml", source_dir());
	const char *intents[] = { path };
	struct gpoc_build_options o = { .intents = intents, .n_intents = 1, .datadir = source_dir(),
					.targets = "all", .diagnostics_format = GPOC_DIAGNOSTICS_JSON };
	assert_int_equal(gpoc_build(&o, &diagnostics), GPOC_OK);
	assert_non_null(strstr(diagnostics, "\"diagnostics\""));
	gpoc_free(diagnostics);
	o.targets = "bogus";
	assert_int_equal(gpoc_build(&o, &diagnostics), GPOC_IO_ERROR);
	assert_non_null(strstr(diagnostics, "unknown target"));
	gpoc_free(diagnostics);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_sddl_canonicalize),
		cmocka_unit_test(test_build_check_only),
	};
	return cmocka_run_group_tests_name("public api", tests, NULL, NULL);
}
