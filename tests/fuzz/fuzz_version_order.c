/*
 * fuzz_version_order.c — differential: semver precedence against the
 * memcmp order of version keys.
 *
 * The input is two strings split at the first newline. When both parse
 * (fully, or else partially), sign(version_cmp(a, b)) must equal
 * sign(version_key_cmp(key(a), key(b))): the index answers "affected?"
 * with memcmp alone, so any disagreement is a wrong answer. Also checked:
 * antisymmetry, equal versions have identical keys, and the order against
 * version_next of each side.
 */
#include "fuzz.h"

static int fo_sign(int x)
{
	return (x > 0) - (x < 0);
}

static int fo_parse(version *v, const char *s, size_t n)
{
	const char *err = NULL;
	int nparts;

	if (version_parse(v, s, n, &err) == 0)
		return 0;
	return version_parse_partial(v, &nparts, s, n, &err);
}

static void fo_compare(const version *a, const version *b)
{
	uint8_t ka[VKEY_MAX], kb[VKEY_MAX];
	char ta[VERSION_TEXT_MAX + 1], tb[VERSION_TEXT_MAX + 1];
	size_t la = version_key_encode(a, ka);
	size_t lb = version_key_encode(b, kb);

	fuzz_vtext(a, ta, sizeof ta);
	fuzz_vtext(b, tb, sizeof tb);
	FUZZ_CHECK(la > 0 && lb > 0, "a key does not fit: %s, %s", ta, tb);
	int c = fo_sign(version_cmp(a, b));
	int k = fo_sign(version_key_cmp(ka, la, kb, lb));
	FUZZ_CHECK(c == k, "version_cmp(%s, %s) = %d but key order = %d",
	           ta, tb, c, k);
	FUZZ_CHECK(fo_sign(version_cmp(b, a)) == -c,
	           "version_cmp not antisymmetric for %s, %s", ta, tb);
	FUZZ_CHECK(fo_sign(version_key_cmp(kb, lb, ka, la)) == -k,
	           "version_key_cmp not antisymmetric for %s, %s", ta, tb);
	if (c == 0)
		FUZZ_CHECK(la == lb && memcmp(ka, kb, la) == 0,
		           "equal versions %s, %s have different keys", ta, tb);
	/* precedence is total: a < b implies next(a) <= b */
	version na;
	if (c < 0 && version_next(&na, a) == 0)
		FUZZ_CHECK(version_cmp(&na, b) <= 0,
		           "%s < %s but version_next(%s) is above %s", ta, tb, ta,
		           tb);
}

int fuzz_version_order(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	version a, b;

	if (!nl)
		return 0;
	size_t alen = (size_t)(nl - s);
	if (fo_parse(&a, s, alen) != 0 ||
	    fo_parse(&b, nl + 1, size - alen - 1) != 0)
		return 0;
	fo_compare(&a, &b);
	/* their successors take part too: they are the bounds the index
	 * stores for exclusive requirements */
	version na, nb;
	if (version_next(&na, &a) == 0) {
		fo_compare(&na, &b);
		if (version_next(&nb, &b) == 0)
			fo_compare(&na, &nb);
	}
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_version_order(data, size);
}
#endif
