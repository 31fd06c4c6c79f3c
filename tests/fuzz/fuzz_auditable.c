/*
 * fuzz_auditable.c — the payload (query/auditable.c) on arbitrary bytes:
 * an input starting with '{' is parsed as the JSON itself, anything else
 * inflated first (zlib, with its cap). Accepted data must keep
 * auditable.h's promises, re-checked by fuzz_bin.h (the graph by another
 * algorithm); rejected data leaves a message and no memory.
 */
#include "fuzz_bin.h"

int fuzz_auditable(const uint8_t *data, size_t size)
{
	auditable a;
	auditable_error err;
	int rc;

	memset(&a, 0x55, sizeof a);
	if (size && data[0] == '{')
		rc = auditable_parse_json(&a, (const char *)data, size, &err);
	else
		rc = auditable_decode(&a, data, size, &err);
	if (rc != 0) {
		FUZZ_CHECK(rc == -1, "returned %d", rc);
		FUZZ_CHECK(memchr(err.msg, '\0', sizeof err.msg) && err.msg[0],
		           "rejected without a message");
		FUZZ_CHECK(a.npkgs == 0 && a.mem == NULL && a.pkgs == NULL,
		           "a failed parse did not zero *out");
		return 0;
	}
	fuzz_check_auditable(&a);
	auditable_free(&a);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_auditable(data, size);
}
#endif
