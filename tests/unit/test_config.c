/*
 * test_config.c — audit.toml (query/cli/config.c): every key of
 * cargo-audit's AuditConfig with its type and default, the legacy single
 * target name, bad values as FILE:LINE errors, unknown keys as FILE:LINE
 * warnings, and how the command line overrides the file
 * (cargo-audit's override_config and report_settings).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advdb.h"
#include "cli.h"
#include "config.h"

typedef struct warns {
	char v[8][256];
	size_t n;
} warns;

static void keep(void *ctx, const char *msg)
{
	warns *w = ctx;
	if (w->n < 8)
		snprintf(w->v[w->n++], sizeof w->v[0], "%s", msg);
}

static int parse(audit_config *c, warns *w, char *err, const char *text)
{
	memset(w, 0, sizeof(*w));
	err[0] = '\0';
	return config_parse(c, "a.toml", text, strlen(text), keep, w, err, 512);
}

static void test_config__every_key(void **state)
{
	audit_config c;
	warns w;
	char err[512];
	(void)state;
	assert_int_equal(parse(&c, &w, err,
		"[advisories]\n"
		"ignore = [\"RUSTSEC-2020-0001\", \"CVE-2021-1\"]\n"
		"informational_warnings = [\"unmaintained\", \"other-word\"]\n"
		"severity_threshold = \"medium\"\n"
		"[database]\n"
		"path = \"/srv/advdb.lmdb\"\n"
		"url = \"https://example.org/advisory-db.git\"\n"
		"fetch = false\n"
		"stale = true\n"
		"[output]\n"
		"deny = [\"unsound\", \"yanked\"]\n"
		"format = \"sarif\"\n"
		"quiet = true\n"
		"show_tree = false\n"
		"[target]\n"
		"arch = [\"x86_64\", \"aarch64\"]\n"
		"os = [\"linux\"]\n"
		"[yanked]\n"
		"enabled = false\n"
		"update_index = false\n"), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(c.nignore, 2);
	assert_string_equal(c.ignore[1], "CVE-2021-1");
	assert_true(c.info_set);
	assert_int_equal(c.ninfo, 2);
	assert_string_equal(c.info[1], "other-word");  /* rustsec: Other */
	assert_true(c.has_severity);
	assert_int_equal(c.severity, ADVDB_SEV_MEDIUM);
	assert_string_equal(c.db_path, "/srv/advdb.lmdb");
	assert_string_equal(c.db_origin, "a.toml:6");
	assert_false(c.fetch);
	assert_true(c.stale);
	assert_int_equal(c.ndeny, 2);
	assert_int_equal(c.denyv[0], DENYOPT_UNSOUND);
	assert_int_equal(c.denyv[1], DENYOPT_YANKED);
	assert_int_equal(c.format, FORMAT_SARIF);
	assert_true(c.quiet);
	assert_false(c.show_tree);
	assert_int_equal(c.narch, 2);
	assert_int_equal(c.nos, 1);
	assert_false(c.yanked_enabled);
	assert_true(c.yanked_set);
	assert_false(c.update_index);
	config_free(&c);
}

/* What an empty file (or a section left out) means: cargo-audit's
 * defaults; and `quiet`/`stale` may be left out (advdb's leniency). */
static void test_config__defaults(void **state)
{
	audit_config c;
	warns w;
	char err[512];
	(void)state;
	assert_int_equal(parse(&c, &w, err, "[output]\ndeny = []\n[database]\n"), 0);
	assert_false(c.info_set);
	assert_false(c.has_severity);
	assert_null(c.db_path);
	assert_true(c.fetch);
	assert_false(c.stale);
	assert_int_equal(c.format, FORMAT_UNSET);
	assert_false(c.quiet);
	assert_true(c.show_tree);
	assert_false(c.os_set);
	assert_true(c.yanked_enabled);
	assert_false(c.yanked_set);
	assert_true(c.update_index);
	config_free(&c);
}

/* cargo-audit <= 0.20 wrote one target as a string (FilterList::Single). */
static void test_config__legacy_single_target(void **state)
{
	audit_config c;
	warns w;
	char err[512];
	(void)state;
	assert_int_equal(parse(&c, &w, err,
		"[target]\narch = \"x86_64\"\nos = \"linux\"\n"), 0);
	assert_int_equal(c.narch, 1);
	assert_string_equal(c.arch[0], "x86_64");
	assert_int_equal(c.nos, 1);
	assert_string_equal(c.os[0], "linux");
	config_free(&c);
}

static void test_config__bad_values_name_the_line(void **state)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ "[advisories]\nseverity_threshold = \"High\"\n",
		  "a.toml:2: [advisories] severity_threshold \"High\": expected "
		  "none, low, medium, high or critical" },
		{ "[advisories]\n\nignore = [1]\n",
		  "a.toml:3: [advisories] ignore: expected a string" },
		{ "[advisories]\ninformational_warnings = \"notice\"\n",
		  "a.toml:2: [advisories] informational_warnings: expected a "
		  "list of strings" },
		{ "[database]\npath = \"\"\n",
		  "a.toml:2: [database] path: empty" },
		{ "[database]\nfetch = \"no\"\n",
		  "a.toml:2: [database] fetch: expected true or false" },
		{ "[output]\ndeny = [\"warnings\",\n \"notice\"]\n",
		  "a.toml:3: [output] deny \"notice\": expected warnings, "
		  "unmaintained, unsound or yanked" },
		{ "[output]\nformat = \"JSON\"\n",
		  "a.toml:2: [output] format \"JSON\": expected terminal, json "
		  "or sarif" },
		{ "[output]\nshow_tree = 0\n",
		  "a.toml:2: [output] show_tree: expected true or false" },
		{ "[target]\nos = [\"linux\", \"win32\"]\n",
		  "a.toml:2: [target] os win32: not a target os name (did you "
		  "mean windows?)" },
		{ "[target]\narch = \"\"\n",
		  "a.toml:2: [target] arch: an empty name" },
		{ "[yanked]\nupdate_index = []\n",
		  "a.toml:2: [yanked] update_index: expected true or false" },
		{ "target = \"linux\"\n", "a.toml:1: `target` is not a table" },
		{ "[advisories]\nignore = [\"a\\u0000b\"]\n",
		  "a.toml:2: [advisories] ignore: a NUL character" },
	};
	audit_config c;
	warns w;
	char err[512];
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(parse(&c, &w, err, cases[i].text), -1);
		if (strncmp(err, cases[i].msg, strlen(cases[i].msg)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err,
			         cases[i].msg);
		config_free(&c);
	}
	/* TOML itself: the parser's line */
	assert_int_equal(parse(&c, &w, err, "[advisories]\nignore = [\n,]\n"),
	                 -1);
	assert_memory_equal(err, "a.toml:3: ", 10);
	config_free(&c);
	/* lists are capped */
	char big[8192] = "[target]\nos = [";
	for (int i = 0; i < CLI_TARGETS_MAX + 1; i++)
		strcat(big, "\"linux\",");
	strcat(big, "]\n");
	assert_int_equal(parse(&c, &w, err, big), -1);
	assert_non_null(strstr(err, "more than the 64 allowed"));
	config_free(&c);
}

static void test_config__unknown_keys_warn(void **state)
{
	audit_config c;
	warns w;
	char err[512];
	(void)state;
	assert_int_equal(parse(&c, &w, err,
		"[advisories]\nignored = []\n[output]\ncolour = true\n"
		"[bogus]\nx = 1\n"), 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.v[0], "a.toml:2: warning: unknown key `ignored` "
	                    "in [advisories] (ignored)");
	assert_string_equal(w.v[1], "a.toml:4: warning: unknown key `colour` "
	                    "in [output] (ignored)");
	assert_string_equal(w.v[2], "a.toml:5: warning: unknown key `bogus` "
	                    "(ignored)");
	config_free(&c);
}

static void merge(cli_opts *o, audit_config *c, const char *text,
                  const config_cmdline *cl)
{
	warns w;
	char err[512];
	assert_int_equal(parse(c, &w, err, text), 0);
	assert_int_equal(config_merge(o, c, cl), 0);
}

/* cargo-audit's override_config, then report_settings. */
static void test_config__merge_as_cargo_audit(void **state)
{
	static cli_opts o;
	audit_config c;
	config_cmdline cl = { .format = FORMAT_UNSET, .audits = 1 };
	(void)state;

	/* ignores: the file's, then the flags'; targets: flags replace */
	memset(&o, 0, sizeof o);
	o.max_age_days = -1;
	o.ignore[0] = "FLAG-1";
	o.nignore = 1;
	o.os[0] = "windows";
	o.nos = 1;
	merge(&o, &c, "[advisories]\nignore = [\"FILE-1\", \"FILE-2\"]\n"
	      "[target]\nos = [\"linux\", \"macos\"]\narch = \"x86\"\n", &cl);
	assert_int_equal(o.nignore, 3);
	assert_string_equal(o.ignore[0], "FILE-1");
	assert_string_equal(o.ignore[2], "FLAG-1");
	assert_int_equal(o.nos, 1);
	assert_string_equal(o.os[0], "windows");
	assert_int_equal(o.narch, 1);        /* none given: the file's */
	assert_string_equal(o.arch[0], "x86");
	/* defaults derived */
	assert_int_equal(o.ninfo, 3);
	assert_string_equal(o.info[0], "unmaintained");
	assert_string_equal(o.info[2], "notice");
	assert_int_equal(o.info_kinds,
	                 DENY_UNMAINTAINED | DENY_UNSOUND | DENY_NOTICE);
	assert_int_equal(o.deny, 0);
	assert_int_equal(o.max_age_days, CLI_STALE_DAYS);
	assert_false(o.no_yanked);      /* checked, as cargo-audit does */
	assert_false(o.deny_yanked);
	config_free(&c);

	/* --deny warnings replaces the file's deny list with every kind;
	 * the informational kinds gain what is denied */
	memset(&o, 0, sizeof o);
	o.denyv[0] = DENYOPT_WARNINGS;
	o.ndeny = 1;
	merge(&o, &c, "[advisories]\ninformational_warnings = []\n"
	      "[output]\ndeny = [\"unsound\"]\n", &cl);
	assert_int_equal(o.ndeny, 4);
	assert_int_equal(o.deny, DENY_WARNINGS);
	assert_false(o.deny & DENY_NOTICE);        /* a notice never fails */
	assert_int_equal(o.ninfo, 3);
	assert_string_equal(o.info[0], "notice");  /* report_settings' order */
	assert_int_equal(o.info_kinds,
	                 DENY_UNMAINTAINED | DENY_UNSOUND | DENY_NOTICE);
	/* yanked denied within "warnings", not by name: without a crates
	 * index that is a notice, not an error */
	assert_false(o.deny_yanked);
	config_free(&c);

	/* a file's deny adds its kind to the file's informational list */
	memset(&o, 0, sizeof o);
	merge(&o, &c, "[advisories]\ninformational_warnings = [\"notice\"]\n"
	      "[output]\ndeny = [\"unmaintained\"]\n", &cl);
	assert_int_equal(o.deny, DENY_UNMAINTAINED);
	assert_int_equal(o.ninfo, 2);
	assert_string_equal(o.info[1], "unmaintained");
	assert_int_equal(o.info_kinds, DENY_NOTICE | DENY_UNMAINTAINED);
	assert_false(o.deny_yanked);
	config_free(&c);

	/* format: --json/--format win over the file's; -q drops the tree,
	 * the file's quiet does not; --stale and [database] stale end the
	 * staleness check; [yanked] enabled = true asks for yanked checks */
	memset(&o, 0, sizeof o);
	o.max_age_days = -1;
	cl.format = FORMAT_TEXT;
	merge(&o, &c, "[output]\nformat = \"json\"\nquiet = true\n"
	      "[database]\nstale = true\n[yanked]\nenabled = true\n", &cl);
	assert_false(o.json);
	assert_true(o.quiet);
	assert_false(o.no_tree);
	assert_int_equal(o.max_age_days, -1);
	assert_false(o.no_yanked);
	config_free(&c);
	memset(&o, 0, sizeof o);
	cl.format = FORMAT_UNSET;
	cl.quiet_flag = 1;
	cl.no_yanked = 1;
	merge(&o, &c, "[output]\nformat = \"json\"\n[yanked]\nenabled = true\n",
	      &cl);
	assert_true(o.json);
	assert_true(o.quiet);
	assert_true(o.no_tree);
	assert_true(o.no_yanked);               /* --no-yanked wins */
	config_free(&c);

	/* the index: -d, else $ADVDB_DB, else the file's */
	memset(&o, 0, sizeof o);
	cl = (config_cmdline){ .format = FORMAT_UNSET };
	setenv("ADVDB_DB", "/env.lmdb", 1);
	merge(&o, &c, "[database]\npath = \"/file.lmdb\"\n", &cl);
	assert_null(o.db_path);                 /* dbpath.h reads the env */
	config_free(&c);
	unsetenv("ADVDB_DB");
	merge(&o, &c, "[database]\npath = \"/file.lmdb\"\n", &cl);
	assert_string_equal(o.db_path, "/file.lmdb");
	assert_string_equal(o.db_origin, "a.toml:2");
	assert_int_equal(o.max_age_days, 0);    /* not a command that audits */
	config_free(&c);
}

static void test_config__words(void **state)
{
	(void)state;
	assert_int_equal(config_deny_word("warnings"), DENYOPT_WARNINGS);
	assert_int_equal(config_deny_word("yanked"), DENYOPT_YANKED);
	assert_int_equal(config_deny_word("notice"), -1);
	assert_int_equal(config_deny_word("Warnings"), -1);
	assert_int_equal(config_severity_word("none"), ADVDB_SEV_NONE);
	assert_int_equal(config_severity_word("critical"), ADVDB_SEV_CRITICAL);
	assert_int_equal(config_severity_word("Critical"), -1);
	assert_false(config_is_git_repo("/nonexistent"));
	assert_false(config_is_git_repo("/"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config__every_key),
		cmocka_unit_test(test_config__defaults),
		cmocka_unit_test(test_config__legacy_single_target),
		cmocka_unit_test(test_config__bad_values_name_the_line),
		cmocka_unit_test(test_config__unknown_keys_warn),
		cmocka_unit_test(test_config__merge_as_cargo_audit),
		cmocka_unit_test(test_config__words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
