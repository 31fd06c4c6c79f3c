/*
 * writer_install.c — writer_install(): put an index compiled elsewhere in
 * place of the writer's target (advdb-compile --install).
 *
 * Why: copying a new index over the live file (cp) rewrites the pages
 * under every reader that has the file mapped, which kills them with
 * SIGBUS. Installing replaces the file the way a compile does: a copy
 * beside the target under a unique temporary name, synced, then renamed
 * over it with the old file's mode and owner (dbfile.h), so readers see
 * the old index or the new one and a reader holding the old one keeps it.
 *
 * What is installed is checked whole first, through libadvdb's reader
 * (writer_load.c): every page, every advisory block and record (ids in
 * order), every hot record and alias block, and the records must give
 * the content digest and the count that the index's meta names. The copy
 * is checked again before the rename, so what is renamed is what was
 * checked, even if SRC changed meanwhile.
 */
#include "writer_int.h"
#include "layout.h"
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Read the index at path whole (see above). 0 with the digest and the
 * counts, or -1 with err naming path. The writer holds the records only
 * for the digest: it is emptied again either way.
 */
static int check_index(writer *w, const char *path, char digest[41],
                       writer_stats *st, char *err, size_t errcap)
{
	advdb *db = NULL;
	char msg[512], *text = NULL, *pk = NULL, hex[41];
	size_t len, n;
	entry **live = NULL;
	uint64_t count;
	int rc = -1;

	if (advdb_open(&db, path, 0, msg, sizeof(msg)) != ADVDB_OK) {
		errbuf_set(err, errcap, "%s", msg);
		return -1;
	}
	if (wr_load_index(w, db, path, NULL, NULL, err, errcap) < 0)
		goto done;
	if (reader_check_lookups(db) != ADVDB_OK) {
		errbuf_set(err, errcap, "%s", advdb_last_error(db));
		goto done;
	}
	n = w->n;                   /* all alive, in id order (checked) */
	live = malloc((n ? n : 1) * sizeof(*live));
	if (!live) {
		errbuf_set(err, errcap, "%s: out of memory", path);
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		live[i] = &w->v[i];
	if (wr_digest(hex, live, n) < 0) {
		errbuf_set(err, errcap, "%s: cannot compute the digest", path);
		goto done;
	}
	if (reader_meta(&text, &len, db, META_DIGEST) != ADVDB_OK ||
	    strcmp(text, hex) != 0) {
		errbuf_set(err, errcap, "%s: damaged index: its records do not "
		          "give the digest its meta `%s` names", path, META_DIGEST);
		goto done;
	}
	free(text);
	text = NULL;
	if (reader_meta(&text, &len, db, META_N_ADVISORIES) != ADVDB_OK ||
	    wr_parse_u64(text, &count) < 0 || count != n ||
	    reader_meta(&pk, &len, db, META_N_PACKAGES) != ADVDB_OK ||
	    wr_parse_u64(pk, &count) < 0) {
		errbuf_set(err, errcap, "%s: damaged index: meta `%s` or `%s` "
		          "disagrees with its records", path, META_N_ADVISORIES,
		          META_N_PACKAGES);
		goto done;
	}
	memcpy(digest, hex, sizeof(hex));
	if (st) {
		st->advisories = n;
		st->packages = (size_t)count;
	}
	rc = 0;
done:
	free(live);
	free(text);
	free(pk);
	advdb_close(db);
	wr_drop_all(w);
	return rc;
}

/* Copy the file at src into the writer's temporary file. */
static int copy_into(writer *w, const char *src, char *err, size_t errcap)
{
	char buf[1 << 16];
	int in = open(src, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (in < 0) {
		errbuf_set(err, errcap, "%s: %s", src, strerror(errno));
		return -1;
	}
	while ((r = read(in, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			errbuf_set(err, errcap, "%s: %s", src, strerror(errno));
			close(in);
			return -1;
		}
		for (ssize_t o = 0; o < r;) {
			ssize_t k = write(w->file.fd, buf + o, (size_t)(r - o));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				dbfile_write_error(&w->file, k < 0 ? errno : EIO, err,
				                   errcap);
				close(in);
				return -1;
			}
			o += k;
		}
	}
	close(in);
	return 0;
}

int writer_install(writer *w, const char *src, writer_stats *st,
                   char *err, size_t errcap)
{
	char digest[41], again[41];
	char msg[768];
	struct stat sb;

	if (st)
		memset(st, 0, sizeof(*st));
	if (w->finished || w->n || w->have_prev) {
		errbuf_set(err, errcap, "%s: install needs a fresh writer",
		          w->file.path);
		return -1;
	}
	w->finished = 1;
	if (check_index(w, src, digest, st, err, errcap) < 0 ||
	    dbfile_create(&w->file, err, errcap) < 0 ||
	    copy_into(w, src, err, errcap) < 0)
		return -1;
	if (check_index(w, w->file.tmp, again, NULL, msg, sizeof(msg)) < 0 ||
	    strcmp(digest, again) != 0) {
		errbuf_set(err, errcap, "%s: changed while it was copied; nothing "
		          "installed", src);
		return -1;
	}
	if (fstat(w->file.fd, &sb) < 0) {
		errbuf_set(err, errcap, "%s: %s", w->file.tmp, strerror(errno));
		return -1;
	}
	if (wr_put_in_place(w, st, err, errcap) < 0)
		return -1;
	w->committed = 1;
	if (st) {
		st->db_bytes = (uint64_t)sb.st_size;
		memcpy(st->digest, digest, sizeof(digest));
	}
	return 0;
}
