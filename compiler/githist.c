/*
 * githist.c — what changed between commits of an advisory-db repository,
 * and when each advisory last changed (gitsrc.h: gitsrc_diff,
 * gitsrc_history).
 *
 * Owns no state: both functions read the gitsrc's repository and commit
 * and return fresh arrays. Only tree objects are read, and only those
 * whose ids differ, so an update or a history walk visits little more
 * than what actually changed.
 *
 * Invariants: every path handed out is a slot path of the same shape
 * gitsrc_list gives (crates|rust/<folder>/<name>.md); libgit2 objects are
 * freed on every path out.
 */
#include "gitsrc_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int same_entry(const git_tree_entry *a, const git_tree_entry *b)
{
	return a && b &&
	       git_tree_entry_filemode(a) == git_tree_entry_filemode(b) &&
	       git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b));
}

/*
 * The tree comparison, done here rather than by git's diff machinery:
 * entries of two folders are merged by name, and only a package folder
 * whose id differs is opened (an update reads the two collection trees
 * and the folders of the changed packages, nothing else). Anything
 * changed at depth two or below counts for the slot of its first two
 * components, so deeper folders are never opened: the slots found are
 * those git's diff gives, or (for a folder that changed and yet holds
 * the same files, which git never writes) one more, read again with the
 * same result. Never fewer: an entry without a partner of the same name
 * always counts as changed.
 */
typedef struct dwalk dwalk;
typedef int (*dwalk_fn)(dwalk *w, const git_tree_entry *x,
                        const git_tree_entry *y);

struct dwalk {
	git_repository *repo;
	const char *coll;
	const char *pkg;            /* the folder merged at depth two */
	/* a changed entry in package folder pkg (x old, y new; either may
	 * be NULL), and a changed entry right below the collection that is
	 * not a folder (called once a side): what the caller makes of them */
	dwalk_fn file;
	int (*top_file)(dwalk *w, const git_tree_entry *e);
	void *ctx;
	char *err;
	size_t errcap;
};

static int dwalk_oom(dwalk *w)
{
	errbuf_set(w->err, w->errcap, "out of memory (or too many changes)");
	return -1;
}

/* Calls fn for each name whose entries differ between a and b (either
 * may be NULL: no such folder), with the entry of each side or NULL. */
static int dwalk_merge(dwalk *w, const git_tree *a, const git_tree *b,
                       dwalk_fn fn)
{
	size_t na = a ? git_tree_entrycount(a) : 0;
	size_t nb = b ? git_tree_entrycount(b) : 0, i = 0, j = 0;

	while (i < na || j < nb) {
		const git_tree_entry *x = i < na ? git_tree_entry_byindex(a, i)
		                                 : NULL;
		const git_tree_entry *y = j < nb ? git_tree_entry_byindex(b, j)
		                                 : NULL;
		int c = !x ? 1 : !y ? -1 : git_tree_entry_cmp(x, y);
		int rc = 0;
		if (c < 0)
			rc = fn(w, x, NULL), i++;
		else if (c > 0)
			rc = fn(w, NULL, y), j++;
		else {
			if (!same_entry(x, y))
				rc = fn(w, x, y);
			i++, j++;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* gitsrc_diff's callbacks: a changed entry is a slot of the pathset. */
static int diff_file(dwalk *w, const git_tree_entry *x,
                     const git_tree_entry *y)
{
	char rel[GITSRC_PATH_MAX + 1];
	const char *name = git_tree_entry_name(x ? x : y);
	int n = snprintf(rel, sizeof(rel), "%s/%s", w->pkg, name);

	if (n < 0 || (size_t)n > GITSRC_PATH_MAX)
		return 0;           /* cannot be a slot (see add_entry) */
	return add_changed(w->ctx, w->coll, rel) < 0 ? dwalk_oom(w) : 0;
}

static int diff_top_file(dwalk *w, const git_tree_entry *e)
{
	return add_changed(w->ctx, w->coll, git_tree_entry_name(e)) < 0
	       ? dwalk_oom(w) : 0;
}

static int dwalk_tree(dwalk *w, git_tree **out, const git_tree_entry *e)
{
	*out = NULL;
	if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE)
		return 0;
	if (git_tree_lookup(out, w->repo, git_tree_entry_id(e)) == 0)
		return 0;
	errbuf_set(w->err, w->errcap, "%s: %s", git_tree_entry_name(e),
	           gitsrc_gitmsg());
	return -1;
}

/* A changed entry right below the collection: a file there is its own
 * slot; a package folder's entries are merged with the other side's
 * (NULL, or not a folder: everything in it counts). */
static int dwalk_top(dwalk *w, const git_tree_entry *x,
                     const git_tree_entry *y)
{
	git_tree *ta = NULL, *tb = NULL;
	int rc = -1;

	for (int k = 0; k < 2; k++) {
		const git_tree_entry *e = k ? y : x;
		if (e && git_tree_entry_type(e) != GIT_OBJECT_TREE &&
		    w->top_file(w, e) < 0)
			return -1;
	}
	if (dwalk_tree(w, &ta, x) == 0 && dwalk_tree(w, &tb, y) == 0) {
		w->pkg = git_tree_entry_name(tb ? y : x);
		rc = ta || tb ? dwalk_merge(w, ta, tb, w->file) : 0;
	}
	git_tree_free(ta);
	git_tree_free(tb);
	return rc;
}

/* Compare collection w->coll of roots a and b (either may be NULL: no
 * such commit): 0, or -1 with w->err set. An unchanged collection costs
 * one id comparison. */
static int dwalk_collection(dwalk *w, git_tree *a, git_tree *b)
{
	git_tree *ta = NULL, *tb = NULL;
	int rc = -1;

	if (same_entry(a ? git_tree_entry_byname(a, w->coll) : NULL,
	               b ? git_tree_entry_byname(b, w->coll) : NULL))
		return 0;
	if ((a && gitsrc_subtree(&ta, w->repo, a, w->coll) < 0) ||
	    (b && gitsrc_subtree(&tb, w->repo, b, w->coll) < 0))
		errbuf_set(w->err, w->errcap, "%s", gitsrc_gitmsg());
	else
		rc = dwalk_merge(w, ta, tb, dwalk_top);
	git_tree_free(ta);
	git_tree_free(tb);
	return rc;
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
		errbuf_set(err, errcap,
		              "previous commit id '%s' is not 40 hex digits",
		              old_hex ? old_hex : "");
		return -1;
	}
	int lr = git_commit_lookup(&old, g->repo, &oid);
	if (lr == GIT_ENOTFOUND)
		return GITSRC_ENOTFOUND;
	if (lr < 0) {
		errbuf_set(err, errcap, "previous commit %s: %s", old_hex,
		              gitsrc_gitmsg());
		return -1;
	}
	if (git_commit_tree(&old_root, old) < 0) {
		errbuf_set(err, errcap,
		              "previous commit %s: cannot read its tree: %s",
		              old_hex, gitsrc_gitmsg());
		goto done;
	}
	for (size_t c = 0; c < GITSRC_NCOLL; c++) {
		char werr[512] = "";
		dwalk w = { .repo = g->repo, .coll = gitsrc_collections[c],
		            .file = diff_file, .top_file = diff_top_file,
		            .ctx = &s, .err = werr, .errcap = sizeof(werr) };

		if (dwalk_collection(&w, old_root, g->tree) < 0) {
			errbuf_set(err, errcap, "%s: cannot compare with %s: %s",
			              w.coll, old_hex, werr);
			goto done;
		}
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

/* history_step's callbacks: an advisory file that the newer side has
 * (added or changed) is marked; files right below the collection and
 * what the newer side lacks are not advisories of its. */
typedef struct history_at {
	history *h;
	int64_t when;
} history_at;

static int history_file(dwalk *w, const git_tree_entry *x,
                        const git_tree_entry *y)
{
	const history_at *at = w->ctx;

	(void)x;
	if (y && gitsrc_ends_md(git_tree_entry_name(y)))
		history_mark(at->h, w->coll, w->pkg, git_tree_entry_name(y),
		             at->when);
	return 0;
}

static int history_top_file(dwalk *w, const git_tree_entry *e)
{
	(void)w;
	(void)e;
	return 0;
}

/*
 * Mark the advisory files of collection coll that root b has and root a
 * (NULL: none, a root commit) lacks or holds with other content: the
 * update's tree comparison (dwalk), which opens only folders whose ids
 * differ, so an unchanged collection costs one comparison.
 */
static int history_step(history *h, git_repository *repo, git_tree *a,
                        git_tree *b, const char *coll, int64_t when)
{
	char werr[512];
	history_at at = { h, when };
	dwalk w = { .repo = repo, .coll = coll, .file = history_file,
	            .top_file = history_top_file, .ctx = &at, .err = werr,
	            .errcap = sizeof(werr) };

	return dwalk_collection(&w, a, b);
}

int gitsrc_history(int64_t *times, gitsrc *g, const char *const *paths,
                   size_t n, const char *since_hex, char *err,
                   size_t errcap)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	history h = { .paths = paths, .n = n, .left = n, .times = times };
	int rc = -1;

	for (size_t i = 0; i < n; i++) {
		times[i] = 0;
		/* gitsrc.h: sorted bytewise (the walk's lookups need it) */
		assert(i == 0 || strcmp(paths[i - 1], paths[i]) < 0);
	}
	if (!n)
		return 0;
	/* libgit2 1.5 cannot walk past a shallow clone's cut (it stops at
	 * once, and leaks): say so rather than date nothing. */
	if (git_repository_is_shallow(g->repo) == 1) {
		errbuf_set(err, errcap, "a shallow clone has no history to "
		              "date advisories from (git fetch --unshallow)");
		return -1;
	}
	if (git_revwalk_new(&walk, g->repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(walk, git_commit_id(g->commit)) < 0) {
		errbuf_set(err, errcap, "cannot walk the history: %s",
		              gitsrc_gitmsg());
		goto done;
	}
	/*
	 * Hide what since_hex reaches only when it is an ancestor: then every
	 * change since is in the walk. Going back to an older commit, or
	 * across branches, a path may differ because of the other side's
	 * commits, and its date lies in the shared history: walk it all. An
	 * unknown commit hides nothing either.
	 */
	if (since_hex && strlen(since_hex) == GIT_OID_HEXSZ &&
	    git_oid_fromstr(&oid, since_hex) == 0 &&
	    git_graph_descendant_of(g->repo, git_commit_id(g->commit), &oid) == 1 &&
	    git_revwalk_hide(walk, &oid) < 0) {
		errbuf_set(err, errcap, "cannot walk the history: %s",
		              gitsrc_gitmsg());
		goto done;
	}
	int wr = 0;
	while (h.left && (wr = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *c = NULL, *p = NULL;
		git_tree *tc = NULL, *tp = NULL;
		int bad = 0;

		if (git_commit_lookup(&c, g->repo, &oid) < 0)
			bad = 1;
		else if (git_commit_parentcount(c) <= 1) { /* merges: skipped */
			/* A parent missing (shallow clone) counts as none. */
			if (git_commit_parentcount(c) == 1 &&
			    git_commit_parent(&p, c, 0) == 0 &&
			    git_commit_tree(&tp, p) < 0)
				bad = 1;
			if (!bad && git_commit_tree(&tc, c) < 0)
				bad = 1;
			for (size_t i = 0; i < GITSRC_NCOLL && !bad; i++)
				bad = history_step(
				          &h, g->repo, tp, tc,
				          gitsrc_collections[i],
				          (int64_t)git_commit_time(c)) < 0;
		}
		git_tree_free(tp);
		git_tree_free(tc);
		git_commit_free(p);
		git_commit_free(c);
		if (bad) {
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof(hex), &oid);
			errbuf_set(err, errcap, "history at %s: %s", hex,
			              gitsrc_gitmsg());
			goto done;
		}
	}
	if (h.left && wr != GIT_ITEROVER) {
		errbuf_set(err, errcap, "cannot walk the history: %s",
		              gitsrc_gitmsg());
		goto done;
	}
	rc = 0;
done:
	git_revwalk_free(walk);
	return rc;
}
