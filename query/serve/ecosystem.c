/*
 * ecosystem.c — the OSV schema's ecosystem names (see ecosystem.h), in the
 * schema's order. When the schema gains a name, add it here: until then
 * osv.dev and this server would disagree about that name (tests/e2e
 * serve.sh checks this table against the schema in ../shared).
 */
#include "ecosystem.h"

#include <string.h>

static const char *const names[] = {
	"AlmaLinux", "Alpaquita", "Alpine", "Android", "Azure Linux",
	"BellSoft Hardened Containers", "Bioconductor", "Bitnami", "Chainguard",
	"CleanStart", "ConanCenter", "CRAN", "crates.io", "Debian",
	"Docker Hardened Images", "Echo", "FreeBSD", "GHC", "GitHub Actions",
	"Go", "Hackage", "Hex", "Julia", "Kubernetes", "Linux", "Mageia",
	"Maven", "MinimOS", "npm", "NuGet", "opam", "openEuler", "openSUSE",
	"OSS-Fuzz", "Packagist", "Photon OS", "Pub", "PyPI", "Red Hat",
	"Rocky Linux", "Root", "RubyGems", "SUSE", "SwiftURL", "TuxCare",
	"Ubuntu", "VSCode", "Wolfi",
};

int ecosystem_known(const char *name, size_t len)
{
	const char *colon = memchr(name, ':', len);
	size_t base = colon ? (size_t)(colon - name) : len;

	if (len == 3 && memcmp(name, "GIT", 3) == 0)
		return 1;           /* osv.dev's own, exactly (no suffix) */
	if (ecosystem_is_crates(name, len))
		return 1;           /* nearly every query: no walk of the list */

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == base && memcmp(names[i], name, base) == 0)
			return 1;
	return 0;
}

int ecosystem_is_crates(const char *name, size_t len)
{
	return len == 9 && memcmp(name, "crates.io", 9) == 0;
}
