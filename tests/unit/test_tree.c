/*
 * test_tree.c — which packages pull a package in: lockdeps.c (dependency
 * lists of every Cargo.lock format resolved as cargo-lock resolves them,
 * `replace`, and what leaves a lockfile without a tree) and tree.c (the
 * inverted text tree as cargo-lock draws it, the root paths of JSON,
 * cycles, roots, the caps).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "lockdeps.h"
#include "lockfile.h"
#include "lockresolve.h"
#include "tree.h"

#define CIO "registry+https://github.com/rust-lang/crates.io-index"

typedef struct fx {
	lockfile lf;
	depgraph g;
} fx;

static void load(fx *f, const char *text)
{
	lock_error err;
	if (lockfile_parse(&f->lf, text, strlen(text), &err) != 0)
		fail_msg("lockfile: %u: %s", err.line, err.msg);
	assert_int_equal(lockdeps_build(&f->g, &f->lf), 0);
}

static void unload(fx *f)
{
	depgraph_free(&f->g);
	lockfile_free(&f->lf);
}

static size_t idx(const fx *f, const char *name, const char *version)
{
	for (size_t i = 0; i < f->lf.npkgs; i++)
		if (!strcmp(f->lf.pkgs[i].name, name) &&
		    (!version || !strcmp(f->lf.pkgs[i].version, version)))
			return i;
	fail_msg("no package %s", name);
	return 0;
}

/* "name version" of each dependency of package i, space-joined. */
static void deps_of(char *out, size_t cap, const fx *f, size_t i)
{
	out[0] = '\0';
	for (size_t k = f->g.start[i]; k < f->g.start[i + 1]; k++) {
		const dep_ref *d = &f->g.dep[k];
		size_t n = strlen(out);
		snprintf(out + n, cap - n, "%s%s@%s", n ? " " : "", d->name,
		         d->version ? d->version : "?");
	}
}

static void test_lockdeps__v1_full_forms_and_root(void **state)
{
	fx f = { 0 };
	char s[256];
	(void)state;
	load(&f,
	     "[root]\nname = \"app\"\nversion = \"0.1.0\"\n"
	     "dependencies = [\"a 1.0.0 (" CIO ")\", \"b 2.0.0 (" CIO ")\"]\n\n"
	     "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"" CIO "\"\n"
	     "dependencies = [\"b 2.0.0 (" CIO ")\"]\n\n"
	     "[[package]]\nname = \"b\"\nversion = \"2.0.0\"\nsource = \"" CIO "\"\n"
	     "replace = \"b 2.0.1 (git+https://example.org/b#abc)\"\n\n"
	     "[metadata]\n\"checksum a 1.0.0 (" CIO ")\" = \"00\"\n");
	assert_true(lockdeps_has_root(&f.lf));
	assert_string_equal(f.g.error, "");
	deps_of(s, sizeof s, &f, 0);
	assert_string_equal(s, "a@1.0.0 b@2.0.0");
	assert_int_equal(f.g.dep[f.g.start[0]].to, idx(&f, "a", NULL));
	assert_string_equal(f.g.dep[f.g.start[0]].source, CIO);
	size_t b = idx(&f, "b", NULL);
	assert_non_null(f.g.replace);
	assert_string_equal(f.g.replace[b].name, "b");
	assert_string_equal(f.g.replace[b].version, "2.0.1");
	assert_string_equal(f.g.replace[b].source, "git+https://example.org/b#abc");
	assert_null(f.g.replace[idx(&f, "a", NULL)].name);
	unload(&f);
}

/* v2+: "name" is the first package of that name, "name version" the one
 * of that version, "name version (source)" the one of that source (git
 * compared without the commit when one side has none). */
static void test_lockdeps__short_forms_and_sources(void **state)
{
	fx f = { 0 };
	char s[256];
	(void)state;
	load(&f,
	     "version = 3\n"
	     "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n"
	     "dependencies = [\"a\", \"b 1.0.0\", \"b 2.0.0\", "
	     "\"c 1.0.0 (git+https://example.org/c?branch=main)\", "
	     "\"c 1.0.0 (" CIO ")\"]\n\n"
	     "[[package]]\nname = \"a\"\nversion = \"3.0.0\"\nsource = \"" CIO "\"\n\n"
	     "[[package]]\nname = \"b\"\nversion = \"2.0.0\"\nsource = \"" CIO "\"\n\n"
	     "[[package]]\nname = \"b\"\nversion = \"1.0.0\"\nsource = \"" CIO "\"\n\n"
	     "[[package]]\nname = \"c\"\nversion = \"1.0.0\"\nsource = \"" CIO "\"\n\n"
	     "[[package]]\nname = \"c\"\nversion = \"1.0.0\"\n"
	     "source = \"git+https://example.org/c?branch=main#0123abc\"\n");
	assert_false(lockdeps_has_root(&f.lf));
	assert_string_equal(f.g.error, "");
	deps_of(s, sizeof s, &f, 0);
	assert_string_equal(s, "a@3.0.0 b@1.0.0 b@2.0.0 c@1.0.0 c@1.0.0");
	size_t k = f.g.start[0];
	assert_int_equal(f.g.dep[k + 1].to, 3);     /* b 1.0.0: the second b */
	assert_int_equal(f.g.dep[k + 3].to, 5);     /* the git c */
	assert_string_equal(f.g.dep[k + 3].source,
	                    "git+https://example.org/c?branch=main#0123abc");
	assert_int_equal(f.g.dep[k + 4].to, 4);     /* the crates.io c */
	unload(&f);
}

/* What leaves a lockfile without a tree: every package stays. */
static void test_lockdeps__no_tree_and_why(void **state)
{
	static const struct { const char *deps, *why; } cases[] = {
		{ "[\"nosuch\"]", "line 5: dependency `nosuch` of app is in no "
		  "[[package]]" },
		{ "[\"a 9.9.9\"]", "line 5: dependency `a` of app is in no "
		  "[[package]]" },
		{ "[\"a 1.0.0 (registry+https://elsewhere)\"]", "line 5: "
		  "dependency `a` of app is in no [[package]]" },
		{ "[\"a  1.0.0\"]", "line 5: a dependency of app 0.1.0 is not "
		  "\"NAME [VERSION [(SOURCE)]]\"" },
		{ "[\"a 1.0.0 (x\"]", "line 5: a dependency of app 0.1.0 is not" },
		{ "[\"\"]", "line 5: a dependency of app 0.1.0 is not" },
		{ "[1]", "line 5: a dependency of app 0.1.0 is not a string" },
		{ "\"a\"", "line 5: `dependencies` of app 0.1.0 is not a list" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx f = { 0 };
		char text[512];
		snprintf(text, sizeof text,
		         "version = 3\n"
		         "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n"
		         "dependencies = %s\n\n"
		         "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n"
		         "source = \"" CIO "\"\n", cases[i].deps);
		load(&f, text);
		if (strncmp(f.g.error, cases[i].why, strlen(cases[i].why)))
			fail_msg("case %zu: got \"%s\"", i, f.g.error);
		assert_int_equal(f.lf.npkgs, 2);
		unload(&f);
	}
}

/* More than LOCK_SAME_MAX packages of one name: an entry that would have
 * to look past them ends the tree and libadvdb's lists alike, with the
 * same words (one resolver); one naming an earlier one still resolves. */
static void test_lockdeps__crowded_name(void **state)
{
	buf text = BUF_INIT;
	fx f = { 0 };
	char why[200];
	(void)state;
	for (int last = 0; last < 2; last++) {
		buf_reset(&text);
		buf_printf(&text, "version = 3\n[[package]]\nname = \"app\"\n"
		           "version = \"0.1.0\"\ndependencies = [\"a 1.0.%d\"]\n\n",
		           last ? LOCK_SAME_MAX : LOCK_SAME_MAX - 1);
		for (int i = 0; i <= LOCK_SAME_MAX; i++)
			buf_printf(&text, "[[package]]\nname = \"a\"\n"
			           "version = \"1.0.%d\"\n\n", i);
		buf_putc(&text, '\0');
		load(&f, text.p);
		int r = lockfile_deps(&f.lf, why, sizeof why);
		if (!last) {
			assert_string_equal(f.g.error, "");
			assert_int_equal(r, 0);
			assert_int_equal(f.lf.pkgs[0].deps[0], LOCK_SAME_MAX);
		} else {
			assert_string_equal(f.g.error, "line 5: more than 64 packages "
			                    "named a");
			assert_int_equal(r, 1);
			assert_string_equal(why, f.g.error);
			assert_int_equal(f.lf.pkgs[0].ndeps, 0);
		}
		unload(&f);
	}
	buf_free(&text);
}

/* app and tool (two roots) pull mid; mid and selftest depend on each
 * other (a dev-dependency cycle); mid pulls vuln. */
static const char *RING =
	"version = 3\n"
	"[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n"
	"dependencies = [\"mid\"]\n\n"
	"[[package]]\nname = \"mid\"\nversion = \"0.2.0\"\n"
	"dependencies = [\"selftest\", \"vuln\"]\n\n"
	"[[package]]\nname = \"selftest\"\nversion = \"0.1.0\"\n"
	"dependencies = [\"mid\"]\n\n"
	"[[package]]\nname = \"tool\"\nversion = \"0.1.0\"\n"
	"dependencies = [\"mid\", \"vuln\"]\n\n"
	"[[package]]\nname = \"vuln\"\nversion = \"1.0.0\"\nsource = \"" CIO "\"\n";

static void test_tree__text_as_cargo_lock(void **state)
{
	fx f = { 0 };
	deptree *t;
	buf out = BUF_INIT;
	(void)state;
	load(&f, RING);
	assert_int_equal(deptree_new(&t, &f.g, f.lf.pkgs), 0);
	deptree_text(&out, t, idx(&f, "vuln", NULL));
	buf_putc(&out, '\0');
	assert_string_equal(out.p,
		"Dependency tree:\n"
		"vuln 1.0.0\n"
		"\xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80 mid 0.2.0\n"
		"\xe2\x94\x82   \xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80 app 0.1.0\n"
		"\xe2\x94\x82   \xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80 selftest 0.1.0\n"
		"\xe2\x94\x82   \xe2\x94\x82   \xe2\x94\x94\xe2\x94\x80\xe2\x94\x80 mid 0.2.0\n"
		"\xe2\x94\x82   \xe2\x94\x94\xe2\x94\x80\xe2\x94\x80 tool 0.1.0\n"
		"\xe2\x94\x94\xe2\x94\x80\xe2\x94\x80 tool 0.1.0\n");
	/* once per package per report */
	buf_reset(&out);
	deptree_text(&out, t, idx(&f, "vuln", NULL));
	assert_int_equal(out.len, 0);
	deptree_free(t);
	buf_free(&out);
	unload(&f);
}

static const char *paths_json(buf *out, deptree *t, size_t i)
{
	json j;
	buf_reset(out);
	json_init(&j, out);
	json_obj_begin(&j);
	deptree_json(&j, t, i);
	json_obj_end(&j);
	buf_putc(out, '\0');
	return out->p;
}

static void test_tree__root_paths(void **state)
{
	fx f = { 0 };
	deptree *t;
	buf out = BUF_INIT;
	(void)state;
	load(&f, RING);
	assert_int_equal(deptree_new(&t, &f.g, f.lf.pkgs), 0);
	assert_string_equal(paths_json(&out, t, idx(&f, "vuln", NULL)),
		"{\"advdb-dependency-paths\":{\"roots\":2,\"paths\":["
		"{\"packages\":[{\"name\":\"app\",\"version\":\"0.1.0\"},"
		"{\"name\":\"mid\",\"version\":\"0.2.0\"},"
		"{\"name\":\"vuln\",\"version\":\"1.0.0\"}],\"omitted\":0},"
		"{\"packages\":[{\"name\":\"tool\",\"version\":\"0.1.0\"},"
		"{\"name\":\"vuln\",\"version\":\"1.0.0\"}],\"omitted\":0}]}}");
	/* a root is its own path */
	assert_string_equal(paths_json(&out, t, idx(&f, "app", NULL)),
		"{\"advdb-dependency-paths\":{\"roots\":1,\"paths\":["
		"{\"packages\":[{\"name\":\"app\",\"version\":\"0.1.0\"}],"
		"\"omitted\":0}]}}");
	deptree_free(t);
	unload(&f);

	/* every ancestor in a cycle, no root: the workspace members */
	load(&f,
	     "version = 3\n"
	     "[[package]]\nname = \"a\"\nversion = \"0.1.0\"\n"
	     "dependencies = [\"b\", \"v\"]\n\n"
	     "[[package]]\nname = \"b\"\nversion = \"0.1.0\"\n"
	     "dependencies = [\"a\"]\n\n"
	     "[[package]]\nname = \"v\"\nversion = \"1.0.0\"\nsource = \"" CIO "\"\n");
	assert_int_equal(deptree_new(&t, &f.g, f.lf.pkgs), 0);
	assert_string_equal(paths_json(&out, t, idx(&f, "v", NULL)),
		"{\"advdb-dependency-paths\":{\"roots\":2,\"paths\":["
		"{\"packages\":[{\"name\":\"a\",\"version\":\"0.1.0\"},"
		"{\"name\":\"v\",\"version\":\"1.0.0\"}],\"omitted\":0},"
		"{\"packages\":[{\"name\":\"b\",\"version\":\"0.1.0\"},"
		"{\"name\":\"a\",\"version\":\"0.1.0\"},"
		"{\"name\":\"v\",\"version\":\"1.0.0\"}],\"omitted\":0}]}}");
	deptree_free(t);
	unload(&f);

	/* no tree: said why, in the same key */
	load(&f, "version = 3\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\n"
	     "dependencies = [\"gone\"]\n");
	assert_int_equal(deptree_new(&t, &f.g, f.lf.pkgs), 0);
	assert_string_equal(paths_json(&out, t, 0),
		"{\"advdb-dependency-paths\":{\"roots\":null,\"paths\":[],"
		"\"error\":\"line 5: dependency `gone` of a is in no "
		"[[package]]\"}}");
	buf_reset(&out);
	deptree_text(&out, t, 0);
	assert_int_equal(out.len, 0);   /* the report's header says why */
	deptree_free(t);
	buf_free(&out);
	unload(&f);
}

/* Long chains and wide fans: the text stops at TREE_LINES_MAX lines and
 * says how many packages it left out; a path keeps its root and the
 * TREE_PATH_MAX - 1 nearest; at most TREE_PATHS_MAX paths. */
static void test_tree__caps(void **state)
{
	buf text = BUF_INIT, out = BUF_INIT;
	fx f = { 0 };
	deptree *t;
	(void)state;
	/* p0 <- p1 <- ... <- p199 (p199 the root); and 30 roots over p0 */
	buf_puts(&text, "version = 3\n");
	for (int i = 0; i < 200; i++) {
		buf_printf(&text, "[[package]]\nname = \"p%d\"\nversion = \"1.0.0\"\n",
		           i);
		if (i > 0)
			buf_printf(&text, "dependencies = [\"p%d\"]\n", i - 1);
		buf_putc(&text, '\n');
	}
	for (int i = 0; i < 30; i++)
		buf_printf(&text, "[[package]]\nname = \"r%02d\"\nversion = \"1.0.0\"\n"
		           "dependencies = [\"p0\"]\n\n", i);
	buf_putc(&text, '\0');
	load(&f, text.p);
	assert_int_equal(deptree_new(&t, &f.g, f.lf.pkgs), 0);
	deptree_text(&out, t, idx(&f, "p0", NULL));
	buf_putc(&out, '\0');
	size_t lines = 0;
	for (const char *p = out.p; *p; p++)
		lines += *p == '\n';
	if (lines != 1 + TREE_LINES_MAX + 1 ||
	    !strstr(out.p, "\n... and 190 more packages depend on it (not "
	            "shown)\n"))
		fail_msg("%zu lines: %s", lines, out.p + out.len - 300);
	const char *js = paths_json(&out, t, idx(&f, "p0", NULL));
	assert_non_null(strstr(js, "{\"roots\":31,"));
	size_t npaths = 0;
	for (const char *p = js; (p = strstr(p, "\"packages\"")); p++)
		npaths++;
	assert_int_equal(npaths, TREE_PATHS_MAX);
	/* the 16 first roots by name: p199, r00 .. r14 */
	assert_non_null(strstr(js, "\"p199\""));
	assert_non_null(strstr(js, "\"r14\""));
	assert_null(strstr(js, "\"r15\""));
	deptree_free(t);
	unload(&f);

	/* one root, a 200-package path: root, then the 63 nearest */
	buf_reset(&text);
	buf_puts(&text, "version = 3\n");
	for (int i = 0; i < 200; i++) {
		buf_printf(&text, "[[package]]\nname = \"p%d\"\nversion = \"1.0.0\"\n",
		           i);
		if (i > 0)
			buf_printf(&text, "dependencies = [\"p%d\"]\n", i - 1);
		buf_putc(&text, '\n');
	}
	buf_putc(&text, '\0');
	load(&f, text.p);
	assert_int_equal(deptree_new(&t, &f.g, f.lf.pkgs), 0);
	js = paths_json(&out, t, idx(&f, "p0", NULL));
	assert_non_null(strstr(js, "{\"roots\":1,\"paths\":[{\"packages\":["
	                       "{\"name\":\"p199\",\"version\":\"1.0.0\"},"
	                       "{\"name\":\"p62\","));
	assert_non_null(strstr(js, "{\"name\":\"p0\",\"version\":\"1.0.0\"}],"
	                       "\"omitted\":136}"));
	deptree_free(t);
	unload(&f);
	buf_free(&text);
	buf_free(&out);
}

/* A package's paths asked again (its next finding) are the same text,
 * and still charged to the report's budget: a chain of 4,000 packages
 * costs 2 * 3999 + 1 steps a walk from its end (a step a package reached and
 * one a parent), so 2097 walks fit in TREE_WORK_MAX and the 2098th
 * says the work ran out, as do all after it, for any package. */
#define LINK "link-%zu-of-the-chain"   /* (short names hash alike) */

static void test_tree__repeats_charged(void **state)
{
	buf text = BUF_INIT, out = BUF_INIT, first = BUF_INIT;
	fx f = { 0 };
	deptree *t;
	const size_t n = 4000, steps = 2 * (n - 1) + 1;
	(void)state;
	buf_puts(&text, "version = 3\n");
	for (size_t i = 0; i < n; i++) {
		buf_printf(&text, "[[package]]\nname = \"" LINK "\"\n"
		           "version = \"1.0.0\"\n", i);
		if (i > 0)
			buf_printf(&text, "dependencies = [\"" LINK "\"]\n",
			           i - 1);
		buf_putc(&text, '\n');
	}
	buf_putc(&text, '\0');
	load(&f, text.p);
	assert_int_equal(deptree_new(&t, &f.g, f.lf.pkgs), 0);
	size_t p0 = idx(&f, "link-0-of-the-chain", NULL);
	size_t fit = TREE_WORK_MAX / steps;
	buf_puts(&first, paths_json(&out, t, p0));
	if (!strstr(first.p, "\"omitted\":3936}"))
		fail_msg("%s", first.p);
	for (size_t k = 1; k < fit; k++)
		if (strcmp(paths_json(&out, t, p0), first.p) != 0)
			fail_msg("walk %zu: %s", k + 1, out.p);
	assert_non_null(strstr(paths_json(&out, t, p0), "took all the work"));
	assert_non_null(strstr(paths_json(&out, t,
	                                  idx(&f, "link-1-of-the-chain", NULL)),
	                       "took all the work"));
	deptree_free(t);
	unload(&f);
	buf_free(&text);
	buf_free(&out);
	buf_free(&first);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lockdeps__v1_full_forms_and_root),
		cmocka_unit_test(test_lockdeps__short_forms_and_sources),
		cmocka_unit_test(test_lockdeps__no_tree_and_why),
		cmocka_unit_test(test_lockdeps__crowded_name),
		cmocka_unit_test(test_tree__text_as_cargo_lock),
		cmocka_unit_test(test_tree__root_paths),
		cmocka_unit_test(test_tree__caps),
		cmocka_unit_test(test_tree__repeats_charged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
