/*
 * rfc3339.c — see rfc3339.h. No state; every read stays inside the
 * NUL-terminated text it is given.
 */
#include "rfc3339.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* By hand, not strftime: glibc's reads the time zone files on its first
 * call, which a library verifying an index should not (query/verify.c). */
int rfc3339_format(char out[RFC3339_MAX], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	int n;

	if (t <= 0 || (int64_t)tt != t || !gmtime_r(&tt, &tm) ||
	    (n = snprintf(out, RFC3339_MAX, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	                  tm.tm_hour, tm.tm_min, tm.tm_sec)) < 0 ||
	    n >= RFC3339_MAX) {
		out[0] = '\0';
		return 0;
	}
	return 1;
}

int rfc3339_is_date(const char *s)
{
	size_t n = strlen(s);

	if (n < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2))
		return 0;
	int mo = (s[5] - '0') * 10 + s[6] - '0';
	int dy = (s[8] - '0') * 10 + s[9] - '0';
	return mo >= 1 && mo <= 12 && dy >= 1 && dy <= 31 &&
	       (n == 10 || s[10] == 'T' || s[10] == 't' || s[10] == ' ');
}

int rfc3339_parse(int64_t *out, const char *s)
{
	struct tm tm;
	size_t n = strlen(s);

	if (n < 20 || !rfc3339_is_date(s) || !digits(s + 11, 2) ||
	    s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' ||
	    !digits(s + 17, 2))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	tm.tm_sec = atoi(s + 17);
	const char *z = s + 19;
	if (*z == '.')
		for (z++; *z >= '0' && *z <= '9'; z++)
			;
	int64_t off = 0;
	if (*z == 'Z' || *z == 'z') {
		z++;
	} else if ((*z == '+' || *z == '-') && digits(z + 1, 2) &&
	           z[3] == ':' && digits(z + 4, 2)) {
		off = (int64_t)(atoi(z + 1) * 3600 + atoi(z + 4) * 60);
		if (*z == '-')
			off = -off;
		z += 6;
	} else {
		return -1;
	}
	if (*z)
		return -1;
	errno = 0;
	time_t t = timegm(&tm);
	if (t == (time_t)-1 && errno != 0)
		return -1;
	*out = (int64_t)t - off;
	return 0;
}
