/*
 * config.h — cargo-audit's configuration file, audit.toml, read as
 * cargo-audit 0.22 reads it (cargo-audit/src/config.rs for the keys,
 * types and defaults; src/commands.rs for where it is found;
 * src/commands/audit.rs `override_config` for how flags override it).
 *
 * Where (cargo-audit's rule, one file, never merged):
 *   --config FILE         that file (advdb's; --no-config: none at all)
 *   ./.cargo/audit.toml   the project's, in the current folder (not
 *                         beside the lockfile: cargo-audit looks here
 *                         whatever -f names)
 *   $CARGO_HOME/audit.toml  when the project has none (CARGO_HOME
 *                         defaults to ~/.cargo)
 *
 * Keys (every key of cargo-audit's AuditConfig):
 *   [advisories] ignore = [ids], informational_warnings = [kinds],
 *                severity_threshold = "none|low|medium|high|critical"
 *   [database]   path (the compiled index here), url, fetch, stale
 *   [output]     deny = ["warnings|unmaintained|unsound|yanked"],
 *                format = "terminal|json|sarif", quiet, show_tree
 *   [target]     arch, os: a name or a list of names (rustsec's
 *                platforms names, as --target-os/--target-arch)
 *   [yanked]     enabled, update_index
 * A key of the wrong type or a bad value is an error naming FILE:LINE
 * (exit 2); an unknown key or section is a warning naming FILE:LINE
 * (cargo-audit refuses them: deny_unknown_fields). advdb never fetches:
 * url, fetch and update_index are read and have no effect. cargo-audit
 * requires `quiet` once [output] is there and `stale` once [database] is
 * (serde gives those bools no default); here they default to false.
 *
 * Ownership: an audit_config owns its parsed document; every string it
 * hands out (and that config_merge puts into a cli_opts) lives until
 * config_free(). Nothing global: a config is one struct.
 */
#ifndef ADVDB_CLI_CONFIG_H
#define ADVDB_CLI_CONFIG_H

#include <stddef.h>
#include "cli.h"

#define CONFIG_FILE_MAX ((size_t)1 << 20)   /* bytes of an audit.toml */

/* [output] format values are cli.h's FORMAT_TEXT ("terminal"), _JSON
 * and _SARIF. */

typedef struct audit_config {
	struct toml_doc *doc;
	/* [advisories] */
	size_t nignore;
	int info_set;
	size_t ninfo;
	int has_severity, severity;
	/* [database] */
	const char *db_path;
	const char *url;
	int fetch, stale;
	/* [output] */
	size_t ndeny;
	int format;                 /* FORMAT_* */
	int quiet, show_tree;
	/* [target] */
	int os_set, arch_set;
	size_t nos, narch;
	/* [yanked] */
	int yanked_enabled, yanked_set, update_index;

	/* What follows is read only as far as the counts above (the two
	 * strings to their NUL): a reset (config.c) clears the fields above
	 * and the strings' first bytes, never these ~18 KB, which a one-shot
	 * check would otherwise fault in (4 pages) to no use. */
	char path[4096];            /* the file read; "" when none */
	char db_origin[4120];       /* "FILE:LINE" of [database] path */
	const char *ignore[CLI_IGNORE_MAX];
	const char *info[CLI_INFO_MAX];
	unsigned char denyv[CLI_DENY_MAX];
	const char *os[CLI_TARGETS_MAX], *arch[CLI_TARGETS_MAX];
} audit_config;

/* Parse the text of an audit.toml (path names it in messages). Each
 * warning goes to warn(ctx, "PATH:LINE: warning: ...") when warn is not
 * NULL. Returns 0, or -1 with "PATH:LINE: message" in err (*c then
 * holds nothing to free but is still freed with config_free). */
int config_parse(audit_config *c, const char *path, const char *text,
                 size_t len, void (*warn)(void *ctx, const char *msg),
                 void *ctx, char *err, size_t errcap);

/* Find and read the file as cargo-audit does (see the top); explicit:
 * --config FILE (must exist), none: --no-config. Prints its warnings and
 * errors. Returns 0 (also when there is no file), -1 for exit 2. */
int config_load(audit_config *c, const char *explicit_path, int none);

void config_free(audit_config *c);

/* What only the command line says, for config_merge. */
typedef struct config_cmdline {
	int format;                 /* FORMAT_*: --format / --json */
	int quiet_flag;             /* -q: also no tree */
	int stale;                  /* --stale */
	int no_yanked;              /* --no-yanked */
	int max_age_given;          /* --max-age */
	int audits;                 /* the command audits (check, scan, bin,
	                               audit, reqs): an index older than
	                               CLI_STALE_DAYS is named in a warning */
	int info_given;             /* --informational-warnings */
} config_cmdline;

/* Settle o from the command line (already in o, and cl) and the file,
 * as cargo-audit's override_config: --db, --target-os/--target-arch
 * lists, --format and --json replace the file's; --ignore and --deny add
 * to it (--deny warnings replaces the deny list with every kind); -q
 * adds to `quiet` and turns the tree off; --stale and --no-yanked win.
 * Then what cargo-audit derives: the informational kinds reported (the
 * file's or --informational-warnings' list, else notice, unmaintained
 * and unsound; each denied kind added), the DENY_* bits, the staleness
 * check, and whether yanked versions are checked (no_yanked) and
 * denied by name (deny_yanked). Returns 0, or -1 after printing an
 * error (too many entries). */
int config_merge(cli_opts *o, const audit_config *c,
                 const config_cmdline *cl);

/* The DENYOPT_* of a --deny/[output] deny word, or -1. */
int config_deny_word(const char *s);

/* The FORMAT_* of a --format/[output] format word, or -1. */
int config_format_word(const char *s);

/* The advdb_severity of a threshold word, or -1. */
int config_severity_word(const char *s);

/* Whether path is a git repository (a working tree with .git, or a bare
 * one): cargo-audit's database path names its advisory-db clone, which
 * advdb compiles first. */
int config_is_git_repo(const char *path);

#endif
