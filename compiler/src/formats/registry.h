#ifndef GPOC_FORMATS_REGISTRY_H
#define GPOC_FORMATS_REGISTRY_H

// Helpers over core/regvalue.h shared by the three registry formats and by the
// renderers that fill them: names of types and hives, value equality (the
// self-checks compare what a reader returns with what the model says), the rules a
// key path must follow, and builders for the common data shapes.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/regvalue.h"
#include "core/strbuf.h"

// "REG_SZ", ...; NULL for a type number without a name.
const char *reg_type_name(uint32_t type);
// "HKEY_LOCAL_MACHINE", ...; NULL for HIVE_NONE.
const char *reg_hive_name(enum reg_hive hive);
// Case-insensitive full hive name ("hkey_local_machine") to hive; HIVE_NONE if unknown.
enum reg_hive reg_hive_from_name(const char *s, size_t len);

// Same hive, key, name, type and bytes (names compared exactly: a writer that
// changed their case would be a bug worth seeing).
bool reg_value_equal(const struct reg_value *a, const struct reg_value *b);
// As above without the hive (Registry.pol has none).
bool reg_value_equal_nohive(const struct reg_value *a, const struct reg_value *b);

// The longest key name component and value name Windows stores (in UTF-16 units).
enum { REG_MAX_KEY_COMPONENT = 255, REG_MAX_VALUE_NAME = 16383 };

// Checks a key path below the hive: valid UTF-8, no CR, LF or control characters,
// components separated by single '\' (none empty, so no leading, trailing or doubled
// '\'), each at most 255 UTF-16 units. An empty path is allowed only when
// allow_empty (the hive root). False with the reason appended to `why`.
bool reg_key_check(const char *key, bool allow_empty, struct strbuf *why);

// Data builders (arena-allocated bytes, as Windows stores them).
// REG_SZ / REG_EXPAND_SZ: UTF-16LE of valid UTF-8 `s` plus the NUL terminator.
void reg_value_set_sz(struct reg_value *v, struct arena *a, uint32_t type, const char *s);
void reg_value_set_dword(struct reg_value *v, struct arena *a, uint32_t dw);
void reg_value_set_binary(struct reg_value *v, struct arena *a, const void *p, size_t n);

// The data of a REG_SZ/REG_EXPAND_SZ value as UTF-8 when it is exactly one string:
// even size, one NUL at the end and none before, no unpaired surrogate. False
// otherwise (nothing appended).
bool reg_data_as_string(const uint8_t *data, size_t size, struct strbuf *out);

#endif
