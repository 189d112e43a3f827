// Diagnostics as SARIF 2.1.0, the format GitHub code scanning reads.
//
// What GitHub needs to annotate intent lines: results with a ruleId, a level, a
// message and a physicalLocation whose artifactLocation.uri is the file relative
// to the repository root (gpoc writes it relative to the working directory, which
// CI runs from the checkout) and a region with startLine/startColumn. The rules
// array describes every lint rule, so an alert shows the rule's description and
// help; GitHub ranks security alerts by properties."security-severity".
//
// Choices (docs/lint.md):
//   - columns count Unicode code points, as libyaml's marks do, so the run says
//     "columnKind": "unicodeCodePoints";
//   - diagnostics without a rule ID get a generic one (diag_rule_id());
//   - diagnostics without a file are tool problems, not results about a line: they
//     go to invocations[0].toolExecutionNotifications; a diagnostic about standard
//     input is a result without a location (there is no file to point at);
//   - the hint follows the message on a second line ("hint: ...").
#include "review/diag_output.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "review/json.h"
#include "review/lint.h"

#ifndef GPOC_VERSION
#error "GPOC_VERSION must be defined by the build"
#endif

static const char SARIF_SCHEMA[] =
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

// The generic IDs of diagnostics that are not lint findings.
static const struct lint_rule generic_rules[] = {
	{ "GPOC-E000", "InputError", DIAG_ERROR, "The intent cannot be compiled",
	  "An error found while loading, checking or expanding an intent or a capability template "
	  "(YAML syntax, schema, unknown capability or parameter, ungated risk, ...). Nothing is "
	  "built until it is fixed.",
	  "Read the message: it names the problem and what would be accepted.", false, NULL },
	{ "GPOC-W000", "InputWarning", DIAG_WARNING, "The intent compiles, but something looks wrong",
	  "A warning from loading, checking or expanding an intent that is not a lint rule.",
	  "Read the message: it says what gpoc assumed.", false, NULL },
	{ "GPOC-N000", "InputNote", DIAG_NOTE, "Additional information about another diagnostic",
	  "A note from loading, checking or expanding an intent.", "No action needed.", false, NULL },
};

static bool unreserved(unsigned char c)
{
	return ascii_isalpha(c) || ascii_isdigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static void add_encoded(struct strbuf *out, const char *p)
{
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (unreserved(c) || c == '/')
			strbuf_addch(out, (char)c);
		else
			strbuf_addf(out, "%%%02X", c);
	}
}

void sarif_uri(const char *path, struct strbuf *out)
{
	if (path[0] == '/') {
		char *cwd = getcwd(NULL, 0);
		size_t n = cwd ? strlen(cwd) : 0;
		if (cwd && n > 1 && !strncmp(path, cwd, n) && path[n] == '/' && path[n + 1]) {
			path += n + 1;
		} else if (cwd && n == 1 && path[1]) {
			path += 1; // working directory "/": every absolute path is below it
		} else {
			strbuf_addstr(out, "file://");
			add_encoded(out, path);
			free(cwd);
			return;
		}
		free(cwd);
	}
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	add_encoded(out, path);
}

static bool is_stdin(const struct src_file *f)
{
	return !strcmp(f->name, "<stdin>") || !strcmp(f->name, "-");
}

struct rule_list {
	const struct lint_rule **v;
	size_t n, alloc;
	struct lint_rule *extra; // rules seen in diagnostics but unknown here (owned)
	size_t n_extra;
};

static size_t rule_index(const struct rule_list *rl, const char *id)
{
	for (size_t i = 0; i < rl->n; i++)
		if (!strcmp(rl->v[i]->id, id))
			return i;
	return (size_t)-1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// Lint rules, the generic IDs, then (sorted) any other rule ID a diagnostic carries:
// a module may tag its errors with an ID of its own, and every result's rule gets
// metadata.
static void collect_rules(const struct diag *d, struct rule_list *rl)
{
	size_t n;
	const struct lint_rule *lr = lint_rules(&n);
	memset(rl, 0, sizeof(*rl));
	for (size_t i = 0; i < n + ARRAY_SIZE(generic_rules); i++) {
		GROW(rl->v, rl->alloc, rl->n + 1);
		rl->v[rl->n++] = i < n ? &lr[i] : &generic_rules[i - n];
	}
	const char **unknown = xcalloc(d->n + 1, sizeof(*unknown));
	size_t n_unknown = 0;
	for (size_t i = 0; i < d->n; i++) {
		const char *id = diag_rule_id(&d->v[i]);
		if (rule_index(rl, id) != (size_t)-1)
			continue;
		bool dup = false;
		for (size_t k = 0; k < n_unknown; k++)
			dup |= !strcmp(unknown[k], id);
		if (!dup)
			unknown[n_unknown++] = id;
	}
	qsort(unknown, n_unknown, sizeof(*unknown), cmp_str);
	rl->extra = xcalloc(n_unknown + 1, sizeof(*rl->extra));
	for (size_t k = 0; k < n_unknown; k++) {
		struct lint_rule *r = &rl->extra[rl->n_extra++];
		r->id = unknown[k];
		r->name = unknown[k];
		r->severity = DIAG_WARNING;
		r->summary = "A diagnostic gpoc reported under this ID";
		r->description = "A diagnostic from a gpoc stage that tags its findings with this ID.";
		r->help = "Read the message.";
		GROW(rl->v, rl->alloc, rl->n + 1);
		rl->v[rl->n++] = r;
	}
	free(unknown);
}

static void write_text_message(struct json_writer *w, const char *key, const char *text)
{
	json_key(w, key);
	json_object_begin(w);
	json_kv_string(w, "text", text);
	json_object_end(w);
}

static void write_rule(struct json_writer *w, const struct lint_rule *r)
{
	json_object_begin(w);
	json_kv_string(w, "id", r->id);
	json_kv_string(w, "name", r->name);
	write_text_message(w, "shortDescription", r->summary);
	write_text_message(w, "fullDescription", r->description);
	json_key(w, "help");
	json_object_begin(w);
	json_kv_string(w, "text", r->help);
	struct strbuf md = STRBUF_INIT;
	strbuf_addf(&md, "%s\n\n%s\n\nSee `docs/lint.md`, section %s.", r->description, r->help, r->id);
	json_kv_string(w, "markdown", md.buf);
	strbuf_release(&md);
	json_object_end(w);
	json_key(w, "defaultConfiguration");
	json_object_begin(w);
	json_kv_string(w, "level", diag_severity_name(r->severity));
	json_object_end(w);
	json_key(w, "properties");
	json_object_begin(w);
	json_key(w, "tags");
	json_array_begin(w);
	json_string(w, r->security_severity ? "security" : "correctness");
	json_array_end(w);
	if (r->security_severity)
		json_kv_string(w, "security-severity", r->security_severity);
	json_object_end(w);
	json_object_end(w);
}

static void message_text(const struct diag_entry *e, struct strbuf *out)
{
	strbuf_addstr(out, e->message);
	if (e->hint) {
		strbuf_addstr(out, "\nhint: ");
		strbuf_addstr(out, e->hint);
	}
}

static void write_result(struct json_writer *w, const struct rule_list *rl, const struct diag_entry *e)
{
	const char *id = diag_rule_id(e);
	json_object_begin(w);
	json_kv_string(w, "ruleId", id);
	json_kv_int(w, "ruleIndex", (int64_t)rule_index(rl, id));
	json_kv_string(w, "level", diag_severity_name(e->severity));
	struct strbuf text = STRBUF_INIT;
	message_text(e, &text);
	write_text_message(w, "message", text.buf);
	strbuf_release(&text);
	json_key(w, "locations");
	json_array_begin(w);
	if (!is_stdin(e->pos.file)) {
		json_object_begin(w);
		json_key(w, "physicalLocation");
		json_object_begin(w);
		json_key(w, "artifactLocation");
		json_object_begin(w);
		struct strbuf uri = STRBUF_INIT;
		sarif_uri(e->pos.file->name, &uri);
		json_kv_string(w, "uri", uri.buf);
		strbuf_release(&uri);
		json_object_end(w);
		if (e->pos.line) {
			json_key(w, "region");
			json_object_begin(w);
			json_kv_int(w, "startLine", e->pos.line);
			if (e->pos.col)
				json_kv_int(w, "startColumn", e->pos.col);
			json_object_end(w);
		}
		json_object_end(w);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void write_notification(struct json_writer *w, const struct rule_list *rl, const struct diag_entry *e)
{
	const char *id = diag_rule_id(e);
	json_object_begin(w);
	json_key(w, "associatedRule");
	json_object_begin(w);
	json_kv_string(w, "id", id);
	json_kv_int(w, "index", (int64_t)rule_index(rl, id));
	json_object_end(w);
	json_kv_string(w, "level", diag_severity_name(e->severity));
	struct strbuf text = STRBUF_INIT;
	message_text(e, &text);
	write_text_message(w, "message", text.buf);
	strbuf_release(&text);
	json_object_end(w);
}

void diag_print_sarif(const struct diag *d, FILE *out)
{
	struct rule_list rl;
	collect_rules(d, &rl);
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	json_init(&w, &sb);

	json_object_begin(&w);
	json_kv_string(&w, "$schema", SARIF_SCHEMA);
	json_kv_string(&w, "version", "2.1.0");
	json_key(&w, "runs");
	json_array_begin(&w);
	json_object_begin(&w);

	json_key(&w, "tool");
	json_object_begin(&w);
	json_key(&w, "driver");
	json_object_begin(&w);
	json_kv_string(&w, "name", "gpoc");
	json_kv_string(&w, "version", GPOC_VERSION);
	json_kv_string(&w, "semanticVersion", GPOC_VERSION);
	json_key(&w, "rules");
	json_array_begin(&w);
	for (size_t i = 0; i < rl.n; i++)
		write_rule(&w, rl.v[i]);
	json_array_end(&w);
	json_object_end(&w);
	json_object_end(&w);

	bool tool_errors = false, any_notification = d->dropped > 0;
	for (size_t i = 0; i < d->n; i++)
		if (!d->v[i].pos.file) {
			any_notification = true;
			tool_errors |= d->v[i].severity == DIAG_ERROR;
		}
	json_key(&w, "invocations");
	json_array_begin(&w);
	json_object_begin(&w);
	json_kv_bool(&w, "executionSuccessful", !tool_errors);
	if (any_notification) {
		json_key(&w, "toolExecutionNotifications");
		json_array_begin(&w);
		for (size_t i = 0; i < d->n; i++)
			if (!d->v[i].pos.file)
				write_notification(&w, &rl, &d->v[i]);
		if (d->dropped) {
			json_object_begin(&w);
			json_kv_string(&w, "level", "note");
			struct strbuf text = STRBUF_INIT;
			strbuf_addf(&text, "%zu more diagnostics not shown", d->dropped);
			write_text_message(&w, "message", text.buf);
			strbuf_release(&text);
			json_object_end(&w);
		}
		json_array_end(&w);
	}
	json_object_end(&w);
	json_array_end(&w);

	json_kv_string(&w, "columnKind", "unicodeCodePoints");
	json_key(&w, "results");
	json_array_begin(&w);
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].pos.file)
			write_result(&w, &rl, &d->v[i]);
	json_array_end(&w);

	json_object_end(&w);
	json_array_end(&w);
	json_object_end(&w);
	strbuf_addch(&sb, '\n');
	fwrite(sb.buf, 1, sb.len, out);
	strbuf_release(&sb);
	free(rl.v);
	free(rl.extra);
}
