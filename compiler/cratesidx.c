/*
 * cratesidx.c — one crates.io index file into a crate record (see
 * cratesidx.h for the layout and the hostile-input policy).
 *
 * Every valid line becomes (version key, yanked, line); they are sorted
 * by key so that a version given twice (also as 1.0.0 and 1.0.0+build,
 * one key) keeps its first line and reports the others, and so that the
 * yanked list comes out in key order, as the record wants it.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "crates.h"
#include "cratesidx.h"
#include "version.h"

typedef struct vline {
	uint8_t key[VKEY_MAX];
	uint8_t klen;
	uint8_t yanked;
	unsigned line;
} vline;

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || ascii_is_digit((unsigned char)c) ||
	       c == '-' || c == '_';
}

int cratesidx_path(char *name, const char *path, const char **why)
{
	const char *parts[4];
	size_t lens[4], np = 0;
	const char *p = path;

	*why = NULL;
	for (;;) {
		const char *s = strchr(p, '/');
		size_t n = s ? (size_t)(s - p) : strlen(p);
		if (np == 4) {
			*why = "too deep for the index layout";
			return -1;
		}
		parts[np] = p;
		lens[np++] = n;
		if (!s)
			break;
		p = s + 1;
	}
	if (np == 1 || parts[0][0] == '.')
		return 0;   /* config.json, .git/..., .github/... */
	const char *nm = parts[np - 1];
	size_t n = lens[np - 1];
	*why = "not where the index layout puts this name";
	if (n == 0 || n > ADV_PACKAGE_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!name_char(nm[i])) {
			*why = "not a crate name in lower case";
			return -1;
		}
	int ok;
	if (n <= 2)
		ok = np == 2 && lens[0] == 1 && parts[0][0] == (char)('0' + n);
	else if (n == 3)
		ok = np == 3 && lens[0] == 1 && parts[0][0] == '3' &&
		     lens[1] == 1 && parts[1][0] == nm[0];
	else
		ok = np == 3 && lens[0] == 2 && !memcmp(parts[0], nm, 2) &&
		     lens[1] == 2 && !memcmp(parts[1], nm + 2, 2);
	if (!ok)
		return -1;
	memcpy(name, nm, n);
	name[n] = '\0';
	*why = NULL;
	return 1;
}

static int cmp_vline(const void *a, const void *b)
{
	const vline *x = a, *y = b;
	int c = version_key_cmp(x->key, x->klen, y->key, y->klen);
	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int is_cksum(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (ascii_hexval((unsigned char)s[i]) < 0 ||
		    (s[i] >= 'A' && s[i] <= 'F'))
			return 0;
	return i == 64;
}

/* One line into *v: NULL, or why it is malformed (msg holds it). */
static const char *parse_line(vline *v, const char *name, const char *s,
                              size_t len, char *msg, size_t cap)
{
	json_error_t je;
	const char *why = NULL;
	json_t *o = json_loadb(s, len, JSON_REJECT_DUPLICATES, &je);

	if (!o) {
		snprintf(msg, cap, "not JSON: %s (column %d)", je.text, je.column);
		return msg;
	}
	json_t *jn = json_object_get(o, "name");
	json_t *jv = json_object_get(o, "vers");
	json_t *jc = json_object_get(o, "cksum");
	json_t *jy = json_object_get(o, "yanked");
	char folded[ADV_PACKAGE_MAX + 1];
	version ver;
	const char *verr;

	if (!json_is_object(o)) {
		why = "not a JSON object";
	} else if (!json_is_string(jn)) {
		why = "no string `name`";
	} else if (json_string_length(jn) != strlen(name) ||
	           crate_key_fold(folded, json_string_value(jn),
	                          json_string_length(jn)) == 0 ||
	           memcmp(folded, name, strlen(name)) != 0) {
		why = "`name` is not the crate this file is for";
	} else if (!json_is_string(jv)) {
		why = "no string `vers`";
	} else if (version_parse(&ver, json_string_value(jv),
	                         json_string_length(jv), &verr) < 0) {
		snprintf(msg, cap, "`vers`: %s", verr);
		why = msg;
	} else if (!json_is_string(jc) || !is_cksum(json_string_value(jc))) {
		why = "`cksum` is not 64 lower-case hex digits";
	} else if (jy && !json_is_boolean(jy)) {
		why = "`yanked` is not true or false";
	} else {
		size_t kl = version_key_encode(&ver, v->key);
		if (kl == 0) {
			why = "`vers` too long for a version key";
		} else {
			v->klen = (uint8_t)kl;
			v->yanked = jy && json_is_true(jy);
		}
	}
	json_decref(o);
	return why;
}

int cratesidx_parse(cratesidx_file *out, const char *name, const char *text,
                    size_t len, cratesidx_report fn, void *arg)
{
	vline *v = NULL;
	size_t n = 0, cap = 0;
	unsigned lineno = 0;
	const char *p = text, *end = text + len;
	char msg[256];
	uint8_t *yk = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *line = p;
		p = nl ? nl + 1 : end;
		lineno++;
		if (ll == 0 || (ll == 1 && line[0] == '\r'))
			continue;   /* a blank line holds no version */
		const char *why = NULL;
		if (ll > CRATES_LINE_MAX) {
			why = "line longer than 1 MiB";
		} else {
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				vline *nv = realloc(v, nc * sizeof(*v));
				if (!nv)
					goto done;
				v = nv;
				cap = nc;
			}
			why = parse_line(&v[n], name, line, ll, msg, sizeof(msg));
		}
		if (why) {
			out->bad++;
			fn(arg, lineno, why);
			continue;
		}
		v[n++].line = lineno;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_vline);
	/* the first line of each key counts; later ones are reported */
	size_t u = 0;
	for (size_t i = 0; i < n; i++) {
		if (u && version_key_cmp(v[u - 1].key, v[u - 1].klen, v[i].key,
		                         v[i].klen) == 0) {
			out->bad++;
			snprintf(msg, sizeof(msg), "version given twice (first on "
			         "line %u)", v[u - 1].line);
			fn(arg, v[i].line, msg);
			continue;
		}
		v[u++] = v[i];
	}
	n = u;
	if (n == 0) {
		fn(arg, 0, "no valid version in the file");
		rc = 0;
		goto done;
	}
	crate_rec r = { 0 };
	size_t ylen = 0;
	const vline *latest = NULL, *pre = NULL;
	for (size_t i = 0; i < n; i++) {
		if (v[i].yanked) {
			out->yanked++;
			ylen += 1 + v[i].klen;
		} else if (version_key_is_pre(v[i].key, v[i].klen)) {
			pre = &v[i];    /* sorted: the last one is the newest */
		} else {
			latest = &v[i];
		}
	}
	if (out->yanked > CRATE_YANKED_MAX) {
		out->bad += n;
		fn(arg, 0, "more than 65,535 yanked versions");
		rc = 0;
		goto done;
	}
	if (ylen && !(yk = malloc(ylen)))
		goto done;
	size_t at = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].yanked) {
			yk[at++] = v[i].klen;
			memcpy(yk + at, v[i].key, v[i].klen);
			at += v[i].klen;
		}
	out->versions = (uint32_t)n;
	r.versions = (uint32_t)n;
	if (latest) {
		r.latest = latest->key;
		r.latest_len = latest->klen;
	}
	if (pre && (!latest || version_key_cmp(pre->key, pre->klen, latest->key,
	                                       latest->klen) > 0)) {
		r.pre = pre->key;
		r.pre_len = pre->klen;
	}
	r.n_yanked = (uint16_t)out->yanked;
	r.yanked = yk;
	r.yanked_len = ylen;
	out->rec_len = crate_rec_size(&r);
	if (!(out->rec = malloc(out->rec_len)))
		goto done;
	crate_rec_encode(out->rec, &r);
	rc = 0;
done:
	if (rc < 0)
		cratesidx_file_free(out);
	free(yk);
	free(v);
	return rc;
}

void cratesidx_file_free(cratesidx_file *f)
{
	free(f->rec);
	f->rec = NULL;
	f->rec_len = 0;
}
