// Backup.xml and bkupInfo.xml of a GPMC backup folder.
//
// The files follow what GPMC itself writes (docs/gpo.md has the details and the
// sources): values in CDATA sections, empty elements for fields without a value,
// every attribute of Backup.xml in the bkp: namespace, the GPO's version numbers
// written as (directory version << 16) | sysvol version -- a backup taken from a
// consistent GPO has both halves equal, so gpoc writes the same number twice.
//
// What gpoc cannot know it leaves empty rather than inventing: the GPO's security
// descriptor and the principals in it (SecurityGroups), the domain and its domain
// controller (unless the caller knows the DNS name), the WMI filter, and the backup
// time (there is no clock in a deterministic build; the caller may pass one, e.g.
// from SOURCE_DATE_EPOCH). Import-GPO does not use any of these: it copies the
// settings files the extension entries list into an existing GPO and sets that GPO's
// extension list.
//
// Extension pairs ([{client-side extension}{tool extension}...]):
//   registry CSE {35378EAC-683F-11D2-A89A-00C04FBBCFA2}
//     with tool {D02B1F72-3407-48AE-BA88-E8213C6761F1} (Administrative Templates, machine)
//     and/or    {B05566AC-FE9C-4368-BE01-7A4CBB6CBA11} (Windows Firewall with Advanced Security)
//   security CSE {827D319E-6EAC-11D2-A4EA-00C04F79F83A}
//     with tool {803E14A0-B4FB-11D0-A0D0-00A0C90F574B} (Security Settings)

#include <libxml/tree.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xml/gpo_backup.h"
#include "xml/xmlio.h"
#include "xml/xsd.h"

#define NS_BACKUP "http://www.microsoft.com/GroupPolicy/GPOOperations"
#define NS_MANIFEST "http://www.microsoft.com/GroupPolicy/GPOOperations/Manifest"

#define CSE_REGISTRY "{35378EAC-683F-11D2-A89A-00C04FBBCFA2}"
#define CSE_SECURITY "{827D319E-6EAC-11D2-A4EA-00C04F79F83A}"
// The extension GPMC files "Unknown Extension" entries under: the folders of a GPO.
#define EXT_FOLDERS "{F15C46CD-82A0-4C2D-A210-5D0D3182A418}"

static const struct {
	unsigned bit;
	const char *cse, *tool;
} extensions[] = {
	{ GPO_EXT_REGISTRY, CSE_REGISTRY, "{D02B1F72-3407-48AE-BA88-E8213C6761F1}" },
	{ GPO_EXT_FIREWALL, CSE_REGISTRY, "{B05566AC-FE9C-4368-BE01-7A4CBB6CBA11}" },
	{ GPO_EXT_SECURITY, CSE_SECURITY, "{803E14A0-B4FB-11D0-A0D0-00A0C90F574B}" },
};

// Folders below Machine\ that hold GptTmpl.inf, in the order GPMC lists them.
static const char *const security_dirs[] = {
	"microsoft",
	"microsoft\\windows nt",
	"microsoft\\windows nt\\SecEdit",
};

struct ext_pair {
	const char *cse, *tool;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct ext_pair *x = a, *y = b;
	int c = ascii_strcasecmp(x->cse, y->cse);
	return c ? c : ascii_strcasecmp(x->tool, y->tool);
}

void gpo_extension_names(unsigned machine_extensions, struct strbuf *out)
{
	unsigned known = 0;
	struct ext_pair pairs[ARRAY_SIZE(extensions)];
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(extensions); i++) {
		known |= extensions[i].bit;
		if (machine_extensions & extensions[i].bit)
			pairs[n++] = (struct ext_pair){ extensions[i].cse, extensions[i].tool };
	}
	if (machine_extensions & ~known)
		BUG("unknown GPO extension bits 0x%x", machine_extensions & ~known);
	qsort(pairs, n, sizeof(pairs[0]), cmp_pair);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || strcmp(pairs[i].cse, pairs[i - 1].cse)) {
			if (i)
				strbuf_addch(out, ']');
			strbuf_addf(out, "[%s", pairs[i].cse);
		}
		strbuf_addstr(out, pairs[i].tool);
	}
	if (n)
		strbuf_addch(out, ']');
}

// "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}"; upper-case hex only if `upper`.
static bool guid_ok(const char *s, bool upper)
{
	static const char shape[] = "{........-....-....-....-............}";
	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++) {
		if (shape[i] != '.') {
			if (s[i] != shape[i])
				return false;
		} else if (!ascii_isxdigit((unsigned char)s[i]) || (upper && s[i] >= 'a' && s[i] <= 'f')) {
			return false;
		}
	}
	return true;
}

static bool two_digits(const char *p, int lo, int hi)
{
	if (!ascii_isdigit((unsigned char)p[0]) || !ascii_isdigit((unsigned char)p[1]))
		return false;
	int v = (p[0] - '0') * 10 + (p[1] - '0');
	return v >= lo && v <= hi;
}

// "YYYY-MM-DDTHH:MM:SS", the form GPMC writes (local time, no zone).
static bool time_ok(const char *s)
{
	return strlen(s) == 19 && ascii_isdigit((unsigned char)s[0]) && ascii_isdigit((unsigned char)s[1]) &&
	       ascii_isdigit((unsigned char)s[2]) && ascii_isdigit((unsigned char)s[3]) && s[4] == '-' &&
	       two_digits(s + 5, 1, 12) && s[7] == '-' && two_digits(s + 8, 1, 31) && s[10] == 'T' &&
	       two_digits(s + 11, 0, 23) && s[13] == ':' && two_digits(s + 14, 0, 59) && s[16] == ':' &&
	       two_digits(s + 17, 0, 59);
}

static bool check_info(const struct gpo_backup_info *in, struct strbuf *err)
{
	if (!in->backup_id || !guid_ok(in->backup_id, true)) {
		strbuf_addf(err, "backup ID '%s' is not an upper-case {GUID}", in->backup_id ? in->backup_id : "");
		return false;
	}
	if (!in->gpo_id || !guid_ok(in->gpo_id, true)) {
		strbuf_addf(err, "GPO ID '%s' is not an upper-case {GUID}", in->gpo_id ? in->gpo_id : "");
		return false;
	}
	if (!in->display_name || !*in->display_name) {
		strbuf_addstr(err, "the GPO has no display name");
		return false;
	}
	if (!xml_text_check("GPO display name", in->display_name, XML_TEXT_LINE, err))
		return false;
	if (in->domain && !xml_text_check("GPO domain", in->domain, XML_TEXT_LINE, err))
		return false;
	if (in->domain_guid && !guid_ok(in->domain_guid, false)) {
		strbuf_addf(err, "domain GUID '%s' is not a {GUID}", in->domain_guid);
		return false;
	}
	if (in->domain_controller &&
	    !xml_text_check("GPO domain controller", in->domain_controller, XML_TEXT_LINE, err))
		return false;
	if (in->backup_time && !time_ok(in->backup_time)) {
		strbuf_addf(err, "backup time '%s' is not of the form YYYY-MM-DDTHH:MM:SS", in->backup_time);
		return false;
	}
	// The comment may have lines (a policy description often does), but no CR: in a
	// CDATA section a parser turns CR LF into LF, so it would not read back.
	if (in->comment && !xml_text_check("backup comment", in->comment, XML_TEXT_MULTILINE, err))
		return false;
	if (in->comment && strchr(in->comment, '\r')) {
		strbuf_addstr(err, "backup comment contains a carriage return (U+000D), which does not survive in XML");
		return false;
	}
	// The schema's Comment pattern refuses every other control character too: DEL
	// and the C1 range U+0080-U+009F (UTF-8 C2 80 to C2 9F).
	for (const unsigned char *p = (const unsigned char *)in->comment; p && *p; p++) {
		if (*p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)) {
			strbuf_addf(err, "backup comment contains the control character U+%04X, which the "
					 "backup schema refuses; remove it from the policy description",
				    *p == 0x7f ? 0x7f : p[1]);
			return false;
		}
	}
	if (in->options > 3) {
		strbuf_addf(err, "GPO options %u is not a GPO status (0-3)", (unsigned)in->options);
		return false;
	}
	return true;
}

static void write_file_entry(struct xw *x, const char *elem, const char *path, const char *reeval)
{
	struct strbuf p = STRBUF_INIT;
	xw_start(x, elem);
	strbuf_addf(&p, "%%GPO_MACH_FSPATH%%\\%s", path);
	xw_attr(x, "bkp:Path", p.buf);
	if (reeval)
		xw_attr(x, "bkp:ReEvaluateFunction", reeval);
	strbuf_reset(&p);
	strbuf_addf(&p, "DomainSysvol\\GPO\\Machine\\%s", path);
	xw_attr(x, "bkp:Location", p.buf);
	xw_end(x);
	strbuf_release(&p);
}

static void write_backup(struct xw *x, const struct gpo_backup_info *in)
{
	struct strbuf tmp = STRBUF_INIT;
	xw_start(x, "GroupPolicyBackupScheme");
	xw_attr(x, "bkp:version", "2.0");
	xw_attr(x, "bkp:type", "GroupPolicyBackupTemplate");
	xw_attr(x, "xmlns:bkp", NS_BACKUP);
	xw_attr(x, "xmlns", NS_BACKUP);
	xw_start(x, "GroupPolicyObject");
	xw_element_cdata(x, "SecurityGroups", NULL);
	xw_element_cdata(x, "FilePaths", NULL);
	xw_start(x, "GroupPolicyCoreSettings");
	xw_element_cdata(x, "ID", in->gpo_id);
	xw_element_cdata(x, "Domain", in->domain);
	xw_element_cdata(x, "SecurityDescriptor", NULL);
	xw_element_cdata(x, "DisplayName", in->display_name);
	strbuf_addf(&tmp, "%u", (unsigned)in->options);
	xw_element_cdata(x, "Options", tmp.buf);
	strbuf_reset(&tmp);
	strbuf_addf(&tmp, "%lu", ((unsigned long)in->user_version << 16) | in->user_version);
	xw_element_cdata(x, "UserVersionNumber", tmp.buf);
	strbuf_reset(&tmp);
	strbuf_addf(&tmp, "%lu", ((unsigned long)in->machine_version << 16) | in->machine_version);
	xw_element_cdata(x, "MachineVersionNumber", tmp.buf);
	strbuf_reset(&tmp);
	gpo_extension_names(in->machine_extensions, &tmp);
	xw_element_cdata(x, "MachineExtensionGuids", tmp.buf);
	xw_element_cdata(x, "UserExtensionGuids", NULL);
	xw_element_cdata(x, "WMIFilter", NULL);
	xw_end(x);
	if (in->machine_extensions & (GPO_EXT_REGISTRY | GPO_EXT_FIREWALL)) {
		xw_start(x, "GroupPolicyExtension");
		xw_attr(x, "bkp:ID", CSE_REGISTRY);
		xw_attr(x, "bkp:DescName", "Registry");
		write_file_entry(x, "FSObjectFile", "registry.pol", NULL);
		xw_end(x);
	}
	if (in->machine_extensions & GPO_EXT_SECURITY) {
		xw_start(x, "GroupPolicyExtension");
		xw_attr(x, "bkp:ID", CSE_SECURITY);
		xw_attr(x, "bkp:DescName", "Security");
		write_file_entry(x, "FSObjectFile", "microsoft\\windows nt\\SecEdit\\GptTmpl.inf",
				 "SecurityValidateSettings");
		xw_end(x);
		xw_start(x, "GroupPolicyExtension");
		xw_attr(x, "bkp:ID", EXT_FOLDERS);
		xw_attr(x, "bkp:DescName", "Unknown Extension");
		for (size_t i = 0; i < ARRAY_SIZE(security_dirs); i++)
			write_file_entry(x, "FSObjectDir", security_dirs[i], NULL);
		xw_end(x);
	}
	xw_end(x);
	xw_end(x);
	strbuf_release(&tmp);
}

static void write_bkupinfo(struct xw *x, const struct gpo_backup_info *in)
{
	xw_start(x, "BackupInst");
	xw_attr(x, "xmlns", NS_MANIFEST);
	xw_element_cdata(x, "GPOGuid", in->gpo_id);
	xw_element_cdata(x, "GPODomain", in->domain);
	xw_element_cdata(x, "GPODomainGuid", in->domain_guid);
	xw_element_cdata(x, "GPODomainController", in->domain_controller);
	xw_element_cdata(x, "BackupTime", in->backup_time);
	xw_element_cdata(x, "ID", in->backup_id);
	xw_element_cdata(x, "Comment", in->comment);
	xw_element_cdata(x, "GPODisplayName", in->display_name);
	xw_end(x);
}

bool gpo_backup_xml(const struct gpo_backup_info *info, const char *schema_dir, struct strbuf *backup_xml,
		    struct strbuf *bkupinfo_xml, struct strbuf *err)
{
	if (!check_info(info, err))
		return false;
	struct strbuf out_backup = STRBUF_INIT, out_info = STRBUF_INIT, why = STRBUF_INIT;
	struct xml_errlog log;
	struct xml_guard g;
	xml_errlog_init(&log, &why, GPO_BACKUP_XML);
	xml_guard_enter(&g, &log);
	struct xw x;
	xw_begin(&x);
	write_backup(&x, info);
	bool ok = xw_finish(&x, &out_backup, err);
	xw_begin(&x);
	write_bkupinfo(&x, info);
	ok = xw_finish(&x, &out_info, err) && ok;
	xml_guard_leave(&g);
	xml_errlog_finish(&log);
	if (ok && why.len) {
		// libxml2 complained without a call failing: still not trustworthy output.
		strbuf_addf(err, "internal error: libxml2 reported while writing Backup.xml: %s", why.buf);
		ok = false;
	}
	strbuf_reset(&why);
	if (ok && !gpo_backup_check(out_backup.buf, out_backup.len, out_info.buf, out_info.len, schema_dir, &why)) {
		strbuf_addf(err, "internal error: the generated Backup.xml/bkupInfo.xml fail validation: %s", why.buf);
		ok = false;
	}
	if (ok) {
		strbuf_addbuf(backup_xml, &out_backup);
		strbuf_addbuf(bkupinfo_xml, &out_info);
	}
	strbuf_release(&out_backup);
	strbuf_release(&out_info);
	strbuf_release(&why);
	return ok;
}

// Checking ======================================================================

static void report(struct xml_errlog *log, const char *file, xmlNodePtr n, const char *fmt, ...)
	GPOC_PRINTF(4, 5);
static void report(struct xml_errlog *log, const char *file, xmlNodePtr n, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	const char *saved = log->name;
	log->name = file;
	xml_errlog_add(log, n ? xmlGetLineNo(n) : 0, "%s", msg.buf);
	log->name = saved;
	strbuf_release(&msg);
}

// An extension list that passed the schema ("[{G}{G}...]..." upper case): groups
// must be in CSE order, each CSE once, tools in order within a group.
static void check_extension_order(struct xml_errlog *log, xmlNodePtr n)
{
	char *text = xml_text(n);
	const size_t g = 38; // strlen("{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}")
	const char *prev_cse = NULL;
	for (const char *p = text; *p == '[';) {
		const char *cse = p + 1;
		if (prev_cse && strncmp(prev_cse, cse, g) >= 0) {
			report(log, GPO_BACKUP_XML, n, "'%s' is not sorted by extension GUID", (const char *)n->name);
			break;
		}
		prev_cse = cse;
		const char *prev_tool = NULL;
		for (p = cse + g; *p == '{'; p += g) {
			if (prev_tool && strncmp(prev_tool, p, g) >= 0) {
				report(log, GPO_BACKUP_XML, n, "tools of '%.*s' in '%s' are not sorted", (int)g, cse,
				       (const char *)n->name);
				break;
			}
			prev_tool = p;
		}
		while (*p && *p != ']')
			p++;
		if (*p == ']')
			p++;
	}
	xmlFree(text);
}

static char *core_text(xmlNodePtr core, const char *name, xmlNodePtr *node)
{
	*node = xml_child(core, name);
	return *node ? xml_text(*node) : NULL;
}

static bool check_in_guard(struct xml_errlog *log, const char *backup, size_t backup_len, const char *info,
			   size_t info_len, const char *schema_dir)
{
	size_t before = log->count;
	xmlDocPtr b = xml_read(log, GPO_BACKUP_XML, backup, backup_len);
	xmlDocPtr m = xml_read(log, GPO_BKUPINFO_XML, info, info_len);
	bool valid = b && m;
	if (b && !xml_validate_doc(log, schema_dir, "gpo-backup.xsd", b))
		valid = false;
	if (m && !xml_validate_doc(log, schema_dir, "gpo-bkupinfo.xsd", m))
		valid = false;
	if (valid) {
		xmlNodePtr core = xml_child(xml_child(xmlDocGetRootElement(b), "GroupPolicyObject"),
					    "GroupPolicyCoreSettings");
		xmlNodePtr inst = xmlDocGetRootElement(m);
		xmlNodePtr n_id, n_name, n_guid, n_dname, n_ext;
		char *id = core_text(core, "ID", &n_id);
		char *name = core_text(core, "DisplayName", &n_name);
		char *guid = core_text(inst, "GPOGuid", &n_guid);
		char *dname = core_text(inst, "GPODisplayName", &n_dname);
		if (ascii_strcasecmp(id, guid))
			report(log, GPO_BKUPINFO_XML, n_guid, "GPOGuid '%s' is not the ID '%s' of Backup.xml", guid, id);
		if (strcmp(name, dname))
			report(log, GPO_BKUPINFO_XML, n_dname,
			       "GPODisplayName '%s' is not the DisplayName '%s' of Backup.xml", dname, name);
		xmlFree(id);
		xmlFree(name);
		xmlFree(guid);
		xmlFree(dname);
		if ((n_ext = xml_child(core, "MachineExtensionGuids")))
			check_extension_order(log, n_ext);
		if ((n_ext = xml_child(core, "UserExtensionGuids")))
			check_extension_order(log, n_ext);
	}
	if (b)
		xmlFreeDoc(b);
	if (m)
		xmlFreeDoc(m);
	return log->count == before;
}

bool gpo_backup_check(const char *backup_xml, size_t backup_len, const char *bkupinfo_xml, size_t bkupinfo_len,
		      const char *schema_dir, struct strbuf *err)
{
	struct xml_errlog log;
	struct xml_guard g;
	xml_errlog_init(&log, err, GPO_BACKUP_XML);
	xml_guard_enter(&g, &log);
	bool ok = check_in_guard(&log, backup_xml, backup_len, bkupinfo_xml, bkupinfo_len, schema_dir);
	xml_guard_leave(&g);
	xml_errlog_finish(&log);
	return ok;
}
