/*
 * test_crates.c — the crate record (schema/crates.c) and one index file
 * read into it (compiler/cratesidx.c): which line counts, which is
 * reported and left out, what the record then says, and the index
 * layout's paths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crates.h"
#include "cratesidx.h"
#include "version.h"

#define Z "0000000000000000000000000000000000000000000000000000000000000000"
#define LINE(n, v, y) "{\"name\":\"" n "\",\"vers\":\"" v "\",\"cksum\":\"" \
                      Z "\",\"yanked\":" y "}\n"

typedef struct reports {
	unsigned line[16];
	char msg[16][128];
	size_t n;
} reports;

static void collect(void *arg, unsigned line, const char *msg)
{
	reports *r = arg;
	if (r->n < 16) {
		r->line[r->n] = line;
		snprintf(r->msg[r->n], sizeof(r->msg[0]), "%s", msg);
	}
	r->n++;
}

static void key_of(uint8_t *k, size_t *kl, const char *s)
{
	version v;
	const char *why;
	assert_int_equal(version_parse(&v, s, strlen(s), &why), 0);
	*kl = version_key_encode(&v, k);
}

static void text_of(char *out, const uint8_t *k, size_t kl)
{
	version v;
	assert_int_equal(version_key_decode(&v, k, kl), 0);
	version_format(&v, out, 64);
}

static void test_crates__latest_pre_and_yanked(void **state)
{
	static const char text[] =
	    LINE("serde", "1.0.0", "false")
	    LINE("serde", "1.2.0", "true")      /* newest release, yanked */
	    LINE("serde", "1.1.0", "false")
	    LINE("serde", "2.0.0-rc.1", "false")
	    LINE("Serde", "0.9.0", "true");     /* case of the name is free */
	cratesidx_file f;
	reports rp = { 0 };
	crate_rec r;
	char t[64];
	uint8_t k[VKEY_MAX];
	size_t kl;

	(void)state;
	assert_int_equal(cratesidx_parse(&f, "serde", text, strlen(text),
	                                 collect, &rp), 0);
	assert_int_equal(rp.n, 0);
	assert_int_equal(f.versions, 5);
	assert_int_equal(f.yanked, 2);
	assert_non_null(f.rec);
	assert_int_equal(crate_rec_decode(&r, f.rec, f.rec_len), 0);
	text_of(t, r.latest, r.latest_len);
	assert_string_equal(t, "1.1.0");
	text_of(t, r.pre, r.pre_len);
	assert_string_equal(t, "2.0.0-rc.1");
	key_of(k, &kl, "1.2.0");
	assert_int_equal(crate_rec_yanked(&r, k, kl), 1);
	key_of(k, &kl, "0.9.0");
	assert_int_equal(crate_rec_yanked(&r, k, kl), 1);
	key_of(k, &kl, "1.1.0");
	assert_int_equal(crate_rec_yanked(&r, k, kl), 0);
	key_of(k, &kl, "1.2.0+build");     /* build metadata: same version */
	assert_int_equal(crate_rec_yanked(&r, k, kl), 1);
	cratesidx_file_free(&f);
}

static void test_crates__pre_only_when_newer(void **state)
{
	static const char text[] =
	    LINE("a", "1.0.0-beta.1", "false")
	    LINE("a", "1.0.0", "false");
	cratesidx_file f;
	reports rp = { 0 };
	crate_rec r;

	(void)state;
	assert_int_equal(cratesidx_parse(&f, "a", text, strlen(text), collect,
	                                 &rp), 0);
	assert_int_equal(crate_rec_decode(&r, f.rec, f.rec_len), 0);
	assert_non_null(r.latest);
	assert_null(r.pre);                 /* older than the release */
	cratesidx_file_free(&f);
}

static void test_crates__malformed_lines_reported(void **state)
{
	static const char text[] =
	    LINE("x", "1.0.0", "false")
	    "not json\n"
	    LINE("x", "01.0.0", "false")
	    LINE("y", "1.1.0", "false")
	    "{\"name\":\"x\",\"vers\":\"1.2.0\",\"cksum\":\"abc\"}\n"
	    "{\"name\":\"x\",\"vers\":\"1.3.0\",\"cksum\":\"" Z "\",\"yanked\":1}\n"
	    LINE("x", "1.0.0+b", "true")       /* 1.0.0 again */
	    "\n"
	    LINE("x", "1.4.0", "false");
	cratesidx_file f;
	reports rp = { 0 };
	crate_rec r;
	char t[64];

	(void)state;
	assert_int_equal(cratesidx_parse(&f, "x", text, strlen(text), collect,
	                                 &rp), 0);
	assert_int_equal(f.bad, 6);
	assert_int_equal(rp.n, 6);
	assert_int_equal(rp.line[0], 2);
	assert_non_null(strstr(rp.msg[0], "not JSON"));
	assert_int_equal(rp.line[1], 3);
	assert_non_null(strstr(rp.msg[1], "`vers`"));
	assert_int_equal(rp.line[2], 4);
	assert_non_null(strstr(rp.msg[2], "`name`"));
	assert_int_equal(rp.line[3], 5);
	assert_non_null(strstr(rp.msg[3], "`cksum`"));
	assert_int_equal(rp.line[4], 6);
	assert_non_null(strstr(rp.msg[4], "`yanked`"));
	assert_int_equal(rp.line[5], 7);
	assert_non_null(strstr(rp.msg[5], "given twice (first on line 1)"));
	assert_int_equal(f.versions, 2);     /* 1.0.0 and 1.4.0 */
	assert_int_equal(f.yanked, 0);
	assert_int_equal(crate_rec_decode(&r, f.rec, f.rec_len), 0);
	text_of(t, r.latest, r.latest_len);
	assert_string_equal(t, "1.4.0");
	cratesidx_file_free(&f);
}

static void test_crates__nothing_valid(void **state)
{
	static const char text[] = "garbage\n";
	cratesidx_file f;
	reports rp = { 0 };

	(void)state;
	assert_int_equal(cratesidx_parse(&f, "x", text, strlen(text), collect,
	                                 &rp), 0);
	assert_null(f.rec);
	assert_int_equal(rp.n, 2);
	assert_int_equal(rp.line[1], 0);    /* about the whole file */
	assert_int_equal(cratesidx_parse(&f, "x", "", 0, collect, &rp), 0);
	assert_null(f.rec);
}

static void test_crates__layout_paths(void **state)
{
	char name[ADV_PACKAGE_MAX + 1];
	const char *why;

	(void)state;
	assert_int_equal(cratesidx_path(name, "1/a", &why), 1);
	assert_string_equal(name, "a");
	assert_int_equal(cratesidx_path(name, "2/ab", &why), 1);
	assert_int_equal(cratesidx_path(name, "3/a/abc", &why), 1);
	assert_int_equal(cratesidx_path(name, "se/rd/serde", &why), 1);
	assert_string_equal(name, "serde");
	assert_int_equal(cratesidx_path(name, "config.json", &why), 0);
	assert_int_equal(cratesidx_path(name, ".github/x/y", &why), 0);
	assert_int_equal(cratesidx_path(name, "se/rd/serdx", &why), 1);
	assert_int_equal(cratesidx_path(name, "se/rx/serde", &why), -1);
	assert_non_null(why);
	assert_int_equal(cratesidx_path(name, "3/b/abc", &why), -1);
	assert_int_equal(cratesidx_path(name, "2/abc", &why), -1);
	assert_int_equal(cratesidx_path(name, "se/rd/Serde", &why), -1);
	assert_int_equal(cratesidx_path(name, "a/b/c/d", &why), -1);
}

static void test_crates__record_refuses_damage(void **state)
{
	static const char text[] =
	    LINE("a", "1.0.0", "true") LINE("a", "2.0.0", "true")
	    LINE("a", "3.0.0", "false");
	cratesidx_file f;
	reports rp = { 0 };
	crate_rec r;

	(void)state;
	assert_int_equal(cratesidx_parse(&f, "a", text, strlen(text), collect,
	                                 &rp), 0);
	assert_int_equal(crate_rec_decode(&r, f.rec, f.rec_len), 0);
	/* every cut is refused, never read past */
	for (size_t n = 0; n < f.rec_len; n++) {
		uint8_t *cut = malloc(n ? n : 1);
		memcpy(cut, f.rec, n);
		assert_int_equal(crate_rec_decode(&r, cut, n), -1);
		free(cut);
	}
	uint8_t *b = malloc(f.rec_len + 1);
	memcpy(b, f.rec, f.rec_len);
	b[f.rec_len] = 0;                   /* a byte too many */
	assert_int_equal(crate_rec_decode(&r, b, f.rec_len + 1), -1);
	memcpy(b, f.rec, f.rec_len);
	b[0] = 2;                           /* another format */
	assert_int_equal(crate_rec_decode(&r, b, f.rec_len), -1);
	/* the yanked keys out of order: swap the two (same length) */
	size_t y = f.rec_len - 2 * 5;
	uint8_t tmp[5];
	memcpy(b, f.rec, f.rec_len);
	memcpy(tmp, b + y, 5);
	memcpy(b + y, b + y + 5, 5);
	memcpy(b + y + 5, tmp, 5);
	assert_int_equal(crate_rec_decode(&r, b, f.rec_len), -1);
	free(b);
	cratesidx_file_free(&f);
}

static void test_crates__meta_line(void **state)
{
	crates_meta m = { "0123456789abcdef0123456789abcdef01234567", 1700000000,
	                  170000, 1700000, 3 }, back;
	char buf[CRATES_META_MAX];

	(void)state;
	size_t n = crates_meta_format(buf, &m);
	assert_true(n > 0);
	assert_int_equal(crates_meta_parse(&back, buf, n), 0);
	assert_memory_equal(&m, &back, sizeof(m));
	assert_int_equal(crates_meta_parse(&back, buf, n - 1), -1); /* "3" cut: a trailing space */
	assert_int_equal(crates_meta_parse(&back, "x", 1), -1);
	buf[3] = 'G';
	assert_int_equal(crates_meta_parse(&back, buf, n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crates__latest_pre_and_yanked),
		cmocka_unit_test(test_crates__pre_only_when_newer),
		cmocka_unit_test(test_crates__malformed_lines_reported),
		cmocka_unit_test(test_crates__nothing_valid),
		cmocka_unit_test(test_crates__layout_paths),
		cmocka_unit_test(test_crates__record_refuses_damage),
		cmocka_unit_test(test_crates__meta_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
