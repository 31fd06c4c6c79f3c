/*
 * export.c — `advdb-query export-osv DIR`: every advisory of the crates
 * collection as an OSV JSON file DIR/<ID>.json, in the shape of RustSec's
 * own OSV export (the advisory-db `osv` branch). Each file is one object
 * of osvout.h (the mapping is schema/osvmap.h's): this file owns only the
 * walk over the index and the files.
 *
 * `modified` is the advisory's last commit time when the index recorded
 * history, else the source commit's time (an upper bound).
 *
 * Ids come from the index and are treated as hostile: only ids of
 * osvmap_id_ok ([A-Za-z0-9._-], not starting with '.') become file names;
 * others are an error. Each file is written beside its name and renamed into place;
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
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "json.h"
#include "osvmap.h"
#include "osvout.h"
#include "reader.h"
#include "session.h"

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

		if (strlen(id) >= ADVDB_ID_MAX || !osvmap_id_ok(id)) {
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
		const adv_record *r = reader_advisory_record(a);
		if (r->collection == ADV_CRATES) {
			json j;
			buf_reset(&out);
			json_init(&j, &out);
			osvout_advisory(&j, r, s.info.source_time);
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
