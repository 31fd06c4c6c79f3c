/*
 * test_pkgdiff.c — the package changes of `diff` (pkgdiff.h): the
 * multi-version matching rule, source keys (crates.io's two index URLs
 * are one source, a git source without its commit), and the dependents
 * of added packages from the new lockfile's dependency lists (resolved
 * by lockdeps, as the report's tree).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "pkgdiff.h"

#define CIO "registry+https://github.com/rust-lang/crates.io-index"
#define SPARSE "sparse+https://index.crates.io/"

/* A v3 lockfile of "name version [source]" lines (source "-": none). */
static void mklock(lockfile *lf, char *text, size_t cap, const char *spec)
{
	lock_error err;
	size_t n = (size_t)snprintf(text, cap, "version = 3\n");
	char line[256];
	const char *p = spec;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char name[64], ver[64], src[128] = CIO, deps[256] = "";
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		int k = sscanf(line, "%63s %63s %127s %255[^\n]", name, ver, src,
		               deps);
		assert_true(k >= 2);
		n += (size_t)snprintf(text + n, cap - n,
		                      "\n[[package]]\nname = \"%s\"\nversion = \"%s\"\n",
		                      name, ver);
		if (strcmp(src, "-") != 0)
			n += (size_t)snprintf(text + n, cap - n, "source = \"%s\"\n",
			                      strcmp(src, "sparse") ? src : SPARSE);
		if (deps[0])
			n += (size_t)snprintf(text + n, cap - n,
			                      "dependencies = [%s]\n", deps);
		p += len + (nl != NULL);
	}
	assert_true(n < cap);
	assert_int_equal(lockfile_parse(lf, text, n, &err), 0);
}

/* "kind name old->new" of every change, joined by "; ". */
static void changes(char *out, size_t cap, const pkgdiff *d)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < d->n; i++) {
		const pkg_change *c = &d->v[i];
		const lock_pkg *p = c->new ? c->new : c->old;
		n += (size_t)snprintf(out + n, cap - n, "%s%s %s %s->%s",
		                      i ? "; " : "", pkgdiff_kind_name(c->kind),
		                      p->name, c->old ? c->old->version : "",
		                      c->new ? c->new->version : "");
	}
}

static void check(const char *old, const char *new, const char *want)
{
	char t1[8192], t2[8192], got[4096];
	lockfile a, b;
	pkgdiff d;

	mklock(&a, t1, sizeof(t1), old);
	mklock(&b, t2, sizeof(t2), new);
	assert_int_equal(pkgdiff_build(&d, &a, &b), 0);
	changes(got, sizeof(got), &d);
	assert_string_equal(got, want);
	pkgdiff_free(&d);
	lockfile_free(&a);
	lockfile_free(&b);
}

static void test_pkgdiff__same_series_first(void **state)
{
	(void)state;
	/* 0.3.0 -> 0.3.1 in its series; 1.0.0 is removed, not downgraded */
	check("app 0.1.0 -\nfoo 0.3.0\nfoo 1.0.0",
	      "app 0.1.0 -\nfoo 0.3.1",
	      "upgraded foo 0.3.0->0.3.1; removed foo 1.0.0->");
	/* the other way round: 1.0.0 -> 1.2.0, 0.1.0 removed */
	check("foo 0.1.0\nfoo 1.0.0", "foo 1.2.0",
	      "removed foo 0.1.0->; upgraded foo 1.0.0->1.2.0");
}

static void test_pkgdiff__across_series(void **state)
{
	(void)state;
	check("foo 0.9.1", "foo 1.0.0", "upgraded foo 0.9.1->1.0.0");
	check("foo 2.0.0", "foo 1.5.0", "downgraded foo 2.0.0->1.5.0");
	/* from the highest down: 0.2 -> 0.4, 0.3 added */
	check("foo 0.2.0", "foo 0.3.0\nfoo 0.4.0",
	      "upgraded foo 0.2.0->0.4.0; added foo ->0.3.0");
	/* series pairs first, then what is left from the top */
	check("foo 0.3.0\nfoo 1.0.0", "foo 0.3.1\nfoo 2.0.0",
	      "upgraded foo 0.3.0->0.3.1; upgraded foo 1.0.0->2.0.0");
	/* 0.0.x: each patch its own series */
	check("foo 0.0.1\nfoo 0.0.2", "foo 0.0.2\nfoo 0.0.3",
	      "upgraded foo 0.0.1->0.0.3");
}

static void test_pkgdiff__unchanged_and_sources(void **state)
{
	(void)state;
	check("foo 1.0.0\nbar 2.0.0", "bar 2.0.0\nfoo 1.0.0", "");
	/* the sparse index URL is crates.io too */
	check("foo 1.0.0", "foo 1.0.0 sparse", "");
	check("foo 1.0.0", "foo 1.1.0 sparse", "upgraded foo 1.0.0->1.1.0");
	/* a git commit moves: same version, no change; a new version: one */
	check("g 0.1.0 git+https://h/g#aaaa", "g 0.1.0 git+https://h/g#bbbb", "");
	check("g 0.1.0 git+https://h/g#aaaa", "g 0.2.0 git+https://h/g#bbbb",
	      "upgraded g 0.1.0->0.2.0");
	/* another source is another package */
	check("g 0.1.0", "g 0.1.0 git+https://h/g#aaaa",
	      "removed g 0.1.0->; added g ->0.1.0");
	/* a path package has no source */
	check("app 0.1.0 -", "app 0.2.0 -", "upgraded app 0.1.0->0.2.0");
}

static void test_pkgdiff__counts(void **state)
{
	(void)state;
	char t1[4096], t2[4096];
	lockfile a, b;
	pkgdiff d;

	mklock(&a, t1, sizeof(t1), "a 1.0.0\nb 1.0.0\nc 1.0.0\nd 2.0.0");
	mklock(&b, t2, sizeof(t2), "a 1.0.1\nc 1.0.0\nd 1.9.0\ne 0.1.0\nf 0.1.0");
	assert_int_equal(pkgdiff_build(&d, &a, &b), 0);
	assert_int_equal(d.count[PKG_ADDED], 2);
	assert_int_equal(d.count[PKG_REMOVED], 1);
	assert_int_equal(d.count[PKG_UPGRADED], 1);
	assert_int_equal(d.count[PKG_DOWNGRADED], 1);
	pkgdiff_free(&d);
	lockfile_free(&a);
	lockfile_free(&b);
}

static void test_pkgdiff__dependents(void **state)
{
	(void)state;
	char t1[4096], t2[4096];
	lockfile a, b;
	pkgdiff d;

	mklock(&a, t1, sizeof(t1), "app 0.1.0 - \"old 1.0.0\"\nold 1.0.0");
	/* new: app and lib both pull in `new`; lib names one of two
	 * versions of `two`, and a git package as v1 wrote its entries
	 * (the source without its #commit: cargo-lock's rule, lockdeps.h) */
	mklock(&b, t2, sizeof(t2),
	       "app 0.2.0 - \"lib\", \"new\", \"ghost\"\n"
	       "lib 1.0.0 " CIO " \"new 2.0.0\", \"two 0.2.0 (" CIO ")\", "
	       "\"g 1.0.0 (git+https://e.org/g?rev=abc)\"\n"
	       "new 2.0.0\n"
	       "g 1.0.0 git+https://e.org/g?rev=abc#abc\n"
	       "two 0.1.0\n"
	       "two 0.2.0");
	assert_int_equal(pkgdiff_build(&d, &a, &b), 0);
	int seen = 0;
	for (size_t i = 0; i < d.n; i++) {
		const pkg_change *c = &d.v[i];
		if (c->kind != PKG_ADDED)
			continue;
		if (!strcmp(c->new->name, "new")) {
			assert_int_equal(c->nby, 2);
			assert_string_equal(d.by[c->by]->name, "app");
			assert_string_equal(d.by[c->by + 1]->name, "lib");
			seen++;
		} else if (!strcmp(c->new->name, "two") &&
		           !strcmp(c->new->version, "0.2.0")) {
			assert_int_equal(c->nby, 1);
			assert_string_equal(d.by[c->by]->name, "lib");
			seen++;
		} else if (!strcmp(c->new->name, "two")) {
			assert_int_equal(c->nby, 0);   /* nobody names 0.1.0 */
			seen++;
		} else if (!strcmp(c->new->name, "g")) {
			assert_int_equal(c->nby, 1);
			assert_string_equal(d.by[c->by]->name, "lib");
			seen++;
		}
	}
	assert_int_equal(seen, 4);
	pkgdiff_free(&d);
	lockfile_free(&a);
	lockfile_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pkgdiff__same_series_first),
		cmocka_unit_test(test_pkgdiff__across_series),
		cmocka_unit_test(test_pkgdiff__unchanged_and_sources),
		cmocka_unit_test(test_pkgdiff__counts),
		cmocka_unit_test(test_pkgdiff__dependents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
