/*
 * binbuild.h — minimal containers for the unit tests of binfmt.c and
 * auditable.c, written here byte by byte from the formats' specifications
 * (the same layouts tests/tools/auditable.py builds for the end-to-end
 * tests; real-tool binaries are made there, at run time).
 *
 * Each builder writes into a caller buffer (BB_MAX bytes is plenty for
 * the payloads the tests use) and returns the length. Layout facts the
 * tests patch are given as BB_* offsets.
 */
#ifndef ADVDB_TEST_BINBUILD_H
#define ADVDB_TEST_BINBUILD_H

#include <stdint.h>
#include <string.h>

#define BB_MAX 65536

static inline void bb_put(unsigned char *p, uint64_t v, int n, int be)
{
	for (int i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

/* ELF: header, the payload, .shstrtab, then 3 section headers (null,
 * .dep-v0, .shstrtab). BB_ELF_SHOFF(bits, n) is the table's offset. */
#define BB_ELF_EH(bits) ((bits) == 64 ? 64u : 52u)
#define BB_ELF_SH(bits) ((bits) == 64 ? 64u : 40u)
static const char bb_shstr[] = "\0.dep-v0\0.shstrtab";   /* + final NUL */
#define BB_SHSTR_LEN sizeof(bb_shstr)
#define BB_ELF_SHOFF(bits, n) \
	((BB_ELF_EH(bits) + (n) + BB_SHSTR_LEN + 7) & ~(size_t)7)

static inline size_t bb_elf(unsigned char *o, int bits, int be,
                            const void *payload, size_t n)
{
	size_t eh = BB_ELF_EH(bits), sh = BB_ELF_SH(bits);
	size_t str = eh + n, shoff = BB_ELF_SHOFF(bits, n);
	int w = bits == 64 ? 8 : 4;

	memset(o, 0, shoff + 3 * sh);
	memcpy(o, "\x7f" "ELF", 4);
	o[4] = bits == 64 ? 2 : 1;
	o[5] = be ? 2 : 1;
	o[6] = 1;
	bb_put(o + 16, 1, 2, be);                       /* ET_REL */
	bb_put(o + (bits == 64 ? 0x28 : 0x20), shoff, w, be);
	bb_put(o + (bits == 64 ? 0x34 : 0x28), eh, 2, be);
	bb_put(o + (bits == 64 ? 0x3a : 0x2e), sh, 2, be);
	bb_put(o + (bits == 64 ? 0x3c : 0x30), 3, 2, be);
	bb_put(o + (bits == 64 ? 0x3e : 0x32), 2, 2, be);
	memcpy(o + eh, payload, n);
	memcpy(o + str, bb_shstr, BB_SHSTR_LEN);
	for (int i = 1; i < 3; i++) {
		unsigned char *s = o + shoff + i * sh;
		uint64_t off = i == 1 ? eh : str;
		uint64_t size = i == 1 ? n : BB_SHSTR_LEN;
		bb_put(s, i == 1 ? 1 : 9, 4, be);           /* sh_name */
		bb_put(s + 4, i == 1 ? 1 : 3, 4, be);       /* PROGBITS/STRTAB */
		bb_put(s + (bits == 64 ? 0x18 : 0x10), off, w, be);
		bb_put(s + (bits == 64 ? 0x20 : 0x14), size, w, be);
	}
	return shoff + 3 * sh;
}

/* PE: DOS header (e_lfanew 0x40), PE header, optional header, one
 * section table entry at BB_PE_SECT(plus), data at 0x200. */
#define BB_PE_OPT(plus) ((plus) ? 240u : 224u)
#define BB_PE_SECT(plus) (0x40u + 24u + BB_PE_OPT(plus))
static inline size_t bb_pe(unsigned char *o, int plus, const void *payload,
                           size_t n, uint32_t vsize, uint32_t rawsize)
{
	size_t s = BB_PE_SECT(plus);
	size_t end = 0x200 + ((rawsize + 0x1ff) & ~(size_t)0x1ff);

	memset(o, 0, end);
	o[0] = 'M';
	o[1] = 'Z';
	bb_put(o + 0x3c, 0x40, 4, 0);
	memcpy(o + 0x40, "PE\0\0", 4);
	bb_put(o + 0x44, plus ? 0x8664 : 0x14c, 2, 0);
	bb_put(o + 0x46, 1, 2, 0);
	bb_put(o + 0x54, BB_PE_OPT(plus), 2, 0);
	bb_put(o + 0x58, plus ? 0x20b : 0x10b, 2, 0);
	memcpy(o + s, ".dep-v0", 8);
	bb_put(o + s + 8, vsize, 4, 0);
	bb_put(o + s + 12, 0x1000, 4, 0);
	bb_put(o + s + 16, rawsize, 4, 0);
	bb_put(o + s + 20, 0x200, 4, 0);
	memcpy(o + 0x200, payload, n);
	return end;
}

/* Mach-O: header, one LC_SEGMENT(_64) (unnamed, as in an object) with
 * one section __DATA,.dep-v0, then the data. */
#define BB_MH(bits) ((bits) == 64 ? 32u : 28u)
#define BB_SEG(bits) ((bits) == 64 ? 72u : 56u)
#define BB_SECT(bits) ((bits) == 64 ? 80u : 68u)
#define BB_MACHO_SECT(bits) (BB_MH(bits) + BB_SEG(bits))
static inline size_t bb_macho(unsigned char *o, int bits, int be,
                              uint32_t cputype, const void *payload,
                              size_t n)
{
	size_t mh = BB_MH(bits), cmd = BB_SEG(bits) + BB_SECT(bits);
	size_t data = mh + cmd, s = BB_MACHO_SECT(bits);
	int w = bits == 64 ? 8 : 4;

	memset(o, 0, data);
	bb_put(o, bits == 64 ? 0xfeedfacf : 0xfeedface, 4, be);
	bb_put(o + 4, cputype, 4, be);
	bb_put(o + 12, 1, 4, be);                       /* MH_OBJECT */
	bb_put(o + 16, 1, 4, be);
	bb_put(o + 20, cmd, 4, be);
	bb_put(o + mh, bits == 64 ? 0x19 : 0x1, 4, be);
	bb_put(o + mh + 4, cmd, 4, be);
	bb_put(o + mh + (bits == 64 ? 64 : 48), 1, 4, be);      /* nsects */
	memcpy(o + s, ".dep-v0", 7);
	memcpy(o + s + 16, "__DATA", 6);
	bb_put(o + s + (bits == 64 ? 40 : 36), n, w, be);       /* size */
	bb_put(o + s + (bits == 64 ? 48 : 40), data, 4, be);    /* offset */
	memcpy(o + data, payload, n);
	return data + n;
}

/* A universal file: the slices at 256-byte boundaries. */
static inline size_t bb_fat(unsigned char *o, int f64, size_t nslices,
                            const unsigned char *const *slice,
                            const size_t *len, const uint32_t *cpu)
{
	size_t ent = f64 ? 32 : 20, off = (8 + nslices * ent + 255) & ~(size_t)255;

	memset(o, 0, off);
	bb_put(o, f64 ? 0xcafebabf : 0xcafebabe, 4, 1);
	bb_put(o + 4, nslices, 4, 1);
	for (size_t i = 0; i < nslices; i++) {
		unsigned char *e = o + 8 + i * ent;
		bb_put(e, cpu[i], 4, 1);
		bb_put(e + 4, 3, 4, 1);
		bb_put(e + 8, off, f64 ? 8 : 4, 1);
		bb_put(e + (f64 ? 16 : 12), len[i], f64 ? 8 : 4, 1);
		bb_put(e + (f64 ? 24 : 16), 8, 4, 1);
		memcpy(o + off, slice[i], len[i]);
		size_t next = (off + len[i] + 255) & ~(size_t)255;
		memset(o + off + len[i], 0, next - off - len[i]);
		off = next;
	}
	return off;
}

/* WebAssembly: the header, then a custom section `name` holding the
 * payload, its size as a padded 5-byte LEB128 (as llvm-objcopy writes). */
static inline size_t bb_wasm(unsigned char *o, const char *name,
                             const void *payload, size_t n)
{
	size_t nl = strlen(name), body = 1 + nl + n, p = 8;

	memcpy(o, "\0asm\x01\0\0\0", 8);
	o[p++] = 0;
	for (int i = 0; i < 5; i++)
		o[p++] = (unsigned char)(((body >> (7 * i)) & 0x7f) |
		                         (i < 4 ? 0x80 : 0));
	o[p++] = (unsigned char)nl;
	memcpy(o + p, name, nl);
	p += nl;
	memcpy(o + p, payload, n);
	return p + n;
}

#endif
