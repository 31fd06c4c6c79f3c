/*
 * fuzz_elf.c — binfmt_elf() (query/binfmt.c) on arbitrary bytes: an error
 * with a message, or .dep-v0 data inside the input, which then decodes
 * (query/auditable.c) or fails cleanly (fuzz_bin.h has the checks).
 */
#include "fuzz_bin.h"

int fuzz_elf(const uint8_t *data, size_t size)
{
	binfmt_info info;
	binfmt_error err;
	int rc = binfmt_elf(&info, data, size, &err);

	fuzz_check_binfmt(rc, &info, &err, data, size);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_elf(data, size);
}
#endif
