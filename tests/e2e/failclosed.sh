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

# ---- scan DIR: every place it cannot search is an error of the run ----------
# A tree with one clean lockfile (a project without dependencies), a
# folder deeper than the cap, and a path longer than the path buffer.
W="$T/walk"; mkdir -p "$W/clean"
printf 'version = 3\n\n[[package]]\nname = "clean"\nversion = "0.1.0"\n' >"$W/clean/Cargo.lock"
d="$W/deep"; i=0; while [ $i -lt 34 ]; do d="$d/d"; i=$((i + 1)); done
mkdir -p "$d"; cp "$LOCK" "$d/Cargo.lock"
# (a path past PATH_MAX: made one folder at a time, relative to the last)
mkdir "$W/long"
if [ -n "$PY" ]; then
	"$PY" - "$W/long" "$LOCK" 2>"$T/e" <<'PYEOF'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
for i in range(17):
    os.mkdir("l" * 250, dir_fd=fd)
    fd = os.open("l" * 250, os.O_RDONLY, dir_fd=fd)
out = os.open("Cargo.lock", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
os.write(out, open(sys.argv[2], "rb").read())
PYEOF
	is "a path longer than 4096 bytes can be made here" "$?:$(cat "$T/e")" "0:"
else
	skip "a path longer than 4096 bytes" "python3 not found"
fi
q 2 "scan DIR, a folder too deep and a path too long: exit 2 (the rest is clean)" -d "$DB" scan "$W"
has "scan DIR: the deep folder named" "$(cat "$T/e")" 'walk/deep(/d)+: more than 32 folders deep: not searched'
has "scan DIR: the long path named" "$(cat "$T/e")" 'walk/long/l+(/l+)*: the path of `l+` in it is longer than 4095 bytes: not searched'
has "scan DIR: the clean lockfile still reported" "$(cat "$T/o")" 'Scanning .*clean/Cargo\.lock'
has "scan DIR: the summary counts the places not searched" "$(tail -n 1 "$T/o")" '^1 lockfiles scanned: 0 with findings, 0 with errors; 2 places not searched \(errors\)$'
q 2 "scan DIR --json: exit 2" -d "$DB" --json scan "$W"
pyjson "scan DIR --json: a line per place not searched, with its error, in walk order" "$T/o" \
  '[("folder" in d, "error" in d) for d in docs] == [(False, False), (True, True), (True, True)] and docs[1]["folder"]["path"].endswith("/d") and "long" in docs[2]["folder"]["path"]'
pyjson "scan DIR --json: the clean lockfile is clean" "$T/o" 'docs[0]["vulnerabilities"]["found"] is False'

# Permissions: as an unprivileged user (root reads anything).
if unpriv_ready; then
	P="$T/perm"; mkdir -p "$P/a" "$P/noopen" "$P/nosearch/x"
	cp "$W/clean/Cargo.lock" "$P/a/Cargo.lock"
	cp "$LOCK" "$P/noopen/Cargo.lock"; cp "$LOCK" "$P/nosearch/Cargo.lock"
	chmod 755 "$P" "$P/a"; chmod 644 "$P/a/Cargo.lock"
	chmod 311 "$P/noopen"           # searchable, not readable
	chmod 644 "$P/nosearch"         # readable, not searchable
	unpriv "$Q" -d "$DB" scan "$P" >"$T/o" 2>"$T/e"; rc=$?
	is "scan DIR with unreadable folders (as nobody): exit 2, not 0" "$rc" 2
	has "a folder that cannot be opened: named, with the reason" "$(cat "$T/e")" 'perm/noopen: cannot open the folder \(Permission denied\): not searched'
	has "a folder that cannot be searched: its entry named, with the reason" "$(cat "$T/e")" 'perm/nosearch/Cargo\.lock: cannot look at it \(Permission denied\): not searched'
	has "unreadable folders: the summary counts them" "$(tail -n 1 "$T/o")" '1 lockfiles scanned: 0 with findings, 0 with errors; 3 places not searched'
	unpriv "$Q" -d "$DB" --json scan "$P" >"$T/o" 2>"$T/e"; rc=$?
	is "unreadable folders --json: exit 2" "$rc" 2
	pyjson "unreadable folders --json: one error line each, never only the clean report" "$T/o" \
	  'len(docs) == 4 and docs[0]["vulnerabilities"]["found"] is False and all("error" in d and d["folder"]["path"] for d in docs[1:])'
	# the folder itself given, unreadable
	unpriv "$Q" -d "$DB" scan "$P/noopen" "$P/a/Cargo.lock" >"$T/o" 2>"$T/e"; rc=$?
	is "an unreadable folder operand beside a clean lockfile: exit 2" "$rc" 2
	chmod 755 "$P/noopen" "$P/nosearch"
else
	skip "scan DIR with unreadable folders" "$UNPRIV_WHY"
fi

# ---- a look-up that fails is shown as such, in every command ----------------
# Two damaged copies of the index (lmdb-utils): tokio's package record
# replaced by junk (its look-up fails), and every advisory block replaced
# by junk (fetching an advisory to render fails).
if command -v mdb_load >/dev/null 2>&1 && command -v mdb_dump >/dev/null 2>&1; then
	DMG="$T/dmg-pkg.lmdb"; cp "$DB" "$DMG"
	printf 'VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n 746f6b696f\n 00ff00ff\nDATA=END\n' |
	    mdb_load -n -s packages "$DMG" 2>/dev/null
	DMG2="$T/dmg-adv.lmdb"; cp "$DB" "$DMG2"
	mdb_dump -n -s advisories "$DB" |
	    awk '/^HEADER=END/ { h = 1; print; next }
	         h && /^ / { if (k) { print " 00ff00ff"; k = 0 } else { print; k = 1 }; next }
	         { print }' |
	    mdb_load -n -s advisories "$DMG2" 2>/dev/null
	q 2 "damaged record: check tokio alone: exit 2" -d "$DMG" check tokio@1.18.3
	has "damaged record: the look-up error named" "$(cat "$T/e")" 'tokio@1\.18\.3: .*damaged record of package `tokio`'
	has "damaged record: the summary says incomplete, never ok" "$(tail -n 1 "$T/o")" '^error: incomplete: 1 error \(not checked, see above\); 0 vulnerabilities found'
	is "damaged record: no \"ok\" anywhere" "$(grep -c '^ok' "$T/o")" 0
	q 2 "damaged record: check --json: exit 2" -d "$DMG" --json check tokio@1.18.3
	pyjson "damaged record: JSON says found null, error and errors" "$T/o" \
	  'docs[0]["vulnerabilities"]["found"] is None and "incomplete" in docs[0]["error"] and "damaged record" in docs[0]["errors"][0]'
	q 2 "damaged record beside a finding: exit 2 (the error wins)" -d "$DMG" --json check tokio@1.18.3 mio@0.8.10
	pyjson "damaged record beside a finding: the finding reported, found true, error listed" "$T/o" \
	  'docs[0]["vulnerabilities"]["found"] is True and docs[0]["vulnerabilities"]["count"] == 1 and len(docs[0]["errors"]) == 1'
	q 2 "damaged record: a malformed operand is counted too" -d "$DMG" check mio@0.8.11 'tokio@'
	has "damaged record: malformed operand, summary incomplete" "$(tail -n 1 "$T/o")" '^error: incomplete: 1 error'
	q 2 "damaged record: scan: exit 2" -d "$DMG" scan "$LOCK"
	has "damaged record: scan names the lockfile and the package" "$(cat "$T/e")" 'Cargo\.lock: tokio@[0-9.]+: .*damaged record'
	has "damaged record: scan summary incomplete" "$(tail -n 1 "$T/o")" '^error: incomplete: 1 error'
	q 2 "damaged record: scan --json: exit 2" -d "$DMG" --json scan "$LOCK"
	pyjson "damaged record: scan JSON has the error, mio still found" "$T/o" \
	  'len(docs) == 1 and docs[0]["vulnerabilities"]["found"] is True and "damaged record" in docs[0]["errors"][0]'
	printf 'tokio 1.18.3\nmio 0.8.10\n' | "$Q" -d "$DMG" batch >"$T/o" 2>"$T/e"; rc=$?
	is "damaged record: batch answers every line but exits 2" "$rc:$(wc -l <"$T/o" | tr -d ' ')" 2:2
	pyjson "damaged record: batch says error for tokio, never affected: false" "$T/o" \
	  '"error" in docs[0] and "affected" not in docs[0] and docs[1]["affected"] is True'
	mkdir -p "$T/rq"; printf '[package]\nname = "r"\nversion = "0.1.0"\n[dependencies]\ntokio = "1.18"\nmio = "0.8"\n' >"$T/rq/Cargo.toml"
	q 2 "damaged record: reqs: exit 2" -d "$DMG" reqs "$T/rq"
	has "damaged record: reqs summary incomplete" "$(tail -n 1 "$T/o")" '^error: incomplete: 1 dependency not checked'
	q 2 "damaged record: reqs --json: exit 2" -d "$DMG" --json reqs "$T/rq"
	pyjson "damaged record: reqs JSON lists the error" "$T/o" \
	  '"incomplete" in docs[0]["error"] and docs[0]["errors"][0]["name"] == "tokio"'
	# rendering needs the advisory: a damaged block
	q 2 "damaged advisory: check: exit 2" -d "$DMG2" check tokio@1.18.3
	is "damaged advisory: check prints no report" "$(wc -c <"$T/o" | tr -d ' ')" 0
	has "damaged advisory: check names the advisory" "$(cat "$T/e")" 'RUSTSEC-2023-0001: .*block'
	q 2 "damaged advisory: check --json: exit 2" -d "$DMG2" --json check tokio@1.18.3
	pyjson "damaged advisory: check --json is an error object" "$T/o" \
	  'list(docs[0]) == ["error"]'
	q 2 "damaged advisory: scan --json: exit 2" -d "$DMG2" --json scan "$LOCK"
	pyjson "damaged advisory: scan --json is an error line" "$T/o" \
	  '"error" in docs[0] and "vulnerabilities" not in docs[0]'
	q 2 "damaged advisory: show --json: exit 2" -d "$DMG2" --json show RUSTSEC-2023-0001
	pyjson "damaged advisory: show --json says why" "$T/o" \
	  'docs[0]["id"] == "RUSTSEC-2023-0001" and "block" in docs[0]["error"]'
	q 2 "damaged advisory: export-osv: exit 2" -d "$DMG2" export-osv "$T/osvout"
	has "damaged advisory: export-osv says so" "$(cat "$T/e")" 'export-osv: .*block'
	is "damaged advisory: export-osv never says all written" "$(grep -c 'advisories written to' "$T/e")" 0
else
	skip "damaged index records" "mdb_load/mdb_dump (lmdb-utils) not found"
fi

# ---- memory held for ordered output is bounded in bytes --------------------
# A FIFO nobody writes to comes first (it holds the head for the pipe
# wait), then 8 hostile lockfiles whose JSON reports are ~50 MB each
# (330 versions of `hot` x 300 advisories). Before the byte budget the
# scan held every report behind the head: ~420 MB. Now reports wait for
# room (64 MiB) and the head streams. The assertion is peak RSS, not time.
LC_ALL=C awk 'BEGIN { print "version = 3"; for (i = 1; i <= 330; i++)
	printf "[[package]]\nname = \"hot\"\nversion = \"0.0.%d\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n", i }' >"$T/hot.lock"
# Under AddressSanitizer its quarantine would keep every freed report:
# it is turned off, and the allocator's own overhead gets more room.
bound=131072 what="64 MiB budget + working memory" sanenv=""
if [ "$(ASAN_OPTIONS=help=1 "$Q" --version 2>&1 | grep -c 'AddressSanitizer')" -gt 0 ]; then
	sanenv="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0:allocator_release_to_os_interval_ms=0"
	bound=196608 what="64 MiB budget + working memory + AddressSanitizer's"
fi
if [ ! -x /usr/bin/time ]; then
	skip "scan memory bound" "GNU time (/usr/bin/time, Debian package time) not found"
elif ! mkfifo "$T/slow.fifo" 2>/dev/null; then
	skip "scan memory bound" "mkfifo failed"
else
	set --; i=0
	while [ $i -lt 8 ]; do cp "$T/hot.lock" "$T/hot$i.lock"; set -- "$@" "$T/hot$i.lock"; i=$((i + 1)); done
	{ env $sanenv ADVDB_PIPE_WAIT=3 /usr/bin/time -f %M -o "$T/rss" "$Q" -d "$HOT" --json -j 2 \
	    scan "$T/slow.fifo" "$@" 2>"$T/e"; echo $? >"$T/rc"; } |
	    awk '{ n++; if (index($0, "\"count\":77220")) c++ } END { print n + 0, c + 0 }' >"$T/lines"
	set --
	is "slow FIFO, then 8 large reports: exit 2 (the FIFO), every report whole and in order" \
	    "$(cat "$T/rc"):$(cat "$T/lines")" "2:9 8"
	rss=$(tail -n 1 "$T/rss")
	[ "$rss" -lt "$bound" ]
	is "slow FIFO, then 8 large reports: peak RSS ${rss} KiB, under $bound KiB ($what; ~420 MB before)" "$?" 0
	# one report larger than the budget, alone: streamed, never held whole
	env $sanenv /usr/bin/time -f %M -o "$T/rss" "$Q" -d "$HOT" scan "$T/hot.lock" "$T/hot.lock" >/dev/null 2>&1
	rss=$(tail -n 1 "$T/rss")
	[ "$rss" -lt $((bound / 2)) ]
	is "text reports of 14 MB each: peak RSS ${rss} KiB, under $((bound / 2)) KiB" "$?" 0
fi

# ---- a source commit dated in the future is not fresh ----------------------
cp -R "$T/data" "$T/future"
GIT_COMMITTER_DATE="2099-01-01T00:00:00Z" git -C "$T/future" -c user.name=advdb \
    -c user.email=advdb@localhost commit -q --allow-empty -m future \
    --date "2099-01-01T00:00:00Z"
FUT="$T/future.lmdb"
"$C" -q -o "$FUT" "$T/future" >/dev/null 2>&1
q 0 "info on an index committed in 2099: exit 0" -d "$FUT" info
has "info: the date shown as in the future, not 0 days ago" "$(cat "$T/o")" '^Committed: +2099-01-01T00:00:00Z \([0-9]+ days in the future'
has "info: a warning about it" "$(cat "$T/e")" 'warning: .*dated [0-9]+ days in the future'
q 0 "info --json: exit 0" -d "$FUT" --json info
pyjson "info --json: future true, age_days negative" "$T/o" 'docs[0]["future"] is True and docs[0]["age_days"] < -20000'
q 2 "--max-age 30 --max-age-strict on a future date: exit 2" -d "$FUT" --max-age 30 --max-age-strict info
q 2 "--max-age-strict with check on a future date: exit 2" -d "$FUT" --max-age 100000 --max-age-strict check tokio@1.18.4
q 0 "--max-age without strict on a future date: a warning, exit 0" -d "$FUT" --max-age 30 check tokio@1.18.4
has "--max-age on a future date: warned" "$(cat "$T/e")" 'in the future'
q 0 "a present date passes --max-age-strict" -d "$DB" --json --max-age 100000 --max-age-strict info
pyjson "a present date: future false, age_days 0 or more" "$T/o" 'docs[0]["future"] is False and docs[0]["age_days"] >= 0'

# ---- an index overwritten in place under a running reader -------------------
# `cp new.lmdb live.lmdb` truncates the file the reader has mapped: its
# next page read gets SIGBUS. advdb-query says what happened and how to
# replace an index safely, and exits 2 instead of dying (status 135).
if mkfifo "$T/bin" 2>/dev/null; then
	cp "$DB" "$T/live.lmdb"
	( "$Q" -d "$T/live.lmdb" --line-buffered batch <"$T/bin" >"$T/bout" 2>"$T/berr"
	  echo $? >"$T/brc" ) &
	exec 9>"$T/bin"
	echo "tokio 1.18.3" >&9
	# the first answer proves the index is open and mapped (up to 60 s)
	i=0; while [ ! -s "$T/bout" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	is "live index: the first line answered before the overwrite" "$(grep -c '"affected":true' "$T/bout")" 1
	: >"$T/live.lmdb"       # what cp does first: truncate in place
	echo "mio 0.8.10" >&9
	exec 9>&-
	wait
	is "live index truncated under batch: exit 2, not a SIGBUS death" "$(cat "$T/brc")" 2
	has "live index truncated: says the file changed while read" "$(cat "$T/berr")" 'live\.lmdb: the index file changed while it was being read \(SIGBUS\)'
	has "live index truncated: names the safe way" "$(cat "$T/berr")" 'advdb-compile --install NEW\.lmdb -o DB'
	is "live index truncated: no half answer after it" "$(wc -l <"$T/bout" | tr -d ' ')" 1
else
	skip "index overwritten under a reader" "mkfifo failed"
fi

# ---- messages: C1 and bidi controls escaped, a BOM is not a name ------------
rlo=$(printf '\342\200\256') csi=$(printf '\302\233') lri=$(printf '\342\201\246')
mkdir -p "$T/bidisrc/crates/bidi"
{
	printf '```toml\n[advisory]\nid = "RUSTSEC-2021-9100"\npackage = "bidi"\n'
	printf 'date = "2021-06-16"\nurl = "https://example.com/%s31m"\n' "$csi"
	printf 'keywords = ["a%sb"]\n\n[versions]\npatched = [">= 1.0.0"]\n```\n\n' "$lri"
	printf '# Safe %stxet lanimret%s2J\n\n' "$rlo" "$csi"
	printf 'Body %sreversed%s31m and %sisolated.\n' "$rlo" "$csi" "$lri"
} >"$T/bidisrc/crates/bidi/RUSTSEC-2021-9100.md"
mkrepo "$T/bidisrc" "$T/bidi" >/dev/null 2>&1
"$C" -q -o "$T/bidi.lmdb" "$T/bidi" >/dev/null 2>"$T/e"
is "an advisory with C1 and bidi controls compiles" "$?" 0
raw() { cat "$@" | grep -c -e "$rlo" -e "$csi" -e "$lri"; }
for cmd in "check bidi@0.1.0" "show RUSTSEC-2021-9100" "--json check bidi@0.1.0" "--json show RUSTSEC-2021-9100"; do
	"$Q" -d "$T/bidi.lmdb" $cmd >"$T/o" 2>"$T/e"
	is "$cmd: no raw C1 or bidi control reaches the terminal" "$(raw "$T/o" "$T/e")" 0
done
"$Q" -d "$T/bidi.lmdb" show RUSTSEC-2021-9100 >"$T/o" 2>&1
has "show: the title escaped as \\uNNNN" "$(cat "$T/o")" 'Title: +Safe \\u202etxet lanimret\\u009b2J'
has "show: the description escaped, lines kept" "$(cat "$T/o")" '^Body \\u202ereversed\\u009b31m and \\u2066isolated\.'
"$Q" -d "$T/bidi.lmdb" --json show RUSTSEC-2021-9100 >"$T/o" 2>&1
pyjson "show --json: the same text to a JSON reader" "$T/o" \
  'docs[0]["advisory"]["title"] == "Safe \u202etxet lanimret\u009b2J" and docs[0]["advisory"]["keywords"] == ["a\u2066b"]'
# paths with them (a folder nobody vetted)
mkdir -p "$T/paths/x${rlo}y"
cp "$W/clean/Cargo.lock" "$T/paths/x${rlo}y/Cargo.lock"
printf 'version = 3\n' >"$T/paths/bad${csi}.lock"
"$Q" -d "$DB" scan "$T/paths" "$T/paths/bad${csi}.lock" >"$T/o" 2>"$T/e"
is "paths with C1 and bidi controls: none raw on stdout or stderr" "$(raw "$T/o" "$T/e")" 0
has "paths: shown escaped" "$(cat "$T/e")" 'bad\\u009b\.lock: no \[\[package\]\]'
has "paths: in the report too" "$(cat "$T/o")" 'x\\u202ey/Cargo\.lock'
# a byte-order mark before the first batch line
printf '\357\273\277tokio 1.18.3\n\357\273\277tokio 1.18.3\n' | "$Q" -d "$DB" batch >"$T/o" 2>"$T/e"
pyjson "batch: a BOM before the first line is skipped, answered as tokio" "$T/o" \
  'docs[0]["name"] == "tokio" and docs[0]["affected"] is True'
pyjson "batch: a BOM elsewhere stays in the line (an unknown crate)" "$T/o" \
  'docs[1]["name"] == "\ufefftokio" and docs[1]["affected"] is False'

echo "1..$_n"
