/*
 * test_block.c — the uncompressed block formats (schema/block.c): items
 * come back as they were put, and the walkers refuse every truncation and
 * stray byte without reading outside the buffer (run under ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "block.h"
#include "record.h"

/* Encoded full records of two minimal advisories, ids in order. */
static void two_records(uint8_t **a, size_t *al, uint8_t **b, size_t *bl)
{
	adv_record r;

	memset(&r, 0, sizeof(r));
	r.package = "pkg";
	r.date = "2020-01-01";
	r.title = "t";
	r.description = "d";
	r.id = "RUSTSEC-2020-0001";
	assert_int_equal(record_encode(&r, a, al), 0);
	r.id = "RUSTSEC-2020-0002";
	assert_int_equal(record_encode(&r, b, bl), 0);
}

static uint8_t *advisory_block(size_t *len)
{
	uint8_t *a, *b;
	size_t al, bl;

	two_records(&a, &al, &b, &bl);
	*len = blk_item_size(al) + blk_item_size(bl);
	uint8_t *buf = malloc(*len);
	assert_non_null(buf);
	size_t o = blk_item_put(buf, a, al);
	assert_int_equal(o, blk_item_size(al));
	o += blk_item_put(buf + o, b, bl);
	assert_int_equal(o, *len);
	free(a);
	free(b);
	return buf;
}

static void test_blk_item__round_trip(void **state)
{
	(void)state;
	size_t len, off = 0;
	uint8_t *buf = advisory_block(&len);
	blk_item it;
	adv_record *r = NULL;

	assert_int_equal(blk_item_next(&it, buf, len, &off), 0);
	assert_int_equal(it.id_len, 17);
	assert_memory_equal(it.id, "RUSTSEC-2020-0001", 17);
	assert_int_equal(record_decode(&r, it.rec, it.rec_len), 0);
	assert_string_equal(r->id, "RUSTSEC-2020-0001");
	record_free(r);
	assert_int_equal(blk_item_next(&it, buf, len, &off), 0);
	assert_memory_equal(it.id, "RUSTSEC-2020-0002", 17);
	assert_int_equal(off, len);
	assert_int_equal(blk_item_next(&it, buf, len, &off), 1);
	free(buf);
}

/* Every proper prefix that does not end between items is refused. */
static void test_blk_item__truncations_refused(void **state)
{
	(void)state;
	size_t len, first;
	uint8_t *full = advisory_block(&len);
	blk_item it;

	first = 0;
	assert_int_equal(blk_item_next(&it, full, len, &first), 0);
	for (size_t n = 1; n < len; n++) {
		/* an exact copy, so ASan sees any read past n */
		uint8_t *buf = malloc(n);
		memcpy(buf, full, n);
		size_t off = 0;
		int rc, items = 0;
		while ((rc = blk_item_next(&it, buf, n, &off)) == 0)
			items++;
		if (n == first)
			assert_int_equal(rc, 1);
		else
			assert_int_equal(rc, -1);
		assert_true(items <= 1);
		free(buf);
	}
	free(full);
}

/* A length that runs past the block, or a record too short to hold an
 * id, or an id length past its record: refused. */
static void test_blk_item__bad_lengths_refused(void **state)
{
	(void)state;
	size_t len, off;
	uint8_t *buf = advisory_block(&len);
	blk_item it;

	buf[3] = 0x7f;                       /* record length huge */
	off = 0;
	assert_int_equal(blk_item_next(&it, buf, len, &off), -1);
	memset(buf, 0, 4);
	buf[0] = 10;                         /* too short for an id */
	off = 0;
	assert_int_equal(blk_item_next(&it, buf, len, &off), -1);
	free(buf);

	buf = advisory_block(&len);
	buf[4 + 15 + 3] = 0xff;             /* id length past the record */
	off = 0;
	assert_int_equal(blk_item_next(&it, buf, len, &off), -1);
	buf[4 + 15] = buf[4 + 15 + 1] = buf[4 + 15 + 2] = buf[4 + 15 + 3] = 0;
	off = 0;                            /* an empty id */
	assert_int_equal(blk_item_next(&it, buf, len, &off), -1);
	free(buf);
}

static uint8_t *alias_block(size_t *len)
{
	static const char *const one[] = { "RUSTSEC-2020-0001" };
	static const char *const two[] = { "RUSTSEC-2020-0001",
	                                   "RUSTSEC-2021-0007" };
	*len = alias_item_size(13, one, 1) + alias_item_size(19, two, 2);
	uint8_t *buf = malloc(*len);
	size_t o = alias_item_put(buf, "CVE-2020-1111", 13, one, 1);
	o += alias_item_put(buf + o, "GHSA-aaaa-bbbb-cccc", 19, two, 2);
	assert_int_equal(o, *len);
	return buf;
}

static void test_alias_item__round_trip(void **state)
{
	(void)state;
	size_t len, off = 0, il;
	uint8_t *buf = alias_block(&len);
	alias_item it;
	const char *id;

	assert_int_equal(alias_item_next(&it, buf, len, &off), 0);
	assert_int_equal(it.alias_len, 13);
	assert_memory_equal(it.alias, "CVE-2020-1111", 13);
	assert_int_equal(it.nids, 1);
	assert_int_equal(alias_item_next(&it, buf, len, &off), 0);
	assert_memory_equal(it.alias, "GHSA-aaaa-bbbb-cccc", 19);
	assert_int_equal(it.nids, 2);
	assert_int_equal(alias_item_id(&id, &il, &it, 1), 0);
	assert_int_equal(il, 17);
	assert_memory_equal(id, "RUSTSEC-2021-0007", 17);
	assert_int_equal(alias_item_id(&id, &il, &it, 2), -1);
	assert_int_equal(alias_item_next(&it, buf, len, &off), 1);
	free(buf);
}

static void test_alias_item__truncations_and_zeros_refused(void **state)
{
	(void)state;
	size_t len, first = 0;
	uint8_t *full = alias_block(&len);
	alias_item it;

	assert_int_equal(alias_item_next(&it, full, len, &first), 0);
	for (size_t n = 1; n < len; n++) {
		uint8_t *buf = malloc(n);
		memcpy(buf, full, n);
		size_t off = 0;
		int rc;
		while ((rc = alias_item_next(&it, buf, n, &off)) == 0)
			;
		assert_int_equal(rc, n == first ? 1 : -1);
		free(buf);
	}
	/* an empty alias, no ids, an empty id */
	uint8_t *buf = alias_block(&len);
	size_t off = 0;
	buf[0] = 0;
	assert_int_equal(alias_item_next(&it, buf, len, &off), -1);
	free(buf);
	buf = alias_block(&len);
	buf[14] = buf[15] = 0;
	off = 0;
	assert_int_equal(alias_item_next(&it, buf, len, &off), -1);
	free(buf);
	buf = alias_block(&len);
	buf[16] = 0;
	off = 0;
	assert_int_equal(alias_item_next(&it, buf, len, &off), -1);
	free(buf);
	free(full);
}

/* Aliases and ids past ADV_ID_MAX are not the writer's: refused. */
static void test_alias_item__past_the_id_cap_refused(void **state)
{
	(void)state;
	char a63[ADV_ID_MAX + 1], a64[ADV_ID_MAX + 2];
	const char *ids63[] = { a63 }, *ids64[] = { a64 };
	uint8_t buf[512];
	alias_item it;
	size_t off = 0, n;

	memset(a63, 'C', sizeof(a63) - 1);
	a63[ADV_ID_MAX] = 0;
	memset(a64, 'C', sizeof(a64) - 1);
	a64[ADV_ID_MAX + 1] = 0;
	n = alias_item_put(buf, a63, ADV_ID_MAX, ids63, 1);
	assert_int_equal(alias_item_next(&it, buf, n, &off), 0);
	off = 0;
	n = alias_item_put(buf, a64, ADV_ID_MAX + 1, ids63, 1);
	assert_int_equal(alias_item_next(&it, buf, n, &off), -1);
	off = 0;
	n = alias_item_put(buf, a63, ADV_ID_MAX, ids64, 1);
	assert_int_equal(alias_item_next(&it, buf, n, &off), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blk_item__round_trip),
		cmocka_unit_test(test_blk_item__truncations_refused),
		cmocka_unit_test(test_blk_item__bad_lengths_refused),
		cmocka_unit_test(test_alias_item__round_trip),
		cmocka_unit_test(test_alias_item__truncations_and_zeros_refused),
		cmocka_unit_test(test_alias_item__past_the_id_cap_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
