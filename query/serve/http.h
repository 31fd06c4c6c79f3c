/*
 * http.h — advdb-serve's HTTP side: libmicrohttpd (Debian's
 * libmicrohttpd) with a fixed pool of worker threads, each running its
 * own epoll loop over its share of the connections; every complete
 * request goes to serve_answer() (api.h) with the generation current
 * when it arrived (reload.h).
 *
 * What a client can hold, and for how long (the caps on bodies and
 * batches are api.h's):
 *   HTTP_CONN_MAX connections at once (more are refused at accept);
 *   HTTP_MEM_MAX bytes of memory per connection, which the request line
 *   and headers must fit in (431 or 414 beyond; at the very edge the
 *   connection is just closed). libmicrohttpd clears this memory for
 *   every request: at 64 KiB that was 30% of a single query's cost
 *   (perf), at 16 KiB 5%; 16 KiB of headers is twice what common
 *   servers take by default;
 *   HTTP_TIMEOUT_S seconds of silence on a connection (then closed:
 *   slow or stalled clients, idle keep-alives, and a client that shut
 *   its side after its last request: libmicrohttpd's epoll loop sees
 *   that only then);
 *   a body declared larger than SERVE_BODY_MAX is answered 413 before it
 *   is read; a chunked one that grows past it is read no further than
 *   twice that, then the connection is closed (413 when it ended in time).
 */
#ifndef ADVDB_SERVE_HTTP_H
#define ADVDB_SERVE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "reload.h"

#define HTTP_CONN_MAX 1024
#define HTTP_MEM_MAX ((size_t)16 << 10)
#define HTTP_TIMEOUT_S 10
#define HTTP_THREADS_MAX 64

typedef struct http_server http_server;

/* Listen on listen ("ADDR:PORT", "[ADDR6]:PORT"; port 0: any free one)
 * with threads workers, answering from r, closing a connection after
 * timeout_s seconds of silence (HTTP_TIMEOUT_S). listen NULL: no socket of its
 * own; connections come only from http_add_connection() (the fuzz target
 * of the HTTP side, tests/fuzz/fuzz_http.c), served with poll(2) rather
 * than epoll (http.c says why). Returns 0, or -1 with err. */
int http_start(http_server **out, reload *r, const char *listen,
               unsigned threads, unsigned timeout_s, char *err, size_t cap);

/* Serve one connected stream socket as a client's connection, with every
 * cap above. The socket is the server's from then on, closed by it even
 * when this fails. Returns 0, or -1 (errno). */
int http_add_connection(http_server *h, int fd);

/* The address actually bound, as "ADDR:PORT" ("[ADDR]:PORT" for IPv6);
 * "" without a socket of its own. */
const char *http_bound(const http_server *h);

/* Close every connection, stop the workers, free h. */
void http_stop(http_server *h);

#endif
