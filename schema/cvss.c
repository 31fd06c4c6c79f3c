/*
 * cvss.c — see cvss.h. Owns the syntax of a vector, the 3.x metric table
 * and the 3.x base-score formula; the 4.0 metric table and score live in
 * cvss4.c (cvss_int.h).
 *
 * A vector is checked against a table of metric definitions: every name
 * known, every value one of that metric's values, no metric twice, every
 * base metric present. Only then is the score computed, from the index of
 * each base value (the tables list values in the order of the weights).
 * The score is kept as an integer (score * 10) so no caller ever compares
 * floating-point scores; Roundup is the integer form of spec 3.1 appendix
 * A, which avoids 0.1-steps drifting from binary rounding.
 */
#include "cvss.h"
#include "cvss_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_METRICS 32
_Static_assert(M4_COUNT <= MAX_METRICS, "idx holds every 4.0 metric");

/* 3.x: base metrics first, their values in the order of the weights
 * used by score3(). */
enum { M3_AV, M3_AC, M3_PR, M3_UI, M3_S, M3_C, M3_I, M3_A };
static const metric_def metrics3[] = {
	{ "AV", 1, { "N", "A", "L", "P" } },
	{ "AC", 1, { "L", "H" } },
	{ "PR", 1, { "N", "L", "H" } },
	{ "UI", 1, { "N", "R" } },
	{ "S", 1, { "U", "C" } },
	{ "C", 1, { "H", "L", "N" } },
	{ "I", 1, { "H", "L", "N" } },
	{ "A", 1, { "H", "L", "N" } },
	{ "E", 0, { "X", "U", "P", "F", "H" } },
	{ "RL", 0, { "X", "O", "T", "W", "U" } },
	{ "RC", 0, { "X", "U", "R", "C" } },
	{ "CR", 0, { "X", "L", "M", "H" } },
	{ "IR", 0, { "X", "L", "M", "H" } },
	{ "AR", 0, { "X", "L", "M", "H" } },
	{ "MAV", 0, { "X", "N", "A", "L", "P" } },
	{ "MAC", 0, { "X", "L", "H" } },
	{ "MPR", 0, { "X", "N", "L", "H" } },
	{ "MUI", 0, { "X", "N", "R" } },
	{ "MS", 0, { "X", "U", "C" } },
	{ "MC", 0, { "X", "N", "L", "H" } },
	{ "MI", 0, { "X", "N", "L", "H" } },
	{ "MA", 0, { "X", "N", "L", "H" } },
};


#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int fail(char *err, size_t errcap, const char *what, const char *s,
                size_t len)
{
	if (errcap == 0)
		return -1;
	int n = snprintf(err, errcap, "invalid CVSS vector \"%.*s\": %s",
	                 (int)(len > 80 ? 80 : len), s, what);
	if (n < 0)
		err[0] = '\0';
	return -1;
}

static int eq(const char *a, size_t alen, const char *b)
{
	return strlen(b) == alen && memcmp(a, b, alen) == 0;
}

/* Check each NAME:VALUE component of body against defs; store the value
 * index of each metric in idx (-1 absent). */
static int check_metrics(int *idx, const metric_def *defs, size_t ndefs,
                         const char *s, size_t len, const char *body,
                         const char *end, char *err, size_t errcap)
{
	char what[96];

	for (size_t m = 0; m < ndefs; m++)
		idx[m] = -1;
	if (body == end)
		return fail(err, errcap, "no metrics", s, len);
	for (const char *p = body; p <= end;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *ce = slash ? slash : end;
		const char *colon = memchr(p, ':', (size_t)(ce - p));

		if (ce == p)
			return fail(err, errcap, "empty metric", s, len);
		if (!colon || colon == p || colon + 1 == ce) {
			snprintf(what, sizeof(what), "\"%.*s\" is not NAME:VALUE",
			         (int)(ce - p > 16 ? 16 : ce - p), p);
			return fail(err, errcap, what, s, len);
		}
		size_t m, nlen = (size_t)(colon - p), vlen = (size_t)(ce - colon - 1);
		for (m = 0; m < ndefs; m++)
			if (eq(p, nlen, defs[m].name))
				break;
		if (m == ndefs) {
			snprintf(what, sizeof(what), "unknown metric \"%.*s\"",
			         (int)(nlen > 16 ? 16 : nlen), p);
			return fail(err, errcap, what, s, len);
		}
		if (idx[m] >= 0) {
			snprintf(what, sizeof(what), "metric %s given twice",
			         defs[m].name);
			return fail(err, errcap, what, s, len);
		}
		int v;
		for (v = 0; v < CVSS_MAX_VALUES && defs[m].values[v]; v++)
			if (eq(colon + 1, vlen, defs[m].values[v]))
				break;
		if (v == CVSS_MAX_VALUES || !defs[m].values[v]) {
			snprintf(what, sizeof(what), "bad value \"%.*s\" for %s",
			         (int)(vlen > 16 ? 16 : vlen), colon + 1,
			         defs[m].name);
			return fail(err, errcap, what, s, len);
		}
		idx[m] = v;
		if (!slash)
			break;
		p = slash + 1;
		if (p == end)
			return fail(err, errcap, "empty metric", s, len);
	}
	for (size_t m = 0; m < ndefs; m++) {
		if (defs[m].base && idx[m] < 0) {
			snprintf(what, sizeof(what), "base metric %s missing",
			         defs[m].name);
			return fail(err, errcap, what, s, len);
		}
	}
	return 0;
}

/* Roundup of spec 3.1 appendix A, returning score * 10. */
static unsigned roundup10(double x)
{
	long in = lround(x * 100000.0);

	if (in <= 0)
		return 0;
	if (in % 10000 == 0)
		return (unsigned)(in / 10000);
	return (unsigned)(in / 10000 + 1);
}

/* The 3.x base score (* 10) from the base value indexes. */
static unsigned score3(const int *idx)
{
	static const double av[] = { 0.85, 0.62, 0.55, 0.2 };
	static const double ac[] = { 0.77, 0.44 };
	static const double pr_u[] = { 0.85, 0.62, 0.27 };
	static const double pr_c[] = { 0.85, 0.68, 0.5 };
	static const double ui[] = { 0.85, 0.62 };
	static const double cia[] = { 0.56, 0.22, 0.0 };
	int changed = idx[M3_S] == 1;

	double iss = 1.0 - (1.0 - cia[idx[M3_C]]) * (1.0 - cia[idx[M3_I]]) *
	             (1.0 - cia[idx[M3_A]]);
	double impact = changed
	    ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15)
	    : 6.42 * iss;
	double expl = 8.22 * av[idx[M3_AV]] * ac[idx[M3_AC]] *
	              (changed ? pr_c : pr_u)[idx[M3_PR]] * ui[idx[M3_UI]];

	if (impact <= 0)
		return 0;
	double base = changed ? 1.08 * (impact + expl) : impact + expl;
	return roundup10(base < 10.0 ? base : 10.0);
}

int cvss_severity(unsigned score10)
{
	if (score10 == 0)
		return 0;
	if (score10 < 40)
		return 1;
	if (score10 < 70)
		return 2;
	if (score10 < 90)
		return 3;
	return 4;
}

int cvss_parse(cvss *out, const char *s, size_t len, char *err,
               size_t errcap)
{
	int idx[MAX_METRICS];

	memset(out, 0, sizeof(*out));
	if (errcap)
		err[0] = '\0';
	if (len > CVSS_TEXT_MAX)
		return fail(err, errcap, "too long", s, len);
	if (memchr(s, '\0', len))
		return fail(err, errcap, "NUL byte", s, len);
	if (len < 9 || memcmp(s, "CVSS:", 5) != 0 || s[6] != '.' ||
	    s[8] != '/')
		return fail(err, errcap, "expected a CVSS:3.0/, CVSS:3.1/ or "
		            "CVSS:4.0/ prefix", s, len);
	out->major = (uint8_t)(s[5] - '0');
	out->minor = (uint8_t)(s[7] - '0');
	const char *body = s + 9, *end = s + len;
	if (s[5] == '3' && (s[7] == '0' || s[7] == '1')) {
		if (check_metrics(idx, metrics3, NELEM(metrics3), s, len, body,
		                  end, err, errcap) < 0)
			return -1;
		out->has_score = 1;
		out->score10 = (uint16_t)score3(idx);
		out->severity = (uint8_t)cvss_severity(out->score10);
		return 0;
	}
	if (s[5] == '4' && s[7] == '0') {
		if (check_metrics(idx, cvss4_metrics, M4_COUNT, s, len, body,
		                  end, err, errcap) < 0)
			return -1;
		int score10 = cvss4_score10(idx);
		if (score10 < 0)
			return fail(err, errcap, "outside FIRST's CVSS 4.0 tables",
			            s, len);
		out->has_score = 1;
		out->score10 = (uint16_t)score10;
		out->severity = (uint8_t)cvss_severity(out->score10);
		return 0;
	}
	return fail(err, errcap, "unsupported CVSS version (3.0, 3.1 and 4.0 "
	            "are known)", s, len);
}
