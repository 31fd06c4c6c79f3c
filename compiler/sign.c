/*
 * sign.c — see sign.h: minisign secret keys unlocked, new indexes signed,
 * installed indexes' signatures carried. Every cryptographic operation
 * is libsodium's: scrypt (crypto_pwhash_scryptsalsa208sha256) to unlock,
 * BLAKE2b for the key's checksum and the file's hash (verify.h), Ed25519
 * to sign. Each signature made is verified with the key's own public
 * half before it is written, as minisign does.
 */
#include "sign.h"
#include "errbuf.h"
#include "minisign.h"
#include "passphrase.h"
#include "verify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

struct signer {
	uint8_t keynum[MS_KEYNUM];
	uint8_t sk[MS_SK];           /* seed || public key */
	char id[MS_KEYID_HEX];
};

/* BLAKE2b-256 of "Ed" || keynum || sk: minisign's key checksum. */
static void key_checksum(uint8_t out[MS_CHK], const uint8_t *keynum_sk)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, MS_CHK);
	crypto_generichash_update(&st, (const uint8_t *)"Ed", 2);
	crypto_generichash_update(&st, keynum_sk, MS_KEYNUM + MS_SK);
	crypto_generichash_final(&st, out, MS_CHK);
}

/* Decrypt k->keynum_sk in place with the passphrase (scrypt stream). */
static int unlock(ms_seckey *k, const char *path, int pass_fd, char *err,
                  size_t errcap)
{
	char prompt[256];
	char *pw = sodium_malloc(PASSPHRASE_MAX + 1);
	uint8_t *stream = sodium_malloc(sizeof(k->keynum_sk));
	int rc = -1;

	if (!pw || !stream) {
		errbuf_set(err, errcap, "%s: out of memory", path);
		goto done;
	}
	snprintf(prompt, sizeof(prompt), "Passphrase for %.200s: ", path);
	if (passphrase_read(pw, pass_fd, prompt, err, errcap) < 0)
		goto done;
	if (crypto_pwhash_scryptsalsa208sha256(stream, sizeof(k->keynum_sk), pw,
	                                       strlen(pw), k->salt,
	                                       (unsigned long long)k->opslimit,
	                                       (size_t)k->memlimit) != 0) {
		errbuf_set(err, errcap, "%s: cannot derive the key from the "
		           "passphrase (scrypt, %llu MiB): %s", path,
		           (unsigned long long)(k->memlimit >> 20),
		           strerror(errno ? errno : ENOMEM));
		goto done;
	}
	for (size_t i = 0; i < sizeof(k->keynum_sk); i++)
		k->keynum_sk[i] ^= stream[i];
	rc = 0;
done:
	sodium_free(pw);
	sodium_free(stream);
	return rc;
}

int signer_load(signer **out, const char *path, int pass_fd, char *err,
                size_t errcap)
{
	char msg[256];
	char *text = NULL;
	ms_seckey *k = NULL;
	signer *s = NULL;
	uint8_t chk[MS_CHK], pk[MS_PK], sk2[MS_SK];
	size_t len = 0;
	int fd = -1, r, e;

	*out = NULL;
	if (sodium_init() < 0) {
		errbuf_set(err, errcap, "%s: libsodium cannot start", path);
		return -1;
	}
	text = sodium_malloc(MS_FILE_MAX);
	k = sodium_malloc(sizeof(*k));
	s = sodium_malloc(sizeof(*s));
	if (!text || !k || !s) {
		errbuf_set(err, errcap, "%s: out of memory", path);
		goto fail;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		errbuf_set(err, errcap, "%s: cannot read the secret key: %s", path,
		           strerror(errno));
		goto fail;
	}
	r = ms_read_fd(text, &len, fd);
	e = errno;
	close(fd);
	if (r != 0) {
		if (r > 0)
			errbuf_set(err, errcap, "%s: larger than %d bytes: not a "
			           "minisign secret key file", path, MS_FILE_MAX);
		else
			errbuf_set(err, errcap, "%s: cannot read the secret key: %s",
			           path, e == EINVAL ? "not a regular file"
			                              : strerror(e));
		goto fail;
	}
	if (ms_seckey_parse(k, text, len, msg, sizeof(msg)) < 0) {
		ms_pubkey pub;
		if (ms_pubkey_parse(&pub, text, len, NULL, 0) == 0)
			errbuf_set(err, errcap, "%s: a minisign public key; --sign "
			           "needs the secret key (minisign -G writes it to "
			           "~/.minisign/minisign.key unless -s says where)",
			           path);
		else
			errbuf_set(err, errcap, "%s: malformed secret key file: %s",
			           path, msg);
		goto fail;
	}
	if (k->encrypted && unlock(k, path, pass_fd, err, errcap) < 0)
		goto fail;
	key_checksum(chk, k->keynum_sk);
	const uint8_t *stored = k->keynum_sk + MS_KEYNUM + MS_SK;
	/* minisign -W leaves an unencrypted key's checksum all zero */
	if (sodium_memcmp(chk, stored, MS_CHK) != 0 &&
	    (k->encrypted || !sodium_is_zero(stored, MS_CHK))) {
		errbuf_set(err, errcap, k->encrypted
		           ? "%s: wrong passphrase for this key (its checksum "
		              "does not match)"
		           : "%s: damaged secret key: its checksum does not match",
		           path);
		goto fail;
	}
	memcpy(s->keynum, k->keynum_sk, MS_KEYNUM);
	memcpy(s->sk, k->keynum_sk + MS_KEYNUM, MS_SK);
	/* The public half stored in sk must be the seed's. */
	if (crypto_sign_seed_keypair(pk, sk2, s->sk) != 0 ||
	    sodium_memcmp(pk, s->sk + 32, MS_PK) != 0) {
		errbuf_set(err, errcap, "%s: damaged secret key: its public half "
		           "is not its seed's", path);
		goto fail;
	}
	ms_keyid(s->id, s->keynum);
	sodium_memzero(sk2, sizeof(sk2));
	sodium_free(text);
	sodium_free(k);
	*out = s;
	return 0;
fail:
	sodium_memzero(sk2, sizeof(sk2));
	sodium_free(text);
	sodium_free(k);
	sodium_free(s);
	return -1;
}

void signer_free(signer *s)
{
	sodium_free(s);                 /* zeroes it; NULL is fine */
}

const char *signer_key_id(const signer *s)
{
	return s->id;
}

/* The index's meta, read from the file about to be put in place. */
static int index_info(advdb_info *info, const char *tmp, char *err,
                      size_t errcap)
{
	advdb *db = NULL;
	char msg[512];
	int rc;

	if (advdb_open(&db, tmp, 0, msg, sizeof(msg)) != ADVDB_OK) {
		errbuf_set(err, errcap, "%s", msg);
		return -1;
	}
	rc = advdb_info_get(info, db);
	if (rc != ADVDB_OK)
		errbuf_set(err, errcap, "%s", advdb_last_error(db));
	advdb_close(db);
	return rc == ADVDB_OK ? 0 : -1;
}

/* Sign the file open on fd (at tmp) with s: the .minisig text. */
static int sign_file(char **text, size_t *len, signer *s, int fd,
                     const char *tmp, char *err, size_t errcap)
{
	advdb_info info = ADVDB_INFO_INIT;
	uint8_t hash[MS_HASH], *gm = NULL;
	struct stat st;
	ms_sig *sig = calloc(1, sizeof(*sig));
	char untrusted[64];
	char *out = malloc(MS_FILE_MAX);
	int rc = -1, n = 0;

	if (!sig || !out) {
		errbuf_set(err, errcap, "%s: out of memory", tmp);
		goto done;
	}
	if (index_info(&info, tmp, err, errcap) < 0)
		goto done;
	if (verify_comment(sig->trusted, sizeof(sig->trusted), &info) < 0 ||
	    fstat(fd, &st) < 0 ||
	    (n = verify_hash_fd(hash, fd, (uint64_t)st.st_size)) != 0) {
		errbuf_set(err, errcap, "%s: cannot hash the new index to sign "
		           "it: %s", tmp, n > 0 ? "it ended early" : strerror(errno));
		goto done;
	}
	sig->trusted_len = strlen(sig->trusted);
	sig->prehashed = 1;
	memcpy(sig->keynum, s->keynum, MS_KEYNUM);
	if (!(gm = malloc(MS_SIG + sig->trusted_len))) {
		errbuf_set(err, errcap, "%s: out of memory", tmp);
		goto done;
	}
	crypto_sign_detached(sig->sig, NULL, hash, MS_HASH, s->sk);
	memcpy(gm, sig->sig, MS_SIG);
	memcpy(gm + MS_SIG, sig->trusted, sig->trusted_len);
	crypto_sign_detached(sig->global, NULL, gm, MS_SIG + sig->trusted_len,
	                     s->sk);
	/* What a reader will check, checked now with the public half. */
	if (crypto_sign_verify_detached(sig->sig, hash, MS_HASH, s->sk + 32) ||
	    crypto_sign_verify_detached(sig->global, gm,
	                                MS_SIG + sig->trusted_len, s->sk + 32)) {
		errbuf_set(err, errcap, "%s: the signature made does not verify "
		           "(a bug or a hardware fault): nothing replaced", tmp);
		goto done;
	}
	snprintf(untrusted, sizeof(untrusted), "signature from advdb-compile, "
	         "key %s", s->id);
	n = ms_sig_format(out, MS_FILE_MAX, sig, untrusted);
	if (n < 0) {
		errbuf_set(err, errcap, "%s: cannot format the signature", tmp);
		goto done;
	}
	*text = out;
	*len = (size_t)n;
	out = NULL;
	rc = 0;
done:
	free(gm);
	free(sig);
	free(out);
	return rc;
}

/* SRC.minisig goes along with the copy of SRC at tmp (open on fd). */
static int carry(sign_plan *p, char **text, size_t *len, int fd,
                 const char *tmp, char *err, size_t errcap)
{
	char *path = malloc(strlen(p->carry_from) + sizeof(MS_SUFFIX));
	char *buf = malloc(MS_FILE_MAX);
	char msg[512];
	ms_sig *sig = malloc(sizeof(*sig));
	size_t n = 0;
	int sfd = -1, rc = -1, r, e;

	if (!path || !buf || !sig) {
		errbuf_set(err, errcap, "%s: out of memory", tmp);
		goto done;
	}
	strcpy(path, p->carry_from);
	strcat(path, MS_SUFFIX);
	sfd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (sfd < 0) {
		if (errno == ENOENT && !p->trust) {
			rc = 0;             /* unsigned: nothing to carry */
			goto done;
		}
		errbuf_set(err, errcap, "%s: %s", path, errno == ENOENT
		           ? "no such file: the index to install is not signed, "
		              "and --trust-key wants it signed"
		           : strerror(errno));
		goto done;
	}
	r = ms_read_fd(buf, &n, sfd);
	e = errno;
	if (r != 0) {
		errbuf_set(err, errcap, "%s: %s", path, r > 0 ? "larger than 16384 "
		           "bytes: not a minisign signature file"
		           : e == EINVAL ? "not a regular file" : strerror(e));
		goto done;
	}
	if (ms_sig_parse(sig, buf, n, msg, sizeof(msg)) < 0) {
		errbuf_set(err, errcap, "%s: malformed signature file: %s", path,
		           msg);
		goto done;
	}
	ms_keyid(p->key_id, sig->keynum);
	if (p->trust) {
		advdb *db = NULL;
		int changed = 0;
		if (verify_open_fd(&db, tmp, fd, buf, n, path, p->trust, NULL,
		                   &changed, msg, sizeof(msg)) != ADVDB_OK) {
			errbuf_set(err, errcap, "%s", msg);
			goto done;
		}
		advdb_close(db);
		p->verified = 1;
	} else {
		/* Unverified, but at least about this index. */
		advdb_info info = ADVDB_INFO_INIT;
		if (index_info(&info, tmp, err, errcap) < 0)
			goto done;
		if (verify_comment_check(sig->trusted, &info, msg, sizeof(msg)) < 0) {
			errbuf_set(err, errcap, "%s: signed for another index: %s",
			           path, msg);
			goto done;
		}
	}
	p->carried = 1;
	*text = buf;
	*len = n;
	buf = NULL;
	rc = 0;
done:
	if (sfd >= 0)
		close(sfd);
	free(sig);
	free(buf);
	free(path);
	return rc;
}

int sign_plan_run(void *arg, int fd, const char *tmp, char **text,
                  size_t *len, char *err, size_t errcap)
{
	sign_plan *p = arg;

	*text = NULL;
	*len = 0;
	if (p->carry_from && (p->trust || !p->signer)) {
		if (carry(p, text, len, fd, tmp, err, errcap) < 0)
			return -1;
		if (!p->signer)
			return 0;
		free(*text);            /* checked; now signed anew */
		*text = NULL;
		p->carried = 0;
	}
	if (!p->signer)
		return 0;
	if (sign_file(text, len, p->signer, fd, tmp, err, errcap) < 0)
		return -1;
	memcpy(p->key_id, p->signer->id, sizeof(p->key_id));
	return 0;
}
