/*
 * frontmatter.c — see frontmatter.h. Owns the split of an advisory file
 * into front matter, title and description, and the whole-file sanity
 * checks (size, UTF-8) that make the later stages safe.
 *
 * The cut points are the rustsec crate's (advisory/parts.rs), exactly:
 * the file starts with "```toml"; the front matter is everything from
 * there to the first "\n```", trimmed; the first non-blank text after
 * those three backticks must be "# " (so "``` # Title" is a title, and
 * "````" is not a fence followed by a title); the title runs to the next
 * line break, which must exist; the description is the rest, trimmed.
 * NUL bytes are valid UTF-8 and rustsec keeps them: they are left to the
 * caller (the TOML reader rejects them in the front matter).
 *
 * Every scan is bounded by len; nothing here allocates.
 */
#include "frontmatter.h"
#include "errbuf.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int fail(fm_error *err, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(fm_error *err, unsigned line, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	va_start(ap, fmt);
	errbuf_vset(err->msg, sizeof(err->msg), NULL, fmt, ap);
	va_end(ap);
	return -1;
}

size_t frontmatter_utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_seq_len(u + i, len - i);
		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

/* Rust's char::is_whitespace, so our trims cut where rustsec's do. */
static int is_uspace(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 ||
	       c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
	       c == 0x3000;
}

/* First index >= i that does not start a white-space character. The text
 * is known valid UTF-8 here. */
static size_t skip_space(const char *s, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp = 0;

	while (i < len) {
		size_t n = utf8_decode(u + i, len - i, &cp);
		if (n == 0 || !is_uspace(cp))
			break;
		i += n;
	}
	return i;
}

/* End of s[from..end) once trailing white space is removed. */
static size_t trim_end(const char *s, size_t from, size_t end)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp = 0;

	while (end > from) {
		size_t st = end - 1;
		while (st > from && (u[st] & 0xC0) == 0x80 && end - st < 4)
			st--;
		size_t n = utf8_decode(u + st, end - st, &cp);
		if (n != end - st || !is_uspace(cp))
			break;
		end = st;
	}
	return end;
}

/* 1-based line of offset off. */
static unsigned line_of(const char *s, size_t off)
{
	unsigned line = 1;
	const char *p = s, *end = s + off;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

/* Index just past the end of the line starting at i (after its '\n'),
 * and in *eol the index of the '\n' itself (len when none). */
static size_t next_line(const char *s, size_t len, size_t i, size_t *eol)
{
	const char *nl = memchr(s + i, '\n', len - i);

	*eol = nl ? (size_t)(nl - s) : len;
	return nl ? *eol + 1 : len;
}

static int check_file(const char *text, size_t len, fm_error *err)
{
	if (len == 0)
		return fail(err, 0, "empty file");
	if (len > FRONTMATTER_FILE_MAX)
		return fail(err, 0, "file is %zu bytes, more than the %u allowed",
		            len, (unsigned)FRONTMATTER_FILE_MAX);
	size_t ok = frontmatter_utf8_valid(text, len);
	if (ok != len) {
		size_t bol = ok;
		while (bol > 0 && text[bol - 1] != '\n')
			bol--;
		return fail(err, line_of(text, ok),
		            "invalid UTF-8 (byte 0x%02X at column %zu)",
		            (unsigned)(unsigned char)text[ok], ok - bol + 1);
	}
	return 0;
}

/* First "\n```" in text[from..len): the index of its '\n', or len. */
static size_t find_fence(const char *text, size_t len, size_t from)
{
	for (size_t p = from; p < len; p++) {
		const char *nl = memchr(text + p, '\n', len - p);
		if (!nl)
			break;
		p = (size_t)(nl - text);
		if (len - p >= 4 && memcmp(text + p + 1, "```", 3) == 0)
			return p;
	}
	return len;
}

int frontmatter_split(fm_parts *out, const char *text, size_t len,
                      fm_error *err)
{
	size_t eol;

	memset(out, 0, sizeof(*out));
	err->line = 0;
	err->msg[0] = '\0';
	if (check_file(text, len, err) < 0)
		return -1;

	/* Opening fence: the file starts with ```toml; whatever follows on
	 * that line already belongs to the front matter (rustsec's cut). */
	if (len < 7 || memcmp(text, "```toml", 7) != 0)
		return fail(err, 1, "expected \"```toml\" at the start of the "
		            "file (the front matter fence)");

	/* Closing fence: the first "\n```", wherever it is. */
	size_t close = find_fence(text, len, 7);
	if (close == len)
		return fail(err, 1, "front matter is never closed (no \"```\" "
		            "line after the opening \"```toml\")");
	size_t ts = skip_space(text, close, 7);
	size_t te = trim_end(text, ts, close);
	out->toml = text + ts;
	out->toml_len = te - ts;
	out->toml_line = line_of(text, ts);
	unsigned close_line = line_of(text, close + 1);

	/* Title: the first non-blank text after the three backticks must be
	 * "# ", even on the fence's own line. */
	size_t t = skip_space(text, len, close + 4);
	if (t == len)
		return fail(err, close_line, "no \"# Title\" heading after the "
		            "front matter");
	out->title_line = line_of(text, t);
	if (len - t < 2 || text[t] != '#' || text[t + 1] != ' ')
		return fail(err, out->title_line, "expected a \"# Title\" heading "
		            "after the front matter");
	size_t d = next_line(text, len, t, &eol);
	if (eol == len)
		return fail(err, out->title_line, "no line break after the "
		            "\"# Title\" heading (rustsec requires a body)");
	size_t tend = trim_end(text, t + 2, eol);
	out->title = text + t + 2;
	out->title_len = tend - (t + 2);

	/* Description: the rest, trimmed at both ends. */
	size_t ds = skip_space(text, len, d);
	size_t de = trim_end(text, ds, len);
	out->desc = text + ds;
	out->desc_len = de - ds;
	out->desc_line = ds < len ? line_of(text, ds) : out->title_line + 1;
	return 0;
}
