/*
 * stdfds.c — see stdfds.h. Touches only descriptors 0-2; keeps no state.
 */
#include "stdfds.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int stdfds_open(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int nfd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (nfd < 0)
			return -1;
		if (nfd != fd) {        /* a lower one was free: cannot be */
			close(nfd);
			return -1;
		}
	}
	return 0;
}
