/*
 * sign.h — what advdb-compile does with signatures: sign a new index
 * with a minisign secret key (--sign), and carry the signature of an
 * index it installs (--install SRC takes SRC.minisig along, checked with
 * --trust-key when given). The writer puts the text made here in place
 * with the index (writer.h: writer_set_signature).
 *
 * The signature is minisign's prehashed kind ("ED": Ed25519 over the
 * BLAKE2b-512 of the file, minisign >= 0.10's default), so `minisign -V
 * -p KEY.pub -m DB` checks it; its trusted comment is advdb's (verify.h:
 * commit, compile time, digest, count), read from the very file signed.
 *
 * Secrets (the decrypted key, the passphrase, the scrypt stream) live in
 * libsodium's guarded memory (sodium_malloc: locked, zeroed on free) and
 * nowhere else. A signer is used by one thread.
 */
#ifndef ADVDB_COMPILER_SIGN_H
#define ADVDB_COMPILER_SIGN_H

#include <stddef.h>
#include "advdb.h"

typedef struct signer signer;

/* Load the minisign secret key file at path (as `minisign -G` makes it:
 * scrypt-encrypted, or unencrypted with -W). An encrypted key's
 * passphrase comes from pass_fd when >= 0, else from the terminal
 * (passphrase.h). The key's checksum and its two halves are checked, so
 * a wrong passphrase or a damaged file is an error here, before any
 * compile. 0, or -1 with err naming path. */
int signer_load(signer **out, const char *path, int pass_fd, char *err,
                size_t errcap);
void signer_free(signer *s);

/* The key id (16 hex digits, as minisign prints it). */
const char *signer_key_id(const signer *s);

/* What to do with the signature of the index being put in place; the
 * argument of sign_plan_run. Zero it, then set what applies. */
typedef struct sign_plan {
	signer *signer;             /* --sign: sign the new index with it */
	const char *carry_from;     /* --install SRC: SRC's signature file
	                               "SRC.minisig" goes along (when signer
	                               is NULL) */
	const advdb_key *trust;     /* --trust-key: SRC.minisig must verify
	                               with it, on the copy installed */
	/* results, for the caller's messages */
	int carried;                /* SRC.minisig was carried */
	int verified;               /* ... and verified with trust */
	char key_id[17];            /* of the signature put in place */
} sign_plan;

/* The writer_sign_fn (writer.h) for a plan: arg is a sign_plan. */
int sign_plan_run(void *arg, int fd, const char *tmp, char **text,
                  size_t *len, char *err, size_t errcap);

#endif
