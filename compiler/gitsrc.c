/*
 * gitsrc.c — advisory slots of one commit, from git objects (gitsrc.h).
 *
 * Owns: the open repository, the resolved commit and its tree, and the
 * sorted slot list built once at open. Only tree objects are read to build
 * the list (two levels below crates/ and rust/); blobs are read one at a
 * time by gitsrc_load, after their size is known from the object header,
 * so a hostile repository cannot make us hold a huge file.
 *
 * Invariants: entries[] is sorted by strcmp(path); every path fits
 * GITSRC_PATH_MAX; libgit2 objects are freed on every path out.
 */
#include "gitsrc.h"

#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory.h"           /* ADVISORY_FILE_MAX */

static const char *const COLLECTIONS[] = { "crates", "rust" };
#define NCOLLECTIONS (sizeof(COLLECTIONS) / sizeof(COLLECTIONS[0]))

struct gitsrc {
	git_repository *repo;
	git_odb *odb;
	git_commit *commit;
	git_tree *tree;
	char commit_hex[GIT_OID_HEXSZ + 1];
	int64_t commit_time;
	gitsrc_entry *v;            /* the slot list, once listed */
	size_t n, cap;
	int listed;
};

static void seterr(char *err, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (!err || !cap)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	if (n < 0)
		snprintf(err, cap, "(error message unavailable)");
}

/* libgit2's own message for the last failure, never NULL. */
static const char *gitmsg(void)
{
	const git_error *e = git_error_last();
	return (e && e->message) ? e->message : "unknown libgit2 error";
}

static int ends_md(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && memcmp(name + n - 3, ".md", 3) == 0;
}

/* Why a tree entry at a slot is not a readable advisory, or NULL. */
static const char *mode_problem(const git_tree_entry *te)
{
	switch (git_tree_entry_filemode(te)) {
	case GIT_FILEMODE_BLOB:
	case GIT_FILEMODE_BLOB_EXECUTABLE:
		return NULL;
	case GIT_FILEMODE_LINK:
		return "not a regular file (symlink)";
	case GIT_FILEMODE_COMMIT:
		return "not a regular file (submodule)";
	case GIT_FILEMODE_TREE:
		return "not a regular file (folder)";
	default:
		return "not a regular file (unknown mode)";
	}
}

static int add_entry(gitsrc *g, const char *coll, const char *dir,
                     const git_tree_entry *te, const char *bad,
                     char *err, size_t errcap)
{
	char path[GITSRC_PATH_MAX + 1];
	int n;

	if (dir)
		n = snprintf(path, sizeof(path), "%s/%s/%s", coll, dir,
		             git_tree_entry_name(te));
	else
		n = snprintf(path, sizeof(path), "%s/%s", coll,
		             git_tree_entry_name(te));
	if (n < 0 || (size_t)n > GITSRC_PATH_MAX) {
		/* Not worth a slot: a name this long cannot be "<id>.md".
		 * Keep a cut path so the user learns where it is. */
		if (n < 0)
			return seterr(err, errcap, "cannot format a path"), -1;
		memcpy(path + GITSRC_PATH_MAX - 3, "...", 4);
		bad = "path too long";
	}
	if (g->n >= GITSRC_ENTRIES_MAX) {
		seterr(err, errcap, "more than %d advisory files: refused",
		       GITSRC_ENTRIES_MAX);
		return -1;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 1024;
		gitsrc_entry *v = realloc(g->v, cap * sizeof(*v));
		if (!v)
			return seterr(err, errcap, "out of memory"), -1;
		g->v = v;
		g->cap = cap;
	}
	char *p = strdup(path);
	if (!p)
		return seterr(err, errcap, "out of memory"), -1;
	gitsrc_entry *e = &g->v[g->n++];
	e->path = p;
	memcpy(e->blob, git_tree_entry_id(te)->id, 20);
	e->bad = bad;
	return 0;
}

/* The slots in one package (or component) folder. */
static int list_package(gitsrc *g, const char *coll,
                        const git_tree_entry *dirent, char *err,
                        size_t errcap)
{
	git_tree *t = NULL;

	if (git_tree_lookup(&t, g->repo, git_tree_entry_id(dirent)) < 0) {
		seterr(err, errcap, "%s/%s: cannot read folder: %s", coll,
		       git_tree_entry_name(dirent), gitmsg());
		return -1;
	}
	int rc = 0;
	size_t n = git_tree_entrycount(t);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(t, i);
		if (!te || !ends_md(git_tree_entry_name(te)))
			continue;
		rc = add_entry(g, coll, git_tree_entry_name(dirent), te,
		               mode_problem(te), err, errcap);
	}
	git_tree_free(t);
	return rc;
}

static int list_collection(gitsrc *g, const char *coll, char *err,
                           size_t errcap)
{
	const git_tree_entry *ce = git_tree_entry_byname(g->tree, coll);
	git_tree *t = NULL;

	if (!ce || git_tree_entry_type(ce) != GIT_OBJECT_TREE)
		return 0;           /* no such collection in this commit */
	if (git_tree_lookup(&t, g->repo, git_tree_entry_id(ce)) < 0) {
		seterr(err, errcap, "%s: cannot read folder: %s", coll, gitmsg());
		return -1;
	}
	int rc = 0;
	size_t n = git_tree_entrycount(t);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(t, i);
		if (!te)
			continue;
		if (git_tree_entry_filemode(te) == GIT_FILEMODE_TREE)
			rc = list_package(g, coll, te, err, errcap);
		else if (ends_md(git_tree_entry_name(te)))
			rc = add_entry(g, coll, NULL, te,
			               "advisory outside a package folder",
			               err, errcap);
	}
	git_tree_free(t);
	return rc;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const gitsrc_entry *)a)->path,
	              ((const gitsrc_entry *)b)->path);
}

/* The folder `name` right below root, or *out NULL when there is none. */
static int subtree(git_tree **out, git_repository *repo, git_tree *root,
                   const char *name)
{
	const git_tree_entry *te = git_tree_entry_byname(root, name);

	*out = NULL;
	if (!te || git_tree_entry_type(te) != GIT_OBJECT_TREE)
		return 0;
	return git_tree_lookup(out, repo, git_tree_entry_id(te));
}

/* Does crates/ or rust/ hold at least one folder? One tree read each. */
static int has_package_folder(gitsrc *g)
{
	for (size_t i = 0; i < NCOLLECTIONS; i++) {
		git_tree *t = NULL;
		int found = 0;
		if (subtree(&t, g->repo, g->tree, COLLECTIONS[i]) < 0 || !t)
			continue;
		size_t n = git_tree_entrycount(t);
		for (size_t j = 0; j < n && !found; j++) {
			const git_tree_entry *te = git_tree_entry_byindex(t, j);
			found = te && git_tree_entry_filemode(te) == GIT_FILEMODE_TREE;
		}
		git_tree_free(t);
		if (found)
			return 1;
	}
	return 0;
}

int gitsrc_open(gitsrc **out, const char *repo_path, const char *ref,
                char *err, size_t errcap)
{
	gitsrc *g = calloc(1, sizeof(*g));
	git_object *obj = NULL, *peeled = NULL;
	int rc = -1;

	*out = NULL;
	if (!g)
		return seterr(err, errcap, "out of memory"), -1;
	if (!ref)
		ref = "HEAD";
	if (git_repository_open_ext(&g->repo, repo_path,
	                            GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		seterr(err, errcap, "%s: not a git repository: %s", repo_path,
		       gitmsg());
		goto done;
	}
	if (git_repository_odb(&g->odb, g->repo) < 0) {
		seterr(err, errcap, "%s: cannot open object store: %s",
		       repo_path, gitmsg());
		goto done;
	}
	if (!strcmp(ref, "HEAD") && git_repository_head_unborn(g->repo) == 1) {
		seterr(err, errcap, "%s: the repository has no commits", repo_path);
		goto done;
	}
	if (git_revparse_single(&obj, g->repo, ref) < 0) {
		seterr(err, errcap, "%s: cannot resolve '%s': %s", repo_path, ref,
		       gitmsg());
		goto done;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		seterr(err, errcap, "%s: '%s' is not a commit: %s", repo_path,
		       ref, gitmsg());
		goto done;
	}
	g->commit = (git_commit *)peeled;
	peeled = NULL;
	if (git_commit_tree(&g->tree, g->commit) < 0) {
		seterr(err, errcap, "%s: cannot read the tree of '%s': %s",
		       repo_path, ref, gitmsg());
		goto done;
	}
	/* A wrong ref (say, the osv branch, whose crates/ holds JSON files)
	 * must not give an empty index. */
	if (!has_package_folder(g)) {
		seterr(err, errcap, "%s: '%s' has no package folder in crates/ "
		       "or rust/: not an advisory-db commit", repo_path, ref);
		goto done;
	}
	git_oid_tostr(g->commit_hex, sizeof(g->commit_hex),
	              git_commit_id(g->commit));
	g->commit_time = (int64_t)git_commit_time(g->commit);

	*out = g;
	g = NULL;
	rc = 0;
done:
	git_object_free(peeled);
	git_object_free(obj);
	gitsrc_close(g);
	return rc;
}

void gitsrc_close(gitsrc *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		free((char *)g->v[i].path);
	free(g->v);
	git_tree_free(g->tree);
	git_commit_free(g->commit);
	git_odb_free(g->odb);
	git_repository_free(g->repo);
	free(g);
}

const char *gitsrc_commit(const gitsrc *g)
{
	return g->commit_hex;
}

int64_t gitsrc_commit_time(const gitsrc *g)
{
	return g->commit_time;
}

int gitsrc_list(const gitsrc_entry **out, size_t *n, gitsrc *g,
                char *err, size_t errcap)
{
	if (!g->listed) {
		for (size_t i = 0; i < NCOLLECTIONS; i++) {
			if (list_collection(g, COLLECTIONS[i], err, errcap) < 0) {
				for (size_t j = 0; j < g->n; j++)   /* retry from empty */
					free((char *)g->v[j].path);
				g->n = 0;
				return -1;
			}
		}
		if (g->n > 1)
			qsort(g->v, g->n, sizeof(*g->v), cmp_entry);
		g->listed = 1;
	}
	*out = g->v;
	*n = g->n;
	return 0;
}

const gitsrc_entry *gitsrc_entries(gitsrc *g, size_t *n)
{
	const gitsrc_entry *v;
	char err[8];

	if (gitsrc_list(&v, n, g, err, sizeof(err)) < 0) {
		*n = 0;
		return NULL;
	}
	return v;
}

int gitsrc_lookup(gitsrc_entry *out, gitsrc *g, const char *path,
                  char *err, size_t errcap)
{
	git_tree_entry *te = NULL;
	size_t len = strlen(path), depth = 0;
	int known = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < NCOLLECTIONS && !known; i++) {
		size_t cl = strlen(COLLECTIONS[i]);
		known = len > cl && strncmp(path, COLLECTIONS[i], cl) == 0 &&
		        path[cl] == '/';
	}
	for (const char *p = path; *p; p++)
		depth += *p == '/';
	/* Same shapes as list_collection/list_package make; the list marks
	 * over-long paths, which a lookup simply does not find. */
	if (!known || depth < 1 || depth > 2 || len > GITSRC_PATH_MAX ||
	    !ends_md(path) || strstr(path, "//") || path[len - 4] == '/')
		return 0;
	int rc = git_tree_entry_bypath(&te, g->tree, path);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0) {
		seterr(err, errcap, "%s: cannot look up: %s", path, gitmsg());
		return -1;
	}
	int is_tree = git_tree_entry_filemode(te) == GIT_FILEMODE_TREE;
	if (depth == 1 && is_tree) {      /* a package folder named "*.md" */
		git_tree_entry_free(te);
		return 0;
	}
	out->path = path;
	memcpy(out->blob, git_tree_entry_id(te)->id, 20);
	out->bad = depth == 1 ? "advisory outside a package folder"
	                      : mode_problem(te);
	git_tree_entry_free(te);
	return 1;
}

int gitsrc_load(char **text, size_t *len, gitsrc *g, const gitsrc_entry *e,
                char *err, size_t errcap)
{
	git_oid id;
	git_object_t type;
	size_t size;
	git_odb_object *o = NULL;

	*text = NULL;
	*len = 0;
	memcpy(id.id, e->blob, 20);
	if (git_odb_read_header(&size, &type, g->odb, &id) < 0) {
		seterr(err, errcap, "%s: cannot read object: %s", e->path,
		       gitmsg());
		return -1;
	}
	if (type != GIT_OBJECT_BLOB) {
		seterr(err, errcap, "not a regular file (object is a %s)",
		       git_object_type2string(type));
		return 1;
	}
	if (size > ADVISORY_FILE_MAX) {
		seterr(err, errcap, "file too large (%zu bytes, limit %u)", size,
		       (unsigned)ADVISORY_FILE_MAX);
		return 1;
	}
	if (git_odb_read(&o, g->odb, &id) < 0) {
		seterr(err, errcap, "%s: cannot read object: %s", e->path,
		       gitmsg());
		return -1;
	}
	/* The header said one size; trust only what was actually read. */
	size = git_odb_object_size(o);
	if (git_odb_object_type(o) != GIT_OBJECT_BLOB ||
	    size > ADVISORY_FILE_MAX) {
		git_odb_object_free(o);
		seterr(err, errcap, "%s: object changed type or size while read",
		       e->path);
		return -1;
	}
	char *buf = malloc(size + 1);
	if (!buf) {
		git_odb_object_free(o);
		return seterr(err, errcap, "out of memory"), -1;
	}
	memcpy(buf, git_odb_object_data(o), size);
	buf[size] = '\0';
	git_odb_object_free(o);
	*text = buf;
	*len = size;
	return 0;
}

/* ---- changed slots between two commits ---- */

typedef struct pathset {
	char **v;
	size_t n, cap;
} pathset;

static int pathset_add(pathset *s, const char *path)
{
	if (s->n >= GITSRC_ENTRIES_MAX * 2)
		return -1;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	if (!(s->v[s->n] = strdup(path)))
		return -1;
	s->n++;
	return 0;
}

/*
 * A changed file below a collection folder ("pkg/file.md", "x.md",
 * "pkg/dir.md/deeper") belongs to the slot made of its first two
 * components (or its only one); slots are only ever named "*.md".
 */
static int add_changed(pathset *s, const char *coll, const char *rel)
{
	char path[GITSRC_PATH_MAX + 1];
	const char *slash = strchr(rel, '/');
	size_t keep = strlen(rel);

	if (slash) {
		const char *second = strchr(slash + 1, '/');
		if (second)
			keep = (size_t)(second - rel);
	}
	if (keep < 3 || memcmp(rel + keep - 3, ".md", 3) != 0)
		return 0;
	int n = snprintf(path, sizeof(path), "%s/%.*s", coll, (int)keep, rel);
	if (n < 0 || (size_t)n > GITSRC_PATH_MAX)
		return 0;           /* cannot be a slot (see add_entry) */
	return pathset_add(s, path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void gitsrc_paths_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

int gitsrc_diff(char ***paths, size_t *n, gitsrc *g, const char *old_hex,
                char *err, size_t errcap)
{
	git_oid oid;
	git_commit *old = NULL;
	git_tree *old_root = NULL;
	pathset s = { 0 };
	int rc = -1;

	*paths = NULL;
	*n = 0;
	if (!old_hex || strlen(old_hex) != GIT_OID_HEXSZ ||
	    git_oid_fromstr(&oid, old_hex) < 0) {
		seterr(err, errcap, "previous commit id '%s' is not 40 hex digits",
		       old_hex ? old_hex : "");
		return -1;
	}
	int lr = git_commit_lookup(&old, g->repo, &oid);
	if (lr == GIT_ENOTFOUND)
		return GITSRC_ENOTFOUND;
	if (lr < 0) {
		seterr(err, errcap, "previous commit %s: %s", old_hex, gitmsg());
		return -1;
	}
	if (git_commit_tree(&old_root, old) < 0) {
		seterr(err, errcap, "previous commit %s: cannot read its tree: %s",
		       old_hex, gitmsg());
		goto done;
	}
	for (size_t c = 0; c < NCOLLECTIONS; c++) {
		git_tree *a = NULL, *b = NULL;
		git_diff *diff = NULL;
		git_diff_options opts;
		int bad = 0;

		/* Trees only: the diff compares ids and never reads a blob. */
		if (git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION) < 0) {
			seterr(err, errcap, "cannot set up a diff: %s", gitmsg());
			goto done;
		}
		opts.flags = GIT_DIFF_SKIP_BINARY_CHECK;
		if (subtree(&a, g->repo, old_root, COLLECTIONS[c]) < 0 ||
		    subtree(&b, g->repo, g->tree, COLLECTIONS[c]) < 0 ||
		    git_diff_tree_to_tree(&diff, g->repo, a, b, &opts) < 0) {
			seterr(err, errcap, "%s: cannot compare with %s: %s",
			       COLLECTIONS[c], old_hex, gitmsg());
			bad = 1;
		}
		size_t nd = bad ? 0 : git_diff_num_deltas(diff);
		for (size_t i = 0; i < nd && !bad; i++) {
			const git_diff_delta *d = git_diff_get_delta(diff, i);
			if (!d)
				continue;
			if ((d->old_file.path &&
			     add_changed(&s, COLLECTIONS[c], d->old_file.path) < 0) ||
			    (d->new_file.path &&
			     add_changed(&s, COLLECTIONS[c], d->new_file.path) < 0)) {
				seterr(err, errcap, "out of memory (or too many changes)");
				bad = 1;
			}
		}
		git_diff_free(diff);
		git_tree_free(a);
		git_tree_free(b);
		if (bad)
			goto done;
	}
	if (s.n > 1)
		qsort(s.v, s.n, sizeof(*s.v), cmp_str);
	size_t u = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (u && strcmp(s.v[u - 1], s.v[i]) == 0)
			free(s.v[i]);
		else
			s.v[u++] = s.v[i];
	}
	s.n = u;
	*paths = s.v;
	*n = s.n;
	s.v = NULL;
	s.n = 0;
	rc = 0;
done:
	gitsrc_paths_free(s.v, s.n);
	git_tree_free(old_root);
	git_commit_free(old);
	return rc;
}

/* ---- when each slot last changed ---- */

typedef struct history {
	const char *const *paths;
	size_t n, left;
	int64_t *times;
} history;

static int cmp_key_str(const void *key, const void *elem)
{
	return strcmp((const char *)key, *(const char *const *)elem);
}

static void history_mark(history *h, const char *coll, const char *pkg,
                         const char *file, int64_t when)
{
	char path[GITSRC_PATH_MAX + 1];
	int n = snprintf(path, sizeof(path), "%s/%s/%s", coll, pkg, file);

	if (n < 0 || (size_t)n > GITSRC_PATH_MAX)
		return;
	const char *const *hit = bsearch(path, h->paths, h->n,
	                                 sizeof(*h->paths), cmp_key_str);
	if (!hit)
		return;
	size_t i = (size_t)(hit - h->paths);
	if (h->times[i] == 0 && h->left)
		h->left--;
	if (when > h->times[i])
		h->times[i] = when;
}

static int same_entry(const git_tree_entry *a, const git_tree_entry *b)
{
	return a && b && git_tree_entry_filemode(a) == git_tree_entry_filemode(b)
	       && git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b));
}

/*
 * The entry of tree a (na entries) named like e, or NULL. Both trees are
 * in git's order and callers ask in that order, so *pos only moves
 * forward: one merge pass per folder instead of a search per entry.
 */
static const git_tree_entry *same_name(const git_tree *a, size_t na,
                                       size_t *pos, const git_tree_entry *e)
{
	while (*pos < na) {
		const git_tree_entry *x = git_tree_entry_byindex(a, *pos);
		int c = x ? git_tree_entry_cmp(x, e) : -1;
		if (c > 0)
			return NULL;
		(*pos)++;
		if (c == 0)
			return x;
	}
	return NULL;
}

/*
 * Mark the advisory files of collection coll that root b has and root a
 * (NULL: none, a root commit) lacks or holds with other content. Only
 * folders whose ids differ are opened, so an unchanged collection costs
 * one comparison.
 */
static int history_step(history *h, git_repository *repo, git_tree *a,
                        git_tree *b, const char *coll, int64_t when)
{
	git_tree *ta = NULL, *tb = NULL;
	int rc = -1;

	/* Most commits leave the collection alone: compare ids first, and
	 * parse its (large) folder only when they differ. */
	const git_tree_entry *ra = a ? git_tree_entry_byname(a, coll) : NULL;
	const git_tree_entry *rb = git_tree_entry_byname(b, coll);
	if (!rb || same_entry(ra, rb))
		return 0;
	if (subtree(&tb, repo, b, coll) < 0 || (a && subtree(&ta, repo, a, coll) < 0))
		goto done;
	rc = 0;
	if (!tb)
		goto done;
	size_t n = git_tree_entrycount(tb), na = ta ? git_tree_entrycount(ta) : 0;
	size_t j = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(tb, i);
		if (!eb || git_tree_entry_filemode(eb) != GIT_FILEMODE_TREE)
			continue;
		const git_tree_entry *ea = same_name(ta, na, &j, eb);
		if (same_entry(ea, eb))
			continue;
		const char *pkg = git_tree_entry_name(eb);
		git_tree *pa = NULL, *pb = NULL;
		if (git_tree_lookup(&pb, repo, git_tree_entry_id(eb)) < 0 ||
		    (ea && git_tree_entry_filemode(ea) == GIT_FILEMODE_TREE &&
		     git_tree_lookup(&pa, repo, git_tree_entry_id(ea)) < 0)) {
			rc = -1;
		} else {
			size_t m = git_tree_entrycount(pb);
			size_t ma = pa ? git_tree_entrycount(pa) : 0, k = 0;
			for (size_t f = 0; f < m; f++) {
				const git_tree_entry *fb = git_tree_entry_byindex(pb, f);
				if (!fb)
					continue;
				const git_tree_entry *fa = same_name(pa, ma, &k, fb);
				if (!same_entry(fa, fb) && ends_md(git_tree_entry_name(fb)))
					history_mark(h, coll, pkg, git_tree_entry_name(fb), when);
			}
		}
		git_tree_free(pa);
		git_tree_free(pb);
	}
done:
	git_tree_free(ta);
	git_tree_free(tb);
	return rc;
}

int gitsrc_history(int64_t *times, gitsrc *g, const char *const *paths,
                   size_t n, const char *since_hex, char *err,
                   size_t errcap)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	history h = { .paths = paths, .n = n, .left = n, .times = times };
	int rc = -1;

	for (size_t i = 0; i < n; i++)
		times[i] = 0;
	if (!n)
		return 0;
	if (git_revwalk_new(&walk, g->repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(walk, git_commit_id(g->commit)) < 0) {
		seterr(err, errcap, "cannot walk the history: %s", gitmsg());
		goto done;
	}
	if (since_hex && strlen(since_hex) == GIT_OID_HEXSZ &&
	    git_oid_fromstr(&oid, since_hex) == 0) {
		git_commit *since = NULL;
		/* An unknown commit hides nothing: walk everything. */
		if (git_commit_lookup(&since, g->repo, &oid) == 0 &&
		    git_revwalk_hide(walk, &oid) < 0) {
			git_commit_free(since);
			seterr(err, errcap, "cannot walk the history: %s", gitmsg());
			goto done;
		}
		git_commit_free(since);
	}
	int wr;
	while (h.left && (wr = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *c = NULL, *p = NULL;
		git_tree *tc = NULL, *tp = NULL;
		int bad = 0;

		if (git_commit_lookup(&c, g->repo, &oid) < 0)
			bad = 1;
		else if (git_commit_parentcount(c) <= 1) {   /* merges: skipped */
			/* A parent missing (shallow clone) counts as none. */
			if (git_commit_parentcount(c) == 1 &&
			    git_commit_parent(&p, c, 0) == 0 &&
			    git_commit_tree(&tp, p) < 0)
				bad = 1;
			if (!bad && git_commit_tree(&tc, c) < 0)
				bad = 1;
			for (size_t i = 0; i < NCOLLECTIONS && !bad; i++)
				bad = history_step(&h, g->repo, tp, tc, COLLECTIONS[i],
				                   (int64_t)git_commit_time(c)) < 0;
		}
		git_tree_free(tp);
		git_tree_free(tc);
		git_commit_free(p);
		git_commit_free(c);
		if (bad) {
			seterr(err, errcap, "history at %s: %s", git_oid_tostr_s(&oid),
			       gitmsg());
			goto done;
		}
	}
	rc = 0;
done:
	git_revwalk_free(walk);
	return rc;
}
