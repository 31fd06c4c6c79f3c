/*
 * bin.c — one Rust binary as a scan input (see bin.h): read the file
 * (a regular file of at most BIN_FILE_MAX bytes), get its packages and
 * graph (query/auditable.h), decide the crates.io ones (audit.h) and
 * render the report (report.h, with a report_bin).
 *
 * The packages become lock_pkg entries, so the deciding and the reports
 * are the lockfile's own: a crates.io package carries the crates.io index
 * URL as its source (as in a lockfile, and as cargo-audit reports a
 * binary's packages), a local one none, the others their kind ("git",
 * "registry", or the text of another source). There is no checksum.
 */
#include "bin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "auditable.h"
#include "binfmt.h"
#include "cli.h"
#include "lockfile.h"
#include "regfile.h"
#include "report.h"

#define NO_DATA AUDITABLE_NO_DATA

/* The first bytes of a regular file (at most cap); -1 if it is not one
 * or cannot be read. Anything else is never opened here: opening a FIFO
 * and closing it at once lets its writer's open return and then its
 * first write fail (EPIPE), so the lockfile reader after us would wait
 * for data that never comes (`scan <(...)`). The fstat below still
 * guards a path swapped in between. */
static ssize_t peek(const char *path, unsigned char *b, size_t cap)
{
	struct stat st;
	ssize_t r = -1;
	int fd;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		do
			r = pread(fd, b, cap, 0);
		while (r < 0 && errno == EINTR);
	}
	close(fd);
	return r;
}

int bin_is_binary(const char *path)
{
	unsigned char b[LOCKFILE_HEAD];
	ssize_t n = strcmp(path, "-") ? peek(path, b, sizeof(b)) : -1;

	return n > 0 && bin_head_is_binary(b, (size_t)n);
}

int bin_head_is_binary(const unsigned char *head, size_t n)
{
	return binfmt_detect(head, n) != BINFMT_UNKNOWN;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcmp(s + n - m, suffix) == 0;
}

int bin_walk_wants(const char *path, const char *name, const struct stat *st)
{
	const char *so = strstr(name, ".so.");

	if (!(st->st_mode & 0111) && !ends_with(name, ".wasm") &&
	    !ends_with(name, ".exe") && !ends_with(name, ".dll") &&
	    !ends_with(name, ".so") && !ends_with(name, ".dylib") &&
	    !(so && so > name && so[4] >= '0' && so[4] <= '9'))
		return 0;
	return bin_is_binary(path);
}

/* The whole file, up to BIN_FILE_MAX bytes, into *out (freed by the
 * caller). Returns 0, or -1 with a message in msg. */
static int read_file(unsigned char **out, size_t *len, const char *path,
                     char *msg, size_t cap)
{
	char *p = NULL;
	int rc;

	*out = NULL;
	if (strcmp(path, "-") == 0) {
		snprintf(msg, cap, "binaries are read from files, not stdin");
		return -1;
	}
	rc = regfile_read(&p, len, path, BIN_FILE_MAX, msg, cap);
	if (rc == REGFILE_ETOOBIG)
		snprintf(msg, cap, "larger than %zu MiB (the cap for a binary)",
		         BIN_FILE_MAX >> 20);
	if (rc != 0)
		return -1;
	*out = (unsigned char *)p;
	return 0;
}

/* lock_pkg entries for the packages (see the top of this file). */
static lock_pkg *as_lock_pkgs(const auditable *a)
{
	lock_pkg *v = calloc(a->npkgs ? a->npkgs : 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < a->npkgs; i++) {
		const auditable_pkg *p = &a->pkgs[i];
		v[i].name = p->name;
		v[i].version = p->version;
		v[i].name_len = strlen(p->name);
		v[i].version_len = strlen(p->version);
		switch (p->source_kind) {
		case AUDITABLE_CRATES_IO:
			v[i].source = CRATES_IO_GIT;
			v[i].crates_io = 1;
			break;
		case AUDITABLE_LOCAL:
			v[i].source = NULL;
			break;
		default:
			v[i].source = p->source;
			break;
		}
	}
	return v;
}

/* The embedded graph as a depgraph (tree.h): each dependency index
 * becomes an entry naming its package. When the graph failed its checks
 * (auditable.h: tree_error) there is none, and the report says why. */
static int graph_of(depgraph *g, const auditable *a, const lock_pkg *pkgs)
{
	size_t total = 0, at = 0;

	if (a->tree_error[0]) {
		if (depgraph_alloc(g, a->npkgs, 0, 0) < 0)
			return -1;
		snprintf(g->error, sizeof g->error, "%s", a->tree_error);
		return 0;
	}
	for (size_t i = 0; i < a->npkgs; i++)
		total += a->pkgs[i].ndeps;
	if (depgraph_alloc(g, a->npkgs, total, 0) < 0)
		return -1;
	for (size_t i = 0; i < a->npkgs; i++) {
		g->start[i] = at;
		for (size_t k = 0; k < a->pkgs[i].ndeps; k++) {
			size_t w = a->pkgs[i].deps[k];  /* checked: no tree_error */
			g->dep[at].name = pkgs[w].name;
			g->dep[at].version = pkgs[w].version;
			g->dep[at].source = pkgs[w].source;
			g->dep[at].to = w;
			at++;
		}
	}
	g->start[a->npkgs] = at;
	return 0;
}

int bin_report(buf *out, int *status, const session *s, const char *path,
               const char *name, char *msg, size_t msgcap)
{
	const cli_opts *o = s->opts;
	unsigned char *data;
	size_t len, nodata;
	binfmt_info info;
	auditable a;
	auditable_error aerr;
	findings f = { 0 };
	lock_pkg *pkgs = NULL;
	depgraph g = { 0 };
	char why[256];
	int rc;

	if (read_file(&data, &len, path, why, sizeof(why)) < 0) {
		snprintf(msg, msgcap, "%s: %s", name, why);
		return -1;
	}
	rc = auditable_from_binary(&a, &info, &nodata, data, len, &aerr);
	free(data);                 /* everything kept was copied into a */
	if (rc < 0) {
		snprintf(msg, msgcap, "%s: %s", name, aerr.msg);
		return -1;
	}
	if (rc == AUDITABLE_ENODATA || nodata) {
		if (rc == AUDITABLE_ENODATA && info.nslices > 1)
			snprintf(why, sizeof(why), "%s in any of its %zu slices",
			         NO_DATA, info.nslices);
		else if (rc == AUDITABLE_ENODATA)
			snprintf(why, sizeof(why), "%s", NO_DATA);
		else
			snprintf(why, sizeof(why), "%zu of %zu slices: %s", nodata,
			         info.nslices, NO_DATA);
		if (!o->allow_no_data) {
			snprintf(msg, msgcap, "%s: %s", name, why);
			auditable_free(&a);
			return -1;
		}
		if (rc == AUDITABLE_ENODATA) {
			report_bin_skipped(out, s, name, info.format, why);
			*status = EXIT_CLEAN;
			return 0;
		}
	}

	if (!(pkgs = as_lock_pkgs(&a))) {
		snprintf(msg, msgcap, "%s: out of memory", name);
		auditable_free(&a);
		return -1;
	}
	rc = ADVDB_OK;
	for (size_t i = 0; rc == ADVDB_OK && i < a.npkgs; i++)
		rc = audit_pkg(&f, s, &pkgs[i]);
	if (rc == ADVDB_OK && graph_of(&g, &a, pkgs) < 0)
		rc = ADVDB_ENOMEM;
	if (rc == ADVDB_OK) {
		report_bin rb = {
			info.format, info.nslices, nodata,
			a.tree_error[0] ? a.tree_error : NULL
		};
		report_in r = { .path = name, .ndeps = a.npkgs, .f = &f,
		                .bin = &rb, .pkgs = pkgs, .graph = &g,
		                .summary_only = o->summary_only };
		rc = report_render(out, s, &r);
	}
	if (rc != ADVDB_OK)
		goto fail;
	*status = findings_exit(&f, o->deny, session_incomplete(s));
	findings_free(&f);
	depgraph_free(&g);
	free(pkgs);
	auditable_free(&a);
	return 0;
fail:
	snprintf(msg, msgcap, "%s: %s", name, audit_strerror(rc, s));
	buf_reset(out);
	findings_free(&f);
	depgraph_free(&g);
	free(pkgs);
	auditable_free(&a);
	return -1;
}
