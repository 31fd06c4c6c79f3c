/*
 * test_record.c — the full and hot record formats (schema/record.c):
 * lossless round trips, caps, and decoders that survive any bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "record.h"
#include "testlib.h"
#include "version.h"

/* A record with every field set; storage is static to the test. */
static const char *aliases[] = { "CVE-2023-1111", "GHSA-aaaa-bbbb-cccc" };
static const char *related[] = { "RUSTSEC-2022-0001" };
static const char *cats[] = { "memory-corruption", "denial-of-service" };
static const char *kws[] = { "overflow" };
static const char *refs[] = { "https://example.org/a", "https://example.org/b" };
static const char *oses[] = { "linux", "windows" };
static const char *arches[] = { "x86_64" };
static const char *patched[] = { ">= 1.2.5", "^1.3.1" };
static const char *unaff[] = { "< 0.1.0" };
static const char *freqs[] = { ">= 1.0.0, < 1.2.5" };

static void full_record(adv_record *r, adv_function *fn, range *rg)
{
	memset(r, 0, sizeof(*r));
	r->id = "RUSTSEC-2023-0001";
	r->package = "tokio";
	r->source = "rustsec";
	r->path = "crates/tokio/RUSTSEC-2023-0001.md";
	r->date = "2023-01-02";
	r->withdrawn = "2023-02-03";
	r->url = "https://example.org/";
	r->title = "A title";
	r->description = "Some **markdown**\n\nwith lines.\n";
	r->license = "CC-BY-4.0";
	r->informational = "unsound";
	r->cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
	r->modified = -1234567890123LL;
	r->cvss_score10 = 98;
	r->collection = ADV_CRATES;
	r->info = ADV_INFO_UNSOUND;
	r->severity = ADV_SEV_CRITICAL;
	r->expect_deleted = 1;
	r->aliases = (strlist){ aliases, 2 };
	r->related = (strlist){ related, 1 };
	r->categories = (strlist){ cats, 2 };
	r->keywords = (strlist){ kws, 1 };
	r->references = (strlist){ refs, 2 };
	r->os = (strlist){ oses, 2 };
	r->arch = (strlist){ arches, 1 };
	r->patched = (strlist){ patched, 2 };
	r->unaffected = (strlist){ unaff, 1 };
	fn[0].path = "tokio::io::read";
	fn[0].reqs = (strlist){ freqs, 1 };
	fn[1].path = "tokio::io::write";
	fn[1].reqs = (strlist){ NULL, 0 };
	r->functions = fn;
	r->nfunctions = 2;
	rg[0] = tl_range("0.1.0", "1.2.5");
	rg[1] = tl_range("1.3.0-alpha.1", "1.3.1+build.7");
	rg[2] = tl_range("2.0.0", NULL);
	r->ranges = rg;
	r->nranges = 3;
}

static void assert_list_eq(const strlist *a, const strlist *b)
{
	assert_int_equal(a->n, b->n);
	for (uint32_t i = 0; i < a->n; i++)
		assert_string_equal(a->v[i], b->v[i]);
}

static void test_record_roundtrip__every_field(void **state)
{
	(void)state;
	adv_record r;
	adv_function fn[2];
	range rg[3];
	uint8_t *b1, *b2;
	size_t l1, l2;
	adv_record *d;

	full_record(&r, fn, rg);
	assert_int_equal(record_encode(&r, &b1, &l1), 0);
	assert_int_equal(b1[0], RECORD_FORMAT);
	assert_int_equal(record_decode(&d, b1, l1), 0);
	assert_non_null(d);

	assert_string_equal(d->id, r.id);
	assert_string_equal(d->package, r.package);
	assert_string_equal(d->source, r.source);
	assert_string_equal(d->path, r.path);
	assert_string_equal(d->date, r.date);
	assert_string_equal(d->withdrawn, r.withdrawn);
	assert_string_equal(d->url, r.url);
	assert_string_equal(d->title, r.title);
	assert_string_equal(d->description, r.description);
	assert_string_equal(d->license, r.license);
	assert_string_equal(d->informational, r.informational);
	assert_string_equal(d->cvss, r.cvss);
	assert_true(d->modified == r.modified);
	assert_int_equal(d->cvss_score10, 98);
	assert_int_equal(d->collection, ADV_CRATES);
	assert_int_equal(d->info, ADV_INFO_UNSOUND);
	assert_int_equal(d->severity, ADV_SEV_CRITICAL);
	assert_int_equal(d->expect_deleted, 1);
	assert_list_eq(&d->aliases, &r.aliases);
	assert_list_eq(&d->related, &r.related);
	assert_list_eq(&d->categories, &r.categories);
	assert_list_eq(&d->keywords, &r.keywords);
	assert_list_eq(&d->references, &r.references);
	assert_list_eq(&d->os, &r.os);
	assert_list_eq(&d->arch, &r.arch);
	assert_list_eq(&d->patched, &r.patched);
	assert_list_eq(&d->unaffected, &r.unaffected);
	assert_int_equal(d->nfunctions, 2);
	assert_string_equal(d->functions[0].path, "tokio::io::read");
	assert_list_eq(&d->functions[0].reqs, &fn[0].reqs);
	assert_int_equal(d->functions[1].reqs.n, 0);
	assert_int_equal(d->nranges, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(d->ranges[i].has_introduced, rg[i].has_introduced);
		assert_int_equal(d->ranges[i].has_fixed, rg[i].has_fixed);
		if (rg[i].has_introduced)
			assert_int_equal(version_cmp(&d->ranges[i].introduced,
			                             &rg[i].introduced), 0);
		if (rg[i].has_fixed)
			assert_int_equal(version_cmp(&d->ranges[i].fixed,
			                             &rg[i].fixed), 0);
	}
	assert_string_equal(d->ranges[1].fixed.build, "build.7");
	assert_string_equal(d->ranges[1].introduced.pre, "alpha.1");
	/* the range text is the record's canonical text, for printing */
	assert_null(r.range_text);
	assert_non_null(d->range_text);
	assert_string_equal(d->range_text[0], "0.1.0");
	assert_string_equal(d->range_text[1], "1.2.5");
	assert_string_equal(d->range_text[2], "1.3.0-alpha.1");
	assert_string_equal(d->range_text[3], "1.3.1+build.7");
	assert_string_equal(d->range_text[4], "2.0.0");
	assert_null(d->range_text[5]);
	for (int i = 0; i < 6; i++) {
		char t[VERSION_TEXT_MAX + 1];
		const range *g = &d->ranges[i / 2];
		if (!d->range_text[i])
			continue;
		version_format(i % 2 ? &g->fixed : &g->introduced, t, sizeof t);
		assert_string_equal(d->range_text[i], t);
		assert_true(d->range_text[i] > (const char *)d);  /* its block */
	}

	/* strings live inside the record's own block */
	const char *lo = (const char *)d;
	assert_true(d->description > lo);

	assert_int_equal(record_encode(d, &b2, &l2), 0);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	record_free(d);
	free(b1);
	free(b2);
}

static void test_record_roundtrip__nulls_and_empty_lists(void **state)
{
	(void)state;
	adv_record r;
	uint8_t *b1, *b2;
	size_t l1, l2;
	adv_record *d;

	memset(&r, 0, sizeof(r));
	r.id = "RUSTSEC-2020-0002";
	r.package = "";
	r.collection = ADV_RUST;
	assert_int_equal(record_encode(&r, &b1, &l1), 0);
	assert_int_equal(record_decode(&d, b1, l1), 0);
	assert_string_equal(d->id, r.id);
	assert_string_equal(d->package, "");   /* "" stays distinct from NULL */
	assert_null(d->source);
	assert_null(d->withdrawn);
	assert_null(d->description);
	assert_null(d->cvss);
	assert_int_equal(d->collection, ADV_RUST);
	assert_int_equal(d->aliases.n, 0);
	assert_int_equal(d->unaffected.n, 0);
	assert_int_equal(d->nfunctions, 0);
	assert_null(d->functions);
	assert_int_equal(d->nranges, 0);
	assert_null(d->ranges);
	assert_int_equal(record_encode(d, &b2, &l2), 0);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	record_free(d);
	free(b1);
	free(b2);
}

static void test_record_encode__rejects_bad_lists(void **state)
{
	(void)state;
	adv_record r;
	uint8_t *b = NULL;
	size_t l = 0;
	const char *withnull[] = { "a", NULL };

	memset(&r, 0, sizeof(r));
	r.id = "X";
	r.aliases = (strlist){ withnull, 2 };
	assert_int_equal(record_encode(&r, &b, &l), -1);
	assert_null(b);

	r.aliases = (strlist){ withnull, RECORD_LIST_MAX + 1 };
	assert_int_equal(record_encode(&r, &b, &l), -1);

	r.aliases = (strlist){ NULL, 0 };
	r.nranges = REQ_RANGES_MAX + 1;
	r.ranges = calloc(r.nranges, sizeof(range));
	assert_non_null(r.ranges);
	assert_int_equal(record_encode(&r, &b, &l), -1);
	free(r.ranges);
}

static void test_record_decode__every_truncation_fails(void **state)
{
	(void)state;
	adv_record r, *d;
	adv_function fn[2];
	range rg[3];
	uint8_t *b;
	size_t l;

	full_record(&r, fn, rg);
	assert_int_equal(record_encode(&r, &b, &l), 0);
	for (size_t n = 0; n < l; n++) {
		/* a heap copy of exactly n bytes lets ASan catch any overread */
		uint8_t *c = malloc(n ? n : 1);
		assert_non_null(c);
		memcpy(c, b, n);
		assert_int_equal(record_decode(&d, c, n), -1);
		assert_null(d);
		free(c);
	}
	/* and a trailing byte is rejected too */
	uint8_t *c = malloc(l + 1);
	memcpy(c, b, l);
	c[l] = 0;
	assert_int_equal(record_decode(&d, c, l + 1), -1);
	free(c);
	free(b);
}

/* Decode of mutated bytes: -1, or a record that re-encodes to exactly the
 * mutated bytes (the decoder accepts only what the encoder writes). */
static void test_record_decode__random_mutations(void **state)
{
	(void)state;
	adv_record r, *d;
	adv_function fn[2];
	range rg[3];
	uint8_t *b;
	size_t l;
	unsigned seed = 12345, accepted = 0;

	full_record(&r, fn, rg);
	assert_int_equal(record_encode(&r, &b, &l), 0);
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = l;
		uint8_t *c = malloc(l + 8);
		assert_non_null(c);
		memcpy(c, b, l);
		int muts = 1 + (int)(rand_r(&seed) % 3);
		for (int m = 0; m < muts; m++) {
			size_t at = (size_t)rand_r(&seed) % n;
			switch (rand_r(&seed) % 5) {
			case 0: c[at] ^= (uint8_t)(1u << (rand_r(&seed) % 8)); break;
			case 1: c[at] = (uint8_t)rand_r(&seed); break;
			case 2: c[at] = 0xFF; break;
			case 3: n = at; break;                 /* truncate */
			default: c[at] = (uint8_t)(c[at] + 1); break;
			}
			if (n == 0)
				break;
		}
		if (record_decode(&d, c, n) == 0) {
			uint8_t *e;
			size_t el;
			accepted++;
			assert_int_equal(record_encode(d, &e, &el), 0);
			assert_int_equal(el, n);
			assert_memory_equal(e, c, n);
			free(e);
			record_free(d);
		} else {
			assert_null(d);
		}
		free(c);
	}
	/* mutations inside text keep the record valid: both paths ran */
	assert_true(accepted > 0);
	free(b);
}

static void test_record_decode__hostile_counts(void **state)
{
	(void)state;
	adv_record r, *d;
	uint8_t *b;
	size_t l;

	memset(&r, 0, sizeof(r));
	r.id = "X";
	assert_int_equal(record_encode(&r, &b, &l), 0);
	/* the last u32 is the range count: claim a huge one */
	b[l - 4] = 0xFF; b[l - 3] = 0xFF; b[l - 2] = 0xFF; b[l - 1] = 0x7F;
	assert_int_equal(record_decode(&d, b, l), -1);
	/* a wrong format byte */
	b[l - 4] = b[l - 3] = b[l - 2] = b[l - 1] = 0;
	assert_int_equal(record_decode(&d, b, l), 0);
	record_free(d);
	b[0] = RECORD_FORMAT + 1;
	assert_int_equal(record_decode(&d, b, l), -1);
	assert_int_equal(record_decode(&d, b, 0), -1);
	free(b);
}

/* ---- hot records ---- */

static const char *h_os[] = { "linux", "macos" };
static const char *h_arch[] = { "aarch64" };

/* Three advisories of one package: ranges with both, one and no bounds,
 * a prerelease bound, os/arch restrictions, withdrawn and informational. */
typedef struct hot_fixture {
	adv_record a, b, c;
	range ra[3], rb[1];
	uint8_t *buf;
	size_t len;
} hot_fixture;

static void hot_build(hot_fixture *f)
{
	const adv_record *recs[3];

	memset(f, 0, sizeof(*f));
	f->a.id = "RUSTSEC-2020-0001";
	f->a.severity = ADV_SEV_HIGH;
	f->a.cvss_score10 = 75;
	f->ra[0] = tl_range(NULL, "0.3.0");
	f->ra[1] = tl_range("1.0.0", "1.2.5");
	f->ra[2] = tl_range("2.0.0-alpha.2", NULL);
	f->a.ranges = f->ra;
	f->a.nranges = 3;
	f->a.os = (strlist){ h_os, 2 };

	f->b.id = "RUSTSEC-2021-0007";
	f->b.withdrawn = "2021-05-05";
	f->b.info = ADV_INFO_UNMAINTAINED;
	f->b.arch = (strlist){ h_arch, 1 };
	f->b.expect_deleted = 1;
	f->rb[0] = tl_range(NULL, NULL);
	f->b.ranges = f->rb;
	f->b.nranges = 1;

	f->c.id = "RUSTSEC-2022-0100";   /* no ranges: affects nothing */
	f->c.nfunctions = 1;
	static adv_function fn = { "x::y", { NULL, 0 } };
	f->c.functions = &fn;

	recs[0] = &f->a;
	recs[1] = &f->b;
	recs[2] = &f->c;
	assert_int_equal(hot_encode(recs, 3, &f->buf, &f->len), 0);
	assert_int_equal(f->buf[0], RECORD_FORMAT);
}

static int affects(const hot_entry *e, const char *v)
{
	version x = tl_version(v);
	uint8_t key[VKEY_MAX];
	size_t n = version_key_encode(&x, key);
	assert_true(n > 0);
	return hot_entry_affects(e, key, n);
}

static void test_hot__iterate_fields(void **state)
{
	(void)state;
	hot_fixture f;
	hot_iter it;
	hot_entry e;

	hot_build(&f);
	assert_int_equal(hot_iter_init(&it, f.buf, f.len), 0);

	assert_int_equal(hot_iter_next(&it, &e), 1);
	assert_int_equal(e.id_len, strlen(f.a.id));
	assert_memory_equal(e.id, f.a.id, e.id_len);
	assert_int_equal(e.flags, HOT_HAS_OS);
	assert_int_equal(e.severity, ADV_SEV_HIGH);
	assert_int_equal(e.cvss_score10, 75);
	assert_int_equal(e.n_os, 2);
	assert_int_equal(e.n_arch, 0);
	assert_int_equal(e.n_ranges, 3);

	assert_int_equal(hot_iter_next(&it, &e), 1);
	assert_memory_equal(e.id, f.b.id, e.id_len);
	assert_int_equal(e.flags,
	                 HOT_WITHDRAWN | HOT_HAS_ARCH | HOT_EXPECT_DELETED);
	assert_int_equal(e.info, ADV_INFO_UNMAINTAINED);

	assert_int_equal(hot_iter_next(&it, &e), 1);
	assert_memory_equal(e.id, f.c.id, e.id_len);
	assert_int_equal(e.flags, HOT_HAS_FUNCTIONS);
	assert_int_equal(e.n_ranges, 0);
	assert_ptr_equal(e.end, f.buf + f.len);

	assert_int_equal(hot_iter_next(&it, &e), 0);
	assert_int_equal(hot_iter_next(&it, &e), 0);
	free(f.buf);
}

static void test_hot__affects_bounds(void **state)
{
	(void)state;
	hot_fixture f;
	hot_iter it;
	hot_entry a, b, c;
	static const struct { const char *v; int want; } cases[] = {
		{ "0.0.0", 1 }, { "0.2.9", 1 }, { "0.3.0-rc.1", 1 },
		{ "0.3.0", 0 }, { "0.9.9", 0 }, { "1.0.0-beta", 0 },
		{ "1.0.0", 1 }, { "1.2.4", 1 }, { "1.2.5-0", 1 },
		{ "1.2.5", 0 }, { "1.9.0", 0 }, { "2.0.0-alpha.1", 0 },
		{ "2.0.0-alpha.2", 1 }, { "2.0.0-alpha.10", 1 },
		{ "2.0.0-beta", 1 }, { "2.0.0", 1 }, { "99.0.0", 1 },
		{ "1.2.4+meta", 1 }, { "0.3.0+meta", 0 },
	};

	hot_build(&f);
	assert_int_equal(hot_iter_init(&it, f.buf, f.len), 0);
	assert_int_equal(hot_iter_next(&it, &a), 1);
	assert_int_equal(hot_iter_next(&it, &b), 1);
	assert_int_equal(hot_iter_next(&it, &c), 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (affects(&a, cases[i].v) != cases[i].want)
			fail_msg("%s: want %d", cases[i].v, cases[i].want);
		assert_int_equal(affects(&b, cases[i].v), 1);   /* unbounded */
		assert_int_equal(affects(&c, cases[i].v), 0);   /* no range */
	}
	free(f.buf);
}

static void test_hot__os_arch(void **state)
{
	(void)state;
	hot_fixture f;
	hot_iter it;
	hot_entry a, b;

	hot_build(&f);
	assert_int_equal(hot_iter_init(&it, f.buf, f.len), 0);
	assert_int_equal(hot_iter_next(&it, &a), 1);
	assert_int_equal(hot_iter_next(&it, &b), 1);
	assert_int_equal(hot_entry_has_os(&a, "linux", 5), 1);
	assert_int_equal(hot_entry_has_os(&a, "macos", 5), 1);
	assert_int_equal(hot_entry_has_os(&a, "linu", 4), 0);
	assert_int_equal(hot_entry_has_os(&a, "windows", 7), 0);
	assert_int_equal(hot_entry_has_arch(&a, "x86_64", 6), 1);  /* empty */
	assert_int_equal(hot_entry_has_arch(&b, "aarch64", 7), 1);
	assert_int_equal(hot_entry_has_arch(&b, "x86_64", 6), 0);
	assert_int_equal(hot_entry_has_os(&b, "linux", 5), 1);    /* empty */
	free(f.buf);
}

static void test_hot__encode_rejects_long_id(void **state)
{
	(void)state;
	char id[300];
	adv_record r;
	const adv_record *p = &r;
	uint8_t *b = NULL;
	size_t l;

	memset(id, 'A', sizeof(id) - 1);
	id[sizeof(id) - 1] = 0;
	memset(&r, 0, sizeof(r));
	r.id = id;
	assert_int_equal(hot_encode(&p, 1, &b, &l), -1);
	assert_null(b);
	assert_int_equal(hot_encode(NULL, 0, &b, &l), 0);   /* empty package */
	hot_iter it;
	hot_entry e;
	assert_int_equal(hot_iter_init(&it, b, l), 0);
	assert_int_equal(hot_iter_next(&it, &e), 0);
	free(b);
}

/* Ids and aliases: 1..ADV_ID_MAX bytes on both sides, in both record
 * kinds, so nothing written is unreadable (the reader's id buffer is
 * ADVDB_ID_MAX, its NUL included). */
static void test_record__id_and_alias_caps(void **state)
{
	(void)state;
	char id[ADV_ID_MAX + 2];
	adv_record r, *back;
	const adv_record *p = &r;
	const char *al[1];
	uint8_t *b = NULL;
	size_t l;
	hot_iter it;
	hot_entry e;

	memset(id, 'A', sizeof(id) - 1);
	id[ADV_ID_MAX] = 0;                       /* 63 bytes: fine */
	memset(&r, 0, sizeof(r));
	r.id = id;
	r.package = "p";
	al[0] = id;
	r.aliases = (strlist){ al, 1 };
	assert_int_equal(record_encode(&r, &b, &l), 0);
	assert_int_equal(record_decode(&back, b, l), 0);
	assert_string_equal(back->id, id);
	record_free(back);
	/* the same bytes with a 64-byte id are not a record */
	free(b);
	id[ADV_ID_MAX] = 'A';
	id[ADV_ID_MAX + 1] = 0;
	assert_int_equal(record_encode(&r, &b, &l), -1);
	r.id = "X";
	assert_int_equal(record_encode(&r, &b, &l), -1);   /* the alias */
	al[0] = "";
	assert_int_equal(record_encode(&r, &b, &l), -1);   /* an empty one */
	al[0] = "Y";
	assert_int_equal(record_encode(&r, &b, &l), 0);
	/* patch the alias's length and bytes by hand: decode refuses */
	uint8_t *q = NULL;
	for (size_t i = 4; i + 1 < l && !q; i++)   /* u32 1, 'Y', NUL */
		if (b[i] == 'Y' && b[i + 1] == 0 && b[i - 4] == 1)
			q = b + i;
	assert_non_null(q);
	/* the same record with that alias empty: u32 0, NUL */
	size_t at = (size_t)(q - b);
	uint8_t *e0 = malloc(l);
	assert_non_null(e0);
	memcpy(e0, b, at);
	e0[at - 4] = 0;
	e0[at] = 0;
	memcpy(e0 + at + 1, b + at + 2, l - at - 2);
	assert_int_equal(record_decode(&back, e0, l - 1), -1);
	/* (the record as encoded decodes: only the empty alias is wrong) */
	assert_int_equal(record_decode(&back, b, l), 0);
	record_free(back);
	free(e0);
	free(b);

	/* hot records: a 63-byte id is read back, a 64-byte one refused */
	id[ADV_ID_MAX] = 0;
	r.id = id;
	assert_int_equal(hot_encode(&p, 1, &b, &l), 0);
	assert_int_equal(hot_iter_init(&it, b, l), 0);
	assert_int_equal(hot_iter_next(&it, &e), 1);
	assert_int_equal(e.id_len, ADV_ID_MAX);
	b[3] = ADV_ID_MAX + 1;                    /* the id's length byte */
	assert_int_equal(hot_iter_init(&it, b, l), 0);
	assert_int_equal(hot_iter_next(&it, &e), -1);
	free(b);
}

/* A hot record holds up to HOT_ENTRIES_MAX advisories (u16 count), no
 * longer RECORD_LIST_MAX. */
static void test_hot__entries_cap(void **state)
{
	(void)state;
	size_t n = HOT_ENTRIES_MAX + 1;
	adv_record *v = calloc(n, sizeof(*v));
	const adv_record **p = calloc(n, sizeof(*p));
	uint8_t *b = NULL;
	size_t l;
	hot_iter it;
	hot_entry e;

	char (*ids)[16] = calloc(n, sizeof(*ids));

	assert_non_null(v);
	assert_non_null(p);
	assert_non_null(ids);
	for (size_t i = 0; i < n; i++) {   /* distinct, in id order */
		snprintf(ids[i], sizeof(ids[i]), "ID-%06zu", i);
		v[i].id = ids[i];
		p[i] = &v[i];
	}
	assert_int_equal(hot_encode(p, n, &b, &l), -1);
	assert_int_equal(hot_encode(p, n - 1, &b, &l), 0);
	assert_int_equal(hot_iter_init(&it, b, l), 0);
	size_t seen = 0;
	int rc;
	while ((rc = hot_iter_next(&it, &e)) == 1)
		seen++;
	assert_int_equal(rc, 0);
	assert_int_equal(seen, HOT_ENTRIES_MAX);
	free(b);
	free(ids);
	free(p);
	free(v);
}

/* Walk a hot record fully; returns entries seen, or -1. */
static int hot_walk(const uint8_t *b, size_t n)
{
	hot_iter it;
	hot_entry e;
	int rc, seen = 0;
	uint8_t key[] = { 1, 1, 1, 0, 0xFF };   /* any key: just must not crash */

	if (hot_iter_init(&it, b, n) < 0)
		return -1;
	while ((rc = hot_iter_next(&it, &e)) == 1) {
		seen++;
		(void)hot_entry_affects(&e, key, sizeof(key));
		(void)hot_entry_has_os(&e, "linux", 5);
		(void)hot_entry_has_arch(&e, "x86", 3);
		if (seen > 100000)
			return -2;   /* a loop */
	}
	return rc < 0 ? -1 : seen;
}

static void test_hot__truncations_and_mutations(void **state)
{
	(void)state;
	hot_fixture f;
	unsigned seed = 99;

	hot_build(&f);
	assert_int_equal(hot_walk(f.buf, f.len), 3);
	for (size_t n = 0; n < f.len; n++) {
		uint8_t *c = malloc(n ? n : 1);
		memcpy(c, f.buf, n);
		assert_int_equal(hot_walk(c, n), -1);
		free(c);
	}
	for (int i = 0; i < 20000; i++) {
		uint8_t *c = malloc(f.len);
		memcpy(c, f.buf, f.len);
		c[(size_t)rand_r(&seed) % f.len] = (uint8_t)rand_r(&seed);
		c[(size_t)rand_r(&seed) % f.len] ^= 0x80;
		int rc = hot_walk(c, f.len);
		assert_true(rc >= -1 && rc <= 3);
		free(c);
	}
	free(f.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_roundtrip__every_field),
		cmocka_unit_test(test_record_roundtrip__nulls_and_empty_lists),
		cmocka_unit_test(test_record_encode__rejects_bad_lists),
		cmocka_unit_test(test_record_decode__every_truncation_fails),
		cmocka_unit_test(test_record_decode__random_mutations),
		cmocka_unit_test(test_record_decode__hostile_counts),
		cmocka_unit_test(test_hot__iterate_fields),
		cmocka_unit_test(test_record__id_and_alias_caps),
		cmocka_unit_test(test_hot__entries_cap),
		cmocka_unit_test(test_hot__affects_bounds),
		cmocka_unit_test(test_hot__os_arch),
		cmocka_unit_test(test_hot__encode_rejects_long_id),
		cmocka_unit_test(test_hot__truncations_and_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
