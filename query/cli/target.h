/*
 * target.h — the target names `--os` and `--arch` accept: exactly the
 * spellings of rustsec's `platforms` crate (platforms 4.1.1,
 * `target::Os` and `target::Arch`, whose FromStr takes the lower-case
 * `#[cfg(target_os)]` / `#[cfg(target_arch)]` words and nothing else).
 *
 * A name outside the table would match no advisory's `[affected]` list
 * and silently filter out every advisory restricted to a target, so it is
 * a usage error; the message names the nearest accepted spelling (case,
 * a common alias such as amd64 or win32, or a small typo), else lists
 * them all. This file owns the table; nothing else spells the names.
 *
 * The compiler does not check `[affected] os/arch` against it: rustsec
 * reads those as plain strings (rustsec commit bba6794b), so an advisory
 * naming a target this table lacks still compiles, as it does in rustsec.
 */
#ifndef ADVDB_CLI_TARGET_H
#define ADVDB_CLI_TARGET_H

#include <stddef.h>

typedef enum target_kind { TARGET_OS, TARGET_ARCH } target_kind;

/* Is name an accepted spelling of this kind? */
int target_known(target_kind k, const char *name);

/* 0 when name is accepted; else -1 with a message for `--os NAME` /
 * `--arch NAME` in msg (cap bytes): the nearest spelling, or the list. */
int target_check(target_kind k, const char *name, char *msg, size_t cap);

/* The same, naming the option (or audit.toml key) as `opt` in msg:
 * "--target-os Windows: ...", "[target] os Windows: ...". */
int target_check_as(target_kind k, const char *opt, const char *name,
                    char *msg, size_t cap);

#endif
