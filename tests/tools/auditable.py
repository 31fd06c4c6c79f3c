#!/usr/bin/env python3
"""tests/tools/auditable.py — test data for `advdb-query bin`, made at run
time (nothing it writes is committed, except the tiny fuzz seeds that its
`seeds` command builds from scratch).

  json LOCKFILE OUT        the cargo-auditable JSON of a Cargo.lock: every
                           package (source crates.io / git / registry /
                           local), its `dependencies` resolved to indices,
                           root = the workspace member that reaches the most
                           packages
  zlib IN OUT              zlib-compress a file (python's zlib)
  csrc IN OUT SECTION      a C file holding IN's bytes in SECTION (a used
                           static array), for compilers that place it
  build FORMAT IN OUT      a minimal container built here byte by byte, by
                           the formats' specifications, with IN as its
                           .dep-v0 data: elf64 elf32 elf64be elf32be pe32
                           pe64 macho64 macho32 macho64be macho32be wasm;
                           fat OUT IN... (slices: thin Mach-O files)
  golden DIR PAYLOAD       the malformed inputs of tests/e2e/bin.sh: one
                           file per case, and DIR/cases.tsv (file, the
                           message expected, grep -E)
  seeds DIR                small valid seeds for the fuzz targets

Used where no Debian tool can make the file (a big-endian Mach-O: clang no
longer targets PowerPC Darwin), for malformed files (each one a valid file
with one field changed), and for fuzz seeds. The real-tool binaries come
from tests/tools/mkbins.sh.
"""
import json
import os
import struct
import sys
import zlib

CRATES_IO = ("registry+https://github.com/rust-lang/crates.io-index",
             "sparse+https://index.crates.io/")


# ---- lockfile -> cargo-auditable JSON ---------------------------------------

def lock_to_auditable(path):
    import tomllib
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    pkgs = list(doc.get("package", []))
    if "root" in doc:                       # format v1
        pkgs.insert(0, doc["root"])

    def source(p):
        s = p.get("source")
        if s is None:
            return "local"
        if s in CRATES_IO:
            return "crates.io"
        if s.startswith("git+"):
            return "git"
        return "registry"

    by_name = {}
    for i, p in enumerate(pkgs):
        by_name.setdefault(p["name"], []).append(i)

    def resolve(dep):
        # "name", "name version" or "name version (source)"
        parts = dep.split(" ", 2)
        cands = by_name.get(parts[0], [])
        if len(parts) > 1:
            cands = [i for i in cands if pkgs[i]["version"] == parts[1]]
        if len(parts) > 2:
            src = parts[2].strip("()")
            cands = [i for i in cands if pkgs[i].get("source") == src] or cands
        return cands[0] if cands else None

    deps = []
    for p in pkgs:
        d = [resolve(x) for x in p.get("dependencies", [])]
        deps.append(sorted(set(i for i in d if i is not None)))

    def reach(r):
        seen, todo = {r}, [r]
        while todo:
            for w in deps[todo.pop()]:
                if w not in seen:
                    seen.add(w)
                    todo.append(w)
        return len(seen)

    members = [i for i, p in enumerate(pkgs) if p.get("source") is None]
    root = max(members, key=lambda i: (reach(i), -i)) if members else None
    out = []
    for i, p in enumerate(pkgs):
        e = {"name": p["name"], "version": p["version"], "source": source(p)}
        if deps[i]:
            e["dependencies"] = deps[i]
        if i == root:
            e["root"] = True
        out.append(e)
    return {"format": 1, "packages": out}


# ---- containers, by the specifications ----------------------------------

NAME = b".dep-v0"


def pad(b, n):
    return b + b"\0" * ((-len(b)) % n)


def elf(payload, bits=64, be=False):
    """ELF relocatable: null section, .dep-v0, .shstrtab."""
    e = ">" if be else "<"
    shstr = b"\0" + NAME + b"\0.shstrtab\0"
    eh = 64 if bits == 64 else 52
    sh = 64 if bits == 64 else 40
    off_data = eh
    off_str = off_data + len(payload)
    off_sh = (off_str + len(shstr) + 7) & ~7
    ident = b"\x7fELF" + bytes([2 if bits == 64 else 1, 2 if be else 1, 1]) + b"\0" * 9
    if bits == 64:
        hdr = ident + struct.pack(e + "HHIQQQIHHHHHH", 1, 62, 1, 0, 0, off_sh,
                                  0, eh, 0, 0, sh, 3, 2)
    else:
        hdr = ident + struct.pack(e + "HHIIIIIHHHHHH", 1, 3, 1, 0, 0, off_sh,
                                  0, eh, 0, 0, sh, 3, 2)

    def shdr(name, typ, off, size):
        if bits == 64:
            return struct.pack(e + "IIQQQQIIQQ", name, typ, 0, 0, off, size, 0, 0, 1, 0)
        return struct.pack(e + "IIIIIIIIII", name, typ, 0, 0, off, size, 0, 0, 1, 0)

    body = hdr + payload + shstr
    body = body + b"\0" * (off_sh - len(body))
    body += shdr(0, 0, 0, 0)
    body += shdr(1, 1, off_data, len(payload))          # PROGBITS
    body += shdr(1 + len(NAME) + 1, 3, off_str, len(shstr))
    return body


def pe(payload, plus=True):
    """PE image: DOS header, PE header, optional header, one section."""
    dos = b"MZ" + b"\0" * 58 + struct.pack("<I", 0x40)
    optsize = 240 if plus else 224
    coff = b"PE\0\0" + struct.pack("<HHIIIHH", 0x8664 if plus else 0x14c, 1,
                                   0, 0, 0, optsize, 0x22)
    opt = struct.pack("<H", 0x20b if plus else 0x10b) + b"\0" * (optsize - 2)
    raw = pad(payload, 0x200)
    sect = NAME + b"\0" + struct.pack("<IIIIIIHHI", len(payload), 0x1000,
                                      len(raw), 0x200, 0, 0, 0, 0, 0x40000040)
    head = dos + coff + opt + sect
    return pad(head, 0x200) + raw


def macho(payload, bits=64, be=False, cputype=None, filetype=1):
    """Mach-O: one LC_SEGMENT(_64) with section __DATA,.dep-v0."""
    e = ">" if be else "<"
    if cputype is None:
        cputype = (0x01000007 if bits == 64 else 7) if not be else \
                  (0x01000012 if bits == 64 else 18)
    hsize = 32 if bits == 64 else 28
    segsize, sectsize = (72, 80) if bits == 64 else (56, 68)
    cmdsize = segsize + sectsize
    data_off = hsize + cmdsize
    segname = b"\0" * 16
    sectname = NAME.ljust(16, b"\0")
    dseg = b"__DATA".ljust(16, b"\0")
    if bits == 64:
        hdr = struct.pack(e + "IiiIIIII", 0xfeedfacf, cputype, 3, filetype, 1,
                          cmdsize, 0, 0)
        seg = struct.pack(e + "II16sQQQQiiII", 0x19, cmdsize, segname, 0,
                          len(payload), data_off, len(payload), 7, 7, 1, 0)
        sec = struct.pack(e + "16s16sQQIIIIIIII", sectname, dseg, 0,
                          len(payload), data_off, 0, 0, 0, 0, 0, 0, 0)
    else:
        hdr = struct.pack(e + "IiiIIII", 0xfeedface, cputype, 3, filetype, 1,
                          cmdsize, 0)
        seg = struct.pack(e + "II16sIIIIiiII", 0x1, cmdsize, segname, 0,
                          len(payload), data_off, len(payload), 7, 7, 1, 0)
        sec = struct.pack(e + "16s16sIIIIIIIII", sectname, dseg, 0,
                          len(payload), data_off, 0, 0, 0, 0, 0, 0)
    return hdr + seg + sec + payload


def macho_cputype(b):
    m = struct.unpack("<I", b[:4])[0]
    e = "<" if m in (0xfeedface, 0xfeedfacf) else ">"
    return struct.unpack(e + "ii", b[4:12])


def fat(slices, fat64=False, align=12):
    """A universal file of thin Mach-O slices, each 2^align aligned."""
    n = len(slices)
    ent = 32 if fat64 else 20
    off = (8 + n * ent + (1 << align) - 1) & ~((1 << align) - 1)
    hdr = struct.pack(">II", 0xcafebabf if fat64 else 0xcafebabe, n)
    body = b""
    for s in slices:
        cpu, sub = macho_cputype(s)
        if fat64:
            hdr += struct.pack(">iiQQII", cpu, sub, off, len(s), align, 0)
        else:
            hdr += struct.pack(">iiIII", cpu, sub, off, len(s), align)
        body += s
        body = pad(body, 1 << align)
        off = (off + len(s) + (1 << align) - 1) & ~((1 << align) - 1)
    first = (8 + n * ent + (1 << align) - 1) & ~((1 << align) - 1)
    return hdr.ljust(first, b"\0") + body


def leb(n, width=0):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        width -= 1
        if n or width > 0:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def wasm_custom(name, payload):
    body = leb(len(name)) + name + payload
    return b"\0" + leb(len(body)) + body


def wasm(payload):
    # a type section (one func type () -> ()) before the custom section
    types = b"\x01\x60\x00\x00"
    return b"\0asm\x01\0\0\0" + b"\x01" + leb(len(types)) + types + \
        wasm_custom(NAME, payload)


BUILDERS = {
    "elf64": lambda p: elf(p, 64, False), "elf32": lambda p: elf(p, 32, False),
    "elf64be": lambda p: elf(p, 64, True), "elf32be": lambda p: elf(p, 32, True),
    "pe32": lambda p: pe(p, False), "pe64": lambda p: pe(p, True),
    "macho64": lambda p: macho(p, 64, False), "macho32": lambda p: macho(p, 32, False),
    "macho64be": lambda p: macho(p, 64, True), "macho32be": lambda p: macho(p, 32, True),
    "wasm": wasm,
}


# ---- malformed inputs ---------------------------------------------------

def put(b, off, fmt, *v):
    b = bytearray(b)
    struct.pack_into(fmt, b, off, *v)
    return bytes(b)


def golden(d, payload):
    """Each case: a valid container with one thing wrong, and the message
    (grep -E) the tool must give for it."""
    cases = []

    def case(name, data, msg):
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        cases.append((name, msg))

    z = payload
    e64 = elf(z)
    eh, sh = 64, 64
    off_sh = struct.unpack_from("<Q", e64, 0x28)[0]
    dep_sh = off_sh + sh                   # section 1 is .dep-v0
    case("elf-truncated", e64[:off_sh // 2], r"section table .* lies outside|ends past the end")
    case("elf-header-only", e64[:40], r"ELF: truncated")
    case("elf-offset-out-of-range", put(e64, dep_sh + 0x18, "<Q", 1 << 40),
         r"\.dep-v0 section \(offset [0-9]+.*lies outside the file")
    case("elf-offset-wraps", put(put(e64, dep_sh + 0x18, "<Q", (1 << 64) - 8),
                                 dep_sh + 0x20, "<Q", 64),
         r"\.dep-v0 section .*lies outside the file")
    case("elf-overlaps-header", put(e64, dep_sh + 0x18, "<Q", 0),
         r"overlaps the ELF header")
    case("elf-overlaps-section-table",
         put(put(e64, dep_sh + 0x18, "<Q", off_sh), dep_sh + 0x20, "<Q", 16),
         r"overlaps the section table")
    case("elf-section-table-outside", put(e64, 0x28, "<Q", len(e64) + 4096),
         r"section table .*lies outside the file")
    case("elf-too-many-sections",
         put(put(e64, 0x3c, "<H", 0), off_sh + 0x20, "<Q", 10 ** 6),
         r"1000000 sections, more than")
    case("elf-two-sections", put(e64, off_sh + 2 * sh, "<I", 1),
         r"two \.dep-v0 sections")
    case("elf-nobits", put(e64, dep_sh + 4, "<I", 8), r"SHT_NOBITS")
    case("elf-name-outside", put(e64, dep_sh, "<I", 1 << 20),
         r"name offset [0-9]+ outside the name table")
    case("elf-bad-strndx", put(e64, 0x3e, "<H", 9), r"name table index 9 out of range")
    case("elf32be-truncated", elf(z, 32, True)[:60], r"section table .*(lies outside|ends past)")

    p64 = pe(z)
    case("pe-truncated", p64[:0x100], r"PE: the section table .*ends past|the optional header")
    case("pe-lfanew-out-of-range", put(p64, 0x3c, "<I", 0x7fffffff),
         r"PE header \(offset 2147483647\) lies outside")
    case("pe-lfanew-in-dos-header", put(p64, 0x3c, "<I", 4), r"overlaps the DOS header")
    case("pe-no-signature", put(p64, 0x40, "<I", 0), r"no PE signature")
    sect = 0x40 + 24 + 240
    case("pe-section-outside", put(p64, sect + 20, "<I", 0x10000000),
         r"\.dep-v0 section \(offset [0-9]+.*lies outside the file")
    case("pe-section-wraps", put(put(p64, sect + 20, "<I", 0xffffff00), sect + 8, "<I", 0x200),
         r"\.dep-v0 section .*lies outside the file")
    case("pe-section-overlaps-headers", put(p64, sect + 20, "<I", 0x40),
         r"overlaps the headers")
    case("pe-too-many-sections", put(p64, 0x40 + 6, "<H", 0xffff),
         r"section table \(65535 entries.*ends past")
    case("pe-bad-magic", put(p64, 0x40 + 24, "<H", 0x107), r"unknown optional header magic")

    m64 = macho(z)
    case("macho-truncated", m64[:60], r"load commands .*end past the end")
    case("macho-too-many-load-commands", put(m64, 16, "<I", 1 << 20),
         r"1048576 load commands, more than")
    case("macho-cmds-outside", put(m64, 20, "<I", 1 << 30), r"load commands .*end past the end")
    case("macho-cmdsize-zero", put(m64, 32 + 4, "<I", 0), r"has size 0 \(less than 8\)")
    case("macho-cmd-past-area", put(m64, 16, "<I", 2), r"load command 1 lies past")
    case("macho-nsects-too-many", put(m64, 32 + 64, "<I", 1000),
         r"1000 sections do not fit")
    case("macho-section-outside", put(m64, 32 + 72 + 48, "<I", 1 << 30),
         r"\.dep-v0 section \(offset [0-9]+.*lies outside")
    case("macho-section-overlaps-header", put(m64, 32 + 72 + 48, "<I", 8),
         r"overlaps the header and load commands")
    case("macho-zerofill", put(m64, 32 + 72 + 64, "<I", 1), r"zerofill")
    case("macho32be-truncated", macho(z, 32, True)[:20], r"Mach-O: truncated")

    a = macho(z, 64)
    b = macho(z, 64, cputype=0x0100000c)
    f = fat([a, b])
    case("fat-slice-outside", put(f, 8 + 8, ">I", 1 << 30), r"slice 1 \(x86_64\) .*lies outside")
    case("fat-slice-overlaps-header", put(f, 8 + 8, ">I", 8), r"overlaps the universal header")
    off1 = struct.unpack_from(">I", f, 8 + 8)[0]
    case("fat-slices-overlap", put(f, 8 + 20 + 8, ">I", off1), r"overlaps slice 1")
    case("fat-same-arch", put(put(f, 8 + 20, ">i", 0x01000007), 8 + 20 + 4, ">i", 3),
         r"slice 1 has the same architecture")
    case("fat-nested", fat([fat([a])]), r"universal file inside a universal file")
    case("fat-cpu-mismatch", put(f, 8, ">i", 0x0100000c), r"its header says x86_64")
    case("fat-table-outside", f[:30], r"slice table .* ends past the end")
    case("fat-slice-bad", fat([a, b[:40]]), r"slice 2 \(arm64\).*end past the end")
    case("java-class", b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + b"\0" * 64,
         r"not an ELF, PE, Mach-O or WebAssembly file")

    w = wasm(z)
    case("wasm-truncated", w[:len(w) - 10], r"ends past the end of the file")
    case("wasm-bad-leb", b"\0asm\x01\0\0\0\x00\xff\xff\xff\xff\xff\x01", r"bad or truncated size")
    case("wasm-name-outside", b"\0asm\x01\0\0\0" + b"\0\x02\x7f\x00", r"name does not fit")
    case("wasm-version", put(w, 4, "<I", 0x1000d), r"version 0x1000d, not 1")
    case("wasm-two-sections", w + wasm_custom(NAME, z), r"two \.dep-v0 sections")

    # The data itself, each in a valid ELF.
    def data(name, raw, msg):
        case(name, elf(raw), msg)
    data("zlib-garbage", b"\x78\x9cnot zlib at all", r"not zlib data")
    data("zlib-not-zlib", b"plain text, not compressed", r"not zlib data")
    data("zlib-truncated", z[:len(z) // 2], r"dependency data: truncated \(its zlib stream does not end\)")
    data("zlib-trailing", z + b"junk", r"4 bytes after the end of its zlib stream")
    bomb = zlib.compressobj(9)
    zb = bomb.compress(b"\0" * (9 << 20)) + bomb.flush()
    data("zlib-bomb", zb, r"inflates to more than 8 MiB")
    big = b'{"packages":[' + b",".join([b'{"name":"a","version":"1.0.0","source":"local"}'] * 180000) + b"]}"
    data("json-huge", zlib.compress(big), r"inflates to more than 8 MiB")
    data("json-bad", zlib.compress(b'{"packages": [}'), r"bad JSON at line 1")
    data("json-not-utf8", zlib.compress(b'{"packages": [{"name": "\xff"}]}'), r"bad JSON")
    data("json-duplicate-key", zlib.compress(b'{"packages": [], "packages": []}'), r"bad JSON.*duplicate")
    data("json-deep", zlib.compress(b'{"packages": [' + b"[" * 100 + b"]" * 100 + b"]}"),
         r"nested deeper than 16")
    data("json-many-values", zlib.compress(b'{"packages": [], "x": [' + b"0," * 2100000 + b"0]}"),
         r"more than 2000000 JSON values")
    data("json-no-packages", zlib.compress(b'{"format": 1}'), r"`packages` is missing")
    data("json-bad-version", zlib.compress(
        b'{"packages": [{"name": "a", "version": "1.x", "source": "crates.io"}]}'),
        r"package 0 \(a\): bad version")
    data("json-empty-name", zlib.compress(
        b'{"packages": [{"name": "", "version": "1.0.0", "source": "crates.io"}]}'),
        r"package 0: empty `name`")
    data("json-bad-kind", zlib.compress(
        b'{"packages": [{"name": "a", "version": "1.0.0", "source": "local", "kind": "dev"}]}'),
        r"`kind` is neither")
    data("json-bad-dependency", zlib.compress(
        b'{"packages": [{"name": "a", "version": "1.0.0", "source": "local", "dependencies": [-1]}]}'),
        r"not a package index")
    data("json-bad-source", zlib.compress(
        b'{"packages": [{"name": "a", "version": "1.0.0", "source": 7}]}'),
        r"`source` is missing or not a string")
    case("elf-empty-section", elf(b""), r"\.dep-v0 section is empty")
    with open(os.path.join(d, "cases.tsv"), "w") as f:
        for name, msg in cases:
            f.write("%s\t%s\n" % (name, msg))


def seeds(d):
    pkgs = {"format": 1, "packages": [
        {"name": "app", "version": "0.1.0", "source": "local", "dependencies": [1, 2], "root": True},
        {"name": "tokio", "version": "1.18.3", "source": "crates.io", "dependencies": [2]},
        {"name": "mio", "version": "0.8.10", "source": "crates.io"},
        {"name": "cc", "version": "1.0.0", "source": "crates.io", "kind": "build"},
        {"name": "g", "version": "0.1.0", "source": "git"},
        {"name": "o", "version": "0.1.0", "source": {"Other": "x"}}]}
    js = json.dumps(pkgs, separators=(",", ":")).encode()
    z = zlib.compress(js, 9)
    groups = {
        "fuzz_elf": {"min64": elf(z), "min32be": elf(z, 32, True)},
        "fuzz_pe": {"pe64": pe(z), "pe32": pe(z, False)},
        "fuzz_macho": {"thin64": macho(z), "thin32be": macho(z, 32, True),
                       "fat": fat([macho(z), macho(z, 64, cputype=0x0100000c)], align=6)},
        "fuzz_wasm": {"min": wasm(z)},
        "fuzz_auditable": {"tiny.z": z, "plain.json": js},
    }
    for target, files in groups.items():
        os.makedirs(os.path.join(d, target), exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(d, target, name), "wb") as f:
                f.write(data)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd = argv[1]
    if cmd == "json" and len(argv) == 4:
        with open(argv[3], "w") as f:
            json.dump(lock_to_auditable(argv[2]), f, separators=(",", ":"))
    elif cmd == "zlib" and len(argv) == 4:
        with open(argv[2], "rb") as f, open(argv[3], "wb") as g:
            g.write(zlib.compress(f.read(), 9))
    elif cmd == "csrc" and len(argv) == 5:
        with open(argv[2], "rb") as f:
            b = f.read()
        with open(argv[3], "w") as g:
            g.write('__attribute__((used, section("%s")))\n' % argv[4])
            g.write("static const unsigned char dep_v0[%d] = {\n" % len(b))
            for i in range(0, len(b), 24):
                g.write(",".join(str(x) for x in b[i:i + 24]) + ",\n")
            g.write("};\nint main(void) { return 0; }\n")
    elif cmd == "build" and len(argv) == 5 and argv[2] in BUILDERS:
        with open(argv[3], "rb") as f:
            b = BUILDERS[argv[2]](f.read())
        with open(argv[4], "wb") as g:
            g.write(b)
    elif cmd == "fat" and len(argv) >= 4:
        sl = []
        for p in argv[3:]:
            with open(p, "rb") as f:
                sl.append(f.read())
        with open(argv[2], "wb") as g:
            g.write(fat(sl))
    elif cmd == "golden" and len(argv) == 4:
        with open(argv[3], "rb") as f:
            golden(argv[2], f.read())
    elif cmd == "seeds" and len(argv) == 3:
        seeds(argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
