/*
 * http.c — libmicrohttpd glue (see http.h). A request's body is gathered
 * into a buffer of its own (capped), its query parameters into an array;
 * then it is answered in one call, with a reference to the current
 * generation held for exactly that call, and the answer's buffer is
 * handed to libmicrohttpd, which frees it once sent.
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <microhttpd.h>

#include "api.h"
#include "jsonmem.h"
#include "buf.h"
#include "cli.h"

/* libmicrohttpd says something about every request it refuses itself
 * (a malformed request line, headers past the cap, a client gone): one
 * line per bad request would let any client fill the log, so at most
 * HTTP_LOG_BURST lines are written per HTTP_LOG_WINDOW_S seconds, and the
 * number left out is said when the next window opens. */
#define HTTP_LOG_BURST 10
#define HTTP_LOG_WINDOW_S 60

struct http_server {
	struct MHD_Daemon *d;
	reload *r;
	int64_t started;
	char bound[80];
	pthread_mutex_t log_mu;     /* the window below */
	time_t log_window;
	unsigned long log_shown, log_hidden;
};

typedef struct request_state {
	buf body;
	size_t seen;                /* body bytes received, kept or not */
	int too_large;
} request_state;

typedef struct args_ctx {
	serve_arg v[SERVE_ARGS_MAX + 1];
	size_t n;
} args_ctx;

static enum MHD_Result take_arg(void *cls, enum MHD_ValueKind kind,
                                const char *key, const char *value)
{
	args_ctx *a = cls;

	(void)kind;
	a->v[a->n].key = key ? key : "";
	a->v[a->n].value = value;
	a->n++;
	/* one past the cap is enough for api.c to refuse them */
	return a->n <= SERVE_ARGS_MAX ? MHD_YES : MHD_NO;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, serve_reply *rep)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;
	size_t len = rep->body.len;
	char *p = rep->body.p;

	rep->body.p = NULL;         /* libmicrohttpd frees it when sent */
	rep->body.len = rep->body.cap = 0;
	if (!p) {
		p = malloc(1);
		len = 0;
		if (!p)
			return MHD_NO;
	}
	resp = MHD_create_response_from_buffer_with_free_callback(len, p, free);
	if (!resp) {
		free(p);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        "application/json");
	if (rep->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rep->allow);
	ok = MHD_queue_response(c, rep->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static enum MHD_Result reply_too_large(struct MHD_Connection *c)
{
	serve_reply rep;

	memset(&rep, 0, sizeof(rep));
	serve_too_large(&rep);
	enum MHD_Result ok = send_reply(c, &rep);
	serve_reply_free(&rep);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload, size_t *upload_size,
                                  void **con_cls)
{
	http_server *h = cls;
	request_state *rs = *con_cls;

	(void)version;
	if (!rs) {
		const char *cl;
		if (!(rs = calloc(1, sizeof(*rs))))
			return MHD_NO;
		*con_cls = rs;
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(cl, &end, 10);
			if (errno || end == cl || n > SERVE_BODY_MAX) {
				rs->too_large = 1;
				/* answered before the body is read (and before
				 * "100 Continue"); the connection then closes */
				return reply_too_large(c);
			}
		}
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		rs->seen += n;
		if (!rs->too_large && rs->body.len + n > SERVE_BODY_MAX) {
			rs->too_large = 1;
			buf_free(&rs->body);
		}
		if (rs->too_large)     /* read on to the end, but not forever */
			return rs->seen > 2 * SERVE_BODY_MAX ? MHD_NO : MHD_YES;
		buf_put(&rs->body, upload, n);
		return rs->body.failed ? MHD_NO : MHD_YES;
	}
	if (rs->too_large)
		return reply_too_large(c);

	args_ctx a;
	serve_request rq;
	serve_reply rep;
	serve_status st;
	a.n = 0;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, take_arg, &a);
	rq.method = method;
	rq.path = url;
	rq.args = a.v;
	rq.nargs = a.n;
	rq.body = rs->body.p;
	rq.body_len = rs->body.len;
	st.started = h->started;
	reload_counts(h->r, &st.generations, &st.failures);
	serve_gen *g = reload_acquire(h->r);
	jsonmem_begin();
	serve_answer(&rep, g, &st, &rq);
	jsonmem_end();
	gen_release(g);
	enum MHD_Result ok = send_reply(c, &rep);
	serve_reply_free(&rep);
	return ok;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode why)
{
	request_state *rs = *con_cls;

	(void)cls;
	(void)c;
	(void)why;
	if (rs) {
		buf_free(&rs->body);
		free(rs);
		*con_cls = NULL;
	}
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	http_server *h = cls;
	char msg[512];
	time_t now = time(NULL);
	unsigned long hidden = 0;
	int show;

	pthread_mutex_lock(&h->log_mu);
	if (now - h->log_window >= HTTP_LOG_WINDOW_S) {
		hidden = h->log_hidden;
		h->log_window = now;
		h->log_shown = h->log_hidden = 0;
	}
	show = h->log_shown < HTTP_LOG_BURST;
	if (show)
		h->log_shown++;
	else
		h->log_hidden++;
	pthread_mutex_unlock(&h->log_mu);
	if (hidden)
		cli_warn("libmicrohttpd: %lu more messages in the last %d s not "
		         "shown", hidden, HTTP_LOG_WINDOW_S);
	if (!show || vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		return;
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	cli_warn("libmicrohttpd: %s", msg);
}

/* "ADDR:PORT" or "[ADDR6]:PORT" into a socket address. */
static int parse_listen(struct sockaddr_storage *ss, int *v6,
                        const char *s, char *err, size_t cap)
{
	char host[64];
	const char *colon, *hs = s;
	size_t hl;
	char *end;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':')
			goto bad;
		hs = s + 1;
		hl = (size_t)(rb - hs);
		colon = rb + 1;
		*v6 = 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			goto bad;
		hl = (size_t)(colon - s);
		*v6 = 0;
	}
	if (hl == 0 || hl >= sizeof(host))
		goto bad;
	memcpy(host, hs, hl);
	host[hl] = '\0';
	errno = 0;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port > 65535)
		goto bad;
	if (*v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			goto bad;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			goto bad;
	}
	return 0;
bad:
	snprintf(err, cap, "--listen %s: expected ADDR:PORT with a numeric "
	         "address, e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080",
	         s);
	return -1;
}

int http_start(http_server **out, reload *r, const char *listen,
               unsigned threads, unsigned timeout_s, char *err, size_t cap)
{
	struct sockaddr_storage ss;
	http_server *h;
	int v6;

	*out = NULL;
	if (!listen)
		v6 = 0;
	else if (parse_listen(&ss, &v6, listen, err, cap) < 0)
		return -1;
	if (threads < 1)
		threads = 1;
	if (threads > HTTP_THREADS_MAX)
		threads = HTTP_THREADS_MAX;
	if (!(h = calloc(1, sizeof(*h)))) {
		snprintf(err, cap, "out of memory");
		return -1;
	}
	h->r = r;
	h->started = (int64_t)time(NULL);
	pthread_mutex_init(&h->log_mu, NULL);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
	                 (v6 ? MHD_USE_IPv6 : 0);
	/* epoll when listening. Without a socket (the fuzz target), poll:
	 * with epoll, libmicrohttpd notices a client's end of input (FIN)
	 * that came with its last request only when the connection times
	 * out (measured, 0.9.75), so every keep-alive input would cost
	 * HTTP_TIMEOUT_S; a connection added from outside must also wake
	 * the polling thread (MHD_USE_ITC). */
	if (listen)
		flags |= MHD_USE_EPOLL;
	else
		flags |= MHD_USE_POLL | MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC;
	h->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, h,
	    /* first, so that every message of the daemon goes through it */
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
	    /* a no-op without a socket (MHD_USE_NO_LISTEN_SOCKET) */
	    MHD_OPTION_SOCK_ADDR, listen ? (struct sockaddr *)&ss : NULL,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONN_MAX,
	    MHD_OPTION_CONNECTION_TIMEOUT, timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_MEM_MAX,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	    MHD_OPTION_END);
	if (!h->d) {
		if (listen)
			snprintf(err, cap, "--listen %s: cannot listen there (the "
			         "address is in use, not this machine's, or "
			         "needs privileges)", listen);
		else
			snprintf(err, cap, "libmicrohttpd cannot start");
		pthread_mutex_destroy(&h->log_mu);
		free(h);
		return -1;
	}
	if (!listen) {
		*out = h;
		return 0;
	}
	const union MHD_DaemonInfo *di =
	    MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = di ? di->port : 0;
	char host[INET6_ADDRSTRLEN];
	if (v6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		          host, sizeof(host));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host,
		          sizeof(host));
	snprintf(h->bound, sizeof(h->bound), v6 ? "[%s]:%u" : "%s:%u", host,
	         port);
	*out = h;
	return 0;
}

int http_add_connection(http_server *h, int fd)
{
	/* libmicrohttpd wants a peer address; the caller's socket has none
	 * that matters (it logs none, and no answer depends on it) */
	struct sockaddr_in peer;

	memset(&peer, 0, sizeof(peer));
	peer.sin_family = AF_INET;
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return MHD_add_connection(h->d, fd, (struct sockaddr *)&peer,
	                          sizeof(peer)) == MHD_YES ? 0 : -1;
}

const char *http_bound(const http_server *h)
{
	return h->bound;
}

void http_stop(http_server *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	pthread_mutex_destroy(&h->log_mu);
	free(h);
}
