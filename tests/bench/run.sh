#!/bin/sh
# tests/bench/run.sh — prepare the inputs of the benchmark and run it.
#
# Uses the real advisory-db (../shared/data/advisory-db.bundle) when it is
# there, the sample set in data/ otherwise. Everything it makes lives in
# $BUILD/bench (re-created each run). BENCH_QUICK=1 makes a tiny run for
# the test that checks the benchmark itself works.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
SHARED=${ADVDB_SHARED:-$ROOT/../shared/data}
W="$BUILD/bench"
rm -rf "$W" && mkdir -p "$W"
G="git -c user.name=advdb -c user.email=advdb@localhost"

if [ -f "$SHARED/advisory-db.bundle" ] && [ "${BENCH_SAMPLE:-0}" != 1 ]; then
	git clone -q --bare "$SHARED/advisory-db.bundle" "$W/adb.git"
	LOCKS="$SHARED/lockfiles"
	label="RustSec advisory-db ($(git --git-dir="$W/adb.git" rev-parse --short HEAD))"
else
	mkdir "$W/src" && cp -R "$ROOT/data/." "$W/src/"
	git -C "$W/src" init -q -b main
	$G -C "$W/src" add -A && $G -C "$W/src" commit -q -m sample
	git clone -q --bare "$W/src" "$W/adb.git"
	LOCKS="$ROOT/data/lockfiles"
	label="sample set in data/ (../shared/data not found)"
fi

# A clone with one more commit that changes 10 advisories (their text).
git clone -q "$W/adb.git" "$W/upd"
ls "$W/upd"/crates/*/*.md | head -n 10 > "$W/changed"
while read -r f; do printf '\nUpdated for the benchmark.\n' >> "$f"; done < "$W/changed"
$G -C "$W/upd" commit -q -a -m "bench: change 10 advisories"

# All the Markdown, concatenated: the compression floor's input.
git --git-dir="$W/adb.git" archive HEAD crates rust | tar -x -C "$W" --one-top-level=md
find "$W/md" -name '*.md' | sort | xargs cat > "$W/all.md"

# The lockfiles, replicated (hard links) to at least 5,000 files.
want=5000
[ "${BENCH_QUICK:-0}" = 1 ] && want=20
mkdir "$W/scan"
n=0 i=0
while [ "$n" -lt "$want" ]; do
	mkdir "$W/scan/$i"
	for f in "$LOCKS"/*.lock "$LOCKS"/Cargo.lock; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		mkdir "$W/scan/$i/$n" && ln "$f" "$W/scan/$i/$n/Cargo.lock" 2>/dev/null ||
			cp "$f" "$W/scan/$i/$n/Cargo.lock"
	done
	i=$((i + 1))
done

# Binaries with cargo-auditable data (tests/tools/mkbins.sh: every format
# the tools can make) from a few lockfiles, replicated (hard links) to at
# least 2,000 files. Without python3 the bin rows are left out.
binargs=""
if command -v python3 >/dev/null 2>&1; then
	MKBINS_PY="$ROOT/tests/tools/auditable.py"
	. "$ROOT/tests/tools/mkbins.sh"
	mkdir "$W/binsrc" "$W/bin"
	k=0
	for f in "$LOCKS"/*.lock "$LOCKS"/Cargo.lock; do
		[ -f "$f" ] || continue
		k=$((k + 1))
		[ "$k" -gt 4 ] && break
		python3 "$MKBINS_PY" json "$f" "$W/binsrc/$k.json" &&
		    python3 "$MKBINS_PY" zlib "$W/binsrc/$k.json" "$W/binsrc/$k.z" &&
		    mkbins "$W/binsrc/$k.z" "$W/binsrc/$k"
		for b in $(cat "$W/binsrc/$k/made"); do
			chmod +x "$W/binsrc/$k/$b"  # objects and python-built files too
		done
	done
	want=2000
	[ "${BENCH_QUICK:-0}" = 1 ] && want=20
	n=0 i=0
	while [ "$n" -lt "$want" ] && ls "$W"/binsrc/*/made >/dev/null 2>&1; do
		mkdir "$W/bin/$i"
		for m in "$W"/binsrc/*/made; do
			d=$(dirname "$m")
			for b in $(cat "$m"); do
				n=$((n + 1))
				ln "$d/$b" "$W/bin/$i/$n-$b" 2>/dev/null || cp "$d/$b" "$W/bin/$i/$n-$b"
			done
		done
		[ "$n" -gt 0 ] || break
		i=$((i + 1))
	done
	[ "$n" -gt 0 ] && binargs="--bin-dir $W/bin"
fi

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	set -- --runs 1 --lookups 2000 --batch-lines 2000 --crowd 4100 --crates 3000
else
	set -- --runs 7
fi
# A signing key for the signature figures (made here, never kept).
if command -v minisign >/dev/null 2>&1 &&
   minisign -G -W -p "$W/bench.pub" -s "$W/bench.key" >/dev/null 2>&1; then
	set -- "$@" --sign-key "$W/bench.key" --trust-key "$W/bench.pub"
fi
# The size / one-shot trade-off (bench_curve.c): the compiler built again
# with other numbers of records per block, each in its own build folder
# (kept between runs: make rebuilds only what changed).
curve_ks="32 64 256 2048"   # 2048: the whole advisory-db in one block
[ "${BENCH_QUICK:-0}" = 1 ] && curve_ks="32"
for k in $curve_ks; do
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROOT" -j2 \
	    BUILD="$BUILD/curve-k$k" SAN="${SAN:-}" \
	    CFLAGS="${CFLAGS:-} -DBLOCK_RECORDS=$k" \
	    "$BUILD/curve-k$k/advdb-compile" >&2
	set -- "$@" --curve "$k=$BUILD/curve-k$k/advdb-compile"
done
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')
"$BUILD/advdb-bench" --build "$BUILD" --work "$W" --repo "$W/adb.git" \
	--update-repo "$W/upd" --markdown "$W/all.md" --lockfiles "$LOCKS" \
	--scan-dir "$W/scan" $binargs \
	--label "$label; $(nproc) cores, ${cpu:-unknown cpu}" "$@"
# advdb-serve under wrk, on the index the benchmark compiled (its rows
# continue the table)
sh "$ROOT/tests/bench/serve.sh" "$BUILD" "$W" "$W/full.lmdb" "$LOCKS"
