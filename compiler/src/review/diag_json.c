// Diagnostics as JSON (gpoc check --diagnostics=json): one object listing every
// entry with its rule ID, position and hint, plus the counts. The shape is
// documented in docs/lint.md and kept stable (field "version" changes if it must).
#include "review/diag_output.h"

#include "review/json.h"

const char *diag_rule_id(const struct diag_entry *e)
{
	if (e->rule)
		return e->rule;
	switch (e->severity) {
	case DIAG_ERROR: return "GPOC-E000";
	case DIAG_WARNING: return "GPOC-W000";
	case DIAG_NOTE: return "GPOC-N000";
	}
	return "GPOC-E000";
}

void diag_print_json(const struct diag *d, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	json_init(&w, &sb);
	size_t notes = 0;
	for (size_t i = 0; i < d->n; i++)
		notes += d->v[i].severity == DIAG_NOTE;
	json_object_begin(&w);
	json_kv_int(&w, "version", 1);
	json_kv_int(&w, "errors", (int64_t)d->errors);
	json_kv_int(&w, "warnings", (int64_t)d->warnings);
	// Notes beyond DIAG_MAX_ENTRIES are not counted by the diag; "dropped" covers them.
	json_kv_int(&w, "notes", (int64_t)notes);
	json_kv_int(&w, "dropped", (int64_t)d->dropped);
	json_key(&w, "diagnostics");
	json_array_begin(&w);
	for (size_t i = 0; i < d->n; i++) {
		const struct diag_entry *e = &d->v[i];
		json_object_begin(&w);
		json_kv_string(&w, "severity", diag_severity_name(e->severity));
		json_kv_string(&w, "rule", diag_rule_id(e));
		json_kv_string(&w, "file", e->pos.file ? e->pos.file->name : NULL);
		json_key(&w, "line");
		if (e->pos.file && e->pos.line)
			json_int(&w, e->pos.line);
		else
			json_null(&w);
		json_key(&w, "column");
		if (e->pos.file && e->pos.line && e->pos.col)
			json_int(&w, e->pos.col);
		else
			json_null(&w);
		json_kv_string(&w, "message", e->message);
		json_kv_string(&w, "hint", e->hint);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_object_end(&w);
	strbuf_addch(&sb, '\n');
	fwrite(sb.buf, 1, sb.len, out);
	strbuf_release(&sb);
}
