/*
 * dbfile.c — see dbfile.h: the temporary file beside an index, its name,
 * its lock, its mode and owner, and the rename that replaces the index.
 */
#include "dbfile.h"
#include "diag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>

#define RAND_HEX 16              /* hex digits of the random part */

/* The folder of path, as a new string ("." for a bare name). */
static char *dir_of(const char *path)
{
	char *copy = strdup(path), *dir = copy ? strdup(dirname(copy)) : NULL;

	free(copy);
	return dir;
}

/*
 * The pid of "<base>.tmp.<pid>" or "<base>.tmp.<pid>.<RAND_HEX hex>" (the
 * older form has no random part), or 0 when name is neither.
 */
static long tmp_pid(const char *name, const char *base, size_t blen)
{
	if (strncmp(name, base, blen) != 0 || strncmp(name + blen, ".tmp.", 5))
		return 0;
	const char *d = name + blen + 5;
	long pid = 0;
	size_t nd = 0;
	for (; d[nd] >= '0' && d[nd] <= '9'; nd++) {
		if (nd >= 9)
			return 0;
		pid = pid * 10 + (d[nd] - '0');
	}
	if (!nd)
		return 0;
	d += nd;
	if (*d == 0)
		return pid;
	if (*d != '.' || strlen(d + 1) != RAND_HEX)
		return 0;
	for (d++; *d; d++)
		if (!((*d >= '0' && *d <= '9') || (*d >= 'a' && *d <= 'f')))
			return 0;
	return pid;
}

/*
 * A compiler killed (SIGKILL, power loss) between creating its temporary
 * file and the rename leaves it behind. Best effort: any failure just
 * leaves the file. A file is stale when nobody holds its lock (a live
 * writer always does, whatever PID namespace it runs in) and its pid is
 * not alive here; a live pid is trusted even without a lock (an older
 * compiler that took none), except our own, which cannot be writing it.
 * A file of our own pid changed in the last SWEEP_AGE seconds is never
 * stale: a writer creates its file and then locks it, and between the
 * two a sweep by a compile of the same pid (another PID namespace) could
 * otherwise take the lock first and remove a live file (two pid-1
 * compiles at once failed that way in a CI run).
 */
#define SWEEP_AGE 60
static void sweep(const char *target)
{
	const char *slash = strrchr(target, '/');
	const char *base = slash ? slash + 1 : target;
	size_t blen = strlen(base);
	char *dir = dir_of(target);
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	struct stat st;

	while (d && (e = readdir(d)) != NULL) {
		long pid = tmp_pid(e->d_name, base, blen);
		if (pid <= 0)
			continue;
		int ours = pid == (long)getpid();
		if (!ours && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW |
		                O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		int locked = flock(fd, LOCK_EX | LOCK_NB) == 0;
		int held = !locked && errno == EWOULDBLOCK;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_uid == geteuid() && (locked || (!ours && !held)) &&
		    (!ours || st.st_mtime <= time(NULL) - SWEEP_AGE))
			(void)unlinkat(dirfd(d), e->d_name, 0);
		close(fd);
	}
	if (d)
		closedir(d);
	free(dir);
}

int dbfile_open(dbfile *f, const char *path, char *err, size_t errcap)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if (!path || !*path) {
		errbuf_set(err, errcap, "no index path");
		return -1;
	}
	if (!(f->path = strdup(path)))
		goto oom;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		/* Replace what the link points to, and keep the link: the
		 * rename must happen in the target's folder. */
		char *real = realpath(path, NULL);
		if (!real) {
			if (errno == ENOENT)
				errbuf_set(err, errcap, "%s: a symbolic link to a missing "
				       "file: not followed (remove it, or point it at "
				       "an index)", path);
			else
				errbuf_set(err, errcap, "%s: cannot follow the symbolic "
				       "link: %s", path, strerror(errno));
			return -1;
		}
		f->target = real;
	} else if (!(f->target = strdup(path))) {
		goto oom;
	}
	sweep(f->target);
	return 0;
oom:
	errbuf_set(err, errcap, "%s: out of memory", path);
	return -1;
}

/* RAND_HEX hex digits of randomness into hex (RAND_HEX + 1 bytes). */
static int random_hex(char *hex)
{
	unsigned char b[RAND_HEX / 2];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);
		if (n > 0)
			got += (size_t)n;
		else if (n < 0 && errno == EINTR)
			continue;
		else
			break;
	}
	if (got < sizeof(b)) {       /* no getrandom (old kernel, seccomp) */
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		got = 0;
		while (fd >= 0 && got < sizeof(b)) {
			ssize_t n = read(fd, b + got, sizeof(b) - got);
			if (n > 0)
				got += (size_t)n;
			else if (!(n < 0 && errno == EINTR))
				break;
		}
		if (fd >= 0)
			close(fd);
		if (got < sizeof(b))
			return -1;
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
	return 0;
}

int dbfile_create(dbfile *f, char *err, size_t errcap)
{
	size_t cap = strlen(f->target) + 48;
	char hex[RAND_HEX + 1];

	if (f->fd >= 0 || f->committed) {
		errbuf_set(err, errcap, "%s: temporary file already made", f->path);
		return -1;
	}
	free(f->tmp);
	if (!(f->tmp = malloc(cap))) {
		errbuf_set(err, errcap, "%s: out of memory", f->path);
		return -1;
	}
	for (int tries = 0; tries < 8; tries++) {
		if (random_hex(hex) < 0) {
			errbuf_set(err, errcap, "%s: no random bytes for a temporary "
			       "name (getrandom, /dev/urandom)", f->path);
			break;
		}
		snprintf(f->tmp, cap, "%s.tmp.%ld.%s", f->target, (long)getpid(),
		         hex);
		/* Never through a symlink planted in a shared folder; 0600
		 * until the final mode is given, just before the rename. */
		f->fd = open(f->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
		             O_CLOEXEC, 0600);
		if (f->fd >= 0)
			break;
		if (errno != EEXIST) {
			errbuf_set(err, errcap, "%s: %s", f->tmp, strerror(errno));
			break;
		}
	}
	if (f->fd < 0) {
		if (errno == EEXIST)
			errbuf_set(err, errcap, "%s: no free temporary name", f->path);
		free(f->tmp);
		f->tmp = NULL;
		return -1;
	}
	/* Where flock is not supported the sweep falls back on the pid. */
	(void)flock(f->fd, LOCK_EX | LOCK_NB);
	return 0;
}

static int fsync_dir(const char *path)
{
	char *dir = dir_of(path);
	int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	int rc = fd >= 0 ? fsync(fd) : -1;

	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

/* The old file's mode, owner and group on our file (see dbfile.h). */
static int take_attributes(dbfile *f, char *err, size_t errcap)
{
	struct stat old, now;
	mode_t mode;

	if (fstat(f->fd, &now) < 0) {
		errbuf_set(err, errcap, "%s: %s", f->tmp, strerror(errno));
		return -1;
	}
	if (stat(f->target, &old) == 0 && S_ISREG(old.st_mode)) {
		mode = old.st_mode & 07777;
		if ((old.st_uid != now.st_uid || old.st_gid != now.st_gid) &&
		    fchown(f->fd, old.st_uid, old.st_gid) < 0) {
			if (errno != EPERM) {
				errbuf_set(err, errcap, "%s: %s", f->tmp, strerror(errno));
				return -1;
			}
			/* not allowed to give the owner: keep ours, but the
			 * group must be the old one */
			if (old.st_gid != now.st_gid &&
			    fchown(f->fd, (uid_t)-1, old.st_gid) < 0) {
				errbuf_set(err, errcap, "%s: cannot give the new index the "
				       "group of the old one (gid %lu): %s", f->path,
				       (unsigned long)old.st_gid, strerror(errno));
				return -1;
			}
		}
	} else {
		mode_t um = umask(022);   /* read it: there is no getter */
		umask(um);
		mode = 0644 & ~um;
	}
	/* after fchown, which may clear set-id bits */
	if (fchmod(f->fd, mode) < 0) {
		errbuf_set(err, errcap, "%s: %s", f->tmp, strerror(errno));
		return -1;
	}
	return 0;
}

/* Everything of a commit but the rename: synced, the old file's
 * attributes given, and still our own file at f->tmp. */
static int commit_prepare(dbfile *f, char *err, size_t errcap)
{
	struct stat mine, there;

	if (f->fd < 0 || f->committed) {
		errbuf_set(err, errcap, "%s: no temporary file to commit", f->path);
		return -1;
	}
	if (fsync(f->fd) < 0) {
		dbfile_write_error(f, errno, err, errcap);
		return -1;
	}
	if (take_attributes(f, err, errcap) < 0)
		return -1;
	/* What is renamed must be what we wrote: a sweep by another
	 * compile could only have removed it, never swapped it, but say so
	 * rather than report a success that is not ours. */
	if (fstat(f->fd, &mine) < 0 || lstat(f->tmp, &there) < 0 ||
	    mine.st_dev != there.st_dev || mine.st_ino != there.st_ino) {
		errbuf_set(err, errcap, "%s: the temporary file %s was removed or "
		       "replaced by another process", f->path, f->tmp);
		return -1;
	}
	return 0;
}

static int commit_rename(dbfile *f, char *err, size_t errcap)
{
	if (rename(f->tmp, f->target) < 0) {
		errbuf_set(err, errcap, "%s: cannot replace: %s", f->path,
		       strerror(errno));
		return -1;
	}
	f->committed = 1;
	return 0;
}

int dbfile_commit(dbfile *f, char *err, size_t errcap)
{
	if (commit_prepare(f, err, errcap) < 0 ||
	    commit_rename(f, err, errcap) < 0)
		return -1;
	(void)fsync_dir(f->target);   /* the rename is done either way */
	return 0;
}

int dbfile_commit_pair(dbfile *f, dbfile *sig, char *err, size_t errcap)
{
	char msg[512];

	if (commit_prepare(f, err, errcap) < 0 ||
	    commit_prepare(sig, err, errcap) < 0 ||
	    commit_rename(sig, err, errcap) < 0)
		return -1;
	if (commit_rename(f, msg, sizeof(msg)) < 0) {
		errbuf_set(err, errcap, "%s; but %s was already replaced and now "
		       "signs the index that was not put in place: readers that "
		       "verify refuse %s until the next compile or install",
		       msg, sig->path, f->path);
		(void)flock(sig->fd, LOCK_UN);
		return -1;
	}
	/* Readers that met the new signature beside the old index waited
	 * on this lock; the index is in place now. */
	(void)flock(sig->fd, LOCK_UN);
	(void)fsync_dir(sig->target);
	(void)fsync_dir(f->target);
	return 0;
}

void dbfile_close(dbfile *f)
{
	if (f->tmp && !f->committed)
		(void)unlink(f->tmp);
	if (f->fd >= 0)
		close(f->fd);            /* releases the lock */
	free(f->path);
	free(f->target);
	free(f->tmp);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

void dbfile_write_error(const dbfile *f, int e, char *err, size_t errcap)
{
	struct stat st;

	/* LMDB turns a short write into EIO: ask the file system why by
	 * trying to grow the file (the temporary file is discarded). */
	if (e == EIO && f->fd >= 0 && fstat(f->fd, &st) == 0) {
		int r = posix_fallocate(f->fd, st.st_size, 1 << 16);
		if (r == ENOSPC || r == EDQUOT || r == EFBIG)
			e = r;
	}
	switch (e) {
	case ENOSPC:
		errbuf_set(err, errcap, "%s: cannot write the new index: no space "
		       "left on device", f->path);
		break;
	case EDQUOT:
		errbuf_set(err, errcap, "%s: cannot write the new index: disk quota "
		       "exceeded", f->path);
		break;
	case EFBIG:
		errbuf_set(err, errcap, "%s: cannot write the new index: file too "
		       "large for the file size limit (ulimit -f)", f->path);
		break;
	default:
		errbuf_set(err, errcap, "%s: cannot write the new index: %s",
		       f->path, mdb_strerror(e));
	}
}
