/*
 * fuzz_http.c — advdb-serve's HTTP side on arbitrary bytes from a client:
 * the request line, headers, Content-Length, chunked bodies, query
 * strings and pipelined requests, read by libmicrohttpd and by our glue
 * (query/serve/http.c: the body gathered under its cap, 413 before a
 * declared body too large, the arguments) and answered by the handler
 * (api.c, which fuzz_serve covers on its own), over a real connection.
 *
 * One server for the process (one worker thread, no socket of its own,
 * http.h), on the sample index of fuzz_index.h. For each input a TCP
 * connection is made on loopback (to a listening socket of this file,
 * whose accepted end is given to the server, as libmicrohttpd would take
 * it); the input is written, the connection shut for writing, and
 * everything the server sends is read until it closes. The client's end
 * is closed with a reset (SO_LINGER 0), so thousands of connections a
 * second leave no TIME_WAIT behind to exhaust the ports. Checks:
 *   - the server ends the connection within FH_DEADLINE_S (it read EOF,
 *     or its silence timeout, FH_TIMEOUT_S here, ran out);
 *   - whatever it answers starts with a status line, and the first
 *     status is one the API or libmicrohttpd documents, never 500 (the
 *     index is good: a 500 would be a request the server failed itself);
 *   - an answer of ours (application/json, with a Content-Length, not to
 *     a HEAD) is one JSON object;
 *   - after the input, a fresh connection's GET /healthz gets 200: no
 *     request breaks the server for the next client.
 * Inputs past FH_INPUT_MAX are cut (the body cap's 413 is reached by a
 * declared Content-Length, not by sending megabytes).
 */
#include "fuzz.h"
#include "fuzz_index.h"
#include "http.h"
#include "reload.h"

#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define FH_INPUT_MAX (64u << 10)
#define FH_KEEP_MAX (1u << 20)      /* of the answer, checked; the rest read */
/* The server's silence timeout here: a connection it keeps open waiting
 * for input ends after a second, well inside libFuzzer's 5 s per input
 * (HTTP_TIMEOUT_S would be taken for a hang). */
#define FH_TIMEOUT_S 1
#define FH_DEADLINE_S 4             /* > FH_TIMEOUT_S, < libFuzzer's 5 s */

static reload fh_reload;
static http_server *fh_server;
static int fh_listen = -1;          /* 127.0.0.1:fh_port, ours */
static struct sockaddr_in fh_addr;
static int fh_state;                /* 0 not tried, 1 ready, -1 failed */

static void fh_cleanup(void)
{
	http_stop(fh_server);
	fh_server = NULL;
	reload_fini(&fh_reload);
	close(fh_listen);
}

static int fh_listen_loopback(void)
{
	socklen_t len = sizeof fh_addr;

	fh_listen = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fh_listen < 0)
		return -1;
	memset(&fh_addr, 0, sizeof fh_addr);
	fh_addr.sin_family = AF_INET;
	fh_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fh_listen, (struct sockaddr *)&fh_addr, sizeof fh_addr) != 0 ||
	    listen(fh_listen, 16) != 0 ||
	    getsockname(fh_listen, (struct sockaddr *)&fh_addr, &len) != 0) {
		close(fh_listen);
		fh_listen = -1;
		return -1;
	}
	return 0;
}

/* A connected pair on loopback: *client ours, *server for the server.
 * A connection left in the queue by an earlier call (a signal, such as
 * libFuzzer's alarm, cut it short) must never be served in place of this
 * one: the queue is emptied first, and the accepted end checked to be
 * the client's peer. */
static int fh_connect(int *client, int *server)
{
	struct linger lg = { 1, 0 };
	struct sockaddr_in mine, peer;
	socklen_t ml = sizeof mine, pl;

	/* what an earlier call left in the queue goes first (the listening
	 * socket is non-blocking here only) */
	int fl = fcntl(fh_listen, F_GETFL);
	if (fl >= 0 && fcntl(fh_listen, F_SETFL, fl | O_NONBLOCK) == 0) {
		int old;
		while ((old = accept(fh_listen, NULL, NULL)) >= 0 || errno == EINTR)
			if (old >= 0)
				close(old);
		(void)fcntl(fh_listen, F_SETFL, fl);
	}
	*client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*client < 0)
		return -1;
	(void)setsockopt(*client, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	if (connect(*client, (struct sockaddr *)&fh_addr, sizeof fh_addr) != 0 ||
	    getsockname(*client, (struct sockaddr *)&mine, &ml) != 0) {
		close(*client);
		return -1;
	}
	for (;;) {
		pl = sizeof peer;
		*server = accept(fh_listen, (struct sockaddr *)&peer, &pl);
		if (*server < 0) {
			if (errno == EINTR)
				continue;
			close(*client);
			return -1;
		}
		if (peer.sin_port == mine.sin_port &&
		    peer.sin_addr.s_addr == mine.sin_addr.s_addr)
			return 0;
		close(*server);         /* an earlier call's, left behind */
	}
}

static http_server *fh_start(void)
{
	char err[512];
	const char *path;

	if (fh_state == 0) {
		fh_state = -1;
		if ((path = fuzz_index_path()) == NULL)
			return NULL;
		gen_source src = { path, NULL, NULL, 0 };
		if (fh_listen_loopback() < 0) {
			fprintf(stderr, "fuzz_http: no loopback socket: %s\n",
			        strerror(errno));
			return NULL;
		}
		if (reload_init(&fh_reload, &src, err, sizeof err) < 0) {
			fprintf(stderr, "fuzz_http: %s\n", err);
			return NULL;
		}
		if (http_start(&fh_server, &fh_reload, NULL, 1, FH_TIMEOUT_S,
		               err, sizeof err) < 0) {
			fprintf(stderr, "fuzz_http: %s\n", err);
			reload_fini(&fh_reload);
			return NULL;
		}
		fh_state = 1;
		atexit(fh_cleanup);
	}
	return fh_state == 1 ? fh_server : NULL;
}

static double fh_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Send in[0..n) on a new connection, shut it for writing, and read the
 * answer until the server closes (the first FH_KEEP_MAX bytes into out).
 * Both directions at once: the server may answer (and close) before it
 * read everything. Returns the bytes kept, or -1 when no connection
 * could be made (a resource of this process, not a finding). */
static long fh_exchange(http_server *h, const uint8_t *in, size_t n,
                        char *out, size_t cap)
{
	int sv[2];
	size_t sent = 0, got = 0;
	int wr_open = 1;
	double end = fh_now() + FH_DEADLINE_S;

	if (fh_connect(&sv[0], &sv[1]) < 0)
		return -1;
	if (http_add_connection(h, sv[1]) < 0) {
		close(sv[0]);
		return -1;
	}
	(void)fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	for (;;) {
		if (wr_open && sent == n) {
			(void)shutdown(sv[0], SHUT_WR);
			wr_open = 0;
		}
		struct pollfd p = { sv[0], (short)(POLLIN | (wr_open ? POLLOUT : 0)),
		                    0 };
		double left = end - fh_now();
		FUZZ_CHECK(left > 0, "the server held the connection open for "
		           "%d s after the client shut it (sent %zu of %zu bytes, "
		           "got %zu)", FH_DEADLINE_S, sent, n, got);
		int r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		FUZZ_CHECK(r >= 0, "poll: %s", strerror(errno));
		if (r == 0)
			continue;
		if (wr_open && (p.revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = send(sv[0], in + sent, n - sent, MSG_NOSIGNAL);
			if (w > 0)
				sent += (size_t)w;
			else if (w < 0 && errno != EAGAIN && errno != EINTR)
				wr_open = 0;    /* the server closed: read what it said */
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			char tmp[16384];
			ssize_t rd = recv(sv[0], tmp, sizeof tmp, 0);
			if (rd == 0 || (rd < 0 && errno != EAGAIN && errno != EINTR))
				break;
			if (rd > 0 && got < cap) {
				size_t k = (size_t)rd < cap - got ? (size_t)rd : cap - got;
				memcpy(out + got, tmp, k);
				got += k;
			}
		}
	}
	close(sv[0]);
	return (long)got;
}

static int fh_status_ok(unsigned s)
{
	switch (s) {
	case 200:               /* ours */
	case 400: case 404: case 405: case 413:
	case 414: case 417:     /* libmicrohttpd's own refusals */
	case 431: case 501: case 505:
		return 1;
	default:
		return 0;
	}
}

/* The value of header name (case-insensitive) in the head [h, e), or
 * NULL; *len its length. */
static const char *fh_header(const char *h, const char *e, const char *name,
                             size_t *len)
{
	size_t nl = strlen(name);

	for (const char *l = h; l < e;) {
		const char *eol = memchr(l, '\n', (size_t)(e - l));
		const char *le = eol ? eol : e;
		if ((size_t)(le - l) > nl && strncasecmp(l, name, nl) == 0 &&
		    l[nl] == ':') {
			const char *v = l + nl + 1;
			while (v < le && *v == ' ')
				v++;
			const char *ve = le;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
				ve--;
			*len = (size_t)(ve - v);
			return v;
		}
		l = eol ? eol + 1 : e;
	}
	return NULL;
}

/* The end of the head starting at out ("\r\n\r\n"), or NULL. */
static const char *fh_head_end(const char *out, size_t n)
{
	for (size_t i = 0; i + 3 < n; i++)
		if (memcmp(out + i, "\r\n\r\n", 4) == 0)
			return out + i;
	return NULL;
}

/* The first answer in out[0..n) after any "100 Continue": its status,
 * and its body when it is ours. Nothing at all (closed without a word)
 * is allowed: a request cut short by the shut connection gets no
 * answer. */
static void fh_check_answer(const char *out, size_t n, int head_request)
{
	unsigned status;
	const char *e;

	for (;;) {
		if (n == 0)
			return;
		FUZZ_CHECK(n >= 12 && (memcmp(out, "HTTP/1.1 ", 9) == 0 ||
		                       memcmp(out, "HTTP/1.0 ", 9) == 0),
		           "the answer starts with a status line: %.40s", out);
		status = 0;
		for (int i = 9; i < 12; i++) {
			FUZZ_CHECK(out[i] >= '0' && out[i] <= '9', "a 3-digit status");
			status = status * 10 + (unsigned)(out[i] - '0');
		}
		e = fh_head_end(out, n);
		if (status != 100)
			break;
		/* the interim answer to "Expect: 100-continue" */
		if (!e)
			return;
		n -= (size_t)(e + 4 - out);
		out = e + 4;
	}
	FUZZ_CHECK(fh_status_ok(status), "status %u", status);
	if (!e || head_request)
		return;                 /* cut at FH_KEEP_MAX, or no body */
	size_t tl, cl;
	const char *ct = fh_header(out, e, "Content-Type", &tl);
	const char *len = fh_header(out, e, "Content-Length", &cl);
	if (!ct || tl != 16 || memcmp(ct, "application/json", 16) != 0 || !len)
		return;                 /* not one of ours */
	char num[24];
	if (cl == 0 || cl >= sizeof num)
		return;
	memcpy(num, len, cl);
	num[cl] = '\0';
	size_t blen = strtoul(num, NULL, 10), have = n - (size_t)(e + 4 - out);
	if (blen > have)
		return;                 /* cut at FH_KEEP_MAX */
	json_error_t je;
	json_t *v = json_loadb(e + 4, blen, JSON_REJECT_DUPLICATES, &je);
	FUZZ_CHECK(v && json_is_object(v), "status %u: the body is one JSON "
	           "object: %s", status, v ? "not an object" : je.text);
	json_decref(v);
}

int fuzz_http(const uint8_t *data, size_t size)
{
	static const char health[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n"
	                             "Connection: close\r\n\r\n";
	http_server *h = fh_start();
	char *out;
	long got;

	if (!h)
		return 0;
	if (size > FH_INPUT_MAX)
		size = FH_INPUT_MAX;
	if (!(out = malloc(FH_KEEP_MAX)))
		return 0;
	got = fh_exchange(h, data, size, out, FH_KEEP_MAX);
	size_t m = 0;           /* libmicrohttpd skips empty lines first */
	while (m < size && (data[m] == '\r' || data[m] == '\n'))
		m++;
	if (got >= 0)
		fh_check_answer(out, (size_t)got,
		                size - m >= 5 && memcmp(data + m, "HEAD ", 5) == 0);
	got = fh_exchange(h, (const uint8_t *)health, sizeof health - 1, out,
	                  FH_KEEP_MAX);
	if (got >= 0)
		FUZZ_CHECK(got >= 12 && memcmp(out + 9, "200", 3) == 0,
		           "after the input, GET /healthz answers 200: %.*s",
		           (int)(got < 80 ? got : 80), out);
	free(out);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_http(data, size);
}
#endif
