/*
 * batch.c — `advdb-query batch`: stdin lines in, one JSON object per line
 * out, in input order. Made for other tools driving advdb over a pipe.
 *
 * Input: `NAME VERSION` or `NAME@VERSION`, blanks around fields ignored,
 * a trailing CR ignored, a UTF-8 byte-order mark before the first line
 * ignored. Blank lines and lines starting with `#` are
 * skipped and produce no output; every output object carries the 1-based
 * input line number, so a reader can match answers to questions.
 *
 * Output per line (compact JSON):
 *   {"line":N,"name":"..","version":"..","affected":BOOL,
 *    "vulnerabilities":[{"id":"..","severity":"high","cvss":7.5}],
 *    "warnings":[{"id":"..","kind":"unmaintained"}]}
 *   {"line":N,"error":".."}       for a line that cannot be answered
 * "affected" is true when a vulnerability (not a warning) matches.
 * When the index is incomplete (advisories skipped at compile time),
 * every answer also has "index_incomplete":{"skipped":N} after "line".
 * --os/--arch/--ignore apply; withdrawn advisories never appear.
 *
 * Lines longer than BATCH_LINE_MAX bytes are an error object (the rest of
 * the line is skipped); a bad line never stops the run.
 *
 * Exit: 0 when every line was answered (findings and bad lines are
 * answers, in-band: a driver reads them, not the status), 2 when the
 * index cannot be opened, a look-up failed in the index itself (a
 * damaged record: that line is an error object, the others are still
 * answered, and the status tells the run was not whole), the index is
 * incomplete (skipped advisories; not with --allow-incomplete), or
 * stdin / stdout fail.
 * --line-buffered flushes after every answer (for request/response use).
 *
 * Speed: a stream repeats its questions (a fleet's lockfiles share most
 * crates), and an answer depends on the question's text alone but for
 * its line number. So the part after the number is kept (cache.h's
 * answer cache, keyed by the question's bytes) and a repeat costs a
 * hash, a probe and a copy: no parse, no look-up, no JSON. Lines are cut
 * out of the read block in groups, and each group's probes fetch their
 * memory a few lines ahead of use, so those waits overlap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "cache.h"
#include "cli.h"
#include "json.h"
#include "session.h"

#define BATCH_LINE_MAX 4096
#define BATCH_BLOCK (64 * 1024)
/* Answers kept: memory stays bounded whatever the input. */
#define BATCH_ANSWERS_MAX (1u << 16)
#define BATCH_ANSWERS_BYTES ((size_t)16 << 20)

/* {"line":N, the head of every answer. Everything after it depends on
 * the line's text alone (and the run's options), which is what lets an
 * answer's tail be kept and reused for a repeat of the line. */
static void head(json *j, buf *out, unsigned long line)
{
	json_init(j, out);
	json_obj_begin(j);
	json_key(j, "line");
	json_uint(j, line);
}

/* An error answer; *tail (when not NULL) is set to where the part after
 * the line number starts in out. */
static void error_line(buf *out, unsigned long line, const char *msg,
                       size_t *tail)
{
	json j;

	head(&j, out, line);
	if (tail)
		*tail = out->len;
	json_key(&j, "error");
	json_str(&j, msg);
	json_obj_end(&j);
	buf_putc(out, '\n');
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The question of a line s[0..n) (without the newline): without a
 * byte-order mark (line 1), a trailing CR and the blanks around it. Its
 * start in *q; returns its length, 0 for a line that asks nothing (blank,
 * or a comment). */
static size_t question(const char **q, const char *s, size_t n,
                       unsigned long line)
{
	const char *p = s, *end = s + n;

	/* A UTF-8 byte-order mark (PowerShell and some editors write one)
	 * starts the stream, not the first crate's name. */
	if (line == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	if (n && end[-1] == '\r')
		end--;
	while (p < end && is_blank(*p))
		p++;
	while (end > p && is_blank(end[-1]))
		end--;
	*q = p;
	if (p == end || *p == '#')
		return 0;
	return (size_t)(end - p);
}

/* Answer a question p[0..n) (question(); p has room for a NUL at p[n]
 * and is changed). Returns 0 when answered, 1 when answered with an
 * answer that is the same for every line asking this (its part after
 * the line number starts at *tail in out), or -1 when the index failed
 * it (the line is answered with the error). */
static int answer(buf *out, const session *s, unsigned long line,
                  char *p, size_t n, size_t *tail)
{
	char *end = p + n, *name, *ver;
	findings f = { 0 };
	lock_pkg pkg;
	char msg[600];
	json j;

	if (memchr(p, '\0', n)) {
		error_line(out, line, "NUL byte in line", NULL);
		return 0;
	}
	*end = '\0';
	name = p;
	while (p < end && !is_blank(*p) && *p != '@')
		p++;
	if (p == name) {
		error_line(out, line, "expected NAME VERSION or NAME@VERSION",
		           NULL);
		return 0;
	}
	if (*p == '@') {
		*p++ = '\0';
		ver = p;
	} else {
		if (p < end)
			*p++ = '\0';
		while (p < end && is_blank(*p))
			p++;
		ver = p;
	}
	if (!*ver || strpbrk(ver, " \t@")) {
		error_line(out, line, "expected NAME VERSION or NAME@VERSION",
		           NULL);
		return 0;
	}
	memset(&pkg, 0, sizeof(pkg));
	pkg.name = name;
	pkg.version = ver;
	pkg.name_len = strlen(name);
	pkg.version_len = strlen(ver);
	pkg.crates_io = 1;
	int rc = audit_pkg(&f, s, &pkg);
	if (rc != ADVDB_OK) {
		/* A bad version is found by the look-up itself (parsing it
		 * twice would cost a tenth of the run). */
		snprintf(msg, sizeof(msg), "%s", f.lib_error ? f.lib_error
		                                 : advdb_strerror(rc));
		findings_free(&f);
		/* a bad version or name is the line's (the same answer
		 * every time); anything else the index's */
		if (rc == ADVDB_EVERSION || rc == ADVDB_EINVAL) {
			error_line(out, line, msg, tail);
			return 1;
		}
		error_line(out, line, msg, NULL);
		return -1;
	}
	head(&j, out, line);
	*tail = out->len;
	session_json_incomplete(&j, s);
	json_key(&j, "name");
	json_str(&j, name);
	json_key(&j, "version");
	json_str(&j, ver);
	json_key(&j, "affected");
	json_bool(&j, f.nvuln > 0);
	json_key(&j, "vulnerabilities");
	json_arr_begin(&j);
	for (size_t i = 0; i < f.n; i++) {
		const advdb_match *m = &f.v[i].m;
		if (m->kind != ADVDB_KIND_VULNERABILITY)
			continue;
		json_obj_begin(&j);
		json_key(&j, "id");
		json_str(&j, m->id);
		json_key(&j, "severity");
		json_str(&j, m->cvss_score10 ? severity_name(m->severity)
		                             : NULL);
		json_key(&j, "cvss");
		if (m->cvss_score10)
			json_tenths(&j, m->cvss_score10);
		else
			json_str(&j, NULL);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "warnings");
	json_arr_begin(&j);
	for (size_t i = 0; i < f.n; i++) {
		const advdb_match *m = &f.v[i].m;
		if (m->kind == ADVDB_KIND_VULNERABILITY)
			continue;
		json_obj_begin(&j);
		json_key(&j, "id");
		json_str(&j, m->id);
		json_key(&j, "kind");
		json_str(&j, kind_name(m->kind));
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	buf_putc(out, '\n');
	findings_free(&f);
	return 1;
}

/* Next block of stdin. read(2) on the descriptor, not fread: a driver
 * waiting for the answer to one line must get it without sending more
 * input first (fread would wait for a full block). A stdin without a
 * descriptor (a memory stream, in tests) is read with fread, which then
 * never waits. Returns bytes read, 0 at the end, -1 with errno. */
static ssize_t fill(char *blk, size_t cap)
{
	int fd = fileno(stdin);

	if (fd >= 0)
		return read(fd, blk, cap);
	size_t n = fread(blk, 1, cap, stdin);
	if (n == 0 && ferror(stdin)) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)n;
}

/* Flush out to stdout; returns -1 on a write error. */
static int flush_out(buf *out, int force)
{
	if (buf_write(out, stdout) < 0 || (force && fflush(stdout) != 0))
		return -1;
	buf_reset(out);
	return 0;
}

/* The line number in decimal, counted up line by line (dividing it into
 * digits for every answer was a twentieth of a run). */
typedef struct decimal {
	char d[24];
	size_t start;               /* the digits are d[start..24) */
} decimal;

static void decimal_inc(decimal *c)
{
	size_t i = sizeof(c->d);

	while (i > c->start && c->d[i - 1] == '9')
		c->d[--i] = '0';
	if (i == c->start)
		c->d[--c->start] = '1';
	else
		c->d[i - 1]++;
}

/* The head of an answer, {"line":N, as head() writes it: a repeat's
 * answer is written from this and its kept tail, and a tail is kept
 * only when the answer written by head() began with exactly this. */
#define HEAD_TEXT "{\"line\":"
#define HEAD_LEN (sizeof(HEAD_TEXT) - 1)

/* A whole line, cut out of the input, to be answered. */
typedef struct qline {
	const char *ln;             /* the line (in the block or in `line`) */
	size_t len;
	int too_long;
	const char *q;              /* its question (question()) */
	size_t qn;                  /* 0: it asks nothing */
	uint64_t h;                 /* acache_hash of the question */
} qline;

/* Lines answered as a group: the cache lines their probes read are
 * fetched some lines ahead, so the memory waits overlap. */
#define BATCH_GROUP 64
#define BATCH_AHEAD_SLOT 16
#define BATCH_AHEAD_ENTRY 8

/* Answer one line. The answer of a question seen before is its kept
 * tail after the line's head; a new one is answered in work (a copy: the
 * question stays whole as the key) and its tail kept when it is the same
 * for every line asking it. Returns -1 when the index failed the line,
 * else 0. */
static int answer_line(buf *out, acache *ans, const session *s,
                       unsigned long line, const decimal *num,
                       const qline *l, char *work)
{
	size_t nd = sizeof(num->d) - num->start;
	const char *a;
	size_t an, tail = 0;
	int rc;

	if (l->too_long) {
		error_line(out, line, "line longer than 4096 bytes", NULL);
		return 0;
	}
	if (!l->qn)
		return 0;
	if ((a = acache_get(ans, l->h, l->q, l->qn, &an)) != NULL) {
		char *w = buf_room(out, HEAD_LEN + nd + an);
		if (!w)
			return 0;       /* the buffer failed: told at the flush */
		memcpy(w, HEAD_TEXT, HEAD_LEN);
		memcpy(w + HEAD_LEN, num->d + num->start, nd);
		memcpy(w + HEAD_LEN + nd, a, an);
		buf_added(out, HEAD_LEN + nd + an);
		return 0;
	}
	memcpy(work, l->q, l->qn);
	size_t start = out->len;
	rc = answer(out, s, line, work, l->qn, &tail);
	if (rc == 1 && !out->failed && tail == start + HEAD_LEN + nd &&
	    memcmp(out->p + start, HEAD_TEXT, HEAD_LEN) == 0 &&
	    memcmp(out->p + start + HEAD_LEN, num->d + num->start, nd) == 0)
		(void)acache_put(ans, l->h, l->q, l->qn, out->p + tail,
		                 out->len - tail);
	return rc < 0 ? -1 : 0;
}

int cmd_batch(const cli_opts *o)
{
	session s;
	buf out = BUF_INIT;
	char *line = malloc(BATCH_LINE_MAX + 1);
	char *work = malloc(BATCH_LINE_MAX + 1);
	char *blk = malloc(BATCH_BLOCK);
	acache *ans = NULL;
	size_t len = 0, bpos = 0, blen = 0;
	unsigned long lineno = 0;
	decimal num = { .start = sizeof(num.d) };
	int too_long = 0, eof = 0, status = EXIT_CLEAN;
	unsigned long failed = 0;       /* lines the index failed */

	/* Answers kept: a stream repeats pairs (a fleet's lockfiles share
	 * most crates), and a repeat is then a probe and a copy. */
	if (!line || !work || !blk ||
	    acache_new(&ans, BATCH_ANSWERS_MAX, BATCH_ANSWERS_BYTES) !=
	    ADVDB_OK) {
		cli_error("out of memory");
		status = EXIT_ERROR;
		goto out;
	}
	if (o->nargs) {
		cli_error("batch: reads stdin, takes no operands");
		status = EXIT_ERROR;
		goto out;
	}
	if (session_open(&s, o, SESSION_NO_CACHE) != EXIT_CLEAN) {
		status = EXIT_ERROR;
		goto out;
	}
	int incomplete = session_warn_incomplete(&s);
	while (status == EXIT_CLEAN) {
		qline g[BATCH_GROUP];
		size_t n = 0;

		/* Cut up to a group of whole lines out of what was read. A
		 * line over two blocks is put together in `line`; only the
		 * group's first line can be that one. */
		while (n < BATCH_GROUP) {
			if (bpos == blen) {
				if (eof) {
					if (len || too_long)    /* no newline */
						g[n++] = (qline){ line, len,
						                  too_long, 0, 0, 0 };
					len = 0;
					too_long = 0;
					break;
				}
				if (n)  /* answer what is whole before waiting */
					break;
				ssize_t r = fill(blk, BATCH_BLOCK);
				if (r < 0 && errno == EINTR)
					continue;
				if (r < 0) {
					cli_error("batch: cannot read stdin: %s",
					          strerror(errno));
					status = EXIT_ERROR;
					break;
				}
				bpos = 0;
				blen = (size_t)r;
				eof = r == 0;
				continue;
			}
			const char *p = blk + bpos, *ln = line;
			const char *nl = memchr(p, '\n', blen - bpos);
			size_t seg = nl ? (size_t)(nl - p) : blen - bpos;
			if (!nl && n)
				break;  /* it starts in `line`, which g[0] holds */
			bpos += seg + (nl ? 1 : 0);
			if (too_long || seg > BATCH_LINE_MAX - len) {
				too_long = 1;
			} else if (!len && nl) {
				ln = p; /* whole in the block: read it there */
				len = seg;
			} else {
				memcpy(line + len, p, seg);
				len += seg;
			}
			if (!nl)
				continue;       /* it goes on in the next block */
			g[n++] = (qline){ ln, len, too_long, 0, 0, 0 };
			len = 0;
			too_long = 0;
		}
		if (!n)
			break;
		for (size_t i = 0; i < n; i++) {
			qline *l = &g[i];
			if (l->too_long)
				continue;
			l->qn = question(&l->q, l->ln, l->len, lineno + 1 + i);
			if (l->qn)
				l->h = acache_hash(l->q, l->qn);
		}
		/* A line's slot is fetched BATCH_AHEAD_SLOT lines before it is
		 * answered, its entry (the slot read by then) BATCH_AHEAD_ENTRY
		 * lines before. */
		for (size_t i = 0; i < n && i < BATCH_AHEAD_SLOT; i++)
			if (g[i].qn)
				acache_prefetch(ans, g[i].h, 0);
		for (size_t i = 0; i < n && i < BATCH_AHEAD_ENTRY; i++)
			if (g[i].qn)
				acache_prefetch(ans, g[i].h, 1);
		for (size_t i = 0; i < n; i++) {
			size_t k = i + BATCH_AHEAD_SLOT, e = i + BATCH_AHEAD_ENTRY;
			if (k < n && g[k].qn)
				acache_prefetch(ans, g[k].h, 0);
			if (e < n && g[e].qn)
				acache_prefetch(ans, g[e].h, 1);
			int last = i + 1 == n && bpos == blen;
			decimal_inc(&num);
			if (answer_line(&out, ans, &s, ++lineno, &num, &g[i],
			                work) < 0)
				failed++;
			if ((o->line_buffered || out.len >= 64 * 1024 || last) &&
			    flush_out(&out, o->line_buffered || last) < 0) {
				cli_error("batch: cannot write stdout");
				status = EXIT_ERROR;
				break;
			}
		}
	}
	if (status == EXIT_CLEAN && flush_out(&out, 1) < 0) {
		cli_error("batch: cannot write stdout");
		status = EXIT_ERROR;
	}
	if (failed) {
		cli_error("batch: %lu %s could not be checked (a damaged index: "
		          "see the error answers)", failed,
		          failed == 1 ? "line" : "lines");
		status = EXIT_ERROR;
	}
	if (incomplete)
		status = EXIT_ERROR;
	session_close(&s);
out:
	acache_free(ans);
	buf_free(&out);
	free(work);
	free(line);
	free(blk);
	return status;
}
