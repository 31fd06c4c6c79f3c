/*
 * binfmt.h — where cargo-auditable's dependency data sits in an executable
 * file: the bytes of the section named `.dep-v0` in
 *
 *   ELF       32/64-bit, either byte order (the section header table)
 *   PE/COFF   PE32 and PE32+ images ("MZ", then the PE section table)
 *   Mach-O    32/64-bit, either byte order: the section `.dep-v0` whose
 *             segment name is `__DATA` (in an object file the one load
 *             segment is unnamed; each section still names its segment)
 *   universal ("fat") Mach-O: up to BINFMT_SLICES_MAX thin Mach-O slices,
 *             each read as above; each slice may carry its own data
 *   WebAssembly  the custom section (id 0) named `.dep-v0`
 *
 * These readers never decompress or parse the data (auditable.h does);
 * they only find it. They work on a caller-provided buffer: the caller
 * reads or maps the file, with its own size cap.
 *
 * Hostile input is the normal case. Every offset, size, count and string
 * read from the file is checked against the buffer before use, with
 * overflow-safe arithmetic. These are errors with a message (never a
 * silent "no data"): a header, section table, load command area or fat
 * slice table that does not fit the buffer; an offset + size that wraps;
 * a `.dep-v0` section that lies outside the file (or its slice), overlaps
 * the headers or the section table, or has no bytes in the file
 * (SHT_NOBITS, zerofill); two `.dep-v0` sections; more than
 * BINFMT_SECTIONS_MAX sections or BINFMT_LOADCMDS_MAX load commands;
 * fat slices that overlap each other or the fat header, repeat an
 * architecture, or are themselves fat (nesting).
 *
 * Thread safety: no state; every call works only on its arguments.
 * Messages are written into the caller's binfmt_error.
 */
#ifndef ADVDB_BINFMT_H
#define ADVDB_BINFMT_H

#include <stddef.h>
#include <stdint.h>

#define BINFMT_SECTION_NAME ".dep-v0"
#define BINFMT_MACHO_SEGMENT "__DATA"

#define BINFMT_SLICES_MAX   30      /* fat slices; Java class files share
                                       the fat magic and have >= 45 here */
#define BINFMT_SECTIONS_MAX 100000  /* sections (ELF, PE, Mach-O) and
                                       WebAssembly sections of one file */
#define BINFMT_LOADCMDS_MAX 65536   /* Mach-O load commands of one slice */

typedef enum binfmt_kind {
	BINFMT_UNKNOWN = 0,
	BINFMT_ELF,
	BINFMT_PE,
	BINFMT_MACHO,
	BINFMT_MACHO_FAT,
	BINFMT_WASM
} binfmt_kind;

typedef struct binfmt_slice {
	uint32_t cputype, cpusubtype;   /* Mach-O slices (fat or thin); 0 else */
	int has_data;                   /* a .dep-v0 section was found */
	size_t off, len;                /* its bytes: buf[off .. off+len) of
	                                   the whole buffer, len > 0 */
} binfmt_slice;

typedef struct binfmt_info {
	binfmt_kind kind;
	char format[48];                /* "ELF 64-bit LSB", "PE32+", ... */
	size_t nslices;                 /* 1, or the fat file's slice count */
	binfmt_slice slice[BINFMT_SLICES_MAX];
} binfmt_info;

typedef struct binfmt_error {
	char msg[240];
} binfmt_error;

/*
 * What kind of file starts with these bytes (at least 8 are looked at
 * when there are that many)? ELF "\x7fELF", PE "MZ", Mach-O's four magics,
 * fat 0xcafebabe / 0xcafebabf followed by a big-endian slice count of
 * 1..BINFMT_SLICES_MAX (a Java class file has its version there, >= 45),
 * WebAssembly "\0asm". Anything else is BINFMT_UNKNOWN.
 */
binfmt_kind binfmt_detect(const unsigned char *p, size_t len);

/* A short name of the kind ("ELF", "PE", "Mach-O", "Mach-O universal",
 * "WebAssembly", "unknown"). Static. */
const char *binfmt_kind_name(binfmt_kind k);

/* A Mach-O CPU type as the tools name it ("x86_64", "arm64", ...), or
 * NULL when unknown. Static. */
const char *binfmt_cpu_name(uint32_t cputype);

/*
 * Find the .dep-v0 data of the file in p[0..len). Returns 0 and fills
 * *out (kind, format, nslices, and per slice whether and where the data
 * is; no slice with data means the file carries none), or -1 with
 * err->msg set (out->kind still says what the file looked like, possibly
 * BINFMT_UNKNOWN: "not an ELF, PE, Mach-O or WebAssembly file").
 */
int binfmt_find(binfmt_info *out, const unsigned char *p, size_t len,
                binfmt_error *err);

/* The same, for one format only (the fuzz targets drive these): an input
 * of another format is an error. binfmt_macho takes thin and fat files. */
int binfmt_elf(binfmt_info *out, const unsigned char *p, size_t len,
               binfmt_error *err);
int binfmt_pe(binfmt_info *out, const unsigned char *p, size_t len,
              binfmt_error *err);
int binfmt_macho(binfmt_info *out, const unsigned char *p, size_t len,
                 binfmt_error *err);
int binfmt_wasm(binfmt_info *out, const unsigned char *p, size_t len,
                binfmt_error *err);

#endif
