/*
 * fleet_read.c — one line of `scan --json` (or `bin --json`, `check
 * --json`) output into a fleet_line (see fleet.h), with jansson.
 *
 * The line is outside input (it may come from any machine of a fan-out,
 * or be edited by hand), so: its length is capped by the caller
 * (FLEET_LINE_MAX); its nesting is measured before jansson sees it
 * (FLEET_DEPTH_MAX: jansson's own parser recurses); jansson refuses
 * invalid UTF-8, "\u0000" and, asked to, duplicate keys; every member
 * used is checked for its type, and a report whose `count` disagrees with
 * its list is refused (a line cut or edited). Only the members the
 * report needs are read; unknown members are ignored, so newer scan
 * output (issue-by-issue additions to cargo-audit's shape) still reads.
 */
#include "fleet.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ctx {
	char *err;
	size_t errcap;
} ctx;

static int fail(ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(c->err, c->errcap, fmt, ap) < 0 && c->errcap)
		snprintf(c->err, c->errcap, "malformed line");
	va_end(ap);
	return -1;
}

/* Nesting of [ and { outside strings; -1 past max (at column *col). */
static int too_deep(const char *s, size_t n, size_t *col)
{
	int depth = 0, in_str = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = 0;
		} else if (ch == '"') {
			in_str = 1;
		} else if (ch == '[' || ch == '{') {
			if (++depth > FLEET_DEPTH_MAX) {
				*col = i + 1;
				return 1;
			}
		} else if (ch == ']' || ch == '}') {
			depth--;
		}
	}
	return 0;
}

/* A member that must be a string (or, when nullable, null/absent). */
static int str(ctx *c, const char **out, json_t *obj, const char *key,
               const char *where, int required)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return fail(c, "%s: no `%s`", where, key);
		return 0;
	}
	if (!json_is_string(v))
		return fail(c, "%s: `%s` is not a string", where, key);
	*out = json_string_value(v);
	if (required && !**out)
		return fail(c, "%s: empty `%s`", where, key);
	return 0;
}

static int obj(ctx *c, json_t **out, json_t *parent, const char *key,
               const char *where, int required)
{
	json_t *v = json_object_get(parent, key);

	*out = NULL;
	if (!v || (!required && json_is_null(v))) {
		if (required)
			return fail(c, "%s: no `%s` object", where, key);
		return 0;
	}
	if (!json_is_object(v))
		return fail(c, "%s: `%s` is not an object", where, key);
	*out = v;
	return 0;
}

/* versions.patched and .unaffected as one array of strings. */
static int reqs(ctx *c, fleet_finding_in *f, json_t *entry, const char *where)
{
	json_t *vers, *lists[2];

	if (obj(c, &vers, entry, "versions", where, 0) < 0)
		return -1;
	if (!vers)
		return 0;
	lists[0] = json_object_get(vers, "patched");
	lists[1] = json_object_get(vers, "unaffected");
	size_t n[2] = { 0, 0 };
	for (int k = 0; k < 2; k++) {
		if (!lists[k] || json_is_null(lists[k]))
			continue;
		if (!json_is_array(lists[k]))
			return fail(c, "%s: versions.%s is not an array", where,
			            k ? "unaffected" : "patched");
		n[k] = json_array_size(lists[k]);
	}
	if (n[0] + n[1] > FLEET_REQS_MAX)
		return fail(c, "%s: more than %d requirements", where,
		            FLEET_REQS_MAX);
	if (!n[0] && !n[1])
		return 0;
	if (!(f->reqs = calloc(n[0] + n[1], sizeof(*f->reqs))))
		return fail(c, "out of memory");
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < n[k]; i++) {
			json_t *s = json_array_get(lists[k], i);
			if (!json_is_string(s))
				return fail(c, "%s: versions.%s[%zu] is not a "
				            "string", where, k ? "unaffected" :
				            "patched", i);
			f->reqs[k * n[0] + i] = json_string_value(s);
		}
	f->npatched = n[0];
	f->nunaffected = n[1];
	return 0;
}

static int kind_of(const char *key)
{
	static const struct { const char *name; int kind; } kinds[] = {
		{ "unmaintained", FK_UNMAINTAINED }, { "unsound", FK_UNSOUND },
		{ "notice", FK_NOTICE }, { "yanked", FK_YANKED },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(key, kinds[i].name))
			return kinds[i].kind;
	return FK_OTHER;
}

/* One finding: an entry of vulnerabilities.list or warnings.KIND. */
static int finding(ctx *c, fleet_finding_in *f, json_t *e, int kind,
                   const char *where)
{
	json_t *adv, *pkg;

	memset(f, 0, sizeof(*f));
	f->kind = kind;
	if (!json_is_object(e))
		return fail(c, "%s: not an object", where);
	if (obj(c, &pkg, e, "package", where, 1) < 0 ||
	    str(c, &f->name, pkg, "name", where, 1) < 0 ||
	    str(c, &f->version, pkg, "version", where, 1) < 0 ||
	    obj(c, &adv, e, "advisory", where, kind == FK_VULN) < 0)
		return -1;
	if (!adv)
		return 0;       /* a warning without advisory (yanked) */
	if (str(c, &f->id, adv, "id", where, 1) < 0 ||
	    str(c, &f->package, adv, "package", where, 0) < 0 ||
	    str(c, &f->title, adv, "title", where, 0) < 0 ||
	    str(c, &f->date, adv, "date", where, 0) < 0 ||
	    str(c, &f->url, adv, "url", where, 0) < 0 ||
	    str(c, &f->cvss, adv, "cvss", where, 0) < 0)
		return -1;
	return reqs(c, f, e, where);
}

static int add_findings(ctx *c, fleet_line *l, json_t *list, int kind,
                        const char *what)
{
	size_t n = json_array_size(list);
	char where[96];

	if (l->nf + n > FLEET_FINDINGS_MAX)
		return fail(c, "more than %d findings", FLEET_FINDINGS_MAX);
	if (n) {
		fleet_finding_in *v = realloc(l->f, (l->nf + n) * sizeof(*v));
		if (!v)
			return fail(c, "out of memory");
		l->f = v;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(where, sizeof(where), "%.60s[%zu]", what, i);
		/* counted before it is filled, so that a failure frees it */
		l->nf++;
		if (finding(c, &l->f[l->nf - 1], json_array_get(list, i), kind,
		            where) < 0)
			return -1;
	}
	return 0;
}

static int report(ctx *c, fleet_line *l, json_t *root)
{
	json_t *lock, *db, *vulns, *warns, *list, *count, *deps;

	l->type = FL_REPORT;
	if (obj(c, &lock, root, "lockfile", "report", 1) < 0 ||
	    str(c, &l->path, lock, "path", "lockfile", 0) < 0 ||
	    obj(c, &db, root, "database", "report", 0) < 0 ||
	    (db && str(c, &l->updated, db, "last-updated", "database", 0) < 0) ||
	    str(c, &l->error, root, "error", "report", 0) < 0 ||
	    obj(c, &vulns, root, "vulnerabilities", "report", 1) < 0 ||
	    obj(c, &warns, root, "warnings", "report", 1) < 0)
		return -1;
	deps = json_object_get(lock, "dependency-count");
	if (deps) {
		if (!json_is_integer(deps) || json_integer_value(deps) < 0)
			return fail(c, "lockfile: `dependency-count` is not a "
			            "count");
		l->deps = (uint64_t)json_integer_value(deps);
	}
	l->index_incomplete = json_object_get(root, "index_incomplete") != NULL;
	list = json_object_get(vulns, "list");
	count = json_object_get(vulns, "count");
	if (!json_is_array(list))
		return fail(c, "vulnerabilities: `list` is not an array");
	if (!json_is_integer(count) ||
	    json_integer_value(count) != (json_int_t)json_array_size(list))
		return fail(c, "vulnerabilities: `count` is not the length of "
		            "`list` (a line cut or edited?)");
	if (add_findings(c, l, list, FK_VULN, "vulnerabilities.list") < 0)
		return -1;
	const char *key;
	json_t *v;
	json_object_foreach(warns, key, v) {
		char what[96];
		if (!json_is_array(v))
			return fail(c, "warnings: `%.40s` is not an array", key);
		snprintf(what, sizeof(what), "warnings.%.40s", key);
		if (add_findings(c, l, v, kind_of(key), what) < 0)
			return -1;
	}
	return 0;
}

int fleet_line_parse(fleet_line *out, const char *text, size_t len,
                     char *err, size_t errcap)
{
	ctx c = { err, errcap };
	json_error_t jerr;
	json_t *root, *o;
	size_t col = 0;

	memset(out, 0, sizeof(*out));
	if (errcap)
		err[0] = '\0';
	if (len > FLEET_LINE_MAX)
		return fail(&c, "longer than %zu MiB", FLEET_LINE_MAX >> 20);
	if (too_deep(text, len, &col))
		return fail(&c, "col %zu: nested deeper than %d", col,
		            FLEET_DEPTH_MAX);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return fail(&c, "col %d: not JSON: %s", jerr.column, jerr.text);
	out->doc = root;
	if (!json_is_object(root)) {
		fail(&c, "not a JSON object");
		goto bad;
	}
	if (json_object_get(root, "vulnerabilities")) {
		if (report(&c, out, root) < 0)
			goto bad;
		return 0;
	}
	if (obj(&c, &o, root, "lockfile", "line", 0) < 0 ||
	    (o && str(&c, &out->path, o, "path", "lockfile", 0) < 0))
		goto bad;
	if (!o && (obj(&c, &o, root, "folder", "line", 0) < 0 ||
	           (o && str(&c, &out->path, o, "path", "folder", 1) < 0)))
		goto bad;
	if (json_object_get(root, "skipped") && out->path) {
		out->type = FL_SKIPPED;
		return 0;
	}
	if (str(&c, &out->error, root, "error", "line", 0) < 0)
		goto bad;
	if (!out->error) {
		fail(&c, "not a scan, bin or check report (no `vulnerabilities`, "
		     "`error` or `skipped`)");
		goto bad;
	}
	out->type = FL_ERROR;
	return 0;
bad:
	fleet_line_free(out);
	return -1;
}

void fleet_line_free(fleet_line *l)
{
	for (size_t i = 0; i < l->nf; i++)
		free(l->f[i].reqs);
	free(l->f);
	if (l->doc)
		json_decref((json_t *)l->doc);
	memset(l, 0, sizeof(*l));
}

void fleet_read_init(void)
{
	json_decref(json_object());
}
