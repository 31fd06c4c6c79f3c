/*
 * passphrase.h — the passphrase of an encrypted secret key, from a file
 * descriptor the caller names (--passphrase-fd N) or from the terminal
 * (/dev/tty, echo off), never from the command line or the environment
 * (minisign has no variable for it either).
 *
 * Read as minisign reads it: one line, its LF (and a CR before it)
 * dropped, at most PASSPHRASE_MAX bytes (minisign's PASSWORDMAXBYTES less
 * its NUL), so a key made by `minisign -G` opens with the same words.
 */
#ifndef ADVDB_COMPILER_PASSPHRASE_H
#define ADVDB_COMPILER_PASSPHRASE_H

#include <stddef.h>

#define PASSPHRASE_MAX 1023

/*
 * Read a passphrase into pw (PASSPHRASE_MAX + 1 bytes, NUL-terminated):
 * from fd when fd >= 0 (up to its first LF or its end, read a byte at a
 * time so nothing after the line is consumed); else from /dev/tty after
 * writing prompt there, with echo off and restored (also when SIGINT,
 * SIGTERM, SIGHUP or SIGQUIT arrives meanwhile: the signal is delivered
 * after the terminal is restored). 0, or -1 with err (no terminal, a
 * line too long, a read error).
 */
int passphrase_read(char *pw, int fd, const char *prompt, char *err,
                    size_t errcap);

#endif
