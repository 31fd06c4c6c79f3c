/*
 * fuzz_osv.c — the OSV importer (compiler/osv.c, osv_range.c, ytree.c
 * over libyaml) on arbitrary bytes, as the file osv/RUSTSEC-2020-0001.json
 * of source "osv".
 *
 * A rejected file must leave errors, each "path:...". An accepted one
 * holds at most OSV_PACKAGES_MAX records, each walkable, with no range
 * reversed (events are taken in version order), surviving encode ->
 * decode and agreeing with its hot record. Its derived patched /
 * unaffected strings (osv.h: ">= fixed", "< first introduced", ...) must
 * parse as requirements and, when they do not overlap, describe the same
 * vulnerable versions as the ranges, at every bound and next to it.
 * Exported (query/cli/osvout.c, through the same schema/osvmap.h), each
 * record is an OSV file the import accepts again, with the same id and
 * package, and, when its ranges are sorted and disjoint (the form OSV's
 * events can hold), the same vulnerable versions.
 */
#include "fuzz.h"
#include "fuzz_rec.h"
#include "buf.h"
#include "diag.h"
#include "json.h"
#include "osv.h"
#include "osvout.h"

#define FO_PATH "osv/RUSTSEC-2020-0001.json"

static void fo_sample(const adv_record *r, const range *d, size_t nd,
                      const version *v)
{
	char t[VERSION_TEXT_MAX + 1];
	int a = fuzz_in_ranges(r->ranges, r->nranges, v);
	int b = fuzz_in_ranges(d, nd, v);

	FUZZ_CHECK(a == b, "%s: %s by the ranges, %s by the derived patched/"
	           "unaffected", fuzz_vtext(v, t, sizeof t),
	           a ? "vulnerable" : "safe", b ? "vulnerable" : "safe");
}

static void fo_check_derived(const adv_record *r)
{
	size_t n = r->patched.n + r->unaffected.n, k = 0, nd = 0;
	interval *iv;
	range *d;
	char err[256];

	if (n == 0 || n > REQ_RANGES_MAX)
		return;
	iv = malloc(sizeof *iv * n);
	d = malloc(sizeof *d * (n + 1));
	FUZZ_CHECK(iv && d, "out of memory");
	const strlist *ls[2] = { &r->patched, &r->unaffected };
	for (int l = 0; l < 2; l++)
		for (uint32_t i = 0; i < ls[l]->n; i++, k++)
			FUZZ_CHECK(req_parse(&iv[k], ls[l]->v[i], strlen(ls[l]->v[i]),
			                     err, sizeof err) == 0,
			           "derived requirement \"%s\" does not parse: %s",
			           ls[l]->v[i], err);
	if (req_vulnerable(d, n + 1, &nd, iv, n, err, sizeof err) == 0) {
		version nx;
		for (uint32_t i = 0; i < r->nranges; i++) {
			const range *g = &r->ranges[i];
			const version *b[2] = {
				g->has_introduced ? &g->introduced : NULL,
				g->has_fixed ? &g->fixed : NULL
			};
			for (int j = 0; j < 2; j++) {
				if (!b[j])
					continue;
				fo_sample(r, d, nd, b[j]);
				if (version_next(&nx, b[j]) == 0)
					fo_sample(r, d, nd, &nx);
			}
		}
		for (size_t i = 0; i < nd; i++) {
			if (d[i].has_introduced)
				fo_sample(r, d, nd, &d[i].introduced);
			if (d[i].has_fixed)
				fo_sample(r, d, nd, &d[i].fixed);
		}
	}
	free(iv);
	free(d);
}

/* Sorted and disjoint: what one OSV range's events can say. */
static int fo_disjoint(const adv_record *r)
{
	for (uint32_t i = 0; i + 1 < r->nranges; i++) {
		const range *a = &r->ranges[i], *b = &r->ranges[i + 1];
		if (!a->has_fixed || !b->has_introduced ||
		    version_cmp(&a->fixed, &b->introduced) > 0)
			return 0;
	}
	return 1;
}

static void fo_check_export(const adv_record *r)
{
	buf b = BUF_INIT;
	json j;
	osv *o = NULL;
	diag_list d;

	json_init(&j, &b);
	osvout_advisory(&j, r, 0);
	FUZZ_CHECK(!b.failed, "export of %s failed", r->id);
	diag_init(&d);
	int rc = osv_parse(&o, "osv", FO_PATH, b.p, b.len, &d);
	FUZZ_CHECK(rc == 0, "the export of %s does not import again: %s",
	           r->id, d.n ? d.v[0].text : "?");
	FUZZ_CHECK(osv_count(o) == 1, "the export of %s imports as %zu "
	           "records", r->id, osv_count(o));
	const adv_record *e = osv_record(o, 0);
	FUZZ_CHECK(!strcmp(e->id, r->id) && !strcmp(e->package, r->package),
	           "the export of %s/%s imports as %s/%s", r->id, r->package,
	           e->id, e->package);
	if (fo_disjoint(r))
		for (uint32_t i = 0; i < r->nranges; i++) {
			const range *g = &r->ranges[i];
			const version *at[2] = {
				g->has_introduced ? &g->introduced : NULL,
				g->has_fixed ? &g->fixed : NULL
			};
			for (int k = 0; k < 2; k++) {
				version nx;
				char t[VERSION_TEXT_MAX + 1];
				if (!at[k])
					continue;
				FUZZ_CHECK(fuzz_in_ranges(r->ranges, r->nranges, at[k]) ==
				           fuzz_in_ranges(e->ranges, e->nranges, at[k]),
				           "%s: %s changed by export and import", r->id,
				           fuzz_vtext(at[k], t, sizeof t));
				if (version_next(&nx, at[k]) == 0)
					FUZZ_CHECK(fuzz_in_ranges(r->ranges, r->nranges,
					                          &nx) ==
					           fuzz_in_ranges(e->ranges, e->nranges,
					                          &nx),
					           "%s: %s changed by export and import",
					           r->id, fuzz_vtext(&nx, t, sizeof t));
			}
		}
	osv_free(o);
	diag_free(&d);
	buf_free(&b);
}

int fuzz_osv(const uint8_t *data, size_t size)
{
	osv *o = (osv *)(uintptr_t)1;
	diag_list d;

	diag_init(&d);
	int rc = osv_parse(&o, "osv", FO_PATH, (const char *)data, size, &d);
	for (size_t i = 0; i < d.n; i++)
		FUZZ_CHECK(d.v[i].text &&
		           strncmp(d.v[i].text, FO_PATH, strlen(FO_PATH)) == 0,
		           "diag without the path: %s",
		           d.v[i].text ? d.v[i].text : "(null)");
	if (rc != 0) {
		FUZZ_CHECK(o == NULL, "failed parse left *out set");
		FUZZ_CHECK(d.errors > 0, "rejected without an error");
		diag_free(&d);
		return 0;
	}
	FUZZ_CHECK(o != NULL, "accepted without a result");
	size_t n = osv_count(o);
	FUZZ_CHECK(n <= OSV_PACKAGES_MAX, "%zu records", n);
	(void)osv_skipped(o);
	for (size_t i = 0; i < n; i++) {
		const adv_record *r = osv_record(o, i);
		FUZZ_CHECK(r != NULL, "record %zu of %zu is NULL", i, n);
		fuzz_rec_walk(r);
		FUZZ_CHECK(r->id && r->package, "record %zu lacks id or package",
		           i);
		for (uint32_t k = 0; k < r->nranges; k++)
			if (r->ranges[k].has_introduced && r->ranges[k].has_fixed)
				FUZZ_CHECK(version_cmp(&r->ranges[k].introduced,
				                       &r->ranges[k].fixed) <= 0,
				           "record %zu: range %u is reversed", i,
				           (unsigned)k);
		fo_check_derived(r);
		fo_check_export(r);
		fuzz_rec_roundtrip(r, NULL, 0);
		fuzz_hot_check(r);
	}
	osv_free(o);
	diag_free(&d);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_osv(data, size);
}
#endif
