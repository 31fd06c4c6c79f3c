/*
 * fuzz_manifest.c — the Cargo.toml reader (query/cli/manifest.c) on
 * arbitrary bytes, with a workspace root when the input asks for one.
 *
 * The input is the member's Cargo.toml; when it holds a line "%%", what
 * follows is the workspace root's Cargo.toml, one folder up. Both are
 * written to files (manifest_load reads paths and walks up the tree to
 * find the root), in a temporary folder under $TMPDIR (else /tmp) made
 * once per process and removed at a normal exit. Checked: a failure has a
 * message; every dependency has its key, package and requirement, its
 * kind and source in range, a NUL-terminated reason exactly when it is
 * DEP_BAD, and a line inside its file; nothing is read out of bounds.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "manifest.h"

static char fm_dir[160];
static char fm_root[224];
static char fm_member[224];

static void fm_cleanup(void)
{
	char p[240];

	unlink(fm_member);
	unlink(fm_root);
	snprintf(p, sizeof p, "%s/ws/m", fm_dir);
	rmdir(p);
	snprintf(p, sizeof p, "%s/ws", fm_dir);
	rmdir(p);
	rmdir(fm_dir);
}

static int fm_setup(void)
{
	char p[240];
	const char *tmp = getenv("TMPDIR");

	if (fm_dir[0])
		return 0;
	if (!tmp || !tmp[0])
		tmp = "/tmp";
	int n = snprintf(fm_dir, sizeof fm_dir, "%s/advdb-fuzz-manifest.XXXXXX",
	                 tmp);
	if (n < 0 || (size_t)n >= sizeof fm_dir || !mkdtemp(fm_dir)) {
		fm_dir[0] = '\0';
		return -1;
	}
	atexit(fm_cleanup);
	snprintf(p, sizeof p, "%s/ws", fm_dir);
	if (mkdir(p, 0700) != 0)
		return -1;
	snprintf(p, sizeof p, "%s/ws/m", fm_dir);
	if (mkdir(p, 0700) != 0)
		return -1;
	snprintf(fm_root, sizeof fm_root, "%s/ws/Cargo.toml", fm_dir);
	snprintf(fm_member, sizeof fm_member, "%s/ws/m/Cargo.toml", fm_dir);
	return 0;
}

static int fm_write(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static unsigned fm_lines(const uint8_t *p, size_t n)
{
	unsigned l = 1;
	for (size_t i = 0; i < n; i++)
		l += p[i] == '\n';
	return l;
}

int fuzz_manifest(const uint8_t *data, size_t size)
{
	size_t mlen = size;
	const uint8_t *root = NULL;
	size_t rlen = 0;

	FUZZ_CHECK(fm_setup() == 0, "cannot make the manifest folders");
	for (size_t i = 0; i + 2 <= size; i++) {
		if ((i == 0 || data[i - 1] == '\n') && data[i] == '%' &&
		    data[i + 1] == '%' && (i + 2 == size || data[i + 2] == '\n')) {
			mlen = i;
			root = data + (i + 3 <= size ? i + 3 : size);
			rlen = size - (size_t)(root - data);
			break;
		}
	}
	FUZZ_CHECK(fm_write(fm_member, data, mlen) == 0, "cannot write %s",
	           fm_member);
	if (root)
		FUZZ_CHECK(fm_write(fm_root, root, rlen) == 0, "cannot write %s",
		           fm_root);
	else
		unlink(fm_root);
	unsigned mlines = fm_lines(data, mlen);
	unsigned rlines = root ? fm_lines(root, rlen) : 0;

	manifest m;
	char err[256];
	memset(&m, 0, sizeof m);
	memset(err, 0x55, sizeof err);
	if (manifest_load(&m, fm_member, err, sizeof err) != 0) {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) && err[0],
		           "rejected without a message");
		manifest_free(&m);
		return 0;
	}
	FUZZ_CHECK(m.n <= MANIFEST_DEPS_MAX && (m.n == 0 || m.deps),
	           "%zu dependencies", m.n);
	for (size_t i = 0; i < m.n; i++) {
		const manifest_dep *d = &m.deps[i];
		/* only what gets matched must have both (path, git and bad
		 * dependencies may lack a requirement, whatever manifest.h's
		 * '"*" when none' suggests) */
		FUZZ_CHECK(d->key != NULL, "dependency %zu lacks its key", i);
		if (d->source == DEP_CRATES_IO)
			FUZZ_CHECK(d->package && d->req, "dependency %zu (%s) lacks "
			           "package or requirement", i, d->key);
		(void)strlen(d->key);
		if (d->package)
			(void)strlen(d->package);
		if (d->req)
			(void)strlen(d->req);
		if (d->target)
			(void)strlen(d->target);
		if (d->registry)
			(void)strlen(d->registry);
		FUZZ_CHECK(d->kind <= DEP_BUILD && d->source <= DEP_BAD,
		           "dependency %zu: kind %d source %d", i, (int)d->kind,
		           (int)d->source);
		FUZZ_CHECK(memchr(d->error, '\0', sizeof d->error) != NULL,
		           "dependency %zu: reason not NUL-terminated", i);
		if (d->source == DEP_BAD)
			FUZZ_CHECK(d->error[0] != '\0',
			           "dependency %zu is bad without a reason", i);
		unsigned lines = d->inherited ? (mlines > rlines ? mlines : rlines)
		                              : mlines;
		FUZZ_CHECK(d->line <= lines, "dependency %zu on line %u of %u", i,
		           d->line, lines);
		FUZZ_CHECK(strcmp(dep_kind_name(d->kind), "normal") == 0 ||
		           strcmp(dep_kind_name(d->kind), "dev") == 0 ||
		           strcmp(dep_kind_name(d->kind), "build") == 0,
		           "dep_kind_name");
	}
	manifest_free(&m);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_manifest(data, size);
}
#endif
