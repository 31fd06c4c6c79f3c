/*
 * fuzz_lockfile.c — the Cargo.lock reader (query/lockfile.c) on
 * arbitrary bytes.
 *
 * A rejected file must carry a message and a plausible line. An accepted
 * one must keep lockfile.h's invariants: format 1..4, at least one and at
 * most LOCKFILE_PKGS_MAX packages, each with a non-empty name and a version
 * that version_parse accepts, neither holding a NUL within the input's
 * length, lines within the file, and `crates_io` set exactly when
 * lockfile_source_is_crates_io says so. Differential: the same bytes
 * must parse as TOML, with one package per [[package]] entry (plus the
 * v1 [root] table), names and versions equal and in document order.
 *
 * Then the dependency lists (lockdeps.c) and the tree (tree.c): the
 * graph's ranges are ordered and within its entries, a resolved entry
 * names the package it points at, and the text tree and JSON paths of
 * the first packages stay within their caps and end. libadvdb's lists
 * (lockfile_deps()) and the CLI's graph come from one resolver
 * (lockresolve.h): the library's lists are complete exactly when the
 * graph has no error but a bad `replace`, they hold the same edges, and
 * a failure reads the same in both.
 *
 * And the two readers against each other (lockfast.h): when the fast
 * reader takes an input, the general one must take it too and give the
 * same lockfile (format, [root], every package's strings, lines, flags,
 * dependency entries and `replace`), lockfile_deps() and lockdeps the
 * same answers; when it declines, it must not have changed a byte.
 */
#include "fuzz.h"
#include "json.h"
#include "lockdeps.h"
#include "lockfast.h"
#include "lockfile.h"
#include "toml.h"
#include "tree.h"

static void fl_check_graph(const lockfile *lf)
{
	depgraph g;
	deptree *t = NULL;
	buf out = BUF_INIT;

	if (lockdeps_build(&g, lf) != 0)
		return;                 /* out of memory only */
	FUZZ_CHECK(g.n == lf->npkgs, "graph of %zu packages for %zu", g.n,
	           lf->npkgs);
	FUZZ_CHECK(g.start[0] == 0, "entries start at %zu", g.start[0]);
	for (size_t i = 0; i < g.n; i++) {
		FUZZ_CHECK(g.start[i] <= g.start[i + 1], "package %zu's entries "
		           "end before they start", i);
		for (size_t k = g.start[i]; k < g.start[i + 1]; k++) {
			const dep_ref *d = &g.dep[k];
			FUZZ_CHECK(d->name && *d->name, "entry %zu without a name", k);
			if (d->to == DEP_NONE) {
				FUZZ_CHECK(g.error[0], "entry %zu unresolved, no error", k);
				continue;
			}
			FUZZ_CHECK(d->to < g.n, "entry %zu points at %zu", k, d->to);
			FUZZ_CHECK(!strcmp(d->name, lf->pkgs[d->to].name) &&
			           !strcmp(d->version, lf->pkgs[d->to].version),
			           "entry %zu names %s but points at %s", k,
			           d->name, lf->pkgs[d->to].name);
		}
	}
	FUZZ_CHECK(memchr(g.error, '\0', sizeof g.error) != NULL,
	           "error not terminated");
	if (deptree_new(&t, &g, lf->pkgs) == 0) {
		for (size_t i = 0; i < lf->npkgs && i < 16; i++) {
			json j;
			size_t lines = 0;
			buf_reset(&out);
			deptree_text(&out, t, i);
			for (size_t k = 0; k < out.len; k++)
				lines += out.p[k] == '\n';
			FUZZ_CHECK(lines <= TREE_LINES_MAX + 2, "a tree of %zu "
			           "lines", lines);
			buf_reset(&out);
			json_init(&j, &out);
			json_obj_begin(&j);
			deptree_json(&j, t, i);
			json_obj_end(&j);
			FUZZ_CHECK(!out.failed && j.depth == 0, "paths JSON of "
			           "package %zu not well formed", i);
		}
		deptree_free(t);
	}
	buf_free(&out);
	depgraph_free(&g);
}

static void fl_check_pkg(const lock_pkg *p, size_t i, unsigned lines,
                         size_t size)
{
	const char *err = NULL;
	version v;

	FUZZ_CHECK(p->name != NULL && p->version != NULL,
	           "package %zu lacks name or version", i);
	size_t nl = strnlen(p->name, size + 1);
	size_t vl = strnlen(p->version, size + 1);
	FUZZ_CHECK(nl > 0 && nl <= size, "package %zu: name of %zu bytes",
	           i, nl);
	FUZZ_CHECK(vl <= size, "package %zu: version longer than the file", i);
	FUZZ_CHECK(version_parse(&v, p->version, vl, &err) == 0,
	           "package %zu (%s): version \"%s\" is not semver: %s", i,
	           p->name, p->version, err ? err : "");
	if (p->source)
		FUZZ_CHECK(strnlen(p->source, size + 1) <= size,
		           "package %zu: source longer than the file", i);
	if (p->checksum)
		FUZZ_CHECK(strnlen(p->checksum, size + 1) <= size,
		           "package %zu: checksum longer than the file", i);
	FUZZ_CHECK(p->line <= lines, "package %zu on line %u of %u", i,
	           p->line, lines);
	FUZZ_CHECK(p->crates_io == (lockfile_source_is_crates_io(p->source)
	                            != 0),
	           "package %zu: crates_io %u for source \"%s\"", i,
	           (unsigned)p->crates_io, p->source ? p->source : "(none)");
	if (!p->source)
		FUZZ_CHECK(!p->crates_io, "path package %zu marked crates.io", i);
}

static void fl_same_pkg(const lock_pkg *p, const toml_value *t, size_t i)
{
	const toml_value *n = toml_table_get(t, "name");
	const toml_value *v = toml_table_get(t, "version");
	FUZZ_CHECK(n && v && toml_kind(n) == TOML_STRING &&
	           toml_kind(v) == TOML_STRING, "package %zu: the TOML entry "
	           "lacks a string name or version", i);
	FUZZ_CHECK(strcmp(toml_string(n, NULL), p->name) == 0 &&
	           strcmp(toml_string(v, NULL), p->version) == 0,
	           "package %zu is %s %s, its TOML entry %s %s", i, p->name,
	           p->version, toml_string(n, NULL), toml_string(v, NULL));
}

static void fl_against_toml(const lockfile *lf, const uint8_t *data,
                            size_t size)
{
	toml_doc *doc = NULL;
	toml_error terr;

	FUZZ_CHECK(toml_parse(&doc, (const char *)data, size, &terr) == 0,
	           "an accepted lockfile is not TOML: %u:%u: %s", terr.line,
	           terr.col, terr.msg);
	const toml_value *root = toml_root(doc);
	const toml_value *pk = toml_table_get(root, "package");
	const toml_value *rt = toml_table_get(root, "root");
	size_t n = pk && toml_kind(pk) == TOML_ARRAY ? toml_array_len(pk) : 0;
	size_t k = 0;
	if (rt && toml_kind(rt) == TOML_TABLE)
		k = 1;
	FUZZ_CHECK(lf->npkgs == n + k, "%zu packages, but %zu [[package]] "
	           "entries%s", lf->npkgs, n, k ? " and a [root]" : "");
	if (k)
		fl_same_pkg(&lf->pkgs[0], rt, 0);
	for (size_t i = 0; i < n; i++)
		fl_same_pkg(&lf->pkgs[k + i], toml_array_at(pk, i), k + i);
	toml_free(doc);
}

static void fl_same_str(const char *a, const char *b, size_t i,
                        const char *what)
{
	FUZZ_CHECK((a == NULL) == (b == NULL) && (!a || strcmp(a, b) == 0),
	           "package %zu: %s \"%s\" (fast) and \"%s\" (general)", i,
	           what, a ? a : "(none)", b ? b : "(none)");
}

static void fl_same_text(const lock_text *a, const lock_text *b, size_t i,
                         const char *what)
{
	FUZZ_CHECK(a->line == b->line && (a->p == NULL) == (b->p == NULL) &&
	           a->n == b->n && (!a->p || memcmp(a->p, b->p, a->n) == 0) &&
	           (!a->p || a->p[a->n] == '\0'),
	           "package %zu: %s differs (lines %u and %u)", i, what,
	           a->line, b->line);
}

static void fl_same_graph(const lockfile *a, const lockfile *b)
{
	depgraph ga, gb;
	int ra = lockdeps_build(&ga, a), rb = lockdeps_build(&gb, b);

	if (ra == 0 && rb == 0) {
		FUZZ_CHECK(strcmp(ga.error, gb.error) == 0, "lockdeps: \"%s\" "
		           "(fast) and \"%s\" (general)", ga.error, gb.error);
		FUZZ_CHECK(ga.start[ga.n] == gb.start[gb.n], "lockdeps: %zu and "
		           "%zu entries", ga.start[ga.n], gb.start[gb.n]);
		for (size_t k = 0; k < ga.start[ga.n]; k++)
			FUZZ_CHECK(ga.dep[k].to == gb.dep[k].to &&
			           !strcmp(ga.dep[k].name, gb.dep[k].name),
			           "lockdeps: entry %zu differs", k);
	}
	if (ra == 0)
		depgraph_free(&ga);
	if (rb == 0)
		depgraph_free(&gb);
}

/* The fast reader on a padded copy; when it takes the input, the general
 * reader must agree. */
static void fl_fast_vs_general(const uint8_t *data, size_t size)
{
	lockfile a, b;
	lock_error err;
	char *t = malloc(size + LOCK_TEXT_PAD);
	char wa[200], wb[200];

	if (!t)
		return;
	memcpy(t, data, size);
	memset(t + size, 0, LOCK_TEXT_PAD);
	int r = lockfast_parse(&a, t, size);
	if (r < 0)
		return;                 /* out of memory (t freed) */
	if (r == 0) {
		FUZZ_CHECK(memcmp(t, data, size) == 0 && a.pkgs == NULL,
		           "the fast reader declined but changed its input");
		free(t);
		return;
	}
	FUZZ_CHECK(lock_parse_general(&b, (const char *)data, size, &err) == 0,
	           "the fast reader took an input the general one refuses: "
	           "%u: %s", err.line, err.msg);
	FUZZ_CHECK(a.format == b.format && a.npkgs == b.npkgs &&
	           a.has_root == b.has_root, "format %u/%u, %zu/%zu packages, "
	           "root %u/%u (fast/general)", a.format, b.format, a.npkgs,
	           b.npkgs, (unsigned)a.has_root, (unsigned)b.has_root);
	for (size_t i = 0; i < a.npkgs; i++) {
		const lock_pkg *p = &a.pkgs[i], *q = &b.pkgs[i];
		fl_same_str(p->name, q->name, i, "name");
		fl_same_str(p->version, q->version, i, "version");
		fl_same_str(p->source, q->source, i, "source");
		fl_same_str(p->checksum, q->checksum, i, "checksum");
		FUZZ_CHECK(p->line == q->line && p->crates_io == q->crates_io &&
		           p->name_len == q->name_len &&
		           p->version_len == q->version_len &&
		           p->dep_list_bad == q->dep_list_bad &&
		           p->ndep_list == q->ndep_list,
		           "package %zu (%s): line %u/%u, %zu/%zu entries", i,
		           p->name, p->line, q->line, p->ndep_list, q->ndep_list);
		for (size_t k = 0; k < p->ndep_list; k++)
			fl_same_text(&p->dep_list[k], &q->dep_list[k], i, "an entry");
		fl_same_text(&p->replace, &q->replace, i, "replace");
	}
	int da = lockfile_deps(&a, wa, sizeof wa);
	int db = lockfile_deps(&b, wb, sizeof wb);
	FUZZ_CHECK(da == db && (da != 1 || strcmp(wa, wb) == 0),
	           "lockfile_deps: %d \"%s\" (fast), %d \"%s\" (general)", da,
	           da == 1 ? wa : "", db, db == 1 ? wb : "");
	for (size_t i = 0; da == 0 && db == 0 && i < a.npkgs; i++)
		FUZZ_CHECK(a.pkgs[i].ndeps == b.pkgs[i].ndeps &&
		           (!a.pkgs[i].ndeps ||
		            !memcmp(a.pkgs[i].deps, b.pkgs[i].deps,
		                    a.pkgs[i].ndeps * sizeof(size_t))),
		           "lockfile_deps: package %zu resolves differently", i);
	fl_same_graph(&a, &b);
	lockfile_free(&a);
	lockfile_free(&b);
}

static void fl_library_vs_cli(lockfile *lf)
{
	depgraph g;
	char why[sizeof g.error];
	int replace = 0, r;

	if (lockdeps_build(&g, lf) != 0)
		return;                 /* out of memory only */
	for (size_t i = 0; i < lf->npkgs; i++)
		replace |= lf->pkgs[i].replace.line != 0;
	r = lockfile_deps(lf, why, sizeof why);
	if (r == 0) {
		size_t k = 0;
		for (size_t i = 0; i < lf->npkgs; i++) {
			const lock_pkg *p = &lf->pkgs[i];
			FUZZ_CHECK(p->ndeps == p->ndep_list &&
			           g.start[i + 1] - g.start[i] == p->ndeps,
			           "package %zu: %zu library edges, %zu entries, %zu "
			           "graph edges", i, p->ndeps, p->ndep_list,
			           g.start[i + 1] - g.start[i]);
			for (size_t e = 0; e < p->ndeps; e++, k++)
				FUZZ_CHECK(p->deps[e] < lf->npkgs &&
				           p->deps[e] == g.dep[k].to,
				           "package %zu entry %zu: library %zu, graph %zu",
				           i, e, p->deps[e], g.dep[k].to);
		}
		FUZZ_CHECK(!g.error[0] || replace, "the library resolved all, "
		           "the graph says \"%s\"", g.error);
	} else if (r == 1) {
		FUZZ_CHECK(g.error[0], "the library says \"%s\", the graph is "
		           "whole", why);
		FUZZ_CHECK(replace || strcmp(why, g.error) == 0, "the library "
		           "says \"%s\", the graph \"%s\"", why, g.error);
		for (size_t i = 0; i < lf->npkgs; i++)
			FUZZ_CHECK(lf->pkgs[i].ndeps == 0 && !lf->pkgs[i].deps,
			           "package %zu keeps %zu edges of an incomplete list",
			           i, lf->pkgs[i].ndeps);
	}
	depgraph_free(&g);
}

int fuzz_lockfile(const uint8_t *data, size_t size)
{
	lockfile lf;
	lock_error err;
	unsigned lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	fl_fast_vs_general(data, size);
	memset(&lf, 0x55, sizeof lf);
	memset(&err, 0x55, sizeof err);
	if (lockfile_parse(&lf, (const char *)data, size, &err) != 0) {
		FUZZ_CHECK(memchr(err.msg, '\0', sizeof err.msg) != NULL &&
		           err.msg[0] != '\0', "rejected without a message");
		FUZZ_CHECK(err.line <= lines, "error on line %u of %u", err.line,
		           lines);
		FUZZ_CHECK(lf.npkgs == 0 && lf.pkgs == NULL && lf.doc == NULL &&
		           lf.text == NULL && lf.texts == NULL,
		           "a failed parse did not zero *out");
		lockfile_free(&lf);   /* zeroed: must be harmless */
		return 0;
	}
	FUZZ_CHECK(lf.format >= 1 && lf.format <= 4, "format %u", lf.format);
	FUZZ_CHECK(lf.npkgs <= LOCKFILE_PKGS_MAX, "%zu packages", lf.npkgs);
	FUZZ_CHECK(lf.npkgs > 0 && lf.pkgs != NULL,
	           "accepted with nothing to check");
	for (size_t i = 0; i < lf.npkgs; i++)
		fl_check_pkg(&lf.pkgs[i], i, lines, size);
	fl_against_toml(&lf, data, size);
	fl_check_graph(&lf);
	fl_library_vs_cli(&lf);
	lockfile_free(&lf);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_lockfile(data, size);
}
#endif
