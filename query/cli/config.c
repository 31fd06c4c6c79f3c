/*
 * config.c — audit.toml: found, read, checked and merged with the command
 * line (see config.h). The file is hostile input like any other: at most
 * CONFIG_FILE_MAX bytes of a regular file, parsed by schema/toml.h (which
 * caps nesting and memory), every value's type checked, lists capped,
 * target names checked against target.c's table (a misspelt os would
 * silently match nothing), and every problem named FILE:LINE.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "advdb.h"
#include "regfile.h"
#include "target.h"
#include "toml.h"

/* ---- words ---------------------------------------------------------- */

int config_deny_word(const char *s)
{
	if (!strcmp(s, "warnings")) return DENYOPT_WARNINGS;
	if (!strcmp(s, "unmaintained")) return DENYOPT_UNMAINTAINED;
	if (!strcmp(s, "unsound")) return DENYOPT_UNSOUND;
	if (!strcmp(s, "yanked")) return DENYOPT_YANKED;
	return -1;
}

int config_format_word(const char *s)
{
	if (!strcmp(s, "terminal")) return FORMAT_TEXT;
	if (!strcmp(s, "json")) return FORMAT_JSON;
	if (!strcmp(s, "sarif")) return FORMAT_SARIF;
	return -1;
}

int config_severity_word(const char *s)
{
	/* the cvss crate's Severity, as serde reads it: lower case */
	static const char *const w[] = { "none", "low", "medium", "high",
	                                 "critical" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(s, w[i]))
			return ADVDB_SEV_NONE + i;
	return -1;
}

/* ---- parsing -------------------------------------------------------- */

typedef struct pctx {
	audit_config *c;
	const char *path;
	void (*warn)(void *, const char *);
	void *wctx;
	char *err;
	size_t errcap;
} pctx;

static int bad(pctx *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(pctx *p, unsigned line, const char *fmt, ...)
{
	char m[512];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(m, sizeof m, fmt, ap) < 0)
		snprintf(m, sizeof m, "bad value");
	va_end(ap);
	snprintf(p->err, p->errcap, "%s:%u: %s", p->path, line, m);
	return -1;
}

static void warn_at(pctx *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn_at(pctx *p, unsigned line, const char *fmt, ...)
{
	char m[512], full[640];
	va_list ap;

	if (!p->warn)
		return;
	va_start(ap, fmt);
	if (vsnprintf(m, sizeof m, fmt, ap) < 0)
		snprintf(m, sizeof m, "unknown key");
	va_end(ap);
	snprintf(full, sizeof full, "%s:%u: warning: %s", p->path, line, m);
	p->warn(p->wctx, full);
}

/* A string without NUL (keys and values are NUL-terminated C strings
 * from here on). */
static int get_string(const char **out, pctx *p, const toml_value *v,
                      const char *what)
{
	size_t len;

	if (toml_kind(v) != TOML_STRING)
		return bad(p, toml_line(v), "%s: expected a string", what);
	*out = toml_string(v, &len);
	if (memchr(*out, '\0', len))
		return bad(p, toml_line(v), "%s: a NUL character", what);
	return 0;
}

static int get_bool(int *out, pctx *p, const toml_value *v, const char *what)
{
	if (toml_kind(v) != TOML_BOOL)
		return bad(p, toml_line(v), "%s: expected true or false", what);
	*out = toml_bool(v) != 0;
	return 0;
}

/* An array of strings into out[cap]. */
static int get_strings(const char **out, size_t *n, size_t cap, pctx *p,
                       const toml_value *v, const char *what)
{
	if (toml_kind(v) != TOML_ARRAY)
		return bad(p, toml_line(v), "%s: expected a list of strings",
		           what);
	size_t len = toml_array_len(v);
	if (len > cap)
		return bad(p, toml_line(v), "%s: %zu entries, more than the %zu "
		           "allowed", what, len, cap);
	*n = 0;
	for (size_t i = 0; i < len; i++)
		if (get_string(&out[(*n)++], p, toml_array_at(v, i), what) < 0)
			return -1;
	return 0;
}

/* [target] os/arch: one name or a list (cargo-audit's FilterList), each
 * a name rustsec's platforms crate knows. */
static int get_targets(const char **out, size_t *n, pctx *p,
                       const toml_value *v, target_kind k)
{
	const char *what = k == TARGET_OS ? "[target] os" : "[target] arch";
	char msg[1024];

	if (toml_kind(v) == TOML_STRING) {
		*n = 1;
		if (get_string(&out[0], p, v, what) < 0)
			return -1;
	} else if (get_strings(out, n, CLI_TARGETS_MAX, p, v, what) < 0) {
		return -1;
	}
	for (size_t i = 0; i < *n; i++)
		if (target_check_as(k, what, out[i], msg, sizeof msg) < 0)
			return bad(p, toml_line(toml_kind(v) == TOML_ARRAY
			                        ? toml_array_at(v, i) : v),
			           "%s", msg);
	return 0;
}

static int advisories(pctx *p, const toml_value *t)
{
	audit_config *c = p->c;

	for (size_t i = 0; i < toml_table_len(t); i++) {
		const char *k = toml_table_key(t, i, NULL);
		const toml_value *v = toml_table_value(t, i);
		if (!strcmp(k, "ignore")) {
			if (get_strings(c->ignore, &c->nignore, CLI_IGNORE_MAX, p,
			                v, "[advisories] ignore") < 0)
				return -1;
		} else if (!strcmp(k, "informational_warnings")) {
			c->info_set = 1;
			if (get_strings(c->info, &c->ninfo, CLI_INFO_MAX - 3, p, v,
			                "[advisories] informational_warnings") < 0)
				return -1;
		} else if (!strcmp(k, "severity_threshold")) {
			const char *s;
			if (get_string(&s, p, v, "[advisories] severity_threshold")
			    < 0)
				return -1;
			if ((c->severity = config_severity_word(s)) < 0)
				return bad(p, toml_line(v), "[advisories] "
				           "severity_threshold \"%.64s\": expected "
				           "none, low, medium, high or critical", s);
			c->has_severity = 1;
		} else {
			warn_at(p, toml_table_key_line(t, i), "unknown key `%.64s` "
			        "in [advisories] (ignored)", k);
		}
	}
	return 0;
}

static int database(pctx *p, const toml_value *t)
{
	audit_config *c = p->c;

	for (size_t i = 0; i < toml_table_len(t); i++) {
		const char *k = toml_table_key(t, i, NULL);
		const toml_value *v = toml_table_value(t, i);
		if (!strcmp(k, "path")) {
			if (get_string(&c->db_path, p, v, "[database] path") < 0)
				return -1;
			if (!*c->db_path)
				return bad(p, toml_line(v), "[database] path: empty");
			snprintf(c->db_origin, sizeof c->db_origin, "%s:%u",
			         p->path, toml_line(v));
		} else if (!strcmp(k, "url")) {
			if (get_string(&c->url, p, v, "[database] url") < 0)
				return -1;
		} else if (!strcmp(k, "fetch")) {
			if (get_bool(&c->fetch, p, v, "[database] fetch") < 0)
				return -1;
		} else if (!strcmp(k, "stale")) {
			if (get_bool(&c->stale, p, v, "[database] stale") < 0)
				return -1;
		} else {
			warn_at(p, toml_table_key_line(t, i), "unknown key `%.64s` "
			        "in [database] (ignored)", k);
		}
	}
	return 0;
}

static int output(pctx *p, const toml_value *t)
{
	audit_config *c = p->c;

	for (size_t i = 0; i < toml_table_len(t); i++) {
		const char *k = toml_table_key(t, i, NULL);
		const toml_value *v = toml_table_value(t, i);
		if (!strcmp(k, "deny")) {
			const char *w[CLI_DENY_MAX];
			size_t n;
			if (get_strings(w, &n, CLI_DENY_MAX, p, v,
			                "[output] deny") < 0)
				return -1;
			for (size_t j = 0; j < n; j++) {
				int d = config_deny_word(w[j]);
				if (d < 0)
					return bad(p, toml_line(toml_array_at(v, j)),
					           "[output] deny \"%.64s\": expected "
					           "warnings, unmaintained, unsound or "
					           "yanked", w[j]);
				c->denyv[j] = (unsigned char)d;
			}
			c->ndeny = n;
		} else if (!strcmp(k, "format")) {
			const char *s;
			if (get_string(&s, p, v, "[output] format") < 0)
				return -1;
			if ((c->format = config_format_word(s)) < 0)
				return bad(p, toml_line(v), "[output] format "
				           "\"%.64s\": expected terminal, json or "
				           "sarif", s);
		} else if (!strcmp(k, "quiet")) {
			if (get_bool(&c->quiet, p, v, "[output] quiet") < 0)
				return -1;
		} else if (!strcmp(k, "show_tree")) {
			if (get_bool(&c->show_tree, p, v, "[output] show_tree") < 0)
				return -1;
		} else {
			warn_at(p, toml_table_key_line(t, i), "unknown key `%.64s` "
			        "in [output] (ignored)", k);
		}
	}
	return 0;
}

static int targets(pctx *p, const toml_value *t)
{
	audit_config *c = p->c;

	for (size_t i = 0; i < toml_table_len(t); i++) {
		const char *k = toml_table_key(t, i, NULL);
		const toml_value *v = toml_table_value(t, i);
		if (!strcmp(k, "os")) {
			c->os_set = 1;
			if (get_targets(c->os, &c->nos, p, v, TARGET_OS) < 0)
				return -1;
		} else if (!strcmp(k, "arch")) {
			c->arch_set = 1;
			if (get_targets(c->arch, &c->narch, p, v, TARGET_ARCH) < 0)
				return -1;
		} else {
			warn_at(p, toml_table_key_line(t, i), "unknown key `%.64s` "
			        "in [target] (ignored)", k);
		}
	}
	return 0;
}

static int yanked(pctx *p, const toml_value *t)
{
	audit_config *c = p->c;

	for (size_t i = 0; i < toml_table_len(t); i++) {
		const char *k = toml_table_key(t, i, NULL);
		const toml_value *v = toml_table_value(t, i);
		if (!strcmp(k, "enabled")) {
			if (get_bool(&c->yanked_enabled, p, v, "[yanked] enabled")
			    < 0)
				return -1;
			c->yanked_set = 1;
		} else if (!strcmp(k, "update_index")) {
			if (get_bool(&c->update_index, p, v,
			             "[yanked] update_index") < 0)
				return -1;
		} else {
			warn_at(p, toml_table_key_line(t, i), "unknown key `%.64s` "
			        "in [yanked] (ignored)", k);
		}
	}
	return 0;
}

/* The defaults, in a config whose doc and path are set: the fields
 * before `path` cleared, not the arrays after it (config.h). */
static void defaults(audit_config *c)
{
	toml_doc *doc = c->doc;

	memset(c, 0, offsetof(audit_config, path));
	c->doc = doc;
	c->db_origin[0] = '\0';
	c->format = FORMAT_UNSET;
	c->fetch = 1;
	c->show_tree = 1;
	c->yanked_enabled = 1;
	c->update_index = 1;
}

int config_parse(audit_config *c, const char *path, const char *text,
                 size_t len, void (*warn)(void *ctx, const char *msg),
                 void *ctx, char *err, size_t errcap)
{
	static const struct {
		const char *name;
		int (*read)(pctx *, const toml_value *);
	} sections[] = {
		{ "advisories", advisories }, { "database", database },
		{ "output", output }, { "target", targets }, { "yanked", yanked },
	};
	pctx p = { c, path, warn, ctx, err, errcap };
	toml_error terr;
	toml_doc *doc = NULL;

	c->doc = NULL;
	snprintf(c->path, sizeof c->path, "%s", path);
	defaults(c);
	if (len > CONFIG_FILE_MAX)
		return bad(&p, 0, "larger than %zu KiB", CONFIG_FILE_MAX >> 10);
	if (toml_parse(&doc, text, len, &terr) < 0)
		return bad(&p, terr.line, "%s", terr.msg);
	c->doc = doc;
	const toml_value *root = toml_root(doc);
	for (size_t i = 0; i < toml_table_len(root); i++) {
		const char *k = toml_table_key(root, i, NULL);
		const toml_value *v = toml_table_value(root, i);
		size_t s;
		for (s = 0; s < sizeof sections / sizeof sections[0]; s++)
			if (!strcmp(k, sections[s].name))
				break;
		if (s == sizeof sections / sizeof sections[0]) {
			warn_at(&p, toml_table_key_line(root, i), "unknown key "
			        "`%.64s` (ignored)", k);
			continue;
		}
		if (toml_kind(v) != TOML_TABLE)
			return bad(&p, toml_line(v), "`%s` is not a table", k);
		if (sections[s].read(&p, v) < 0)
			return -1;
	}
	return 0;
}

void config_free(audit_config *c)
{
	if (!c)
		return;
	toml_free(c->doc);
	memset(c, 0, offsetof(audit_config, path));
	c->path[0] = c->db_origin[0] = '\0';
	c->format = FORMAT_UNSET;
}

/* ---- finding and reading -------------------------------------------- */

static void print_warning(void *ctx, const char *msg)
{
	(void)ctx;
	cli_error("%s", msg);
}

/* cargo-audit's search: ./.cargo/audit.toml when it exists, else
 * CARGO_HOME's (home::cargo_home: $CARGO_HOME, else ~/.cargo). 0 with
 * a path, 1 none. */
static int discover(char *path, size_t cap)
{
	struct stat st;
	const char *home = getenv("CARGO_HOME"), *sub = "";

	if (stat("./.cargo/audit.toml", &st) == 0) {
		snprintf(path, cap, ".cargo/audit.toml");
		return 0;
	}
	if (!home || !*home) {
		home = getenv("HOME");
		sub = "/.cargo";
		if (!home || !*home)
			return 1;
	}
	int w = snprintf(path, cap, "%s%s/audit.toml", home, sub);
	if (w < 0 || (size_t)w >= cap)
		return 1;
	return stat(path, &st) == 0 ? 0 : 1;
}

int config_load(audit_config *c, const char *explicit_path, int none)
{
	char path[4096], err[1024];
	char *text = NULL;
	size_t len = 0;
	int rc;

	c->doc = NULL;
	c->path[0] = '\0';
	defaults(c);
	if (none)
		return 0;
	if (explicit_path)
		snprintf(path, sizeof path, "%s", explicit_path);
	else if (discover(path, sizeof path) != 0)
		return 0;
	int r = regfile_read(&text, &len, path, CONFIG_FILE_MAX, err, sizeof err);
	if (r == REGFILE_ETOOBIG)
		snprintf(err, sizeof err, "larger than %zu KiB", CONFIG_FILE_MAX >> 10);
	if (r != 0) {
		cli_error("%s: %s (the audit.toml to read)", path, err);
		return -1;
	}
	rc = config_parse(c, path, text, len, print_warning, NULL, err,
	                  sizeof err);
	free(text);
	if (rc < 0) {
		cli_error("%s", err);
		return -1;
	}
	return 0;
}

/* ---- merging with the command line ----------------------------------- */

static int has_name(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

static void add_info(cli_opts *o, const char *kind)
{
	if (!has_name(o->info, o->ninfo, kind) && o->ninfo < CLI_INFO_MAX)
		o->info[o->ninfo++] = kind;
}

int config_merge(cli_opts *o, const audit_config *c,
                 const config_cmdline *cl)
{
	/* ignore: the file's, then the command line's */
	if (c->nignore) {
		if (c->nignore + o->nignore > CLI_IGNORE_MAX) {
			cli_error("too many ignored advisories (at most %d, "
			          "--ignore and %s together)", CLI_IGNORE_MAX,
			          c->path);
			return -1;
		}
		memmove(o->ignore + c->nignore, o->ignore,
		        o->nignore * sizeof(o->ignore[0]));
		memcpy(o->ignore, c->ignore, c->nignore * sizeof(o->ignore[0]));
		o->nignore += c->nignore;
	}

	/* deny: the file's; each --deny adds, --deny warnings makes it
	 * every kind (cargo-audit: DenyOption::all()) */
	unsigned char v[CLI_DENY_MAX];
	size_t n = c->ndeny;
	memcpy(v, c->denyv, n);
	for (size_t i = 0; i < o->ndeny; i++) {
		if (o->denyv[i] == DENYOPT_WARNINGS) {
			v[0] = DENYOPT_WARNINGS;
			v[1] = DENYOPT_UNMAINTAINED;
			v[2] = DENYOPT_UNSOUND;
			v[3] = DENYOPT_YANKED;
			n = 4;
		} else if (n < CLI_DENY_MAX) {
			v[n++] = o->denyv[i];
		}
	}
	memcpy(o->denyv, v, n);
	o->ndeny = n;
	o->deny = 0;
	for (size_t i = 0; i < n; i++)
		o->deny |= v[i] == DENYOPT_WARNINGS ? DENY_WARNINGS
		         : v[i] == DENYOPT_UNMAINTAINED ? DENY_UNMAINTAINED
		         : v[i] == DENYOPT_UNSOUND ? DENY_UNSOUND : DENY_YANKED;

	/* targets: a command-line list replaces the file's */
	if (!o->nos && c->os_set) {
		memcpy(o->os, c->os, c->nos * sizeof(o->os[0]));
		o->nos = c->nos;
	}
	if (!o->narch && c->arch_set) {
		memcpy(o->arch, c->arch, c->narch * sizeof(o->arch[0]));
		o->narch = c->narch;
	}

	if (!o->has_severity && c->has_severity) {
		o->has_severity = 1;
		o->severity = c->severity;
	}

	/* format: --json, then --format, then the file */
	int format = cl->format != FORMAT_UNSET ? cl->format : c->format;
	o->format = format == FORMAT_UNSET ? FORMAT_TEXT : format;
	o->json = o->format == FORMAT_JSON;
	o->sarif = o->format == FORMAT_SARIF;

	if (cl->quiet_flag)
		o->no_tree = 1;
	o->quiet = cl->quiet_flag || c->quiet;
	if (!c->show_tree)
		o->no_tree = 1;

	/* informational kinds (cargo-audit's report_settings) */
	if (!cl->info_given) {
		if (c->info_set) {
			memcpy(o->info, c->info, c->ninfo * sizeof(o->info[0]));
			o->ninfo = c->ninfo;
		} else {
			o->info[0] = "unmaintained";
			o->info[1] = "unsound";
			o->info[2] = "notice";
			o->ninfo = 3;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] == DENYOPT_WARNINGS) {
			add_info(o, "notice");
			add_info(o, "unmaintained");
			add_info(o, "unsound");
			break;
		}
		if (v[i] == DENYOPT_UNMAINTAINED)
			add_info(o, "unmaintained");
		else if (v[i] == DENYOPT_UNSOUND)
			add_info(o, "unsound");
	}
	o->info_set = 1;
	o->info_kinds = 0;
	for (size_t i = 0; i < o->ninfo; i++)
		o->info_kinds |= !strcmp(o->info[i], "notice") ? DENY_NOTICE
		               : !strcmp(o->info[i], "unmaintained")
		                 ? DENY_UNMAINTAINED
		               : !strcmp(o->info[i], "unsound") ? DENY_UNSOUND : 0;

	/* the index: -d, else $ADVDB_DB, else the file's path */
	const char *env = getenv("ADVDB_DB");
	if (!o->db_path && (!env || !*env) && c->db_path) {
		o->db_path = c->db_path;
		o->db_origin = c->db_origin;
	}

	/* staleness: one mechanism with --max-age */
	if (!cl->max_age_given && cl->audits && !cl->stale && !c->stale)
		o->max_age_days = CLI_STALE_DAYS;

	int yanked_on = c->yanked_enabled && !cl->no_yanked;
	/* session_crates checks yanked versions unless no_yanked, and
	 * refuses a yanked denial it cannot check (no crates index) */
	o->no_yanked = !yanked_on;
	int by_name = 0, all = 0;  /* yanked named, not only in warnings */
	for (size_t i = 0; i < o->ndeny; i++) {
		by_name |= o->denyv[i] == DENYOPT_YANKED;
		all |= o->denyv[i] == DENYOPT_WARNINGS;
	}
	o->deny_yanked = by_name && !all;
	return 0;
}

/* ---- the database path ------------------------------------------------ */

int config_is_git_repo(const char *path)
{
	char sub[4200];
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	snprintf(sub, sizeof sub, "%s/.git", path);
	if (stat(sub, &st) == 0)
		return 1;
	snprintf(sub, sizeof sub, "%s/HEAD", path);
	if (stat(sub, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	snprintf(sub, sizeof sub, "%s/objects", path);
	return stat(sub, &st) == 0 && S_ISDIR(st.st_mode);
}
