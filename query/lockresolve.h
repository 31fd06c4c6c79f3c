/*
 * lockresolve.h — which package a Cargo.lock `dependencies` entry names,
 * as cargo-lock resolves it (cargo-lock 11, lockfile/encoding.rs
 * `EncodableDependency::resolve`). The one resolver of entries: libadvdb's
 * lockfile_deps() (lock_pkg.deps, for advdb_packages_read) and
 * advdb-query's lockdeps.c (the report's graph, `diff`'s dependents) both
 * call it, so a library caller and the CLI see the same edges.
 *
 * An entry is "NAME", "NAME VERSION" or "NAME VERSION (SOURCE)" (v1
 * writes the full form; v2 and later the shortest unambiguous one), with
 * no empty part and no space in SOURCE. It names the first package in the
 * file with that name (and version, when given; and source, when given:
 * git sources compared as cargo-lock does, by URL without query and
 * fragment, then by commit when both name one).
 *
 * Hostile input cannot make it quadratic: packages are found through a
 * hash table on names (the TOML parser's string hash) whose every name
 * heads the list of its packages in file order; a probe past
 * LOCK_PROBE_MAX slots (names crafted to hash alike) or a name with more
 * than LOCK_SAME_MAX packages is a failure, with why.
 *
 * Messages: each failure's text is made here ("line N: ..."), once, for
 * both callers.
 *
 * Ownership: a lock_names borrows its lockfile (which must outlive it and
 * not change) and owns its two arrays. No state besides it.
 */
#ifndef ADVDB_QUERY_LOCKRESOLVE_H
#define ADVDB_QUERY_LOCKRESOLVE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "lockfile.h"
#include "toml_tree.h"   /* toml_key_hash */

#define LOCK_PROBE_MAX 64        /* hash slots probed for one name */
#define LOCK_SAME_MAX 64         /* packages sharing a name (versions,
                                    sources): real lockfiles have a few */

/* What an entry resolves to besides a package index (< npkgs). */
#define LOCK_DEP_NONE ((size_t)-1)     /* names no package */
#define LOCK_DEP_CROWDED ((size_t)-2)  /* its name has too many packages,
                                          or could not be entered */
#define LOCK_DEP_BAD ((size_t)-3)      /* not a string, or not one of the
                                          forms */

/* A piece of an entry's text (not NUL-terminated). */
typedef struct lock_span {
	const char *p;
	size_t n;
} lock_span;

typedef struct lock_names {
	const lockfile *lf;
	size_t *slot;               /* first package of a name + 1 (0: empty) */
	size_t mask;
	size_t *next;               /* next package of the same name, or
	                               LOCK_DEP_NONE */
} lock_names;

/* The dependency entries of all of lf's packages: 0 with *total set, or
 * 1 past LOCKFILE_DEPS_MAX (why set). */
int lock_deps_total(const lockfile *lf, size_t *total, char *why,
                    size_t whycap);

/* Index lf's package names. 0; 1 when a name could not be entered (a
 * probe past LOCK_PROBE_MAX: why set; the index works for the others,
 * entries naming that one come out LOCK_DEP_CROWDED); -1 out of memory
 * (nothing to free). Free with lock_names_free() after 0 or 1. */
int lock_names_init(lock_names *ix, const lockfile *lf, char *why,
                    size_t whycap);
void lock_names_free(lock_names *ix);

/* Resolve p's entries (p one of ix's lockfile's packages) into
 * to[0 .. p->ndep_list): a package index or a LOCK_DEP_* code. Returns 0
 * when every one resolved; 1 otherwise (also when `dependencies` is not a
 * list), with the first failure's "line N: ..." in why. */
int lock_names_resolve(const lock_names *ix, const lock_pkg *p, size_t *to,
                       char *why, size_t whycap);

/* The package that is exactly NAME VERSION (SOURCE) (text "NAME VERSION
 * (SOURCE)", n bytes: v1's [metadata] "checksum ..." keys name packages
 * so, by their exact source): its index, or LOCK_DEP_NONE when the text
 * is not of that form or names none (also past LOCK_SAME_MAX packages of
 * the name). The first such package in file order. */
size_t lock_names_exact(const lock_names *ix, const char *text, size_t n);

/* One entry at a time, for a caller that keeps more than the index (the
 * report's graph): lock_entry_resolve() gives what entry e of p names (a
 * package index or a LOCK_DEP_* code) and, but for LOCK_DEP_BAD, the
 * entry's name, version and source (version and source p NULL when
 * absent); lock_entry_why() says why a code is not a package, and
 * lock_list_why() whether p's `dependencies` is a list at all (1 and why
 * when not; 0). Inline: once per entry of every lockfile with a
 * finding. */
static inline size_t lock_entry_resolve(const lock_names *ix,
                                        const lock_text *e, lock_span *name,
                                        lock_span *ver, lock_span *src);
void lock_entry_why(char *why, size_t whycap, const lock_names *ix,
                    const lock_pkg *p, const lock_text *e, size_t code);
int lock_list_why(const lock_pkg *p, char *why, size_t whycap);

/* ---- the rules, inline (see the top of this file) ---- */

int lock_same_source(const char *a, lock_span b);

/* The slot of name: the one holding it, or the empty one where it would
 * go; NULL when the probe ran past LOCK_PROBE_MAX. */
static inline size_t *lock_names_slot_(const lock_names *ix, lock_span name)
{
	size_t h = toml_key_hash(name.p, name.n) & ix->mask;

	for (size_t k = 0; k < LOCK_PROBE_MAX; k++, h = (h + 1) & ix->mask) {
		size_t *s = &ix->slot[h];
		if (!*s)
			return s;
		const lock_pkg *q = &ix->lf->pkgs[*s - 1];
		if (q->name_len == name.n && !memcmp(q->name, name.p, name.n))
			return s;
	}
	return NULL;
}

/* "NAME[ VERSION[ (SOURCE)]]" into spans: 0, or -1 when the text is not
 * of that form. The fast reader's strings are printable ASCII
 * (lockfast.h, lf->text set): they cannot hold a NUL, and the check is
 * skipped. */
static inline int lock_entry_split_(lock_span *name, lock_span *ver,
                                    lock_span *src, const char *s,
                                    size_t len, int plain)
{
	const char *sp1 = memchr(s, ' ', len), *end = s + len;

	*ver = *src = (lock_span){ NULL, 0 };
	*name = (lock_span){ s, sp1 ? (size_t)(sp1 - s) : len };
	if (name->n == 0 || (!plain && memchr(s, '\0', len)))
		return -1;
	if (!sp1)
		return 0;
	const char *v = sp1 + 1;
	const char *sp2 = memchr(v, ' ', (size_t)(end - v));
	*ver = (lock_span){ v, sp2 ? (size_t)(sp2 - v) : (size_t)(end - v) };
	if (ver->n == 0)
		return -1;
	if (!sp2)
		return 0;
	if (end - sp2 < 4 || sp2[1] != '(' || end[-1] != ')')
		return -1;
	*src = (lock_span){ sp2 + 2, (size_t)(end - 1 - (sp2 + 2)) };
	return memchr(src->p, ' ', src->n) ? -1 : 0;
}

/* The first package named name (and ver, and src, when given) in file
 * order, walking the name's list: LOCK_DEP_NONE, or LOCK_DEP_CROWDED past
 * LOCK_SAME_MAX packages or a name that could not be entered. Sources
 * compare as cargo-lock's SourceId (lock_same_source), or with exact as
 * text (a checksum key's package id). */
static inline size_t lock_names_match_(const lock_names *ix, lock_span name,
                                       lock_span ver, lock_span src,
                                       int exact)
{
	const size_t *s = lock_names_slot_(ix, name);
	size_t i;

	if (!s)
		return LOCK_DEP_CROWDED;
	i = *s ? *s - 1 : LOCK_DEP_NONE;
	for (size_t m = 0; i != LOCK_DEP_NONE; m++) {
		const lock_pkg *p = &ix->lf->pkgs[i];
		if (m == LOCK_SAME_MAX)
			return LOCK_DEP_CROWDED;
		if ((!ver.p || (p->version_len == ver.n &&
		                !memcmp(p->version, ver.p, ver.n))) &&
		    (!src.p || (exact ? p->source && !strncmp(p->source, src.p,
		                                              src.n) &&
		                        !p->source[src.n]
		                      : lock_same_source(p->source, src))))
			return i;
		i = ix->next[i];
	}
	return LOCK_DEP_NONE;
}

static inline size_t lock_entry_resolve(const lock_names *ix,
                                        const lock_text *e, lock_span *name,
                                        lock_span *ver, lock_span *src)
{
	if (!e->p || lock_entry_split_(name, ver, src, e->p, e->n,
	                               ix->lf->text != NULL) < 0)
		return LOCK_DEP_BAD;
	return lock_names_match_(ix, *name, *ver, *src, 0);
}

#endif
