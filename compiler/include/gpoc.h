#ifndef GPOC_H
#define GPOC_H

/**
 * libgpoc: compile Windows access intents into deployable artifacts.
 *
 * This is the whole public API of the library; everything else is internal.
 * Strings are UTF-8. Functions that return allocated memory document it; free it
 * with gpoc_free(). The library keeps no global state between calls and never
 * prints: diagnostics are returned as text in the requested format.
 */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(GPOC_BUILDING) && defined(__GNUC__)
#define GPOC_API __attribute__((visibility("default")))
#else
#define GPOC_API
#endif

/** The library version, e.g. "0.1.0". */
GPOC_API const char *gpoc_version(void);

/** Result codes, equal to the CLI's exit statuses. */
enum gpoc_status {
	GPOC_OK = 0,           /**< success */
	GPOC_INPUT_ERRORS = 1, /**< the input has errors; see the diagnostics */
	GPOC_IO_ERROR = 2,     /**< a file could not be read or the output not written */
};

/** Diagnostics formats for gpoc_build_options.diagnostics_format. */
enum gpoc_diagnostics_format {
	GPOC_DIAGNOSTICS_GCC = 0,   /**< file:line:col: error: message, source line, caret */
	GPOC_DIAGNOSTICS_JSON = 1,
	GPOC_DIAGNOSTICS_SARIF = 2, /**< SARIF 2.1.0 */
};

/** What gpoc_build() compiles and where it writes. */
struct gpoc_build_options {
	const char *const *intents;       /**< intent file paths */
	size_t n_intents;
	const char *output_dir;           /**< NULL: check only, write nothing */
	const char *targets;              /**< "netsh,reg", "all", or NULL for the intents' outputs */
	const char *const *capability_dirs; /**< extra capability template directories */
	size_t n_capability_dirs;
	const char *datadir;              /**< directory holding templates/ and schemas/ */
	const char *depfile;              /**< write make/ninja dependencies here, or NULL */
	int diagnostics_format;           /**< enum gpoc_diagnostics_format */
};

/**
 * Compiles the intents. On success with an output directory, the directory is
 * replaced as a whole by the new artifacts; on any error it is left untouched.
 * If `diagnostics` is not NULL it receives the diagnostics text (possibly empty),
 * to be freed with gpoc_free(). Returns an enum gpoc_status.
 */
GPOC_API int gpoc_build(const struct gpoc_build_options *options, char **diagnostics);

/**
 * Canonical SDDL of a security descriptor string, printed exactly as Windows'
 * ConvertSecurityDescriptorToStringSecurityDescriptor would. `domain_sid` (may be
 * NULL) resolves domain-relative aliases. Returns GPOC_OK and a string in *out, or
 * GPOC_INPUT_ERRORS and a message in *error; free either with gpoc_free().
 */
GPOC_API int gpoc_sddl_canonicalize(const char *sddl, const char *domain_sid, char **out, char **error);

/** Frees memory returned by the functions above. */
GPOC_API void gpoc_free(void *p);

#ifdef __cplusplus
}
#endif

#endif
