/*
 * fuzz_bin.h — the checks the binary-container targets (fuzz_elf, fuzz_pe,
 * fuzz_macho, fuzz_wasm) and the payload target (fuzz_auditable) share:
 * what binfmt.h and auditable.h promise about their results, verified
 * without trusting the code under test (the graph is re-checked here by
 * Kahn's algorithm, not the module's depth-first search).
 */
#ifndef ADVDB_FUZZ_BIN_H
#define ADVDB_FUZZ_BIN_H

#include "auditable.h"
#include "binfmt.h"
#include "fuzz.h"
#include "limit.h"

/* An accepted package list: every package as auditable.h says, every
 * dependency in range, and the tree (when there is one) a real one. */
static inline void fuzz_check_auditable(const auditable *a)
{
	size_t n = a->npkgs, nroots = 0;

	FUZZ_CHECK(n <= AUDITABLE_PKGS_MAX, "%zu packages", n);
	FUZZ_CHECK(n == 0 || a->pkgs, "packages but no array");
	for (size_t i = 0; i < n; i++) {
		const auditable_pkg *p = &a->pkgs[i];
		const char *verr = NULL;
		version v;
		size_t nl = strlen(p->name), vl = strlen(p->version);
		FUZZ_CHECK(nl > 0 && nl <= ADV_PACKAGE_MAX,
		           "package %zu: name of %zu bytes", i, nl);
		FUZZ_CHECK(version_parse(&v, p->version, vl, &verr) == 0,
		           "package %zu: version \"%s\": %s", i, p->version,
		           verr ? verr : "");
		FUZZ_CHECK(p->source != NULL, "package %zu: no source", i);
		FUZZ_CHECK((p->source_kind == AUDITABLE_CRATES_IO) ==
		           (strcmp(p->source, "crates.io") == 0),
		           "package %zu: source \"%s\", kind %d", i, p->source,
		           (int)p->source_kind);
		for (size_t k = 0; k < p->ndeps; k++)
			FUZZ_CHECK(p->deps[k] < n, "package %zu: dependency %zu "
			           "out of range", i, p->deps[k]);
		nroots += p->root != 0;
	}
	if (a->parent == NULL) {
		FUZZ_CHECK(a->tree_error[0] != '\0', "no tree and no reason");
		return;
	}
	FUZZ_CHECK(a->tree_error[0] == '\0', "a tree and an error: %s",
	           a->tree_error);
	FUZZ_CHECK(nroots == 1, "a tree with %zu roots", nroots);
	FUZZ_CHECK(a->root < n && a->pkgs[a->root].root, "root %zu", a->root);
	FUZZ_CHECK(a->parent[a->root] == AUDITABLE_NONE, "the root has a parent");
	/* No cycle: Kahn's algorithm takes every package. */
	size_t *indeg = calloc(n ? n : 1, sizeof(*indeg));
	size_t *queue = malloc((n ? n : 1) * sizeof(*queue));
	FUZZ_CHECK(indeg && queue, "out of memory");
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < a->pkgs[i].ndeps; k++)
			indeg[a->pkgs[i].deps[k]]++;
	size_t head = 0, tail = 0;
	for (size_t i = 0; i < n; i++)
		if (!indeg[i])
			queue[tail++] = i;
	while (head < tail) {
		size_t u = queue[head++];
		for (size_t k = 0; k < a->pkgs[u].ndeps; k++)
			if (--indeg[a->pkgs[u].deps[k]] == 0)
				queue[tail++] = a->pkgs[u].deps[k];
	}
	FUZZ_CHECK(tail == n, "a tree, but only %zu of %zu packages are "
	           "outside cycles", tail, n);
	free(indeg);
	free(queue);
	/* Every parent is a real edge, and every chain ends at the root. */
	for (size_t i = 0; i < n; i++) {
		size_t j = i, steps = 0;
		if (a->parent[i] != AUDITABLE_NONE) {
			const auditable_pkg *pp = &a->pkgs[a->parent[i]];
			int edge = 0;
			for (size_t k = 0; k < pp->ndeps; k++)
				edge |= pp->deps[k] == i;
			FUZZ_CHECK(edge, "parent of %zu does not depend on it", i);
		}
		while (a->parent[j] != AUDITABLE_NONE) {
			j = a->parent[j];
			FUZZ_CHECK(++steps <= n, "the parents of %zu loop", i);
		}
		FUZZ_CHECK(j == a->root || steps == 0, "package %zu leads to %zu, "
		           "not the root", i, j);
	}
}

/* A container reader's answer on data[0..size): an error with a message,
 * or slices whose data lie in the buffer and do not overlap; then the
 * generic entry agrees, and each slice's data decodes or fails cleanly. */
static inline void fuzz_check_binfmt(int rc, const binfmt_info *info,
                                     const binfmt_error *err,
                                     const uint8_t *data, size_t size)
{
	FUZZ_CHECK(rc == 0 || rc == -1, "returned %d", rc);
	if (rc < 0) {
		FUZZ_CHECK(memchr(err->msg, '\0', sizeof err->msg) &&
		           err->msg[0], "an error without a message");
		return;
	}
	FUZZ_CHECK(info->nslices >= 1 && info->nslices <= BINFMT_SLICES_MAX,
	           "%zu slices", info->nslices);
	for (size_t i = 0; i < info->nslices; i++) {
		const binfmt_slice *s = &info->slice[i];
		if (!s->has_data)
			continue;
		FUZZ_CHECK(s->len > 0 && s->off <= size && s->len <= size - s->off,
		           "slice %zu: data [%zu, +%zu) outside %zu bytes", i,
		           s->off, s->len, size);
		for (size_t k = 0; k < i; k++) {
			const binfmt_slice *t = &info->slice[k];
			if (t->has_data)
				FUZZ_CHECK(s->off >= t->off + t->len ||
				           t->off >= s->off + s->len,
				           "the data of slices %zu and %zu overlap", k, i);
		}
		auditable a;
		auditable_error aerr;
		if (auditable_decode(&a, data + s->off, s->len, &aerr) == 0) {
			fuzz_check_auditable(&a);
			auditable_free(&a);
		} else {
			FUZZ_CHECK(aerr.msg[0], "decode failed without a message");
			FUZZ_CHECK(a.npkgs == 0 && a.mem == NULL, "a failed decode "
			           "kept memory");
		}
	}
	binfmt_info again;
	binfmt_error e2;
	FUZZ_CHECK(binfmt_find(&again, data, size, &e2) == 0 &&
	           again.nslices == info->nslices &&
	           memcmp(again.slice, info->slice,
	                  info->nslices * sizeof(info->slice[0])) == 0,
	           "binfmt_find disagrees with the format's own reader");
}

#endif
