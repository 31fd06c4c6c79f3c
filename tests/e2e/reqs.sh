#!/bin/sh
# tests/e2e/reqs.sh — `advdb-query reqs`: Cargo.toml requirements against
# the sample advisories in data/, compiled here.
#
# The manifests are written below, one dependency form each, and every
# expectation follows from data/'s advisories: mio RUSTSEC-2024-0019
# (windows, vulnerable [0.7.2, 0.8.11)), tokio RUSTSEC-2023-0001 (windows,
# [1.7.0, 1.18.4) [1.19.0, 1.20.3) [1.21.0, 1.23.1)), smallvec
# RUSTSEC-2021-0003 ([0.6.3, 0.6.14) [1.0.0, 1.6.1)), ansi_term
# unmaintained, daemonize withdrawn.
. "$(dirname "$0")/lib.sh"

# row NAME: the table row of dependency NAME (first column) in $T/o
row() { grep -E "^  $1 " "$T/o" | head -n 1; }
# pyjson NAME EXPR (lib.sh's, specialised): stdout ($T/o) is JSON lines
# and EXPR over `docs` holds
pyjson() {
	if [ -z "$PY" ]; then skip "$1" "python3 not found"; return; fi
	if "$PY" - "$T/o" "$2" >"$T/py" 2>&1 <<'PYEOF'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
def dep(doc, name, kind="normal", target=None):
    for d in doc["dependencies"]:
        if d["name"] == name and d["kind"] == kind and d["target"] == target:
            return d
    raise KeyError(name)
ok = eval(sys.argv[2])
sys.exit(0 if ok else 1)
PYEOF
	then _tap ok "$1"
	else _tap "not ok" "$1"; head -n 5 "$T/py" | sed 's/^/# /'; fi
}

mkrepo "$ROOT/data" "$T/data" >/dev/null 2>&1
DB="$T/data.lmdb"
if ! "$C" -q -o "$DB" "$T/data" >"$T/o" 2>"$T/e"; then
	_tap "not ok" "compile data/ (nothing below can run)"
	sed 's/^/# /' "$T/e" | head -n 10
	exit 1
fi
_tap ok "compile data/"
D="-d $DB"
M="$T/m"
mkdir -p "$M"

# ---- the deps.rs example: mio = "0.8" -----------------------------------
mkdir -p "$M/mio"
printf '[package]\nname = "a"\nversion = "0.1.0"\n\n[dependencies]\nmio = "0.8"\n' \
	>"$M/mio/Cargo.toml"
q 1 "mio = 0.8: exit 1" $D reqs "$M/mio/Cargo.toml"
has "mio = 0.8: possibly insecure through RUSTSEC-2024-0019" "$(row mio)" \
	'possibly insecure +RUSTSEC-2024-0019'
has "mio = 0.8: tighten to 0.8.11" "$(row mio)" '"0\.8\.11"$'
has "mio = 0.8: the summary line" "$(tail -n 1 "$T/o")" \
	'^0 insecure, 1 possibly insecure$'
q 0 "mio = 0.8: windows only, clean under --os linux" $D --os linux reqs "$M/mio/Cargo.toml"
has "--os linux: summary says none" "$(tail -n 1 "$T/o")" '^0 insecure, 0 possibly insecure$'
q 1 "mio = 0.8: --os windows still flags it" $D --os windows reqs "$M/mio/Cargo.toml"
q 0 "mio = 0.8: --ignore RUSTSEC-2024-0019" $D --ignore RUSTSEC-2024-0019 reqs "$M/mio/Cargo.toml"
q 0 "mio = 0.8: --ignore by alias" $D --ignore CVE-2024-27308 reqs "$M/mio/Cargo.toml"
q 0 "a directory means its Cargo.toml" $D --os linux reqs "$M/mio"

# ---- one manifest, every form -------------------------------------------
mkdir -p "$M/forms"
cat >"$M/forms/Cargo.toml" <<'EOF'
[package]
name = "forms"
version = "0.1.0"

[dependencies]
tokio = "=1.18.3"
smallvec = ">=1.0, <1.6"
sv = { package = "smallvec", version = "1" }
mio = { version = "0.8.11", optional = true }
ansi_term = "0.12"
daemonize = "0.4"
pathdep = { path = "../pathdep", version = "1" }
gitdep = { git = "https://example.invalid/g.git" }
private = { version = "1", registry = "company" }
public = { version = "0.8", package = "mio", registry = "crates-io" }

[dev-dependencies]
tokio = "1.18"

[build-dependencies]
smallvec = "0.6"

[dev_dependencies]
mio = "~0.8.10"

[build_dependencies]
tokio = ">=1.20.3, <1.21"

[target.'cfg(windows)'.dependencies]
mio = "0.7"

[target.'cfg(unix)'.dev-dependencies]
smallvec = "=0.6.14"

[target.x86_64-pc-windows-gnu.build-dependencies]
tokio = "^1.22"

[target.'cfg(windows)'.build_dependencies]
tokio = ">=1.18.4-rc.1, <1.19"
EOF
F="$M/forms/Cargo.toml"
q 1 "every form: exit 1" $D reqs "$F"
has "=1.18.3 inside a vulnerable range: insecure" "$(row tokio)" \
	'=1\.18\.3 +normal +insecure +RUSTSEC-2023-0001 +no fixed version'
has ">=1.0, <1.6: insecure" "$(row smallvec)" \
	'>=1\.0, <1\.6 +normal +insecure +RUSTSEC-2021-0003'
has "renamed: shown with its package, tighten to 1.6.1" "$(row 'sv \(smallvec\)')" \
	'possibly insecure +RUSTSEC-2021-0003 +"1\.6\.1"$'
has "dev-dependencies: tokio 1.18 tightens to 1.23.1" "$(grep -E '^  tokio +1\.18 ' "$T/o")" \
	'dev +possibly insecure +RUSTSEC-2023-0001 +"1\.23\.1"$'
has "build-dependencies: smallvec 0.6 tightens to 0.6.14" "$(grep -E '^  smallvec +0\.6 ' "$T/o")" \
	'build +possibly insecure .*"0\.6\.14"$'
has "dev_dependencies spelling: ~0.8.10 tightens to ~0.8.11" "$(grep -E '^  mio +~0\.8\.10 ' "$T/o")" \
	'dev +possibly insecure .*"~0\.8\.11"$'
has "target cfg(windows): mio 0.7 has no fix within" "$(grep -E '^  mio +0\.7 ' "$T/o")" \
	"normal, cfg\(windows\) +possibly insecure .*no fixed version"
has "target triple: ^1.22 tightens to ^1.23.1" "$(grep -E '^  tokio +\^1\.22 ' "$T/o")" \
	'build, x86_64-pc-windows-gnu +possibly insecure .*"\^1\.23\.1"$'
has "prerelease named: 1.18.4-rc.1 is vulnerable and admitted" \
	"$(grep -E '^  tokio +>=1\.18\.4-rc\.1' "$T/o")" \
	'build, cfg\(windows\) +possibly insecure .*">=1\.18\.4, <1\.19\.0"$'
has "registry = crates-io is crates.io" "$(row 'public \(mio\)')" 'possibly insecure'
no_row() {  # NAME PATTERN: no table row matches
	if grep -Eq "$2" "$T/o"; then _tap "not ok" "$1"; grep -E "$2" "$T/o" | sed 's/^/# /'
	else _tap ok "$1"; fi
}
no_row "optional mio 0.8.11 is clean, not listed" '^  mio +0\.8\.11 '
no_row "build_dependencies >=1.20.3, <1.21 is clean" '^  tokio +>=1\.20\.3'
no_row "cfg(unix) =0.6.14 is clean" '^  smallvec +=0\.6\.14'
no_row "path dependency skipped" '^  pathdep'
no_row "git dependency skipped" '^  gitdep'
no_row "withdrawn advisory never counts" 'daemonize|RUSTSEC-2021-0147'
has "other registry: noted" "$(cat "$T/o")" 'note: private: registry "company" is not crates\.io'
has "informational: a warning, apart" "$(cat "$T/o")" \
	'warning: ansi_term "0\.12": unmaintained RUSTSEC-2021-0139'
has "summary: 2 insecure, 8 possibly insecure" "$(tail -n 1 "$T/o")" \
	'^2 insecure, 8 possibly insecure$'

q 0 "--os linux --ignore RUSTSEC-2021-0003: all clean" $D --os linux --ignore RUSTSEC-2021-0003 reqs "$F"
q 1 "--deny warnings: the informational warning fails" $D --os linux --ignore RUSTSEC-2021-0003 --deny warnings reqs "$F"
q 0 "--deny notice: not the unmaintained kind" $D --os linux --ignore RUSTSEC-2021-0003 --deny notice reqs "$F"

# ---- --json ---------------------------------------------------------------
q 1 "--json: exit 1" $D --json reqs "$F"
pyjson "--json: one object, both counts" \
	'len(docs) == 1 and docs[0]["insecure"] == 2 and docs[0]["possibly_insecure"] == 8'
pyjson "--json: mio 0.8 statuses and suggestion" \
	'dep(docs[0], "tokio")["status"] == "insecure" and dep(docs[0], "tokio")["suggestion"] is None and dep(docs[0], "sv")["suggestion"] == "1.6.1" and dep(docs[0], "sv")["package"] == "smallvec"'
pyjson "--json: clean deps are listed as ok" \
	'dep(docs[0], "mio")["status"] == "ok" and dep(docs[0], "mio")["optional"] is True and dep(docs[0], "smallvec", "dev", "cfg(unix)")["status"] == "ok"'
pyjson "--json: kinds and targets" \
	'dep(docs[0], "tokio", "build", "x86_64-pc-windows-gnu")["suggestion"] == "^1.23.1" and dep(docs[0], "mio", "dev")["suggestion"] == "~0.8.11"'
pyjson "--json: advisories and warnings apart" \
	'[a["id"] for a in dep(docs[0], "tokio")["advisories"]] == ["RUSTSEC-2023-0001"] and [w["kind"] for w in dep(docs[0], "ansi_term")["warnings"]] == ["unmaintained"] and dep(docs[0], "ansi_term")["status"] == "ok"'
pyjson "--json: skipped path, git and registry" \
	'sorted((s["name"], s["reason"]) for s in docs[0]["skipped"]) == [("gitdep", "git"), ("pathdep", "path"), ("private", "registry")]'
pyjson "--json: withdrawn not counted" \
	'dep(docs[0], "daemonize")["status"] == "ok" and dep(docs[0], "daemonize")["warnings"] == []'

# ---- workspaces ------------------------------------------------------------
W="$M/ws"
mkdir -p "$W/crates/deep/inner" "$W/other"
cat >"$W/Cargo.toml" <<'EOF'
[workspace]
members = ["crates/*"]

[workspace.dependencies]
mio = "0.8"
tok = { package = "tokio", version = "=1.18.3" }
local = { path = "crates/local" }
smallvec = { version = "1.6.1" }
EOF
cat >"$W/crates/deep/inner/Cargo.toml" <<'EOF'
[package]
name = "inner"
version = "0.1.0"

[dependencies]
mio = { workspace = true, features = ["net"] }
tok = { workspace = true, optional = true }
local = { workspace = true }

[dev-dependencies]
smallvec.workspace = true
EOF
q 1 "workspace = true: exit 1" $D reqs "$W/crates/deep/inner/Cargo.toml"
has "workspace root found by walking up two levels" "$(head -n 1 "$T/o")" \
	"workspace root .*/ws/Cargo\\.toml"
has "inherited mio 0.8: possibly insecure, 0.8.11" "$(row mio)" \
	'0\.8 +normal +possibly insecure +RUSTSEC-2024-0019 +"0\.8\.11"$'
has "inherited rename with version: insecure" "$(row 'tok \(tokio\)')" \
	'=1\.18\.3 +normal, optional +insecure'
no_row "inherited path dependency skipped" '^  local'
no_row "inherited dotted-key smallvec 1.6.1 is clean" '^  smallvec'

# the root itself: its own [workspace.dependencies]
cat >"$W/other/Cargo.toml" <<'EOF'
[package]
name = "other"
version = "0.1.0"
workspace = ".."

[dependencies]
mio.workspace = true
EOF
q 1 "package.workspace names the root" $D reqs "$W/other/Cargo.toml"
has "package.workspace: mio inherited" "$(row mio)" 'possibly insecure'
mkdir -p "$M/rootpkg"
cat >"$M/rootpkg/Cargo.toml" <<'EOF'
[package]
name = "rootpkg"
version = "0.1.0"

[workspace]

[workspace.dependencies]
smallvec = "1.5"

[dependencies]
smallvec = { workspace = true }
EOF
q 1 "a root package inherits from itself" $D reqs "$M/rootpkg/Cargo.toml"
has "root package: smallvec 1.5 tightens to 1.6.1" "$(row smallvec)" '"1\.6\.1"$'

# ---- errors: exit 2, the rest still reported -------------------------------
mkdir -p "$M/nows" "$M/badreq" "$M/badtoml" "$M/clean"
printf '[package]\nname = "n"\nversion = "0.1.0"\n[dependencies]\nmio = { workspace = true }\n' \
	>"$M/nows/Cargo.toml"
printf '[dependencies]\nmio = "0.8.*.1"\nsmallvec = "1.5"\n' >"$M/badreq/Cargo.toml"
printf '[dependencies\nmio = "0.8"\n' >"$M/badtoml/Cargo.toml"
printf '[dependencies]\nmio = "0.8.11"\ntokio = "1.23.1"\n' >"$M/clean/Cargo.toml"
q 0 "a clean manifest: exit 0" $D reqs "$M/clean/Cargo.toml"
has "clean: summary" "$(tail -n 1 "$T/o")" '^0 insecure, 0 possibly insecure$'
q 2 "workspace = true without a root: exit 2" $D reqs "$M/nows/Cargo.toml"
has "no root: says so, with file and line" "$(cat "$T/e")" \
	'nows/Cargo\.toml:5: dependency `mio`: .*no workspace root'
q 2 "a bad requirement: exit 2" $D reqs "$M/badreq/Cargo.toml"
has "bad requirement: named" "$(cat "$T/e")" 'badreq/Cargo\.toml:2: dependency `mio`: .*requirement "0\.8\.\*\.1"'
has "bad requirement: the others still reported" "$(row smallvec)" '"1\.6\.1"$'
q 2 "bad TOML: exit 2" $D reqs "$M/badtoml/Cargo.toml"
has "bad TOML: file, line and column" "$(cat "$T/e")" 'badtoml/Cargo\.toml:1:[0-9]+:'
q 2 "a missing manifest: exit 2" $D reqs "$M/none/Cargo.toml"
q 2 "errors win over findings, others still reported" $D reqs "$M/none.toml" "$F"
has "...the good manifest's report is there" "$(cat "$T/o")" '^2 insecure, 8 possibly insecure$'
q 2 "no manifest given: exit 2" $D reqs
q 2 "missing index: exit 2" -d "$T/none.lmdb" reqs "$F"
q 1 "several manifests: one report each" $D --json reqs "$M/clean/Cargo.toml" "$F"
pyjson "several manifests: two JSON lines, in order" \
	'len(docs) == 2 and docs[0]["possibly_insecure"] == 0 and docs[1]["insecure"] == 2'

# hostile bytes in names and requirements never reach the terminal raw
printf '[dependencies]\n"evil\\u001b[31m" = "1"\n"bad\\u001b[31m" = { workspace = 1 }\nsmallvec = "\\u001b[2J"\n"sv\\u001b[0m" = { package = "smallvec", version = "1" }\n' >"$M/evil.toml"
q 2 "escape sequences: exit 2" $D reqs "$M/evil.toml"
if grep -q "$(printf '\033')" "$T/o" "$T/e"; then _tap "not ok" "no raw ESC in the output"
else _tap ok "no raw ESC in the output"; fi
has "escape sequences: the bad key is named, cleaned" "$(cat "$T/e")" 'dependency `bad\?\[31m`'
has "escape sequences: the renamed row is there, cleaned" "$(cat "$T/o")" '^  sv\?\[0m \(smallvec\)' 

echo "1..$_n"
