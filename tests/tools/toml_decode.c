/*
 * toml_decode.c — the toml-test decoder: read one TOML document (a file, or
 * stdin when the argument is "-" or missing), print it as toml-test's typed
 * JSON on stdout. With --toml-1.1 first, as TOML 1.1 (TOML_1_1).
 *
 * Exit status: 0 parsed, 1 rejected (the error, "line:col: message", on
 * stderr), 2 usage or I/O error. A crash is never a rejection: the
 * conformance script treats any other status as a failure.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

static void put_str(const char *s, size_t n)
{
	size_t i;

	putchar('"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7F)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void put_leaf(const char *type, const char *val, size_t n)
{
	printf("{\"type\":\"%s\",\"value\":", type);
	put_str(val, n);
	putchar('}');
}

/* Depth is bounded by TOML_DEPTH_MAX, so recursion is too. */
static void put_value(const toml_value *v)
{
	char buf[64];
	const char *s;
	size_t i, n;
	double f;

	switch (toml_kind(v)) {
	case TOML_TABLE:
		putchar('{');
		for (i = 0; i < toml_table_len(v); i++) {
			s = toml_table_key(v, i, &n);
			if (i)
				putchar(',');
			put_str(s, n);
			putchar(':');
			put_value(toml_table_value(v, i));
		}
		putchar('}');
		return;
	case TOML_ARRAY:
		putchar('[');
		for (i = 0; i < toml_array_len(v); i++) {
			if (i)
				putchar(',');
			put_value(toml_array_at(v, i));
		}
		putchar(']');
		return;
	case TOML_STRING:
		s = toml_string(v, &n);
		put_leaf("string", s, n);
		return;
	case TOML_INTEGER:
		snprintf(buf, sizeof buf, "%" PRId64, toml_integer(v));
		put_leaf("integer", buf, strlen(buf));
		return;
	case TOML_FLOAT:
		f = toml_float(v);
		if (isnan(f))
			snprintf(buf, sizeof buf, "nan");
		else if (isinf(f))
			snprintf(buf, sizeof buf, "%sinf", f < 0 ? "-" : "");
		else
			snprintf(buf, sizeof buf, "%.17g", f);
		put_leaf("float", buf, strlen(buf));
		return;
	case TOML_BOOL:
		s = toml_bool(v) ? "true" : "false";
		put_leaf("bool", s, strlen(s));
		return;
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL:
	case TOML_DATE_LOCAL:
	case TOML_TIME_LOCAL:
		s = toml_string(v, &n);
		put_leaf(toml_kind(v) == TOML_DATETIME ? "datetime" :
		         toml_kind(v) == TOML_DATETIME_LOCAL ? "datetime-local" :
		         toml_kind(v) == TOML_DATE_LOCAL ? "date-local" :
		         "time-local", s, n);
		return;
	}
	fputs("null", stdout);
}

int main(int argc, char **argv)
{
	unsigned flags = 0;
	if (argc > 1 && !strcmp(argv[1], "--toml-1.1")) {
		flags = TOML_1_1;
		argv++;
		argc--;
	}
	const char *path = argc > 1 ? argv[1] : "-";
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = (size_t)TOML_INPUT_MAX + 1, n;
	char *buf;
	toml_doc *doc;
	toml_error err;

	if (argc > 2 || !f) {
		fprintf(stderr, "usage: toml_decode [--toml-1.1] [FILE]\n");
		return 2;
	}
	buf = malloc(cap);
	if (!buf) {
		fprintf(stderr, "toml_decode: out of memory\n");
		return 2;
	}
	n = fread(buf, 1, cap, f);
	if (ferror(f)) {
		fprintf(stderr, "toml_decode: %s: read error\n", path);
		free(buf);
		return 2;
	}
	if (f != stdin)
		fclose(f);
	if (toml_parse_ex(&doc, buf, n, flags, &err) < 0) {
		fprintf(stderr, "%s:%u:%u: %s\n", path, err.line, err.col, err.msg);
		free(buf);
		return 1;
	}
	put_value(toml_root(doc));
	putchar('\n');
	toml_free(doc);
	free(buf);
	return 0;
}
