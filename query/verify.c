/*
 * verify.c — signed indexes: advdb_key_load(), advdb_open_verified() and
 * the internal calls of verify.h. Every cryptographic operation is
 * libsodium's (Ed25519, BLAKE2b); the file formats are schema/minisign.c.
 *
 * Why the order of advdb_open_verified(): the file's bytes are checked
 * before LMDB or any of our parsers reads them, so an unsigned file never
 * reaches them; the descriptor they were read from stays open while
 * advdb_open() opens the path, and the two must be one file (device,
 * inode, size, modification time), so what was checked is what is read.
 *
 * Concurrent replacement: advdb-compile renames the new signature into
 * place first, holding an exclusive flock(2) on it, then the new index,
 * then drops the lock (compiler/dbfile.c, dbfile_commit_pair). A reader
 * between the two renames sees a new signature beside the old index:
 * the check fails, the signature file is locked, so it waits (at most
 * VERIFY_WAIT_MS) and tries again. A reader whose index or signature
 * path names another file after a failed check (the rename happened
 * during the check) tries again too, at most VERIFY_ATTEMPTS times in
 * all. Any other failure is final.
 *
 * Invariants: no global state (libsodium's sodium_init() is its own,
 * idempotent and thread-safe); a key is never modified after load; a
 * failed call leaves *out NULL and nothing allocated.
 */
#include "verify.h"
#include "db_internal.h"
#include "errbuf.h"
#include "rfc3339.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#define VERIFY_ATTEMPTS 4            /* checks of one open, in all */
#define VERIFY_WAIT_MS  5000         /* for a compile's lock to go */
#define HASH_CHUNK      (64u << 10)  /* bytes read per pread: under
                                        malloc's mmap threshold */
#define LEGACY_MAX      (256u << 20) /* a legacy ("Ed") signature signs
                                        the file itself, so it is read
                                        whole into memory: capped */

_Static_assert(MS_TRUSTED_MAX + 1 <= ADVDB_COMMENT_MAX,
               "advdb_signature holds any trusted comment minisign allows");
_Static_assert(MS_KEYID_HEX == sizeof(((advdb_signature *)0)->key_id),
               "advdb_signature.key_id holds a key id");

struct advdb_key {
	ms_pubkey pk;
	char id[MS_KEYID_HEX];
	char *path;                  /* as loaded, for messages */
};

/* ---- keys ---- */

int advdb_key_load(advdb_key **out, const char *path, char *errbuf,
                   size_t errcap)
{
	char msg[256];
	char *buf = NULL;
	size_t len = 0;
	ms_pubkey pk;
	ms_seckey sk;
	int fd, rc, e;

	if (errbuf && errcap)
		errbuf[0] = '\0';
	if (!out)
		return buf_fail(errbuf, errcap, ADVDB_EINVAL, "advdb_key_load: no "
		                "place for the key");
	*out = NULL;
	if (!path || !*path)
		return buf_fail(errbuf, errcap, ADVDB_EINVAL, "advdb_key_load: no "
		                "path given");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return buf_fail(errbuf, errcap, errno == ENOENT || errno == ENOTDIR
		                ? ADVDB_ENOTFOUND : ADVDB_ERROR, "%s: cannot read the "
		                "public key: %s", path, strerror(errno));
	if (!(buf = malloc(MS_FILE_MAX))) {
		close(fd);
		return buf_fail(errbuf, errcap, ADVDB_ENOMEM, "%s: out of memory", path);
	}
	rc = ms_read_fd(buf, &len, fd);
	e = errno;
	close(fd);
	if (rc != 0) {
		free(buf);
		if (rc > 0)
			return buf_fail(errbuf, errcap, ADVDB_EKEY, "%s: larger than %d "
			                "bytes: not a minisign public key file", path,
			                MS_FILE_MAX);
		if (e == EINVAL)
			return buf_fail(errbuf, errcap, ADVDB_EKEY, "%s: not a regular "
			                "file: not a minisign public key file", path);
		return buf_fail(errbuf, errcap, ADVDB_ERROR, "%s: cannot read the "
		                "public key: %s", path, strerror(e));
	}
	if (ms_pubkey_parse(&pk, buf, len, msg, sizeof(msg)) < 0) {
		/* a common slip: the secret key where the public one goes */
		int secret = ms_seckey_parse(&sk, buf, len, NULL, 0) == 0;
		sodium_memzero(&sk, sizeof(sk));
		sodium_memzero(buf, MS_FILE_MAX);
		free(buf);
		if (secret)
			return buf_fail(errbuf, errcap, ADVDB_EKEY, "%s: a minisign "
			                "secret key, not a public key: give its .pub file "
			                "(and keep the secret key off the hosts that "
			                "verify)", path);
		int cut = strncmp(msg, "truncated: ", 11) == 0;
		return buf_fail(errbuf, errcap, ADVDB_EKEY, "%s: %s public key file: "
		                "%s", path, cut ? "truncated" : "malformed",
		                cut ? msg + 11 : msg);
	}
	free(buf);
	advdb_key *k = calloc(1, sizeof(*k));
	if (!k || !(k->path = strdup(path))) {
		free(k);
		return buf_fail(errbuf, errcap, ADVDB_ENOMEM, "%s: out of memory", path);
	}
	k->pk = pk;
	ms_keyid(k->id, pk.keynum);
	*out = k;
	return ADVDB_OK;
}

void advdb_key_free(advdb_key *key)
{
	if (!key)
		return;
	free(key->path);
	free(key);
}

const char *advdb_key_id(const advdb_key *key)
{
	return key ? key->id : "";
}

/* ---- the trusted comment ---- */

/* ISO 8601 UTC (rfc3339.h), "unknown" when there is none. */
static void iso_time(char out[64], int64_t t)
{
	if (!rfc3339_format(out, t))
		snprintf(out, 64, "unknown");
}

/* The value advdb's comment gives field `key` for this index; NULL for
 * a field it does not know. */
static const char *field_value(char buf[64], const char *key,
                               const advdb_info *in)
{
	if (!strcmp(key, "digest"))
		return in->digest[0] ? in->digest : "none";
	if (!strcmp(key, "commit"))
		return in->source_commit[0] ? in->source_commit : "none";
	if (!strcmp(key, "compiled")) {
		iso_time(buf, in->compile_time);
		return buf;
	}
	if (!strcmp(key, "advisories")) {
		snprintf(buf, 64, "%" PRIu64, in->advisory_count);
		return buf;
	}
	if (!strcmp(key, "schema")) {
		snprintf(buf, 64, "%u", in->schema_version);
		return buf;
	}
	return NULL;
}

int verify_comment(char *out, size_t cap, const advdb_info *in)
{
	static const char *const order[] = { "schema", "commit", "compiled",
	                                     "digest", "advisories" };
	size_t pos = 0;
	char v[64];
	int k = snprintf(out, cap, "%s", VERIFY_COMMENT_PREFIX);

	if (k < 0 || (size_t)k >= cap)
		return -1;
	pos = (size_t)k;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		k = snprintf(out + pos, cap - pos, " %s=%s", order[i],
		             field_value(v, order[i], in));
		if (k < 0 || (size_t)k >= cap - pos)
			return -1;
		pos += (size_t)k;
	}
	return 0;
}

int verify_comment_check(const char *c, const advdb_info *in, char *msg,
                         size_t cap)
{
	size_t pl = strlen(VERIFY_COMMENT_PREFIX);
	const char *p = c + pl;
	char seen[5][16] = { { 0 } }, v[64];
	size_t nseen = 0;
	int digest = 0;

	if (strncmp(c, VERIFY_COMMENT_PREFIX, pl) != 0 ||
	    (*p && *p != ' ' && *p != '\t'))
		return 0;               /* not advdb's: the signature binds */
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, " \t");
		const char *eq = memchr(p, '=', n);
		if (!eq) {              /* a word of text, not a field */
			p += n;
			continue;
		}
		char key[16];
		size_t kl = (size_t)(eq - p), vl = n - kl - 1;
		if (kl == 0 || kl >= sizeof(key)) {
			p += n;
			continue;
		}
		memcpy(key, p, kl);
		key[kl] = '\0';
		const char *want = field_value(v, key, in);
		if (want) {
			for (size_t i = 0; i < nseen; i++)
				if (!strcmp(seen[i], key)) {
					snprintf(msg, cap, "its trusted comment names %s "
					         "twice", key);
					return -1;
				}
			memcpy(seen[nseen++], key, kl + 1);
			if (strlen(want) != vl || memcmp(eq + 1, want, vl) != 0) {
				snprintf(msg, cap, "its trusted comment names %s %.*s, "
				         "the index's is %s", key,
				         (int)(vl > 80 ? 80 : vl), eq + 1, want);
				return -1;
			}
			digest |= !strcmp(key, "digest");
		}
		p += n;
	}
	if (!digest) {
		snprintf(msg, cap, "its trusted comment is advdb's but names no "
		         "digest");
		return -1;
	}
	return 0;
}

/* ---- the file ---- */

int verify_hash_fd(uint8_t out[MS_HASH], int fd, uint64_t size)
{
	crypto_generichash_state st;
	uint8_t *buf = malloc(HASH_CHUNK);
	uint64_t off = 0;

	if (!buf)
		return -1;
	crypto_generichash_init(&st, NULL, 0, MS_HASH);
	while (off < size) {
		size_t want = size - off < HASH_CHUNK ? (size_t)(size - off)
		                                      : HASH_CHUNK;
		ssize_t r = pread(fd, buf, want, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = errno;
			free(buf);
			if (r == 0)
				return 1;
			errno = e;
			return -1;
		}
		crypto_generichash_update(&st, buf, (size_t)r);
		off += (uint64_t)r;
	}
	free(buf);
	crypto_generichash_final(&st, out, MS_HASH);
	return 0;
}

/* A legacy signature signs the bytes themselves: read them whole. */
static int legacy_verify(int *ok, int fd, uint64_t size, const ms_sig *s,
                         const ms_pubkey *pk)
{
	uint8_t *buf;
	uint64_t off = 0;

	*ok = 0;
	if (size > LEGACY_MAX) {
		errno = EFBIG;
		return -1;
	}
	if (!(buf = malloc(size ? (size_t)size : 1)))
		return -1;
	while (off < size) {
		ssize_t r = pread(fd, buf + off, (size_t)(size - off), (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			return r == 0 ? 1 : -1;
		}
		off += (uint64_t)r;
	}
	*ok = crypto_sign_verify_detached(s->sig, buf, (size_t)size, pk->pk) == 0;
	free(buf);
	return 0;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Key, trusted comment and file against signature s. */
static int check_signature(const ms_sig *s, const advdb_key *key, int fd,
                           const struct stat *st, const char *path,
                           const char *signame, int *changed,
                           char *errbuf, size_t errcap)
{
	char id[MS_KEYID_HEX];
	uint8_t hash[MS_HASH];
	uint8_t *gm;
	struct stat after;
	int ok = 0, rc;

	if (sodium_memcmp(s->keynum, key->pk.keynum, MS_KEYNUM) != 0) {
		ms_keyid(id, s->keynum);
		return buf_fail(errbuf, errcap, ADVDB_ESIGNATURE, "%s: signed by key "
		                "%s, not by the trusted key %s (%s): refused", signame,
		                id, key->id, key->path);
	}
	/* The trusted comment first: it says what was signed. */
	if (!(gm = malloc(MS_SIG + s->trusted_len)))
		return buf_fail(errbuf, errcap, ADVDB_ENOMEM, "%s: out of memory",
		                signame);
	memcpy(gm, s->sig, MS_SIG);
	memcpy(gm + MS_SIG, s->trusted, s->trusted_len);
	ok = crypto_sign_verify_detached(s->global, gm, MS_SIG + s->trusted_len,
	                                 key->pk.pk) == 0;
	free(gm);
	if (!ok)
		return buf_fail(errbuf, errcap, ADVDB_ESIGNATURE, "%s: the trusted "
		                "comment or the signature line was altered (the global "
		                "signature does not verify with key %s): refused",
		                signame, key->id);
	if (s->prehashed) {
		rc = verify_hash_fd(hash, fd, (uint64_t)st->st_size);
		if (rc == 0)
			ok = crypto_sign_verify_detached(s->sig, hash, MS_HASH,
			                                 key->pk.pk) == 0;
	} else {
		rc = legacy_verify(&ok, fd, (uint64_t)st->st_size, s, &key->pk);
	}
	if (rc < 0)
		return buf_fail(errbuf, errcap, ADVDB_ERROR, "%s: cannot read it to "
		                "check its signature: %s", path, strerror(errno));
	if (rc > 0 || fstat(fd, &after) < 0 || !same_file(st, &after)) {
		*changed = 1;
		return buf_fail(errbuf, errcap, ADVDB_ESIGNATURE, "%s: changed while "
		                "its signature was checked: refused", path);
	}
	if (!ok)
		return buf_fail(errbuf, errcap, ADVDB_ESIGNATURE, "%s: does not match "
		                "its signature %s (key %s): the file was changed after "
		                "it was signed: refused", path, signame, key->id);
	return ADVDB_OK;
}

int verify_open_fd(advdb **out, const char *path, int fd,
                   const char *sigtext, size_t siglen, const char *signame,
                   const advdb_key *key, advdb_signature *sig, int *changed,
                   char *errbuf, size_t errcap)
{
	ms_sig *s = NULL;
	advdb *db = NULL;
	advdb_info info = ADVDB_INFO_INIT;
	struct stat st, lst;
	mdb_filehandle_t lfd;
	char msg[256];
	int rc;

	*out = NULL;
	*changed = 0;
	if (sodium_init() < 0)
		return buf_fail(errbuf, errcap, ADVDB_ERROR, "%s: libsodium cannot "
		                "start", path);
	if (fstat(fd, &st) < 0)
		return buf_fail(errbuf, errcap, ADVDB_ERROR, "%s: %s", path,
		                strerror(errno));
	if (!(s = malloc(sizeof(*s))))
		return buf_fail(errbuf, errcap, ADVDB_ENOMEM, "%s: out of memory",
		                signame);
	if (ms_sig_parse(s, sigtext, siglen, msg, sizeof(msg)) < 0) {
		int cut = strncmp(msg, "truncated: ", 11) == 0;
		rc = buf_fail(errbuf, errcap, ADVDB_ESIGNATURE, "%s: %s signature "
		              "file: %s: refused", signame,
		              cut ? "truncated" : "malformed", cut ? msg + 11 : msg);
		goto done;
	}
	rc = check_signature(s, key, fd, &st, path, signame, changed, errbuf,
	                     errcap);
	if (rc != ADVDB_OK)
		goto done;
	rc = advdb_open(&db, path, 0, errbuf, errcap);
	if (rc != ADVDB_OK)
		goto done;
	if (mdb_env_get_fd(db->env, &lfd) != 0 || fstat(lfd, &lst) < 0 ||
	    !same_file(&st, &lst)) {
		*changed = 1;
		rc = buf_fail(errbuf, errcap, ADVDB_ESIGNATURE, "%s: replaced while "
		              "its signature was checked: refused", path);
		goto done;
	}
	if ((rc = advdb_info_get(&info, db)) != ADVDB_OK) {
		rc = buf_fail(errbuf, errcap, rc, "%s", advdb_last_error(db));
		goto done;
	}
	if (verify_comment_check(s->trusted, &info, msg, sizeof(msg)) < 0) {
		rc = buf_fail(errbuf, errcap, ADVDB_ESIGNATURE, "%s: signed for another "
		              "index: %s: refused", signame, msg);
		goto done;
	}
	if (sig) {
		ms_keyid(sig->key_id, s->keynum);
		sig->prehashed = s->prehashed;
		memcpy(sig->trusted_comment, s->trusted, s->trusted_len + 1);
	}
	*out = db;
	db = NULL;
	rc = ADVDB_OK;
done:
	advdb_close(db);
	free(s);
	return rc;
}

/* ---- advdb_open_verified ---- */

/* Does path now name another file than the one st describes (or none,
 * when st is NULL: then, does it name one now)? */
static int path_moved(const char *path, const struct stat *st)
{
	struct stat now;

	if (stat(path, &now) < 0)
		return st != NULL;
	return !st || now.st_dev != st->st_dev || now.st_ino != st->st_ino;
}

/* Is a compile putting a new index and this signature in place (it holds
 * an exclusive lock on the signature from before its rename until the
 * index's)? Waits for it, at most VERIFY_WAIT_MS: 1 when there was a
 * lock and it went, 0 otherwise. */
static int writer_was_busy(int sfd)
{
	struct timespec ms = { 0, 1000000 };

	for (int waited = 0; waited <= VERIFY_WAIT_MS; waited++) {
		if (flock(sfd, LOCK_SH | LOCK_NB) == 0) {
			(void)flock(sfd, LOCK_UN);
			return waited > 0;
		}
		if (errno != EWOULDBLOCK && errno != EINTR)
			return 0;           /* no flock here: paths tell */
		nanosleep(&ms, NULL);
	}
	return 0;
}

/* One check of path against sigpath. *again: a replacement may explain
 * the failure, try again. */
static int verify_once(advdb **out, const char *path, const char *sigpath,
                       const advdb_key *key, advdb_signature *sig,
                       char *buf, int *again, char *errbuf, size_t errcap)
{
	struct stat st, sst;
	size_t len = 0;
	int fd, sfd = -1, rc, changed = 0, r, e;

	*again = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size == 0) {
		/* advdb_open says what is wrong with it in its own words */
		if (fd >= 0)
			close(fd);
		rc = advdb_open(out, path, 0, errbuf, errcap);
		if (rc != ADVDB_OK)
			return rc;
		advdb_close(*out);      /* it became an index meanwhile */
		*out = NULL;
		*again = 1;
		return buf_fail(errbuf, errcap, ADVDB_ERROR, "%s: replaced while it "
		                "was opened", path);
	}
	sfd = open(sigpath, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (sfd < 0) {
		e = errno;
		*again = path_moved(path, &st) || path_moved(sigpath, NULL);
		close(fd);
		if (e == ENOENT)
			return buf_fail(errbuf, errcap, ADVDB_ESIGNATURE, "%s: not signed: "
			                "no signature file %s (sign the index with "
			                "advdb-compile --sign, or minisign -S): refused",
			                path, sigpath);
		return buf_fail(errbuf, errcap, ADVDB_ESIGNATURE, "%s: cannot read "
		                "the signature: %s: refused", sigpath, strerror(e));
	}
	r = ms_read_fd(buf, &len, sfd);
	e = errno;
	if (r != 0) {
		if (r > 0)
			rc = buf_fail(errbuf, errcap, ADVDB_ESIGNATURE, "%s: larger than "
			              "%d bytes: not a minisign signature file: refused",
			              sigpath, MS_FILE_MAX);
		else if (e == EINVAL)
			rc = buf_fail(errbuf, errcap, ADVDB_ESIGNATURE, "%s: not a regular "
			              "file: refused", sigpath);
		else
			rc = buf_fail(errbuf, errcap, ADVDB_ESIGNATURE, "%s: cannot read "
			              "the signature: %s: refused", sigpath, strerror(e));
		goto done;
	}
	rc = verify_open_fd(out, path, fd, buf, len, sigpath, key, sig,
	                    &changed, errbuf, errcap);
	if (rc != ADVDB_OK && rc != ADVDB_ENOMEM)
		*again = changed || writer_was_busy(sfd) ||
		         path_moved(path, &st) ||
		         (fstat(sfd, &sst) == 0 && path_moved(sigpath, &sst));
done:
	close(sfd);
	close(fd);
	return rc;
}

int advdb_signature_init(advdb_signature *sig, unsigned version)
{
	return struct_init(sig, sizeof *sig, version, ADVDB_SIGNATURE_VERSION);
}

int advdb_open_verified(advdb **out, const char *path, const advdb_key *key,
                        advdb_signature *sig, char *errbuf, size_t errcap)
{
	char *sigpath = NULL, *buf = NULL;
	int rc, again = 0;

	if (errbuf && errcap)
		errbuf[0] = '\0';
	if (!out)
		return buf_fail(errbuf, errcap, ADVDB_EINVAL, "advdb_open_verified: "
		                "no place for the handle");
	*out = NULL;
	if (sig && sig->version != ADVDB_SIGNATURE_VERSION)
		return buf_fail(errbuf, errcap, ADVDB_EINVAL, "advdb_open_verified: "
		                "advdb_signature version %u (this library knows %d: "
		                "use ADVDB_SIGNATURE_INIT)", sig->version,
		                ADVDB_SIGNATURE_VERSION);
	if (!path || !*path || !key)
		return buf_fail(errbuf, errcap, ADVDB_EINVAL, "advdb_open_verified: "
		                "no %s given", key ? "path" : "key");
	size_t pl = strlen(path);
	sigpath = malloc(pl + sizeof(MS_SUFFIX));
	buf = malloc(MS_FILE_MAX);
	if (!sigpath || !buf) {
		rc = buf_fail(errbuf, errcap, ADVDB_ENOMEM, "%s: out of memory", path);
		goto done;
	}
	memcpy(sigpath, path, pl);
	memcpy(sigpath + pl, MS_SUFFIX, sizeof(MS_SUFFIX));
	for (int attempt = 1;; attempt++) {
		rc = verify_once(out, path, sigpath, key, sig, buf, &again, errbuf,
		                 errcap);
		if (rc == ADVDB_OK || !again || attempt >= VERIFY_ATTEMPTS)
			break;
	}
done:
	free(sigpath);
	free(buf);
	return rc;
}
