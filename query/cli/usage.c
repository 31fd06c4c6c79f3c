/*
 * usage.c — how advdb-query and advdb-serve end a command line: a usage
 * error (the message, then the usage text on stderr, exit 2), and the
 * getopt endings every program answers alike (-h, -V, a missing value,
 * an unknown option). One place, so both programs say the same thing the
 * same way; the usage text itself is each program's.
 */
#include <getopt.h>
#include <stdio.h>

#include "advdb.h"
#include "cli.h"

int cli_usage_error(void (*usage)(FILE *), const char *fmt, const char *arg)
{
	char msg[1024];

	if (snprintf(msg, sizeof(msg), fmt, arg) < 0)
		msg[0] = '\0';
	cli_error("%s", msg);       /* escaped there: arguments are anyone's */
	usage(stderr);
	return EXIT_ERROR;
}

int cli_getopt_end(int c, char **argv, void (*usage)(FILE *))
{
	switch (c) {
	case 'h':
		usage(stdout);
		return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_ERROR;
	case 'V':
		printf("%s %s\n", cli_program(), ADVDB_VERSION);
		return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_ERROR;
	case ':':
		return cli_usage_error(usage, "option %s needs a value",
		                       argv[optind - 1]);
	default:
		if (optopt && optopt < 256)
			return cli_usage_error(usage, "bad option -%s",
			                       (char[]){ (char)optopt, 0 });
		return cli_usage_error(usage, "bad option %s", argv[optind - 1]);
	}
}
