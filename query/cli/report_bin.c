/*
 * report_bin.c — what a binary's report adds to a lockfile's (report.h):
 * the container, and whether the graph cargo-auditable embeds holds. The
 * dependency paths themselves are tree.c's, as a lockfile's are: bin.c
 * turns the embedded graph into a depgraph.
 */
#include "report.h"

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
	json_bool(j, b->tree_error == NULL);
	json_key(j, "tree-error");
	json_str(j, b->tree_error);
	json_obj_end(j);
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
	if (b->tree_error) {
		buf_puts(out, "warning: no dependency tree: ");
		report_text(out, b->tree_error, 0);
		buf_putc(out, '\n');
	}
}

void report_bin_skipped(buf *out, const session *s, const char *path,
                        const char *format, const char *why)
{
	if (s->opts->sarif)
		return;                 /* no finding, and no error: nothing */
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
