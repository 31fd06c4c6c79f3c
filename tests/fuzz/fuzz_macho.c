/*
 * fuzz_macho.c — binfmt_macho() (query/binfmt.c) on arbitrary bytes, thin
 * and universal files: an error with a message, or per slice .dep-v0 data
 * inside the input (never two slices' data overlapping), which then
 * decodes (query/auditable.c) or fails cleanly. A universal file's slices
 * are also merged (auditable_from_binary) and the union checked.
 */
#include "fuzz_bin.h"

int fuzz_macho(const uint8_t *data, size_t size)
{
	binfmt_info info, info2;
	binfmt_error err;
	int rc = binfmt_macho(&info, data, size, &err);

	fuzz_check_binfmt(rc, &info, &err, data, size);
	if (rc == 0 && info.kind == BINFMT_MACHO_FAT) {
		auditable a;
		auditable_error aerr;
		size_t nodata;
		int r = auditable_from_binary(&a, &info2, &nodata, data, size,
		                              &aerr);
		FUZZ_CHECK(r == 0 || r == -1 || r == AUDITABLE_ENODATA, "%d", r);
		FUZZ_CHECK(nodata <= info2.nslices, "%zu slices without data of "
		           "%zu", nodata, info2.nslices);
		if (r == 0) {
			fuzz_check_auditable(&a);
			auditable_free(&a);
		}
	}
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_macho(data, size);
}
#endif
