/*
 * record.c — the byte formats of the full advisory record and of the hot
 * package record (record.h; SCHEMA.md is the byte-by-byte description).
 *
 * Full record: little-endian fixed-width integers; a string is u32 length
 * + bytes + NUL (length 0xFFFFFFFF: NULL, nothing follows), so a decoded
 * string points straight into the copied block; a list is u32 count +
 * strings. Vulnerable ranges are kept as canonical version text and
 * re-parsed on decode.
 *
 * Invariants:
 *   - record_decode() validates the layout in a first pass that allocates
 *     nothing, then makes one allocation and fills it in a second pass over
 *     its own copy of the bytes (record_decode_view: over the caller's,
 *     which the caller keeps), which parses each range bound once and
 *     refuses one that is not canonical version text (the only refusal
 *     left to it). Every length is checked against what remains; counts
 *     are capped before anything is sized from them.
 *   - Decode accepts only what encode can produce (no NUL inside a string,
 *     enum bytes in range, canonical version text, no trailing bytes), so
 *     record_encode(record_decode(b)) == b for every accepted b: the content
 *     digest of an update depends on it.
 *   - The hot path (hot_entry_affects) does no allocation and no parsing:
 *     two length-aware memcmp per range.
 */
#include "record.h"
#include "le.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define STR_NULL 0xFFFFFFFFu
#define N_STRS 12
#define N_LISTS 9

/* ---- growable output buffer (encode side) ---- */

typedef struct obuf {
	uint8_t *p;
	size_t len, cap;
	int bad;                 /* sticky: out of memory or past a cap */
} obuf;

static uint8_t *ob_room(obuf *b, size_t n)
{
	if (b->bad)
		return NULL;
	if (n > SIZE_MAX / 2 - b->len) {
		b->bad = 1;
		return NULL;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *q = realloc(b->p, cap);
		if (!q) {
			b->bad = 1;
			return NULL;
		}
		b->p = q;
		b->cap = cap;
	}
	uint8_t *at = b->p + b->len;
	b->len += n;
	return at;
}

static void ob_u8(obuf *b, uint8_t v)
{
	uint8_t *p = ob_room(b, 1);
	if (p)
		*p = v;
}

static void ob_u16(obuf *b, uint16_t v)
{
	uint8_t *p = ob_room(b, 2);
	if (p)
		le16_put(p, v);
}

static void ob_u32(obuf *b, uint32_t v)
{
	uint8_t *p = ob_room(b, 4);
	if (p)
		le32_put(p, v);
}

static void ob_bytes(obuf *b, const void *s, size_t n)
{
	uint8_t *p = ob_room(b, n);
	if (p && n)
		memcpy(p, s, n);
}

/* Bytes a string of field (list) slot i may have: ids, aliases and
 * package names have the caps of limit.h, the rest RECORD_STR_MAX. The
 * decoder checks the same, so neither side has a value the other lacks. */
static size_t str_max(int i)
{
	return i == 0 ? ADV_ID_MAX : i == 1 ? ADV_PACKAGE_MAX : RECORD_STR_MAX;
}

static size_t item_max(int i)
{
	return i == 0 ? ADV_ID_MAX : RECORD_STR_MAX;   /* aliases */
}

static void ob_str(obuf *b, const char *s, size_t max)
{
	if (!s) {
		ob_u32(b, STR_NULL);
		return;
	}
	size_t n = strlen(s);
	if (n > max) {
		b->bad = 1;
		return;
	}
	ob_u32(b, (uint32_t)n);
	ob_bytes(b, s, n + 1);   /* with its NUL */
}

/* A list whose items have at most max bytes (and at least one when
 * max is not RECORD_STR_MAX: ids are never empty). */
static void ob_list(obuf *b, const strlist *l, size_t max)
{
	if (l->n > RECORD_LIST_MAX || (l->n && !l->v)) {
		b->bad = 1;
		return;
	}
	ob_u32(b, l->n);
	for (uint32_t i = 0; i < l->n; i++) {
		if (!l->v[i] ||      /* list items are never NULL */
		    (max != RECORD_STR_MAX && !l->v[i][0])) {
			b->bad = 1;
			return;
		}
		ob_str(b, l->v[i], max);
	}
}

static void ob_version(obuf *b, int present, const version *v)
{
	char text[VERSION_TEXT_MAX + 1];

	if (!present) {
		ob_u32(b, STR_NULL);
		return;
	}
	size_t n = version_format(v, text, sizeof(text));
	if (n == 0 || n >= sizeof(text)) {
		b->bad = 1;
		return;
	}
	ob_str(b, text, RECORD_STR_MAX);
}

/* The string fields in their fixed order (the decoder uses the same). */
static const char **str_slot(adv_record *r, int i)
{
	switch (i) {
	case 0: return &r->id;
	case 1: return &r->package;
	case 2: return &r->source;
	case 3: return &r->path;
	case 4: return &r->date;
	case 5: return &r->withdrawn;
	case 6: return &r->url;
	case 7: return &r->title;
	case 8: return &r->description;
	case 9: return &r->license;
	case 10: return &r->informational;
	default: return &r->cvss;
	}
}

static strlist *list_slot(adv_record *r, int i)
{
	switch (i) {
	case 0: return &r->aliases;
	case 1: return &r->related;
	case 2: return &r->categories;
	case 3: return &r->keywords;
	case 4: return &r->references;
	case 5: return &r->os;
	case 6: return &r->arch;
	case 7: return &r->patched;
	default: return &r->unaffected;
	}
}

adv_info record_info_of(const char *word)
{
	if (!word)
		return ADV_INFO_NONE;
	if (strcmp(word, "unmaintained") == 0)
		return ADV_INFO_UNMAINTAINED;
	if (strcmp(word, "unsound") == 0)
		return ADV_INFO_UNSOUND;
	if (strcmp(word, "notice") == 0)
		return ADV_INFO_NOTICE;
	return ADV_INFO_OTHER;
}

int record_encode(const adv_record *r, uint8_t **out, size_t *len)
{
	obuf b = {0};
	/* str_slot/list_slot only read through these pointers here */
	adv_record *rr = (adv_record *)r;

	*out = NULL;
	*len = 0;
	if (r->nfunctions > RECORD_LIST_MAX || r->nranges > REQ_RANGES_MAX ||
	    (r->nfunctions && !r->functions) || (r->nranges && !r->ranges))
		return -1;
	ob_u8(&b, RECORD_FORMAT);
	ob_u8(&b, r->collection);
	ob_u8(&b, r->info);
	ob_u8(&b, r->severity);
	ob_u8(&b, r->expect_deleted);
	ob_u16(&b, r->cvss_score10);
	uint64_t m = (uint64_t)r->modified;
	ob_u32(&b, (uint32_t)m);
	ob_u32(&b, (uint32_t)(m >> 32));
	for (int i = 0; i < N_STRS; i++)
		ob_str(&b, *str_slot(rr, i), str_max(i));
	for (int i = 0; i < N_LISTS; i++)
		ob_list(&b, list_slot(rr, i), item_max(i));
	ob_u32(&b, r->nfunctions);
	for (uint32_t i = 0; i < r->nfunctions; i++) {
		if (!r->functions[i].path)
			b.bad = 1;
		ob_str(&b, r->functions[i].path, RECORD_STR_MAX);
		ob_list(&b, &r->functions[i].reqs, RECORD_STR_MAX);
	}
	ob_u32(&b, r->nranges);
	for (uint32_t i = 0; i < r->nranges; i++) {
		ob_version(&b, r->ranges[i].has_introduced,
		           &r->ranges[i].introduced);
		ob_version(&b, r->ranges[i].has_fixed, &r->ranges[i].fixed);
	}
	if (b.bad) {
		free(b.p);
		return -1;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

/* ---- decode: pass 1 counts (fill == 0), pass 2 fills ---- */

typedef struct cursor {
	const uint8_t *p, *end;
	int fill;                /* pass 2: write pointers */
	size_t nptr;             /* list items seen (pass 1) / used (pass 2) */
	const char **ptrs;       /* pass 2: the pointer pool */
} cursor;

static int rd_u32(cursor *c, uint32_t *v)
{
	if (c->end - c->p < 4)
		return -1;
	*v = le32_get(c->p);
	c->p += 4;
	return 0;
}

/* A string of at most max bytes: checked whole in pass 1; pass 2 walks
 * the same bytes, so it checks only what keeps it inside them. */
static int rd_str(cursor *c, const char **out, int nullable, size_t max)
{
	uint32_t n;

	if (rd_u32(c, &n) < 0)
		return -1;
	if (n == STR_NULL) {
		if (!nullable)
			return -1;
		if (out)
			*out = NULL;
		return 0;
	}
	if (n > max || (size_t)(c->end - c->p) < (size_t)n + 1)
		return -1;
	if (!c->fill && (c->p[n] != 0 || memchr(c->p, 0, n)))
		return -1;
	if (out)
		*out = (const char *)c->p;
	c->p += (size_t)n + 1;
	return 0;
}

static int rd_list(cursor *c, strlist *l, size_t max)
{
	uint32_t n;

	if (rd_u32(c, &n) < 0 || n > RECORD_LIST_MAX ||
	    n > (size_t)(c->end - c->p) / 5)   /* each item: 4 + NUL at least */
		return -1;
	const char **v = NULL;
	if (c->fill && n) {
		v = c->ptrs + c->nptr;
		l->v = v;
	} else if (c->fill) {
		l->v = NULL;
	}
	if (c->fill)
		l->n = n;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *at = c->p;
		if (rd_str(c, v ? &v[i] : NULL, 0, max) < 0)
			return -1;
		if (max != RECORD_STR_MAX && le32_get(at) == 0)
			return -1;                  /* an empty id: see ob_list */
	}
	c->nptr += n;
	return 0;
}

/* A range bound: its version and its text (NULL when unbounded). Pass 1
 * checks the string only; pass 2 parses it into place and checks that
 * the text is canonical (each bound parsed once: the parse was a third
 * of a decode when both passes made it). A bad bound is -2, the one
 * refusal that pass 2 may make. */
static int rd_version(cursor *c, int *present, version *v, const char **text)
{
	const char *s;
	const char *err;
	char back[VERSION_TEXT_MAX + 1];

	if (rd_str(c, &s, 1, VERSION_TEXT_MAX) < 0)
		return -1;
	*text = s;
	if (!c->fill)
		return s && !*s ? -1 : 0;
	if (!s) {
		*present = 0;
		memset(v, 0, sizeof(*v));
		return 0;
	}
	size_t n = strlen(s);
	if (n == 0 || n > VERSION_TEXT_MAX || version_parse(v, s, n, &err) < 0)
		return -2;
	/* only canonical text, so that re-encoding gives the same bytes */
	if (version_format(v, back, sizeof(back)) != n ||
	    memcmp(back, s, n) != 0)
		return -2;
	*present = 1;
	return 0;
}

typedef struct counts {
	size_t nptr;
	uint32_t nfunctions, nranges;
} counts;

/* One walk of the record; r is written only in pass 2. */
static int walk(cursor *c, adv_record *r, adv_function *fns, range *rgs,
                counts *k)
{
	adv_record scratch;
	uint32_t n;

	if (!c->fill)
		r = &scratch;
	if (c->end - c->p < 15 || c->p[0] != RECORD_FORMAT)
		return -1;
	const uint8_t *h = c->p;
	if (h[1] > ADV_RUST || h[2] > ADV_INFO_OTHER ||
	    h[3] > ADV_SEV_CRITICAL || h[4] > 1 || le16_get(h + 5) > 100)
		return -1;
	r->collection = h[1];
	r->info = h[2];
	r->severity = h[3];
	r->expect_deleted = h[4];
	r->cvss_score10 = le16_get(h + 5);
	r->modified = (int64_t)((uint64_t)le32_get(h + 7) |
	                        (uint64_t)le32_get(h + 11) << 32);
	c->p += 15;
	for (int i = 0; i < N_STRS; i++)
		if (rd_str(c, str_slot(r, i), 1, str_max(i)) < 0)
			return -1;
	for (int i = 0; i < N_LISTS; i++)
		if (rd_list(c, list_slot(r, i), item_max(i)) < 0)
			return -1;

	if (rd_u32(c, &n) < 0 || n > RECORD_LIST_MAX ||
	    n > (size_t)(c->end - c->p) / 9)   /* path (5) + count (4) */
		return -1;
	k->nfunctions = n;
	r->nfunctions = n;
	r->functions = c->fill && n ? fns : NULL;
	for (uint32_t i = 0; i < n; i++) {
		adv_function f;
		if (rd_str(c, &f.path, 0, RECORD_STR_MAX) < 0 ||
		    rd_list(c, &f.reqs, RECORD_STR_MAX) < 0)
			return -1;
		if (c->fill)
			fns[i] = f;
	}

	if (rd_u32(c, &n) < 0 || n > REQ_RANGES_MAX ||
	    n > (size_t)(c->end - c->p) / 8)
		return -1;
	k->nranges = n;
	r->nranges = n;
	r->ranges = c->fill && n ? rgs : NULL;
	const char **text = c->fill && n ? c->ptrs + c->nptr : NULL;
	r->range_text = text;
	for (uint32_t i = 0; i < n; i++) {
		/* pass 1 validates the text; pass 2 parses into place */
		range tmp;
		range *g = c->fill ? &rgs[i] : &tmp;
		const char *t[2];
		int e = rd_version(c, &g->has_introduced, &g->introduced, &t[0]);
		if (e == 0)
			e = rd_version(c, &g->has_fixed, &g->fixed, &t[1]);
		if (e < 0)
			return e;
		if (text) {
			text[2 * i] = t[0];
			text[2 * i + 1] = t[1];
		}
	}
	c->nptr += 2 * (size_t)n;
	if (c->p != c->end)
		return -1;
	k->nptr = c->nptr;
	return 0;
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* The two passes; with copy, pass 2 runs over a copy of buf placed
 * after the record's structs, else over buf itself. */
static int decode(adv_record **out, const void *buf, size_t len, int copy)
{
	cursor c = { .p = buf, .end = (const uint8_t *)buf + len };
	counts k = {0};

	*out = NULL;
	if (!buf || len > (size_t)RECORD_STR_MAX * 8)
		return -1;
	if (walk(&c, NULL, NULL, NULL, &k) < 0)
		return -1;

	size_t o_rng = align8(sizeof(adv_record));
	size_t o_fn = o_rng + align8((size_t)k.nranges * sizeof(range));
	size_t o_ptr = o_fn + align8((size_t)k.nfunctions * sizeof(adv_function));
	size_t o_dat = o_ptr + align8(k.nptr * sizeof(char *));
	uint8_t *block = malloc(o_dat + (copy ? len : 0));
	if (!block)
		return -1;
	memset(block, 0, o_dat);
	const uint8_t *dat = buf;
	if (copy) {
		memcpy(block + o_dat, buf, len);
		dat = block + o_dat;
	}

	adv_record *r = (adv_record *)block;
	cursor c2 = { .p = dat, .end = dat + len,
	              .fill = 1, .ptrs = (const char **)(block + o_ptr) };
	counts k2 = {0};
	int e = walk(&c2, r, (adv_function *)(block + o_fn),
	             (range *)(block + o_rng), &k2);
	if (e == -2) {   /* a bound that is not a canonical version */
		free(block);
		return -1;
	}
	if (e < 0 || k2.nptr != k.nptr) {
		assert(!"pass 2 refused what pass 1 accepted");
		free(block);   /* stays defined under NDEBUG */
		return -1;
	}
	*out = r;
	return 0;
}

int record_decode(adv_record **out, const void *buf, size_t len)
{
	return decode(out, buf, len, 1);
}

int record_decode_view(adv_record **out, const void *buf, size_t len)
{
	return decode(out, buf, len, 0);
}

void record_free(adv_record *r)
{
	free(r);
}

/* ---- hot package records ---- */

static void ob_short(obuf *b, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max) {
		b->bad = 1;
		return;
	}
	ob_u8(b, (uint8_t)n);
	ob_bytes(b, s, n);
}

static void ob_shortlist(obuf *b, const strlist *l)
{
	if (l->n > HOT_NAMES_MAX || (l->n && !l->v)) {
		b->bad = 1;
		return;
	}
	ob_u8(b, (uint8_t)l->n);
	for (uint32_t i = 0; i < l->n; i++)
		ob_short(b, l->v[i], HOT_NAME_MAX);
}

static void ob_key(obuf *b, int present, const version *v)
{
	uint8_t key[VKEY_MAX];

	if (!present) {
		ob_u8(b, 0);
		return;
	}
	size_t n = version_key_encode(v, key);
	if (n == 0 || n > VKEY_MAX) {
		b->bad = 1;
		return;
	}
	ob_u8(b, (uint8_t)n);
	ob_bytes(b, key, n);
}

int hot_encode(const adv_record *const *recs, size_t n,
               uint8_t **out, size_t *len)
{
	obuf b = {0};

	*out = NULL;
	*len = 0;
	if (n > HOT_ENTRIES_MAX)
		return -1;
	ob_u8(&b, RECORD_FORMAT);
	ob_u16(&b, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		const adv_record *r = recs[i];
		uint8_t flags = 0;
		/* SCHEMA.md: the entries of one package, ordered by id */
		assert(i == 0 || !r->id || !recs[i - 1]->id ||
		       strcmp(recs[i - 1]->id, r->id) < 0);
		if (r->withdrawn)
			flags |= HOT_WITHDRAWN;
		if (r->os.n)
			flags |= HOT_HAS_OS;
		if (r->arch.n)
			flags |= HOT_HAS_ARCH;
		if (r->nfunctions)
			flags |= HOT_HAS_FUNCTIONS;
		if (r->expect_deleted)
			flags |= HOT_EXPECT_DELETED;
		if (r->nranges > 0xFFFF || (r->nranges && !r->ranges))
			b.bad = 1;
		ob_short(&b, r->id, ADV_ID_MAX);
		ob_u8(&b, flags);
		ob_u8(&b, r->info);
		ob_u8(&b, r->severity);
		ob_u16(&b, r->cvss_score10);
		ob_shortlist(&b, &r->os);
		ob_shortlist(&b, &r->arch);
		ob_u16(&b, (uint16_t)r->nranges);
		for (uint32_t j = 0; j < r->nranges && !b.bad; j++) {
			ob_key(&b, r->ranges[j].has_introduced,
			       &r->ranges[j].introduced);
			ob_key(&b, r->ranges[j].has_fixed, &r->ranges[j].fixed);
		}
	}
	if (b.bad) {
		free(b.p);
		return -1;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

int hot_iter_init(hot_iter *it, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	memset(it, 0, sizeof(*it));
	if (!buf || len < 3 || p[0] != RECORD_FORMAT)
		return -1;
	it->left = le16_get(p + 1);
	if (it->left > HOT_ENTRIES_MAX)
		return -1;
	it->p = p + 3;
	it->end = p + len;
	return 0;
}

/* Skip n items of "u8 len, bytes" (len >= min); NULL when they overrun. */
static const uint8_t *skip_short(const uint8_t *p, const uint8_t *end,
                                 size_t n, unsigned min)
{
	for (size_t i = 0; i < n; i++) {
		if (p >= end || *p < min || (size_t)(end - p - 1) < *p)
			return NULL;
		p += 1 + *p;
	}
	return p;
}

int hot_iter_next(hot_iter *it, hot_entry *e)
{
	const uint8_t *p = it->p, *end = it->end;

	if (!p)
		return -1;
	if (it->left == 0)
		return p == end ? 0 : -1;
	memset(e, 0, sizeof(*e));
	if (p >= end || *p == 0 || *p > ADV_ID_MAX ||
	    (size_t)(end - p - 1) < *p)
		return -1;
	e->id_len = *p;
	e->id = (const char *)p + 1;
	p += 1 + *p;
	if (end - p < 6)
		return -1;
	e->flags = p[0];
	e->info = p[1];
	e->severity = p[2];
	e->cvss_score10 = le16_get(p + 3);
	e->n_os = p[5];
	e->os = p + 6;
	p = skip_short(p + 6, end, e->n_os, 1);
	if (!p || p >= end)
		return -1;
	e->n_arch = *p;
	e->arch = p + 1;
	p = skip_short(p + 1, end, e->n_arch, 1);
	if (!p || end - p < 2)
		return -1;
	e->n_ranges = le16_get(p);
	e->ranges = p + 2;
	p = skip_short(p + 2, end, (size_t)e->n_ranges * 2, 0);
	if (!p)
		return -1;
	e->end = p;
	it->p = p;
	it->left--;
	return 1;
}

/* Key order: memcmp, the shorter first when one is a prefix. */
static int key_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
                   size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return (alen > blen) - (alen < blen);
}

int hot_entry_affects(const hot_entry *e, const uint8_t *vkey, size_t vlen)
{
	const uint8_t *p = e->ranges, *end = e->end;

	if (!p || !end)
		return e->n_ranges ? -1 : 0;
	for (unsigned i = 0; i < e->n_ranges; i++) {
		if (p >= end || (size_t)(end - p - 1) < *p)
			return -1;
		const uint8_t *lo = p + 1;
		size_t lo_len = *p;
		p = lo + lo_len;
		if (p >= end || (size_t)(end - p - 1) < *p)
			return -1;
		const uint8_t *hi = p + 1;
		size_t hi_len = *p;
		p = hi + hi_len;
		if (lo_len && key_cmp(vkey, vlen, lo, lo_len) < 0)
			continue;
		if (hi_len && key_cmp(vkey, vlen, hi, hi_len) >= 0)
			continue;
		return 1;
	}
	return 0;
}

static int short_list_has(const uint8_t *p, const uint8_t *end, unsigned n,
                          const char *name, size_t len)
{
	if (n == 0)
		return 1;
	if (!p || !end)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		if (p >= end || (size_t)(end - p - 1) < *p)
			return 0;
		if (*p == len && memcmp(p + 1, name, len) == 0)
			return 1;
		p += 1 + *p;
	}
	return 0;
}

int hot_entry_has_os(const hot_entry *e, const char *name, size_t len)
{
	return short_list_has(e->os, e->end, e->n_os, name, len);
}

int hot_entry_has_arch(const hot_entry *e, const char *name, size_t len)
{
	return short_list_has(e->arch, e->end, e->n_arch, name, len);
}
