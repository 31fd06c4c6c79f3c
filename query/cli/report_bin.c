/*
 * report_bin.c — what a binary's report adds to a lockfile's (report.h):
 * the container and the dependency path of each finding, taken from the
 * graph cargo-auditable embeds (validated by query/auditable.c).
 *
 * The dependency path is the simple form of cargo-audit's tree: one
 * shortest path from the root package to the finding's package, root
 * first. JSON: "dependency-path": [{"name", "version"}, ...] in every
 * finding (null when there is no tree, or the root does not reach the
 * package); text: "Path:      app 0.1.0 > tokio 1.18.3 > mio 0.8.10"
 * (or "Path:      not reached from the root"). A path longer than
 * PATH_SHOWN keeps the root and the PATH_SHOWN - 1 packages nearest the
 * finding, and says how many were left out ("dependency-path-omitted";
 * text "... N more >"): a hostile chain-shaped graph cannot make the
 * report quadratic in size.
 */
#include "report.h"


#define PATH_SHOWN 64
#define NO_PARENT ((size_t)-1)

typedef struct dep_path {
	size_t v[PATH_SHOWN];       /* the package, then its parents... */
	size_t n;                   /* ...as many as are kept */
	size_t total;               /* packages on the whole path */
} dep_path;

/* The path from the root to p. Returns 0, or -1 when there is none to
 * show (no tree; p not reached from the root). */
static int path_of(dep_path *dp, const report_bin *b, const lock_pkg *p)
{
	if (!b->parent || p < b->pkgs || p >= b->pkgs + b->npkgs)
		return -1;
	size_t i = (size_t)(p - b->pkgs);
	dp->n = dp->total = 0;
	/* parent[] comes from a breadth-first search, so it ends at the
	 * root within npkgs steps; the bound is belt and braces. */
	for (;;) {
		if (dp->n < PATH_SHOWN - 1)
			dp->v[dp->n++] = i;
		dp->total++;
		if (b->parent[i] == NO_PARENT || dp->total > b->npkgs)
			break;
		i = b->parent[i];
	}
	if (i != b->root)
		return -1;              /* ended at a package the root misses */
	if (dp->v[dp->n - 1] != i)
		dp->v[dp->n++] = i;     /* cut: keep the root at the end */
	return 0;
}

static void pkg_ref_json(json *j, const lock_pkg *p)
{
	json_obj_begin(j);
	json_key(j, "name");
	json_str(j, p->name);
	json_key(j, "version");
	json_str(j, p->version);
	json_obj_end(j);
}

void report_bin_json(json *j, const report_bin *b)
{
	json_key(j, "binary");
	json_obj_begin(j);
	json_key(j, "format");
	json_str(j, b->format);
	json_key(j, "slices");
	json_uint(j, b->nslices);
	json_key(j, "slices-without-data");
	json_uint(j, b->nodata);
	json_key(j, "dependency-tree");
	json_bool(j, b->parent != NULL);
	json_key(j, "tree-error");
	json_str(j, b->parent ? NULL : b->tree_error);
	json_obj_end(j);
}

void report_bin_path_json(json *j, const report_bin *b, const lock_pkg *p)
{
	dep_path dp;

	json_key(j, "dependency-path");
	if (path_of(&dp, b, p) < 0) {
		json_str(j, NULL);
		return;
	}
	json_arr_begin(j);
	for (size_t k = dp.n; k-- > 0;)
		pkg_ref_json(j, &b->pkgs[dp.v[k]]);
	json_arr_end(j);
	if (dp.total > dp.n) {
		json_key(j, "dependency-path-omitted");
		json_uint(j, dp.total - dp.n);
	}
}

static void pkg_text(buf *out, const lock_pkg *p)
{
	report_text(out, p->name, 0);
	buf_putc(out, ' ');
	report_text(out, p->version, 0);
}

void report_bin_path_text(buf *out, const report_bin *b, const lock_pkg *p)
{
	dep_path dp;

	if (!b->parent)
		return;                 /* the header said why */
	buf_printf(out, "%-11s", "Path:");
	if (path_of(&dp, b, p) < 0) {
		buf_puts(out, "not reached from the root\n");
		return;
	}
	for (size_t k = dp.n; k-- > 0;) {
		pkg_text(out, &b->pkgs[dp.v[k]]);
		if (k == dp.n - 1 && dp.total > dp.n)
			buf_printf(out, " > ... %zu more", dp.total - dp.n);
		if (k)
			buf_puts(out, " > ");
	}
	buf_putc(out, '\n');
}

void report_bin_header_text(buf *out, const report_in *r)
{
	const report_bin *b = r->bin;

	buf_puts(out, "Scanning ");
	report_text(out, r->path, 0);
	buf_puts(out, " (");
	report_text(out, b->format, 0);
	buf_printf(out, ", %zu %s)\n", r->ndeps,
	           r->ndeps == 1 ? "package" : "packages");
	if (b->nodata)
		buf_printf(out, "warning: %zu of %zu slices have no dependency "
		           "data (not built with cargo auditable)\n", b->nodata,
		           b->nslices);
	if (!b->parent) {
		buf_puts(out, "warning: no dependency tree: ");
		report_text(out, b->tree_error, 0);
		buf_putc(out, '\n');
	}
}

void report_bin_skipped(buf *out, const session *s, const char *path,
                        const char *format, const char *why)
{
	if (s->opts->json) {
		json j;
		json_init(&j, out);
		json_obj_begin(&j);
		json_key(&j, "lockfile");
		json_obj_begin(&j);
		json_key(&j, "path");
		json_str(&j, path);
		json_obj_end(&j);
		json_key(&j, "binary");
		json_obj_begin(&j);
		json_key(&j, "format");
		json_str(&j, format);
		json_obj_end(&j);
		json_key(&j, "skipped");
		json_str(&j, why);
		json_obj_end(&j);
		buf_putc(out, '\n');
		return;
	}
	buf_puts(out, "Skipping ");
	report_text(out, path, 0);
	buf_puts(out, " (");
	report_text(out, format, 0);
	buf_puts(out, "): ");
	report_text(out, why, 0);
	buf_putc(out, '\n');
}
