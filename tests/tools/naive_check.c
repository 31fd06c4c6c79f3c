/*
 * naive_check.c — the way cargo-audit and cargo-deny answer one question:
 * load every advisory of the database, parse it, then match one package.
 *
 *   naive_check REPO NAME VERSION
 *
 * It reads every advisory from the git tree (as advdb-compile does), parses
 * and validates each one with the compiler's own parser, and prints the ids
 * that affect NAME@VERSION. `make bench` times it against one
 * `advdb-query check` to show what compiling once saves; the tests check it
 * agrees with advdb-query. Exit: 0 none, 1 some, 2 error.
 */
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory.h"
#include "gitsrc.h"
#include "version.h"

int main(int argc, char **argv)
{
	char err[512];
	const char *e;
	version v;
	gitsrc *g = NULL;
	int found = 0, rc = 2;

	if (argc != 4) {
		fprintf(stderr, "usage: naive_check REPO NAME VERSION\n");
		return 2;
	}
	if (version_parse(&v, argv[3], strlen(argv[3]), &e) != 0) {
		fprintf(stderr, "naive_check: %s: %s\n", argv[3], e);
		return 2;
	}
	git_libgit2_init();
	if (gitsrc_open(&g, argv[1], NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "naive_check: %s\n", err);
		goto done;
	}
	size_t n;
	const gitsrc_entry *ents;
	if (gitsrc_list(&ents, &n, g, err, sizeof(err)) != 0) {
		fprintf(stderr, "naive_check: %s\n", err);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		char *text;
		size_t len;
		diag_list d;
		advisory *a;

		if (ents[i].bad || strncmp(ents[i].path, "crates/", 7) != 0)
			continue;
		if (gitsrc_load(&text, &len, g, &ents[i], err, sizeof(err)) != 0) {
			/* an answer without this advisory would be wrong */
			fprintf(stderr, "naive_check: %s: %s\n", ents[i].path, err);
			goto done;
		}
		diag_init(&d);
		if (advisory_parse(&a, "rustsec", ents[i].path, text, len, &d) == 0) {
			const adv_record *r = advisory_record(a);
			if (!r->withdrawn && strcmp(r->package, argv[2]) == 0 &&
			    ranges_contain(r->ranges, r->nranges, &v)) {
				printf("%s\n", r->id);
				found = 1;
			}
			advisory_free(a);
		}
		diag_free(&d);
		free(text);
	}
	rc = found;
done:
	gitsrc_close(g);
	git_libgit2_shutdown();
	return rc;
}
