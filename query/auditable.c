/*
 * auditable.c — cargo-auditable data: zlib (Debian's zlib), JSON
 * (Debian's jansson), validation, the dependency graph (see auditable.h).
 *
 * jansson builds a tree of the whole document; a pre-scan bounds it first
 * (nesting depth, and an upper bound on the number of values: every value
 * but the first follows a '[', ',' or ':'), so a hostile 8 MiB document
 * costs at most ~100 MB of tree. Packages are then copied into one block
 * owned by the result (pack()), and the tree freed.
 *
 * A dependency index out of range is dropped as it is read and noted as
 * the tree's error, so every stored index is < npkgs: graph code and the
 * merge of a universal file never need to check one again.
 */
#include "auditable.h"

#include <assert.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "errbuf.h"
#include "jsonbound.h"
#include "limit.h"
#include "version.h"

static int fail(auditable_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(auditable_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(err->msg, sizeof(err->msg), "malformed audit data", fmt, ap);
	va_end(ap);
	return -1;
}

void auditable_free(auditable *a)
{
	if (!a)
		return;
	free(a->mem);
	memset(a, 0, sizeof(*a));
}

/* ---- zlib ---- */

int auditable_inflate(unsigned char **out, size_t *outlen,
                      const unsigned char *z, size_t zlen,
                      auditable_error *err)
{
	z_stream s;
	unsigned char *buf;
	size_t cap;

	*out = NULL;
	*outlen = 0;
	if (zlen == 0)
		return fail(err, "empty");
	/* Room grows from a guess (JSON compresses 5-10x) to the cap plus
	 * one byte: producing that byte is how a bomb is caught at the cap,
	 * without inflating the rest of it. */
	cap = zlen < AUDITABLE_INFLATE_MAX / 8 ? zlen * 8 + 256
	                                       : AUDITABLE_INFLATE_MAX + 1;
	if (!(buf = malloc(cap + 1)))
		return fail(err, "out of memory");
	memset(&s, 0, sizeof(s));
	if (inflateInit(&s) != Z_OK) {
		free(buf);
		return fail(err, "out of memory");
	}
	for (;;) {
		size_t in_left = zlen - (size_t)s.total_in;
		/* zlib counts in uInt: at most 1 GiB per call */
		s.next_in = (unsigned char *)z + s.total_in;
		s.avail_in = in_left > (1u << 30) ? (1u << 30) : (uInt)in_left;
		s.next_out = buf + s.total_out;
		s.avail_out = (uInt)(cap - (size_t)s.total_out);
		int zr = inflate(&s, Z_NO_FLUSH);
		if (s.total_out > AUDITABLE_INFLATE_MAX) {
			fail(err, "inflates to more than %zu MiB (a zlib bomb?)",
			     AUDITABLE_INFLATE_MAX >> 20);
			goto bad;
		}
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_MEM_ERROR) {
			fail(err, "out of memory");
			goto bad;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			fail(err, "not zlib data (%s)",
			     s.msg ? s.msg : "bad stream");
			goto bad;
		}
		if (s.avail_out == 0) {
			/* cap <= AUDITABLE_INFLATE_MAX here: the byte past the
			 * cap was caught above */
			cap = cap * 2 > AUDITABLE_INFLATE_MAX
			      ? AUDITABLE_INFLATE_MAX + 1 : cap * 2;
			unsigned char *nb = realloc(buf, cap + 1);
			if (!nb) {
				fail(err, "out of memory");
				goto bad;
			}
			buf = nb;
		} else if ((size_t)s.total_in == zlen) {
			fail(err, "truncated (its zlib stream does not "
			     "end)");
			goto bad;
		}
	}
	/* A PE section is padded to its alignment with zeros: fine. Any
	 * other byte after the stream is not something we understand. */
	for (size_t i = (size_t)s.total_in; i < zlen; i++)
		if (z[i] != 0) {
			fail(err, "%zu bytes after the end of its zlib stream",
			     zlen - (size_t)s.total_in);
			goto bad;
		}
	*outlen = (size_t)s.total_out;
	buf[*outlen] = '\0';
	*out = buf;
	inflateEnd(&s);
	return 0;
bad:
	inflateEnd(&s);
	free(buf);
	return -1;
}

/* ---- packing packages into one block ---- */

typedef struct spec {
	const char *name, *version, *source;
	size_t nl, vl, sl;
	auditable_source kind;
	int build, root;
	size_t deps_at, ndeps;          /* in the caller's deps array */
} spec;

static int pack(auditable *out, const spec *v, size_t n, const size_t *deps,
                size_t ndeps, auditable_error *err)
{
	size_t strbytes = 0;

	for (size_t i = 0; i < n; i++)
		strbytes += v[i].nl + v[i].vl + v[i].sl + 3;
	size_t total = n * sizeof(auditable_pkg) +
	               (ndeps + n) * sizeof(size_t) + strbytes;
	char *mem = malloc(total ? total : 1);
	if (!mem)
		return fail(err, "out of memory");
	auditable_pkg *pkgs = (auditable_pkg *)mem;
	size_t *dv = (size_t *)(mem + n * sizeof(auditable_pkg));
	size_t *parent = dv + ndeps;
	char *s = (char *)(parent + n);

	if (ndeps)
		memcpy(dv, deps, ndeps * sizeof(size_t));
	for (size_t i = 0; i < n; i++) {
		auditable_pkg *p = &pkgs[i];
		p->name = s;
		memcpy(s, v[i].name, v[i].nl);
		s += v[i].nl;
		*s++ = '\0';
		p->version = s;
		memcpy(s, v[i].version, v[i].vl);
		s += v[i].vl;
		*s++ = '\0';
		p->source = s;
		memcpy(s, v[i].source, v[i].sl);
		s += v[i].sl;
		*s++ = '\0';
		p->source_kind = v[i].kind;
		p->build = v[i].build;
		p->root = v[i].root;
		p->deps = dv + v[i].deps_at;
		p->ndeps = v[i].ndeps;
	}
	out->mem = mem;
	out->pkgs = pkgs;
	out->npkgs = n;
	out->parent = parent;       /* filled (or dropped) by check_graph */
	out->root = AUDITABLE_NONE;
	return 0;
}

/* ---- the graph ---- */

static void tree_fail(auditable *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tree_fail(auditable *a, const char *fmt, ...)
{
	va_list ap;

	if (a->tree_error[0])
		return;                 /* the first reason is kept */
	va_start(ap, fmt);
	errbuf_vset(a->tree_error, sizeof(a->tree_error), "invalid graph", fmt,
	            ap);
	va_end(ap);
}

/* Exactly one root, no cycle (indices are in range by construction);
 * then the shortest-path parents from the root. Needs n bytes and 2n
 * size_t of scratch; fails only for memory. */
static int check_graph(auditable *a, auditable_error *err)
{
	size_t n = a->npkgs, nroots = 0, first = AUDITABLE_NONE, second = 0;

	for (size_t i = 0; i < n; i++)
		if (a->pkgs[i].root) {
			if (nroots++ == 0)
				first = i;
			else if (nroots == 2)
				second = i;
		}
	if (nroots == 0)
		tree_fail(a, "no root package");
	else if (nroots > 1)
		tree_fail(a, "%zu root packages (%.60s and %.60s)", nroots,
		          a->pkgs[first].name, a->pkgs[second].name);
	if (a->tree_error[0]) {
		a->parent = NULL;
		return 0;
	}

	/* Depth-first, iteratively: color 0 new, 1 on the stack, 2 done. */
	unsigned char *color = calloc(n ? n : 1, 1);
	size_t *stack = malloc((n ? n : 1) * sizeof(*stack));
	size_t *edge = malloc((n ? n : 1) * sizeof(*edge));
	if (!color || !stack || !edge) {
		free(color);
		free(stack);
		free(edge);
		return fail(err, "out of memory");
	}
	for (size_t s = 0; s < n && !a->tree_error[0]; s++) {
		size_t top = 0;
		if (color[s])
			continue;
		stack[top] = s;
		edge[top++] = 0;
		color[s] = 1;
		while (top && !a->tree_error[0]) {
			size_t u = stack[top - 1];
			if (edge[top - 1] == a->pkgs[u].ndeps) {
				color[u] = 2;
				top--;
				continue;
			}
			size_t w = a->pkgs[u].deps[edge[top - 1]++];
			assert(w < n);      /* checked when the graph was read */
			if (color[w] == 1)
				tree_fail(a, "a dependency cycle through %.60s %.40s",
				          a->pkgs[w].name, a->pkgs[w].version);
			else if (color[w] == 0) {
				color[w] = 1;
				stack[top] = w;
				edge[top++] = 0;
			}
		}
	}
	if (a->tree_error[0]) {
		a->parent = NULL;
	} else {
		/* Breadth-first from the root: stack is the queue now. */
		size_t head = 0, tail = 0;
		for (size_t i = 0; i < n; i++)
			a->parent[i] = AUDITABLE_NONE;
		memset(color, 0, n);
		a->root = first;
		color[first] = 1;
		stack[tail++] = first;
		while (head < tail) {
			size_t u = stack[head++];
			for (size_t k = 0; k < a->pkgs[u].ndeps; k++) {
				size_t w = a->pkgs[u].deps[k];
				if (color[w])
					continue;
				color[w] = 1;
				a->parent[w] = u;
				stack[tail++] = w;
			}
		}
	}
	free(color);
	free(stack);
	free(edge);
	return 0;
}

/* ---- JSON ---- */

/* Bound jansson's work before it starts (jsonbound.h). */
static int prescan(const char *s, size_t n, auditable_error *err)
{
	switch (jsonbound_check(s, n, AUDITABLE_DEPTH_MAX,
	                        AUDITABLE_VALUES_MAX)) {
	case JSONBOUND_DEEP:
		return fail(err, "JSON nested deeper than %d levels",
		            AUDITABLE_DEPTH_MAX);
	case JSONBOUND_MANY:
		return fail(err, "more than %d JSON values",
		            AUDITABLE_VALUES_MAX);
	default:
		return 0;
	}
}

static int pkg_fail(auditable_error *err, size_t i, const char *name,
                    const char *what)
{
	if (name)
		return fail(err, "package %zu (%.60s): %s", i, name, what);
	return fail(err, "package %zu: %s", i, what);
}

static int source_of(spec *sp, json_t *v, size_t i, auditable_error *err)
{
	static const struct { const char *text, *alt; auditable_source k; }
	known[] = {
		{ "crates.io", "CratesIo", AUDITABLE_CRATES_IO },
		{ "git", "Git", AUDITABLE_GIT },
		{ "local", "Local", AUDITABLE_LOCAL },
		{ "registry", "Registry", AUDITABLE_REGISTRY },
	};
	const char *s;
	size_t sl;

	if (json_is_object(v)) {
		json_t *o = json_object_get(v, "Other");
		if (!o || json_object_size(v) != 1 || !json_is_string(o))
			return pkg_fail(err, i, sp->name, "`source` is an object "
			                "other than {\"Other\": string}");
		s = json_string_value(o);
		sl = json_string_length(o);
		sp->kind = AUDITABLE_OTHER;
	} else if (json_is_string(v)) {
		s = json_string_value(v);
		sl = json_string_length(v);
		sp->kind = AUDITABLE_OTHER;
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strcmp(s, known[k].text) == 0 ||
			    strcmp(s, known[k].alt) == 0) {
				sp->kind = known[k].k;
				s = known[k].text;
				sl = strlen(s);
			}
	} else {
		return pkg_fail(err, i, sp->name, "`source` is missing or not "
		                "a string");
	}
	if (strlen(s) != sl || sl > ADV_PACKAGE_MAX)
		return pkg_fail(err, i, sp->name, "`source` holds a NUL byte or "
		                "is too long");
	sp->source = s;
	sp->sl = sl;
	return 0;
}

/* Read package i into *sp, its dependencies appended to *deps. */
static int read_pkg(spec *sp, size_t **deps, size_t *ndeps, size_t *dcap,
                    json_t *p, size_t i, size_t npkgs, auditable *a,
                    auditable_error *err)
{
	json_t *v;
	const char *verr = NULL;
	version ver;
	char msg[200];

	memset(sp, 0, sizeof(*sp));
	if (!json_is_object(p))
		return pkg_fail(err, i, NULL, "not an object");
	v = json_object_get(p, "name");
	if (!json_is_string(v))
		return pkg_fail(err, i, NULL, "`name` is missing or not a string");
	sp->name = json_string_value(v);
	sp->nl = json_string_length(v);
	if (sp->nl == 0)
		return pkg_fail(err, i, NULL, "empty `name`");
	if (strlen(sp->name) != sp->nl)
		return pkg_fail(err, i, NULL, "`name` holds a NUL byte");
	if (sp->nl > ADV_PACKAGE_MAX) {
		snprintf(msg, sizeof(msg), "`name` longer than %d bytes",
		         ADV_PACKAGE_MAX);
		return pkg_fail(err, i, NULL, msg);
	}
	v = json_object_get(p, "version");
	if (!json_is_string(v))
		return pkg_fail(err, i, sp->name, "`version` is missing or not "
		                "a string");
	sp->version = json_string_value(v);
	sp->vl = json_string_length(v);
	if (version_parse(&ver, sp->version, sp->vl, &verr) < 0) {
		snprintf(msg, sizeof(msg), "bad version \"%.40s\": %s",
		         sp->version, verr ? verr : "not semver");
		return pkg_fail(err, i, sp->name, msg);
	}
	if (source_of(sp, json_object_get(p, "source"), i, err) < 0)
		return -1;
	v = json_object_get(p, "kind");
	if (v) {
		const char *k = json_is_string(v) ? json_string_value(v) : "";
		if (strcmp(k, "build") == 0)
			sp->build = 1;
		else if (strcmp(k, "runtime") != 0)
			return pkg_fail(err, i, sp->name, "`kind` is neither "
			                "\"build\" nor \"runtime\"");
	}
	v = json_object_get(p, "root");
	if (v) {
		if (!json_is_boolean(v))
			return pkg_fail(err, i, sp->name, "`root` is not a boolean");
		sp->root = json_is_true(v);
	}
	sp->deps_at = *ndeps;
	v = json_object_get(p, "dependencies");
	if (!v)
		return 0;
	if (!json_is_array(v))
		return pkg_fail(err, i, sp->name, "`dependencies` is not an "
		                "array");
	for (size_t k = 0; k < json_array_size(v); k++) {
		json_t *d = json_array_get(v, k);
		if (!json_is_integer(d) || json_integer_value(d) < 0)
			return pkg_fail(err, i, sp->name, "a dependency is not a "
			                "package index (a non-negative integer)");
		json_int_t x = json_integer_value(d);
		if ((uint64_t)x >= npkgs) {
			tree_fail(a, "package %zu (%.60s) depends on index %lld, "
			          "out of range (%zu packages)", i, sp->name,
			          (long long)x, npkgs);
			continue;
		}
		if (*ndeps == *dcap) {
			size_t cap = *dcap ? *dcap * 2 : 1024;
			size_t *nd = realloc(*deps, cap * sizeof(*nd));
			if (!nd)
				return fail(err, "out of memory");
			*deps = nd;
			*dcap = cap;
		}
		(*deps)[(*ndeps)++] = (size_t)x;
		sp->ndeps++;
	}
	return 0;
}

int auditable_parse_json(auditable *out, const char *text, size_t len,
                         auditable_error *err)
{
	json_error_t jerr;
	json_t *doc, *v, *pk;
	spec *specs = NULL;
	size_t *deps = NULL, ndeps = 0, dcap = 0, n;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (len > AUDITABLE_INFLATE_MAX)
		return fail(err, "JSON larger than %zu MiB",
		            AUDITABLE_INFLATE_MAX >> 20);
	if (prescan(text, len, err) < 0)
		return -1;
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return fail(err, "bad JSON at line %d, column %d: %s", jerr.line,
		            jerr.column, jerr.text);
	if (!json_is_object(doc)) {
		fail(err, "the JSON is not an object");
		goto out;
	}
	v = json_object_get(doc, "format");
	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > (json_int_t)UINT32_MAX) {
			fail(err, "`format` is not a number 0..2^32-1");
			goto out;
		}
		out->format = (uint32_t)json_integer_value(v);
	}
	pk = json_object_get(doc, "packages");
	if (!json_is_array(pk)) {
		fail(err, "`packages` is missing or not an array");
		goto out;
	}
	n = json_array_size(pk);
	if (n > AUDITABLE_PKGS_MAX) {
		fail(err, "more than %d packages", AUDITABLE_PKGS_MAX);
		goto out;
	}
	specs = malloc((n ? n : 1) * sizeof(*specs));
	if (!specs) {
		fail(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (read_pkg(&specs[i], &deps, &ndeps, &dcap,
		             json_array_get(pk, i), i, n, out, err) < 0)
			goto out;
	/* pack() keeps format and tree_error (an index out of range) */
	if (pack(out, specs, n, deps, ndeps, err) < 0)
		goto out;
	if (check_graph(out, err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		auditable_free(out);
	free(specs);
	free(deps);
	json_decref(doc);
	return rc;
}

int auditable_decode(auditable *out, const unsigned char *z, size_t zlen,
                     auditable_error *err)
{
	unsigned char *text;
	size_t len;

	memset(out, 0, sizeof(*out));
	int rc = auditable_inflate(&text, &len, z, zlen, err);
	if (rc == 0) {
		rc = auditable_parse_json(out, (const char *)text, len, err);
		free(text);
	}
	if (rc < 0) {
		char m[sizeof(err->msg)];
		memcpy(m, err->msg, sizeof(m));
		fail(err, "dependency data: %s", m);
	}
	return rc;
}

/* ---- binaries, and the union of a universal file's slices ---- */

static uint64_t hash_pkg(const auditable_pkg *p)
{
	uint64_t h = 1469598103934665603ull;
	const char *parts[3] = { p->name, p->version, p->source };

	for (int k = 0; k < 3; k++) {
		for (const unsigned char *c = (const unsigned char *)parts[k];
		     *c; c++)
			h = (h ^ *c) * 1099511628211ull;
		h = (h ^ 0xff) * 1099511628211ull;
	}
	return h;
}

static int same_pkg(const auditable_pkg *a, const auditable_pkg *b)
{
	return strcmp(a->name, b->name) == 0 &&
	       strcmp(a->version, b->version) == 0 &&
	       strcmp(a->source, b->source) == 0;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* The union of parts[0..n): a package once per (name, version, source),
 * dependencies and root flags merged. */
static int merge(auditable *out, const auditable *parts, size_t n,
                 const char *const *names, auditable_error *err)
{
	size_t total = 0, nu = 0, ndeps = 0, dcap = 0;
	size_t *slot = NULL, *deps = NULL, nslots = 1;
	size_t **map = NULL;                /* part k, package i -> union */
	const auditable_pkg **rep = NULL;   /* union index -> a package */
	spec *specs = NULL;
	char treeerr[sizeof(out->tree_error)] = "";
	int rc = -1;

	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < n; k++)
		total += parts[k].npkgs;
	while (nslots < total * 2)
		nslots <<= 1;
	slot = malloc(nslots * sizeof(*slot));
	map = calloc(n, sizeof(*map));
	rep = malloc((total ? total : 1) * sizeof(*rep));
	if (!slot || !map || !rep)
		goto oom;
	for (size_t i = 0; i < nslots; i++)
		slot[i] = AUDITABLE_NONE;
	for (size_t k = 0; k < n; k++) {
		map[k] = malloc((parts[k].npkgs ? parts[k].npkgs : 1) *
		                sizeof(size_t));
		if (!map[k])
			goto oom;
		for (size_t i = 0; i < parts[k].npkgs; i++) {
			const auditable_pkg *p = &parts[k].pkgs[i];
			size_t h = (size_t)hash_pkg(p) & (nslots - 1);
			while (slot[h] != AUDITABLE_NONE && !same_pkg(rep[slot[h]], p))
				h = (h + 1) & (nslots - 1);
			if (slot[h] == AUDITABLE_NONE) {
				slot[h] = nu;
				rep[nu++] = p;
			}
			map[k][i] = slot[h];
		}
		if (parts[k].tree_error[0] && !treeerr[0])
			snprintf(treeerr, sizeof(treeerr), "%s: %s", names[k],
			         parts[k].tree_error);
	}
	/* nu <= total <= AUDITABLE_PKGS_MAX: auditable_from_binary caps
	 * the slices together */
	specs = calloc(nu ? nu : 1, sizeof(*specs));
	if (!specs)
		goto oom;
	for (size_t u = 0; u < nu; u++) {
		const auditable_pkg *p = rep[u];
		specs[u].name = p->name;
		specs[u].nl = strlen(p->name);
		specs[u].version = p->version;
		specs[u].vl = strlen(p->version);
		specs[u].source = p->source;
		specs[u].sl = strlen(p->source);
		specs[u].kind = p->source_kind;
		specs[u].build = 1;
	}
	/* Flags: a root anywhere is a root; runtime anywhere is runtime. */
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < parts[k].npkgs; i++) {
			spec *sp = &specs[map[k][i]];
			sp->root |= parts[k].pkgs[i].root;
			sp->build &= parts[k].pkgs[i].build;
		}
	/* Dependencies: each union package's, from every slice, sorted and
	 * without repeats. Room per package first (the sum over its
	 * instances), then one pass fills it. */
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < parts[k].npkgs; i++)
			specs[map[k][i]].ndeps += parts[k].pkgs[i].ndeps;
	for (size_t u = 0; u < nu; u++) {
		specs[u].deps_at = dcap;
		dcap += specs[u].ndeps;
		specs[u].ndeps = 0;
	}
	deps = malloc((dcap ? dcap : 1) * sizeof(*deps));
	if (!deps)
		goto oom;
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < parts[k].npkgs; i++) {
			const auditable_pkg *p = &parts[k].pkgs[i];
			spec *sp = &specs[map[k][i]];
			for (size_t d = 0; d < p->ndeps; d++)
				deps[sp->deps_at + sp->ndeps++] = map[k][p->deps[d]];
		}
	for (size_t u = 0; u < nu; u++) {
		size_t *dv = deps + specs[u].deps_at, m = specs[u].ndeps, w = 0;
		if (m)
			qsort(dv, m, sizeof(*dv), cmp_size);
		for (size_t r = 0; r < m; r++)
			if (w == 0 || dv[w - 1] != dv[r])
				dv[w++] = dv[r];
		specs[u].ndeps = w;     /* the rest of its room stays unused */
	}
	ndeps = dcap;
	if (pack(out, specs, nu, deps, ndeps, err) < 0)
		goto out;
	out->format = parts[0].format;
	memcpy(out->tree_error, treeerr, sizeof(treeerr));
	if (check_graph(out, err) < 0)
		goto out;
	rc = 0;
	goto out;
oom:
	fail(err, "out of memory");
out:
	if (rc < 0)
		auditable_free(out);
	for (size_t k = 0; map && k < n; k++)
		free(map[k]);
	free(map);
	free(slot);
	free(rep);
	free(specs);
	free(deps);
	return rc;
}

int auditable_from_binary(auditable *out, binfmt_info *info,
                          size_t *nodata, const unsigned char *p,
                          size_t len, auditable_error *err)
{
	binfmt_error berr;
	auditable parts[BINFMT_SLICES_MAX];
	char names[BINFMT_SLICES_MAX][48];
	const char *np[BINFMT_SLICES_MAX];
	size_t n = 0, npkgs = 0, ndeps = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	*nodata = 0;
	if (binfmt_find(info, p, len, &berr) < 0)
		return fail(err, "%s", berr.msg);
	for (size_t i = 0; i < info->nslices; i++) {
		const binfmt_slice *sl = &info->slice[i];
		if (!sl->has_data) {
			(*nodata)++;
			continue;
		}
		if (info->kind == BINFMT_MACHO_FAT) {
			const char *cpu = binfmt_cpu_name(sl->cputype);
			if (cpu)
				snprintf(names[n], sizeof(names[n]), "slice %zu (%s)",
				         i + 1, cpu);
			else
				snprintf(names[n], sizeof(names[n]), "slice %zu "
				         "(cpu 0x%x)", i + 1, (unsigned)sl->cputype);
		} else {
			names[n][0] = '\0';
		}
		np[n] = names[n];
		if (auditable_decode(&parts[n], p + sl->off, sl->len, err) < 0) {
			if (names[n][0]) {
				char m[sizeof(err->msg)];
				memcpy(m, err->msg, sizeof(m));
				fail(err, "%s: %s", names[n], m);
			}
			goto out;
		}
		/* Each slice is bounded by the JSON caps; all of them together
		 * by the same caps again, so 30 slices cannot hold 30 times
		 * the memory. */
		npkgs += parts[n].npkgs;
		for (size_t k = 0; k < parts[n].npkgs; k++)
			ndeps += parts[n].pkgs[k].ndeps;
		n++;
		if (npkgs > AUDITABLE_PKGS_MAX || ndeps > AUDITABLE_VALUES_MAX) {
			fail(err, "dependency data: more than %d packages or %d "
			     "dependencies in all slices together",
			     AUDITABLE_PKGS_MAX, AUDITABLE_VALUES_MAX);
			goto out;
		}
	}
	if (n == 0) {
		rc = AUDITABLE_ENODATA;
		goto out;
	}
	if (n == 1) {
		*out = parts[0];
		memset(&parts[0], 0, sizeof(parts[0]));
		rc = 0;
		goto out;
	}
	rc = merge(out, parts, n, np, err) < 0 ? -1 : 0;
out:
	for (size_t k = 0; k < n; k++)
		auditable_free(&parts[k]);
	return rc;
}
