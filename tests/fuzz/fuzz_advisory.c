/*
 * fuzz_advisory.c — compiler/advisory.c (with frontmatter, toml, req,
 * cvss below it) on arbitrary bytes, always as the file
 * crates/fuzz/RUSTSEC-2020-0001.md of source "rustsec".
 *
 * A rejected file must say why: at least one error, each prefixed by the
 * path and naming a line of the file. An accepted one must be a record the rest of advdb can trust:
 * its id and package match the path; its ranges are what req.c computes
 * from its own patched/unaffected strings (recomputed here), sorted and
 * disjoint; it survives encode -> decode; its hot record answers as its
 * ranges do. And --strict (ADVISORY_STRICT) accepts exactly the files
 * that load without a warning, reporting the same lines.
 */
#include "fuzz.h"
#include "fuzz_rec.h"
#include "advisory.h"
#include "cargo_req.h"
#include "diag.h"

#define FA_SOURCE "rustsec"
#define FA_PATH "crates/fuzz/RUSTSEC-2020-0001.md"

static void fa_check_diags(const diag_list *d, unsigned lines)
{
	for (size_t i = 0; i < d->n; i++) {
		const char *t = d->v[i].text;
		FUZZ_CHECK(t != NULL, "diag %zu has no text", i);
		FUZZ_CHECK(strncmp(t, FA_PATH ":", strlen(FA_PATH) + 1) == 0,
		           "diag does not start with the path: %s", t);
		/* "path:LINE: message" names a line of this file */
		const char *q = t + strlen(FA_PATH) + 1;
		unsigned long line = 0;
		while (*q >= '0' && *q <= '9' && line <= lines)
			line = line * 10 + (unsigned long)(*q++ - '0');
		if (*q == ':' && q > t + strlen(FA_PATH) + 1)
			FUZZ_CHECK(line >= 1 && line <= lines,
			           "diag names line %lu of %u: %s", line, lines, t);
		FUZZ_CHECK(strlen(t) < DIAG_MSG_MAX + sizeof FA_PATH + 32,
		           "diag longer than its cap: %zu bytes", strlen(t));
	}
}

/* Recompute the ranges from the record's own requirement strings. */
static void fa_check_ranges(const adv_record *r)
{
	interval *iv = malloc(sizeof *iv * REQ_RANGES_MAX);
	range *out = malloc(sizeof *out * (REQ_RANGES_MAX + 1));
	char err[256];
	size_t n = 0, nout = 0;

	FUZZ_CHECK(r->patched.n + r->unaffected.n <= REQ_RANGES_MAX,
	           "%u requirements accepted",
	           (unsigned)(r->patched.n + r->unaffected.n));
	if (!iv || !out)
		goto done;
	const strlist *lists[2] = { &r->patched, &r->unaffected };
	for (int l = 0; l < 2; l++) {
		for (uint32_t i = 0; i < lists[l]->n; i++) {
			const char *s = lists[l]->v[i];
			FUZZ_CHECK(req_parse(&iv[n], s, strlen(s), err,
			                     sizeof err) == 0,
			           "accepted requirement \"%s\" does not parse: %s",
			           s, err);
			n++;
		}
	}
	FUZZ_CHECK(req_vulnerable(out, REQ_RANGES_MAX + 1, &nout, iv, n, err,
	                          sizeof err) == 0,
	           "accepted requirements give no ranges: %s", err);
	FUZZ_CHECK(nout == r->nranges, "record has %u ranges, requirements "
	           "give %zu", (unsigned)r->nranges, nout);
	for (size_t i = 0; i < nout; i++)
		FUZZ_CHECK(fuzz_range_same(&out[i], &r->ranges[i]),
		           "range %zu differs from the requirements'", i);
	fuzz_check_ranges(r->ranges, r->nranges);
	/* [affected.functions] strings are plain semver requirements */
	for (uint32_t f = 0; f < r->nfunctions; f++) {
		const strlist *q = &r->functions[f].reqs;
		for (uint32_t i = 0; i < q->n; i++) {
			cargo_req one;
			FUZZ_CHECK(cargo_req_parse(&one, q->v[i], strlen(q->v[i]), err,
			                           sizeof err) == 0,
			           "accepted function requirement \"%s\": %s",
			           q->v[i], err);
		}
	}
done:
	free(iv);
	free(out);
}

int fuzz_advisory(const uint8_t *data, size_t size)
{
	advisory *a = (advisory *)(uintptr_t)1;
	diag_list d;

	unsigned lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	diag_init(&d);
	int rc = advisory_parse(&a, FA_SOURCE, FA_PATH, (const char *)data,
	                        size, &d);
	fa_check_diags(&d, lines);

	/* strict: the same diagnostics, each an error */
	advisory *sa = NULL;
	diag_list sd;
	diag_init(&sd);
	int src = advisory_parse_ex(&sa, FA_SOURCE, FA_PATH, (const char *)data,
	                            size, ADVISORY_STRICT, NULL, &sd);
	FUZZ_CHECK((src == 0) == (rc == 0 && d.warnings == 0),
	           "strict %d, normal %d with %zu warnings", src, rc, d.warnings);
	FUZZ_CHECK(sd.n == d.n && sd.warnings == 0 &&
	           sd.errors == d.errors + d.warnings,
	           "strict reported %zu lines (%zu errors), normal %zu", sd.n,
	           sd.errors, d.n);
	for (size_t i = 0; i < sd.n && i < d.n; i++)
		FUZZ_CHECK(!strcmp(sd.v[i].text, d.v[i].text),
		           "strict line %zu differs: %s", i, sd.v[i].text);
	advisory_free(sa);
	diag_free(&sd);
	if (rc != 0) {
		FUZZ_CHECK(a == NULL, "failed parse left *out set");
		FUZZ_CHECK(d.errors > 0, "rejected without an error");
		diag_free(&d);
		return 0;
	}
	FUZZ_CHECK(d.errors == 0, "accepted with %zu errors", d.errors);
	FUZZ_CHECK(a != NULL, "accepted without an advisory");
	const adv_record *r = advisory_record(a);
	FUZZ_CHECK(r != NULL, "no record");
	fuzz_rec_walk(r);
	FUZZ_CHECK(r->id && strcmp(r->id, "RUSTSEC-2020-0001") == 0,
	           "id \"%s\" does not match the file name", r->id);
	FUZZ_CHECK(r->package && strcmp(r->package, "fuzz") == 0,
	           "package \"%s\" does not match the folder", r->package);
	FUZZ_CHECK(r->title != NULL && r->date != NULL, "no title or date");
	FUZZ_CHECK(r->info <= ADV_INFO_OTHER && r->severity <= ADV_SEV_CRITICAL
	           && r->cvss_score10 <= 100 && r->collection == ADV_CRATES,
	           "enum out of range: info %u severity %u score %u coll %u",
	           r->info, r->severity, r->cvss_score10, r->collection);
	fa_check_ranges(r);
	fuzz_rec_roundtrip(r, NULL, 0);
	fuzz_hot_check(r);
	advisory_free(a);
	diag_free(&d);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_advisory(data, size);
}
#endif
