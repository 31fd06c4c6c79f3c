/*
 * jsonmem.c — the per-thread arena of jansson's allocations (see jsonmem.h).
 * Chunks of JSONMEM_CHUNK bytes (a larger one for a larger request); the
 * first chunk stays for the thread's next request, the others are freed
 * at jsonmem_end(), and the first one too when the thread exits.
 */
#include "jsonmem.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <jansson.h>

typedef struct chunk {
	struct chunk *next;
	size_t cap, used;
	max_align_t data[];
} chunk;

static __thread chunk *chunks;          /* newest first */
static __thread int active;
static pthread_key_t exit_key;          /* frees a thread's chunks */
static pthread_once_t once = PTHREAD_ONCE_INIT;
/* Set once by jsonmem_install(), before any worker starts: without the
 * hooks (not installed, or under ASan) begin and end do nothing, and
 * jsonmem_release() frees as jansson would. */
static int installed;

static void on_exit_thread(void *p)
{
	chunk *c = p;

	while (c) {
		chunk *n = c->next;
		free(c);
		c = n;
	}
}

static void make_key(void)
{
	(void)pthread_key_create(&exit_key, on_exit_thread);
}

static void *jsonmem_malloc(size_t n)
{
	chunk *c = chunks;

	if (!active)
		return malloc(n);
	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!c || c->cap - c->used < n) {
		size_t cap = n > JSONMEM_CHUNK ? n : JSONMEM_CHUNK;
		chunk *m = malloc(sizeof(*m) + cap);
		if (!m)
			return NULL;
		m->cap = cap;
		m->used = 0;
		m->next = c;
		if (!c)
			(void)pthread_setspecific(exit_key, m);
		chunks = c = m;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

static void jsonmem_free(void *p)
{
	for (chunk *c = chunks; c; c = c->next)
		if ((char *)p >= (char *)c->data &&
		    (char *)p < (char *)c->data + c->cap)
			return;             /* reused at jsonmem_end() */
	free(p);
}

void jsonmem_install(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return;
#endif
#endif
	pthread_once(&once, make_key);
	json_set_alloc_funcs(jsonmem_malloc, jsonmem_free);
	installed = 1;
}

void jsonmem_release(json_t *v)
{
	if (!active)
		json_decref(v);
}

void jsonmem_begin(void)
{
	active = installed;
}

void jsonmem_end(void)
{
	chunk *c = chunks, *keep = NULL;

	if (!active)
		return;
	active = 0;
	/* keep one ordinary chunk (the oldest), free the rest */
	while (c) {
		chunk *n = c->next;
		if (!n && c->cap == JSONMEM_CHUNK) {
			keep = c;
			keep->used = 0;
		} else {
			free(c);
		}
		c = n;
	}
	chunks = keep;
	(void)pthread_setspecific(exit_key, keep);
}
