/*
 * test_manifest.c — query/cli/manifest.c: Cargo.toml files written to a
 * scratch directory, read back as dependency lists: each table and its
 * kind and target, renames, optional, skipped sources, workspace
 * inheritance (walking up, package.workspace, the root itself), and bad
 * input (wrong types, broken TOML, missing files) as errors that name the
 * file, or as one bad dependency among good ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "manifest.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_manifest.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write text to dir/rel (making its directories); the full path into
 * path. */
static void put(char *path, size_t cap, const char *rel, const char *text)
{
	char sub[512];
	snprintf(path, cap, "%s/%s", dir, rel);
	snprintf(sub, sizeof sub, "%s", path);
	for (char *p = sub + strlen(dir) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(sub, 0700);
			*p = '/';
		}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static const manifest_dep *find(const manifest *m, const char *key,
                                dep_kind kind, const char *target)
{
	for (size_t i = 0; i < m->n; i++) {
		const manifest_dep *d = &m->deps[i];
		if (!strcmp(d->key, key) && d->kind == kind &&
		    ((!d->target && !target) ||
		     (d->target && target && !strcmp(d->target, target))))
			return d;
	}
	fail_msg("no dependency %s (%s, %s)", key, dep_kind_name(kind),
	         target ? target : "-");
	return NULL;
}

static void test_load__tables_kinds_targets(void **state)
{
	char p[512], err[256];
	manifest m;
	(void)state;
	put(p, sizeof p, "forms/Cargo.toml",
	    "[package]\nname = \"x\"\n\n"
	    "[dependencies]\n"
	    "a = \"1.2\"\n"
	    "b = { version = \"=0.3\", optional = true }\n"
	    "c = { package = \"real-c\", version = \"2\" }\n"
	    "d = { path = \"../d\", version = \"1\" }\n"
	    "e = { git = \"https://example.invalid/e\" }\n"
	    "f = { version = \"1\", registry = \"corp\" }\n"
	    "g = { version = \"1\", registry = \"crates-io\" }\n"
	    "h = { features = [\"x\"] }\n"
	    "i = { version = \"1\", registry-index = \"sparse+https://x\" }\n"
	    "[dev-dependencies]\na = \"1.3\"\n"
	    "[dev_dependencies]\nj = \"1\"\n"
	    "[build-dependencies]\nk = \"1\"\n"
	    "[build_dependencies]\nl = \"1\"\n"
	    "[target.'cfg(windows)'.dependencies]\na = \"1.4\"\n"
	    "[target.x86_64-unknown-linux-gnu.dev-dependencies]\nm = \"0.1\"\n"
	    "[target.'cfg(unix)'.build_dependencies]\nn = \"9\"\n");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), 0);
	assert_int_equal(m.n, 16);
	assert_null(m.ws_path);
	const manifest_dep *d = find(&m, "a", DEP_NORMAL, NULL);
	assert_string_equal(d->req, "1.2");
	assert_string_equal(d->package, "a");
	assert_int_equal(d->source, DEP_CRATES_IO);
	assert_int_equal(d->line, 5);
	d = find(&m, "b", DEP_NORMAL, NULL);
	assert_true(d->optional);
	assert_string_equal(d->req, "=0.3");
	d = find(&m, "c", DEP_NORMAL, NULL);
	assert_string_equal(d->package, "real-c");
	assert_int_equal(find(&m, "d", DEP_NORMAL, NULL)->source, DEP_PATH);
	assert_int_equal(find(&m, "e", DEP_NORMAL, NULL)->source, DEP_GIT);
	d = find(&m, "f", DEP_NORMAL, NULL);
	assert_int_equal(d->source, DEP_REGISTRY);
	assert_string_equal(d->registry, "corp");
	assert_int_equal(find(&m, "g", DEP_NORMAL, NULL)->source,
	                 DEP_CRATES_IO);
	assert_string_equal(find(&m, "h", DEP_NORMAL, NULL)->req, "*");
	assert_int_equal(find(&m, "i", DEP_NORMAL, NULL)->source,
	                 DEP_REGISTRY);
	assert_string_equal(find(&m, "a", DEP_DEV, NULL)->req, "1.3");
	find(&m, "j", DEP_DEV, NULL);
	find(&m, "k", DEP_BUILD, NULL);
	find(&m, "l", DEP_BUILD, NULL);
	assert_string_equal(find(&m, "a", DEP_NORMAL, "cfg(windows)")->req,
	                    "1.4");
	find(&m, "m", DEP_DEV, "x86_64-unknown-linux-gnu");
	find(&m, "n", DEP_BUILD, "cfg(unix)");
	manifest_free(&m);
	/* a directory means its Cargo.toml */
	snprintf(p, sizeof p, "%s/forms", dir);
	assert_int_equal(manifest_load(&m, p, err, sizeof err), 0);
	assert_int_equal(m.n, 16);
	manifest_free(&m);
}

static void test_load__workspace_walk_up(void **state)
{
	char p[512], err[256];
	manifest m;
	(void)state;
	put(p, sizeof p, "ws/Cargo.toml",
	    "[workspace]\nmembers = [\"a/b/c\"]\n"
	    "[workspace.dependencies]\n"
	    "x = \"0.8\"\n"
	    "y = { package = \"why\", version = \"=1.0.1\" }\n"
	    "z = { path = \"z\" }\n");
	/* an ancestor without [workspace] is passed over */
	put(p, sizeof p, "ws/a/Cargo.toml", "[package]\nname = \"a\"\n");
	put(p, sizeof p, "ws/a/b/c/Cargo.toml",
	    "[package]\nname = \"c\"\n[dependencies]\n"
	    "x = { workspace = true, optional = true }\n"
	    "y.workspace = true\nz = { workspace = true }\n"
	    "q = { workspace = true }\nown = \"3\"\n");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), 0);
	assert_non_null(m.ws_path);
	assert_non_null(strstr(m.ws_path, "/ws/Cargo.toml"));
	const manifest_dep *d = find(&m, "x", DEP_NORMAL, NULL);
	assert_string_equal(d->req, "0.8");
	assert_true(d->inherited && d->optional);
	d = find(&m, "y", DEP_NORMAL, NULL);
	assert_string_equal(d->package, "why");
	assert_string_equal(d->req, "=1.0.1");
	assert_int_equal(find(&m, "z", DEP_NORMAL, NULL)->source, DEP_PATH);
	d = find(&m, "q", DEP_NORMAL, NULL);
	assert_int_equal(d->source, DEP_BAD);
	assert_non_null(strstr(d->error, "`q`"));
	assert_string_equal(find(&m, "own", DEP_NORMAL, NULL)->req, "3");
	manifest_free(&m);
}

static void test_load__workspace_explicit_and_self(void **state)
{
	char p[512], err[256];
	manifest m;
	(void)state;
	put(p, sizeof p, "roots/r/Cargo.toml",
	    "[workspace]\n[workspace.dependencies]\nx = \"1.5\"\n");
	put(p, sizeof p, "roots/m/Cargo.toml",
	    "[package]\nname = \"m\"\nworkspace = \"../r\"\n"
	    "[dependencies]\nx.workspace = true\n");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), 0);
	assert_string_equal(find(&m, "x", DEP_NORMAL, NULL)->req, "1.5");
	manifest_free(&m);
	put(p, sizeof p, "roots/self/Cargo.toml",
	    "[package]\nname = \"s\"\n[workspace]\n"
	    "[workspace.dependencies]\nx = \"2.5\"\n"
	    "[dependencies]\nx = { workspace = true }\n");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), 0);
	assert_string_equal(find(&m, "x", DEP_NORMAL, NULL)->req, "2.5");
	assert_string_equal(m.ws_path, p);
	manifest_free(&m);
	/* package.workspace naming a manifest without [workspace] */
	put(p, sizeof p, "roots/n/Cargo.toml",
	    "[package]\nname = \"n\"\nworkspace = \"../m\"\n"
	    "[dependencies]\nx.workspace = true\n");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), -1);
	assert_non_null(strstr(err, "no [workspace]"));
}

static void test_load__bad_dependencies_are_one_entry_each(void **state)
{
	char p[512], err[256];
	manifest m;
	(void)state;
	put(p, sizeof p, "bad/Cargo.toml",
	    "[dependencies]\n"
	    "a = 1\n"
	    "b = { version = 1 }\n"
	    "c = { workspace = false }\n"
	    "d = { optional = \"yes\" }\n"
	    "e = { package = [\"x\"], version = \"1\" }\n"
	    "f = \"1\"\n"
	    "g = { workspace = true }\n");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), 0);
	assert_int_equal(m.n, 7);
	for (size_t i = 0; i < m.n; i++) {
		const manifest_dep *d = &m.deps[i];
		if (!strcmp(d->key, "f"))
			assert_int_equal(d->source, DEP_CRATES_IO);
		else if (d->source != DEP_BAD || !d->error[0])
			fail_msg("%s should be bad", d->key);
	}
	manifest_free(&m);
}

static void test_load__errors_name_the_file(void **state)
{
	char p[512], err[256];
	manifest m;
	(void)state;
	put(p, sizeof p, "broken/Cargo.toml", "[dependencies\nx = \"1\"\n");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), -1);
	assert_non_null(strstr(err, "broken/Cargo.toml:1:"));
	put(p, sizeof p, "notable/Cargo.toml", "dependencies = \"1\"\n");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), -1);
	assert_non_null(strstr(err, "notable/Cargo.toml"));
	assert_non_null(strstr(err, "must be a table"));
	put(p, sizeof p, "badtarget/Cargo.toml",
	    "[target.'cfg(x)']\ndependencies = [1]\n");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), -1);
	snprintf(p, sizeof p, "%s/none/Cargo.toml", dir);
	assert_int_equal(manifest_load(&m, p, err, sizeof err), -1);
	assert_non_null(strstr(err, "none/Cargo.toml"));
	/* a directory without a Cargo.toml */
	snprintf(p, sizeof p, "%s", dir);
	assert_int_equal(manifest_load(&m, p, err, sizeof err), -1);
	/* an ancestor that is not TOML fails the walk, as in Cargo */
	put(p, sizeof p, "brokenroot/Cargo.toml", "[[[\n");
	put(p, sizeof p, "brokenroot/m/Cargo.toml",
	    "[dependencies]\nx.workspace = true\n");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), -1);
	assert_non_null(strstr(err, "brokenroot/Cargo.toml"));
	/* no error buffer at all is fine */
	assert_int_equal(manifest_load(&m, p, NULL, 0), -1);
}

static void test_load__empty_and_kind_names(void **state)
{
	char p[512], err[256];
	manifest m;
	(void)state;
	/* nothing to check: neither [package], [workspace] nor a table of
	 * dependencies */
	put(p, sizeof p, "empty/Cargo.toml", "");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), -1);
	assert_non_null(strstr(err, "nothing to check"));
	assert_non_null(strstr(err, "empty/Cargo.toml"));
	put(p, sizeof p, "comments/Cargo.toml", "# nothing\n[badges]\n");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), -1);
	assert_non_null(strstr(err, "nothing to check"));
	/* a package without dependencies is a real answer */
	put(p, sizeof p, "nodeps/Cargo.toml", "[package]\nname = \"a\"\n");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), 0);
	assert_int_equal(m.n, 0);
	manifest_free(&m);
	/* a lockfile says what it is */
	put(p, sizeof p, "lock/Cargo.toml", "version = 3\n\n[[package]]\n"
	    "name = \"a\"\nversion = \"0.1.0\"\n");
	assert_int_equal(manifest_load(&m, p, err, sizeof err), -1);
	assert_non_null(strstr(err, "this is a lockfile (Cargo.lock)"));
	assert_non_null(strstr(err, "use `advdb-query scan`"));
	assert_string_equal(dep_kind_name(DEP_NORMAL), "normal");
	assert_string_equal(dep_kind_name(DEP_DEV), "dev");
	assert_string_equal(dep_kind_name(DEP_BUILD), "build");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load__tables_kinds_targets),
		cmocka_unit_test(test_load__workspace_walk_up),
		cmocka_unit_test(test_load__workspace_explicit_and_self),
		cmocka_unit_test(test_load__bad_dependencies_are_one_entry_each),
		cmocka_unit_test(test_load__errors_name_the_file),
		cmocka_unit_test(test_load__empty_and_kind_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
