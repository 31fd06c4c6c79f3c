/*
 * limit.c — the one wording of a refused id or alias (limit.h), so
 * that a RustSec advisory, an OSV file and the writer's own backstop
 * say the same thing about the same value.
 */
#include "limit.h"

#include <stdio.h>
#include <string.h>

#define QUOTE_MAX 80   /* bytes of the refused value shown */

int limit_id_check(const char *what, const char *s, char *msg, size_t cap)
{
	size_t n = s ? strlen(s) : 0;

	if (n >= 1 && n <= ADV_ID_MAX)
		return 0;
	if (n == 0)
		snprintf(msg, cap, "empty %s", what);
	else
		snprintf(msg, cap, "%s \"%.*s%s\" longer than %d bytes", what,
		         (int)(n > QUOTE_MAX ? QUOTE_MAX : n), s,
		         n > QUOTE_MAX ? "..." : "", ADV_ID_MAX);
	return -1;
}
