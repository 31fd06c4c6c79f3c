/*
 * advisory_ctx.c — the parse context of one advisory: its arena (one list
 * of blocks, freed at once by advisory_free), its diagnostics (every
 * value quoted from the file has control characters escaped, so a
 * diagnostic is always one line; lines are lines of the FILE; under
 * ADVISORY_STRICT a warning is added as an error), and the typed reading
 * of TOML values that reports what is wrong and moves on.
 */
#include "advisory_int.h"
#include "errbuf.h"
#include "escape.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *adv_alloc(advisory *a, size_t n)
{
	return arena_alloc(&a->mem, n);
}

const char *adv_str(advisory *a, const char *s, size_t len)
{
	return arena_strn(&a->mem, s, len);
}

/* Add one diagnostic. Values quoted in messages come from the file, so
 * they are escaped (escape.h): a diagnostic is always one line. */
static void vreport(ctx *c, diag_level level, unsigned line, const char *fmt,
                    va_list ap)
{
	char msg[DIAG_MSG_MAX], out[DIAG_MSG_MAX];

	errbuf_vset(msg, sizeof(msg), NULL, fmt, ap);
	escape_text(out, sizeof(out), msg, strlen(msg), 0);
	if (level == DIAG_WARNING && (c->flags & ADVISORY_STRICT))
		level = DIAG_ERROR;
	diag_add(c->d, level, c->path, line, "%s", out);
	if (level == DIAG_ERROR)
		c->errors++;
}

void adv_err(ctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, DIAG_ERROR, line, fmt, ap);
	va_end(ap);
}

void adv_warn(ctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, DIAG_WARNING, line, fmt, ap);
	va_end(ap);
}

void adv_oom(ctx *c, unsigned line)
{
	adv_err(c, line, "out of memory");
}

/* TOML line l as a line of the file: the synthetic "[advisory]" line a
 * headerless front matter gets (shift -1 past the first line) maps to the
 * line before, never to 0. */
static unsigned file_line(const ctx *c, unsigned l)
{
	long f = (long)l + c->shift;
	return l == 0 ? c->fence : f < 1 ? 1 : (unsigned)f;
}

unsigned adv_vline(const ctx *c, const toml_value *v)
{
	return file_line(c, toml_line(v));
}

unsigned adv_kline(const ctx *c, const toml_value *t, size_t i)
{
	return file_line(c, toml_table_key_line(t, i));
}

const char *adv_kind_name(toml_type k)
{
	switch (k) {
	case TOML_STRING: return "a string";
	case TOML_INTEGER: return "an integer";
	case TOML_FLOAT: return "a float";
	case TOML_BOOL: return "a boolean";
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL: return "a date-time";
	case TOML_DATE_LOCAL: return "a bare date";
	case TOML_TIME_LOCAL: return "a time";
	case TOML_ARRAY: return "an array";
	case TOML_TABLE: return "a table";
	}
	return "an unknown value";
}

/* A string value (type-checked only: it may hold NUL characters, which
 * TOML's \u0000 makes). Returns 0 with *s and *len, or -1 after
 * reporting. `what` names the key. */
int adv_want_string(ctx *c, const toml_value *v, const char *what,
                    const char **s, size_t *len)
{
	if (toml_kind(v) != TOML_STRING) {
		adv_err(c, adv_vline(c, v), "%s must be a string, not %s", what,
		    adv_kind_name(toml_kind(v)));
		return -1;
	}
	*s = toml_string(v, len);
	return *s ? 0 : -1;
}

const char *adv_text(ctx *c, const char *s, size_t len, const char *what,
                     unsigned line)
{
	size_t nul = 0;

	for (size_t i = 0; i < len; i++)
		nul += s[i] == '\0';
	if (!nul) {
		const char *p = adv_str(c->a, s, len);
		if (!p)
			adv_oom(c, line);
		return p;
	}
	/* Records are C strings: rustsec keeps the character, we keep the
	 * text around it (U+FFFD is EF BF BD). */
	adv_warn(c, line, "%s contains %zu NUL character%s (stored as U+FFFD)",
	    what, nul, nul == 1 ? "" : "s");
	char *p = adv_alloc(c->a, len + 2 * nul + 1);
	if (!p) {
		adv_oom(c, line);
		return NULL;
	}
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\0') {
			p[o++] = s[i];
		} else {
			p[o++] = (char)0xEF;
			p[o++] = (char)0xBF;
			p[o++] = (char)0xBD;
		}
	}
	p[o] = '\0';
	return p;
}

/* A string copied into the arena, or NULL after reporting. */
const char *adv_take_string(ctx *c, const toml_value *v, const char *what)
{
	const char *s;
	size_t len;

	if (adv_want_string(c, v, what, &s, &len) < 0)
		return NULL;
	return adv_text(c, s, len, what, adv_vline(c, v));
}

/* An array of strings into *out (arena). Bad elements are reported and
 * left out. Returns 0, or -1 when v is not an array at all. */
int adv_take_strlist(ctx *c, const toml_value *v, const char *what,
                        strlist *out)
{
	out->v = NULL;
	out->n = 0;
	if (toml_kind(v) != TOML_ARRAY) {
		adv_err(c, adv_vline(c, v), "%s must be an array of strings, not %s",
		    what, adv_kind_name(toml_kind(v)));
		return -1;
	}
	size_t n = toml_array_len(v);
	if (n > RECORD_LIST_MAX) {
		adv_err(c, adv_vline(c, v), "%s has %zu entries, more than the %u "
		    "allowed", what, n, (unsigned)RECORD_LIST_MAX);
		return -1;
	}
	if (n == 0)
		return 0;
	out->v = adv_alloc(c->a, n * sizeof(*out->v));
	if (!out->v) {
		adv_oom(c, adv_vline(c, v));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char name[96];
		snprintf(name, sizeof(name), "%.80s[%zu]", what, i);
		const char *s = adv_take_string(c, toml_array_at(v, i), name);
		if (s)
			out->v[out->n++] = s;
	}
	return 0;
}

int adv_in_set(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}
