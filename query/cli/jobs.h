/*
 * jobs.h — how many threads a command runs (--jobs, else one per core)
 * and the heap setting threaded commands share: scan and bin (a file per
 * task) and report (a line per task).
 */
#ifndef ADVDB_CLI_JOBS_H
#define ADVDB_CLI_JOBS_H

#include <stddef.h>
#include "cli.h"

#define JOBS_MAX 64             /* threads of one command, at most */

/* --jobs, or one per online core; at least 1, at most JOBS_MAX and at most
 * ntasks (when ntasks is not 0). */
int jobs_count(const cli_opts *o, size_t ntasks);

/* Keep blocks of up to 16 MiB on the heap, untrimmed (see jobs.c). Call
 * before the threads start. */
void jobs_keep_heap(void);

/* One malloc arena per four of the nthreads threads about to start (see
 * jobs.c). Call before the threads start. */
void jobs_share_heap(int nthreads);

#endif
