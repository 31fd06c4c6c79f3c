#!/bin/sh
# tests/e2e/bindings.sh — libadvdb as others see it: installed with
# `make install DESTDIR=... PREFIX=/usr`, then
#   - its exported symbols: exactly advdb.h's ADVDB_EXTERN calls (and the
#     symbol version node of query/libadvdb.map), in the shared library
#     and in the static one; the soname is advdb.h's ADVDB_SOVERSION;
#   - a C program that defines toml_parse and version_parse itself links
#     the installed static library and still works (no name clash);
#   - one version everywhere: advdb.h, advdb_version(), advdb.pc, and both
#     programs' --version;
#   - bound from Python (ctypes, tests/bindings/advdb.py) and from Go (cgo
#     through advdb.pc, tests/bindings/go): lookups, advisories by id and
#     alias, the advisory iterator, info, and the packages of a Cargo.lock
#     and of binaries read from buffers, over an index of data/; each
#     binding's answers must equal advdb-query's (tests/bindings/expect.py).
# Python and Go are skipped, with the reason, only when the interpreter or
# toolchain is not installed (make deps installs both).
. "$(dirname "$0")/lib.sh"

INST="$T/inst"
LIB="$INST/usr/lib"
HDR="$INST/usr/include/advdb.h"
CC=${CC:-cc}

# The build folder as the Makefile names it (relative to the root when
# it lies inside), so the install reuses its objects.
case $BUILD in "$ROOT"/*) MKBUILD=${BUILD#"$ROOT"/} ;; *) MKBUILD=$BUILD ;; esac
if ! make -s -C "$ROOT" BUILD="$MKBUILD" SAN="${SAN:-}" install \
        DESTDIR="$INST" PREFIX=/usr >"$T/install.log" 2>&1; then
	_tap "not ok" "make install DESTDIR=... PREFIX=/usr"
	sed 's/^/# /' "$T/install.log" | tail -n 20
	done_testing 1
fi
_tap ok "make install DESTDIR=... PREFIX=/usr"

# Under `make test-sanitize` the library is built with ASan and UBSan: the
# programs that load it get the same runtime (C programs are linked with
# it; Python and Go preload it).
SANFLAGS="" PRELOAD=""
if [ -n "${SAN:-}" ]; then
	SANFLAGS="-fsanitize=address,undefined"
	PRELOAD=$($CC -print-file-name=libasan.so)
	export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
fi

# ---- symbols ----------------------------------------------------------
declared=$(sed -n 's/^ADVDB_EXTERN([^)]*) *\**\(advdb_[a-z0-9_]*\)(.*/\1/p' "$HDR" | sort)
n=$(printf '%s\n' "$declared" | grep -c .)
[ "$n" -ge 40 ]; is "advdb.h declares the API with ADVDB_EXTERN ($n calls)" "$?" 0
# (newer nm prints name@@VERSION: the version is checked apart below)
nm -D --defined-only "$LIB/libadvdb.so.0" 2>"$T/nm.err" |
    awk '{ sub(/@.*/, "", $3); print }' >"$T/nm.so"
is "nm -D on the installed libadvdb.so.0" "$(cat "$T/nm.err")" ""
is "libadvdb.so exports exactly advdb.h's calls" \
   "$(awk '$3 ~ /^advdb_/ && $2 == "T" { print $3 }' "$T/nm.so" | sort)" "$declared"
is "libadvdb.so defines no other dynamic symbol but its version node (named advdb_0, so every defined name is advdb_)" \
   "$(awk '$3 !~ /^advdb_/ || $2 != "T" { print $2, $3 }' "$T/nm.so")" "A advdb_0"
is "nm -D --defined-only lists only advdb_ names" \
   "$(awk '$3 !~ /^advdb_/ { print $2, $3 }' "$T/nm.so")" ""
sover=$(sed -n 's/^#define ADVDB_SOVERSION \([0-9]*\)$/\1/p' "$HDR")
has "soname is libadvdb.so.ADVDB_SOVERSION ($sover)" \
    "$(readelf -d "$LIB/libadvdb.so.0")" "Library soname: \[libadvdb\.so\.$sover\]"
has "every exported symbol carries the version node" \
    "$(objdump -T "$LIB/libadvdb.so.0" | awk '/ advdb_/ { print $(NF-1) }' | sort -u)" '^advdb_0$'
nm -g --defined-only "$LIB/libadvdb.a" 2>/dev/null | awk 'NF == 3 { print $2, $3 }' >"$T/nm.a"
is "libadvdb.a defines exactly advdb.h's calls as globals" \
   "$(awk '{ print $2 }' "$T/nm.a" | sort)" "$declared"

# ---- a program with names of its own, statically linked ---------------------
ok "compile data/ into an index" mkrepo "$ROOT/data" "$T/repo"
"$INST/usr/bin/advdb-compile" --quiet -o "$T/db.lmdb" "$T/repo" \
    --source osv:internal "$ROOT/data/osv" >"$T/c.out" 2>&1
is "the installed advdb-compile compiles data/" "$?" 0
cat >"$T/collide.c" <<'EOF'
/* Names libadvdb uses inside, defined here with other meanings. */
#include <stdio.h>
#include <string.h>
#include <advdb.h>
int toml_parse(void) { return 42; }
int version_parse(void) { return 43; }
int thread_init(void) { return 44; }
int main(int argc, char **argv)
{
	advdb *db;
	advdb_match m[8];
	size_t n;
	char err[512];
	(void)argc;
	if (advdb_open(&db, argv[1], 0, err, sizeof err) != ADVDB_OK ||
	    advdb_lookup(m, 8, &n, db, "tokio", "1.18.3", NULL) != ADVDB_OK) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("%zu %s %d %d %d\n", n, n ? m[0].id : "", toml_parse(),
	       version_parse(), thread_init());
	advdb_close(db);
	return 0;
}
EOF
# what a static link needs beside the archive: advdb.pc's private part
pclibs=$(PKG_CONFIG_PATH="$LIB/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$INST" \
         pkg-config --static --libs advdb | sed 's/-ladvdb\( \|$\)//')
# shellcheck disable=SC2086
if $CC $SANFLAGS -I"$INST/usr/include" -o "$T/collide" "$T/collide.c" \
       "$LIB/libadvdb.a" $pclibs >"$T/cc.log" 2>&1; then
	is "a static link beside toml_parse, version_parse, thread_init of its own" \
	   "$("$T/collide" "$T/db.lmdb" 2>&1)" "1 RUSTSEC-2023-0001 42 43 44"
else
	_tap "not ok" "a static link beside toml_parse, version_parse, thread_init of its own"
	sed 's/^/# /' "$T/cc.log" | head -n 10
fi

# ---- one version ------------------------------------------------------------
cat >"$T/ver.c" <<'EOF'
#include <stdio.h>
#include <advdb.h>
int main(void)
{
	int a, b, c;
	advdb_version(&a, &b, &c);
	printf("%s %d.%d.%d %d\n", ADVDB_VERSION, a, b, c, ADVDB_VERSION_NUMBER);
	return 0;
}
EOF
if $CC $SANFLAGS -I"$INST/usr/include" -o "$T/ver" "$T/ver.c" -L"$LIB" -ladvdb \
       >"$T/cc.log" 2>&1; then
	v=$(LD_LIBRARY_PATH="$LIB" "$T/ver")
	set -- $v
	is "ADVDB_VERSION is advdb_version() of the installed library" "$1" "$2"
	is "advdb-query --version" "$("$INST/usr/bin/advdb-query" --version)" "advdb-query $1"
	has "advdb-compile --version" "$("$INST/usr/bin/advdb-compile" --version)" "^advdb-compile $1 "
	is "advdb.pc's version" \
	   "$(PKG_CONFIG_PATH="$LIB/pkgconfig" pkg-config --modversion advdb)" "$1"
	is "ADVDB_VERSION_NUMBER" "$3" \
	   "$(echo "$1" | awk -F. '{ print $1 * 10000 + $2 * 100 + $3 }')"
else
	_tap "not ok" "compile against the installed header and library"
	sed 's/^/# /' "$T/cc.log" | head -n 10
fi

# ---- the bindings -------------------------------------------------------
if [ -z "$PY" ]; then
	skip "Python and Go bindings answer as advdb-query" \
	     "python3 not found (it computes the expected answers)"
	done_testing
fi
# inputs: the sample lockfile, and binaries around its cargo-auditable data
AUD="$ROOT/tests/tools/auditable.py"
"$PY" "$AUD" json "$ROOT/data/lockfiles/Cargo.lock" "$T/dep.json" &&
"$PY" "$AUD" zlib "$T/dep.json" "$T/dep.z" &&
"$PY" "$AUD" build elf64 "$T/dep.z" "$T/app.elf" &&
"$PY" "$AUD" build wasm "$T/dep.z" "$T/app.wasm" &&
"$PY" "$AUD" build pe64 "$T/dep.z" "$T/app.exe"
is "binaries made around the sample lockfile's data" "$?" 0
{
	echo version
	for p in $(ls "$ROOT/data/crates") nope std; do
		for v in 0.0.1 0.1.0 0.2.14 0.4.0 0.6.9 0.8.10 0.12.1 1.0.0 \
		         1.18.3 1.18.4 1.22.0 2.0.0-rc.1 99.0.0; do
			echo "lookup $p $v"
		done
	done
	echo "lookup tokio 1.x"
	echo "lookup tokio 01.2.3"
	for id in RUSTSEC-2023-0001 CVE-2023-22466 GHSA-7rrj-xr53-82p7 \
	          RUSTSEC-2021-0147 ADVDB-INTERNAL-0001; do
		echo "advisory $id"
	done
	echo advisories
	echo info
	echo "packages $ROOT/data/lockfiles/Cargo.lock"
	echo "packages $T/app.elf"
	echo "packages $T/app.wasm"
	echo "packages $T/app.exe"
} >"$T/tasks"
canon() { "$PY" -c 'import json, sys
for l in sys.stdin:
    print(json.dumps(json.loads(l), sort_keys=True))'; }
"$PY" "$ROOT/tests/bindings/expect.py" "$INST/usr/bin/advdb-query" \
    "$T/db.lmdb" "$T/tasks" >"$T/want" 2>"$T/want.err"
is "advdb-query's answers to $(wc -l <"$T/tasks") tasks" "$?:$(cat "$T/want.err")" "0:"
has "the answers include findings" "$(cat "$T/want")" '"RUSTSEC-2023-0001"\]'

# Python: ctypes, standard library only
# same NAME TAG RC: the binding's answers ($T/TAG.out) equal $T/want
same() {
	canon <"$T/$2.out" >"$T/$2.got" 2>>"$T/$2.err"
	if [ "$3" -eq 0 ] && cmp -s "$T/want" "$T/$2.got"; then
		_tap ok "$1"
	else
		_tap "not ok" "$1 (exit $3)"
		diff "$T/want" "$T/$2.got" | head -n 10 | sed 's/^/# /'
		tail -n 10 "$T/$2.err" | sed 's/^/# /'
	fi
}
LD_PRELOAD="$PRELOAD" "$PY" "$ROOT/tests/bindings/advdb.py" \
    "$LIB/libadvdb.so.0" "$T/db.lmdb" "$T/tasks" >"$T/py.out" 2>"$T/py.err"
same "Python (ctypes) answers as advdb-query" py $?

# Go: cgo, the header and library through advdb.pc
if ! command -v go >/dev/null 2>&1; then
	skip "Go (cgo) answers as advdb-query" "go not found (Debian's golang-go: make deps)"
	done_testing
fi
mkdir -p "$T/go"
(
	cd "$ROOT/tests/bindings/go" &&
	GOCACHE="$T/go/cache" GOPATH="$T/go/path" GOFLAGS=-mod=mod GOPROXY=off \
	GOTOOLCHAIN=local CGO_ENABLED=1 CGO_CFLAGS="-O2 -g $SANFLAGS" \
	CGO_LDFLAGS="$SANFLAGS" PKG_CONFIG_PATH="$LIB/pkgconfig" \
	PKG_CONFIG_SYSROOT_DIR="$INST" go build -o "$T/go/bindings" .
) >"$T/go.log" 2>&1
is "go build against the installed library (cgo, advdb.pc)" "$?" 0
[ -s "$T/go.log" ] && sed 's/^/# /' "$T/go.log" | head -n 10
LD_LIBRARY_PATH="$LIB" "$T/go/bindings" "$T/db.lmdb" "$T/tasks" \
    >"$T/go.out" 2>"$T/go.err"
same "Go (cgo) answers as advdb-query, and 64 goroutines agree" go $?
done_testing
