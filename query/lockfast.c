/*
 * lockfast.c — the fast Cargo.lock reader (see lockfast.h for what it
 * takes and the invariant it keeps: it declines, unchanged, whatever it
 * does not fully understand, and the general reader decides).
 *
 * One pass over the lines: a line is blank, a comment, a table header, or
 * one member of the table it is in, written exactly as Cargo writes it.
 * Strings are found sixteen bytes at a time (SSE2) and stop at the first
 * byte that is not plain printable ASCII: a quote ends the string,
 * anything else (backslash, control byte, DEL, byte >= 0x80, the NUL
 * padding past the end) declines. Each string is cut out in place as
 * it is read (its closing quote overwritten by a NUL, while its bytes
 * are at hand: a pass afterwards waited for them from memory), and a
 * version is checked then; a decline puts every quote back, so it
 * leaves the text as it was. Once the last line is read nothing
 * declines: only out of memory fails.
 *
 * Why the shape is enough for the general reader to agree: no escape, no
 * byte outside printable ASCII, one member per line with nothing after
 * its value, only the keys and tables below and each member at most once
 * per table (a bit set), [metadata] keys strictly increasing (so never
 * twice), [root] and [metadata] at most once, [root] before any
 * [[package]] (the general reader puts it first), `version` an integer
 * 1..4 before any table. Cargo writes all of that.
 */
#include "lockfast.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "version.h"

/* the quoted source of crates.io's git index, as Cargo writes it */
#define CIO_QUOTED "\"" CRATES_IO_GIT "\""

_Static_assert(LOCK_TEXT_PAD >= 32, "loads of 16 bytes, memcmp of 17");
_Static_assert(LOCK_TEXT_PAD >= sizeof(CIO_QUOTED), "memcmp of CIO_QUOTED");

/* The first byte at or after s that is not plain string text: '"', '\\',
 * a byte below 0x20, DEL, or a byte >= 0x80. The text ends with NUL
 * padding, so this stops at its end at the latest, and loads only bytes
 * of the text and its padding (a load starts at or before the end). */
static inline const char *plain_end(const char *s)
{
#if ASCII_SSE2
	for (unsigned bits;; s += 16)
		if ((bits = ascii_nonplain16(s)) != 0)
			return s + __builtin_ctz(bits);
#else
	while (ascii_is_plain((unsigned char)*s))
		s++;
	return s;
#endif
}

/* The end of a comment's text: the first byte below 0x20, DEL or >= 0x80
 * (quotes and backslashes are plain text in a comment). */
static inline const char *comment_end(const char *s)
{
	for (;; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f)
			return s;
	}
}

enum { IN_TOP, IN_PKG, IN_META };

/* members of a package table, as bits */
enum { M_NAME = 1, M_VERSION = 2, M_SOURCE = 4, M_CHECKSUM = 8,
       M_DEPS = 16, M_REPLACE = 32 };

typedef struct fast {
	const char *s, *e;          /* where we are; the text's end */
	unsigned line;
	lock_pkg *pkgs;
	size_t npkgs, cap;
	lock_texts tv;
	lock_meta *meta;
	size_t nmeta, metacap;
	unsigned members;           /* of the package table being read */
	int in;
	unsigned version;           /* top-level `version`, 0 when none */
	unsigned has_root : 1, has_meta : 1;
} fast;

/* The end of a line: '\n' (counted) or the end of the text. */
static int eol(fast *f)
{
	if (f->s == f->e)
		return 0;
	if (*f->s != '\n')
		return -1;
	f->s++;
	f->line++;
	return 0;
}

/* A "plain string" at f->s, into (*p, *n). Inline: once per string of
 * the file, and f->s stays in a register. */
static inline __attribute__((always_inline))
int str(fast *f, const char **p, size_t *n)
{
	const char *q;

	if (*f->s != '"')
		return -1;
	q = plain_end(f->s + 1);
	if (*q != '"')
		return -1;
	*p = f->s + 1;
	*n = (size_t)(q - (f->s + 1));
	f->s = q + 1;
	return 0;
}

/* Whether v[0..n) is a plain MAJOR.MINOR.PATCH: three numbers of 1-9
 * digits without a leading zero, which version_parse() always accepts
 * (schema/version.c: digits, no leading zero, below 2^64). Most versions
 * of a lockfile are; the rest go through version_parse(), which is ten
 * times the cost. */
static int plain_semver(const char *v, size_t n)
{
	const char *e = v + n;

	for (int part = 0; part < 3; part++) {
		const char *d = v;
		if (part) {
			if (v == e || *v != '.')
				return 0;
			d = ++v;
		}
		while (v < e && *v >= '0' && *v <= '9')
			v++;
		if (v == d || v - d > 9 || (*d == '0' && v - d > 1))
			return 0;
	}
	return v == e;
}

/* Cut the string at p, n bytes long, out of the text: its closing
 * quote becomes its NUL (undo_cuts puts it back). */
static inline void cut(const char *p, size_t n)
{
	((char *)(uintptr_t)p)[n] = '\0';
}

/* The end of a package table: Cargo always writes name and version,
 * non-empty (an empty one is the general reader's error). */
static int pkg_done(fast *f)
{
	const lock_pkg *p;

	if (f->in != IN_PKG)
		return 0;
	p = &f->pkgs[f->npkgs - 1];
	return (f->members & (M_NAME | M_VERSION)) == (M_NAME | M_VERSION) &&
	       p->name_len && p->version_len ? 0 : -1;
}

static int pkg_new(fast *f)
{
	if (f->npkgs >= LOCKFILE_PKGS_MAX ||
	    lock_grow((void **)&f->pkgs, &f->cap, f->npkgs,
	              sizeof(*f->pkgs)) < 0)
		return -1;
	memset(&f->pkgs[f->npkgs], 0, sizeof(f->pkgs[0]));
	f->pkgs[f->npkgs].line = f->line;
	f->npkgs++;
	f->members = 0;
	f->in = IN_PKG;
	return 0;
}

/* A table header line at f->s ('['). */
static int header(fast *f)
{
	const char *s = f->s;

	if (pkg_done(f) < 0)
		return -1;
	if (!memcmp(s, "[[package]]", 11)) {
		f->s += 11;
		if (pkg_new(f) < 0)
			return -1;
	} else if (!memcmp(s, "[root]", 6)) {
		/* v1: first (the general reader lists it first), once */
		if (f->has_root || f->npkgs)
			return -1;
		f->s += 6;
		if (pkg_new(f) < 0)
			return -1;
		f->has_root = 1;
	} else if (!memcmp(s, "[metadata]", 10)) {
		if (f->has_meta)
			return -1;
		f->s += 10;
		f->has_meta = 1;
		f->in = IN_META;
	} else {
		return -1;
	}
	return eol(f);
}

/* `dependencies = [` has been read, up to its newline. */
static int dep_list(fast *f, lock_pkg *p)
{
	if (eol(f) < 0)
		return -1;
	for (;;) {
		const char *v;
		size_t n;

		if (f->s[0] == ']') {
			f->s++;
			return eol(f);
		}
		if (f->s[0] != ' ' || f->s[1] != '"')
			return -1;
		f->s++;
		unsigned line = f->line;
		if (str(f, &v, &n) < 0 || *f->s != ',')
			return -1;
		f->s++;
		if (*f->s != '\n')
			return -1;      /* an array's end is never the file's */
		f->s++;
		f->line++;
		if (lock_texts_push(&f->tv, v, n, line) < 0)
			return -1;
		cut(v, n);
		p->ndep_list++;
	}
}

/* One member line of a package table. */
static int pkg_member(fast *f)
{
	lock_pkg *p = &f->pkgs[f->npkgs - 1];
	const char *s = f->s, **dst;
	size_t *dlen, ignored;
	unsigned bit;

#define KEY(lit) (!memcmp(s, lit, sizeof(lit) - 1) && \
                  (f->s = s + sizeof(lit) - 1, 1))
	if (KEY("name = ")) {
		bit = M_NAME; dst = &p->name; dlen = &p->name_len;
	} else if (KEY("version = ")) {
		bit = M_VERSION; dst = &p->version; dlen = &p->version_len;
	} else if (KEY("source = ")) {
		bit = M_SOURCE; dst = &p->source; dlen = &ignored;
	} else if (KEY("checksum = ")) {
		bit = M_CHECKSUM; dst = &p->checksum; dlen = &ignored;
	} else if (KEY("replace = ")) {
		bit = M_REPLACE; dst = &p->replace.p; dlen = &p->replace.n;
		p->replace.line = f->line;
	} else if (KEY("dependencies = [")) {
		if (f->members & M_DEPS)
			return -1;
		f->members |= M_DEPS;
		return dep_list(f, p);
	} else {
		return -1;
	}
#undef KEY
	if (f->members & bit)
		return -1;
	f->members |= bit;
	if (bit == M_SOURCE && !memcmp(f->s, CIO_QUOTED, sizeof(CIO_QUOTED) - 1)) {
		/* crates.io's git index, the source of most packages: plain
		 * text known in advance, read without a scan or a compare */
		p->source = f->s + 1;
		p->crates_io = 1;
		f->s += sizeof(CIO_QUOTED) - 1;
		cut(p->source, sizeof(CRATES_IO_GIT) - 1);
		return eol(f);
	}
	if (str(f, dst, dlen) < 0)
		return -1;
	/* Checked and cut out now, while its bytes are at hand (a pass
	 * over the packages afterwards waited for each from memory); a
	 * decline puts the quote back (undo_cuts). */
	if (bit == M_VERSION) {
		version v;
		if (!plain_semver(*dst, *dlen) &&
		    version_parse(&v, *dst, *dlen, NULL) < 0)
			return -1;
	} else if (bit == M_SOURCE) {
		p->crates_io = lockfile_source_is_crates_io_n(*dst, *dlen) ? 1 : 0;
	}
	cut(*dst, *dlen);
	return eol(f);
}

/* One `"key" = "value"` line of [metadata], keys strictly increasing. */
static int meta_member(fast *f)
{
	lock_meta m;

	if (str(f, &m.key, &m.klen) < 0 || memcmp(f->s, " = ", 3))
		return -1;
	f->s += 3;
	if (str(f, &m.val, &m.vlen) < 0 || eol(f) < 0)
		return -1;
	if (f->nmeta) {
		const lock_meta *l = &f->meta[f->nmeta - 1];
		size_t n = l->klen < m.klen ? l->klen : m.klen;
		int c = memcmp(l->key, m.key, n);
		if (c > 0 || (c == 0 && l->klen >= m.klen))
			return -1;
	}
	if (lock_grow((void **)&f->meta, &f->metacap, f->nmeta,
	              sizeof(*f->meta)) < 0)
		return -1;
	f->meta[f->nmeta++] = m;
	cut(m.key, m.klen);
	cut(m.val, m.vlen);
	return 0;
}

/* The lines of the text: 0 when all are of the shape, else -1. */
static int read_lines(fast *f)
{
	while (f->s < f->e) {
		switch (*f->s) {
		case '\n':
			f->s++;
			f->line++;
			continue;
		case '#':
			f->s = comment_end(f->s + 1);
			if (eol(f) < 0)
				return -1;
			continue;
		case '[':
			if (header(f) < 0)
				return -1;
			continue;
		default:
			break;
		}
		if (f->in == IN_PKG) {
			if (pkg_member(f) < 0)
				return -1;
		} else if (f->in == IN_META) {
			if (meta_member(f) < 0)
				return -1;
		} else {
			/* `version = N` before any table, once */
			if (f->version || memcmp(f->s, "version = ", 10) ||
			    f->s[10] < '1' || f->s[10] > '4')
				return -1;
			f->version = (unsigned)(f->s[10] - '0');
			f->s += 11;
			if (eol(f) < 0)
				return -1;
		}
	}
	return pkg_done(f);
}

static inline void uncut(const char *p, size_t n)
{
	((char *)(uintptr_t)p)[n] = '"';
}

/* A decline leaves the text as it was: every string read so far gets
 * its closing quote back (one read but not yet cut had it all along).
 * A plain string holds no NUL, so the first one of a source or a
 * checksum (whose lengths are not kept) is its cut. */
static void undo_cuts(const fast *f)
{
	for (size_t i = 0; i < f->npkgs; i++) {
		const lock_pkg *p = &f->pkgs[i];
		if (p->name)
			uncut(p->name, p->name_len);
		if (p->version)
			uncut(p->version, p->version_len);
		if (p->source)
			uncut(p->source, strlen(p->source));
		if (p->checksum)
			uncut(p->checksum, strlen(p->checksum));
		if (p->replace.p)
			uncut(p->replace.p, p->replace.n);
	}
	for (size_t i = 0; i < f->tv.n; i++)
		uncut(f->tv.v[i].p, f->tv.v[i].n);
	for (size_t i = 0; i < f->nmeta; i++) {
		uncut(f->meta[i].key, f->meta[i].klen);
		uncut(f->meta[i].val, f->meta[i].vlen);
	}
}

int lockfast_parse(lockfile *out, char *t, size_t len)
{
	fast f = { .s = t, .e = t + len, .line = 1 };
	lock_error err;

	memset(out, 0, sizeof(*out));
	if (len > LOCKFAST_SIZE_MAX)
		goto decline;
	/* Sized from the text as Cargo writes it: a package table takes
	 * ~250 bytes, and a file has 61-95 bytes of text per dependency
	 * entry (the bench's 63 lockfiles; an entry line is ~20, but each
	 * package's other lines come with its entries). Growing from small
	 * sizes was a tenth of the read, in realloc's copies; len / 16
	 * entries held 150 KB of a 100 KB file's heap for 25 KB used. */
	f.cap = len / 192 + 16;
	f.tv.cap = len / 40 + 64;
	f.pkgs = malloc(f.cap * sizeof(*f.pkgs));
	f.tv.v = malloc(f.tv.cap * sizeof(*f.tv.v));
	if (!f.pkgs || !f.tv.v || read_lines(&f) < 0 || f.npkgs == 0)
		goto decline;

	/* Known good (every version checked as it was read): from here on
	 * nothing declines. */
	out->format = f.version ? f.version
	              : f.has_root || f.has_meta ? 1 : 2;
	out->npkgs = f.npkgs;
	out->pkgs = f.pkgs;
	out->has_root = f.has_root;
	lock_texts_attach(out, &f.tv);
	if (lock_join_checksums(out, f.meta, f.nmeta, &err) < 0) {
		free(f.meta);
		lockfile_free(out);   /* frees pkgs and texts */
		free(t);
		return -1;
	}
	free(f.meta);
	out->text = t;
	return 1;
decline:
	undo_cuts(&f);
	free(f.pkgs);
	free(f.tv.v);
	free(f.meta);
	memset(out, 0, sizeof(*out));
	return 0;
}
