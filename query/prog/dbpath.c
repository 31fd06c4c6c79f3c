/*
 * dbpath.c — the default index location (see dbpath.h). Reads the
 * environment only; keeps no state.
 */
#include "dbpath.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int dbpath_default(char *buf, size_t cap)
{
	const char *env = getenv("ADVDB_DB");
	int n;

	if (env && *env)
		n = snprintf(buf, cap, "%s", env);
	else if ((env = getenv("XDG_DATA_HOME")) && *env)
		n = snprintf(buf, cap, "%s/advdb/advdb.lmdb", env);
	else if ((env = getenv("HOME")) && *env)
		n = snprintf(buf, cap, "%s/.local/share/advdb/advdb.lmdb", env);
	else
		return -1;
	return (n < 0 || (size_t)n >= cap) ? -1 : 0;
}

int dbpath_make_parent(const char *path)
{
	char tmp[4096];
	size_t len = strlen(path);

	if (len >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, len + 1);
	char *slash = strrchr(tmp, '/');
	if (!slash || slash == tmp)
		return 0;
	*slash = '\0';
	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
				return -1;
			if (c == '\0')
				break;
			*p = c;
		}
	}
	return 0;
}
