/*
 * test_lockfile.c — Cargo.lock reader: every format Cargo has written
 * (v1 with [metadata] checksums, v2, v3, v4), which sources count as
 * crates.io, and malformed input reported with its line.
 *
 * The two readers (lockfast.h): every real lockfile of ../shared/data
 * is taken by the fast one and gives the same lockfile as the general
 * one (the fuzz target's differential check, fuzz_lockfile.c, run on
 * each); inputs off Cargo's shape (an escape, CR-LF, a comment after a
 * value, an unknown key, a duplicate key) are declined untouched and
 * read, or refused with their line, by the general one.
 */
#define FUZZ_REPLAY 1
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include "lockfile.h"
#include "lockfast.h"
#include "testlib.h"
#include "../fuzz/fuzz_lockfile.c"

static int parse(lockfile *lf, lock_error *err, const char *text)
{
	return lockfile_parse(lf, text, strlen(text), err);
}

static const lock_pkg *find(const lockfile *lf, const char *name)
{
	for (size_t i = 0; i < lf->npkgs; i++)
		if (strcmp(lf->pkgs[i].name, name) == 0)
			return &lf->pkgs[i];
	return NULL;
}

static void test_lockfile__v1_metadata_checksums(void **state)
{
	(void)state;
	lockfile lf;
	lock_error err;
	const char *text =
		"[root]\n"
		"name = \"app\"\n"
		"version = \"0.1.0\"\n"
		"dependencies = [\n"
		" \"libc 0.2.20 (registry+https://github.com/rust-lang/crates.io-index)\",\n"
		"]\n"
		"\n"
		"[[package]]\n"
		"name = \"libc\"\n"
		"version = \"0.2.20\"\n"
		"source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
		"\n"
		"[[package]]\n"
		"name = \"memchr\"\n"
		"version = \"1.0.1\"\n"
		"source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
		"\n"
		"[metadata]\n"
		"\"checksum libc 0.2.20 (registry+https://github.com/rust-lang/crates.io-index)\" = \"aaaa\"\n"
		"\"checksum memchr 1.0.1 (registry+https://github.com/rust-lang/crates.io-index)\" = \"<none>\"\n"
		"\"checksum ghost 9.9.9 (registry+https://github.com/rust-lang/crates.io-index)\" = \"bbbb\"\n";

	assert_int_equal(parse(&lf, &err, text), 0);
	assert_int_equal(lf.format, 1);
	assert_int_equal(lf.npkgs, 3);
	assert_string_equal(lf.pkgs[0].name, "app");    /* [root] first */
	assert_null(lf.pkgs[0].source);
	assert_false(lf.pkgs[0].crates_io);
	const lock_pkg *libc = find(&lf, "libc");
	assert_non_null(libc);
	assert_true(libc->crates_io);
	assert_non_null(libc->checksum);
	assert_string_equal(libc->checksum, "aaaa");
	const lock_pkg *memchr_ = find(&lf, "memchr");
	assert_non_null(memchr_);
	assert_null(memchr_->checksum);                 /* "<none>" */
	assert_null(find(&lf, "ghost"));
	lockfile_free(&lf);
}

static void test_lockfile__v1_checksum_needs_same_version(void **state)
{
	(void)state;
	lockfile lf;
	lock_error err;
	const char *text =
		"[[package]]\n"
		"name = \"a\"\n"
		"version = \"1.0.0\"\n"
		"source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
		"[[package]]\n"
		"name = \"a\"\n"
		"version = \"2.0.0\"\n"
		"source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
		"[metadata]\n"
		"\"checksum a 2.0.0 (registry+https://github.com/rust-lang/crates.io-index)\" = \"cc\"\n";

	assert_int_equal(parse(&lf, &err, text), 0);
	assert_int_equal(lf.format, 1);
	assert_int_equal(lf.npkgs, 2);
	assert_string_equal(lf.pkgs[0].version, "1.0.0");
	assert_null(lf.pkgs[0].checksum);
	assert_non_null(lf.pkgs[1].checksum);
	assert_string_equal(lf.pkgs[1].checksum, "cc");
	lockfile_free(&lf);
}

/* A checksum key names a package by its exact source (cargo writes the
 * package's own id): unlike a dependency entry, a git source with another
 * query or commit, a short form or an empty source names none. */
static void test_lockfile__v1_checksum_needs_exact_source(void **state)
{
	(void)state;
	static const char *keys[] = {
		"checksum g 1.0.0 (git+https://x/g?rev=1#abc)", /* the one */
		"checksum g 1.0.0 (git+https://x/g#abc)",
		"checksum g 1.0.0 (git+https://x/g?rev=1#abd)",
		"checksum g 1.0.0 ()",
		"checksum g 1.0.0",
		"checksum p 0.1.0 ()",
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		lockfile lf;
		lock_error err;
		char text[512];
		snprintf(text, sizeof text,
		         "[[package]]\nname = \"p\"\nversion = \"0.1.0\"\n"
		         "[[package]]\nname = \"g\"\nversion = \"1.0.0\"\n"
		         "source = \"git+https://x/g?rev=1#abc\"\n"
		         "[metadata]\n\"%s\" = \"cc\"\n", keys[i]);
		assert_int_equal(parse(&lf, &err, text), 0);
		assert_null(lf.pkgs[0].checksum);
		if (i == 0)
			assert_string_equal(lf.pkgs[1].checksum, "cc");
		else if (lf.pkgs[1].checksum)
			fail_msg("key %zu named g", i);
		lockfile_free(&lf);
	}
}

static void test_lockfile__v2_inline_checksum(void **state)
{
	(void)state;
	lockfile lf;
	lock_error err;
	const char *text =
		"# This file is automatically @generated by Cargo.\n"
		"[[package]]\n"
		"name = \"serde\"\n"
		"version = \"1.0.100\"\n"
		"source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
		"checksum = \"0123\"\n";

	assert_int_equal(parse(&lf, &err, text), 0);
	assert_int_equal(lf.format, 2);
	assert_int_equal(lf.npkgs, 1);
	assert_string_equal(lf.pkgs[0].checksum, "0123");
	assert_true(lf.pkgs[0].crates_io);
	assert_int_equal(lf.pkgs[0].line, 2);
	lockfile_free(&lf);
}

static void test_lockfile__v3(void **state)
{
	(void)state;
	lockfile lf;
	lock_error err;
	const char *text =
		"version = 3\n"
		"\n"
		"[[package]]\n"
		"name = \"tokio\"\n"
		"version = \"1.18.3\"\n"
		"source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
		"checksum = \"ff\"\n"
		"dependencies = [\"mio\"]\n"
		"\n"
		"[[package]]\n"
		"name = \"mio\"\n"
		"version = \"0.8.10\"\n"
		"source = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

	assert_int_equal(parse(&lf, &err, text), 0);
	assert_int_equal(lf.format, 3);
	assert_int_equal(lf.npkgs, 2);
	assert_string_equal(lf.pkgs[0].name, "tokio");
	assert_string_equal(lf.pkgs[0].version, "1.18.3");
	assert_string_equal(lf.pkgs[1].name, "mio");
	assert_null(lf.pkgs[1].checksum);
	assert_true(lf.pkgs[1].crates_io);
	lockfile_free(&lf);
}

static void test_lockfile__v4_sparse_is_crates_io(void **state)
{
	(void)state;
	lockfile lf;
	lock_error err;
	const char *text =
		"version = 4\n"
		"[[package]]\n"
		"name = \"anyhow\"\n"
		"version = \"1.0.86-rc.1+build.5\"\n"
		"source = \"sparse+https://index.crates.io/\"\n";

	assert_int_equal(parse(&lf, &err, text), 0);
	assert_int_equal(lf.format, 4);
	assert_int_equal(lf.npkgs, 1);
	assert_true(lf.pkgs[0].crates_io);
	assert_string_equal(lf.pkgs[0].version, "1.0.86-rc.1+build.5");
	lockfile_free(&lf);
}

static void test_lockfile__path_git_and_other_registries_skipped(void **state)
{
	(void)state;
	lockfile lf;
	lock_error err;
	const char *text =
		"version = 3\n"
		"[[package]]\n"
		"name = \"local\"\n"
		"version = \"0.1.0\"\n"
		"[[package]]\n"
		"name = \"fromgit\"\n"
		"version = \"0.2.0\"\n"
		"source = \"git+https://github.com/x/y?rev=abc#abcdef\"\n"
		"[[package]]\n"
		"name = \"private\"\n"
		"version = \"0.3.0\"\n"
		"source = \"registry+https://example.com/index\"\n"
		"[[package]]\n"
		"name = \"lookalike\"\n"
		"version = \"0.4.0\"\n"
		"source = \"registry+https://github.com/rust-lang/crates.io-index.evil\"\n";

	assert_int_equal(parse(&lf, &err, text), 0);
	assert_int_equal(lf.npkgs, 4);              /* all count as deps */
	for (size_t i = 0; i < lf.npkgs; i++)
		assert_false(lf.pkgs[i].crates_io);
	assert_null(lf.pkgs[0].source);
	lockfile_free(&lf);
}

static void test_lockfile__source_predicate(void **state)
{
	(void)state;
	assert_true(lockfile_source_is_crates_io(CRATES_IO_GIT));
	assert_true(lockfile_source_is_crates_io(CRATES_IO_SPARSE));
	assert_false(lockfile_source_is_crates_io(NULL));
	assert_false(lockfile_source_is_crates_io(""));
	assert_false(lockfile_source_is_crates_io("sparse+https://index.crates.io"));
}

/* Each malformed input must fail with a message naming the right line. */
static void expect_error(const char *text, unsigned line, const char *needle)
{
	lockfile lf;
	lock_error err;

	assert_int_equal(parse(&lf, &err, text), -1);
	assert_int_equal(err.line, line);
	if (!strstr(err.msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
	assert_int_equal(lf.npkgs, 0);
	assert_null(lf.pkgs);
}

/* Cargo never writes a lockfile with nothing in it: a blank one is a
 * truncated copy or the wrong file, not "no dependencies". */
static void test_lockfile__blank_is_an_error(void **state)
{
	(void)state;
	expect_error("", 0, "empty");
	/* Nor one without packages: Cargo lists the workspace's own. */
	expect_error("version = 4\n", 0, "no [[package]] entries");
	expect_error("# This file is automatically @generated by Cargo.\n"
	             "# It is not intended for manual editing.\n", 0,
	             "no [[package]] entries");
	expect_error("[metadata]\n", 0, "no [[package]] entries");
	/* A manifest says what it is. */
	expect_error("[package]\nname = \"a\"\nversion = \"0.1.0\"\n", 0,
	             "this is a manifest (Cargo.toml)");
	expect_error("[workspace]\nmembers = [\"a\"]\n", 0, "use `advdb-query reqs`");
	expect_error("[dependencies]\nserde = \"1\"\n", 0, "manifest");
	expect_error(" \n\r\n\t\n", 0, "empty");
}

/* A FIFO nobody writes to is given up after the pipe wait, not waited on
 * for ever (open(2) alone would block). */
static void test_lockfile__silent_fifo_times_out(void **state)
{
	(void)state;
	char dir[] = "/tmp/advdb-lockfifo.XXXXXX", path[64];
	lockfile lf;
	lock_error err;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0600) != 0) {
		rmdir(dir);
		skip();
	}
	setenv("ADVDB_PIPE_WAIT", "0", 1);
	assert_int_equal(lockfile_read(&lf, path, &err), -1);
	unsetenv("ADVDB_PIPE_WAIT");
	unlink(path);
	rmdir(dir);
	assert_int_equal(err.line, 0);
	if (!strstr(err.msg, "FIFO"))
		fail_msg("message \"%s\" lacks \"FIFO\"", err.msg);
	assert_null(lf.pkgs);
}

/* Devices are not lockfiles: /dev/zero would be read to the size cap, a
 * pty would block for ever. */
static void test_lockfile__device_is_refused(void **state)
{
	(void)state;
	lockfile lf;
	lock_error err;

	if (access("/dev/zero", R_OK) != 0)
		skip();
	assert_int_equal(lockfile_read(&lf, "/dev/zero", &err), -1);
	if (!strstr(err.msg, "not a regular file"))
		fail_msg("message \"%s\" lacks \"not a regular file\"", err.msg);
	assert_null(lf.pkgs);
}

static void test_lockfile__malformed_toml(void **state)
{
	(void)state;
	lockfile lf;
	lock_error err;
	const char *text = "version = 3\n[[package]]\nname = \"a\nversion = 1\n";

	assert_int_equal(parse(&lf, &err, text), -1);
	assert_int_equal(err.line, 3);
	assert_true(err.msg[0] != '\0');
}

static void test_lockfile__missing_name(void **state)
{
	(void)state;
	expect_error("version = 3\n\n[[package]]\nversion = \"1.0.0\"\n", 3,
	             "name");
}

static void test_lockfile__bad_version(void **state)
{
	(void)state;
	expect_error("version = 3\n[[package]]\nname = \"a\"\n"
	             "version = \"1.0\"\n", 4, "bad version");
}

static void test_lockfile__version_not_string(void **state)
{
	(void)state;
	expect_error("[[package]]\nname = \"a\"\nversion = 1\n", 3,
	             "not a string");
}

static void test_lockfile__unsupported_format(void **state)
{
	(void)state;
	expect_error("\n\nversion = 9\n", 3, "unsupported");
	expect_error("version = \"3\"\n", 1, "not an integer");
}

static void test_lockfile__package_not_array(void **state)
{
	(void)state;
	expect_error("version = 3\npackage = \"x\"\n", 2, "not an array");
}

static void test_lockfile__nul_in_name(void **state)
{
	(void)state;
	expect_error("[[package]]\nname = \"a\\u0000b\"\nversion = \"1.0.0\"\n",
	             2, "NUL");
}

static void test_lockfile__read_missing_file(void **state)
{
	(void)state;
	lockfile lf;
	lock_error err;

	assert_int_equal(lockfile_read(&lf, "/nonexistent/Cargo.lock", &err),
	                 -1);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "No such file"));
}

static void test_lockfile__read_file(void **state)
{
	(void)state;
	char path[] = "/tmp/advdb-test-lockXXXXXX";
	const char *text = "version = 4\n[[package]]\nname = \"x\"\n"
	                   "version = \"0.0.1\"\n"
	                   "source = \"sparse+https://index.crates.io/\"\n";
	int fd = mkstemp(path);
	lockfile lf;
	lock_error err;

	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(lockfile_read(&lf, path, &err), 0);
	assert_int_equal(lf.npkgs, 1);
	assert_string_equal(lf.pkgs[0].name, "x");
	assert_true(lf.pkgs[0].crates_io);
	lockfile_free(&lf);
	/* A directory is not a lockfile. */
	assert_int_equal(lockfile_read(&lf, "/tmp", &err), -1);
	unlink(path);
}

/* lockfile_read_or's `other`: claims files that start "\x7fELF", and
 * records what it was shown. */
static size_t claim_calls, claim_n;
static unsigned char claim_head[LOCKFILE_HEAD];

static int claim_elf(const unsigned char *head, size_t n)
{
	claim_calls++;
	claim_n = n;
	memcpy(claim_head, head, n < sizeof(claim_head) ? n : sizeof(claim_head));
	return n >= 4 && memcmp(head, "\x7f" "ELF", 4) == 0;
}

static void write_tmp(char *path, const char *bytes, size_t n)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, n), (ssize_t)n);
	close(fd);
}

/* One open answers both questions: a file `other` claims by its first
 * bytes is handed back unread (1); any other is read as a lockfile. */
static void test_lockfile__read_or_hands_over_claimed_files(void **state)
{
	(void)state;
	char elf[] = "/tmp/advdb-test-elfXXXXXX";
	char lock[] = "/tmp/advdb-test-lockXXXXXX";
	char empty[] = "/tmp/advdb-test-emptyXXXXXX";
	const char *text = "version = 4\n[[package]]\nname = \"x\"\n"
	                   "version = \"0.0.1\"\n";
	lockfile lf;
	lock_error err;

	write_tmp(elf, "\x7f" "ELF\x02\x01\x01\0\0\0\0\0", 12);
	write_tmp(lock, text, strlen(text));
	write_tmp(empty, "", 0);

	claim_calls = 0;
	assert_int_equal(lockfile_read_or(&lf, elf, &err, claim_elf), 1);
	assert_int_equal(claim_calls, 1);
	assert_int_equal(claim_n, LOCKFILE_HEAD);
	assert_null(lf.pkgs);
	assert_int_equal(lf.npkgs, 0);
	/* without `other`, the same file is a (bad) lockfile */
	assert_int_equal(lockfile_read_or(&lf, elf, &err, NULL), -1);

	claim_calls = 0;
	assert_int_equal(lockfile_read_or(&lf, lock, &err, claim_elf), 0);
	assert_int_equal(claim_calls, 1);
	assert_memory_equal(claim_head, text, LOCKFILE_HEAD);
	assert_int_equal(lf.npkgs, 1);
	assert_string_equal(lf.pkgs[0].name, "x");
	lockfile_free(&lf);

	/* an empty file shows `other` nothing, and is the reader's error */
	claim_calls = 0;
	assert_int_equal(lockfile_read_or(&lf, empty, &err, claim_elf), -1);
	assert_int_equal(claim_calls, 0);
	unlink(elf);
	unlink(lock);
	unlink(empty);
}

static void test_lockfile__size_cap(void **state)
{
	(void)state;
	lockfile lf;
	lock_error err;

	/* The cap is checked before any byte is read. */
	assert_int_equal(lockfile_parse(&lf, "", LOCKFILE_SIZE_MAX + 1, &err),
	                 -1);
	assert_non_null(strstr(err.msg, "larger"));
}

/* lockfast_parse on a padded copy of text: 1 taken, 0 declined (and
 * then the copy must be unchanged). */
static int fast_takes(const char *text, size_t len)
{
	lockfile lf;
	char *t = malloc(len + LOCK_TEXT_PAD);

	assert_non_null(t);
	memcpy(t, text, len);
	memset(t + len, 0, LOCK_TEXT_PAD);
	int r = lockfast_parse(&lf, t, len);
	assert_true(r >= 0);
	if (r == 0) {
		assert_memory_equal(t, text, len);
		free(t);
		return 0;
	}
	lockfile_free(&lf);
	return 1;
}

static void test_lockfile__real_lockfiles_same_through_both_readers(void **state)
{
	(void)state;
	char dir[4096];
	size_t files = 0;
	int n = snprintf(dir, sizeof dir, "%s/lockfiles", tl_shared_dir());
	DIR *d;
	struct dirent *de;

	assert_true(n > 0 && (size_t)n < sizeof dir);
	if (!(d = opendir(dir))) {
		print_message("# SKIP needs %s (the shared test data, "
		              "../shared/data or $ADVDB_SHARED)\n", dir);
		skip();
	}
	while ((de = readdir(d))) {
		char path[8192];
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".lock"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		char *text = malloc(LOCKFILE_SIZE_MAX);
		assert_non_null(text);
		size_t got = fread(text, 1, LOCKFILE_SIZE_MAX, f);
		fclose(f);
		/* Cargo wrote these: the fast reader must take every one */
		if (!fast_takes(text, got))
			fail_msg("the fast reader declined %s", path);
		/* and agree with the general one (aborts when not) */
		fuzz_lockfile((const uint8_t *)text, got);
		/* every entry Cargo wrote names a package, by cargo-lock's
		 * rules: libadvdb's lists are complete (it refused 4 of these
		 * when it took an entry naming two packages, or a git source
		 * differing in its query, for no package) */
		lockfile lf;
		lock_error lerr;
		char why[200];
		if (lockfile_parse(&lf, text, got, &lerr) != 0)
			fail_msg("%s:%u: %s", path, lerr.line, lerr.msg);
		if (lockfile_deps(&lf, why, sizeof why) != 0)
			fail_msg("%s: %s", path, why);
		lockfile_free(&lf);
		free(text);
		files++;
	}
	closedir(d);
	assert_true(files >= 60);
}

/* Off Cargo's shape: declined, and the general reader's answer stands. */
static void test_lockfile__declined_shapes_read_by_general(void **state)
{
	(void)state;
	static const char *const ok[] = {
		"[[package]]\nname = \"a\\u0062c\"\nversion = \"1.0.0\"\n",
		"[[package]]\r\nname = \"abc\"\r\nversion = \"1.0.0\"\r\n",
		"[[package]]\nname = \"abc\" # c\nversion = \"1.0.0\"\n",
		"[[package]]\nname = \"abc\"\nversion = \"1.0.0\"\nother = 1\n",
		"[[package]]\nname  = \"abc\"\nversion = \"1.0.0\"\n",
		"[[package]]\nname = 'abc'\nversion = \"1.0.0\"\n",
		"[[package]]\nname = \"abc\"\nversion = \"1.0.0\"\n"
		"dependencies = [\"x\"]\n\n[[package]]\nname = \"x\"\n"
		"version = \"1.0.0\"\n",
	};
	lockfile lf;
	lock_error err;

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(fast_takes(ok[i], strlen(ok[i])), 0);
		assert_int_equal(parse(&lf, &err, ok[i]), 0);
		assert_string_equal(lf.pkgs[0].name, "abc");
		assert_non_null(lf.doc);        /* the general reader's */
		lockfile_free(&lf);
	}
	/* the canonical shape is taken, strings cut out of the text */
	const char *canon = "# c\nversion = 3\n\n[[package]]\nname = \"abc\"\n"
	                    "version = \"1.0.0\"\ndependencies = [\n \"x\",\n]\n\n"
	                    "[[package]]\nname = \"x\"\nversion = \"1.0.0\"\n";
	assert_int_equal(fast_takes(canon, strlen(canon)), 1);
	assert_int_equal(parse(&lf, &err, canon), 0);
	assert_null(lf.doc);
	assert_non_null(lf.text);
	assert_int_equal(lf.format, 3);
	assert_int_equal(lf.pkgs[0].line, 4);
	assert_int_equal(lf.pkgs[0].ndep_list, 1);
	assert_string_equal(lf.pkgs[0].dep_list[0].p, "x");
	assert_int_equal(lf.pkgs[0].dep_list[0].line, 8);
	lockfile_free(&lf);
	/* errors are the general reader's, with its lines */
	expect_error("[[package]]\nname = \"a\"\nname = \"b\"\nversion = \"1.0.0\"\n",
	             3, "duplicate key");
	expect_error("[[package]]\nname = \"a\"\nversion = \"1.x\"\n", 3,
	             "bad version");
	expect_error("[[package]]\nname = \"a\"\nversion = \"01.0.0\"\n", 3,
	             "leading zero");
	expect_error("[[package]]\nname = \"a\"\nversion = \"1.0\"\n", 3,
	             "bad version");
	expect_error("[[package]]\nname = \"a\"\nversion = \"1.0.0.0\"\n", 3,
	             "bad version");
	expect_error("[[package]]\nname = \"a\"\nversion = \"1.0.99999999999999999999\"\n",
	             3, "bad version");
	expect_error("[[package]]\nname = \"\"\nversion = \"1.0.0\"\n", 2,
	             "empty `name`");
	expect_error("version = 5\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n",
	             1, "unsupported lockfile version");
	expect_error("[root]\nname = \"a\"\nversion = \"1.0.0\"\n[root]\n", 4,
	             "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lockfile__v1_metadata_checksums),
		cmocka_unit_test(test_lockfile__v1_checksum_needs_same_version),
		cmocka_unit_test(test_lockfile__v1_checksum_needs_exact_source),
		cmocka_unit_test(test_lockfile__v2_inline_checksum),
		cmocka_unit_test(test_lockfile__v3),
		cmocka_unit_test(test_lockfile__v4_sparse_is_crates_io),
		cmocka_unit_test(test_lockfile__path_git_and_other_registries_skipped),
		cmocka_unit_test(test_lockfile__source_predicate),
		cmocka_unit_test(test_lockfile__blank_is_an_error),
		cmocka_unit_test(test_lockfile__silent_fifo_times_out),
		cmocka_unit_test(test_lockfile__device_is_refused),
		cmocka_unit_test(test_lockfile__malformed_toml),
		cmocka_unit_test(test_lockfile__missing_name),
		cmocka_unit_test(test_lockfile__bad_version),
		cmocka_unit_test(test_lockfile__version_not_string),
		cmocka_unit_test(test_lockfile__unsupported_format),
		cmocka_unit_test(test_lockfile__package_not_array),
		cmocka_unit_test(test_lockfile__nul_in_name),
		cmocka_unit_test(test_lockfile__read_missing_file),
		cmocka_unit_test(test_lockfile__read_file),
		cmocka_unit_test(test_lockfile__read_or_hands_over_claimed_files),
		cmocka_unit_test(test_lockfile__size_cap),
		cmocka_unit_test(test_lockfile__real_lockfiles_same_through_both_readers),
		cmocka_unit_test(test_lockfile__declined_shapes_read_by_general),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
