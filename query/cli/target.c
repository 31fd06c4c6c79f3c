/*
 * target.c — the accepted `--os` / `--arch` names and the nearest one to
 * a name that is not (see target.h).
 *
 * The tables are rustsec's platforms crate 4.1.1 (rustsec/rustsec,
 * platforms/src/target/os.rs and arch.rs, `impl FromStr`), in its order;
 * matching is exact, as FromStr's `match name` is. Suggestions are only
 * ever printed, never applied: `--os Windows` is refused, not read as
 * `windows`, so a command line means the same here and in cargo-audit.
 */
#include "target.h"

#include <stdio.h>
#include <string.h>

static const char *const os_names[] = {
	"aix", "amdhsa", "android", "cuda", "cygwin", "dragonfly",
	"emscripten", "espidf", "freebsd", "fuchsia", "haiku", "helenos",
	"hermit", "horizon", "hurd", "illumos", "ios", "l4re", "linux",
	"lynxos178", "macos", "managarm", "motor", "netbsd", "none", "nto",
	"nuttx", "openbsd", "psp", "psx", "qnx", "qurt", "redox", "rtems",
	"solaris", "solid_asp3", "teeos", "trusty", "tvos", "uefi", "unknown",
	"vexos", "visionos", "vita", "vxworks", "wasi", "watchos", "windows",
	"xous", "zkvm",
};

static const char *const arch_names[] = {
	"aarch64", "amdgpu", "arm", "arm64ec", "avr", "bpf", "csky",
	"hexagon", "loongarch32", "loongarch64", "m68k", "mips", "mips32r6",
	"mips64", "mips64r6", "msp430", "nvptx64", "powerpc", "powerpc64",
	"riscv32", "riscv64", "s390x", "sparc", "sparc64", "wasm32", "wasm64",
	"x86", "x86_64", "xtensa",
};

/* Other tools' words for a target (compared ignoring case): only for
 * the suggestion. */
static const struct alias { target_kind k; const char *from, *to; } aliases[] = {
	{ TARGET_OS, "win32", "windows" }, { TARGET_OS, "win64", "windows" },
	{ TARGET_OS, "win", "windows" }, { TARGET_OS, "mingw", "windows" },
	{ TARGET_OS, "darwin", "macos" }, { TARGET_OS, "osx", "macos" },
	{ TARGET_OS, "macosx", "macos" }, { TARGET_OS, "mac", "macos" },
	{ TARGET_OS, "iphoneos", "ios" }, { TARGET_OS, "sunos", "solaris" },
	{ TARGET_ARCH, "amd64", "x86_64" }, { TARGET_ARCH, "x64", "x86_64" },
	{ TARGET_ARCH, "x86-64", "x86_64" }, { TARGET_ARCH, "i386", "x86" },
	{ TARGET_ARCH, "i486", "x86" }, { TARGET_ARCH, "i586", "x86" },
	{ TARGET_ARCH, "i686", "x86" }, { TARGET_ARCH, "ia32", "x86" },
	{ TARGET_ARCH, "386", "x86" }, { TARGET_ARCH, "arm64", "aarch64" },
	{ TARGET_ARCH, "armv8", "aarch64" }, { TARGET_ARCH, "armv7", "arm" },
	{ TARGET_ARCH, "armhf", "arm" }, { TARGET_ARCH, "armel", "arm" },
	{ TARGET_ARCH, "ppc", "powerpc" }, { TARGET_ARCH, "ppc64", "powerpc64" },
	{ TARGET_ARCH, "ppc64le", "powerpc64" }, { TARGET_ARCH, "wasm", "wasm32" },
	{ TARGET_ARCH, "loong64", "loongarch64" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const *table(target_kind k, size_t *n)
{
	*n = k == TARGET_OS ? N(os_names) : N(arch_names);
	return k == TARGET_OS ? os_names : arch_names;
}

int target_known(target_kind k, const char *name)
{
	size_t n;
	const char *const *t = table(k, &n);

	for (size_t i = 0; name && i < n; i++)
		if (strcmp(t[i], name) == 0)
			return 1;
	return 0;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int same_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return 0;
	return *a == *b;
}

/* Edit distance ignoring case, or a number above max once it is clearly
 * past it (names are short: longer input is not a typo). */
static size_t distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), row[24];

	if (la >= N(row) || lb >= N(row) || (la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = lower((unsigned char)a[i - 1]) !=
			              lower((unsigned char)b[j - 1]);
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The accepted name nearest to name, or NULL. */
static const char *nearest(target_kind k, const char *name)
{
	size_t n, best = 3;
	const char *const *t = table(k, &n), *pick = NULL;

	for (size_t i = 0; i < n; i++)
		if (same_nocase(t[i], name))
			return t[i];
	for (size_t i = 0; i < N(aliases); i++)
		if (aliases[i].k == k && same_nocase(aliases[i].from, name))
			return aliases[i].to;
	if (strlen(name) < 3)
		return NULL;            /* any short word is 2 edits from one */
	for (size_t i = 0; i < n; i++) {
		size_t d = distance(name, t[i], 2);
		if (d < best) {
			best = d;
			pick = t[i];
		}
	}
	return pick;
}

int target_check(target_kind k, const char *name, char *msg, size_t cap)
{
	return target_check_as(k, k == TARGET_OS ? "--os" : "--arch", name,
	                       msg, cap);
}

int target_check_as(target_kind k, const char *opt, const char *name,
                    char *msg, size_t cap)
{
	const char *what = k == TARGET_OS ? "os" : "arch";
	size_t n, len;
	const char *const *t = table(k, &n);

	if (target_known(k, name))
		return 0;
	if (!*name) {
		snprintf(msg, cap, "%s: an empty name", opt);
	} else {
		const char *near = nearest(k, name);
		if (near) {
			snprintf(msg, cap, "%s %s: not a target %s name (did you "
			         "mean %s?)", opt, name, what, near);
			return -1;
		}
		snprintf(msg, cap, "%s %s: not a target %s name", opt, name, what);
	}
	/* then every accepted spelling */
	len = strlen(msg);
	for (size_t i = 0; i < n && len < cap; i++) {
		int w = snprintf(msg + len, cap - len, "%s%s",
		                 i ? ", " : "; accepted (as rustsec): ", t[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return -1;
}
