/*
 * export.c — `advdb-query export-osv DIR`: every advisory of the crates
 * collection as an OSV JSON file DIR/<ID>.json, in the shape of RustSec's
 * own OSV export (the advisory-db `osv` branch): same keys, the vulnerable
 * ranges as SEMVER events, reference kinds guessed from the URL the way
 * rustsec does, withdrawn advisories kept with their `withdrawn` time.
 *
 * `modified` is the advisory's last commit time when the index recorded
 * history, else the source commit's time (an upper bound).
 *
 * Ids come from the index and are treated as hostile: only ids made of
 * [A-Za-z0-9._-], not starting with '.', become file names; others are an
 * error. Each file is written beside its name and renamed into place;
 * the temporary name is created O_EXCL|O_NOFOLLOW, so a symlink planted
 * in DIR never redirects a write, and the rename replaces a symlink at
 * the final name rather than writing through it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "export.h"
#include "json.h"
#include "session.h"

void export_rfc3339(char out[32], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm) ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

/* A YYYY-MM-DD date at noon UTC, as rustsec publishes it. */
static void noon(json *j, const char *date)
{
	char t[40];

	if (!date || strlen(date) != 10) {
		json_str(j, date);
		return;
	}
	snprintf(t, sizeof(t), "%sT12:00:00Z", date);
	json_str(j, t);
}

static const char *url_kind(const char *u)
{
	if ((strstr(u, "://github.com/") || strstr(u, "://gitlab.")) &&
	    strstr(u, "/issues/"))
		return "REPORT";
	if (strstr(u, "/advisories/") || strstr(u, "://www.cve.org/") ||
	    strstr(u, "://cve.mitre.org/"))
		return "ADVISORY";
	if (strstr(u, "://crates.io/crates/"))
		return "PACKAGE";
	return "WEB";
}

static void reference(json *j, const char *kind, const char *url)
{
	json_obj_begin(j);
	json_key(j, "type");
	json_str(j, kind ? kind : url_kind(url));
	json_key(j, "url");
	json_str(j, url);
	json_obj_end(j);
}

static void strlist(json *j, const advdb_advisory *a, advdb_list l)
{
	size_t n = advdb_advisory_list_len(a, l);

	json_arr_begin(j);
	for (size_t i = 0; i < n; i++)
		json_str(j, advdb_advisory_list_at(a, l, i));
	json_arr_end(j);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Affected function paths in byte order (rustsec keeps them in a sorted
 * map). Without memory for sorting they keep the index's order. */
static void function_paths(json *j, const advdb_advisory *a)
{
	size_t n = advdb_advisory_function_count(a), k = 0;
	const char **v = n ? malloc(n * sizeof(*v)) : NULL;

	json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		const char *const *reqs;
		size_t nr;
		const char *path = advdb_advisory_function(a, i, &nr, &reqs);
		if (!path)
			continue;
		if (v)
			v[k++] = path;
		else
			json_str(j, path);
	}
	if (v) {
		qsort(v, k, sizeof(*v), cmp_str);
		for (size_t i = 0; i < k; i++)
			json_str(j, v[i]);
		free(v);
	}
	json_arr_end(j);
}

void export_osv_modified(char out[32], const advdb_advisory *a,
                         int64_t fallback)
{
	int64_t mod = advdb_advisory_modified(a);
	const char *date = advdb_advisory_field(a, ADVDB_F_DATE);

	export_rfc3339(out, mod ? mod : fallback);
	if (!out[0] && date && strlen(date) == 10)
		snprintf(out, 32, "%sT12:00:00Z", date);
}

void export_osv_record(buf *out, const advdb_advisory *a, int64_t fallback)
{
	const char *id = advdb_advisory_field(a, ADVDB_F_ID);
	const char *pkg = advdb_advisory_field(a, ADVDB_F_PACKAGE);
	const char *cvss = advdb_advisory_field(a, ADVDB_F_CVSS);
	const char *wd = advdb_advisory_field(a, ADVDB_F_WITHDRAWN);
	const char *url = advdb_advisory_field(a, ADVDB_F_URL);
	const char *lic = advdb_advisory_field(a, ADVDB_F_LICENSE);
	char t[32], link[512];
	json j;

	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "id");
	json_str(&j, id);
	json_key(&j, "modified");
	export_osv_modified(t, a, fallback);
	if (t[0])
		json_str(&j, t);
	else
		noon(&j, advdb_advisory_field(a, ADVDB_F_DATE));
	json_key(&j, "published");
	noon(&j, advdb_advisory_field(a, ADVDB_F_DATE));
	if (wd) {
		json_key(&j, "withdrawn");
		noon(&j, wd);
	}
	json_key(&j, "aliases");
	strlist(&j, a, ADVDB_L_ALIASES);
	json_key(&j, "related");
	strlist(&j, a, ADVDB_L_RELATED);
	json_key(&j, "summary");
	json_str(&j, advdb_advisory_field(a, ADVDB_F_TITLE));
	json_key(&j, "details");
	json_str(&j, advdb_advisory_field(a, ADVDB_F_DESCRIPTION));
	json_key(&j, "severity");
	json_arr_begin(&j);
	if (cvss) {
		json_obj_begin(&j);
		json_key(&j, "type");
		json_str(&j, strncmp(cvss, "CVSS:4", 6) == 0 ? "CVSS_V4"
		                                            : "CVSS_V3");
		json_key(&j, "score");
		json_str(&j, cvss);
		json_obj_end(&j);
	}
	json_arr_end(&j);

	json_key(&j, "affected");
	json_arr_begin(&j);
	json_obj_begin(&j);
	json_key(&j, "package");
	json_obj_begin(&j);
	json_key(&j, "ecosystem");
	json_str(&j, "crates.io");
	json_key(&j, "name");
	json_str(&j, pkg);
	json_key(&j, "purl");
	snprintf(link, sizeof(link), "pkg:cargo/%s", pkg ? pkg : "");
	json_str(&j, link);
	json_obj_end(&j);
	json_key(&j, "ecosystem_specific");
	json_obj_begin(&j);
	json_key(&j, "affects");
	json_obj_begin(&j);
	json_key(&j, "arch");
	strlist(&j, a, ADVDB_L_ARCH);
	json_key(&j, "os");
	strlist(&j, a, ADVDB_L_OS);
	json_key(&j, "functions");
	function_paths(&j, a);
	json_obj_end(&j);
	json_key(&j, "affected_functions");
	json_null(&j);
	json_obj_end(&j);
	json_key(&j, "database_specific");
	json_obj_begin(&j);
	json_key(&j, "categories");
	strlist(&j, a, ADVDB_L_CATEGORIES);
	json_key(&j, "cvss");
	json_str(&j, cvss);
	json_key(&j, "informational");
	json_str(&j, advdb_advisory_field(a, ADVDB_F_INFORMATIONAL));
	json_obj_end(&j);
	json_key(&j, "ranges");
	json_arr_begin(&j);
	json_obj_begin(&j);
	json_key(&j, "type");
	json_str(&j, "SEMVER");
	json_key(&j, "events");
	json_arr_begin(&j);
	for (size_t i = 0; i < advdb_advisory_range_count(a); i++) {
		const char *in = NULL, *fx = NULL;
		if (advdb_advisory_range(&in, &fx, a, i) != ADVDB_OK)
			continue;
		json_obj_begin(&j);
		json_key(&j, "introduced");
		json_str(&j, in ? in : "0.0.0-0");
		json_obj_end(&j);
		if (fx) {
			json_obj_begin(&j);
			json_key(&j, "fixed");
			json_str(&j, fx);
			json_obj_end(&j);
		}
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_arr_end(&j);
	json_key(&j, "versions");
	json_arr_begin(&j);
	json_arr_end(&j);
	json_obj_end(&j);
	json_arr_end(&j);

	json_key(&j, "references");
	json_arr_begin(&j);
	snprintf(link, sizeof(link), "https://crates.io/crates/%s",
	         pkg ? pkg : "");
	reference(&j, "PACKAGE", link);
	snprintf(link, sizeof(link), "https://rustsec.org/advisories/%s.html",
	         id ? id : "");
	reference(&j, "ADVISORY", link);
	if (url)
		reference(&j, NULL, url);
	for (size_t i = 0; i < advdb_advisory_list_len(a, ADVDB_L_REFERENCES);
	     i++)
		reference(&j, NULL,
		          advdb_advisory_list_at(a, ADVDB_L_REFERENCES, i));
	json_arr_end(&j);
	json_key(&j, "database_specific");
	json_obj_begin(&j);
	json_key(&j, "license");
	json_str(&j, lic ? lic : "CC0-1.0");
	json_obj_end(&j);
	json_obj_end(&j);
}

static int safe_name(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n >= ADVDB_ID_MAX || id[0] == '.')
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		      *p == '.'))
			return 0;
	return 1;
}

static int write_file(const char *dir, const char *id, const buf *b)
{
	char path[4096], tmp[4200];
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s.json", dir, id) >=
	        (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		cli_error("%s/%s.json: path too long", dir, id);
		return -1;
	}
	/* DIR may be shared: a symlink planted at the temporary name must
	 * not make us write through it. Remove whatever is there (unlink
	 * never follows), then create afresh, refusing to follow. */
	(void)unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	              0644);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		cli_error("%s: %s", tmp, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	int bad = buf_write(b, f) < 0;
	if (fclose(f) != 0 || bad) {
		cli_error("%s: write failed", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		cli_error("%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int cmd_export_osv(const cli_opts *o)
{
	session s;
	advdb_iter *it = NULL;
	buf out = BUF_INIT;
	const char *dir, *id;
	size_t written = 0, failed = 0;
	int status = EXIT_CLEAN, rc;

	if (o->nargs != 1) {
		cli_error("export-osv: expected one output folder");
		return EXIT_ERROR;
	}
	dir = o->args[0];
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		cli_error("%s: %s", dir, strerror(errno));
		return EXIT_ERROR;
	}
	if (session_open(&s, o, 0) != EXIT_CLEAN)
		return EXIT_ERROR;
	int incomplete = session_warn_incomplete(&s);
	rc = advdb_advisories_iter(&it, s.db);
	while (rc == ADVDB_OK && (rc = advdb_iter_next(&id, it)) == ADVDB_OK) {
		advdb_advisory *a = NULL;
		char idcopy[ADVDB_ID_MAX];

		if (!safe_name(id)) {
			cli_error("advisory id unfit for a file name, skipped");
			failed++;
			continue;
		}
		memcpy(idcopy, id, strlen(id) + 1);
		if (advdb_advisory_get(&a, s.db, idcopy) != ADVDB_OK) {
			/* a damaged record: name it, export the others */
			cli_error("export-osv: %s: %s", idcopy,
			          advdb_last_error(s.db));
			failed++;
			continue;
		}
		const char *col = advdb_advisory_field(a, ADVDB_F_COLLECTION);
		if (!col || strcmp(col, "crates") == 0) {
			buf_reset(&out);
			export_osv_record(&out, a, s.info.source_time);
			buf_putc(&out, '\n');
			if (write_file(dir, idcopy, &out) < 0)
				failed++;
			else
				written++;
		}
		advdb_advisory_free(a);
	}
	if (rc != ADVDB_ENOTFOUND) {
		cli_error("export-osv: %s: the rest of the index cannot be "
		          "listed", advdb_last_error(s.db));
		status = EXIT_ERROR;
	}
	if (failed) {
		cli_error("export-osv: %zu advisories written to %s, %zu could "
		          "not be (above): the export is incomplete", written,
		          dir, failed);
		status = EXIT_ERROR;
	} else if (status == EXIT_CLEAN) {
		fprintf(stderr, "advdb-query: %zu advisories written to %s\n",
		        written, dir);
	}
	if (incomplete)
		status = EXIT_ERROR;
	advdb_iter_free(it);
	buf_free(&out);
	session_close(&s);
	return status;
}
