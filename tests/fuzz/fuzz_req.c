/*
 * fuzz_req.c — schema/req.c: requirement strings to unaffected intervals
 * to vulnerable ranges.
 *
 * Each input line is one requirement (a line starting with '?' is instead
 * a version to test). The intervals that parse go to req_vulnerable, and
 * its answer is checked against an independent reading:
 *   - every interval has lo <= hi (req.h's promise);
 *   - ranges are sorted, disjoint, non-empty (fuzz_check_ranges);
 *   - for sample versions (every bound, the version just above it, the
 *     '?' lines, 0.0.0-0): a version is vulnerable exactly when no
 *     unaffected interval holds it, and at most one interval holds it
 *     (req_vulnerable accepted them, so they must not overlap);
 *   - ranges_contain and interval_contains agree with plain precedence;
 *   - a too-small output array is an error, never an overflow.
 */
#include "fuzz.h"

#define FR_SAMPLES_MAX 512
#define FR_ERRCAP 64

typedef struct fr_state {
	interval *iv;
	size_t niv;
	version *sv;                /* sample versions */
	size_t nsv;
} fr_state;

static void fr_sample(fr_state *st, const version *v)
{
	version next;

	if (st->nsv < FR_SAMPLES_MAX)
		st->sv[st->nsv++] = *v;
	if (st->nsv < FR_SAMPLES_MAX && version_next(&next, v) == 0)
		st->sv[st->nsv++] = next;
}

static int fr_bound_below(const bound *lo, const version *v)
{
	int c = version_cmp(v, &lo->v);
	return lo->inclusive ? c >= 0 : c > 0;
}

static int fr_bound_above(const bound *hi, const version *v)
{
	int c = version_cmp(v, &hi->v);
	return hi->inclusive ? c <= 0 : c < 0;
}

static int fr_in_interval(const interval *iv, const version *v)
{
	return (!iv->lo.present || fr_bound_below(&iv->lo, v)) &&
	       (!iv->hi.present || fr_bound_above(&iv->hi, v));
}

static void fr_check_interval(const interval *iv, const char *line,
                              size_t len)
{
	if (!iv->lo.present || !iv->hi.present)
		return;
	int c = version_cmp(&iv->lo.v, &iv->hi.v);
	FUZZ_CHECK(c < 0 || (c == 0 && iv->lo.inclusive && iv->hi.inclusive),
	           "requirement \"%.*s\" gave an empty interval", (int)len, line);
}

static void fr_check_err(const char *err)
{
	FUZZ_CHECK(memchr(err, '\0', FR_ERRCAP) != NULL,
	           "error message not NUL-terminated within its buffer");
	FUZZ_CHECK(err[0] != '\0', "failure without a message");
}

static void fr_check_ranges(fr_state *st, const range *r, size_t n)
{
	char t[VERSION_TEXT_MAX + 1];

	fuzz_check_ranges(r, n);
	if (st->niv == 0)
		FUZZ_CHECK(n == 1 && !r[0].has_introduced && !r[0].has_fixed,
		           "no intervals must give one unbounded range, got %zu",
		           n);
	for (size_t i = 0; i < n; i++) {
		if (r[i].has_introduced)
			fr_sample(st, &r[i].introduced);
		if (r[i].has_fixed)
			fr_sample(st, &r[i].fixed);
	}
	for (size_t s = 0; s < st->nsv; s++) {
		const version *v = &st->sv[s];
		size_t holders = 0;
		for (size_t i = 0; i < st->niv; i++) {
			int in = fr_in_interval(&st->iv[i], v);
			FUZZ_CHECK(interval_contains(&st->iv[i], v) == in,
			           "interval_contains(%zu, %s) != %d", i,
			           fuzz_vtext(v, t, sizeof t), in);
			holders += (size_t)in;
		}
		FUZZ_CHECK(holders <= 1, "%s lies in %zu intervals that "
		           "req_vulnerable accepted as disjoint",
		           fuzz_vtext(v, t, sizeof t), holders);
		int vuln = fuzz_in_ranges(r, n, v);
		FUZZ_CHECK((ranges_contain(r, n, v) != 0) == vuln,
		           "ranges_contain(%s) != %d", fuzz_vtext(v, t, sizeof t),
		           vuln);
		FUZZ_CHECK(vuln == (holders == 0),
		           "%s: vulnerable %d but in %zu unaffected intervals",
		           fuzz_vtext(v, t, sizeof t), vuln, holders);
	}
}

int fuzz_req(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	fr_state st = { 0 };
	char *err = malloc(FR_ERRCAP);
	range *out = malloc(sizeof *out * (REQ_RANGES_MAX + 1));

	st.iv = malloc(sizeof *st.iv * REQ_RANGES_MAX);
	st.sv = malloc(sizeof *st.sv * FR_SAMPLES_MAX);
	if (!err || !out || !st.iv || !st.sv)
		goto done;
	version zero;
	const char *verr;
	if (version_parse(&zero, "0.0.0-0", 7, &verr) == 0)
		fr_sample(&st, &zero);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *line = p;
		p = nl ? nl + 1 : end;
		if (len > 0 && line[0] == '?') {
			version v;
			if (version_parse(&v, line + 1, len - 1, &verr) == 0)
				fr_sample(&st, &v);
			continue;
		}
		if (st.niv == REQ_RANGES_MAX)
			continue;
		interval *iv = &st.iv[st.niv];
		if (req_parse(iv, line, len, err, FR_ERRCAP) != 0) {
			fr_check_err(err);
			continue;
		}
		fr_check_interval(iv, line, len);
		if (iv->lo.present)
			fr_sample(&st, &iv->lo.v);
		if (iv->hi.present)
			fr_sample(&st, &iv->hi.v);
		st.niv++;
	}

	size_t n = (size_t)-1;
	if (req_vulnerable(out, REQ_RANGES_MAX + 1, &n, st.iv, st.niv, err,
	                   FR_ERRCAP) != 0) {
		fr_check_err(err);
		goto done;
	}
	/* n == 0 is fine: `*` leaves nothing vulnerable */
	FUZZ_CHECK(n <= REQ_RANGES_MAX + 1, "nout = %zu", n);
	fr_check_ranges(&st, out, n);

	/* exactly one too few slots: an error, and no write past them */
	range *small = n > 0 ? malloc(sizeof *small * n) : NULL;
	if (small) {
		size_t n2 = 0;
		FUZZ_CHECK(req_vulnerable(small, n - 1, &n2, st.iv, st.niv, err,
		                          FR_ERRCAP) != 0,
		           "req_vulnerable fit %zu ranges into %zu slots", n, n - 1);
		fr_check_err(err);
		free(small);
	}
done:
	free(err);
	free(out);
	free(st.iv);
	free(st.sv);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_req(data, size);
}
#endif
