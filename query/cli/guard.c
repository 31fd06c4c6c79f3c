/*
 * guard.c — the SIGBUS handler of advdb-query (see guard.h). The only
 * process-wide state of the program lives here: the index's name for
 * the message, written before any read of the index and only read by
 * the handler.
 */
#include "guard.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"

static char index_name[512] = "the index";
static volatile sig_atomic_t name_len = 9;
static char prog_name[64] = "advdb-query";
static volatile sig_atomic_t prog_len = 11;

static void say(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

#define SAY(lit) say(lit, sizeof(lit) - 1)

static void on_sigbus(int sig)
{
	(void)sig;
	say(prog_name, (size_t)prog_len);
	SAY(": ");
	say(index_name, (size_t)name_len);
	SAY(": the index file changed while it was being read (SIGBUS): it "
	    "was truncated or overwritten in place, e.g. by cp. Replace an "
	    "index by renaming a complete file over it, never by writing "
	    "into it: `advdb-compile --install NEW.lmdb -o DB` copies one "
	    "beside DB and renames it into place (advdb-compile -o DB does "
	    "the same when it compiles). The run stopped here.\n");
	_exit(EXIT_ERROR);
}

void guard_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

void guard_index_path(const char *path)
{
	/* Escaped: a hostile name must not reach the terminal raw, even
	 * from a signal handler. */
	name_len = 0;
	name_len = (sig_atomic_t)escape_text(index_name, sizeof(index_name),
	                                     path, strlen(path), 0);
	prog_len = 0;
	prog_len = (sig_atomic_t)escape_text(prog_name, sizeof(prog_name),
	                                     cli_program(),
	                                     strlen(cli_program()), 0);
}
