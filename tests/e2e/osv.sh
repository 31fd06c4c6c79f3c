#!/bin/sh
# tests/e2e/osv.sh — OSV import (advdb-compile --source osv ...) end to
# end: the YAML private advisory of data/osv merged with the sample set,
# alias merging and conflicts, folders and git repositories as sources,
# bad files, an export/import round trip, and, with ../shared, the issue's
# done-when: the bundle's `osv` branch through the OSV importer gives the
# same findings as its `main` through the RustSec importer, for every
# shared lockfile.
#
# Expected values come from the inputs (file counts, versions written in
# data/osv/ADVDB-INTERNAL-0001.yaml, the findings of the RustSec index).
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 && PY=python3 || PY=""
DATA="$ROOT/data"

# Run the compiler; stdout+stderr into $T/o, exit status into $rc.
comp() { "$C" "$@" >"$T/o" 2>&1; rc=$?; }
# A check: exit status into $rc, output into $T/o.
chk() { "$Q" "$@" >"$T/o" 2>&1; rc=$?; }

mkrepo "$DATA" "$T/data" >/dev/null 2>&1
nsample=$(git -C "$T/data" ls-tree -r --name-only HEAD |
    grep -cE '^(crates|rust)/[^/]+/[^/]+\.md$')
D="$T/d.lmdb"

# ---- the sample set with the private YAML advisory ----
comp -o "$D" "$T/data" --source osv:internal "$DATA/osv"
is "sample + data/osv: exit 0" "$rc" 0
# one new advisory (the in-house one); the GHSA copy of tokio's merges
has "sample + data/osv: advisory count is the sample's + 1" "$(cat "$T/o")" \
    "^advdb-compile: $((nsample + 1)) advisories,"
has "summary: 1 added, 1 merged, npm entry skipped" "$(cat "$T/o")" \
    "source internal: folder [0-9a-f]{12}: 2 files, 1 added, 1 merged \(0 conflicting\), 0 bad, 1 entries of other"
# The versions below come from the YAML: 2.0.0 <= v < 2.3.7, 2.4.0 (the
# last_affected), and the two listed release candidates.
for v in 2.0.0 2.3.6 2.4.0 3.0.0-rc.1 3.0.0-rc.2; do
	chk -d "$D" check "acme-ledger@$v"
	is "in-house acme-ledger@$v affected (exit 1)" "$rc" 1
done
has "reported by ADVDB-INTERNAL-0001" "$(cat "$T/o")" 'ADVDB-INTERNAL-0001'
for v in 1.9.9 2.3.7 2.4.1 3.0.0-rc.3 3.0.0; do
	chk -d "$D" check "acme-ledger@$v"
	is "in-house acme-ledger@$v clean (exit 0)" "$rc" 0
done
chk -d "$D" show ADVDB-INTERNAL-0001
has "show: title, CVSS and function from the YAML" "$(cat "$T/o")" \
    'acme-ledger rounds refunds'
has "show: function path" "$(cat "$T/o")" 'acme_ledger::Ledger::refund'
chk -d "$D" info
has "info lists the folder source with its digest" "$(cat "$T/o")" \
    '^Source: +internal folder [0-9a-f]{40}$'
has "info lists the rustsec source with its commit" "$(cat "$T/o")" \
    "^Source: +rustsec $(git -C "$T/data" rev-parse HEAD) "
has "info: the primary commit stays rustsec's" "$(cat "$T/o")" \
    "^Commit: +$(git -C "$T/data" rev-parse HEAD)\$"
# tokio: the GHSA file (aliases CVE-2023-22466, same ranges) is the same
# vulnerability as RUSTSEC-2023-0001: reported once, by RustSec's id
chk -d "$D" --json check tokio@1.18.3
n=$(grep -o '"id":"[A-Z]*-[^"]*"' "$T/o" | sort -u | wc -l | tr -d ' ')
is "tokio@1.18.3: one advisory, not two" "$n" 1
has "tokio@1.18.3: RustSec's id wins" "$(cat "$T/o")" 'RUSTSEC-2023-0001'
chk -d "$D" show GHSA-7rrj-xr53-82p7
has "the merged GHSA id is no record of its own: it resolves to RustSec's" \
    "$(cat "$T/o")" '^ID: +RUSTSEC-2023-0001$'
# same content twice in the folder digest: a second compile is identical
comp -o "$T/d2.lmdb" "$T/data" --source osv:internal "$DATA/osv"
d1=$("$Q" -d "$D" info --json | sed -n 's/.*"digest":"\([0-9a-f]*\)".*/\1/p')
d2=$("$Q" -d "$T/d2.lmdb" info --json | sed -n 's/.*"digest":"\([0-9a-f]*\)".*/\1/p')
is "two compiles, one digest" "$d2" "$d1"

# a GitHub-only id linked through the CVE alias alone: merged, and the
# kept RustSec record answers to that id too (show, --ignore)
mkdir -p "$T/gh"
sed -e 's/GHSA-7rrj-xr53-82p7/GHSA-zzzz-zzzz-zzzz/g' \
    "$DATA/osv/GHSA-7rrj-xr53-82p7.json" >"$T/gh/GHSA-zzzz-zzzz-zzzz.json"
comp -o "$T/gh.lmdb" "$T/data" --source osv "$T/gh"
has "linked by CVE alias only: merged" "$(cat "$T/o")" '1 files, 0 added, 1 merged \(0 conflicting\)'
chk -d "$T/gh.lmdb" show GHSA-zzzz-zzzz-zzzz
has "the OSV id becomes an alias of the kept record" "$(cat "$T/o")" \
    '^ID: +RUSTSEC-2023-0001$'
chk -d "$T/gh.lmdb" --ignore GHSA-zzzz-zzzz-zzzz check tokio@1.18.3
is "--ignore by the OSV id silences the merged advisory" "$rc" 0

# ---- conflicts: the GHSA copy with other ranges ----
mkdir -p "$T/conf"
cp "$DATA/osv/"* "$T/conf/"
sed 's/"fixed": "1.18.4"/"fixed": "1.18.5"/' "$DATA/osv/GHSA-7rrj-xr53-82p7.json" \
    >"$T/conf/GHSA-7rrj-xr53-82p7.json"
comp -o "$T/c.lmdb" "$T/data" --source osv:ghsa "$T/conf"
is "conflicting copy: still exit 0" "$rc" 0
has "conflict warning names both sources and keeps rustsec's" "$(cat "$T/o")" \
    'GHSA-7rrj-xr53-82p7.json: warning: GHSA-7rrj-xr53-82p7 of source ghsa conflicts with RUSTSEC-2023-0001 of source rustsec .*keeping rustsec'
chk -d "$T/c.lmdb" check tokio@1.18.4
is "conflict: rustsec's ranges answer (1.18.4 clean)" "$rc" 0

# ---- a git repository as a source, two sources, default names ----
mkrepo "$DATA/osv" "$T/osvgit" >/dev/null 2>&1
comp -o "$T/g.lmdb" "$T/data" --source osv "$T/osvgit" --source osv "$T/conf"
is "two OSV sources (git + folder): exit 0" "$rc" 0
chk -d "$T/g.lmdb" info
has "git source listed with its commit as osv" "$(cat "$T/o")" \
    "^Source: +osv $(git -C "$T/osvgit" rev-parse HEAD) "
has "second unnamed source is osv2, a folder" "$(cat "$T/o")" \
    '^Source: +osv2 folder [0-9a-f]{40}$'
chk -d "$T/g.lmdb" check acme-ledger@2.3.6
is "the in-house advisory from the git source" "$rc" 1
comp -o "$T/only.lmdb" --source osv "$T/osvgit"
is "OSV source alone (no REPO): exit 0" "$rc" 0
chk -d "$T/only.lmdb" check tokio@1.18.3
has "alone, the GHSA record answers for tokio" "$(cat "$T/o")" 'GHSA-7rrj-xr53-82p7'
comp -o "$T/only.lmdb" --source osv@nosuchref "$T/osvgit"
is "a ref that does not resolve: exit 2" "$rc" 2
has "names the ref" "$(cat "$T/o")" "nosuchref"

# ---- bad input ----
mkdir -p "$T/bad/sub"
cp "$DATA/osv/ADVDB-INTERNAL-0001.yaml" "$T/bad/"
printf 'id: X-1\npublished: 2024-01-01\naffected: [\n' >"$T/bad/sub/broken.yml"
printf '{"id": "X-2", "published": "2024-01-01", "aliases": 5}\n' >"$T/bad/wrong.json"
ln -s . "$T/bad/sub/loop"
ln -s /etc/passwd "$T/bad/passwd.json"
printf 'not osv, ignored' >"$T/bad/notes.txt"
comp -o "$T/b.lmdb" "$T/data" --source osv "$T/bad"
is "bad OSV files: exit 2" "$rc" 2
has "a YAML syntax error names file and line" "$(cat "$T/o")" '^sub/broken.yml:[0-9]+: '
has "a wrong type names file, line and key" "$(cat "$T/o")" '^wrong.json:1: `aliases` must be a list'
[ ! -e "$T/b.lmdb" ]; is "no index written" "$?" 0
comp -o "$T/b.lmdb" --keep-going "$T/data" --source osv "$T/bad"
is "--keep-going: exit 0" "$rc" 0
has "--keep-going: 2 bad files counted (symlinks never followed)" "$(cat "$T/o")" \
    'source osv: folder [0-9a-f]{12}: 3 files, 1 added, 0 merged \(0 conflicting\), 2 bad'
# sizes, depth, special files
mkdir -p "$T/huge"
head -c 2000000 /dev/zero | tr '\0' ' ' >"$T/huge/big.json"
printf 'id: X-3\npublished: 2024-01-01\n' >"$T/huge/small.yaml"
comp -o "$T/x.lmdb" --source osv "$T/huge"
has "a file past 1 MiB: refused, named" "$(cat "$T/o")" '^big.json: not a regular file of at most'
comp -o "$T/x.lmdb" --keep-going --source osv "$T/huge"
is "... and skipped with --keep-going" "$rc" 0
mkdir -p "$T/fifo"
if mkfifo "$T/fifo/wait.json" 2>/dev/null; then
	comp -o "$T/x.lmdb" --source osv "$T/fifo"
	has "a FIFO named .json is skipped, not opened" "$(cat "$T/o")" '0 files, 0 added'
else
	skip "a FIFO named .json is skipped" "mkfifo not available"
fi
deep="$T/deep"
i=0
while [ $i -lt 40 ]; do deep="$deep/d"; i=$((i + 1)); done
mkdir -p "$deep"
comp -o "$T/x.lmdb" --source osv "$T/deep"
is "folders nested past the cap: exit 2" "$rc" 2
has "... with a message" "$(cat "$T/o")" 'nested deeper than 32'
comp -o "$T/x.lmdb" "$T/data" --source npm "$DATA/osv"
is "unknown source kind: exit 2" "$rc" 2
comp -o "$T/x.lmdb" "$T/data" --source osv:rustsec "$DATA/osv"
is "source name rustsec is taken: exit 2" "$rc" 2
comp -o "$T/x.lmdb" "$T/data" --source osv
is "--source without PATH: exit 2" "$rc" 2
comp -o "$T/x.lmdb" "$T/data" --source osv "$T/nonexistent"
is "missing PATH: exit 2" "$rc" 2
comp -u -o "$D" "$T/data" --source osv:internal "$DATA/osv"
is "--update with --source: exit 0" "$rc" 0
has "--update with --source compiles everything" "$(cat "$T/o")" 'compiling everything'

# ---- export -> import round trip (sample set) ----
"$Q" -d "$T/d2.lmdb" export-osv "$T/exp" >"$T/o" 2>&1 || sed "s/^/# export: /" "$T/o"
comp -o "$T/rt.lmdb" --source osv "$T/exp"
is "export-osv output imports (exit 0)" "$rc" 0
"$Q" -d "$T/d2.lmdb" --json scan "$DATA/lockfiles/Cargo.lock" 2>/dev/null |
    grep -o '"id":"[A-Z][^"]*"' | sort -u >"$T/f1"
"$Q" -d "$T/rt.lmdb" --json scan "$DATA/lockfiles/Cargo.lock" 2>/dev/null |
    grep -o '"id":"[A-Z][^"]*"' | sort -u >"$T/f2"
[ -s "$T/f1" ]; is "the sample lockfile has findings" "$?" 0
is "export then import: same findings for the sample lockfile" \
    "$(cat "$T/f2")" "$(cat "$T/f1")"

# ---- done-when: bundle osv branch (OSV importer) vs main (RustSec) ----
if need_shared "real: osv branch vs main findings"; then
	if [ -z "$PY" ]; then
		skip "real: osv branch vs main findings" "python3 not found"
	elif ! git clone -q "$SHARED/advisory-db.bundle" "$T/adb" 2>/dev/null ||
	     ! git -C "$T/adb" rev-parse -q --verify origin/osv >/dev/null; then
		skip "real: osv branch vs main findings" "cannot clone the bundle's osv branch"
	else
		comp -q -o "$T/rs.lmdb" "$T/adb"
		is "real: main through the RustSec importer" "$rc" 0
		comp -o "$T/ov.lmdb" --source osv@origin/osv "$T/adb"
		is "real: osv branch through the OSV importer" "$rc" 0
		nfiles=$(git -C "$T/adb" ls-tree -r --name-only origin/osv |
		    grep -c '\.json$')
		has "real: every OSV file added, none bad" "$(cat "$T/o")" \
		    "source osv: commit [0-9a-f]{12}: $nfiles files, $nfiles added, 0 merged \(0 conflicting\), 0 bad"
		set --
		for f in "$SHARED"/lockfiles/*.lock; do
			[ -f "$f" ] && set -- "$@" "$f"
		done
		"$Q" -d "$T/rs.lmdb" --json scan "$@" >"$T/rs.json" 2>/dev/null
		"$Q" -d "$T/ov.lmdb" --json scan "$@" >"$T/ov.json" 2>/dev/null
		"$PY" - "$T/rs.json" "$T/ov.json" "$#" >"$T/py" 2>&1 <<'PYEOF'
import json, sys
def load(p):
    out = {}
    for line in open(p, encoding="utf-8"):
        d = json.loads(line)
        s = set()
        for v in d["vulnerabilities"]["list"]:
            s.add(("vulnerability", v["advisory"]["id"], v["package"]["name"],
                   v["package"]["version"]))
        for kind, lst in d["warnings"].items():
            for v in lst:
                a = v.get("advisory") or {}
                s.add((kind, a.get("id"), v["package"]["name"],
                       v["package"]["version"]))
        out[d["lockfile"]["path"]] = s
    return out
rs, ov = load(sys.argv[1]), load(sys.argv[2])
same = [k for k in rs if rs[k] == ov.get(k)]
total = sum(len(s) for s in rs.values())
print("osv import: %d/%d lockfiles with identical findings (%d findings)"
      % (len(same), len(rs), total))
for k in sorted(rs):
    if rs[k] != ov.get(k):
        print("differs: %s: only main %s; only osv %s" % (k,
              sorted(rs[k] - ov.get(k, set())),
              sorted(ov.get(k, set()) - rs[k])))
sys.exit(0 if len(rs) == int(sys.argv[3]) and len(same) == len(rs)
         and total > 0 else 1)
PYEOF
		prc=$?
		sed 's/^/# /' "$T/py"
		is "real: identical findings for every shared lockfile" "$prc" 0
		# export(import(x)) == x for RustSec's own OSV files
		"$Q" -d "$T/ov.lmdb" export-osv "$T/rexp" >/dev/null 2>&1
		mkdir -p "$T/ref"
		git -C "$T/adb" archive origin/osv crates | tar -x -C "$T/ref"
		"$PY" - "$T/rexp" "$T/ref/crates" >"$T/py" 2>&1 <<'PYEOF'
import json, os, sys
mine, ref = sys.argv[1], sys.argv[2]
want = sorted(f for f in os.listdir(ref) if f.endswith(".json"))
bad = [f for f in want if not os.path.exists(os.path.join(mine, f)) or
       json.load(open(os.path.join(mine, f))) !=
       json.load(open(os.path.join(ref, f)))]
print("osv round trip: %d/%d files identical after import and export"
      % (len(want) - len(bad), len(want)))
for f in bad:
    print("differs:", f)
sys.exit(0 if want and not bad else 1)
PYEOF
		prc=$?
		sed 's/^/# /' "$T/py"
		is "real: export-osv of the imported osv branch equals it, file for file" "$prc" 0
		set --
	fi
fi
echo "1..$_n"
