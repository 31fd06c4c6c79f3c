/*
 * error.c — how libadvdb reports a failure: the codes' texts, the
 * caller's advdb_error_info (the _ex calls), and the handle's message for
 * advdb_last_error() (the calls without one).
 *
 * Nothing here is per thread: a message belongs either to the call (err)
 * or to the handle. The handle's message is written under db->lock, so
 * two failing calls never mix their bytes; reading it while another
 * thread fails on the same handle is the caller's race, which advdb.h
 * tells threaded callers to avoid by passing err.
 *
 * Invariant: after a failure the message is never empty (the code's own
 * text stands in when formatting fails).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "auditable.h"
#include "db_internal.h"
#include "errbuf.h"

const char *advdb_strerror(int code)
{
	switch (code) {
	case ADVDB_OK:        return "success";
	case ADVDB_ERROR:     return "error";
	case ADVDB_ENOTFOUND: return "not found";
	case ADVDB_ECORRUPT:  return "damaged index or record";
	case ADVDB_ESCHEMA:   return "index written with another schema version";
	case ADVDB_ENOTDB:    return "not an advdb index";
	case ADVDB_EVERSION:  return "not a semver version";
	case ADVDB_EINVAL:    return "invalid argument";
	case ADVDB_ENOMEM:    return "out of memory";
	case ADVDB_EBUFS:     return "more matches than the array holds";
	case ADVDB_ESIGNATURE: return "index signature missing or not valid";
	case ADVDB_EKEY:      return "unusable public key file";
	case ADVDB_EINPUT:    return "not a readable lockfile or binary";
	case ADVDB_ENODATA:   return AUDITABLE_NO_DATA;
	default:              return "unknown error";
	}
}

int advdb_error_info_init(advdb_error_info *err, unsigned version)
{
	return struct_init(err, sizeof *err, version, ADVDB_ERROR_INFO_VERSION);
}

/* errbuf's formatting (cut with "...", the code's text when formatting
 * fails), and the code's text for an empty message too. */
static void format(char *dst, size_t cap, int code, const char *fmt,
                   va_list ap)
{
	errbuf_vset(dst, cap, advdb_strerror(code), fmt, ap);
	if (dst[0] == '\0')
		errbuf_set(dst, cap, "%s", advdb_strerror(code));
}

int err_fail(advdb_error_info *err, int code, unsigned line,
             const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	err->line = line;
	va_start(ap, fmt);
	format(err->message, sizeof err->message, code, fmt, ap);
	va_end(ap);
	return code;
}

int buf_fail(char *buf, size_t cap, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(buf, cap, advdb_strerror(code), fmt, ap);
	va_end(ap);
	return code;
}

int db_fail(struct advdb *db, advdb_error_info *err, int code,
            const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (err) {
		err->code = code;
		err->line = 0;
		format(err->message, sizeof err->message, code, fmt, ap);
	} else if (db) {
		/* The last byte is never written (it stays the NUL calloc
		 * made), so a reader racing this write (see above) still
		 * meets a NUL inside the buffer. */
		pthread_mutex_lock(&db->lock);
		format(db->msg, sizeof db->msg - 1, code, fmt, ap);
		pthread_mutex_unlock(&db->lock);
	}
	va_end(ap);
	return code;
}

int struct_out(struct advdb *db, advdb_error_info *err, const char *who,
               void *out, size_t size, unsigned known, const char *type,
               const char *init)
{
	if (!out)
		return db_fail(db, err, ADVDB_EINVAL, "%s: NULL argument", who);
	if (*(const unsigned *)out != known)
		return db_fail(db, err, ADVDB_EINVAL, "%s: %s version %u (this "
		               "library knows %u: use %s)", who, type,
		               *(const unsigned *)out, known, init);
	return struct_init(out, size, known, known);
}

int err_check(struct advdb *db, const advdb_error_info *err,
              const char *who)
{
	if (err && err->version != ADVDB_ERROR_INFO_VERSION)
		/* never written into: its layout is unknown */
		return db_fail(db, NULL, ADVDB_EINVAL, "%s: advdb_error_info "
		               "version %u (this library knows %d)", who,
		               err->version, ADVDB_ERROR_INFO_VERSION);
	if (!db)
		return err_fail((advdb_error_info *)err, ADVDB_EINVAL, 0,
		                "%s: no database handle", who);
	return ADVDB_OK;
}

const char *advdb_last_error(const advdb *db)
{
	return db ? db->msg : "no database handle";
}
