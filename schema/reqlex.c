/*
 * reqlex.c — see reqlex.h. No state, no allocation.
 */
#include "reqlex.h"

#include <stdarg.h>
#include <stdio.h>

#include "errbuf.h"
#include "escape.h"

int reqlex_fail(char *err, size_t errcap, const char *s, size_t len,
                const char *fmt, ...)
{
	char q[REQLEX_QUOTE_MAX + 4], msg[160];
	va_list ap;

	if (!err || errcap == 0)
		return -1;
	escape_text(q, sizeof q, s ? s : "", s ? len : 0, 0);
	va_start(ap, fmt);
	errbuf_vset(msg, sizeof msg, NULL, fmt, ap);
	va_end(ap);
	errbuf_set(err, errcap, "%s in requirement \"%s\"", msg, q);
	return -1;
}

reqlex_op reqlex_op_at(const char *s, size_t len, size_t *i)
{
	size_t k = *i;
	int eq = k + 1 < len && s[k + 1] == '=';

	if (k >= len)
		return REQLEX_NONE;
	switch (s[k]) {
	case '=': *i = k + 1; return REQLEX_EQ;
	case '^': *i = k + 1; return REQLEX_CARET;
	case '~': *i = k + 1; return REQLEX_TILDE;
	case '>': *i = k + 1 + eq; return eq ? REQLEX_GE : REQLEX_GT;
	case '<': *i = k + 1 + eq; return eq ? REQLEX_LE : REQLEX_LT;
	default: return REQLEX_NONE;
	}
}

size_t reqlex_token_end(const char *s, size_t len, size_t t)
{
	while (t < len && s[t] != ' ' && s[t] != ',')
		t++;
	return t;
}

int reqlex_wild_part(const char *s, size_t t, size_t e, size_t k)
{
	return reqlex_is_wild(s[k]) && (k == t || s[k - 1] == '.') &&
	       (k + 1 == e || s[k + 1] == '.');
}
