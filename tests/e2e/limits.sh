#!/bin/sh
# tests/e2e/limits.sh — the limits both sides share (schema/limit.h) hold
# end to end:
#
#   1. an id or alias past ADV_ID_MAX (63 bytes), from a RustSec advisory
#      or an OSV file, is a `path:line:` error at compile time (a warning
#      and the file skipped under --keep-going), never an index whose
#      lookups fail; 63 bytes compiles and reads back whole;
#   2. a key given twice in an OSV file is an error, not "first wins";
#   3. a crate with more advisories than the old 4,096 compiles, and
#      check/batch see every one of them.
. "$(dirname "$0")/lib.sh"

GIT="git -c user.name=advdb -c user.email=advdb@localhost"
# A RustSec advisory: id $1, package $2, extra [advisory] lines $3.
adv() {
	printf '```toml\n[advisory]\nid = "%s"\npackage = "%s"\ndate = "2023-01-02"\n%s\n[versions]\npatched = [">= 2.0.0"]\n```\n\n# Generated\n\nText.\n' "$1" "$2" "${3:-}"
}
commit() { $GIT -C "$1" add -A && $GIT -C "$1" commit -q -m x; }
ID63="CVE-2023-$(printf '%054d' 1)"
ID64="CVE-2023-$(printf '%055d' 1)"
ID69="CVE-2023-$(printf '%060d' 7)"
AL63="CVE-2023-$(printf '%054d' 2)"

# ---- 1. ids and aliases ----------------------------------------------------------
mkrepo "$ROOT/data" "$T/r" >/dev/null 2>&1
"$C" -q -o "$T/db.lmdb" "$T/r"
cp "$T/db.lmdb" "$T/db.orig"
mkdir -p "$T/r/crates/longid"
adv "$ID69" longid >"$T/r/crates/longid/$ID69.md"
commit "$T/r"
"$C" -o "$T/db.lmdb" "$T/r" >/dev/null 2>"$T/e"; rc=$?
is "a 69-byte CVE id: exit 2" "$rc" 2
has "a 69-byte CVE id: path:line: id \"...\" longer than 63 bytes" "$(cat "$T/e")" \
    "^crates/longid/$ID69\\.md:3: id \"$ID69\" longer than 63 bytes$"
ok "a 69-byte CVE id: the index is left as it was" cmp "$T/db.lmdb" "$T/db.orig"
"$C" --keep-going -o "$T/db.lmdb" "$T/r" >/dev/null 2>"$T/e"; rc=$?
is "--keep-going: exit 0" "$rc" 0
has "--keep-going: a warning, the file skipped" "$(cat "$T/e")" "^crates/longid/$ID69\\.md: warning: skipped"
"$Q" -d "$T/db.lmdb" --allow-incomplete check tokio@1.18.3 >/dev/null 2>&1; rc=$?
is "--keep-going: the other advisories still answer" "$rc" 1
git -C "$T/r" rm -q -r crates/longid
mkdir -p "$T/r/crates/longal"
adv RUSTSEC-2023-9901 longal "aliases = [\"$AL63\", \"$ID64\"]" >"$T/r/crates/longal/RUSTSEC-2023-9901.md"
commit "$T/r"
"$C" -o "$T/db.lmdb" "$T/r" >/dev/null 2>"$T/e"; rc=$?
is "a 64-byte alias: exit 2" "$rc" 2
has "a 64-byte alias: refused at its line (not dropped from the alias index)" \
    "$(cat "$T/e")" "^crates/longal/RUSTSEC-2023-9901\\.md:6: alias \"$ID64\" longer than 63 bytes$"
adv RUSTSEC-2023-9901 longal "aliases = [\"$AL63\"]" >"$T/r/crates/longal/RUSTSEC-2023-9901.md"
mkdir -p "$T/r/crates/edge"
adv "$ID63" edge >"$T/r/crates/edge/$ID63.md"
commit "$T/r"
"$C" -q -o "$T/db.lmdb" "$T/r"; rc=$?
is "63-byte id and alias: compile" "$rc" 0
out=$("$Q" -d "$T/db.lmdb" --json check edge@1.0.0 2>&1); rc=$?
is "63-byte id: found (exit 1)" "$rc" 1
has "63-byte id: whole in the report" "$out" "\"id\": *\"$ID63\""
out=$("$Q" -d "$T/db.lmdb" show "$AL63" 2>&1); rc=$?
is "63-byte alias: show finds the advisory by it" "$rc:$(echo "$out" | grep -c RUSTSEC-2023-9901)" "0:1"

# The same from OSV files.
mkdir "$T/osv"
osv() {  # id, aliases (JSON list text)
	printf '{"id": "%s", "published": "2024-01-01T00:00:00Z", "aliases": %s,\n "affected": [{"package": {"ecosystem": "crates.io", "name": "osvcrate"},\n  "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "2.0.0"}]}]}]}\n' "$1" "$2"
}
osv "$ID64" '[]' >"$T/osv/a.json"
"$C" -o "$T/o.lmdb" --source osv "$T/osv" >/dev/null 2>"$T/e"; rc=$?
is "OSV: a 64-byte id: exit 2" "$rc" 2
has "OSV: a 64-byte id: path:line" "$(cat "$T/e")" "^a\\.json:1: id \"$ID64\" longer than 63 bytes$"
osv OSV-1 "[\"$ID64\"]" >"$T/osv/a.json"
"$C" -o "$T/o.lmdb" --source osv "$T/osv" >/dev/null 2>"$T/e"; rc=$?
is "OSV: a 64-byte alias: exit 2" "$rc" 2
has "OSV: a 64-byte alias: path:line" "$(cat "$T/e")" "^a\\.json:1: alias \"$ID64\" longer than 63 bytes$"

# ---- 2. a key twice ---------------------------------------------------------------
printf '{"id": "OSV-2", "published": "2024-01-01T00:00:00Z",\n "affected": [],\n "affected": [{"package": {"ecosystem": "crates.io", "name": "osvcrate"},\n  "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}\n' >"$T/osv/a.json"
"$C" -o "$T/o.lmdb" --source osv "$T/osv" >/dev/null 2>"$T/e"; rc=$?
is "OSV: \"affected\" twice: exit 2 (never read as nothing affected)" "$rc" 2
has "OSV: \"affected\" twice: path:line: duplicate key" "$(cat "$T/e")" \
    '^a\.json:3: duplicate key "affected" \(first at line 2\)$'
osv OSV-3 '[]' >"$T/osv/a.json"
"$C" -q -o "$T/o.lmdb" --source osv "$T/osv"; rc=$?
is "OSV: the same file without the repeat compiles" "$rc" 0
"$Q" -d "$T/o.lmdb" check osvcrate@1.0.0 >/dev/null 2>&1; rc=$?
is "OSV: ... and its crate is affected" "$rc" 1

# ---- 3. thousands of advisories for one crate -------------------------------------
N=4100
fresh="$T/many"; mkdir -p "$fresh/crates/hot"
( cd "$fresh" && LC_ALL=C awk -v n=$N 'BEGIN {
	for (i = 1; i <= n; i++) {
		f = sprintf("crates/hot/RUSTSEC-2020-%04d.md", i)
		printf "```toml\n[advisory]\nid = \"RUSTSEC-2020-%04d\"\npackage = \"hot\"\ndate = \"2020-01-01\"\n\n[versions]\npatched = [\">= %d.0.0\"]\n```\n\n# Generated %d\n\nText.\n", i, i, i > f
		close(f)
	} }' )
git -C "$fresh" init -q -b main && commit "$fresh"
"$C" -o "$T/many.lmdb" "$fresh" >/dev/null 2>"$T/e"; rc=$?
is "$N advisories for one crate: compile exit 0 (was out of memory past 4096)" "$rc" 0
has "$N advisories for one crate: all written" "$(cat "$T/e")" "$N advisories, 1 packages"
count() { grep -o '"count": *[0-9]*' | head -n 1 | tr -dc 0-9; }
out=$("$Q" -d "$T/many.lmdb" --json check hot@0.5.0 2>/dev/null); rc=$?
is "check hot@0.5.0: exit 1" "$rc" 1
is "check hot@0.5.0: all $N found" "$(echo "$out" | count)" "$N"
out=$("$Q" -d "$T/many.lmdb" --json check "hot@$((N - 10)).5.0" 2>/dev/null)
is "check hot@$((N - 10)).5.0: the 10 later ones" "$(echo "$out" | count)" 10
out=$(echo "hot 2100.0.0" | "$Q" -d "$T/many.lmdb" batch 2>/dev/null)
is "batch: $((N - 2100)) vulnerabilities for hot 2100.0.0" \
    "$(echo "$out" | grep -o '"id"' | wc -l | tr -d ' ')" "$((N - 2100))"

echo "1..$_n"
