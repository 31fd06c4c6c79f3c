/*
 * guard.h — advdb-query's answer to an index file changed under it.
 *
 * libadvdb maps the index read-only. When another process truncates or
 * rewrites that file in place (`cp new.lmdb live.lmdb`, instead of a
 * rename), the pages a reader touches next may no longer exist: the
 * kernel sends SIGBUS and, by default, the process dies (status 135)
 * in the middle of its output. The library cannot catch that without
 * global state (a signal handler is process-wide), so the program does:
 * guard_install() sets a SIGBUS handler that writes one clear message
 * naming the index and the safe way to replace one, and exits 2.
 *
 * The handler is async-signal-safe: it only write(2)s text prepared
 * beforehand and calls _exit (stdio buffers are not flushed: what was
 * not yet written is lost, never half-printed twice).
 */
#ifndef ADVDB_CLI_GUARD_H
#define ADVDB_CLI_GUARD_H

/* Install the SIGBUS handler (once, first thing in main). */
void guard_install(void);

/* The index now open, named in the handler's message (escaped; cut at a
 * few hundred bytes). */
void guard_index_path(const char *path);

#endif
