/*
 * advisory_affected.c — [versions] and [affected] of an advisory: the
 * requirement strings (kept as written), the intervals they mean
 * (schema/req.h, rustsec's reading), the vulnerable ranges computed from
 * them, and the os/arch/functions restrictions.
 *
 * Which rule is an error (rustsec refuses the advisory) and which a
 * warning (only its linter objects) follows advisory.c.
 *
 * Invariant: a requirement that fails to parse marks the set bad, and no
 * ranges are computed from a bad set (the advisory fails anyway), so a
 * record never carries ranges from half its requirements.
 */
#include "advisory_int.h"
#include "cargo_req.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Target architectures as the `platforms` crate names them (Arch's
 * from_str; rustsec's linter warns about others, loading accepts any). */
static const char *const arches[] = {
	"aarch64", "amdgpu", "arm", "arm64ec", "avr", "bpf", "csky", "hexagon",
	"loongarch32", "loongarch64", "m68k", "mips", "mips32r6", "mips64",
	"mips64r6",
	"msp430", "nvptx64", "powerpc", "powerpc64", "riscv32", "riscv64",
	"s390x", "sparc", "sparc64", "wasm32", "wasm64", "x86", "x86_64",
	"xtensa", NULL
};

/* Parse each string element of array v as a requirement: with rs, as
 * rustsec reads [versions] (req.h), adding the intervals to rs; without,
 * as a plain semver requirement (the `semver` crate's VersionReq, which
 * is all [affected.functions] asks of its strings: cargo_req.h).
 * Elements that are not strings were already reported by take_strlist
 * and are skipped here. */
static void parse_reqs(ctx *c, const toml_value *v, const char *what,
                       reqset *rs)
{
	char msg[REQ_TEXT_MAX + 128];
	interval iv;
	cargo_req cr;

	for (size_t i = 0; i < toml_array_len(v); i++) {
		const toml_value *e = toml_array_at(v, i);
		const char *s;
		size_t len;

		if (toml_kind(e) != TOML_STRING ||
		    (s = toml_string(e, &len)) == NULL)
			continue;
		if (memchr(s, '\0', len)) {
			adv_err(c, adv_vline(c, e), "%s: a requirement holds a NUL "
			    "character", what);
			if (rs)
				rs->bad = 1;
			continue;
		}
		if (!rs) {
			if (cargo_req_parse(&cr, s, len, msg, sizeof(msg)) < 0)
				adv_err(c, adv_vline(c, e), "%s: %s", what, msg);
			continue;
		}
		if (req_parse(&iv, s, len, msg, sizeof(msg)) < 0) {
			adv_err(c, adv_vline(c, e), "%s: %s", what, msg);
			rs->bad = 1;
			continue;
		}
		if (rs->n == REQ_RANGES_MAX) {
			adv_err(c, adv_vline(c, e), "%s: more than %u requirements", what,
			    (unsigned)REQ_RANGES_MAX);
			rs->bad = 1;
			continue;
		}
		rs->iv[rs->n++] = iv;
	}
}

void adv_check_versions(ctx *c, const toml_value *t, unsigned hdr,
                           reqset *rs)
{
	adv_record *r = &c->a->rec;
	int have_patched = 0;

	for (size_t i = 0; i < toml_table_len(t); i++) {
		const char *key = toml_table_key(t, i, NULL);
		const toml_value *v = toml_table_value(t, i);
		unsigned line = adv_kline(c, t, i);
		strlist *dst;

		if (strcmp(key, "patched") == 0) {
			dst = &r->patched;
			have_patched = 1;
		} else if (strcmp(key, "unaffected") == 0) {
			dst = &r->unaffected;
		} else {                /* serde ignores it; the linter not */
			adv_warn(c, line, "unknown key \"%s\" in [versions] "
			    "(ignored)", key);
			continue;
		}
		char what[32];
		snprintf(what, sizeof(what), "[versions] %s", key);
		if (adv_take_strlist(c, v, what, dst) == 0)
			parse_reqs(c, v, what, rs);
		else
			rs->bad = 1;
	}
	if (!have_patched)
		adv_err(c, hdr, "missing required key \"patched\" in [versions]");
}

void adv_compute_ranges(ctx *c, const reqset *rs, unsigned line)
{
	adv_record *r = &c->a->rec;
	char msg[REQ_TEXT_MAX * 2 + 128];
	size_t cap = rs->n + 1, n = 0;

	r->ranges = adv_alloc(c->a, cap * sizeof(*r->ranges));
	if (!r->ranges) {
		adv_oom(c, line);
		return;
	}
	if (req_vulnerable(r->ranges, cap, &n, rs->iv, rs->n, msg,
	                   sizeof(msg)) < 0) {
		adv_err(c, line, "[versions]: %s", msg);
		r->ranges = NULL;
		return;
	}
	r->nranges = (uint32_t)n;
}

/* ---- [affected] ---- */

static void check_functions(ctx *c, const toml_value *t, unsigned line)
{
	adv_record *r = &c->a->rec;

	if (toml_kind(t) != TOML_TABLE) {
		adv_err(c, line, "[affected] functions must be a table, not %s",
		    adv_kind_name(toml_kind(t)));
		return;
	}
	size_t n = toml_table_len(t);
	if (n > RECORD_LIST_MAX) {
		adv_err(c, line, "[affected] functions has %zu entries, more than "
		    "the %u allowed", n, (unsigned)RECORD_LIST_MAX);
		return;
	}
	if (n == 0)
		return;
	r->functions = adv_alloc(c->a, n * sizeof(*r->functions));
	if (!r->functions) {
		adv_oom(c, line);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t klen;
		const char *key = toml_table_key(t, i, &klen);
		const toml_value *v = toml_table_value(t, i);
		unsigned kl = adv_kline(c, t, i);
		adv_function *f = &r->functions[r->nfunctions];

		const char *why;
		size_t crate_len;
		if (adv_fnpath_check(key, klen, &crate_len, &why) < 0) {
			adv_err(c, kl, "function path \"%s\": %s", key, why);
		} else if (r->package) {
			/* The first part is the crate as Rust spells it (hyphens
			 * become underscores): a linter rule. */
			size_t pl = strlen(r->package);
			int same = pl == crate_len;
			for (size_t j = 0; same && j < pl; j++) {
				char pc = r->package[j] == '-' ? '_' : r->package[j];
				same = pc == key[j];
			}
			if (!same)
				adv_warn(c, kl, "function path \"%s\" must start with "
				    "the crate name", key);
		}
		if ((f->path = adv_str(c->a, key, klen)) == NULL) {
			adv_oom(c, kl);
			return;
		}
		char what[64];
		snprintf(what, sizeof(what), "[affected.functions] \"%.40s\"",
		         key);
		if (adv_take_strlist(c, v, what, &f->reqs) < 0)
			continue;
		parse_reqs(c, v, what, NULL);
		r->nfunctions++;
	}
}

void adv_check_affected(ctx *c, const toml_value *t)
{
	adv_record *r = &c->a->rec;

	for (size_t i = 0; i < toml_table_len(t); i++) {
		const char *key = toml_table_key(t, i, NULL);
		const toml_value *v = toml_table_value(t, i);
		unsigned line = adv_kline(c, t, i);

		if (strcmp(key, "arch") == 0) {
			if (adv_take_strlist(c, v, "[affected] arch", &r->arch) == 0)
				for (uint32_t j = 0; j < r->arch.n; j++)
					if (!adv_in_set(r->arch.v[j], arches))
						adv_warn(c, line, "unknown architecture "
						    "\"%s\"", r->arch.v[j]);
		} else if (strcmp(key, "os") == 0) {
			if (adv_take_strlist(c, v, "[affected] os", &r->os) == 0)
				for (uint32_t j = 0; j < r->os.n; j++)
					if (!r->os.v[j][0])
						adv_warn(c, line, "empty os name");
		} else if (strcmp(key, "functions") == 0) {
			check_functions(c, v, line);
		} else {                /* serde ignores it; the linter not */
			adv_warn(c, line, "unknown key \"%s\" in [affected] "
			    "(ignored)", key);
		}
	}
}
