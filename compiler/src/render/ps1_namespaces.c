// The ps1 target: ps1/apply-namespaces.ps1 and ps1/revert-namespaces.ps1, the online
// step for WMI namespace security, which lives in the CIM repository and not in the
// registry (DOMAIN.md section 1).
//
// Both scripts are one fixed program driven by a data table at their top, between
// the "gpoc data begin/end" marker lines; the table is the only place where values
// from the intent appear, each a PowerShell single-quoted string (quote.h) or a hex
// number, one ACE per line:
//
//   $GpocAces = @(
//   	@{ Namespace = 'root\cimv2'; Sid = 'S-1-5-...'; Account = ''; Type = 'Allow'; Flags = 0x02; Mask = 0x00000021; Source = 'intent.yaml:12' }
//   )
//
// The program reads each namespace's descriptor with __SystemSecurity.GetSD, converts
// it with RawSecurityDescriptor, and for apply inserts each ACE unless a non-inherited
// ACE with the same SID, type and flags already grants at least its rights (explicit
// deny before explicit allow before inherited ACEs, so the order stays canonical);
// for revert it removes the non-inherited ACEs equal to a table entry in SID, type,
// flags and mask. It prints the SDDL before and after, writes with SetSD only when
// something changed and ShouldProcess agrees (-WhatIf), so a rerun changes nothing.
// Principals are addressed by SID; one without a SID by name, translated with
// NTAccount.Translate at run time (an error naming the account if that fails).
//
// Files are UTF-8 with a byte order mark (Windows PowerShell 5.1 reads a .ps1 without
// one in the ANSI code page) and CRLF line ends. Before returning, the renderer parses
// the table back with a reader of its own and compares it with the model.

#include "render/render.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf.h"
#include "core/util.h"
#include "netsh/quote.h"

#define CRLF "\r\n"
#define BOM "\xEF\xBB\xBF"

static const char DATA_BEGIN[] = "# --- gpoc data begin ---";
static const char DATA_END[] = "# --- gpoc data end ---";

// The program after the table; `apply` picks the merge or the removal.
static const char PROGRAM_HEAD[] =
	"function ConvertTo-GpocInt32([long]$Value) {" CRLF
	"\t# Masks as the signed 32-bit numbers .NET's ACE classes use." CRLF
	"\t[BitConverter]::ToInt32([BitConverter]::GetBytes($Value), 0)" CRLF
	"}" CRLF
	CRLF
	"function Resolve-GpocSid($Entry) {" CRLF
	"\tif ($Entry.Sid) {" CRLF
	"\t\treturn [System.Security.Principal.SecurityIdentifier]::new($Entry.Sid)" CRLF
	"\t}" CRLF
	"\ttry {" CRLF
	"\t\t$account = [System.Security.Principal.NTAccount]::new($Entry.Account)" CRLF
	"\t\treturn $account.Translate([System.Security.Principal.SecurityIdentifier])" CRLF
	"\t} catch {" CRLF
	"\t\tthrow \"gpoc: cannot resolve account '$($Entry.Account)' (from $($Entry.Source)) to a SID: $($_.Exception.Message)\"" CRLF
	"\t}" CRLF
	"}" CRLF
	CRLF
	"function Test-GpocSameAce($Ace, $Sid, $Qualifier, [int]$Flags) {" CRLF
	"\t($Ace -is [System.Security.AccessControl.CommonAce]) -and -not $Ace.IsInherited -and" CRLF
	"\t\t$Ace.SecurityIdentifier.Equals($Sid) -and $Ace.AceQualifier -eq $Qualifier -and" CRLF
	"\t\t[int]$Ace.AceFlags -eq $Flags" CRLF
	"}" CRLF
	CRLF
	"# Returns the new binary descriptor of one namespace, or $null when nothing changes." CRLF
	"function Update-GpocNamespace([string]$Namespace, $Entries, [bool]$Apply) {" CRLF
	"\t$security = Get-WmiObject -Namespace $Namespace -Class __SystemSecurity" CRLF
	"\t$binary = @($null)" CRLF
	"\t$rc = $security.PsBase.InvokeMethod('GetSD', $binary)" CRLF
	"\tif ($rc -ne 0) { throw \"gpoc: GetSD on namespace '$Namespace' failed with code $rc\" }" CRLF
	"\t$sd = [System.Security.AccessControl.RawSecurityDescriptor]::new([byte[]]$binary[0], 0)" CRLF
	"\t$acl = $sd.DiscretionaryAcl" CRLF
	"\tif ($null -eq $acl) { throw \"gpoc: namespace '$Namespace' has no DACL; gpoc does not create one\" }" CRLF
	"\t$before = $sd.GetSddlForm([System.Security.AccessControl.AccessControlSections]::All)" CRLF
	"\tforeach ($entry in $Entries) {" CRLF
	"\t\t$sid = Resolve-GpocSid $entry" CRLF
	"\t\t$deny = $entry.Type -eq 'Deny'" CRLF
	"\t\t$qualifier = if ($deny) { [System.Security.AccessControl.AceQualifier]::AccessDenied } else { [System.Security.AccessControl.AceQualifier]::AccessAllowed }" CRLF
	"\t\t$flags = [int]$entry.Flags" CRLF
	"\t\t$mask = ConvertTo-GpocInt32 $entry.Mask" CRLF
	"\t\tif ($Apply) {" CRLF
	"\t\t\t$covered = $false" CRLF
	"\t\t\tforeach ($ace in $acl) {" CRLF
	"\t\t\t\tif ((Test-GpocSameAce $ace $sid $qualifier $flags) -and (($ace.AccessMask -band $mask) -eq $mask)) { $covered = $true }" CRLF
	"\t\t\t}" CRLF
	"\t\t\tif ($covered) { continue }" CRLF
	"\t\t\t# Canonical order: explicit deny, explicit allow, inherited." CRLF
	"\t\t\t$index = 0" CRLF
	"\t\t\twhile ($index -lt $acl.Count) {" CRLF
	"\t\t\t\t$ace = $acl[$index]" CRLF
	"\t\t\t\tif ($ace.IsInherited) { break }" CRLF
	"\t\t\t\tif ($deny -and -not ($ace -is [System.Security.AccessControl.QualifiedAce] -and $ace.AceQualifier -eq [System.Security.AccessControl.AceQualifier]::AccessDenied)) { break }" CRLF
	"\t\t\t\t$index++" CRLF
	"\t\t\t}" CRLF
	"\t\t\t$new = [System.Security.AccessControl.CommonAce]::new([System.Security.AccessControl.AceFlags]$flags, $qualifier, $mask, $sid, $false, $null)" CRLF
	"\t\t\t$acl.InsertAce($index, $new)" CRLF
	"\t\t} else {" CRLF
	"\t\t\tfor ($index = $acl.Count - 1; $index -ge 0; $index--) {" CRLF
	"\t\t\t\t$ace = $acl[$index]" CRLF
	"\t\t\t\tif ((Test-GpocSameAce $ace $sid $qualifier $flags) -and $ace.AccessMask -eq $mask) { $acl.RemoveAce($index) }" CRLF
	"\t\t\t}" CRLF
	"\t\t}" CRLF
	"\t}" CRLF
	"\t$after = $sd.GetSddlForm([System.Security.AccessControl.AccessControlSections]::All)" CRLF
	"\t# Write-Host: the function's output is its return value only." CRLF
	"\tWrite-Host \"gpoc: namespace '$Namespace'\"" CRLF
	"\tWrite-Host \"  before: $before\"" CRLF
	"\tWrite-Host \"  after:  $after\"" CRLF
	"\tif ($before -eq $after) {" CRLF
	"\t\tWrite-Host '  unchanged'" CRLF
	"\t\treturn $null" CRLF
	"\t}" CRLF
	"\t$bytes = New-Object byte[] $sd.BinaryLength" CRLF
	"\t$sd.GetBinaryForm($bytes, 0)" CRLF
	"\treturn ,$bytes" CRLF
	"}" CRLF
	CRLF
	"$seen = @{}" CRLF
	"foreach ($first in $GpocAces) {" CRLF
	"\t# WMI namespace names ignore case, as do PowerShell's -eq and hashtable keys." CRLF
	"\tif ($seen.ContainsKey($first.Namespace)) { continue }" CRLF
	"\t$seen[$first.Namespace] = $true" CRLF
	"\t$entries = @($GpocAces | Where-Object { $_.Namespace -eq $first.Namespace })" CRLF;

static const char PROGRAM_APPLY[] =
	"\t$bytes = Update-GpocNamespace $first.Namespace $entries $true" CRLF
	"\tif ($null -ne $bytes -and $PSCmdlet.ShouldProcess($first.Namespace, 'add the ACEs of policy ' + $GpocPolicy)) {" CRLF;
static const char PROGRAM_REVERT[] =
	"\t$bytes = Update-GpocNamespace $first.Namespace $entries $false" CRLF
	"\tif ($null -ne $bytes -and $PSCmdlet.ShouldProcess($first.Namespace, 'remove the ACEs of policy ' + $GpocPolicy)) {" CRLF;
static const char PROGRAM_TAIL[] =
	"\t\t$security = Get-WmiObject -Namespace $first.Namespace -Class __SystemSecurity" CRLF
	"\t\t$rc = $security.PsBase.InvokeMethod('SetSD', @(,$bytes))" CRLF
	"\t\tif ($rc -ne 0) { throw \"gpoc: SetSD on namespace '$($first.Namespace)' failed with code $rc\" }" CRLF
	"\t\tWrite-Host '  written'" CRLF
	"\t}" CRLF
	"}" CRLF;

static struct src_pos meta_pos(const struct effect_meta *meta)
{
	if (meta->n_prov)
		return meta->prov[0].grant;
	return src_pos_make(NULL, 0, 0);
}

static const char *shown(struct strbuf *tmp, const char *s)
{
	strbuf_reset(tmp);
	size_t len = strlen(s);
	strbuf_add(tmp, s, len > 60 ? 60 : len);
	if (len > 60)
		strbuf_addstr(tmp, "...");
	return tmp->buf;
}

// One table entry as the model says it should read.
struct entry {
	const char *ns;
	char *sid;            // "" when the principal has none
	const char *account;  // "" when the SID is used
	const char *type;
	unsigned flags;
	uint32_t mask;
	char *source;
};

static bool checked(struct render_ctx *ctx, struct src_pos pos, const char *what, const char *s, struct strbuf *tmp)
{
	struct strbuf why = STRBUF_INIT;
	bool ok = ps_value_check(s, strlen(s), &why);
	if (ok && !*s) {
		strbuf_addstr(&why, "is empty");
		ok = false;
	}
	if (!ok)
		diag_error(ctx->d, pos, "cannot write %s '%s' to ps1/apply-namespaces.ps1: %s", what, shown(tmp, s),
			   why.buf);
	strbuf_release(&why);
	return ok;
}

static void write_table(const char *policy, const struct entry *e, size_t n, struct strbuf *out)
{
	strbuf_addstr(out, DATA_BEGIN);
	strbuf_addstr(out, CRLF "$GpocPolicy = ");
	ps_quote(policy, out);
	strbuf_addstr(out, CRLF "$GpocAces = @(" CRLF);
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(out, "\t@{ Namespace = ");
		ps_quote(e[i].ns, out);
		strbuf_addstr(out, "; Sid = ");
		ps_quote(e[i].sid, out);
		strbuf_addstr(out, "; Account = ");
		ps_quote(e[i].account, out);
		strbuf_addf(out, "; Type = '%s'; Flags = 0x%02X; Mask = 0x%08X; Source = ", e[i].type, e[i].flags,
			    (unsigned)e[i].mask);
		ps_quote(e[i].source, out);
		strbuf_addstr(out, " }" CRLF);
	}
	strbuf_addstr(out, ")" CRLF);
	strbuf_addstr(out, DATA_END);
	strbuf_addstr(out, CRLF);
}

static void write_script(bool apply, const char *policy, const struct entry *e, size_t n, struct strbuf *out)
{
	strbuf_addstr(out, BOM);
	strbuf_addf(out, "# Generated by gpoc: %s the WMI namespace ACEs of one policy." CRLF,
		    apply ? "adds" : "removes");
	strbuf_addstr(out, apply ?
		"# An ACE is added unless the namespace already has a non-inherited ACE for the same" CRLF
		"# SID, type and flags granting at least the same rights; running it again changes" CRLF
		"# nothing. -WhatIf prints the descriptors before and after without writing." CRLF :
		"# Removes the non-inherited ACEs equal in SID, type, flags and mask to an entry of" CRLF
		"# the table below (also one that was there before apply-namespaces.ps1 ran: the" CRLF
		"# descriptor does not record who added an ACE). -WhatIf writes nothing." CRLF);
	strbuf_addstr(out, "# Needs Windows PowerShell 5.1, run elevated." CRLF
			   "[CmdletBinding(SupportsShouldProcess = $true)]" CRLF
			   "param()" CRLF
			   "Set-StrictMode -Version Latest" CRLF
			   "$ErrorActionPreference = 'Stop'" CRLF
			   CRLF);
	write_table(policy, e, n, out);
	strbuf_addstr(out, CRLF);
	strbuf_addstr(out, PROGRAM_HEAD);
	strbuf_addstr(out, apply ? PROGRAM_APPLY : PROGRAM_REVERT);
	strbuf_addstr(out, PROGRAM_TAIL);
}

// --- Self-check: an independent reader of the table ---

// A PowerShell single-quoted string at *p: a quote character followed by another
// stands for the second one ([MS] PowerShell tokenizer); any other quote character
// ends the string. The five quote characters are ' U+2018 U+2019 U+201A U+201B.
static size_t quote_char(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	if (p < end && *p == '\'')
		return 1;
	if (end - p >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x98 && u[2] <= 0x9B)
		return 3;
	return 0;
}

static bool read_string(const char **pp, const char *end, struct strbuf *out)
{
	const char *p = *pp;
	size_t q = quote_char(p, end);
	if (!q)
		return false;
	p += q;
	for (;;) {
		if (p >= end)
			return false;
		q = quote_char(p, end);
		if (q) {
			size_t q2 = quote_char(p + q, end);
			if (!q2) {
				*pp = p + q;
				return true;
			}
			strbuf_add(out, p + q, q2);
			p += q + q2;
			continue;
		}
		strbuf_addch(out, *p++);
	}
}

static bool read_lit(const char **pp, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(end - *pp) < n || memcmp(*pp, lit, n))
		return false;
	*pp += n;
	return true;
}

static bool read_hex(const char **pp, const char *end, uint32_t *out)
{
	const char *p = *pp;
	if (!read_lit(&p, end, "0x"))
		return false;
	uint64_t v = 0;
	const char *start = p;
	while (p < end && ascii_isxdigit(*p) && p - start < 8) {
		int c = ascii_tolower(*p++);
		v = v << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	if (p == start)
		return false;
	*out = (uint32_t)v;
	*pp = p;
	return true;
}

// The first line that is exactly `marker`, and in *count how many there are.
static const char *find_line(const struct strbuf *text, const char *marker, size_t *count)
{
	const char *first = NULL, *p = text->buf, *end = text->buf + text->len;
	size_t n = strlen(marker);
	*count = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t len = (size_t)(le - p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len == n && !memcmp(p, marker, n)) {
			if (!first)
				first = p;
			(*count)++;
		}
		p = nl ? nl + 1 : end;
	}
	return first;
}

static bool check_table(struct render_ctx *ctx, const char *path, const struct strbuf *script, const char *policy,
			const struct entry *want, size_t n)
{
	const char *end = script->buf + script->len;
	size_t nb, ne;
	const char *b = find_line(script, DATA_BEGIN, &nb), *e = find_line(script, DATA_END, &ne);
	const char *problem = NULL;
	struct strbuf s = STRBUF_INIT;
	size_t got = 0;
	if (nb != 1 || ne != 1 || e < b) {
		problem = "the data markers are missing or repeated";
		goto out;
	}
	const char *p = b + strlen(DATA_BEGIN);
	if (!read_lit(&p, end, CRLF "$GpocPolicy = ") || !read_string(&p, end, &s) || strcmp(s.buf, policy) ||
	    !read_lit(&p, end, CRLF "$GpocAces = @(" CRLF)) {
		problem = "the policy line or the table header does not read back";
		goto out;
	}
	for (;;) {
		if (read_lit(&p, end, ")" CRLF))
			break;
		if (got == n) {
			problem = "the table has more entries than the model";
			goto out;
		}
		const struct entry *w = &want[got];
		uint32_t flags, mask;
		bool ok = read_lit(&p, end, "\t@{ Namespace = ");
		strbuf_reset(&s);
		ok = ok && read_string(&p, end, &s) && !strcmp(s.buf, w->ns) && read_lit(&p, end, "; Sid = ");
		strbuf_reset(&s);
		ok = ok && read_string(&p, end, &s) && !strcmp(s.buf, w->sid) && read_lit(&p, end, "; Account = ");
		strbuf_reset(&s);
		ok = ok && read_string(&p, end, &s) && !strcmp(s.buf, w->account) && read_lit(&p, end, "; Type = ");
		strbuf_reset(&s);
		ok = ok && read_string(&p, end, &s) && !strcmp(s.buf, w->type) && read_lit(&p, end, "; Flags = ");
		ok = ok && read_hex(&p, end, &flags) && flags == w->flags && read_lit(&p, end, "; Mask = ");
		ok = ok && read_hex(&p, end, &mask) && mask == w->mask && read_lit(&p, end, "; Source = ");
		strbuf_reset(&s);
		ok = ok && read_string(&p, end, &s) && !strcmp(s.buf, w->source) && read_lit(&p, end, " }" CRLF);
		if (!ok) {
			problem = "an entry does not read back as the model's ACE";
			goto out;
		}
		got++;
	}
	if (got != n)
		problem = "the table has fewer entries than the model";
	else if (p != e)
		problem = "text between the table and its end marker";
out:
	if (problem)
		diag_error(ctx->d, src_pos_make(NULL, 0, 0), "internal error: %s fails the self-check at entry %zu: %s",
			   path, got + 1, problem);
	strbuf_release(&s);
	return !problem;
}

bool render_ps1(struct render_ctx *ctx)
{
	const struct model *m = ctx->m;
	size_t errors_before = ctx->d->errors;
	struct strbuf tmp = STRBUF_INIT;
	size_t n = 0;
	for (size_t i = 0; i < m->n_descriptors; i++)
		if (m->descriptors[i].kind == DESC_NAMESPACE)
			n += m->descriptors[i].n_aces;
	struct entry *entries = xcalloc(n ? n : 1, sizeof(*entries));
	const char *policy = m->intent && m->intent->policy.name ? m->intent->policy.name : "";
	if (m->intent && !checked(ctx, m->intent->policy.pos, "policy name", policy, &tmp))
		policy = "";
	size_t k = 0;
	for (size_t i = 0; i < m->n_descriptors; i++) {
		const struct m_descriptor *desc = &m->descriptors[i];
		if (desc->kind != DESC_NAMESPACE)
			continue;
		for (size_t j = 0; j < desc->n_aces; j++) {
			const struct m_ace *ace = &desc->aces[j];
			struct src_pos pos = meta_pos(&ace->meta);
			struct entry *e = &entries[k++];
			e->ns = desc->target ? desc->target : "";
			checked(ctx, pos, "namespace", e->ns, &tmp);
			struct strbuf sb = STRBUF_INIT;
			if (ace->who->has_sid) {
				sid_format(&ace->who->sid, &sb);
				e->account = "";
			} else if (ace->who->name) {
				e->account = ace->who->name;
				checked(ctx, ace->who->pos.file ? ace->who->pos : pos, "principal name", e->account, &tmp);
			} else {
				diag_error(ctx->d, pos, "the principal of a namespace ACE has neither a SID nor a name");
				e->account = "";
			}
			e->sid = strbuf_detach(&sb, NULL);
			if (ace->type == ACE_ALLOW) {
				e->type = "Allow";
			} else if (ace->type == ACE_DENY) {
				e->type = "Deny";
			} else {
				diag_error(ctx->d, pos, "namespace ACE type 0x%x is not allow or deny", ace->type);
				e->type = "";
			}
			e->flags = ace->flags;
			e->mask = ace->mask;
			struct strbuf src = STRBUF_INIT;
			if (pos.file) {
				const char *base = strrchr(pos.file->name, '/');
				strbuf_addf(&src, "%s:%u", base ? base + 1 : pos.file->name, pos.line);
			}
			e->source = strbuf_detach(&src, NULL);
			if (*e->source)
				checked(ctx, pos, "intent file name", e->source, &tmp);
		}
	}
	bool ok = ctx->d->errors == errors_before;
	if (ok) {
		struct strbuf apply = STRBUF_INIT, revert = STRBUF_INIT;
		write_script(true, policy, entries, n, &apply);
		write_script(false, policy, entries, n, &revert);
		ok = check_table(ctx, "ps1/apply-namespaces.ps1", &apply, policy, entries, n) &&
		     check_table(ctx, "ps1/revert-namespaces.ps1", &revert, policy, entries, n);
		size_t bad;
		if (ok && (!utf8_valid(apply.buf, apply.len, &bad) || !utf8_valid(revert.buf, revert.len, &bad)))
			BUG("invalid UTF-8 in a checked script");
		if (ok) {
			artifact_add_buf(ctx->out, "ps1/apply-namespaces.ps1", &apply);
			artifact_add_buf(ctx->out, "ps1/revert-namespaces.ps1", &revert);
		}
		strbuf_release(&apply);
		strbuf_release(&revert);
	}
	for (size_t i = 0; i < k; i++) {
		free(entries[i].sid);
		free(entries[i].source);
	}
	free(entries);
	strbuf_release(&tmp);
	return ok;
}
