/*
 * fuzz_skiplist.c — schema/skiplist.c on arbitrary bytes: the value of an
 * index's meta `skipped`, which libadvdb and the compiler's --update read
 * from files nobody vetted.
 *
 * Decoding must stop with -1 or end exactly at the last byte, every view
 * must lie inside the input, within its cap, valid UTF-8 without NUL, in
 * strictly increasing (source, path) order; and what decodes whole must
 * encode back to the very same bytes (the format has one spelling).
 */
#include "fuzz.h"
#include "skiplist.h"

static void fs_inside(const uint8_t *data, size_t size, const char *s,
                      size_t n, size_t cap, const char *what)
{
	const uint8_t *p = (const uint8_t *)s;
	FUZZ_CHECK(n <= cap, "%s of %zu bytes, cap %zu", what, n, cap);
	FUZZ_CHECK(n == 0 || (p >= data && p + n <= data + size),
	           "%s outside the input", what);
	FUZZ_CHECK(fuzz_utf8_prefix(p, n) == n && !memchr(p, 0, n),
	           "%s is not clean UTF-8", what);
}

int fuzz_skiplist(const uint8_t *data, size_t size)
{
	skip_iter it;
	skip_view *v = NULL;
	size_t n = 0;
	int r;

	if (skiplist_open(&it, data, size) < 0)
		return 0;
	FUZZ_CHECK(it.n <= it.total && it.n <= SKIP_KEEP_MAX,
	           "n %u, total %u", it.n, it.total);
	v = calloc(it.n ? it.n : 1, sizeof(*v));
	if (!v)
		return 0;
	while ((r = skiplist_next(&it, &v[n])) == 1) {
		const skip_view *e = &v[n];
		fs_inside(data, size, e->source, e->source_len, SKIP_SOURCE_MAX,
		          "source");
		fs_inside(data, size, e->path, e->path_len, SKIP_PATH_MAX, "path");
		fs_inside(data, size, e->id, e->id_len, SKIP_ID_MAX, "id");
		fs_inside(data, size, e->msg, e->msg_len, SKIP_MSG_MAX, "message");
		FUZZ_CHECK(e->source_len && e->path_len && e->msg_len,
		           "an empty source, path or message");
		FUZZ_CHECK(++n <= it.n, "more entries than announced");
	}
	if (r == 0) {
		uint8_t *out = NULL;
		size_t len = 0;
		FUZZ_CHECK(n == it.n, "%zu entries of %u", n, it.n);
		FUZZ_CHECK(skiplist_encode(&out, &len, it.total, v, n) == 0,
		           "a decoded list does not encode");
		FUZZ_CHECK(len == size && !memcmp(out, data, size),
		           "encoding gives other bytes (%zu, not %zu)", len, size);
		free(out);
	}
	free(v);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_skiplist(data, size);
}
#endif
