#ifndef GPOC_MODEL_CAPABILITY_H
#define GPOC_MODEL_CAPABILITY_H

// Capabilities and primitives: the data side of the model (docs/capabilities.md).
//
// A *primitive* is an effect the C core knows: a firewall rule, a registry value, a
// group membership, an ACE in a DCOM limit, an AppID permission or a WMI namespace,
// or a host step. Each primitive declares its fields as typed parameters, exactly
// like a capability does, so that `allow: firewall-rule` in an intent and a
// `firewall-rule:` effect in a template are checked by the same code.
//
// A *capability* is a YAML file under templates/capabilities/ (or a directory given
// with --capabilities): typed parameters and a list of primitive effects with
// `${name}` substitution, `when:` conditions and `for-each:` iteration.
//
// This header is internal to the model module and the CLI's `gpoc capabilities`.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/strbuf.h"
#include "intent/intent.h"
#include "intent/ynode.h"
#include "model/model.h"
#include "sd/secdesc.h"

enum param_type {
	PT_STRING,         // any text without control characters
	PT_BOOL,           // true | false
	PT_INT,            // decimal, within min..max
	PT_ENUM,           // one of `values`
	PT_STRING_LIST,
	PT_ADDRESS_LIST,   // firewall remote addresses, or `any` alone
	PT_NAMESPACE,      // WMI namespace, root\...; kept in lowercase
	PT_NAMESPACE_LIST,
	PT_RIGHTS,         // right names of a vocabulary
	PT_GUID,           // {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}, kept in uppercase
	PT_PRINCIPAL,      // a principal key, a SID, an SDDL alias, or {name:, sid:}
	PT_DATA,           // registry data: a scalar or a list, read by the value's type
};

// A typed value: a parameter's default, what a grant gave, or a template field
// after substitution. Lists hold canonical item texts.
struct pval {
	enum param_type type;
	bool set;                    // false: optional, absent, no default
	struct src_pos pos;          // where it was written (intent or template)
	const char *s;               // STRING ENUM NAMESPACE GUID, PT_DATA scalar
	bool b;
	int64_t i;
	const char **items;          // lists, PT_RIGHTS names, PT_DATA list
	size_t n;
	bool is_list;                // PT_DATA: items[] rather than s
	bool has_vocab;              // PT_RIGHTS: names checked against `vocab`
	enum rights_vocab vocab;
	const struct principal *who; // PT_PRINCIPAL (NULL while only syntax-checked)
};

struct param_decl {
	const char *name;
	enum param_type type;
	const char *doc;
	bool required;
	bool has_default;
	struct pval def;
	const char *const *values;   // PT_ENUM
	size_t n_values;
	bool has_vocab;              // PT_RIGHTS
	enum rights_vocab vocab;
	int64_t min, max;            // PT_INT
	bool grantee_default;        // PT_PRINCIPAL: defaults to the grant's `to:`
	struct src_pos pos;          // in the template (primitives: none)
};

// --- Values ---

// How principal fields are resolved: `intent_text` is true for text an intent
// wrote (principal keys are looked up first), false for a template's own literals
// (only SIDs, aliases and {name:, sid:}). Returns false after reporting an error.
struct principal_resolver {
	bool (*resolve)(void *ctx, const struct ynode *n, const char *text, struct src_pos pos,
			bool intent_text, const struct principal **out);
	void *ctx;
};

struct vctx {
	struct arena *a;
	struct diag *d;
	const struct principal_resolver *pr; // NULL: principals are only syntax-checked
	bool intent_text;
	const char *owner;                   // "parameter 'from' of 'remote-wmi'", for messages
};

// Reads node `n` as a value of `decl`. Returns false after reporting an error at
// the node (or the offending item).
bool value_from_node(const struct vctx *c, const struct param_decl *decl, const struct ynode *n,
		     struct pval *out);
// Reads text (a template field after interpolation) as a value of `decl`.
bool value_from_text(const struct vctx *c, const struct param_decl *decl, const char *text,
		     struct src_pos pos, struct pval *out);
// Reads a list of texts (a list field after splicing) as a value of list type `decl`.
bool value_from_texts(const struct vctx *c, const struct param_decl *decl, const char *const *texts,
		      size_t n, struct src_pos pos, struct pval *out);
// The canonical texts of a value (one for scalars, the items of a list); a
// principal has none. Used when a variable is spliced or interpolated.
size_t value_texts(struct arena *a, const struct pval *v, const char ***out);
bool param_type_is_list(enum param_type t);
// The type of one item of a list type (PT_NAMESPACE for PT_NAMESPACE_LIST, ...).
enum param_type param_item_type(enum param_type t);
const char *param_type_name(enum param_type t);
// "enum (dcom-users-group | machine-acl)", "rights (wmi)", "address list"
void param_describe_type(const struct param_decl *p, struct strbuf *out);
// "['root\cimv2']", "true", "(required)", "(the grant's principal)", "(none)"
void param_describe_default(const struct param_decl *p, struct strbuf *out);

// Address syntax shared with the firewall-rule primitive: canonical text, or NULL
// with *err set.
const char *address_canonical(struct arena *a, const char *s, const char **err);

// --- Primitives ---

struct expand;
struct effect_src;
struct primitive {
	const char *name;
	const char *summary;
	const struct param_decl *fields;
	size_t n_fields;
	// Turns checked field values (indexed like `fields`) into raw effects.
	void (*build)(struct expand *x, const struct effect_src *src, const struct pval *vals);
};
const struct primitive *primitive_find(const char *name);
const struct primitive *const *primitive_list(size_t *n);
// Index of field `name` in p->fields, or -1.
int primitive_field(const struct primitive *p, const char *name);

// --- Capabilities ---

struct tmpl_cond {
	size_t param;              // index into the capability's params
	struct src_pos pos;
	bool test_bool;            // bool parameter, or emptiness of a list parameter
	bool b;
	const char **values;       // enum/string parameter: any of these
	size_t n_values;
};

// A piece of template text: literal (escapes resolved) or a variable reference,
// resolved when the template is read to VAR_* or the index of a parameter.
enum { VAR_PRINCIPAL = -1, VAR_POLICY = -2, VAR_LOOP = -3 };
struct tpart {
	const char *text;          // the literal text, or the variable's name
	size_t len;
	bool is_var;
	int var;
};

// One scalar of a field that needs substitution, split once when read.
struct tscalar {
	const struct tpart *parts;
	size_t n;
	struct src_pos pos;
};

struct tmpl_field {
	const struct ynode *node;  // NULL: the field is not written
	bool has_vars;             // holds `${...}`: substituted per grant
	bool literal_ok;           // no vars and not a principal: `literal` is ready
	struct pval literal;
	bool is_seq;               // has_vars: the field is a list of `scalars`...
	struct tscalar *scalars;   // ...or one scalar
	size_t n_scalars;
};

// The most fields a primitive has (expansion keeps one value per field on the stack).
enum { PRIM_MAX_FIELDS = 24 };

struct tmpl_effect {
	const struct primitive *prim;
	struct src_pos pos;        // the `- ` of the effect
	struct tmpl_field *fields; // indexed like prim->fields
	struct tmpl_cond *conds;
	size_t n_conds;
	bool has_loop;
	const char *loop_var;      // for-each: {loop_var: params[loop_param]}
	size_t loop_param;
	const char *risk;          // `risk:` annotation, or NULL
};

struct capability {
	const char *name;
	const char *summary;
	const char *description;
	const char *path;          // as opened (for --depfile and messages)
	const struct src_file *file;
	bool stock;                // from templates/capabilities rather than --capabilities
	struct param_decl *params;
	size_t n_params;
	struct tmpl_effect *effects;
	size_t n_effects;
	bool uses_principal;       // some effect needs the grant's `to:`
};

// Finds and loads capabilities by name from the stock directory and the extra
// ones, caching each (and each failure). Template files live in the arena, so
// diagnostics pointing into them stay valid as long as it does.
struct cap_loader {
	const struct model_options *opt;
	struct arena *a;
	struct diag *d;
	void *cache;               // name -> slot (capability.c)
	const char **files;        // every template file read (arena strings), malloc'ed array
	size_t n_files, alloc_files;
};
void cap_loader_init(struct cap_loader *l, const struct model_options *opt, struct arena *a, struct diag *d);
void cap_loader_release(struct cap_loader *l);

enum cap_find { CAP_FOUND, CAP_MISSING, CAP_BROKEN, CAP_REFUSED };
// CAP_MISSING: no file of that name (nothing reported); CAP_BROKEN: the file has
// errors (reported in the file); CAP_REFUSED: the name clashes between directories
// or the file cannot be read (reported at `use`).
enum cap_find cap_loader_get(struct cap_loader *l, const char *name, struct src_pos use,
			     const struct capability **out);
// Every capability name in the directories, sorted, without duplicates (arena).
size_t cap_loader_names(struct cap_loader *l, const char ***out);

// Name of a capability or template file: [a-z0-9][a-z0-9-]*, at most 64.
bool capability_name_valid(const char *s);

#endif
