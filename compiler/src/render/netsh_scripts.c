// The netsh target: netsh/firewall.netsh, netsh/apply.cmd and netsh/revert.cmd.
//
// firewall.netsh is for `netsh -f`: per rule, in model order (sorted by ID), three
// lines — a disabled placeholder with the rule's name, a delete of that name, and
// the real add. The delete removes every rule of the name (an earlier run's
// included), so a rerun leaves exactly one; the placeholder makes sure the delete
// always matches something, because a delete that matches nothing fails and netsh's
// behaviour after a failing line in a -f script is not documented.
//
// apply.cmd applies everything for one host, in order: firewall, local group
// memberships, `reg import` of reg/apply.reg (when the model has registry values or
// DCOM descriptors), the PowerShell namespace step (when it has namespace
// descriptors), then the model's steps. revert.cmd undoes them in reverse order.
// Conventions of both files:
// - CRLF line ends, printable ASCII only, `@echo off` and
//   `setlocal EnableExtensions DisableDelayedExpansion` first, so `!` is literal;
// - every value from the model sits inside double quotes made by quote.h (`%` written
//   `%%`; values cmd cannot carry are refused at their intent line), and the only
//   percent expansion left for cmd is `%~dp0`, the script's own directory;
// - after each command, `if errorlevel 1` and `if not errorlevel 0` (some tools, like
//   certutil, exit with negative HRESULTs) stop the script with a message naming
//   the step and exit code 1. echo and rem lines hold constant text only;
// - group memberships go through PowerShell's Add-LocalGroupMember, addressing the
//   group by SID (builtin group names are translated) and "already a member" as
//   success; names reach PowerShell as ASCII-only expressions (quote.h).
//
// Before returning, the renderer checks its own output with independent readers:
// the netsh checker over firewall.netsh (the rules it leaves must equal the model's),
// and a scan of every .cmd line that blanks out quoted text and requires what is
// left to be one of the fixed command shapes below, with `%` only as `%%` or `%~dp0`.

#include "render/render.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "netsh/fwaddr.h"
#include "netsh/netsh.h"
#include "netsh/quote.h"
#include "sd/secdesc.h"

#define CRLF "\r\n"

static const char ALREADY_MEMBER[] = "MemberExists,Microsoft.PowerShell.Commands.AddLocalGroupMemberCommand";
static const char NOT_A_MEMBER[] = "MemberNotFound,Microsoft.PowerShell.Commands.RemoveLocalGroupMemberCommand";

// User text in a message: at most 60 bytes, then "...".
static const char *shown(struct strbuf *tmp, const char *s)
{
	strbuf_reset(tmp);
	size_t len = strlen(s);
	if (len > 60) {
		strbuf_add(tmp, s, 60);
		strbuf_addstr(tmp, "...");
	} else {
		strbuf_addstr(tmp, s);
	}
	return tmp->buf;
}

static struct src_pos meta_pos(const struct effect_meta *meta)
{
	if (meta->n_prov)
		return meta->prov[0].grant;
	return src_pos_make(NULL, 0, 0);
}

static struct src_pos principal_pos(const struct principal *p, const struct effect_meta *meta)
{
	if (p->pos.file)
		return p->pos;
	return meta_pos(meta);
}

// netsh's own line limit is not documented; every line gpoc writes, in the .cmd files
// and in firewall.netsh alike, stays within cmd.exe's 8191 characters, with room for
// what `%~dp0` expands to.
enum { LINE_BUDGET = CMD_LINE_MAX - 200 };

static bool lines_fit(const struct strbuf *text, struct strbuf *why)
{
	const char *p = text->buf, *end = text->buf + text->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		if (len > LINE_BUDGET) {
			strbuf_addf(why, "its command would be %zu characters long; gpoc keeps script lines "
				    "within %d (cmd.exe reads at most %d)", len, (int)LINE_BUDGET, (int)CMD_LINE_MAX);
			return false;
		}
		p = nl ? nl + 1 : end;
	}
	return true;
}

// rmtusrgrp/rmtcomputergrp must be SDDL that Windows accepts (the writer copies it).
static bool sddl_ok(const char *sddl, const char *what, const struct sid_context *sids, struct strbuf *why)
{
	if (!sddl)
		return true;
	struct secdesc sd;
	struct sddl_error err;
	secdesc_init(&sd);
	bool ok = sddl_parse(sddl, strlen(sddl), sids, &sd, &err);
	secdesc_release(&sd);
	if (!ok)
		strbuf_addf(why, "the %s is not valid SDDL (at byte %zu: %s)", what, err.offset, err.message);
	return ok;
}

// " (file.yaml:12, file.yaml:30)": where the effect came from.
static void add_provenance(const struct effect_meta *meta, struct strbuf *out)
{
	const char *sep = " (";
	size_t shown = 0;
	for (size_t i = 0; i < meta->n_prov; i++) {
		struct src_pos pos = meta->prov[i].grant;
		if (!pos.file)
			continue;
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++)
			dup = meta->prov[k].grant.file == pos.file && meta->prov[k].grant.line == pos.line;
		if (dup)
			continue;
		if (shown == 8) {
			strbuf_addstr(out, ", ...");
			break;
		}
		const char *base = strrchr(pos.file->name, '/');
		strbuf_addf(out, "%s%s:%u", sep, base ? base + 1 : pos.file->name, pos.line);
		sep = ", ";
		shown++;
	}
	if (shown)
		strbuf_addch(out, ')');
}

// --- Step writing ---

struct script {
	struct strbuf text;
	size_t step;     // steps written so far
	size_t total;    // steps in the file
};

static void line(struct script *s, const char *text)
{
	strbuf_addstr(&s->text, text);
	strbuf_addstr(&s->text, CRLF);
}

// One step: an echo naming it, the command, and the two errorlevel checks.
// `what` is constant text chosen by gpoc, never model data.
static void step(struct script *s, const char *what, const char *command)
{
	s->step++;
	strbuf_addf(&s->text, "echo gpoc: step %zu of %zu: %s" CRLF, s->step, s->total, what);
	line(s, command);
	strbuf_addf(&s->text, "if errorlevel 1 (echo gpoc: step %zu failed: %s& exit /b 1)" CRLF, s->step, what);
	strbuf_addf(&s->text, "if not errorlevel 0 (echo gpoc: step %zu failed: %s& exit /b 1)" CRLF, s->step,
		    what);
}

static void prologue(struct script *s, const char *purpose)
{
	line(s, "@echo off");
	line(s, "setlocal EnableExtensions DisableDelayedExpansion");
	strbuf_addf(&s->text, "rem Generated by gpoc: %s." CRLF, purpose);
	line(s, "rem Run from an elevated 64-bit command prompt. Each step stops the script with exit");
	line(s, "rem code 1 when it fails; running it again after a fix is safe.");
}

static void epilogue(struct script *s)
{
	line(s, "echo gpoc: done");
	line(s, "exit /b 0");
}

// One principal as a PowerShell expression that can travel inside a .cmd line:
// ASCII only (quote.h), and without '"', the one character ps_quote_ascii() keeps
// that cmd.exe cannot carry inside the quoted command.
static bool principal_expr(const struct principal *p, struct strbuf *ps, struct strbuf *why)
{
	struct strbuf text = STRBUF_INIT;
	bool ok = true;
	if (p->has_sid) {
		sid_format(&p->sid, &text);
	} else if (p->name) {
		strbuf_addstr(&text, p->name);
	} else {
		strbuf_addstr(why, "it has neither a SID nor a name");
		ok = false;
	}
	const char *dq = ok ? memchr(text.buf, '"', text.len) : NULL;
	if (dq) {
		strbuf_addf(why, "contains '\"' at byte %zu: cmd.exe cannot carry a double quote inside the "
			    "quoted PowerShell command", (size_t)(dq - text.buf));
		ok = false;
	}
	ok = ok && ps_quote_ascii(text.buf, text.len, ps, why);
	strbuf_release(&text);
	return ok;
}

static size_t principal_text_len(const struct principal *p)
{
	return p->has_sid ? 0 : p->name ? strlen(p->name) : 0;
}

// The PowerShell command for one membership change, as a .cmd line. On failure
// *member_failed says whether the member (else the group) was refused.
static bool membership_line(const struct m_member *mm, bool add, struct strbuf *out, struct strbuf *why,
			    bool *member_failed)
{
	struct strbuf ps = STRBUF_INIT;
	const struct principal *g = mm->group, *mem = mm->member;
	strbuf_addf(&ps, "$ErrorActionPreference = 'Stop'; try { %s-LocalGroupMember %s ", add ? "Add" : "Remove",
		    g->has_sid ? "-SID" : "-Name");
	*member_failed = false;
	bool ok = principal_expr(g, &ps, why);
	if (ok) {
		*member_failed = true;
		strbuf_addstr(&ps, " -Member ");
		ok = principal_expr(mem, &ps, why);
	}
	if (ok) {
		strbuf_addf(&ps, " } catch { if ($_.FullyQualifiedErrorId -ne '%s') { throw } }",
			    add ? ALREADY_MEMBER : NOT_A_MEMBER);
		strbuf_addstr(out, "powershell -NoProfile -NonInteractive -Command ");
		if (!cmd_quote_mem(ps.buf, ps.len, out, why))
			BUG("cmd.exe refused a PowerShell command built from checked parts: %s", why->buf);
	}
	strbuf_release(&ps);
	return ok;
}

// --- Self-check: the .cmd scan ---

// The command shapes a .cmd line may have once quoted text is replaced by "".
static const char *const cmd_shapes[] = {
	"@echo off",
	"setlocal EnableExtensions DisableDelayedExpansion",
	"netsh -f \"\"",
	"netsh advfirewall firewall add rule name=\"\" dir=in action=block enable=no",
	"netsh advfirewall firewall delete rule name=\"\"",
	"powershell -NoProfile -NonInteractive -Command \"\"",
	"powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -File \"\"",
	"reg import \"\" /reg:64",
	"certutil -setreg SetupStatus -SETUP_DCOM_SECURITY_UPDATED_FLAG",
	"net stop certsvc",
	"net start certsvc",
	"net stop winmgmt /y",
	"net start winmgmt",
	"winmgmt /sharedhost",
	"exit /b 0",
};

// Constant text of echo and rem lines: nothing cmd would act on.
static bool plain_text(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (strchr("\"%!^&|<>()", s[i]))
			return false;
	return true;
}

static bool has_prefix(const char *s, size_t len, const char *p, size_t *plen)
{
	*plen = strlen(p);
	return len >= *plen && !memcmp(s, p, *plen);
}

static bool shape_ok(const char *s, size_t len)
{
	size_t pl;
	for (size_t i = 0; i < ARRAY_SIZE(cmd_shapes); i++)
		if (strlen(cmd_shapes[i]) == len && !memcmp(cmd_shapes[i], s, len))
			return true;
	if (has_prefix(s, len, "rem ", &pl) || has_prefix(s, len, "echo gpoc: ", &pl))
		return plain_text(s + pl, len - pl);
	if (has_prefix(s, len, "winmgmt /standalonehost ", &pl))
		return len == pl + 1 && s[pl] >= '1' && s[pl] <= '6';
	static const char *const checks[] = { "if errorlevel 1 (echo gpoc: ", "if not errorlevel 0 (echo gpoc: " };
	static const char tail[] = "& exit /b 1)";
	for (int k = 0; k < 2; k++) {
		if (has_prefix(s, len, checks[k], &pl)) {
			size_t tl = strlen(tail);
			return len >= pl + tl && !memcmp(s + len - tl, tail, tl) && plain_text(s + pl, len - pl - tl);
		}
	}
	return false;
}

// Checks one .cmd line; on failure appends the reason to `why`.
static bool scan_cmd_line(const char *s, size_t len, struct strbuf *why)
{
	if (len > CMD_LINE_MAX - 200) {
		strbuf_addf(why, "line of %zu characters is too long for cmd.exe", len);
		return false;
	}
	struct strbuf residue = STRBUF_INIT;
	bool in_q = false, ok = true;
	for (size_t i = 0; i < len && ok; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f) {
			strbuf_addf(why, "byte 0x%02x at column %zu", c, i + 1);
			ok = false;
		} else if (c == '%') {
			if (i + 1 < len && s[i + 1] == '%') {
				i++;
				if (!in_q) {
					strbuf_addf(why, "'%%%%' outside quotes at column %zu", i);
					ok = false;
				}
			} else if (len - i >= 5 && !memcmp(s + i, "%~dp0", 5) && in_q) {
				i += 4;
			} else {
				strbuf_addf(why, "'%%' that cmd would expand at column %zu", i + 1);
				ok = false;
			}
		} else if (c == '"') {
			in_q = !in_q;
			strbuf_addch(&residue, '"');
		} else if (!in_q) {
			strbuf_addch(&residue, (char)c);
		}
	}
	if (ok && in_q) {
		strbuf_addstr(why, "unbalanced double quote");
		ok = false;
	}
	if (ok && !shape_ok(residue.buf, residue.len)) {
		strbuf_addstr(why, "the line is not one of the commands gpoc writes");
		ok = false;
	}
	strbuf_release(&residue);
	return ok;
}

static bool scan_cmd_file(struct render_ctx *ctx, const char *path, const struct strbuf *text)
{
	const char *p = text->buf, *end = text->buf + text->len;
	uint32_t lineno = 0;
	bool ok = true;
	struct strbuf why = STRBUF_INIT;
	while (p < end) {
		lineno++;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || nl == p || nl[-1] != '\r') {
			diag_error(ctx->d, src_pos_make(NULL, 0, 0), "internal error: %s line %u does not end "
				   "in CRLF", path, lineno);
			ok = false;
			break;
		}
		strbuf_reset(&why);
		if (!scan_cmd_line(p, (size_t)(nl - 1 - p), &why)) {
			diag_error(ctx->d, src_pos_make(NULL, 0, 0), "internal error: %s line %u fails the "
				   "self-check: %s", path, lineno, why.buf);
			ok = false;
		}
		p = nl + 1;
	}
	strbuf_release(&why);
	return ok;
}

// --- Self-check: firewall.netsh against the model ---

static bool check_firewall(struct render_ctx *ctx, const struct strbuf *text, const struct fw_rule *written)
{
	const struct model *m = ctx->m;
	struct src_file f = { "netsh/firewall.netsh", text->buf, text->len };
	struct arena a;
	struct diag d;
	struct netsh_script script;
	arena_init(&a);
	diag_init(&d);
	bool ok = netsh_check_script(&f, &m->sids, &a, &script, &d);
	for (size_t i = 0; i < d.n; i++)
		diag_error(ctx->d, src_pos_make(NULL, 0, 0), "internal error: netsh/firewall.netsh:%u:%u fails "
			   "the netsh checker: %s", d.v[i].pos.line, d.v[i].pos.col, d.v[i].message);
	if (ok && script.n_rules != m->n_rules) {
		diag_error(ctx->d, src_pos_make(NULL, 0, 0), "internal error: netsh/firewall.netsh leaves %zu "
			   "rules; the model has %zu", script.n_rules, m->n_rules);
		ok = false;
	}
	struct strbuf why = STRBUF_INIT;
	for (size_t i = 0; ok && i < m->n_rules; i++) {
		const struct fw_rule *want = &written[i];
		const struct fw_rule *got = NULL;
		for (size_t k = 0; k < script.n_rules && !got; k++)
			if (!strcmp(script.rules[k].name, want->name))
				got = &script.rules[k];
		strbuf_reset(&why);
		if (!got || !fw_rule_same(want, got, FWCMP_IGNORE_ID | FWCMP_IGNORE_GROUP, &why)) {
			diag_error(ctx->d, meta_pos(&m->rules[i].meta), "internal error: netsh/firewall.netsh does "
				   "not read back as firewall rule '%s': %s", m->rules[i].rule.id ? m->rules[i].rule.id : "?",
				   got ? why.buf : "the rule is missing");
			ok = false;
		}
	}
	strbuf_release(&why);
	diag_release(&d);
	arena_release(&a);
	return ok;
}

// revert.cmd's netsh lines, with cmd's `%%` undone, must parse and name the model's
// rules: a placeholder and a delete per rule, last rule first.
static bool check_revert_rules(struct render_ctx *ctx, const struct strbuf *text, const struct fw_rule *written)
{
	const struct model *m = ctx->m;
	const char *p = text->buf, *end = text->buf + text->len;
	static const char prefix[] = "netsh advfirewall ";
	struct arena a;
	struct strbuf line = STRBUF_INIT;
	size_t seen = 0;
	bool ok = true;
	arena_init(&a);
	while (p < end && ok) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl - 1 : end; // before the CR
		if ((size_t)(le - p) > sizeof(prefix) - 1 && !memcmp(p, prefix, sizeof(prefix) - 1)) {
			strbuf_reset(&line);
			for (const char *q = p; q < le; q++) {
				strbuf_addch(&line, *q);
				if (*q == '%')
					q++; // the scan has checked that every % inside quotes is doubled
			}
			struct netsh_cmd cmd;
			struct netsh_error err;
			size_t rule = m->n_rules - 1 - seen / 2;
			enum netsh_cmd_kind want = seen % 2 ? NETSH_DELETE_RULE : NETSH_ADD_RULE;
			if (seen >= 2 * m->n_rules ||
			    !netsh_parse_line(line.buf, line.len, NETSH_PARSE_PREFIX, &m->sids, &a, &cmd, &err) ||
			    cmd.kind != want || strcmp(cmd.rule.name, written[rule].name)) {
				diag_error(ctx->d, src_pos_make(NULL, 0, 0), "internal error: netsh/revert.cmd does not "
					   "delete the model's rules in reverse order (netsh line %zu)", seen + 1);
				ok = false;
			}
			seen++;
		}
		p = nl ? nl + 1 : end;
	}
	if (ok && seen != 2 * m->n_rules) {
		diag_error(ctx->d, src_pos_make(NULL, 0, 0), "internal error: netsh/revert.cmd has %zu netsh lines; "
			   "expected %zu", seen, 2 * m->n_rules);
		ok = false;
	}
	strbuf_release(&line);
	arena_release(&a);
	return ok;
}

// --- The renderer ---

static bool needs_reg(const struct model *m)
{
	if (m->n_values)
		return true;
	for (size_t i = 0; i < m->n_descriptors; i++)
		if (m->descriptors[i].kind != DESC_NAMESPACE)
			return true;
	return false;
}

static bool needs_ps1(const struct model *m)
{
	for (size_t i = 0; i < m->n_descriptors; i++)
		if (m->descriptors[i].kind == DESC_NAMESPACE)
			return true;
	return false;
}

// apply.cmd runs files of other targets: they must be built too.
static bool target_present(struct render_ctx *ctx, unsigned target, const char *name, const char *file,
			   const char *why_needed)
{
	const struct intent *in = ctx->m->intent;
	unsigned targets = ctx->targets ? ctx->targets : in ? in->outputs : TARGET_ALL;
	if (targets & target)
		return true;
	if (ctx->targets_from_cli)
		diag_error(ctx->d, (struct src_pos){ 0 },
			   "netsh/apply.cmd needs %s for %s, but target '%s' is not built; add '%s' to --target",
			   file, why_needed, name, name);
	else
		diag_error(ctx->d, in ? in->outputs_pos : (struct src_pos){ 0 },
			   "netsh/apply.cmd needs %s for %s, but target '%s' is not among the outputs; add '%s' "
			   "to 'outputs'",
			   file, why_needed, name, name);
	return false;
}

bool render_netsh(struct render_ctx *ctx)
{
	const struct model *m = ctx->m;
	struct diag *d = ctx->d;
	size_t errors_before = d->errors;
	struct strbuf fw = STRBUF_INIT, why = STRBUF_INIT, tmp = STRBUF_INIT, cmdline = STRBUF_INIT;
	struct fw_rule *written = xcalloc(m->n_rules ? m->n_rules : 1, sizeof(*written));
	char **descriptions = xcalloc(m->n_rules ? m->n_rules : 1, sizeof(*descriptions));

	// Rule names must be unique: netsh deletes and matches by name, ignoring case.
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct fw_rule *r = &m->rules[i].rule;
		for (size_t k = 0; k < i && r->name; k++) {
			if (m->rules[k].rule.name && !ascii_strcasecmp(m->rules[k].rule.name, r->name)) {
				diag_error(d, meta_pos(&m->rules[i].meta), "firewall rule name '%s' is used by two "
					   "rules ('%s' and '%s'); netsh tells rules apart by name only",
					   shown(&tmp, r->name), m->rules[k].rule.id ? m->rules[k].rule.id : "?",
					   r->id ? r->id : "?");
				break;
			}
		}
	}

	// firewall.netsh
	for (size_t i = 0; i < m->n_rules; i++) {
		const struct m_firewall *mf = &m->rules[i];
		written[i] = mf->rule;
		// The description carries provenance: the intent lines of the grants that
		// caused the rule (file names without directories, so that the output does
		// not depend on where the intent was compiled).
		struct strbuf desc = STRBUF_INIT;
		if (mf->rule.description)
			strbuf_addstr(&desc, mf->rule.description);
		else if (mf->meta.n_prov && mf->meta.prov[0].capability)
			strbuf_addf(&desc, "gpoc: %s", mf->meta.prov[0].capability);
		else
			strbuf_addstr(&desc, "gpoc");
		add_provenance(&mf->meta, &desc);
		descriptions[i] = strbuf_detach(&desc, NULL);
		written[i].description = descriptions[i];
		struct strbuf lines = STRBUF_INIT;
		strbuf_reset(&why);
		bool ok = sddl_ok(mf->rule.remote_users_sddl, "remote user group", &m->sids, &why) &&
			  sddl_ok(mf->rule.remote_machines_sddl, "remote computer group", &m->sids, &why);
		ok = ok && netsh_write_placeholder(written[i].name, NETSH_FOR_NETSH_F, &lines, &why);
		if (ok) {
			strbuf_addstr(&lines, CRLF);
			ok = netsh_write_delete(written[i].name, NETSH_FOR_NETSH_F, &lines, &why);
		}
		if (ok) {
			strbuf_addstr(&lines, CRLF);
			ok = netsh_write_add(&written[i], NETSH_FOR_NETSH_F, &lines, &why);
		}
		if (ok) {
			strbuf_addstr(&lines, CRLF);
			ok = lines_fit(&lines, &why);
		}
		if (ok) {
			strbuf_addbuf(&fw, &lines);
		} else {
			diag_error(d, meta_pos(&mf->meta), "cannot write firewall rule '%s' to netsh/firewall.netsh: %s",
				   shown(&tmp, mf->rule.id ? mf->rule.id : mf->rule.name ? mf->rule.name : "?"), why.buf);
		}
		strbuf_release(&lines);
	}

	bool reg = needs_reg(m), ps1 = needs_ps1(m);
	if (reg)
		target_present(ctx, TARGET_REG, "reg", "reg/apply.reg and reg/revert.reg", "registry values and DCOM security");
	if (ps1)
		target_present(ctx, TARGET_PS1, "ps1", "ps1/apply-namespaces.ps1", "WMI namespace security");

	// Membership command lines, shared by apply (add) and revert (remove).
	char **add_lines = xcalloc(m->n_members ? m->n_members : 1, sizeof(char *));
	char **remove_lines = xcalloc(m->n_members ? m->n_members : 1, sizeof(char *));
	for (size_t i = 0; i < m->n_members; i++) {
		const struct m_member *mm = &m->members[i];
		for (int add = 1; add >= 0; add--) {
			strbuf_reset(&cmdline);
			strbuf_reset(&why);
			bool member_failed = true;
			bool ok = membership_line(mm, add, &cmdline, &why, &member_failed);
			if (ok && !lines_fit(&cmdline, &why)) {
				// Too long: blame the longer of the two.
				ok = false;
				member_failed = principal_text_len(mm->member) >= principal_text_len(mm->group);
			}
			if (!ok) {
				const struct principal *who = member_failed ? mm->member : mm->group;
				if (add)
					diag_error(d, member_failed ? principal_pos(who, &mm->meta) : meta_pos(&mm->meta),
						   "cannot write the %s '%s' of a local group membership to "
						   "netsh/apply.cmd: %s", member_failed ? "member" : "group",
						   shown(&tmp, who->name ? who->name : who->key ? who->key : "?"), why.buf);
				break;
			}
			(add ? add_lines : remove_lines)[i] = xstrdup(cmdline.buf);
		}
	}
	for (size_t i = 0; i < m->n_steps; i++) {
		const struct m_step *st = &m->steps[i];
		if (st->kind == STEP_WINMGMT_STANDALONE && (st->level < 1 || st->level > 6))
			diag_error(d, meta_pos(&st->meta), "winmgmt /standalonehost level %d is not 1 to 6", st->level);
	}

	bool ok = d->errors == errors_before;
	struct script apply = { STRBUF_INIT, 0, 0 }, revert = { STRBUF_INIT, 0, 0 };
	if (ok) {
		// apply.cmd
		size_t n_cert = 0, n_winmgmt = 0;
		for (size_t i = 0; i < m->n_steps; i++)
			*(m->steps[i].kind == STEP_CERTSVC_DCOM_REAPPLY ? &n_cert : &n_winmgmt) += 1;
		apply.total = (m->n_rules ? 1 : 0) + m->n_members + reg + ps1 + 3 * n_cert + 3 * n_winmgmt;
		prologue(&apply, "applies the policy to this computer");
		if (m->n_rules)
			step(&apply, "firewall rules", "netsh -f \"%~dp0firewall.netsh\"");
		for (size_t i = 0; i < m->n_members; i++)
			step(&apply, "add a member to a local group", add_lines[i]);
		if (reg)
			step(&apply, "registry values and DCOM security", "reg import \"%~dp0..\\reg\\apply.reg\" /reg:64");
		if (ps1)
			step(&apply, "WMI namespace security",
			     "powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "
			     "\"%~dp0..\\ps1\\apply-namespaces.ps1\"");
		for (size_t i = 0; i < m->n_steps; i++) {
			const struct m_step *st = &m->steps[i];
			if (st->kind == STEP_CERTSVC_DCOM_REAPPLY) {
				step(&apply, "certsvc: clear SETUP_DCOM_SECURITY_UPDATED_FLAG",
				     "certutil -setreg SetupStatus -SETUP_DCOM_SECURITY_UPDATED_FLAG");
				step(&apply, "certsvc: stop the CA", "net stop certsvc");
				step(&apply, "certsvc: start the CA, which re-applies its DCOM security",
				     "net start certsvc");
			} else {
				strbuf_reset(&cmdline);
				strbuf_addf(&cmdline, "winmgmt /standalonehost %d", st->level);
				step(&apply, "winmgmt: move WMI to its own host process", cmdline.buf);
				step(&apply, "winmgmt: stop WMI and the services that depend on it", "net stop winmgmt /y");
				step(&apply, "winmgmt: start WMI", "net start winmgmt");
			}
		}
		epilogue(&apply);

		// revert.cmd: the same steps undone, last first.
		revert.total = 3 * n_winmgmt + ps1 + reg + m->n_members + 2 * m->n_rules;
		prologue(&revert, "undoes what apply.cmd did on this computer");
		if (n_cert)
			line(&revert, "rem The certsvc step of apply.cmd has nothing to undo: the CA re-applied its own "
				      "defaults.");
		for (size_t i = m->n_steps; i-- > 0;) {
			if (m->steps[i].kind != STEP_WINMGMT_STANDALONE)
				continue;
			step(&revert, "winmgmt: move WMI back into the shared host process", "winmgmt /sharedhost");
			step(&revert, "winmgmt: stop WMI and the services that depend on it", "net stop winmgmt /y");
			step(&revert, "winmgmt: start WMI", "net start winmgmt");
		}
		if (ps1)
			step(&revert, "WMI namespace security",
			     "powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "
			     "\"%~dp0..\\ps1\\revert-namespaces.ps1\"");
		if (reg)
			step(&revert, "registry values and DCOM security", "reg import \"%~dp0..\\reg\\revert.reg\" /reg:64");
		for (size_t i = m->n_members; i-- > 0;)
			step(&revert, "remove a member from a local group", remove_lines[i]);
		for (size_t i = m->n_rules; i-- > 0;) {
			// Placeholder first, so that the delete cannot fail for want of a rule.
			strbuf_reset(&cmdline);
			strbuf_reset(&why);
			strbuf_addstr(&cmdline, "netsh ");
			if (!netsh_write_placeholder(written[i].name, NETSH_FOR_CMD, &cmdline, &why) ||
			    !lines_fit(&cmdline, &why)) {
				diag_error(d, meta_pos(&m->rules[i].meta), "cannot write firewall rule '%s' to "
					   "netsh/revert.cmd: %s", shown(&tmp, written[i].name), why.buf);
				continue;
			}
			step(&revert, "firewall: make sure the rule to delete exists", cmdline.buf);
			strbuf_reset(&cmdline);
			strbuf_addstr(&cmdline, "netsh ");
			if (!netsh_write_delete(written[i].name, NETSH_FOR_CMD, &cmdline, &why))
				BUG("delete refused a name the placeholder accepted");
			step(&revert, "firewall: delete the rule", cmdline.buf);
		}
		epilogue(&revert);
		if (apply.step != apply.total || revert.step != revert.total)
			BUG("step count mismatch");
	}

	ok = d->errors == errors_before;
	if (ok)
		ok = check_firewall(ctx, &fw, written);
	if (ok) {
		bool a = scan_cmd_file(ctx, "netsh/apply.cmd", &apply.text);
		bool b = scan_cmd_file(ctx, "netsh/revert.cmd", &revert.text);
		ok = a && b && check_revert_rules(ctx, &revert.text, written);
	}
	if (ok) {
		artifact_add_buf(ctx->out, "netsh/firewall.netsh", &fw);
		artifact_add_buf(ctx->out, "netsh/apply.cmd", &apply.text);
		artifact_add_buf(ctx->out, "netsh/revert.cmd", &revert.text);
	}
	for (size_t i = 0; i < m->n_members; i++) {
		free(add_lines[i]);
		free(remove_lines[i]);
	}
	free(add_lines);
	free(remove_lines);
	for (size_t i = 0; i < m->n_rules; i++)
		free(descriptions[i]);
	free(descriptions);
	free(written);
	strbuf_release(&apply.text);
	strbuf_release(&revert.text);
	strbuf_release(&fw);
	strbuf_release(&why);
	strbuf_release(&tmp);
	strbuf_release(&cmdline);
	return ok;
}
