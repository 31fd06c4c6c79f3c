/*
 * gitsrc.c — advisory slots of one commit, from git objects (gitsrc.h).
 *
 * Owns: the open repository, the resolved commit and its tree, and the
 * sorted slot list, built on first use. Only tree objects are read to build
 * the list (two levels below crates/ and rust/); blobs are read one at a
 * time by gitsrc_load, after their size is known from the object header,
 * so a hostile repository cannot make us hold a huge file.
 *
 * What changed between commits, and when, is githist.c's; both share
 * gitsrc_int.h.
 *
 * Invariants: entries[] is sorted by strcmp(path); every path fits
 * GITSRC_PATH_MAX; libgit2 objects are freed on every path out.
 */
#include "gitsrc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory.h"           /* ADVISORY_FILE_MAX */

const char *const gitsrc_collections[GITSRC_NCOLL] = { "crates", "rust" };

const char *gitsrc_gitmsg(void)
{
	const git_error *e = git_error_last();
	return (e && e->message) ? e->message : "unknown libgit2 error";
}

int gitsrc_start(void)
{
	if (git_libgit2_init() < 0)
		return -1;
	(void)git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE,
	                       (size_t)1 << 20);
	(void)git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	return 0;
}

int gitsrc_ends_md(const char *name)
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
			return errbuf_set(err, errcap, "bad path"), -1;
		memcpy(path + GITSRC_PATH_MAX - 3, "...", 4);
		bad = "path too long";
	}
	if (g->n >= GITSRC_ENTRIES_MAX) {
		errbuf_set(err, errcap,
		              "more than %d advisory files: refused",
		              GITSRC_ENTRIES_MAX);
		return -1;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 1024;
		gitsrc_entry *v = realloc(g->v, cap * sizeof(*v));
		if (!v)
			return errbuf_set(err, errcap, "out of memory"), -1;
		g->v = v;
		g->cap = cap;
	}
	char *p = strdup(path);
	if (!p)
		return errbuf_set(err, errcap, "out of memory"), -1;
	gitsrc_entry *e = &g->v[g->n++];
	e->path = p;
	memcpy(e->blob, git_tree_entry_id(te)->id, 20);
	e->bad = bad;
	e->stray = 0;
	return 0;
}

/* The slots in one package (or component) folder. */
static int list_package(gitsrc *g, const char *coll,
                        const git_tree_entry *dirent, char *err,
                        size_t errcap)
{
	git_tree *t = NULL;

	if (git_tree_lookup(&t, g->repo, git_tree_entry_id(dirent)) < 0) {
		errbuf_set(err, errcap, "%s/%s: cannot read folder: %s",
		              coll, git_tree_entry_name(dirent),
		              gitsrc_gitmsg());
		return -1;
	}
	int rc = 0;
	size_t n = git_tree_entrycount(t);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(t, i);
		if (!te || !gitsrc_ends_md(git_tree_entry_name(te)))
			continue;
		int hidden = git_tree_entry_name(te)[0] == '.';
		rc = add_entry(g, coll, git_tree_entry_name(dirent), te,
		               hidden ? GITSRC_HIDDEN : mode_problem(te), err,
		               errcap);
		if (rc == 0 && hidden)
			g->v[g->n - 1].stray = 1;
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
		errbuf_set(err, errcap, "%s: cannot read folder: %s", coll,
		              gitsrc_gitmsg());
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
		else if (gitsrc_ends_md(git_tree_entry_name(te)) &&
		         (rc = add_entry(g, coll, NULL, te,
		                         "advisory outside a package folder",
		                         err, errcap)) == 0)
			g->v[g->n - 1].stray = 1;
	}
	git_tree_free(t);
	return rc;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const gitsrc_entry *)a)->path,
	              ((const gitsrc_entry *)b)->path);
}

int gitsrc_subtree(git_tree **out, git_repository *repo, git_tree *root,
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
	for (size_t i = 0; i < GITSRC_NCOLL; i++) {
		git_tree *t = NULL;
		int found = 0;
		const char *coll = gitsrc_collections[i];
		if (gitsrc_subtree(&t, g->repo, g->tree, coll) < 0 || !t)
			continue;
		size_t n = git_tree_entrycount(t);
		for (size_t j = 0; j < n && !found; j++) {
			const git_tree_entry *te = git_tree_entry_byindex(t, j);
			found = te &&
			        git_tree_entry_filemode(te) == GIT_FILEMODE_TREE;
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
		return errbuf_set(err, errcap, "out of memory"), -1;
	if (!ref)
		ref = "HEAD";
	if (git_repository_open_ext(&g->repo, repo_path,
	                            GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		errbuf_set(err, errcap, "%s: not a git repository: %s",
		              repo_path, gitsrc_gitmsg());
		goto done;
	}
	if (git_repository_odb(&g->odb, g->repo) < 0) {
		errbuf_set(err, errcap, "%s: cannot open object store: %s",
		              repo_path, gitsrc_gitmsg());
		goto done;
	}
	if (!strcmp(ref, "HEAD") && git_repository_head_unborn(g->repo) == 1) {
		errbuf_set(err, errcap, "%s: the repository has no commits",
		              repo_path);
		goto done;
	}
	if (git_revparse_single(&obj, g->repo, ref) < 0) {
		errbuf_set(err, errcap, "%s: cannot resolve '%s': %s",
		              repo_path, ref, gitsrc_gitmsg());
		goto done;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		errbuf_set(err, errcap, "%s: '%s' is not a commit: %s",
		              repo_path, ref, gitsrc_gitmsg());
		goto done;
	}
	g->commit = (git_commit *)peeled;
	peeled = NULL;
	if (git_commit_tree(&g->tree, g->commit) < 0) {
		errbuf_set(err, errcap,
		              "%s: cannot read the tree of '%s': %s", repo_path,
		              ref, gitsrc_gitmsg());
		goto done;
	}
	/* crates/ or rust/ as a submodule, symlink or file would otherwise
	 * read as "no such collection": a whole collection lost in silence. */
	for (size_t i = 0; i < GITSRC_NCOLL; i++) {
		const git_tree_entry *ce =
		    git_tree_entry_byname(g->tree, gitsrc_collections[i]);
		git_filemode_t fm = ce ? git_tree_entry_filemode(ce)
		                       : GIT_FILEMODE_TREE;
		if (fm != GIT_FILEMODE_TREE) {
			errbuf_set(err, errcap, "%s: %s: a %s, not a folder",
			              repo_path, gitsrc_collections[i],
			              fm == GIT_FILEMODE_LINK ? "symlink"
			              : fm == GIT_FILEMODE_COMMIT ? "submodule"
			              : "file");
			goto done;
		}
	}
	/* A wrong ref (say, the osv branch, whose crates/ holds JSON files)
	 * must not give an empty index. */
	if (!has_package_folder(g)) {
		errbuf_set(err, errcap,
		              "%s: '%s' has no package folder in crates/ "
		              "or rust/: not an advisory-db commit",
		              repo_path, ref);
		goto done;
	}
	git_oid_tostr(g->commit_hex, sizeof(g->commit_hex),
	              git_commit_id(g->commit));
	g->commit_time = (int64_t)git_commit_time(g->commit);
	g->commit_tz = git_commit_time_offset(g->commit);

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

int gitsrc_commit_tz(const gitsrc *g)
{
	return g->commit_tz;
}

int gitsrc_list(const gitsrc_entry **out, size_t *n, gitsrc *g,
                char *err, size_t errcap)
{
	if (!g->listed) {
		for (size_t i = 0; i < GITSRC_NCOLL; i++) {
			if (list_collection(g, gitsrc_collections[i], err,
			                    errcap) < 0) {
				for (size_t j = 0; j < g->n;
				     j++) /* retry from empty */
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

int gitsrc_lookup(gitsrc_entry *out, gitsrc *g, const char *path,
                  char *err, size_t errcap)
{
	git_tree_entry *te = NULL;
	size_t len = strlen(path), depth = 0;
	int known = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < GITSRC_NCOLL && !known; i++) {
		size_t cl = strlen(gitsrc_collections[i]);
		known = len > cl &&
		        strncmp(path, gitsrc_collections[i], cl) == 0 &&
		        path[cl] == '/';
	}
	for (const char *p = path; *p; p++)
		depth += *p == '/';
	/* Same shapes as list_collection/list_package make; the list marks
	 * over-long paths, which a lookup simply does not find. */
	if (!known || depth < 1 || depth > 2 || len > GITSRC_PATH_MAX ||
	    !gitsrc_ends_md(path) || strstr(path, "//") || path[len - 4] == '/')
		return 0;
	int rc = git_tree_entry_bypath(&te, g->tree, path);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0) {
		errbuf_set(err, errcap, "%s: cannot look up: %s", path,
		              gitsrc_gitmsg());
		return -1;
	}
	int is_tree = git_tree_entry_filemode(te) == GIT_FILEMODE_TREE;
	if (depth == 1 && is_tree) {      /* a package folder named "*.md" */
		git_tree_entry_free(te);
		return 0;
	}
	out->path = path;
	memcpy(out->blob, git_tree_entry_id(te)->id, 20);
	const char *base = strrchr(path, '/') + 1;
	out->bad = depth == 1 ? "advisory outside a package folder"
	           : base[0] == '.' ? GITSRC_HIDDEN : mode_problem(te);
	out->stray = depth == 1 || base[0] == '.';
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
		errbuf_set(err, errcap, "%s: cannot read object: %s",
		              e->path, gitsrc_gitmsg());
		return -1;
	}
	if (type != GIT_OBJECT_BLOB) {
		errbuf_set(err, errcap,
		              "not a regular file (object is a %s)",
		              git_object_type2string(type));
		return 1;
	}
	if (size > ADVISORY_FILE_MAX) {
		errbuf_set(err, errcap,
		              "file too large (%zu bytes, limit %u)", size,
		              (unsigned)ADVISORY_FILE_MAX);
		return 1;
	}
	if (git_odb_read(&o, g->odb, &id) < 0) {
		errbuf_set(err, errcap, "%s: cannot read object: %s",
		              e->path, gitsrc_gitmsg());
		return -1;
	}
	/* The header said one size; trust only what was actually read. */
	size = git_odb_object_size(o);
	if (git_odb_object_type(o) != GIT_OBJECT_BLOB ||
	    size > ADVISORY_FILE_MAX) {
		git_odb_object_free(o);
		errbuf_set(err, errcap,
		              "%s: object changed type or size while read",
		              e->path);
		return -1;
	}
	char *buf = malloc(size + 1);
	if (!buf) {
		git_odb_object_free(o);
		return errbuf_set(err, errcap, "out of memory"), -1;
	}
	memcpy(buf, git_odb_object_data(o), size);
	buf[size] = '\0';
	git_odb_object_free(o);
	*text = buf;
	*len = size;
	return 0;
}

