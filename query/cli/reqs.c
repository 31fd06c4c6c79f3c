/*
 * reqs.c — `advdb-query reqs MANIFEST...`: which requirements of a
 * Cargo.toml admit vulnerable versions (the deps.rs question, answered
 * from the manifest alone, for authors of libraries that ship no lock).
 *
 * For each crates.io dependency: its requirement read as Cargo reads it
 * (schema/cargo_req.h), every advisory of the crate in scope (libadvdb's
 * advdb_package_advisories: withdrawn never, --os/--arch as in check,
 * --ignore dropped), each advisory's vulnerable ranges met with the
 * admitted set. Vulnerabilities decide the status:
 *   possibly insecure  some admitted version is vulnerable;
 *   insecure           every admitted version is (no upgrade within the
 *                      requirement helps);
 * and the suggestion raises the lower bound to the least admitted
 * version above every admitted vulnerable one. Informational advisories
 * that meet the requirement are listed apart as warnings (failing only
 * under --deny). Prereleases count only as Cargo admits them.
 *
 * Output: a table per manifest of the flagged dependencies, warnings and
 * notes (skipped registries), then "N insecure, M possibly insecure";
 * with --json one object per manifest per line, every crates.io
 * dependency included. Problems with one dependency or one manifest go
 * to stderr and make the exit status 2; the rest are still reported, and
 * the report says it is incomplete (the summary starts "error:
 * incomplete"; JSON has "error" and "errors", and a manifest that could
 * not be read has a line {"manifest":..,"error":..}).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cargo_req.h"
#include "cli.h"
#include "errbuf.h"
#include "escape.h"
#include "json.h"
#include "limit.h"
#include "manifest.h"
#include "reader.h"
#include "report.h"
#include "session.h"

#define ADV_SCRATCH 64
#define RANGES_MAX 65536        /* ranges of one crate's advisories */

typedef enum { ST_OK, ST_POSSIBLY, ST_INSECURE } dep_status;

typedef struct dep_result {
	const manifest_dep *d;
	int analysed;               /* a crates.io dependency, no error */
	dep_status status;
	advdb_match *vulns, *warns; /* advisories that meet the requirement */
	size_t nvulns, nwarns;
	int has_fix;
	char suggestion[REQ_TEXT_MAX + 64];
	char *error;                /* not checked: why (malloc'd), else NULL */
} dep_result;

static void result_free(dep_result *r)
{
	free(r->vulns);
	free(r->warns);
	free(r->error);
}

static int push_match(advdb_match **v, size_t *n, const advdb_match *m)
{
	advdb_match *p = realloc(*v, (*n + 1) * sizeof(*p));
	if (!p)
		return -1;
	p[*n] = *m;
	*v = p;
	(*n)++;
	return 0;
}

/* The vulnerable ranges of advisory id, as the versions the record was
 * decoded into (reader.h), appended to *rs. 0, or -1 with a message. */
static int advisory_ranges(range **rs, size_t *n, size_t *cap,
                           const session *s, const char *id,
                           char *err, size_t errcap)
{
	advdb_advisory *a = NULL;
	int rc = advdb_advisory_get(&a, s->db, id);

	if (rc != ADVDB_OK)
		return errbuf_fail(err, errcap, "%s", advdb_last_error(s->db));
	const adv_record *r = reader_advisory_record(a);
	if (*n + r->nranges > *cap) {
		size_t nc = *n + r->nranges + 16;
		range *p = nc <= RANGES_MAX ? realloc(*rs, nc * sizeof(*p)) : NULL;
		if (!p) {
			advdb_advisory_free(a);
			return errbuf_fail(err, errcap, "%.64s: too many ranges", id);
		}
		*rs = p;
		*cap = nc;
	}
	if (r->nranges)
		memcpy(*rs + *n, r->ranges, r->nranges * sizeof(**rs));
	*n += r->nranges;
	advdb_advisory_free(a);
	return 0;
}

/* Decide one crates.io dependency. 0, or -1 with a message in err. */
static int analyse(dep_result *r, const session *s, const cargo_req *q,
                   char *err, size_t errcap)
{
	advdb_match scratch[ADV_SCRATCH], *heap = NULL;
	const advdb_match *m = scratch;
	range *all = NULL, *one = NULL;
	size_t n = 0, nall = 0, capall = 0, none = 0, capone = 0;
	cargo_exposure e;
	int rc, ret = -1;

	rc = advdb_package_advisories(scratch, ADV_SCRATCH, &n, s->db,
	                              r->d->package, &s->q);
	if (rc == ADVDB_EBUFS && n <= HOT_ENTRIES_MAX) {
		if ((heap = malloc(n * sizeof(*heap))) == NULL) {
			snprintf(err, errcap, "out of memory");
			return -1;
		}
		rc = advdb_package_advisories(heap, n, &n, s->db, r->d->package,
		                              &s->q);
		m = heap;
	}
	if (rc != ADVDB_OK) {
		snprintf(err, errcap, "%s", advdb_last_error(s->db)[0]
		         ? advdb_last_error(s->db) : advdb_strerror(rc));
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if (m[i].withdrawn || session_ignored(s, m[i].id))
			continue;
		none = 0;
		if (advisory_ranges(&one, &none, &capone, s, m[i].id, err,
		                    errcap) < 0)
			goto done;
		if ((rc = cargo_req_hits(q, one, none)) < 0) {
			snprintf(err, errcap, "requirement too large to analyse");
			goto done;
		}
		if (rc == 0)
			continue;
		if (m[i].kind != ADVDB_KIND_VULNERABILITY) {
			if (push_match(&r->warns, &r->nwarns, &m[i]) < 0)
				goto oom;
			continue;
		}
		if (push_match(&r->vulns, &r->nvulns, &m[i]) < 0)
			goto oom;
		if (nall + none > RANGES_MAX)
			goto oom;
		if (nall + none > capall) {
			size_t nc = (nall + none) * 2;
			range *p = realloc(all, nc * sizeof(*p));
			if (!p)
				goto oom;
			all = p;
			capall = nc;
		}
		memcpy(all + nall, one, none * sizeof(*one));
		nall += none;
	}
	if (cargo_req_exposure(&e, q, all, nall) < 0) {
		snprintf(err, errcap, "requirement too large to analyse");
		goto done;
	}
	r->analysed = 1;
	r->status = e.insecure ? ST_INSECURE
	            : e.possibly ? ST_POSSIBLY : ST_OK;
	r->has_fix = e.has_fix;
	if (e.has_fix)
		cargo_req_suggest(r->suggestion, sizeof r->suggestion, q, &e.fix);
	ret = 0;
	goto done;
oom:
	snprintf(err, errcap, "out of memory");
done:
	free(heap);
	free(all);
	free(one);
	return ret;
}

/* ---- rendering ------------------------------------------------------ */

static const char *status_name(dep_status st, int json)
{
	switch (st) {
	case ST_INSECURE: return "insecure";
	case ST_POSSIBLY: return json ? "possibly-insecure" : "possibly insecure";
	default: return "ok";
	}
}

/* "dev", "normal, cfg(windows)", "build, optional" ... */
static void kind_text(buf *b, const manifest_dep *d)
{
	buf_puts(b, dep_kind_name(d->kind));
	if (d->target) {
		buf_puts(b, ", ");
		report_text(b, d->target, 0);
	}
	if (d->optional)
		buf_puts(b, ", optional");
}

static void name_text(buf *b, const manifest_dep *d)
{
	report_text(b, d->key, 0);
	if (strcmp(d->key, d->package) != 0) {
		buf_puts(b, " (");
		report_text(b, d->package, 0);
		buf_putc(b, ')');
	}
}

static void ids_text(buf *b, const advdb_match *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(b, ", ");
		buf_puts(b, v[i].id);
	}
}

#define NCOLS 6

/* One cell of each column per flagged dependency, then print them
 * aligned (widths in bytes: the cells are sanitised ASCII mostly). */
static void human(buf *out, const char *path, const manifest *mf,
                  const dep_result *rs, size_t n, size_t nerr, int color)
{
	static const char *const head[NCOLS] = {
		"name", "requirement", "kind", "status", "advisories",
		"suggestion"
	};
	size_t w[NCOLS], nflag = 0, ninsec = 0, nposs = 0;
	buf *cells = calloc(n * NCOLS + 1, sizeof(buf));

	if (!cells) {
		out->failed = 1;
		return;
	}
	for (size_t c = 0; c < NCOLS; c++)
		w[c] = strlen(head[c]);
	for (size_t i = 0; i < n; i++) {
		const dep_result *r = &rs[i];
		if (!r->analysed || r->status == ST_OK)
			continue;
		buf *row = &cells[nflag * NCOLS];
		name_text(&row[0], r->d);
		report_text(&row[1], r->d->req, 0);
		kind_text(&row[2], r->d);
		buf_puts(&row[3], status_name(r->status, 0));
		ids_text(&row[4], r->vulns, r->nvulns);
		if (r->has_fix) {
			buf_putc(&row[5], '"');
			report_text(&row[5], r->suggestion, 0);
			buf_putc(&row[5], '"');
		} else {
			buf_puts(&row[5], "no fixed version within this "
			         "requirement");
		}
		for (size_t c = 0; c < NCOLS; c++)
			if (row[c].len > w[c])
				w[c] = row[c].len;
		nflag++;
		if (r->status == ST_INSECURE)
			ninsec++;
		else
			nposs++;
	}
	report_text(out, path, 0);
	if (mf->ws_path && strcmp(mf->ws_path, path) != 0) {
		buf_puts(out, " (workspace root ");
		report_text(out, mf->ws_path, 0);
		buf_putc(out, ')');
	}
	buf_puts(out, ":\n");
	if (nflag) {
		for (size_t c = 0; c < NCOLS; c++)
			buf_printf(out, "  %-*s", c + 1 < NCOLS ? (int)w[c] : 0,
			           head[c]);
		buf_putc(out, '\n');
		for (size_t i = 0; i < nflag; i++) {
			buf *row = &cells[i * NCOLS];
			for (size_t c = 0; c < NCOLS; c++) {
				buf_puts(out, "  ");
				if (c == 3 && color)
					buf_puts(out, row[c].p[0] == 'i' ? "\033[1;31m"
					                                 : "\033[1;33m");
				buf_put(out, row[c].p, row[c].len);
				if (c == 3 && color)
					buf_puts(out, "\033[0m");
				if (c + 1 < NCOLS)
					for (size_t k = row[c].len; k < w[c]; k++)
						buf_putc(out, ' ');
			}
			buf_putc(out, '\n');
		}
	}
	for (size_t i = 0; i < n * NCOLS + 1; i++)
		buf_free(&cells[i]);
	free(cells);
	for (size_t i = 0; i < n; i++) {
		const dep_result *r = &rs[i];
		for (size_t k = 0; r->analysed && k < r->nwarns; k++) {
			buf_puts(out, "  warning: ");
			name_text(out, r->d);
			buf_puts(out, " \"");
			report_text(out, r->d->req, 0);
			buf_printf(out, "\": %s %s\n", kind_name(r->warns[k].kind),
			           r->warns[k].id);
		}
		if (r->d->source == DEP_REGISTRY) {
			buf_puts(out, "  note: ");
			name_text(out, r->d);
			buf_puts(out, ": registry \"");
			report_text(out, r->d->registry, 0);
			buf_puts(out, "\" is not crates.io: skipped\n");
		}
	}
	if (nerr)       /* never a plain count that reads as complete */
		buf_printf(out, "error: incomplete: %zu %s not checked (see "
		           "above); ", nerr,
		           nerr == 1 ? "dependency" : "dependencies");
	buf_printf(out, "%zu insecure, %zu possibly insecure\n", ninsec, nposs);
}

static void json_matches(json *j, const advdb_match *v, size_t n)
{
	json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(j);
		json_key(j, "id");
		json_str(j, v[i].id);
		json_key(j, "kind");
		json_str(j, kind_name(v[i].kind));
		json_key(j, "severity");
		json_str(j, severity_name(v[i].severity));
		json_key(j, "cvss");
		if (v[i].cvss_score10)
			json_tenths(j, v[i].cvss_score10);
		else
			json_str(j, NULL);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_dep_common(json *j, const manifest_dep *d)
{
	json_key(j, "name");
	json_str(j, d->key);
	json_key(j, "package");
	json_str(j, d->package);
	json_key(j, "kind");
	json_str(j, dep_kind_name(d->kind));
	json_key(j, "target");
	json_str(j, d->target);
	json_key(j, "optional");
	json_bool(j, d->optional);
	json_key(j, "workspace");
	json_bool(j, d->inherited);
	json_key(j, "line");
	json_uint(j, d->line);
}

static void to_json(buf *out, const session *s, const char *path,
                    const manifest *mf, const dep_result *rs, size_t n,
                    size_t nerr)
{
	static const char *const why[] = {
		[DEP_PATH] = "path", [DEP_GIT] = "git", [DEP_REGISTRY] = "registry"
	};
	size_t ninsec = 0, nposs = 0;
	json j;

	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "manifest");
	json_str(&j, path);
	session_json_incomplete(&j, s);
	json_key(&j, "workspace_root");
	json_str(&j, mf->ws_path);
	json_key(&j, "dependencies");
	json_arr_begin(&j);
	for (size_t i = 0; i < n; i++) {
		const dep_result *r = &rs[i];
		if (!r->analysed)
			continue;
		ninsec += r->status == ST_INSECURE;
		nposs += r->status == ST_POSSIBLY;
		json_obj_begin(&j);
		json_dep_common(&j, r->d);
		json_key(&j, "requirement");
		json_str(&j, r->d->req);
		json_key(&j, "status");
		json_str(&j, status_name(r->status, 1));
		json_key(&j, "advisories");
		json_matches(&j, r->vulns, r->nvulns);
		json_key(&j, "warnings");
		json_matches(&j, r->warns, r->nwarns);
		json_key(&j, "suggestion");
		json_str(&j, r->has_fix ? r->suggestion : NULL);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "skipped");
	json_arr_begin(&j);
	for (size_t i = 0; i < n; i++) {
		const manifest_dep *d = rs[i].d;
		if (d->source != DEP_PATH && d->source != DEP_GIT &&
		    d->source != DEP_REGISTRY)
			continue;
		json_obj_begin(&j);
		json_dep_common(&j, d);
		json_key(&j, "reason");
		json_str(&j, why[d->source]);
		json_key(&j, "registry");
		json_str(&j, d->registry);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "insecure");
	json_uint(&j, ninsec);
	json_key(&j, "possibly_insecure");
	json_uint(&j, nposs);
	if (nerr) {
		char what[96];
		snprintf(what, sizeof(what), "incomplete: %zu %s not checked",
		         nerr, nerr == 1 ? "dependency" : "dependencies");
		json_key(&j, "error");
		json_str(&j, what);
		json_key(&j, "errors");
		json_arr_begin(&j);
		for (size_t i = 0; i < n; i++) {
			if (!rs[i].error)
				continue;
			json_obj_begin(&j);
			json_dep_common(&j, rs[i].d);
			json_key(&j, "error");
			json_str(&j, rs[i].error);
			json_obj_end(&j);
		}
		json_arr_end(&j);
	}
	json_obj_end(&j);
	buf_putc(out, '\n');
}

/* ---- the command ---------------------------------------------------- */

/* A manifest's text for a message on stderr: escaped, and short. */
static const char *clean(char *out, size_t cap, const char *s)
{
	escape_text(out, cap, s ? s : "", s ? strlen(s) : 0, 0);
	return out;
}

/* One manifest: load, decide, render. Returns EXIT_* for it. */
static int one_manifest(const session *s, const char *path, buf *out)
{
	const cli_opts *o = s->opts;
	manifest mf;
	dep_result *rs;
	char err[600], name[84];
	int status = EXIT_CLEAN;
	unsigned warn_bits = 0;
	size_t nerr = 0;

	if (manifest_load(&mf, path, err, sizeof err) < 0) {
		cli_error("%s", err);
		if (o->json)            /* its line says why, not nothing */
			json_error_line(out, "manifest", path, err);
		return EXIT_ERROR;
	}
	rs = calloc(mf.n ? mf.n : 1, sizeof(*rs));
	if (!rs) {
		cli_error("%s: out of memory", path);
		manifest_free(&mf);
		return EXIT_ERROR;
	}
	for (size_t i = 0; i < mf.n; i++) {
		const manifest_dep *d = &mf.deps[i];
		rs[i].d = d;
		if (d->source == DEP_BAD) {
			cli_error("%s:%u: dependency `%s`: %s", path, d->line,
			          clean(name, sizeof name, d->key), d->error);
			rs[i].error = strdup(d->error);
			nerr++;
			status = EXIT_ERROR;
			continue;
		}
		if (d->source != DEP_CRATES_IO)
			continue;
		cargo_req q;
		if (cargo_req_parse(&q, d->req, strlen(d->req), err,
		                    sizeof err) < 0 ||
		    analyse(&rs[i], s, &q, err, sizeof err) < 0) {
			cli_error("%s:%u: dependency `%s`: %s", path, d->line,
			          clean(name, sizeof name, d->key), err);
			rs[i].error = strdup(err);
			nerr++;
			status = EXIT_ERROR;
			continue;
		}
		if (status == EXIT_CLEAN && rs[i].status != ST_OK)
			status = EXIT_FOUND;
		for (size_t k = 0; k < rs[i].nwarns; k++)
			warn_bits |= kind_bit(rs[i].warns[k].kind);
	}
	if (status == EXIT_CLEAN && (warn_bits & o->deny))
		status = EXIT_FOUND;
	if (o->json)
		to_json(out, s, path, &mf, rs, mf.n, nerr);
	else
		human(out, path, &mf, rs, mf.n, nerr, o->color);
	for (size_t i = 0; i < mf.n; i++)
		result_free(&rs[i]);
	free(rs);
	manifest_free(&mf);
	return status;
}

int cmd_reqs(const cli_opts *o)
{
	session s;
	buf out = BUF_INIT;
	int status = EXIT_CLEAN;

	if (o->nargs == 0) {
		cli_error("reqs: no Cargo.toml given");
		return EXIT_ERROR;
	}
	if (session_open(&s, o, 0) != EXIT_CLEAN)
		return EXIT_ERROR;
	int incomplete = session_warn_incomplete(&s);
	for (size_t i = 0; i < o->nargs; i++) {
		buf_reset(&out);
		int st = one_manifest(&s, o->args[i], &out);
		if (st == EXIT_ERROR || (st == EXIT_FOUND && status == EXIT_CLEAN))
			status = st;
		if (!o->json && i + 1 < o->nargs)
			buf_putc(&out, '\n');
		if (buf_write(&out, stdout) < 0 || fflush(stdout) != 0) {
			cli_error("cannot write the report");
			status = EXIT_ERROR;
			break;
		}
	}
	if (incomplete)
		status = EXIT_ERROR;
	buf_free(&out);
	session_close(&s);
	return status;
}
