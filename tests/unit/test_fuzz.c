/*
 * test_fuzz.c — replays every fuzz target's committed inputs under the
 * ordinary build (and under `make test-sanitize`), without libFuzzer.
 *
 * For each target in tests/fuzz/, the inputs are its hand-written seeds
 * (tests/fuzz/seeds/<target>/) and the minimised inputs of crashes and
 * hangs found so far (tests/golden/fuzz/<target>/): each runs through the
 * very entry point libFuzzer calls, with the same checks, so a fixed bug
 * stays fixed. The targets are included here as source with FUZZ_REPLAY
 * set (which drops their LLVMFuzzerTestOneInput): the Makefile builds one
 * .c per test, linked with every module.
 *
 * Each input is copied into a buffer of exactly its size, so ASan sees a
 * read one byte past it, as under libFuzzer. A failing check aborts; the
 * last "replay:" line on stderr names the input.
 *
 * Run from the repository root (tests/run.sh does). With arguments,
 * `test_fuzz TARGET FILE...` replays just those files (TARGET as
 * `fuzz_toml` or `toml`).
 */
#define FUZZ_REPLAY 1

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "../fuzz/fuzz_version.c"
#include "../fuzz/fuzz_version_order.c"
#include "../fuzz/fuzz_req.c"
#include "../fuzz/fuzz_toml.c"
#include "../fuzz/fuzz_advisory.c"
#include "../fuzz/fuzz_record.c"
#include "../fuzz/fuzz_lockfile.c"
#include "../fuzz/fuzz_batch.c"
#include "../fuzz/fuzz_db.c"
#include "../fuzz/fuzz_cargo_req.c"
#include "../fuzz/fuzz_manifest.c"
#include "../fuzz/fuzz_osv.c"
#include "../fuzz/fuzz_minisign.c"
#include "../fuzz/fuzz_skiplist.c"
#include "../fuzz/fuzz_elf.c"
#include "../fuzz/fuzz_pe.c"
#include "../fuzz/fuzz_macho.c"
#include "../fuzz/fuzz_wasm.c"
#include "../fuzz/fuzz_auditable.c"
#include "../fuzz/fuzz_config.c"
#include "../fuzz/fuzz_report.c"
#include "../fuzz/fuzz_cratesidx.c"
#include "../fuzz/fuzz_serve.c"
#include "../fuzz/fuzz_serve_fast.c"
#include "../fuzz/fuzz_http.c"
#include "../fuzz/fuzz_packages.c"

#define REPLAY_INPUT_MAX (8u << 20)

typedef struct target {
	const char *name;
	int (*run)(const uint8_t *, size_t);
} target;

static const target targets[] = {
	{ "fuzz_version", fuzz_version },
	{ "fuzz_version_order", fuzz_version_order },
	{ "fuzz_req", fuzz_req },
	{ "fuzz_toml", fuzz_toml },
	{ "fuzz_advisory", fuzz_advisory },
	{ "fuzz_record", fuzz_record },
	{ "fuzz_lockfile", fuzz_lockfile },
	{ "fuzz_batch", fuzz_batch },
	{ "fuzz_db", fuzz_db },
	{ "fuzz_cargo_req", fuzz_cargo_req },
	{ "fuzz_manifest", fuzz_manifest },
	{ "fuzz_osv", fuzz_osv },
	{ "fuzz_minisign", fuzz_minisign },
	{ "fuzz_skiplist", fuzz_skiplist },
	{ "fuzz_elf", fuzz_elf },
	{ "fuzz_pe", fuzz_pe },
	{ "fuzz_macho", fuzz_macho },
	{ "fuzz_wasm", fuzz_wasm },
	{ "fuzz_auditable", fuzz_auditable },
	{ "fuzz_config", fuzz_config },
	{ "fuzz_report", fuzz_report },
	{ "fuzz_cratesidx", fuzz_cratesidx },
	{ "fuzz_serve", fuzz_serve },
	{ "fuzz_serve_fast", fuzz_serve_fast },
	{ "fuzz_http", fuzz_http },
	{ "fuzz_packages", fuzz_packages },
};
#define NTARGETS (sizeof targets / sizeof targets[0])

/* Read a whole file into a buffer of exactly its size (one byte for an
 * empty file, so the pointer is never NULL). Returns 0 or -1. */
static int read_input(uint8_t **out, size_t *len, const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *p = NULL;

	*out = NULL;
	*len = 0;
	if (!f)
		return -1;
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0 ||
	    (uintmax_t)st.st_size > REPLAY_INPUT_MAX)
		goto fail;
	size_t n = (size_t)st.st_size;
	p = malloc(n ? n : 1);
	if (!p || fread(p, 1, n, f) != n)
		goto fail;
	fclose(f);
	*out = p;
	*len = n;
	return 0;
fail:
	free(p);
	fclose(f);
	return -1;
}

static int replay_file(const target *t, const char *path)
{
	uint8_t *data;
	size_t len;

	fprintf(stderr, "replay: %s %s\n", t->name, path);
	errno = 0;
	if (read_input(&data, &len, path) != 0) {
		fprintf(stderr, "replay: cannot read %s: %s\n", path,
		        errno ? strerror(errno) : "too big");
		return -1;
	}
	t->run(data, len);
	free(data);
	return 0;
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Replay every file of dir; counts them in *n. A missing dir is 0. */
static int replay_dir(const target *t, const char *dir, size_t *n)
{
	struct dirent **ents = NULL;
	char path[4096];
	int rc = 0;
	int m = scandir(dir, &ents, not_hidden, alphasort);

	if (m < 0)
		return errno == ENOENT ? 0 : -1;
	for (int i = 0; i < m; i++) {
		int w = snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
		struct stat st;
		if (w > 0 && (size_t)w < sizeof path && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			if (replay_file(t, path) != 0)
				rc = -1;
			(*n)++;
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static void test_fuzz__replay(void **state)
{
	const target *t = *state;
	char seeds[256], golden[256];
	size_t nseeds = 0, ngolden = 0;
	struct stat st;

	if (stat("tests/fuzz", &st) != 0) {
		print_message("tests/fuzz not found: run from the repository root\n");
		skip();
	}
	snprintf(seeds, sizeof seeds, "tests/fuzz/seeds/%s", t->name);
	snprintf(golden, sizeof golden, "tests/golden/fuzz/%s", t->name);
	assert_int_equal(replay_dir(t, seeds, &nseeds), 0);
	assert_int_equal(replay_dir(t, golden, &ngolden), 0);
	/* every target keeps at least one committed seed */
	assert_true(nseeds > 0);
	print_message("%s: %zu seeds, %zu regression inputs\n", t->name,
	              nseeds, ngolden);
}

/* The entry points also take the degenerate inputs libFuzzer starts
 * with: nothing, one byte, a lone newline. */
static void test_fuzz__tiny_inputs(void **state)
{
	static const char *tiny[] = { "", "\n", "0", "\xff", "@", "[", "\"" };
	(void)state;
	for (size_t i = 0; i < NTARGETS; i++) {
		for (size_t k = 0; k < sizeof tiny / sizeof tiny[0]; k++) {
			size_t n = strlen(tiny[k]);
			uint8_t *p = malloc(n ? n : 1);
			assert_non_null(p);
			memcpy(p, tiny[k], n);
			assert_int_equal(targets[i].run(p, n), 0);
			free(p);
		}
	}
}

static int replay_args(int argc, char **argv)
{
	const target *t = NULL;
	char name[128];

	snprintf(name, sizeof name, "%s%s",
	         strncmp(argv[1], "fuzz_", 5) ? "fuzz_" : "", argv[1]);
	for (size_t i = 0; i < NTARGETS; i++)
		if (strcmp(targets[i].name, name) == 0)
			t = &targets[i];
	if (!t) {
		fprintf(stderr, "test_fuzz: no target %s\n", argv[1]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (replay_file(t, argv[i]) != 0)
			return 2;
		printf("ok %s\n", argv[i]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct CMUnitTest tests[NTARGETS + 1];

	if (argc >= 2)
		return replay_args(argc, argv);
	for (size_t i = 0; i < NTARGETS; i++) {
		tests[i] = (struct CMUnitTest)cmocka_unit_test(test_fuzz__replay);
		tests[i].name = targets[i].name;
		tests[i].initial_state = (void *)&targets[i];
	}
	tests[NTARGETS] = (struct CMUnitTest)cmocka_unit_test(
	    test_fuzz__tiny_inputs);
	return _cmocka_run_group_tests("fuzz", tests, NTARGETS + 1, NULL,
	                               NULL);
}
