#ifndef GPOC_REVIEW_JSON_H
#define GPOC_REVIEW_JSON_H

// A small streaming JSON writer for the review outputs (diagnostics as JSON and
// SARIF, plan.json), and a strict well-formedness check used to validate them.
//
// The writer pretty-prints with two-space indentation (or one line per container
// opened with *_begin_inline) and a fixed key order (the order of the calls), so output is byte-for-byte deterministic and diffs well in
// golden files. Strings are written as valid JSON whatever bytes they hold:
// control characters become \uXXXX escapes and bytes that are not UTF-8 become
// U+FFFD, so hostile input can never produce a document a consumer rejects.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

enum { JSON_MAX_DEPTH = 32 };

struct json_writer {
	struct strbuf *out;
	int depth;
	bool first[JSON_MAX_DEPTH]; // no member written yet at this depth
	bool after_key;             // a key was written; its value comes next
	int inline_at;              // 0, or the depth from which items share one line
};

void json_init(struct json_writer *w, struct strbuf *out);
// True when every container opened has been closed.
bool json_done(const struct json_writer *w);

void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
// An object or array written on one line, with everything inside it ({"a": 1, "b":
// [2, 3]}): large documents (model.json) give one effect per line, which keeps
// them compact and their diffs one line per changed effect.
void json_object_begin_inline(struct json_writer *w);
void json_array_begin_inline(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s);
void json_string_len(struct json_writer *w, const char *s, size_t len);
void json_int(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

// Key and value in one call; a NULL string writes null.
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_int(struct json_writer *w, const char *key, int64_t v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);

// Appends `s` as a quoted JSON string (the escaping json_string uses).
void json_quote(struct strbuf *out, const char *s, size_t len);

// RFC 8259 well-formedness of text[0..len): one value, optional whitespace around
// it, valid UTF-8, nesting at most `max_depth`. On failure *err_offset gets the
// byte offset of the problem.
bool json_valid(const char *text, size_t len, size_t max_depth, size_t *err_offset);

#endif
