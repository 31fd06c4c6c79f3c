/*
 * escape.h — the one escaping of untrusted text for a terminal, shared by
 * both programs (messages, reports, `show`, compiler diagnostics).
 *
 * Text from advisories, lockfiles, manifests and file names nobody vetted
 * may carry bytes that a terminal obeys rather than shows: C0 controls and
 * DEL (escape sequences, carriage returns), C1 controls U+0080..U+009F
 * (CSI as one character), the bidirectional overrides, embeddings and
 * isolates (U+202A..U+202E, U+2066..U+2069) and marks (U+200E, U+200F,
 * U+061C), which reorder what is displayed ("Trojan Source"), and bytes
 * that are not UTF-8 (a lone 0x9B is CSI to an 8-bit terminal). Each is
 * written as an escape that shows what was there:
 *   a byte (C0, DEL, not UTF-8)      \xNN
 *   a code point (C1, bidi)          \uNNNN
 * Everything else (printable ASCII, well-formed UTF-8) passes unchanged.
 * With ESCAPE_MULTILINE, newline and tab pass too (a description).
 *
 * Invariant: the output never holds a byte or code point listed above,
 * so a message stays one line and the terminal only displays it.
 * JSON output has its own string escaping (query/cli/json.c) but asks
 * escape_unsafe_cp() which code points to write as \uNNNN there too.
 */
#ifndef ADVDB_SCHEMA_ESCAPE_H
#define ADVDB_SCHEMA_ESCAPE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ESCAPE_MULTILINE 0x01   /* '\n' and '\t' pass unescaped */
#define ESCAPE_SEQ_MAX 6        /* the longest escape: \uNNNN */

/* Is code point cp (a well-formed UTF-8 sequence of 2+ bytes) one a
 * terminal must not receive: C1 or a bidi control? */
int escape_unsafe_cp(uint32_t cp);

/* Bytes at the start of s[0..n) that may be written as they are. */
size_t escape_span(const char *s, size_t n, unsigned flags);

/* The escape for the unsafe sequence at s (n > 0; s[0] is where
 * escape_span stopped): writes it into out (no NUL) and its length into
 * *outlen; returns how many bytes of s it stands for (1 or more). */
size_t escape_one(char out[ESCAPE_SEQ_MAX], size_t *outlen, const char *s,
                  size_t n);

/* s[0..n) escaped into out (cap bytes, NUL-terminated when cap > 0). An
 * escape is never cut: when the text does not fit, it ends with "..." at
 * the last whole escape. Returns the length written. */
size_t escape_text(char *out, size_t cap, const char *s, size_t n,
                   unsigned flags);

/* The NUL-terminated s, escaped, to f (stdio errors show on f). */
void escape_fputs(const char *s, unsigned flags, FILE *f);
/* The same for n bytes of s (which need not be NUL-terminated). */
void escape_fwrite(const char *s, size_t n, unsigned flags, FILE *f);

#endif
