/*
 * test_auditable.c — cargo-auditable data (query/auditable.c): zlib with
 * its cap (8 MiB passes, one byte more is a bomb), padding and junk after
 * the stream; the JSON as the schema has it (every source spelling, kind,
 * root, format) and each way it can be wrong; the graph (one root, no
 * cycle, indices in range) with shortest-path parents; and a universal
 * file's slices merged into one list and one graph.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "auditable.h"
#include "binbuild.h"

static auditable_error err;

static int parse(auditable *a, const char *json)
{
	return auditable_parse_json(a, json, strlen(json), &err);
}

static void assert_json_fails(const char *json, const char *msg)
{
	auditable a;
	int rc = parse(&a, json);
	if (rc == 0 || !strstr(err.msg, msg))
		fail_msg("want an error with \"%s\", got %d \"%s\"", msg, rc,
		         err.msg);
	assert_int_equal(a.npkgs, 0);
	assert_null(a.mem);
}

/* zlib of n bytes of text (n may exceed strlen for padding tests). */
static unsigned char *deflated(size_t *zn, const void *text, size_t n)
{
	uLongf cap = compressBound(n);
	unsigned char *z = malloc(cap + 64);
	assert_non_null(z);
	assert_int_equal(compress2(z, &cap, text, n, 9), Z_OK);
	*zn = cap;
	return z;
}

static size_t find_pkg(const auditable *a, const char *name)
{
	for (size_t i = 0; i < a->npkgs; i++)
		if (strcmp(a->pkgs[i].name, name) == 0)
			return i;
	fail_msg("no package %s", name);
	return 0;
}

#define APP "{\"format\":1,\"packages\":[" \
	"{\"name\":\"app\",\"version\":\"0.1.0\",\"source\":\"local\"," \
	"\"dependencies\":[1,2],\"root\":true}," \
	"{\"name\":\"tokio\",\"version\":\"1.18.3\",\"source\":\"crates.io\"," \
	"\"dependencies\":[3]}," \
	"{\"name\":\"cc\",\"version\":\"1.0.0\",\"source\":\"crates.io\"," \
	"\"kind\":\"build\"}," \
	"{\"name\":\"mio\",\"version\":\"0.8.10\",\"source\":\"crates.io\"}]}"

static void test_auditable__inflate(void **state)
{
	(void)state;
	size_t zn, n;
	unsigned char *out, *z = deflated(&zn, APP, strlen(APP));

	assert_int_equal(auditable_inflate(&out, &n, z, zn, &err), 0);
	assert_int_equal(n, strlen(APP));
	assert_memory_equal(out, APP, n);
	assert_int_equal(out[n], 0);
	free(out);
	/* zero padding after the stream (a PE section's) is fine */
	memset(z + zn, 0, 7);
	assert_int_equal(auditable_inflate(&out, &n, z, zn + 7, &err), 0);
	free(out);
	z[zn + 3] = 'x';
	assert_int_equal(auditable_inflate(&out, &n, z, zn + 7, &err), -1);
	assert_non_null(strstr(err.msg, "7 bytes after the end of its zlib"));
	assert_null(out);
	assert_int_equal(auditable_inflate(&out, &n, z, zn / 2, &err), -1);
	assert_non_null(strstr(err.msg, "truncated"));
	assert_int_equal(auditable_inflate(&out, &n, z, 0, &err), -1);
	assert_non_null(strstr(err.msg, "empty"));
	assert_int_equal(auditable_inflate(&out, &n, (const unsigned char *)
	                                   "not zlib", 8, &err), -1);
	assert_non_null(strstr(err.msg, "not zlib data"));
	free(z);
}

static void test_auditable__inflate_cap(void **state)
{
	(void)state;
	size_t zn, n;
	unsigned char *out;
	char *big = calloc(AUDITABLE_INFLATE_MAX + 1, 1);
	assert_non_null(big);

	/* exactly the cap: inflates (and is then too much JSON only if
	 * it is not JSON, which is the parser's business) */
	unsigned char *z = deflated(&zn, big, AUDITABLE_INFLATE_MAX);
	assert_int_equal(auditable_inflate(&out, &n, z, zn, &err), 0);
	assert_int_equal(n, AUDITABLE_INFLATE_MAX);
	free(out);
	free(z);
	z = deflated(&zn, big, AUDITABLE_INFLATE_MAX + 1);
	assert_true(zn < 20000);                    /* a bomb indeed */
	assert_int_equal(auditable_inflate(&out, &n, z, zn, &err), -1);
	assert_non_null(strstr(err.msg, "inflates to more than 8 MiB"));
	free(z);
	free(big);
}

static void test_auditable__parse(void **state)
{
	(void)state;
	auditable a;

	assert_int_equal(parse(&a, APP), 0);
	assert_int_equal(a.format, 1);
	assert_int_equal(a.npkgs, 4);
	assert_string_equal(a.pkgs[1].name, "tokio");
	assert_string_equal(a.pkgs[1].version, "1.18.3");
	assert_int_equal(a.pkgs[1].source_kind, AUDITABLE_CRATES_IO);
	assert_string_equal(a.pkgs[0].source, "local");
	assert_int_equal(a.pkgs[0].source_kind, AUDITABLE_LOCAL);
	assert_true(a.pkgs[0].root);
	assert_true(a.pkgs[2].build);
	assert_false(a.pkgs[1].build);
	assert_string_equal(a.tree_error, "");
	assert_int_equal(a.root, 0);
	assert_non_null(a.parent);
	assert_int_equal(a.parent[0], AUDITABLE_NONE);
	assert_int_equal(a.parent[1], 0);
	assert_int_equal(a.parent[3], 1);       /* app > tokio > mio */
	auditable_free(&a);
	assert_null(a.mem);
	auditable_free(&a);                     /* twice is harmless */
}

static void test_auditable__sources(void **state)
{
	(void)state;
	auditable a;
	const char *json = "{\"packages\":["
		"{\"name\":\"a\",\"version\":\"1.0.0\",\"source\":\"CratesIo\"},"
		"{\"name\":\"b\",\"version\":\"1.0.0\",\"source\":\"git\"},"
		"{\"name\":\"c\",\"version\":\"1.0.0\",\"source\":\"Registry\"},"
		"{\"name\":\"d\",\"version\":\"1.0.0\",\"source\":\"svn\"},"
		"{\"name\":\"e\",\"version\":\"1.0.0\",\"source\":{\"Other\":\"hg\"}},"
		"{\"name\":\"f\",\"version\":\"1.0.0-rc.1+b\",\"source\":\"Local\","
		"\"root\":true,\"extra\":[1,2]}],\"future\":{}}";

	assert_int_equal(parse(&a, json), 0);
	assert_int_equal(a.format, 0);
	assert_int_equal(a.pkgs[0].source_kind, AUDITABLE_CRATES_IO);
	assert_string_equal(a.pkgs[0].source, "crates.io");
	assert_int_equal(a.pkgs[1].source_kind, AUDITABLE_GIT);
	assert_int_equal(a.pkgs[2].source_kind, AUDITABLE_REGISTRY);
	assert_string_equal(a.pkgs[2].source, "registry");
	assert_int_equal(a.pkgs[3].source_kind, AUDITABLE_OTHER);
	assert_string_equal(a.pkgs[3].source, "svn");
	assert_int_equal(a.pkgs[4].source_kind, AUDITABLE_OTHER);
	assert_string_equal(a.pkgs[4].source, "hg");
	assert_int_equal(a.pkgs[5].source_kind, AUDITABLE_LOCAL);
	/* the root reaches nobody: the others have no path, no error */
	assert_string_equal(a.tree_error, "");
	assert_int_equal(a.parent[0], AUDITABLE_NONE);
	auditable_free(&a);
}

static void test_auditable__bad_json(void **state)
{
	(void)state;
	assert_json_fails("", "bad JSON");
	assert_json_fails("[]", "not an object");
	assert_json_fails("{\"packages\":{}}", "`packages` is missing");
	assert_json_fails("{\"packages\":[],\"packages\":[]}", "duplicate");
	assert_json_fails("{\"packages\":[]} x", "bad JSON");
	assert_json_fails("{\"format\":-1,\"packages\":[]}", "`format`");
	assert_json_fails("{\"format\":1.5,\"packages\":[]}", "`format`");
	assert_json_fails("{\"packages\":[1]}", "package 0: not an object");
	assert_json_fails("{\"packages\":[{\"version\":\"1.0.0\"}]}",
	                  "`name` is missing");
	assert_json_fails("{\"packages\":[{\"name\":\"\",\"version\":\"1.0.0\","
	                  "\"source\":\"git\"}]}", "empty `name`");
	assert_json_fails("{\"packages\":[{\"name\":\"a\\u0000b\"}]}",
	                  "bad JSON");      /* jansson refuses \u0000 */
	assert_json_fails("{\"packages\":[{\"name\":\"a\"}]}",
	                  "package 0 (a): `version` is missing");
	assert_json_fails("{\"packages\":[{\"name\":\"a\",\"version\":\"1.0\","
	                  "\"source\":\"git\"}]}", "bad version \"1.0\"");
	assert_json_fails("{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\"}]}",
	                  "`source` is missing");
	assert_json_fails("{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\","
	                  "\"source\":{\"Other\":\"x\",\"More\":1}}]}",
	                  "other than {\"Other\": string}");
	assert_json_fails("{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\","
	                  "\"source\":\"git\",\"kind\":\"dev\"}]}", "`kind`");
	assert_json_fails("{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\","
	                  "\"source\":\"git\",\"root\":1}]}", "`root`");
	assert_json_fails("{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\","
	                  "\"source\":\"git\",\"dependencies\":{}}]}",
	                  "`dependencies` is not an array");
	assert_json_fails("{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\","
	                  "\"source\":\"git\",\"dependencies\":[\"0\"]}]}",
	                  "not a package index");
	assert_json_fails("{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\","
	                  "\"source\":\"git\",\"dependencies\":[-1]}]}",
	                  "not a package index");
	assert_json_fails("{\"packages\":[{\"name\":\"\xff\"}]}", "bad JSON");

	char name[400];
	memset(name, 'n', sizeof(name));
	name[300] = '\0';
	char json[600];
	snprintf(json, sizeof(json), "{\"packages\":[{\"name\":\"%s\","
	         "\"version\":\"1.0.0\",\"source\":\"git\"}]}", name);
	assert_json_fails(json, "`name` longer than 255 bytes");
}

static void test_auditable__caps(void **state)
{
	(void)state;
	char deep[200] = "{\"packages\":[],\"x\":";
	size_t n = strlen(deep);
	for (int i = 0; i < 20; i++)
		deep[n++] = '[';
	for (int i = 0; i < 20; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n] = '\0';
	assert_json_fails(deep, "nested deeper than 16 levels");
	/* brackets inside strings do not count */
	auditable a;
	assert_int_equal(parse(&a, "{\"packages\":[],\"x\":\"[[[[[[[[[[[[[[[[[["
	                           "[[[[[[\\\"[[[[\"}"), 0);
	auditable_free(&a);

	size_t big = 2 * (size_t)AUDITABLE_VALUES_MAX + 64;
	char *many = malloc(big);
	assert_non_null(many);
	n = (size_t)sprintf(many, "{\"packages\":[],\"x\":[");
	for (size_t i = 0; i < (size_t)AUDITABLE_VALUES_MAX; i++) {
		many[n++] = '0';
		many[n++] = ',';
	}
	many[n++] = '0';
	many[n++] = ']';
	many[n++] = '}';
	many[n] = '\0';
	assert_json_fails(many, "more than 2000000 JSON values");
	free(many);
}

static void test_auditable__graph(void **state)
{
	(void)state;
	auditable a;

	/* no root */
	assert_int_equal(parse(&a, "{\"packages\":[{\"name\":\"a\",\"version\":"
	                           "\"1.0.0\",\"source\":\"git\"}]}"), 0);
	assert_string_equal(a.tree_error, "no root package");
	assert_null(a.parent);
	auditable_free(&a);
	/* two roots */
	assert_int_equal(parse(&a, "{\"packages\":["
		"{\"name\":\"a\",\"version\":\"1.0.0\",\"source\":\"git\",\"root\":true},"
		"{\"name\":\"b\",\"version\":\"1.0.0\",\"source\":\"git\",\"root\":true},"
		"{\"name\":\"c\",\"version\":\"1.0.0\",\"source\":\"git\",\"root\":true}]}"), 0);
	assert_string_equal(a.tree_error, "3 root packages (a and b)");
	assert_null(a.parent);
	assert_int_equal(a.npkgs, 3);           /* still checkable */
	auditable_free(&a);
	/* a cycle below the root, and a self-loop */
	assert_int_equal(parse(&a, "{\"packages\":["
		"{\"name\":\"r\",\"version\":\"1.0.0\",\"source\":\"local\",\"root\":true,\"dependencies\":[1]},"
		"{\"name\":\"x\",\"version\":\"1.0.0\",\"source\":\"git\",\"dependencies\":[2]},"
		"{\"name\":\"y\",\"version\":\"1.0.0\",\"source\":\"git\",\"dependencies\":[1]}]}"), 0);
	assert_non_null(strstr(a.tree_error, "a dependency cycle through x"));
	assert_null(a.parent);
	auditable_free(&a);
	assert_int_equal(parse(&a, "{\"packages\":["
		"{\"name\":\"r\",\"version\":\"1.0.0\",\"source\":\"local\",\"root\":true,\"dependencies\":[0]}]}"), 0);
	assert_non_null(strstr(a.tree_error, "cycle through r"));
	auditable_free(&a);
	/* an index out of range: the packages parse, the tree does not */
	assert_int_equal(parse(&a, "{\"packages\":["
		"{\"name\":\"r\",\"version\":\"1.0.0\",\"source\":\"local\",\"root\":true,\"dependencies\":[1,5,99999999999999]},"
		"{\"name\":\"x\",\"version\":\"1.0.0\",\"source\":\"crates.io\"}]}"), 0);
	assert_string_equal(a.tree_error, "package 0 (r) depends on index 5, "
	                    "out of range (2 packages)");
	assert_int_equal(a.pkgs[0].ndeps, 1);   /* kept: only in-range ones */
	assert_int_equal(a.npkgs, 2);
	auditable_free(&a);
	/* shortest paths; a diamond; an unreached package */
	assert_int_equal(parse(&a, "{\"packages\":["
		"{\"name\":\"r\",\"version\":\"1.0.0\",\"source\":\"local\",\"root\":true,\"dependencies\":[1,2]},"
		"{\"name\":\"long\",\"version\":\"1.0.0\",\"source\":\"git\",\"dependencies\":[3]},"
		"{\"name\":\"short\",\"version\":\"1.0.0\",\"source\":\"git\",\"dependencies\":[4]},"
		"{\"name\":\"mid\",\"version\":\"1.0.0\",\"source\":\"git\",\"dependencies\":[4]},"
		"{\"name\":\"leaf\",\"version\":\"1.0.0\",\"source\":\"git\"},"
		"{\"name\":\"lost\",\"version\":\"1.0.0\",\"source\":\"git\",\"dependencies\":[4]}]}"), 0);
	assert_string_equal(a.tree_error, "");
	assert_int_equal(a.parent[find_pkg(&a, "leaf")], find_pkg(&a, "short"));
	assert_int_equal(a.parent[find_pkg(&a, "lost")], AUDITABLE_NONE);
	auditable_free(&a);
}

static void test_auditable__decode(void **state)
{
	(void)state;
	size_t zn;
	unsigned char *z = deflated(&zn, APP, strlen(APP));
	auditable a;

	assert_int_equal(auditable_decode(&a, z, zn, &err), 0);
	assert_int_equal(a.npkgs, 4);
	auditable_free(&a);
	assert_int_equal(auditable_decode(&a, z, zn - 3, &err), -1);
	assert_non_null(strstr(err.msg, "dependency data: truncated"));
	free(z);
	z = deflated(&zn, "{\"packages\":[}", 14);
	assert_int_equal(auditable_decode(&a, z, zn, &err), -1);
	assert_non_null(strstr(err.msg, "dependency data: bad JSON at line 1"));
	free(z);
}

static void test_auditable__from_binary(void **state)
{
	(void)state;
	static unsigned char b[BB_MAX];
	size_t zn, nodata;
	unsigned char *z = deflated(&zn, APP, strlen(APP));
	binfmt_info info;
	auditable a;

	size_t n = bb_elf(b, 64, 1, z, zn);
	assert_int_equal(auditable_from_binary(&a, &info, &nodata, b, n, &err), 0);
	assert_int_equal(info.kind, BINFMT_ELF);
	assert_int_equal(nodata, 0);
	assert_int_equal(a.npkgs, 4);
	auditable_free(&a);
	/* no section: ENODATA, not an error */
	memcpy(b + 64 + zn + 1, ".dep-vX", 7);
	assert_int_equal(auditable_from_binary(&a, &info, &nodata, b, n, &err),
	                 AUDITABLE_ENODATA);
	assert_int_equal(nodata, 1);
	assert_int_equal(a.npkgs, 0);
	/* not a binary */
	assert_int_equal(auditable_from_binary(&a, &info, &nodata,
	                 (const unsigned char *)"[[package]]", 11, &err), -1);
	assert_non_null(strstr(err.msg, "not an ELF"));
	free(z);
}

static void test_auditable__fat_union(void **state)
{
	(void)state;
	static const char *two =
		"{\"packages\":["
		"{\"name\":\"app\",\"version\":\"0.1.0\",\"source\":\"local\",\"root\":true,\"dependencies\":[1,2]},"
		"{\"name\":\"tokio\",\"version\":\"1.18.3\",\"source\":\"crates.io\",\"dependencies\":[2]},"
		"{\"name\":\"winapi\",\"version\":\"0.3.9\",\"source\":\"crates.io\"}]}";
	static unsigned char s1[4096], s2[4096], s3[4096], b[BB_MAX];
	size_t z1n, z2n, nodata;
	unsigned char *z1 = deflated(&z1n, APP, strlen(APP));
	unsigned char *z2 = deflated(&z2n, two, strlen(two));
	const unsigned char *sl[] = { s1, s2, s3 };
	size_t len[3];
	uint32_t cpu[] = { 0x01000007, 0x0100000c, 7 };
	binfmt_info info;
	auditable a;

	len[0] = bb_macho(s1, 64, 0, cpu[0], z1, z1n);
	len[1] = bb_macho(s2, 64, 0, cpu[1], z2, z2n);
	len[2] = bb_macho(s3, 32, 1, cpu[2], z1, z1n);
	memcpy(s3 + BB_MACHO_SECT(32), ".nope", 5);     /* no data */
	size_t n = bb_fat(b, 0, 3, sl, len, cpu);
	assert_int_equal(auditable_from_binary(&a, &info, &nodata, b, n, &err), 0);
	assert_int_equal(info.nslices, 3);
	assert_int_equal(nodata, 1);
	/* app, tokio, cc, mio from one; winapi from the other */
	assert_int_equal(a.npkgs, 5);
	assert_string_equal(a.tree_error, "");
	size_t app = find_pkg(&a, "app"), tokio = find_pkg(&a, "tokio");
	assert_int_equal(a.root, app);
	assert_int_equal(a.parent[find_pkg(&a, "winapi")], app);
	assert_int_equal(a.parent[find_pkg(&a, "mio")], tokio);
	assert_int_equal(a.pkgs[tokio].ndeps, 2);       /* mio, winapi */
	assert_true(a.pkgs[find_pkg(&a, "cc")].build);
	auditable_free(&a);

	/* a slice whose graph fails fails the merged tree, and says which */
	static const char *bad =
		"{\"packages\":[{\"name\":\"app\",\"version\":\"0.1.0\",\"source\":\"local\"}]}";
	unsigned char *z3;
	size_t z3n;
	z3 = deflated(&z3n, bad, strlen(bad));
	len[1] = bb_macho(s2, 64, 0, cpu[1], z3, z3n);
	n = bb_fat(b, 0, 2, sl, len, cpu);
	assert_int_equal(auditable_from_binary(&a, &info, &nodata, b, n, &err), 0);
	assert_string_equal(a.tree_error, "slice 2 (arm64): no root package");
	assert_null(a.parent);
	auditable_free(&a);
	/* a slice whose data is bad fails the file, and says which */
	len[1] = bb_macho(s2, 64, 0, cpu[1], "junk", 4);
	n = bb_fat(b, 0, 2, sl, len, cpu);
	assert_int_equal(auditable_from_binary(&a, &info, &nodata, b, n, &err), -1);
	assert_non_null(strstr(err.msg, "slice 2 (arm64): dependency data: "
	                       "not zlib data"));
	free(z1);
	free(z2);
	free(z3);
}

/* All slices together are held to the caps of one. */
static void test_auditable__fat_caps(void **state)
{
	(void)state;
	size_t ndeps = (size_t)AUDITABLE_VALUES_MAX / 2 + 1000, n = 0, zn;
	char *json = malloc(ndeps * 2 + 200);
	assert_non_null(json);
	n = (size_t)sprintf(json, "{\"packages\":[{\"name\":\"a\",\"version\":"
	                    "\"1.0.0\",\"source\":\"local\",\"dependencies\":[");
	for (size_t i = 0; i < ndeps; i++) {
		json[n++] = '0';
		json[n++] = ',';
	}
	n += (size_t)sprintf(json + n - 1, "]}]}") - 1;
	unsigned char *z = deflated(&zn, json, n);
	free(json);
	static unsigned char s1[BB_MAX], s2[BB_MAX];
	static unsigned char b[3 * BB_MAX];
	uint32_t cpu[] = { 0x01000007, 0x0100000c };
	const unsigned char *sl[] = { s1, s2 };
	size_t len[2], nodata;
	assert_true(zn < BB_MAX / 2);
	len[0] = bb_macho(s1, 64, 0, cpu[0], z, zn);
	len[1] = bb_macho(s2, 64, 0, cpu[1], z, zn);
	binfmt_info info;
	auditable a;
	/* one slice alone is fine (a self-loop: no tree, but checkable) */
	size_t bn = bb_fat(b, 0, 1, sl, len, cpu);
	assert_int_equal(auditable_from_binary(&a, &info, &nodata, b, bn, &err), 0);
	assert_int_equal(a.pkgs[0].ndeps, ndeps);
	auditable_free(&a);
	bn = bb_fat(b, 0, 2, sl, len, cpu);
	assert_int_equal(auditable_from_binary(&a, &info, &nodata, b, bn, &err), -1);
	assert_non_null(strstr(err.msg, "dependencies in all slices together"));
	free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auditable__inflate),
		cmocka_unit_test(test_auditable__inflate_cap),
		cmocka_unit_test(test_auditable__parse),
		cmocka_unit_test(test_auditable__sources),
		cmocka_unit_test(test_auditable__bad_json),
		cmocka_unit_test(test_auditable__caps),
		cmocka_unit_test(test_auditable__graph),
		cmocka_unit_test(test_auditable__decode),
		cmocka_unit_test(test_auditable__from_binary),
		cmocka_unit_test(test_auditable__fat_union),
		cmocka_unit_test(test_auditable__fat_caps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
