/*
 * main.c — advdb-query's command line: options, the command, exit codes.
 * Nothing else lives here; each command is its own file.
 *
 * Options may come before or after the command (glibc's getopt_long
 * permutes argv), so `advdb-query scan x.lock --json` works. The first
 * operand names the command; one containing '@' means `check`.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advdb.h"
#include "cli.h"
#include "guard.h"
#include "stdfds.h"
#include "target.h"
#include "trust.h"

static void usage(FILE *f)
{
	fputs(
"usage: advdb-query [options] check NAME@VERSION...\n"
"       advdb-query [options] NAME@VERSION...      (short for check)\n"
"       advdb-query [options] scan LOCKFILE|DIR|-...\n"
"       advdb-query [options] [--allow-no-data] bin FILE|DIR...  (Rust\n"
"                    binaries built with cargo auditable: ELF, PE,\n"
"                    Mach-O, WebAssembly; scan takes them too)\n"
"       advdb-query [options] reqs CARGO.TOML|DIR...  (requirements that\n"
"                    admit vulnerable versions, and how to tighten them)\n"
"       advdb-query [-d DB] [--line-buffered] batch  (stdin lines -> JSON)\n"
"       advdb-query [-d DB] show ID [--json]         (ID, CVE or GHSA)\n"
"       advdb-query [-d DB] info [--json] [--max-age DAYS [--max-age-strict]]\n"
"       advdb-query [-d DB] export-osv DIR         (one OSV file per advisory)\n"
"\n"
"options:\n"
"  -d, --db DB          the index (default: $ADVDB_DB, else\n"
"                       $XDG_DATA_HOME/advdb/advdb.lmdb or\n"
"                       ~/.local/share/advdb/advdb.lmdb)\n"
"      --json           JSON output (check/scan: cargo audit --json shape;\n"
"                       scan: one report per lockfile per line)\n"
"      --os OS          only advisories that apply to this target os\n"
"                       (rustsec's names: linux, windows, macos, ...)\n"
"      --arch ARCH      only advisories that apply to this target arch\n"
"                       (rustsec's names: x86_64, aarch64, x86, ...)\n"
"      --ignore ID      ignore an advisory (by id, CVE or GHSA alias);\n"
"                       may be repeated\n"
"      --deny KIND      fail (exit 1) on warnings too: warnings (all),\n"
"                       unmaintained, unsound, notice or other; repeatable\n"
"      --line-buffered  flush output after every line (batch, scan)\n"
"      --max-age DAYS   warn when the advisories are older than DAYS\n"
"      --max-age-strict with --max-age: that is an error (exit 2)\n"
"  -j, --jobs N         scan threads (default: one per core)\n"
"      --trust-key KEY  answer only from an index signed with this minisign\n"
"                       public key (DB.minisig; default: $ADVDB_TRUST_KEY)\n"
"      --allow-no-data  bin/scan: a binary without cargo-auditable data\n"
"                       is reported as skipped, not as an error\n"
"      --allow-incomplete an index compiled with --keep-going that skipped\n"
"                       advisories is no error (it still warns)\n"
"  -h, --help           this text\n"
"  -V, --version        the version\n"
"\n"
"exit status: 0 nothing found, 1 vulnerabilities found (or denied\n"
"warnings; reqs: a requirement admits a vulnerable version), 2 usage or\n"
"data error (a bad argument, lockfile, manifest or index), and whenever\n"
"something could not be checked, even beside findings.\n",
	      f);
}

enum {
	OPT_JSON = 256, OPT_OS, OPT_ARCH, OPT_IGNORE, OPT_DENY,
	OPT_LINEBUF, OPT_MAXAGE, OPT_MAXAGE_STRICT, OPT_TRUST_KEY,
	OPT_ALLOW_NO_DATA,
	OPT_ALLOW_INCOMPLETE
};

static const struct option longopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "os", required_argument, NULL, OPT_OS },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "deny", required_argument, NULL, OPT_DENY },
	{ "line-buffered", no_argument, NULL, OPT_LINEBUF },
	{ "max-age", required_argument, NULL, OPT_MAXAGE },
	{ "max-age-strict", no_argument, NULL, OPT_MAXAGE_STRICT },
	{ "jobs", required_argument, NULL, 'j' },
	{ "trust-key", required_argument, NULL, OPT_TRUST_KEY },
	{ "allow-no-data", no_argument, NULL, OPT_ALLOW_NO_DATA },
	{ "allow-incomplete", no_argument, NULL, OPT_ALLOW_INCOMPLETE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static int parse_deny(unsigned *deny, const char *s)
{
	static const struct { const char *name; unsigned bit; } kinds[] = {
		{ "warnings", DENY_WARNINGS },
		{ "unmaintained", DENY_UNMAINTAINED },
		{ "unsound", DENY_UNSOUND },
		{ "notice", DENY_NOTICE },
		{ "other", DENY_OTHER },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(s, kinds[i].name) == 0) {
			*deny |= kinds[i].bit;
			return 0;
		}
	return -1;
}

static int parse_long(long *out, const char *s, long max)
{
	char *end;
	long v;

	if (!*s)
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int usage_error(const char *fmt, const char *arg)
{
	return cli_usage_error(usage, fmt, arg);
}

int main(int argc, char **argv)
{
	static cli_opts o;  /* large (ignore list); not on the stack */
	const char *nc = getenv("NO_COLOR");
	const char *trust = NULL;
	int c;
	long v;

	if (stdfds_open() < 0)
		return EXIT_ERROR;
	guard_install();        /* an index overwritten under us: exit 2 */
	o.max_age_days = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:j:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.db_path = optarg;
			break;
		case OPT_JSON:
			o.json = 1;
			break;
		case OPT_OS:
			o.os = optarg;
			break;
		case OPT_ARCH:
			o.arch = optarg;
			break;
		case OPT_IGNORE:
			if (o.nignore >= CLI_IGNORE_MAX)
				return usage_error("too many --ignore (at most "
				                   "1024)%s", "");
			o.ignore[o.nignore++] = optarg;
			break;
		case OPT_DENY:
			if (parse_deny(&o.deny, optarg) < 0)
				return usage_error("--deny %s: expected warnings, "
				                   "unmaintained, unsound, notice or "
				                   "other", optarg);
			break;
		case OPT_LINEBUF:
			o.line_buffered = 1;
			break;
		case OPT_MAXAGE:
			if (parse_long(&v, optarg, 1000000) < 0)
				return usage_error("--max-age %s: expected a "
				                   "number of days", optarg);
			o.max_age_days = v;
			break;
		case OPT_MAXAGE_STRICT:
			o.max_age_strict = 1;
			break;
		case OPT_ALLOW_INCOMPLETE:
			o.allow_incomplete = 1;
			break;
		case OPT_TRUST_KEY:
			trust = optarg;
			break;
		case OPT_ALLOW_NO_DATA:
			o.allow_no_data = 1;
			break;
		case 'j':
			if (parse_long(&v, optarg, 1024) < 0 || v == 0)
				return usage_error("--jobs %s: expected 1..1024",
				                   optarg);
			o.jobs = (int)v;
			break;
		default:        /* -h, -V, a missing value, a bad option */
			return cli_getopt_end(c, argv, usage);
		}
	}
	char tmsg[1024];
	if ((o.os && target_check(TARGET_OS, o.os, tmsg, sizeof(tmsg)) < 0) ||
	    (o.arch && target_check(TARGET_ARCH, o.arch, tmsg, sizeof(tmsg)) < 0))
		return usage_error("%s", tmsg);
	trust_choose(&o, trust, NULL);
	if (o.max_age_strict && o.max_age_days < 0)
		return usage_error("--max-age-strict needs --max-age%s", "");
	if (optind >= argc)
		return usage_error("no command given%s", "");
	if ((size_t)(argc - optind) > CLI_ARGS_MAX)
		return usage_error("too many operands%s", "");

	o.color = isatty(STDOUT_FILENO) && nc == NULL;
	const char *cmd = argv[optind];
	int (*run)(const cli_opts *) = NULL;
	if (!strcmp(cmd, "check"))
		run = cmd_check;
	else if (!strcmp(cmd, "scan"))
		run = cmd_scan;
	else if (!strcmp(cmd, "bin")) {
		run = cmd_scan;         /* scan.c, with binaries as operands */
		o.bin = 1;
	}
	else if (!strcmp(cmd, "batch"))
		run = cmd_batch;
	else if (!strcmp(cmd, "show"))
		run = cmd_show;
	else if (!strcmp(cmd, "info"))
		run = cmd_info;
	else if (!strcmp(cmd, "export-osv"))
		run = cmd_export_osv;
	else if (!strcmp(cmd, "reqs"))
		run = cmd_reqs;
	if (run) {
		o.args = argv + optind + 1;
		o.nargs = (size_t)(argc - optind - 1);
	} else if (strchr(cmd, '@')) {
		run = cmd_check;
		o.args = argv + optind;
		o.nargs = (size_t)(argc - optind);
	} else {
		return usage_error("unknown command '%s'", cmd);
	}
	if (o.line_buffered)
		setvbuf(stdout, NULL, _IOLBF, 0);
	return run(&o);
}
