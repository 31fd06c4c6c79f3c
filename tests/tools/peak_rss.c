/*
 * peak_rss.c — run a program and write its peak resident set (KiB), its
 * wall time and its CPU time (ms) to a file, one line "KIB WALL CPU":
 * `peak_rss OUT PROG ARG...`. Exits with the program's status (or 128 +
 * its signal); 127 when it cannot be run, 2 when OUT cannot be written.
 *
 * Why: the benchmark starts its programs with posix_spawn, whose child
 * shares the parent's memory until exec, and Linux carries that memory's
 * high-water mark into the child's ru_maxrss: every child of a benchmark
 * that had grown to 11 MB reported 11 MB. This program is small when it
 * forks, so its child's ru_maxrss is the program's own. The times are taken
 * here, from the fork to the child's end, so this program's own start
 * and its write of OUT are not counted in the figure of the program.
 */
#include <stdio.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int st;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: peak_rss OUT PROG [ARG...]\n");
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("peak_rss: fork");
		return 127;
	}
	if (pid == 0) {
		execv(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	              (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	             (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	FILE *f = fopen(argv[1], "w");
	if (!f || fprintf(f, "%ld %.4f %.4f\n", ru.ru_maxrss, wall, cpu) < 0 ||
	    fclose(f) != 0) {
		fprintf(stderr, "peak_rss: cannot write %s\n", argv[1]);
		return 2;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
