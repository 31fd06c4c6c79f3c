/*
 * lmdbcheck.c — proves, at open, that every LMDB page a reader of an advdb
 * index can reach is well-formed, so that damage inside the file is
 * ADVDB_ECORRUPT and never a crash inside liblmdb.
 *
 * Why: LMDB trusts its file. A flipped byte in a node offset, a key size
 * or a child page number makes mdb_get / mdb_cursor_get read outside the
 * page or the map (SIGSEGV, SIGBUS) or trip an internal assert (abort).
 * An index is small (a few hundred pages) and never changes in place, so
 * walking every reachable page once at open costs a few tens of
 * microseconds and removes that whole class of failure.
 *
 * What is walked: the newest meta page (the one LMDB's readers use), the
 * main tree — which in an advdb index is a single leaf of at most
 * DB_MAXDBS sub-database records — and the tree of each sub-database that
 * libadvdb opens (every row of layout.h's table; one it does not know is
 * never opened, so never walked). The rows of DB_WALK_ON_USE
 * (db_internal.h: the advisory and alias blocks, which a lookup never
 * reads, and `crates`, a crates.io index of thousands of pages) are
 * walked on their first use instead (db_row_checked, db.c), before any of
 * their pages is read, each walk on its own (a page two trees share is
 * then not seen twice, but each tree's walk proves it sound as that tree
 * reads it); the other trees at open. Checked on every page: its number is
 * in [2, last_pgno], no page is reached twice, its header names it, it is
 * a branch or leaf page as its depth requires (all leaves at the tree's
 * depth, at most 32 levels: LMDB's cursor stack), its free-space bounds
 * are sane, every node lies wholly inside the page, every leaf key is 1
 * to the row's key_max bytes, and big values' overflow runs lie inside
 * the file and hold the value.
 *
 * The page, node and meta layouts below are LMDB 0.9's on-disk format
 * (MDB_DATA_VERSION 1, the only one liblmdb 0.9 reads) for hosts where
 * pgno_t and size_t are 64 bits; elsewhere the walk is skipped (the open
 * still checks the length). The meta page LMDB chose is cross-checked
 * against mdb_env_info(), so a misreading of the layout fails closed.
 *
 * Invariant: the walk reads only through its own read-only mapping of
 * [0, (last_pgno+1) * psize), which check_pages() in db.c has proved to
 * lie inside the file; every offset is checked before it is read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "db_internal.h"
#include "layout.h"

#if SIZE_MAX == UINT64_MAX

#define PAGEHDRSZ   16u                 /* pgno 8, pad 2, flags 2, lower 2,
                                           upper 2 (or pages 4) */
#define NODESIZE    8u                  /* lo 2, hi 2, flags 2, ksize 2 */
#define DBSIZE      48u                 /* MDB_db */
#define P_BRANCH    0x01
#define P_LEAF      0x02
#define P_OVERFLOW  0x04
#define F_BIGDATA   0x01
#define F_SUBDATA   0x02
#define F_DUPDATA   0x04
#define MDB_MAGIC_  0xBEEFC0DEu
#define MAX_DEPTH   32                  /* LMDB's CURSOR_STACK */
#define P_INVALID   UINT64_MAX

typedef struct walk {
	const uint8_t *map;
	uint64_t psize, last;               /* page size, last page in use */
	uint8_t *seen;                      /* one bit per page */
	const char *db;                     /* sub-database name, messages */
	size_t key_max;                     /* its row's key_max (layout.h) */
	const char *path;                   /* the file, messages */
	char *msg;                          /* ADVDB_MSG_MAX bytes */
} walk;

typedef struct tree {                   /* the MDB_db fields we use */
	uint16_t flags, depth;
	uint64_t entries, root;
	int found;
} tree;

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void rd_tree(tree *t, const uint8_t *p)
{
	t->found = 1;
	t->flags = rd16(p + 4);
	t->depth = rd16(p + 6);
	t->entries = rd64(p + 32);
	t->root = rd64(p + 40);
}

static int bad(walk *w, uint64_t pgno, const char *what)
{
	snprintf(w->msg, ADVDB_MSG_MAX, "%s: damaged index: page %llu of "
	         "`%s`: %s", w->path, (unsigned long long)pgno, w->db, what);
	return ADVDB_ECORRUPT;
}

/* Claim page pgno for one use; the page's header must name it. */
static int claim(walk *w, uint64_t pgno, const uint8_t **page)
{
	if (pgno < 2 || pgno > w->last)
		return bad(w, pgno, "page number out of the file");
	if (w->seen[pgno / 8] & (1u << (pgno % 8)))
		return bad(w, pgno, "page reached twice");
	w->seen[pgno / 8] |= (uint8_t)(1u << (pgno % 8));
	*page = w->map + pgno * w->psize;
	if (rd64(*page) != pgno)
		return bad(w, pgno, "page header names another page");
	return 0;
}

static int overflow(walk *w, uint64_t pgno, uint64_t dsz)
{
	const uint8_t *p;
	uint64_t pages, i;
	int rc;

	if ((rc = claim(w, pgno, &p)) != 0)
		return rc;
	if (rd16(p + 10) != P_OVERFLOW)
		return bad(w, pgno, "not an overflow page");
	pages = rd32(p + 12);
	if (pages == 0 || pages > w->last - pgno + 1)
		return bad(w, pgno, "overflow run past the file");
	if (dsz > pages * w->psize - PAGEHDRSZ)
		return bad(w, pgno, "value longer than its overflow run");
	for (i = 1; i < pages; i++) {
		uint64_t q = pgno + i;

		if (w->seen[q / 8] & (1u << (q % 8)))
			return bad(w, q, "page reached twice");
		w->seen[q / 8] |= (uint8_t)(1u << (q % 8));
	}
	return 0;
}

/* The node at index i of page p, checked to fit: offset and sizes. */
static int node_at(walk *w, uint64_t pgno, const uint8_t *p, unsigned i,
                   unsigned upper, const uint8_t **node)
{
	unsigned off = rd16(p + PAGEHDRSZ + 2 * i);

	if (off < upper || off % 2 != 0 || off + NODESIZE > w->psize)
		return bad(w, pgno, "node outside the page");
	*node = p + off;
	if (off + NODESIZE + rd16(*node + 6) > w->psize)
		return bad(w, pgno, "key outside the page");
	return 0;
}

static int page_walk(walk *w, uint64_t pgno, unsigned level, unsigned depth,
                     int is_main, tree *subs, const char *const *names,
                     size_t nnames);

/* One leaf node: its value inside the page or its overflow run. */
static int leaf_node(walk *w, uint64_t pgno, const uint8_t *node,
                     const uint8_t *page, int is_main, tree *subs,
                     const char *const *names, size_t nnames)
{
	unsigned flags = rd16(node + 4), ksize = rd16(node + 6);
	uint64_t dsz = (uint64_t)rd16(node) | (uint64_t)rd16(node + 2) << 16;
	uint64_t off = (uint64_t)(node - page) + NODESIZE + ksize;
	size_t i;

	if (ksize == 0 || ksize > w->key_max)
		return bad(w, pgno, "key length out of range");
	if (flags & F_BIGDATA) {
		if (flags != F_BIGDATA || off + 8 > w->psize)
			return bad(w, pgno, "damaged big value");
		return overflow(w, rd64(node + NODESIZE + ksize), dsz);
	}
	if (off + dsz > w->psize)
		return bad(w, pgno, "value outside the page");
	if (!is_main) {
		if (flags != 0)
			return bad(w, pgno, "unexpected node flags");
		return 0;
	}
	/* Main tree: remember the sub-databases we will open. The main
	 * tree is not dup-sorted: a node flagged F_DUPDATA would send
	 * mdb_dbi_open into a sub-cursor LMDB never made (a NULL deref). */
	if (flags & ~(unsigned)F_SUBDATA)
		return bad(w, pgno, "unexpected node flags in the main tree");
	if (flags != F_SUBDATA)
		return 0;
	if (dsz != DBSIZE)
		return bad(w, pgno, "damaged sub-database record");
	for (i = 0; i < nnames; i++) {
		if (strlen(names[i]) != ksize ||
		    memcmp(names[i], node + NODESIZE, ksize) != 0)
			continue;
		if (subs[i].found)
			return bad(w, pgno, "a sub-database named twice");
		rd_tree(&subs[i], node + NODESIZE + ksize);
	}
	return 0;
}

static int page_walk(walk *w, uint64_t pgno, unsigned level, unsigned depth,
                     int is_main, tree *subs, const char *const *names,
                     size_t nnames)
{
	const uint8_t *p, *node;
	unsigned flags, lower, upper, n, i;
	int leaf = level + 1 == depth, rc;

	if ((rc = claim(w, pgno, &p)) != 0)
		return rc;
	flags = rd16(p + 10);
	lower = rd16(p + 12);
	upper = rd16(p + 14);
	if (flags != (leaf ? P_LEAF : P_BRANCH))
		return bad(w, pgno, leaf ? "not a leaf page at leaf depth"
		                         : "not a branch page above the leaves");
	if (lower < PAGEHDRSZ || lower > upper || upper > w->psize ||
	    (lower - PAGEHDRSZ) % 2 != 0)
		return bad(w, pgno, "bad free-space bounds");
	n = (lower - PAGEHDRSZ) / 2;
	if (n == 0)
		return bad(w, pgno, "empty page in a tree");
	for (i = 0; i < n; i++) {
		if ((rc = node_at(w, pgno, p, i, upper, &node)) != 0)
			return rc;
		if (leaf) {
			rc = leaf_node(w, pgno, node, p, is_main, subs, names,
			               nnames);
		} else {
			uint64_t child = (uint64_t)rd16(node) |
			                 (uint64_t)rd16(node + 2) << 16 |
			                 (uint64_t)rd16(node + 4) << 32;

			rc = page_walk(w, child, level + 1, depth, is_main, subs,
			               names, nnames);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int tree_walk(walk *w, const tree *t, int is_main, tree *subs,
                     const char *const *names, size_t nnames)
{
	if (t->root == P_INVALID)
		return t->depth == 0 ? 0 : bad(w, 0, "empty tree with a depth");
	if (t->depth == 0 || t->depth > MAX_DEPTH)
		return bad(w, t->root, "tree depth out of range");
	return page_walk(w, t->root, 0, t->depth, is_main, subs, names, nnames);
}

/*
 * Before mdb_env_open: liblmdb takes the page size from the meta pages
 * and divides by it, so a meta page that is LMDB's (magic, version, meta
 * flag) but names a page size of 0 or a stray value kills the process
 * with SIGFPE inside mdb_env_open. Check both meta pages as liblmdb will
 * read them; anything that is not LMDB's at all is left to liblmdb, which
 * reports it as MDB_INVALID.
 */
#define P_META 0x08
#define METAHDR (PAGEHDRSZ + 152u)      /* page header + MDB_meta */

int lmdb_check_header(int fd, const char *path, char *msg)
{
	uint8_t buf[METAHDR];
	uint64_t off = 0;

	msg[0] = '\0';
	for (int i = 0; i < 2; i++) {
		ssize_t n = pread(fd, buf, sizeof buf, (off_t)off);
		if (n != (ssize_t)sizeof buf)
			return 0;           /* short: liblmdb says MDB_INVALID */
		if (!(rd16(buf + 10) & P_META) ||
		    rd32(buf + PAGEHDRSZ) != MDB_MAGIC_ ||
		    rd32(buf + PAGEHDRSZ + 4) != 1)
			return 0;
		uint32_t ps = rd32(buf + PAGEHDRSZ + 24);
		if (ps < 512 || ps > 65536 || (ps & (ps - 1)) != 0) {
			snprintf(msg, ADVDB_MSG_MAX, "%s: damaged index: meta page "
			         "%d names page size %u", path, i, ps);
			return ADVDB_ECORRUPT;
		}
		off = ps;
	}
	return 0;
}

int lmdb_check(struct advdb *db, uint64_t last_pgno, unsigned psize,
               unsigned which, char *msg)
{
	const char *names[DBI_COUNT];
	tree subs[DBI_COUNT], main_tree;
	walk w;
	mdb_filehandle_t fd;
	const uint8_t *m0, *m1, *meta;
	size_t len, i;
	void *map;
	int rc = 0;

	msg[0] = '\0';
	if (psize < 512 || psize > 65536 || (psize & (psize - 1)) != 0 ||
	    last_pgno < 1) {
		snprintf(msg, ADVDB_MSG_MAX, "%s: damaged index: page size %u",
		         db->path, psize);
		return ADVDB_ECORRUPT;
	}
	if (mdb_env_get_fd(db->env, &fd) != 0) {
		snprintf(msg, ADVDB_MSG_MAX, "%s: no file descriptor", db->path);
		return ADVDB_ERROR;
	}
	len = (size_t)(last_pgno + 1) * psize;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		snprintf(msg, ADVDB_MSG_MAX, "%s: cannot map the file", db->path);
		return ADVDB_ERROR;
	}
	memset(&w, 0, sizeof w);
	w.map = map;
	w.psize = psize;
	w.last = last_pgno;
	w.path = db->path;
	w.msg = msg;
	w.db = "(main)";
	w.key_max = DB_KEY_MAX;             /* the main tree: names */
	w.seen = calloc((size_t)(last_pgno / 8 + 1), 1);
	if (!w.seen) {
		munmap(map, len);
		snprintf(msg, ADVDB_MSG_MAX, "%s: out of memory", db->path);
		return ADVDB_ENOMEM;
	}

	/* The meta LMDB's readers use: the one with the larger txnid. */
	m0 = w.map + PAGEHDRSZ;
	m1 = w.map + psize + PAGEHDRSZ;
	meta = rd64(m0 + 128) < rd64(m1 + 128) ? m1 : m0;
	if (rd32(meta) != MDB_MAGIC_ || rd32(meta + 4) != 1 ||
	    rd64(meta + 120) != last_pgno) {
		rc = bad(&w, meta == m0 ? 0 : 1, "meta page disagrees with LMDB");
		goto done;
	}
	rd_tree(&main_tree, meta + 24 + DBSIZE);
	/* An advdb index's main tree is one leaf of sub-database records. */
	if (main_tree.flags != 0 || main_tree.depth > 1 ||
	    main_tree.entries > DB_MAXDBS) {
		snprintf(msg, ADVDB_MSG_MAX, "%s: an LMDB file, but not an advdb "
		         "index (its main database is not a list of "
		         "sub-databases)", db->path);
		rc = ADVDB_ENOTDB;
		goto done;
	}
	for (i = 0; i < DBI_COUNT; i++) {
		names[i] = db_name((db_id)i);
		memset(&subs[i], 0, sizeof subs[i]);
		subs[i].root = P_INVALID;
	}
	if ((rc = tree_walk(&w, &main_tree, 1, subs, names, DBI_COUNT)) != 0)
		goto done;
	for (i = 0; i < DBI_COUNT && rc == 0; i++) {
		if (!(which & (1u << i)))
			continue;
		w.db = names[i];
		w.key_max = db_specs[i].key_max;
		if (subs[i].flags != 0) {
			snprintf(msg, ADVDB_MSG_MAX, "%s: not an advdb index "
			         "(sub-database `%s` has LMDB flags 0x%x)", db->path,
			         names[i], subs[i].flags);
			rc = ADVDB_ENOTDB;
			break;
		}
		rc = tree_walk(&w, &subs[i], 0, NULL, NULL, 0);
	}
done:
	free(w.seen);
	munmap(map, len);
	return rc;
}

#else /* not a 64-bit host: the length check in db.c is all we do */

int lmdb_check_header(int fd, const char *path, char *msg)
{
	(void)fd; (void)path;
	msg[0] = '\0';
	return 0;
}

int lmdb_check(struct advdb *db, uint64_t last_pgno, unsigned psize,
               unsigned which, char *msg)
{
	(void)db; (void)last_pgno; (void)psize; (void)which;
	msg[0] = '\0';
	return 0;
}

#endif
