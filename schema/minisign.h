/*
 * minisign.h — the minisign file formats, as text in memory: public key
 * files, secret key files (their layout; unlocking one is the compiler's
 * job, compiler/sign.c) and signature files (.minisig), parsed and
 * written. The compiler signs an index with them and libadvdb verifies
 * one (query/verify.c); nothing here does any cryptography, and nothing
 * reads a path (ms_read_fd() reads an open descriptor, capped).
 *
 * The formats are those of the minisign tool (jedisct1/minisign), so
 * `minisign -G` keys and `minisign -V` work with advdb's files:
 *
 *   public key    "untrusted comment: ..." LF
 *                 base64("Ed" keynum[8] pk[32]) LF
 *   secret key    "untrusted comment: ..." LF
 *                 base64("Ed" kdf[2] "B2" salt[32] opslimit[8 LE]
 *                        memlimit[8 LE] keynum[8] sk[64] chk[32]) LF
 *                 kdf "Sc": keynum..chk XORed with a scrypt stream of
 *                 the passphrase; kdf "\0\0": stored as they are
 *   signature     "untrusted comment: ..." LF
 *                 base64(alg[2] keynum[8] sig[64]) LF
 *                 "trusted comment: " text LF
 *                 base64(global_sig[64]) LF
 *                 alg "ED": sig is Ed25519 over BLAKE2b-512 of the file
 *                 (minisign >= 0.10's default); "Ed": over the file
 *                 itself (legacy). global_sig is Ed25519 over
 *                 sig || text, so the trusted comment cannot be changed.
 *
 * Invariants: every parser reads only the len bytes it is given, checks
 * every line's length against minisign's own limits before decoding it,
 * and fills *out only on success; a failure is -1 with "line N: message"
 * in err (the caller adds the path). Lines end in LF or CR LF; the last
 * LF may be missing; a NUL, a stray CR or anything after the last line is
 * an error (minisign never writes them).
 */
#ifndef ADVDB_SCHEMA_MINISIGN_H
#define ADVDB_SCHEMA_MINISIGN_H

#include <stddef.h>
#include <stdint.h>

#define MS_KEYNUM      8        /* key id bytes */
#define MS_PK          32       /* Ed25519 public key */
#define MS_SK          64       /* Ed25519 secret key (seed || pk) */
#define MS_SIG         64       /* Ed25519 signature */
#define MS_CHK         32       /* BLAKE2b-256 checksum of a secret key */
#define MS_SALT        32       /* scrypt salt */
#define MS_HASH        64       /* BLAKE2b-512 of a prehashed ("ED") file */
#define MS_KEYID_HEX   17       /* 16 hex digits and a NUL */

/* minisign's limits (minisign.h: COMMENTMAXBYTES, TRUSTEDCOMMENTMAXBYTES):
 * an untrusted comment line of at most 1022 bytes, a trusted comment line
 * of at most 8190, each without its LF. */
#define MS_COMMENT_LINE_MAX 1022
#define MS_TRUSTED_LINE_MAX 8190
#define MS_TRUSTED_PREFIX   "trusted comment: "
#define MS_UNTRUSTED_PREFIX "untrusted comment: "
#define MS_TRUSTED_MAX (MS_TRUSTED_LINE_MAX - (sizeof(MS_TRUSTED_PREFIX) - 1))
#define MS_FILE_MAX    16384    /* any key or signature file (bytes) */
#define MS_SUFFIX      ".minisig"

/* scrypt parameters a secret key may ask for: at most what minisign -G
 * uses (libsodium's "sensitive" limits: 1 GiB, a few seconds), so a
 * hostile key file cannot make the compiler allocate more. */
#define MS_OPSLIMIT_MAX 33554432ull
#define MS_MEMLIMIT_MAX 1073741824ull

typedef struct ms_pubkey {
	uint8_t keynum[MS_KEYNUM];
	uint8_t pk[MS_PK];
} ms_pubkey;

/* A secret key as its file stores it: keynum_sk is keynum[8] sk[64]
 * chk[32], encrypted when encrypted is set. */
typedef struct ms_seckey {
	int encrypted;              /* kdf "Sc" (scrypt), else "\0\0" */
	uint8_t salt[MS_SALT];
	uint64_t opslimit, memlimit;
	uint8_t keynum_sk[MS_KEYNUM + MS_SK + MS_CHK];
} ms_seckey;

typedef struct ms_sig {
	int prehashed;              /* "ED" (1) or legacy "Ed" (0) */
	uint8_t keynum[MS_KEYNUM];
	uint8_t sig[MS_SIG];        /* over the file, or its BLAKE2b-512 */
	uint8_t global[MS_SIG];     /* over sig || trusted */
	size_t trusted_len;
	char trusted[MS_TRUSTED_MAX + 1]; /* the trusted comment, NUL-ended:
	                               printable UTF-8 and tabs only */
} ms_sig;

/* Parse a public key file. 0, or -1 with err. */
int ms_pubkey_parse(ms_pubkey *out, const char *text, size_t len,
                    char *err, size_t errcap);

/* Parse a secret key file (nothing is decrypted). Refuses another
 * signature, checksum or KDF algorithm, and scrypt limits above
 * MS_OPSLIMIT_MAX / MS_MEMLIMIT_MAX. 0, or -1 with err. */
int ms_seckey_parse(ms_seckey *out, const char *text, size_t len,
                    char *err, size_t errcap);

/* Parse a signature file. 0, or -1 with err. */
int ms_sig_parse(ms_sig *out, const char *text, size_t len,
                 char *err, size_t errcap);

/* Write the signature file of s, with this untrusted comment (one line
 * of printable text), into out (cap bytes). The number of bytes written
 * (no NUL counted), or -1 when it does not fit or a comment is bad. */
int ms_sig_format(char *out, size_t cap, const ms_sig *s,
                  const char *untrusted);

/* The key id as minisign prints it: the 8 bytes read as a little-endian
 * number, 16 upper-case hex digits. */
void ms_keyid(char out[MS_KEYID_HEX], const uint8_t keynum[MS_KEYNUM]);

/* Is s[0..n) text minisign accepts in a comment: well-formed UTF-8 with
 * no control characters but tab? */
int ms_text_ok(const char *s, size_t n);

/* Read the regular file open on fd whole, at most MS_FILE_MAX bytes, into
 * buf (MS_FILE_MAX bytes). 0 with *len; 1 when it is larger; -1 with errno
 * (EINVAL: not a regular file). */
int ms_read_fd(char *buf, size_t *len, int fd);

#endif
