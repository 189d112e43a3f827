#ifndef GPOC_XML_GPO_BACKUP_H
#define GPOC_XML_GPO_BACKUP_H

// The XML half of a GPMC backup folder, the form Import-GPO reads:
//
//   {BackupId}/Backup.xml                 GPO core settings and its file list
//   {BackupId}/bkupInfo.xml               the manifest entry: IDs, display name
//   {BackupId}/DomainSysvol/GPO/Machine/registry.pol                     (registry)
//   {BackupId}/DomainSysvol/GPO/Machine/microsoft/windows nt/SecEdit/GptTmpl.inf
//
// This module writes the two XML files; the caller (render_gpo) writes the others
// at the paths below, which are the same paths Backup.xml lists. docs/gpo.md says
// which fields Import-GPO uses and why the placeholders are safe.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

#define GPO_BACKUP_XML "Backup.xml"
#define GPO_BKUPINFO_XML "bkupInfo.xml"
#define GPO_BACKUP_REGISTRY_POL "DomainSysvol/GPO/Machine/registry.pol"
#define GPO_BACKUP_GPTTMPL_INF "DomainSysvol/GPO/Machine/microsoft/windows nt/SecEdit/GptTmpl.inf"

// Client-side extensions a machine policy can use; each is a [{CSE}{tool}...] group
// of MachineExtensionGuids (gPCMachineExtensionNames).
enum {
	GPO_EXT_REGISTRY = 1u << 0, // registry.pol, Administrative Templates values
	GPO_EXT_FIREWALL = 1u << 1, // registry.pol, Windows Firewall rules (registry CSE, firewall tool)
	GPO_EXT_SECURITY = 1u << 2, // GptTmpl.inf
};

struct gpo_backup_info {
	const char *backup_id;         // "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", upper case:
	                               // the folder name and bkupInfo <ID>
	const char *gpo_id;            // same form: the GPO's ID (<ID>, <GPOGuid>)
	const char *display_name;      // one line, not empty
	const char *domain;            // DNS name of the source domain, or NULL (left empty)
	const char *domain_guid;       // "{...}" or NULL
	const char *domain_controller; // FQDN or NULL
	const char *backup_time;       // "YYYY-MM-DDTHH:MM:SS" or NULL (left empty: no clock)
	const char *comment;           // text (LF and TAB allowed, no CR) or NULL
	uint16_t machine_version;      // the GPO's machine-side version
	uint16_t user_version;
	unsigned machine_extensions;   // GPO_EXT_* bits for the files present
	uint32_t options;              // GPO status: 0 all enabled, 1 user part disabled,
	                               // 2 computer part disabled, 3 both disabled
};

// The sorted "[{CSE}{tool}...]..." list for `machine_extensions` (GPO_EXT_* bits),
// as gPCMachineExtensionNames and Backup.xml's MachineExtensionGuids hold it:
// groups sorted by CSE GUID, tools sorted within a group, all upper case.
void gpo_extension_names(unsigned machine_extensions, struct strbuf *out);

// Writes Backup.xml and bkupInfo.xml (appended to the two buffers) and validates
// them against schemas/gpo-backup.xsd and schemas/gpo-bkupinfo.xsd and against each
// other. Returns false with a message in `err` for a field that cannot be written
// (a malformed GUID, a control character in the display name, ...); a failed
// validation of the output is a gpoc bug and its message starts with "internal error".
bool gpo_backup_xml(const struct gpo_backup_info *info, const char *schema_dir, struct strbuf *backup_xml,
		    struct strbuf *bkupinfo_xml, struct strbuf *err);

// Validates a Backup.xml / bkupInfo.xml pair: both XSDs, then that they describe
// the same GPO (ID, display name) and that MachineExtensionGuids is sorted. For
// tests and `gpoc decode`. Appends "Backup.xml:line: message; ..." on failure.
bool gpo_backup_check(const char *backup_xml, size_t backup_len, const char *bkupinfo_xml, size_t bkupinfo_len,
		      const char *schema_dir, struct strbuf *err);

#endif
