/*
 * verify.h — index signatures inside libadvdb, as the compiler uses them
 * (not public; advdb.h has advdb_open_verified() for everyone).
 *
 * One owner for what a signature of an index says and how a file is
 * hashed: advdb-compile --sign builds its trusted comment with
 * verify_comment() and hashes the new index with verify_hash_fd(), and
 * --install --trust-key checks the copy it is about to put in place with
 * verify_open_fd(), exactly as a reader will.
 *
 * These calls are compiled into libadvdb (the compiler links
 * libadvdb.a) and keep no state.
 */
#ifndef ADVDB_QUERY_VERIFY_H
#define ADVDB_QUERY_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "advdb.h"
#include "minisign.h"

/* What advdb's trusted comment starts with; the fields follow as
 * space-separated key=value words (verify.c). */
#define VERIFY_COMMENT_PREFIX "advdb index"

/* The trusted comment for an index with this info:
 * "advdb index schema=2 commit=<hex|none> compiled=<ISO 8601 UTC>
 * digest=<hex> advisories=<N>". 0, or -1 when it does not fit cap. */
int verify_comment(char *out, size_t cap, const advdb_info *in);

/* Does trusted comment c (NUL-terminated) agree with the index's info?
 * A comment that is not advdb's (another first word) agrees: the
 * signature alone binds the file then. advdb's must name the digest, and
 * every field it names must be the index's. 0, or -1 with what differs
 * in msg ("names digest X, the index's is Y"). */
int verify_comment_check(const char *c, const advdb_info *in, char *msg,
                         size_t cap);

/* BLAKE2b-512 of the size bytes of the file open on fd (pread from 0,
 * whatever its offset), as minisign prehashes. 0; 1 when the file ended
 * before size bytes; -1 with errno. Needs sodium_init(). */
int verify_hash_fd(uint8_t out[MS_HASH], int fd, uint64_t size);

/*
 * The check of advdb_open_verified() on one descriptor: the index at
 * path is open on fd; sigtext (siglen bytes) is its signature file,
 * named signame in messages. Checks the signature with key, opens path
 * with advdb_open() and makes sure that is the file of fd, then checks
 * the trusted comment against the index's meta. ADVDB_OK with *out
 * open and sig (may be NULL) filled, or an error with errbuf; *changed
 * is set when the file was replaced or changed while it was checked (a
 * caller may try again).
 */
int verify_open_fd(advdb **out, const char *path, int fd,
                   const char *sigtext, size_t siglen, const char *signame,
                   const advdb_key *key, advdb_signature *sig, int *changed,
                   char *errbuf, size_t errcap);

#endif
