/*
 * fuzz_serve.c — advdb-serve's request handler (query/serve/api.h) on
 * arbitrary requests, without sockets, against the sample index of
 * fuzz_index.h loaded as one generation.
 *
 * Input: the method up to the first newline, the path (with an optional
 * `?k=v&k` query string, split here, not decoded) up to the second, and
 * the body after it (any bytes). Checks, for every request:
 *   - the status is one the API documents, and never 500 (the index is
 *     good: a 500 would be a request the server failed itself);
 *   - the body is one JSON object (jansson reads it back); an error is
 *     osv.dev's {"code": N, "message": "..."} with N the gRPC code of the
 *     status; a 405 names what is allowed;
 *   - a 200 of /v1/query holds only "vulns", a list of objects with an
 *     "id"; a 200 of /v1/querybatch has one result per query sent, each
 *     holding only "vulns" of {"id","modified"} objects;
 *   - answering the same request again gives the same bytes.
 */
#include "fuzz.h"
#include "fuzz_serve_gen.h"
#include "api.h"
#include "gen.h"

#include <jansson.h>

#define FS_ARGS_MAX 32

static int fs_code(unsigned status)
{
	switch (status) {
	case 400: return 3;
	case 404: return 5;
	case 405: return 12;
	case 413: return 8;
	default: return -1;
	}
}

/* Every key of object o is one of the NULL-terminated list. */
static int fs_only(const json_t *o, const char *const *keys)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)o, k, v) {
		int ok = 0;
		(void)v;
		for (size_t i = 0; keys[i]; i++)
			ok |= strcmp(k, keys[i]) == 0;
		if (!ok)
			return 0;
	}
	return 1;
}

static void fs_check_vulns(const json_t *res, int full)
{
	static const char *const only_vulns[] = { "vulns", NULL };
	static const char *const id_mod[] = { "id", "modified", NULL };
	json_t *vulns = json_object_get(res, "vulns"), *v;
	size_t i;

	FUZZ_CHECK(json_is_object(res) && fs_only(res, only_vulns),
	           "a result holds only \"vulns\"");
	if (!vulns)
		return;
	FUZZ_CHECK(json_is_array(vulns) && json_array_size(vulns) > 0,
	           "\"vulns\" is a non-empty list (empty ones are left out)");
	json_array_foreach(vulns, i, v) {
		FUZZ_CHECK(json_is_object(v) &&
		           json_is_string(json_object_get(v, "id")) &&
		           json_is_string(json_object_get(v, "modified")),
		           "vulns[%zu] has an id and a modified time", i);
		if (!full)
			FUZZ_CHECK(fs_only(v, id_mod), "a batch answers id and "
			           "modified only");
	}
}

int fuzz_serve(const uint8_t *data, size_t size)
{
	serve_gen *g = fuzz_serve_gen();
	char *buf, *method, *path, *q, *body;
	serve_arg args[FS_ARGS_MAX];
	size_t nargs = 0, body_len;
	serve_request rq;
	serve_reply a, b;

	if (!g)
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	method = buf;
	path = memchr(buf, '\n', size);
	if (!path) {
		free(buf);
		return 0;
	}
	*path++ = '\0';
	body = memchr(path, '\n', size - (size_t)(path - buf));
	if (body)
		*body++ = '\0';
	else
		body = buf + size;
	body_len = size - (size_t)(body - buf);
	if ((q = strchr(path, '?')) != NULL) {
		*q++ = '\0';
		for (char *k = q; k && *k && nargs < FS_ARGS_MAX;) {
			char *amp = strchr(k, '&'), *eq;
			if (amp)
				*amp = '\0';
			eq = strchr(k, '=');
			if (eq)
				*eq = '\0';
			args[nargs].key = k;
			args[nargs].value = eq ? eq + 1 : NULL;
			nargs++;
			k = amp ? amp + 1 : NULL;
		}
	}
	rq.method = method;
	rq.path = path;
	rq.args = args;
	rq.nargs = nargs;
	rq.body = body;
	rq.body_len = body_len;

	serve_answer(&a, g, NULL, &rq);
	FUZZ_CHECK(a.status == 200 || a.status == 400 || a.status == 404 ||
	           a.status == 405, "status %u", a.status);
	FUZZ_CHECK(!a.body.failed && a.body.len > 0, "an answer has a body");
	json_error_t e;
	json_t *out = json_loadb(a.body.p, a.body.len, JSON_REJECT_DUPLICATES,
	                         &e);
	FUZZ_CHECK(out && json_is_object(out), "the answer is one JSON "
	           "object: %s", out ? "not an object" : e.text);
	if (a.status != 200) {
		json_t *code = json_object_get(out, "code");
		FUZZ_CHECK(json_is_integer(code) &&
		           json_integer_value(code) == fs_code(a.status) &&
		           json_is_string(json_object_get(out, "message")) &&
		           json_object_size(out) == 2,
		           "error %u is {code, message} with its gRPC code",
		           a.status);
		FUZZ_CHECK((a.status == 405) == (a.allow != NULL),
		           "Allow goes with 405, and only there");
	} else if (strcmp(path, "/v1/query") == 0) {
		fs_check_vulns(out, 1);
	} else if (strcmp(path, "/v1/querybatch") == 0) {
		json_t *in = json_loadb(body, body_len, 0, &e);
		json_t *queries = in ? json_object_get(in, "queries") : NULL;
		json_t *results = json_object_get(out, "results"), *r;
		size_t n = json_is_array(queries) ? json_array_size(queries) : 0;
		size_t i;
		FUZZ_CHECK(n ? json_is_array(results) &&
		               json_array_size(results) == n
		             : results == NULL,
		           "%zu queries, one result each (none: {})", n);
		json_array_foreach(results, i, r)
			fs_check_vulns(r, 0);
		json_decref(in);
	}
	json_decref(out);

	serve_answer(&b, g, NULL, &rq);
	fuzz_same_reply(&a, &b, "the same request, the same answer");
	free(buf);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_serve(data, size);
}
#endif
