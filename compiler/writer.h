/*
 * writer.h — builds the LMDB index (layout.h, SCHEMA.md) from advisories.
 *
 * The writer is the only code that writes an index. It builds the new DB
 * in a temporary file beside the target and renames it into place on
 * commit (dbfile.h: the temporary name, the old file's mode and owner, a
 * symbolic link at the target), so readers see the old file or the new
 * one, never half, and a failed or killed compile leaves the old DB as
 * it was. It reads indexes (an update's previous one, an index to
 * install) only through libadvdb's reader (query/reader.h).
 *
 * Records are identified by (source, path): the file they came from. An
 * update starts from the previous DB's records (writer_load_previous),
 * removes the paths that changed and adds their new versions; the content
 * digest then equals that of a full compile of the same commit, because it
 * covers only the content, in a canonical order.
 *
 * Ownership: writer_add copies what it keeps; the caller's record may be
 * freed right after.
 *
 * The writer does not use libgit2 (the digest is OpenSSL's SHA-1). It
 * keeps no global state; one writer is used by one thread.
 */
#ifndef ADVDB_COMPILER_WRITER_H
#define ADVDB_COMPILER_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "record.h"

typedef struct writer writer;

typedef struct writer_stats {
	size_t advisories, packages, aliases;
	uint64_t db_bytes;          /* size of the file written */
	char digest[41];            /* META_DIGEST */
	int signature;              /* WRITER_SIG_* */
} writer_stats;

enum {
	WRITER_SIG_NONE = 0,        /* no signature, none left beside it */
	WRITER_SIG_WRITTEN = 1,     /* "<DB>.minisig" put in place with it */
	WRITER_SIG_REMOVED = 2      /* the previous index's was removed */
};

/* Start a new index that will replace `target` (or the file a symbolic
 * link there points to) on commit. Removes stale temporary files left by
 * compilers killed before their rename (dbfile.h says which). -1 with err
 * for a link to nothing. */
int writer_open(writer **out, const char *target, char *err, size_t errcap);

/*
 * For --update: read the DB currently at `target` (records, sources,
 * dictionary). Fills the previous source commit (40 hex + NUL) of source
 * `source`. Returns 0, 1 when there is no previous DB or it has no such
 * source (the caller then does a full compile), or -1 with err when the
 * file exists but cannot be read as an index.
 */
int writer_load_previous(writer *w, const char *source, char commit[41],
                         char *err, size_t errcap);

/*
 * writer_load_previous in two steps, so that the caller can work out
 * what changed since the previous commit (known after the first) while
 * the records load (the second): writer_load_begin reads the sources,
 * dictionary and skipped list, and returns as writer_load_previous does;
 * on 0, *p holds the open index and writer_load_finish must follow,
 * which reads every block and record and closes *p: 0, or -1 with err
 * and the writer as it was before writer_load_begin.
 */
typedef struct writer_prev writer_prev;
int writer_load_begin(writer *w, const char *source, char commit[41],
                      writer_prev **p, char *err, size_t errcap);
int writer_load_finish(writer *w, writer_prev *p, char *err, size_t errcap);

/* Drop the record that came from (source, path); 0 even when absent. */
int writer_remove(writer *w, const char *source, const char *path);

/* Add (or replace) the record of (source, path). Returns 0, or -1 with err
 * (e.g. out of memory, or another path already holds this id: then err
 * names both paths). */
int writer_add(writer *w, const adv_record *r, const char *source,
               const char *path, char *err, size_t errcap);

/*
 * Record that the file (source, path) was left out of the index for an
 * error (--keep-going): id as read ("" or NULL when unknown), the line
 * (0: the whole file) and message of its first error. A later call for
 * the same (source, path) replaces the entry; writer_remove() drops it.
 * Texts are cut to the caps of schema/skiplist.h (at a character
 * boundary); past SKIP_KEEP_MAX entries only the count grows. The list
 * goes into meta `skipped` on commit, and writer_load_previous() reads
 * it back. Returns 0, or -1 out of memory.
 */
int writer_skip(writer *w, const char *source, const char *path,
                const char *id, unsigned line, const char *msg);

/* The paths of source's skipped files, one at a time: *pos starts at 0;
 * NULL at the end. Valid until the next call that changes the writer. */
const char *writer_skipped_next(const writer *w, const char *source,
                                size_t *pos);

/* Record the source's commit (40 hex) and its commit time. */
int writer_set_source(writer *w, const char *source, const char *commit,
                      int64_t commit_time);
/* The committer's UTC offset of that commit, in minutes east of UTC
 * (what cargo-audit's report shows with the time); after
 * writer_set_source. -1 for an unknown source or an offset past
 * +-1439 minutes (git allows more: such a commit is stored without). */
int writer_set_source_tz(writer *w, const char *source, int minutes);

/* Whether the records' `modified` times were computed from history
 * (META_HISTORY). Default 0, also for an update: the caller says it for
 * every compile, as only it knows how the records it adds were made. */
int writer_set_history(writer *w, int on);

/* The live record with this id, or NULL. Its source and path fields
 * name where it came from. Valid until the next call that changes the
 * writer (add, remove, commit, close). */
const adv_record *writer_find(const writer *w, const char *id);

/* Live records one at a time, in the order they were added: *pos starts
 * at 0; NULL at the end. Same lifetime as writer_find's. */
const adv_record *writer_next(const writer *w, size_t *pos);

/* Write everything, fsync, rename over target. Returns 0 or -1 with err;
 * either way the writer is finished and must be closed. */
int writer_commit(writer *w, writer_stats *st, char *err, size_t errcap);

/*
 * Instead of a commit: put the index file src in place of the target, as
 * a commit would put a new one (advdb-compile --install). src is read
 * whole through libadvdb's reader first (pages, blocks, records, hot
 * records, aliases, digest and counts against its meta), copied beside
 * the target, the copy read whole again, then renamed into place. The
 * writer must be fresh (nothing added or loaded). Returns 0 (st: counts,
 * size, digest) or -1 with err; either way the writer is finished.
 */
int writer_install(writer *w, const char *src, writer_stats *st,
                   char *err, size_t errcap);

/*
 * The signature file "<DB>.minisig" (DB as given to writer_open) that
 * goes with the new index. Once the new index is written whole, and
 * before anything is renamed, writer_commit() and writer_install() call
 * fn(arg, fd, tmp, &text, &len, err, errcap): fd is open on the new file
 * (read it with pread), tmp its path. fn returns 0 with the whole
 * signature file in text (malloc'd; the writer frees it), or with text
 * NULL for no signature; or -1 with err, and then nothing is replaced.
 * A signature is put in place with the index (dbfile_commit_pair); with
 * none, a signature file left by the previous index is removed once the
 * new index is in place (it would sign the wrong file). Without a call
 * to this, the same as an fn that gives no text.
 */
typedef int (*writer_sign_fn)(void *arg, int fd, const char *tmp,
                              char **text, size_t *len, char *err,
                              size_t errcap);
void writer_set_signature(writer *w, writer_sign_fn fn, void *arg);

/* The signature path of index path: "<path>.minisig", malloc'd. */
char *writer_sig_path(const char *path);

/*
 * The crates.io index mirror (sub-database `crates`, SCHEMA.md). An
 * update starts from the previous index's crates (writer_load_previous
 * loads them) and, without a call below, writes them again as they were.
 * writer_crates_begin says the new index has a crates index read at
 * commit (40 hex digits: a git commit, or a folder's content digest
 * with time 0), bad the malformed lines and files the reading found
 * (added to the previous count unless fresh: after updates the count is
 * an upper bound, exact after a full read); with fresh it drops what
 * was loaded first (a full read). Then put a crate (its name,
 * the key, and its record, copied) or delete one; the last call for a
 * name wins. 0, or -1 out of memory.
 */
int writer_crates_begin(writer *w, int fresh, const char *commit,
                        int64_t time, uint64_t bad);
int writer_crates_put(writer *w, const char *name, const uint8_t *rec,
                      size_t len);
int writer_crates_delete(writer *w, const char *name);
/* Move src's crates (loaded or put) into dst, whose own are dropped. */
void writer_crates_move(writer *dst, writer *src);
/* The previous index's crates index commit ("" when none), after
 * writer_load_previous. */
const char *writer_crates_commit(const writer *w);

/* Release everything; without a commit, remove the temporary file. */
void writer_close(writer *w);

#endif
