/*
 * regfile.c — see regfile.h.
 */
#include "regfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int regfile_read(char **out, size_t *len, const char *path, size_t max,
                 char *msg, size_t cap)
{
	struct stat st;
	char *p;
	size_t n = 0, want;
	int fd;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		snprintf(msg, cap, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(msg, cap, "not a regular file");
		return -1;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return REGFILE_ETOOBIG;
	}
	want = (size_t)st.st_size;
	if (!(p = malloc(want + 1))) {
		close(fd);
		snprintf(msg, cap, "out of memory");
		return -1;
	}
	while (n < want) {
		ssize_t r = read(fd, p + n, want - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(msg, cap, "%s", strerror(errno));
			free(p);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*out = p;
	*len = n;
	return 0;
}
