/*
 * fuzz_minisign.c — schema/minisign.c and the trusted-comment check of
 * query/verify.c on arbitrary bytes.
 *
 * The same input is read as a public key file, a secret key file and a
 * signature file, and its text as a trusted comment. What parses must
 * hold together: a signature file written back (ms_sig_format) parses to
 * the same fields, a secret key's scrypt limits are within the caps, a
 * trusted comment is printable UTF-8 of at most MS_TRUSTED_MAX bytes,
 * and a key id is 16 hex digits. Nothing may crash or read past the
 * input.
 */
#include "fuzz.h"
#include "advdb.h"
#include "minisign.h"
#include "verify.h"

#include <sodium.h>

static void fm_check_sig(const ms_sig *s)
{
	char *text = malloc(MS_FILE_MAX), err[256];
	ms_sig *back = malloc(sizeof(*back));
	int n;

	FUZZ_CHECK(text && back, "out of memory");
	FUZZ_CHECK(s->trusted_len <= MS_TRUSTED_MAX &&
	           strlen(s->trusted) == s->trusted_len,
	           "trusted comment of %zu bytes (strlen %zu)", s->trusted_len,
	           strlen(s->trusted));
	FUZZ_CHECK(fuzz_utf8_prefix((const unsigned char *)s->trusted,
	                            s->trusted_len) == s->trusted_len,
	           "trusted comment is not UTF-8");
	for (size_t i = 0; i < s->trusted_len; i++)
		FUZZ_CHECK((unsigned char)s->trusted[i] >= 0x20 ||
		           s->trusted[i] == '\t', "control byte 0x%02x in the "
		           "trusted comment", (unsigned char)s->trusted[i]);
	n = ms_sig_format(text, MS_FILE_MAX, s, "fuzz");
	FUZZ_CHECK(n > 0, "a parsed signature does not format");
	FUZZ_CHECK(ms_sig_parse(back, text, (size_t)n, err, sizeof(err)) == 0,
	           "a formatted signature does not parse: %s", err);
	FUZZ_CHECK(back->prehashed == s->prehashed &&
	           !memcmp(back->keynum, s->keynum, MS_KEYNUM) &&
	           !memcmp(back->sig, s->sig, MS_SIG) &&
	           !memcmp(back->global, s->global, MS_SIG) &&
	           back->trusted_len == s->trusted_len &&
	           !memcmp(back->trusted, s->trusted, s->trusted_len),
	           "format -> parse changed a field");
	free(text);
	free(back);
}

int fuzz_minisign(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char err[256], id[MS_KEYID_HEX];
	ms_pubkey pk;
	ms_seckey sk;
	ms_sig *s = malloc(sizeof(*s));

	FUZZ_CHECK(s != NULL, "out of memory");
	err[0] = '\0';
	if (ms_pubkey_parse(&pk, text, size, err, sizeof(err)) == 0) {
		ms_keyid(id, pk.keynum);
		FUZZ_CHECK(strlen(id) == 16 && strspn(id, "0123456789ABCDEF") == 16,
		           "key id \"%s\"", id);
	} else {
		FUZZ_CHECK(err[0] != '\0', "a refused public key without a message");
	}
	err[0] = '\0';
	if (ms_seckey_parse(&sk, text, size, err, sizeof(err)) == 0)
		FUZZ_CHECK(!sk.encrypted || (sk.opslimit <= MS_OPSLIMIT_MAX &&
		                             sk.memlimit <= MS_MEMLIMIT_MAX),
		           "scrypt limits past the caps accepted");
	else
		FUZZ_CHECK(err[0] != '\0', "a refused secret key without a message");
	err[0] = '\0';
	if (ms_sig_parse(s, text, size, err, sizeof(err)) == 0)
		fm_check_sig(s);
	else
		FUZZ_CHECK(err[0] != '\0', "a refused signature without a message");

	/* The input as a trusted comment, against a fixed index's meta. */
	if (size <= MS_TRUSTED_MAX && !memchr(data, 0, size)) {
		advdb_info in;
		char *c = malloc(size + 1), msg[256];
		FUZZ_CHECK(c != NULL, "out of memory");
		memset(&in, 0, sizeof(in));
		in.schema_version = 2;
		in.compile_time = 1700000000;
		in.advisory_count = 3;
		memcpy(in.digest, "19cb4986ccef3d43e115a1e2607a9b7e2809d7c5", 41);
		memcpy(in.source_commit, "bb19826a7b6bbc49b7c9bb589f23d521f04da975",
		       41);
		memcpy(c, data, size);
		c[size] = '\0';
		msg[0] = '\0';
		if (verify_comment_check(c, &in, msg, sizeof(msg)) < 0)
			FUZZ_CHECK(msg[0] != '\0', "a refused comment without a message");
		free(c);
	}
	free(s);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_minisign(data, size);
}
#endif
