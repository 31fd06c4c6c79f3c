/*
 * binfmt.c — finding `.dep-v0` in ELF, PE, Mach-O (thin and fat) and
 * WebAssembly files (see binfmt.h for what is checked).
 *
 * Every read goes through fits() (offset + size within a length, no
 * wrap-around: all arithmetic on uint64_t, sizes compared by subtraction)
 * and then the get16/get32/get64 helpers, which take the byte order of the
 * file. Loops over counts read from the file are bounded twice: by the
 * BINFMT_*_MAX caps, and by the table they walk having been checked to fit
 * the buffer first; nothing here recurses, so a file cannot nest deeper
 * than one universal header over thin slices.
 */
#include "binfmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"
#include "le.h"

#define NAME_LEN 7                      /* strlen(".dep-v0") */

/* ---- reading ---- */

static int fits(uint64_t off, uint64_t n, uint64_t len)
{
	return off <= len && n <= len - off;
}

/* Do [a, a+an) and [b, b+bn) share a byte? (Both known to fit.) */
static int overlaps(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return an && bn && a < b + bn && b < a + an;
}

static uint16_t get16(const unsigned char *p, int be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : le16_get(p);
}

static uint32_t get32(const unsigned char *p, int be)
{
	if (be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return le32_get(p);
}

static uint64_t get64(const unsigned char *p, int be)
{
	uint64_t hi = get32(p + (be ? 0 : 4), be);
	uint64_t lo = get32(p + (be ? 4 : 0), be);
	return hi << 32 | lo;
}

static int fail(binfmt_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(binfmt_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(err->msg, sizeof(err->msg), "malformed binary", fmt, ap);
	va_end(ap);
	return -1;
}

static void start(binfmt_info *out, binfmt_kind kind, binfmt_error *err)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->nslices = 1;
	err->msg[0] = '\0';
}

/* Record the data of a slice, refusing a second .dep-v0. */
static int found(binfmt_slice *sl, uint64_t off, uint64_t len,
                 const char *what, binfmt_error *err)
{
	if (sl->has_data)
		return fail(err, "%s: two .dep-v0 sections", what);
	sl->has_data = 1;
	sl->off = (size_t)off;
	sl->len = (size_t)len;
	return 0;
}

/* ---- detection ---- */

#define MH_MAGIC      0xfeedfaceu
#define MH_MAGIC_64   0xfeedfacfu
#define MH_CIGAM      0xcefaedfeu
#define MH_CIGAM_64   0xcffaedfeu
#define FAT_MAGIC     0xcafebabeu
#define FAT_MAGIC_64  0xcafebabfu

static int is_thin_macho(const unsigned char *p, size_t len)
{
	if (len < 4)
		return 0;
	uint32_t m = get32(p, 0);
	return m == MH_MAGIC || m == MH_MAGIC_64 || m == MH_CIGAM ||
	       m == MH_CIGAM_64;
}

static int is_fat(const unsigned char *p, size_t len)
{
	if (len < 8)
		return 0;
	uint32_t m = get32(p, 1), n = get32(p + 4, 1);
	return (m == FAT_MAGIC || m == FAT_MAGIC_64) && n >= 1 &&
	       n <= BINFMT_SLICES_MAX;
}

binfmt_kind binfmt_detect(const unsigned char *p, size_t len)
{
	if (len >= 4 && memcmp(p, "\x7f" "ELF", 4) == 0)
		return BINFMT_ELF;
	if (len >= 2 && p[0] == 'M' && p[1] == 'Z')
		return BINFMT_PE;
	if (is_thin_macho(p, len))
		return BINFMT_MACHO;
	if (is_fat(p, len))
		return BINFMT_MACHO_FAT;
	if (len >= 4 && memcmp(p, "\0asm", 4) == 0)
		return BINFMT_WASM;
	return BINFMT_UNKNOWN;
}

const char *binfmt_kind_name(binfmt_kind k)
{
	switch (k) {
	case BINFMT_ELF: return "ELF";
	case BINFMT_PE: return "PE";
	case BINFMT_MACHO: return "Mach-O";
	case BINFMT_MACHO_FAT: return "Mach-O universal";
	case BINFMT_WASM: return "WebAssembly";
	default: return "unknown";
	}
}

const char *binfmt_cpu_name(uint32_t cputype)
{
	switch (cputype) {
	case 7: return "i386";
	case 0x01000007: return "x86_64";
	case 12: return "arm";
	case 0x0100000c: return "arm64";
	case 0x0200000c: return "arm64_32";
	case 18: return "ppc";
	case 0x01000012: return "ppc64";
	default: return NULL;
	}
}

/* ---- ELF ---- */

#define SHT_NOBITS 8
#define SHN_XINDEX 0xffffu

int binfmt_elf(binfmt_info *out, const unsigned char *p, size_t len,
               binfmt_error *err)
{
	start(out, BINFMT_ELF, err);
	if (len < 16 || memcmp(p, "\x7f" "ELF", 4) != 0)
		return fail(err, "not an ELF file");
	unsigned cls = p[4], data = p[5];
	if (cls != 1 && cls != 2)
		return fail(err, "ELF: unknown class %u (neither 32- nor "
		            "64-bit)", cls);
	if (data != 1 && data != 2)
		return fail(err, "ELF: unknown byte order %u", data);
	int is64 = cls == 2, be = data == 2;
	snprintf(out->format, sizeof(out->format), "ELF %d-bit %s",
	         is64 ? 64 : 32, be ? "MSB" : "LSB");

	uint64_t ehsize = is64 ? 64 : 52, entmin = is64 ? 64 : 40;
	if (len < ehsize)
		return fail(err, "ELF: truncated: %zu bytes, the header alone "
		            "needs %u", len, (unsigned)ehsize);
	uint64_t shoff = is64 ? get64(p + 0x28, be) : get32(p + 0x20, be);
	unsigned shentsize = get16(p + (is64 ? 0x3a : 0x2e), be);
	uint64_t count = get16(p + (is64 ? 0x3c : 0x30), be);
	unsigned strndx = get16(p + (is64 ? 0x3e : 0x32), be);

	if (shoff == 0)
		return 0;               /* no section table: no data */
	if (shentsize < entmin)
		return fail(err, "ELF: section header size %u, less than %u",
		            shentsize, (unsigned)entmin);
	if (shoff < ehsize)
		return fail(err, "ELF: the section table (offset %llu) "
		            "overlaps the ELF header",
		            (unsigned long long)shoff);
	if (!fits(shoff, shentsize, len))
		return fail(err, "ELF: the section table (offset %llu) lies "
		            "outside the file (%zu bytes)",
		            (unsigned long long)shoff, len);
	/* Extended numbering: with 0xff00 sections or more, the count and
	 * the name table's index live in section 0. */
	const unsigned char *sh0 = p + shoff;
	if (count == 0)
		count = is64 ? get64(sh0 + 0x20, be) : get32(sh0 + 0x14, be);
	if (strndx == SHN_XINDEX)
		strndx = get32(sh0 + (is64 ? 0x28 : 0x18), be);
	if (count == 0)
		return 0;
	if (count > BINFMT_SECTIONS_MAX)
		return fail(err, "ELF: %llu sections, more than the %d allowed",
		            (unsigned long long)count, BINFMT_SECTIONS_MAX);
	uint64_t tabsize = count * shentsize;   /* < 2^17 * 2^16: no wrap */
	if (!fits(shoff, tabsize, len))
		return fail(err, "ELF: the section table (%llu entries of %u "
		            "bytes at offset %llu) ends past the end of the "
		            "file (%zu bytes)", (unsigned long long)count,
		            shentsize, (unsigned long long)shoff, len);
	if (strndx == 0 || strndx >= count)
		return fail(err, "ELF: section name table index %u out of "
		            "range (%llu sections)", strndx,
		            (unsigned long long)count);

	/* The section name table. */
	const unsigned char *st = p + shoff + (uint64_t)strndx * shentsize;
	uint64_t stoff = is64 ? get64(st + 0x18, be) : get32(st + 0x10, be);
	uint64_t stsize = is64 ? get64(st + 0x20, be) : get32(st + 0x14, be);
	if (get32(st + 4, be) == SHT_NOBITS || !fits(stoff, stsize, len))
		return fail(err, "ELF: the section name table (offset %llu, "
		            "%llu bytes) lies outside the file (%zu bytes)",
		            (unsigned long long)stoff,
		            (unsigned long long)stsize, len);

	for (uint64_t i = 0; i < count; i++) {
		const unsigned char *sh = p + shoff + i * shentsize;
		uint64_t name = get32(sh, be);
		if (name >= stsize)
			return fail(err, "ELF: section %llu: name offset %llu "
			            "outside the name table (%llu bytes)",
			            (unsigned long long)i,
			            (unsigned long long)name,
			            (unsigned long long)stsize);
		if (stsize - name < NAME_LEN + 1 ||
		    memcmp(p + stoff + name, BINFMT_SECTION_NAME,
		           NAME_LEN + 1) != 0)
			continue;
		uint32_t type = get32(sh + 4, be);
		uint64_t off = is64 ? get64(sh + 0x18, be) : get32(sh + 0x10, be);
		uint64_t size = is64 ? get64(sh + 0x20, be) : get32(sh + 0x14, be);
		if (type == SHT_NOBITS)
			return fail(err, "ELF: the .dep-v0 section has no bytes "
			            "in the file (SHT_NOBITS)");
		if (size == 0)
			return fail(err, "ELF: the .dep-v0 section is empty");
		if (!fits(off, size, len))
			return fail(err, "ELF: the .dep-v0 section (offset %llu, "
			            "%llu bytes) lies outside the file (%zu bytes)",
			            (unsigned long long)off,
			            (unsigned long long)size, len);
		if (overlaps(off, size, 0, ehsize) ||
		    overlaps(off, size, shoff, tabsize))
			return fail(err, "ELF: the .dep-v0 section (offset %llu, "
			            "%llu bytes) overlaps the %s",
			            (unsigned long long)off,
			            (unsigned long long)size,
			            off < ehsize ? "ELF header" : "section table");
		if (found(&out->slice[0], off, size, "ELF", err) < 0)
			return -1;
	}
	return 0;
}

/* ---- PE/COFF ---- */

#define PE_DOS_HEADER 0x40u
#define PE_SECTION 40u

int binfmt_pe(binfmt_info *out, const unsigned char *p, size_t len,
              binfmt_error *err)
{
	start(out, BINFMT_PE, err);
	if (len < 2 || p[0] != 'M' || p[1] != 'Z')
		return fail(err, "not a PE file");
	if (len < PE_DOS_HEADER)
		return fail(err, "PE: truncated: %zu bytes, the DOS header "
		            "alone needs %u", len, PE_DOS_HEADER);
	uint64_t pe = get32(p + 0x3c, 0);
	if (pe == 0)
		return fail(err, "PE: no PE header: an MS-DOS program?");
	if (pe < PE_DOS_HEADER)
		return fail(err, "PE: the PE header (offset %llu) overlaps the "
		            "DOS header", (unsigned long long)pe);
	if (!fits(pe, 24, len))
		return fail(err, "PE: the PE header (offset %llu) lies outside "
		            "the file (%zu bytes): an MS-DOS program?",
		            (unsigned long long)pe, len);
	if (memcmp(p + pe, "PE\0\0", 4) != 0)
		return fail(err, "PE: no PE signature at offset %llu: an MS-DOS "
		            "program?", (unsigned long long)pe);
	const unsigned char *coff = p + pe + 4;
	unsigned nsect = get16(coff + 2, 0);
	uint64_t optsize = get16(coff + 16, 0), opt = pe + 24;
	if (optsize < 2 || !fits(opt, optsize, len))
		return fail(err, "PE: the optional header (offset %llu, %llu "
		            "bytes) is missing or lies outside the file (%zu "
		            "bytes)", (unsigned long long)opt,
		            (unsigned long long)optsize, len);
	unsigned magic = get16(p + opt, 0);
	if (magic != 0x10b && magic != 0x20b)
		return fail(err, "PE: unknown optional header magic 0x%x",
		            magic);
	snprintf(out->format, sizeof(out->format), "%s",
	         magic == 0x20b ? "PE32+" : "PE32");

	/* NumberOfSections is 16 bits: always within BINFMT_SECTIONS_MAX. */
	uint64_t tab = opt + optsize, tabsize = (uint64_t)nsect * PE_SECTION;
	if (!fits(tab, tabsize, len))
		return fail(err, "PE: the section table (%u entries at offset "
		            "%llu) ends past the end of the file (%zu bytes)",
		            nsect, (unsigned long long)tab, len);
	uint64_t headers_end = tab + tabsize;
	for (unsigned i = 0; i < nsect; i++) {
		const unsigned char *sh = p + tab + (uint64_t)i * PE_SECTION;
		/* Names up to 8 bytes are inline; ".dep-v0" is 7. */
		if (memcmp(sh, BINFMT_SECTION_NAME, NAME_LEN + 1) != 0)
			continue;
		uint64_t vsize = get32(sh + 8, 0), rawsize = get32(sh + 16, 0);
		uint64_t rawptr = get32(sh + 20, 0);
		/* SizeOfRawData is rounded up to the file alignment; the
		 * virtual size, when smaller, is the section's own. */
		uint64_t size = vsize && vsize < rawsize ? vsize : rawsize;
		if (size == 0 || rawptr == 0)
			return fail(err, "PE: the .dep-v0 section has no bytes in "
			            "the file");
		if (!fits(rawptr, size, len))
			return fail(err, "PE: the .dep-v0 section (offset %llu, "
			            "%llu bytes) lies outside the file (%zu bytes)",
			            (unsigned long long)rawptr,
			            (unsigned long long)size, len);
		if (rawptr < headers_end)
			return fail(err, "PE: the .dep-v0 section (offset %llu) "
			            "overlaps the headers (which end at %llu)",
			            (unsigned long long)rawptr,
			            (unsigned long long)headers_end);
		if (found(&out->slice[0], rawptr, size, "PE", err) < 0)
			return -1;
	}
	return 0;
}

/* ---- Mach-O ---- */

#define LC_SEGMENT    0x1u
#define LC_SEGMENT_64 0x19u
#define S_ZEROFILL              0x1u
#define S_GB_ZEROFILL           0xcu
#define S_THREAD_LOCAL_ZEROFILL 0x12u

/* A 16-byte, NUL-padded Mach-O name equal to want? */
static int name16_is(const unsigned char *field, const char *want)
{
	size_t n = strlen(want);
	return memcmp(field, want, n) == 0 && (n == 16 || field[n] == '\0');
}

static void cpu_text(char *buf, size_t cap, uint32_t cputype)
{
	const char *n = binfmt_cpu_name(cputype);
	if (n)
		snprintf(buf, cap, "%s", n);
	else
		snprintf(buf, cap, "cpu 0x%x", (unsigned)cputype);
}

/*
 * One thin Mach-O image at p[base .. base+slen) of the whole buffer.
 * `what` prefixes messages ("Mach-O" or "Mach-O universal: slice 2
 * (arm64)"). Offsets in a slice are relative to the slice.
 */
static int macho_thin(binfmt_slice *sl, char *format, size_t fcap,
                      const unsigned char *whole, uint64_t base,
                      uint64_t slen, const char *what, binfmt_error *err)
{
	const unsigned char *p = whole + base;
	int be, is64;

	if (slen < 4)
		return fail(err, "%s: truncated: %llu bytes", what,
		            (unsigned long long)slen);
	switch (get32(p, 0)) {
	case MH_MAGIC: be = 0; is64 = 0; break;
	case MH_MAGIC_64: be = 0; is64 = 1; break;
	case MH_CIGAM: be = 1; is64 = 0; break;
	case MH_CIGAM_64: be = 1; is64 = 1; break;
	default:
		if (get32(p, 1) == FAT_MAGIC || get32(p, 1) == FAT_MAGIC_64)
			return fail(err, "%s: a universal file inside a universal "
			            "file (nesting is not allowed)", what);
		return fail(err, "%s: not a Mach-O image (magic 0x%08x)", what,
		            (unsigned)get32(p, 1));
	}
	uint64_t hdr = is64 ? 32 : 28;
	if (slen < hdr)
		return fail(err, "%s: truncated: %llu bytes, the header alone "
		            "needs %llu", what, (unsigned long long)slen,
		            (unsigned long long)hdr);
	sl->cputype = get32(p + 4, be);
	sl->cpusubtype = get32(p + 8, be);
	uint64_t ncmds = get32(p + 16, be), sizeofcmds = get32(p + 20, be);
	if (format)
		snprintf(format, fcap, "Mach-O %d-bit %s", is64 ? 64 : 32,
		         be ? "MSB" : "LSB");
	if (ncmds > BINFMT_LOADCMDS_MAX)
		return fail(err, "%s: %llu load commands, more than the %d "
		            "allowed", what, (unsigned long long)ncmds,
		            BINFMT_LOADCMDS_MAX);
	if (!fits(hdr, sizeofcmds, slen))
		return fail(err, "%s: the load commands (%llu bytes) end past "
		            "the end of the file (%llu bytes)", what,
		            (unsigned long long)sizeofcmds,
		            (unsigned long long)slen);
	uint64_t end = hdr + sizeofcmds, off = hdr, nsections = 0;
	for (uint64_t i = 0; i < ncmds; i++) {
		if (end - off < 8)
			return fail(err, "%s: load command %llu lies past the "
			            "load command area (%llu bytes)", what,
			            (unsigned long long)i,
			            (unsigned long long)sizeofcmds);
		uint32_t cmd = get32(p + off, be);
		uint64_t cmdsize = get32(p + off + 4, be);
		if (cmdsize < 8)
			return fail(err, "%s: load command %llu has size %llu "
			            "(less than 8)", what, (unsigned long long)i,
			            (unsigned long long)cmdsize);
		if (cmdsize > end - off)
			return fail(err, "%s: load command %llu (%llu bytes at "
			            "offset %llu) ends past the load command area",
			            what, (unsigned long long)i,
			            (unsigned long long)cmdsize,
			            (unsigned long long)off);
		if (cmd == LC_SEGMENT || cmd == LC_SEGMENT_64) {
			int s64 = cmd == LC_SEGMENT_64;
			uint64_t segsize = s64 ? 72 : 56, sectsize = s64 ? 80 : 68;
			if (cmdsize < segsize)
				return fail(err, "%s: segment command %llu too short "
				            "(%llu bytes)", what, (unsigned long long)i,
				            (unsigned long long)cmdsize);
			uint64_t nsects = get32(p + off + (s64 ? 64 : 48), be);
			if (nsects > (cmdsize - segsize) / sectsize)
				return fail(err, "%s: segment command %llu: %llu "
				            "sections do not fit in its %llu bytes",
				            what, (unsigned long long)i,
				            (unsigned long long)nsects,
				            (unsigned long long)cmdsize);
			nsections += nsects;
			if (nsections > BINFMT_SECTIONS_MAX)
				return fail(err, "%s: more than %d sections", what,
				            BINFMT_SECTIONS_MAX);
			for (uint64_t s = 0; s < nsects; s++) {
				const unsigned char *sh = p + off + segsize +
				                          s * sectsize;
				if (!name16_is(sh, BINFMT_SECTION_NAME) ||
				    !name16_is(sh + 16, BINFMT_MACHO_SEGMENT))
					continue;
				uint64_t size = s64 ? get64(sh + 40, be)
				                    : get32(sh + 36, be);
				uint64_t so = get32(sh + (s64 ? 48 : 40), be);
				uint32_t type = get32(sh + (s64 ? 64 : 56), be) & 0xff;
				if (type == S_ZEROFILL || type == S_GB_ZEROFILL ||
				    type == S_THREAD_LOCAL_ZEROFILL)
					return fail(err, "%s: the .dep-v0 section has "
					            "no bytes in the file (zerofill)",
					            what);
				if (size == 0)
					return fail(err, "%s: the .dep-v0 section is "
					            "empty", what);
				if (!fits(so, size, slen))
					return fail(err, "%s: the .dep-v0 section "
					            "(offset %llu, %llu bytes) lies outside "
					            "the file (%llu bytes)", what,
					            (unsigned long long)so,
					            (unsigned long long)size,
					            (unsigned long long)slen);
				if (so < end)
					return fail(err, "%s: the .dep-v0 section "
					            "(offset %llu) overlaps the header and "
					            "load commands (which end at %llu)",
					            what, (unsigned long long)so,
					            (unsigned long long)end);
				if (found(sl, base + so, size, what, err) < 0)
					return -1;
			}
		}
		off += cmdsize;
	}
	return 0;
}

static int macho_fat(binfmt_info *out, const unsigned char *p, size_t len,
                     binfmt_error *err)
{
	uint32_t magic = get32(p, 1);
	uint64_t n = get32(p + 4, 1);
	int f64 = magic == FAT_MAGIC_64;
	uint64_t entsize = f64 ? 32 : 20;

	out->kind = BINFMT_MACHO_FAT;
	if (n == 0)
		return fail(err, "Mach-O universal: no slices");
	if (n > BINFMT_SLICES_MAX)
		return fail(err, "Mach-O universal: %llu slices, more than the "
		            "%d allowed (a Java class file?)",
		            (unsigned long long)n, BINFMT_SLICES_MAX);
	uint64_t tabend = 8 + n * entsize;
	if (!fits(0, tabend, len))
		return fail(err, "Mach-O universal: the slice table (%llu "
		            "entries) ends past the end of the file (%zu bytes)",
		            (unsigned long long)n, len);
	out->nslices = (size_t)n;
	snprintf(out->format, sizeof(out->format),
	         "Mach-O universal (%llu slice%s)", (unsigned long long)n,
	         n == 1 ? "" : "s");

	uint64_t offs[BINFMT_SLICES_MAX], sizes[BINFMT_SLICES_MAX];
	uint32_t cpus[BINFMT_SLICES_MAX], subs[BINFMT_SLICES_MAX];
	for (uint64_t i = 0; i < n; i++) {
		const unsigned char *e = p + 8 + i * entsize;
		binfmt_slice *sl = &out->slice[i];
		uint32_t cpu = get32(e, 1), sub = get32(e + 4, 1);
		uint64_t off = f64 ? get64(e + 8, 1) : get32(e + 8, 1);
		uint64_t size = f64 ? get64(e + 16, 1) : get32(e + 12, 1);
		char cpub[32], what[96];

		cpu_text(cpub, sizeof(cpub), cpu);
		snprintf(what, sizeof(what), "Mach-O universal: slice %llu (%s)",
		         (unsigned long long)i + 1, cpub);
		if (size == 0)
			return fail(err, "%s is empty", what);
		if (!fits(off, size, len))
			return fail(err, "%s (offset %llu, %llu bytes) lies outside "
			            "the file (%zu bytes)", what,
			            (unsigned long long)off,
			            (unsigned long long)size, len);
		if (off < tabend)
			return fail(err, "%s (offset %llu) overlaps the universal "
			            "header", what, (unsigned long long)off);
		for (uint64_t k = 0; k < i; k++) {
			/* The high byte of the subtype holds capability bits. */
			if (cpus[k] == cpu &&
			    (subs[k] & 0x00ffffffu) == (sub & 0x00ffffffu))
				return fail(err, "%s: slice %llu has the same "
				            "architecture", what,
				            (unsigned long long)k + 1);
			if (overlaps(off, size, offs[k], sizes[k]))
				return fail(err, "%s overlaps slice %llu", what,
				            (unsigned long long)k + 1);
		}
		offs[i] = off;
		sizes[i] = size;
		cpus[i] = cpu;
		subs[i] = sub;
		sl->cputype = cpu;
		sl->cpusubtype = sub;
		if (macho_thin(sl, NULL, 0, p, off, size, what, err) < 0)
			return -1;
		if (sl->cputype != cpu) {
			char hb[32];
			cpu_text(hb, sizeof(hb), sl->cputype);
			return fail(err, "%s: its header says %s", what, hb);
		}
	}
	return 0;
}

int binfmt_macho(binfmt_info *out, const unsigned char *p, size_t len,
                 binfmt_error *err)
{
	start(out, BINFMT_MACHO, err);
	if (len >= 8 && (get32(p, 1) == FAT_MAGIC ||
	                 get32(p, 1) == FAT_MAGIC_64))
		return macho_fat(out, p, len, err);
	if (!is_thin_macho(p, len))
		return fail(err, "not a Mach-O file");
	return macho_thin(&out->slice[0], out->format, sizeof(out->format),
	                  p, 0, len, "Mach-O", err);
}

/* ---- WebAssembly ---- */

/* An unsigned LEB128 of at most 32 bits (5 bytes; padded encodings, as
 * llvm-objcopy writes, are fine). Returns 0 and advances *off, or -1. */
static int leb_u32(uint64_t *v, const unsigned char *p, size_t len,
                   uint64_t *off)
{
	uint64_t r = 0;

	for (unsigned i = 0; i < 5; i++) {
		if (*off >= len)
			return -1;
		unsigned char b = p[(*off)++];
		if (i == 4 && b > 0x0f)
			return -1;      /* more than 32 bits, or a 6th byte */
		r |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

int binfmt_wasm(binfmt_info *out, const unsigned char *p, size_t len,
                binfmt_error *err)
{
	start(out, BINFMT_WASM, err);
	if (len < 4 || memcmp(p, "\0asm", 4) != 0)
		return fail(err, "not a WebAssembly file");
	if (len < 8)
		return fail(err, "WebAssembly: truncated: %zu bytes", len);
	uint32_t version = get32(p + 4, 0);
	if (version != 1)
		return fail(err, "WebAssembly: version 0x%x, not 1 (a "
		            "component?)", (unsigned)version);
	snprintf(out->format, sizeof(out->format), "WebAssembly");
	uint64_t off = 8;
	for (uint64_t i = 0; off < len; i++) {
		uint64_t size, start_off;
		if (i >= BINFMT_SECTIONS_MAX)
			return fail(err, "WebAssembly: more than %d sections",
			            BINFMT_SECTIONS_MAX);
		unsigned id = p[off++];
		if (leb_u32(&size, p, len, &off) < 0)
			return fail(err, "WebAssembly: section %llu (id %u): bad "
			            "or truncated size", (unsigned long long)i, id);
		if (!fits(off, size, len))
			return fail(err, "WebAssembly: section %llu (id %u, %llu "
			            "bytes at offset %llu) ends past the end of the "
			            "file (%zu bytes)", (unsigned long long)i, id,
			            (unsigned long long)size,
			            (unsigned long long)off, len);
		start_off = off;
		off += size;
		if (id != 0)
			continue;
		/* A custom section: a name, then its bytes. */
		uint64_t nlen, q = start_off;
		if (leb_u32(&nlen, p, (size_t)off, &q) < 0 ||
		    !fits(q, nlen, off))
			return fail(err, "WebAssembly: custom section %llu: its "
			            "name does not fit in the section",
			            (unsigned long long)i);
		if (nlen != NAME_LEN ||
		    memcmp(p + q, BINFMT_SECTION_NAME, NAME_LEN) != 0)
			continue;
		q += nlen;
		if (q == off)
			return fail(err, "WebAssembly: the .dep-v0 section is "
			            "empty");
		if (found(&out->slice[0], q, off - q, "WebAssembly", err) < 0)
			return -1;
	}
	return 0;
}

/* ---- any ---- */

int binfmt_find(binfmt_info *out, const unsigned char *p, size_t len,
                binfmt_error *err)
{
	switch (binfmt_detect(p, len)) {
	case BINFMT_ELF: return binfmt_elf(out, p, len, err);
	case BINFMT_PE: return binfmt_pe(out, p, len, err);
	case BINFMT_MACHO:
	case BINFMT_MACHO_FAT: return binfmt_macho(out, p, len, err);
	case BINFMT_WASM: return binfmt_wasm(out, p, len, err);
	default:
		start(out, BINFMT_UNKNOWN, err);
		return fail(err, "not an ELF, PE, Mach-O or WebAssembly file");
	}
}
