#!/bin/sh
# tests/fuzz/run.sh — `make fuzz`: build every libFuzzer target in
# tests/fuzz/fuzz_*.c with clang, seed its corpus, run it for FUZZ_SECONDS.
#
# The project's modules are compiled here from their sources (never the gcc
# objects of build/) with the fuzzer's coverage and ASan + UBSan, into one
# archive each target links against. A target's corpus is three folders:
#   $BUILD/corpus/<target>/   grows from run to run (libFuzzer writes here)
#   tests/fuzz/seeds/<target>/ small hand-written seeds (committed)
#   tests/golden/fuzz/<target>/ past crash inputs (committed)
#   $BUILD/data/<target>/     copied at run time from data/ and, when
#                             present, ../shared/data (never committed);
#                             for the binary targets, binaries built at
#                             run time by tests/tools/mkbins.sh
# and tests/fuzz/dict/<target>.dict, when present, is its token list.
# Crashes, hangs and OOMs land in $BUILD/crashes/<target>/; the run prints
# each one's path and exits 1. Minimised inputs belong in
# tests/golden/fuzz/<target>/, which `make test` replays (test_fuzz).
#
# Environment: BUILD (build-fuzz), FUZZ_SECONDS (60), FUZZ_JOBS (2 targets
# at once), FUZZ_TARGETS (names to run, default all), CLANG (clang),
# ADVDB_SHARED (../shared/data).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
BUILD=${BUILD:-build-fuzz}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_JOBS=${FUZZ_JOBS:-2}
FUZZ_TARGETS=${FUZZ_TARGETS:-}
CLANG=${CLANG:-clang}
SHARED=${ADVDB_SHARED:-$ROOT/../shared/data}
PKG=${PKG:-pkg-config}
PKGS="libgit2 lmdb libzstd yaml-0.1 jansson zlib libsodium libmicrohttpd libcrypto"

case $FUZZ_SECONDS in ''|*[!0-9]*) echo "fuzz: FUZZ_SECONDS must be a number" >&2; exit 2 ;; esac
case $FUZZ_JOBS in ''|*[!0-9]*|0) FUZZ_JOBS=1 ;; esac
if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: $CLANG not found (make deps installs clang)" >&2
	exit 2
fi

CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra \
-Werror -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all \
-Ischema -Iquery -Icompiler -Iquery/cli -Iquery/prog -Iquery/serve -Itests/fuzz \
$($PKG --cflags $PKGS 2>/dev/null)"
LIBS="$($PKG --libs $PKGS 2>/dev/null || echo -lgit2 -llmdb -lzstd -lyaml -ljansson -lz -lsodium -lmicrohttpd -lcrypto) -lpthread -lm"
MOD_SAN="-fsanitize=fuzzer-no-link,address,undefined"
BIN_SAN="-fsanitize=fuzzer,address,undefined"

mkdir -p "$BUILD/obj" "$BUILD/bin" "$BUILD/logs" "$BUILD/corpus" \
    "$BUILD/crashes" "$BUILD/data" || exit 2
# Targets that need an index build it under $TMPDIR; libFuzzer's exit
# skips their clean-up, so keep that inside $BUILD and empty it here.
rm -rf "$BUILD/tmp" && mkdir -p "$BUILD/tmp" || exit 2
TMPDIR="$BUILD/tmp"
export TMPDIR

# ---- the modules, as one archive -------------------------------------
# A module is rebuilt when it or any header is newer than its object.
newest_h=$(ls -t schema/*.h compiler/*.h query/*.h query/cli/*.h query/prog/*.h query/serve/*.h 2>/dev/null | head -n 1)
mods=""
# advdb-serve's modules but its main.c (fuzz_http drives http.c)
for src in schema/*.c compiler/*.c query/*.c query/cli/*.c query/prog/*.c query/serve/*.c; do
	[ -f "$src" ] || continue
	case $src in compiler/main.c|query/cli/main.c|query/serve/main.c) continue ;; esac
	mods="$mods $src"
done
objs="" build_failed=""
compile_one() {  # src obj
	if [ ! -f "$2" ] || [ "$1" -nt "$2" ] ||
	   { [ -n "$newest_h" ] && [ "$newest_h" -nt "$2" ]; }; then
		mkdir -p "$(dirname "$2")"
		$CLANG $CFLAGS $MOD_SAN -c -o "$2" "$1" 2>"$2.err" ||
		    { echo "fuzz: cannot compile $1:"; sed 's/^/  /' "$2.err" | head -n 20; rm -f "$2"; return 1; }
	fi
	return 0
}
# two compilers at a time, as the targets run
set -- $mods
while [ $# -gt 0 ]; do
	a=$1; shift
	oa="$BUILD/obj/${a%.c}.o"
	compile_one "$a" "$oa" > "$BUILD/logs/cc.a" 2>&1 &
	pa=$!
	ob=""
	if [ $# -gt 0 ]; then
		b=$1; shift
		ob="$BUILD/obj/${b%.c}.o"
		compile_one "$b" "$ob" > "$BUILD/logs/cc.b" 2>&1 || { cat "$BUILD/logs/cc.b"; build_failed="$build_failed $b"; }
		objs="$objs $ob"
	fi
	wait $pa || { cat "$BUILD/logs/cc.a"; build_failed="$build_failed $a"; }
	objs="$objs $oa"
done
lib="$BUILD/libadvdb-fuzz.a"
rm -f "$lib"
ok_objs=""
for o in $objs; do [ -f "$o" ] && ok_objs="$ok_objs $o"; done
# shellcheck disable=SC2086
[ -n "$ok_objs" ] && ar rcs "$lib" $ok_objs

# ---- seeds from data/ and ../shared/data, copied fresh each run ------
# Lockfiles up to 32 KiB: libFuzzer sizes its inputs after the largest
# seed, and a few hundred KiB would cut the executions a hundredfold.
small_lockfiles() {
	for f in data/lockfiles/* "$SHARED"/lockfiles/*.lock; do
		[ -f "$f" ] && [ "$(wc -c < "$f")" -le 32768 ] && echo "$f"
	done
	return 0
}
data_seeds() {  # target dir
	rm -rf "$2"; mkdir -p "$2"
	case $1 in
	fuzz_advisory)
		# The target parses every input as crates/fuzz/RUSTSEC-2020-0001.md;
		# give the sample advisories that id and package so they pass.
		for f in data/crates/*/*.md data/rust/*/*.md; do
			[ -f "$f" ] || continue
			sed -e 's/^id = ".*"/id = "RUSTSEC-2020-0001"/' \
			    -e 's/^package = ".*"/package = "fuzz"/' \
			    -e 's/^date = "[0-9]*-/date = "2020-/' \
			    "$f" > "$2/$(basename "$(dirname "$f")")-$(basename "$f")"
		done ;;
	fuzz_toml)
		for f in $(small_lockfiles); do cp "$f" "$2/$(basename "$f")"; done
		for f in data/crates/*/*.md data/rust/*/*.md; do
			[ -f "$f" ] || continue
			sed -n '2,/^```$/p' "$f" | sed '$d' > "$2/fm-$(basename "$f" .md).toml"
		done
		if [ -d "$SHARED/toml-test/tests" ]; then
			n=0
			find "$SHARED/toml-test/tests/valid" "$SHARED/toml-test/tests/invalid" \
			    -name '*.toml' -size -8k 2>/dev/null | while read -r f; do
				n=$((n + 1)); cp "$f" "$2/tt-$n.toml"
			done
		fi ;;
	fuzz_lockfile)
		for f in $(small_lockfiles); do cp "$f" "$2/$(basename "$f")"; done ;;
	fuzz_batch)
		# "name version" and "name@version" lines from the lockfiles
		for f in $(small_lockfiles); do
			awk '/^name = /{gsub(/"/,"",$3); n=$3}
			     /^version = /{gsub(/"/,"",$3); if (n != "") { if (NR % 2) print n "@" $3; else print n, $3 }; n=""}' \
			    "$f" | head -n 50 > "$2/$(basename "$f").txt"
		done ;;
	fuzz_osv)
		# RustSec's own OSV export (branch osv of the shared bundle): a
		# clone kept in $BUILD, a sample of its files copied each run
		if [ -f "$SHARED/advisory-db.bundle" ] && [ ! -d "$BUILD/osv-src" ]; then
			git clone -q --branch osv --single-branch \
			    "$SHARED/advisory-db.bundle" "$BUILD/osv-src" 2>/dev/null ||
			    rm -rf "$BUILD/osv-src"
		fi
		if [ -d "$BUILD/osv-src/crates" ]; then
			ls "$BUILD/osv-src/crates" | awk 'NR % 6 == 0' | head -n 200 |
			    while read -r f; do cp "$BUILD/osv-src/crates/$f" "$2/"; done
		fi ;;
	fuzz_minisign)
		# real key and signature files, made fresh (keys are never
		# committed): minisign's own, and advdb's signature of an index
		if command -v minisign >/dev/null 2>&1; then
			k="$BUILD/tmp/minisign"
			rm -rf "$k" && mkdir -p "$k"
			if minisign -G -W -p "$k/k.pub" -s "$k/k.key" >/dev/null 2>&1; then
				printf 'advdb index schema=2 digest=00\n' > "$k/m"
				minisign -S -s "$k/k.key" -m "$k/m" -x "$2/hashed.minisig" >/dev/null 2>&1
				minisign -S -l -s "$k/k.key" -m "$k/m" -x "$2/legacy.minisig" >/dev/null 2>&1
				cp "$k/k.pub" "$2/key.pub"; cp "$k/k.key" "$2/key.key"
			fi
			rm -rf "$k"
		fi ;;
	fuzz_elf|fuzz_pe|fuzz_macho|fuzz_wasm|fuzz_auditable|fuzz_packages)
		# real binaries (tests/tools/mkbins.sh) around the data of the
		# sample lockfile, built once per fuzz build folder
		bins="$BUILD/bins"
		if [ ! -f "$bins/made" ] && command -v python3 >/dev/null 2>&1; then
			mkdir -p "$bins"
			python3 tests/tools/auditable.py json data/lockfiles/Cargo.lock "$bins/dep.json" &&
			python3 tests/tools/auditable.py zlib "$bins/dep.json" "$bins/dep.z" &&
			( MKBINS_PY="$ROOT/tests/tools/auditable.py"; . tests/tools/mkbins.sh &&
			  mkbins "$bins/dep.z" "$bins" )
		fi
		case $1 in
		fuzz_elf) pick="elf64 elf32 elf64be elf32be" ;;
		fuzz_pe) pick="pe64 pe32" ;;
		fuzz_macho) pick="macho64 macho64arm macho32 macho32be macho64be fat" ;;
		fuzz_wasm) pick="wasm" ;;
		fuzz_packages)  # both kinds of input the call reads
			pick="elf64 pe64 macho64 fat wasm"
			for f in $(small_lockfiles); do cp "$f" "$2/$(basename "$f")"; done ;;
		*) pick="" ; [ -f "$bins/dep.z" ] && cp "$bins/dep.z" "$bins/dep.json" "$2/" ;;
		esac
		for b in $pick; do [ -f "$bins/$b" ] && cp "$bins/$b" "$2/"; done ;;
	fuzz_req)
		# each advisory's patched + unaffected requirements, one per line
		for f in data/crates/*/*.md data/rust/*/*.md; do
			[ -f "$f" ] || continue
			sed -n -e 's/^\(patched\|unaffected\) *= *\[\(.*\)\]/\2/p' "$f" |
			    tr ',' '\n' | sed -n 's/^ *"\(.*\)" *$/\1/p' \
			    > "$2/$(basename "$f" .md).req"
		done ;;
	esac
	return 0
}

# ---- build and run -------------------------------------------------------
targets=""
for t in tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	if [ -n "$FUZZ_TARGETS" ]; then
		case " $FUZZ_TARGETS " in *" $name "*|*" ${name#fuzz_} "*) ;; *) continue ;; esac
	fi
	targets="$targets $name"
done
[ -n "$targets" ] || { echo "fuzz: no targets selected"; exit 2; }

failed=""
built=""
for name in $targets; do
	bin="$BUILD/bin/$name"
	# shellcheck disable=SC2086
	if [ -f "$lib" ] && $CLANG $CFLAGS $BIN_SAN -o "$bin" "tests/fuzz/$name.c" \
	    "$lib" $LIBS 2>"$BUILD/logs/$name.build"; then
		built="$built $name"
	else
		echo "fuzz: $name: build failed"
		sed 's/^/  /' "$BUILD/logs/$name.build" 2>/dev/null | head -n 20
		failed="$failed $name"
	fi
done

run_target() {  # name
	name=$1
	corpus="$BUILD/corpus/$name"
	crashes="$BUILD/crashes/$name"
	mkdir -p "$corpus" "$crashes"
	data_seeds "$name" "$BUILD/data/$name"
	dirs="$corpus $BUILD/data/$name"
	[ -d "tests/fuzz/seeds/$name" ] && dirs="$dirs tests/fuzz/seeds/$name"
	[ -d "tests/golden/fuzz/$name" ] && dirs="$dirs tests/golden/fuzz/$name"
	dict=""
	[ -f "tests/fuzz/dict/$name.dict" ] && dict="-dict=tests/fuzz/dict/$name.dict"
	guard=""
	command -v timeout >/dev/null 2>&1 && guard="timeout -s KILL $((FUZZ_SECONDS + 120))"
	# shellcheck disable=SC2086
	$guard "$BUILD/bin/$name" -max_total_time="$FUZZ_SECONDS" -timeout=5 \
	    -rss_limit_mb=2048 -print_final_stats=1 $dict \
	    -artifact_prefix="$crashes/" $dirs >"$BUILD/logs/$name.log" 2>&1
	echo $? > "$BUILD/logs/$name.rc"
}

report() {  # name
	name=$1
	rc=$(cat "$BUILD/logs/$name.rc" 2>/dev/null || echo 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$BUILD/logs/$name.log" | tail -n 1)
	size=$(ls "$BUILD/corpus/$name" | wc -l | tr -d ' ')
	arts=$(grep -o "Test unit written to .*" "$BUILD/logs/$name.log" | sed 's/^Test unit written to //')
	if [ "$rc" -eq 0 ] && [ -z "$arts" ]; then
		printf '%-22s ok      %10s execs  corpus %s\n' "$name" "${execs:-?}" "$size"
	else
		printf '%-22s FAILED  %10s execs  corpus %s  (exit %s)\n' "$name" "${execs:-?}" "$size" "$rc"
		for a in $arts; do echo "  crash input: $a"; done
		[ -n "$arts" ] || echo "  no input saved; see $BUILD/logs/$name.log"
		grep -E -m 12 'fuzz check failed|^  |ERROR: |SUMMARY|#[0-9]+ 0x[0-9a-f]+ in ' \
		    "$BUILD/logs/$name.log" | head -n 24 | sed 's/^/  | /'
		failed="$failed $name"
	fi
}

echo "fuzz: $FUZZ_SECONDS s per target, $FUZZ_JOBS at a time, into $BUILD"
set -- $built
while [ $# -gt 0 ]; do
	batch=""
	i=0
	while [ $# -gt 0 ] && [ $i -lt "$FUZZ_JOBS" ]; do
		run_target "$1" &
		batch="$batch $1"; shift; i=$((i + 1))
	done
	wait
	for name in $batch; do report "$name"; done
done

if [ -n "$build_failed" ]; then
	echo "fuzz: modules that did not compile:$build_failed"
fi
if [ -n "$failed" ] || [ -n "$build_failed" ]; then
	echo "fuzz: FAILED:$failed"
	exit 1
fi
echo "fuzz: all targets ok"
exit 0
