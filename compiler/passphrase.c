/*
 * passphrase.c — see passphrase.h. The terminal's echo is turned off
 * only for the one line read, and turned back on whatever happens: the
 * terminating signals are caught for that time (their number kept in
 * the one variable a handler may write) and raised again after the
 * terminal is restored.
 */
#include "passphrase.h"
#include "errbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

/* One line from fd into pw. 0, or -1 with err (what names the source). */
static int read_line(char *pw, int fd, const char *what, char *err,
                     size_t errcap)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0) {
			if (errno == EINTR && !caught)
				continue;
			errbuf_set(err, errcap, "cannot read the passphrase from %s: "
			           "%s", what, caught ? "interrupted" : strerror(errno));
			return -1;
		}
		if (r == 0 || c == '\n')
			break;
		if (n >= PASSPHRASE_MAX) {
			errbuf_set(err, errcap, "the passphrase from %s is longer than "
			           "%d bytes", what, PASSPHRASE_MAX);
			return -1;
		}
		pw[n++] = c;
	}
	if (n && pw[n - 1] == '\r')
		n--;
	pw[n] = '\0';
	return 0;
}

int passphrase_read(char *pw, int fd, const char *prompt, char *err,
                    size_t errcap)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa, old[4];
	struct termios t, saved;
	char what[32];
	int tty, rc, echo_off = 0;

	pw[0] = '\0';
	if (fd >= 0) {
		snprintf(what, sizeof(what), "descriptor %d", fd);
		return read_line(pw, fd, what, err, errcap);
	}
	tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0) {
		errbuf_set(err, errcap, "the secret key is encrypted and there is "
		           "no terminal to ask for its passphrase: give it with "
		           "--passphrase-fd N");
		return -1;
	}
	caught = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;      /* no SA_RESTART: read returns EINTR */
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	if (tcgetattr(tty, &saved) == 0) {
		t = saved;
		t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		echo_off = tcsetattr(tty, TCSAFLUSH, &t) == 0;
	}
	ssize_t wr = write(tty, prompt, strlen(prompt));
	(void)wr;
	rc = read_line(pw, tty, "the terminal", err, errcap);
	wr = write(tty, "\n", 1);
	if (echo_off)
		(void)tcsetattr(tty, TCSAFLUSH, &saved);
	close(tty);
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (caught) {
		memset(pw, 0, PASSPHRASE_MAX + 1);
		raise(caught);
		if (rc == 0)
			errbuf_set(err, errcap, "interrupted");
		return -1;
	}
	return rc;
}
