/*
 * msg.c — the tool's messages to stderr, one line each, prefixed with the
 * program name so they stand out in a build log. Kept apart from main.c
 * so the unit tests, which link every CLI module but main.c, have them.
 *
 * Messages carry paths found by walking trees nobody vetted, so they are
 * escaped (escape.h: controls as \xNN, C1 and bidi controls as \uNNNN):
 * a file name can neither split a message line, nor send escape
 * sequences to the terminal, nor reorder what it shows. A message is cut
 * (with "...") at MSG_MAX bytes.
 *
 * The program's name is advdb-query unless main says otherwise (advdb-serve
 * shares these modules), set once before any thread starts. A line is
 * written under stderr's lock, so lines from several threads (scan
 * workers, the server's reloads) never mix.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "errbuf.h"
#include "escape.h"

#define MSG_MAX 2048

static const char *program = "advdb-query";

void cli_set_program(const char *name)
{
	program = name;
}

const char *cli_program(void)
{
	return program;
}

static void emit(const char *kind, const char *fmt, va_list ap)
{
	char text[MSG_MAX];

	errbuf_vset(text, sizeof(text), NULL, fmt, ap);
	flockfile(stderr);
	fputs(program, stderr);
	fputs(kind, stderr);
	escape_fputs(text, 0, stderr);
	fputc('\n', stderr);
	funlockfile(stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(": ", fmt, ap);
	va_end(ap);
}

void cli_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(": ", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(": warning: ", fmt, ap);
	va_end(ap);
}
