/*
 * jsonmem.h — where jansson's memory comes from while a request body is
 * read: a bump allocator per worker thread, emptied when the answer is
 * written.
 *
 * jansson allocates once or more for every value and member; for a
 * batch of 1000 queries that is tens of thousands of malloc/free pairs,
 * a third of the time spent reading the body (perf). Here they are a
 * pointer increment, and free is nothing. jansson's allocator hooks are
 * process-wide and carry no context, so the arena is the calling
 * thread's own (thread-local), active only between jsonmem_begin() and
 * jsonmem_end(); outside that window (and on threads that never begin,
 * such as libadvdb's own use of jansson) the hooks are malloc and free.
 *
 * Invariant: no jansson value made between jsonmem_begin() and
 * jsonmem_end() is used after jsonmem_end() (its memory is reused then),
 * and each is released with jsonmem_release(). Under AddressSanitizer the
 * arena is never installed, so the sanitizers see jansson's every
 * allocation; when it is not installed, begin and end do nothing and
 * jsonmem_release() is json_decref() (a value made then is freed, not
 * leaked).
 */
#ifndef ADVDB_SERVE_JSONMEM_H
#define ADVDB_SERVE_JSONMEM_H

#define JSONMEM_CHUNK ((size_t)1 << 20) /* kept per thread between requests */

/* Route jansson's allocations through the arenas (once, in main, before
 * any thread starts). */
void jsonmem_install(void);

void jsonmem_begin(void);
void jsonmem_end(void);

/* Release a jansson value made on this thread: nothing when the arena is
 * active (jsonmem_end() takes its memory back whole, without walking the
 * tree: 7% of a batch), json_decref() otherwise. */
struct json_t;
void jsonmem_release(struct json_t *v);

#endif
