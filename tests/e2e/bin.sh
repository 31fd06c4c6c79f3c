#!/bin/sh
# tests/e2e/bin.sh — `advdb-query bin` (and `scan` given binaries) end to
# end, on binaries made here by real tools (tests/tools/mkbins.sh: gcc,
# clang, ld.lld, ld64.lld, wasm-ld, GNU and mingw-w64 binutils, llvm-objcopy,
# llvm-lipo) around cargo-auditable data made from lockfiles
# (tests/tools/auditable.py). Nothing here is committed: every binary is
# built at run time.
#
# The rule checked: a binary whose data comes from a lockfile gives exactly
# the findings (package, version, advisory) `scan` gives for that lockfile,
# in every format, with the same filters and exit status. Then the paths
# of the dependency tree, the files a folder walk takes, binaries without
# data, and the malformed files (each a clear error and exit 2, never a
# crash or a clean result).
. "$(dirname "$0")/lib.sh"

if [ -z "$PY" ]; then
	skip "bin: every test" "python3 not found (it makes the test data)"
	echo "1..$_n"
	exit 0
fi
AUD="$ROOT/tests/tools/auditable.py"
MKBINS_PY=$AUD
. "$ROOT/tests/tools/mkbins.sh"

# findings FILE: "package version advisory" of every report line of FILE
# (vulnerabilities and warnings), sorted, one per line.
findings() {
	"$PY" - "$1" <<'PYEOF'
import json, sys
out = set()
for line in open(sys.argv[1], encoding="utf-8"):
    if not line.strip():
        continue
    d = json.loads(line)
    items = list(d["vulnerabilities"]["list"])
    for v in d["warnings"].values():
        items += v
    for f in items:
        out.add("%s %s %s" % (f["package"]["name"], f["package"]["version"],
                              f["advisory"]["id"]))
print("\n".join(sorted(out)))
PYEOF
}

# ---- the index: data/ always, the real advisory-db when ../shared is there
mkrepo "$ROOT/data" "$T/data" >/dev/null 2>&1
DB="$T/data.lmdb"
if ! "$C" -q -o "$DB" "$T/data" >"$T/o" 2>"$T/e"; then
	_tap "not ok" "compile data/ (nothing below can run)"
	exit 1
fi
D="-d $DB"

# ---- the sample lockfile in every format ---------------------------------
LOCK="$ROOT/data/lockfiles/Cargo.lock"
"$PY" "$AUD" json "$LOCK" "$T/sample.json" && "$PY" "$AUD" zlib "$T/sample.json" "$T/sample.z"
ok "the sample lockfile becomes cargo-auditable JSON" test -s "$T/sample.z"
mkbins "$T/sample.z" "$T/sb"
while IFS="$(printf '\t')" read -r name why; do
	skip "make a $name binary" "$why"
done <"$T/sb/missing"
is "real tools made binaries of every format" \
   "$(sort "$T/sb/made" | tr '\n' ' ')" \
   "elf32 elf32be elf64 elf64be fat macho32 macho32be macho64 macho64arm macho64be pe32 pe64 wasm "

"$Q" $D --json scan "$LOCK" >"$T/lock.json" 2>"$T/e"; lrc=$?
want=$(findings "$T/lock.json")
has "the sample lockfile has findings to compare" "$want" 'RUSTSEC-2024-0019'
for name in $(cat "$T/sb/made"); do
	"$Q" $D --json bin "$T/sb/$name" >"$T/bin.json" 2>"$T/e"; rc=$?
	is "$name: the exit status of scan on the lockfile ($lrc)" "$rc" "$lrc"
	is "$name: the findings of scan on the lockfile" "$(findings "$T/bin.json")" "$want"
done
pyjson "JSON: the binary's path in place of the lockfile's, its format" "$T/bin.json" \
  "docs[0]['lockfile']['path'].endswith('/sb/wasm') and docs[0]['binary'] == {'format': 'WebAssembly', 'slices': 1, 'slices-without-data': 0, 'dependency-tree': True, 'tree-error': None} and docs[0]['lockfile']['dependency-count'] == 6"
pyjson "JSON: the dependency path, root first, the package last" "$T/bin.json" \
  "[p['name'] for p in [f for f in docs[0]['vulnerabilities']['list'] if f['package']['name'] == 'mio'][0]['dependency-path']] == ['demo-app', 'mio']"
pyjson "JSON: a crates.io package carries the crates.io source, no checksum" "$T/bin.json" \
  "docs[0]['vulnerabilities']['list'][0]['package']['source'] == 'registry+https://github.com/rust-lang/crates.io-index' and docs[0]['vulnerabilities']['list'][0]['package']['checksum'] is None"
"$Q" $D --json bin "$T/sb/fat" >"$T/fat.json" 2>"$T/e"
pyjson "fat: one report, the union of two slices" "$T/fat.json" \
  "len(docs) == 1 and docs[0]['binary']['slices'] == 2 and docs[0]['binary']['format'] == 'Mach-O universal (2 slices)'"

q 1 "text report of an ELF" $D bin "$T/sb/elf64"
has "text: Scanning PATH (format, N packages)" "$(head -n 1 "$T/o")" \
    '^Scanning .*/sb/elf64 \(ELF 64-bit LSB, 6 packages\)$'
has "text: the path from the root to the finding" "$(cat "$T/o")" \
    '^Path: +demo-app 0\.1\.0 > tokio 1\.18\.3$'
has "text: the verdict line of scan" "$(tail -n 1 "$T/o")" '^error: 2 vulnerabilities found in 6 packages'

# the filters, as scan has them
for opts in "--os linux" "--ignore RUSTSEC-2024-0019" "--deny warnings" \
            "--arch x86_64 --ignore RUSTSEC-2023-0001"; do
	"$Q" $D $opts scan "$LOCK" >/dev/null 2>&1; a=$?
	"$Q" $D $opts bin "$T/sb/pe64" >/dev/null 2>&1; b=$?
	is "$opts: bin exits as scan does ($a)" "$b" "$a"
	"$Q" $D $opts --json scan "$LOCK" >"$T/l.json" 2>/dev/null
	"$Q" $D $opts --json bin "$T/sb/pe64" >"$T/b.json" 2>/dev/null
	is "$opts: the same findings" "$(findings "$T/b.json")" "$(findings "$T/l.json")"
done

# ---- scan takes binaries by their magic ----------------------------------
q 1 "scan: a binary and a lockfile in one run" $D --json scan "$T/sb/macho64" "$LOCK"
cp "$T/o" "$T/mixed.json"
pyjson "scan: the binary read as a binary, the lockfile as a lockfile" "$T/mixed.json" \
  "len(docs) == 2 and docs[0]['binary']['format'] == 'Mach-O 64-bit LSB' and 'binary' not in docs[1]"
printf '\312\376\272\276\000\000\000\064' >"$T/Hello.class"
q 2 "scan: a Java class file (fat magic, 52 'slices') is no binary" $D scan "$T/Hello.class"
has "scan: ... so it is read as a lockfile" "$(cat "$T/e")" 'Hello\.class'
q 2 "bin: a lockfile is not a binary" $D bin "$LOCK"
has "bin: says what it expected" "$(cat "$T/e")" 'Cargo\.lock: not an ELF, PE, Mach-O or WebAssembly file'
q 2 "bin: stdin is refused" $D bin -
q 2 "bin: no operand" $D bin
q 2 "bin: a missing file" $D bin "$T/nope"
has "bin: a missing file is named" "$(cat "$T/e")" 'nope: No such file'

# ---- no dependency data --------------------------------------------------
printf 'int main(void) { return 0; }\n' >"$T/plain.c"
if gcc -o "$T/plain" "$T/plain.c" 2>/dev/null; then
	q 2 "no data: exit 2" $D bin "$T/plain"
	has "no data: says so" "$(cat "$T/e")" 'plain: no dependency data \(not built with cargo auditable\)'
	is "no data: nothing looks clean on stdout" "$(cat "$T/o")" ""
	q 2 "no data: --json has an error line" $D --json bin "$T/plain"
	pyjson "no data: ... naming the binary" "$T/o" \
	  "docs[0]['error'].endswith('no dependency data (not built with cargo auditable)') and docs[0]['lockfile']['path'].endswith('/plain')"
	q 0 "no data, --allow-no-data: exit 0" $D --allow-no-data bin "$T/plain"
	has "no data, --allow-no-data: reported as skipped" "$(cat "$T/o")" \
	    '^Skipping .*plain \(ELF 64-bit LSB\): no dependency data'
	q 0 "no data, --allow-no-data --json" $D --allow-no-data --json bin "$T/plain"
	pyjson "no data, --allow-no-data --json: a skipped line" "$T/o" \
	  "docs[0]['skipped'].startswith('no dependency data') and docs[0]['binary']['format'] == 'ELF 64-bit LSB'"
	q 2 "scan of a binary without data: exit 2 as bin" $D scan "$T/plain"
else
	skip "no data" "gcc failed"
fi
# A universal file with one slice without data.
"$PY" - "$AUD" "$T/sample.z" "$T/partial" <<'PYEOF'
import sys, importlib.util
spec = importlib.util.spec_from_file_location("aud", sys.argv[1])
A = importlib.util.module_from_spec(spec); spec.loader.exec_module(A)
z = open(sys.argv[2], "rb").read()
b = A.macho(z, 64, cputype=0x0100000c).replace(b".dep-v0\0", b".other\0\0", 1)
open(sys.argv[3], "wb").write(A.fat([A.macho(z), b]))
PYEOF
q 2 "fat, a slice without data: exit 2" $D bin "$T/partial"
has "fat, a slice without data: says which part" "$(cat "$T/e")" '1 of 2 slices: no dependency data'
q 1 "fat, a slice without data, --allow-no-data: the other slice's findings" $D --allow-no-data bin "$T/partial"
has "... with a warning in the report" "$(cat "$T/o")" 'warning: 1 of 2 slices have no dependency data'

# ---- the dependency tree --------------------------------------------------
edited() {  # name python-edit-of-d: an ELF $T/name holding the sample's
            # JSON `d` after the edit
	"$PY" - "$AUD" "$T/sample.json" "$T/$1" "$2" <<'PYEOF'
import sys, json, zlib, importlib.util
spec = importlib.util.spec_from_file_location("aud", sys.argv[1])
A = importlib.util.module_from_spec(spec); spec.loader.exec_module(A)
d = json.load(open(sys.argv[2]))
exec(sys.argv[4])
open(sys.argv[3], "wb").write(A.elf(zlib.compress(json.dumps(d).encode())))
PYEOF
}
tree_case() {  # name python-edit-of-d message
	edited "$1" "$2"
	"$Q" $D bin "$T/$1" >"$T/o" 2>"$T/e"; rc=$?
	is "tree, $1: the packages are still checked (exit 1)" "$rc" 1
	has "tree, $1: no tree, and why" "$(cat "$T/o")" "^warning: no dependency tree: .*$3"
	has "tree, $1: no Path lines" "$(grep -c '^Path:' "$T/o")" '^0$'
	"$Q" $D --json bin "$T/$1" >"$T/o" 2>"$T/e"
	is "tree, $1: the findings stay" "$(findings "$T/o")" "$want"
}
tree_case cycle "d['packages'][4].setdefault('dependencies', []).append(1)" 'a dependency cycle through'
tree_case two-roots "d['packages'][0]['root'] = True" '2 root packages'
tree_case no-root "[p.pop('root', None) for p in d['packages']]" 'no root package'
tree_case out-of-range "d['packages'][1]['dependencies'] = [77]" 'depends on index 77, out of range'
pyjson "tree: JSON says why, paths are null" "$T/o" \
  "docs[0]['binary']['dependency-tree'] is False and 'out of range' in docs[0]['binary']['tree-error'] and all(f['dependency-path'] is None for f in docs[0]['vulnerabilities']['list'])"
# mio reached by nobody: a tree, but no path to it
edited lost "d['packages'][1]['dependencies'] = [0, 2, 4, 5]; d['packages'][5].pop('dependencies')"
q 1 "tree, a package the root does not reach: still checked" $D bin "$T/lost"
has "tree, a package the root does not reach: said so" "$(grep -A 2 '^Crate: *mio' "$T/o")" \
    '^Path: +not reached from the root$'
q 1 "tree, unreached, JSON" $D --json bin "$T/lost"
pyjson "tree, unreached, JSON: its path is null, tokio's is not" "$T/o" \
  "{f['package']['name']: f['dependency-path'] for f in docs[0]['vulnerabilities']['list']} == {'mio': None, 'tokio': [{'name': 'demo-app', 'version': '0.1.0'}, {'name': 'tokio', 'version': '1.18.3'}]}"
# a chain of 99 packages between the root and mio: the path is cut at 64
edited chain "n = len(d['packages']); d['packages'][1]['dependencies'] = [0, 2, 4, 5, n]; d['packages'][5].pop('dependencies'); d['packages'] += [{'name': 'c%d' % i, 'version': '0.1.0', 'source': 'local', 'dependencies': [n + i if i < 99 else 3]} for i in range(1, 100)]"
q 1 "tree, a 101-package path" $D bin "$T/chain"
has "tree, a 101-package path: the root, the count left out, the 63 nearest" \
    "$(grep -A 2 '^Crate: *mio' "$T/o")" \
    '^Path: +demo-app 0\.1\.0 > \.\.\. 37 more > c38 0\.1\.0 > c39 .* > c99 0\.1\.0 > mio 0\.8\.10$'
q 1 "tree, a 101-package path, JSON" $D --json bin "$T/chain"
pyjson "tree, a 101-package path, JSON: 64 kept, 37 omitted" "$T/o" \
  "[(len(f['dependency-path']), f['dependency-path'][0]['name'], f['dependency-path'][1]['name'], f['dependency-path'][-1]['name'], f['dependency-path-omitted']) for f in docs[0]['vulnerabilities']['list'] if f['package']['name'] == 'mio'] == [(64, 'demo-app', 'c38', 'mio', 37)]"

# ---- folders ---------------------------------------------------------------
mkdir -p "$T/tree/b/deep" "$T/tree/a" "$T/tree/.git"
cp "$T/sb/elf64" "$T/tree/a/app"
cp "$T/sb/wasm" "$T/tree/b/mod.wasm"
cp "$T/sb/pe32" "$T/tree/b/deep/tool.exe"
cp "$T/sb/macho64" "$T/tree/b/deep/libx.dylib"
cp "$T/sb/elf32" "$T/tree/b/libfoo.so.1"
cp "$T/sb/elf64" "$T/tree/.git/hidden"
cp "$T/sb/elf64" "$T/tree/a/not-executable"; chmod -x "$T/tree/a/not-executable"
printf '#!/bin/sh\necho hi\n' >"$T/tree/a/script"; chmod +x "$T/tree/a/script"
printf '/* GNU ld script */\nGROUP ( libc.so.6 )\n' >"$T/tree/b/libc.so"
ln -s "$T/sb/elf64" "$T/tree/a/link"
cp "$LOCK" "$T/tree/Cargo.lock"
q 1 "bin DIR" $D --json -j 2 bin "$T/tree"
cp "$T/o" "$T/tree.json"
pyjson "bin DIR: the binaries (exec bit or name), sorted; no script, no symlink, no .git" "$T/tree.json" \
  "[d['lockfile']['path'][len('$T/tree/'):] for d in docs] == ['a/app', 'b/deep/libx.dylib', 'b/deep/tool.exe', 'b/libfoo.so.1', 'b/mod.wasm']"
q 1 "bin DIR: text summary" $D bin "$T/tree"
has "bin DIR: N binaries scanned" "$(tail -n 1 "$T/o")" '^5 binaries scanned: 5 with findings, 0 with errors$'
q 1 "scan DIR still takes only Cargo.lock" $D --json scan "$T/tree"
pyjson "scan DIR: one lockfile" "$T/o" "len(docs) == 1 and docs[0]['lockfile']['path'].endswith('tree/Cargo.lock')"
mkdir -p "$T/empty"
q 2 "bin DIR without binaries: exit 2" $D bin "$T/empty"
has "bin DIR without binaries: says so" "$(cat "$T/e")" 'no binary below it'

# ---- malformed files: each a clear error, exit 2 ------------------------
mkdir -p "$T/golden"
"$PY" "$AUD" golden "$T/golden" "$T/sample.z"
n=0 bad=""
while IFS="$(printf '\t')" read -r f msg; do
	n=$((n + 1))
	"$Q" $D bin "$T/golden/$f" >"$T/o" 2>"$T/e"; rc=$?
	if [ "$rc" != 2 ] || ! grep -Eq -- "$msg" "$T/e" || [ -s "$T/o" ]; then
		bad="$bad $f(exit $rc: $(head -c 160 "$T/e"))"
	fi
done <"$T/golden/cases.tsv"
has "golden: there are malformed files of every kind" "$n" '^[5-9][0-9]$'
is "golden: each gives its message and exit 2, nothing on stdout" "$bad" ""
chmod +x "$T"/golden/*; chmod -x "$T/golden/cases.tsv"
"$Q" $D --json -j 2 bin "$T/golden" >"$T/o" 2>"$T/e"; rc=$?
is "golden: all at once in a folder, exit 2" "$rc" 2
pyjson "golden: every binary-looking file has an error line" "$T/o" \
  "len(docs) >= $n - 1 and all('error' in d for d in docs)"
# the same files through scan, by magic (the ones with a binary magic)
bad=""
for f in elf-truncated pe-section-outside macho-zerofill fat-slices-overlap wasm-bad-leb zlib-bomb json-deep; do
	"$Q" $D scan "$T/golden/$f" >/dev/null 2>"$T/e"; rc=$?
	msg=$(grep "^$f	" "$T/golden/cases.tsv" | cut -f 2)
	{ [ "$rc" = 2 ] && grep -Eq -- "$msg" "$T/e"; } || bad="$bad $f($rc)"
done
is "golden: scan gives the same errors" "$bad" ""
# A file over the cap (sparse: no disk used).
if truncate -s 1025M "$T/huge.elf" 2>/dev/null && printf '\177ELF' | dd of="$T/huge.elf" conv=notrunc 2>/dev/null; then
	q 2 "a binary over 1 GiB: exit 2" $D bin "$T/huge.elf"
	has "a binary over 1 GiB: the cap named" "$(cat "$T/e")" 'larger than 1024 MiB'
	rm -f "$T/huge.elf"
else
	skip "a binary over 1 GiB" "truncate failed"
fi

# ---- real lockfiles, the real advisory-db ---------------------------------
if need_shared "bin: real lockfiles and advisories"; then
	git clone -q "$SHARED/advisory-db.bundle" "$T/adb" 2>/dev/null &&
	    git -C "$T/adb" checkout -q main 2>/dev/null
	RDB="$T/real.lmdb"
	if "$C" -q -o "$RDB" "$T/adb" >/dev/null 2>"$T/e"; then
		R="-d $RDB"
		mkdir -p "$T/all"
		for lf in BurntSushi__ripgrep__2017-02-25__4e8c0fc4ad \
		          alacritty__alacritty__2019-05-17__679b15e274 \
		          sharkdp__bat__2021-05-12__73dab51ad1 \
		          denoland__deno__2021-05-31__f891368057 \
		          astral-sh__uv__HEAD; do
			src="$SHARED/lockfiles/$lf.lock"
			[ -f "$src" ] || { skip "real: $lf" "not in ../shared"; continue; }
			"$PY" "$AUD" json "$src" "$T/$lf.json" &&
			    "$PY" "$AUD" zlib "$T/$lf.json" "$T/$lf.z"
			mkbins "$T/$lf.z" "$T/r-$lf"
			"$Q" $R --json scan "$src" >"$T/l.json" 2>/dev/null; lrc=$?
			want=$(findings "$T/l.json")
			bad=""
			for name in $(cat "$T/r-$lf/made"); do
				"$Q" $R --json bin "$T/r-$lf/$name" >"$T/b.json" 2>"$T/e"; rc=$?
				[ "$rc" = "$lrc" ] && [ "$(findings "$T/b.json")" = "$want" ] ||
				    bad="$bad $name($rc)"
				cp "$T/r-$lf/$name" "$T/all/$lf-$name"
				chmod +x "$T/all/$lf-$name"     # objects, python-built
			done
			is "real: $lf: $(wc -l <"$T/r-$lf/made" | tr -d ' ') formats, the findings of scan ($(printf '%s\n' "$want" | grep -c .))" "$bad" ""
		done
		# all of them in one parallel walk: one report each, in order
		"$Q" $R --json -j 2 bin "$T/all" >"$T/all.json" 2>"$T/e"; rc=$?
		[ "$rc" -le 1 ]; is "real: bin over every binary at once: exit 0 or 1" "$?" 0
		is "real: one report per binary" "$(wc -l <"$T/all.json" | tr -d ' ')" "$(ls "$T/all" | wc -l | tr -d ' ')"
		pyjson "real: reports in name order, none an error" "$T/all.json" \
		  "[d['lockfile']['path'] for d in docs] == sorted(d['lockfile']['path'] for d in docs) and all('error' not in d for d in docs)"
	else
		_tap "not ok" "compile the real advisory-db"
	fi
fi

echo "1..$_n"
