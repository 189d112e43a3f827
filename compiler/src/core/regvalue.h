#ifndef GPOC_CORE_REGVALUE_H
#define GPOC_CORE_REGVALUE_H

// A registry value exactly as Windows stores it. Shared by the model, the .reg and
// Registry.pol writers and readers, GptTmpl.inf and ADMX: each format converts from
// and to this one representation, so "re-read and compare with the model" is a
// byte comparison of these structs.

#include <stddef.h>
#include <stdint.h>

enum reg_type {
	REGT_NONE = 0,
	REGT_SZ = 1,
	REGT_EXPAND_SZ = 2,
	REGT_BINARY = 3,
	REGT_DWORD = 4,
	REGT_DWORD_BIG_ENDIAN = 5,
	REGT_LINK = 6,
	REGT_MULTI_SZ = 7,
	REGT_QWORD = 11,
};

enum reg_hive { HIVE_NONE, HIVE_HKLM, HIVE_HKCU, HIVE_HKCR, HIVE_HKU };

struct reg_value {
	enum reg_hive hive; // HIVE_NONE in Registry.pol, where keys carry no hive
	char *key;          // below the hive, '\\'-separated, e.g. "SOFTWARE\\Microsoft\\Ole"
	char *name;         // value name; "" is the key's default value ("@" in .reg)
	uint32_t type;      // enum reg_type, or any other number a file holds
	uint8_t *data;      // raw bytes: strings are UTF-16LE including their terminator(s)
	size_t size;
};

#endif
