// render_reg over hand-built models: the files it writes (golden text next to this
// test, GPOC_UPDATE_GOLDEN=1 rewrites), what they say when read back, errors at
// the intent line, no files for an empty model, hostile text, determinism.

#include "testutil.h"

#include <stdlib.h>

#include "formats/registry.h"
#include "formats/regfile.h"
#include "render/render.h"

static struct arena A;
static struct src_file intent_file = { "intent.yaml", "", 0 };
static struct intent the_intent;

static int setup(void **state)
{
	(void)state;
	arena_init(&A);
	the_intent.file = &intent_file;
	the_intent.policy.name = arena_strdup(&A, "monitoring-wmi");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_release(&A);
	return 0;
}

static struct provenance *prov(uint32_t line, const char *capability)
{
	struct provenance *p = arena_alloc(&A, sizeof(*p));
	p->grant = src_pos_make(&intent_file, line, 5);
	p->capability = capability;
	return p;
}

static struct effect_meta meta(uint32_t line, const char *capability)
{
	struct effect_meta m = { prov(line, capability), 1, NULL, NULL };
	return m;
}

static struct principal monitoring, nosid;

static void principals(void)
{
	const char *err;
	memset(&monitoring, 0, sizeof(monitoring));
	monitoring.key = arena_strdup(&A, "monitoring");
	monitoring.name = arena_strdup(&A, "CONTOSO\\Monitoring");
	monitoring.has_sid = true;
	assert_true(sid_parse("S-1-5-21-1-2-3-1001", 19, &monitoring.sid, &err));
	memset(&nosid, 0, sizeof(nosid));
	nosid.key = arena_strdup(&A, "helpdesk");
	nosid.name = arena_strdup(&A, "CONTOSO\\Helpdesk");
}

static void parse_sd(const char *sddl, struct secdesc *out)
{
	struct sddl_error err;
	if (!sddl_parse(sddl, strlen(sddl), NULL, out, &err)) {
		print_error("sddl: %s\n", err.message);
		fail();
	}
}

#define LAUNCH_BASELINE \
	"O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCLCSWRP;;;LU)"
#define APPID "{D99E6E74-FC88-11D0-B498-00A0C90312F3}"

struct fixture {
	struct m_registry values[2];
	struct m_descriptor desc[3];
	struct m_ace launch_ace, appid_ace, ns_ace;
	struct model m;
};

static void build_fixture(struct fixture *f, const struct principal *who)
{
	memset(f, 0, sizeof(*f));
	struct m_registry *v = &f->values[0];
	v->value.hive = HIVE_HKLM;
	v->value.key = arena_strdup(&A, "SOFTWARE\\Microsoft\\WBEM\\CIMOM");
	v->value.name = arena_strdup(&A, "AllowAnonymousCallback");
	reg_value_set_dword(&v->value, &A, 1);
	v->revert_delete = true;
	v->display = "Allow anonymous WMI callbacks";
	v->meta = meta(21, "wmi-anonymous-callback");
	v = &f->values[1];
	v->value.hive = HIVE_HKLM;
	v->value.key = arena_strdup(&A, "SOFTWARE\\Microsoft\\WBEM\\CIMOM");
	v->value.name = arena_strdup(&A, "UnsecAppAccessControlDefault");
	reg_value_set_dword(&v->value, &A, 0);
	v->revert = v->value;
	reg_value_set_dword(&v->revert, &A, 1);
	v->meta = meta(22, "wmi-anonymous-callback");

	f->launch_ace = (struct m_ace){ who, ACE_ALLOW, 0, 0x1F, meta(12, "remote-wmi") };
	struct m_descriptor *d = &f->desc[0];
	d->kind = DESC_MACHINE_LAUNCH;
	d->name = "MachineLaunchRestriction";
	d->vocab = VOCAB_COM_LAUNCH;
	d->has_baseline = true;
	d->baseline_name = "machine-launch-restriction";
	parse_sd(LAUNCH_BASELINE, &d->baseline);
	d->aces = &f->launch_ace;
	d->n_aces = 1;

	f->appid_ace = (struct m_ace){ who, ACE_ALLOW, 0, 0x7, meta(30, "certsvc-enroll") };
	d = &f->desc[1];
	d->kind = DESC_APPID_ACCESS;
	d->name = APPID " AccessPermission";
	d->target = APPID;
	d->vocab = VOCAB_COM_ACCESS;
	d->aces = &f->appid_ace;
	d->n_aces = 1;

	f->ns_ace = (struct m_ace){ &nosid, ACE_ALLOW, ACE_CI, 0x21, meta(40, "remote-wmi") };
	d = &f->desc[2];
	d->kind = DESC_NAMESPACE;
	d->name = "root\\cimv2";
	d->target = "root\\cimv2";
	d->vocab = VOCAB_WMI;
	d->aces = &f->ns_ace;
	d->n_aces = 1;

	f->m.intent = &the_intent;
	f->m.values = f->values;
	f->m.n_values = 2;
	f->m.descriptors = f->desc;
	f->m.n_descriptors = 3;
}

static void release_fixture(struct fixture *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(f->desc); i++)
		secdesc_release(&f->desc[i].baseline);
}

// The file as UTF-8 text with LF line ends, for golden files a reviewer can read.
static void as_text(const struct strbuf *file, struct strbuf *out)
{
	assert_true(file->len >= 2 && (uint8_t)file->buf[0] == 0xFF && (uint8_t)file->buf[1] == 0xFE);
	struct strbuf t = STRBUF_INIT;
	assert_true(utf16le_to_utf8(&t, (const uint8_t *)file->buf + 2, file->len - 2));
	for (size_t i = 0; i < t.len; i++) {
		if (t.buf[i] == '\r') {
			assert_true(i + 1 < t.len && t.buf[i + 1] == '\n'); // CR only in CRLF
			continue;
		}
		strbuf_addch(out, t.buf[i]);
	}
	strbuf_release(&t);
}

static void golden(const char *name, const struct strbuf *file)
{
	struct strbuf text = STRBUF_INIT, path = STRBUF_INIT, want = STRBUF_INIT;
	as_text(file, &text);
	const char *src = getenv("GPOC_SOURCE_DIR");
	strbuf_addf(&path, "%s/tests/formats/golden/%s", src ? src : ".", name);
	const char *update = getenv("GPOC_UPDATE_GOLDEN");
	if (update && *update == '1') {
		FILE *fp = fopen(path.buf, "wb");
		assert_non_null(fp);
		fwrite(text.buf, 1, text.len, fp);
		fclose(fp);
	} else {
		FILE *fp = fopen(path.buf, "rb");
		if (!fp) {
			print_error("cannot read %s\n", path.buf);
			fail();
		}
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			strbuf_add(&want, buf, n);
		fclose(fp);
		assert_bytes(text.buf, text.len, want.buf, want.len);
	}
	strbuf_release(&text);
	strbuf_release(&path);
	strbuf_release(&want);
}

static const struct reg_op *find_op(const struct reg_doc *d, const char *key, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if ((d->ops[i].kind == REG_OP_SET || d->ops[i].kind == REG_OP_DELETE_VALUE) &&
		    !strcmp(d->ops[i].v.key, key) && !strcmp(d->ops[i].v.name, name))
			return &d->ops[i];
	return NULL;
}

static void assert_sd(const struct reg_op *op, const char *sddl)
{
	assert_non_null(op);
	assert_int_equal(op->kind, REG_OP_SET);
	assert_int_equal(op->v.type, REGT_BINARY);
	struct secdesc got, want;
	struct strbuf err = STRBUF_INIT;
	assert_true(secdesc_decode(op->v.data, op->v.size, &got, &err));
	parse_sd(sddl, &want);
	if (!secdesc_equal(&got, &want)) {
		struct strbuf s = STRBUF_INIT;
		sddl_print(&got, NULL, 0, &s);
		print_error("descriptor is %s\nexpected    %s\n", s.buf, sddl);
		fail();
	}
	secdesc_release(&got);
	secdesc_release(&want);
	strbuf_release(&err);
}

static void read_back(const struct artifact_set *out, const char *path, struct reg_doc *d)
{
	const struct artifact *a = artifact_find(out, path);
	assert_non_null(a);
	struct fmt_error err;
	assert_true(regfile_read((const uint8_t *)a->bytes.buf, a->bytes.len, d, &err));
}

static void test_apply_and_revert(void **state)
{
	(void)state;
	principals();
	struct fixture f;
	build_fixture(&f, &monitoring);
	struct artifact_set out;
	artifact_set_init(&out);
	struct diag d;
	diag_init(&d);
	struct render_ctx ctx = { .m = &f.m, .out = &out, .d = &d };
	if (!render_reg(&ctx)) {
		diag_print_gcc(&d, stderr);
		fail();
	}
	assert_int_equal(d.errors, 0);
	assert_int_equal(out.n, 2);
	golden("render_reg_apply.txt", &artifact_find(&out, "reg/apply.reg")->bytes);
	golden("render_reg_revert.txt", &artifact_find(&out, "reg/revert.reg")->bytes);

	struct reg_doc apply, revert;
	read_back(&out, "reg/apply.reg", &apply);
	read_back(&out, "reg/revert.reg", &revert);
	// The machine limit: baseline with the grant merged in.
	assert_sd(find_op(&apply, "SOFTWARE\\Microsoft\\Ole", "MachineLaunchRestriction"),
		  LAUNCH_BASELINE "(A;;CCDCLCSWRP;;;S-1-5-21-1-2-3-1001)");
	assert_sd(find_op(&revert, "SOFTWARE\\Microsoft\\Ole", "MachineLaunchRestriction"), LAUNCH_BASELINE);
	// The AppID permission without baseline: the grant alone, deleted on revert.
	assert_sd(find_op(&apply, "SOFTWARE\\Classes\\AppID\\" APPID, "AccessPermission"),
		  "O:BAG:BAD:(A;;CCDCLC;;;S-1-5-21-1-2-3-1001)");
	const struct reg_op *op = find_op(&revert, "SOFTWARE\\Classes\\AppID\\" APPID, "AccessPermission");
	assert_non_null(op);
	assert_int_equal(op->kind, REG_OP_DELETE_VALUE);
	// Values: set, then deleted or restored.
	op = find_op(&apply, "SOFTWARE\\Microsoft\\WBEM\\CIMOM", "AllowAnonymousCallback");
	assert_non_null(op);
	assert_int_equal(op->v.type, REGT_DWORD);
	assert_int_equal(get_le32(op->v.data), 1);
	op = find_op(&revert, "SOFTWARE\\Microsoft\\WBEM\\CIMOM", "AllowAnonymousCallback");
	assert_int_equal(op->kind, REG_OP_DELETE_VALUE);
	op = find_op(&revert, "SOFTWARE\\Microsoft\\WBEM\\CIMOM", "UnsecAppAccessControlDefault");
	assert_int_equal(op->kind, REG_OP_SET);
	assert_int_equal(get_le32(op->v.data), 1);
	// Nothing about the namespace.
	for (size_t i = 0; i < apply.n; i++)
		assert_null(strstr(apply.ops[i].v.key, "cimv2"));
	reg_doc_release(&apply);
	reg_doc_release(&revert);
	artifact_set_release(&out);
	diag_release(&d);
	release_fixture(&f);
}

static void test_principal_without_sid(void **state)
{
	(void)state;
	principals();
	struct fixture f;
	build_fixture(&f, &nosid);
	struct artifact_set out;
	artifact_set_init(&out);
	struct diag d;
	diag_init(&d);
	struct render_ctx ctx = { .m = &f.m, .out = &out, .d = &d };
	assert_false(render_reg(&ctx));
	assert_int_equal(out.n, 0);
	assert_int_equal(d.errors, 2); // the launch limit and the AppID permission
	assert_int_equal(d.v[0].pos.line, 12);
	assert_ptr_equal(d.v[0].pos.file, &intent_file);
	assert_non_null(strstr(d.v[0].message, "needs the SID of principal 'helpdesk'"));
	assert_non_null(strstr(d.v[0].message, "add 'sid: S-1-...'"));
	assert_int_equal(d.v[1].pos.line, 30);
	artifact_set_release(&out);
	diag_release(&d);
	release_fixture(&f);
}

static void test_nothing_to_write(void **state)
{
	(void)state;
	principals();
	struct fixture f;
	build_fixture(&f, &monitoring);
	f.m.values = NULL;
	f.m.n_values = 0;
	f.m.descriptors = &f.desc[2]; // the namespace only
	f.m.n_descriptors = 1;
	struct artifact_set out;
	artifact_set_init(&out);
	struct diag d;
	diag_init(&d);
	struct render_ctx ctx = { .m = &f.m, .out = &out, .d = &d };
	assert_true(render_reg(&ctx));
	assert_int_equal(out.n, 0);
	assert_int_equal(d.n, 0);
	artifact_set_release(&out);
	diag_release(&d);
	release_fixture(&f);
}

static void test_hostile_text(void **state)
{
	(void)state;
	principals();
	struct fixture f;
	build_fixture(&f, &monitoring);
	// A display title and a file name that try to start registry lines of their own.
	static struct src_file evil_file = { "x\r\n[HKEY_LOCAL_MACHINE\\Evil]\n\"a\"=\"b\".yaml", "", 0 };
	f.values[0].display = "title\n[-HKEY_LOCAL_MACHINE\\SOFTWARE]";
	f.values[0].meta.prov[0].grant.file = &evil_file;
	struct artifact_set out;
	artifact_set_init(&out);
	struct diag d;
	diag_init(&d);
	struct render_ctx ctx = { .m = &f.m, .out = &out, .d = &d };
	assert_true(render_reg(&ctx));
	struct reg_doc apply;
	read_back(&out, "reg/apply.reg", &apply);
	for (size_t i = 0; i < apply.n; i++) {
		assert_int_not_equal(apply.ops[i].kind, REG_OP_DELETE_KEY);
		assert_null(strstr(apply.ops[i].v.key, "Evil"));
	}
	bool seen = false;
	for (size_t i = 0; i < apply.n; i++)
		if (apply.ops[i].kind == REG_OP_COMMENT && strstr(apply.ops[i].text, "title\\x0a[-HKEY"))
			seen = true;
	assert_true(seen);
	reg_doc_release(&apply);
	artifact_set_release(&out);
	diag_release(&d);

	// A value name the .reg format cannot carry: refused at its grant.
	f.values[1].value.name = arena_strdup(&A, "bad\nname");
	f.values[1].revert.name = arena_strdup(&A, "bad\nname");
	artifact_set_init(&out);
	diag_init(&d);
	assert_false(render_reg(&ctx));
	assert_int_equal(out.n, 0);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.v[0].pos.line, 22);
	assert_non_null(strstr(d.v[0].message, "the reg target cannot write reg/apply.reg: value name"));
	artifact_set_release(&out);
	diag_release(&d);
	release_fixture(&f);
}

static void test_deterministic(void **state)
{
	(void)state;
	principals();
	struct fixture f, g;
	build_fixture(&f, &monitoring);
	build_fixture(&g, &monitoring);
	// Same effects, other array order.
	struct m_registry tmp = g.values[0];
	g.values[0] = g.values[1];
	g.values[1] = tmp;
	struct m_descriptor td = g.desc[0];
	g.desc[0] = g.desc[1];
	g.desc[1] = td;
	g.desc[0].aces = &g.appid_ace;
	g.desc[1].aces = &g.launch_ace;
	struct artifact_set a, b;
	artifact_set_init(&a);
	artifact_set_init(&b);
	struct diag d;
	diag_init(&d);
	struct render_ctx ca = { .m = &f.m, .out = &a, .d = &d }, cb = { .m = &g.m, .out = &b, .d = &d };
	assert_true(render_reg(&ca));
	assert_true(render_reg(&cb));
	for (int i = 0; i < 2; i++) {
		const char *p = i ? "reg/revert.reg" : "reg/apply.reg";
		const struct artifact *x = artifact_find(&a, p), *y = artifact_find(&b, p);
		assert_bytes(x->bytes.buf, x->bytes.len, y->bytes.buf, y->bytes.len);
	}
	artifact_set_release(&a);
	artifact_set_release(&b);
	diag_release(&d);
	release_fixture(&f);
	release_fixture(&g);
}

// A raw registry value naming the very value a descriptor goes to: an error at the
// value's grant, not a crash and not a silent pick.
static void test_value_and_descriptor_clash(void **state)
{
	(void)state;
	principals();
	struct fixture f;
	build_fixture(&f, &monitoring);
	f.values[1].value.key = arena_strdup(&A, "SOFTWARE\\Microsoft\\Ole");
	f.values[1].value.name = arena_strdup(&A, "MachineLaunchRestriction");
	f.values[1].revert.key = f.values[1].value.key;
	f.values[1].revert.name = f.values[1].value.name;
	struct artifact_set out;
	artifact_set_init(&out);
	struct diag d;
	diag_init(&d);
	struct render_ctx ctx = { .m = &f.m, .out = &out, .d = &d };
	assert_false(render_reg(&ctx));
	assert_int_equal(out.n, 0);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.v[0].pos.line, 22);
	assert_non_null(strstr(d.v[0].message, "would write SOFTWARE\\Microsoft\\Ole\\MachineLaunchRestriction twice"));
	artifact_set_release(&out);
	diag_release(&d);
	release_fixture(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_and_revert),
		cmocka_unit_test(test_principal_without_sid),
		cmocka_unit_test(test_nothing_to_write),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_value_and_descriptor_clash),
	};
	return cmocka_run_group_tests_name("formats_render_reg", tests, setup, teardown);
}
