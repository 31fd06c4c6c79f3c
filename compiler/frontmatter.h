/*
 * frontmatter.h — split one RustSec advisory file into its three parts:
 * the TOML front matter, the title and the Markdown description.
 *
 * The format, as the rustsec crate reads it (Parts::parse):
 *
 *     ```toml                 <- the first 7 bytes of the file
 *     [advisory]              <- front matter: everything up to ...
 *     ...
 *     ```                     <- ... the first "\n```" (a line starting
 *                                with three backticks)
 *                             <- white space
 *     # Title                 <- the first non-blank text: "# " (it may
 *                                follow the closing ``` on its line)
 *     Description...          <- after the title's line break (which must
 *                                exist), trimmed of white space both ends
 *
 * The front matter is trimmed at both ends; the title is the heading text
 * after "# ", trimmed at its end (it may be empty); the description is
 * everything after the title line, trimmed at both ends (Unicode white
 * space, as Rust's str::trim). Title and description then equal `summary`
 * and `details` of RustSec's own OSV export byte for byte.
 *
 * Invariants: the parts are views into the caller's text (no allocation,
 * valid as long as that text is); the whole file has been checked to be
 * non-empty, at most FRONTMATTER_FILE_MAX bytes and valid UTF-8 before
 * any part is handed out. NUL bytes are valid UTF-8 (rustsec accepts
 * them): the parts may hold some. Every error carries the 1-based line of
 * the file where it was found (0: the whole file).
 */
#ifndef ADVDB_COMPILER_FRONTMATTER_H
#define ADVDB_COMPILER_FRONTMATTER_H

#include <stddef.h>

#define FRONTMATTER_FILE_MAX (1u << 20)  /* == ADVISORY_FILE_MAX */

typedef struct fm_parts {
	const char *toml;        /* front matter, between the fences,
	                            trimmed */
	size_t toml_len;
	unsigned toml_line;      /* file line of toml[0]: TOML line n is file
	                            line n + toml_line - 1 */
	const char *title;       /* without "# ", not NUL-terminated; may
	                            be empty */
	size_t title_len;
	unsigned title_line;
	const char *desc;        /* may be empty (desc_len 0) */
	size_t desc_len;
	unsigned desc_line;      /* file line of desc[0] (title_line + 1 when
	                            empty) */
} fm_parts;

typedef struct fm_error {
	unsigned line;           /* 1-based; 0 when about the whole file */
	char msg[160];
} fm_error;

/*
 * Split `len` bytes of `text` into *out. Returns 0, or -1 with *err filled
 * (empty file, too big, invalid UTF-8, no opening fence, front matter
 * never closed, no title, no line break after the title).
 */
int frontmatter_split(fm_parts *out, const char *text, size_t len,
                      fm_error *err);

/* Length of the longest valid UTF-8 prefix of s[0..len); == len when all
 * of s is valid (no overlongs, no surrogates, nothing past U+10FFFF). */
size_t frontmatter_utf8_valid(const char *s, size_t len);

#endif
