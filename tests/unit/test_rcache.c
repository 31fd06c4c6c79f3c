/*
 * test_rcache.c — the rendered-advisory cache of scans: what is stored is
 * what comes back, the first fragment stored for an id wins, growth keeps
 * every entry, and concurrent writers of the same ids agree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "rcache.h"

static void test_rcache__miss_then_hit(void **state)
{
	(void)state;
	rcache *c;
	size_t len = 0;

	assert_int_equal(rcache_new(&c), 0);
	assert_null(rcache_get(c, "RUSTSEC-2023-0001", &len));
	const char *f = rcache_put(c, "RUSTSEC-2023-0001", "abc\0def", 7, &len);
	assert_non_null(f);
	assert_int_equal(len, 7);
	len = 0;
	const char *g = rcache_get(c, "RUSTSEC-2023-0001", &len);
	assert_ptr_equal(f, g);
	assert_int_equal(len, 7);
	assert_memory_equal(g, "abc\0def", 7);
	assert_null(rcache_get(c, "RUSTSEC-2023-0002", &len));
	rcache_free(c);
}

static void test_rcache__first_put_wins(void **state)
{
	(void)state;
	rcache *c;
	size_t len = 0;

	assert_int_equal(rcache_new(&c), 0);
	const char *f = rcache_put(c, "X", "first", 5, &len);
	const char *g = rcache_put(c, "X", "second!", 7, &len);
	assert_ptr_equal(f, g);
	assert_int_equal(len, 5);
	assert_string_equal(g, "first");
	rcache_free(c);
}

static void test_rcache__growth_keeps_entries(void **state)
{
	(void)state;
	rcache *c;
	char id[32], val[32];
	size_t len;

	assert_int_equal(rcache_new(&c), 0);
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "ID-%d", i);
		snprintf(val, sizeof(val), "v%d", i * 7);
		assert_non_null(rcache_put(c, id, val, strlen(val), &len));
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "ID-%d", i);
		snprintf(val, sizeof(val), "v%d", i * 7);
		const char *g = rcache_get(c, id, &len);
		assert_non_null(g);
		assert_int_equal(len, strlen(val));
		assert_string_equal(g, val);
	}
	rcache_free(c);
}

typedef struct worker_arg {
	rcache *c;
	int seed;
	int bad;
} worker_arg;

static void *worker(void *p)
{
	worker_arg *a = p;
	char id[32], val[32];
	size_t len;

	for (int i = 0; i < 2000; i++) {
		int k = (i * 7 + a->seed) % 500;
		snprintf(id, sizeof(id), "ID-%d", k);
		snprintf(val, sizeof(val), "value-%d", k);
		const char *g = rcache_get(a->c, id, &len);
		if (!g)
			g = rcache_put(a->c, id, val, strlen(val), &len);
		if (!g || strcmp(g, val) != 0 || len != strlen(val))
			a->bad++;
	}
	return NULL;
}

static void test_rcache__threads_agree(void **state)
{
	(void)state;
	rcache *c;
	pthread_t th[4];
	worker_arg args[4];

	assert_int_equal(rcache_new(&c), 0);
	for (int t = 0; t < 4; t++) {
		args[t] = (worker_arg){ c, t * 13, 0 };
		assert_int_equal(pthread_create(&th[t], NULL, worker, &args[t]), 0);
	}
	for (int t = 0; t < 4; t++) {
		pthread_join(th[t], NULL);
		assert_int_equal(args[t].bad, 0);
	}
	rcache_free(c);
}

static void test_rcache__free_null(void **state)
{
	(void)state;
	rcache_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rcache__miss_then_hit),
		cmocka_unit_test(test_rcache__first_put_wins),
		cmocka_unit_test(test_rcache__growth_keeps_entries),
		cmocka_unit_test(test_rcache__threads_agree),
		cmocka_unit_test(test_rcache__free_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
