/*
 * test_sign.c — signed indexes: the minisign formats (schema/minisign.c),
 * secret keys and signing (compiler/sign.c), the signature put in place
 * with the index (compiler/writer_sign.c, dbfile_commit_pair), and
 * verification (query/verify.c: advdb_open_verified).
 *
 * Keys are made here with libsodium, never read from the repository;
 * encrypted ones use scrypt's smallest limits so a test takes
 * milliseconds (tests/e2e/sign.sh uses minisign's own keys and limits).
 * Each refusal is checked for its own message, so one kind of damage is
 * never reported as another.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "advdb.h"
#include "minisign.h"
#include "record.h"
#include "sign.h"
#include "verify.h"
#include "version.h"
#include "writer.h"
#include "testlib.h"

#define COMMIT "0123456789abcdef0123456789abcdef01234567"

typedef struct fx {
	char dir[64], db[128], sig[160], pub[128], sec[128];
	char err[1024];
	uint8_t keynum[MS_KEYNUM], pk[MS_PK], sk[MS_SK];
} fx;

/* ---- keys, made here ---- */

static void b64(char *out, size_t cap, const uint8_t *bin, size_t n)
{
	sodium_bin2base64(out, cap, bin, n, sodium_base64_VARIANT_ORIGINAL);
}

static void write_text(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void new_keypair(uint8_t keynum[MS_KEYNUM], uint8_t pk[MS_PK],
                        uint8_t sk[MS_SK])
{
	randombytes_buf(keynum, MS_KEYNUM);
	assert_int_equal(crypto_sign_keypair(pk, sk), 0);
}

static void write_pub(const char *path, const uint8_t *keynum,
                      const uint8_t *pk)
{
	uint8_t raw[2 + MS_KEYNUM + MS_PK];
	char line[128], text[256];

	memcpy(raw, "Ed", 2);
	memcpy(raw + 2, keynum, MS_KEYNUM);
	memcpy(raw + 2 + MS_KEYNUM, pk, MS_PK);
	b64(line, sizeof(line), raw, sizeof(raw));
	int n = snprintf(text, sizeof(text), "untrusted comment: minisign "
	                 "public key\n%s\n", line);
	write_text(path, text, (size_t)n);
}

enum { CHK_ZERO, CHK_GOOD, CHK_BAD };

/* A secret key file: unencrypted (pass NULL, checksum as chk says) or
 * encrypted with pass at scrypt's smallest limits (ops, mem: 0 for
 * those). */
static void write_sec(const char *path, const uint8_t *keynum,
                      const uint8_t *sk, const char *pass, int chk,
                      uint64_t ops, uint64_t mem)
{
	uint8_t raw[158], *ks = raw + 6 + 32 + 16, stream[104];
	char line[256], text[512];
	crypto_generichash_state st;

	memset(raw, 0, sizeof(raw));
	memcpy(raw, "Ed", 2);
	memcpy(raw + 2, pass ? "Sc" : "\0\0", 2);
	memcpy(raw + 4, "B2", 2);
	memcpy(ks, keynum, MS_KEYNUM);
	memcpy(ks + MS_KEYNUM, sk, MS_SK);
	if (pass || chk != CHK_ZERO) {
		crypto_generichash_init(&st, NULL, 0, MS_CHK);
		crypto_generichash_update(&st, (const uint8_t *)"Ed", 2);
		crypto_generichash_update(&st, ks, MS_KEYNUM + MS_SK);
		crypto_generichash_final(&st, ks + MS_KEYNUM + MS_SK, MS_CHK);
		if (chk == CHK_BAD)
			ks[MS_KEYNUM + MS_SK] ^= 1;
	}
	if (pass) {
		if (!ops)
			ops = crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN;
		if (!mem)
			mem = crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN;
		randombytes_buf(raw + 6, 32);
		for (int i = 0; i < 8; i++) {
			raw[38 + i] = (uint8_t)(ops >> (8 * i));
			raw[46 + i] = (uint8_t)(mem >> (8 * i));
		}
		if (ops <= MS_OPSLIMIT_MAX && mem <= MS_MEMLIMIT_MAX) {
			assert_int_equal(crypto_pwhash_scryptsalsa208sha256(
			    stream, sizeof(stream), pass, strlen(pass), raw + 6, ops,
			    (size_t)mem), 0);
			for (size_t i = 0; i < sizeof(stream); i++)
				ks[i] ^= stream[i];
		}
	}
	b64(line, sizeof(line), raw, sizeof(raw));
	int n = snprintf(text, sizeof(text), "untrusted comment: test secret "
	                 "key\n%s\n", line);
	write_text(path, text, (size_t)n);
}

/* A descriptor that reads text, then end of file. */
static int pass_fd(const char *text)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], text, strlen(text)), (ssize_t)strlen(text));
	close(p[1]);
	return p[0];
}

/* ---- indexes, made here ---- */

typedef struct adv {
	adv_record r;
	char id[32], pkg[32], path[96], title[64];
	range rg[1];
} adv;

/* An index of n advisories (n > 0) at path, signed when plan is set. */
static writer_stats build(fx *f, const char *path, int n, sign_plan *plan)
{
	writer *w;
	writer_stats st;
	adv a;
	const char *e;

	assert_int_equal(writer_open(&w, path, f->err, sizeof(f->err)), 0);
	for (int i = 0; i < n; i++) {
		memset(&a, 0, sizeof(a));
		snprintf(a.id, sizeof(a.id), "RUSTSEC-2020-%04d", i + 1);
		snprintf(a.pkg, sizeof(a.pkg), "pkg%d", i % 4);
		snprintf(a.path, sizeof(a.path), "crates/%s/%s.md", a.pkg, a.id);
		snprintf(a.title, sizeof(a.title), "Problem %d", i);
		a.r.id = a.id;
		a.r.package = a.pkg;
		a.r.date = "2020-01-01";
		a.r.title = a.title;
		a.r.description = "A description long enough to be a record.\n";
		a.r.collection = ADV_CRATES;
		a.rg[0].has_fixed = 1;
		assert_int_equal(version_parse(&a.rg[0].fixed, "1.2.3", 5, &e), 0);
		a.r.ranges = a.rg;
		a.r.nranges = 1;
		assert_int_equal(writer_add(w, &a.r, "rustsec", a.path, f->err,
		                            sizeof(f->err)), 0);
	}
	assert_int_equal(writer_set_source(w, "rustsec", COMMIT, 1600000000), 0);
	if (plan)
		writer_set_signature(w, sign_plan_run, plan);
	if (writer_commit(w, &st, f->err, sizeof(f->err)) != 0)
		fail_msg("writer_commit: %s", f->err);
	writer_close(w);
	return st;
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	if (!f || sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/advdb-test-sign.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/index.lmdb", f->dir);
	snprintf(f->sig, sizeof(f->sig), "%s.minisig", f->db);
	snprintf(f->pub, sizeof(f->pub), "%s/key.pub", f->dir);
	snprintf(f->sec, sizeof(f->sec), "%s/key.sec", f->dir);
	new_keypair(f->keynum, f->pk, f->sk);
	write_pub(f->pub, f->keynum, f->pk);
	write_sec(f->sec, f->keynum, f->sk, NULL, CHK_ZERO, 0, 0);
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

static void assert_has(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("\"%s\" does not say \"%s\"", text, part);
}

static void read_all(const char *path, char **out, size_t *len)
{
	struct stat st;
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fstat(fileno(fp), &st), 0);
	*len = (size_t)st.st_size;
	*out = malloc(*len + 1);
	assert_non_null(*out);
	assert_int_equal(fread(*out, 1, *len, fp), *len);
	(*out)[*len] = '\0';
	fclose(fp);
}

/* Sign the index at db with key (keynum, sk) by hand, as minisign would:
 * any trusted comment, prehashed or legacy, into sigpath. */
static void sign_by_hand(const char *db, const char *sigpath,
                         const uint8_t *keynum, const uint8_t *sk,
                         const char *comment, int legacy)
{
	char *file, *text = malloc(MS_FILE_MAX);
	size_t len;
	uint8_t hash[MS_HASH], gm[MS_SIG + 512];
	ms_sig s;

	read_all(db, &file, &len);
	memset(&s, 0, sizeof(s));
	s.prehashed = !legacy;
	memcpy(s.keynum, keynum, MS_KEYNUM);
	if (legacy) {
		crypto_sign_detached(s.sig, NULL, (uint8_t *)file, len, sk);
	} else {
		crypto_generichash(hash, MS_HASH, (uint8_t *)file, len, NULL, 0);
		crypto_sign_detached(s.sig, NULL, hash, MS_HASH, sk);
	}
	s.trusted_len = strlen(comment);
	assert_true(s.trusted_len < 512);
	memcpy(s.trusted, comment, s.trusted_len + 1);
	memcpy(gm, s.sig, MS_SIG);
	memcpy(gm + MS_SIG, comment, s.trusted_len);
	crypto_sign_detached(s.global, NULL, gm, MS_SIG + s.trusted_len, sk);
	int n = ms_sig_format(text, MS_FILE_MAX, &s, "by hand");
	assert_true(n > 0);
	write_text(sigpath, text, (size_t)n);
	free(text);
	free(file);
}

/* advdb_open_verified of f->db with the key file at pub: its code, and
 * the message in f->err. */
static int open_verified(fx *f, const char *pub, advdb_signature *sig)
{
	advdb_key *k = NULL;
	advdb *db = NULL;
	int rc = advdb_key_load(&k, pub, f->err, sizeof(f->err));
	if (rc != ADVDB_OK)
		return rc;
	rc = advdb_open_verified(&db, f->db, k, sig, f->err, sizeof(f->err));
	if (rc == ADVDB_OK)
		assert_non_null(db);
	else
		assert_null(db);
	advdb_close(db);
	advdb_key_free(k);
	return rc;
}

static void load_signer(fx *f, signer **s)
{
	if (signer_load(s, f->sec, -1, f->err, sizeof(f->err)) != 0)
		fail_msg("signer_load: %s", f->err);
}

/* ---- the formats ---- */

static void test_minisign_pubkey__parse_and_refuse(void **state)
{
	fx *f = *state;
	char *text, bad[512], err[256];
	size_t len;
	ms_pubkey pk;
	static const struct { const char *text, *says; } cases[] = {
		{ "", "empty file" },
		{ "untrusted comment: x\n", "ends after line 1" },
		{ "untrusted comment: x", "ends inside line 1" },
		{ "comment: x\nRWQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
		  "does not start with" },
		{ "untrusted comment: x\nRWQAAAAA\n", "56 characters of base64" },
		{ "untrusted comment: x\nRWQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*A\n",
		  "not valid base64" },
		{ "untrusted comment: x\nRUQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
		  "key algorithm" },
		{ "untrusted comment: x\nRWQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nmore\n",
		  "text after the last line" },
		{ "untrusted comment: a\rb\nRWQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
		  "carriage return" },
	};

	read_all(f->pub, &text, &len);
	assert_int_equal(ms_pubkey_parse(&pk, text, len, err, sizeof(err)), 0);
	assert_memory_equal(pk.keynum, f->keynum, MS_KEYNUM);
	assert_memory_equal(pk.pk, f->pk, MS_PK);
	/* CR LF line ends, and no LF after the last line, are minisign's too */
	char *nl = strchr(text, '\n');
	int n = snprintf(bad, sizeof(bad), "%.*s\r\n%.*s", (int)(nl - text), text,
	                 (int)(len - (size_t)(nl - text) - 2), nl + 1);
	assert_int_equal(ms_pubkey_parse(&pk, bad, (size_t)n, err, sizeof(err)), 0);
	assert_memory_equal(pk.pk, f->pk, MS_PK);
	/* a NUL inside is never text */
	memcpy(bad, text, len);
	bad[len - 5] = '\0';
	assert_int_equal(ms_pubkey_parse(&pk, bad, len, err, sizeof(err)), -1);
	assert_has(err, "NUL");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(ms_pubkey_parse(&pk, cases[i].text,
		                                 strlen(cases[i].text), err,
		                                 sizeof(err)), -1);
		assert_has(err, cases[i].says);
	}
	free(text);
}

static void test_minisign_sig__round_trip_and_every_cut(void **state)
{
	(void)state;
	ms_sig s, back;
	char *text = malloc(MS_FILE_MAX), err[256];
	int n;

	memset(&s, 0, sizeof(s));
	s.prehashed = 1;
	randombytes_buf(s.keynum, MS_KEYNUM);
	randombytes_buf(s.sig, MS_SIG);
	randombytes_buf(s.global, MS_SIG);
	strcpy(s.trusted, "timestamp:1\tfile:x \xc3\xa9t\xc3\xa9");
	s.trusted_len = strlen(s.trusted);
	n = ms_sig_format(text, MS_FILE_MAX, &s, "a comment");
	assert_true(n > 0);
	assert_int_equal(ms_sig_parse(&back, text, (size_t)n, err, sizeof(err)), 0);
	assert_int_equal(back.prehashed, 1);
	assert_memory_equal(back.keynum, s.keynum, MS_KEYNUM);
	assert_memory_equal(back.sig, s.sig, MS_SIG);
	assert_memory_equal(back.global, s.global, MS_SIG);
	assert_string_equal(back.trusted, s.trusted);
	/* the last LF may go; any shorter cut is refused, as truncated when
	 * it ends a line early */
	assert_int_equal(ms_sig_parse(&back, text, (size_t)n - 1, err,
	                              sizeof(err)), 0);
	for (int cut = 0; cut < n - 1; cut++) {
		err[0] = '\0';
		assert_int_equal(ms_sig_parse(&back, text, (size_t)cut, err,
		                              sizeof(err)), -1);
		assert_true(err[0] != '\0');
		if (cut > 0 && text[cut - 1] != '\n' && cut < n - 1 &&
		    text[cut] != '\n' && text[cut] != '\r' &&
		    cut > (int)strlen("untrusted comment: a comment\n") + 100 &&
		    cut < n - 89)
			assert_has(err, "truncated");
	}
	/* legacy */
	s.prehashed = 0;
	n = ms_sig_format(text, MS_FILE_MAX, &s, "legacy");
	assert_int_equal(ms_sig_parse(&back, text, (size_t)n, err, sizeof(err)), 0);
	assert_int_equal(back.prehashed, 0);
	/* another algorithm: "Ed" -> "Ad" (base64 "RW" -> "QW") */
	char *l2 = strchr(text, '\n') + 1;
	assert_memory_equal(l2, "RW", 2);
	l2[0] = 'Q';
	assert_int_equal(ms_sig_parse(&back, text, (size_t)n, err, sizeof(err)), -1);
	assert_has(err, "neither");
	free(text);
}

static void test_minisign_sig__trusted_comment_rules(void **state)
{
	(void)state;
	ms_sig s, back;
	char *text = malloc(MS_FILE_MAX + 64), err[256];
	static const char *refused[] = { "a\x01z", "a\x7fz", "a\xc2\x85z",
	                                 "a\xff", "a\xc3" };

	memset(&s, 0, sizeof(s));
	s.prehashed = 1;
	/* the longest comment minisign takes, and one byte more */
	memset(s.trusted, 'x', MS_TRUSTED_MAX);
	s.trusted[MS_TRUSTED_MAX] = '\0';
	s.trusted_len = MS_TRUSTED_MAX;
	int n = ms_sig_format(text, MS_FILE_MAX, &s, "long");
	assert_true(n > 0);
	assert_int_equal(ms_sig_parse(&back, text, (size_t)n, err, sizeof(err)), 0);
	assert_int_equal(back.trusted_len, MS_TRUSTED_MAX);
	char *l3 = strstr(text, "\ntrusted comment: ") + 1;
	memmove(l3 + 1, l3, (size_t)(text + n - l3));
	l3[0] = 'y';
	memcpy(l3, "trusted comment: y", 18);
	assert_int_equal(ms_sig_parse(&back, text, (size_t)n + 1, err,
	                              sizeof(err)), -1);
	assert_has(err, "line 3: longer than");
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		strcpy(s.trusted, refused[i]);
		s.trusted_len = strlen(refused[i]);
		assert_int_equal(ms_sig_format(text, MS_FILE_MAX, &s, "x"), -1);
		assert_false(ms_text_ok(refused[i], strlen(refused[i])));
	}
	assert_true(ms_text_ok("tab\tok \xe2\x82\xac", 10));
	free(text);
}

/* ---- secret keys ---- */

static void test_sign_key__forms_and_refusals(void **state)
{
	fx *f = *state;
	signer *s = NULL;
	char id[MS_KEYID_HEX];

	ms_keyid(id, f->keynum);
	/* minisign -W: unencrypted, checksum left zero */
	load_signer(f, &s);
	assert_string_equal(signer_key_id(s), id);
	signer_free(s);
	/* unencrypted with its checksum; with a wrong one */
	write_sec(f->sec, f->keynum, f->sk, NULL, CHK_GOOD, 0, 0);
	load_signer(f, &s);
	signer_free(s);
	write_sec(f->sec, f->keynum, f->sk, NULL, CHK_BAD, 0, 0);
	assert_int_equal(signer_load(&s, f->sec, -1, f->err, sizeof(f->err)), -1);
	assert_has(f->err, "damaged secret key: its checksum");
	/* encrypted (scrypt): the passphrase from a descriptor, a CR LF too */
	write_sec(f->sec, f->keynum, f->sk, "correct horse", CHK_GOOD, 0, 0);
	int fd = pass_fd("correct horse\r\nignored");
	assert_int_equal(signer_load(&s, f->sec, fd, f->err, sizeof(f->err)), 0);
	close(fd);
	assert_string_equal(signer_key_id(s), id);
	signer_free(s);
	fd = pass_fd("wrong horse\n");
	assert_int_equal(signer_load(&s, f->sec, fd, f->err, sizeof(f->err)), -1);
	close(fd);
	assert_has(f->err, "wrong passphrase");
	/* a passphrase past minisign's 1023 bytes */
	char *longpw = malloc(1100);
	memset(longpw, 'p', 1099);
	longpw[1099] = '\0';
	fd = pass_fd(longpw);
	assert_int_equal(signer_load(&s, f->sec, fd, f->err, sizeof(f->err)), -1);
	close(fd);
	free(longpw);
	assert_has(f->err, "longer than 1023 bytes");
	/* scrypt limits past minisign's own are refused before any work */
	write_sec(f->sec, f->keynum, f->sk, "x", CHK_GOOD, 1ull << 40, 0);
	assert_int_equal(signer_load(&s, f->sec, -1, f->err, sizeof(f->err)), -1);
	assert_has(f->err, "above minisign's own");
	/* the public half must be the seed's */
	uint8_t sk2[MS_SK];
	memcpy(sk2, f->sk, MS_SK);
	sk2[40] ^= 1;
	write_sec(f->sec, f->keynum, sk2, NULL, CHK_GOOD, 0, 0);
	assert_int_equal(signer_load(&s, f->sec, -1, f->err, sizeof(f->err)), -1);
	assert_has(f->err, "public half");
	/* the public key where the secret one goes, and the other way */
	assert_int_equal(signer_load(&s, f->pub, -1, f->err, sizeof(f->err)), -1);
	assert_has(f->err, "a minisign public key; --sign needs the secret key");
	advdb_key *k = NULL;
	write_sec(f->sec, f->keynum, f->sk, NULL, CHK_ZERO, 0, 0);
	assert_int_equal(advdb_key_load(&k, f->sec, f->err, sizeof(f->err)),
	                 ADVDB_EKEY);
	assert_null(k);
	assert_has(f->err, "a minisign secret key, not a public key");
	assert_int_equal(advdb_key_load(&k, f->dir, f->err, sizeof(f->err)),
	                 ADVDB_EKEY);
	assert_has(f->err, "not a regular file");
	assert_int_equal(advdb_key_load(&k, "/nonexistent/k.pub", f->err,
	                                sizeof(f->err)), ADVDB_ENOTFOUND);
}

/* ---- signing and verifying indexes ---- */

static void test_verify__signed_index_opens(void **state)
{
	fx *f = *state;
	sign_plan plan;
	advdb_signature sig = ADVDB_SIGNATURE_INIT;
	char comment[512], id[MS_KEYID_HEX];
	writer_stats st;

	memset(&plan, 0, sizeof(plan));
	load_signer(f, &plan.signer);
	st = build(f, f->db, 5, &plan);
	assert_int_equal(st.signature, WRITER_SIG_WRITTEN);
	ms_keyid(id, f->keynum);
	assert_string_equal(plan.key_id, id);
	assert_int_equal(open_verified(f, f->pub, &sig), ADVDB_OK);
	assert_string_equal(sig.key_id, id);
	assert_int_equal(sig.prehashed, 1);
	assert_has(sig.trusted_comment, "advdb index schema=2 commit=" COMMIT);
	assert_has(sig.trusted_comment, "digest=");
	assert_has(sig.trusted_comment, "advisories=5");
	signer_free(plan.signer);

	/* minisign's own comment (no advdb fields) and its legacy mode */
	sign_by_hand(f->db, f->sig, f->keynum, f->sk,
	             "timestamp:1700000000\tfile:index.lmdb\thashed", 0);
	assert_int_equal(open_verified(f, f->pub, &sig), ADVDB_OK);
	assert_string_equal(sig.trusted_comment,
	                    "timestamp:1700000000\tfile:index.lmdb\thashed");
	snprintf(comment, sizeof(comment), "timestamp:1700000000\tfile:x");
	sign_by_hand(f->db, f->sig, f->keynum, f->sk, comment, 1);
	assert_int_equal(open_verified(f, f->pub, &sig), ADVDB_OK);
	assert_int_equal(sig.prehashed, 0);
}

/* Flip one byte of the file at off. */
static void flip(const char *path, long off)
{
	int fd = open(path, O_RDWR);
	uint8_t b;
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, off), 1);
	b ^= 0x20;
	assert_int_equal(pwrite(fd, &b, 1, off), 1);
	close(fd);
}

static void copy_file(const char *from, const char *to)
{
	char *t;
	size_t n;
	read_all(from, &t, &n);
	write_text(to, t, n);
	free(t);
}

static void test_verify__each_refusal_has_its_message(void **state)
{
	fx *f = *state;
	sign_plan plan;
	char good[160], goodsig[176], other[128], *text;
	uint8_t okeynum[MS_KEYNUM], opk[MS_PK], osk[MS_SK];
	struct stat st;
	size_t len;

	memset(&plan, 0, sizeof(plan));
	load_signer(f, &plan.signer);
	build(f, f->db, 40, &plan);
	signer_free(plan.signer);
	snprintf(good, sizeof(good), "%s/good.lmdb", f->dir);
	snprintf(goodsig, sizeof(goodsig), "%s/good.lmdb.minisig", f->dir);
	copy_file(f->db, good);
	copy_file(f->sig, goodsig);
	assert_int_equal(stat(f->db, &st), 0);
	assert_int_equal(open_verified(f, f->pub, NULL), ADVDB_OK);

	/* a flipped byte anywhere: both LMDB meta pages, the middle, the
	 * last page, the last byte */
	long offs[] = { 0, 16, 4096 + 16, 4096 + 200, st.st_size / 2,
	                st.st_size - 4096, st.st_size - 1 };
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		copy_file(good, f->db);
		flip(f->db, offs[i]);
		assert_int_equal(open_verified(f, f->pub, NULL), ADVDB_ESIGNATURE);
		assert_has(f->err, "does not match its signature");
		assert_has(f->err, "changed after it was signed");
	}
	copy_file(good, f->db);
	assert_int_equal(open_verified(f, f->pub, NULL), ADVDB_OK);

	/* no signature */
	unlink(f->sig);
	assert_int_equal(open_verified(f, f->pub, NULL), ADVDB_ESIGNATURE);
	assert_has(f->err, "not signed: no signature file");

	/* another key: both ids named */
	new_keypair(okeynum, opk, osk);
	snprintf(other, sizeof(other), "%s/other.pub", f->dir);
	write_pub(other, okeynum, opk);
	copy_file(goodsig, f->sig);
	assert_int_equal(open_verified(f, other, NULL), ADVDB_ESIGNATURE);
	char a[MS_KEYID_HEX], b[MS_KEYID_HEX];
	ms_keyid(a, f->keynum);
	ms_keyid(b, okeynum);
	assert_has(f->err, "signed by key");
	assert_has(f->err, a);
	assert_has(f->err, b);
	/* ... even with our key id on it */
	write_pub(other, f->keynum, opk);
	assert_int_equal(open_verified(f, other, NULL), ADVDB_ESIGNATURE);
	assert_has(f->err, "global signature does not verify");

	/* truncated, and malformed */
	read_all(goodsig, &text, &len);
	write_text(f->sig, text, len - 20);
	assert_int_equal(open_verified(f, f->pub, NULL), ADVDB_ESIGNATURE);
	assert_has(f->err, "truncated signature file");
	write_text(f->sig, text, (size_t)(strchr(text, '\n') - text + 1));
	assert_int_equal(open_verified(f, f->pub, NULL), ADVDB_ESIGNATURE);
	assert_has(f->err, "truncated signature file");
	write_text(f->sig, "hello\n", 6);
	assert_int_equal(open_verified(f, f->pub, NULL), ADVDB_ESIGNATURE);
	assert_has(f->err, "malformed signature file");

	/* the trusted comment changed by hand: the global signature says so */
	char *dig = strstr(text, "digest=");
	assert_non_null(dig);
	dig[7] = dig[7] == 'a' ? 'b' : 'a';
	write_text(f->sig, text, len);
	assert_int_equal(open_verified(f, f->pub, NULL), ADVDB_ESIGNATURE);
	assert_has(f->err, "trusted comment or the signature line was altered");
	free(text);

	/* a valid signature whose comment names another index */
	sign_by_hand(f->db, f->sig, f->keynum, f->sk, "advdb index schema=2 "
	             "digest=0000000000000000000000000000000000000000", 0);
	assert_int_equal(open_verified(f, f->pub, NULL), ADVDB_ESIGNATURE);
	assert_has(f->err, "signed for another index");
	assert_has(f->err, "names digest 0000000000000000000000000000000000000000");
	sign_by_hand(f->db, f->sig, f->keynum, f->sk, "advdb index commit="
	             "1111111111111111111111111111111111111111", 0);
	assert_int_equal(open_verified(f, f->pub, NULL), ADVDB_ESIGNATURE);
	assert_has(f->err, "names commit 1111111111111111111111111111111111111111");

	/* the signature of another index beside this one */
	sign_plan p2;
	memset(&p2, 0, sizeof(p2));
	load_signer(f, &p2.signer);
	char odb[160];
	snprintf(odb, sizeof(odb), "%s/other.lmdb", f->dir);
	build(f, odb, 41, &p2);
	signer_free(p2.signer);
	snprintf(other, sizeof(other), "%s/other.lmdb.minisig", f->dir);
	copy_file(other, f->sig);
	assert_int_equal(open_verified(f, f->pub, NULL), ADVDB_ESIGNATURE);
	assert_has(f->err, "does not match its signature");

	/* a malformed key file: its own error code and message */
	write_text(other, "untrusted comment: x\nnot a key\n", 31);
	assert_int_equal(open_verified(f, other, NULL), ADVDB_EKEY);
	assert_has(f->err, "malformed public key file: line 2");
	/* and the index's own problems come first, in advdb_open's words */
	unlink(f->db);
	copy_file(goodsig, f->sig);
	assert_int_equal(open_verified(f, f->pub, NULL), ADVDB_ENOTFOUND);
	assert_has(f->err, "no such file");
}

static void test_verify__comment_check(void **state)
{
	(void)state;
	advdb_info in;
	char c[512], msg[256];

	memset(&in, 0, sizeof(in));
	in.schema_version = 2;
	in.compile_time = 1700000000;
	in.advisory_count = 7;
	strcpy(in.digest, "19cb4986ccef3d43e115a1e2607a9b7e2809d7c5");
	strcpy(in.source_commit, COMMIT);
	assert_int_equal(verify_comment(c, sizeof(c), &in), 0);
	assert_string_equal(c, "advdb index schema=2 commit=" COMMIT
	                    " compiled=2023-11-14T22:13:20Z digest="
	                    "19cb4986ccef3d43e115a1e2607a9b7e2809d7c5 advisories=7");
	assert_int_equal(verify_comment_check(c, &in, msg, sizeof(msg)), 0);
	assert_int_equal(verify_comment(c, 20, &in), -1);
	/* not advdb's: the signature alone binds */
	assert_int_equal(verify_comment_check("timestamp:1\tfile:x", &in, msg,
	                                      sizeof(msg)), 0);
	assert_int_equal(verify_comment_check("advdb indexes digest=00", &in,
	                                      msg, sizeof(msg)), 0);
	static const struct { const char *c, *says; } bad[] = {
		{ "advdb index", "names no digest" },
		{ "advdb index commit=" COMMIT, "names no digest" },
		{ "advdb index digest=19cb", "names digest 19cb" },
		{ "advdb index digest=19cb4986ccef3d43e115a1e2607a9b7e2809d7c5 "
		  "advisories=8", "names advisories 8, the index's is 7" },
		{ "advdb index digest=19cb4986ccef3d43e115a1e2607a9b7e2809d7c5 "
		  "compiled=2023-11-14T22:13:21Z", "names compiled" },
		{ "advdb index digest=19cb4986ccef3d43e115a1e2607a9b7e2809d7c5 "
		  "schema=3", "names schema 3" },
		{ "advdb index digest=19cb4986ccef3d43e115a1e2607a9b7e2809d7c5 "
		  "digest=19cb4986ccef3d43e115a1e2607a9b7e2809d7c5", "twice" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg[0] = '\0';
		assert_int_equal(verify_comment_check(bad[i].c, &in, msg,
		                                      sizeof(msg)), -1);
		assert_has(msg, bad[i].says);
	}
	/* unknown fields and plain words are let through */
	assert_int_equal(verify_comment_check("advdb index note=x by ci "
	    "digest=19cb4986ccef3d43e115a1e2607a9b7e2809d7c5", &in, msg,
	    sizeof(msg)), 0);
}

/* The moment between the two renames of a compile: the new signature is
 * in place (and locked, as dbfile_commit_pair holds it), the old index
 * not yet replaced. A reader then must wait and answer from the new
 * pair; whatever the interleaving, it never refuses. Without the lock
 * (a compile killed between its renames) it refuses. */
typedef struct reader_arg {
	fx *f;
	int rc;
	char err[1024];
} reader_arg;

static void *reader_run(void *p)
{
	reader_arg *r = p;
	advdb_key *k = NULL;
	advdb *db = NULL;

	r->rc = advdb_key_load(&k, r->f->pub, r->err, sizeof(r->err));
	if (r->rc == ADVDB_OK)
		r->rc = advdb_open_verified(&db, r->f->db, k, NULL, r->err,
		                            sizeof(r->err));
	advdb_close(db);
	advdb_key_free(k);
	return NULL;
}

static void test_verify__waits_for_a_compile_between_renames(void **state)
{
	fx *f = *state;
	sign_plan plan;
	char next[160], nextsig[176], tmpsig[176];
	pthread_t th;
	reader_arg r;
	struct timespec ms = { 0, 50 * 1000000 };

	memset(&plan, 0, sizeof(plan));
	load_signer(f, &plan.signer);
	build(f, f->db, 3, &plan);
	snprintf(next, sizeof(next), "%s/next.lmdb", f->dir);
	snprintf(nextsig, sizeof(nextsig), "%s.minisig", next);
	snprintf(tmpsig, sizeof(tmpsig), "%s/sig.tmp", f->dir);
	build(f, next, 4, &plan);
	signer_free(plan.signer);

	/* the compile's state between its renames, lock held */
	assert_int_equal(rename(nextsig, tmpsig), 0);
	int lfd = open(tmpsig, O_RDWR);
	assert_true(lfd >= 0);
	assert_int_equal(flock(lfd, LOCK_EX), 0);
	assert_int_equal(rename(tmpsig, f->sig), 0);
	memset(&r, 0, sizeof(r));
	r.f = f;
	assert_int_equal(pthread_create(&th, NULL, reader_run, &r), 0);
	nanosleep(&ms, NULL);       /* the reader may or may not wait: */
	assert_int_equal(rename(next, f->db), 0);   /* either way it must */
	assert_int_equal(flock(lfd, LOCK_UN), 0);   /* answer */
	close(lfd);
	assert_int_equal(pthread_join(th, NULL), 0);
	if (r.rc != ADVDB_OK)
		fail_msg("reader refused: %s", r.err);

	/* a compile that died between its renames leaves no lock: refused */
	plan.signer = NULL;
	memset(&plan, 0, sizeof(plan));
	load_signer(f, &plan.signer);
	build(f, next, 5, &plan);
	signer_free(plan.signer);
	assert_int_equal(rename(nextsig, f->sig), 0);
	memset(&r, 0, sizeof(r));
	r.f = f;
	reader_run(&r);
	assert_int_equal(r.rc, ADVDB_ESIGNATURE);
	assert_has(r.err, "does not match its signature");
}

static void test_writer_sign__stale_signature_removed(void **state)
{
	fx *f = *state;
	sign_plan plan;
	writer_stats st;
	struct stat sb;
	char link[160], linksig[176];

	memset(&plan, 0, sizeof(plan));
	load_signer(f, &plan.signer);
	build(f, f->db, 3, &plan);
	assert_int_equal(stat(f->sig, &sb), 0);
	/* an unsigned compile over it: the old signature would lie */
	st = build(f, f->db, 4, NULL);
	assert_int_equal(st.signature, WRITER_SIG_REMOVED);
	assert_int_equal(stat(f->sig, &sb), -1);
	st = build(f, f->db, 4, NULL);
	assert_int_equal(st.signature, WRITER_SIG_NONE);
	/* a symbolic link to the index: the signature is named after the
	 * path given, as minisign -V -m LINK looks for it */
	snprintf(link, sizeof(link), "%s/link.lmdb", f->dir);
	snprintf(linksig, sizeof(linksig), "%s.minisig", link);
	assert_int_equal(symlink("index.lmdb", link), 0);
	st = build(f, link, 6, &plan);
	assert_int_equal(st.signature, WRITER_SIG_WRITTEN);
	assert_int_equal(lstat(link, &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(stat(linksig, &sb), 0);
	advdb_key *k = NULL;
	advdb *db = NULL;
	assert_int_equal(advdb_key_load(&k, f->pub, f->err, sizeof(f->err)), 0);
	assert_int_equal(advdb_open_verified(&db, link, k, NULL, f->err,
	                                     sizeof(f->err)), ADVDB_OK);
	advdb_close(db);
	advdb_key_free(k);
	/* no temporary file is left beside either */
	DIR *d = opendir(f->dir);
	struct dirent *e;
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".tmp."))
			fail_msg("left behind: %s", e->d_name);
	closedir(d);
	/* a signature path that is a folder is never replaced */
	unlink(linksig);
	assert_int_equal(mkdir(linksig, 0755), 0);
	writer *w;
	assert_int_equal(writer_open(&w, link, f->err, sizeof(f->err)), 0);
	assert_int_equal(writer_set_source(w, "rustsec", COMMIT, 1), 0);
	writer_set_signature(w, sign_plan_run, &plan);
	assert_int_equal(writer_commit(w, &st, f->err, sizeof(f->err)), -1);
	assert_has(f->err, "not a regular file");
	writer_close(w);
	rmdir(linksig);
	unlink(link);
	signer_free(plan.signer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_minisign_pubkey__parse_and_refuse, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_minisign_sig__round_trip_and_every_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_minisign_sig__trusted_comment_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_sign_key__forms_and_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_verify__signed_index_opens, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_verify__each_refusal_has_its_message, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_verify__comment_check, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_verify__waits_for_a_compile_between_renames, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_writer_sign__stale_signature_removed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
