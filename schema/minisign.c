/*
 * minisign.c — see minisign.h: minisign's key and signature files, read
 * and written as text. Base64 is libsodium's (original alphabet, padded,
 * canonical); every line is measured before it is decoded, and every
 * decoded field must come out at exactly its size.
 */
#include "minisign.h"
#include "errbuf.h"
#include "le.h"
#include "utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define ALG_LEGACY   "Ed"
#define ALG_HASHED   "ED"
#define KDF_SCRYPT   "Sc"
#define CHK_BLAKE2B  "B2"

/* Decoded sizes of the base64 lines. */
#define PUBKEY_BYTES (2 + MS_KEYNUM + MS_PK)                        /* 42 */
#define SECKEY_BYTES (2 + 2 + 2 + MS_SALT + 8 + 8 + MS_KEYNUM + MS_SK + MS_CHK)
#define SIGLINE_BYTES (2 + MS_KEYNUM + MS_SIG)                      /* 74 */
#define B64_LEN(n) (sodium_base64_ENCODED_LEN((n), \
                    sodium_base64_VARIANT_ORIGINAL) - 1)

typedef struct line {
	const char *p;
	size_t n;
	int cut;                    /* the file ends inside it (no LF) */
} line;

/*
 * Cut text into exactly `want` lines, line i at most max[i] bytes (its LF
 * and a CR before it not counted). what names the file in messages
 * ("a signature file"). 0 or -1 with err.
 */
static int split(line *out, size_t want, const size_t *max, const char *text,
                 size_t len, const char *what, char *err, size_t errcap)
{
	size_t pos = 0;

	for (size_t i = 0; i < want; i++) {
		if (pos >= len) {
			if (i == 0)
				errbuf_set(err, errcap, "empty file, not %s",
				           what);
			else
				errbuf_set(err, errcap,
				           "truncated: the file ends after "
				           "line %zu (%s has %zu lines)", i,
				           what, want);
			return -1;
		}
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - pos;
		if (n && text[pos + n - 1] == '\r')
			n--;
		if (n > max[i]) {
			errbuf_set(err, errcap,
			           "line %zu: longer than %zu bytes", i + 1,
			           max[i]);
			return -1;
		}
		if (memchr(text + pos, '\0', n)) {
			errbuf_set(err, errcap, "line %zu: a NUL byte", i + 1);
			return -1;
		}
		if (memchr(text + pos, '\r', n)) {
			errbuf_set(err, errcap,
			           "line %zu: a carriage return inside the "
			           "line", i + 1);
			return -1;
		}
		out[i].p = text + pos;
		out[i].n = n;
		out[i].cut = !nl;
		pos = nl ? end + 1 : len;
		if (!nl && i + 1 < want) {
			errbuf_set(err, errcap,
			           "truncated: the file ends inside line "
			           "%zu (%s has %zu lines)", i + 1, what, want);
			return -1;
		}
	}
	if (pos < len) {
		errbuf_set(err, errcap,
		           "line %zu: text after the last line of %s", want + 1,
		           what);
		return -1;
	}
	return 0;
}

static int has_prefix(const line *l, const char *prefix)
{
	size_t n = strlen(prefix);
	return l->n >= n && memcmp(l->p, prefix, n) == 0;
}

/* Decode line l (number lineno) into exactly `want` bytes. */
static int b64_line(uint8_t *out, size_t want, const line *l, size_t lineno,
                    const char *what, char *err, size_t errcap)
{
	size_t enc = B64_LEN(want), got = 0;

	if (l->n < enc && l->cut) {
		errbuf_set(err, errcap,
		           "truncated: the file ends inside line %zu "
		           "(%zu characters of the %zu of %s)", lineno, l->n,
		           enc, what);
		return -1;
	}
	if (l->n != enc) {
		errbuf_set(err, errcap,
		           "line %zu: %zu characters, but %s is %zu "
		           "characters of base64%s", lineno, l->n, what, enc,
		           l->n < enc ? " (truncated?)" : "");
		return -1;
	}
	if (sodium_base642bin(out, want, l->p, l->n, NULL, &got, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != want) {
		errbuf_set(err, errcap, "line %zu: %s is not valid base64",
		           lineno, what);
		return -1;
	}
	return 0;
}

void ms_keyid(char out[MS_KEYID_HEX], const uint8_t keynum[MS_KEYNUM])
{
	snprintf(out, MS_KEYID_HEX, "%016llX",
	         (unsigned long long)le64_get(keynum));
}

int ms_text_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t k = utf8_seq_len(p + i, n - i);
		if (k == 0)
			return 0;
		if (k == 1 && ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f))
			return 0;
		if (k == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0)
			return 0;           /* C1 controls, U+0080..U+009F */
		i += k;
	}
	return 1;
}

/* "line 1: ..." for a file whose first line is not an untrusted comment
 * (checked before the lines are counted: a file of another kind is
 * malformed, not truncated). */
static int comment_line(const char *text, size_t len, const char *what,
                        char *err, size_t errcap)
{
	const line l = { text, len, 0 };

	if (len && !has_prefix(&l, MS_UNTRUSTED_PREFIX)) {
		errbuf_set(err, errcap,
		           "line 1: does not start with \"%s\": not %s",
		           MS_UNTRUSTED_PREFIX, what);
		return -1;
	}
	return 0;
}

/* A key file (what): an untrusted comment, then the base64 of exactly n
 * bytes (field) into raw. */
static int key_file(uint8_t *raw, size_t n, const char *text, size_t len,
                    const char *what, const char *field, char *err,
                    size_t errcap)
{
	const size_t max[2] = { MS_COMMENT_LINE_MAX, B64_LEN(n) };
	line l[2];

	if (comment_line(text, len, what, err, errcap) < 0 ||
	    split(l, 2, max, text, len, what, err, errcap) < 0 ||
	    b64_line(raw, n, &l[1], 2, field, err, errcap) < 0)
		return -1;
	return 0;
}

int ms_pubkey_parse(ms_pubkey *out, const char *text, size_t len,
                    char *err, size_t errcap)
{
	uint8_t raw[PUBKEY_BYTES];

	if (key_file(raw, sizeof(raw), text, len, "a minisign public key file",
	             "a public key", err, errcap) < 0)
		return -1;
	if (memcmp(raw, ALG_LEGACY, 2) != 0) {
		errbuf_set(err, errcap,
		           "line 2: key algorithm \"%c%c\", not Ed25519 "
		           "(\"Ed\")",
		           raw[0] < 0x20 || raw[0] > 0x7e ? '?' : raw[0],
		           raw[1] < 0x20 || raw[1] > 0x7e ? '?' : raw[1]);
		return -1;
	}
	memcpy(out->keynum, raw + 2, MS_KEYNUM);
	memcpy(out->pk, raw + 2 + MS_KEYNUM, MS_PK);
	return 0;
}

int ms_seckey_parse(ms_seckey *out, const char *text, size_t len,
                    char *err, size_t errcap)
{
	uint8_t raw[SECKEY_BYTES];
	int rc = -1;

	if (key_file(raw, sizeof(raw), text, len, "a minisign secret key file",
	             "a secret key", err, errcap) < 0)
		goto done;
	if (memcmp(raw, ALG_LEGACY, 2) != 0) {
		errbuf_set(err, errcap,
		           "line 2: not an Ed25519 (\"Ed\") secret key");
		goto done;
	}
	if (memcmp(raw + 4, CHK_BLAKE2B, 2) != 0) {
		errbuf_set(err, errcap,
		           "line 2: checksum algorithm is not BLAKE2b "
		           "(\"B2\")");
		goto done;
	}
	const uint8_t *p = raw + 6;
	int enc;
	if (memcmp(raw + 2, KDF_SCRYPT, 2) == 0)
		enc = 1;
	else if (raw[2] == 0 && raw[3] == 0)
		enc = 0;
	else {
		errbuf_set(err, errcap,
		           "line 2: key derivation is neither scrypt "
		           "(\"Sc\") nor none");
		goto done;
	}
	uint64_t ops = le64_get(p + MS_SALT), mem = le64_get(p + MS_SALT + 8);
	if (enc && (ops > MS_OPSLIMIT_MAX || mem > MS_MEMLIMIT_MAX)) {
		errbuf_set(err, errcap, "line 2: scrypt limits (opslimit %llu, "
		           "memlimit %llu) above minisign's own (%llu, %llu): "
		           "refused", (unsigned long long)ops,
		           (unsigned long long)mem, MS_OPSLIMIT_MAX,
		           MS_MEMLIMIT_MAX);
		goto done;
	}
	out->encrypted = enc;
	memcpy(out->salt, p, MS_SALT);
	out->opslimit = ops;
	out->memlimit = mem;
	memcpy(out->keynum_sk, p + MS_SALT + 16, sizeof(out->keynum_sk));
	rc = 0;
done:
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

int ms_sig_parse(ms_sig *out, const char *text, size_t len,
                 char *err, size_t errcap)
{
	static const size_t max[4] = { MS_COMMENT_LINE_MAX,
	                               B64_LEN(SIGLINE_BYTES),
	                               MS_TRUSTED_LINE_MAX, B64_LEN(MS_SIG) };
	const char *what = "a minisign signature file";
	uint8_t raw[SIGLINE_BYTES];
	line l[4];
	size_t pl = strlen(MS_TRUSTED_PREFIX);

	if (comment_line(text, len, what, err, errcap) < 0 ||
	    split(l, 4, max, text, len, what, err, errcap) < 0 ||
	    b64_line(raw, sizeof(raw), &l[1], 2, "a signature", err,
	             errcap) < 0)
		return -1;
	int hashed;
	if (memcmp(raw, ALG_HASHED, 2) == 0)
		hashed = 1;
	else if (memcmp(raw, ALG_LEGACY, 2) == 0)
		hashed = 0;
	else {
		errbuf_set(err, errcap,
		           "line 2: signature algorithm is neither "
		           "\"ED\" (prehashed) nor \"Ed\" (legacy)");
		return -1;
	}
	if (!has_prefix(&l[2], MS_TRUSTED_PREFIX)) {
		errbuf_set(err, errcap, "line 3: does not start with \"%s\"",
		           MS_TRUSTED_PREFIX);
		return -1;
	}
	if (!ms_text_ok(l[2].p + pl, l[2].n - pl)) {
		errbuf_set(err, errcap,
		           "line 3: the trusted comment holds a control "
		           "character or malformed UTF-8");
		return -1;
	}
	if (b64_line(out->global, MS_SIG, &l[3], 4, "a global signature", err,
	             errcap) < 0)
		return -1;
	out->prehashed = hashed;
	memcpy(out->keynum, raw + 2, MS_KEYNUM);
	memcpy(out->sig, raw + 2 + MS_KEYNUM, MS_SIG);
	out->trusted_len = l[2].n - pl;
	memcpy(out->trusted, l[2].p + pl, out->trusted_len);
	out->trusted[out->trusted_len] = '\0';
	return 0;
}

/* Append base64 of n bytes and a LF at out + *pos. */
static int put_b64(char *out, size_t cap, size_t *pos, const uint8_t *bin,
                   size_t n)
{
	size_t enc = B64_LEN(n);

	if (cap - *pos < enc + 2)
		return -1;
	sodium_bin2base64(out + *pos, cap - *pos, bin, n,
	                  sodium_base64_VARIANT_ORIGINAL);
	*pos += enc;
	out[(*pos)++] = '\n';
	return 0;
}

int ms_sig_format(char *out, size_t cap, const ms_sig *s,
                  const char *untrusted)
{
	uint8_t raw[SIGLINE_BYTES];
	size_t pos = 0, un = strlen(untrusted);
	int k;

	if (s->trusted_len > MS_TRUSTED_MAX ||
	    strlen(s->trusted) != s->trusted_len ||
	    !ms_text_ok(s->trusted, s->trusted_len) ||
	    un + strlen(MS_UNTRUSTED_PREFIX) > MS_COMMENT_LINE_MAX ||
	    !ms_text_ok(untrusted, un) || memchr(untrusted, '\t', un))
		return -1;
	k = snprintf(out, cap, "%s%s\n", MS_UNTRUSTED_PREFIX, untrusted);
	if (k < 0 || (size_t)k >= cap)
		return -1;
	pos = (size_t)k;
	memcpy(raw, s->prehashed ? ALG_HASHED : ALG_LEGACY, 2);
	memcpy(raw + 2, s->keynum, MS_KEYNUM);
	memcpy(raw + 2 + MS_KEYNUM, s->sig, MS_SIG);
	if (put_b64(out, cap, &pos, raw, sizeof(raw)) < 0)
		return -1;
	k = snprintf(out + pos, cap - pos, "%s%s\n", MS_TRUSTED_PREFIX,
	             s->trusted);
	if (k < 0 || (size_t)k >= cap - pos)
		return -1;
	pos += (size_t)k;
	if (put_b64(out, cap, &pos, s->global, MS_SIG) < 0)
		return -1;
	if (pos < cap)
		out[pos] = '\0';
	return (int)pos;
}

int ms_read_fd(char *buf, size_t *len, int fd)
{
	struct stat st;
	size_t got = 0;

	*len = 0;
	if (fstat(fd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		char extra;
		char *at = got < MS_FILE_MAX ? buf + got : &extra;
		size_t want = got < MS_FILE_MAX ? MS_FILE_MAX - got : 1;
		ssize_t r = read(fd, at, want);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		if (got >= MS_FILE_MAX)
			return 1;
		got += (size_t)r;
	}
	*len = got;
	return 0;
}
