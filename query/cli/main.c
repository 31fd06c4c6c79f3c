/*
 * main.c — advdb-query's command line: options, the command, exit codes.
 * Nothing else lives here; each command is its own file.
 *
 * Options may come before or after the command (glibc's getopt_long
 * permutes argv), so `advdb-query scan x.lock --json` works. The first
 * operand names the command; one containing '@' means `check`.
 *
 * cargo-audit's command line works as it is: `advdb-query audit FLAGS`
 * (or no command at all) is `cargo audit FLAGS`, with cargo-audit's
 * spellings (-f, -n, -D, -q, -c, -u, --format, --target-os, ...; see
 * usage()) and its audit.toml (config.h), which flags override the way
 * cargo-audit's do; `advdb-query audit bin FILE...` is `cargo audit bin`.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "advdb.h"
#include "cli.h"
#include "config.h"
#include "guard.h"
#include "stdfds.h"
#include "target.h"
#include "trust.h"

static void usage(FILE *f)
{
	fputs(
"usage: advdb-query [options] check NAME@VERSION...\n"
"       advdb-query [options] NAME@VERSION...      (short for check)\n"
"       advdb-query [options] scan [LOCKFILE|DIR|-...]  (default ./Cargo.lock)\n"
"       advdb-query [options] audit [bin FILE...]  (cargo audit [bin]:\n"
"                    ./Cargo.lock or -f FILE; also with no command)\n"
"       advdb-query [options] [--allow-no-data] bin FILE|DIR...  (Rust\n"
"                    binaries built with cargo auditable: ELF, PE,\n"
"                    Mach-O, WebAssembly; scan takes them too)\n"
"       advdb-query [options] reqs CARGO.TOML|DIR...  (requirements that\n"
"                    admit vulnerable versions, and how to tighten them)\n"
"       advdb-query [-d DB] [--line-buffered] batch  (stdin lines -> JSON)\n"
"       advdb-query [-d DB] show ID [--json]         (ID, CVE or GHSA)\n"
"       advdb-query [-d DB] info [--json] [--max-age DAYS [--max-age-strict]]\n"
"       advdb-query [-d DB] export-osv DIR         (one OSV file per advisory)\n"
"       advdb-query [options] diff OLD NEW  (two lockfiles, one may be -:\n"
"                    packages changed, advisories introduced and resolved)\n"
"       advdb-query report [--format F] FILE...|-  (a fleet summary of\n"
"                    scan/bin/check --json lines)\n"
"\n"
"options (cargo audit's spellings work; audit.toml is read as cargo-audit\n"
"reads it, and these override it):\n"
"  -d, --db DB          the index (default: $ADVDB_DB, else audit.toml's\n"
"                       [database] path, else $XDG_DATA_HOME/advdb/\n"
"                       advdb.lmdb or ~/.local/share/advdb/advdb.lmdb)\n"
"  -f, --file FILE      a lockfile to audit (- for stdin); repeatable\n"
"      --json           JSON output (check/scan: cargo audit --json shape;\n"
"                       scan: one report per lockfile per line)\n"
"      --format FMT     terminal (or text), json, sarif (SARIF 2.1.0: one\n"
"                       log), markdown (diff, report) or html (report: one\n"
"                       self-contained page)\n"
"      --target-os OS   only advisories that apply to this os (rustsec's\n"
"                       names: linux, windows, macos, ...); repeatable:\n"
"                       any of them; --os is the same\n"
"      --target-arch A  the same for the arch (x86_64, aarch64, x86, ...);\n"
"                       --arch is the same\n"
"      --ignore ID      ignore an advisory (by id, CVE or GHSA alias);\n"
"                       may be repeated\n"
"      --ignore-source  match packages of every source, not only crates.io\n"
"  -D, --deny KIND      fail (exit 1) on warnings too: warnings\n"
"                       (unmaintained, unsound, yanked), unmaintained,\n"
"                       unsound or yanked; repeatable (a notice never fails)\n"
"      --severity-threshold SEV  leave out advisories whose CVSS rates\n"
"                       below SEV (none, low, medium, high, critical)\n"
"      --informational-warnings KINDS  the informational kinds reported\n"
"                       (comma-separated: notice, unmaintained, unsound;\n"
"                       none for none); default all three\n"
"  -q, --quiet          no header, no dependency tree, no \"ok\" line;\n"
"                       scan/bin: print only the summary line\n"
"      --progress       scan/bin: a progress line on stderr every few\n"
"                       seconds (default: on a terminal, and on any stderr\n"
"                       once a run has taken 10 s); --no-progress: never\n"
"      --no-tree        no dependency tree in text reports\n"
"  -c, --color WHEN     auto, always or never (default: $CARGO_TERM_COLOR,\n"
"                       else auto: a terminal without NO_COLOR)\n"
"      --stale          an index older than 90 days is fine (no warning)\n"
"      --no-yanked      scan/bin: no yanked warnings (they need an index\n"
"                       compiled with advdb-compile --crates-index)\n"
"  -n, --no-fetch       accepted: advdb never fetches\n"
"  -u, --url URL        accepted, and ignored: advdb never fetches\n"
"      --config FILE    read this audit.toml (default: ./.cargo/audit.toml,\n"
"                       else $CARGO_HOME/audit.toml)\n"
"      --no-config      read no audit.toml\n"
"      --line-buffered  flush output after every line (batch, scan)\n"
"      --max-age DAYS   warn when the advisories are older than DAYS\n"
"                       (default for check/scan/bin/audit/reqs: 90)\n"
"      --max-age-strict that is an error (exit 2)\n"
"  -j, --jobs N         scan, bin and report threads (default: one per\n"
"                       core)\n"
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
"data error (a bad argument, audit.toml, lockfile, manifest or index), and\n"
"whenever something could not be checked, even beside findings.\n",
	      f);
}

enum {
	OPT_JSON = 256, OPT_OS, OPT_ARCH, OPT_IGNORE, OPT_LINEBUF,
	OPT_MAXAGE, OPT_MAXAGE_STRICT, OPT_ALLOW_NO_DATA,
	OPT_ALLOW_INCOMPLETE, OPT_FORMAT, OPT_STALE, OPT_NO_YANKED,
	OPT_IGNORE_SOURCE, OPT_NO_TREE, OPT_CONFIG, OPT_NO_CONFIG,
	OPT_SEVERITY, OPT_INFO, OPT_TARGET_OS, OPT_TARGET_ARCH,
	OPT_TRUST_KEY, OPT_PROGRESS, OPT_NO_PROGRESS
};

static const struct option longopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "file", required_argument, NULL, 'f' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "os", required_argument, NULL, OPT_OS },
	{ "target-os", required_argument, NULL, OPT_TARGET_OS },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "target-arch", required_argument, NULL, OPT_TARGET_ARCH },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "ignore-source", no_argument, NULL, OPT_IGNORE_SOURCE },
	{ "deny", required_argument, NULL, 'D' },
	{ "severity-threshold", required_argument, NULL, OPT_SEVERITY },
	{ "informational-warnings", required_argument, NULL, OPT_INFO },
	{ "quiet", no_argument, NULL, 'q' },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "no-tree", no_argument, NULL, OPT_NO_TREE },
	{ "color", required_argument, NULL, 'c' },
	{ "stale", no_argument, NULL, OPT_STALE },
	{ "no-yanked", no_argument, NULL, OPT_NO_YANKED },
	{ "no-fetch", no_argument, NULL, 'n' },
	{ "url", required_argument, NULL, 'u' },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
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

/* --format words beyond audit.toml's (config_format_word): advdb's own
 * reports. Returns a FORMAT_* or -1. */
static int format_word(const char *s)
{
	if (!strcmp(s, "text")) return FORMAT_TEXT;
	if (!strcmp(s, "markdown")) return FORMAT_MARKDOWN;
	if (!strcmp(s, "html")) return FORMAT_HTML;
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

/* --informational-warnings: comma-separated kinds into o->info (the
 * text is argv's, cut in place); "none" or "" for none. */
static int parse_info(cli_opts *o, char *s)
{
	o->ninfo = 0;
	if (!*s || !strcmp(s, "none"))
		return 0;
	for (char *t = strtok(s, ","); t; t = strtok(NULL, ",")) {
		if (o->ninfo >= CLI_INFO_MAX - 3)
			return -1;
		o->info[o->ninfo++] = t;
	}
	return 0;
}

/* -c/--color, else CARGO_TERM_COLOR (cargo-audit's term_colors), else
 * auto; auto is colour on a terminal unless NO_COLOR is set. */
static int color_choice(int *out, const char *flag)
{
	const char *w = flag ? flag : getenv("CARGO_TERM_COLOR");

	if (w && !strcmp(w, "always"))
		*out = 1;
	else if (w && !strcmp(w, "never"))
		*out = 0;
	else if (flag && strcmp(flag, "auto") != 0)
		return -1;
	else
		*out = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	return 0;
}

int main(int argc, char **argv)
{
	static cli_opts o;  /* large (ignore list); not on the stack */
	static audit_config cfg;
	static char *files[CLI_ARGS_MAX / 1000];  /* -f FILE */
	size_t nfiles = 0;
	config_cmdline cl = { .format = FORMAT_UNSET };
	const char *color = NULL, *config_path = NULL, *url = NULL;
	const char *trust = NULL;
	int no_config = 0, c, json_flag = 0;
	int format = FORMAT_UNSET;
	long v;
	char tmsg[1024];

	if (stdfds_open() < 0)
		return EXIT_ERROR;
	guard_install();        /* an index overwritten under us: exit 2 */
	o.max_age_days = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:f:j:D:c:u:nqhV", longopts,
	                        NULL)) != -1) {
		switch (c) {
		case 'd':
			o.db_path = optarg;
			break;
		case 'f':
			if (nfiles >= sizeof files / sizeof files[0])
				return usage_error("too many -f%s", "");
			files[nfiles++] = optarg;
			break;
		case OPT_JSON:
			json_flag = 1;
			break;
		case OPT_FORMAT:
			if ((format = config_format_word(optarg)) < 0 &&
			    (format = format_word(optarg)) < 0)
				return usage_error("--format %s: expected terminal, "
				                   "json, sarif, markdown or html",
				                   optarg);
			break;
		case OPT_PROGRESS:
			o.progress = PROGRESS_ON;
			break;
		case OPT_NO_PROGRESS:
			o.progress = PROGRESS_OFF;
			break;
		case OPT_OS:
		case OPT_ARCH:
		case OPT_TARGET_OS:
		case OPT_TARGET_ARCH: {
			target_kind k = c == OPT_OS || c == OPT_TARGET_OS
			                ? TARGET_OS : TARGET_ARCH;
			const char **list = k == TARGET_OS ? o.os : o.arch;
			size_t *n = k == TARGET_OS ? &o.nos : &o.narch;
			const char *label = c == OPT_OS ? "--os"
			                  : c == OPT_ARCH ? "--arch"
			                  : c == OPT_TARGET_OS ? "--target-os"
			                  : "--target-arch";
			if (target_check_as(k, label, optarg, tmsg,
			                    sizeof(tmsg)) < 0)
				return usage_error("%s", tmsg);
			if (*n >= CLI_TARGETS_MAX)
				return usage_error("more than 64 target names%s", "");
			list[(*n)++] = optarg;
			break;
		}
		case OPT_IGNORE:
			if (o.nignore >= CLI_IGNORE_MAX)
				return usage_error("too many --ignore (at most "
				                   "1024)%s", "");
			o.ignore[o.nignore++] = optarg;
			break;
		case OPT_IGNORE_SOURCE:
			o.ignore_source = 1;
			break;
		case 'D': {
			int d = config_deny_word(optarg);
			if (d < 0 && (!strcmp(optarg, "notice") ||
			              !strcmp(optarg, "other")))
				return usage_error("--deny %s: cargo-audit's kinds "
				                   "are warnings, unmaintained, unsound "
				                   "and yanked (a notice never fails a "
				                   "run)", optarg);
			if (d < 0)
				return usage_error("--deny %s: expected warnings, "
				                   "unmaintained, unsound or yanked",
				                   optarg);
			if (o.ndeny >= CLI_DENY_MAX)
				return usage_error("too many --deny%s", "");
			o.denyv[o.ndeny++] = (unsigned char)d;
			break;
		}
		case OPT_SEVERITY:
			if ((o.severity = config_severity_word(optarg)) < 0)
				return usage_error("--severity-threshold %s: expected "
				                   "none, low, medium, high or "
				                   "critical", optarg);
			o.has_severity = 1;
			break;
		case OPT_INFO:
			if (parse_info(&o, optarg) < 0)
				return usage_error("--informational-warnings: too "
				                   "many kinds%s", "");
			cl.info_given = 1;
			break;
		case 'q':
			cl.quiet_flag = 1;
			break;
		case OPT_NO_TREE:
			o.no_tree = 1;
			break;
		case 'c':
			color = optarg;
			break;
		case OPT_STALE:
			cl.stale = 1;
			break;
		case OPT_NO_YANKED:
			cl.no_yanked = 1;
			break;
		case 'n':
			break;                  /* advdb never fetches */
		case 'u':
			url = optarg;
			break;
		case OPT_CONFIG:
			config_path = optarg;
			break;
		case OPT_NO_CONFIG:
			no_config = 1;
			break;
		case OPT_LINEBUF:
			o.line_buffered = 1;
			break;
		case OPT_MAXAGE:
			if (parse_long(&v, optarg, 1000000) < 0)
				return usage_error("--max-age %s: expected a "
				                   "number of days", optarg);
			o.max_age_days = v;
			cl.max_age_given = 1;
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
	/* --json wins over --format, as in cargo-audit */
	cl.format = json_flag ? FORMAT_JSON : format;
	if (color_choice(&o.color, color) < 0)
		return usage_error("--color %s: expected auto, always or never",
		                   color);
	if (o.max_age_strict && o.max_age_days < 0 && !cl.max_age_given)
		/* strict about the default staleness age */
		o.max_age_days = CLI_STALE_DAYS;
	/* audit.toml has no key for it (cargo-audit refuses unknown
	 * keys, so one there would break the same file for cargo audit) */
	trust_choose(&o, trust, NULL);
	if ((size_t)(argc - optind) > CLI_ARGS_MAX)
		return usage_error("too many operands%s", "");

	/* The command; no command is cargo audit's own form. */
	const char *cmd = optind < argc ? argv[optind] : NULL;
	char *const *ops = argv + optind + (cmd != NULL);
	size_t nops = cmd ? (size_t)(argc - optind - 1) : 0;
	int (*run)(const cli_opts *) = NULL, audit_form = 0;
	struct stat st;

	if (!cmd) {
		if (!nfiles && stat("Cargo.lock", &st) != 0)
			return usage_error("no command given (and no ./Cargo.lock "
			                   "to audit)%s", "");
		audit_form = 1;
	} else if (!strcmp(cmd, "audit")) {
		audit_form = 1;
	} else if (!strcmp(cmd, "check"))
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
	else if (!strcmp(cmd, "diff"))
		run = cmd_diff;
	else if (!strcmp(cmd, "report"))
		run = cmd_report;
	else if (strchr(cmd, '@')) {
		run = cmd_check;
		ops = argv + optind;
		nops = (size_t)(argc - optind);
	} else {
		return usage_error("unknown command '%s'", cmd);
	}
	if (audit_form) {
		/* cargo audit [bin FILE... | fix] */
		run = cmd_scan;
		if (nops && !strcmp(ops[0], "bin")) {
			o.bin = 1;
			ops++;
			nops--;
		} else if (nops && !strcmp(ops[0], "fix")) {
			cli_error("audit fix: advdb never changes a lockfile (cargo "
			          "audit fix is not supported)");
			return EXIT_ERROR;
		}
	}
	if (nfiles && run != cmd_scan)
		return usage_error("-f names a lockfile to audit: for audit and "
		                   "scan only%s", "");
	if (run == cmd_scan && !o.bin && !nfiles && !nops) {
		/* cargo audit's default: ./Cargo.lock (it would run cargo to
		 * make one; advdb does not) */
		if (stat("Cargo.lock", &st) != 0) {
			cli_error("./Cargo.lock: %s (cargo audit would generate it; "
			          "run `cargo generate-lockfile`, or name a lockfile "
			          "with -f FILE)", strerror(errno));
			return EXIT_ERROR;
		}
		files[nfiles++] = "Cargo.lock";
	}
	if (nfiles) {
		/* -f files first, then the operands */
		char **all = malloc((nfiles + nops + 1) * sizeof(*all));
		if (!all) {
			cli_error("out of memory");
			return EXIT_ERROR;
		}
		memcpy(all, files, nfiles * sizeof(*all));
		memcpy(all + nfiles, ops, nops * sizeof(*all));
		ops = all;              /* lives until exit */
		nops += nfiles;
	}
	o.args = ops;
	o.nargs = nops;

	/* audit.toml, then the flags over it */
	cl.audits = run == cmd_check || run == cmd_scan || run == cmd_reqs;
	if (config_load(&cfg, config_path, no_config) < 0)
		return EXIT_ERROR;
	if (config_merge(&o, &cfg, &cl) < 0)
		return EXIT_ERROR;
	/* advdb's own scan and bin: -q leaves the summary line alone (the
	 * cargo audit form keeps cargo-audit's -q: findings, no header) */
	o.summary_only = cl.quiet_flag && !audit_form && run == cmd_scan;
	if (o.summary_only)
		o.quiet = cfg.quiet;    /* its summary line says "ok" too */
	if ((o.format == FORMAT_MARKDOWN && run != cmd_diff &&
	     run != cmd_report) || (o.format == FORMAT_HTML && run != cmd_report))
		return usage_error("--format %s: only for diff and report (html: "
		                   "report)", o.format == FORMAT_HTML ? "html"
		                                                   : "markdown");
	if (o.format == FORMAT_SARIF && (run == cmd_diff || run == cmd_report))
		return usage_error("--format sarif: for check, scan, bin and "
		                   "audit%s", "");
	if (run == cmd_check || run == cmd_scan) {
		if (url && !o.quiet)
			cli_warn("--url %s: advdb never fetches; the index is "
			         "compiled from a clone (advdb-compile)", url);
	}
	if (o.line_buffered)
		setvbuf(stdout, NULL, _IOLBF, 0);
	int status = run(&o);
	config_free(&cfg);
	return status;
}
