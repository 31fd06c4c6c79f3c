#!/bin/sh
# tests/e2e/failclosed.sh — issue 13, the query side: no input the tool
# could not check may read as clean. One section per class of the issue:
# a folder `scan` cannot search, target names, the batch decision cache,
# inputs with nothing to check, failed look-ups (a damaged index), a
# source commit from the future, an index overwritten under a reader,
# memory held for ordered output, and terminal-safe messages.
#
# The rule each case checks: exit 2 when something could not be checked
# (an error wins over findings), the place named on stderr, an "error" in
# the JSON of that input, and never "ok" / "found": false beside it.
. "$(dirname "$0")/lib.sh"

TO="timeout 60"
command -v timeout >/dev/null 2>&1 || TO=""

mkrepo "$ROOT/data" "$T/data" >/dev/null 2>&1
DB="$T/data.lmdb"
if ! "$C" -q -o "$DB" "$T/data" >"$T/o" 2>"$T/e"; then
	_tap "not ok" "compile data/ (nothing below can run)"
	sed 's/^/# /' "$T/e" | head -n 10
	echo "1..$_n"; exit 1
fi
_tap ok "compile data/"
LOCK="$ROOT/data/lockfiles/Cargo.lock"

# ---- target names: rustsec's platforms spellings, nothing else -------------
for bad in "--os Windows:windows" "--os win32:windows" "--os WINDOWS:windows" \
    "--arch amd64:x86_64" "--arch X86_64:x86_64" "--arch i686:x86" \
    "--os macosx:macos" "--os linx:linux"; do
	opt=${bad%%:*} near=${bad#*:}
	q 2 "$opt: a usage error" -d "$DB" $opt check tokio@1.18.3
	has "$opt: names the nearest spelling" "$(head -n 1 "$T/e")" "did you mean $near\\?"
	is "$opt: nothing on stdout" "$(wc -c <"$T/o" | tr -d ' ')" 0
done
for opt in --os --arch; do
	q 2 "$opt '': a usage error" -d "$DB" $opt '' check tokio@1.18.3
	has "$opt '': lists the accepted spellings" "$(head -n 1 "$T/e")" 'accepted.*: aarch64|accepted.*: aix'
done
q 2 "--os with no near spelling: a usage error" -d "$DB" --os plan9 check tokio@1.18.3
has "--os plan9: lists the accepted spellings" "$(head -n 1 "$T/e")" 'accepted \(as rustsec\): aix, .*linux, .*windows'
for cmd in "scan $LOCK" "reqs $ROOT/data" batch; do
	q 2 "--os Windows with ${cmd%% *}: refused too" -d "$DB" --os Windows $cmd </dev/null
done
# The accepted ones answer as before: data/'s tokio advisory is
# Windows-only.
q 1 "--os windows: the windows-only advisory applies" -d "$DB" --os windows check tokio@1.18.3
q 0 "--os linux: it does not" -d "$DB" --os linux check tokio@1.18.3
q 1 "--arch x86_64 (nothing restricted by arch): applies" -d "$DB" --arch x86_64 check tokio@1.18.3
# Every os and arch the real advisories name is accepted.
if need_shared "real advisories' target names accepted" && [ -n "$PY" ]; then
	git clone -q "$SHARED/advisory-db.bundle" "$T/adb" 2>/dev/null
	"$PY" - "$T/adb" >"$T/targets" 2>"$T/py" <<'PYEOF'
import pathlib, re, sys, tomllib
seen = set()
for md in pathlib.Path(sys.argv[1]).glob("*/*/*.md"):
    m = re.search(r"```toml\n(.*?)\n```", md.read_text(encoding="utf-8"), re.S)
    aff = tomllib.loads(m.group(1)).get("affected", {}) if m else {}
    for kind in ("os", "arch"):
        seen.update((kind, v) for v in aff.get(kind, []))
for kind, v in sorted(seen):
    print(kind, v)
PYEOF
	bad="" n=0
	while read -r kind v; do
		n=$((n + 1))
		"$Q" -d "$DB" --$kind "$v" check tokio@1.18.3 >/dev/null 2>&1
		[ $? -eq 2 ] && bad="$bad --$kind $v"
	done <"$T/targets"
	[ "$n" -gt 5 ]; is "real advisories name targets ($n found)" "$?" 0
	is "real advisories' target names all accepted" "$bad" ""
elif [ -z "$PY" ]; then
	skip "real advisories' target names accepted" "python3 not found"
fi

# ---- a crate with many advisories: the repository for the cache and the
# memory sections. Crate `hot` has 300 advisories on every version; the
# first 66 in id order are informational, so an answer cut to its first
# 64 matches would read "not affected".
mkdir -p "$T/hotsrc/crates/hot"
( cd "$T/hotsrc" && LC_ALL=C awk 'BEGIN { for (i = 1; i <= 300; i++) {
	f = sprintf("crates/hot/RUSTSEC-2019-%04d.md", i + 6000)
	info = i <= 66 ? "informational = \"unmaintained\"\n" : ""
	printf "```toml\n[advisory]\nid = \"RUSTSEC-2019-%04d\"\npackage = \"hot\"\ndate = \"2019-01-01\"\n%s\n[versions]\npatched = [\">= 99.0.0\"]\n```\n\n# Hot %d\n\nText.\n", i + 6000, info, i > f
	close(f) } }' )
mkrepo "$T/hotsrc" "$T/hot" >/dev/null 2>&1
HOT="$T/hot.lmdb"
"$C" -q -o "$HOT" "$T/hot" >/dev/null 2>"$T/e"
is "compile the 300-advisory crate" "$?" 0

# ---- the batch decision cache never changes an answer ------------------------
q 1 "check hot@1.0.0: affected" -d "$HOT" check hot@1.0.0
has "check hot@1.0.0: 234 vulnerabilities, 66 warnings" "$(tail -n 1 "$T/o")" '234 vulnerabilities found .*66 warnings'
# Then batch: once before the cache fills (another version: a pair seen
# before the cache is full is a hit later), then after 100,000 distinct
# pairs have filled every shard.
{ echo "hot 2.0.0"; LC_ALL=C awk 'BEGIN { for (i = 0; i < 100000; i++) printf "filler%d 1.0.%d\n", i, i }'
  echo "hot 1.0.0"; echo "hot@1.0.0"; } >"$T/fill.in"
$TO "$Q" -d "$HOT" batch <"$T/fill.in" >"$T/fill.out" 2>"$T/e"; rc=$?
is "batch over a full cache: exit 0" "$rc" 0
is "batch over a full cache: every line answered" "$(wc -l <"$T/fill.out" | tr -d ' ')" 100003
for n in 1 100002 100003; do
	l=$(sed -n "${n}p" "$T/fill.out")
	has "batch line $n (hot, cache $( [ $n = 1 ] && echo empty || echo full)): affected, as check says" "$l" '"affected":true'
	is "batch line $n: the 234 vulnerabilities, as check says" \
	    "$(printf '%s\n' "$l" | grep -o '"severity"' | wc -l | tr -d ' ')" 234
	is "batch line $n: the 66 warnings, as check says" \
	    "$(printf '%s\n' "$l" | grep -o '"kind":"unmaintained"' | wc -l | tr -d ' ')" 66
done

# ---- inputs with nothing to check are errors that say what was expected ------
N="$T/nothing"; mkdir -p "$N/ws"
printf '# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\n' >"$N/comments.lock"
printf 'version = 3\n' >"$N/version.lock"
printf '[package]\nname = "a"\nversion = "0.1.0"\n\n[dependencies]\ntokio = "1"\n' >"$N/Cargo.toml"
printf '[workspace]\nmembers = ["a"]\n' >"$N/ws/Cargo.toml"
for f in comments.lock:'no \[\[package\]\] entries' version.lock:'no \[\[package\]\] entries' \
    Cargo.toml:'this is a manifest \(Cargo\.toml\).*use `advdb-query reqs`' \
    ws/Cargo.toml:'this is a manifest \(Cargo\.toml\)'; do
	n=${f%%:*} pat=${f#*:}
	q 2 "scan $n: exit 2" -d "$DB" scan "$N/$n"
	has "scan $n: says what was expected" "$(cat "$T/e")" "$n: $pat"
	q 2 "scan $n with a good lockfile: still exit 2" -d "$DB" --json scan "$N/$n" "$LOCK"
	pyjson "scan $n --json: an error line for it, the report for the other" "$T/o" \
	    '"error" in docs[0] and docs[0]["lockfile"]["path"].endswith("'"$n"'") and docs[1]["vulnerabilities"]["found"] is True'
done
cp "$LOCK" "$N/Cargo.lock"
q 2 "reqs Cargo.lock: exit 2" -d "$DB" reqs "$N/Cargo.lock"
has "reqs Cargo.lock: says it is a lockfile, use scan" "$(cat "$T/e")" 'Cargo\.lock: this is a lockfile \(Cargo\.lock\).*use `advdb-query scan`'
is "reqs Cargo.lock: no \"0 insecure\" summary" "$(grep -c 'insecure' "$T/o")" 0
printf '# nothing here\n' >"$N/empty.toml"
q 2 "reqs on a manifest with nothing to check: exit 2" -d "$DB" reqs "$N/empty.toml"
has "reqs on a manifest with nothing to check: says so" "$(cat "$T/e")" 'empty\.toml: no \[package\], \[workspace\] or dependency table'
printf '[package]\nname = "a"\nversion = "0.1.0"\n' >"$N/nodeps.toml"
q 0 "reqs on a package without dependencies: a real answer (exit 0)" -d "$DB" reqs "$N/nodeps.toml"

echo "1..$_n"
