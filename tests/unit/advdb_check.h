/*
 * advdb_check.h — cmocka assertions for libadvdb calls that say why, as
 * libgit2's cl_git_pass(): a failing check prints the call, the code it
 * returned and the one wanted, by name, and the library's message, e.g.
 *
 *   test_advdb.c:342: advdb_lookup(m, 4, &n, f->h, "alpha", "1.x", NULL)
 *     returned -6 ADVDB_EVERSION (not a semver version), want 0 ADVDB_OK:
 *     bad version "1.x": ...
 *
 * instead of `0xfffffffffffffffa != 0`. Include after <cmocka.h>.
 *
 *   advdb_pass(db, call)           call returns ADVDB_OK; the message is
 *                                  advdb_last_error(db) (db may be NULL)
 *   advdb_expect(db, call, want)   call returns want
 *   advdb_pass_msg(msg, call)      the message is the string msg, read
 *   advdb_expect_msg(msg, call, w) after the call: advdb_open's errbuf,
 *                                  an advdb_error_info's .message
 *
 * The report goes through cmocka's _assert_true, so it lands in the TAP
 * output under the `not ok` line, with the test's file and line, where
 * tests/run.sh shows it.
 */
#ifndef ADVDB_TEST_CHECK_H
#define ADVDB_TEST_CHECK_H

#include <stdio.h>
#include "advdb.h"

static inline const char *advdb_code_name_(int code)
{
	switch (code) {
	case ADVDB_OK:        return "ADVDB_OK";
	case ADVDB_ERROR:     return "ADVDB_ERROR";
	case ADVDB_ENOTFOUND: return "ADVDB_ENOTFOUND";
	case ADVDB_ECORRUPT:  return "ADVDB_ECORRUPT";
	case ADVDB_ESCHEMA:   return "ADVDB_ESCHEMA";
	case ADVDB_ENOTDB:    return "ADVDB_ENOTDB";
	case ADVDB_EVERSION:  return "ADVDB_EVERSION";
	case ADVDB_EINVAL:    return "ADVDB_EINVAL";
	case ADVDB_ENOMEM:    return "ADVDB_ENOMEM";
	case ADVDB_EBUFS:     return "ADVDB_EBUFS";
	case ADVDB_ESIGNATURE: return "ADVDB_ESIGNATURE";
	case ADVDB_EKEY:      return "ADVDB_EKEY";
	case ADVDB_EINPUT:    return "ADVDB_EINPUT";
	case ADVDB_ENODATA:   return "ADVDB_ENODATA";
	default:              return "(not an advdb code)";
	}
}

static inline void advdb_check_(int rc, int want, const char *msg,
                                const char *expr, const char *file,
                                int line)
{
	char text[1400];

	if (rc == want)
		return;
	snprintf(text, sizeof text, "%s\n  returned %d %s (%s), want %d %s:"
	         "\n  %s", expr, rc, advdb_code_name_(rc), advdb_strerror(rc),
	         want, advdb_code_name_(want),
	         msg && msg[0] ? msg : "(no message)");
	_assert_true(0, text, file, line);
}

#define advdb_expect_msg(msg, call, want) do { \
		int advdb_rc_ = (call); \
		advdb_check_(advdb_rc_, (want), (msg), #call, __FILE__, \
		             __LINE__); \
	} while (0)
#define advdb_pass_msg(msg, call) advdb_expect_msg(msg, call, ADVDB_OK)
#define advdb_expect(db, call, want) \
	advdb_expect_msg((db) ? advdb_last_error(db) : "", call, want)
#define advdb_pass(db, call) advdb_expect(db, call, ADVDB_OK)

#endif
