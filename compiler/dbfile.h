/*
 * dbfile.h — putting a new index file in place of the one at a path.
 *
 * Owns which file is replaced, the temporary file beside it and the one
 * rename that replaces it, for both ways an index is replaced: a compile
 * (writer_commit) and `advdb-compile --install`. Policy:
 *
 *   - A symbolic link at the path is followed: the file it points to is
 *     replaced (the temporary file goes in that file's folder), and the
 *     link stays. A link to nothing is refused.
 *   - The temporary file is "<target>.tmp.<pid>.<16 hex digits>", the
 *     digits from getrandom(2) (else /dev/urandom), created
 *     O_EXCL|O_NOFOLLOW with mode 0600 and held with flock(LOCK_EX) until
 *     the rename: no two compiles ever share one, even with equal pids
 *     (containers sharing a volume), and nobody reads it half written.
 *   - Before the rename the new file gets the mode of the file it replaces
 *     (0644 less the umask when there is none), and its owner and group
 *     where this process may set them: an owner it may not give is left
 *     as ours (EPERM), a group it may not give is an error, since the
 *     group may be what keeps a private index private.
 *   - fsync, then rename over the target, then fsync of the folder:
 *     readers see the old file or the new one, never half, and success
 *     means this process's own file was renamed into place (checked by
 *     inode just before the rename).
 *   - Temporary files of compiles that died before their rename are
 *     removed by the next dbfile_open(): regular files of this user,
 *     named for the target, whose lock nobody holds and whose pid is
 *     dead (or is ours: then only the lock tells).
 *
 *   - An index and its signature change together (dbfile_commit_pair):
 *     both are synced and given their attributes first, then the
 *     signature is renamed into place, then the index, and only then is
 *     the signature's lock (held since dbfile_create) released. A reader
 *     that meets the new signature beside the old index finds it locked,
 *     waits and looks again (query/verify.c); a reader never meets the
 *     new index beside the old signature. If the index's rename fails
 *     after the signature's (it cannot, short of an I/O error on the
 *     folder), the message says that the signature now signs an index
 *     that is not in place: verifying readers refuse, never accept.
 *
 * Messages name the path as the user gave it. One dbfile is used by one
 * thread.
 */
#ifndef ADVDB_COMPILER_DBFILE_H
#define ADVDB_COMPILER_DBFILE_H

#include <stddef.h>

typedef struct dbfile {
	char *path;                 /* as given, for messages */
	char *target;               /* the file replaced: path, or the file
	                               its symbolic link points to */
	char *tmp;                  /* the temporary file, once created */
	int fd;                     /* open on tmp, holding its lock; or -1 */
	int committed;              /* renamed into place */
} dbfile;

/* Resolve path and sweep stale temporary files; creates nothing.
 * 0, or -1 with err (a link to nothing, out of memory). *f is usable
 * for dbfile_close() either way. */
int dbfile_open(dbfile *f, const char *path, char *err, size_t errcap);

/* Create the temporary file (f->tmp, f->fd). 0 or -1 with err. */
int dbfile_create(dbfile *f, char *err, size_t errcap);

/* Sync f->tmp, give it the old file's mode and owner, rename it over the
 * target and sync the folder. 0 (f->committed) or -1 with err; the
 * target is untouched unless 0. */
int dbfile_commit(dbfile *f, char *err, size_t errcap);

/* Commit f (an index) and sig (its signature file, "<path>.minisig",
 * both created and written) as one change, in the order above. 0 (both
 * committed) or -1 with err; neither target is touched unless the first
 * rename (the signature's) succeeded. */
int dbfile_commit_pair(dbfile *f, dbfile *sig, char *err, size_t errcap);

/* Remove the temporary file unless committed; release everything. */
void dbfile_close(dbfile *f);

/* The message for a failed write of f->tmp with error e (an errno value
 * or an LMDB code): the real reason when the device is full or a quota
 * or file-size limit was hit (LMDB reports a short write as EIO), as
 * "<path>: cannot write the new index: no space left on device". */
void dbfile_write_error(const dbfile *f, int e, char *err, size_t errcap);

#endif
