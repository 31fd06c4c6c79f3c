/*
 * writer_sign.c — the last step of a compile or an install: the new
 * index, and its signature file "<DB>.minisig" when there is one, put in
 * place (writer.h: writer_set_signature; dbfile.h: dbfile_commit_pair).
 *
 * The writer knows nothing of keys: the signature's text comes from the
 * caller's function (compiler/sign.c signs, or carries the signature of
 * an index being installed). What the writer owns is that the two files
 * change together, with the index's own care (temporary name, lock,
 * fsync, mode and owner of the file replaced, a symbolic link followed),
 * and that an index put in place without a signature never keeps the
 * previous index's beside it.
 */
#include "writer_int.h"
#include "minisign.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void writer_set_signature(writer *w, writer_sign_fn fn, void *arg)
{
	w->sign = fn;
	w->sign_arg = arg;
}

char *writer_sig_path(const char *path)
{
	size_t n = strlen(path);
	char *p = malloc(n + sizeof(MS_SUFFIX));

	if (p) {
		memcpy(p, path, n);
		memcpy(p + n, MS_SUFFIX, sizeof(MS_SUFFIX));
	}
	return p;
}

/* Write all of text to fd. 0 or -1 with errno. */
static int write_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t k = write(fd, text, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			return -1;
		}
		text += k;
		len -= (size_t)k;
	}
	return 0;
}

/* After an unsigned index went in: the old signature signs nothing. */
static int drop_stale(const char *sigpath)
{
	struct stat st;

	if (stat(sigpath, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	return unlink(sigpath) == 0;
}

int wr_put_in_place(writer *w, writer_stats *st, char *err, size_t errcap)
{
	char *text = NULL, *sigpath = NULL;
	size_t len = 0;
	dbfile sig;
	struct stat sb;
	int rc = -1;

	memset(&sig, 0, sizeof(sig));
	sig.fd = -1;
	if (!(sigpath = writer_sig_path(w->file.path))) {
		errbuf_set(err, errcap, "%s: out of memory", w->file.path);
		return -1;
	}
	if (w->sign && w->sign(w->sign_arg, w->file.fd, w->file.tmp, &text,
	                       &len, err, errcap) < 0)
		goto done;
	if (!text) {
		if (dbfile_commit(&w->file, err, errcap) < 0)
			goto done;
		if (st)
			st->signature = drop_stale(sigpath) ? WRITER_SIG_REMOVED
			                                    : WRITER_SIG_NONE;
		rc = 0;
		goto done;
	}
	/* As for -o DB: never rename over a folder, FIFO or device. */
	if (stat(sigpath, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		errbuf_set(err, errcap, "%s: exists and is not a regular file: "
		           "not replaced (nothing was)", sigpath);
		goto done;
	}
	if (dbfile_open(&sig, sigpath, err, errcap) < 0 ||
	    dbfile_create(&sig, err, errcap) < 0)
		goto done;
	if (write_all(sig.fd, text, len) < 0) {
		dbfile_write_error(&sig, errno, err, errcap);
		goto done;
	}
	if (dbfile_commit_pair(&w->file, &sig, err, errcap) < 0)
		goto done;
	if (st)
		st->signature = WRITER_SIG_WRITTEN;
	rc = 0;
done:
	dbfile_close(&sig);            /* removes its temporary file on failure */
	free(text);
	free(sigpath);
	return rc;
}
