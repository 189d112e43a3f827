// render_admx: administrative templates for the registry values of the model that
// no stock ADMX covers (m_registry.stock_template == false), so that a GPO editor
// shows them with a title and an explanation instead of as raw registry entries.
//
// Output, only when there is at least one such value (otherwise nothing at all):
//   admx/gpoc.admx, admx/en-US/gpoc.adml                 shared root category (xml/admx.h)
//   admx/gpoc-<policy>.admx, admx/en-US/gpoc-<policy>.adml
//
// How a value becomes a policy (docs/gpo.md has the reasoning):
//   REG_DWORD 0 or 1        an on/off policy: Enabled writes 1, Disabled writes 0
//   REG_DWORD other values  a number box (0-4294967295), preset to the model's value
//   REG_SZ / REG_EXPAND_SZ  a text box preset to the model's text (expandable for the latter)
//   REG_MULTI_SZ            a multi-line box; the model's strings are listed in the help
// A value ADMX cannot express is left out with a note saying why, and still reaches
// Windows through the reg and gpo outputs: REG_BINARY, REG_QWORD and every other
// type, a key's unnamed default value, hives other than HKLM and HKCU, and text a
// box cannot hold (line breaks, control characters, embedded NULs, an empty string
// inside a REG_MULTI_SZ). Display names and explain texts are data from templates
// and intents: one that XML cannot carry is an error at the grant.
//
// The help text of each policy is the model's explain text followed by what gpoc
// knows about the value: its full path and type, what Enabled/Disabled write, what
// this policy sets, the capabilities that asked for it, and -- for a key outside
// SOFTWARE\Policies -- that Group Policy leaves it behind when the GPO no longer
// applies. The writer validates both files (XSDs and cross-references) before they
// become artifacts.

#include <stdlib.h>
#include <string.h>

#include "core/utf.h"
#include "formats/registry.h"
#include "render/render.h"
#include "xml/admx.h"
#include "xml/xsd.h"

static struct src_pos value_pos(const struct m_registry *v)
{
	if (v->meta.n_prov)
		return v->meta.prov[0].grant;
	struct src_pos none = { 0 };
	return none;
}

// Everything one value needs while the documents are built; freed at the end.
struct admx_value {
	struct strbuf text;    // REG_SZ: the string; REG_MULTI_SZ: the strings, NUL-separated
	size_t n_strings;      // REG_MULTI_SZ
	struct strbuf explain; // composed help text
};

// Decodes a REG_SZ/REG_EXPAND_SZ/REG_MULTI_SZ into av->text. Returns NULL, or why
// the data cannot go into a text box (for the note).
static const char *decode_strings(const struct reg_value *rv, struct admx_value *av)
{
	if (rv->size % 2)
		return "its data is not UTF-16 (odd size)";
	if (!utf16le_to_utf8(&av->text, rv->data, rv->size))
		return "its data is not valid UTF-16";
	struct strbuf *t = &av->text;
	if (rv->type == REGT_MULTI_SZ) {
		// "a\0b\0\0": drop the terminators, then every NUL separates two strings.
		while (t->len && t->buf[t->len - 1] == '\0')
			strbuf_setlen(t, t->len - 1);
		av->n_strings = t->len ? 1 : 0;
		for (size_t i = 0; i < t->len; i++) {
			if (t->buf[i] != '\0')
				continue;
			if (i + 1 < t->len && t->buf[i + 1] == '\0')
				return "it holds an empty string, which a multi-line box cannot show";
			av->n_strings++;
		}
		return NULL;
	}
	if (t->len && t->buf[t->len - 1] == '\0')
		strbuf_setlen(t, t->len - 1);
	if (memchr(t->buf, '\0', t->len))
		return "its data holds a NUL before the end";
	return NULL;
}

static void describe_value(struct strbuf *ex, const struct m_registry *v, const char *policy,
			   const struct admx_setting *s, const struct admx_value *av)
{
	const struct reg_value *rv = &v->value;
	if (v->explain && *v->explain)
		strbuf_addf(ex, "%s\n\n", v->explain);
	strbuf_addf(ex, "Registry value: %s\\%s\\%s (%s).\n",
		    rv->hive == HIVE_HKCU ? "HKEY_CURRENT_USER" : "HKEY_LOCAL_MACHINE", rv->key, rv->name,
		    reg_type_name(rv->type));
	switch (s->kind) {
	case ADMX_SWITCH:
		strbuf_addf(ex, "Enabled writes %u, Disabled writes %u. gpoc policy '%s' sets %u (%s).\n",
			    (unsigned)s->on, (unsigned)s->off, policy, (unsigned)s->def,
			    s->def == s->on ? "Enabled" : "Disabled");
		break;
	case ADMX_DECIMAL:
		strbuf_addf(ex, "Enabled writes the number entered; gpoc policy '%s' sets %u.\n", policy,
			    (unsigned)s->def);
		break;
	case ADMX_TEXT:
		strbuf_addf(ex, "Enabled writes the text entered; gpoc policy '%s' sets the text preset in the box.\n",
			    policy);
		break;
	case ADMX_MULTI_TEXT:
		strbuf_addf(ex, "Enabled writes the lines entered; gpoc policy '%s' sets these %zu line(s):\n",
			    policy, av->n_strings);
		for (size_t i = 0; i < av->text.len;) {
			const char *line = av->text.buf + i;
			strbuf_addf(ex, "  %s\n", line);
			i += strlen(line) + 1;
		}
		break;
	}
	if (v->meta.n_prov) {
		strbuf_addstr(ex, "Requested by:");
		for (size_t i = 0; i < v->meta.n_prov; i++) {
			const char *cap = v->meta.prov[i].capability;
			bool seen = false;
			for (size_t j = 0; j < i && !seen; j++)
				seen = !strcmp(v->meta.prov[j].capability, cap);
			if (!seen)
				strbuf_addf(ex, "%s %s", i ? "," : "", cap);
		}
		strbuf_addstr(ex, ".\n");
	}
	if (ascii_strncasecmp(rv->key, "SOFTWARE\\Policies\\", 18))
		strbuf_addstr(ex, "This value lies outside SOFTWARE\\Policies: Group Policy leaves it in place when "
				  "the GPO no longer applies. Use gpoc's revert output to undo it.\n");
	// No trailing line break in the help text.
	while (ex->len && ex->buf[ex->len - 1] == '\n')
		strbuf_setlen(ex, ex->len - 1);
}

// Fills *s for one value. Returns false after a note when ADMX cannot express it
// (the caller skips it), or after an error when its texts are unusable.
static bool build_setting(struct render_ctx *ctx, const struct m_registry *v, struct admx_setting *s,
			  struct admx_value *av, bool *failed)
{
	const struct reg_value *rv = &v->value;
	struct src_pos pos = value_pos(v);
	const char *policy = ctx->m->intent->policy.name;
	const char *hive = rv->hive == HIVE_HKLM ? "HKLM" : rv->hive == HIVE_HKCU ? "HKCU" : "?";
	const char *why = NULL;
	struct strbuf err = STRBUF_INIT, what = STRBUF_INIT;
	bool ok = false;

	memset(s, 0, sizeof(*s));
	s->key = rv->key;
	s->value_name = rv->name;
	if (rv->hive == HIVE_HKLM)
		s->cls = ADMX_MACHINE;
	else if (rv->hive == HIVE_HKCU)
		s->cls = ADMX_USER;
	else
		why = "only HKLM and HKCU values can be Group Policy settings";
	if (!why && !*rv->name)
		why = "ADMX cannot set a key's unnamed default value";
	if (!why) {
		switch (rv->type) {
		case REGT_DWORD:
			if (rv->size != 4) {
				diag_error(ctx->d, pos, "internal error: REG_DWORD value '%s\\%s\\%s' has %zu bytes of data",
					   hive, rv->key, rv->name, rv->size);
				*failed = true;
				goto out;
			}
			s->def = get_le32(rv->data);
			if (s->def <= 1) {
				s->kind = ADMX_SWITCH;
				s->on = 1;
				s->off = 0;
			} else {
				s->kind = ADMX_DECIMAL;
				s->min = 0;
				s->max = UINT32_MAX;
			}
			break;
		case REGT_SZ:
		case REGT_EXPAND_SZ:
			s->kind = ADMX_TEXT;
			s->expandable = rv->type == REGT_EXPAND_SZ;
			why = decode_strings(rv, av);
			if (!why && !xml_text_check("its text", av->text.buf, XML_TEXT_LINE, &err))
				why = err.buf;
			s->def_text = av->text.buf;
			break;
		case REGT_MULTI_SZ:
			s->kind = ADMX_MULTI_TEXT;
			why = decode_strings(rv, av);
			for (size_t i = 0; !why && i < av->text.len;) {
				const char *line = av->text.buf + i;
				if (!xml_text_check("one of its strings", line, XML_TEXT_LINE, &err))
					why = err.buf;
				i += strlen(line) + 1;
			}
			break;
		default:
			why = "ADMX can only write REG_DWORD, REG_SZ, REG_EXPAND_SZ and REG_MULTI_SZ values";
			break;
		}
	}
	if (why) {
		const char *tn = reg_type_name(rv->type);
		if (tn)
			diag_note(ctx->d, pos,
				  "%s value '%s\\%s\\%s' is left out of the ADMX: %s (the reg and gpo outputs still set it)",
				  tn, hive, rv->key, rv->name, why);
		else
			diag_note(ctx->d, pos,
				  "value '%s\\%s\\%s' of type %u is left out of the ADMX: %s (the reg and gpo outputs "
				  "still set it)",
				  hive, rv->key, rv->name, (unsigned)rv->type, why);
		goto out;
	}

	s->display = v->display && *v->display ? v->display : rv->name;
	strbuf_addf(&what, "display name of '%s\\%s\\%s'", hive, rv->key, rv->name);
	if (!xml_text_check(what.buf, s->display, XML_TEXT_LINE, &err)) {
		diag_error(ctx->d, pos, "%s", err.buf);
		*failed = true;
		goto out;
	}
	strbuf_reset(&what);
	strbuf_addf(&what, "explain text of '%s\\%s\\%s'", hive, rv->key, rv->name);
	if (v->explain && !xml_text_check(what.buf, v->explain, XML_TEXT_MULTILINE, &err)) {
		diag_error(ctx->d, pos, "%s", err.buf);
		*failed = true;
		goto out;
	}
	describe_value(&av->explain, v, policy, s, av);
	s->explain = av->explain.buf;
	ok = true;
out:
	strbuf_release(&err);
	strbuf_release(&what);
	return ok;
}

static void add_artifact(struct render_ctx *ctx, const char *path, const struct strbuf *bytes)
{
	strbuf_addbuf(artifact_add(ctx->out, path), bytes);
}

// The registry settings behind gpoc's capabilities that no stock ADMX covers
// (DOMAIN.md §1). They are written as one template of their own, admx/gpoc-windows.admx,
// whenever the admx target is built, so a GPO author can manage them from any
// central store; the bytes are the same for every intent. The DCOM hardening
// values are number boxes limited to 1: Enabled writes 1, Disabled deletes the
// value (Windows then enforces hardening anyway), and 0 cannot be chosen.
#define WINDOWS_ADMX_POLICY "windows"
static const struct admx_setting windows_settings[] = {
	{ .cls = ADMX_MACHINE, .key = "SOFTWARE\\Microsoft\\WBEM\\CIMOM", .value_name = "AllowAnonymousCallback",
	  .kind = ADMX_SWITCH, .on = 1, .off = 0, .display = "Allow anonymous WMI callbacks",
	  .explain = "Enabled sets HKLM\\SOFTWARE\\Microsoft\\WBEM\\CIMOM\\AllowAnonymousCallback to 1: WMI accepts "
		     "asynchronous callbacks from anonymous callers. Only for machines without a trust between "
		     "them; Microsoft advises against it inside a domain. Disabled sets 0." },
	{ .cls = ADMX_MACHINE, .key = "SOFTWARE\\Microsoft\\WBEM\\CIMOM", .value_name = "UnsecAppAccessControlDefault",
	  .kind = ADMX_SWITCH, .on = 1, .off = 0, .display = "Check access of WMI asynchronous callbacks (unsecapp)",
	  .explain = "Enabled sets HKLM\\SOFTWARE\\Microsoft\\WBEM\\CIMOM\\UnsecAppAccessControlDefault to 1: "
		     "unsecapp.exe checks who delivers asynchronous callbacks. Disabled sets 0: callbacks are "
		     "not checked." },
	{ .cls = ADMX_MACHINE, .key = "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System",
	  .value_name = "LocalAccountTokenFilterPolicy", .kind = ADMX_SWITCH, .on = 1, .off = 0,
	  .display = "Disable UAC remote restrictions for local administrator accounts",
	  .explain = "Enabled sets LocalAccountTokenFilterPolicy to 1: local accounts in Administrators get "
		     "an unfiltered token over the network, which weakens pass-the-hash protection. It only "
		     "matters for local accounts; a non-administrator group never needs it. Disabled sets 0." },
	{ .cls = ADMX_MACHINE, .key = "SOFTWARE\\Microsoft\\Ole\\AppCompat",
	  .value_name = "RequireIntegrityActivationAuthenticationLevel", .kind = ADMX_DECIMAL, .min = 1, .max = 1,
	  .def = 1, .display = "DCOM hardening: require integrity for activation (KB5004442)",
	  .explain = "Enabled sets RequireIntegrityActivationAuthenticationLevel to 1. Disabled deletes the "
		     "value; Windows enforces the hardening since March 2023 either way. 0 cannot be set here: "
		     "it would turn the hardening off (CVE-2021-26414)." },
	{ .cls = ADMX_MACHINE, .key = "SOFTWARE\\Microsoft\\Ole\\AppCompat",
	  .value_name = "RaiseActivationAuthenticationLevel", .kind = ADMX_DECIMAL, .min = 1, .max = 1, .def = 1,
	  .display = "DCOM hardening: raise the activation authentication level (KB5004442)",
	  .explain = "Enabled sets RaiseActivationAuthenticationLevel to 1. Disabled deletes the value. 0 "
		     "cannot be set here: it would turn the hardening off (CVE-2021-26414)." },
};

// Renders admx/gpoc-windows.admx and its ADML into the buffers; false after an
// error in ctx->d.
static bool write_windows_template(struct render_ctx *ctx, const char *schema_dir, struct strbuf *admx,
				   struct strbuf *adml)
{
	const struct intent *in = ctx->m->intent;
	if (!ascii_strcasecmp(in->policy.name, WINDOWS_ADMX_POLICY)) {
		diag_error(ctx->d, in->policy.pos,
			   "policy name '%s' is reserved for gpoc's template of Windows settings "
			   "(admx/gpoc-" WINDOWS_ADMX_POLICY ".admx); choose another name",
			   in->policy.name);
		return false;
	}
	struct admx_doc doc = {
		.policy = WINDOWS_ADMX_POLICY,
		.title = "Windows DCOM and WMI settings without a stock template",
		.description = "Registry settings that remote WMI and DCOM access depend on and that no "
			       "Windows ADMX template covers. Written by gpoc, the same for every policy.",
		.settings = windows_settings,
		.n_settings = ARRAY_SIZE(windows_settings),
	};
	struct strbuf err = STRBUF_INIT;
	bool ok = admx_write(&doc, schema_dir, admx, adml, &err);
	if (!ok)
		diag_error(ctx->d, in->policy.pos, "%s", err.buf);
	strbuf_release(&err);
	return ok;
}

bool render_admx(struct render_ctx *ctx)
{
	const struct model *m = ctx->m;
	const struct intent *in = m->intent;
	struct admx_setting *settings = xcalloc(m->n_values ? m->n_values : 1, sizeof(*settings));
	struct admx_value *values = xcalloc(m->n_values ? m->n_values : 1, sizeof(*values));
	struct strbuf schemas = STRBUF_INIT, err = STRBUF_INIT, path = STRBUF_INIT;
	struct strbuf admx = STRBUF_INIT, adml = STRBUF_INIT, base_admx = STRBUF_INIT, base_adml = STRBUF_INIT;
	struct strbuf win_admx = STRBUF_INIT, win_adml = STRBUF_INIT;
	size_t n = 0;
	bool failed = false;

	for (size_t i = 0; i < m->n_values; i++) {
		const struct m_registry *v = &m->values[i];
		if (v->stock_template)
			continue;
		strbuf_init(&values[n].text, 0);
		strbuf_init(&values[n].explain, 0);
		if (build_setting(ctx, v, &settings[n], &values[n], &failed)) {
			n++;
		} else {
			strbuf_release(&values[n].text);
			strbuf_release(&values[n].explain);
		}
	}
	if (failed)
		goto out;
	if (n && in->policy.description &&
	    !xml_text_check("policy description", in->policy.description, XML_TEXT_MULTILINE, &err)) {
		diag_error(ctx->d, in->policy.pos, "%s", err.buf);
		failed = true;
		goto out;
	}
	// Every file is rendered before any is added, so a failure adds none.
	strbuf_addf(&schemas, "%s/schemas", ctx->datadir);
	if (!admx_write_base(schemas.buf, &base_admx, &base_adml, &err)) {
		diag_error(ctx->d, in->policy.pos, "%s", err.buf);
		failed = true;
		goto out;
	}
	if (!write_windows_template(ctx, schemas.buf, &win_admx, &win_adml)) {
		failed = true;
		goto out;
	}
	struct admx_doc doc = {
		.policy = in->policy.name,
		.title = in->policy.name,
		.description = in->policy.description,
		.settings = settings,
		.n_settings = n,
	};
	if (n && !admx_write(&doc, schemas.buf, &admx, &adml, &err)) {
		diag_error(ctx->d, in->policy.pos, "%s", err.buf);
		failed = true;
		goto out;
	}
	add_artifact(ctx, "admx/gpoc.admx", &base_admx);
	add_artifact(ctx, "admx/en-US/gpoc.adml", &base_adml);
	add_artifact(ctx, "admx/gpoc-" WINDOWS_ADMX_POLICY ".admx", &win_admx);
	add_artifact(ctx, "admx/en-US/gpoc-" WINDOWS_ADMX_POLICY ".adml", &win_adml);
	if (n) {
		strbuf_addf(&path, "admx/gpoc-%s.admx", in->policy.name);
		add_artifact(ctx, path.buf, &admx);
		strbuf_reset(&path);
		strbuf_addf(&path, "admx/en-US/gpoc-%s.adml", in->policy.name);
		add_artifact(ctx, path.buf, &adml);
	}
out:
	for (size_t i = 0; i < n; i++) {
		strbuf_release(&values[i].text);
		strbuf_release(&values[i].explain);
	}
	free(values);
	free(settings);
	strbuf_release(&schemas);
	strbuf_release(&err);
	strbuf_release(&path);
	strbuf_release(&admx);
	strbuf_release(&adml);
	strbuf_release(&base_admx);
	strbuf_release(&base_adml);
	strbuf_release(&win_admx);
	strbuf_release(&win_adml);
	return !failed;
}
