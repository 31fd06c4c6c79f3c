/*
 * advisory.c — see advisory.h. Owns the meaning of every key of a RustSec
 * advisory: which keys exist in which section, their types, how the
 * file's place in the repository (collection/folder/name) must agree with
 * it, and which rule is rustsec's (an error) and which only its linter's
 * (a warning; an error under ADVISORY_STRICT). The parse context (arena,
 * diagnostics, typed reading) is in advisory_ctx.c; [versions] and
 * [affected] in advisory_affected.c; the forms of ids, dates and URLs in
 * advisory_forms.c.
 *
 * The reference is the rustsec crate: Advisory::from_str (serde over the
 * `toml` crate, no deny_unknown_fields: unknown keys are ignored), the
 * types of its fields, and Database::open's checks of the file's place
 * (rustsec/src/database/entries.rs); the linter is
 * rustsec/src/advisory/linter.rs. Two differences on purpose: every
 * problem is reported, not just the first; and a NUL character, which
 * rustsec keeps, is stored as U+FFFD (records are C strings).
 *
 * Invariants:
 *   - Every string and array the record points to lives in the advisory's
 *     arena; the caller's text and the TOML tree are released before
 *     advisory_parse returns, so the record depends on nothing else.
 *   - Every diagnostic carries a line of the FILE: TOML lines are shifted
 *     by the lines before the front matter (fm_parts.toml_line), and by
 *     one more for the "[advisory]" header a headerless front matter gets.
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

/* The categories rustsec's linter knows (advisory/category.rs); others
 * load as Category::Other. */
static const char *const categories[] = {
	"code-execution", "crypto-failure", "denial-of-service",
	"file-disclosure", "format-injection", "malicious",
	"memory-corruption", "memory-exposure", "privilege-escalation",
	"thread-safety", NULL
};

/* The licenses the linter accepts for advisory text. */
static const char *const licenses[] = { "CC0-1.0", "CC-BY-4.0", NULL };

/* ---- [advisory] ---- */

typedef struct seen {           /* what later checks need of [advisory] */
	unsigned id, package, date, withdrawn, yanked, collection;
	adv_id idk;
	int id_ok;                  /* idk is valid */
	const char *date_raw;       /* date as written (the linter's year) */
	const char *collection_s;
} seen;

/* A date or withdrawn value: stored as YYYY-MM-DD. */
static const char *take_date(ctx *c, const toml_value *v, const char *what,
                             unsigned line, const char **raw)
{
	const char *s = adv_take_string(c, v, what), *why;
	char d[11];

	if (raw)
		*raw = s;
	if (!s)
		return NULL;
	if (adv_date_parse(d, s, strlen(s), &why) < 0) {
		if (!strcmp(why, "not a valid date"))
			adv_err(c, line, "%s \"%s\" is not a valid YYYY-MM-DD date",
			    what, s);
		else
			adv_err(c, line, "%s \"%s\": %s", what, s, why);
		return NULL;
	}
	if (!strcmp(d, s))
		return s;
	adv_warn(c, line, "%s \"%s\" is stored as \"%s\"", what, s, d);
	const char *p = adv_str(c->a, d, 10);
	if (!p)
		adv_oom(c, line);
	return p;
}

/* aliases and related: lists of ids, each as rustsec's Id reads it. */
static void take_ids(ctx *c, const toml_value *v, const char *what,
                     strlist *out)
{
	adv_id id;
	const char *why;

	if (adv_take_strlist(c, v, what, out) < 0)
		return;
	for (uint32_t i = 0; i < out->n; i++)
		if (adv_id_parse(&id, out->v[i], strlen(out->v[i]), &why) < 0)
			adv_err(c, adv_vline(c, toml_array_at(v, i)), "%s: \"%s\": "
			    "%s", what, out->v[i], why);
}

static void advisory_key(ctx *c, const char *key, const toml_value *v,
                         unsigned line, seen *k)
{
	adv_record *r = &c->a->rec;
	const char *why;
	char msg[160];

	if (strcmp(key, "id") == 0) {
		k->id = line;
		if ((r->id = adv_take_string(c, v, "id")) == NULL)
			return;
		if (limit_id_check("id", r->id, msg, sizeof(msg)) < 0) {
			adv_err(c, line, "%s", msg);   /* the index's cap */
			return;
		}
		if (adv_id_parse(&k->idk, r->id, strlen(r->id), &why) < 0) {
			adv_err(c, line, "invalid id \"%s\": %s", r->id, why);
			return;
		}
		k->id_ok = 1;
		if (k->idk.kind == ADV_ID_OTHER)
			adv_warn(c, line, "id \"%s\": unknown advisory ID type "
			    "(RUSTSEC-, CVE-, GHSA- or TALOS-)", r->id);
	} else if (strcmp(key, "package") == 0) {
		k->package = line;
		if ((r->package = adv_take_string(c, v, "package")) != NULL) {
			if (!r->package[0])
				adv_err(c, line, "package is empty");
		}
	} else if (strcmp(key, "title") == 0 ||
	           strcmp(key, "description") == 0) {
		const char *s;
		size_t len;
		/* rustsec takes them from the Markdown and refuses a front
		 * matter that sets them (an empty string is "not set"). */
		if (adv_want_string(c, v, key, &s, &len) == 0 && len > 0)
			adv_err(c, line, "%s must not be set in the front matter "
			    "(it comes from the Markdown after it)", key);
	} else if (strcmp(key, "date") == 0) {
		k->date = line;
		r->date = take_date(c, v, "date", line, &k->date_raw);
	} else if (strcmp(key, "withdrawn") == 0) {
		k->withdrawn = line;
		r->withdrawn = take_date(c, v, "withdrawn", line, NULL);
	} else if (strcmp(key, "url") == 0) {
		if ((r->url = adv_take_string(c, v, "url")) == NULL)
			return;
		if (adv_url_check(r->url, strlen(r->url), &why) < 0) {
			adv_err(c, line, "url \"%s\" is not a valid URL: %s", r->url,
			    why);
			r->url = NULL;
		} else if (strncmp(r->url, "https://", 8) != 0) {
			adv_warn(c, line, "url \"%s\" must start with https://",
			    r->url);
		}
	} else if (strcmp(key, "categories") == 0) {
		if (adv_take_strlist(c, v, "categories", &r->categories) == 0)
			for (uint32_t i = 0; i < r->categories.n; i++)
				if (!adv_in_set(r->categories.v[i], categories))
					adv_warn(c, adv_vline(c, toml_array_at(v, i)),
					    "unknown category \"%s\"",
					    r->categories.v[i]);
	} else if (strcmp(key, "keywords") == 0) {
		adv_take_strlist(c, v, "keywords", &r->keywords);
	} else if (strcmp(key, "aliases") == 0) {
		take_ids(c, v, "aliases", &r->aliases);
		for (uint32_t i = 0; i < r->aliases.n; i++)  /* the index's cap */
			if (limit_id_check("alias", r->aliases.v[i], msg,
			                   sizeof(msg)) < 0)
				adv_err(c, adv_vline(c, toml_array_at(v, i)), "%s", msg);
	} else if (strcmp(key, "related") == 0) {
		take_ids(c, v, "related", &r->related);
	} else if (strcmp(key, "references") == 0) {
		if (adv_take_strlist(c, v, "references", &r->references) == 0)
			for (uint32_t i = 0; i < r->references.n; i++)
				if (adv_url_check(r->references.v[i],
				                  strlen(r->references.v[i]), &why) < 0)
					adv_err(c, adv_vline(c, toml_array_at(v, i)),
					    "reference \"%s\" is not a valid URL: %s",
					    r->references.v[i], why);
	} else if (strcmp(key, "informational") == 0) {
		const char *s = adv_take_string(c, v, "informational");
		if (!s)
			return;
		r->informational = s;
		r->info = (uint8_t)record_info_of(s);
		if (r->info == ADV_INFO_OTHER)
			adv_warn(c, line, "unknown informational kind \"%s\" (kept "
			     "as written)", s);
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
			adv_warn(c, line, "unknown license \"%s\" (CC0-1.0 or "
			    "CC-BY-4.0)", r->license);
	} else if (strcmp(key, "expect-deleted") == 0) {
		if (toml_kind(v) != TOML_BOOL)
			adv_err(c, line, "expect-deleted must be a boolean, not %s",
			    adv_kind_name(toml_kind(v)));
		else
			r->expect_deleted = toml_bool(v) ? 1 : 0;
	} else if (strcmp(key, "collection") == 0) {
		const char *s = adv_take_string(c, v, "collection");
		if (!s)
			return;
		if (strcmp(s, "crates") != 0 && strcmp(s, "rust") != 0) {
			adv_err(c, line, "collection \"%s\" is neither \"crates\" "
			    "nor \"rust\"", s);
			return;
		}
		k->collection = line;   /* checked against the folder later */
		k->collection_s = s;
	} else if (strcmp(key, "source") == 0) {
		const char *s = adv_take_string(c, v, "source");
		int cio;
		if (!s)
			return;
		if (adv_source_check(s, strlen(s), &cio, &why) < 0) {
			adv_err(c, line, "source \"%s\": %s", s, why);
		} else if (!cio) {
			c->a->unindexed = "an advisory for another registry";
			adv_warn(c, line, "source \"%s\" is not crates.io: rustsec "
			    "never reports this advisory for a crates.io package; "
			    "not indexed", s);
		} else {
			adv_warn(c, line, "key \"source\" is not one rustsec's "
			    "linter accepts (crates.io is the default)");
		}
	} else if (strcmp(key, "yanked") == 0) {
		k->yanked = line;       /* ignored, whatever its type */
	} else {
		adv_warn(c, line, "unknown key \"%s\" in [advisory] (ignored)",
		    key);
	}
}

static void check_advisory(ctx *c, const toml_value *t, unsigned hdr,
                           seen *k)
{
	adv_record *r = &c->a->rec;
	uint32_t dy;

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
	if (k->yanked && !k->withdrawn)
		adv_warn(c, k->yanked, "key \"yanked\" is deprecated: use "
		    "\"withdrawn\" (a date)");
	if (k->id_ok && k->idk.has_year && k->idk.kind != ADV_ID_CVE &&
	    r->date && k->date_raw &&
	    (adv_date_year(k->date_raw, strlen(k->date_raw), &dy) < 0 ||
	     dy != k->idk.year))
		adv_warn(c, k->id, "year in id \"%s\" does not match date "
		    "\"%s\"", r->id, k->date_raw);
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
	int known = 1;
	if (clen == 6 && memcmp(p, "crates", 6) == 0) {
		r->collection = ADV_CRATES;
	} else if (clen == 4 && memcmp(p, "rust", 4) == 0) {
		r->collection = ADV_RUST;
	} else {
		known = 0;
		adv_err(c, 0, "unknown collection \"%.*s\" (crates or rust)",
		    (int)(clen > 40 ? 40 : clen), p);
	}
	if (k->collection_s && known) {
		if (strlen(k->collection_s) != clen ||
		    memcmp(k->collection_s, p, clen) != 0)
			adv_err(c, k->collection, "collection \"%s\" does not match "
			    "the folder \"%.*s\" the file is in", k->collection_s,
			    (int)clen, p);
		else
			adv_warn(c, k->collection, "key \"collection\" should be "
			    "left out (the collection is inferred from the file's "
			    "location)");
	}
	const char *folder = s1 + 1, *file = s2 + 1;
	size_t flen = (size_t)(s2 - folder);
	if (r->package && (strlen(r->package) != flen ||
	                   memcmp(r->package, folder, flen) != 0))
		adv_err(c, k->package, "package \"%s\" does not match its folder "
		    "\"%.*s\"", r->package, (int)(flen > 80 ? 80 : flen), folder);
	/* A draft (RUSTSEC-0000-0000.*) may hold any id; rustsec's linter
	 * wants the placeholder id there and nowhere else. */
	size_t nlen = strlen(file), plen = strlen(ADVISORY_PLACEHOLDER_ID);
	int draft = nlen > plen && memcmp(file, ADVISORY_PLACEHOLDER_ID,
	                                  plen) == 0 && file[plen] == '.';
	if (r->id && !draft && (nlen != strlen(r->id) + 3 ||
	                        memcmp(file, r->id, nlen - 3) != 0 ||
	                        memcmp(file + nlen - 3, ".md", 3) != 0))
		adv_err(c, k->id, "file name \"%s\" does not match id \"%s\" "
		    "(expected \"%s.md\")", file, r->id, r->id);
	if (r->id && k->id_ok && draft != k->idk.placeholder)
		adv_warn(c, k->id, "advisory ID draft status does not match the "
		    "file name (%s is the id of a draft, %s.md its name)",
		    ADVISORY_PLACEHOLDER_ID, ADVISORY_PLACEHOLDER_ID);
	if (k->id_ok && k->idk.placeholder && !c->a->unindexed)
		c->a->unindexed = "a draft";
}

/* ---- the Markdown ---- */

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* Is c (at s, n bytes left) white space to Rust's split_whitespace? */
static size_t space_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] == ' ' || (u[0] >= 0x09 && u[0] <= 0x0D))
		return 1;
	if (n >= 2 && u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0))
		return 2;
	if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 &&
	    (u[2] <= 0x8A || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF))
		return 3;
	if (n >= 3 && ((u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80) ||
	               (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F) ||
	               (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)))
		return 3;
	return 0;
}

/*
 * The linter's rule against bare @mentions in the Markdown (they notify
 * the user on GitHub): on each line, the first "@" followed by a word
 * that starts with a letter or digit and holds no '.', '@' or '`' (an
 * e-mail address, code) is reported, that word cut of its ')'s.
 */
static void lint_mentions(ctx *c, const char *md, size_t len,
                          unsigned line)
{
	if (!memchr(md, '@', len))
		return;
	for (size_t bol = 0; bol < len; line++) {
		const char *nl = memchr(md + bol, '\n', len - bol);
		size_t eol = nl ? (size_t)(nl - md) : len;
		for (size_t i = bol; i < eol; i++) {
			if (md[i] != '@')
				continue;
			/* the part after this '@', up to and with the next one */
			size_t p = i + 1, q = p;
			if (p >= eol || !is_alnum((unsigned char)md[p]))
				continue;
			while (q < eol && !space_len(md + q, eol - q) && md[q] != '@')
				q++;
			if (q < eol && md[q] == '@')
				continue;       /* "user@" : the word holds an '@' */
			if (memchr(md + p, '.', q - p) || memchr(md + p, '`', q - p))
				continue;
			size_t e = q;
			while (e > p && md[e - 1] == ')')
				e--;
			adv_warn(c, line, "bare @%.*s in the Markdown (use an explicit "
			    "link, a mention notifies the user)", (int)(e - p), md + p);
			break;
		}
		bol = nl ? eol + 1 : len;
	}
}

/* ---- driver ---- */

static void check_doc(ctx *c, const toml_value *root)
{
	const toml_value *sec[3] = { NULL, NULL, NULL };
	unsigned hdr[3] = { 0, 0, 0 };
	static const char *const names[3] = { "advisory", "versions",
	                                      "affected" };
	seen k;
	/* ~140 KB of room for REQ_RANGES_MAX intervals, of which a file
	 * fills a few: only the count and flag are set (calloc cleared it
	 * all, for every advisory parsed) */
	reqset *rs = malloc(sizeof(*rs));

	memset(&k, 0, sizeof(k));
	if (!rs) {
		adv_oom(c, c->fence);
		return;
	}
	rs->n = 0;
	rs->bad = 0;
	for (size_t i = 0; i < toml_table_len(root); i++) {
		const char *key = toml_table_key(root, i, NULL);
		const toml_value *v = toml_table_value(root, i);
		unsigned line = adv_kline(c, root, i);
		int s;
		for (s = 0; s < 3; s++)
			if (strcmp(key, names[s]) == 0)
				break;
		if (s == 3) {           /* serde ignores it; the linter does not */
			if (toml_kind(v) == TOML_TABLE)
				adv_warn(c, line, "unknown section [%s] (ignored)", key);
			else
				adv_warn(c, line, "unknown key \"%s\" outside any "
				    "section (ignored)", key);
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

/* Does the (trimmed) front matter start with the "[advisory]" header?
 * rustsec's test, byte for byte: otherwise it reads the front matter as
 * if "[advisory]\n" came first. */
static int has_header(const fm_parts *fm)
{
	return fm->toml_len >= 10 && memcmp(fm->toml, "[advisory]", 10) == 0;
}

int advisory_parse_ex(advisory **out, const char *source, const char *path,
                      const char *text, size_t len, unsigned flags,
                      char *id, diag_list *d)
{
	ctx c;
	fm_parts fm;
	fm_error fe;
	toml_error te;
	toml_doc *doc = NULL;
	char *buf = NULL;

	*out = NULL;
	if (id)
		id[0] = '\0';
	memset(&c, 0, sizeof(c));
	c.path = path ? path : "-";
	c.d = d;
	c.fence = 1;
	c.flags = flags;
	if (len > ADVISORY_FILE_MAX) {
		adv_err(&c, 0, "file is %zu bytes, more than the %u allowed", len,
		    (unsigned)ADVISORY_FILE_MAX);
		return -1;
	}
	if (frontmatter_split(&fm, text, len, &fe) < 0) {
		adv_err(&c, fe.line, "%s", fe.msg);
		return -1;
	}
	const char *toml = fm.toml;
	size_t tlen = fm.toml_len;
	c.shift = (int)fm.toml_line - 1;
	if (!has_header(&fm)) {
		static const char hdr[] = "[advisory]\n";
		buf = malloc(sizeof(hdr) - 1 + tlen + 1);
		if (!buf) {
			adv_err(&c, 0, "out of memory");
			return -1;
		}
		memcpy(buf, hdr, sizeof(hdr) - 1);
		memcpy(buf + sizeof(hdr) - 1, fm.toml, tlen);
		toml = buf;
		tlen += sizeof(hdr) - 1;
		c.shift--;
		c.fence = fm.toml_line > 1 ? fm.toml_line - 1 : 1;
		adv_warn(&c, fm.toml_line, "the front matter does not start with "
		    "the [advisory] header: read as if it did (as rustsec does; "
		    "its linter refuses this form)");
	}
	memset(&te, 0, sizeof(te));
	int tr = toml_parse_ex(&doc, toml, tlen, TOML_1_1, &te);
	free(buf);
	if (tr < 0) {
		long l = te.line ? (long)te.line + c.shift : (long)c.fence;
		adv_err(&c, l < 1 ? 1 : (unsigned)l, "%s", te.msg);
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

	lint_mentions(&c, fm.title - 2, len - (size_t)(fm.title - 2 - text),
	              fm.title_line);
	adv_record *r = &c.a->rec;
	if (id && r->id && strlen(r->id) < ADVISORY_ID_KEEP)
		memcpy(id, r->id, strlen(r->id) + 1);
	r->source = adv_str(c.a, source ? source : "", source ? strlen(source) : 0);
	r->path = adv_str(c.a, c.path, strlen(c.path));
	r->title = adv_text(&c, fm.title, fm.title_len, "the title",
	                    fm.title_line);
	r->description = adv_text(&c, fm.desc, fm.desc_len, "the description",
	                          fm.desc_line);
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

int advisory_parse(advisory **out, const char *source, const char *path,
                   const char *text, size_t len, diag_list *d)
{
	return advisory_parse_ex(out, source, path, text, len, 0, NULL, d);
}

const char *advisory_unindexed(const advisory *a)
{
	return a ? a->unindexed : NULL;
}

const adv_record *advisory_record(const advisory *a)
{
	return a ? &a->rec : NULL;
}

void advisory_free(advisory *a)
{
	if (!a)
		return;
	arena_free(&a->mem);
	free(a);
}
