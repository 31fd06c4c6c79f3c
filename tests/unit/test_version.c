/*
 * test_version.c — schema/version.c: parsing (accept and reject tables),
 * semver precedence, text round trip, version_next, and version keys.
 *
 * The property test generates versions from a fixed-seed PRNG, so every
 * run checks the same few thousand pairs: sign(version_cmp) must equal
 * sign(version_key_cmp) and every key must decode to the same version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "version.h"

static version parse_ok(const char *s)
{
	version v;
	const char *err = NULL;
	int rc = version_parse(&v, s, strlen(s), &err);
	if (rc != 0)
		fail_msg("version_parse(\"%s\") failed: %s", s, err ? err : "?");
	return v;
}

static int sign(int x) { return (x > 0) - (x < 0); }

static void test_parse__accepts(void **state)
{
	(void)state;
	static const char *good[] = {
		"0.0.0", "1.2.3", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1",
		"1.0.0-0", "1.0.0-0.3.7", "1.0.0-x.7.z.92", "1.0.0-x-y-z.--",
		"1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85",
		"1.0.0+001", "1.0.0-alpha+001", "1.0.0--", "1.0.0-0a",
		"18446744073709551615.18446744073709551615.18446744073709551615",
		"1.0.0-18446744073709551615",
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		version v = parse_ok(good[i]);
		char buf[VERSION_TEXT_MAX + 1];
		size_t n = version_format(&v, buf, sizeof buf);
		assert_int_equal(n, strlen(good[i]));
		assert_string_equal(buf, good[i]);
	}
	version v = parse_ok("1.2.3-rc.1+b.7");
	assert_true(v.major == 1 && v.minor == 2 && v.patch == 3);
	assert_string_equal(v.pre, "rc.1");
	assert_int_equal(v.pre_len, 4);
	assert_string_equal(v.build, "b.7");
	assert_int_equal(v.build_len, 3);
}

static void test_parse__rejects(void **state)
{
	(void)state;
	static const char *bad[] = {
		"", "1", "1.2", "1.2.", "1..3", ".1.2", "01.2.3", "1.02.3",
		"1.2.03", "v1.2.3", " 1.2.3", "1.2.3 ", "1.2.3-", "1.2.3+",
		"1.2.3-a..b", "1.2.3-01", "1.2.3-a.00", "1.2.3-a_b", "1.2.3+a..b",
		"1.2.3-+b", "1.2.3.4", "1.2.3-é", "-1.2.3", "1.2.-3", "1.2.3x",
		"18446744073709551616.0.0", "0.18446744073709551616.0",
		"0.0.99999999999999999999", "1.0.0-18446744073709551616",
		"1.2.3+b+c", "1.2.3++", "1.2.3-a b",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		version v;
		const char *err = NULL;
		int rc = version_parse(&v, bad[i], strlen(bad[i]), &err);
		if (rc == 0)
			fail_msg("version_parse accepted \"%s\"", bad[i]);
		assert_int_equal(rc, -1);
		assert_non_null(err);
	}
	/* "1.2.3-a+b-" is fine: '-' is an identifier character in builds */
	parse_ok("1.2.3-a+b-");
}

static void test_parse__length_is_honoured(void **state)
{
	(void)state;
	const char *s = "1.2.3garbage";
	version v;
	const char *err;
	assert_int_equal(version_parse(&v, s, 5, &err), 0);
	assert_true(v.major == 1 && v.minor == 2 && v.patch == 3);
	assert_int_equal(version_parse(&v, s, 6, &err), -1);

	char big[VERSION_TEXT_MAX + 50];
	memset(big, 'a', sizeof big);
	memcpy(big, "1.2.3-", 6);
	/* prerelease one byte over the cap: an error, not a truncation */
	assert_int_equal(version_parse(&v, big, 6 + VERSION_PRE_MAX + 1, &err), -1);
	assert_int_equal(version_parse(&v, big, 6 + VERSION_PRE_MAX, &err), 0);
	assert_int_equal(v.pre_len, VERSION_PRE_MAX);
	assert_int_equal(version_parse(&v, big, sizeof big, &err), -1);
}

static void test_parse__partial(void **state)
{
	(void)state;
	version v;
	int n = 0;
	const char *err;
	assert_int_equal(version_parse_partial(&v, &n, "1", 1, &err), 0);
	assert_int_equal(n, 1);
	assert_true(v.major == 1 && v.minor == 0 && v.patch == 0);
	assert_int_equal(version_parse_partial(&v, &n, "1.2", 3, &err), 0);
	assert_int_equal(n, 2);
	assert_true(v.major == 1 && v.minor == 2 && v.patch == 0);
	assert_int_equal(version_parse_partial(&v, &n, "1.2.3-rc.1", 10, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v.pre, "rc.1");
	/* prerelease only after a full version, as the semver crate */
	assert_int_equal(version_parse_partial(&v, &n, "1.2-rc", 6, &err), -1);
	assert_int_equal(version_parse_partial(&v, &n, "1.", 2, &err), -1);
	assert_int_equal(version_parse_partial(&v, &n, "01", 2, &err), -1);
	assert_int_equal(version_parse_partial(&v, &n, "1.*", 3, &err), -1);
}

static void test_cmp__semver_spec_chain(void **state)
{
	(void)state;
	static const char *chain[] = {
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1-0",
		"1.0.1", "1.1.0", "1.9.0", "1.10.0", "2.0.0-0", "2.0.0",
	};
	size_t n = sizeof chain / sizeof *chain;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			version a = parse_ok(chain[i]), b = parse_ok(chain[j]);
			int want = (i > j) - (i < j);
			if (sign(version_cmp(&a, &b)) != want)
				fail_msg("cmp(%s, %s) != %d", chain[i], chain[j], want);
		}
}

static void test_cmp__build_ignored_and_numeric_ids(void **state)
{
	(void)state;
	version a = parse_ok("1.0.0+a"), b = parse_ok("1.0.0+b");
	assert_int_equal(version_cmp(&a, &b), 0);
	a = parse_ok("1.0.0-2");
	b = parse_ok("1.0.0-10");
	assert_true(version_cmp(&a, &b) < 0);  /* by value, not by text */
	a = parse_ok("1.0.0-a10");
	b = parse_ok("1.0.0-a9");
	assert_true(version_cmp(&a, &b) < 0);  /* words by ASCII */
	a = parse_ok("1.0.0-999");
	b = parse_ok("1.0.0--");
	assert_true(version_cmp(&a, &b) < 0);  /* numeric below alphanumeric */
	a = parse_ok("1.0.0-a");
	b = parse_ok("1.0.0-a-");
	assert_true(version_cmp(&a, &b) < 0);  /* prefix first */
}

static void test_format__truncates_safely(void **state)
{
	(void)state;
	version v = parse_ok("12.34.56-rc.1+b");
	char buf[8];
	memset(buf, 'Z', sizeof buf);
	size_t n = version_format(&v, buf, 5);
	assert_int_equal(n, strlen("12.34.56-rc.1+b"));
	assert_string_equal(buf, "12.3");
	assert_int_equal(buf[5], 'Z');
	assert_int_equal(version_format(&v, NULL, 0), n);
}

static void test_next(void **state)
{
	(void)state;
	static const char *cases[][2] = {
		{"1.2.3", "1.2.4-0"},
		{"0.0.0", "0.0.1-0"},
		{"1.2.3-rc.1", "1.2.3-rc.1.0"},
		{"1.2.3-9", "1.2.3-9.0"},
		{"1.2.3-alpha1", "1.2.3-alpha1.0"},
		{"1.2.3+build", "1.2.4-0"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		version v = parse_ok(cases[i][0]), n, w = parse_ok(cases[i][1]);
		char buf[VERSION_TEXT_MAX + 1];
		assert_int_equal(version_next(&n, &v), 0);
		version_format(&n, buf, sizeof buf);
		assert_string_equal(buf, cases[i][1]);
		assert_true(version_cmp(&n, &v) > 0);
		assert_int_equal(version_cmp(&n, &w), 0);
	}
	/* nothing lies between v and next(v): spot-check neighbours */
	version v = parse_ok("1.2.3-9"), n;
	version_next(&n, &v);
	version t = parse_ok("1.2.3-10");
	assert_true(version_cmp(&n, &t) < 0);
	t = parse_ok("1.2.3-9.0.0");
	assert_true(version_cmp(&n, &t) < 0);

	v = parse_ok("1.2.18446744073709551615");
	assert_int_equal(version_next(&n, &v), -1);
	char pre[VERSION_PRE_MAX + 16];
	memset(pre, 'a', sizeof pre);
	memcpy(pre, "1.0.0-", 6);
	const char *err;
	assert_int_equal(version_parse(&v, pre, 6 + VERSION_PRE_MAX - 1, &err), 0);
	assert_int_equal(version_next(&n, &v), -1);  /* ".0" would not fit */
}

static void key_roundtrip(const version *v)
{
	uint8_t key[VKEY_MAX];
	size_t n = version_key_encode(v, key);
	assert_true(n >= 1 && n <= VKEY_MAX);
	version d;
	assert_int_equal(version_key_decode(&d, key, n), 0);
	assert_int_equal(version_cmp(&d, v), 0);
	assert_int_equal(d.build_len, 0);
	char a[VERSION_TEXT_MAX + 1], b[VERSION_TEXT_MAX + 1];
	version nob = *v;
	nob.build_len = 0;
	nob.build[0] = '\0';
	version_format(&nob, a, sizeof a);
	version_format(&d, b, sizeof b);
	assert_string_equal(a, b);
}

static void test_key__layout_and_roundtrip(void **state)
{
	(void)state;
	version v = parse_ok("1.0.256");
	uint8_t key[VKEY_MAX];
	size_t n = version_key_encode(&v, key);
	static const uint8_t want[] = {1, 1, 0, 2, 1, 0, 0xFF};
	assert_int_equal(n, sizeof want);
	assert_memory_equal(key, want, sizeof want);

	v = parse_ok("0.0.0-rc.0");
	n = version_key_encode(&v, key);
	static const uint8_t want2[] = {0, 0, 0, 2, 'r', 'c', 0, 1, 0, 0};
	assert_int_equal(n, sizeof want2);
	assert_memory_equal(key, want2, sizeof want2);

	static const char *vs[] = {
		"0.0.0", "1.2.3-alpha.1+build", "1.0.0-0.0.0.0", "1.0.0-x-y.1-2",
		"18446744073709551615.1.0-18446744073709551615.z",
	};
	for (size_t i = 0; i < sizeof vs / sizeof *vs; i++) {
		version x = parse_ok(vs[i]);
		key_roundtrip(&x);
	}
	/* the worst case for key size: many one-character identifiers */
	char pre[VERSION_PRE_MAX + 8];
	size_t p = 0;
	memcpy(pre, "1.1.1-", 6);
	p = 6;
	while (p + 2 <= 6 + VERSION_PRE_MAX) {
		pre[p++] = '1';
		pre[p++] = '.';
	}
	p--;  /* drop the trailing dot */
	const char *err;
	assert_int_equal(version_parse(&v, pre, p, &err), 0);
	key_roundtrip(&v);
}

static void test_key__decode_rejects_garbage(void **state)
{
	(void)state;
	static const struct { uint8_t b[12]; size_t n; } bad[] = {
		{{0}, 0},                          /* empty */
		{{1, 1, 0, 0}, 4},                 /* nothing after patch */
		{{1, 1, 0, 0, 0xFF, 0}, 6},        /* bytes after the release mark */
		{{9, 0, 0, 0xFF}, 4},              /* num longer than 8 */
		{{2, 0, 1, 0, 0, 0xFF}, 6},        /* non-canonical num */
		{{0, 0, 0, 3, 0}, 5},              /* unknown tag */
		{{0, 0, 0, 2, 'a'}, 5},            /* word without end */
		{{0, 0, 0, 2, 0, 0}, 6},           /* empty word */
		{{0, 0, 0, 2, '1', 0, 0}, 7},      /* numeric text as a word */
		{{0, 0, 0, 2, '_', 0, 0}, 7},      /* bad identifier byte */
		{{0, 0, 0, 1, 1, 5}, 6},           /* no terminator */
		{{0, 0, 0, 1, 3, 1}, 6},           /* num runs past the end */
		{{0, 0}, 2},                       /* truncated */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		version v;
		if (version_key_decode(&v, bad[i].b, bad[i].n) != -1)
			fail_msg("garbage key %zu decoded", i);
	}
}

/* xorshift64*: deterministic, good enough to spread cases */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t gen_num(uint64_t *s)
{
	switch (rng_next(s) % 6) {
	case 0: return 0;
	case 1: return rng_next(s) % 3;
	case 2: return rng_next(s) % 300;
	case 3: return UINT64_MAX - rng_next(s) % 3;
	case 4: return (uint64_t)1 << (rng_next(s) % 64);
	default: {
		/* two statements: argument order would be unspecified */
		uint64_t x = rng_next(s);
		return x >> (rng_next(s) % 64);
	}
	}
}

/* A random valid version as text; small alphabets make ties and shared
 * prefixes common, which is where orderings go wrong. */
static void gen_version(char *buf, size_t cap, uint64_t *s)
{
	uint64_t major = gen_num(s), minor = gen_num(s), patch = gen_num(s);
	int n = snprintf(buf, cap, "%llu.%llu.%llu", (unsigned long long)major,
	                 (unsigned long long)minor, (unsigned long long)patch);
	size_t at = (size_t)n;
	if (rng_next(s) % 3 != 0) {
		unsigned ids = 1 + (unsigned)(rng_next(s) % 4);
		buf[at++] = '-';
		for (unsigned i = 0; i < ids; i++) {
			if (i)
				buf[at++] = '.';
			if (rng_next(s) % 2) {
				n = snprintf(buf + at, cap - at, "%llu",
				             (unsigned long long)gen_num(s));
				at += (size_t)n;
			} else {
				static const char alpha[] = "ab-Z9";
				unsigned len = 1 + (unsigned)(rng_next(s) % 4);
				int has_alpha = 0;
				for (unsigned k = 0; k < len; k++) {
					char c = alpha[rng_next(s) % 5];
					has_alpha |= c != '9';
					buf[at++] = c;
				}
				if (!has_alpha)
					buf[at++] = 'a';
			}
		}
	}
	if (rng_next(s) % 5 == 0) {
		memcpy(buf + at, "+b.01", 5);
		at += 5;
	}
	buf[at] = '\0';
}

static void test_key__property_order_matches_cmp(void **state)
{
	(void)state;
	uint64_t seed = 0x9E3779B97F4A7C15ULL;
	char ta[200], tb[200];
	size_t pairs = 0, less = 0, equal = 0;

	for (int i = 0; i < 6000; i++) {
		gen_version(ta, sizeof ta, &seed);
		/* half the time b is a mutation of a, so many pairs tie early */
		if (rng_next(&seed) % 2) {
			memcpy(tb, ta, sizeof tb);
			size_t l = strlen(tb);
			char *plus = strchr(tb, '+');
			if (plus)
				*plus = '\0', l = strlen(tb);
			switch (rng_next(&seed) % 4) {
			case 0: if (l + 3 < sizeof tb) strcat(tb, strchr(tb, '-') ? ".0" : "-0"); break;
			case 1: if (l + 3 < sizeof tb) strcat(tb, strchr(tb, '-') ? ".a" : "-a"); break;
			case 2: if (l + 6 < sizeof tb) strcat(tb, "+zz"); break;
			default: break;
			}
		} else {
			gen_version(tb, sizeof tb, &seed);
		}
		version a = parse_ok(ta), b = parse_ok(tb);
		uint8_t ka[VKEY_MAX], kb[VKEY_MAX];
		size_t na = version_key_encode(&a, ka), nb = version_key_encode(&b, kb);
		assert_true(na > 0 && nb > 0);
		int c = sign(version_cmp(&a, &b));
		int k = sign(version_key_cmp(ka, na, kb, nb));
		if (c != k)
			fail_msg("%s vs %s: cmp %d, key cmp %d", ta, tb, c, k);
		assert_int_equal(sign(version_cmp(&b, &a)), -c);
		key_roundtrip(&a);
		key_roundtrip(&b);
		pairs++;
		less += c < 0;
		equal += c == 0;
	}
	/* the generator must exercise all three outcomes */
	assert_true(less > 100 && equal > 100 && pairs - less - equal > 100);
	print_message("# %zu pairs: %zu less, %zu equal\n", pairs, less, equal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse__accepts),
		cmocka_unit_test(test_parse__rejects),
		cmocka_unit_test(test_parse__length_is_honoured),
		cmocka_unit_test(test_parse__partial),
		cmocka_unit_test(test_cmp__semver_spec_chain),
		cmocka_unit_test(test_cmp__build_ignored_and_numeric_ids),
		cmocka_unit_test(test_format__truncates_safely),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_key__layout_and_roundtrip),
		cmocka_unit_test(test_key__decode_rejects_garbage),
		cmocka_unit_test(test_key__property_order_matches_cmp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
