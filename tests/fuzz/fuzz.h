/*
 * fuzz.h — what every fuzz target shares: the entry points, the check that
 * stops a run, and the invariants of vulnerable ranges that three targets
 * (req, advisory, record) verify the same way.
 *
 * Each target tests/fuzz/fuzz_<name>.c defines `int fuzz_<name>(data,
 * size)` and, unless FUZZ_REPLAY is defined, the libFuzzer entry point
 * calling it. The regression replayer (tests/unit/test_fuzz.c) defines
 * FUZZ_REPLAY and includes every target into one program, so the seeds and
 * the minimised crash inputs run under the ordinary build and sanitizers
 * without libFuzzer. Hence: file-local helpers carry a per-target prefix
 * (they share one translation unit there), and helpers here are static
 * inline (no unused-function warnings in targets that skip them).
 *
 * A failed FUZZ_CHECK prints what was violated and aborts: libFuzzer and
 * the sanitizers both treat that as a crash and keep the input.
 */
#ifndef ADVDB_FUZZ_H
#define ADVDB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"
#include "version.h"

#define FUZZ_CHECK(cond, ...)                                              \
	do {                                                                   \
		if (!(cond)) {                                                     \
			fprintf(stderr, "fuzz check failed at %s:%d: %s\n  ",          \
			        __FILE__, __LINE__, #cond);                            \
			fprintf(stderr, __VA_ARGS__);                                  \
			fputc('\n', stderr);                                           \
			abort();                                                       \
		}                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int fuzz_version(const uint8_t *data, size_t size);
int fuzz_version_order(const uint8_t *data, size_t size);
int fuzz_req(const uint8_t *data, size_t size);
int fuzz_toml(const uint8_t *data, size_t size);
int fuzz_advisory(const uint8_t *data, size_t size);
int fuzz_lockfile(const uint8_t *data, size_t size);
int fuzz_batch(const uint8_t *data, size_t size);
int fuzz_record(const uint8_t *data, size_t size);
int fuzz_db(const uint8_t *data, size_t size);
int fuzz_cargo_req(const uint8_t *data, size_t size);
int fuzz_manifest(const uint8_t *data, size_t size);
int fuzz_osv(const uint8_t *data, size_t size);
int fuzz_minisign(const uint8_t *data, size_t size);
int fuzz_skiplist(const uint8_t *data, size_t size);
int fuzz_elf(const uint8_t *data, size_t size);
int fuzz_pe(const uint8_t *data, size_t size);
int fuzz_macho(const uint8_t *data, size_t size);
int fuzz_wasm(const uint8_t *data, size_t size);
int fuzz_auditable(const uint8_t *data, size_t size);
int fuzz_config(const uint8_t *data, size_t size);
int fuzz_report(const uint8_t *data, size_t size);
int fuzz_cratesidx(const uint8_t *data, size_t size);
int fuzz_serve(const uint8_t *data, size_t size);
int fuzz_serve_fast(const uint8_t *data, size_t size);
int fuzz_http(const uint8_t *data, size_t size);
int fuzz_packages(const uint8_t *data, size_t size);

/* Length of the valid UTF-8 prefix of s (no overlongs, no surrogates,
 * nothing past U+10FFFF): written here so that checks of strings do not
 * trust the validator of the module under test. */
static inline size_t fuzz_utf8_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], need;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1; cp = c & 0x1F; min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2; cp = c & 0x0F; min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return i;
		}
		if (n - i <= need)
			return i;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += need + 1;
	}
	return i;
}

/* A version as text for messages (static buffer per call site is not an
 * option in one TU, so the caller supplies it). */
static inline const char *fuzz_vtext(const version *v, char *buf, size_t cap)
{
	if (version_format(v, buf, cap) >= cap && cap > 0)
		buf[cap - 1] = '\0';
	return buf;
}

/*
 * The invariants req.h promises for req_vulnerable() output: no range
 * reversed (introduced <= fixed; equal is the empty range rustsec keeps
 * between touching unaffected intervals), ranges sorted and
 * disjoint (fixed of one <= introduced of the next), and only the first
 * may start unbounded, only the last may stay unfixed.
 */
static inline void fuzz_check_ranges(const range *r, size_t n)
{
	char a[VERSION_TEXT_MAX + 1], b[VERSION_TEXT_MAX + 1];

	for (size_t i = 0; i < n; i++) {
		if (r[i].has_introduced && r[i].has_fixed)
			FUZZ_CHECK(version_cmp(&r[i].introduced, &r[i].fixed) <= 0,
			           "range %zu is reversed: [%s, %s)", i,
			           fuzz_vtext(&r[i].introduced, a, sizeof a),
			           fuzz_vtext(&r[i].fixed, b, sizeof b));
		if (i > 0)
			FUZZ_CHECK(r[i].has_introduced,
			           "range %zu of %zu has no lower bound", i, n);
		if (i + 1 < n) {
			FUZZ_CHECK(r[i].has_fixed,
			           "range %zu of %zu has no upper bound", i, n);
			if (r[i + 1].has_introduced)
				FUZZ_CHECK(version_cmp(&r[i].fixed,
				                       &r[i + 1].introduced) <= 0,
				           "ranges %zu and %zu overlap or are unsorted: "
				           "fixed %s, next introduced %s", i, i + 1,
				           fuzz_vtext(&r[i].fixed, a, sizeof a),
				           fuzz_vtext(&r[i + 1].introduced, b, sizeof b));
		}
	}
}

/* Is v in [introduced, fixed) of some range? Computed here, independently
 * of ranges_contain(), so the two can be compared. */
static inline int fuzz_in_ranges(const range *r, size_t n, const version *v)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].has_introduced && version_cmp(v, &r[i].introduced) < 0)
			continue;
		if (r[i].has_fixed && version_cmp(v, &r[i].fixed) >= 0)
			continue;
		return 1;
	}
	return 0;
}

#endif
