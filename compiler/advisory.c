/*
 * advisory.c — see advisory.h. Owns the meaning of every key of a RustSec
 * advisory: which keys exist in which section, their types, the forms of
 * ids and dates, the known categories and licenses, and how the file's
 * place in the repository (collection/folder/name) must agree with it.
 *
 * The rules are those of the rustsec crate's parser and linter (as run by
 * advisory-db's CI), with two deliberate differences: an unknown
 * `informational` kind is kept (ADV_INFO_OTHER) with a warning instead of
 * an error, and every problem is reported, not just the first.
 *
 * Invariants:
 *   - Every string and array the record points to lives in the advisory's
 *     arena; the caller's text and the TOML tree are released before
 *     advisory_parse returns, so the record depends on nothing else.
 *   - Every diagnostic carries a line of the FILE: TOML lines are shifted
 *     by the lines before the front matter (fm_parts.toml_line).
 *   - A check that fails adds its error and moves on, so one pass reports
 *     all problems; -1 is returned iff at least one error was added here.
 */
#include "advisory.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvss.h"
#include "frontmatter.h"
#include "req.h"
#include "toml.h"

_Static_assert(ADVISORY_FILE_MAX == FRONTMATTER_FILE_MAX,
               "the two file caps must agree");

/* ---- arena: one list of blocks, freed at once ---- */

typedef struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
} arena_block;

struct advisory {
	adv_record rec;
	arena_block *blocks;
};

#define ARENA_BLOCK 16384

static void *arena_alloc(advisory *a, size_t n)
{
	arena_block *b = a->blocks;

	n = (n + 15) & ~(size_t)15;
	if (n == 0)
		n = 16;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = a->blocks;
		b->used = 0;
		b->cap = cap;
		a->blocks = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

static const char *arena_str(advisory *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* ---- parse context ---- */

typedef struct ctx {
	advisory *a;
	const char *path;
	diag_list *d;
	unsigned shift;     /* file line = TOML line + shift */
	unsigned errors;
	unsigned fence;     /* file line of the opening fence */
} ctx;

static void err(ctx *c, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Add one diagnostic. Values quoted in messages come from the file, so
 * control characters are escaped: a diagnostic is always one line. */
static void vreport(ctx *c, diag_level level, unsigned line, const char *fmt,
                    va_list ap)
{
	char msg[DIAG_MSG_MAX], out[DIAG_MSG_MAX];
	size_t o = 0;

	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		snprintf(msg, sizeof(msg), "(unprintable message)");
	for (const unsigned char *p = (const unsigned char *)msg;
	     *p && o + 5 < sizeof(out); p++) {
		if (*p < 0x20 || *p == 0x7F) {
			static const char hex[] = "0123456789abcdef";
			out[o++] = '\\';
			if (*p == '\n') {
				out[o++] = 'n';
			} else if (*p == '\t') {
				out[o++] = 't';
			} else {
				out[o++] = 'x';
				out[o++] = hex[*p >> 4];
				out[o++] = hex[*p & 15];
			}
		} else {
			out[o++] = (char)*p;
		}
	}
	out[o] = '\0';
	diag_add(c->d, level, c->path, line, "%s", out);
	if (level == DIAG_ERROR)
		c->errors++;
}

static void err(ctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, DIAG_ERROR, line, fmt, ap);
	va_end(ap);
}

static void warn(ctx *c, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warn(ctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, DIAG_WARNING, line, fmt, ap);
	va_end(ap);
}

static void oom(ctx *c, unsigned line)
{
	err(c, line, "out of memory");
}

static unsigned vline(const ctx *c, const toml_value *v)
{
	unsigned l = toml_line(v);
	return l ? l + c->shift : c->fence;
}

static unsigned kline(const ctx *c, const toml_value *t, size_t i)
{
	unsigned l = toml_table_key_line(t, i);
	return l ? l + c->shift : c->fence;
}

static const char *kind_name(toml_type k)
{
	switch (k) {
	case TOML_STRING: return "a string";
	case TOML_INTEGER: return "an integer";
	case TOML_FLOAT: return "a float";
	case TOML_BOOL: return "a boolean";
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL: return "a date-time";
	case TOML_DATE_LOCAL: return "a bare date";
	case TOML_TIME_LOCAL: return "a time";
	case TOML_ARRAY: return "an array";
	case TOML_TABLE: return "a table";
	}
	return "an unknown value";
}

/* A string value, checked: no embedded NUL (our records are C strings).
 * Returns 0 with *s and *len, or -1 after reporting. `what` names the key. */
static int want_string(ctx *c, const toml_value *v, const char *what,
                       const char **s, size_t *len)
{
	if (toml_kind(v) != TOML_STRING) {
		err(c, vline(c, v), "%s must be a string, not %s", what,
		    kind_name(toml_kind(v)));
		return -1;
	}
	*s = toml_string(v, len);
	if (!*s || memchr(*s, '\0', *len)) {
		err(c, vline(c, v), "%s contains a NUL character", what);
		return -1;
	}
	return 0;
}

/* A string copied into the arena, or NULL after reporting. */
static const char *take_string(ctx *c, const toml_value *v, const char *what)
{
	const char *s;
	size_t len;

	if (want_string(c, v, what, &s, &len) < 0)
		return NULL;
	const char *p = arena_str(c->a, s, len);
	if (!p)
		oom(c, vline(c, v));
	return p;
}

/* An array of strings into *out (arena). Bad elements are reported and
 * left out. Returns 0, or -1 when v is not an array at all. */
static int take_strlist(ctx *c, const toml_value *v, const char *what,
                        strlist *out)
{
	out->v = NULL;
	out->n = 0;
	if (toml_kind(v) != TOML_ARRAY) {
		err(c, vline(c, v), "%s must be an array of strings, not %s",
		    what, kind_name(toml_kind(v)));
		return -1;
	}
	size_t n = toml_array_len(v);
	if (n > RECORD_LIST_MAX) {
		err(c, vline(c, v), "%s has %zu entries, more than the %u "
		    "allowed", what, n, (unsigned)RECORD_LIST_MAX);
		return -1;
	}
	if (n == 0)
		return 0;
	out->v = arena_alloc(c->a, n * sizeof(*out->v));
	if (!out->v) {
		oom(c, vline(c, v));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char name[96];
		snprintf(name, sizeof(name), "%.80s[%zu]", what, i);
		const char *s = take_string(c, toml_array_at(v, i), name);
		if (s)
			out->v[out->n++] = s;
	}
	return 0;
}

/* ---- forms: ids, dates, names ---- */

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

typedef enum id_kind { ID_BAD, ID_RUSTSEC, ID_CVE, ID_GHSA } id_kind;

static id_kind id_form(const char *s, size_t n)
{
	if (n == 17 && memcmp(s, "RUSTSEC-", 8) == 0 && all_digits(s + 8, 4) &&
	    s[12] == '-' && all_digits(s + 13, 4))
		return ID_RUSTSEC;
	if (n >= 13 && memcmp(s, "CVE-", 4) == 0 && all_digits(s + 4, 4) &&
	    s[8] == '-' && all_digits(s + 9, n - 9))
		return ID_CVE;
	if (n == 19 && memcmp(s, "GHSA-", 5) == 0) {
		for (size_t i = 5; i < n; i++) {
			int dash = i == 9 || i == 14;
			if (dash ? s[i] != '-' :
			    !((s[i] >= '0' && s[i] <= '9') ||
			      (s[i] >= 'a' && s[i] <= 'z')))
				return ID_BAD;
		}
		return ID_GHSA;
	}
	return ID_BAD;
}

static int date_valid(const char *s, size_t n)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	                             30, 31 };

	if (n != 10 || !all_digits(s, 4) || s[4] != '-' ||
	    !all_digits(s + 5, 2) || s[7] != '-' || !all_digits(s + 8, 2))
		return 0;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	        (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	return 1;
}

static int in_set(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

/* The rustsec crate's Category enum (kebab-case names). */
static const char *const categories[] = {
	"code-execution", "crypto-failure", "denial-of-service",
	"file-disclosure", "format-injection", "malicious",
	"memory-corruption", "memory-exposure", "privilege-escalation",
	"thread-safety", "logic-bug", "parser-confusion", NULL
};

/* The licenses rustsec accepts for advisory text. */
static const char *const licenses[] = { "CC0-1.0", "CC-BY-4.0", NULL };

/* Target architectures as the `platforms` crate names them (rustsec's
 * linter rejects others). */
static const char *const arches[] = {
	"aarch64", "arm", "arm64ec", "avr", "bpf", "csky", "hexagon",
	"loongarch64", "m68k", "mips", "mips32r6", "mips64", "mips64r6",
	"msp430", "nvptx64", "powerpc", "powerpc64", "riscv32", "riscv64",
	"s390x", "sparc", "sparc64", "wasm32", "wasm64", "x86", "x86_64",
	"xtensa", NULL
};

/* ---- [advisory] ---- */

typedef struct seen {           /* lines of keys other checks refer to */
	unsigned id, package, date, url;
	const char *id_s, *package_s;
} seen;

static void advisory_key(ctx *c, const char *key, const toml_value *v,
                         unsigned line, seen *k)
{
	adv_record *r = &c->a->rec;

	if (strcmp(key, "id") == 0) {
		k->id = line;
		if ((r->id = take_string(c, v, "id")) != NULL) {
			if (id_form(r->id, strlen(r->id)) == ID_BAD)
				err(c, line, "id \"%s\" is not of the form "
				    "RUSTSEC-YYYY-NNNN, CVE-YYYY-NNNN or "
				    "GHSA-xxxx-xxxx-xxxx", r->id);
		}
	} else if (strcmp(key, "package") == 0) {
		k->package = line;
		if ((r->package = take_string(c, v, "package")) != NULL) {
			if (!r->package[0])
				err(c, line, "package is empty");
		}
	} else if (strcmp(key, "date") == 0) {
		k->date = line;
		if ((r->date = take_string(c, v, "date")) != NULL) {
			if (!date_valid(r->date, strlen(r->date)))
				err(c, line, "date \"%s\" is not a valid "
				    "YYYY-MM-DD date", r->date);
		}
	} else if (strcmp(key, "withdrawn") == 0) {
		if ((r->withdrawn = take_string(c, v, "withdrawn")) != NULL &&
		    !date_valid(r->withdrawn, strlen(r->withdrawn)))
			err(c, line, "withdrawn \"%s\" is not a valid YYYY-MM-DD "
			    "date", r->withdrawn);
	} else if (strcmp(key, "url") == 0) {
		k->url = line;
		if ((r->url = take_string(c, v, "url")) != NULL) {
			if (strncmp(r->url, "https://", 8) != 0)
				err(c, line, "url \"%s\" must start with https://",
				    r->url);
		}
	} else if (strcmp(key, "categories") == 0) {
		if (take_strlist(c, v, "categories", &r->categories) == 0)
			for (uint32_t i = 0; i < r->categories.n; i++)
				if (!in_set(r->categories.v[i], categories))
					err(c, vline(c, toml_array_at(v, i)),
					    "unknown category \"%s\"",
					    r->categories.v[i]);
	} else if (strcmp(key, "keywords") == 0) {
		take_strlist(c, v, "keywords", &r->keywords);
	} else if (strcmp(key, "aliases") == 0) {
		take_strlist(c, v, "aliases", &r->aliases);
	} else if (strcmp(key, "related") == 0) {
		take_strlist(c, v, "related", &r->related);
	} else if (strcmp(key, "references") == 0) {
		if (take_strlist(c, v, "references", &r->references) == 0)
			for (uint32_t i = 0; i < r->references.n; i++)
				if (!strstr(r->references.v[i], "://"))
					err(c, vline(c, toml_array_at(v, i)),
					    "reference \"%s\" is not a URL",
					    r->references.v[i]);
	} else if (strcmp(key, "informational") == 0) {
		const char *s = take_string(c, v, "informational");
		if (!s)
			return;
		r->informational = s;
		if (strcmp(s, "unmaintained") == 0)
			r->info = ADV_INFO_UNMAINTAINED;
		else if (strcmp(s, "unsound") == 0)
			r->info = ADV_INFO_UNSOUND;
		else if (strcmp(s, "notice") == 0)
			r->info = ADV_INFO_NOTICE;
		else {
			r->info = ADV_INFO_OTHER;
			warn(c, line, "unknown informational kind \"%s\" (kept "
			     "as written)", s);
		}
	} else if (strcmp(key, "cvss") == 0) {
		const char *s = take_string(c, v, "cvss");
		char msg[300];
		cvss cv;
		if (!s)
			return;
		if (cvss_parse(&cv, s, strlen(s), msg, sizeof(msg)) < 0) {
			err(c, line, "%s", msg);
			return;
		}
		r->cvss = s;
		r->cvss_score10 = cv.score10;
		r->severity = cv.severity;
	} else if (strcmp(key, "license") == 0) {
		if ((r->license = take_string(c, v, "license")) != NULL &&
		    !in_set(r->license, licenses))
			err(c, line, "unknown license \"%s\" (CC0-1.0 or "
			    "CC-BY-4.0)", r->license);
	} else if (strcmp(key, "expect-deleted") == 0) {
		if (toml_kind(v) != TOML_BOOL)
			err(c, line, "expect-deleted must be a boolean, not %s",
			    kind_name(toml_kind(v)));
		else
			r->expect_deleted = toml_bool(v) ? 1 : 0;
	} else if (strcmp(key, "collection") == 0) {
		err(c, line, "unknown key \"collection\" in [advisory] (the "
		    "collection is inferred from the file's location)");
	} else {
		err(c, line, "unknown key \"%s\" in [advisory]", key);
	}
}

static void check_advisory(ctx *c, const toml_value *t, unsigned hdr,
                           seen *k)
{
	adv_record *r = &c->a->rec;

	for (size_t i = 0; i < toml_table_len(t); i++) {
		const char *key = toml_table_key(t, i, NULL);
		advisory_key(c, key, toml_table_value(t, i), kline(c, t, i), k);
	}
	if (!k->id)
		err(c, hdr, "missing required key \"id\" in [advisory]");
	if (!k->package)
		err(c, hdr, "missing required key \"package\" in [advisory]");
	if (!k->date)
		err(c, hdr, "missing required key \"date\" in [advisory]");

	/* The linter's cross-field rules. */
	if (r->id && r->date &&
	    id_form(r->id, strlen(r->id)) == ID_RUSTSEC &&
	    memcmp(r->id + 8, "0000", 4) != 0 &&
	    date_valid(r->date, strlen(r->date)) &&
	    memcmp(r->id + 8, r->date, 4) != 0)
		err(c, k->id, "year in id \"%s\" does not match date \"%s\"",
		    r->id, r->date);
}

/* ---- requirements: [versions] and [affected.functions] ---- */

typedef struct reqset {
	interval iv[REQ_RANGES_MAX];
	size_t n;
	int bad;            /* a requirement failed to parse */
} reqset;

/* Parse each string element of array v as a requirement; add the
 * intervals to rs when rs is not NULL. Elements that are not strings were
 * already reported by take_strlist and are skipped here. */
static void parse_reqs(ctx *c, const toml_value *v, const char *what,
                       reqset *rs)
{
	char msg[REQ_TEXT_MAX + 128];
	interval iv;

	for (size_t i = 0; i < toml_array_len(v); i++) {
		const toml_value *e = toml_array_at(v, i);
		const char *s;
		size_t len;

		if (toml_kind(e) != TOML_STRING ||
		    (s = toml_string(e, &len)) == NULL || memchr(s, '\0', len))
			continue;
		if (req_parse(&iv, s, len, msg, sizeof(msg)) < 0) {
			err(c, vline(c, e), "%s: %s", what, msg);
			if (rs)
				rs->bad = 1;
			continue;
		}
		if (!rs)
			continue;
		if (rs->n == REQ_RANGES_MAX) {
			err(c, vline(c, e), "%s: more than %u requirements", what,
			    (unsigned)REQ_RANGES_MAX);
			rs->bad = 1;
			continue;
		}
		rs->iv[rs->n++] = iv;
	}
}

static void check_versions(ctx *c, const toml_value *t, unsigned hdr,
                           reqset *rs)
{
	adv_record *r = &c->a->rec;
	int have_patched = 0;

	for (size_t i = 0; i < toml_table_len(t); i++) {
		const char *key = toml_table_key(t, i, NULL);
		const toml_value *v = toml_table_value(t, i);
		unsigned line = kline(c, t, i);
		strlist *dst;

		if (strcmp(key, "patched") == 0) {
			dst = &r->patched;
			have_patched = 1;
		} else if (strcmp(key, "unaffected") == 0) {
			dst = &r->unaffected;
		} else {
			err(c, line, "unknown key \"%s\" in [versions]", key);
			continue;
		}
		char what[32];
		snprintf(what, sizeof(what), "[versions] %s", key);
		if (take_strlist(c, v, what, dst) == 0)
			parse_reqs(c, v, what, rs);
		else
			rs->bad = 1;
	}
	if (!have_patched)
		err(c, hdr, "missing required key \"patched\" in [versions]");
}

static void compute_ranges(ctx *c, const reqset *rs, unsigned line)
{
	adv_record *r = &c->a->rec;
	char msg[REQ_TEXT_MAX * 2 + 128];
	size_t cap = rs->n + 1, n = 0;

	r->ranges = arena_alloc(c->a, cap * sizeof(*r->ranges));
	if (!r->ranges) {
		oom(c, line);
		return;
	}
	if (req_vulnerable(r->ranges, cap, &n, rs->iv, rs->n, msg,
	                   sizeof(msg)) < 0) {
		err(c, line, "[versions]: %s", msg);
		r->ranges = NULL;
		return;
	}
	r->nranges = (uint32_t)n;
}

/* ---- [affected] ---- */

static void check_functions(ctx *c, const toml_value *t, unsigned line)
{
	adv_record *r = &c->a->rec;

	if (toml_kind(t) != TOML_TABLE) {
		err(c, line, "[affected] functions must be a table, not %s",
		    kind_name(toml_kind(t)));
		return;
	}
	size_t n = toml_table_len(t);
	if (n > RECORD_LIST_MAX) {
		err(c, line, "[affected] functions has %zu entries, more than "
		    "the %u allowed", n, (unsigned)RECORD_LIST_MAX);
		return;
	}
	if (n == 0)
		return;
	r->functions = arena_alloc(c->a, n * sizeof(*r->functions));
	if (!r->functions) {
		oom(c, line);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t klen;
		const char *key = toml_table_key(t, i, &klen);
		const toml_value *v = toml_table_value(t, i);
		unsigned kl = kline(c, t, i);
		adv_function *f = &r->functions[r->nfunctions];

		if (memchr(key, '\0', klen)) {
			err(c, kl, "function path contains a NUL character");
			continue;
		}
		/* Paths are crate::item[::item...]; the first part is the
		 * crate as Rust spells it (hyphens become underscores). */
		const char *sep = strstr(key, "::");
		if (!sep || sep == key || strstr(key, "::::") ||
		    (klen >= 2 && memcmp(key + klen - 2, "::", 2) == 0)) {
			err(c, kl, "function path \"%s\" is not of the form "
			    "crate::path::to::fn", key);
		} else if (r->package) {
			size_t pl = strlen(r->package);
			int same = pl == (size_t)(sep - key);
			for (size_t j = 0; same && j < pl; j++) {
				char pc = r->package[j] == '-' ? '_' : r->package[j];
				same = pc == key[j];
			}
			if (!same)
				err(c, kl, "function path \"%s\" must start with "
				    "the crate name", key);
		}
		if ((f->path = arena_str(c->a, key, klen)) == NULL) {
			oom(c, kl);
			return;
		}
		char what[64];
		snprintf(what, sizeof(what), "[affected.functions] \"%.40s\"",
		         key);
		if (take_strlist(c, v, what, &f->reqs) < 0)
			continue;
		parse_reqs(c, v, what, NULL);
		r->nfunctions++;
	}
}

static void check_affected(ctx *c, const toml_value *t)
{
	adv_record *r = &c->a->rec;

	for (size_t i = 0; i < toml_table_len(t); i++) {
		const char *key = toml_table_key(t, i, NULL);
		const toml_value *v = toml_table_value(t, i);
		unsigned line = kline(c, t, i);

		if (strcmp(key, "arch") == 0) {
			if (take_strlist(c, v, "[affected] arch", &r->arch) == 0)
				for (uint32_t j = 0; j < r->arch.n; j++)
					if (!in_set(r->arch.v[j], arches))
						err(c, line, "unknown architecture "
						    "\"%s\"", r->arch.v[j]);
		} else if (strcmp(key, "os") == 0) {
			if (take_strlist(c, v, "[affected] os", &r->os) == 0)
				for (uint32_t j = 0; j < r->os.n; j++)
					if (!r->os.v[j][0])
						err(c, line, "empty os name");
		} else if (strcmp(key, "functions") == 0) {
			check_functions(c, v, line);
		} else {
			err(c, line, "unknown key \"%s\" in [affected]", key);
		}
	}
}

/* ---- the file's place: collection/folder/<id>.md ---- */

static void check_path(ctx *c, const seen *k)
{
	adv_record *r = &c->a->rec;
	const char *p = c->path;
	const char *s1 = strchr(p, '/');
	const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;

	if (!s1 || !s2 || strchr(s2 + 1, '/') || s1 == p || s2 == s1 + 1) {
		err(c, 0, "advisory must be at crates/<package>/<id>.md or "
		    "rust/<component>/<id>.md");
		return;
	}
	size_t clen = (size_t)(s1 - p);
	if (clen == 6 && memcmp(p, "crates", 6) == 0) {
		r->collection = ADV_CRATES;
	} else if (clen == 4 && memcmp(p, "rust", 4) == 0) {
		r->collection = ADV_RUST;
	} else {
		err(c, 0, "unknown collection \"%.*s\" (crates or rust)",
		    (int)(clen > 40 ? 40 : clen), p);
	}
	const char *folder = s1 + 1, *file = s2 + 1;
	size_t flen = (size_t)(s2 - folder);
	if (r->package && (strlen(r->package) != flen ||
	                   memcmp(r->package, folder, flen) != 0))
		err(c, k->package, "package \"%s\" does not match its folder "
		    "\"%.*s\"", r->package, (int)(flen > 80 ? 80 : flen), folder);
	size_t nlen = strlen(file);
	if (r->id && (nlen != strlen(r->id) + 3 ||
	              memcmp(file, r->id, nlen - 3) != 0 ||
	              memcmp(file + nlen - 3, ".md", 3) != 0))
		err(c, k->id, "file name \"%s\" does not match id \"%s\" "
		    "(expected \"%s.md\")", file, r->id, r->id);
}

/* ---- driver ---- */

static void check_doc(ctx *c, const toml_value *root)
{
	const toml_value *sec[3] = { NULL, NULL, NULL };
	unsigned hdr[3] = { 0, 0, 0 };
	static const char *const names[3] = { "advisory", "versions",
	                                      "affected" };
	seen k;
	reqset *rs = calloc(1, sizeof(*rs));

	memset(&k, 0, sizeof(k));
	if (!rs) {
		oom(c, c->fence);
		return;
	}
	for (size_t i = 0; i < toml_table_len(root); i++) {
		const char *key = toml_table_key(root, i, NULL);
		const toml_value *v = toml_table_value(root, i);
		unsigned line = kline(c, root, i);
		int s;
		for (s = 0; s < 3; s++)
			if (strcmp(key, names[s]) == 0)
				break;
		if (s == 3) {
			if (toml_kind(v) == TOML_TABLE)
				err(c, line, "unknown section [%s]", key);
			else
				err(c, line, "unknown key \"%s\" outside any "
				    "section", key);
		} else if (toml_kind(v) != TOML_TABLE) {
			err(c, line, "%s must be a table ([%s]), not %s", key,
			    key, kind_name(toml_kind(v)));
		} else {
			sec[s] = v;
			hdr[s] = line;
		}
	}
	if (sec[0])
		check_advisory(c, sec[0], hdr[0], &k);
	else
		err(c, c->fence, "missing [advisory] section");
	if (sec[1])
		check_versions(c, sec[1], hdr[1], rs);
	else
		err(c, c->fence, "missing [versions] section");
	if (sec[2])
		check_affected(c, sec[2]);
	if (sec[1] && !rs->bad)
		compute_ranges(c, rs, hdr[1]);
	check_path(c, &k);
	free(rs);
}

int advisory_parse(advisory **out, const char *source, const char *path,
                   const char *text, size_t len, diag_list *d)
{
	ctx c;
	fm_parts fm;
	fm_error fe;
	toml_error te;
	toml_doc *doc = NULL;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.path = path ? path : "-";
	c.d = d;
	c.fence = 1;
	if (len > ADVISORY_FILE_MAX) {
		err(&c, 0, "file is %zu bytes, more than the %u allowed", len,
		    (unsigned)ADVISORY_FILE_MAX);
		return -1;
	}
	if (frontmatter_split(&fm, text, len, &fe) < 0) {
		err(&c, fe.line, "%s", fe.msg);
		return -1;
	}
	c.shift = fm.toml_line - 1;
	memset(&te, 0, sizeof(te));
	if (toml_parse(&doc, fm.toml, fm.toml_len, &te) < 0) {
		err(&c, te.line ? te.line + c.shift : c.fence, "%s", te.msg);
		return -1;
	}
	c.a = calloc(1, sizeof(*c.a));
	if (!c.a) {
		toml_free(doc);
		err(&c, 0, "out of memory");
		return -1;
	}
	check_doc(&c, toml_root(doc));
	toml_free(doc);

	adv_record *r = &c.a->rec;
	r->source = arena_str(c.a, source ? source : "", source ? strlen(source) : 0);
	r->path = arena_str(c.a, c.path, strlen(c.path));
	r->title = arena_str(c.a, fm.title, fm.title_len);
	r->description = arena_str(c.a, fm.desc, fm.desc_len);
	r->modified = 0;
	if (!r->source || !r->path || !r->title || !r->description)
		oom(&c, 0);
	if (c.errors) {
		advisory_free(c.a);
		return -1;
	}
	*out = c.a;
	return 0;
}

const adv_record *advisory_record(const advisory *a)
{
	return a ? &a->rec : NULL;
}

void advisory_set_modified(advisory *a, int64_t when)
{
	if (a)
		a->rec.modified = when;
}

void advisory_free(advisory *a)
{
	if (!a)
		return;
	while (a->blocks) {
		arena_block *b = a->blocks;
		a->blocks = b->next;
		free(b);
	}
	free(a);
}
