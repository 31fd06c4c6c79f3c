/*
 * peak_rss.c — run a program and write its peak resident set (KiB) to a
 * file: `peak_rss OUT PROG ARG...`. Exits with the program's status (or
 * 128 + its signal); 127 when it cannot be run, 2 when OUT cannot be
 * written.
 *
 * Why: the benchmark starts its programs with posix_spawn, whose child
 * shares the parent's memory until exec, and Linux carries that memory's
 * high-water mark into the child's ru_maxrss: every child of a benchmark
 * that had grown to 11 MB reported 11 MB. This program is small when it
 * forks, so its child's ru_maxrss is the program's own.
 */
#include <stdio.h>
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
	FILE *f = fopen(argv[1], "w");
	if (!f || fprintf(f, "%ld\n", ru.ru_maxrss) < 0 || fclose(f) != 0) {
		fprintf(stderr, "peak_rss: cannot write %s\n", argv[1]);
		return 2;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
