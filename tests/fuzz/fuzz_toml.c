/*
 * fuzz_toml.c — schema/toml.c on arbitrary bytes, with a differential.
 *
 * A document that parses is walked through every accessor (checking what
 * toml.h promises: valid UTF-8 strings NUL-terminated at their length,
 * unique keys found again by toml_table_get, plausible lines), then
 * printed back as TOML by the small printer below and parsed again: the
 * two trees must be equal. The printer writes everything inline (tables
 * as `{ }`, quoted keys, basic strings with escapes) so it cannot itself
 * need the parser's table-header rules. A failure must leave a message.
 * TOML 1.1 (TOML_1_1) only relaxes 1.0: what parses as 1.0 parses as
 * 1.1 into the same tree, and what 1.1 refuses 1.0 refuses too.
 */
#include <inttypes.h>
#include <math.h>

#include "fuzz.h"
#include "toml.h"

#define FT_WALK_DEPTH_MAX (4 * TOML_DEPTH_MAX)  /* far past any legal tree */
#define FT_PAIRWISE_MAX 512                     /* keys checked pairwise */

typedef struct ft_out {
	char *p;
	size_t len, cap;
	int failed;
} ft_out;

static void ft_put(ft_out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (n > (32u << 20) - o->len) {
		o->failed = 1;
		return;
	}
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 256;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *p = realloc(o->p, cap);
		if (!p) {
			o->failed = 1;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void ft_puts(ft_out *o, const char *s)
{
	ft_put(o, s, strlen(s));
}

static void ft_put_string(ft_out *o, const char *s, size_t n)
{
	char esc[8];

	ft_put(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			ft_put(o, esc, 2);
		} else if (c < 0x20 || c == 0x7F) {
			snprintf(esc, sizeof esc, "\\u%04X", c);
			ft_put(o, esc, 6);
		} else {
			ft_put(o, (const char *)&s[i], 1);
		}
	}
	ft_put(o, "\"", 1);
}

static void ft_put_float(ft_out *o, double d)
{
	char b[64];

	if (isnan(d)) {
		ft_puts(o, signbit(d) ? "-nan" : "nan");
		return;
	}
	if (isinf(d)) {
		ft_puts(o, d < 0 ? "-inf" : "inf");
		return;
	}
	int n = snprintf(b, sizeof b, "%.17g", d);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof b, "float text");
	ft_put(o, b, (size_t)n);
	if (!strpbrk(b, ".e"))
		ft_puts(o, ".0");
}

static void ft_print(ft_out *o, const toml_value *v)
{
	char b[32];
	size_t n;
	const char *s;

	switch (toml_kind(v)) {
	case TOML_STRING:
		s = toml_string(v, &n);
		ft_put_string(o, s, n);
		break;
	case TOML_INTEGER:
		snprintf(b, sizeof b, "%" PRId64, toml_integer(v));
		ft_puts(o, b);
		break;
	case TOML_FLOAT:
		ft_put_float(o, toml_float(v));
		break;
	case TOML_BOOL:
		ft_puts(o, toml_bool(v) ? "true" : "false");
		break;
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL:
	case TOML_DATE_LOCAL:
	case TOML_TIME_LOCAL:
		s = toml_string(v, &n);
		ft_put(o, s, n);
		break;
	case TOML_ARRAY:
		ft_put(o, "[", 1);
		for (size_t i = 0; i < toml_array_len(v); i++) {
			if (i)
				ft_put(o, ", ", 2);
			ft_print(o, toml_array_at(v, i));
		}
		ft_put(o, "]", 1);
		break;
	case TOML_TABLE:
		ft_put(o, "{", 1);
		for (size_t i = 0; i < toml_table_len(v); i++) {
			size_t kl;
			const char *k = toml_table_key(v, i, &kl);
			ft_put(o, i ? ", " : " ", i ? 2 : 1);
			ft_put_string(o, k, kl);
			ft_put(o, " = ", 3);
			ft_print(o, toml_table_value(v, i));
		}
		ft_put(o, " }", 2);
		break;
	}
}

static void ft_print_doc(ft_out *o, const toml_value *root)
{
	for (size_t i = 0; i < toml_table_len(root); i++) {
		size_t kl;
		const char *k = toml_table_key(root, i, &kl);
		ft_put_string(o, k, kl);
		ft_put(o, " = ", 3);
		ft_print(o, toml_table_value(root, i));
		ft_put(o, "\n", 1);
	}
}

static void ft_check_text(const char *s, size_t n, const char *what)
{
	FUZZ_CHECK(s != NULL, "%s: NULL text", what);
	FUZZ_CHECK(s[n] == '\0', "%s: not NUL-terminated at its length", what);
	FUZZ_CHECK(fuzz_utf8_prefix((const unsigned char *)s, n) == n,
	           "%s: not valid UTF-8", what);
}

/* Walk every accessor; returns the depth of the tree below v. */
static unsigned ft_walk(const toml_value *v, unsigned depth, unsigned lines)
{
	size_t n;
	const char *s;
	unsigned deepest = depth;
	toml_type k = toml_kind(v);

	FUZZ_CHECK(depth <= FT_WALK_DEPTH_MAX, "tree deeper than %u", depth);
	FUZZ_CHECK(toml_line(v) <= lines, "value on line %u of %u",
	           toml_line(v), lines);
	switch (k) {
	case TOML_STRING:
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL:
	case TOML_DATE_LOCAL:
	case TOML_TIME_LOCAL:
		FUZZ_CHECK(toml_line(v) >= 1 && toml_col(v) >= 1,
		           "scalar without a place (%u:%u)", toml_line(v),
		           toml_col(v));
		s = toml_string(v, &n);
		ft_check_text(s, n, "string value");
		if (k != TOML_STRING)
			FUZZ_CHECK(n > 0 && strlen(s) == n, "datetime text");
		break;
	case TOML_INTEGER:
	case TOML_FLOAT:
	case TOML_BOOL:
		FUZZ_CHECK(toml_line(v) >= 1 && toml_col(v) >= 1,
		           "scalar without a place (%u:%u)", toml_line(v),
		           toml_col(v));
		(void)toml_integer(v);
		(void)toml_float(v);
		if (k == TOML_BOOL)
			FUZZ_CHECK(toml_bool(v) == 0 || toml_bool(v) == 1, "bool");
		break;
	case TOML_ARRAY:
		n = toml_array_len(v);
		for (size_t i = 0; i < n; i++) {
			const toml_value *e = toml_array_at(v, i);
			FUZZ_CHECK(e != NULL, "array element %zu of %zu is NULL", i, n);
			unsigned d = ft_walk(e, depth + 1, lines);
			if (d > deepest)
				deepest = d;
		}
		break;
	case TOML_TABLE:
		n = toml_table_len(v);
		for (size_t i = 0; i < n; i++) {
			size_t kl = (size_t)-1;
			const char *key = toml_table_key(v, i, &kl);
			ft_check_text(key, kl, "key");
			FUZZ_CHECK(toml_table_key(v, i, NULL) == key, "key_len NULL");
			FUZZ_CHECK(toml_table_key_line(v, i) <= lines,
			           "key on line %u of %u", toml_table_key_line(v, i),
			           lines);
			const toml_value *e = toml_table_value(v, i);
			FUZZ_CHECK(e != NULL, "table value %zu of %zu is NULL", i, n);
			if (strlen(key) == kl)
				FUZZ_CHECK(toml_table_get(v, key) == e,
				           "toml_table_get(\"%s\") is not value %zu", key, i);
			if (n <= FT_PAIRWISE_MAX) {
				for (size_t j = 0; j < i; j++) {
					size_t jl;
					const char *kj = toml_table_key(v, j, &jl);
					FUZZ_CHECK(jl != kl || memcmp(kj, key, kl) != 0,
					           "key \"%s\" twice in one table", key);
				}
			}
			unsigned d = ft_walk(e, depth + 1, lines);
			if (d > deepest)
				deepest = d;
		}
		FUZZ_CHECK(toml_table_get(v, "\x01no such key\x02") == NULL,
		           "toml_table_get found a key that is not there");
		break;
	default:
		FUZZ_CHECK(0, "toml_kind() = %d", (int)k);
	}
	return deepest;
}

static int ft_float_same(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return a == b && signbit(a) == signbit(b);
}

/* Equal trees: kinds, keys in order, values; places are not compared. */
static void ft_same(const toml_value *a, const toml_value *b,
                    const char *text)
{
	size_t na, nb;
	const char *sa, *sb;

	FUZZ_CHECK(toml_kind(a) == toml_kind(b),
	           "kind %d printed as %d (line %u); reprinted:\n%s",
	           (int)toml_kind(a), (int)toml_kind(b), toml_line(a), text);
	switch (toml_kind(a)) {
	case TOML_STRING:
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL:
	case TOML_DATE_LOCAL:
	case TOML_TIME_LOCAL:
		sa = toml_string(a, &na);
		sb = toml_string(b, &nb);
		FUZZ_CHECK(na == nb && memcmp(sa, sb, na) == 0,
		           "string on line %u changed; reprinted:\n%s",
		           toml_line(a), text);
		break;
	case TOML_INTEGER:
		FUZZ_CHECK(toml_integer(a) == toml_integer(b),
		           "integer %" PRId64 " became %" PRId64, toml_integer(a),
		           toml_integer(b));
		break;
	case TOML_FLOAT:
		FUZZ_CHECK(ft_float_same(toml_float(a), toml_float(b)),
		           "float %.17g became %.17g", toml_float(a),
		           toml_float(b));
		break;
	case TOML_BOOL:
		FUZZ_CHECK(toml_bool(a) == toml_bool(b), "bool changed");
		break;
	case TOML_ARRAY:
		na = toml_array_len(a);
		FUZZ_CHECK(na == toml_array_len(b), "array of %zu became %zu",
		           na, toml_array_len(b));
		for (size_t i = 0; i < na; i++)
			ft_same(toml_array_at(a, i), toml_array_at(b, i), text);
		break;
	case TOML_TABLE:
		na = toml_table_len(a);
		FUZZ_CHECK(na == toml_table_len(b), "table of %zu keys became %zu;"
		           " reprinted:\n%s", na, toml_table_len(b), text);
		for (size_t i = 0; i < na; i++) {
			size_t ka, kb;
			sa = toml_table_key(a, i, &ka);
			sb = toml_table_key(b, i, &kb);
			FUZZ_CHECK(ka == kb && memcmp(sa, sb, ka) == 0,
			           "key %zu \"%s\" became \"%s\"", i, sa, sb);
			ft_same(toml_table_value(a, i), toml_table_value(b, i), text);
		}
		break;
	}
}

int fuzz_toml(const uint8_t *data, size_t size)
{
	toml_doc *doc = (toml_doc *)(uintptr_t)1, *doc2 = NULL, *doc11 = NULL;
	toml_error err;
	unsigned lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	int rc11 = toml_parse_ex(&doc11, (const char *)data, size, TOML_1_1,
	                         &err);
	FUZZ_CHECK(rc11 == 0 || doc11 == NULL, "failed 1.1 parse left *out");
	if (rc11 == 0)
		ft_walk(toml_root(doc11), 0, lines);
	memset(&err, 0x55, sizeof err);
	if (toml_parse(&doc, (const char *)data, size, &err) != 0) {
		toml_free(doc11);
		FUZZ_CHECK(doc == NULL, "failed parse left *out set");
		FUZZ_CHECK(memchr(err.msg, '\0', sizeof err.msg) != NULL &&
		           err.msg[0] != '\0', "failure without a message");
		FUZZ_CHECK(err.line <= lines, "error on line %u of %u", err.line,
		           lines);
		return 0;
	}
	FUZZ_CHECK(doc != NULL, "parse succeeded without a document");
	const toml_value *root = toml_root(doc);
	FUZZ_CHECK(root != NULL && toml_kind(root) == TOML_TABLE,
	           "root is not a table");
	unsigned depth = ft_walk(root, 0, lines);
	FUZZ_CHECK(rc11 == 0, "TOML 1.0 accepts what TOML 1.1 refuses");
	ft_same(root, toml_root(doc11), "(the same input as TOML 1.1)");
	toml_free(doc11);

	/* Printed inline, the tree nests as deep as it is; past the cap the
	 * parser rightly refuses, so only smaller trees are compared. */
	if (depth + 2 < TOML_DEPTH_MAX) {
		ft_out o = { 0 };
		ft_print_doc(&o, root);
		if (!o.failed) {
			const char *text = o.p ? o.p : "";
			int rc = toml_parse(&doc2, text, o.len, &err);
			FUZZ_CHECK(rc == 0, "reprinted document does not parse: "
			           "%u:%u: %s\n%s", err.line, err.col, err.msg, text);
			ft_walk(toml_root(doc2), 0, (unsigned)-1);
			ft_same(root, toml_root(doc2), text);
			toml_free(doc2);
		}
		free(o.p);
	}
	toml_free(doc);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_toml(data, size);
}
#endif
