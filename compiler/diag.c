/*
 * diag.c — see diag.h. Messages are formatted once, into exact-size
 * allocations; the list grows by doubling.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void diag_init(diag_list *d)
{
	memset(d, 0, sizeof(*d));
}

void diag_free(diag_list *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].text);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void diag_add(diag_list *d, diag_level level, const char *path,
              unsigned line, const char *fmt, ...)
{
	char msg[DIAG_MSG_MAX];
	va_list ap;
	int n;

	if (level == DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (d->n >= DIAG_KEEP_MAX) {
		d->dropped++;
		return;
	}
	va_start(ap, fmt);
	errbuf_vset(msg, sizeof(msg), NULL, fmt, ap);
	va_end(ap);

	if (!path)
		path = "-";
	size_t need = strlen(path) + strlen(msg) + 16;   /* ":%u: " fits */
	char *text = malloc(need);
	if (!text) {
		d->dropped++;
		return;
	}
	if (line)
		n = snprintf(text, need, "%s:%u: %s", path, line, msg);
	else
		n = snprintf(text, need, "%s: %s", path, msg);
	if (n < 0 || (size_t)n >= need || (size_t)n < strlen(msg)) {
		free(text);
		d->dropped++;
		return;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		diag_entry *v = realloc(d->v, cap * sizeof(*v));
		if (!v) {
			free(text);
			d->dropped++;
			return;
		}
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n].level = level;
	d->v[d->n].text = text;
	d->v[d->n].line = line;
	d->v[d->n].msg = (size_t)n - strlen(msg);
	d->n++;
}

void diag_demote(diag_list *d, size_t n0, size_t e0)
{
	size_t moved = d->errors - e0;

	for (size_t i = n0; i < d->n; i++)
		d->v[i].level = DIAG_WARNING;
	d->errors = e0;
	d->warnings += moved;
}

const diag_entry *diag_first_error(const diag_list *d, size_t n0)
{
	for (size_t i = n0; i < d->n; i++)
		if (d->v[i].level == DIAG_ERROR)
			return &d->v[i];
	return NULL;
}
