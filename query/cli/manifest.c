/*
 * manifest.c — Cargo.toml → the list of dependencies with their
 * requirements (see manifest.h).
 *
 * Owns reading manifests from disk (size-capped), walking the dependency
 * tables, and finding the workspace root. The root is only looked for
 * when some dependency says `workspace = true`: a manifest that inherits
 * nothing is read without touching any other file.
 *
 * Invariants: every dependency appended has key, package and kind set,
 * and either a requirement (crates.io), a skip reason (path, git,
 * registry) or an error; at most MANIFEST_DEPS_MAX are kept, and the walk
 * up the directory tree stops after MANIFEST_WALK_MAX parents.
 */
#include "manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"

const char *dep_kind_name(dep_kind k)
{
	switch (k) {
	case DEP_DEV: return "dev";
	case DEP_BUILD: return "build";
	default: return "normal";
	}
}

/* Read and parse one TOML file. A directory means its Cargo.toml;
 * *resolved (malloc'd) receives the path actually read. */
static int load_toml(toml_doc **out, char **resolved, const char *path,
                     char *err, size_t errcap)
{
	struct stat st;
	char *p = NULL, *text = NULL;
	size_t len = 0;
	FILE *f = NULL;
	toml_error te;
	int rc = -1;

	*out = NULL;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		size_t n = strlen(path) + sizeof "/Cargo.toml";
		if ((p = malloc(n)) == NULL)
			return errbuf_fail(err, errcap, "%s: out of memory",
			                   path);
		snprintf(p, n, "%s/Cargo.toml", path);
	} else if ((p = strdup(path)) == NULL) {
		return errbuf_fail(err, errcap, "%s: out of memory", path);
	}
	/* O_NONBLOCK: opening a FIFO nobody writes to would block for ever
	 * before fstat could refuse it. A regular file ignores the flag. */
	int fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || (f = fdopen(fd, "rb")) == NULL) {
		errbuf_fail(err, errcap, "%s: %s", p, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto done;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		errbuf_fail(err, errcap, "%s: not a regular file", p);
		goto done;
	}
	if ((uint64_t)st.st_size > TOML_INPUT_MAX) {
		errbuf_fail(err, errcap, "%s: larger than %u bytes", p,
		            TOML_INPUT_MAX);
		goto done;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		errbuf_fail(err, errcap, "%s: out of memory", p);
		goto done;
	}
	len = fread(text, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		errbuf_fail(err, errcap, "%s: read error", p);
		goto done;
	}
	if (toml_parse(out, text, len, &te) != 0) {
		if (te.line)
			errbuf_fail(err, errcap, "%s:%u:%u: %s", p, te.line,
			            te.col, te.msg);
		else
			errbuf_fail(err, errcap, "%s: %s", p, te.msg);
		goto done;
	}
	rc = 0;
done:
	if (f)
		fclose(f);
	free(text);
	if (rc == 0 && resolved)
		*resolved = p;
	else
		free(p);
	return rc;
}

static const char *str_of(const toml_value *v)
{
	return v && toml_kind(v) == TOML_STRING ? toml_string(v, NULL) : NULL;
}

static manifest_dep *add_dep(manifest *m)
{
	if (m->n == m->cap) {
		if (m->cap >= MANIFEST_DEPS_MAX)
			return NULL;
		size_t cap = m->cap ? m->cap * 2 : 32;
		manifest_dep *d = realloc(m->deps, cap * sizeof(*d));
		if (!d)
			return NULL;
		m->deps = d;
		m->cap = cap;
	}
	manifest_dep *d = &m->deps[m->n++];
	memset(d, 0, sizeof(*d));
	return d;
}

static void bad(manifest_dep *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bad(manifest_dep *d, const char *fmt, ...)
{
	va_list ap;
	d->source = DEP_BAD;
	va_start(ap, fmt);
	errbuf_vset(d->error, sizeof d->error, NULL, fmt, ap);
	va_end(ap);
}

/* The fields of a detailed dependency (a table) that decide where it
 * comes from and what it requires. Used for the member's own table and
 * for a [workspace.dependencies] entry alike. */
static void read_detail(manifest_dep *d, const toml_value *t)
{
	static const char *const strings[] = {
		"version", "package", "path", "git", "registry", "registry-index"
	};
	const toml_value *v;

	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		v = toml_table_get(t, strings[i]);
		if (v && toml_kind(v) != TOML_STRING) {
			bad(d, "`%s` must be a string", strings[i]);
			return;
		}
	}
	if ((v = toml_table_get(t, "version")) != NULL)
		d->req = str_of(v);
	if ((v = toml_table_get(t, "package")) != NULL)
		d->package = str_of(v);
	if (toml_table_get(t, "path")) {
		d->source = DEP_PATH;
	} else if (toml_table_get(t, "git")) {
		d->source = DEP_GIT;
	} else if ((v = toml_table_get(t, "registry-index")) != NULL) {
		d->source = DEP_REGISTRY;
		d->registry = str_of(v);
	} else if ((v = toml_table_get(t, "registry")) != NULL &&
	           strcmp(str_of(v), "crates-io") != 0) {
		d->source = DEP_REGISTRY;
		d->registry = str_of(v);
	}
}

/* One dependency table (the kind and target are the caller's). */
static int read_table(manifest *m, const toml_value *t, dep_kind kind,
                      const char *target, const char *what,
                      char *err, size_t errcap)
{
	if (toml_kind(t) != TOML_TABLE)
		return errbuf_fail(err, errcap, "line %u: [%s] must be a table",
		                   toml_line(t), what);
	for (size_t i = 0; i < toml_table_len(t); i++) {
		const char *key = toml_table_key(t, i, NULL);
		const toml_value *v = toml_table_value(t, i);
		manifest_dep *d = add_dep(m);
		if (!d)
			return errbuf_fail(err, errcap,
			                   "more than %d dependencies, or out "
			                   "of memory", MANIFEST_DEPS_MAX);
		d->key = d->package = key;
		d->kind = kind;
		d->target = target;
		d->line = toml_table_key_line(t, i);
		if (toml_kind(v) == TOML_STRING) {
			d->req = str_of(v);
			continue;
		}
		if (toml_kind(v) != TOML_TABLE) {
			bad(d, "expected a version string or a table");
			continue;
		}
		const toml_value *o = toml_table_get(v, "optional");
		if (o && toml_kind(o) != TOML_BOOL) {
			bad(d, "`optional` must be true or false");
			continue;
		}
		d->optional = o ? toml_bool(o) : 0;
		const toml_value *w = toml_table_get(v, "workspace");
		if (w) {
			if (toml_kind(w) != TOML_BOOL || !toml_bool(w))
				bad(d, "`workspace` must be true");
			else
				d->inherited = 1;   /* resolved later */
			continue;
		}
		read_detail(d, v);
	}
	return 0;
}

static const struct { const char *name; dep_kind kind; } TABLES[] = {
	{ "dependencies", DEP_NORMAL },
	{ "dev-dependencies", DEP_DEV },
	{ "dev_dependencies", DEP_DEV },
	{ "build-dependencies", DEP_BUILD },
	{ "build_dependencies", DEP_BUILD },
};
#define NTABLES (sizeof TABLES / sizeof TABLES[0])

static int read_all(manifest *m, const toml_value *root, char *err,
                    size_t errcap)
{
	const toml_value *v, *tg;

	for (size_t i = 0; i < NTABLES; i++)
		if ((v = toml_table_get(root, TABLES[i].name)) != NULL &&
		    read_table(m, v, TABLES[i].kind, NULL, TABLES[i].name, err,
		               errcap) < 0)
			return -1;
	if ((tg = toml_table_get(root, "target")) == NULL)
		return 0;
	if (toml_kind(tg) != TOML_TABLE)
		return errbuf_fail(err, errcap,
		                   "line %u: [target] must be a table",
		                   toml_line(tg));
	for (size_t k = 0; k < toml_table_len(tg); k++) {
		const char *spec = toml_table_key(tg, k, NULL);
		const toml_value *t = toml_table_value(tg, k);
		if (toml_kind(t) != TOML_TABLE)
			continue;       /* Cargo ignores what it does not know */
		for (size_t i = 0; i < NTABLES; i++)
			if ((v = toml_table_get(t, TABLES[i].name)) != NULL &&
			    read_table(m, v, TABLES[i].kind, spec, TABLES[i].name,
			               err, errcap) < 0)
				return -1;
	}
	return 0;
}

static int has_workspace(const toml_doc *doc)
{
	const toml_value *w = toml_table_get(toml_root(doc), "workspace");
	return w && toml_kind(w) == TOML_TABLE;
}

/* The directory part of path (malloc'd, without trailing '/'). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* Find and load the workspace root of the manifest at mpath. Sets
 * m->ws_path (and m->ws_doc when it is another file). */
static int find_root(manifest *m, const char *mpath, char *err,
                     size_t errcap)
{
	const toml_value *pkg = toml_table_get(toml_root(m->doc), "package");
	const char *explicit_ws = pkg && toml_kind(pkg) == TOML_TABLE
	                          ? str_of(toml_table_get(pkg, "workspace"))
	                          : NULL;
	char *dir = NULL, real[PATH_MAX], cand[PATH_MAX + 16];
	int rc = -1;

	if (has_workspace(m->doc) && !explicit_ws) {
		m->ws_path = strdup(mpath);
		return m->ws_path ? 0 : errbuf_fail(err, errcap,
		                                    "out of memory");
	}
	if ((dir = dir_of(mpath)) == NULL)
		return errbuf_fail(err, errcap, "out of memory");
	if (explicit_ws) {
		int w = explicit_ws[0] == '/'
		        ? snprintf(cand, sizeof cand, "%s/Cargo.toml", explicit_ws)
		        : snprintf(cand, sizeof cand, "%s/%s/Cargo.toml", dir,
		                   explicit_ws);
		if (w < 0 || (size_t)w >= sizeof cand) {
			errbuf_fail(err, errcap,
			            "%s: package.workspace: path too long",
			            mpath);
			goto done;
		}
		if (load_toml(&m->ws_doc, &m->ws_path, cand, err, errcap) < 0)
			goto done;
		if (!has_workspace(m->ws_doc)) {
			errbuf_fail(err, errcap,
			            "%s: package.workspace names %s, which "
			            "has no [workspace]", mpath, m->ws_path);
			goto done;
		}
		rc = 0;
		goto done;
	}
	if (!realpath(dir, real)) {
		errbuf_fail(err, errcap, "%s: %s", dir, strerror(errno));
		goto done;
	}
	for (int up = 0; up < MANIFEST_WALK_MAX; up++) {
		char *slash = strrchr(real, '/');
		if (!slash || (slash == real && real[1] == '\0'))
			break;          /* at / already: no ancestor left */
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
		int w = snprintf(cand, sizeof cand, "%s%sCargo.toml", real,
		                 real[1] ? "/" : "");
		if (w < 0 || (size_t)w >= sizeof cand)
			break;
		struct stat st;
		if (stat(cand, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		toml_doc *d = NULL;
		char *p = NULL;
		if (load_toml(&d, &p, cand, err, errcap) < 0)
			goto done;      /* Cargo fails on a broken ancestor too */
		if (has_workspace(d)) {
			m->ws_doc = d;
			m->ws_path = p;
			rc = 0;
			goto done;
		}
		toml_free(d);
		free(p);
	}
	rc = 0;                 /* no root: inheriting dependencies fail */
done:
	free(dir);
	return rc;
}

static void inherit(manifest *m, manifest_dep *d)
{
	const toml_doc *root = m->ws_doc ? m->ws_doc : m->doc;
	const toml_value *ws, *deps, *e;

	if (!m->ws_path) {
		bad(d, "`workspace = true`, but no workspace root was found");
		return;
	}
	ws = toml_table_get(toml_root(root), "workspace");
	deps = toml_table_get(ws, "dependencies");
	e = deps && toml_kind(deps) == TOML_TABLE
	    ? toml_table_get(deps, d->key) : NULL;
	if (!e) {
		bad(d, "`workspace = true`, but [workspace.dependencies] of the "
		    "root has no `%.60s`", d->key);
		return;
	}
	if (toml_kind(e) == TOML_STRING) {
		d->req = str_of(e);
	} else if (toml_kind(e) == TOML_TABLE) {
		if (toml_table_get(e, "workspace")) {
			bad(d, "the workspace entry itself says `workspace`");
			return;
		}
		read_detail(d, e);
	} else {
		bad(d, "the workspace entry is not a string or a table");
	}
}

int manifest_load(manifest *m, const char *path, char *err, size_t errcap)
{
	char *resolved = NULL;
	int need_root = 0;

	memset(m, 0, sizeof(*m));
	if (load_toml(&m->doc, &resolved, path, err, errcap) < 0)
		return -1;
	/* A lockfile given by mistake has no dependency tables: it would
	 * read as "nothing insecure". Say what it is instead. */
	const toml_value *pkg = toml_table_get(toml_root(m->doc), "package");
	if (pkg && toml_kind(pkg) == TOML_ARRAY) {
		errbuf_fail(err, errcap,
		            "%s: this is a lockfile (Cargo.lock), not a "
		            "manifest: use `advdb-query scan`", resolved);
		goto fail;
	}
	if (read_all(m, toml_root(m->doc), err, errcap) < 0) {
		/* name the file before the place read_table gave */
		char msg[512];
		snprintf(msg, sizeof msg, "%s", err ? err : "");
		errbuf_fail(err, errcap, "%s: %s", resolved, msg);
		goto fail;
	}
	if (m->n == 0 && !(pkg && toml_kind(pkg) == TOML_TABLE) &&
	    !has_workspace(m->doc)) {
		errbuf_fail(err, errcap,
		            "%s: no [package], [workspace] or dependency "
		            "table: not a Cargo.toml, nothing to check",
		            resolved);
		goto fail;
	}
	for (size_t i = 0; i < m->n; i++)
		need_root |= m->deps[i].inherited &&
		             m->deps[i].source != DEP_BAD;
	if (need_root && find_root(m, resolved, err, errcap) < 0)
		goto fail;
	for (size_t i = 0; i < m->n; i++) {
		manifest_dep *d = &m->deps[i];
		if (d->inherited && d->source != DEP_BAD)
			inherit(m, d);
		if (d->source == DEP_CRATES_IO && !d->req)
			d->req = "*";   /* Cargo's old reading of a bare table */
		if (d->source == DEP_CRATES_IO && !d->package)
			bad(d, "`package` must be a string");
	}
	free(resolved);
	return 0;
fail:
	free(resolved);
	manifest_free(m);
	return -1;
}

void manifest_free(manifest *m)
{
	toml_free(m->doc);
	toml_free(m->ws_doc);
	free(m->ws_path);
	free(m->deps);
	memset(m, 0, sizeof(*m));
}
