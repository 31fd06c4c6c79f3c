/*
 * writer_skip.c — the writer's list of advisories left out for an error
 * under --keep-going (writer.h: writer_skip), kept so that the index says
 * it is incomplete and what is missing (meta `skipped`, schema/skiplist.h).
 *
 * Invariants: at most one entry per (source, path); at most SKIP_KEEP_MAX
 * entries, every text cut to its cap, valid UTF-8 without NUL (control
 * characters are kept: printers escape them); skip_unlisted counts what
 * did not fit, so nskip + skip_unlisted is the number skipped.
 */
#include "writer_int.h"

#include <stdlib.h>
#include <string.h>

#include "skiplist.h"
#include "utf8.h"

static void item_free(skip_item *it)
{
	free(it->source);
	free(it->path);
	free(it->id);
	free(it->msg);
	memset(it, 0, sizeof(*it));
}

void wr_skip_free(writer *w)
{
	for (size_t i = 0; i < w->nskip; i++)
		item_free(&w->skip[i]);
	free(w->skip);
	w->skip = NULL;
	w->nskip = w->capskip = 0;
	w->skip_unlisted = 0;
}

/* A copy of s cut to cap bytes, invalid UTF-8 and NUL replaced by '?'
 * (s comes from file names and messages of hostile files). */
static char *clean_copy(const char *s, size_t cap)
{
	size_t n = s ? strlen(s) : 0;
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq_len((const unsigned char *)s + i, n - i);
		if (k == 0) {
			p[o++] = '?';
			i++;
		} else {
			memcpy(p + o, s + i, k);
			o += k;
			i += k;
		}
	}
	p[skiplist_cut(p, o, cap)] = '\0';
	return p;
}

static long find(const writer *w, const char *source, const char *path)
{
	for (size_t i = 0; i < w->nskip; i++)
		if (!strcmp(w->skip[i].source, source) &&
		    !strcmp(w->skip[i].path, path))
			return (long)i;
	return -1;
}

void wr_skip_drop(writer *w, const char *source, const char *path)
{
	long i = find(w, source, path);

	if (i < 0)
		return;
	item_free(&w->skip[i]);
	w->skip[i] = w->skip[--w->nskip];
}

static int push(writer *w, const char *source, const char *path,
                const char *id, uint32_t line, const char *msg)
{
	skip_item it = { 0 };

	if (w->nskip == SKIP_KEEP_MAX) {
		if (w->skip_unlisted < UINT32_MAX)
			w->skip_unlisted++;
		return 0;
	}
	if (w->nskip == w->capskip) {
		size_t cap = w->capskip ? w->capskip * 2 : 16;
		skip_item *v = realloc(w->skip, cap * sizeof(*v));
		if (!v)
			return -1;
		w->skip = v;
		w->capskip = cap;
	}
	it.source = clean_copy(source, SKIP_SOURCE_MAX);
	it.path = clean_copy(path, SKIP_PATH_MAX);
	it.id = clean_copy(id ? id : "", SKIP_ID_MAX);
	it.msg = clean_copy(msg && *msg ? msg : "invalid", SKIP_MSG_MAX);
	it.line = line;
	if (!it.source || !it.path || !it.id || !it.msg || !it.source[0] ||
	    !it.path[0] || !it.msg[0]) {
		item_free(&it);
		return -1;
	}
	w->skip[w->nskip++] = it;
	return 0;
}

int writer_skip(writer *w, const char *source, const char *path,
                const char *id, unsigned line, const char *msg)
{
	if (!w || !source || !*source || !path || !*path)
		return -1;
	wr_skip_drop(w, source, path);
	return push(w, source, path, id, line, msg);
}

const char *writer_skipped_next(const writer *w, const char *source,
                                size_t *pos)
{
	while (*pos < w->nskip) {
		const skip_item *it = &w->skip[(*pos)++];
		if (!strcmp(it->source, source))
			return it->path;
	}
	return NULL;
}

/* A view's text as a new C string. */
static char *dup_view(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

int wr_skip_load(writer *w, const void *val, size_t len)
{
	skip_iter it;
	skip_view v;
	int r;

	wr_skip_free(w);
	if (skiplist_open(&it, val, len) < 0)
		return -1;
	while ((r = skiplist_next(&it, &v)) == 1) {
		char *s = dup_view(v.source, v.source_len);
		char *p = dup_view(v.path, v.path_len);
		char *id = dup_view(v.id, v.id_len);
		char *m = dup_view(v.msg, v.msg_len);
		int rc = s && p && id && m ? push(w, s, p, id, v.line, m) : -1;
		free(s);
		free(p);
		free(id);
		free(m);
		if (rc < 0) {
			wr_skip_free(w);
			return -1;
		}
	}
	if (r < 0) {
		wr_skip_free(w);
		return -1;
	}
	w->skip_unlisted = it.total - it.n;
	return 0;
}

static int cmp_item(const void *a, const void *b)
{
	const skip_item *x = a, *y = b;
	int c = strcmp(x->source, y->source);
	return c ? c : strcmp(x->path, y->path);
}

int wr_skip_encode(writer *w, uint8_t **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (w->nskip == 0 && w->skip_unlisted == 0)
		return 0;
	qsort(w->skip, w->nskip, sizeof(*w->skip), cmp_item);
	skip_view *v = calloc(w->nskip ? w->nskip : 1, sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < w->nskip; i++) {
		const skip_item *it = &w->skip[i];
		v[i] = (skip_view){ it->source, it->path, it->id, it->msg,
		                    strlen(it->source), strlen(it->path),
		                    strlen(it->id), strlen(it->msg), it->line };
	}
	uint64_t total = (uint64_t)w->nskip + w->skip_unlisted;
	int rc = skiplist_encode(out, len, total > UINT32_MAX ? UINT32_MAX :
	                         (uint32_t)total, v, w->nskip);
	free(v);
	return rc;
}
