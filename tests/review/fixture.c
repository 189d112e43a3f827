// Hand-built intents and models (fixture.h). Everything lives in the fixture's
// arena; arrays have room for FX_MAX entries, which the tests never exceed.
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/strbuf.h"
#include "core/utf.h"

// 80 numbered lines, so that positions point at real source lines.
static const char *fixture_text(struct arena *a)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 1; i <= 80; i++)
		strbuf_addf(&sb, "    line %d: some intent text\n", i);
	char *s = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return s;
}

static struct sid parse_sid(const char *s)
{
	struct sid sid;
	const char *err;
	assert_true(sid_parse(s, strlen(s), &sid, &err));
	return sid;
}

void fx_init(struct fx *f, const char *file_name)
{
	memset(f, 0, sizeof(*f));
	arena_init(&f->a);
	f->file.name = file_name ? file_name : "t.yaml";
	f->file.text = fixture_text(&f->a);
	f->file.len = strlen(f->file.text);
	f->in.file = &f->file;
	f->in.version = 1;
	f->in.policy.name = "test-policy";
	f->in.netbios = "CONTOSO";
	f->in.sids.has_domain = true;
	f->in.sids.domain = parse_sid(FX_DOMAIN);
	f->in.outputs = TARGET_ALL;
	f->in.principals = arena_array(&f->a, FX_MAX, sizeof(struct principal));
	f->in.grants = arena_array(&f->a, FX_MAX, sizeof(struct grant));
	f->m.intent = &f->in;
	f->m.sids = f->in.sids;
	f->m.descriptors = arena_array(&f->a, FX_MAX, sizeof(struct m_descriptor));
	f->m.members = arena_array(&f->a, FX_MAX, sizeof(struct m_member));
	f->m.rules = arena_array(&f->a, FX_MAX, sizeof(struct m_firewall));
	f->m.values = arena_array(&f->a, FX_MAX, sizeof(struct m_registry));
	f->m.steps = arena_array(&f->a, FX_MAX, sizeof(struct m_step));
}

void fx_no_domain(struct fx *f)
{
	f->in.netbios = NULL;
	memset(&f->in.sids, 0, sizeof(f->in.sids));
	f->m.sids = f->in.sids;
}

void fx_release(struct fx *f)
{
	for (size_t i = 0; i < f->m.n_descriptors; i++)
		secdesc_release(&f->m.descriptors[i].baseline);
	arena_release(&f->a);
}

const struct principal *fx_principal(struct fx *f, const char *name, const char *sid)
{
	assert_true(f->in.n_principals < FX_MAX);
	struct principal *p = &f->in.principals[f->in.n_principals++];
	p->key = name ? arena_strdup(&f->a, name) : NULL;
	p->name = name ? arena_strdup(&f->a, name) : NULL;
	if (sid) {
		p->has_sid = true;
		p->sid = parse_sid(sid);
	}
	return p;
}

struct grant *fx_grant(struct fx *f, const struct principal *to, uint32_t line, const char *allow)
{
	assert_true(f->in.n_grants < FX_MAX);
	struct grant *g = &f->in.grants[f->in.n_grants];
	g->index = f->in.n_grants++;
	g->pos = src_pos_make(&f->file, line, 5);
	g->to = to;
	g->allow = allow ? allow : "primitive";
	g->allow_pos = src_pos_make(&f->file, line, 12);
	g->suppress = arena_array(&f->a, FX_MAX, sizeof(struct suppression));
	return g;
}

void fx_suppress(struct fx *f, struct grant *g, const char *rule, uint32_t line)
{
	(void)f;
	assert_true(g->n_suppress < FX_MAX);
	struct suppression *s = &g->suppress[g->n_suppress++];
	s->rule = rule;
	s->reason = "test reason";
	s->pos = src_pos_make(g->pos.file, line, 9);
}

struct effect_meta fx_meta(struct fx *f, const struct grant *g)
{
	struct effect_meta m = { 0 };
	m.prov = arena_array(&f->a, 1, sizeof(*m.prov));
	m.prov[0].grant = g->allow_pos;
	m.prov[0].capability = g->allow;
	m.n_prov = 1;
	return m;
}

struct effect_meta fx_meta2(struct fx *f, const struct grant *g1, const struct grant *g2)
{
	struct effect_meta m = { 0 };
	m.prov = arena_array(&f->a, 2, sizeof(*m.prov));
	m.prov[0].grant = g1->allow_pos;
	m.prov[0].capability = g1->allow;
	m.prov[1].grant = g2->allow_pos;
	m.prov[1].capability = g2->allow;
	m.n_prov = 2;
	return m;
}

void fx_risk(struct effect_meta *meta, const char *risk, const char *reason)
{
	meta->risk = risk;
	meta->risk_reason = reason;
}

static enum rights_vocab vocab_of(enum descriptor_kind k)
{
	switch (k) {
	case DESC_MACHINE_LAUNCH:
	case DESC_APPID_LAUNCH:
		return VOCAB_COM_LAUNCH;
	case DESC_MACHINE_ACCESS:
	case DESC_APPID_ACCESS:
		return VOCAB_COM_ACCESS;
	case DESC_NAMESPACE:
		return VOCAB_WMI;
	}
	return VOCAB_GENERIC;
}

struct m_descriptor *fx_descriptor(struct fx *f, enum descriptor_kind k, const char *target,
				   const char *baseline_name, const char *baseline_sddl)
{
	assert_true(f->m.n_descriptors < FX_MAX);
	struct m_descriptor *d = &f->m.descriptors[f->m.n_descriptors++];
	d->kind = k;
	d->target = target;
	d->name = target ? target : k == DESC_MACHINE_LAUNCH ? "MachineLaunchRestriction" : "MachineAccessRestriction";
	d->vocab = vocab_of(k);
	secdesc_init(&d->baseline);
	if (baseline_sddl) {
		struct sddl_error err;
		d->has_baseline = true;
		d->baseline_name = baseline_name;
		assert_true(sddl_parse(baseline_sddl, strlen(baseline_sddl), &f->m.sids, &d->baseline, &err));
		d->baseline_pos = src_pos_make(&f->file, 3, 3);
	}
	d->aces = arena_array(&f->a, FX_MAX, sizeof(struct m_ace));
	return d;
}

struct m_ace *fx_ace(struct fx *f, struct m_descriptor *d, const struct principal *who, uint8_t type,
		     uint8_t flags, uint32_t mask, struct effect_meta meta)
{
	(void)f;
	assert_true(d->n_aces < FX_MAX);
	struct m_ace *a = &d->aces[d->n_aces++];
	a->who = who;
	a->type = type;
	a->flags = flags;
	a->mask = mask;
	a->meta = meta;
	return a;
}

struct m_member *fx_member(struct fx *f, const struct principal *group, const struct principal *member,
			   struct effect_meta meta)
{
	assert_true(f->m.n_members < FX_MAX);
	struct m_member *m = &f->m.members[f->m.n_members++];
	m->group = group;
	m->member = member;
	m->meta = meta;
	return m;
}

struct fw_rule *fx_rule(struct fx *f, const char *id, const char *ports, const char *const *addrs,
			struct effect_meta meta)
{
	assert_true(f->m.n_rules < FX_MAX);
	struct m_firewall *fw = &f->m.rules[f->m.n_rules++];
	struct fw_rule *r = &fw->rule;
	r->id = arena_strdup(&f->a, id);
	r->name = arena_printf(&f->a, "rule %s", id);
	r->description = arena_strdup(&f->a, "provenance text");
	r->dir = FW_DIR_IN;
	r->action = FW_ALLOW;
	r->protocol = FW_PROTO_TCP;
	r->local_ports = ports ? arena_strdup(&f->a, ports) : NULL;
	r->enabled = true;
	size_t n = 0;
	while (addrs && addrs[n])
		n++;
	if (n) {
		r->remote_addrs = arena_array(&f->a, n, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			r->remote_addrs[i] = arena_strdup(&f->a, addrs[i]);
		r->n_remote_addrs = n;
	}
	fw->meta = meta;
	return r;
}

struct m_registry *fx_dword(struct fx *f, const char *key, const char *name, uint32_t value,
			    struct effect_meta meta)
{
	assert_true(f->m.n_values < FX_MAX);
	struct m_registry *r = &f->m.values[f->m.n_values++];
	r->value.hive = HIVE_HKLM;
	r->value.key = arena_strdup(&f->a, key);
	r->value.name = arena_strdup(&f->a, name);
	r->value.type = REGT_DWORD;
	r->value.data = arena_array(&f->a, 4, 1);
	put_le32(r->value.data, value);
	r->value.size = 4;
	r->revert_delete = true;
	r->meta = meta;
	return r;
}

struct m_step *fx_step(struct fx *f, enum step_kind kind, int level, struct effect_meta meta)
{
	assert_true(f->m.n_steps < FX_MAX);
	struct m_step *s = &f->m.steps[f->m.n_steps++];
	s->kind = kind;
	s->level = level;
	s->meta = meta;
	return s;
}
