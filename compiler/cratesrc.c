/*
 * cratesrc.c — reads a crates.io index mirror, git or folder, into a
 * writer (see cratesrc.h for the policy). Each file goes through
 * cratesidx.c on its own, so memory is one file at a time plus the
 * records kept.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cratesidx.h"
#include "cratesrc.h"
#include "errbuf.h"
#include "folderdigest.h"
#include "gitsrc.h"   /* GITSRC_PATH_MAX */

typedef struct ctx {
	writer *w;
	const char *root;           /* as given, for messages */
	diag_list *d;
	diag_level level;           /* warning, or error with strict */
	cratesrc_stats *st;
	volatile sig_atomic_t *beat;
	const char *path;           /* the file being read */
	int oom;
} ctx;

static void report(void *arg, unsigned line, const char *msg)
{
	ctx *c = arg;
	char where[2 * GITSRC_PATH_MAX + 2];
	int k = snprintf(where, sizeof(where), "%s/%s", c->root, c->path);
	if (k < 0 || (size_t)k >= sizeof(where))
		snprintf(where, sizeof(where), "%s", c->path);
	diag_add(c->d, c->level, where, line, "%s", msg);
}

static void bad_file(ctx *c, const char *path, const char *why)
{
	c->st->bad_files++;
	c->path = path;
	report(c, 0, why);
}

/* One file's bytes into the writer. 0, or -1 out of memory. */
static int take(ctx *c, const char *path, const char *name, const char *text,
                size_t len)
{
	cratesidx_file f;

	c->path = path;
	c->st->files++;
	if (c->beat)
		(*c->beat)++;
	if (cratesidx_parse(&f, name, text, len, report, c) < 0)
		return -1;
	c->st->bad_lines += f.bad;
	int rc;
	if (f.rec) {
		c->st->crates++;
		c->st->versions += f.versions;
		c->st->yanked += f.yanked;
		rc = writer_crates_put(c->w, name, f.rec, f.rec_len);
	} else {
		c->st->bad_files++;
		rc = writer_crates_delete(c->w, name);  /* an update's old one */
	}
	cratesidx_file_free(&f);
	return rc;
}

/* ---- git ---- */

typedef struct gctx {
	ctx c;
	git_repository *repo;
	git_odb *odb;
	char err[512];
	int failed;
} gctx;

/* The blob at path (entry e of the new tree) into the writer. 0, or -1
 * (g->err) when the repository cannot be read. */
static int git_take(gctx *g, const char *path, const git_tree_entry *e)
{
	char name[ADV_PACKAGE_MAX + 1];
	const char *why;
	size_t size;
	git_object_t type;
	git_blob *blob = NULL;

	int in = cratesidx_path(name, path, &why);
	if (in == 0)
		return 0;
	if (in < 0) {
		bad_file(&g->c, path, why);
		return 0;
	}
	if (g->c.st->files >= CRATES_MAX) {
		errbuf_set(g->err, sizeof(g->err), "%s: more than %u files",
		           g->c.root, (unsigned)CRATES_MAX);
		return -1;
	}
	git_filemode_t fm = git_tree_entry_filemode(e);
	const char *unusable = NULL;
	if (fm != GIT_FILEMODE_BLOB && fm != GIT_FILEMODE_BLOB_EXECUTABLE)
		unusable = fm == GIT_FILEMODE_LINK ? "a symlink, not an index file"
		                                   : "not an index file";
	else if (git_odb_read_header(&size, &type, g->odb,
	                             git_tree_entry_id(e)) < 0)
		goto fail;
	else if (size > CRATES_FILE_MAX)
		unusable = "larger than 64 MiB";
	if (unusable) {
		bad_file(&g->c, path, unusable);
		/* an update's old record of the crate goes too */
		if (writer_crates_delete(g->c.w, name) < 0) {
			g->c.oom = 1;
			return -1;
		}
		return 0;
	}
	if (git_blob_lookup(&blob, g->repo, git_tree_entry_id(e)) < 0)
		goto fail;
	int rc = take(&g->c, path, name, git_blob_rawcontent(blob),
	              (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	if (rc < 0) {
		g->c.oom = 1;
		return -1;
	}
	return 0;
fail:
	errbuf_set(g->err, sizeof(g->err), "%s: %s: %s", g->c.root, path,
	           git_error_last() ? git_error_last()->message : "cannot read");
	return -1;
}

static int walk_cb(const char *root, const git_tree_entry *e, void *arg)
{
	gctx *g = arg;
	const char *nm = git_tree_entry_name(e);
	char path[GITSRC_PATH_MAX + 1];

	if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		return (root[0] == '\0' && nm[0] == '.') ? 1 : 0;  /* .git... */
	int k = snprintf(path, sizeof(path), "%s%s", root, nm);
	if (k < 0 || (size_t)k >= sizeof(path)) {
		bad_file(&g->c, nm, "path too long");
		return 0;
	}
	if (git_take(g, path, e) < 0) {
		g->failed = 1;
		return -1;
	}
	return 0;
}

static int git_commit_of(git_commit **out, git_repository *repo,
                         const char *rev)
{
	git_object *obj = NULL, *peeled = NULL;
	int rc = -1;

	if (git_revparse_single(&obj, repo, rev) == 0 &&
	    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0) {
		*out = (git_commit *)peeled;
		rc = 0;
	}
	git_object_free(obj);
	return rc;
}

/* Files that differ between old and new, read or deleted. */
static int git_changes(gctx *g, git_tree *old, git_tree *new)
{
	git_diff *diff = NULL;
	char name[ADV_PACKAGE_MAX + 1];
	const char *why;
	int rc = -1;

	if (git_diff_tree_to_tree(&diff, g->repo, old, new, NULL) < 0) {
		errbuf_set(g->err, sizeof(g->err), "%s: git diff: %s", g->c.root,
		           git_error_last() ? git_error_last()->message : "failed");
		return -1;
	}
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *dl = git_diff_get_delta(diff, i);
		const char *op = dl->old_file.path, *np = dl->new_file.path;
		if (dl->status == GIT_DELTA_DELETED) {
			if (op && cratesidx_path(name, op, &why) == 1 &&
			    writer_crates_delete(g->c.w, name) < 0) {
				g->c.oom = 1;
				goto done;
			}
			continue;
		}
		if (!np || (np[0] == '.'))
			continue;
		git_tree_entry *e = NULL;
		if (git_tree_entry_bypath(&e, new, np) < 0)
			continue;   /* a folder's own delta: its files come too */
		int r = git_take(g, np, e);
		git_tree_entry_free(e);
		if (r < 0)
			goto done;
	}
	rc = 0;
done:
	git_diff_free(diff);
	return rc;
}

static int read_git(ctx *c, const char *ref, int update, char *err,
                    size_t errcap)
{
	gctx g = { .c = *c };
	git_commit *commit = NULL, *prev = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	int rc = -1;

	if (git_repository_open_ext(&g.repo, c->root,
	                            GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return errbuf_fail(err, errcap, "%s: not a git repository nor a "
		                   "folder", c->root);
	if (git_repository_odb(&g.odb, g.repo) < 0 ||
	    git_commit_of(&commit, g.repo, ref ? ref : "HEAD") < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		errbuf_set(err, errcap, "%s: cannot resolve '%s': %s", c->root,
		           ref ? ref : "HEAD", git_error_last() ?
		           git_error_last()->message : "not a commit");
		goto done;
	}
	git_oid_tostr(c->st->commit, sizeof(c->st->commit), git_commit_id(commit));
	c->st->time = (int64_t)git_commit_time(commit);
	c->st->git = 1;
	const char *was = writer_crates_commit(c->w);
	git_oid pid;
	int incremental = update && strlen(was) == 40 &&
	                  git_oid_fromstr(&pid, was) == 0 &&
	                  git_commit_lookup(&prev, g.repo, &pid) == 0 &&
	                  git_commit_tree(&ptree, prev) == 0;
	if (writer_crates_begin(c->w, !incremental, c->st->commit, c->st->time,
	                        0) < 0)
		goto oom;
	c->st->incremental = incremental;
	int wr = incremental ? git_changes(&g, ptree, tree)
	                     : git_tree_walk(tree, GIT_TREEWALK_PRE, walk_cb, &g);
	if (g.c.oom)
		goto oom;
	if (wr < 0 || g.failed) {
		errbuf_set(err, errcap, "%s", g.err[0] ? g.err : "git walk failed");
		goto done;
	}
	rc = 0;
	goto done;
oom:
	errbuf_set(err, errcap, "%s: out of memory", c->root);
done:
	git_tree_free(ptree);
	git_commit_free(prev);
	git_tree_free(tree);
	git_commit_free(commit);
	git_odb_free(g.odb);
	git_repository_free(g.repo);
	return rc;
}

/* ---- folder ---- */

typedef struct flist {
	char **v;
	size_t n, cap;
} flist;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file under root/rel, at most three levels deep (the layout's),
 * into l; top-level files and folders starting with '.' are skipped. */
static int walk_dir(ctx *c, flist *l, const char *rel, int depth, char *err,
                    size_t errcap)
{
	char dir[GITSRC_PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/%s", c->root, rel);
	DIR *dp = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!dp)
		return errbuf_fail(err, errcap, "%s: %s", dir, strerror(errno));
	while (rc == 0 && (errno = 0, de = readdir(dp))) {
		const char *nm = de->d_name;
		char sub[GITSRC_PATH_MAX + 1];
		struct stat sb;
		if (!strcmp(nm, ".") || !strcmp(nm, ".."))
			continue;
		if (depth == 0 && nm[0] == '.')
			continue;
		int k = snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		                 nm);
		if (k < 0 || (size_t)k >= sizeof(sub)) {
			bad_file(c, nm, "path too long");
			continue;
		}
		if (fstatat(dirfd(dp), nm, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = errbuf_fail(err, errcap, "%s/%s: %s", c->root, sub,
			                 strerror(errno));
			break;
		}
		if (S_ISDIR(sb.st_mode)) {
			if (depth >= 2)
				bad_file(c, sub, "too deep for the index layout");
			else
				rc = walk_dir(c, l, sub, depth + 1, err, errcap);
			continue;
		}
		if (depth == 0)
			continue;   /* config.json and the like */
		if (l->n >= CRATES_MAX) {   /* before memory grows with it */
			rc = errbuf_fail(err, errcap, "%s: more than %u files",
			                 c->root, (unsigned)CRATES_MAX);
			break;
		}
		if (l->n == l->cap) {
			size_t nc = l->cap ? l->cap * 2 : 1024;
			char **nv = realloc(l->v, nc * sizeof(*nv));
			if (!nv) {
				c->oom = 1;
				rc = -1;
				break;
			}
			l->v = nv;
			l->cap = nc;
		}
		if (!(l->v[l->n] = strdup(sub))) {
			c->oom = 1;
			rc = -1;
			break;
		}
		l->n++;
	}
	if (rc == 0 && errno != 0 && !de)
		rc = errbuf_fail(err, errcap, "%s: %s", dir, strerror(errno));
	closedir(dp);
	return rc;
}

/* path's bytes (a regular file, at most CRATES_FILE_MAX): 0 and *text
 * (malloc'd), or 1 with why (a bad file), or -1 out of memory. */
static int load_file(char **text, size_t *len, const char *root,
                     const char *path, const char **why)
{
	char full[GITSRC_PATH_MAX * 2];
	struct stat sb;
	int fd;

	*text = NULL;
	snprintf(full, sizeof(full), "%s/%s", root, path);
	if ((fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		*why = errno == ELOOP ? "a symlink, not an index file"
		                      : strerror(errno);
		return 1;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		*why = "not a regular file";
		return 1;
	}
	if ((uint64_t)sb.st_size > CRATES_FILE_MAX) {
		close(fd);
		*why = "larger than 64 MiB";
		return 1;
	}
	size_t cap = (size_t)sb.st_size, n = 0;
	char *b = malloc(cap + 2);
	if (!b) {
		close(fd);
		return -1;
	}
	for (;;) {   /* to EOF, never past the cap (the file may grow) */
		ssize_t r = read(fd, b + n, cap + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*why = strerror(errno);
			break;
		}
		if (r == 0) {
			close(fd);
			b[n] = '\0';
			*text = b;
			*len = n;
			return 0;
		}
		n += (size_t)r;
		if (n > cap) {
			*why = "grew while read";
			break;
		}
	}
	close(fd);
	free(b);
	return 1;
}

static int read_folder(ctx *c, char *err, size_t errcap)
{
	flist l = { 0 };
	folder_digest fd;
	int rc = -1;

	folder_digest_init(&fd);

	if (walk_dir(c, &l, "", 0, err, errcap) < 0)
		goto done;
	if (l.n)        /* an empty folder has no list (qsort(NULL) is UB) */
		qsort(l.v, l.n, sizeof(*l.v), cmp_str);
	if (writer_crates_begin(c->w, 1, "", 0, 0) < 0)
		goto oom;
	for (size_t i = 0; i < l.n; i++) {
		char name[ADV_PACKAGE_MAX + 1];
		const char *why;
		char *text;
		size_t len;
		git_oid oid;
		int in = cratesidx_path(name, l.v[i], &why);
		if (in == 0)
			continue;
		if (in < 0) {
			bad_file(c, l.v[i], why);
			continue;
		}
		int lr = load_file(&text, &len, c->root, l.v[i], &why);
		if (lr < 0)
			goto oom;
		if (lr > 0) {
			bad_file(c, l.v[i], why);
			continue;
		}
		if (git_odb_hash(&oid, text, len, GIT_OBJECT_BLOB) < 0) {
			free(text);
			errbuf_set(err, errcap, "%s/%s: cannot hash", c->root, l.v[i]);
			goto done;
		}
		int tr = take(c, l.v[i], name, text, len);
		free(text);
		if (tr < 0)
			goto oom;
		if (folder_digest_add(&fd, l.v[i], &oid) < 0)
			goto oom;
	}
	if (folder_digest_end(&fd, c->st->commit) < 0) {
		errbuf_set(err, errcap, "%s: cannot hash the folder", c->root);
		goto done;
	}
	c->st->time = 0;
	rc = 0;
	goto done;
oom:
	errbuf_set(err, errcap, "%s: out of memory", c->root);
done:
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	folder_digest_free(&fd);
	if (c->oom && rc == 0)
		rc = -1;
	return rc;
}

int cratesrc_read(writer *w, const char *path, const char *ref, int update,
                  int strict, diag_list *d, cratesrc_stats *st,
                  volatile sig_atomic_t *beat, char *err, size_t errcap)
{
	struct stat sb;
	ctx c = { w, path, d, strict ? DIAG_ERROR : DIAG_WARNING, st, beat,
	          "", 0 };
	git_repository *probe = NULL;
	int rc;

	memset(st, 0, sizeof(*st));
	git_libgit2_init();
	if (git_repository_open_ext(&probe, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	                            NULL) == 0) {
		git_repository_free(probe);
		rc = read_git(&c, ref, update, err, errcap);
	} else if (stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		rc = errbuf_fail(err, errcap, "%s: not a git repository nor a "
		                 "folder", path);
	} else if (ref) {
		rc = errbuf_fail(err, errcap, "%s: a plain folder has no ref '%s'",
		                 path, ref);
	} else {
		rc = read_folder(&c, err, errcap);
	}
	/* A whole read that found no crate was given no mirror (an empty
	 * folder, the wrong folder): every package would read as unknown,
	 * which must not pass for a yanked check that was made. */
	if (rc == 0 && !update && st->crates == 0)
		rc = errbuf_fail(err, errcap, "%s: no crate in it: not a "
		                 "crates.io index mirror (files `1/a`, `2/ab`, "
		                 "`3/a/abc`, `ab/cd/abcdef`)", path);
	if (rc == 0)   /* the meta line: commit, time, bad */
		rc = writer_crates_begin(w, 0, st->commit, st->time,
		                         st->bad_lines + st->bad_files);
	git_libgit2_shutdown();
	return rc;
}
