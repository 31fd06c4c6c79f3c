/*
 * fuzz_rec.h — checks on adv_record values shared by fuzz_advisory.c (the
 * records the compiler makes) and fuzz_record.c (records decoded from
 * arbitrary bytes):
 *   - fuzz_rec_walk: every string NUL-terminated and within its cap;
 *   - fuzz_rec_roundtrip: encode -> decode gives an equal record, and
 *     encoding that again gives the same bytes (record.c promises
 *     record_encode(record_decode(b)) == b);
 *   - fuzz_hot_check: the hot record of one advisory answers "affected?"
 *     exactly as its ranges say, for versions sampled at every bound.
 * Static inline for the reason fuzz.h gives.
 */
#ifndef ADVDB_FUZZ_REC_H
#define ADVDB_FUZZ_REC_H

#include "fuzz.h"
#include "record.h"

static inline void fuzz_str_ok(const char *s, int nullable, const char *what)
{
	if (!s) {
		FUZZ_CHECK(nullable, "%s is NULL", what);
		return;
	}
	FUZZ_CHECK(strlen(s) <= RECORD_STR_MAX, "%s longer than its cap", what);
}

static inline void fuzz_list_ok(const strlist *l, const char *what)
{
	FUZZ_CHECK(l->n <= RECORD_LIST_MAX, "%s has %u items", what,
	           (unsigned)l->n);
	FUZZ_CHECK(l->n == 0 || l->v != NULL, "%s: items but no array", what);
	for (uint32_t i = 0; i < l->n; i++)
		fuzz_str_ok(l->v[i], 0, what);
}

static inline void fuzz_rec_walk(const adv_record *r)
{
	/* every top-level string may be NULL in the format (record.c encodes
	 * NULL for any of them); the compiler's records are checked for id
	 * and package by fuzz_advisory */
	fuzz_str_ok(r->id, 1, "id");
	fuzz_str_ok(r->package, 1, "package");
	fuzz_str_ok(r->source, 1, "source");
	fuzz_str_ok(r->path, 1, "path");
	fuzz_str_ok(r->date, 1, "date");
	fuzz_str_ok(r->withdrawn, 1, "withdrawn");
	fuzz_str_ok(r->url, 1, "url");
	fuzz_str_ok(r->title, 1, "title");
	fuzz_str_ok(r->description, 1, "description");
	fuzz_str_ok(r->license, 1, "license");
	fuzz_str_ok(r->informational, 1, "informational");
	fuzz_str_ok(r->cvss, 1, "cvss");
	fuzz_list_ok(&r->aliases, "aliases");
	fuzz_list_ok(&r->related, "related");
	fuzz_list_ok(&r->categories, "categories");
	fuzz_list_ok(&r->keywords, "keywords");
	fuzz_list_ok(&r->references, "references");
	fuzz_list_ok(&r->os, "os");
	fuzz_list_ok(&r->arch, "arch");
	fuzz_list_ok(&r->patched, "patched");
	fuzz_list_ok(&r->unaffected, "unaffected");
	FUZZ_CHECK(r->nfunctions <= RECORD_LIST_MAX, "%u functions",
	           (unsigned)r->nfunctions);
	FUZZ_CHECK(r->nfunctions == 0 || r->functions, "functions array");
	for (uint32_t i = 0; i < r->nfunctions; i++) {
		fuzz_str_ok(r->functions[i].path, 0, "function path");
		fuzz_list_ok(&r->functions[i].reqs, "function requirements");
	}
	FUZZ_CHECK(r->nranges == 0 || r->ranges, "ranges array");
	for (uint32_t i = 0; i < r->nranges; i++) {
		const range *g = &r->ranges[i];
		if (g->has_introduced)
			FUZZ_CHECK(g->introduced.pre_len <= VERSION_PRE_MAX &&
			           g->introduced.pre[g->introduced.pre_len] == '\0',
			           "range %u: introduced prerelease", (unsigned)i);
		if (g->has_fixed)
			FUZZ_CHECK(g->fixed.pre_len <= VERSION_PRE_MAX &&
			           g->fixed.pre[g->fixed.pre_len] == '\0',
			           "range %u: fixed prerelease", (unsigned)i);
	}
}

static inline int fuzz_str_same(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static inline int fuzz_list_same(const strlist *a, const strlist *b)
{
	if (a->n != b->n)
		return 0;
	for (uint32_t i = 0; i < a->n; i++)
		if (!fuzz_str_same(a->v[i], b->v[i]))
			return 0;
	return 1;
}

static inline int fuzz_version_same(const version *a, const version *b)
{
	return version_cmp(a, b) == 0 && a->pre_len == b->pre_len &&
	       memcmp(a->pre, b->pre, a->pre_len) == 0 &&
	       a->build_len == b->build_len &&
	       memcmp(a->build, b->build, a->build_len) == 0;
}

static inline int fuzz_range_same(const range *a, const range *b)
{
	if (a->has_introduced != b->has_introduced ||
	    a->has_fixed != b->has_fixed)
		return 0;
	if (a->has_introduced && !fuzz_version_same(&a->introduced,
	                                            &b->introduced))
		return 0;
	return !a->has_fixed || fuzz_version_same(&a->fixed, &b->fixed);
}

static inline void fuzz_rec_same(const adv_record *a, const adv_record *b)
{
#define FRS_STR(f) FUZZ_CHECK(fuzz_str_same(a->f, b->f), \
	                          "round trip changed " #f)
#define FRS_LIST(f) FUZZ_CHECK(fuzz_list_same(&a->f, &b->f), \
	                           "round trip changed " #f)
	FRS_STR(id); FRS_STR(package); FRS_STR(source); FRS_STR(path);
	FRS_STR(date); FRS_STR(withdrawn); FRS_STR(url); FRS_STR(title);
	FRS_STR(description); FRS_STR(license); FRS_STR(informational);
	FRS_STR(cvss);
	FRS_LIST(aliases); FRS_LIST(related); FRS_LIST(categories);
	FRS_LIST(keywords); FRS_LIST(references); FRS_LIST(os);
	FRS_LIST(arch); FRS_LIST(patched); FRS_LIST(unaffected);
#undef FRS_STR
#undef FRS_LIST
	FUZZ_CHECK(a->modified == b->modified &&
	           a->cvss_score10 == b->cvss_score10 &&
	           a->collection == b->collection && a->info == b->info &&
	           a->severity == b->severity &&
	           a->expect_deleted == b->expect_deleted,
	           "round trip changed a number");
	FUZZ_CHECK(a->nfunctions == b->nfunctions, "round trip: functions");
	for (uint32_t i = 0; i < a->nfunctions; i++)
		FUZZ_CHECK(fuzz_str_same(a->functions[i].path,
		                         b->functions[i].path) &&
		           fuzz_list_same(&a->functions[i].reqs,
		                          &b->functions[i].reqs),
		           "round trip changed function %u", (unsigned)i);
	FUZZ_CHECK(a->nranges == b->nranges, "round trip: %u ranges became %u",
	           (unsigned)a->nranges, (unsigned)b->nranges);
	for (uint32_t i = 0; i < a->nranges; i++)
		FUZZ_CHECK(fuzz_range_same(&a->ranges[i], &b->ranges[i]),
		           "round trip changed range %u", (unsigned)i);
}

/* encode -> decode -> same record; encode again -> same bytes. When
 * `bytes` is given (r was decoded from them), the first encoding must
 * reproduce them too. */
static inline void fuzz_rec_roundtrip(const adv_record *r,
                                      const uint8_t *bytes, size_t nbytes)
{
	uint8_t *b1 = NULL, *b2 = NULL;
	size_t n1 = 0, n2 = 0;
	adv_record *d = NULL;

	if (record_encode(r, &b1, &n1) != 0) {
		FUZZ_CHECK(bytes == NULL, "a decoded record does not encode");
		return;  /* a cap was passed: the compiler reports it */
	}
	if (bytes)
		FUZZ_CHECK(n1 == nbytes && memcmp(b1, bytes, n1) == 0,
		           "record_encode(record_decode(b)) != b (%zu vs %zu "
		           "bytes)", n1, nbytes);
	FUZZ_CHECK(record_decode(&d, b1, n1) == 0 && d != NULL,
	           "an encoded record (%zu bytes) does not decode", n1);
	fuzz_rec_walk(d);
	fuzz_rec_same(r, d);
	FUZZ_CHECK(record_encode(d, &b2, &n2) == 0, "re-encode failed");
	FUZZ_CHECK(n1 == n2 && memcmp(b1, b2, n1) == 0,
	           "encoding is not stable over a round trip");
	record_free(d);
	free(b1);
	free(b2);
}

/* Sorted, disjoint ranges (the shape hot_entry_affects may rely on);
 * unlike fuzz_check_ranges this only answers. */
static inline int fuzz_ranges_sane(const range *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].has_introduced && r[i].has_fixed &&
		    version_cmp(&r[i].introduced, &r[i].fixed) > 0)
			return 0;
		if (i + 1 < n && (!r[i].has_fixed || !r[i + 1].has_introduced ||
		    version_cmp(&r[i].fixed, &r[i + 1].introduced) > 0))
			return 0;
	}
	return 1;
}

static inline void fuzz_hot_sample(const hot_entry *e, const adv_record *r,
                                   const version *v)
{
	uint8_t key[VKEY_MAX];
	char t[VERSION_TEXT_MAX + 1];
	size_t klen = version_key_encode(v, key);

	if (klen == 0)
		return;
	int want = fuzz_in_ranges(r->ranges, r->nranges, v);
	int got = hot_entry_affects(e, key, klen);
	FUZZ_CHECK(got == want, "hot record says %d for %s, ranges say %d",
	           got, fuzz_vtext(v, t, sizeof t), want);
}

static inline void fuzz_hot_check(const adv_record *r)
{
	const adv_record *one[1] = { r };
	uint8_t *h = NULL;
	size_t hn = 0;
	hot_iter it;
	hot_entry e;

	if (hot_encode(one, 1, &h, &hn) != 0)
		return;
	FUZZ_CHECK(hot_iter_init(&it, h, hn) == 0, "hot header rejected");
	FUZZ_CHECK(hot_iter_next(&it, &e) == 1, "hot record has no entry");
	FUZZ_CHECK(e.id_len == strlen(r->id) &&
	           memcmp(e.id, r->id, e.id_len) == 0, "hot entry id");
	FUZZ_CHECK(e.n_ranges == r->nranges, "hot entry: %u ranges, not %u",
	           (unsigned)e.n_ranges, (unsigned)r->nranges);
	FUZZ_CHECK(!!(e.flags & HOT_WITHDRAWN) == !!r->withdrawn,
	           "hot withdrawn flag");
	FUZZ_CHECK(e.info == r->info && e.severity == r->severity &&
	           e.cvss_score10 == r->cvss_score10, "hot entry numbers");
	for (uint32_t i = 0; i < r->os.n; i++)
		FUZZ_CHECK(hot_entry_has_os(&e, r->os.v[i], strlen(r->os.v[i]))
		           == 1, "os \"%s\" lost", r->os.v[i]);
	for (uint32_t i = 0; i < r->arch.n; i++)
		FUZZ_CHECK(hot_entry_has_arch(&e, r->arch.v[i],
		                              strlen(r->arch.v[i])) == 1,
		           "arch \"%s\" lost", r->arch.v[i]);
	if (r->os.n == 0)
		FUZZ_CHECK(hot_entry_has_os(&e, "linux", 5) == 1,
		           "no os list must match any os");
	if (fuzz_ranges_sane(r->ranges, r->nranges)) {
		version z, nx;
		const char *err;
		if (version_parse(&z, "0.0.0-0", 7, &err) == 0)
			fuzz_hot_sample(&e, r, &z);
		for (uint32_t i = 0; i < r->nranges && i < 64; i++) {
			const version *b[2] = { NULL, NULL };
			if (r->ranges[i].has_introduced)
				b[0] = &r->ranges[i].introduced;
			if (r->ranges[i].has_fixed)
				b[1] = &r->ranges[i].fixed;
			for (int k = 0; k < 2; k++) {
				if (!b[k])
					continue;
				fuzz_hot_sample(&e, r, b[k]);
				if (version_next(&nx, b[k]) == 0)
					fuzz_hot_sample(&e, r, &nx);
			}
		}
	}
	FUZZ_CHECK(hot_iter_next(&it, &e) == 0, "hot record has extra bytes");
	free(h);
}

#endif
