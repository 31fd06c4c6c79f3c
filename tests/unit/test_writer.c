/*
 * test_writer.c — the index writer (compiler/writer.c), read back with raw
 * LMDB and zstd calls that follow schema/SCHEMA.md, not with libadvdb:
 * counts, aliases, meta, digest stability, updates, atomic replacement.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <git2.h>
#include <lmdb.h>
#include <zstd.h>

#include "advdb.h"
#include "block.h"
#include "layout.h"
#include "limit.h"
#include "record.h"
#include "testlib.h"
#include "version.h"
#include "writer.h"
#include "advdb_check.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define CUR_SCHEMA STR(ADVDB_SCHEMA_VERSION)

/* ---- hand-made advisories ---- */

typedef struct adv {
	adv_record r;
	char id[32], pkg[32], path[96], title[64], desc[256], alias[2][32];
	const char *aliases[2];
	range rg[2];
} adv;

/* Advisory number i of package pkg (collection from the prefix). */
static void mk(adv *a, int i, const char *pkg, int rust)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "RUSTSEC-2020-%04d", i);
	snprintf(a->pkg, sizeof(a->pkg), "%s", pkg);
	snprintf(a->path, sizeof(a->path), "%s/%s/%s.md",
	         rust ? "rust" : "crates", pkg, a->id);
	snprintf(a->title, sizeof(a->title), "Problem %d in %s", i, pkg);
	snprintf(a->desc, sizeof(a->desc),
	         "The function `%s::f%d` may read out of bounds when given a "
	         "crafted input of length %d.\n", pkg, i, i * 7);
	snprintf(a->alias[0], sizeof(a->alias[0]), "CVE-2020-%d", 1000 + i);
	snprintf(a->alias[1], sizeof(a->alias[1]), "GHSA-shared-%d", i % 3);
	a->aliases[0] = a->alias[0];
	a->aliases[1] = a->alias[1];
	a->r.id = a->id;
	a->r.package = a->pkg;
	a->r.date = "2020-01-01";
	a->r.title = a->title;
	a->r.description = a->desc;
	a->r.collection = rust ? ADV_RUST : ADV_CRATES;
	a->r.aliases = (strlist){ a->aliases, 2 };
	a->rg[0].has_fixed = 1;
	a->rg[0].fixed = tl_version("1.0.0");
	a->rg[1].has_introduced = 1;
	a->rg[1].introduced = tl_version("2.0.0");
	a->rg[1].has_fixed = 1;
	a->rg[1].fixed = tl_version("2.1.3");
	a->r.ranges = a->rg;
	a->r.nranges = 2;
}

static const char *COMMIT = "0123456789abcdef0123456789abcdef01234567";

typedef struct fx {
	char dir[64];
	char db[128];
	char err[512];
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/advdb-test-writer.XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/index.lmdb", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	tl_rm_rf(f->dir);
	free(f);
	return 0;
}

/* Write advisories ids[0..n) (all in package pkg<id % 3>; id 99 goes to
 * the toolchain) into path; returns the stats. */
static writer_stats build(fx *f, const char *path, const int *ids, size_t n)
{
	writer *w;
	writer_stats st;
	adv a;

	assert_int_equal(writer_open(&w, path, f->err, sizeof(f->err)), 0);
	for (size_t i = 0; i < n; i++) {
		char pkg[16];
		snprintf(pkg, sizeof(pkg), "pkg%d", ids[i] % 3);
		mk(&a, ids[i], ids[i] == 99 ? "std" : pkg, ids[i] == 99);
		assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
		                            sizeof(f->err)), 0);
	}
	assert_int_equal(writer_set_source(w, "rustsec", COMMIT, 1600000000), 0);
	assert_int_equal(writer_commit(w, &st, f->err, sizeof(f->err)), 0);
	writer_close(w);
	return st;
}

/* ---- raw reading, per SCHEMA.md ---- */

typedef struct rd {
	MDB_env *env;
	MDB_txn *txn;
} rd;

static void rd_open(rd *r, const char *path)
{
	assert_int_equal(mdb_env_create(&r->env), 0);
	assert_int_equal(mdb_env_set_maxdbs(r->env, DB_MAXDBS), 0);
	assert_int_equal(mdb_env_open(r->env, path, MDB_NOSUBDIR | MDB_RDONLY |
	                              MDB_NOLOCK, 0644), 0);
	assert_int_equal(mdb_txn_begin(r->env, NULL, MDB_RDONLY, &r->txn), 0);
}

static void rd_close(rd *r)
{
	mdb_txn_abort(r->txn);
	mdb_env_close(r->env);
}

/* value of key in sub-database db; 0 or MDB_NOTFOUND */
static int rd_get(rd *r, const char *db, const char *key, MDB_val *v)
{
	MDB_dbi dbi;
	assert_int_equal(mdb_dbi_open(r->txn, db, 0, &dbi), 0);
	MDB_val k = { strlen(key), (void *)key };
	return mdb_get(r->txn, dbi, &k, v);
}

static void rd_meta(rd *r, const char *key, char *buf, size_t cap)
{
	MDB_val v;
	assert_int_equal(rd_get(r, db_name(DBI_META), key, &v), 0);
	assert_true(v.mv_size < cap);
	memcpy(buf, v.mv_data, v.mv_size);
	buf[v.mv_size] = 0;
}

static size_t rd_count(rd *r, const char *db)
{
	MDB_dbi dbi;
	MDB_stat s;
	assert_int_equal(mdb_dbi_open(r->txn, db, 0, &dbi), 0);
	assert_int_equal(mdb_stat(r->txn, dbi, &s), 0);
	return s.ms_entries;
}

/* The block of sub-database db holding key (the last key <= key),
 * decompressed (with the meta dictionary for advisories); NULL when
 * every key is after it. */
static uint8_t *rd_block(rd *r, const char *db, const char *key,
                         size_t *len)
{
	MDB_dbi dbi;
	MDB_cursor *cur;
	MDB_val k = { strlen(key), (void *)key }, v, d;
	char buf[32];

	assert_int_equal(mdb_dbi_open(r->txn, db, 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(r->txn, dbi, &cur), 0);
	int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && (k.mv_size != strlen(key) ||
	                memcmp(k.mv_data, key, k.mv_size) != 0))
		rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	mdb_cursor_close(cur);
	if (rc == MDB_NOTFOUND)
		return NULL;
	assert_int_equal(rc, 0);
	int dict = strcmp(db, db_name(DBI_ADVISORIES)) == 0;
	rd_meta(r, META_DICT_ID, buf, sizeof(buf));
	unsigned long long n = ZSTD_getFrameContentSize(v.mv_data, v.mv_size);
	assert_true(n > 0 && n < (1u << 24));
	uint8_t *out = malloc(n);
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	size_t got;
	if (strcmp(buf, "0") != 0 && dict) {
		assert_int_equal(rd_get(r, db_name(DBI_META), META_DICT, &d), 0);
		assert_int_equal(ZSTD_getDictID_fromDict(d.mv_data, d.mv_size),
		                 strtoul(buf, NULL, 10));
		assert_int_equal(ZSTD_getDictID_fromFrame(v.mv_data, v.mv_size),
		                 strtoul(buf, NULL, 10));
		got = ZSTD_decompress_usingDict(dc, out, n, v.mv_data, v.mv_size,
		                                d.mv_data, d.mv_size);
	} else {
		if (strcmp(buf, "0") == 0)
			assert_int_equal(rd_get(r, db_name(DBI_META), META_DICT, &d),
			                 MDB_NOTFOUND);
		assert_int_equal(ZSTD_getDictID_fromFrame(v.mv_data, v.mv_size), 0);
		got = ZSTD_decompressDCtx(dc, out, n, v.mv_data, v.mv_size);
	}
	assert_int_equal(got, n);
	ZSTD_freeDCtx(dc);
	*len = n;
	return out;
}

/* The block item of advisory id: 1 and *it (pointing into *blk, which
 * the caller frees) when present, else 0. */
static int rd_item(rd *r, const char *id, blk_item *it, uint8_t **blk)
{
	size_t len, off = 0;
	*blk = rd_block(r, db_name(DBI_ADVISORIES), id, &len);
	if (!*blk)
		return 0;
	int rc;
	while ((rc = blk_item_next(it, *blk, len, &off)) == 0)
		if (it->id_len == strlen(id) && memcmp(it->id, id, it->id_len) == 0)
			return 1;
	assert_int_equal(rc, 1);
	return 0;
}

/* Records in every block, checking that ids increase and each block's
 * key is its first id. */
static size_t rd_records(rd *r)
{
	MDB_dbi dbi;
	MDB_cursor *cur;
	MDB_val k, v;
	size_t n = 0;
	char last[64] = "";

	assert_int_equal(mdb_dbi_open(r->txn, db_name(DBI_ADVISORIES), 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(r->txn, dbi, &cur), 0);
	for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		char key[64];
		assert_true(k.mv_size < sizeof(key));
		memcpy(key, k.mv_data, k.mv_size);
		key[k.mv_size] = 0;
		size_t len, off = 0;
		uint8_t *blk = rd_block(r, db_name(DBI_ADVISORIES), key, &len);
		blk_item it;
		int first = 1, brc;
		while ((brc = blk_item_next(&it, blk, len, &off)) == 0) {
			char id[64];
			assert_true(it.id_len < sizeof(id));
			memcpy(id, it.id, it.id_len);
			id[it.id_len] = 0;
			if (first)
				assert_string_equal(id, key);
			first = 0;
			assert_true(strcmp(last, id) < 0);
			strcpy(last, id);
			n++;
		}
		assert_int_equal(brc, 1);
		assert_false(first);
		free(blk);
	}
	mdb_cursor_close(cur);
	return n;
}

/* The ids listed under alias, as "id\0id\0..." in buf: its length, or
 * 0 when the alias is absent. */
static size_t rd_alias(rd *r, const char *alias, char *buf, size_t cap)
{
	size_t len, off = 0, out = 0;
	uint8_t *blk = rd_block(r, db_name(DBI_ALIASES), alias, &len);
	alias_item it;
	int rc;
	if (!blk)
		return 0;
	while ((rc = alias_item_next(&it, blk, len, &off)) == 0) {
		if (it.alias_len != strlen(alias) ||
		    memcmp(it.alias, alias, it.alias_len) != 0)
			continue;
		for (size_t i = 0; i < it.nids; i++) {
			const char *id;
			size_t il;
			assert_int_equal(alias_item_id(&id, &il, &it, i), 0);
			assert_true(out + il + 1 <= cap);
			memcpy(buf + out, id, il);
			buf[out + il] = 0;
			out += il + 1;
		}
		break;
	}
	assert_true(rc >= 0);
	free(blk);
	return out;
}

/* Every alias in every alias block, in increasing order. */
static size_t rd_alias_count(rd *r)
{
	MDB_dbi dbi;
	MDB_cursor *cur;
	MDB_val k, v;
	size_t n = 0;
	char last[256] = "";

	assert_int_equal(mdb_dbi_open(r->txn, db_name(DBI_ALIASES), 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(r->txn, dbi, &cur), 0);
	for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		char key[256];
		assert_true(k.mv_size < sizeof(key));
		memcpy(key, k.mv_data, k.mv_size);
		key[k.mv_size] = 0;
		size_t len, off = 0;
		uint8_t *blk = rd_block(r, db_name(DBI_ALIASES), key, &len);
		alias_item it;
		int first = 1, arc;
		while ((arc = alias_item_next(&it, blk, len, &off)) == 0) {
			char a[256];
			memcpy(a, it.alias, it.alias_len);
			a[it.alias_len] = 0;
			if (first)
				assert_string_equal(a, key);
			first = 0;
			assert_true(strcmp(last, a) < 0);
			strcpy(last, a);
			n++;
		}
		assert_int_equal(arc, 1);
		free(blk);
	}
	mdb_cursor_close(cur);
	return n;
}

/* The full record of id, out of its block. */
static adv_record *rd_record(rd *r, const char *id)
{
	adv_record *rec = NULL;
	blk_item it;
	uint8_t *blk;

	assert_int_equal(rd_item(r, id, &it, &blk), 1);
	assert_int_equal(record_decode(&rec, it.rec, it.rec_len), 0);
	free(blk);
	return rec;
}

static void file_bytes(const char *path, uint8_t **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	*len = (size_t)ftell(fp);
	rewind(fp);
	*out = malloc(*len ? *len : 1);
	assert_int_equal(fread(*out, 1, *len, fp), *len);
	fclose(fp);
}

/* The file at path holds exactly the n bytes at want. */
static void assert_file_is(const char *path, const uint8_t *want, size_t n)
{
	uint8_t *got;
	size_t len;

	file_bytes(path, &got, &len);
	assert_int_equal(len, n);
	assert_memory_equal(got, want, n);
	free(got);
}

/* Names in dir other than the index itself. */
static int stray_files(const fx *f, char *first, size_t cap)
{
	DIR *d = opendir(f->dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, "index.lmdb") == 0)
			continue;
		if (!n++)
			snprintf(first, cap, "%s", e->d_name);
	}
	closedir(d);
	return n;
}

/* ---- tests ---- */

static void test_writer_build__read_back_raw(void **state)
{
	fx *f = *state;
	const int ids[] = { 4, 1, 2, 5, 3, 99 };
	writer_stats st = build(f, f->db, ids, 6);
	rd r;
	char buf[128];
	MDB_val v;

	assert_int_equal(st.advisories, 6);
	assert_int_equal(st.packages, 3);   /* pkg0 pkg1 pkg2; std apart */
	assert_true(st.db_bytes > 0);
	assert_int_equal(strlen(st.digest), 40);

	rd_open(&r, f->db);
	rd_meta(&r, META_MAGIC, buf, sizeof(buf));
	assert_string_equal(buf, ADVDB_MAGIC);
	rd_meta(&r, META_SCHEMA, buf, sizeof(buf));
	assert_int_equal(atoi(buf), ADVDB_SCHEMA_VERSION);
	rd_meta(&r, META_N_ADVISORIES, buf, sizeof(buf));
	assert_string_equal(buf, "6");
	rd_meta(&r, META_N_PACKAGES, buf, sizeof(buf));
	assert_string_equal(buf, "3");
	rd_meta(&r, META_DIGEST, buf, sizeof(buf));
	assert_string_equal(buf, st.digest);
	rd_meta(&r, META_COMMIT, buf, sizeof(buf));
	assert_string_equal(buf, COMMIT);
	rd_meta(&r, META_COMMIT_TIME, buf, sizeof(buf));
	assert_string_equal(buf, "1600000000");
	rd_meta(&r, META_SOURCE_NAME, buf, sizeof(buf));
	assert_string_equal(buf, "rustsec");
	rd_meta(&r, META_SOURCES, buf, sizeof(buf));
	assert_string_equal(buf, "rustsec 0123456789abcdef0123456789abcdef01234567"
	                         " 1600000000\n");
	rd_meta(&r, META_DICT_ID, buf, sizeof(buf));
	assert_string_equal(buf, "0");      /* too few records to train */
	rd_meta(&r, META_HISTORY, buf, sizeof(buf));
	assert_string_equal(buf, "0");
	rd_meta(&r, META_COMPILE_TIME, buf, sizeof(buf));
	assert_true(atoll(buf) > 1600000000);

	assert_int_equal(rd_records(&r), 6);
	assert_int_equal(rd_count(&r, db_name(DBI_ADVISORIES)), 1);   /* one block */
	assert_int_equal(rd_count(&r, db_name(DBI_PACKAGES)), 3);
	assert_int_equal(rd_count(&r, db_name(DBI_TOOLCHAIN)), 1);
	/* 6 CVE aliases + GHSA-shared-{0,1,2} */
	assert_int_equal(rd_alias_count(&r), 9);
	assert_int_equal(st.aliases, 9);

	/* ids carrying an alias, sorted */
	char ab[128];
	assert_int_equal(rd_alias(&r, "GHSA-shared-1", ab, sizeof(ab)), 36);
	assert_memory_equal(ab, "RUSTSEC-2020-0001\0RUSTSEC-2020-0004\0", 36);
	assert_int_equal(rd_alias(&r, "CVE-2020-1005", ab, sizeof(ab)), 18);
	assert_memory_equal(ab, "RUSTSEC-2020-0005\0", 18);
	assert_int_equal(rd_alias(&r, "CVE-2020-1004x", ab, sizeof(ab)), 0);

	/* the record names the file it came from */
	blk_item bi;
	uint8_t *blk;
	assert_int_equal(rd_item(&r, "RUSTSEC-2020-0002", &bi, &blk), 1);
	free(blk);

	/* the hot record of pkg1: advisories 1 and 4, in id order */
	assert_int_equal(rd_get(&r, db_name(DBI_PACKAGES), "pkg1", &v), 0);
	hot_iter it;
	hot_entry e;
	assert_int_equal(hot_iter_init(&it, v.mv_data, v.mv_size), 0);
	assert_int_equal(hot_iter_next(&it, &e), 1);
	assert_memory_equal(e.id, "RUSTSEC-2020-0001", e.id_len);
	assert_int_equal(e.n_ranges, 2);
	version x = tl_version("2.1.0");
	uint8_t key[VKEY_MAX];
	size_t kl = version_key_encode(&x, key);
	assert_int_equal(hot_entry_affects(&e, key, kl), 1);
	x = tl_version("1.5.0");
	kl = version_key_encode(&x, key);
	assert_int_equal(hot_entry_affects(&e, key, kl), 0);
	assert_int_equal(hot_iter_next(&it, &e), 1);
	assert_memory_equal(e.id, "RUSTSEC-2020-0004", e.id_len);
	assert_int_equal(hot_iter_next(&it, &e), 0);
	assert_int_equal(rd_get(&r, db_name(DBI_PACKAGES), "std", &v), MDB_NOTFOUND);
	assert_int_equal(rd_get(&r, db_name(DBI_TOOLCHAIN), "std", &v), 0);

	/* the full record, with the source and path the writer was given */
	adv_record *rec = rd_record(&r, "RUSTSEC-2020-0002");
	assert_string_equal(rec->package, "pkg2");
	assert_string_equal(rec->source, "rustsec");
	assert_string_equal(rec->path, "crates/pkg2/RUSTSEC-2020-0002.md");
	assert_int_equal(rec->aliases.n, 2);
	assert_int_equal(rec->nranges, 2);
	record_free(rec);
	rd_close(&r);

	char stray[256];
	if (stray_files(f, stray, sizeof(stray)))
		fail_msg("left behind: %s", stray);
}

static void test_writer_digest__independent_of_order_and_time(void **state)
{
	fx *f = *state;
	const int a[] = { 1, 2, 3, 4, 5, 6 };
	const int b[] = { 6, 3, 5, 1, 2, 4 };
	char other[160];
	snprintf(other, sizeof(other), "%s/other.lmdb", f->dir);

	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	writer_stats s1 = build(f, f->db, a, 6);
	setenv("SOURCE_DATE_EPOCH", "1800000000", 1);
	writer_stats s2 = build(f, other, b, 6);
	unsetenv("SOURCE_DATE_EPOCH");
	assert_string_equal(s1.digest, s2.digest);

	/* and content changes change it */
	writer_stats s3 = build(f, other, a, 5);
	assert_string_not_equal(s1.digest, s3.digest);
	unlink(other);
}

/* Every row of the sub-database table (layout.h) is in every index, even
 * one with no advisory, and nothing else is: the writer iterates the
 * table, as the reader and the page walk do. */
static void test_writer_commit__every_table_row(void **state)
{
	fx *f = *state;
	rd r;
	MDB_dbi dbi;
	MDB_stat s;

	build(f, f->db, NULL, 0);
	rd_open(&r, f->db);
	assert_int_equal(mdb_dbi_open(r.txn, NULL, 0, &dbi), 0);
	assert_int_equal(mdb_stat(r.txn, dbi, &s), 0);
	assert_int_equal(s.ms_entries, DBI_COUNT);
	for (int id = 0; id < DBI_COUNT; id++) {
		assert_int_equal(mdb_dbi_open(r.txn, db_name((db_id)id), 0, &dbi),
		                 0);
		assert_int_equal(mdb_stat(r.txn, dbi, &s), 0);
		if (id != DBI_META)
			assert_int_equal(s.ms_entries, 0);
	}
	rd_close(&r);
}

static void test_writer_add__duplicate_id_names_both_paths(void **state)
{
	fx *f = *state;
	writer *w;
	adv a;

	mk(&a, 7, "pkg1", 0);
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), 0);
	assert_int_equal(writer_add(w, &a.r, "rustsec", "crates/other/x.md",
	                            f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, a.path));
	assert_non_null(strstr(f->err, "crates/other/x.md"));
	/* the same path again replaces, it is not a duplicate */
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), 0);
	/* a record without a package is refused */
	a.r.package = NULL;
	assert_int_equal(writer_add(w, &a.r, "rustsec", "p.md", f->err,
	                            sizeof(f->err)), -1);
	writer_close(w);
	struct stat sb;
	assert_int_equal(stat(f->db, &sb), -1);   /* nothing was committed */
	char stray[256];
	assert_int_equal(stray_files(f, stray, sizeof(stray)), 0);
}

/* An update that removes one and adds one equals a fresh build of the
 * resulting set; with n >= 64 the dictionary path is exercised too. */
static void update_case(fx *f, int n)
{
	int *ids = malloc((size_t)n * sizeof(int));
	for (int i = 0; i < n; i++)
		ids[i] = i + 1;
	writer_stats s0 = build(f, f->db, ids, (size_t)n);

	writer *w;
	char commit[41];
	adv a;
	writer_stats su;
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_load_previous(w, "rustsec", commit, f->err,
	                                      sizeof(f->err)), 0);
	assert_string_equal(commit, COMMIT);
	mk(&a, 2, "pkg2", 0);
	assert_non_null(writer_find(w, "RUSTSEC-2020-0002"));
	assert_int_equal(writer_remove(w, "rustsec", a.path), 0);
	assert_int_equal(writer_remove(w, "rustsec", "nope.md"), 0);
	mk(&a, 1000, "pkg1", 0);
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), 0);
	assert_int_equal(writer_set_source(w, "rustsec", COMMIT, 1600000000), 0);
	assert_int_equal(writer_set_history(w, 1), 0);   /* not in the digest */
	assert_int_equal(writer_commit(w, &su, f->err, sizeof(f->err)), 0);
	writer_close(w);
	assert_string_not_equal(su.digest, s0.digest);
	assert_int_equal(su.advisories, (size_t)n);

	/* every record of the updated DB decodes, old and new */
	rd r;
	char hist[8];
	rd_open(&r, f->db);
	rd_meta(&r, META_HISTORY, hist, sizeof(hist));
	assert_string_equal(hist, "1");
	adv_record *rec = rd_record(&r, "RUSTSEC-2020-1000");
	assert_string_equal(rec->package, "pkg1");
	record_free(rec);
	rec = rd_record(&r, "RUSTSEC-2020-0003");
	assert_string_equal(rec->package, "pkg0");
	record_free(rec);
	blk_item bi;
	uint8_t *blk;
	char ab[64];
	assert_int_equal(rd_item(&r, "RUSTSEC-2020-0002", &bi, &blk), 0);
	free(blk);
	assert_int_equal(rd_alias(&r, "CVE-2020-1002", ab, sizeof(ab)), 0);
	assert_int_equal(rd_item(&r, "RUSTSEC-2020-1000", &bi, &blk), 1);
	free(blk);
	assert_int_equal(rd_records(&r), (size_t)n);
	rd_close(&r);

	char fresh[160];
	snprintf(fresh, sizeof(fresh), "%s/fresh.lmdb", f->dir);
	ids[1] = 1000;
	writer_stats sf = build(f, fresh, ids, (size_t)n);
	assert_string_equal(sf.digest, su.digest);
	unlink(fresh);
	free(ids);
}

static void test_writer_update__equals_fresh_build_small(void **state)
{
	update_case(*state, 6);
}

static void test_writer_update__equals_fresh_build_with_dict(void **state)
{
	fx *f = *state;
	update_case(f, 150);
	rd r;
	char buf[32];
	rd_open(&r, f->db);
	rd_meta(&r, META_DICT_ID, buf, sizeof(buf));
	assert_string_not_equal(buf, "0");   /* 150 records: trained */
	rd_close(&r);
}

/* The raw value of every block of `advisories` (or of sub-database db),
 * in key order. */
typedef struct blocks {
	size_t n;
	char key[16][32];
	uint8_t *val[16];
	size_t len[16];
} blocks;

static void rd_blocks_of(const char *path, const char *db, blocks *b)
{
	rd r;
	MDB_dbi dbi;
	MDB_cursor *cur;
	MDB_val k, v;

	memset(b, 0, sizeof(*b));
	rd_open(&r, path);
	assert_int_equal(mdb_dbi_open(r.txn, db, 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(r.txn, dbi, &cur), 0);
	for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		assert_true(b->n < 16 && k.mv_size < 32);
		memcpy(b->key[b->n], k.mv_data, k.mv_size);
		b->val[b->n] = malloc(v.mv_size);
		memcpy(b->val[b->n], v.mv_data, v.mv_size);
		b->len[b->n++] = v.mv_size;
	}
	mdb_cursor_close(cur);
	rd_close(&r);
}

static void rd_blocks(const char *path, blocks *b)
{
	rd_blocks_of(path, db_name(DBI_ADVISORIES), b);
}

static void blocks_free(blocks *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->val[i]);
}

static int same_block(const blocks *a, size_t i, const blocks *b, size_t j)
{
	return strcmp(a->key[i], b->key[j]) == 0 && a->len[i] == b->len[j] &&
	       memcmp(a->val[i], b->val[j], a->len[i]) == 0;
}

/* The digest is SCHEMA.md's: the git blob id of the advisory blocks'
 * items (u32 length, record) in id order, that is of the decompressed
 * blocks one after the other; hashed here by libgit2, not the writer's
 * SHA-1. No records: the empty blob's id. */
static void test_writer_digest__is_git_blob_id_of_records(void **state)
{
	fx *f = *state;
	const int a[] = { 3, 1, 2, 6, 5, 4 };
	char hex[GIT_OID_HEXSZ + 1];
	git_oid oid;

	writer_stats st = build(f, f->db, a, 6);
	blocks b;
	rd_blocks(f->db, &b);
	assert_true(b.n >= 1);
	rd r;
	rd_open(&r, f->db);
	uint8_t *all = NULL;
	size_t total = 0;
	for (size_t i = 0; i < b.n; i++) {
		size_t len;
		uint8_t *raw = rd_block(&r, db_name(DBI_ADVISORIES), b.key[i], &len);
		assert_non_null(raw);
		all = realloc(all, total + len);
		assert_non_null(all);
		memcpy(all + total, raw, len);
		total += len;
		free(raw);
	}
	rd_close(&r);
	blocks_free(&b);
	assert_true(git_libgit2_init() > 0);
	assert_int_equal(git_odb_hash(&oid, all, total, GIT_OBJECT_BLOB), 0);
	assert_string_equal(git_oid_tostr(hex, sizeof(hex), &oid), st.digest);
	free(all);

	writer_stats e = build(f, f->db, a, 0);
	assert_string_equal(e.digest, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
	git_libgit2_shutdown();
}

/* An update rewrites only the blocks its changes fall in; the others are
 * written again byte for byte, and the digest is a fresh build's. A block
 * grown past BLOCK_RECORDS_MAX by updates is cut again. */
static void test_writer_update__rewrites_only_changed_blocks(void **state)
{
	fx *f = *state;
	const int n = 4 * BLOCK_RECORDS - 20;
	int *ids = malloc((size_t)(n + 2 * BLOCK_RECORDS) * sizeof(*ids));
	writer *w;
	char commit[41];
	adv a;
	blocks b0, b1, a0, a1;
	writer_stats su;

	for (int i = 0; i < n; i++)
		ids[i] = i + 1;
	build(f, f->db, ids, (size_t)n);
	rd_blocks(f->db, &b0);
	assert_int_equal(b0.n, 4);
	rd_blocks_of(f->db, db_name(DBI_ALIASES), &a0);
	assert_int_equal(a0.n, 4);   /* 492 CVE aliases, 3 shared GHSA ones */

	/* drop a record of block 1, add one after the last */
	int gone = BLOCK_RECORDS + 10, added = 4 * BLOCK_RECORDS + 50;
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_load_previous(w, "rustsec", commit, f->err,
	                                      sizeof(f->err)), 0);
	char pkg[16];
	snprintf(pkg, sizeof(pkg), "pkg%d", gone % 3);
	mk(&a, gone, pkg, 0);
	assert_int_equal(writer_remove(w, "rustsec", a.path), 0);
	snprintf(pkg, sizeof(pkg), "pkg%d", added % 3);
	mk(&a, added, pkg, 0);
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), 0);
	assert_int_equal(writer_commit(w, &su, f->err, sizeof(f->err)), 0);
	writer_close(w);
	rd_blocks(f->db, &b1);
	assert_int_equal(b1.n, 4);
	assert_true(same_block(&b0, 0, &b1, 0));
	assert_false(same_block(&b0, 1, &b1, 1));
	assert_true(same_block(&b0, 2, &b1, 2));
	assert_false(same_block(&b0, 3, &b1, 3));
	blocks_free(&b0);
	blocks_free(&b1);
	/* The alias blocks are made again from the records; the first one
	 * comes out the same and keeps its frame byte for byte (the full
	 * build's, at ZLEVEL), the others shift by one alias: new frames,
	 * which say what the records say. */
	rd_blocks_of(f->db, db_name(DBI_ALIASES), &a1);
	assert_int_equal(a1.n, 4);
	assert_true(same_block(&a0, 0, &a1, 0));
	for (size_t i = 1; i < 4; i++)
		assert_false(same_block(&a0, i, &a1, i));
	blocks_free(&a0);
	blocks_free(&a1);
	rd ra;
	char ab[64];
	rd_open(&ra, f->db);
	assert_int_equal(rd_alias(&ra, "CVE-2020-1138", ab, sizeof(ab)), 0);
	assert_int_equal(rd_alias(&ra, "CVE-2020-1562", ab, sizeof(ab)),
	                 strlen("RUSTSEC-2020-0562") + 1);
	assert_string_equal(ab, "RUSTSEC-2020-0562");
	assert_int_equal(rd_alias(&ra, "CVE-2020-1001", ab, sizeof(ab)),
	                 strlen("RUSTSEC-2020-0001") + 1);
	rd_close(&ra);

	char fresh[160];
	snprintf(fresh, sizeof(fresh), "%s/fresh.lmdb", f->dir);
	ids[gone - 1] = added;
	writer_stats sf = build(f, fresh, ids, (size_t)n);
	assert_string_equal(sf.digest, su.digest);
	unlink(fresh);

	/* grow the last block past BLOCK_RECORDS_MAX: cut again */
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_load_previous(w, "rustsec", commit, f->err,
	                                      sizeof(f->err)), 0);
	for (int i = 0; i < BLOCK_RECORDS; i++) {
		snprintf(pkg, sizeof(pkg), "pkg%d", i % 3);
		mk(&a, 5000 + i, pkg, 0);
		assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
		                            sizeof(f->err)), 0);
	}
	assert_int_equal(writer_commit(w, &su, f->err, sizeof(f->err)), 0);
	writer_close(w);
	rd_blocks(f->db, &b1);
	assert_int_equal(b1.n, 5);
	assert_string_equal(b1.key[4], "RUSTSEC-2020-5019");
	blocks_free(&b1);
	rd r;
	rd_open(&r, f->db);
	assert_int_equal(rd_records(&r), (size_t)n + BLOCK_RECORDS);
	rd_close(&r);
	free(ids);
}

static void test_writer_commit__failure_keeps_old_file(void **state)
{
	fx *f = *state;
	const int ids[] = { 1, 2, 3 };
	uint8_t *before;
	size_t lb;
	writer *w;
	adv a;

	build(f, f->db, ids, 3);
	file_bytes(f->db, &before, &lb);

	/* A file size limit (ulimit -f) below what the new file needs makes
	 * the commit fail: in a child, as the limit is the process's. */
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct rlimit rl = { 8192, 8192 };   /* the two meta pages */
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0 ||
		    writer_open(&w, f->db, f->err, sizeof(f->err)) < 0)
			_exit(3);
		mk(&a, 9, "pkg0", 0);
		if (writer_add(w, &a.r, "rustsec", a.path, f->err,
		               sizeof(f->err)) < 0)
			_exit(4);
		f->err[0] = 0;
		if (writer_commit(w, NULL, f->err, sizeof(f->err)) != -1)
			_exit(5);
		/* the reason, not LMDB's "Input/output error" */
		if (!strstr(f->err, "file too large"))
			_exit(6);
		/* a second commit is refused, not attempted */
		if (writer_commit(w, NULL, f->err, sizeof(f->err)) != -1)
			_exit(7);
		writer_close(w);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_file_is(f->db, before, lb);
	free(before);
	char stray[256];
	if (stray_files(f, stray, sizeof(stray)))
		fail_msg("left behind: %s", stray);
}

/* The pid of a process that has just ended (reaped: no longer alive). */
static pid_t dead_pid(void)
{
	int status;
	pid_t child = fork();

	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, &status, 0), child);
	return child;
}

/* Temporary files of killed compilers go at the next open; a live pid's
 * file, a name that is not ours, and a folder stay. */
static void test_writer_open__removes_stale_tmp_of_dead_pids(void **state)
{
	fx *f = *state;
	char dead[256], alive[256], other[256], dirp[256];
	struct stat st;
	writer *w;

	pid_t child = dead_pid();
	snprintf(dead, sizeof(dead), "%s.tmp.%ld", f->db, (long)child);
	snprintf(alive, sizeof(alive), "%s.tmp.%ld", f->db, (long)getppid());
	snprintf(other, sizeof(other), "%s.tmp.12x", f->db);
	snprintf(dirp, sizeof(dirp), "%s.tmp.%ld", f->db, (long)child + 1);
	const char *files[] = { dead, alive, other };
	for (size_t i = 0; i < 3; i++) {
		FILE *fp = fopen(files[i], "w");
		assert_non_null(fp);
		fputs("half an index", fp);
		fclose(fp);
	}
	int have_dir = kill(child + 1, 0) < 0 && mkdir(dirp, 0755) == 0;

	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	writer_close(w);
	if (stat(dead, &st) == 0 && kill(child, 0) < 0)
		fail_msg("stale %s was kept", dead);
	assert_int_equal(stat(alive, &st), 0);
	assert_int_equal(stat(other, &st), 0);
	if (have_dir) {
		assert_int_equal(stat(dirp, &st), 0);
		rmdir(dirp);
	}
	unlink(alive);
	unlink(other);
}

static void test_writer_load__missing_foreign_and_other_source(void **state)
{
	fx *f = *state;
	writer *w;
	char commit[41];
	const int ids[] = { 1 };

	/* no file: 1 (full compile) */
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_load_previous(w, "rustsec", commit, f->err,
	                                      sizeof(f->err)), 1);
	writer_close(w);

	/* not an LMDB file: -1 with a message naming it */
	FILE *fp = fopen(f->db, "wb");
	for (int i = 0; i < 3000; i++)
		fputc(i * 31, fp);
	fclose(fp);
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_load_previous(w, "rustsec", commit, f->err,
	                                      sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, f->db));
	writer_close(w);

	/* an index without that source: 1; and the writer is still usable */
	build(f, f->db, ids, 1);
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_load_previous(w, "other", commit, f->err,
	                                      sizeof(f->err)), 1);
	writer_stats st;
	assert_int_equal(writer_commit(w, &st, f->err, sizeof(f->err)), 0);
	assert_int_equal(st.advisories, 0);
	writer_close(w);
}

/* Write a hand-made index with raw LMDB: meta magic/schema/sources and
 * one advisories block. */
static void raw_index(const char *path, const char *schema, const void *frame,
                      size_t flen)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta, adv, pk;
	MDB_val k, v;
	char srcs[128];

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, DB_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOLOCK,
	                              0644), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, db_name(DBI_META), MDB_CREATE, &meta), 0);
	assert_int_equal(mdb_dbi_open(txn, db_name(DBI_ADVISORIES), MDB_CREATE, &adv), 0);
	assert_int_equal(mdb_dbi_open(txn, db_name(DBI_PACKAGES), MDB_CREATE, &pk), 0);
	snprintf(srcs, sizeof(srcs), "rustsec %s 1\n", COMMIT);
	const char *kv[][2] = {
		{ META_MAGIC, ADVDB_MAGIC }, { META_SCHEMA, schema },
		{ META_SOURCES, srcs }, { META_DICT_ID, "0" },
	};
	for (size_t i = 0; i < 4; i++) {
		k = (MDB_val){ strlen(kv[i][0]), (void *)kv[i][0] };
		v = (MDB_val){ strlen(kv[i][1]), (void *)kv[i][1] };
		assert_int_equal(mdb_put(txn, meta, &k, &v, 0), 0);
	}
	k = (MDB_val){ 17, "RUSTSEC-2020-0001" };
	v = (MDB_val){ flen, (void *)frame };
	assert_int_equal(mdb_put(txn, adv, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static void test_writer_load__damaged_record_and_other_schema(void **state)
{
	fx *f = *state;
	writer *w;
	char commit[41];
	adv a;
	uint8_t *enc;
	size_t elen;

	/* a valid frame of a valid record: loads */
	mk(&a, 1, "pkg1", 0);
	a.r.source = "rustsec";
	a.r.path = a.path;
	assert_int_equal(record_encode(&a.r, &enc, &elen), 0);
	/* one block of one item */
	size_t blen = blk_item_size(elen);
	uint8_t *bl = malloc(blen);
	assert_int_equal(blk_item_put(bl, enc, elen), blen);
	size_t cap = ZSTD_compressBound(blen);
	uint8_t *z = malloc(cap);
	size_t zl = ZSTD_compress(z, cap, bl, blen, 3);
	assert_false(ZSTD_isError(zl));
	raw_index(f->db, CUR_SCHEMA, z, zl);
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_load_previous(w, "rustsec", commit, f->err,
	                                      sizeof(f->err)), 0);
	assert_string_equal(commit, COMMIT);
	writer_close(w);

	/* the same with an alias block that is not zstd: the update reads
	 * every alias block too (it may keep their frames), so -1 */
	{
		MDB_env *env;
		MDB_txn *txn;
		MDB_dbi al;
		MDB_val k = { 8, "CVE-2020" }, v = { 9, "not zstd!" };
		assert_int_equal(mdb_env_create(&env), 0);
		assert_int_equal(mdb_env_set_maxdbs(env, DB_MAXDBS), 0);
		assert_int_equal(mdb_env_open(env, f->db, MDB_NOSUBDIR | MDB_NOLOCK,
		                              0644), 0);
		assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
		assert_int_equal(mdb_dbi_open(txn, db_name(DBI_ALIASES), MDB_CREATE,
		                              &al), 0);
		assert_int_equal(mdb_put(txn, al, &k, &v, 0), 0);
		assert_int_equal(mdb_txn_commit(txn), 0);
		mdb_env_close(env);
	}
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_load_previous(w, "rustsec", commit, f->err,
	                                      sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "aliases"));
	assert_string_equal(commit, "");
	writer_close(w);
	unlink(f->db);

	/* a frame whose record is damaged (its last byte flipped): -1, and
	 * the writer still works as for a full compile */
	bl[blen - 1] ^= 0x55;
	zl = ZSTD_compress(z, cap, bl, blen, 3);
	raw_index(f->db, CUR_SCHEMA, z, zl);
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_load_previous(w, "rustsec", commit, f->err,
	                                      sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "damaged"));
	assert_string_equal(commit, "");
	mk(&a, 1, "pkg1", 0);
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), 0);
	writer_stats st;
	assert_int_equal(writer_commit(w, &st, f->err, sizeof(f->err)), 0);
	assert_int_equal(st.advisories, 1);
	writer_close(w);
	unlink(f->db);

	/* garbage instead of a frame: -1 */
	raw_index(f->db, CUR_SCHEMA, "not zstd at all", 15);
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_load_previous(w, "rustsec", commit, f->err,
	                                      sizeof(f->err)), -1);
	writer_close(w);
	unlink(f->db);

	/* another schema version (the previous one): 1, a full compile */
	raw_index(f->db, "1", z, zl);
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_load_previous(w, "rustsec", commit, f->err,
	                                      sizeof(f->err)), 1);
	writer_close(w);
	free(z);
	free(bl);
	free(enc);
}

static void test_writer_add__fields_past_index_caps(void **state)
{
	fx *f = *state;
	writer *w;
	adv a;
	char longid[300];
	const char *os[] = { "" };

	memset(longid, 'X', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = 0;
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	mk(&a, 1, "pkg1", 0);
	a.r.id = longid;
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, a.path));
	assert_non_null(strstr(f->err, "XXX...\" longer than 63 bytes"));
	/* ids and aliases: one cap, ADV_ID_MAX, the reader's too */
	longid[ADV_ID_MAX] = 0;
	mk(&a, 1, "pkg1", 0);
	a.r.id = longid;
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), 0);
	longid[ADV_ID_MAX] = 'X';
	longid[ADV_ID_MAX + 1] = 0;
	mk(&a, 2, "pkg1", 0);
	a.aliases[1] = longid;
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, ": alias \"XXX"));
	mk(&a, 2, "pkg1", 0);
	a.aliases[0] = "";
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "empty alias"));
	/* a package name past ADV_PACKAGE_MAX */
	mk(&a, 2, "pkg1", 0);
	char pkg[ADV_PACKAGE_MAX + 2];
	memset(pkg, 'p', sizeof(pkg) - 1);
	pkg[sizeof(pkg) - 1] = 0;
	a.r.package = pkg;
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "package name too long (256 bytes, "
	                       "limit 255)"));
	mk(&a, 1, "pkg1", 0);
	a.r.os = (strlist){ os, 1 };   /* an empty os name */
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "os name \"\" is empty"));
	/* a bad source name */
	mk(&a, 1, "pkg1", 0);
	assert_int_equal(writer_add(w, &a.r, "a:b", a.path, f->err,
	                            sizeof(f->err)), -1);
	assert_int_equal(writer_set_source(w, "rustsec", "xyz", 1), -1);
	writer_close(w);
}

static void test_writer_update__removal_and_growth(void **state)
{
	fx *f = *state;
	const int ids[] = { 1, 2, 3 };
	writer *w;
	char commit[41];
	adv a;

	build(f, f->db, ids, 3);
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_load_previous(w, "rustsec", commit, f->err,
	                                      sizeof(f->err)), 0);
	mk(&a, 2, "pkg2", 0);
	assert_int_equal(writer_remove(w, "rustsec", a.path), 0);
	for (int i = 100; i < 700; i++) {   /* several map rehashes */
		char pkg[16];
		snprintf(pkg, sizeof(pkg), "pkg%d", i % 3);
		mk(&a, i, pkg, 0);
		assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
		                            sizeof(f->err)), 0);
	}
	mk(&a, 2, "pkg2", 0);
	assert_null(writer_find(w, "RUSTSEC-2020-0002"));
	/* removed, so its id is free again for another path */
	assert_int_equal(writer_add(w, &a.r, "rustsec", "crates/pkg2/moved.md",
	                            f->err, sizeof(f->err)), 0);
	writer_stats st;
	assert_int_equal(writer_commit(w, &st, f->err, sizeof(f->err)), 0);
	assert_int_equal(st.advisories, 603);
	writer_close(w);
}

/* A small record: advisory i of package pkg. */
static void mk_small(adv *a, int i, const char *pkg)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "GEN-%06d", i);
	snprintf(a->pkg, sizeof(a->pkg), "%s", pkg);
	snprintf(a->path, sizeof(a->path), "crates/%s/%s.md", pkg, a->id);
	a->r.id = a->id;
	a->r.package = a->pkg;
	a->r.date = "2020-01-01";
	a->r.title = "t";
	a->r.description = "";
	a->rg[0].has_fixed = 1;
	a->rg[0].fixed = tl_version("1.0.0");
	a->r.ranges = a->rg;
	a->r.nranges = 1;
}

/* One package holds HOT_ENTRIES_MAX advisories (the hot record's u16
 * count); the next is refused with a message, not an "out of memory"
 * at commit. Replacing one in place, or after a removal, still works. */
static void test_writer_add__advisories_per_package_cap(void **state)
{
	fx *f = *state;
	writer *w;
	adv a;

	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	for (int i = 0; i < HOT_ENTRIES_MAX; i++) {
		mk_small(&a, i, "big");
		if (writer_add(w, &a.r, "rustsec", a.path, f->err,
		               sizeof(f->err)) != 0)
			fail_msg("advisory %d: %s", i, f->err);
	}
	mk_small(&a, HOT_ENTRIES_MAX, "big");
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "package \"big\" already has 65535 "
	                       "advisories"));
	/* other packages are not affected */
	mk_small(&a, HOT_ENTRIES_MAX, "small");
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), 0);
	/* the same path again replaces, it does not add */
	mk_small(&a, 7, "big");
	a.r.title = "changed";
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), 0);
	assert_string_equal(writer_find(w, "GEN-000007")->title, "changed");
	/* a removal frees a place */
	assert_int_equal(writer_remove(w, "rustsec", a.path), 0);
	mk_small(&a, HOT_ENTRIES_MAX + 1, "big");
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), 0);
	writer_close(w);
}

/* More than the old 4096 per package: written, and read back whole by
 * libadvdb. */
static void test_writer_commit__thousands_for_one_package(void **state)
{
	fx *f = *state;
	const int n = 5000;
	writer *w;
	adv a;
	advdb *db;
	size_t got;

	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	for (int i = 0; i < n; i++) {
		mk_small(&a, i, "big");
		assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
		                            sizeof(f->err)), 0);
	}
	writer_stats st;
	assert_int_equal(writer_commit(w, &st, f->err, sizeof(f->err)), 0);
	writer_close(w);
	assert_int_equal(st.packages, 1);
	advdb_match *m = calloc((size_t)n, sizeof(*m));
	assert_non_null(m);
	advdb_pass_msg(f->err, advdb_open(&db, f->db, 0, f->err,
	                                  sizeof(f->err)));
	advdb_expect(db, advdb_lookup(m, 10, &got, db, "big", "0.9.0", NULL),
	                              ADVDB_EBUFS);
	assert_int_equal(got, (size_t)n);
	advdb_pass(db, advdb_lookup(m, (size_t)n, &got, db, "big", "0.9.0",
	                            NULL));
	assert_int_equal(got, (size_t)n);
	assert_string_equal(m[n - 1].id, "GEN-004999");
	advdb_pass(db, advdb_lookup(m, (size_t)n, &got, db, "big", "1.0.0",
	                            NULL));
	assert_int_equal(got, 0);
	advdb_close(db);
	free(m);
}

/* Blocks are cut before BLOCK_BYTES (records of 900 KB: two a block),
 * and a record no block can hold is refused when added. */
static void test_writer_commit__blocks_cut_by_bytes(void **state)
{
	fx *f = *state;
	size_t big = 900u << 10;
	char *desc = malloc(big + 1);
	writer *w;
	adv a;
	rd r;

	assert_non_null(desc);
	for (size_t i = 0; i < big; i++)   /* not too compressible either */
		desc[i] = (char)('a' + (i * 7 + i / 13) % 26);
	desc[big] = 0;
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	for (int i = 0; i < 5; i++) {
		mk(&a, i, "pkg0", 0);
		a.r.description = desc;
		assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
		                            sizeof(f->err)), 0);
	}
	assert_int_equal(writer_commit(w, NULL, f->err, sizeof(f->err)), 0);
	writer_close(w);
	rd_open(&r, f->db);
	assert_int_equal(rd_count(&r, db_name(DBI_ADVISORIES)), 3);
	assert_int_equal(rd_records(&r), 5);
	rd_close(&r);
	free(desc);

	/* five strings of 7 MiB: one record of 35 MiB > BLOCK_MAX */
	size_t seven = 7u << 20;
	char *s = malloc(seven + 1);
	assert_non_null(s);
	memset(s, 'x', seven);
	s[seven] = 0;
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	mk(&a, 1, "pkg0", 0);
	a.r.title = a.r.description = a.r.url = a.r.license = s;
	a.r.informational = s;
	assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
	                            sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "more than an index block holds"));
	writer_close(w);
	free(s);
}

/* A temporary file whose lock is held belongs to a live compile, even
 * when its pid means nothing here (another PID namespace) or is ours;
 * without the lock it is stale. */
static void test_writer_open__keeps_locked_tmp(void **state)
{
	fx *f = *state;
	char dead[256], mine[256];
	struct stat st;
	writer *w;

	pid_t child = dead_pid();
	snprintf(dead, sizeof(dead), "%s.tmp.%ld.0123456789abcdef", f->db,
	         (long)child);
	snprintf(mine, sizeof(mine), "%s.tmp.%ld.fedcba9876543210", f->db,
	         (long)getpid());
	int fd1 = open(dead, O_RDWR | O_CREAT | O_EXCL, 0600);
	int fd2 = open(mine, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd1 >= 0 && fd2 >= 0);
	assert_int_equal(flock(fd1, LOCK_EX), 0);
	assert_int_equal(flock(fd2, LOCK_EX), 0);
	/* the sweep opens them anew: flock then conflicts, as with another
	 * process */
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	writer_close(w);
	assert_int_equal(stat(dead, &st), 0);
	assert_int_equal(stat(mine, &st), 0);
	/* ours, but made ten minutes ago: a file of our pid changed in the
	 * last minute may be a live writer's not yet locked (dbfile.c) */
	struct timespec old[2] = { { time(NULL) - 600, 0 },
	                           { time(NULL) - 600, 0 } };
	assert_int_equal(futimens(fd2, old), 0);
	close(fd1);
	close(fd2);
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	writer_close(w);
	if (stat(dead, &st) == 0 && kill(child, 0) < 0)
		fail_msg("stale %s was kept", dead);
	assert_int_equal(stat(mine, &st), -1);
}

/* A recompile keeps the old file's mode; a symbolic link at the target
 * is written through (the link stays, its target is replaced); a link
 * to nothing is refused. */
static void test_writer_commit__mode_and_symlink(void **state)
{
	fx *f = *state;
	const int ids[] = { 1, 2 }, more[] = { 1, 2, 3 };
	char real_dir[160], real[200], link[160], stray[256];
	struct stat st;
	writer *w;

	build(f, f->db, ids, 2);
	assert_int_equal(chmod(f->db, 0640), 0);
	build(f, f->db, more, 3);
	assert_int_equal(stat(f->db, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* no old file: 0644 less the umask */
	unlink(f->db);
	mode_t um = umask(027);
	build(f, f->db, ids, 2);
	umask(um);
	assert_int_equal(stat(f->db, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	unlink(f->db);

	snprintf(real_dir, sizeof(real_dir), "%s/real", f->dir);
	snprintf(real, sizeof(real), "%s/real/index.lmdb", f->dir);
	snprintf(link, sizeof(link), "%s/index.lmdb", f->dir);
	assert_int_equal(mkdir(real_dir, 0755), 0);
	build(f, real, ids, 2);
	assert_int_equal(chmod(real, 0600), 0);
	assert_int_equal(symlink("real/index.lmdb", link), 0);
	writer_stats s3 = build(f, link, more, 3);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(real, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	rd r;
	rd_open(&r, real);
	char dg[64];
	rd_meta(&r, META_DIGEST, dg, sizeof(dg));
	rd_close(&r);
	assert_string_equal(dg, s3.digest);
	/* nothing left beside the link or the file */
	DIR *d = opendir(real_dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(n, 1);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(stray_files(f, stray, sizeof(stray)), 1);  /* real/ */
	unlink(real);
	rmdir(real_dir);
	/* a link to nothing */
	assert_int_equal(symlink("missing/index.lmdb", link), 0);
	assert_int_equal(writer_open(&w, link, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "a symbolic link to a missing file"));
	unlink(link);
}

/* --install: a whole index is checked, then put in place like a
 * commit; a damaged one is refused and the target stays. */
static void test_writer_install__checks_then_replaces(void **state)
{
	fx *f = *state;
	const int ids[] = { 1, 2, 3, 4 }, two[] = { 1, 2 };
	char src[160];
	uint8_t *before;
	size_t lb;
	writer *w;
	writer_stats st;

	snprintf(src, sizeof(src), "%s/src.lmdb", f->dir);
	writer_stats want = build(f, src, ids, 4);
	build(f, f->db, two, 2);
	assert_int_equal(chmod(f->db, 0600), 0);
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_install(w, src, &st, f->err, sizeof(f->err)), 0);
	writer_close(w);
	assert_string_equal(st.digest, want.digest);
	assert_int_equal(st.advisories, 4);
	file_bytes(src, &before, &lb);
	assert_file_is(f->db, before, lb);
	free(before);
	struct stat sb;
	assert_int_equal(stat(f->db, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);

	/* a meta digest that the records do not give: refused */
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta;
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, DB_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, src, MDB_NOSUBDIR | MDB_NOLOCK,
	                              0644), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, db_name(DBI_META), 0, &meta), 0);
	MDB_val k = { strlen(META_DIGEST), META_DIGEST };
	MDB_val v = { 40, "0000000000000000000000000000000000000000" };
	assert_int_equal(mdb_put(txn, meta, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	file_bytes(f->db, &before, &lb);
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_install(w, src, &st, f->err, sizeof(f->err)),
	                 -1);
	writer_close(w);
	assert_non_null(strstr(f->err, "do not give the digest"));
	/* truncated: refused by the reader before anything is read */
	assert_int_equal(truncate(src, 12288), 0);
	assert_int_equal(writer_open(&w, f->db, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_install(w, src, &st, f->err, sizeof(f->err)),
	                 -1);
	writer_close(w);
	assert_non_null(strstr(f->err, "truncated index"));
	assert_file_is(f->db, before, lb);
	free(before);
	char stray[256];
	assert_int_equal(stray_files(f, stray, sizeof(stray)), 1); /* src */
	unlink(src);
}

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif

/* LMDB's map refused (ENOMEM) names the limit that was hit, not "Cannot
 * allocate memory": in a child under an address-space limit a little
 * above what it uses, below the map's 16 MiB and more. */
static void test_writer_commit__map_refused_says_why(void **state)
{
#ifdef HAVE_ASAN
	(void)state;
	print_message("# skipped: under AddressSanitizer, which reserves "
	              "terabytes of address space, no address-space limit "
	              "can be set (the plain build runs this test)\n");
	skip();
#else
	fx *f = *state;
	writer *w;
	adv a;
	int status;

	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		unsigned long pages = 0;
		FILE *fp = fopen("/proc/self/statm", "r");
		if (!fp || fscanf(fp, "%lu", &pages) != 1)
			_exit(3);
		fclose(fp);
		if (writer_open(&w, f->db, f->err, sizeof(f->err)) < 0)
			_exit(4);
		mk(&a, 1, "pkg0", 0);
		if (writer_add(w, &a.r, "rustsec", a.path, f->err,
		               sizeof(f->err)) < 0)
			_exit(5);
		size_t now = pages * (size_t)sysconf(_SC_PAGESIZE);
		struct rlimit rl = { now + (8u << 20), now + (8u << 20) };
		if (setrlimit(RLIMIT_AS, &rl) < 0)
			_exit(6);
		if (writer_commit(w, NULL, f->err, sizeof(f->err)) != -1)
			_exit(7);
		fprintf(stderr, "# %s\n", f->err);
		if (!strstr(f->err, "cannot map") ||
		    !strstr(f->err, "address-space limit (ulimit -v)"))
			_exit(8);
		writer_close(w);
		_exit(0);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	char stray[256];
	assert_int_equal(stray_files(f, stray, sizeof(stray)), 0);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_writer_digest__is_git_blob_id_of_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writer_build__read_back_raw,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_digest__independent_of_order_and_time,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_commit__every_table_row, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_add__duplicate_id_names_both_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_update__equals_fresh_build_small, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_update__equals_fresh_build_with_dict,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_update__rewrites_only_changed_blocks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_commit__failure_keeps_old_file, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_open__removes_stale_tmp_of_dead_pids,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_load__missing_foreign_and_other_source,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_load__damaged_record_and_other_schema,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_add__fields_past_index_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_update__removal_and_growth,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_add__advisories_per_package_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_commit__thousands_for_one_package, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_commit__blocks_cut_by_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_open__keeps_locked_tmp, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_commit__mode_and_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_install__checks_then_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_commit__map_refused_says_why, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
