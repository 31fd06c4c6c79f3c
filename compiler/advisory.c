/*
 * advisory.c — see advisory.h. Owns the meaning of every key of a RustSec
 * advisory: which keys exist in which section, their types, the forms of
 * ids and dates, the known categories and licenses, and how the file's
 * place in the repository (collection/folder/name) must agree with it.
 * The parse context (arena, diagnostics, typed reading) is in
 * advisory_ctx.c; [versions] and [affected] in advisory_affected.c.
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
#include "advisory_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvss.h"
#include "frontmatter.h"
#include "limit.h"
#include "req.h"
#include "toml.h"

_Static_assert(ADVISORY_FILE_MAX == FRONTMATTER_FILE_MAX,
               "the two file caps must agree");

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

/* The rustsec crate's Category enum (kebab-case names). */
static const char *const categories[] = {
	"code-execution", "crypto-failure", "denial-of-service",
	"file-disclosure", "format-injection", "malicious",
	"memory-corruption", "memory-exposure", "privilege-escalation",
	"thread-safety", "logic-bug", "parser-confusion", NULL
};

/* The licenses rustsec accepts for advisory text. */
static const char *const licenses[] = { "CC0-1.0", "CC-BY-4.0", NULL };

/* ---- [advisory] ---- */

typedef struct seen {           /* lines of keys other checks refer to */
	unsigned id, package, date, url;
	const char *id_s, *package_s;
} seen;

static void advisory_key(ctx *c, const char *key, const toml_value *v,
                         unsigned line, seen *k)
{
	adv_record *r = &c->a->rec;

	char msg[160];

	if (strcmp(key, "id") == 0) {
		k->id = line;
		if ((r->id = adv_take_string(c, v, "id")) != NULL) {
			if (limit_id_check("id", r->id, msg, sizeof(msg)) < 0)
				adv_err(c, line, "%s", msg);   /* the index's cap */
			else if (id_form(r->id, strlen(r->id)) == ID_BAD)
				adv_err(c, line, "id \"%s\" is not of the form "
				    "RUSTSEC-YYYY-NNNN, CVE-YYYY-NNNN or "
				    "GHSA-xxxx-xxxx-xxxx", r->id);
		}
	} else if (strcmp(key, "package") == 0) {
		k->package = line;
		if ((r->package = adv_take_string(c, v, "package")) != NULL) {
			if (!r->package[0])
				adv_err(c, line, "package is empty");
		}
	} else if (strcmp(key, "date") == 0) {
		k->date = line;
		if ((r->date = adv_take_string(c, v, "date")) != NULL) {
			if (!date_valid(r->date, strlen(r->date)))
				adv_err(c, line, "date \"%s\" is not a valid "
				    "YYYY-MM-DD date", r->date);
		}
	} else if (strcmp(key, "withdrawn") == 0) {
		if ((r->withdrawn = adv_take_string(c, v, "withdrawn")) != NULL &&
		    !date_valid(r->withdrawn, strlen(r->withdrawn)))
			adv_err(c, line, "withdrawn \"%s\" is not a valid YYYY-MM-DD "
			    "date", r->withdrawn);
	} else if (strcmp(key, "url") == 0) {
		k->url = line;
		if ((r->url = adv_take_string(c, v, "url")) != NULL) {
			if (strncmp(r->url, "https://", 8) != 0)
				adv_err(c, line, "url \"%s\" must start with https://",
				    r->url);
		}
	} else if (strcmp(key, "categories") == 0) {
		if (adv_take_strlist(c, v, "categories", &r->categories) == 0)
			for (uint32_t i = 0; i < r->categories.n; i++)
				if (!adv_in_set(r->categories.v[i], categories))
					adv_err(c, adv_vline(c, toml_array_at(v, i)),
					    "unknown category \"%s\"",
					    r->categories.v[i]);
	} else if (strcmp(key, "keywords") == 0) {
		adv_take_strlist(c, v, "keywords", &r->keywords);
	} else if (strcmp(key, "aliases") == 0) {
		if (adv_take_strlist(c, v, "aliases", &r->aliases) == 0)
			for (uint32_t i = 0; i < r->aliases.n; i++)
				if (limit_id_check("alias", r->aliases.v[i], msg,
				                   sizeof(msg)) < 0)
					adv_err(c, adv_vline(c, toml_array_at(v, i)), "%s",
					        msg);
	} else if (strcmp(key, "related") == 0) {
		adv_take_strlist(c, v, "related", &r->related);
	} else if (strcmp(key, "references") == 0) {
		if (adv_take_strlist(c, v, "references", &r->references) == 0)
			for (uint32_t i = 0; i < r->references.n; i++)
				if (!strstr(r->references.v[i], "://"))
					adv_err(c, adv_vline(c, toml_array_at(v, i)),
					    "reference \"%s\" is not a URL",
					    r->references.v[i]);
	} else if (strcmp(key, "informational") == 0) {
		const char *s = adv_take_string(c, v, "informational");
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
			adv_warn(c, line, "unknown informational kind \"%s\" (kept "
			     "as written)", s);
		}
	} else if (strcmp(key, "cvss") == 0) {
		const char *s = adv_take_string(c, v, "cvss");
		char msg[300];
		cvss cv;
		if (!s)
			return;
		if (cvss_parse(&cv, s, strlen(s), msg, sizeof(msg)) < 0) {
			adv_err(c, line, "%s", msg);
			return;
		}
		r->cvss = s;
		r->cvss_score10 = cv.score10;
		r->severity = cv.severity;
	} else if (strcmp(key, "license") == 0) {
		if ((r->license = adv_take_string(c, v, "license")) != NULL &&
		    !adv_in_set(r->license, licenses))
			adv_err(c, line, "unknown license \"%s\" (CC0-1.0 or "
			    "CC-BY-4.0)", r->license);
	} else if (strcmp(key, "expect-deleted") == 0) {
		if (toml_kind(v) != TOML_BOOL)
			adv_err(c, line, "expect-deleted must be a boolean, not %s",
			    adv_kind_name(toml_kind(v)));
		else
			r->expect_deleted = toml_bool(v) ? 1 : 0;
	} else if (strcmp(key, "collection") == 0) {
		adv_err(c, line, "unknown key \"collection\" in [advisory] (the "
		    "collection is inferred from the file's location)");
	} else {
		adv_err(c, line, "unknown key \"%s\" in [advisory]", key);
	}
}

static void check_advisory(ctx *c, const toml_value *t, unsigned hdr,
                           seen *k)
{
	adv_record *r = &c->a->rec;

	for (size_t i = 0; i < toml_table_len(t); i++) {
		const char *key = toml_table_key(t, i, NULL);
		advisory_key(c, key, toml_table_value(t, i), adv_kline(c, t, i), k);
	}
	if (!k->id)
		adv_err(c, hdr, "missing required key \"id\" in [advisory]");
	if (!k->package)
		adv_err(c, hdr, "missing required key \"package\" in [advisory]");
	if (!k->date)
		adv_err(c, hdr, "missing required key \"date\" in [advisory]");

	/* The linter's cross-field rules. */
	if (r->id && r->date &&
	    id_form(r->id, strlen(r->id)) == ID_RUSTSEC &&
	    memcmp(r->id + 8, "0000", 4) != 0 &&
	    date_valid(r->date, strlen(r->date)) &&
	    memcmp(r->id + 8, r->date, 4) != 0)
		adv_err(c, k->id, "year in id \"%s\" does not match date \"%s\"",
		    r->id, r->date);
}

/* ---- the file's place: collection/folder/<id>.md ---- */

static void check_path(ctx *c, const seen *k)
{
	adv_record *r = &c->a->rec;
	const char *p = c->path;
	const char *s1 = strchr(p, '/');
	const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;

	if (!s1 || !s2 || strchr(s2 + 1, '/') || s1 == p || s2 == s1 + 1) {
		adv_err(c, 0, "advisory must be at crates/<package>/<id>.md or "
		    "rust/<component>/<id>.md");
		return;
	}
	size_t clen = (size_t)(s1 - p);
	if (clen == 6 && memcmp(p, "crates", 6) == 0) {
		r->collection = ADV_CRATES;
	} else if (clen == 4 && memcmp(p, "rust", 4) == 0) {
		r->collection = ADV_RUST;
	} else {
		adv_err(c, 0, "unknown collection \"%.*s\" (crates or rust)",
		    (int)(clen > 40 ? 40 : clen), p);
	}
	const char *folder = s1 + 1, *file = s2 + 1;
	size_t flen = (size_t)(s2 - folder);
	if (r->package && (strlen(r->package) != flen ||
	                   memcmp(r->package, folder, flen) != 0))
		adv_err(c, k->package, "package \"%s\" does not match its folder "
		    "\"%.*s\"", r->package, (int)(flen > 80 ? 80 : flen), folder);
	size_t nlen = strlen(file);
	if (r->id && (nlen != strlen(r->id) + 3 ||
	              memcmp(file, r->id, nlen - 3) != 0 ||
	              memcmp(file + nlen - 3, ".md", 3) != 0))
		adv_err(c, k->id, "file name \"%s\" does not match id \"%s\" "
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
		adv_oom(c, c->fence);
		return;
	}
	for (size_t i = 0; i < toml_table_len(root); i++) {
		const char *key = toml_table_key(root, i, NULL);
		const toml_value *v = toml_table_value(root, i);
		unsigned line = adv_kline(c, root, i);
		int s;
		for (s = 0; s < 3; s++)
			if (strcmp(key, names[s]) == 0)
				break;
		if (s == 3) {
			if (toml_kind(v) == TOML_TABLE)
				adv_err(c, line, "unknown section [%s]", key);
			else
				adv_err(c, line, "unknown key \"%s\" outside any "
				    "section", key);
		} else if (toml_kind(v) != TOML_TABLE) {
			adv_err(c, line, "%s must be a table ([%s]), not %s", key,
			    key, adv_kind_name(toml_kind(v)));
		} else {
			sec[s] = v;
			hdr[s] = line;
		}
	}
	if (sec[0])
		check_advisory(c, sec[0], hdr[0], &k);
	else
		adv_err(c, c->fence, "missing [advisory] section");
	if (sec[1])
		adv_check_versions(c, sec[1], hdr[1], rs);
	else
		adv_err(c, c->fence, "missing [versions] section");
	if (sec[2])
		adv_check_affected(c, sec[2]);
	if (sec[1] && !rs->bad)
		adv_compute_ranges(c, rs, hdr[1]);
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
		adv_err(&c, 0, "file is %zu bytes, more than the %u allowed", len,
		    (unsigned)ADVISORY_FILE_MAX);
		return -1;
	}
	if (frontmatter_split(&fm, text, len, &fe) < 0) {
		adv_err(&c, fe.line, "%s", fe.msg);
		return -1;
	}
	c.shift = fm.toml_line - 1;
	memset(&te, 0, sizeof(te));
	if (toml_parse(&doc, fm.toml, fm.toml_len, &te) < 0) {
		adv_err(&c, te.line ? te.line + c.shift : c.fence, "%s", te.msg);
		return -1;
	}
	c.a = calloc(1, sizeof(*c.a));
	if (!c.a) {
		toml_free(doc);
		adv_err(&c, 0, "out of memory");
		return -1;
	}
	check_doc(&c, toml_root(doc));
	toml_free(doc);

	adv_record *r = &c.a->rec;
	r->source = adv_str(c.a, source ? source : "", source ? strlen(source) : 0);
	r->path = adv_str(c.a, c.path, strlen(c.path));
	r->title = adv_str(c.a, fm.title, fm.title_len);
	r->description = adv_str(c.a, fm.desc, fm.desc_len);
	r->modified = 0;
	if (!r->source || !r->path || !r->title || !r->description)
		adv_oom(&c, 0);
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
