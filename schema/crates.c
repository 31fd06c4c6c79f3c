/*
 * crates.c — the crate record (crates.h, SCHEMA.md "crates"): encoding,
 * a decoder that trusts nothing, and the yanked walk.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ascii.h"
#include "crates.h"
#include "le.h"
#include "version.h"

size_t crate_rec_size(const crate_rec *r)
{
	return 1 + 4 + 1 + r->latest_len + 1 + r->pre_len + 2 + r->yanked_len;
}

size_t crate_rec_encode(uint8_t *out, const crate_rec *r)
{
	uint8_t *p = out;

	*p++ = CRATE_REC_FORMAT;
	le32_put(p, r->versions);
	p += 4;
	*p++ = r->latest_len;
	if (r->latest_len)
		memcpy(p, r->latest, r->latest_len);
	p += r->latest_len;
	*p++ = r->pre_len;
	if (r->pre_len)
		memcpy(p, r->pre, r->pre_len);
	p += r->pre_len;
	le16_put(p, r->n_yanked);
	p += 2;
	if (r->yanked_len)
		memcpy(p, r->yanked, r->yanked_len);
	p += r->yanked_len;
	return (size_t)(p - out);
}

/* One u8-length key at *p (within end), a well-formed version key
 * unless empty_ok and empty. 0 or -1. */
static int take_key(const uint8_t **key, uint8_t *klen, const uint8_t **p,
                    const uint8_t *end, int empty_ok)
{
	version v;

	if (*p >= end)
		return -1;
	size_t n = **p;
	(*p)++;
	if ((size_t)(end - *p) < n)
		return -1;
	if (n == 0) {
		*key = NULL;
		*klen = 0;
		return empty_ok ? 0 : -1;
	}
	if (version_key_decode(&v, *p, n) < 0)
		return -1;
	*key = *p;
	*klen = (uint8_t)n;
	*p += n;
	return 0;
}

int crate_rec_decode(crate_rec *out, const uint8_t *buf, size_t len)
{
	const uint8_t *p = buf, *end = buf + len;

	memset(out, 0, sizeof(*out));
	if (len < 1 + 4 || *p != CRATE_REC_FORMAT)
		return -1;
	p++;
	out->versions = le32_get(p);
	p += 4;
	if (take_key(&out->latest, &out->latest_len, &p, end, 1) < 0 ||
	    take_key(&out->pre, &out->pre_len, &p, end, 1) < 0)
		return -1;
	if (out->pre && (!version_key_is_pre(out->pre, out->pre_len) ||
	                 (out->latest && version_key_cmp(out->pre, out->pre_len,
	                     out->latest, out->latest_len) <= 0)))
		return -1;
	if (out->latest && version_key_is_pre(out->latest,
	                                             out->latest_len))
		return -1;
	if ((size_t)(end - p) < 2)
		return -1;
	out->n_yanked = le16_get(p);
	p += 2;
	out->yanked = p;
	const uint8_t *prev = NULL;
	uint8_t prev_len = 0;
	for (unsigned i = 0; i < out->n_yanked; i++) {
		const uint8_t *k;
		uint8_t kl;
		if (take_key(&k, &kl, &p, end, 0) < 0)
			return -1;
		if (prev && version_key_cmp(prev, prev_len, k, kl) >= 0)
			return -1;
		prev = k;
		prev_len = kl;
	}
	if (p != end)
		return -1;
	out->yanked_len = (size_t)(p - out->yanked);
	if (out->n_yanked > out->versions)
		return -1;
	return 0;
}

int crate_rec_yanked(const crate_rec *r, const uint8_t *k, size_t klen)
{
	const uint8_t *p = r->yanked, *end = r->yanked + r->yanked_len;

	/* decoded: every length is within end, the keys increase */
	for (unsigned i = 0; i < r->n_yanked && p < end; i++) {
		size_t n = *p++;
		int c = version_key_cmp(p, n, k, klen);
		if (c == 0)
			return 1;
		if (c > 0)
			return 0;
		p += n;
	}
	return 0;
}

size_t crate_key_fold(char *out, const char *name, size_t len)
{
	if (len == 0 || len > ADV_PACKAGE_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	return len;
}

size_t crates_meta_format(char *buf, const crates_meta *m)
{
	int n = snprintf(buf, CRATES_META_MAX, "%s %" PRId64 " %" PRIu64
	                 " %" PRIu64 " %" PRIu64, m->commit, m->time, m->crates,
	                 m->versions, m->bad);
	return n < 0 || n >= CRATES_META_MAX ? 0 : (size_t)n;
}

/* One decimal field of at most 19 digits at *p, then a space or the end. */
static int take_u64(uint64_t *out, const char **p, const char *end, int last)
{
	uint64_t x = 0;
	size_t n = 0;

	while (*p < end && ascii_is_digit((unsigned char)**p)) {
		if (++n > 19)
			return -1;
		x = x * 10 + (uint64_t)(**p - '0');
		(*p)++;
	}
	if (n == 0)
		return -1;
	if (last ? *p != end : (*p >= end || **p != ' '))
		return -1;
	if (!last)
		(*p)++;
	*out = x;
	return 0;
}

int crates_meta_parse(crates_meta *out, const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	uint64_t t;

	memset(out, 0, sizeof(*out));
	if (len < 41 || s[40] != ' ')
		return -1;
	for (int i = 0; i < 40; i++) {
		if (ascii_hexval((unsigned char)s[i]) < 0 ||
		    (s[i] >= 'A' && s[i] <= 'F'))
			return -1;
		out->commit[i] = s[i];
	}
	p += 41;
	if (take_u64(&t, &p, end, 0) < 0 || t > INT64_MAX ||
	    take_u64(&out->crates, &p, end, 0) < 0 ||
	    take_u64(&out->versions, &p, end, 0) < 0 ||
	    take_u64(&out->bad, &p, end, 1) < 0)
		return -1;
	out->time = (int64_t)t;
	return 0;
}
