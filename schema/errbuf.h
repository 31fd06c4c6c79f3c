/*
 * errbuf.h — the one way a message is written into a caller's buffer:
 * the `char *err, size_t errcap` out-parameter that modules on both
 * sides fill for their caller, and the fixed `msg[]` of the parsers'
 * error structs (toml_error, lock_error, binfmt_error, ...), libadvdb's
 * per-call and per-thread messages included.
 *
 * The message is printf-formatted into buf; it is always NUL-terminated
 * (when cap > 0); one longer than the buffer is cut at a character
 * boundary and ends with "...", so a reader knows it was cut; a format
 * that fails (vsnprintf < 0) leaves the fallback text, so a failure never
 * has an empty message. Nothing is written when buf is NULL or cap 0.
 * Escaping untrusted text is the caller's (escape.h): this only formats.
 */
#ifndef ADVDB_SCHEMA_ERRBUF_H
#define ADVDB_SCHEMA_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>

#define ERRBUF_FALLBACK "(unprintable message)"

/* fallback NULL: ERRBUF_FALLBACK. */
void errbuf_vset(char *buf, size_t cap, const char *fallback,
                 const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

void errbuf_set(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* errbuf_set, then -1: `return errbuf_fail(err, errcap, "...", ...);`. */
int errbuf_fail(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
