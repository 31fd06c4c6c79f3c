/*
 * toml_num.c — lexing of TOML numbers and datetimes: decimal, hex, octal
 * and binary integers, floats (with inf and nan), offset and local
 * date-times, local dates and local times.
 *
 * Invariants:
 *   - No read at or past sc->len: every look-ahead checks what is left.
 *   - Integers are range-checked while accumulating (no overflow, INT64_MIN
 *     included); floats are converted only after the TOML grammar has been
 *     checked, from a copy without underscores of at most NUM_TOKEN_MAX
 *     bytes, so strtod sees nothing TOML does not allow (no hex floats, no
 *     "infinity"); a float that overflows is an error, not inf.
 *   - Dates and times are range-checked: months, days of each month with
 *     leap years, hours, minutes, seconds up to 60 (leap second), offsets.
 *   - Datetimes are returned as written, except that the date/time
 *     separator ('t' or space) becomes 'T' and a 'z' offset becomes 'Z'.
 */
#include "toml_scan.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NUM_TOKEN_MAX 256       /* longest number we convert */

/* Digits of `radix`, with single underscores only between digits. Returns
 * the index after the run, or 0 with no digit at all / a bad underscore. */
static size_t digit_run(const char *t, size_t i, size_t n, int radix)
{
	size_t start = i;

	for (;;) {
		int d = i < n ? tscan_hexval(t[i]) : -1;
		if (d < 0 || d >= radix)
			return 0;
		i++;
		if (i < n && t[i] == '_') {
			i++;
			continue;
		}
		d = i < n ? tscan_hexval(t[i]) : -1;
		if (d < 0 || d >= radix)
			return i > start ? i : 0;
	}
}

static int number(tscan *sc, tscalar *out)
{
	const char *t = sc->s + sc->pos;
	size_t n = 0, i = 0, j, ilen;
	int neg = 0, signed_ = 0, isfloat = 0;
	char buf[NUM_TOKEN_MAX + 1];
	uint64_t acc = 0, lim;
	int radix = 10;

	while (sc->pos + n < sc->len &&
	       (tscan_is_bare(t[n]) || t[n] == '.' || t[n] == '+'))
		n++;
	if (n == 0)
		return tscan_err(sc, sc->pos, "expected a value");
	if (n > NUM_TOKEN_MAX)
		return tscan_err(sc, sc->pos, "number too long");
	if (t[0] == '+' || t[0] == '-') {
		signed_ = 1;
		neg = t[0] == '-';
		i = 1;
	}
	if (n - i == 3 && (!memcmp(t + i, "inf", 3) || !memcmp(t + i, "nan", 3))) {
		out->type = TOML_FLOAT;
		out->f = t[i] == 'i' ? INFINITY : NAN;
		if (neg)
			out->f = -out->f;
		sc->pos += n;
		return 0;
	}
	if (n - i > 2 && t[i] == '0' &&
	    (t[i + 1] == 'x' || t[i + 1] == 'o' || t[i + 1] == 'b')) {
		if (signed_)
			return tscan_err(sc, sc->pos, "a sign is not allowed before 0%c", t[i + 1]);
		radix = t[i + 1] == 'x' ? 16 : t[i + 1] == 'o' ? 8 : 2;
		i += 2;
	}
	j = digit_run(t, i, n, radix);
	if (j == 0)
		return tscan_err(sc, sc->pos, "invalid number");
	ilen = j - i;
	if (radix == 10 && t[i] == '0' && ilen > 1)
		return tscan_err(sc, sc->pos, "leading zero in number");
	if (radix == 10 && j < n && t[j] == '.') {
		isfloat = 1;
		j = digit_run(t, j + 1, n, 10);
		if (j == 0)
			return tscan_err(sc, sc->pos, "invalid fraction in float");
	}
	if (radix == 10 && j < n && (t[j] == 'e' || t[j] == 'E')) {
		isfloat = 1;
		j++;
		if (j < n && (t[j] == '+' || t[j] == '-'))
			j++;
		j = digit_run(t, j, n, 10);
		if (j == 0)
			return tscan_err(sc, sc->pos, "invalid exponent in float");
	}
	if (j != n)
		return tscan_err(sc, sc->pos, "invalid number");

	if (isfloat) {
		size_t k, b = 0;
		char *endp;
		for (k = 0; k < n; k++)
			if (t[k] != '_')
				buf[b++] = t[k];
		buf[b] = '\0';
		errno = 0;
		out->f = strtod(buf, &endp);
		if (endp != buf + b)
			return tscan_err(sc, sc->pos, "invalid float");
		if (errno == ERANGE && isinf(out->f))
			return tscan_err(sc, sc->pos, "float out of range");
		out->type = TOML_FLOAT;
		sc->pos += n;
		return 0;
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		uint64_t d;
		if (t[i] == '_')
			continue;
		d = (uint64_t)tscan_hexval(t[i]);
		if (acc > (lim - d) / (uint64_t)radix)
			return tscan_err(sc, sc->pos, "integer out of range");
		acc = acc * (uint64_t)radix + d;
	}
	out->type = TOML_INTEGER;
	if (neg)
		out->i = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
	else
		out->i = (int64_t)acc;
	sc->pos += n;
	return 0;
}

/* Exactly n decimal digits at t[0..); -1 when not. */
static int fixed_digits(const char *t, size_t avail, size_t n)
{
	int v = 0;
	size_t k;

	if (avail < n)
		return -1;
	for (k = 0; k < n; k++) {
		if (!tscan_is_digit(t[k]))
			return -1;
		v = v * 10 + (t[k] - '0');
	}
	return v;
}

static int days_in(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : d[m - 1];
}

/* HH:MM:SS[.frac] at p (TOML 1.1 with v11: HH:MM[:SS[.frac]], and
 * *nosec is then the index where the missing ":00" belongs, else 0);
 * returns the index after it, or 0. */
static size_t time_part(const char *s, size_t p, size_t len, int v11,
                        size_t *nosec)
{
	int h = fixed_digits(s + p, len - p, 2), mi, se;

	*nosec = 0;
	if (v11 && h >= 0 && len - p >= 5 && s[p + 2] == ':' &&
	    (len - p == 5 || s[p + 5] != ':')) {
		mi = fixed_digits(s + p + 3, len - p - 3, 2);
		if (mi < 0 || h > 23 || mi > 59)
			return 0;
		*nosec = p + 5;
		return p + 5;
	}
	if (h < 0 || len - p < 8 || s[p + 2] != ':' || s[p + 5] != ':')
		return 0;
	mi = fixed_digits(s + p + 3, len - p - 3, 2);
	se = fixed_digits(s + p + 6, len - p - 6, 2);
	if (mi < 0 || se < 0 || h > 23 || mi > 59 || se > 60)
		return 0;
	p += 8;
	if (p < len && s[p] == '.') {
		size_t q = p + 1;
		while (q < len && tscan_is_digit(s[q]))
			q++;
		if (q == p + 1)
			return 0;
		p = q;
	}
	return p;
}

static int datetime(tscan *sc, tscalar *out)
{
	const char *s = sc->s;
	size_t p = sc->pos, len = sc->len, k, nosec = 0, n = 0;
	toml_type type = TOML_TIME_LOCAL;
	char *o;

	if (fixed_digits(s + p, len - p, 4) >= 0 && len - p > 4 && s[p + 4] == '-') {
		int y = fixed_digits(s + p, len - p, 4), m, d;
		if (len - p < 10 || s[p + 7] != '-')
			return tscan_err(sc, sc->pos, "invalid date");
		m = fixed_digits(s + p + 5, len - p - 5, 2);
		d = fixed_digits(s + p + 8, len - p - 8, 2);
		if (m < 1 || m > 12 || d < 1 || d > days_in(y, m))
			return tscan_err(sc, sc->pos, "invalid date");
		p += 10;
		type = TOML_DATE_LOCAL;
		/* A space separates a time only when a time follows. */
		if (p < len && (s[p] == 'T' || s[p] == 't' ||
		    (s[p] == ' ' && fixed_digits(s + p + 1, len - p - 1, 2) >= 0 &&
		     len - p > 3 && s[p + 3] == ':'))) {
			type = TOML_DATETIME_LOCAL;
			p++;
		} else {
			goto done;
		}
	}
	p = time_part(s, p, len, sc->v11, &nosec);
	if (p == 0)
		return tscan_err(sc, sc->pos, "invalid time");
	if (type == TOML_DATETIME_LOCAL && p < len) {
		if (s[p] == 'Z' || s[p] == 'z') {
			type = TOML_DATETIME;
			p++;
		} else if (s[p] == '+' || s[p] == '-') {
			int oh = fixed_digits(s + p + 1, len - p - 1, 2), om;
			if (oh < 0 || len - p < 6 || s[p + 3] != ':')
				return tscan_err(sc, p, "invalid time offset");
			om = fixed_digits(s + p + 4, len - p - 4, 2);
			if (om < 0 || oh > 23 || om > 59)
				return tscan_err(sc, p, "invalid time offset");
			type = TOML_DATETIME;
			p += 6;
		}
	}
done:
	/* The text is kept in RFC 3339's spelling: 'T', 'Z', and seconds. */
	o = toml_arena_bytes(sc->arena, p - sc->pos + 4);
	if (!o)
		return tscan_err(sc, sc->pos, "out of memory");
	for (k = 0; k < p - sc->pos; k++) {
		char c = s[sc->pos + k];
		if (sc->pos + k == nosec) {
			memcpy(o + n, ":00", 3);
			n += 3;
		}
		if (k == 10 && (c == 't' || c == ' '))
			c = 'T';
		else if (c == 'z')
			c = 'Z';
		o[n++] = c;
	}
	if (nosec == p) {
		memcpy(o + n, ":00", 3);
		n += 3;
	}
	o[n] = '\0';
	out->type = type;
	out->s = o;
	out->len = n;
	sc->pos = p;
	return 0;
}

int tscan_numeric(tscan *sc, tscalar *out)
{
	size_t p = sc->pos;

	/* NNNN- starts a date, NN: a time; anything else is a number. */
	if (sc->len - p >= 5 && fixed_digits(sc->s + p, 4, 4) >= 0 &&
	    sc->s[p + 4] == '-')
		return datetime(sc, out);
	if (sc->len - p >= 3 && fixed_digits(sc->s + p, 2, 2) >= 0 &&
	    sc->s[p + 2] == ':')
		return datetime(sc, out);
	return number(sc, out);
}
