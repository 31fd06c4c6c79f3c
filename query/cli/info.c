/*
 * info.c — `advdb-query info [--json]`: what the index was compiled from
 * and when, its counts and digest, and the advisories the compile
 * skipped for errors (--keep-going), which make it incomplete. The age of
 * the source commit is shown so stale mirrors are noticed; --max-age
 * (checked in session_open) warns, and fails only with --max-age-strict.
 * A commit dated more than a day ahead of the clock is not "0 days ago":
 * it is shown and warned about as in the future (and fails
 * --max-age-strict).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "json.h"
#include "report.h"
#include "rfc3339.h"
#include "session.h"
#include "trust.h"

/* Walk the "name commit time\n" lines of info->sources. */
typedef struct src_line {
	char name[128], commit[41];
	int64_t time;
} src_line;

static int next_source(src_line *out, const char **p)
{
	while (**p) {
		const char *nl = strchr(*p, '\n');
		size_t len = nl ? (size_t)(nl - *p) : strlen(*p);
		char tmp[256];
		long long t = 0;
		int ok = 0;

		if (len < sizeof(tmp)) {
			memcpy(tmp, *p, len);
			tmp[len] = '\0';
			out->name[0] = out->commit[0] = '\0';
			ok = sscanf(tmp, "%127s %40s %lld", out->name, out->commit,
			            &t) >= 1;
			out->time = t;
		}
		*p += len + (nl ? 1 : 0);
		if (ok)
			return 1;
	}
	return 0;
}

/* The crates.io index behind yanked and outdated checks: 0, or an
 * advdb error other than "none". */
static int crates_json(json *j, const session *s)
{
	advdb_crates_info ci = ADVDB_CRATES_INFO_INIT;
	char t[RFC3339_MAX];
	int64_t days;

	json_key(j, "crates_index");
	int rc = advdb_crates_info_get(&ci, s->db);
	if (rc == ADVDB_ENOTFOUND) {
		json_str(j, NULL);
		return ADVDB_OK;
	}
	if (rc != ADVDB_OK) {
		json_str(j, NULL);
		return rc;
	}
	json_obj_begin(j);
	json_key(j, "kind");
	json_str(j, ci.commit_time ? "git" : "folder");
	json_key(j, "commit");
	json_str(j, ci.commit);
	json_key(j, "time");
	json_int(j, ci.commit_time);
	json_key(j, "date");
	rfc3339_format(t, ci.commit_time);
	json_str(j, t[0] ? t : NULL);
	source_age age = session_time_age(ci.commit_time, &days);
	json_key(j, "age_days");
	if (age == SOURCE_UNKNOWN)
		json_str(j, NULL);
	else
		json_int(j, age == SOURCE_FUTURE ? -days : days);
	json_key(j, "crates");
	json_uint(j, ci.crates);
	json_key(j, "versions");
	json_uint(j, ci.versions);
	json_key(j, "malformed");
	json_uint(j, ci.bad);
	json_obj_end(j);
	return ADVDB_OK;
}

static int crates_human(buf *out, const session *s)
{
	advdb_crates_info ci = ADVDB_CRATES_INFO_INIT;
	char t[RFC3339_MAX];
	int64_t days;

	int rc = advdb_crates_info_get(&ci, s->db);
	if (rc == ADVDB_ENOTFOUND) {
		buf_printf(out, "%-12s%s\n", "Crates:", "no crates.io index (yanked "
		           "and outdated checks need one: advdb-compile "
		           "--crates-index PATH)");
		return ADVDB_OK;
	}
	if (rc != ADVDB_OK)
		return rc;
	buf_printf(out, "%-12s%s %s", "Crates:", ci.commit_time ? "commit"
	           : "folder", ci.commit);
	rfc3339_format(t, ci.commit_time);
	source_age age = session_time_age(ci.commit_time, &days);
	if (t[0] && age == SOURCE_FUTURE)
		buf_printf(out, " %s (%" PRId64 " days in the future)", t, days);
	else if (t[0])
		buf_printf(out, " %s (%" PRId64 " days ago)", t, days);
	buf_printf(out, ", %" PRIu64 " crates, %" PRIu64 " versions",
	           ci.crates, ci.versions);
	if (ci.bad)
		buf_printf(out, ", %" PRIu64 " malformed lines or files left out",
		           ci.bad);
	buf_putc(out, '\n');
	return ADVDB_OK;
}

int info_json(buf *out, const session *s)
{
	const advdb_info *in = &s->info;
	char t[RFC3339_MAX];
	const char *p = in->sources;
	src_line sl;
	json j;

	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "schema_version");
	json_uint(&j, in->schema_version);
	json_key(&j, "source_commit");
	json_str(&j, in->source_commit[0] ? in->source_commit : NULL);
	json_key(&j, "source_time");
	json_int(&j, in->source_time);
	json_key(&j, "source_date");
	rfc3339_format(t, in->source_time);
	json_str(&j, t[0] ? t : NULL);
	int64_t days;
	source_age age = session_source_age(in, &days);
	json_key(&j, "age_days");       /* negative: days in the future */
	if (age == SOURCE_UNKNOWN)
		json_str(&j, NULL);
	else
		json_int(&j, age == SOURCE_FUTURE ? -days : days);
	json_key(&j, "future");
	json_bool(&j, age == SOURCE_FUTURE);
	json_key(&j, "sources");
	json_arr_begin(&j);
	while (next_source(&sl, &p)) {
		json_obj_begin(&j);
		json_key(&j, "name");
		json_str(&j, sl.name);
		json_key(&j, "commit");
		json_str(&j, sl.commit[0] ? sl.commit : NULL);
		json_key(&j, "time");
		json_int(&j, sl.time);
		json_key(&j, "kind");       /* time 0: a folder and its digest */
		json_str(&j, sl.time ? "git" : "folder");
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "compile_time");
	json_int(&j, in->compile_time);
	json_key(&j, "advisory_count");
	json_uint(&j, in->advisory_count);
	json_key(&j, "package_count");
	json_uint(&j, in->package_count);
	json_key(&j, "digest");
	json_str(&j, in->digest);
	json_key(&j, "history");
	json_bool(&j, in->history);
	json_key(&j, "skipped_count");
	json_uint(&j, in->skipped_count);
	json_key(&j, "skipped");
	json_arr_begin(&j);
	int rc = ADVDB_OK;
	advdb_skipped sk = ADVDB_SKIPPED_INIT;
	for (size_t i = 0; in->skipped_count &&
	     (rc = advdb_skipped_get(&sk, s->db, i)) == ADVDB_OK; i++) {
		json_obj_begin(&j);
		json_key(&j, "source");
		json_str(&j, sk.source);
		json_key(&j, "path");
		json_str(&j, sk.path);
		json_key(&j, "line");
		if (sk.line)
			json_uint(&j, sk.line);
		else
			json_str(&j, NULL);
		json_key(&j, "id");
		json_str(&j, sk.id[0] ? sk.id : NULL);
		json_key(&j, "error");
		json_str(&j, sk.message);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	session_json_incomplete(&j, s);
	int crc = crates_json(&j, s);
	trust_info_json(&j, s->sig, s->path);
	json_obj_end(&j);
	buf_putc(out, '\n');
	if (rc == ADVDB_ENOTFOUND || rc == ADVDB_OK)
		rc = crc;
	return rc;
}

static int info_human(buf *out, const session *s)
{
	const advdb_info *in = &s->info;
	char t[RFC3339_MAX];
	const char *p = in->sources;
	src_line sl;

	buf_printf(out, "%-12s%u\n", "Schema:", in->schema_version);
	buf_printf(out, "%-12s", "Commit:");
	report_text(out, in->source_commit[0] ? in->source_commit : "unknown",
	            0);
	buf_putc(out, '\n');
	rfc3339_format(t, in->source_time);
	int64_t days;
	source_age age = session_source_age(in, &days);
	if (t[0] && age == SOURCE_FUTURE)
		buf_printf(out, "%-12s%s (%" PRId64 " days in the future: the "
		           "clock or the repository is wrong)\n", "Committed:", t,
		           days);
	else if (t[0])
		buf_printf(out, "%-12s%s (%" PRId64 " days ago)\n",
		           "Committed:", t, days);
	while (next_source(&sl, &p)) {
		buf_printf(out, "%-12s", "Source:");
		report_text(out, sl.name, 0);
		buf_putc(out, ' ');
		if (sl.time == 0)           /* a plain folder: content digest */
			buf_printf(out, "folder ");
		report_text(out, sl.commit, 0);
		rfc3339_format(t, sl.time);
		if (t[0])
			buf_printf(out, " %s", t);
		buf_putc(out, '\n');
	}
	buf_printf(out, "%-12s%" PRIu64 "\n", "Advisories:", in->advisory_count);
	buf_printf(out, "%-12s%" PRIu64 "\n", "Packages:", in->package_count);
	rfc3339_format(t, in->compile_time);
	buf_printf(out, "%-12s%s\n", "Compiled:", t[0] ? t : "unknown");
	buf_printf(out, "%-12s", "Digest:");
	report_text(out, in->digest, 0);
	buf_putc(out, '\n');
	buf_printf(out, "%-12s%s\n", "History:", in->history ? "yes" : "no");
	int crc = crates_human(out, s);
	if (crc != ADVDB_OK)
		return crc;
	trust_info_human(out, s->sig, s->path);
	if (!in->skipped_count) {
		buf_printf(out, "%-12s%s\n", "Skipped:", "none (the index is "
		           "complete)");
		return ADVDB_OK;
	}
	buf_printf(out, "%-12s%" PRIu64 " advisor%s: THE INDEX IS INCOMPLETE "
	           "(compiled with --keep-going; a package may read as clean "
	           "only because its advisory is missing)\n", "Skipped:",
	           in->skipped_count, in->skipped_count == 1 ? "y" : "ies");
	int rc;
	size_t i;
	advdb_skipped sk = ADVDB_SKIPPED_INIT;
	for (i = 0; (rc = advdb_skipped_get(&sk, s->db, i)) == ADVDB_OK; i++) {
		buf_puts(out, "  ");
		report_text(out, sk.source, 0);
		buf_putc(out, ' ');
		report_text(out, sk.path, 0);
		if (sk.line)
			buf_printf(out, ":%u", sk.line);
		buf_puts(out, ": ");
		if (sk.id[0]) {
			report_text(out, sk.id, 0);
			buf_puts(out, ": ");
		}
		report_text(out, sk.message, 0);
		buf_putc(out, '\n');
	}
	if (rc == ADVDB_ENOTFOUND && i < in->skipped_count)
		buf_printf(out, "  ... and %" PRIu64 " more (not listed)\n",
		           in->skipped_count - i);
	return rc == ADVDB_ENOTFOUND ? ADVDB_OK : rc;
}

int cmd_info(const cli_opts *o)
{
	session s;
	buf out = BUF_INIT;
	int status = EXIT_CLEAN;

	if (o->nargs) {
		cli_error("info: takes no operands");
		return EXIT_ERROR;
	}
	if (session_open(&s, o, 0) != EXIT_CLEAN)
		return EXIT_ERROR;
	int64_t days;
	if (o->max_age_days < 0 &&      /* else session_open said it */
	    session_source_age(&s.info, &days) == SOURCE_FUTURE)
		session_warn_future(days);
	int rc = o->json ? info_json(&out, &s) : info_human(&out, &s);
	if (rc != ADVDB_OK) {
		cli_error("%s", advdb_last_error(s.db));
		status = EXIT_ERROR;
	} else if (buf_write(&out, stdout) < 0 || fflush(stdout) != 0) {
		cli_error("cannot write the info");
		status = EXIT_ERROR;
	}
	buf_free(&out);
	session_close(&s);
	return status;
}
