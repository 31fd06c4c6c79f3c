/*
 * fleet_int.h — what the parts of `report` share and nothing else sees:
 * the hash tables behind fleet.maps (fleet.c fills them, fleet_rank.c
 * reads the pairs) and the small pieces every renderer words alike.
 */
#ifndef ADVDB_CLI_FLEET_INT_H
#define ADVDB_CLI_FLEET_INT_H

#include "fleet.h"
#include "strmap.h"

#define FLEET_MSG_MAX 512       /* an error message kept, in bytes */

typedef struct pairkey {        /* (crate, advisory) -> findings */
	size_t crate, adv, count;
	char *key;                  /* "crate\x01id", owned */
} pairkey;

typedef struct maps {
	strmap adv, crate, pair;
	pairkey *pairs;
	size_t npairs, cappairs;
} maps;

/* "out of memory" on stderr; returns -1. */
int fleet_oom(void);

/* Error lines and incomplete reports: the fleet's unchecked inputs. */
size_t fleet_errors(const fleet *fl);

/* Whether the fleet can be called clean of errors at all (exit 2). */
int fleet_failed(const fleet *fl, int allow_incomplete);

/* one or many, by n */
const char *fleet_pl(size_t n, const char *one, const char *many);

static inline size_t fleet_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

#endif
