/*
 * osvsrc.c — see osvsrc.h. Owns the listing of an import source, in git
 * or on disk, and the content digest of a plain folder.
 *
 * Invariants: paths are '/'-joined, relative to the source root, and
 * NUL-free; the list is complete and sorted before osvsrc_open returns.
 */
#include "osvsrc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "ytree.h"

typedef struct ofile {
	char *path;
	uint8_t blob[20];
} ofile;

struct osvsrc {
	char *root;
	git_repository *repo;       /* NULL: a plain folder */
	ofile *v;
	size_t n, cap;
	char id[41];
	int64_t time;
	volatile sig_atomic_t *beat;
};

static const char *gitmsg(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown error";
}

static int wanted(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && !strcmp(name + n - 5, ".json")) ||
	       (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(name + n - 4, ".yml"));
}

/* Append a file; -1 (message in err) past the caps or out of memory. */
static int add_file(osvsrc *s, const char *path, const uint8_t *blob,
                    char *err, size_t errcap)
{
	if (strlen(path) > OSVSRC_PATH_MAX) {
		errbuf_set(err, errcap, "%s: a path is longer than %d bytes", s->root,
		       OSVSRC_PATH_MAX);
		return -1;
	}
	if (s->n == OSVSRC_FILES_MAX) {
		errbuf_set(err, errcap, "%s: more than %d OSV files", s->root,
		       OSVSRC_FILES_MAX);
		return -1;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		ofile *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			goto oom;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].path = strdup(path);
	if (!s->v[s->n].path)
		goto oom;
	if (blob)
		memcpy(s->v[s->n].blob, blob, 20);
	else
		memset(s->v[s->n].blob, 0, 20);
	s->n++;
	if (s->beat)
		(*s->beat)++;
	return 0;
oom:
	errbuf_set(err, errcap, "%s: out of memory", s->root);
	return -1;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const ofile *)a)->path, ((const ofile *)b)->path);
}

/* ---- git ---- */

typedef struct walkctx {
	osvsrc *s;
	char *err;
	size_t errcap;
	int failed;
} walkctx;

static int walk_cb(const char *root, const git_tree_entry *e, void *arg)
{
	walkctx *w = arg;
	char path[OSVSRC_PATH_MAX + 2];
	git_filemode_t m = git_tree_entry_filemode(e);
	const char *name = git_tree_entry_name(e);

	if (m == GIT_FILEMODE_TREE) {
		/* bounds the walk's depth too: libgit2 recurses per level */
		if (strlen(root) + strlen(name) + 1 > OSVSRC_PATH_MAX) {
			errbuf_set(w->err, w->errcap, "%s: a path is longer than %d bytes",
			       w->s->root, OSVSRC_PATH_MAX);
			w->failed = 1;
			return -1;
		}
		return 0;
	}
	if ((m != GIT_FILEMODE_BLOB && m != GIT_FILEMODE_BLOB_EXECUTABLE) ||
	    !wanted(name))
		return 0;
	int k = snprintf(path, sizeof(path), "%s%s", root, name);
	if (k < 0 || (size_t)k >= sizeof(path) ||
	    add_file(w->s, path, git_tree_entry_id(e)->id, w->err,
	             w->errcap) < 0) {
		if (k < 0 || (size_t)k >= sizeof(path))
			errbuf_set(w->err, w->errcap, "%s: a path is longer than %d "
			       "bytes", w->s->root, OSVSRC_PATH_MAX);
		w->failed = 1;
		return -1;
	}
	return 0;
}

static int open_git(osvsrc *s, const char *ref, char *err, size_t errcap)
{
	git_object *obj = NULL, *peeled = NULL;
	git_tree *tree = NULL;
	int rc = -1;

	if (git_revparse_single(&obj, s->repo, ref ? ref : "HEAD") < 0) {
		errbuf_set(err, errcap, "%s: cannot resolve '%s': %s", s->root,
		       ref ? ref : "HEAD", gitmsg());
		goto done;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0 ||
	    git_commit_tree(&tree, (git_commit *)peeled) < 0) {
		errbuf_set(err, errcap, "%s: '%s' is not a readable commit: %s",
		       s->root, ref ? ref : "HEAD", gitmsg());
		goto done;
	}
	git_oid_tostr(s->id, sizeof(s->id), git_commit_id((git_commit *)peeled));
	s->time = (int64_t)git_commit_time((git_commit *)peeled);
	walkctx w = { .s = s, .err = err, .errcap = errcap };
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, walk_cb, &w) < 0) {
		if (!w.failed)
			errbuf_set(err, errcap, "%s: cannot read the tree: %s", s->root,
			       gitmsg());
		goto done;
	}
	rc = 0;
done:
	git_tree_free(tree);
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

/* ---- plain folder ---- */

static int walk_dir(osvsrc *s, const char *rel, int depth, char *err,
                    size_t errcap)
{
	char full[OSVSRC_PATH_MAX * 2 + 4], sub[OSVSRC_PATH_MAX + 2];
	struct dirent *de;
	struct stat st;
	int rc = 0;

	if (depth > OSVSRC_DEPTH_MAX) {
		errbuf_set(err, errcap, "%s/%s: folders nested deeper than %d",
		       s->root, rel, OSVSRC_DEPTH_MAX);
		return -1;
	}
	int k = snprintf(full, sizeof(full), "%s%s%s", s->root,
	                 *rel ? "/" : "", rel);
	if (k < 0 || (size_t)k >= sizeof(full)) {
		errbuf_set(err, errcap, "%s: a path is too long", s->root);
		return -1;
	}
	DIR *d = opendir(full);
	if (!d) {
		errbuf_set(err, errcap, "%s: %s", full, strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		k = snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		             de->d_name);
		if (k < 0 || (size_t)k > OSVSRC_PATH_MAX) {
			errbuf_set(err, errcap, "%s: a path is longer than %d bytes",
			       s->root, OSVSRC_PATH_MAX);
			rc = -1;
			break;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;           /* vanished meanwhile */
		if (S_ISDIR(st.st_mode))
			rc = walk_dir(s, sub, depth + 1, err, errcap);
		else if (S_ISREG(st.st_mode) && wanted(de->d_name))
			rc = add_file(s, sub, NULL, err, errcap);
	}
	closedir(d);
	return rc;
}

static int read_file(char **text, size_t *len, const char *root,
                     const char *rel, char *err, size_t errcap)
{
	char full[OSVSRC_PATH_MAX * 2 + 4];
	struct stat st;

	*text = NULL;
	int k = snprintf(full, sizeof(full), "%s/%s", root, rel);
	if (k < 0 || (size_t)k >= sizeof(full)) {
		errbuf_set(err, errcap, "path too long");
		return -1;
	}
	int fd = open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		errbuf_set(err, errcap, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)YTREE_INPUT_MAX) {
		errbuf_set(err, errcap, "not a regular file of at most %u bytes",
		       YTREE_INPUT_MAX);
		close(fd);
		return -1;
	}
	size_t n = (size_t)st.st_size, got = 0;
	char *b = malloc(n + 1);
	while (b && got < n) {
		ssize_t r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!b || got != n) {
		free(b);
		errbuf_set(err, errcap, b ? "short read" : "out of memory");
		return -1;
	}
	b[n] = '\0';
	*text = b;
	*len = n;
	return 0;
}

/* Blob id of every file, then the digest of the list. */
static int folder_digest(osvsrc *s, char *err, size_t errcap)
{
	git_oid oid;
	char hex[41];
	size_t cap = 4096, used = 0;
	char *list = malloc(cap);
	int rc = -1;

	for (size_t i = 0; list && i < s->n; i++) {
		char *text;
		size_t len;
		/* an unreadable file counts as a zero id here; loading it later
		 * reports it as that file's problem (--keep-going skips it) */
		if (read_file(&text, &len, s->root, s->v[i].path, err, errcap) < 0) {
			memset(&oid, 0, sizeof(oid));
		} else {
			int hr = git_odb_hash(&oid, text, len, GIT_OBJECT_BLOB);
			free(text);
			if (hr < 0) {
				errbuf_set(err, errcap, "%s: cannot hash %s", s->root,
				       s->v[i].path);
				goto done;
			}
		}
		memcpy(s->v[i].blob, oid.id, 20);
		git_oid_tostr(hex, sizeof(hex), &oid);
		size_t need = strlen(s->v[i].path) + 1 + 40 + 1;
		if (used + need > cap) {
			while (used + need > cap)
				cap *= 2;
			char *nl = realloc(list, cap);
			if (!nl)
				goto done;
			list = nl;
		}
		memcpy(list + used, s->v[i].path, need - 42);
		used += need - 42;
		list[used++] = '\0';
		memcpy(list + used, hex, 40);
		used += 40;
		list[used++] = '\n';
		if (s->beat)
			(*s->beat)++;
	}
	if (list && git_odb_hash(&oid, list, used, GIT_OBJECT_BLOB) == 0) {
		git_oid_tostr(s->id, sizeof(s->id), &oid);
		rc = 0;
	} else if (!list) {
		errbuf_set(err, errcap, "%s: out of memory", s->root);
	}
done:
	free(list);
	return rc;
}

/* ---- public ---- */

int osvsrc_open(osvsrc **out, const char *path, const char *ref,
                volatile sig_atomic_t *beat, char *err, size_t errcap)
{
	struct stat st;

	*out = NULL;
	osvsrc *s = calloc(1, sizeof(*s));
	if (!s || !(s->root = strdup(path))) {
		free(s);
		errbuf_set(err, errcap, "%s: out of memory", path);
		return -1;
	}
	s->beat = beat;
	size_t rl = strlen(s->root);
	while (rl > 1 && s->root[rl - 1] == '/')
		s->root[--rl] = '\0';
	int rc;
	if (git_repository_open_ext(&s->repo, path,
	                            GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0) {
		rc = open_git(s, ref, err, errcap);
	} else if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		errbuf_set(err, errcap, "%s: not a git repository nor a folder", path);
		rc = -1;
	} else if (ref) {
		errbuf_set(err, errcap, "%s: a plain folder has no ref '%s'", path, ref);
		rc = -1;
	} else {
		rc = walk_dir(s, "", 0, err, errcap);
		if (rc == 0 && s->n)
			qsort(s->v, s->n, sizeof(*s->v), cmp_file);
		if (rc == 0)
			rc = folder_digest(s, err, errcap);
	}
	if (rc < 0) {
		osvsrc_close(s);
		return -1;
	}
	if (s->repo && s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_file);
	*out = s;
	return 0;
}

void osvsrc_close(osvsrc *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	git_repository_free(s->repo);
	free(s->root);
	free(s);
}

int osvsrc_is_git(const osvsrc *s) { return s->repo != NULL; }
const char *osvsrc_id(const osvsrc *s) { return s->id; }
int64_t osvsrc_time(const osvsrc *s) { return s->time; }
size_t osvsrc_count(const osvsrc *s) { return s->n; }

const char *osvsrc_path(const osvsrc *s, size_t i)
{
	return i < s->n ? s->v[i].path : NULL;
}

int osvsrc_load(char **text, size_t *len, osvsrc *s, size_t i, char *err,
                size_t errcap)
{
	*text = NULL;
	*len = 0;
	if (i >= s->n) {
		errbuf_set(err, errcap, "no such file");
		return -1;
	}
	if (s->beat)
		(*s->beat)++;
	if (!s->repo)
		return read_file(text, len, s->root, s->v[i].path, err, errcap);
	git_odb *odb = NULL;
	git_oid oid;
	size_t sz;
	git_object_t type;
	memcpy(oid.id, s->v[i].blob, 20);
	if (git_repository_odb(&odb, s->repo) < 0 ||
	    git_odb_read_header(&sz, &type, odb, &oid) < 0) {
		errbuf_set(err, errcap, "cannot read the object: %s", gitmsg());
		git_odb_free(odb);
		return -1;
	}
	git_odb_free(odb);
	if (type != GIT_OBJECT_BLOB || sz > YTREE_INPUT_MAX) {
		errbuf_set(err, errcap, "not a file of at most %u bytes",
		       YTREE_INPUT_MAX);
		return -1;
	}
	git_blob *b = NULL;
	if (git_blob_lookup(&b, s->repo, &oid) < 0) {
		errbuf_set(err, errcap, "cannot read the object: %s", gitmsg());
		return -1;
	}
	sz = (size_t)git_blob_rawsize(b);
	char *t = sz <= YTREE_INPUT_MAX ? malloc(sz + 1) : NULL;
	if (!t) {
		git_blob_free(b);
		errbuf_set(err, errcap, "out of memory");
		return -1;
	}
	memcpy(t, git_blob_rawcontent(b), sz);
	t[sz] = '\0';
	git_blob_free(b);
	*text = t;
	*len = sz;
	return 0;
}
