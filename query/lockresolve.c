/*
 * lockresolve.c — Cargo.lock dependency entries to packages (see
 * lockresolve.h): the name index, git sources' equality, the words of
 * every failure, and a package's whole list for libadvdb. The entry forms
 * and the matching loop are inline in the header: they run once per entry
 * of every lockfile with a finding (lockdeps.c), where a call per entry
 * showed (callgrind: +13% of lockdeps_build).
 */
#include "lockresolve.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"

int lock_deps_total(const lockfile *lf, size_t *total, char *why,
                    size_t whycap)
{
	size_t t = 0;

	for (size_t i = 0; i < lf->npkgs; i++) {
		t += lf->pkgs[i].ndep_list;
		if (t > LOCKFILE_DEPS_MAX) {
			errbuf_set(why, whycap, "more than %d dependency entries",
			           LOCKFILE_DEPS_MAX);
			return 1;
		}
	}
	*total = t;
	return 0;
}

int lock_names_init(lock_names *ix, const lockfile *lf, char *why,
                    size_t whycap)
{
	size_t n = lf->npkgs, cap = 16, *tail;
	int rc = 0;

	while (cap < 2 * n)
		cap *= 2;
	ix->lf = lf;
	ix->mask = cap - 1;
	ix->slot = calloc(cap, sizeof(*ix->slot));
	ix->next = malloc((n ? n : 1) * sizeof(*ix->next));
	tail = malloc((n ? n : 1) * sizeof(*tail));   /* last of each list */
	if (!ix->slot || !ix->next || !tail) {
		free(tail);
		lock_names_free(ix);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const lock_pkg *p = &lf->pkgs[i];
		size_t *s = lock_names_slot_(ix, (lock_span){ p->name,
		                                                p->name_len });

		ix->next[i] = LOCK_DEP_NONE;
		if (!s) {
			if (!rc)
				errbuf_set(why, whycap, "more than %d names hash alike "
				           "(%s): the lockfile cannot be resolved quickly",
				           LOCK_PROBE_MAX, p->name);
			rc = 1;
		} else if (!*s) {
			*s = i + 1;
			tail[i] = i;
		} else {
			ix->next[tail[*s - 1]] = i;
			tail[*s - 1] = i;
		}
	}
	free(tail);
	return rc;
}

void lock_names_free(lock_names *ix)
{
	free(ix->slot);
	free(ix->next);
	ix->slot = ix->next = NULL;
}

static int span_is(lock_span s, const char *c)
{
	return strncmp(c, s.p, s.n) == 0 && c[s.n] == '\0';
}

/* cargo-lock's SourceId equality: git sources by URL (without query and
 * fragment), then by commit when both name one; others by their text. */
int lock_same_source(const char *a, lock_span b)
{
	if (!a)
		return 0;
	if (strncmp(a, "git+", 4) || b.n < 4 || memcmp(b.p, "git+", 4))
		return span_is(b, a);
	size_t la = strcspn(a, "?#"), lb = 0;
	while (lb < b.n && b.p[lb] != '?' && b.p[lb] != '#')
		lb++;
	if (la != lb || memcmp(a, b.p, la))
		return 0;
	const char *fa = strchr(a, '#');
	const char *fb = memchr(b.p, '#', b.n);
	if (!fa || !fb)
		return 1;
	return span_is((lock_span){ fb, (size_t)(b.p + b.n - fb) }, fa);
}

size_t lock_names_exact(const lock_names *ix, const char *text, size_t n)
{
	lock_span sn, sv, ss;

	if (lock_entry_split_(&sn, &sv, &ss, text, n, 0) < 0 || !sv.p || !ss.p)
		return LOCK_DEP_NONE;
	size_t i = lock_names_match_(ix, sn, sv, ss, 1);
	return i == LOCK_DEP_CROWDED ? LOCK_DEP_NONE : i;
}

void lock_entry_why(char *why, size_t whycap, const lock_names *ix,
                    const lock_pkg *p, const lock_text *e, size_t code)
{
	lock_span sn, sv, ss;

	if (!e->p)
		errbuf_set(why, whycap, "line %u: a dependency of %s %s is not a "
		           "string", e->line, p->name, p->version);
	else if (code == LOCK_DEP_BAD ||
	         lock_entry_resolve(ix, e, &sn, &sv, &ss) == LOCK_DEP_BAD)
		errbuf_set(why, whycap, "line %u: a dependency of %s %s is not "
		           "\"NAME [VERSION [(SOURCE)]]\"", e->line, p->name,
		           p->version);
	else if (code == LOCK_DEP_CROWDED)
		errbuf_set(why, whycap, "line %u: more than %d packages named "
		           "%.*s", e->line, LOCK_SAME_MAX, (int)sn.n, sn.p);
	else
		errbuf_set(why, whycap, "line %u: dependency `%.*s` of %s is in "
		           "no [[package]]", e->line, (int)sn.n, sn.p, p->name);
}

int lock_list_why(const lock_pkg *p, char *why, size_t whycap)
{
	if (!p->dep_list_bad)
		return 0;
	errbuf_set(why, whycap, "line %u: `dependencies` of %s %s is not a "
	           "list", p->dep_list_bad, p->name, p->version);
	return 1;
}

int lock_names_resolve(const lock_names *ix, const lock_pkg *p, size_t *to,
                       char *why, size_t whycap)
{
	size_t n = ix->lf->npkgs;
	int rc = lock_list_why(p, why, whycap);

	for (size_t k = 0; k < p->ndep_list; k++) {
		const lock_text *e = &p->dep_list[k];
		lock_span sn, sv, ss;

		to[k] = lock_entry_resolve(ix, e, &sn, &sv, &ss);
		if (to[k] >= n && !rc) {
			lock_entry_why(why, whycap, ix, p, e, to[k]);
			rc = 1;
		}
	}
	return rc;
}
