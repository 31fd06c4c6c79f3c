/*
 * fuzz_version.c — schema/version.c on arbitrary bytes.
 *
 * The same input goes to version_parse, version_parse_partial and
 * version_key_decode. Whatever parses must survive the round trips the
 * rest of advdb relies on: canonical text parses back to an equal version
 * (format -> parse), a key decodes back to the version it came from
 * (encode -> decode -> encode gives the same bytes), and version_next
 * really moves up. Any mismatch aborts.
 */
#include "fuzz.h"

static void fv_check_same(const version *a, const version *b, int with_build,
                          const char *what)
{
	char ta[VERSION_TEXT_MAX + 1], tb[VERSION_TEXT_MAX + 1];

	fuzz_vtext(a, ta, sizeof ta);
	fuzz_vtext(b, tb, sizeof tb);
	FUZZ_CHECK(a->major == b->major && a->minor == b->minor &&
	           a->patch == b->patch, "%s: numbers differ: %s vs %s",
	           what, ta, tb);
	FUZZ_CHECK(a->pre_len == b->pre_len &&
	           memcmp(a->pre, b->pre, a->pre_len) == 0,
	           "%s: prerelease differs: %s vs %s", what, ta, tb);
	FUZZ_CHECK(version_cmp(a, b) == 0 && version_cmp(b, a) == 0,
	           "%s: version_cmp not 0: %s vs %s", what, ta, tb);
	if (with_build)
		FUZZ_CHECK(a->build_len == b->build_len &&
		           memcmp(a->build, b->build, a->build_len) == 0,
		           "%s: build differs: %s vs %s", what, ta, tb);
}

/* The checks every successfully parsed (or decoded) version must pass. */
static void fv_check_version(const version *v)
{
	char text[VERSION_TEXT_MAX + 2], t2[VERSION_TEXT_MAX + 1];
	uint8_t key[VKEY_MAX], key2[VKEY_MAX];
	version back, next;
	const char *err = NULL;

	FUZZ_CHECK(v->pre_len <= VERSION_PRE_MAX &&
	           v->build_len <= VERSION_BUILD_MAX,
	           "lengths past their caps: pre %u build %u",
	           (unsigned)v->pre_len, (unsigned)v->build_len);
	FUZZ_CHECK(v->pre[v->pre_len] == '\0' && v->build[v->build_len] == '\0',
	           "prerelease or build text not NUL-terminated at its length");
	FUZZ_CHECK(version_cmp(v, v) == 0, "version_cmp(v, v) != 0");

	/* format -> parse */
	size_t tlen = version_format(v, text, sizeof text);
	FUZZ_CHECK(tlen < sizeof text, "canonical text of %zu bytes", tlen);
	FUZZ_CHECK(strlen(text) == tlen, "version_format returned %zu but "
	           "wrote %zu bytes", tlen, strlen(text));
	FUZZ_CHECK(version_parse(&back, text, tlen, &err) == 0,
	           "canonical text \"%s\" does not parse: %s", text,
	           err ? err : "(no message)");
	fv_check_same(v, &back, 1, "format -> parse");
	/* a tiny buffer must be cut, NUL-terminated, never overrun */
	char small[4];
	FUZZ_CHECK(version_format(v, small, sizeof small) == tlen,
	           "version_format length depends on the buffer");
	FUZZ_CHECK(memchr(small, '\0', sizeof small) != NULL,
	           "version_format did not NUL-terminate a short buffer");

	/* key encode -> decode -> encode */
	size_t klen = version_key_encode(v, key);
	FUZZ_CHECK(klen >= 1 && klen <= VKEY_MAX,
	           "key of \"%s\" has length %zu", text, klen);
	FUZZ_CHECK(version_key_decode(&back, key, klen) == 0,
	           "key of \"%s\" does not decode", text);
	FUZZ_CHECK(back.build_len == 0, "a decoded key has build metadata");
	fv_check_same(v, &back, 0, "key encode -> decode");
	size_t klen2 = version_key_encode(&back, key2);
	FUZZ_CHECK(klen2 == klen && memcmp(key, key2, klen) == 0,
	           "re-encoding the decoded key of \"%s\" changes it", text);
	FUZZ_CHECK(version_key_cmp(key, klen, key2, klen2) == 0,
	           "version_key_cmp of equal keys is not 0");
	/* every proper prefix is not a well-formed key, or a lesser one */
	for (size_t cut = 0; cut < klen; cut++) {
		if (version_key_decode(&back, key, cut) == 0)
			FUZZ_CHECK(version_cmp(&back, v) != 0,
			           "a %zu-byte prefix of the key of \"%s\" decodes "
			           "to the same version", cut, text);
	}

	/* version_next moves strictly up, in both orders */
	if (version_next(&next, v) == 0) {
		FUZZ_CHECK(version_cmp(v, &next) < 0 && version_cmp(&next, v) > 0,
		           "version_next(%s) = %s is not greater", text,
		           fuzz_vtext(&next, t2, sizeof t2));
		size_t nlen = version_key_encode(&next, key2);
		FUZZ_CHECK(nlen > 0, "key of version_next(%s) does not fit", text);
		FUZZ_CHECK(version_key_cmp(key, klen, key2, nlen) < 0,
		           "key of version_next(%s) is not greater", text);
		size_t n2 = version_format(&next, t2, sizeof t2);
		FUZZ_CHECK(n2 < sizeof t2 &&
		           version_parse(&back, t2, n2, &err) == 0,
		           "version_next(%s) = \"%s\" does not parse", text, t2);
	}
}

int fuzz_version(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *err = NULL;
	version full, part;
	int full_ok, part_ok, nparts = 0;

	full_ok = version_parse(&full, s, size, &err) == 0;
	if (full_ok) {
		FUZZ_CHECK(size <= VERSION_TEXT_MAX, "accepted %zu bytes", size);
		fv_check_version(&full);
	} else {
		FUZZ_CHECK(err != NULL && err[0] != '\0',
		           "version_parse failed without a message");
	}

	err = NULL;
	part_ok = version_parse_partial(&part, &nparts, s, size, &err) == 0;
	if (part_ok) {
		FUZZ_CHECK(nparts >= 1 && nparts <= 3, "nparts = %d", nparts);
		if (nparts < 3)
			FUZZ_CHECK(part.patch == 0 && (nparts == 2 || part.minor == 0),
			           "missing parts not filled with 0");
		fv_check_version(&part);
	} else {
		FUZZ_CHECK(err != NULL && err[0] != '\0',
		           "version_parse_partial failed without a message");
	}
	/* a full version is also a partial one with three parts */
	if (full_ok) {
		FUZZ_CHECK(part_ok && nparts == 3,
		           "full version rejected by version_parse_partial "
		           "(ok %d, nparts %d)", part_ok, nparts);
		fv_check_same(&full, &part, 1, "parse vs parse_partial");
	}

	/* the bytes as a key: decode must stay in bounds, and what it
	 * accepts must be a version that survives the same checks */
	version dec;
	if (version_key_decode(&dec, data, size) == 0) {
		uint8_t key[VKEY_MAX];
		size_t klen = version_key_encode(&dec, key);
		FUZZ_CHECK(klen > 0, "a decoded key does not encode again");
		version dec2;
		FUZZ_CHECK(version_key_decode(&dec2, key, klen) == 0,
		           "re-encoded key does not decode");
		fv_check_same(&dec, &dec2, 0, "decode -> encode -> decode");
		/* a key from a damaged DB must not become a version that no
		 * parser would accept (it is printed, exported, compared) */
		char text[VERSION_TEXT_MAX + 2];
		size_t tlen = version_format(&dec, text, sizeof text);
		const char *e2 = NULL;
		FUZZ_CHECK(tlen < sizeof text &&
		           version_parse(&dec2, text, tlen, &e2) == 0,
		           "a decoded key gives \"%.*s\", which does not parse: %s",
		           (int)(tlen < sizeof text ? tlen : sizeof text - 1), text,
		           e2 ? e2 : "(too long)");
		fv_check_same(&dec, &dec2, 0, "decode -> format -> parse");
	}
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_version(data, size);
}
#endif
