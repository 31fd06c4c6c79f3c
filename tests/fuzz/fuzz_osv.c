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
 */
#include "fuzz.h"
#include "fuzz_rec.h"
#include "diag.h"
#include "osv.h"

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
