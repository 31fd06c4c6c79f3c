#!/bin/sh
# tests/e2e/audit.sh — advdb-query as a drop-in for `cargo audit` (issue
# 15): cargo-audit's command lines and audit.toml files, run the way a CI
# job would (in the project's folder, the index named by $ADVDB_DB), each
# checked for its exit status and its findings; the JSON report against
# the shape of cargo-audit's serde types (tests/golden/cargo-audit/
# report.shape.json, tests/tools/shape.py); SARIF against the OASIS
# schema with python3-jsonschema; the dependency tree on a multi-root
# lockfile with a cycle, and on the shared real lockfiles.
#
# The advisories and the lockfile are written here, so every expectation
# follows from them: see the table below.
. "$(dirname "$0")/lib.sh"

GIT="git -c user.name=advdb -c user.email=advdb@localhost"
SCHEMA="$SHARED/schemas/sarif-schema-2.1.0.json"
SHAPE="$ROOT/tests/golden/cargo-audit/report.shape.json"

# ---- the advisories ---------------------------------------------------------
#  id               crate     what                         affects
#  RUSTSEC-2099-0001 alpha    vulnerability, CVSS 9.8 crit  1.0.0
#  RUSTSEC-2099-0002 beta     vulnerability, CVSS 2.0 low   1.0.0
#  RUSTSEC-2099-0003 gamma    vulnerability, no CVSS        1.0.0
#  RUSTSEC-2099-0004 delta    vulnerability, windows only   1.0.0
#  RUSTSEC-2099-0005 epsilon  vulnerability, aarch64 only   1.0.0
#  RUSTSEC-2099-0006 umaint   unmaintained
#  RUSTSEC-2099-0007 unsnd    unsound
#  RUSTSEC-2099-0008 ntc      notice
#  RUSTSEC-2099-0009 unaff    vulnerability, only unaffected ranges: 2.0.0
#  RUSTSEC-2099-0010 zeta     vulnerability, CVSS 4.3 medium, functions
adv() {  # ID PKG FRONT VERSIONS [AFTER]
	mkdir -p "$T/adb/crates/$2"
	{
		printf '```toml\n[advisory]\nid = "%s"\npackage = "%s"\n' "$1" "$2"
		printf 'date = "2099-01-01"\n%s\n\n[versions]\n%s\n' "$3" "$4"
		[ -n "${5:-}" ] && printf '\n%s\n' "$5"
		printf '```\n\n# Advisory %s of %s\n\nSomething is wrong with %s.\n' \
		    "$1" "$2" "$2"
	} >"$T/adb/crates/$2/$1.md"
}
adv RUSTSEC-2099-0001 alpha 'aliases = ["CVE-2099-0001"]
cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"' 'patched = [">= 1.5.5"]'
adv RUSTSEC-2099-0002 beta 'cvss = "CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"' \
    'patched = [">= 1.18.4, < 1.19.0", ">= 1.20.3"]'
adv RUSTSEC-2099-0003 gamma '' 'patched = [">= 2.0.0"]'
adv RUSTSEC-2099-0004 delta '' 'patched = [">= 9.0.0"]' '[affected]
os = ["windows"]'
adv RUSTSEC-2099-0005 epsilon '' 'patched = [">= 9.0.0"]' '[affected]
arch = ["aarch64"]'
adv RUSTSEC-2099-0006 umaint 'informational = "unmaintained"' 'patched = []'
adv RUSTSEC-2099-0007 unsnd 'informational = "unsound"' 'patched = []'
adv RUSTSEC-2099-0008 ntc 'informational = "notice"' 'patched = []'
adv RUSTSEC-2099-0009 unaff '' 'patched = []
unaffected = ["< 1.0.0", ">= 3.0.0"]'
adv RUSTSEC-2099-0010 zeta 'cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N"' \
    'patched = [">= 1.2"]' '[affected.functions]
"zeta::Foo<A,B>::x" = [">= 1.0.0, < 1.2"]
"zeta::Foo<A::y" = ["^1.1"]'
$GIT init -q -b main "$T/adb" && $GIT -C "$T/adb" add -A &&
	$GIT -C "$T/adb" commit -q -m advisories
DB="$T/adb.lmdb"
if ! "$C" -q -o "$DB" "$T/adb" >"$T/o" 2>"$T/e"; then
	_tap "not ok" "compile the test advisories (nothing below can run)"
	sed 's/^/# /' "$T/e" | head -n 10
	exit 1
fi
_tap ok "compile the test advisories"

# ---- the project: two workspace roots, a dev-dependency cycle ---------------
P="$T/project"
mkdir -p "$P"
crate() {  # NAME VERSION [DEPS]
	printf '[[package]]\nname = "%s"\nversion = "%s"\n' "$1" "$2"
	printf 'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
	[ -n "${3:-}" ] && printf 'dependencies = [%s]\n' "$3"
	printf '\n'
}
member() {  # NAME VERSION DEPS
	printf '[[package]]\nname = "%s"\nversion = "%s"\ndependencies = [%s]\n\n' \
	    "$1" "$2" "$3"
}
{
	printf '# written by tests/e2e/audit.sh\nversion = 3\n\n'
	crate alpha 1.0.0
	member app 0.1.0 '"alpha", "delta", "epsilon", "mid", "umaint", "unaff", "zeta"'
	crate beta 1.0.0
	crate delta 1.0.0
	crate epsilon 1.0.0
	crate gamma 1.0.0
	member mid 0.2.0 '"gamma", "selftest"'
	crate ntc 1.0.0
	member selftest 0.1.0 '"mid"'
	member tool 0.1.0 '"beta", "mid", "ntc", "unsnd"'
	crate umaint 1.0.0
	crate unaff 2.0.0 '"beta 1.0.0"'
	crate unsnd 1.0.0
	crate zeta 1.1.0
} >"$P/Cargo.lock"
ADVDB_DB="$DB"; export ADVDB_DB

V_ALL="V:0001 V:0002 V:0003 V:0004 V:0005 V:0009 V:0010"
W_ALL="W:notice:0008 W:unmaintained:0006 W:unsound:0007"

# findings FILE: "V:NNNN" per vulnerability, "W:KIND:NNNN" per warning,
# sorted, one line (from JSON reports)
findings() {
	"$PY" - "$1" <<'PYEOF' 2>/dev/null
import json, sys
out = []
for l in open(sys.argv[1], encoding="utf-8"):
    if not l.strip():
        continue
    d = json.loads(l)
    for v in d.get("vulnerabilities", {}).get("list", []):
        out.append("V:" + v["advisory"]["id"][-4:])
    for k, ws in d.get("warnings", {}).items():
        for w in ws:
            out.append("W:%s:%s" % (k, w["advisory"]["id"][-4:]))
print(" ".join(sorted(out)))
PYEOF
}

# conf TEXT: the project's .cargo/audit.toml ("" removes it)
conf() {
	rm -rf "$P/.cargo"
	[ -n "$1" ] || return 0
	mkdir -p "$P/.cargo"
	printf '%s\n' "$1" >"$P/.cargo/audit.toml"
}

# cargo_audit NAME WANT_RC WANT_FINDINGS ARGS...: `cargo audit ARGS` is
# `advdb-query ARGS` and `advdb-query audit ARGS` in the project's folder;
# both exit WANT_RC, and their findings (read with --json added, which
# wins over any --format as in cargo-audit) are WANT_FINDINGS.
cargo_audit() {
	_name=$1 _rc=$2 _want=$3; shift 3
	(cd "$P" && "$Q" "$@") >"$T/o" 2>"$T/e"; _r1=$?
	(cd "$P" && "$Q" audit "$@") >"$T/o2" 2>"$T/e2"; _r2=$?
	is "cargo audit $*: exit $_rc (both forms)" "$_r1:$_r2" "$_rc:$_rc"
	[ "$_r1" = "$_rc" ] || head -n 3 "$T/e" | sed 's/^/# /'
	cmp -s "$T/o" "$T/o2"; is "cargo audit $*: the same report (both forms)" "$?" 0
	if [ -z "$PY" ]; then skip "$_name: findings" "python3 not found"; return; fi
	(cd "$P" && "$Q" "$@" --json) >"$T/j" 2>/dev/null
	is "cargo audit $*: findings" "$(findings "$T/j")" "$_want"
}

# ---- command lines, no audit.toml ---------------------------------------------
conf ""
cargo_audit plain 1 "$V_ALL $W_ALL"
cargo_audit ignore 1 "V:0002 V:0003 V:0004 V:0005 V:0009 V:0010 $W_ALL" --ignore RUSTSEC-2099-0001
cargo_audit "ignore by alias" 1 "V:0002 V:0003 V:0004 V:0005 V:0009 V:0010 $W_ALL" --ignore CVE-2099-0001
cargo_audit "-n -f" 1 "$V_ALL $W_ALL" -n -f Cargo.lock
cargo_audit "--file" 1 "$V_ALL $W_ALL" --file "$P/Cargo.lock"
cargo_audit "target-os linux" 1 "V:0001 V:0002 V:0003 V:0005 V:0009 V:0010 $W_ALL" --target-os linux
cargo_audit "target-os list" 1 "$V_ALL $W_ALL" --target-os linux --target-os windows
cargo_audit "target-arch x86_64" 1 "V:0001 V:0002 V:0003 V:0004 V:0009 V:0010 $W_ALL" --target-arch x86_64
cargo_audit "target-arch list" 1 "$V_ALL $W_ALL" --target-arch x86_64 --target-arch aarch64
cargo_audit "target both" 1 "V:0001 V:0002 V:0003 V:0009 V:0010 $W_ALL" --target-os linux --target-arch x86
IGN_V="--ignore RUSTSEC-2099-0001 --ignore RUSTSEC-2099-0002 --ignore RUSTSEC-2099-0003 --ignore RUSTSEC-2099-0004 --ignore RUSTSEC-2099-0005 --ignore RUSTSEC-2099-0009 --ignore RUSTSEC-2099-0010"
cargo_audit "warnings only: exit 0" 0 "$W_ALL" $IGN_V
cargo_audit "-D warnings" 1 "$W_ALL" $IGN_V -D warnings
cargo_audit "--deny unmaintained" 1 "$W_ALL" $IGN_V --deny unmaintained
cargo_audit "--deny unsound" 1 "$W_ALL" $IGN_V --deny unsound
cargo_audit "-D warnings, only a notice left: a notice never fails" 0 "W:notice:0008" \
    $IGN_V --ignore RUSTSEC-2099-0006 --ignore RUSTSEC-2099-0007 -D warnings
(cd "$P" && "$Q" $IGN_V -D yanked) >/dev/null 2>"$T/e"; rc=$?
is "-D yanked without a crates index: cannot be checked, exit 2" "$rc" 2
has "-D yanked without a crates index: says why" "$(cat "$T/e")" 'deny yanked: the index has no crates.io index'
cargo_audit "-q" 1 "$V_ALL $W_ALL" -q
cargo_audit "--json" 1 "$V_ALL $W_ALL" --json
cargo_audit "--format json" 1 "$V_ALL $W_ALL" --format json
cargo_audit "--format sarif" 1 "$V_ALL $W_ALL" --format sarif
cargo_audit "--format terminal" 1 "$V_ALL $W_ALL" --format terminal
cargo_audit "--stale --no-yanked -c never" 1 "$V_ALL $W_ALL" --stale --no-yanked -c never
cargo_audit "-u URL" 1 "$V_ALL $W_ALL" -u https://github.com/RustSec/advisory-db.git
cargo_audit "-d the index" 1 "$V_ALL $W_ALL" -d "$DB"

# what the text says
(cd "$P" && "$Q") >"$T/o" 2>"$T/e"
has "text: the header" "$(head -n 1 "$T/o")" '^Scanning Cargo\.lock \(14 packages\)$'
has "text: the summary line" "$(tail -n 1 "$T/o")" '^error: 7 vulnerabilities found in 14 packages, 3 warnings$'
has "text: patched versions in semver's form" "$(cat "$T/o")" \
    '^Solution: +Upgrade to >=1\.18\.4, <1\.19\.0 OR >=1\.20\.3 \(patched\)$'
has "text: only unaffected ranges: the newer one" "$(cat "$T/o")" \
    '^Solution: +Upgrade to >=3\.0\.0 \(unaffected\)$'
has "text: the advisory's page" "$(cat "$T/o")" \
    '^URL: +https://rustsec\.org/advisories/RUSTSEC-2099-0001$'
has "text: severity" "$(cat "$T/o")" '^Severity: +9\.8 \(critical\)$'
has "text: a warning says its kind" "$(grep -A 2 '^Crate: *umaint' "$T/o" | tr '\n' '|')" \
    'Warning: +unmaintained'
ESC=$(printf '\033')
is "text: no colour off a terminal" "$(grep -c "$ESC" "$T/o")" 0
(cd "$P" && "$Q" -c always) >"$T/o" 2>/dev/null
has "-c always: colour in a pipe" "$(tr '\033' E <"$T/o")" 'E\[1;31mRUSTSEC-2099-0001E\[0m'
(cd "$P" && CARGO_TERM_COLOR=always "$Q") >"$T/o" 2>/dev/null
has "CARGO_TERM_COLOR=always: colour" "$(tr '\033' E <"$T/o")" 'E\[1;31m'
(cd "$P" && CARGO_TERM_COLOR=always "$Q" --color never) >"$T/o" 2>/dev/null
is "--color never beats CARGO_TERM_COLOR" "$(grep -c "$ESC" "$T/o")" 0
q 2 "--color sometimes: usage error" --color sometimes check a@1.0.0
q 2 "--format xml: usage error" --format xml check a@1.0.0
q 2 "--deny notice: exit 2 (not a cargo-audit deny kind)" --deny notice check a@1.0.0
q 2 "--target-os Windows: exit 2, the spelling" --target-os Windows check a@1.0.0
has "--target-os Windows: names the flag and the nearest name" "$(cat "$T/e")" \
    '--target-os Windows: not a target os name \(did you mean windows\?\)'
(cd "$P" && "$Q" -u https://example.org/db.git) >/dev/null 2>"$T/e"
has "-u: accepted, with a note" "$(cat "$T/e")" '--url .*never fetches'
(cd "$P" && "$Q" -q -u https://example.org/db.git) >/dev/null 2>"$T/e"
is "-u -q: no note" "$(grep -c 'never fetches' "$T/e")" 0
(cd "$P" && "$Q" -D warnings $IGN_V) >"$T/o" 2>"$T/e"
has "-D warnings: says yanked versions are not checked (no crates index)" "$(cat "$T/e")" 'no yanked check: the index has no crates.io index'
has "-D warnings: the summary is no ok" "$(tail -n 1 "$T/o")" '^error: 2 denied warnings found \(no vulnerabilities\) in 14 packages, 1 warning$'
(cd "$P" && "$Q" -D warnings --no-yanked $IGN_V) >/dev/null 2>"$T/e"
is "--no-yanked: no yanked notice" "$(grep -c 'yanked' "$T/e")" 0
(cd "$P" && "$Q" $IGN_V) >"$T/o" 2>"$T/e"
has "warnings, not denied: ok, with the count" "$(tail -n 1 "$T/o")" '^ok: no vulnerabilities found in 14 packages, 3 warnings$'
has "no crates index: one note says how to add one" "$(grep -c 'no yanked check' "$T/e")" '^1$'

# -q: no header, no tree; nothing at all when clean
(cd "$P" && "$Q" -q) >"$T/o" 2>"$T/e"
is "-q: no Scanning line" "$(grep -c '^Scanning' "$T/o")" 0
is "-q: no tree" "$(grep -c '^Dependency tree:' "$T/o")" 0
has "-q: the findings stay" "$(grep -c '^Crate:' "$T/o")" '^10$'
(cd "$P" && "$Q" -q $IGN_V --ignore RUSTSEC-2099-0006 --ignore RUSTSEC-2099-0007 --ignore RUSTSEC-2099-0008) >"$T/o" 2>"$T/e"; rc=$?
is "-q, clean: exit 0, nothing printed" "$rc:$(wc -c <"$T/o" | tr -d ' ')" "0:0"
(cd "$P" && "$Q" --no-tree) >"$T/o" 2>/dev/null
is "--no-tree: no tree, the header stays" "$(grep -c '^Dependency tree:' "$T/o"):$(grep -c '^Scanning' "$T/o")" "0:1"

# the default lockfile, stdin, and what is not there
(cd "$P" && "$Q" -f - <Cargo.lock --json) >"$T/o" 2>/dev/null
is "-f -: stdin" "$(findings "$T/o")" "$V_ALL $W_ALL"
(cd "$P" && "$Q" --stale scan --json) >"$T/o" 2>/dev/null
is "a bare scan reads ./Cargo.lock" "$(findings "$T/o")" "$V_ALL $W_ALL"
mkdir -p "$T/empty"
(cd "$T/empty" && "$Q" audit) >"$T/o" 2>"$T/e"; rc=$?
is "audit without ./Cargo.lock: exit 2" "$rc" 2
has "audit without ./Cargo.lock: says so, and what to do" "$(cat "$T/e")" 'Cargo\.lock: .*generate-lockfile'
(cd "$T/empty" && "$Q") >"$T/o" 2>"$T/e"; rc=$?
is "no command and no ./Cargo.lock: usage, exit 2" "$rc:$(grep -c '^usage:' "$T/e")" "2:1"
(cd "$P" && "$Q" audit fix) >"$T/o" 2>"$T/e"; rc=$?
is "audit fix: not supported, exit 2" "$rc:$(grep -c 'not supported' "$T/e")" "2:1"
(cd "$P" && "$Q" --no-yanked audit bin Cargo.lock) >"$T/o" 2>"$T/e"; rc=$?
has "audit bin FILE: cargo audit bin (a lockfile is no binary)" "$rc:$(cat "$T/e")" \
    '^2:.*Cargo\.lock: '

# ---- audit.toml ----------------------------------------------------------------
conf '[advisories]
ignore = ["RUSTSEC-2099-0001"]'
cargo_audit "toml ignore" 1 "V:0002 V:0003 V:0004 V:0005 V:0009 V:0010 $W_ALL"
cargo_audit "toml ignore + --ignore" 1 "V:0003 V:0004 V:0005 V:0009 V:0010 $W_ALL" --ignore RUSTSEC-2099-0002
(cd "$P" && "$Q" --json --ignore RUSTSEC-2099-0002) >"$T/j" 2>/dev/null
pyjson "settings.ignore: the file's, then the flags'" "$T/j" \
  'docs[0]["settings"]["ignore"] == ["RUSTSEC-2099-0001", "RUSTSEC-2099-0002"]'

conf '[advisories]
informational_warnings = ["unsound"]'
cargo_audit "toml informational_warnings = [unsound]" 1 "$V_ALL W:unsound:0007"
cargo_audit "informational_warnings + --deny unmaintained adds it" 1 "$V_ALL W:unmaintained:0006 W:unsound:0007" --deny unmaintained
(cd "$P" && "$Q" --json --deny unmaintained) >"$T/j" 2>/dev/null
pyjson "settings.informational_warnings: the file's, then what --deny adds" "$T/j" \
  'docs[0]["settings"]["informational_warnings"] == ["unsound", "unmaintained"]'
conf '[advisories]
informational_warnings = []'
cargo_audit "toml informational_warnings = []" 1 "$V_ALL"
cargo_audit "informational_warnings = [] and -D warnings: all three back" 1 "$V_ALL $W_ALL" -D warnings
conf ''
cargo_audit "--informational-warnings notice" 1 "$V_ALL W:notice:0008" --informational-warnings notice
cargo_audit "--informational-warnings none" 1 "$V_ALL" --informational-warnings none

conf '[advisories]
severity_threshold = "medium"'
cargo_audit "toml severity_threshold = medium" 1 "V:0001 V:0003 V:0004 V:0005 V:0009 V:0010 $W_ALL"
conf '[advisories]
severity_threshold = "critical"'
cargo_audit "toml severity_threshold = critical (no CVSS: kept)" 1 "V:0001 V:0003 V:0004 V:0005 V:0009 $W_ALL"
(cd "$P" && "$Q" --json) >"$T/j" 2>/dev/null
pyjson "settings.severity" "$T/j" 'docs[0]["settings"]["severity"] == "critical"'
conf ''
cargo_audit "--severity-threshold high" 1 "V:0001 V:0003 V:0004 V:0005 V:0009 $W_ALL" --severity-threshold high

conf '[output]
deny = ["unmaintained"]
quiet = false'
cargo_audit "toml deny = [unmaintained]" 1 "$W_ALL" $IGN_V
conf '[output]
deny = ["warnings"]
quiet = false'
cargo_audit "toml deny = [warnings]" 1 "$W_ALL" $IGN_V
cargo_audit "toml deny = [warnings], a notice only" 0 "W:notice:0008" $IGN_V --ignore RUSTSEC-2099-0006 --ignore RUSTSEC-2099-0007
conf '[output]
deny = ["unsound"]
quiet = false'
cargo_audit "toml deny = [unsound], unsound ignored" 0 "W:notice:0008 W:unmaintained:0006" $IGN_V --ignore RUSTSEC-2099-0007

conf '[target]
os = "linux"'
cargo_audit "toml [target] os = a string" 1 "V:0001 V:0002 V:0003 V:0005 V:0009 V:0010 $W_ALL"
cargo_audit "--target-os replaces the file's list" 1 "$V_ALL $W_ALL" --target-os windows
conf '[target]
os = ["linux", "windows"]
arch = ["x86_64"]'
cargo_audit "toml [target] lists" 1 "V:0001 V:0002 V:0003 V:0004 V:0009 V:0010 $W_ALL"
(cd "$P" && "$Q" --json) >"$T/j" 2>/dev/null
pyjson "settings.target_os and target_arch are lists" "$T/j" \
  'docs[0]["settings"]["target_os"] == ["linux", "windows"] and docs[0]["settings"]["target_arch"] == ["x86_64"]'

conf '[output]
quiet = true'
(cd "$P" && "$Q") >"$T/o" 2>"$T/e"; rc=$?
is "toml quiet = true: no header, the tree stays (only -q drops it)" \
   "$rc:$(grep -c '^Scanning' "$T/o"):$(grep -c '^Dependency tree:' "$T/o")" "1:0:10"
conf '[output]
show_tree = false
quiet = false'
(cd "$P" && "$Q") >"$T/o" 2>"$T/e"
is "toml show_tree = false: no tree" "$(grep -c '^Dependency tree:' "$T/o")" 0
conf '[output]
format = "json"
quiet = false'
cargo_audit "toml format = json" 1 "$V_ALL $W_ALL"
(cd "$P" && "$Q") >"$T/o" 2>/dev/null
pyjson "toml format = json: JSON without a flag" "$T/o" 'len(docs) == 1 and "vulnerabilities" in docs[0]'
(cd "$P" && "$Q" --format terminal) >"$T/o" 2>/dev/null
has "--format terminal beats the file" "$(head -n 1 "$T/o")" '^Scanning'
conf '[output]
format = "sarif"
quiet = false'
(cd "$P" && "$Q") >"$T/o" 2>/dev/null
pyjson "toml format = sarif" "$T/o" 'docs[0]["version"] == "2.1.0"'

conf '[yanked]
enabled = true
update_index = false'
(cd "$P" && "$Q") >/dev/null 2>"$T/e"
has "[yanked] enabled = true: says they are not checked" "$(cat "$T/e")" 'no yanked check: the index has no crates.io index'
conf '[yanked]
enabled = false'
(cd "$P" && "$Q" -D yanked) >/dev/null 2>"$T/e"
is "[yanked] enabled = false: no notice" "$(grep -c yanked "$T/e")" 0

conf '[database]
path = "'"$DB"'"
url = "https://github.com/RustSec/advisory-db.git"
fetch = false
stale = true'
(cd "$P" && env -u ADVDB_DB "$Q") >"$T/o" 2>"$T/e"; rc=$?
has "[database] path names the index" "$rc:$(tail -n 1 "$T/o")" '^1:error: 7 vulnerabilities found'
conf '[database]
path = "'"$T/adb"'"'
(cd "$P" && env -u ADVDB_DB "$Q") >"$T/o" 2>"$T/e"; rc=$?
is "[database] path = a git repository: exit 2" "$rc" 2
has "[database] path = a git repository: where it was set" "$(cat "$T/e")" '\.cargo/audit\.toml:2: \[database\] path'
has "[database] path = a git repository: how to compile it" "$(cat "$T/e")" 'is a git repository .*advdb-compile -o INDEX'
(cd "$P" && "$Q" --json) >"$T/o" 2>"$T/e"; rc=$?
is "\$ADVDB_DB beats [database] path" "$rc" 1
q 2 "-d a git repository: the same hint" -d "$T/adb" check a@1.0.0
has "-d a git repository: how to compile it" "$(cat "$T/e")" 'is a git repository'
conf '[database]
path = "~/.cargo/advisory-db"'
(cd "$P" && env -u ADVDB_DB "$Q") >"$T/o" 2>"$T/e"; rc=$?
has "[database] path with ~: not expanded, said so" "$rc:$(tr '\n' ' ' <"$T/e")" '^2:.*`~` is not expanded'

# bad values: FILE:LINE, exit 2; unknown keys: FILE:LINE warnings
bad_conf() {  # NAME LINE MESSAGE-PATTERN TEXT
	conf "$4"
	(cd "$P" && "$Q") >"$T/o" 2>"$T/e"; rc=$?
	is "bad audit.toml, $1: exit 2" "$rc" 2
	has "bad audit.toml, $1: FILE:LINE: message" "$(cat "$T/e")" \
	    "^advdb-query: \\.cargo/audit\\.toml:$2: $3"
	is "bad audit.toml, $1: no report" "$(wc -c <"$T/o" | tr -d ' ')" 0
}
bad_conf "severity word" 3 '\[advisories\] severity_threshold "severe": expected none, low' '[advisories]
ignore = []
severity_threshold = "severe"'
bad_conf "ignore not a list" 2 '\[advisories\] ignore: expected a list of strings' '[advisories]
ignore = "RUSTSEC-2099-0001"'
bad_conf "deny word" 3 '\[output\] deny "notice": expected warnings, unmaintained, unsound or yanked' '[output]
deny = [
  "notice",
]'
bad_conf "format" 2 '\[output\] format "xml"' '[output]
format = "xml"'
bad_conf "quiet not a bool" 2 '\[output\] quiet: expected true or false' '[output]
quiet = "yes"'
bad_conf "target os spelling" 2 '\[target\] os Windows: not a target os name \(did you mean windows\?\)' '[target]
os = ["Windows"]'
bad_conf "target arch type" 2 '\[target\] arch: expected a list of strings' '[target]
arch = 64'
bad_conf "a section not a table" 1 '`output` is not a table' 'output = 1'
bad_conf "TOML syntax" 2 '' '[advisories]
ignore = [,]'
bad_conf "yanked enabled" 2 '\[yanked\] enabled: expected true or false' '[yanked]
enabled = 1'
conf '[advisories]
ignored = ["x"]

[reports]
x = 1'
(cd "$P" && "$Q") >"$T/o" 2>"$T/e"; rc=$?
is "unknown keys: still runs (exit 1)" "$rc" 1
has "unknown keys: FILE:LINE warnings" "$(cat "$T/e" | tr '\n' '|')" \
    '\.cargo/audit\.toml:2: warning: unknown key `ignored` in \[advisories\].*\.cargo/audit\.toml:4: warning: unknown key `reports`'

# the caps: an audit.toml of 1 MiB is read, one byte more is refused;
# 64 target names are taken, a 65th is a usage error
conf '[advisories]
ignore = ["RUSTSEC-2099-0001"]'
_sz=$(wc -c <"$P/.cargo/audit.toml")
awk -v n=$((1048576 - _sz - 1)) 'BEGIN { for (i = 0; i < n; i++) printf "#"; printf "\n" }' \
    >>"$P/.cargo/audit.toml"
is "audit.toml of exactly 1 MiB: its size" "$(wc -c <"$P/.cargo/audit.toml" | tr -d ' ')" 1048576
(cd "$P" && "$Q" --json) >"$T/j" 2>"$T/e"; rc=$?
is "audit.toml of 1 MiB: read (its ignore applies)" "$rc:$(findings "$T/j")" \
   "1:V:0002 V:0003 V:0004 V:0005 V:0009 V:0010 $W_ALL"
printf '#' >>"$P/.cargo/audit.toml"
(cd "$P" && "$Q") >"$T/o" 2>"$T/e"; rc=$?
is "audit.toml of 1 MiB + 1 byte: exit 2, no report" "$rc:$(wc -c <"$T/o" | tr -d ' ')" "2:0"
has "audit.toml of 1 MiB + 1 byte: says so" "$(cat "$T/e")" \
    '\.cargo/audit\.toml: larger than 1024 KiB'
conf ''
TOS=$(i=0; while [ $i -lt 64 ]; do printf -- '--target-os linux '; i=$((i + 1)); done)
cargo_audit "64 --target-os: taken" 1 "V:0001 V:0002 V:0003 V:0005 V:0009 V:0010 $W_ALL" $TOS
q 2 "65 --target-os: usage error" $TOS --target-os linux check a@1.0.0
has "65 --target-os: says the cap" "$(cat "$T/e")" 'more than 64 target names'

# where the file is found: ./.cargo, else $CARGO_HOME; --config; --no-config
conf ''
mkdir -p "$T/home"
printf '[advisories]\nignore = ["RUSTSEC-2099-0002"]\n' >"$T/home/audit.toml"
(cd "$P" && CARGO_HOME="$T/home" "$Q" --json) >"$T/j" 2>/dev/null
is "\$CARGO_HOME/audit.toml, no project file: read" "$(findings "$T/j")" "V:0001 V:0003 V:0004 V:0005 V:0009 V:0010 $W_ALL"
(cd "$P" && env -u CARGO_HOME HOME="$T/h2" sh -c 'mkdir -p "$HOME/.cargo" && cp "'"$T"'/home/audit.toml" "$HOME/.cargo/" && "$0" --json' "$Q") >"$T/j" 2>/dev/null
is "no CARGO_HOME: ~/.cargo/audit.toml" "$(findings "$T/j")" "V:0001 V:0003 V:0004 V:0005 V:0009 V:0010 $W_ALL"
conf '[advisories]
ignore = ["RUSTSEC-2099-0003"]'
(cd "$P" && CARGO_HOME="$T/home" "$Q" --json) >"$T/j" 2>/dev/null
is "the project's file wins, alone (no merge)" "$(findings "$T/j")" "V:0001 V:0002 V:0004 V:0005 V:0009 V:0010 $W_ALL"
(cd "$P" && CARGO_HOME="$T/home" "$Q" --json --config "$T/home/audit.toml") >"$T/j" 2>/dev/null
is "--config FILE: that file" "$(findings "$T/j")" "V:0001 V:0003 V:0004 V:0005 V:0009 V:0010 $W_ALL"
(cd "$P" && CARGO_HOME="$T/home" "$Q" --json --no-config) >"$T/j" 2>/dev/null
is "--no-config: none" "$(findings "$T/j")" "$V_ALL $W_ALL"
(cd "$P" && "$Q" --config "$T/nowhere.toml") >/dev/null 2>"$T/e"; rc=$?
is "--config a missing file: exit 2, named" "$rc:$(grep -c 'nowhere\.toml' "$T/e")" "2:1"
mkdir -p "$T/sub"
(cd "$T/sub" && "$Q" --json -f "$P/Cargo.lock") >"$T/j" 2>/dev/null
is "the file is the current folder's, not the lockfile's" "$(findings "$T/j")" "$V_ALL $W_ALL"
conf ''

# ---- staleness: one mechanism with --max-age ----------------------------------
OLD="$T/old.lmdb"
GIT_COMMITTER_DATE="2001-02-03T04:05:06+0130" $GIT -C "$T/adb" commit -q --amend --no-edit
"$C" -q -o "$OLD" "$T/adb"
(cd "$P" && "$Q" -d "$OLD") >/dev/null 2>"$T/e"; rc=$?
has "an index older than 90 days: named in a warning" "$rc:$(cat "$T/e")" '^1:.*days old \(more than 90: a stale index\)'
(cd "$P" && "$Q" -d "$OLD" --stale) >/dev/null 2>"$T/e"
is "--stale: no warning" "$(grep -c 'days old' "$T/e")" 0
conf '[database]
stale = true'
(cd "$P" && "$Q" -d "$OLD") >/dev/null 2>"$T/e"
is "[database] stale = true: no warning" "$(grep -c 'days old' "$T/e")" 0
conf ''
(cd "$P" && "$Q" -d "$OLD" --max-age-strict) >/dev/null 2>"$T/e"; rc=$?
is "--max-age-strict with the default age: exit 2" "$rc" 2
(cd "$P" && "$Q" -d "$OLD" --max-age 100000) >/dev/null 2>"$T/e"; rc=$?
is "--max-age DAYS sets the age" "$rc:$(grep -c 'days old' "$T/e")" "1:0"
(cd "$P" && "$Q" -d "$OLD" --json) >"$T/j" 2>/dev/null
pyjson "last-updated: the commit time in the committer's offset" "$T/j" \
  'docs[0]["database"]["last-updated"] == "2001-02-03T04:05:06+01:30"'

# ---- JSON: cargo-audit's report, field for field ----------------------------
(cd "$P" && "$Q" --json) >"$T/j" 2>/dev/null
pyjson "JSON: one report" "$T/j" 'len(docs) == 1'
vuln() { echo "[v for v in docs[0]['vulnerabilities']['list'] if v['advisory']['id'] == 'RUSTSEC-2099-$1'][0]"; }
pyjson "JSON: versions in semver's Display form" "$T/j" \
  "$(vuln 0002)['versions'] == {'patched': ['>=1.18.4, <1.19.0', '>=1.20.3'], 'unaffected': []}"
pyjson "JSON: partial versions stay partial, caret written" "$T/j" \
  "$(vuln 0010)['versions']['patched'] == ['>=1.2'] and $(vuln 0010)['affected']['functions']['zeta::Foo<A::y'] == ['^1.1']"
pyjson "JSON: functions in rustsec's order (segment by segment)" "$T/j" \
  "list($(vuln 0010)['affected']['functions']) == ['zeta::Foo<A::y', 'zeta::Foo<A,B>::x'] and $(vuln 0010)['affected']['functions']['zeta::Foo<A,B>::x'] == ['>=1.0.0, <1.2']"
pyjson "JSON: expect-deleted" "$T/j" "$(vuln 0001)['advisory']['expect-deleted'] is False"
pyjson "JSON: the order of a vulnerability's keys" "$T/j" \
  "list($(vuln 0001))[:4] == ['advisory', 'versions', 'affected', 'package']"
pyjson "JSON: the order of a warning's keys" "$T/j" \
  "list(docs[0]['warnings']['unsound'][0])[:5] == ['kind', 'package', 'advisory', 'affected', 'versions']"
pyjson "JSON: warning kinds in rustsec's order" "$T/j" \
  "list(docs[0]['warnings']) == ['notice', 'unmaintained', 'unsound']"
pyjson "JSON: a package's dependencies, resolved (name, version, source)" "$T/j" \
  "$(vuln 0009)['package']['dependencies'] == [{'name': 'beta', 'version': '1.0.0', 'source': 'registry+https://github.com/rust-lang/crates.io-index'}] and $(vuln 0009)['package']['replace'] is None"
pyjson "JSON: no dependencies, no key (serde's skip_serializing_if)" "$T/j" \
  "'dependencies' not in $(vuln 0003)['package']"
pyjson "JSON: settings defaults" "$T/j" \
  "docs[0]['settings'] == {'target_arch': [], 'target_os': [], 'severity': None, 'ignore': [], 'informational_warnings': ['unmaintained', 'unsound', 'notice']}"
pyjson "JSON: dependency-count" "$T/j" "docs[0]['lockfile']['dependency-count'] == 14"

# every key and type, against the shape of cargo-audit's serde types
if [ -n "$PY" ]; then
	"$PY" "$ROOT/tests/tools/shape.py" "$SHAPE" "$T/j" >"$T/py" 2>&1
	is "JSON shape: the project's report" "$?:$(head -n 3 "$T/py")" "0:"
	(cd "$P" && "$Q" --json -D warnings --target-os linux --ignore RUSTSEC-2099-0001 --severity-threshold low) >"$T/j2" 2>/dev/null
	"$PY" "$ROOT/tests/tools/shape.py" "$SHAPE" "$T/j2" >"$T/py" 2>&1
	is "JSON shape: with settings" "$?:$(head -n 3 "$T/py")" "0:"
	"$Q" --json check alpha@1.0.0 zeta@1.1.0 ntc@1.0.0 >"$T/j3" 2>/dev/null
	"$PY" "$ROOT/tests/tools/shape.py" "$SHAPE" "$T/j3" >"$T/py" 2>&1
	is "JSON shape: check" "$?:$(head -n 3 "$T/py")" "0:"
	# the checker itself fails on a missing key, an extra key, a type
	for edit in "del d['vulnerabilities']['list'][0]['advisory']['expect-deleted']" \
	            "d['settings']['target_os'] = 'linux'" \
	            "d['vulnerabilities']['list'][0]['versions']['patched'] = ['>= 1.0.0']" \
	            "d['lockfile']['extra'] = 1" \
	            "d['database']['last-updated'] = '2001-02-03 04:05:06'"; do
		"$PY" -c "import json,sys; d=json.loads(open(sys.argv[1]).readline()); $edit; print(json.dumps(d))" \
		    "$T/j" >"$T/bad.json"
		"$PY" "$ROOT/tests/tools/shape.py" "$SHAPE" "$T/bad.json" >"$T/py" 2>&1
		is "JSON shape checker catches: $edit" "$?" 1
	done
else
	skip "JSON shape" "python3 not found"
fi

# ---- the dependency tree ---------------------------------------------------
(cd "$P" && "$Q") >"$T/o" 2>/dev/null
tree_of() { sed -n "/^Crate: *$1\$/,/^\$/p" "$T/o" | sed -n '/^Dependency tree:/,$p'; }
is "tree: two roots and a cycle, as cargo-lock draws it" "$(tree_of gamma)" "Dependency tree:
gamma 1.0.0
└── mid 0.2.0
    ├── app 0.1.0
    ├── selftest 0.1.0
    │   └── mid 0.2.0
    └── tool 0.1.0"
is "tree: once per package" "$(grep -c '^Dependency tree:' "$T/o")" 10
(cd "$P" && "$Q" --json) >"$T/j" 2>/dev/null
pyjson "JSON paths: one shortest path per root, root first" "$T/j" \
  "$(vuln 0003)['advdb-dependency-paths'] == {'roots': 2, 'paths': [{'packages': [{'name': 'app', 'version': '0.1.0'}, {'name': 'mid', 'version': '0.2.0'}, {'name': 'gamma', 'version': '1.0.0'}], 'omitted': 0}, {'packages': [{'name': 'tool', 'version': '0.1.0'}, {'name': 'mid', 'version': '0.2.0'}, {'name': 'gamma', 'version': '1.0.0'}], 'omitted': 0}]}"
# a cycle with no root at all: the workspace members start the paths
"$PY" - "$P/Cargo.lock" "$T/ring.lock" <<'PYEOF'
import sys
t = open(sys.argv[1]).read()
t = t.replace('dependencies = ["beta", "mid", "ntc", "unsnd"]', 'dependencies = ["beta", "mid", "ntc", "unsnd", "app"]')
t = t.replace('dependencies = ["gamma", "selftest"]', 'dependencies = ["gamma", "selftest", "tool"]')
open(sys.argv[2], "w").write(t)
PYEOF
q 1 "a lockfile whose every root is in a cycle: still scanned" --json scan "$T/ring.lock"
pyjson "a cycle through every root: paths start at the workspace members" "$T/o" \
  "[[x['name'] for x in p['packages']] for p in $(vuln 0003)['advdb-dependency-paths']['paths']] == [['app', 'mid', 'gamma'], ['mid', 'gamma'], ['selftest', 'mid', 'gamma'], ['tool', 'mid', 'gamma']]"
q 1 "a cycle through every root: text tree ends" scan "$T/ring.lock"
# an entry that names no package: no tree, and why; the findings stay
sed 's/"gamma", "selftest"/"gamma", "nosuch"/' "$P/Cargo.lock" >"$T/dangling.lock"
q 1 "a dependency naming no package: scanned, exit 1" scan "$T/dangling.lock"
has "a dependency naming no package: no tree, and why" "$(cat "$T/o")" \
    '^warning: no dependency tree: line [0-9]+: dependency `nosuch` of mid is in no \[\[package\]\]$'
q 1 "a dependency naming no package, JSON" --json scan "$T/dangling.lock"
pyjson "a dependency naming no package, JSON: the error in the paths" "$T/o" \
  "$(vuln 0003)['advdb-dependency-paths']['roots'] is None and 'nosuch' in $(vuln 0003)['advdb-dependency-paths']['error']"

# ---- SARIF -----------------------------------------------------------------
(cd "$P" && "$Q" --format sarif) >"$T/s" 2>/dev/null; rc=$?
is "SARIF: exit 1" "$rc" 1
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	JS=/usr/bin/python3
elif [ -n "$PY" ] && "$PY" -c 'import jsonschema' 2>/dev/null; then
	JS=$PY
else
	JS=""
fi
validate() {  # NAME FILE
	if [ -z "$JS" ]; then
		skip "$1" "python3-jsonschema not installed (make deps)"
	elif [ ! -f "$SCHEMA" ]; then
		skip "$1" "needs ../shared/data/schemas (not found at $SCHEMA)"
	else
		"$JS" -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
		    "$SCHEMA" "$2" >"$T/v" 2>&1
		is "$1" "$?:$(tail -n 1 "$T/v")" "0:"
	fi
}
validate "SARIF: valid against the SARIF 2.1.0 schema" "$T/s"
pyjson "SARIF: one run, advdb, a rule per advisory, a result per finding" "$T/s" \
  "len(docs) == 1 and len(docs[0]['runs']) == 1 and docs[0]['runs'][0]['tool']['driver']['name'] == 'advdb' and len(docs[0]['runs'][0]['tool']['driver']['rules']) == 10 and len(docs[0]['runs'][0]['results']) == 10"
pyjson "SARIF: security-severity from the CVSS score, tags with the kind" "$T/s" \
  "{r['id']: (r['properties'].get('security-severity'), r['properties']['tags']) for r in docs[0]['runs'][0]['tool']['driver']['rules']}['RUSTSEC-2099-0001'] == ('9.8', ['security', 'vulnerability']) and {r['id']: r['properties']['tags'] for r in docs[0]['runs'][0]['tool']['driver']['rules']}['RUSTSEC-2099-0006'] == ['security', 'warning', 'unmaintained']"
pyjson "SARIF: results at the package's [[package]] line, error or warning" "$T/s" \
  "{(r['ruleId'], r['level'], r['locations'][0]['physicalLocation']['artifactLocation']['uri'], r['locations'][0]['physicalLocation']['region']['startLine']) for r in docs[0]['runs'][0]['results'] if r['ruleId'] in ('RUSTSEC-2099-0001', 'RUSTSEC-2099-0007')} == {('RUSTSEC-2099-0001', 'error', 'Cargo.lock', $(grep -n '^name = "alpha"' "$P/Cargo.lock" | cut -d: -f1) - 1), ('RUSTSEC-2099-0007', 'warning', 'Cargo.lock', $(grep -n '^name = "unsnd"' "$P/Cargo.lock" | cut -d: -f1) - 1)}"
pyjson "SARIF: the run succeeded" "$T/s" "docs[0]['runs'][0]['invocations'][0]['executionSuccessful'] is True"
(cd "$P" && "$Q" --format sarif) >"$T/s2" 2>/dev/null
"$PY" -c "import json,sys; f=lambda p: sorted(r['partialFingerprints']['advdb/v1'] for r in json.load(open(p))['runs'][0]['results']); sys.exit(f(sys.argv[1]) != f(sys.argv[2]) or len(set(f(sys.argv[1]))) != 10)" "$T/s" "$T/s2"
is "SARIF: fingerprints stable from run to run, one per finding" "$?" 0
# several inputs (and one that cannot be read): one run, the failure noted
cp "$P/Cargo.lock" "$T/second.lock"
"$Q" --format sarif scan "$P/Cargo.lock" "$T/second.lock" "$T/missing.lock" >"$T/s" 2>/dev/null; rc=$?
is "SARIF, three inputs, one missing: exit 2" "$rc" 2
validate "SARIF, three inputs: valid" "$T/s"
pyjson "SARIF, three inputs: one run with results in both files, the missing one an error notification" "$T/s" \
  "len(docs[0]['runs']) == 1 and len({r['locations'][0]['physicalLocation']['artifactLocation']['uri'] for r in docs[0]['runs'][0]['results']}) == 2 and docs[0]['runs'][0]['invocations'][0]['executionSuccessful'] is False and 'missing.lock' in docs[0]['runs'][0]['invocations'][0]['toolExecutionNotifications'][0]['message']['text']"
"$Q" --format sarif check alpha@1.0.0 >"$T/s" 2>/dev/null
validate "SARIF, check: valid" "$T/s"
"$Q" --format sarif check nothing@1.0.0 >"$T/s" 2>/dev/null; rc=$?
validate "SARIF, nothing found: valid" "$T/s"
pyjson "SARIF, nothing found: no results, no rules" "$T/s" \
  "docs[0]['runs'][0]['results'] == [] and docs[0]['runs'][0]['tool']['driver']['rules'] == []"

# ---- the real advisories and lockfiles ----------------------------------------
if need_shared "real: shape, SARIF and trees over every shared lockfile"; then
	git clone -q --bare "$SHARED/advisory-db.bundle" "$T/real.git" 2>/dev/null
	"$C" -q -o "$T/real.lmdb" "$T/real.git"
	R="-d $T/real.lmdb --stale"
	"$Q" $R --json scan "$SHARED"/lockfiles/*.lock >"$T/real.json" 2>"$T/e"; rc=$?
	is "real: every shared lockfile scans (exit 1: findings)" "$rc" 1
	if [ -n "$PY" ]; then
		"$PY" "$ROOT/tests/tools/shape.py" "$SHAPE" "$T/real.json" >"$T/py" 2>&1
		is "real: every report has cargo-audit's shape" "$?:$(head -n 3 "$T/py")" "0:"
	fi
	"$Q" $R --format sarif scan "$SHARED"/lockfiles/*.lock >"$T/real.sarif" 2>/dev/null
	validate "real: SARIF of every shared lockfile is valid" "$T/real.sarif"
	# multi-root (deno: 16 roots) and cyclic (nushell: 38 back edges)
	for lf in denoland__deno__HEAD nushell__nushell__HEAD astral-sh__ruff__HEAD; do
		f="$SHARED/lockfiles/$lf.lock"
		[ -f "$f" ] || { skip "real tree: $lf" "not in ../shared"; continue; }
		"$Q" $R --json scan "$f" >"$T/t.json" 2>/dev/null
		pyjson "real tree, $lf: every finding has paths from roots that end at its package" "$T/t.json" \
		  "all(f['advdb-dependency-paths']['roots'] >= 1 and len(f['advdb-dependency-paths']['paths']) == min(16, f['advdb-dependency-paths']['roots']) and all(p['packages'][-1] == {'name': f['package']['name'], 'version': f['package']['version']} for p in f['advdb-dependency-paths']['paths']) for f in docs[0]['vulnerabilities']['list'] + [w for ws in docs[0]['warnings'].values() for w in ws])"
		"$Q" $R scan "$f" >"$T/t.txt" 2>/dev/null
		"$PY" - "$T/t.txt" <<'PYEOF' >"$T/py" 2>&1
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
trees, cur = [], None
for l in lines:
    if l == "Dependency tree:":
        cur = []
        trees.append(cur)
    elif cur is not None:
        if l == "":
            cur = None
        else:
            cur.append(l)
assert trees, "no tree"
for t in trees:
    body = [l for l in t if not l.startswith("... and ")]
    assert 1 <= len(body) <= 40, len(body)
    assert all(l.startswith(("\u2502", "\u251c", "\u2514", " ")) for l in body[1:]), body[:3]
print(len(trees))
PYEOF
		has "real tree, $lf: each text tree at most 40 lines, well formed" "$(cat "$T/py")" '^[0-9]+$'
	done
	# paths, when the path is a real one: each step is a dependency
	f="$SHARED/lockfiles/nushell__nushell__HEAD.lock"
	if [ -f "$f" ]; then
		"$Q" $R --json scan "$f" >"$T/t.json" 2>/dev/null
		"$PY" - "$f" "$T/t.json" <<'PYEOF' >"$T/py" 2>&1
import json, sys, tomllib
lock = tomllib.load(open(sys.argv[1], "rb"))
deps = {}
for p in lock["package"]:
    deps[(p["name"], p["version"])] = [d.split(" ")[0] for d in p.get("dependencies", [])]
d = json.loads(open(sys.argv[2]).readline())
n = 0
for f in d["vulnerabilities"]["list"] + [w for ws in d["warnings"].values() for w in ws]:
    for p in f["advdb-dependency-paths"]["paths"]:
        pk = p["packages"]
        for a, b in zip(pk, pk[1:]):
            assert b["name"] in deps[(a["name"], a["version"])], (a, b)
            n += 1
        root = (pk[0]["name"], pk[0]["version"])
        assert all(root[0] not in v for v in deps.values()), root
print(n)
PYEOF
		has "real paths, nushell: every step a dependency, every root depended on by none" "$(cat "$T/py")" '^[0-9]+$'
	fi
fi

done_testing
