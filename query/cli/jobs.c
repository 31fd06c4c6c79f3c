/*
 * jobs.c — see jobs.h. No state of its own: the heap setting is glibc's
 * (process-wide, set once before any thread starts).
 */
#include "jobs.h"

#include <unistd.h>             /* first: it defines __GLIBC__ */
#ifdef __GLIBC__
#include <malloc.h>
#endif

int jobs_count(const cli_opts *o, size_t ntasks)
{
	long c = o->jobs > 0 ? o->jobs : sysconf(_SC_NPROCESSORS_ONLN);
	if (c < 1)
		c = 1;
	if (c > JOBS_MAX)
		c = JOBS_MAX;
	if (ntasks && (size_t)c > ntasks)
		c = (long)ntasks;
	return (int)c;
}

/* A lockfile's text and TOML arena, or a scan report line and its JSON
 * document, are ~100 KiB blocks, above glibc's default mmap threshold:
 * every task would then map, fault in and unmap fresh pages, and in a
 * threaded process each munmap takes the address space lock and shoots
 * down the other cores' TLBs, so a second thread made the scan no
 * faster. Keeping such blocks on the heap, untrimmed, lets each thread
 * reuse its memory; RSS stays at the largest working set. */
void jobs_keep_heap(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, 16 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

/* glibc gives each thread its own malloc arena, and an arena never gives
 * back its high-water mark: two scan threads each kept the 1-2 MB a large
 * lockfile's text, tree and report take, even when the other had freed
 * as much (peak RSS 12.5 MB against 10.5 MB with one arena, the same CPU
 * time, on the 5,040-file bench). Small blocks go through each thread's
 * own cache either way; only the few large blocks of a file take an
 * arena's lock, so one arena per four threads costs no measurable wait. */
void jobs_share_heap(int nthreads)
{
#ifdef __GLIBC__
	mallopt(M_ARENA_MAX, nthreads > 4 ? (nthreads + 3) / 4 : 1);
#else
	(void)nthreads;
#endif
}
