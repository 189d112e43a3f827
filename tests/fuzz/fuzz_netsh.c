// libFuzzer target for the netsh checker and the script quoters (compiler/src/netsh).
//
// The input is read three ways:
// - as a `netsh -f` script: netsh_check_script() accepts it or reports errors with
//   positions inside it; every rule an accepted line adds that the writer also
//   accepts must re-read, through the checker, as the same rule;
// - as one command line with the "netsh " prefix;
// - as a value for the quoters: cmd_quote_mem() and netsh_quote_mem() refuse it or
//   produce text that cmd.exe's phase 1 and the C runtime's argument rules read back
//   as the input; ps_quote() and ps_quote_ascii() output reads back through an
//   independent PowerShell string reader (tests/netsh/readers.c).
// A broken property aborts, which libFuzzer reports as a crash with the input.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "netsh/fwaddr.h"
#include "netsh/netsh.h"
#include "netsh/quote.h"
#include "readers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_netsh: %s: '%s'\n", what, text ? text : "");
	abort();
}

static void check_script(const char *s, size_t size)
{
	struct src_file f = { "fuzz.netsh", s, size };
	struct arena a = ARENA_INIT;
	struct diag d;
	struct netsh_script script;
	diag_init(&d);
	bool ok = netsh_check_script(&f, NULL, &a, &script, &d);
	if (ok != (d.errors == 0))
		broken("result and error count disagree", NULL);
	for (size_t i = 0; i < d.n; i++) {
		if (!d.v[i].message[0] || d.v[i].pos.line == 0 || d.v[i].pos.col == 0)
			broken("error without a message or a position", NULL);
	}
	for (size_t i = 0; i < script.n_cmds; i++) {
		const struct netsh_cmd *c = &script.cmds[i];
		if (c->kind != NETSH_ADD_RULE)
			continue;
		struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
		if (netsh_write_add(&c->rule, NETSH_FOR_NETSH_F, &out, &why)) {
			struct netsh_cmd again;
			struct netsh_error err;
			if (!netsh_parse_line(out.buf, out.len, 0, NULL, &a, &again, &err))
				broken("the writer's line is refused by the checker", out.buf);
			if (!fw_rule_same(&c->rule, &again.rule, FWCMP_IGNORE_ID | FWCMP_IGNORE_GROUP, &why))
				broken("the writer's line reads back as another rule", out.buf);
		} else if (!why.len) {
			broken("writer refused without a reason", NULL);
		}
		strbuf_release(&out);
		strbuf_release(&why);
	}
	diag_release(&d);
	arena_release(&a);
}

static void check_line(const char *s, size_t size)
{
	struct arena a = ARENA_INIT;
	struct netsh_cmd cmd;
	struct netsh_error err;
	if (!netsh_parse_line(s, size, NETSH_PARSE_PREFIX, NULL, &a, &cmd, &err)) {
		if (!err.message[0] || err.col == 0 || err.col > size + 1)
			broken("refused without a message or with a bad column", NULL);
	}
	arena_release(&a);
}

static bool cmd_reads_back(const struct strbuf *quoted, const char *s, size_t size)
{
	struct strbuf line = STRBUF_INIT, after = STRBUF_INIT;
	strbuf_addstr(&line, "prog ");
	strbuf_addbuf(&line, quoted);
	bool ok = cmd_phase1(line.buf, line.len, "", false, &after);
	if (ok) {
		struct strbuf *args;
		size_t n = argv_split(after.buf, &args);
		ok = n == 2 && args[1].len == size && !memcmp(args[1].buf, s, size);
		argv_release(args, n);
	}
	strbuf_release(&line);
	strbuf_release(&after);
	return ok;
}

static void check_quoters(const char *s, size_t size)
{
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT, back = STRBUF_INIT;
	if (cmd_quote_mem(s, size, &out, &why)) {
		if (!cmd_reads_back(&out, s, size))
			broken("cmd_quote output does not read back", out.buf);
	} else if (!why.len || out.len) {
		broken("cmd_quote refusal without a reason, or with output", NULL);
	}
	strbuf_reset(&out);
	strbuf_reset(&why);
	if (netsh_quote_mem(s, size, &out, &why)) {
		// netsh -f: no percent expansion; the quotes enclose the value unchanged.
		if (out.len != size + 2 || memcmp(out.buf + 1, s, size))
			broken("netsh_quote changed the value", out.buf);
	}
	strbuf_reset(&out);
	strbuf_reset(&why);
	if (ps_value_check(s, size, &why)) {
		char *z = malloc(size + 1); // ps_quote takes a C string; the input has no NUL here
		memcpy(z, s, size);
		z[size] = 0;
		ps_quote(z, &out);
		free(z);
		const char *p = out.buf;
		if (!ps_read_string_expr(&p, out.buf + out.len, &back) || p != out.buf + out.len ||
		    back.len != size || memcmp(back.buf, s, size))
			broken("ps_quote output does not read back", out.buf);
		strbuf_reset(&out);
		strbuf_reset(&back);
		if (!ps_quote_ascii(s, size, &out, &why))
			broken("ps_quote_ascii refused a checked value", NULL);
		for (size_t i = 0; i < out.len; i++)
			if ((unsigned char)out.buf[i] < 0x20 || (unsigned char)out.buf[i] >= 0x7f)
				broken("ps_quote_ascii wrote a non-ASCII byte", out.buf);
		p = out.buf;
		if (!ps_read_string_expr(&p, out.buf + out.len, &back) || p != out.buf + out.len ||
		    back.len != size || memcmp(back.buf, s, size))
			broken("ps_quote_ascii output does not read back", out.buf);
	}
	strbuf_release(&out);
	strbuf_release(&why);
	strbuf_release(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	check_script(s, size);
	check_line(s, size);
	check_quoters(s, size);
	return 0;
}
