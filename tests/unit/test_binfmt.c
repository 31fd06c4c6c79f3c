/*
 * test_binfmt.c — finding .dep-v0 in ELF, PE, Mach-O (thin, fat) and
 * WebAssembly (query/binfmt.c): every layout the readers take (both byte
 * orders, both word sizes, extended ELF numbering, padded PE sections,
 * object-file Mach-O, fat64, padded LEB128), detection against the
 * look-alikes (Java class files), and malformed tables refused with their
 * message. Containers come from binbuild.h; the end-to-end tests use
 * binaries made by real tools.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binbuild.h"
#include "binfmt.h"

static const char payload[] = "payload bytes, not looked at here";
#define PL (sizeof(payload) - 1)

static unsigned char buf[BB_MAX];
static binfmt_info info;
static binfmt_error err;

/* The data found is exactly the payload. */
static void assert_payload(const unsigned char *p, const binfmt_slice *s)
{
	assert_true(s->has_data);
	assert_int_equal(s->len, PL);
	assert_memory_equal(p + s->off, payload, PL);
}

static void assert_fails(const unsigned char *p, size_t n, const char *msg)
{
	int rc = binfmt_find(&info, p, n, &err);
	if (rc == 0 || !strstr(err.msg, msg))
		fail_msg("want an error with \"%s\", got %d \"%s\"", msg, rc,
		         err.msg);
}

static void test_binfmt__elf_all_classes_and_orders(void **state)
{
	(void)state;
	for (int bits = 32; bits <= 64; bits += 32)
		for (int be = 0; be <= 1; be++) {
			size_t n = bb_elf(buf, bits, be, payload, PL);
			assert_int_equal(binfmt_detect(buf, n), BINFMT_ELF);
			assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
			assert_int_equal(info.kind, BINFMT_ELF);
			assert_int_equal(info.nslices, 1);
			assert_payload(buf, &info.slice[0]);
			char want[32];
			snprintf(want, sizeof(want), "ELF %d-bit %s", bits,
			         be ? "MSB" : "LSB");
			assert_string_equal(info.format, want);
		}
}

static void test_binfmt__elf_extended_numbering(void **state)
{
	(void)state;
	size_t n = bb_elf(buf, 64, 0, payload, PL);
	size_t shoff = BB_ELF_SHOFF(64, PL);
	/* e_shnum 0: the count is in section 0's sh_size; e_shstrndx
	 * SHN_XINDEX: the index in its sh_link. */
	bb_put(buf + 0x3c, 0, 2, 0);
	bb_put(buf + 0x3e, 0xffff, 2, 0);
	bb_put(buf + shoff + 0x20, 3, 8, 0);
	bb_put(buf + shoff + 0x28, 2, 4, 0);
	assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
	assert_payload(buf, &info.slice[0]);
	bb_put(buf + shoff + 0x20, 100001, 8, 0);
	assert_fails(buf, n, "100001 sections, more than the 100000");
}

static void test_binfmt__elf_without_sections_has_no_data(void **state)
{
	(void)state;
	size_t n = bb_elf(buf, 64, 0, payload, PL);
	bb_put(buf + 0x28, 0, 8, 0);            /* e_shoff 0: stripped */
	assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
	assert_false(info.slice[0].has_data);
	n = bb_elf(buf, 64, 0, payload, PL);
	memcpy(buf + 64 + PL + 1, ".dep-v1", 7);    /* another name */
	assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
	assert_false(info.slice[0].has_data);
}

static void test_binfmt__elf_malformed(void **state)
{
	(void)state;
	size_t shoff = BB_ELF_SHOFF(64, PL), dep = shoff + 64;
	size_t n = bb_elf(buf, 64, 0, payload, PL);

	assert_fails(buf, 63, "truncated");
	assert_fails(buf, shoff + 100, "ends past the end of the file");
	buf[4] = 3;
	assert_fails(buf, n, "unknown class 3");
	buf[4] = 2;
	buf[5] = 0;
	assert_fails(buf, n, "unknown byte order");
	buf[5] = 1;
	bb_put(buf + 0x3a, 32, 2, 0);
	assert_fails(buf, n, "section header size 32, less than 64");
	bb_put(buf + 0x3a, 64, 2, 0);
	bb_put(buf + 0x28, 8, 8, 0);
	assert_fails(buf, n, "overlaps the ELF header");
	bb_put(buf + 0x28, shoff, 8, 0);
	bb_put(buf + dep + 0x18, UINT64_MAX - 3, 8, 0);     /* wraps */
	assert_fails(buf, n, "lies outside the file");
	bb_put(buf + dep + 0x18, shoff + 8, 8, 0);
	assert_fails(buf, n, "overlaps the section table");
	bb_put(buf + dep + 0x18, 64, 8, 0);
	bb_put(buf + dep + 0x20, 0, 8, 0);
	assert_fails(buf, n, "is empty");
	bb_put(buf + dep + 0x20, PL, 8, 0);
	bb_put(buf + dep + 4, 8, 4, 0);
	assert_fails(buf, n, "SHT_NOBITS");
	bb_put(buf + dep + 4, 1, 4, 0);
	bb_put(buf + shoff + 2 * 64, 1, 4, 0);  /* .shstrtab named .dep-v0 */
	assert_fails(buf, n, "two .dep-v0 sections");
	bb_put(buf + shoff + 2 * 64, 9, 4, 0);
	bb_put(buf + 0x3e, 3, 2, 0);
	assert_fails(buf, n, "name table index 3 out of range");
	bb_put(buf + 0x3e, 0, 2, 0);
	assert_fails(buf, n, "name table index 0 out of range");
	bb_put(buf + 0x3e, 2, 2, 0);
	bb_put(buf + dep, 19, 4, 0);
	assert_fails(buf, n, "name offset 19 outside the name table");
	/* A name at the table's very end, without room for ".dep-v0\0",
	 * is simply another name. */
	bb_put(buf + dep, 18, 4, 0);
	assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
	assert_false(info.slice[0].has_data);
}

static void test_binfmt__pe_both_kinds_and_padding(void **state)
{
	(void)state;
	for (int plus = 0; plus <= 1; plus++) {
		/* SizeOfRawData is padded; VirtualSize is the payload's. */
		size_t n = bb_pe(buf, plus, payload, PL, PL, 0x200);
		assert_int_equal(binfmt_detect(buf, n), BINFMT_PE);
		assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
		assert_string_equal(info.format, plus ? "PE32+" : "PE32");
		assert_payload(buf, &info.slice[0]);
		/* VirtualSize 0 (some linkers): the raw size counts. */
		n = bb_pe(buf, plus, payload, PL, 0, PL);
		assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
		assert_payload(buf, &info.slice[0]);
	}
}

static void test_binfmt__pe_malformed(void **state)
{
	(void)state;
	size_t s = BB_PE_SECT(1), n = bb_pe(buf, 1, payload, PL, PL, 0x200);

	assert_fails(buf, 0x30, "DOS header alone needs");
	bb_put(buf + 0x3c, 0x3c, 4, 0);
	assert_fails(buf, n, "overlaps the DOS header");
	bb_put(buf + 0x3c, 0xfffffff0, 4, 0);
	assert_fails(buf, n, "lies outside the file");
	bb_put(buf + 0x3c, 0x40, 4, 0);
	buf[0x41] = 'X';
	assert_fails(buf, n, "no PE signature");
	buf[0x41] = 'E';
	bb_put(buf + 0x54, 0, 2, 0);
	assert_fails(buf, n, "optional header");
	bb_put(buf + 0x54, 240, 2, 0);
	bb_put(buf + 0x46, 200, 2, 0);
	assert_fails(buf, n, "section table (200 entries");
	bb_put(buf + 0x46, 1, 2, 0);
	bb_put(buf + s + 20, 0xfffffe00, 4, 0);
	assert_fails(buf, n, "lies outside the file");
	bb_put(buf + s + 20, 0x100, 4, 0);
	assert_fails(buf, n, "overlaps the headers");
	bb_put(buf + s + 20, 0, 4, 0);
	assert_fails(buf, n, "no bytes in the file");
	/* "MZ" alone: an MS-DOS program */
	memset(buf, 0, 0x80);
	buf[0] = 'M';
	buf[1] = 'Z';
	assert_fails(buf, 0x80, "no PE header: an MS-DOS program?");
	bb_put(buf + 0x3c, 0x40, 4, 0);
	assert_fails(buf, 0x80, "no PE signature");
}

static void test_binfmt__macho_all_classes_and_orders(void **state)
{
	(void)state;
	for (int bits = 32; bits <= 64; bits += 32)
		for (int be = 0; be <= 1; be++) {
			size_t n = bb_macho(buf, bits, be, 7, payload, PL);
			assert_int_equal(binfmt_detect(buf, n), BINFMT_MACHO);
			assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
			assert_int_equal(info.kind, BINFMT_MACHO);
			assert_payload(buf, &info.slice[0]);
			assert_int_equal(info.slice[0].cputype, 7);
		}
}

static void test_binfmt__macho_names(void **state)
{
	(void)state;
	size_t s = BB_MACHO_SECT(64), n = bb_macho(buf, 64, 0, 7, payload, PL);

	memcpy(buf + s + 16, "__TEXT", 6);      /* right name, wrong segment */
	assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
	assert_false(info.slice[0].has_data);
	memcpy(buf + s + 16, "__DATA_CONST", 12);
	assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
	assert_false(info.slice[0].has_data);
	memset(buf + s + 16, 0, 16);
	memcpy(buf + s + 16, "__DATA", 6);
	memcpy(buf + s, ".dep-v0xxxxxxxxx", 16);    /* 16 bytes, no NUL */
	assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
	assert_false(info.slice[0].has_data);
}

static void test_binfmt__macho_malformed(void **state)
{
	(void)state;
	size_t s = BB_MACHO_SECT(64), n = bb_macho(buf, 64, 0, 7, payload, PL);

	assert_fails(buf, 20, "truncated");
	bb_put(buf + 16, 65537, 4, 0);
	assert_fails(buf, n, "65537 load commands, more than");
	bb_put(buf + 16, 1, 4, 0);
	bb_put(buf + 20, 100000, 4, 0);
	assert_fails(buf, n, "end past the end of the file");
	bb_put(buf + 20, 152, 4, 0);
	bb_put(buf + 36, 4, 4, 0);
	assert_fails(buf, n, "has size 4 (less than 8)");
	bb_put(buf + 36, 160, 4, 0);
	assert_fails(buf, n, "ends past the load command area");
	bb_put(buf + 36, 152, 4, 0);
	bb_put(buf + 16, 2, 4, 0);
	assert_fails(buf, n, "load command 1 lies past");
	bb_put(buf + 16, 1, 4, 0);
	bb_put(buf + 32 + 64, 2, 4, 0);
	assert_fails(buf, n, "2 sections do not fit");
	bb_put(buf + 32 + 64, 1, 4, 0);
	bb_put(buf + s + 48, 0x7fffffff, 4, 0);
	assert_fails(buf, n, "lies outside the file");
	bb_put(buf + s + 48, 100, 4, 0);
	assert_fails(buf, n, "overlaps the header and load commands");
	bb_put(buf + s + 48, 184, 4, 0);
	for (unsigned t = 0; t < 3; t++) {
		static const unsigned zf[] = { 0x1, 0xc, 0x12 };
		bb_put(buf + s + 64, zf[t], 4, 0);
		assert_fails(buf, n, "zerofill");
	}
	bb_put(buf + s + 64, 0, 4, 0);
	bb_put(buf + s + 40, 0, 8, 0);
	assert_fails(buf, n, "is empty");
}

static void test_binfmt__fat(void **state)
{
	(void)state;
	static unsigned char a[4096], b[4096];
	size_t la = bb_macho(a, 64, 0, 0x01000007, payload, PL);
	size_t lb = bb_macho(b, 64, 0, 0x0100000c, payload, PL);
	const unsigned char *sl[] = { a, b };
	size_t len[] = { la, lb };
	uint32_t cpu[] = { 0x01000007, 0x0100000c };

	for (int f64 = 0; f64 <= 1; f64++) {
		size_t n = bb_fat(buf, f64, 2, sl, len, cpu);
		assert_int_equal(binfmt_detect(buf, n), BINFMT_MACHO_FAT);
		assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
		assert_int_equal(info.kind, BINFMT_MACHO_FAT);
		assert_int_equal(info.nslices, 2);
		assert_payload(buf, &info.slice[0]);
		assert_payload(buf, &info.slice[1]);
		assert_int_equal(info.slice[1].cputype, 0x0100000c);
		assert_true(info.slice[1].off > info.slice[0].off);
	}
	size_t n = bb_fat(buf, 0, 2, sl, len, cpu);
	bb_put(buf + 8 + 20 + 8, 256, 4, 1);            /* onto slice 1 */
	assert_fails(buf, n, "overlaps slice 1");
	bb_put(buf + 8 + 20 + 8, 512, 4, 1);
	bb_put(buf + 8 + 20, 0x01000007, 4, 1);
	assert_fails(buf, n, "slice 1 has the same architecture");
	bb_put(buf + 8 + 20, 0x0100000c, 4, 1);
	bb_put(buf + 8 + 8, 16, 4, 1);
	assert_fails(buf, n, "overlaps the universal header");
	bb_put(buf + 8 + 8, 0xffffff00, 4, 1);
	assert_fails(buf, n, "lies outside the file");
	bb_put(buf + 8 + 8, 256, 4, 1);
	bb_put(buf + 8 + 12, 0, 4, 1);
	assert_fails(buf, n, "is empty");
	bb_put(buf + 8 + 12, la, 4, 1);
	bb_put(buf + 8, 0x0100000c, 4, 1);
	assert_fails(buf, n, "its header says x86_64");
	/* A fat file inside a fat file. */
	static unsigned char inner[8192];
	size_t li = bb_fat(inner, 0, 1, sl, len, cpu);
	const unsigned char *nest[] = { inner };
	size_t nl[] = { li };
	n = bb_fat(buf, 0, 1, nest, nl, cpu);
	assert_fails(buf, n, "universal file inside a universal file");
}

static void test_binfmt__fat_magic_and_java(void **state)
{
	(void)state;
	/* A Java class file: cafebabe, then minor 0, major 52. */
	static const unsigned char java[16] = {
		0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52
	};
	assert_int_equal(binfmt_detect(java, sizeof(java)), BINFMT_UNKNOWN);
	assert_fails(java, sizeof(java), "not an ELF, PE, Mach-O or "
	             "WebAssembly file");
	/* binfmt_macho, asked directly, says why. */
	assert_int_equal(binfmt_macho(&info, java, sizeof(java), &err), -1);
	assert_non_null(strstr(err.msg, "52 slices, more than the 30"));
	static const unsigned char zero[8] = { 0xca, 0xfe, 0xba, 0xbe };
	assert_int_equal(binfmt_macho(&info, zero, sizeof(zero), &err), -1);
	assert_non_null(strstr(err.msg, "no slices"));
	static const unsigned char thirty[8] = {
		0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 30
	};
	assert_int_equal(binfmt_detect(thirty, 8), BINFMT_MACHO_FAT);
	assert_fails(thirty, 8, "slice table (30 entries) ends past");
}

static void test_binfmt__wasm(void **state)
{
	(void)state;
	size_t n = bb_wasm(buf, ".dep-v0", payload, PL);

	assert_int_equal(binfmt_detect(buf, n), BINFMT_WASM);
	assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
	assert_string_equal(info.format, "WebAssembly");
	assert_payload(buf, &info.slice[0]);
	/* Another custom section before it, with a 1-byte size. */
	memcpy(buf + n, "\0\x04\x03" "abc", 6);
	assert_int_equal(binfmt_find(&info, buf, n + 6, &err), 0);
	assert_payload(buf, &info.slice[0]);
	/* Names that are not quite it. */
	n = bb_wasm(buf, ".dep-v00", payload, PL);
	assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
	assert_false(info.slice[0].has_data);
	n = bb_wasm(buf, ".dep-v", payload, PL);
	assert_int_equal(binfmt_find(&info, buf, n, &err), 0);
	assert_false(info.slice[0].has_data);
}

static void test_binfmt__wasm_malformed(void **state)
{
	(void)state;
	size_t n = bb_wasm(buf, ".dep-v0", payload, PL);

	assert_fails(buf, n - 1, "ends past the end of the file");
	assert_fails(buf, 6, "truncated");
	buf[4] = 2;
	assert_fails(buf, n, "version 0x2, not 1");
	buf[4] = 1;
	/* A 6-byte LEB128, and a 5-byte one over 32 bits. */
	static const unsigned char leb6[] = "\0asm\x01\0\0\0\x01\x80\x80\x80\x80\x80\x00";
	assert_fails(leb6, sizeof(leb6) - 1, "bad or truncated size");
	static const unsigned char leb33[] = "\0asm\x01\0\0\0\x01\xff\xff\xff\xff\x1f";
	assert_fails(leb33, sizeof(leb33) - 1, "bad or truncated size");
	static const unsigned char cut[] = "\0asm\x01\0\0\0\x01\x80";
	assert_fails(cut, sizeof(cut) - 1, "bad or truncated size");
	/* A custom section whose name runs past it. */
	static const unsigned char name[] = "\0asm\x01\0\0\0\0\x02\x05" "ab";
	assert_fails(name, sizeof(name) - 1, "name does not fit");
	n = bb_wasm(buf, ".dep-v0", "", 0);
	assert_fails(buf, n, ".dep-v0 section is empty");
	n = bb_wasm(buf, ".dep-v0", payload, PL);
	size_t m = bb_wasm(buf + n - 8, ".dep-v0", payload, PL);
	assert_fails(buf, n - 8 + m, "two .dep-v0 sections");
}

static void test_binfmt__unknown(void **state)
{
	(void)state;
	static const char *junk[] = {
		"", "\x7f", "M", "\xfe\xed\xfa", "\0as", "[[package]]\n",
		"version = 3\n"
	};
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		size_t n = strlen(junk[i]);
		assert_int_equal(binfmt_detect((const unsigned char *)junk[i], n),
		                 BINFMT_UNKNOWN);
		assert_fails((const unsigned char *)junk[i], n, "not an ELF");
	}
	assert_string_equal(binfmt_kind_name(BINFMT_MACHO_FAT),
	                    "Mach-O universal");
	assert_string_equal(binfmt_cpu_name(0x0100000c), "arm64");
	assert_null(binfmt_cpu_name(0x1234));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binfmt__elf_all_classes_and_orders),
		cmocka_unit_test(test_binfmt__elf_extended_numbering),
		cmocka_unit_test(test_binfmt__elf_without_sections_has_no_data),
		cmocka_unit_test(test_binfmt__elf_malformed),
		cmocka_unit_test(test_binfmt__pe_both_kinds_and_padding),
		cmocka_unit_test(test_binfmt__pe_malformed),
		cmocka_unit_test(test_binfmt__macho_all_classes_and_orders),
		cmocka_unit_test(test_binfmt__macho_names),
		cmocka_unit_test(test_binfmt__macho_malformed),
		cmocka_unit_test(test_binfmt__fat),
		cmocka_unit_test(test_binfmt__fat_magic_and_java),
		cmocka_unit_test(test_binfmt__wasm),
		cmocka_unit_test(test_binfmt__wasm_malformed),
		cmocka_unit_test(test_binfmt__unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
