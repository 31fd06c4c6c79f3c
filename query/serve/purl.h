/*
 * purl.h — Package URLs (`pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS#SUBPATH`,
 * the package-url specification) as the OSV API reads them in
 * `package.purl`: the type says the ecosystem, the name and version are
 * percent-decoded.
 *
 * The reading follows osv.dev's (go/purl, through packageurl-go's
 * FromString): the scheme `pkg` (any case), slashes after it skipped, the
 * subpath after `#` and the qualifiers after `?` cut off, the type up to
 * the first `/` (lower-cased), the version after the last `@`, the name
 * the last `/` segment of what remains and the namespace the rest. Only
 * the type `cargo` is a crates.io package; every other type, known to
 * osv.dev or not, names an ecosystem this index holds nothing for.
 *
 * Invariant: decoded texts never hold a NUL (a `%00` is an error), so they
 * can be used as C strings.
 */
#ifndef ADVDB_SERVE_PURL_H
#define ADVDB_SERVE_PURL_H

#include <stddef.h>

typedef struct purl {
	char type[32];              /* lower case */
	const char *name;           /* decoded, NUL-terminated, in scratch */
	size_t name_len;
	const char *version;        /* decoded, NUL-terminated; NULL: none */
	size_t version_len;
} purl;

/*
 * Parse s[0..n) (need not be NUL-terminated). scratch must hold n + 2
 * bytes; out's texts point into it. Returns 0, or -1 with a message in
 * msg (cap bytes) saying what is wrong.
 */
int purl_parse(purl *out, const char *s, size_t n, char *scratch,
               char *msg, size_t cap);

/* Is this the type of crates.io packages? */
int purl_is_cargo(const purl *p);

#endif
