#ifndef GPOC_CORE_GUID_H
#define GPOC_CORE_GUID_H

// Deterministic GUIDs: gpoc never uses random IDs, so the same intent always yields
// the same GPO backup ID, GPO ID and rule IDs. A name-based GUID is derived from a
// namespace string and a name with SHA-1 (nettle) in the manner of RFC 4122 version 5.

#include <stdint.h>

#include "core/strbuf.h"

// Fills out[16] with a version-5-style GUID in Microsoft byte order semantics:
// printed with guid_format16 as "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}".
void guid_from_name(const char *ns, const char *name, uint8_t out[16]);
// "{8-4-4-4-12}" uppercase hex, as GPMC writes IDs.
void guid_format16(const uint8_t g[16], struct strbuf *out);

#endif
