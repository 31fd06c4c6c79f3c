/*
 * fuzz_record.c — schema/record.c decoders on arbitrary bytes, as a
 * damaged or hostile index would feed them.
 *
 * The same bytes go to record_decode (a full record) and to the hot
 * iterator (a package record). Whatever decodes must be walkable, must
 * encode back to the very same bytes, and its hot record must agree with
 * its ranges. The hot iterator must keep every entry inside the buffer,
 * end (no loops), and hot_entry_affects / _has_os / _has_arch must answer
 * without reading past it; the input buffer is exactly `size` bytes, so
 * ASan sees the first byte beyond.
 */
#include "fuzz.h"
#include "fuzz_rec.h"

#define FD_ENTRIES_MAX 100000u

static void fd_in_buf(const void *p, size_t n, const uint8_t *lo,
                      const uint8_t *hi, const char *what)
{
	const uint8_t *q = p;
	FUZZ_CHECK(q >= lo && q <= hi && n <= (size_t)(hi - q),
	           "%s outside the record", what);
}

/* Touch every byte an entry claims, so ASan sees any overrun, and check
 * each claimed slice lies between the entry's start and e->end. */
static void fd_walk_short(const uint8_t *p, unsigned n, const uint8_t *lo,
                          const uint8_t *end, const char *what)
{
	volatile uint8_t sink = 0;
	for (unsigned i = 0; i < n; i++) {
		fd_in_buf(p, 1, lo, end, what);
		fd_in_buf(p + 1, *p, lo, end, what);
		for (unsigned k = 0; k < *p; k++)
			sink ^= p[1 + k];
		p += 1 + *p;
	}
	(void)sink;
}

static void fd_hot(const uint8_t *data, size_t size)
{
	hot_iter it;
	hot_entry e;
	const uint8_t *end = data + size;
	const char *err;
	uint8_t keys[3][VKEY_MAX];
	size_t klen[3] = { 0, 0, 0 };
	const char *probe[3] = { "0.0.0-0", "1.2.3", "18446744073709551615.0.0" };

	for (int i = 0; i < 3; i++) {
		version v;
		if (version_parse(&v, probe[i], strlen(probe[i]), &err) == 0)
			klen[i] = version_key_encode(&v, keys[i]);
	}
	if (hot_iter_init(&it, data, size) != 0)
		return;
	unsigned n = 0;
	int rc;
	while ((rc = hot_iter_next(&it, &e)) == 1) {
		FUZZ_CHECK(++n <= FD_ENTRIES_MAX, "hot iterator does not end");
		const uint8_t *start = (const uint8_t *)e.id;
		fd_in_buf(e.id, e.id_len, data, end, "id");
		FUZZ_CHECK(e.end > start && e.end <= end, "entry end");
		fd_walk_short(e.os, e.n_os, start, e.end, "os list");
		fd_walk_short(e.arch, e.n_arch, start, e.end, "arch list");
		fd_walk_short(e.ranges, 2u * e.n_ranges, start, e.end, "ranges");
		for (int i = 0; i < 3; i++) {
			if (klen[i] == 0)
				continue;
			int a = hot_entry_affects(&e, keys[i], klen[i]);
			FUZZ_CHECK(a >= -1 && a <= 1, "hot_entry_affects = %d", a);
		}
		/* the entry's own bounds as versions to test */
		const uint8_t *p = e.ranges;
		for (unsigned i = 0; i < 2u * e.n_ranges && i < 64; i++) {
			int a = hot_entry_affects(&e, p + 1, *p);
			FUZZ_CHECK(a >= -1 && a <= 1, "hot_entry_affects = %d", a);
			p += 1 + *p;
		}
		int o = hot_entry_has_os(&e, "linux", 5);
		int w = hot_entry_has_arch(&e, "x86_64", 6);
		FUZZ_CHECK((o == 0 || o == 1) && (w == 0 || w == 1),
		           "has_os %d, has_arch %d", o, w);
		if (e.n_os == 0)
			FUZZ_CHECK(o == 1, "empty os list must match any os");
	}
	FUZZ_CHECK(rc == 0 || rc == -1, "hot_iter_next = %d", rc);
	if (rc == 0)
		FUZZ_CHECK(hot_iter_next(&it, &e) == 0,
		           "hot iterator restarts after its end");
}

int fuzz_record(const uint8_t *data, size_t size)
{
	adv_record *r = (adv_record *)(uintptr_t)1;

	if (record_decode(&r, data, size) == 0) {
		FUZZ_CHECK(r != NULL, "decode succeeded without a record");
		fuzz_rec_walk(r);
		fuzz_rec_roundtrip(r, data, size);
		fuzz_hot_check(r);
		record_free(r);
	} else {
		FUZZ_CHECK(r == NULL, "failed decode left *out set");
	}
	fd_hot(data, size);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_record(data, size);
}
#endif
