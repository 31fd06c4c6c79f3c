#!/bin/sh
# tests/tools/mkcrates.sh — a crates.io index mirror for tests, made from
# the registry packages of Cargo.lock files (name, version and checksum as
# the lockfiles give them; v1's [metadata] checksums included).
#
#   mkcrates.sh OUT YANKED LOCKFILE...
#
# OUT becomes a folder in the index layout (1/a, 2/ab, 3/a/abc,
# ab/cd/abcd...), one JSON line per version, versions in semver-ish
# (sort -V) order; YANKED is a file of "name version" lines to mark
# yanked. A package without a checksum gets a made-up one (the index
# always has one). Prints "crates versions" on stdout.
set -eu
out=$1 yanked=$2
shift 2
mkdir -p "$out"
awk '
	function keep() {
		if (name != "" && src ~ /^registry\+/) { np++; N[np] = name; V[np] = ver; K[np] = ck }
		name = ""; ver = ""; src = ""; ck = ""
	}
	function flush(   i, c) {   # at the end of a file: v1 checksums known
		keep()
		for (i = 1; i <= np; i++) {
			c = K[i]
			if (c == "" && (N[i] SUBSEP V[i]) in meta) c = meta[N[i] SUBSEP V[i]]
			print N[i], V[i], c
		}
		np = 0; split("", meta)
	}
	FNR == 1 && NR > 1 { flush(); inpkg = 0 }
	/^\[\[package\]\]/ { keep(); inpkg = 1; next }
	/^\[/ { keep(); inpkg = 0; next }
	inpkg && /^name = / { name = $3; gsub(/"/, "", name) }
	inpkg && /^version = / { ver = $3; gsub(/"/, "", ver) }
	inpkg && /^source = / { src = $3; gsub(/"/, "", src) }
	inpkg && /^checksum = / { ck = $3; gsub(/"/, "", ck) }
	/^"checksum / { # v1: "checksum NAME VER (SRC)" = "HEX"
		n = $2; v = $3; h = $NF; gsub(/"/, "", n); gsub(/"/, "", h)
		meta[n SUBSEP v] = h
	}
	END { flush() }
' "$@" | sort -u -k1,1 -k2,2V > "$out/.list"
# the folders first, all at once
awk '{ n = tolower($1); L = length(n)
	if (L <= 2) print L; else if (L == 3) print "3/" substr(n, 1, 1)
	else print substr(n, 1, 2) "/" substr(n, 3, 2) }' "$out/.list" |
	sort -u | (cd "$out" && xargs mkdir -p)
awk -v out="$out" -v yf="$yanked" '
	BEGIN {
		while ((getline l < yf) > 0) { split(l, a, " "); y[a[1] SUBSEP a[2]] = 1 }
		"printf %064d 0" | getline zero
	}
	$1 SUBSEP $2 in seen { next }
	{
		seen[$1 SUBSEP $2] = 1
		n = tolower($1); L = length(n)
		if (L <= 2) d = L
		else if (L == 3) d = "3/" substr(n, 1, 1)
		else d = substr(n, 1, 2) "/" substr(n, 3, 2)
		f = out "/" d "/" n
		if (!(f in made)) { made[f] = 1; nc++ }
		ck = $3 == "" ? zero : $3
		yk = ($1 SUBSEP $2) in y ? "true" : "false"
		printf "{\"name\":\"%s\",\"vers\":\"%s\",\"deps\":[],\"cksum\":\"%s\",\"features\":{},\"yanked\":%s}\n", $1, $2, ck, yk >> f
		close(f); nv++
	}
	END { print nc + 0, nv + 0 }
' "$out/.list"
rm -f "$out/.list"
