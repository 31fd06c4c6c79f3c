/*
 * osvout.h — one advisory record as one OSV JSON object: the OSV export
 * (the mapping is schema/osvmap.h's, shared with the import). export-osv
 * writes a file of it per advisory; a server of the OSV API renders its
 * answers with it too. The object is what RustSec's own OSV export
 * writes for the advisory, key for key and byte for byte (withdrawn
 * advisories keep their `withdrawn` time).
 */
#ifndef ADVDB_CLI_OSVOUT_H
#define ADVDB_CLI_OSVOUT_H

#include <stdint.h>

#include "json.h"
#include "record.h"
#include "rfc3339.h"

/* Write r as an OSV object into j, as one value (j may be inside an
 * array or after a key). `modified` is r's last commit time when known,
 * else modified_fallback (the source commit's time: an upper bound),
 * else r's date at noon. Memory failures show in j's buffer (failed). */
void osvout_advisory(json *j, const adv_record *r, int64_t modified_fallback);

/* The `modified` time osvout_advisory writes for r, into out (an OSV API
 * server answers it alone, in querybatch): 0, or -1 with out "" when r
 * has neither a time nor a YYYY-MM-DD date (the object then carries r's
 * date text as it is). */
int osvout_modified(char out[RFC3339_MAX], const adv_record *r,
                    int64_t modified_fallback);

#endif
