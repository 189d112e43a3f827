#ifndef GPOC_FORMATS_REGFILE_H
#define GPOC_FORMATS_REGFILE_H

// .reg files (regedit's import format), as a list of operations in file order.
//
// The writer produces "Windows Registry Editor Version 5.00" files byte for byte as
// regedit exports them (docs/formats.md); the reader takes those and REGEDIT4 files
// and returns the very list the writer takes, so write-then-read is an exact round
// trip (reg_op_equal). What regedit cannot carry exactly is refused by the writer
// with a message a caller can attach to the intent line that asked for it.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/regvalue.h"
#include "core/strbuf.h"
#include "formats/text.h"

enum reg_op_kind {
	REG_OP_COMMENT,      // "; text"
	REG_OP_KEY,          // "[HKEY_...\key]": create/open the key; later values go there
	REG_OP_DELETE_KEY,   // "[-HKEY_...\key]": delete the key and its subtree
	REG_OP_SET,          // "name"=data under the current key
	REG_OP_DELETE_VALUE, // "name"=- under the current key
};

struct reg_op {
	enum reg_op_kind kind;
	// KEY, DELETE_KEY: v.hive and v.key. SET, DELETE_VALUE: v.hive and v.key repeat
	// the current key, v.name is the value ("" = the default value, "@"), and SET
	// has v.type/v.data/v.size as Windows stores them.
	struct reg_value v;
	const char *text; // COMMENT: the text after "; " (or after ';')
	uint32_t line;    // reader: 1-based line where the op starts; 0 when built in memory
};

enum reg_version { REG_V5, REG_V4 };

struct reg_doc {
	enum reg_version version; // reader: from the header
	bool utf16;               // reader: UTF-16LE file (else UTF-8)
	struct reg_op *ops;
	size_t n, alloc;
	struct arena arena;       // every string and data buffer of ops
};

void reg_doc_init(struct reg_doc *d);
void reg_doc_release(struct reg_doc *d);

// Builders: copy their arguments into the document's arena.
void reg_doc_comment(struct reg_doc *d, const char *text);
void reg_doc_key(struct reg_doc *d, enum reg_hive hive, const char *key);
void reg_doc_delete_key(struct reg_doc *d, enum reg_hive hive, const char *key);
// v->hive and v->key must name the current key (the last reg_doc_key).
void reg_doc_set(struct reg_doc *d, const struct reg_value *v);
void reg_doc_delete_value(struct reg_doc *d, enum reg_hive hive, const char *key, const char *name);

bool reg_op_equal(const struct reg_op *a, const struct reg_op *b);
// Same ops in the same order (line numbers ignored). On a difference *at gets the index.
bool reg_doc_equal(const struct reg_doc *a, const struct reg_doc *b, size_t *at);

// Appends the whole 5.00 file (BOM FF FE, UTF-16LE, CRLF) to `out`. On error returns
// false, leaves `out` as it was, and err->line holds the 1-based index of the
// offending op (err->col 0).
bool regfile_write(const struct reg_doc *d, struct strbuf *out, struct fmt_error *err);

// Parses a 5.00 (UTF-16LE or UTF-8) or REGEDIT4 file. Values are stored as regedit
// stores them: quoted strings get their NUL terminator, hex(1)/hex(2)/hex(7) data
// gets one when it lacks it, and in 8-bit files that data is converted to UTF-16LE.
// On error returns false with line and column; *out is left initialised (release it).
bool regfile_read(const uint8_t *p, size_t len, struct reg_doc *out, struct fmt_error *err);

#endif
