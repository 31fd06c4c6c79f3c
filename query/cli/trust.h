/*
 * trust.h — advdb-query's side of signed indexes: which public key a
 * run trusts, opening the index through advdb_open_verified() when there
 * is one, and what `info` says about the signature.
 *
 * The key comes from --trust-key, else $ADVDB_TRUST_KEY, else the
 * configuration file (audit.toml, issue 15: it calls trust_choose() with
 * its value); an empty value at any level means none. With a key, every
 * command that opens the index verifies it first and refuses (exit 2)
 * an index that is unsigned, signed by another key, or altered. Without
 * one nothing changes: no key is read, libsodium is never started, and
 * the index is opened exactly as before (the one-shot check's cost).
 */
#ifndef ADVDB_CLI_TRUST_H
#define ADVDB_CLI_TRUST_H

#include <stddef.h>
#include "advdb.h"
#include "buf.h"
#include "cli.h"
#include "json.h"

/* Set o->trust_key and o->trust_from from the option's value (NULL when
 * not given), else $ADVDB_TRUST_KEY, else config (NULL when none). */
void trust_choose(cli_opts *o, const char *option, const char *config);

/* Open the index at path: advdb_open(), or advdb_open_verified() with
 * o->trust_key (then *sig, malloc'd, says who signed it; else NULL).
 * ADVDB_OK, or an advdb error with a message in err naming the file and
 * where the key came from. */
int trust_open(advdb **db, advdb_signature **sig, const cli_opts *o,
               const char *path, char *err, size_t errcap);

/* `info`: the signature of the index at path, verified (sig) or, without
 * a trusted key, as its signature file says (read, never trusted). */
void trust_info_human(buf *out, const advdb_signature *sig,
                      const char *path);
void trust_info_json(json *j, const advdb_signature *sig, const char *path);

#endif
