#include "core/artifact.h"

#include <stdlib.h>
#include <string.h>

void artifact_set_init(struct artifact_set *s)
{
	memset(s, 0, sizeof(*s));
}

void artifact_set_release(struct artifact_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i]->path);
		strbuf_release(&s->v[i]->bytes);
		free(s->v[i]);
	}
	free(s->v);
	artifact_set_init(s);
}

static bool path_is_safe(const char *p)
{
	if (!*p || *p == '/')
		return false;
	// No empty, "." or ".." components, no backslashes: the commit step joins paths as is.
	const char *c = p;
	while (*c) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (memchr(c, '\\', n))
			return false;
		c += n + (end ? 1 : 0);
		if (end && !*c)
			return false;
	}
	return true;
}

struct strbuf *artifact_add(struct artifact_set *s, const char *path)
{
	if (!path_is_safe(path))
		BUG("artifact path '%s' is not a safe relative path", path);
	if (artifact_find(s, path))
		BUG("artifact '%s' rendered twice", path);
	GROW(s->v, s->alloc, s->n + 1);
	struct artifact *a = xcalloc(1, sizeof(*a));
	s->v[s->n++] = a;
	a->path = xstrdup(path);
	strbuf_init(&a->bytes, 0);
	return &a->bytes;
}

void artifact_add_buf(struct artifact_set *s, const char *path, struct strbuf *bytes)
{
	struct strbuf *dst = artifact_add(s, path);
	*dst = *bytes;
	strbuf_init(bytes, 0);
}

const struct artifact *artifact_find(const struct artifact_set *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i]->path, path))
			return s->v[i];
	return NULL;
}

static int cmp_artifact(const void *a, const void *b)
{
	const struct artifact *x = *(struct artifact *const *)a, *y = *(struct artifact *const *)b;
	return strcmp(x->path, y->path);
}

void artifact_set_sort(struct artifact_set *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_artifact);
}
