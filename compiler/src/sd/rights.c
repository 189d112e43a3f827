// Rights vocabularies: the words an intent uses for access-mask bits, and the rules
// each kind of descriptor must obey (DOMAIN.md §2).
//
// The same bit means different things in different descriptors -- 0x2 is "delete
// child" for a directory object, "local launch" in a DCOM launch permission and
// "execute methods" on a WMI namespace -- so every name belongs to a vocabulary.
// A vocabulary lists its names in bit order; names are lowercase with hyphens
// ("remote-enable"), and explanations print them with spaces ("remote enable").
//
// Composite names (a file's "read" is eight bits) are tried before single bits when
// explaining, so 0x120089 reads "read" rather than eight words; a composite is used
// only if it adds bits not already explained.
//
// The validity rules are those Windows enforces when the descriptor is applied:
// COM refuses ACEs without EXECUTE and ACLs mixing execute-only ACEs (the pre-XP
// SP2 form) with local/remote ones; WMI's __SystemSecurity.SetSD refuses unknown bits,
// Full Write without Partial Write and Provider Write, inherit-only without container
// inherit, and descriptors without owner or group; it ignores inherited ACEs, which
// is refused here too so nothing a user wrote is silently discarded.
#include "sd/secdesc.h"

#include <stdarg.h>
#include <string.h>

#include "core/util.h"

struct right {
	const char *name;
	uint32_t mask;
};

enum {
	COM_EXECUTE = 0x1,
	WMI_ENABLE = 0x1, WMI_FULL_WRITE = 0x4, WMI_PARTIAL_WRITE = 0x8, WMI_PROVIDER_WRITE = 0x10,
};

static const struct right generic_rights[] = {
	{ "create-child", 0x1 }, { "delete-child", 0x2 }, { "list-children", 0x4 },
	{ "self-write", 0x8 }, { "read-property", 0x10 }, { "write-property", 0x20 },
	{ "delete-tree", 0x40 }, { "list-object", 0x80 }, { "control-access", 0x100 },
	{ "delete", 0x10000 }, { "read-control", 0x20000 }, { "write-dac", 0x40000 },
	{ "write-owner", 0x80000 }, { "synchronize", 0x100000 },
	{ "access-system-security", 0x1000000 }, { "maximum-allowed", 0x2000000 },
	{ "generic-all", 0x10000000 }, { "generic-execute", 0x20000000 },
	{ "generic-write", 0x40000000 }, { "generic-read", 0x80000000 },
	{ NULL, 0 },
};

// Standard and generic rights shared by the file and registry vocabularies.
#define STANDARD_RIGHTS \
	{ "delete", 0x10000 }, { "read-control", 0x20000 }, { "write-dac", 0x40000 }, \
	{ "write-owner", 0x80000 }, { "synchronize", 0x100000 }, \
	{ "access-system-security", 0x1000000 }, { "generic-all", 0x10000000 }, \
	{ "generic-execute", 0x20000000 }, { "generic-write", 0x40000000 }, \
	{ "generic-read", 0x80000000 }

static const struct right file_composites[] = {
	{ "full-control", 0x1F01FF }, { "read", 0x120089 }, { "write", 0x120116 },
	{ "execute", 0x1200A0 }, { NULL, 0 },
};
static const struct right file_rights[] = {
	{ "full-control", 0x1F01FF }, { "read", 0x120089 }, { "write", 0x120116 },
	{ "execute", 0x1200A0 },
	{ "read-data", 0x1 }, { "write-data", 0x2 }, { "append-data", 0x4 },
	{ "read-ea", 0x8 }, { "write-ea", 0x10 }, { "traverse", 0x20 },
	{ "delete-child", 0x40 }, { "read-attributes", 0x80 }, { "write-attributes", 0x100 },
	STANDARD_RIGHTS, { NULL, 0 },
};

static const struct right registry_composites[] = {
	{ "full-control", 0xF003F }, { "read", 0x20019 }, { "write", 0x20006 }, { NULL, 0 },
};
static const struct right registry_rights[] = {
	{ "full-control", 0xF003F }, { "read", 0x20019 }, { "write", 0x20006 },
	{ "query-value", 0x1 }, { "set-value", 0x2 }, { "create-sub-key", 0x4 },
	{ "enumerate-sub-keys", 0x8 }, { "notify", 0x10 }, { "create-link", 0x20 },
	{ "wow64-64key", 0x100 }, { "wow64-32key", 0x200 },
	STANDARD_RIGHTS, { NULL, 0 },
};

static const struct right com_launch_rights[] = {
	{ "local-launch", 0x2 }, { "remote-launch", 0x4 }, { "local-activation", 0x8 },
	{ "remote-activation", 0x10 }, { NULL, 0 },
};
static const struct right com_access_rights[] = {
	{ "local-access", 0x2 }, { "remote-access", 0x4 }, { NULL, 0 },
};
static const struct right wmi_rights[] = {
	{ "enable", 0x1 }, { "execute-methods", 0x2 }, { "full-write", 0x4 },
	{ "partial-write", 0x8 }, { "provider-write", 0x10 }, { "remote-enable", 0x20 },
	{ "read-security", 0x20000 }, { "edit-security", 0x40000 }, { NULL, 0 },
};

static const struct right no_composites[] = { { NULL, 0 } };

static const struct {
	const char *name;
	const struct right *rights, *composites;
	uint32_t valid; // bits a descriptor of this kind may hold (0: any)
} vocabs[] = {
	[VOCAB_GENERIC] = { "generic", generic_rights, no_composites, 0 },
	[VOCAB_FILE] = { "file", file_rights, file_composites, 0 },
	[VOCAB_REGISTRY] = { "registry", registry_rights, registry_composites, 0 },
	[VOCAB_COM_LAUNCH] = { "com-launch", com_launch_rights, no_composites, 0x1F },
	[VOCAB_COM_ACCESS] = { "com-access", com_access_rights, no_composites, 0x7 },
	[VOCAB_WMI] = { "wmi", wmi_rights, no_composites, 0x6003F },
};

bool rights_vocab_from_name(const char *name, enum rights_vocab *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(vocabs); i++)
		if (!strcmp(name, vocabs[i].name)) {
			*out = (enum rights_vocab)i;
			return true;
		}
	return false;
}

const char *rights_vocab_name(enum rights_vocab v)
{
	return vocabs[v].name;
}

bool rights_from_name(enum rights_vocab v, const char *name, uint32_t *mask)
{
	for (const struct right *r = vocabs[v].rights; r->name; r++)
		if (!strcmp(name, r->name)) {
			*mask = r->mask;
			return true;
		}
	return false;
}

// Name lists for rights_names(), in the order of the tables above.
static const char *const generic_names[] = {
	"create-child", "delete-child", "list-children", "self-write", "read-property",
	"write-property", "delete-tree", "list-object", "control-access", "delete",
	"read-control", "write-dac", "write-owner", "synchronize",
	"access-system-security", "maximum-allowed", "generic-all", "generic-execute",
	"generic-write", "generic-read", NULL,
};
static const char *const file_names[] = {
	"full-control", "read", "write", "execute", "read-data", "write-data",
	"append-data", "read-ea", "write-ea", "traverse", "delete-child",
	"read-attributes", "write-attributes", "delete", "read-control", "write-dac",
	"write-owner", "synchronize", "access-system-security", "generic-all",
	"generic-execute", "generic-write", "generic-read", NULL,
};
static const char *const registry_names[] = {
	"full-control", "read", "write", "query-value", "set-value", "create-sub-key",
	"enumerate-sub-keys", "notify", "create-link", "wow64-64key", "wow64-32key",
	"delete", "read-control", "write-dac", "write-owner", "synchronize",
	"access-system-security", "generic-all", "generic-execute", "generic-write",
	"generic-read", NULL,
};
static const char *const com_launch_names[] = {
	"local-launch", "remote-launch", "local-activation", "remote-activation", NULL,
};
static const char *const com_access_names[] = {
	"local-access", "remote-access", NULL,
};
static const char *const wmi_names[] = {
	"enable", "execute-methods", "full-write", "partial-write", "provider-write",
	"remote-enable", "read-security", "edit-security", NULL,
};

const char *const *rights_names(enum rights_vocab v)
{
	switch (v) {
	case VOCAB_GENERIC: return generic_names;
	case VOCAB_FILE: return file_names;
	case VOCAB_REGISTRY: return registry_names;
	case VOCAB_COM_LAUNCH: return com_launch_names;
	case VOCAB_COM_ACCESS: return com_access_names;
	case VOCAB_WMI: return wmi_names;
	}
	BUG("rights_names: vocabulary %d", (int)v);
}

static void add_words(struct strbuf *out, const char *name, bool *first)
{
	if (!*first)
		strbuf_addstr(out, ", ");
	*first = false;
	for (const char *p = name; *p; p++)
		strbuf_addch(out, *p == '-' ? ' ' : *p);
}

void rights_explain(enum rights_vocab v, uint32_t mask, struct strbuf *out)
{
	bool first = true;
	uint32_t covered = 0;
	if (!mask) {
		strbuf_addstr(out, "no rights");
		return;
	}
	if (v == VOCAB_COM_LAUNCH || v == VOCAB_COM_ACCESS) {
		// EXECUTE is implied by every COM grant; alone it is the old form that
		// means everything.
		if (mask == COM_EXECUTE) {
			strbuf_addstr(out, v == VOCAB_COM_LAUNCH ?
				      "execute (all launch and activation rights, legacy form)" :
				      "execute (all access rights, legacy form)");
			return;
		}
		covered |= COM_EXECUTE;
	}
	for (const struct right *r = vocabs[v].composites; r->name; r++)
		if ((mask & r->mask) == r->mask && (r->mask & ~covered)) {
			add_words(out, r->name, &first);
			covered |= r->mask;
		}
	for (uint32_t bit = 1; bit; bit <<= 1) {
		if (!(mask & bit) || (covered & bit))
			continue;
		const struct right *r = vocabs[v].rights;
		while (r->name && r->mask != bit)
			r++;
		if (r->name) {
			add_words(out, r->name, &first);
		} else {
			if (!first)
				strbuf_addstr(out, ", ");
			first = false;
			strbuf_addf(out, "0x%lx", (unsigned long)bit);
		}
	}
}

uint32_t rights_effective_mask(enum rights_vocab v, uint32_t mask)
{
	if (v == VOCAB_COM_LAUNCH || v == VOCAB_COM_ACCESS)
		return mask | COM_EXECUTE;
	return mask;
}

static bool verr(struct strbuf *err, size_t i, const struct ace *ace, const char *fmt, ...)
	GPOC_PRINTF(4, 5);
static bool verr(struct strbuf *err, size_t i, const struct ace *ace, const char *fmt, ...)
{
	va_list ap;
	strbuf_addf(err, "DACL ACE %zu (", i + 1);
	const char *code = ace_type_code(ace->type);
	strbuf_addf(err, "%s for ", code ? code : "?");
	sid_format(&ace->sid, err);
	strbuf_addstr(err, "): ");
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
	return false;
}

static bool validate_com(enum rights_vocab v, const struct secdesc *sd, struct strbuf *err)
{
	const char *kind = v == VOCAB_COM_LAUNCH ? "launch" : "access";
	uint32_t valid = vocabs[v].valid;
	if (!(sd->control & SE_DACL_PRESENT) || sd->dacl_null) {
		strbuf_addf(err, "a COM %s permission needs a DACL; without one everyone "
			    "gets every right", kind);
		return false;
	}
	size_t legacy = SIZE_MAX, modern = SIZE_MAX;
	for (size_t i = 0; i < sd->dacl.count; i++) {
		const struct ace *ace = &sd->dacl.aces[i];
		if (ace->type != ACE_ALLOW && ace->type != ACE_DENY)
			return verr(err, i, ace, "COM permissions take only A and D ACEs");
		if (!(ace->mask & COM_EXECUTE))
			return verr(err, i, ace, "COM rights need EXECUTE (0x1, CC) in every ACE");
		if (ace->mask & ~valid)
			return verr(err, i, ace, "bits 0x%lx are not COM %s rights; expected 0x%lx "
				    "at most", (unsigned long)(ace->mask & ~valid), kind,
				    (unsigned long)valid);
		if (ace->mask == COM_EXECUTE)
			legacy = legacy == SIZE_MAX ? i : legacy;
		else
			modern = modern == SIZE_MAX ? i : modern;
	}
	if (legacy != SIZE_MAX && modern != SIZE_MAX)
		return verr(err, legacy > modern ? legacy : modern,
			    &sd->dacl.aces[legacy > modern ? legacy : modern],
			    "execute-only ACEs (legacy form) and ACEs with local/remote rights "
			    "cannot be mixed in one COM %s permission", kind);
	return true;
}

static bool validate_wmi(const struct secdesc *sd, struct strbuf *err)
{
	uint32_t valid = vocabs[VOCAB_WMI].valid;
	if (!sd->has_owner || !sd->has_group) {
		strbuf_addf(err, "a WMI namespace descriptor needs an owner and a group "
			    "(__SystemSecurity.SetSD refuses it); add 'O:BAG:BA'");
		return false;
	}
	if (!(sd->control & SE_DACL_PRESENT) || sd->dacl_null) {
		strbuf_addstr(err, "a WMI namespace descriptor needs a DACL");
		return false;
	}
	for (size_t i = 0; i < sd->dacl.count; i++) {
		const struct ace *ace = &sd->dacl.aces[i];
		if (ace->type != ACE_ALLOW && ace->type != ACE_DENY)
			return verr(err, i, ace, "WMI namespace security takes only A and D ACEs");
		if (ace->mask & ~valid)
			return verr(err, i, ace, "bits 0x%lx are not WMI namespace rights; expected "
				    "0x%lx at most", (unsigned long)(ace->mask & ~valid),
				    (unsigned long)valid);
		if ((ace->mask & WMI_FULL_WRITE) &&
		    (ace->mask & (WMI_PARTIAL_WRITE | WMI_PROVIDER_WRITE)) !=
			    (WMI_PARTIAL_WRITE | WMI_PROVIDER_WRITE))
			return verr(err, i, ace, "full write needs partial write and provider "
				    "write too (SetSD refuses it otherwise)");
		if ((ace->flags & ACE_IO) && !(ace->flags & ACE_CI))
			return verr(err, i, ace, "inherit-only (IO) without container inherit "
				    "(CI) is refused by SetSD");
		if (ace->flags & ACE_ID)
			return verr(err, i, ace, "inherited ACEs (ID) are ignored by SetSD; drop "
				    "the ID flag or the ACE");
	}
	return true;
}

bool rights_validate(enum rights_vocab v, const struct secdesc *sd, struct strbuf *err)
{
	switch (v) {
	case VOCAB_COM_LAUNCH:
	case VOCAB_COM_ACCESS:
		return validate_com(v, sd, err);
	case VOCAB_WMI:
		return validate_wmi(sd, err);
	case VOCAB_GENERIC:
	case VOCAB_FILE:
	case VOCAB_REGISTRY:
		break;
	}
	return true;
}
