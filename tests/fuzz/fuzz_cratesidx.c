/*
 * fuzz_cratesidx.c — compiler/cratesidx.c on arbitrary bytes: one file of
 * a crates.io index mirror (JSON lines from a mirror nobody vetted), and
 * schema/crates.c's decoder on the same bytes as a stored crate record.
 *
 * The file is read as crate "fuzz" (and its first line, as a path, goes
 * through cratesidx_path). The parse must succeed (only memory may fail),
 * report every line it leaves out and count it, and give a record that
 * decodes, encodes back to the same bytes, holds no more yanked versions
 * than versions, and whose latest is a release and pre-release newer.
 */
#include "fuzz.h"
#include "crates.h"
#include "cratesidx.h"

typedef struct fc_count {
	size_t lines;           /* reports about a line (not line 0) */
	size_t total;
} fc_count;

static void fc_report(void *arg, unsigned line, const char *msg)
{
	fc_count *c = arg;
	FUZZ_CHECK(msg && *msg, "an empty report");
	c->total++;
	c->lines += line != 0;
}

int fuzz_cratesidx(const uint8_t *data, size_t size)
{
	cratesidx_file f;
	fc_count c = { 0, 0 };
	crate_rec r;
	char name[ADV_PACKAGE_MAX + 1], path[512];
	const char *why;

	/* the first line as a path of the layout */
	size_t pl = 0;
	while (pl < size && pl + 1 < sizeof(path) && data[pl] != '\n' &&
	       data[pl] != 0)
		pl++;
	memcpy(path, data, pl);
	path[pl] = '\0';
	int in = cratesidx_path(name, path, &why);
	FUZZ_CHECK(in >= -1 && in <= 1, "cratesidx_path gave %d", in);
	FUZZ_CHECK(in >= 0 || why, "a bad path without a reason");
	if (in == 1)
		FUZZ_CHECK(strlen(name) >= 1 && strlen(name) <= ADV_PACKAGE_MAX,
		           "a name of %zu bytes", strlen(name));

	/* the same bytes as a stored record: decoded safely or refused */
	if (crate_rec_decode(&r, data, size) == 0) {
		uint8_t *out = malloc(size ? size : 1);
		FUZZ_CHECK(out != NULL, "out of memory");
		FUZZ_CHECK(crate_rec_size(&r) == size, "decoded size differs");
		crate_rec_encode(out, &r);
		FUZZ_CHECK(!memcmp(out, data, size), "re-encoding differs");
		free(out);
	}

	if (cratesidx_parse(&f, "fuzz", (const char *)data, size, fc_report,
	                    &c) < 0)
		return 0;                   /* out of memory */
	/* every line left out is reported on its line, except past the
	 * yanked cap, where the whole file is (line 0) */
	FUZZ_CHECK(c.lines == f.bad || (!f.rec && c.total > c.lines),
	           "%zu line reports, %zu bad", c.lines, f.bad);
	FUZZ_CHECK((f.rec != NULL) == (f.versions > 0),
	           "record %p with %u versions", (void *)f.rec, f.versions);
	if (f.rec) {
		FUZZ_CHECK(crate_rec_decode(&r, f.rec, f.rec_len) == 0,
		           "the parser's record does not decode");
		FUZZ_CHECK(r.versions == f.versions && r.n_yanked == f.yanked &&
		           f.yanked <= f.versions, "counts differ");
		FUZZ_CHECK(!r.latest || !version_key_is_pre(r.latest,
		           r.latest_len), "latest is a pre-release");
		FUZZ_CHECK(!r.pre || version_key_is_pre(r.pre, r.pre_len),
		           "latest_pre is a release");
		FUZZ_CHECK(r.latest || r.pre || r.n_yanked == r.versions,
		           "versions not yanked but no latest");
	} else {
		FUZZ_CHECK(c.total > c.lines, "no record and no file report");
	}
	cratesidx_file_free(&f);
	return 0;
}

#ifndef FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_cratesidx(data, size);
}
#endif
