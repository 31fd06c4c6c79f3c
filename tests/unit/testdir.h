/*
 * testdir.h — the scratch folder of a unit test, removed at teardown:
 * its files and empty subfolders (one level: the tests make no deeper
 * tree), then the folder. Best effort, never fails a test. Shared by the
 * tests that write indexes (test_writer, test_sign).
 */
#ifndef ADVDB_TEST_TESTDIR_H
#define ADVDB_TEST_TESTDIR_H

#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

static inline void testdir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (unlink(p) < 0)
			rmdir(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

#endif
