/*
 * lockfile.c — Cargo.lock into lock_pkg entries (see lockfile.h).
 *
 * Format detection, as Cargo writes them:
 *   v1  [root] table and/or [metadata] "checksum NAME VERSION (SOURCE)"
 *       keys; no top-level `version`
 *   v2  no top-level `version`, checksums inline in [[package]]
 *   v3+ top-level `version = N`
 * The v1 checksums are joined to packages, and lockfile_deps() resolves
 * dependency entries, through lockresolve.h's name index (the one finder
 * of a package by its name: a large v1 file costs n + m, not n * m).
 */
#include "lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"
#include "lockfast.h"
#include "lockresolve.h"
#include "toml.h"
#include "version.h"

_Static_assert(LOCKFILE_SIZE_MAX <= TOML_INPUT_MAX,
               "a lockfile the size cap lets in must fit the TOML parser");

static int fail(lock_error *err, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(lock_error *err, unsigned line, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	va_start(ap, fmt);
	errbuf_vset(err->msg, sizeof(err->msg), "malformed lockfile", fmt, ap);
	va_end(ap);
	return -1;
}

int lockfile_source_is_crates_io(const char *source)
{
	return source && lockfile_source_is_crates_io_n(source, strlen(source));
}

int lockfile_source_is_crates_io_n(const char *source, size_t n)
{
	return (n == sizeof(CRATES_IO_GIT) - 1 &&
	        !memcmp(source, CRATES_IO_GIT, n)) ||
	       (n == sizeof(CRATES_IO_SPARSE) - 1 &&
	        !memcmp(source, CRATES_IO_SPARSE, n));
}

/* A string member (v: its value, NULL when absent) that must not hold a
 * NUL; *out NULL when absent. */
static int get_str(const char **out, const toml_value *t,
                   const toml_value *v, const char *key, int required,
                   lock_error *err)
{
	size_t len;

	*out = NULL;
	if (!v) {
		if (required)
			return fail(err, toml_line(t),
			            "package without a `%s`", key);
		return 0;
	}
	if (toml_kind(v) != TOML_STRING)
		return fail(err, toml_line(v), "`%s` is not a string", key);
	const char *s = toml_string(v, &len);
	if (memchr(s, '\0', len))
		return fail(err, toml_line(v), "`%s` holds a NUL byte", key);
	if (required && len == 0)
		return fail(err, toml_line(v), "empty `%s`", key);
	*out = s;
	return 0;
}

/* The members of a package table a lockfile reader looks at, found in
 * one pass over its keys (a table holds a key once): four look-ups by
 * name cost a string hash each, per package. */
enum { F_NAME, F_VERSION, F_SOURCE, F_CHECKSUM, F_DEPS, F_REPLACE, F_N };

static void pkg_fields(const toml_value *t, const toml_value *f[F_N])
{
	size_t n = toml_table_len(t);

	for (int k = 0; k < F_N; k++)
		f[k] = NULL;
	for (size_t i = 0; i < n; i++) {
		size_t klen;
		const char *key = toml_table_key(t, i, &klen);
		int k = -1;

		switch (klen) {
		case 4: k = memcmp(key, "name", 4) ? -1 : F_NAME; break;
		case 6: k = memcmp(key, "source", 6) ? -1 : F_SOURCE; break;
		case 7: k = !memcmp(key, "version", 7) ? F_VERSION :
		            !memcmp(key, "replace", 7) ? F_REPLACE : -1; break;
		case 8: k = memcmp(key, "checksum", 8) ? -1 : F_CHECKSUM; break;
		case 12: k = memcmp(key, "dependencies", 12) ? -1 : F_DEPS; break;
		default: break;
		}
		if (k >= 0)
			f[k] = toml_table_value(t, i);
	}
}

int lock_grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 64;
	void *q = nc > ((size_t)-1) / size ? NULL : realloc(*v, nc * size);
	if (!q)
		return -1;
	*v = q;
	*cap = nc;
	return 0;
}

void lock_texts_attach(lockfile *lf, lock_texts *v)
{
	size_t at = 0;

	lf->texts = v->v;
	for (size_t i = 0; i < lf->npkgs; i++) {
		lock_pkg *p = &lf->pkgs[i];
		p->dep_list = p->ndep_list ? lf->texts + at : NULL;
		at += p->ndep_list;
	}
	*v = (lock_texts){ 0 };
}

static int lock_pkg_check(lock_pkg *p, unsigned version_line, lock_error *err)
{
	const char *verr = NULL;
	version v;

	if (version_parse(&v, p->version, p->version_len, &verr) < 0)
		return fail(err, version_line, "package %.60s: bad "
		            "version \"%.40s\": %s", p->name, p->version,
		            verr ? verr : "not semver");
	p->crates_io = lockfile_source_is_crates_io(p->source) ? 1 : 0;
	return 0;
}

/* Package table t into lf->pkgs[lf->npkgs]; its `dependencies` entries
 * appended to tv (lock_texts_attach() points dep_list at them). */
static int add_pkg(lockfile *lf, lock_texts *tv, const toml_value *t,
                   lock_error *err)
{
	lock_pkg *p = &lf->pkgs[lf->npkgs];
	const toml_value *f[F_N], *d, *r;

	if (toml_kind(t) != TOML_TABLE)
		return fail(err, toml_line(t), "a package is not a table");
	memset(p, 0, sizeof(*p));
	p->line = toml_line(t);
	pkg_fields(t, f);
	if (get_str(&p->name, t, f[F_NAME], "name", 1, err) < 0 ||
	    get_str(&p->version, t, f[F_VERSION], "version", 1, err) < 0 ||
	    get_str(&p->source, t, f[F_SOURCE], "source", 0, err) < 0 ||
	    get_str(&p->checksum, t, f[F_CHECKSUM], "checksum", 0, err) < 0)
		return -1;
	toml_string(f[F_NAME], &p->name_len);
	toml_string(f[F_VERSION], &p->version_len);
	if ((d = f[F_DEPS]) && toml_kind(d) != TOML_ARRAY) {
		p->dep_list_bad = toml_line(d);
	} else if (d) {
		size_t n = toml_array_len(d);
		for (size_t k = 0; k < n; k++) {
			const toml_value *e = toml_array_at(d, k);
			size_t len = 0;
			const char *s = toml_kind(e) == TOML_STRING
			                ? toml_string(e, &len) : NULL;
			if (lock_texts_push(tv, s, len, toml_line(e)) < 0)
				return fail(err, 0, "out of memory");
		}
		p->ndep_list = n;
	}
	if ((r = f[F_REPLACE])) {
		p->replace.line = toml_line(r);
		if (toml_kind(r) == TOML_STRING)
			p->replace.p = toml_string(r, &p->replace.n);
	}
	if (lock_pkg_check(p, toml_line(f[F_VERSION]), err) < 0)
		return -1;
	lf->npkgs++;
	return 0;
}

/* v1: join "checksum NAME VERSION (SOURCE)" = "HEX" keys (m[0..n), of
 * string values) to packages. Keys that are not of that form, or name
 * no package, are ignored (Cargo ignores them too); a value "<none>"
 * means no checksum. */
int lock_join_checksums(lockfile *lf, const lock_meta *m, size_t n,
                        lock_error *err)
{
	lock_names ix;

	if (n == 0 || lf->npkgs == 0)
		return 0;
	/* 1: a name crafted to hash past the probe cap is not in the index;
	 * a key naming it names no package, and is ignored like one */
	if (lock_names_init(&ix, lf, NULL, 0) < 0)
		return fail(err, 0, "out of memory");
	for (size_t k = 0; k < n; k++) {
		if (m[k].klen < 9 || memcmp(m[k].key, "checksum ", 9) != 0)
			continue;
		size_t i = lock_names_exact(&ix, m[k].key + 9, m[k].klen - 9);
		if (i != LOCK_DEP_NONE && strcmp(m[k].val, "<none>") != 0)
			lf->pkgs[i].checksum = m[k].val;
	}
	lock_names_free(&ix);
	return 0;
}

/* The general reader's [metadata]: a checksum key of another type than
 * string is an error; the rest go to lock_join_checksums(). */
static int join_metadata(lockfile *lf, const toml_value *meta,
                         lock_error *err)
{
	size_t nkeys = toml_table_len(meta), n = 0;
	lock_meta *m;
	int rc;

	if (nkeys == 0 || lf->npkgs == 0)
		return 0;
	if (!(m = malloc(nkeys * sizeof(*m))))
		return fail(err, 0, "out of memory");
	for (size_t k = 0; k < nkeys; k++) {
		size_t klen;
		const char *key = toml_table_key(meta, k, &klen);
		const toml_value *val = toml_table_value(meta, k);

		if (klen < 9 || memcmp(key, "checksum ", 9) != 0)
			continue;
		if (toml_kind(val) != TOML_STRING) {
			free(m);
			return fail(err, toml_table_key_line(meta, k),
			            "checksum is not a string");
		}
		size_t vlen;
		const char *v = toml_string(val, &vlen);
		m[n++] = (lock_meta){ key, klen, v, vlen };
	}
	rc = lock_join_checksums(lf, m, n, err);
	free(m);
	return rc;
}

/* The general reader: any TOML, through the tree. */
static int parse_general(lockfile *out, const char *text, size_t len,
                         lock_error *err)
{
	toml_error terr;
	toml_doc *doc = NULL;
	const toml_value *root, *pkgs, *rootpkg, *meta, *ver;
	lock_texts tv = { 0 };
	size_t n = 0;

	if (toml_parse(&doc, text, len, &terr) < 0)
		return fail(err, terr.line, "%s", terr.msg);
	root = toml_root(doc);

	/* A manifest given by mistake would read as a lockfile with no
	 * packages, "nothing vulnerable": say what it is instead. */
	pkgs = toml_table_get(root, "package");
	if ((pkgs && toml_kind(pkgs) == TOML_TABLE) ||
	    toml_table_get(root, "workspace") ||
	    toml_table_get(root, "dependencies")) {
		fail(err, 0, "this is a manifest (Cargo.toml), not a lockfile: "
		     "use `advdb-query reqs` for its requirements, or scan its "
		     "Cargo.lock");
		goto bad;
	}
	out->format = 2;
	ver = toml_table_get(root, "version");
	if (ver) {
		if (toml_kind(ver) != TOML_INTEGER) {
			fail(err, toml_line(ver), "`version` is not an integer");
			goto bad;
		}
		int64_t f = toml_integer(ver);
		if (f < 1 || f > 4) {
			fail(err, toml_line(ver),
			     "unsupported lockfile version %lld", (long long)f);
			goto bad;
		}
		out->format = (unsigned)f;
	}
	pkgs = toml_table_get(root, "package");
	if (pkgs) {
		if (toml_kind(pkgs) != TOML_ARRAY) {
			fail(err, toml_line(pkgs), "`package` is not an array");
			goto bad;
		}
		n = toml_array_len(pkgs);
	}
	rootpkg = toml_table_get(root, "root");
	meta = toml_table_get(root, "metadata");
	if (meta && toml_kind(meta) != TOML_TABLE) {
		fail(err, toml_line(meta), "`metadata` is not a table");
		goto bad;
	}
	if (!ver && (rootpkg || meta))
		out->format = 1;
	if (n + (rootpkg ? 1 : 0) > LOCKFILE_PKGS_MAX) {
		fail(err, 0, "more than %d packages", LOCKFILE_PKGS_MAX);
		goto bad;
	}
	out->pkgs = calloc(n + 2, sizeof(*out->pkgs));
	if (!out->pkgs) {
		fail(err, 0, "out of memory");
		goto bad;
	}
	if (rootpkg && add_pkg(out, &tv, rootpkg, err) < 0)
		goto bad;
	out->has_root = rootpkg ? 1 : 0;
	for (size_t i = 0; i < n; i++)
		if (add_pkg(out, &tv, toml_array_at(pkgs, i), err) < 0)
			goto bad;
	lock_texts_attach(out, &tv);
	if (meta && join_metadata(out, meta, err) < 0)
		goto bad;
	/* Cargo lists every package of the workspace itself, so a real
	 * lockfile has at least one: none means nothing was checked. */
	if (out->npkgs == 0) {
		fail(err, 0, "no [[package]] entries: not a lockfile, nothing to "
		     "check");
		goto bad;
	}
	out->doc = doc;
	return 0;
bad:
	free(tv.v);
	free(out->texts);
	free(out->pkgs);
	toml_free(doc);
	memset(out, 0, sizeof(*out));
	return -1;
}

/* Empty and oversized texts, before either reader. */
static int precheck(const char *text, size_t len, lock_error *err)
{
	/* Cargo never writes an empty Cargo.lock (it always has the header
	 * comment and the root package): nothing at all means a truncated
	 * copy or a wrong file, not a project without dependencies. */
	size_t blank = 0;
	while (blank < len && (text[blank] == ' ' || text[blank] == '\t' ||
	                       text[blank] == '\n' || text[blank] == '\r'))
		blank++;
	if (blank == len)
		return fail(err, 0, "empty file, not a lockfile");
	if (len > LOCKFILE_SIZE_MAX)
		return fail(err, 0, "larger than %zu MiB",
		            LOCKFILE_SIZE_MAX >> 20);
	return 0;
}

/* buf: len bytes of text then LOCK_TEXT_PAD NUL bytes, malloc'd; always
 * consumed (kept by *out or freed). */
static int parse_owned(lockfile *out, char *buf, size_t len,
                       lock_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	if (precheck(buf, len, err) < 0) {
		free(buf);
		return -1;
	}
	rc = lockfast_parse(out, buf, len);
	if (rc > 0)
		return 0;
	if (rc < 0)
		return fail(err, 0, "out of memory");
	rc = parse_general(out, buf, len, err);
	free(buf);
	return rc;
}

int lock_parse_general(lockfile *out, const char *text, size_t len,
                       lock_error *err)
{
	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	if (precheck(text, len, err) < 0)
		return -1;
	return parse_general(out, text, len, err);
}

int lockfile_parse(lockfile *out, const char *text, size_t len,
                   lock_error *err)
{
	char *buf;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	if (precheck(text, len, err) < 0)
		return -1;
	if (!(buf = malloc(len + LOCK_TEXT_PAD)))
		return fail(err, 0, "out of memory");
	memcpy(buf, text, len);
	memset(buf + len, 0, LOCK_TEXT_PAD);
	return parse_owned(out, buf, len, err);
}

/* Read all of fd, at most LOCKFILE_SIZE_MAX bytes, followed by
 * LOCK_TEXT_PAD NUL bytes (the readers' padding). `hint` is the size
 * fstat gave a regular file (0 otherwise): the buffer starts one byte
 * larger, so a file read whole takes one block of its size and the read
 * that sees its end, not a doubling series (the largest of which would
 * stay in a scan thread's heap). */
static int read_all(char **out, size_t *outlen, int fd, size_t hint,
                    lock_error *err)
{
	size_t cap = hint ? hint + 1 : 64 * 1024, len = 0;
	char *p = malloc(cap + LOCK_TEXT_PAD);

	if (!p)
		return fail(err, 0, "out of memory");
	for (;;) {
		if (len == cap) {
			if (cap > LOCKFILE_SIZE_MAX) {
				free(p);
				return fail(err, 0, "larger than %zu MiB",
				            LOCKFILE_SIZE_MAX >> 20);
			}
			char *q = realloc(p, cap * 2 + LOCK_TEXT_PAD);
			if (!q) {
				free(p);
				return fail(err, 0, "out of memory");
			}
			p = q;
			cap *= 2;
		}
		ssize_t r = read(fd, p + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(p);
			return fail(err, 0, "%s", strerror(e));
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > LOCKFILE_SIZE_MAX) {
		free(p);
		return fail(err, 0, "larger than %zu MiB",
		            LOCKFILE_SIZE_MAX >> 20);
	}
	memset(p + len, 0, LOCK_TEXT_PAD);
	*out = p;
	*outlen = len;
	return 0;
}

/* Seconds a FIFO may stay silent before we give up on it: $ADVDB_PIPE_WAIT
 * (0..3600), else LOCKFILE_PIPE_WAIT. */
static int pipe_wait_ms(void)
{
	const char *s = getenv("ADVDB_PIPE_WAIT");
	char *end;
	long v;

	if (!s || !*s)
		return LOCKFILE_PIPE_WAIT * 1000;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > 3600)
		return LOCKFILE_PIPE_WAIT * 1000;
	return (int)v * 1000;
}

/*
 * A named FIFO nobody writes to would block open(2) for ever. So files are
 * opened O_NONBLOCK, and a FIFO must show data or a hang-up within the
 * pipe wait; after that it is read like any file (a slow writer that has
 * started is the user's own process, as with stdin).
 */
static int wait_pipe(int fd, lock_error *err)
{
	int ms = pipe_wait_ms();
	struct pollfd pf = { .fd = fd, .events = POLLIN };

	for (;;) {
		int r = poll(&pf, 1, ms);
		if (r > 0)
			return 0;
		if (r == 0)
			return fail(err, 0, "a FIFO with no data after %d s "
			            "(is anything writing to it?)", ms / 1000);
		if (errno != EINTR)
			return fail(err, 0, "%s", strerror(errno));
	}
}

/* lockfile_open_input(), and the size of a regular file (0 otherwise) in
 * *size and whether it is one in *reg: the caller need not fstat again.
 * With `reg_nonblock`, a regular
 * file keeps O_NONBLOCK, which means nothing to its reads (open(2)): no
 * fcntl pair per file of a bulk scan. */
static int open_input(int *out, size_t *size, int *reg, const char *path,
                      int reg_nonblock, lock_error *err)
{
	struct stat st;
	int fd;

	*out = -1;
	*size = 0;
	*reg = 0;
	if (strcmp(path, "-") == 0) {
		*out = 0;
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return fail(err, 0, "%s", strerror(errno));
	/* Pipes are fine (`scan <(...)`): the readers cap them. */
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		close(fd);
		return fail(err, 0, "a directory, not a file");
	}
	/* A device can block a read for ever (a pty) or never end
	 * (/dev/zero): only files and pipes are inputs. */
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		close(fd);
		return fail(err, 0, "not a regular file or a pipe");
	}
	if (S_ISREG(st.st_mode)) {
		*reg = 1;
		*size = st.st_size > 0 ? (size_t)st.st_size : 0;
		if ((uint64_t)st.st_size > LOCKFILE_SIZE_MAX)
			*size = LOCKFILE_SIZE_MAX + (size_t)1;
		if (reg_nonblock) {
			*out = fd;
			return 0;
		}
	}
	int fl = fcntl(fd, F_GETFL);
	if ((S_ISFIFO(st.st_mode) && wait_pipe(fd, err) < 0) ||
	    fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		if (!err->msg[0])
			fail(err, 0, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	*out = fd;
	return 0;
}

int lockfile_open_input(int *out, const char *path, lock_error *err)
{
	size_t size;
	int reg;

	return open_input(out, &size, &reg, path, 0, err);
}

int lockfile_read(lockfile *out, const char *path, lock_error *err)
{
	return lockfile_read_or(out, path, err, NULL);
}

/* The first bytes of a regular file: whether `other` claims it. */
static int claimed(int fd, int (*other)(const unsigned char *, size_t))
{
	unsigned char head[LOCKFILE_HEAD];
	ssize_t r;

	do
		r = pread(fd, head, sizeof(head), 0);
	while (r < 0 && errno == EINTR);
	return r > 0 && other(head, (size_t)r);
}

int lockfile_read_or(lockfile *out, const char *path, lock_error *err,
                     int (*other)(const unsigned char *head, size_t n))
{
	int fd, rc, reg;
	char *text = NULL;
	size_t len = 0, hint;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	if (open_input(&fd, &hint, &reg, path, 1, err) < 0)
		return -1;
	if (other && reg && claimed(fd, other)) {
		close(fd);
		return 1;
	}
	if (hint > LOCKFILE_SIZE_MAX) {
		close(fd);
		return fail(err, 0, "larger than %zu MiB",
		            LOCKFILE_SIZE_MAX >> 20);
	}
	rc = read_all(&text, &len, fd, hint, err);
	if (fd != 0)
		close(fd);
	if (rc < 0)
		return -1;
	return parse_owned(out, text, len, err);
}

static void deps_clear(lockfile *lf)
{
	free(lf->deps);
	lf->deps = NULL;
	for (size_t i = 0; i < lf->npkgs; i++) {
		lf->pkgs[i].deps = NULL;
		lf->pkgs[i].ndeps = 0;
	}
}

int lockfile_deps(lockfile *lf, char *why, size_t whycap)
{
	size_t total, used = 0;
	lock_names ix;
	int rc;

	deps_clear(lf);
	if (lock_deps_total(lf, &total, why, whycap))
		return 1;
	if ((rc = lock_names_init(&ix, lf, why, whycap)) != 0)
		return rc < 0 ? -1 : (lock_names_free(&ix), 1);
	if (total && !(lf->deps = malloc(total * sizeof(*lf->deps)))) {
		lock_names_free(&ix);
		return -1;
	}
	for (size_t i = 0; i < lf->npkgs; i++) {
		lock_pkg *p = &lf->pkgs[i];

		/* every entry must name a package: a list with a hole would
		 * look complete */
		if (lock_names_resolve(&ix, p, lf->deps ? lf->deps + used : NULL,
		                       why, whycap)) {
			lock_names_free(&ix);
			deps_clear(lf);
			return 1;
		}
		if (p->ndep_list) {
			p->deps = lf->deps + used;
			p->ndeps = p->ndep_list;
			used += p->ndep_list;
		}
	}
	lock_names_free(&ix);
	return 0;
}

void lockfile_free(lockfile *lf)
{
	if (!lf)
		return;
	free(lf->deps);
	free(lf->texts);
	free(lf->pkgs);
	toml_free(lf->doc);
	free(lf->text);
	memset(lf, 0, sizeof(*lf));
}
