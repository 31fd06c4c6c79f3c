/*
 * test_accept.c — advdb accepts every advisory the rustsec crate loads.
 *
 *   - A randomized differential test: a seeded generator writes advisories
 *     in every form rustsec's Advisory::from_str accepts (with or without
 *     the [advisory] header, any key order, optional fields present or
 *     not, the four TOML string forms with every escape, arrays with
 *     trailing commas and comments, standard, dotted and inline tables
 *     for [affected] (TOML 1.1's multi-line ones too), CRLF,
 *     informational kinds, withdrawn, ...), knowing what each means; the
 *     reader must give back exactly that, field by field. Then the whole
 *     set, committed to a git repository, must compile into an index that
 *     holds every advisory (nothing lost), each found by id and by a
 *     vulnerable version. The seed is printed; ADVDB_SEED=N replays one.
 *   - The forms rustsec's types accept (ids, dates, URLs, sources,
 *     function paths), in tables of both directions.
 *   - The skipped list: its bytes (schema/skiplist.h) against damage, and
 *     a compile under --keep-going whose index lists what it skipped, an
 *     update that reads the skipped files again, and libadvdb's view.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <git2.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advdb.h"
#include "advisory.h"
#include "advisory_int.h"
#include "compile.h"
#include "skiplist.h"
#include "testlib.h"
#include "writer.h"
#include "advdb_check.h"

/* ---- a seeded generator ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static unsigned pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static int coin(void)
{
	return (int)(rnd() & 1);
}

static uint64_t seed_from_env(void)
{
	const char *s = getenv("ADVDB_SEED");
	return s && *s ? strtoull(s, NULL, 10) : 20261204ull;
}

/* A growing text. */
typedef struct sb {
	char *p;
	size_t n, cap;
} sb;

static void sb_add(sb *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_put(sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_fmt(sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sb_fmt(sb *b, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(tmp));
	sb_add(b, tmp, (size_t)n);
}

/* A quoted key: a basic or literal string (never multi-line). */
static void toml_key(sb *b, const char *k)
{
	if (coin() && !strchr(k, '\'')) {
		sb_put(b, "'");
		sb_put(b, k);
		sb_put(b, "'");
		return;
	}
	sb_put(b, "\"");
	for (const char *p = k; *p; p++) {
		if (*p >= 'a' && *p <= 'z' && !pick(8))
			sb_fmt(b, "\\u%04x", *p);
		else
			sb_add(b, p, 1);
	}
	sb_put(b, "\"");
}

/* One string value in a random TOML form that can hold it. */
static void toml_str(sb *b, const char *v)
{
	int has_nl = strchr(v, '\n') != NULL;
	int has_ctl = 0, has_apos = strchr(v, '\'') != NULL;

	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7F)
			has_ctl = 1;
	unsigned form = pick(4);
	if (form == 1 && (has_nl || has_ctl || has_apos))
		form = 0;
	/* A raw newline inside a multi-line string is left out: whether a
	 * CRLF there reads as LF is the one point where TOML parsers may
	 * differ (the spec lets them normalise). */
	if (form == 3 && (has_ctl || has_nl || strstr(v, "'''") ||
	                  v[0] == '\'' ||
	                  (*v && v[strlen(v) - 1] == '\'')))
		form = 2;
	if (form == 2 && *v && v[strlen(v) - 1] == '"')
		form = 0;
	switch (form) {
	case 1:                     /* literal */
		sb_put(b, "'");
		sb_put(b, v);
		sb_put(b, "'");
		return;
	case 3:                     /* multi-line literal */
		sb_put(b, coin() ? "'''\n" : "'''");
		sb_put(b, v);
		sb_put(b, "'''");
		return;
	default:
		break;
	}
	int multi = form == 2;
	sb_put(b, multi ? (coin() ? "\"\"\"\n" : "\"\"\"") : "\"");
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			char e[3] = { '\\', (char)c, 0 };
			sb_put(b, e);
		} else if (c < 0x20 || c == 0x7F) {
			static const char *const named[] = { [8] = "\\b", [9] = "\\t",
			                                     [10] = "\\n", [12] = "\\f",
			                                     [13] = "\\r" };
			if (c < 14 && named[c] && coin())
				sb_put(b, named[c]);
			else if (c == 0x1B && coin())
				sb_put(b, "\\e");          /* TOML 1.1 */
			else
				sb_fmt(b, coin() ? "\\u%04X" : "\\U%08x", c);
		} else if (c == ' ' && multi && p[1] && p[1] != ' ' && !pick(3)) {
			/* a line-ending backslash eats the newline and indent */
			sb_put(b, " \\\n    ");
		} else if (c >= 'a' && c <= 'z' && !pick(8)) {
			sb_fmt(b, coin() ? "\\u%04x" : "\\x%02x", c); /* \x: TOML 1.1 */
		} else if (c >= 0xC0) {  /* a whole UTF-8 character, maybe as \u */
			unsigned len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			uint32_t cp = c & (0xFF >> (len + 1));
			for (unsigned k = 1; k < len; k++)
				cp = (cp << 6) | (p[k] & 0x3F);
			if (coin())
				sb_fmt(b, cp > 0xFFFF ? "\\U%08X" : "\\u%04X", cp);
			else
				sb_add(b, (const char *)p, len);
			p += len - 1;
		} else {
			sb_add(b, (const char *)p, 1);
		}
	}
	sb_put(b, multi ? "\"\"\"" : "\"");
}

#define LMAX 5
typedef struct slist {
	const char *v[LMAX];
	unsigned n;
} slist;

/* An array of strings: one line or several, comments, trailing comma. */
static void toml_arr(sb *b, const slist *l)
{
	int lines = coin(), trailing = coin();

	sb_put(b, "[");
	for (unsigned i = 0; i < l->n; i++) {
		sb_put(b, lines ? "\n  " : i ? " " : "");
		if (lines && !pick(4))
			sb_put(b, "# a comment inside\n  ");
		toml_str(b, l->v[i]);
		if (i + 1 < l->n || trailing)
			sb_put(b, ",");
	}
	sb_put(b, lines ? "\n]" : "]");
}

/* What an advisory means, as the generator wrote it. */
typedef struct fn_want {
	char path[80];
	slist reqs;
} fn_want;

typedef struct range_want {
	const char *introduced, *fixed;     /* NULL: unbounded */
} range_want;

typedef struct want {
	char id[32], package[40], date[11], withdrawn[11];
	const char *url, *informational, *cvss, *license;
	char title[160], desc[400];
	slist aliases, related, categories, keywords, references, patched,
	      unaffected, os, arch;
	fn_want fn[3];
	unsigned nfn;
	int expect_deleted, info, severity;
	unsigned cvss10;
	range_want ranges[3];
	unsigned nranges;
	unsigned warnings;                  /* the parse must give these */
	char lookup[16];                    /* a vulnerable version */
	char path[96], *text;
	size_t len;
} want;

static const char *const titles[] = {
	"Memory corruption in `parse`", "Use-after-free \"on drop\"",
	"Denial of service via crafted input", "Caf\xc3\xa9 escapes \\ and \\n",
	"Panics on 'unexpected' data", "\xe6\x97\xa5\xe6\x9c\xac and emoji "
	"\xf0\x9f\xa6\x80", "  Leading spaces are kept", "Trailing tab\t"
};
static const char *const words[] = {
	"ssl", "rce", "xss", "memory", "d\xc3\xa9j\xc3\xa0", "it's", "\"quoted\"",
	"back\\slash", "tab\there", "line\nbreak", "unicode \xe2\x9c\x93", "",
	"esc\x1b[0m"
};
static const char *const cats[] = {
	"code-execution", "crypto-failure", "denial-of-service",
	"file-disclosure", "format-injection", "malicious",
	"memory-corruption", "memory-exposure", "privilege-escalation",
	"thread-safety"
};
static const char *const oses[] = { "linux", "windows", "macos", "freebsd",
                                    "android" };
static const char *const arches[] = { "x86", "x86_64", "aarch64", "arm",
                                      "wasm32", "riscv64" };
static const struct { const char *v; unsigned s10; int sev; } vectors[] = {
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98, ADV_SEV_CRITICAL },
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:L", 37, ADV_SEV_LOW },
	{ "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 55, ADV_SEV_MEDIUM },
};
static const char *const refs[] = {
	"https://github.com/rust-lang/rust/issues/1", "https://example.com/a?b=c#d",
	"http://example.org/plain", "https://[::1]:8443/x", "mailto:sec@example.com"
};

/* [versions] templates with the ranges they mean. */
static const struct {
	slist patched, unaffected;
	range_want r[3];
	unsigned nr;
	const char *lookup;
} vers[] = {
	{ { { ">= 1.2.3" }, 1 }, { { 0 }, 0 }, { { NULL, "1.2.3" } }, 1, "1.2.2" },
	{ { { ">= 1.2.3", "^0.9.5" }, 2 }, { { 0 }, 0 },
	  { { NULL, "0.9.5" }, { "0.10.0-0", "1.2.3" } }, 2, "0.10.1" },
	{ { { 0 }, 0 }, { { 0 }, 0 }, { { NULL, NULL } }, 1, "3.1.4" },
	{ { { ">= 2.0.0" }, 1 }, { { "< 1.0.0" }, 1 }, { { "1.0.0", "2.0.0" } },
	  1, "1.5.0" },
	{ { { "~1.4.2", ">=1.5.0" }, 2 }, { { 0 }, 0 },
	  { { NULL, "1.4.2" }, { "1.5.0-0", "1.5.0" } }, 2, "1.3.9" },
	{ { { "^0.3.1" }, 1 }, { { "=0.1.0", "< 0.0.5" }, 2 },
	  { { "0.0.5", "0.1.0" }, { "0.1.1-0", "0.3.1" }, { "0.4.0-0", NULL } },
	  3, "0.2.0" },
};

static void set_list(slist *l, const char *const *from, unsigned nfrom,
                     unsigned max)
{
	l->n = pick(max + 1);
	for (unsigned i = 0; i < l->n; i++)
		l->v[i] = from[pick(nfrom)];
}

/* Emit "key = value" (TOML) of the [advisory] fields, in random order. */
enum { K_ID, K_PKG, K_DATE, K_ALIASES, K_RELATED, K_CATS, K_KEYWORDS,
       K_CVSS, K_INFO, K_REFS, K_URL, K_WITHDRAWN, K_LICENSE, K_EXPECT,
       K_TITLE, K_NKEYS };

static void emit_key(sb *b, want *w, int k, char (*aliases)[32],
                     int withdrawn_basic)
{
	const char *nl = "\n";

	switch (k) {
	case K_ID: sb_put(b, "id = "); toml_str(b, w->id); break;
	case K_PKG: sb_put(b, coin() ? "package = " : "\"package\" = ");
		toml_str(b, w->package); break;
	case K_DATE: sb_put(b, "date = "); toml_str(b, w->date); break;
	case K_ALIASES:
		if (!w->aliases.n && coin())
			return;
		sb_put(b, "aliases = ");
		toml_arr(b, &w->aliases);
		break;
	case K_RELATED:
		if (!w->related.n && coin())
			return;
		sb_put(b, "related = ");
		toml_arr(b, &w->related);
		break;
	case K_CATS:
		if (!w->categories.n && coin())
			return;
		sb_put(b, "categories = ");
		toml_arr(b, &w->categories);
		break;
	case K_KEYWORDS:
		if (!w->keywords.n && coin())
			return;
		sb_put(b, "keywords = ");
		toml_arr(b, &w->keywords);
		break;
	case K_CVSS:
		if (!w->cvss)
			return;
		sb_put(b, "cvss = ");
		toml_str(b, w->cvss);
		break;
	case K_INFO:
		if (!w->informational)
			return;
		sb_put(b, "informational = ");
		toml_str(b, w->informational);
		break;
	case K_REFS:
		if (!w->references.n && coin())
			return;
		sb_put(b, "references = ");
		toml_arr(b, &w->references);
		break;
	case K_URL:
		if (!w->url)
			return;
		sb_put(b, "url = ");
		toml_str(b, w->url);
		break;
	case K_WITHDRAWN:
		if (!w->withdrawn[0])
			return;
		sb_put(b, "withdrawn = ");
		if (withdrawn_basic) {       /* jiff's basic form: a warning */
			char basic[9];
			memcpy(basic, w->withdrawn, 4);
			memcpy(basic + 4, w->withdrawn + 5, 2);
			memcpy(basic + 6, w->withdrawn + 8, 2);
			basic[8] = '\0';
			toml_str(b, basic);
		} else {
			toml_str(b, w->withdrawn);
		}
		break;
	case K_LICENSE:
		if (!w->license)
			return;
		sb_put(b, "license = ");
		toml_str(b, w->license);
		break;
	case K_EXPECT:
		if (!w->expect_deleted && coin())
			return;
		sb_fmt(b, "expect-deleted = %s", w->expect_deleted ? "true"
		                                                    : "false");
		break;
	case K_TITLE:                   /* allowed when empty */
		if (pick(6))
			return;
		sb_put(b, coin() ? "title = \"\"" : "description = ''");
		break;
	}
	(void)aliases;
	if (!pick(5))
		sb_put(b, "   # trailing comment");
	sb_put(b, nl);
}

static void emit_affected(sb *b, const want *w)
{
	if (!w->os.n && !w->arch.n && !w->nfn && coin())
		return;
	int style = (int)pick(3);   /* [affected] + [affected.functions],
	                               inline functions, dotted keys */
	sb_put(b, "\n[affected]\n");
	if (w->os.n || coin()) {
		sb_put(b, "os = ");
		toml_arr(b, &w->os);
		sb_put(b, "\n");
	}
	if (w->arch.n || coin()) {
		sb_put(b, "arch = ");
		toml_arr(b, &w->arch);
		sb_put(b, "\n");
	}
	if (!w->nfn)
		return;
	if (style == 1) {
		/* TOML 1.1 (the toml crate 1.x): an inline table may span lines,
		 * hold comments and end in a comma */
		int multi = coin();
		sb_put(b, multi ? "functions = {\n  # TOML 1.1\n  " : "functions = { ");
		for (unsigned i = 0; i < w->nfn; i++) {
			if (i)
				sb_put(b, multi ? ",\n  " : ", ");
			toml_key(b, w->fn[i].path);
			sb_put(b, " = ");
			toml_arr(b, &w->fn[i].reqs);
		}
		sb_put(b, multi ? ",\n}\n" : " }\n");
	} else if (style == 2) {
		for (unsigned i = 0; i < w->nfn; i++) {
			sb_put(b, "functions.");
			toml_key(b, w->fn[i].path);
			sb_put(b, " = ");
			toml_arr(b, &w->fn[i].reqs);
			sb_put(b, "\n");
		}
	} else {
		sb_put(b, "\n[affected.functions]\n");
		for (unsigned i = 0; i < w->nfn; i++) {
			toml_key(b, w->fn[i].path);
			sb_put(b, " = ");
			toml_arr(b, &w->fn[i].reqs);
			sb_put(b, "\n");
		}
	}
}

static void emit_versions(sb *b, const want *w)
{
	sb_put(b, "\n[versions]\n");
	int up = coin();
	if (up && (w->unaffected.n || coin())) {
		sb_put(b, "unaffected = ");
		toml_arr(b, &w->unaffected);
		sb_put(b, "\n");
	}
	sb_put(b, "patched = ");
	toml_arr(b, &w->patched);
	sb_put(b, "\n");
	if (!up && (w->unaffected.n || coin())) {
		sb_put(b, "unaffected = ");
		toml_arr(b, &w->unaffected);
		sb_put(b, "\n");
	}
}

/* Advisory number i of the set: its meaning in *w and its file text. */
static void generate(want *w, unsigned i, unsigned npkg)
{
	static char aliases[LMAX][32], related[LMAX][32];
	static char fnames[3][80];
	sb b = { 0 };
	unsigned year = 2000 + pick(101);

	memset(w, 0, sizeof(*w));
	unsigned pk = pick(npkg);
	snprintf(w->package, sizeof(w->package), "%s%u%s",
	         pk % 3 == 0 ? "pkg-" : pk % 3 == 1 ? "pkg_" : "pkg", pk,
	         pk % 5 == 0 ? "-sys" : "");
	snprintf(w->date, sizeof(w->date), "%04u-%02u-%02u", year,
	         1 + pick(12), 1 + pick(28));
	unsigned idk = pick(10);
	if (idk < 7)
		snprintf(w->id, sizeof(w->id), "RUSTSEC-%04u-%04u", year, i);
	else if (idk < 9)
		snprintf(w->id, sizeof(w->id), "CVE-%04u-%u", 2000 + pick(101),
		         10000 + i);
	else
		snprintf(w->id, sizeof(w->id), "GHSA-%04x-%04x-%04x", i & 0xffff,
		         (unsigned)pick(0xffff), (unsigned)pick(0xffff));
	snprintf(w->path, sizeof(w->path), "crates/%s/%s.md", w->package, w->id);

	w->aliases.n = pick(3);
	for (unsigned k = 0; k < w->aliases.n; k++) {
		snprintf(aliases[k], sizeof(aliases[k]), coin() ? "CVE-%u-%u"
		         : "GHSA-%u-zzzz-%u", 2000 + pick(100), 1000 + pick(9000));
		w->aliases.v[k] = aliases[k];
	}
	w->related.n = pick(2);
	for (unsigned k = 0; k < w->related.n; k++) {
		snprintf(related[k], sizeof(related[k]), "RUSTSEC-%u-%04u",
		         2000 + pick(101), pick(10000));
		w->related.v[k] = related[k];
	}
	set_list(&w->categories, cats, 10, 3);
	set_list(&w->keywords, words, sizeof(words) / sizeof(words[0]), 4);
	set_list(&w->references, refs, sizeof(refs) / sizeof(refs[0]), 3);
	if (coin()) {
		unsigned v = pick(3);
		w->cvss = vectors[v].v;
		w->cvss10 = vectors[v].s10;
		w->severity = vectors[v].sev;
	}
	unsigned inf = pick(6);
	static const char *const infos[] = { "unmaintained", "unsound",
	                                     "notice" };
	if (inf < 3) {
		w->informational = infos[inf];
		w->info = (int)inf + 1;
	}
	if (coin())
		w->url = refs[pick(2)];
	if (!pick(4))
		snprintf(w->withdrawn, sizeof(w->withdrawn), "%04u-%02u-%02u",
		         2000 + pick(101), 1 + pick(12), 1 + pick(28));
	static const char *const lic[] = { "CC0-1.0", "CC-BY-4.0" };
	if (coin())
		w->license = lic[pick(2)];
	w->expect_deleted = !pick(5);
	unsigned vt = pick(sizeof(vers) / sizeof(vers[0]));
	w->patched = vers[vt].patched;
	w->unaffected = vers[vt].unaffected;
	memcpy(w->ranges, vers[vt].r, sizeof(w->ranges));
	w->nranges = vers[vt].nr;
	snprintf(w->lookup, sizeof(w->lookup), "%s", vers[vt].lookup);
	set_list(&w->os, oses, 5, 2);
	set_list(&w->arch, arches, 6, 2);
	w->nfn = pick(3);
	for (unsigned k = 0; k < w->nfn; k++) {
		char crate[40];
		snprintf(crate, sizeof(crate), "%s", w->package);
		for (char *p = crate; *p; p++)
			if (*p == '-')
				*p = '_';
		snprintf(fnames[k], sizeof(fnames[k]), "%s::m%u::<T>::f%u", crate,
		         k, pick(100));
		memcpy(w->fn[k].path, fnames[k], strlen(fnames[k]) + 1);
		static const char *const freqs[] = { "< 1.2.3", ">= 0.1, < 0.9",
		                                     "1.*", "=0.3.1", "*" };
		set_list(&w->fn[k].reqs, freqs, 5, 2);
	}
	snprintf(w->title, sizeof(w->title), "%s", titles[pick(8)]);
	snprintf(w->desc, sizeof(w->desc), "Paragraph %u.\n\n- a list\n- with "
	         "`code`\n\n```rust\nlet x = 1;\n```", i);

	/* The front matter: header or not, keys in random order. */
	int header = pick(4) != 0, withdrawn_basic = w->withdrawn[0] && !pick(4);
	sb_put(&b, "```toml");
	sb_put(&b, pick(3) ? "\n" : "   \n");
	if (!header && coin())
		sb_put(&b, "# this front matter has no [advisory] header\n\n");
	else if (coin())
		sb_put(&b, "\n  \n");
	if (header)
		sb_put(&b, coin() ? "[advisory]\n" : "[advisory]   # the header\n");
	int order[K_NKEYS];
	for (int k = 0; k < K_NKEYS; k++)
		order[k] = k;
	for (int k = K_NKEYS - 1; k > 0; k--) {
		int j = (int)pick((unsigned)k + 1), t = order[k];
		order[k] = order[j];
		order[j] = t;
	}
	for (int k = 0; k < K_NKEYS; k++)
		emit_key(&b, w, order[k], aliases, withdrawn_basic);
	if (coin()) {
		emit_versions(&b, w);
		emit_affected(&b, w);
	} else {
		emit_affected(&b, w);
		emit_versions(&b, w);
	}
	/* the title may even follow the closing fence on its line */
	sb_put(&b, pick(5) ? pick(3) ? "```\n" : "```\n\n\n" : "``` ");
	sb_put(&b, "# ");
	sb_put(&b, w->title);
	sb_put(&b, coin() ? "\n\n" : "   \n");
	sb_put(&b, w->desc);
	sb_put(&b, coin() ? "\n" : "\n\n  \n");

	/* What it must warn about: the missing header, a date in another
	 * form. Trailing white space of the title is not part of it. */
	w->warnings = !header + withdrawn_basic;
	size_t tl = strlen(w->title);
	while (tl && (w->title[tl - 1] == ' ' || w->title[tl - 1] == '\t'))
		w->title[--tl] = '\0';

	/* CRLF line endings, now and then: TOML reads them as LF inside
	 * multi-line strings; the description keeps them. */
	if (!pick(6)) {
		sb c = { 0 };
		for (size_t k = 0; k < b.n; k++) {
			if (b.p[k] == '\n')
				sb_put(&c, "\r");
			sb_add(&c, b.p + k, 1);
		}
		free(b.p);
		b = c;
		sb d = { 0 };
		for (const char *p = w->desc; *p; p++) {
			if (*p == '\n')
				sb_put(&d, "\r");
			sb_add(&d, p, 1);
		}
		snprintf(w->desc, sizeof(w->desc), "%s", d.p);
		free(d.p);
	}
	w->text = b.p;
	w->len = b.n;
}

/* ---- checking a record against what was meant ---- */

static int failures;

#define CHECK(cond, ...)                                                  \
	do {                                                                  \
		if (!(cond)) {                                                    \
			print_error(__VA_ARGS__);                                     \
			failures++;                                                   \
		}                                                                 \
	} while (0)

static void check_str(const want *w, const char *what, const char *got,
                      const char *exp)
{
	if (!exp)
		CHECK(!got, "%s: %s: got \"%s\", want none\n", w->path, what, got);
	else
		CHECK(got && !strcmp(got, exp), "%s: %s: got \"%s\", want "
		      "\"%s\"\n", w->path, what, got ? got : "(none)", exp);
}

static void check_list(const want *w, const char *what, const strlist *got,
                       const slist *exp)
{
	CHECK(got->n == exp->n, "%s: %s: %u entries, want %u\n", w->path, what,
	      got->n, exp->n);
	for (uint32_t i = 0; i < got->n && i < exp->n; i++)
		check_str(w, what, got->v[i], exp->v[i]);
}

static void check_ranges(const want *w, const adv_record *r)
{
	char a[64], b[64];

	CHECK(r->nranges == w->nranges, "%s: %u ranges, want %u\n", w->path,
	      r->nranges, w->nranges);
	for (uint32_t i = 0; i < r->nranges && i < w->nranges; i++) {
		const range *g = &r->ranges[i];
		a[0] = b[0] = '\0';
		if (g->has_introduced)
			version_format(&g->introduced, a, sizeof(a));
		if (g->has_fixed)
			version_format(&g->fixed, b, sizeof(b));
		check_str(w, "introduced", g->has_introduced ? a : NULL,
		          w->ranges[i].introduced);
		check_str(w, "fixed", g->has_fixed ? b : NULL, w->ranges[i].fixed);
	}
}

static void check_record(const want *w, const adv_record *r)
{
	check_str(w, "id", r->id, w->id);
	check_str(w, "package", r->package, w->package);
	check_str(w, "date", r->date, w->date);
	check_str(w, "withdrawn", r->withdrawn, w->withdrawn[0] ? w->withdrawn
	                                                        : NULL);
	check_str(w, "url", r->url, w->url);
	check_str(w, "title", r->title, w->title);
	check_str(w, "description", r->description, w->desc);
	check_str(w, "license", r->license, w->license);
	check_str(w, "informational", r->informational, w->informational);
	check_str(w, "cvss", r->cvss, w->cvss);
	check_list(w, "aliases", &r->aliases, &w->aliases);
	check_list(w, "related", &r->related, &w->related);
	check_list(w, "categories", &r->categories, &w->categories);
	check_list(w, "keywords", &r->keywords, &w->keywords);
	check_list(w, "references", &r->references, &w->references);
	check_list(w, "patched", &r->patched, &w->patched);
	check_list(w, "unaffected", &r->unaffected, &w->unaffected);
	check_list(w, "os", &r->os, &w->os);
	check_list(w, "arch", &r->arch, &w->arch);
	CHECK(r->info == w->info, "%s: info %u, want %d\n", w->path, r->info,
	      w->info);
	CHECK(r->cvss_score10 == w->cvss10 && r->severity == w->severity,
	      "%s: cvss %u/%u, want %u/%d\n", w->path, r->cvss_score10,
	      r->severity, w->cvss10, w->severity);
	CHECK(r->expect_deleted == w->expect_deleted, "%s: expect-deleted\n",
	      w->path);
	CHECK(r->collection == ADV_CRATES, "%s: collection\n", w->path);
	CHECK(r->nfunctions == w->nfn, "%s: %u functions, want %u\n", w->path,
	      r->nfunctions, w->nfn);
	for (uint32_t i = 0; i < r->nfunctions && i < w->nfn; i++) {
		check_str(w, "function", r->functions[i].path, w->fn[i].path);
		check_list(w, "function reqs", &r->functions[i].reqs,
		           &w->fn[i].reqs);
	}
	check_ranges(w, r);
}

static void dump_diags(const want *w, const diag_list *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_error("  %s%s\n", d->v[i].level == DIAG_WARNING ? "warning: "
		                                                       : "",
		            d->v[i].text);
	print_error("---- %s (seed %" PRIu64 ") ----\n%.*s\n----\n", w->path,
	            seed_from_env(), (int)w->len, w->text);
}

#define NPARSE 4000

static void test_accept__random_forms_parse(void **state)
{
	want w;
	unsigned headerless = 0, crlf = 0;

	(void)state;
	rng_state = seed_from_env();
	print_message("# seed %" PRIu64 " (ADVDB_SEED to replay)\n",
	              rng_state);
	failures = 0;
	for (unsigned i = 0; i < NPARSE && failures < 20; i++) {
		generate(&w, i, 400);
		advisory *a = NULL;
		diag_list d;
		diag_init(&d);
		int before = failures;
		int rc = advisory_parse(&a, "rustsec", w.path, w.text, w.len, &d);
		CHECK(rc == 0 && a, "%s: refused\n", w.path);
		CHECK(d.errors == 0 && d.warnings == w.warnings,
		      "%s: %zu errors, %zu warnings, want 0 and %u\n", w.path,
		      d.errors, d.warnings, w.warnings);
		if (a)
			check_record(&w, advisory_record(a));
		if (failures != before)
			dump_diags(&w, &d);
		headerless += w.warnings && !w.withdrawn[0];
		crlf += strstr(w.text, "\r\n") != NULL;
		advisory_free(a);
		diag_free(&d);
		free(w.text);
	}
	print_message("# %u advisories, %u without header (at least), %u CRLF\n",
	              NPARSE, headerless, crlf);
	assert_int_equal(failures, 0);
	assert_true(headerless > NPARSE / 10 && crlf > NPARSE / 10);
}

typedef struct repo_fix {
	tl_repo r;
	char db[112];
} repo_fix;

static int repo_setup(void **state)
{
	repo_fix *f = calloc(1, sizeof(*f));

	if (!f || tl_repo_init(&f->r, "test_accept") < 0)
		return -1;
	snprintf(f->db, sizeof(f->db), "%s.lmdb", f->r.dir);
	*state = f;
	return 0;
}

static int repo_teardown(void **state)
{
	repo_fix *f = *state;

	if (!f)
		return 0;
	tl_repo_free(&f->r);
	unlink(f->db);
	free(f);
	return 0;
}

/* Compile HEAD of the fixture into its db (an update when update); the
 * diagnostics into d (the caller frees). Commits when there is no error. */
static void compile_head(repo_fix *f, int update, int keep_going,
                         diag_list *d)
{
	compile_opts o = { .source = "rustsec", .label = f->r.dir,
	                   .keep_going = keep_going };
	gitsrc *g = NULL;
	writer *w = NULL;
	char err[512] = "", prev[41];

	diag_init(d);
	if (gitsrc_open(&g, f->r.dir, NULL, err, sizeof(err)) < 0)
		fail_msg("gitsrc_open: %s", err);
	if (writer_open(&w, f->db, err, sizeof(err)) < 0)
		fail_msg("writer_open: %s", err);
	int full = 1;
	if (update) {
		assert_int_equal(writer_load_previous(w, "rustsec", prev, err,
		                                      sizeof(err)), 0);
		full = compile_changes(&o, g, w, prev, d);
	}
	if (full)
		assert_int_equal(compile_full(&o, g, w, d), 0);
	if (!d->errors) {
		assert_int_equal(writer_set_source(w, "rustsec", gitsrc_commit(g),
		                                   gitsrc_commit_time(g)), 0);
		if (writer_commit(w, NULL, err, sizeof(err)) < 0)
			fail_msg("writer_commit: %s", err);
	}
	writer_close(w);
	gitsrc_close(g);
}

#define NSET 600

static void test_accept__random_set_compiles_whole(void **state)
{
	repo_fix *f = *state;
	want *w = calloc(NSET, sizeof(*w));
	tl_file *files = calloc(NSET, sizeof(*files));
	char c1[41];
	diag_list d;
	advdb *db = NULL;
	advdb_info info = ADVDB_INFO_INIT;

	assert_non_null(w);
	assert_non_null(files);
	rng_state = seed_from_env() ^ 0x5555;
	failures = 0;
	for (unsigned i = 0; i < NSET; i++) {
		generate(&w[i], i, 150);
		files[i] = (tl_file){ w[i].path, 0, w[i].text };
	}
	tl_commit(f->r.repo, files, NSET, NULL, "HEAD", 1700000000, c1);
	compile_head(f, 0, 0, &d);
	for (size_t i = 0; i < d.n && d.errors; i++)
		print_error("%s\n", d.v[i].text);
	assert_int_equal(d.errors, 0);
	diag_free(&d);

	char err[512];
	advdb_pass_msg(err, advdb_open(&db, f->db, 0, err, sizeof(err)));
	advdb_pass(db, advdb_info_get(&info, db));
	assert_int_equal(info.advisory_count, NSET);      /* nothing lost */
	assert_int_equal(info.skipped_count, 0);
	for (unsigned i = 0; i < NSET && failures < 20; i++) {
		advdb_advisory *a = NULL;
		int rc = advdb_advisory_get(&a, db, w[i].id);
		CHECK(rc == ADVDB_OK, "%s: not in the index\n", w[i].id);
		if (rc != ADVDB_OK)
			continue;
		check_str(&w[i], "package",
		          advdb_advisory_field(a, ADVDB_F_PACKAGE), w[i].package);
		check_str(&w[i], "title", advdb_advisory_field(a, ADVDB_F_TITLE),
		          w[i].title);
		check_str(&w[i], "date", advdb_advisory_field(a, ADVDB_F_DATE),
		          w[i].date);
		CHECK(advdb_advisory_list_len(a, ADVDB_L_PATCHED) ==
		      w[i].patched.n, "%s: patched\n", w[i].id);
		advdb_advisory_free(a);

		/* found by a vulnerable version (withdrawn ones too) */
		advdb_match m[64];
		size_t n = 0;
		advdb_query q = { .version = ADVDB_QUERY_VERSION,
	                     .flags = ADVDB_Q_WITHDRAWN };
		advdb_pass(db, advdb_lookup(m, 64, &n, db, w[i].package,
		                            w[i].lookup, &q));
		int found = 0;
		for (size_t k = 0; k < n; k++)
			found |= !strcmp(m[k].id, w[i].id);
		CHECK(found, "%s: %s@%s does not find it\n", w[i].id,
		      w[i].package, w[i].lookup);
	}
	advdb_close(db);
	for (unsigned i = 0; i < NSET; i++)
		free(w[i].text);
	free(w);
	free(files);
	assert_int_equal(failures, 0);
}

/* ---- the forms of rustsec's types ---- */

static void test_accept__ids(void **state)
{
	static const char *const good[] = {
		"RUSTSEC-2020-0001", "RUSTSEC-2100-4294967295", "RUSTSEC-+2020-+1",
		"RUSTSEC-02020-0", "CVE-2000-1", "TALOS-2017-0468", "GHSA-anything",
		"GHSA-", "Anonymous-42", "", ADVISORY_PLACEHOLDER_ID,
	};
	static const char *const bad[] = {
		"RUSTSEC-1999-0001", "RUSTSEC-2101-0001", "RUSTSEC-2020",
		"RUSTSEC-2020-", "RUSTSEC-2020-1-2", "RUSTSEC-20x0-1",
		"RUSTSEC-2020-4294967296", "RUSTSEC-2020-+", "RUSTSEC--2020-1",
		"CVE-abc-1", "TALOS-2017", "RUSTSEC-", "CVE-2020--1",
	};
	adv_id id;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (adv_id_parse(&id, good[i], strlen(good[i]), &why) != 0)
			fail_msg("refused id \"%s\": %s", good[i], why);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (adv_id_parse(&id, bad[i], strlen(bad[i]), &why) == 0)
			fail_msg("accepted id \"%s\"", bad[i]);
	assert_int_equal(adv_id_parse(&id, "TALOS-2017-0468", 15, &why), 0);
	assert_true(id.kind == ADV_ID_TALOS && id.has_year && id.year == 2017);
	assert_int_equal(adv_id_parse(&id, "RUSTSEC-0000-0000", 17, &why), 0);
	assert_true(id.placeholder && !id.has_year);
	assert_int_equal(adv_id_parse(&id, "X-1", 3, &why), 0);
	assert_int_equal(id.kind, ADV_ID_OTHER);
}

static void test_accept__dates(void **state)
{
	static const struct { const char *in, *out; } good[] = {
		{ "2020-02-29", "2020-02-29" }, { "20200229", "2020-02-29" },
		{ "+002020-01-02", "2020-01-02" }, { "2100-12-31", "2100-12-31" },
		{ "2000-01-01", "2000-01-01" }, { "2020-01-02T03", "2020-01-02" },
		{ "2020-01-02 03:04", "2020-01-02" },
		{ "2020-01-02t030405.123456789", "2020-01-02" },
		{ "2020-01-02T03:04:60,5-05:30", "2020-01-02" },
		{ "2020-01-02T03:04+01", "2020-01-02" },
	};
	static const char *const bad[] = {
		"2020-2-29", "2019-02-29", "2100-02-29", "1999-12-31", "2101-01-01",
		"2020-13-01", "2020-00-10", "2020-01-32", "02020-01-01", "2020-0101",
		"202001-01", "2020-01-02Z", "2020-01-02T03:04Z", "2020-01-02T24",
		"2020-01-02T03:60", "2020-01-02T", "2020-01-02x", "-002020-01-01",
		"-000000-01-01", "2020-01-02T03:04:05.1234567890", "", "2020",
		"2020-01-02[UTC]",
	};
	char d[11];
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (adv_date_parse(d, good[i].in, strlen(good[i].in), &why) != 0)
			fail_msg("refused date \"%s\": %s", good[i].in, why);
		assert_string_equal(d, good[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (adv_date_parse(d, bad[i], strlen(bad[i]), &why) == 0)
			fail_msg("accepted date \"%s\"", bad[i]);
	uint32_t y;
	assert_int_equal(adv_date_year("+002020-01-01", 13, &y), 0);
	assert_int_equal(y, 2020);
	assert_int_equal(adv_date_year("20200101", 8, &y), 0);
	assert_int_equal(y, 20200101);
}

static void test_accept__urls(void **state)
{
	static const char *const good[] = {
		"https://example.com", "https://example.com/a?b#c", "http://a",
		"HTTPS://EXAMPLE.COM:443/", "https:example.com", "https:\\\\x\\y",
		" https://example.com ", "ht\ttps://exa\nmple.com", "https://1.2.3.4",
		"https://0x7f.1/", "https://[::1]/", "https://[1:2:3:4:5:6:7:8]:80/",
		"https://[::ffff:1.2.3.4]/", "https://user:pw@host/",
		"mailto:someone@example.com", "urn:isbn:0451450523", "git+ssh://x/y",
		"file:///etc/passwd", "https://\xc3\xa9xample.com/", "foo://",
		"https://example.com:/", "https://a%41b.com/",
	};
	static const char *const bad[] = {
		"", "example.com", "/relative", "1https://x", "https://",
		"https:///", "https://exa mple.com", "https://a<b/", "https://:80/",
		"https://example.com:99999/", "https://example.com:8x/",
		"https://1.2.3.256/", "https://1.2.3.4.5/", "https://0x100000000/",
		"https://[::1/", "https://[1:2:3:4:5:6:7:8:9]/", "https://[:1]/",
		"https://user@/", "https://a%2Fb/", "foo://a b/", "foo://:80/",
		"https://[::1.2.3.04]/", "https://a%ZZ%/x^y/",
	};
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (adv_url_check(good[i], strlen(good[i]), &why) != 0)
			fail_msg("refused URL \"%s\": %s", good[i], why);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (adv_url_check(bad[i], strlen(bad[i]), &why) == 0)
			fail_msg("accepted URL \"%s\"", bad[i]);
}

static void test_accept__sources_and_paths(void **state)
{
	int cio;
	size_t cl;
	const char *why;

	(void)state;
	assert_int_equal(adv_source_check("registry+https://github.com/"
	                 "rust-lang/crates.io-index", 53, &cio, &why), 0);
	assert_true(cio);
	assert_int_equal(adv_source_check("sparse+https://x.org/", 21, &cio,
	                                  &why), 0);
	assert_false(cio);
	assert_int_equal(adv_source_check("git+https://x.org/r?rev=1#abc", 29,
	                                  &cio, &why), 0);
	assert_int_equal(adv_source_check("path+file:///x", 14, &cio, &why), 0);
	assert_int_equal(adv_source_check("https://x.org/", 14, &cio, &why), -1);
	assert_int_equal(adv_source_check("svn+https://x.org/", 18, &cio, &why),
	                 -1);
	assert_int_equal(adv_source_check("registry+nope", 13, &cio, &why), -1);

	static const char *const good[] = {
		"foo::bar", "foo::bar::baz", "foo::Bar::baz", "foo::<Bar>::baz",
		"foo::<BarA,BarB>::baz", "foo::Bar<Baz>::quux", "foo::Bar::_baz_",
		"f00::B4r::_b4z_", "_::x", "<a>::b",
	};
	static const char *const bad[] = {
		"minimum_two_components", "no-hyphens::foobar",
		"no_leading_digits::0rly", "foo::bar()", "foo::", "::foo", "foo:::bar",
		"foo::::bar", "", "foo::b\xc3\xa9", "foo::bar baz",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (adv_fnpath_check(good[i], strlen(good[i]), &cl, &why) != 0)
			fail_msg("refused path \"%s\": %s", good[i], why);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (adv_fnpath_check(bad[i], strlen(bad[i]), &cl, &why) == 0)
			fail_msg("accepted path \"%s\"", bad[i]);
	assert_int_equal(adv_fnpath_check("my_crate::f", 11, &cl, &why), 0);
	assert_int_equal(cl, 8);
}

/* Drafts and advisories for another registry parse but are not indexed;
 * a draft is silent, like rustsec. */
static void test_accept__unindexed(void **state)
{
	static const char draft[] =
	    "```toml\n[advisory]\nid = \"RUSTSEC-0000-0000\"\npackage = \"foo\"\n"
	    "date = \"2020-01-01\"\n[versions]\npatched = []\n```\n# T\n";
	advisory *a = NULL;
	diag_list d;

	(void)state;
	diag_init(&d);
	assert_int_equal(advisory_parse(&a, "rustsec",
	                 "crates/foo/RUSTSEC-0000-0000.md", draft,
	                 sizeof(draft) - 1, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(advisory_unindexed(a), "a draft");
	advisory_free(a);
	/* a draft id in a file named otherwise: the name must match */
	assert_int_equal(advisory_parse(&a, "rustsec",
	                 "crates/foo/RUSTSEC-2020-0001.md", draft,
	                 sizeof(draft) - 1, &d), -1);
	diag_free(&d);
}

/* ---- the skipped list ---- */

static void test_accept__skiplist_bytes(void **state)
{
	skip_view v[2] = {
		{ "osv", "b.json", "", "bad \xc3\xa9", 3, 6, 0, 6, 0 },
		{ "rustsec", "crates/a/X.md", "X", "date: bad", 7, 13, 1, 9, 4 },
	};
	uint8_t *buf;
	size_t len;
	skip_iter it;
	skip_view e;

	(void)state;
	assert_int_equal(skiplist_encode(&buf, &len, 5, v, 2), 0);
	assert_int_equal(skiplist_open(&it, buf, len), 0);
	assert_int_equal(it.total, 5);
	assert_int_equal(skiplist_next(&it, &e), 1);
	assert_true(e.source_len == 3 && !memcmp(e.source, "osv", 3) &&
	            e.id_len == 0 && e.line == 0);
	assert_int_equal(skiplist_next(&it, &e), 1);
	assert_true(e.line == 4 && e.id_len == 1 && e.id[0] == 'X');
	assert_int_equal(skiplist_next(&it, &e), 0);

	/* every shorter prefix and one extra byte are refused */
	for (size_t n = 0; n < len; n++) {
		int r = skiplist_open(&it, buf, n);
		if (r == 0)
			while ((r = skiplist_next(&it, &e)) == 1)
				;
		if (r >= 0 && n != len)
			fail_msg("a prefix of %zu bytes was read whole", n);
	}
	uint8_t *more = malloc(len + 1);
	memcpy(more, buf, len);
	more[len] = 0;
	int r = skiplist_open(&it, more, len + 1);
	if (r == 0)
		while ((r = skiplist_next(&it, &e)) == 1)
			;
	assert_int_equal(r, -1);
	free(more);
	/* a bad format, n > total, entries out of order: refused */
	size_t blen = len, mlen;
	buf[0] = 2;
	assert_int_equal(skiplist_open(&it, buf, blen), -1);
	buf[0] = SKIP_FORMAT;
	buf[1] = 1;                     /* total 1 < n 2 */
	buf[2] = buf[3] = buf[4] = 0;
	assert_int_equal(skiplist_open(&it, buf, blen), -1);
	buf[1] = 5;
	assert_int_equal(skiplist_open(&it, buf, blen), 0);
	skip_view sw[2] = { v[1], v[0] };
	assert_int_equal(skiplist_encode(&more, &mlen, 2, sw, 2), 0 - 1);
	/* the second entry's source made smaller than the first's */
	buf[9 + 25 + 1] = 'a';           /* "rustsec" -> "austsec" < "osv" */
	assert_int_equal(skiplist_open(&it, buf, blen), 0);
	assert_int_equal(skiplist_next(&it, &e), 1);
	assert_int_equal(skiplist_next(&it, &e), -1);
	/* the encoder refuses what the decoder would */
	assert_int_equal(skiplist_encode(&more, &mlen, 1, v, 2), -1);
	skip_view z = { "s", "p\0q", "", "m", 1, 3, 0, 1, 0 };
	assert_int_equal(skiplist_encode(&more, &mlen, 1, &z, 1), -1);
	skip_view u = { "s", "p", "", "\xff", 1, 1, 0, 1, 0 };
	assert_int_equal(skiplist_encode(&more, &mlen, 1, &u, 1), -1);
	free(buf);
	/* cuts at a character boundary */
	assert_int_equal(skiplist_cut("ab\xc3\xa9", 4, 3), 2);
	assert_int_equal(skiplist_cut("ab\xc3\xa9", 4, 4), 4);
}

#define ADV_OK(id, pkg) \
	"```toml\n[advisory]\nid = \"" id "\"\npackage = \"" pkg "\"\n" \
	"date = \"2020-01-01\"\n\n[versions]\npatched = [\">= 1.0.0\"]\n" \
	"```\n\n# A title\n\nText.\n"
#define ADV_BAD(id, pkg) \
	"```toml\n[advisory]\nid = \"" id "\"\npackage = \"" pkg "\"\n" \
	"date = \"2020-02-30\"\n\n[versions]\npatched = [\">= 1.0.0\"]\n" \
	"```\n\n# A title\n\nText.\n"

static size_t info_skipped(const repo_fix *f, advdb_skipped *first)
{
	advdb *db = NULL;
	advdb_info info = ADVDB_INFO_INIT;
	char err[256];

	advdb_pass_msg(err, advdb_open(&db, f->db, 0, err, sizeof(err)));
	advdb_pass(db, advdb_info_get(&info, db));
	if (first && info.skipped_count)
		advdb_pass(db, advdb_skipped_get(first, db, 0));
	advdb_skipped tmp = ADVDB_SKIPPED_INIT;
	advdb_expect(db, advdb_skipped_get(&tmp, db, info.skipped_count),
	                                   ADVDB_ENOTFOUND);
	advdb_close(db);
	return (size_t)info.skipped_count;
}

static void test_accept__keep_going_lists_skipped(void **state)
{
	repo_fix *f = *state;
	char c1[41], c2[41], c3[41];
	diag_list d;
	advdb_skipped sk = ADVDB_SKIPPED_INIT;

	tl_file v1[] = {
		{ "crates/a/RUSTSEC-2020-0001.md", 0,
		  ADV_OK("RUSTSEC-2020-0001", "a") },
		{ "crates/b/RUSTSEC-2020-0002.md", 0,
		  ADV_BAD("RUSTSEC-2020-0002", "b") },
		{ "crates/c/RUSTSEC-2020-0003.md", 0,
		  ADV_BAD("RUSTSEC-2020-0003", "c") },
	};
	tl_commit(f->r.repo, v1, 3, NULL, "HEAD", 1700000000, c1);

	/* without --keep-going: errors, nothing written */
	compile_head(f, 0, 0, &d);
	assert_int_equal(d.errors, 2);
	diag_free(&d);
	assert_int_not_equal(access(f->db, F_OK), 0);

	/* with it: written, and the index lists the two */
	compile_head(f, 0, 1, &d);
	assert_int_equal(d.errors, 0);
	diag_free(&d);
	assert_int_equal(info_skipped(f, &sk), 2);
	assert_string_equal(sk.source, "rustsec");
	assert_string_equal(sk.path, "crates/b/RUSTSEC-2020-0002.md");
	assert_string_equal(sk.id, "RUSTSEC-2020-0002");
	assert_int_equal(sk.line, 5);
	assert_string_equal(sk.message, "date \"2020-02-30\" is not a valid "
	                    "YYYY-MM-DD date");

	/* b fixed, a changed, c as it was: an update reads b and c again */
	tl_file v2[] = {
		{ "crates/a/RUSTSEC-2020-0001.md", 0,
		  ADV_BAD("RUSTSEC-2020-0001", "a") },
		{ "crates/b/RUSTSEC-2020-0002.md", 0,
		  ADV_OK("RUSTSEC-2020-0002", "b") },
		{ "crates/c/RUSTSEC-2020-0003.md", 0,
		  ADV_BAD("RUSTSEC-2020-0003", "c") },
	};
	tl_commit(f->r.repo, v2, 3, c1, "HEAD", 1700000100, c2);
	compile_head(f, 1, 1, &d);
	assert_int_equal(d.errors, 0);
	diag_free(&d);
	assert_int_equal(info_skipped(f, &sk), 2);
	assert_string_equal(sk.path, "crates/a/RUSTSEC-2020-0001.md");

	/* the update without --keep-going fails on the unchanged bad file,
	 * as a full compile would */
	tl_commit(f->r.repo, v2, 3, c2, "HEAD", 1700000200, c3);
	compile_head(f, 1, 0, &d);
	assert_int_equal(d.errors, 2);
	diag_free(&d);

	/* all fixed: the list is gone */
	tl_file v3[] = {
		{ "crates/a/RUSTSEC-2020-0001.md", 0,
		  ADV_OK("RUSTSEC-2020-0001", "a") },
		{ "crates/b/RUSTSEC-2020-0002.md", 0,
		  ADV_OK("RUSTSEC-2020-0002", "b") },
		{ "crates/c/RUSTSEC-2020-0003.md", 0,
		  ADV_OK("RUSTSEC-2020-0003", "c") },
	};
	char c4[41];
	tl_commit(f->r.repo, v3, 3, c3, "HEAD", 1700000300, c4);
	compile_head(f, 1, 0, &d);
	assert_int_equal(d.errors, 0);
	diag_free(&d);
	assert_int_equal(info_skipped(f, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept__random_forms_parse),
		cmocka_unit_test_setup_teardown(
		    test_accept__random_set_compiles_whole, repo_setup,
		    repo_teardown),
		cmocka_unit_test(test_accept__ids),
		cmocka_unit_test(test_accept__dates),
		cmocka_unit_test(test_accept__urls),
		cmocka_unit_test(test_accept__sources_and_paths),
		cmocka_unit_test(test_accept__unindexed),
		cmocka_unit_test(test_accept__skiplist_bytes),
		cmocka_unit_test_setup_teardown(
		    test_accept__keep_going_lists_skipped, repo_setup,
		    repo_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
