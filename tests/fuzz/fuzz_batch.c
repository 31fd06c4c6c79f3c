/*
 * fuzz_batch.c — `advdb-query batch` (query/cli/batch.c) on arbitrary
 * stdin, against a small index built once from the advisories below.
 *
 * batch.c has no line parser apart from its command: a line is parsed and
 * answered in one static function that needs an open session. So the
 * target drives the whole command, cmd_batch(), with stdin and stdout
 * swapped for memory streams, and checks the protocol batch.c documents:
 *   - the exit status is 0 or 1 (2 would mean the index or stdout failed);
 *   - exactly one output line per input line that is not blank or a
 *     comment (a line past BATCH_LINE_MAX always answers, with an error;
 *     a UTF-8 BOM before the first line is not part of it);
 *   - each output line is one valid JSON object (strings valid UTF-8)
 *     starting {"line":N with N the 1-based input line it answers, in
 *     order;
 *   - a well-formed question about a crate of the sample index is
 *     answered "affected" exactly when one of the compiler's records of
 *     that crate (not withdrawn, not informational) has a range holding
 *     the version;
 *   - lines asking the same question (the same bytes once the BOM, a CR
 *     and the blanks around are off) get the same answer after the line
 *     number (batch writes a repeat back from the answer it kept).
 * The index is the sample one of fuzz_index.h.
 */
#include "fuzz.h"
#include "fuzz_index.h"
#include "cli.h"

#define FB_LINE_MAX 4096        /* batch.c's BATCH_LINE_MAX */
#define FB_JSON_DEPTH 64

/* ---- a strict JSON checker for one line ---- */

typedef struct fb_json {
	const unsigned char *p, *end;
} fb_json;

static void fb_ws(fb_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t'))
		j->p++;
}

static int fb_lit(fb_json *j, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

static int fb_string(fb_json *j)
{
	if (j->p >= j->end || *j->p != '"')
		return -1;
	const unsigned char *s = ++j->p;
	while (j->p < j->end && *j->p != '"') {
		if (*j->p < 0x20)
			return -1;
		if (*j->p == '\\') {
			if (++j->p >= j->end)
				return -1;
			if (*j->p == 'u') {
				for (int k = 1; k <= 4; k++)
					if (j->p + k >= j->end ||
					    !strchr("0123456789abcdefABCDEF", j->p[k]) ||
					    j->p[k] == '\0')
						return -1;
				j->p += 4;
			} else if (!strchr("\"\\/bfnrt", *j->p) || *j->p == '\0') {
				return -1;
			}
		}
		j->p++;
	}
	if (j->p >= j->end)
		return -1;
	if (fuzz_utf8_prefix(s, (size_t)(j->p - s)) != (size_t)(j->p - s))
		return -1;
	j->p++;
	return 0;
}

static int fb_number(fb_json *j)
{
	const unsigned char *s = j->p;
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return -1;
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return -1;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s ? 0 : -1;
}

static int fb_value(fb_json *j, int depth)
{
	if (depth > FB_JSON_DEPTH)
		return -1;
	fb_ws(j);
	if (j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '{':
	case '[': {
		unsigned char close = *j->p == '{' ? '}' : ']';
		int obj = close == '}';
		j->p++;
		fb_ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return 0;
		}
		for (;;) {
			if (obj) {
				fb_ws(j);
				if (fb_string(j) != 0)
					return -1;
				fb_ws(j);
				if (fb_lit(j, ":") != 0)
					return -1;
			}
			if (fb_value(j, depth + 1) != 0)
				return -1;
			fb_ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			return fb_lit(j, close == '}' ? "}" : "]");
		}
	}
	case '"':
		return fb_string(j);
	case 't':
		return fb_lit(j, "true");
	case 'f':
		return fb_lit(j, "false");
	case 'n':
		return fb_lit(j, "null");
	default:
		return fb_number(j);
	}
}

/* The answer a well-formed line about a sample crate must get, read the
 * way batch.c documents lines: 1 affected, 0 not, -1 when the line is
 * not such a question (then only the protocol is checked). */
static int fb_expect(const char *s, size_t n)
{
	const char *p = s, *end = s + n, *name, *ver;
	const char *verr;
	version v;
	int vuln, warn;

	if (n > FB_LINE_MAX)
		return -1;
	if (end > p && end[-1] == '\r')
		end--;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	name = p;
	while (p < end && *p != ' ' && *p != '\t' && *p != '@')
		p++;
	size_t nlen = (size_t)(p - name);
	if (nlen == 0 || p == end || memchr(name, '\0', nlen))
		return -1;
	if (*p == '@') {
		p++;
	} else {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
	}
	ver = p;
	for (const char *q = ver; q < end; q++)
		if (*q == ' ' || *q == '\t' || *q == '@' || *q == '\0')
			return -1;
	if (ver == end || version_parse(&v, ver, (size_t)(end - ver), &verr))
		return -1;
	fuzz_index_expect(&vuln, &warn, name, nlen, &v);
	return vuln;
}

static int fb_has(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return 1;
	return 0;
}

/* The question of a line: without a CR and the blanks around it; *q
 * its start. Its length; 0 for a line that asks nothing (blank, a
 * comment). */
static size_t fb_question(const char **q, const char *s, size_t n)
{
	if (n && s[n - 1] == '\r')
		n--;
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*q = s + i;
	return i < n && s[i] != '#' ? n - i : 0;
}

/* Which input lines must be answered: not blank, not a comment. */
static int fb_answers(const char *s, size_t n)
{
	const char *q;

	return n > FB_LINE_MAX || fb_question(&q, s, n) > 0;
}

/* Questions answered so far, with their answers after the line number. */
#define FB_SEEN_MAX 256
typedef struct fb_seen {
	const char *q, *a;
	size_t qn, an;
} fb_seen;

static void fb_check_output(const uint8_t *in, size_t isize,
                            const char *out, size_t osize)
{
	const char *ip = (const char *)in, *iend = ip + isize;
	const char *op = out, *oend = out + osize;
	unsigned long lineno = 0;
	fb_seen seen[FB_SEEN_MAX];
	size_t nseen = 0;

	FUZZ_CHECK(osize == 0 || out[osize - 1] == '\n',
	           "output does not end with a newline");
	while (ip < iend) {
		const char *nl = memchr(ip, '\n', (size_t)(iend - ip));
		size_t n = nl ? (size_t)(nl - ip) : (size_t)(iend - ip);
		size_t full = n;        /* the length cap counts every byte */
		const char *line = ip;
		/* a UTF-8 BOM before the first line is not part of it */
		if (lineno == 0 && n >= 3 && memcmp(ip, "\xEF\xBB\xBF", 3) == 0) {
			line += 3;
			n -= 3;
		}
		int want = full > FB_LINE_MAX || fb_answers(line, n);
		int expect = want && full <= FB_LINE_MAX ? fb_expect(line, n) : -1;
		lineno++;
		ip = nl ? nl + 1 : iend;
		if (!want)
			continue;
		FUZZ_CHECK(op < oend, "no answer for input line %lu", lineno);
		const char *onl = memchr(op, '\n', (size_t)(oend - op));
		FUZZ_CHECK(onl != NULL, "answer without a newline");
		char head[40];
		int hn = snprintf(head, sizeof head, "{\"line\":%lu,", lineno);
		FUZZ_CHECK((size_t)(onl - op) > (size_t)hn &&
		           memcmp(op, head, (size_t)hn) == 0,
		           "answer \"%.*s\" is not for line %lu",
		           (int)(onl - op > 80 ? 80 : onl - op), op, lineno);
		fb_json j = { (const unsigned char *)op,
		              (const unsigned char *)onl };
		FUZZ_CHECK(fb_value(&j, 0) == 0 && j.p == j.end,
		           "answer to line %lu is not one JSON value: %.*s", lineno,
		           (int)(onl - op > 200 ? 200 : onl - op), op);
		if (full <= FB_LINE_MAX) {
			const char *q, *a = op + hn - 1;  /* from the ',' */
			size_t qn = fb_question(&q, line, n), an;
			an = (size_t)(onl - a);
			size_t k = 0;
			while (k < nseen && (seen[k].qn != qn ||
			                     memcmp(seen[k].q, q, qn) != 0))
				k++;
			if (k < nseen)
				FUZZ_CHECK(seen[k].an == an &&
				           memcmp(seen[k].a, a, an) == 0,
				           "line %lu asks what an earlier line asked "
				           "but is answered otherwise: %.*s", lineno,
				           (int)(an > 200 ? 200 : an), a);
			else if (nseen < FB_SEEN_MAX)
				seen[nseen++] = (fb_seen){ q, a, qn, an };
		}
		if (expect >= 0) {
			const char *w = expect ? "\"affected\":true"
			                       : "\"affected\":false";
			FUZZ_CHECK(fb_has(op, (size_t)(onl - op), w),
			           "line %lu \"%.*s\" must be answered with %s: %.*s",
			           lineno, (int)(n > 80 ? 80 : n), line, w,
			           (int)(onl - op > 200 ? 200 : onl - op), op);
		}
		op = onl + 1;
	}
	FUZZ_CHECK(op == oend, "%zu bytes of output past the last answer",
	           (size_t)(oend - op));
}

int fuzz_batch(const uint8_t *data, size_t size)
{
	const char *db = fuzz_index_path();
	FUZZ_CHECK(db != NULL, "cannot build the sample index");
	if (size == 0)
		return 0;   /* fmemopen refuses an empty buffer */

	char *obuf = NULL;
	size_t olen = 0;
	FILE *in = fmemopen((void *)(uintptr_t)data, size, "r");
	FILE *out = open_memstream(&obuf, &olen);
	FUZZ_CHECK(in && out, "memory streams");

	cli_opts o;
	memset(&o, 0, sizeof o);
	o.db_path = db;
	o.max_age_days = -1;
	o.jobs = 1;
	FILE *save_in = stdin, *save_out = stdout;
	stdin = in;
	stdout = out;
	int rc = cmd_batch(&o);
	stdin = save_in;
	stdout = save_out;
	fclose(in);
	fclose(out);
	FUZZ_CHECK(rc == EXIT_CLEAN || rc == EXIT_FOUND,
	           "cmd_batch exit status %d", rc);
	fb_check_output(data, size, obuf ? obuf : "", obuf ? olen : 0);
	free(obuf);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_batch(data, size);
}
#endif
