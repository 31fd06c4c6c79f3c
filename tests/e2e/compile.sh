#!/bin/sh
# tests/e2e/compile.sh — advdb-compile end to end: the sample set in data/
# and the real advisory-db bundle, full compiles, updates, bad input.
#
# Expected values are computed from the inputs (file counts from git, the
# digest of a full compile), never written in here.
. "$(dirname "$0")/lib.sh"

GIT="git -c user.name=advdb -c user.email=advdb@localhost"

# The content digest of an index: the query tool when it can tell,
# else the meta sub-database read with lmdb-utils.
digest() {
	if [ -x "$Q" ] && _j=$("$Q" -d "$1" info --json 2>/dev/null); then
		printf '%s\n' "$_j" |
		    sed -n 's/.*"digest" *: *"\([0-9a-f]*\)".*/\1/p' | head -n 1
		return
	fi
	command -v mdb_dump >/dev/null 2>&1 || return 0
	mdb_dump -n -s meta -p "$1" 2>/dev/null |
	    awk 'f { sub(/^ /, ""); print; exit } $0 == " digest" { f = 1 }'
}
# Advisory count from the summary line in file $1.
count_of() { sed -n 's/^advdb-compile: \([0-9][0-9]*\) advisories,.*/\1/p' "$1"; }
# Advisory files of a commit, as git itself lists them.
git_count() {
	git -C "$1" ls-tree -r --name-only "${2:-HEAD}" |
	    grep -cE '^(crates|rust)/[^/]+/[^/]+\.md$'
}
HEX='^[0-9a-f]{40,64}$'

# ---- usage ---------------------------------------------------------------
"$C" >"$T/o" 2>"$T/e"; is "no REPO: exit 2" "$?" 2
has "no REPO: usage on stderr" "$(cat "$T/e")" '^usage: advdb-compile'
"$C" --no-such-option x >/dev/null 2>&1; is "unknown option: exit 2" "$?" 2
"$C" a b >/dev/null 2>&1; is "two REPOs: exit 2" "$?" 2
"$C" -o >/dev/null 2>&1; is "-o without value: exit 2" "$?" 2
"$C" --help >"$T/o" 2>"$T/e"; is "--help: exit 0" "$?" 0
has "--help: usage on stdout" "$(cat "$T/o")" '--keep-going'
"$C" --version >"$T/o" 2>&1; is "--version: exit 0" "$?" 0
has "--version: names the program" "$(cat "$T/o")" '^advdb-compile [0-9]'

# ---- hostile arguments ---------------------------------------------------
mkdir -p "$T/notrepo"
"$C" -o "$T/x.lmdb" "$T/notrepo" >/dev/null 2>"$T/e"; rc=$?
is "not a repository: exit 2" "$rc" 2
has "not a repository: names it" "$(cat "$T/e")" "notrepo"
"$C" -o "$T/x.lmdb" "$T/missing" >/dev/null 2>"$T/e"
is "missing repository: exit 2" "$?" 2
git init -q "$T/empty"
"$C" -o "$T/x.lmdb" "$T/empty" >/dev/null 2>"$T/e"; rc=$?
is "repository without commits: exit 2" "$rc" 2
has "repository without commits: says so" "$(cat "$T/e")" 'no commits'
[ ! -e "$T/x.lmdb" ]; is "failed runs write no index" "$?" 0

# ---- the sample set in data/ ---------------------------------------------
mkrepo "$ROOT/data" "$T/data" >/dev/null 2>&1
want=$(git_count "$T/data")
"$C" -o "$T/d1.lmdb" "$T/data" 2>"$T/e"; rc=$?
is "data: compiles, exit 0" "$rc" 0
has "data: one summary line" "$(cat "$T/e")" \
    '^advdb-compile: [0-9]+ advisories, [0-9]+ packages, 0 warnings, [0-9]+ KiB, [0-9]+ ms -> '
is "data: every advisory file counted" "$(count_of "$T/e")" "$want"
"$C" -q -o "$T/d2.lmdb" "$T/data" 2>"$T/e"; rc=$?
is "data: --quiet, exit 0" "$rc" 0
is "data: --quiet prints nothing" "$(cat "$T/e")" ""
d1=$(digest "$T/d1.lmdb"); d2=$(digest "$T/d2.lmdb")
has "data: digest present" "$d1" "$HEX"
is "data: digest stable across runs" "$d2" "$d1"

# The working tree is never read: a broken, uncommitted edit changes nothing.
f=$(cd "$T/data" && ls crates/*/*.md | head -n 1)
printf 'garbage\n' >"$T/data/$f"
"$C" -q -o "$T/d3.lmdb" "$T/data" 2>"$T/e"; rc=$?
is "data: dirty working tree ignored" "$rc:$(digest "$T/d3.lmdb")" "0:$d1"
git -C "$T/data" checkout -q -- .

# Default location: $ADVDB_DB, its folder created.
ADVDB_DB="$T/deflt/sub/advdb.lmdb" "$C" -q "$T/data" 2>"$T/e"
is "default location from ADVDB_DB" "$?:$(digest "$T/deflt/sub/advdb.lmdb")" "0:$d1"
"$C" -o "$T/no/such/folder/x.lmdb" "$T/data" 2>"$T/e"; rc=$?
is "-o into a missing folder: exit 2" "$rc" 2
has "-o into a missing folder: says so" "$(cat "$T/e")" 'does not exist'

# --update over a file that is not an index: refused, file untouched.
printf 'not an index\n' >"$T/junk.lmdb"; cp "$T/junk.lmdb" "$T/junk.orig"
"$C" --update -o "$T/junk.lmdb" "$T/data" >/dev/null 2>"$T/e"; rc=$?
is "--update over a foreign file: exit 2" "$rc" 2
ok "--update over a foreign file: untouched" cmp "$T/junk.lmdb" "$T/junk.orig"
"$C" -o "$T/data" "$T/data" >/dev/null 2>&1
is "-o naming a folder: exit 2" "$?" 2
"$C" --ref no-such-ref -o "$T/x.lmdb" "$T/data" >/dev/null 2>"$T/e"
is "unknown ref: exit 2" "$?" 2
has "unknown ref: named" "$(cat "$T/e")" 'no-such-ref'

# ---- a broken advisory ---------------------------------------------------
# Copy of data/ plus one advisory with a key of the wrong type (rustsec
# refuses it; an unknown key would only be a warning), committed.
bad() {  # name: a fresh copy of the sample repo in $T/$1
	rm -rf "$T/$1"; git clone -q "$T/data" "$T/$1"
}
bad broken
src=$(cd "$T/broken" && ls crates/*/*.md | head -n 1)
pkg=$(dirname "$src")
sed -e 's/^id = ".*"/id = "RUSTSEC-2099-0001"/' \
    -e 's/^\[advisory\]$/[advisory]\nexpect-deleted = "yes"/' \
    "$T/broken/$src" >"$T/broken/$pkg/RUSTSEC-2099-0001.md"
$GIT -C "$T/broken" add -A && $GIT -C "$T/broken" commit -q -m broken
cp "$T/d1.lmdb" "$T/old.lmdb"
"$C" -o "$T/old.lmdb" "$T/broken" >/dev/null 2>"$T/e"; rc=$?
is "broken: exit 2" "$rc" 2
has "broken: path:line: message" "$(cat "$T/e")" \
    "^$pkg/RUSTSEC-2099-0001\\.md:[0-9]+: "
has "broken: error count in the last line" "$(tail -n 1 "$T/e")" \
    '^advdb-compile: [1-9][0-9]* errors?, '
ok "broken: old index byte-identical" cmp "$T/d1.lmdb" "$T/old.lmdb"
"$C" --keep-going -o "$T/old.lmdb" "$T/broken" 2>"$T/e"; rc=$?
is "broken, --keep-going: exit 0" "$rc" 0
has "broken, --keep-going: warned" "$(cat "$T/e")" \
    "^$pkg/RUSTSEC-2099-0001\\.md:[0-9]+: warning: "
is "broken, --keep-going: written without it" \
    "$(count_of "$T/e"):$(digest "$T/old.lmdb")" "$want:$d1"

# The same through --update (the previous commit is in this clone).
cp "$T/d1.lmdb" "$T/upd.lmdb"
"$C" --update -o "$T/upd.lmdb" "$T/broken" >/dev/null 2>"$T/e"; rc=$?
is "broken, --update: exit 2" "$rc" 2
has "broken, --update: path:line: message" "$(cat "$T/e")" \
    "^$pkg/RUSTSEC-2099-0001\\.md:[0-9]+: "
ok "broken, --update: old index byte-identical" cmp "$T/d1.lmdb" "$T/upd.lmdb"
"$C" -k --update -o "$T/upd.lmdb" "$T/broken" 2>"$T/e"; rc=$?
is "broken, --update --keep-going: written without it" \
    "$rc:$(count_of "$T/e"):$(digest "$T/upd.lmdb")" "0:$want:$d1"
# The changed file is parsed while the previous records load
# (main.c): the file it skipped is still recorded, with its path.
"$Q" -d "$T/upd.lmdb" info --json >"$T/o" 2>/dev/null
has "broken, --update --keep-going: listed as skipped" "$(cat "$T/o")" \
    "\"skipped_count\":1,.*RUSTSEC-2099-0001\\.md"

# ---- an advisory in another package's folder ---------------------------------
bad misplaced
mkdir -p "$T/misplaced/crates/not-its-package"
sed 's/^id = ".*"/id = "RUSTSEC-2099-0004"/' "$T/misplaced/$src" \
    >"$T/misplaced/crates/not-its-package/RUSTSEC-2099-0004.md"
$GIT -C "$T/misplaced" add -A && $GIT -C "$T/misplaced" commit -q -m misplaced
"$C" -o "$T/m.lmdb" "$T/misplaced" >/dev/null 2>"$T/e"; rc=$?
is "misplaced: exit 2" "$rc" 2
has "misplaced: reported at its path" "$(cat "$T/e")" \
    '^crates/not-its-package/RUSTSEC-2099-0004\.md:'
"$C" -k -o "$T/m.lmdb" "$T/misplaced" 2>"$T/e"; rc=$?
is "misplaced, --keep-going: only it is skipped" \
    "$rc:$(count_of "$T/e"):$(digest "$T/m.lmdb")" "0:$want:$d1"

# ---- a symlink where an advisory should be ---------------------------------
bad link
mkdir -p "$T/link/crates/linked"
ln -s "../../$src" "$T/link/crates/linked/RUSTSEC-2099-0002.md"
$GIT -C "$T/link" add -A && $GIT -C "$T/link" commit -q -m link
"$C" -o "$T/l.lmdb" "$T/link" >/dev/null 2>"$T/e"; rc=$?
is "symlink: exit 2" "$rc" 2
has "symlink: named as such" "$(cat "$T/e")" \
    '^crates/linked/RUSTSEC-2099-0002\.md: not a regular file \(symlink\)'
[ ! -e "$T/l.lmdb" ]; is "symlink: no index written" "$?" 0
"$C" -k -o "$T/l.lmdb" "$T/link" 2>"$T/e"; rc=$?
is "symlink, --keep-going: only it is skipped" "$rc:$(count_of "$T/e")" "0:$want"

# ---- a hostile file name: control characters never reach the terminal ------
bad esc
e=$(printf '\033')
mkdir -p "$T/esc/crates/x${e}[31m"
printf 'junk\n' >"$T/esc/crates/x${e}[31m/RUSTSEC-2099-0005.md"
$GIT -C "$T/esc" add -A && $GIT -C "$T/esc" commit -q -m esc
"$C" -o "$T/esc.lmdb" "$T/esc" >/dev/null 2>"$T/e"; rc=$?
is "control characters in a path: exit 2" "$rc" 2
has "control characters in a path: shown escaped" "$(cat "$T/e")" \
    '^crates/x\\x1b\[31m/RUSTSEC-2099-0005\.md:'
is "control characters in a path: none printed raw" \
    "$(tr -d '\n' <"$T/e" | LC_ALL=C tr -d '[:print:]' | wc -c | tr -d ' ')" 0

# ---- corrupt git objects: an error or a give-up, never a crash or a hang ---
# (mkrepo's objects are loose files, one per object.)
loose() { _o=$(git -C "$1" rev-parse "$2") &&
	echo "$1/.git/objects/$(echo "$_o" | cut -c1-2)/$(echo "$_o" | cut -c3-)"; }
rm -rf "$T/cor"; cp -R "$T/data" "$T/cor"
o=$(loose "$T/cor" "HEAD:$src"); chmod u+w "$o"; printf 'garbage' >"$o"
cp "$T/d1.lmdb" "$T/cor.lmdb"
"$C" -o "$T/cor.lmdb" "$T/cor" >/dev/null 2>"$T/e"; rc=$?
is "garbage blob: exit 2" "$rc" 2
has "garbage blob: named" "$(cat "$T/e")" "^$src: cannot read object"
rm -rf "$T/cor"; cp -R "$T/data" "$T/cor"
o=$(loose "$T/cor" "HEAD:$pkg"); chmod u+w "$o"
head -c 20 "$o" >"$o.cut"; mv "$o.cut" "$o"
# libgit2 1.5 loops on a truncated loose object: the watchdog ends it.
ADVDB_COMPILE_WATCHDOG=2 "$C" -o "$T/cor.lmdb" "$T/cor" >/dev/null 2>"$T/e"
is "truncated folder object: exit 2" "$?" 2
has "truncated folder object: says why" "$(cat "$T/e")" 'probably corrupt'
ok "corrupt objects: old index byte-identical" cmp "$T/d1.lmdb" "$T/cor.lmdb"

# ---- the same id in two files ----------------------------------------------
bad dup
id=$(sed -n 's/^id = "\(.*\)"/\1/p' "$T/dup/$src" | head -n 1)
mkdir -p "$T/dup/crates/zzz-dup"
sed 's/^package = ".*"/package = "zzz-dup"/' "$T/dup/$src" \
    >"$T/dup/crates/zzz-dup/$id.md"
$GIT -C "$T/dup" add -A && $GIT -C "$T/dup" commit -q -m dup
"$C" -o "$T/u.lmdb" "$T/dup" >/dev/null 2>"$T/e"; rc=$?
is "duplicate id: exit 2" "$rc" 2
has "duplicate id: the later path, naming the first" "$(cat "$T/e")" \
    "^crates/zzz-dup/$id\\.md: .*$src"
"$C" -k -o "$T/u.lmdb" "$T/dup" 2>"$T/e"; rc=$?
is "duplicate id, --keep-going: first kept" \
    "$rc:$(count_of "$T/e"):$(digest "$T/u.lmdb")" "0:$want:$d1"

# ---- the real advisory-db ------------------------------------------------
if need_shared "advisory-db bundle"; then
	B="$SHARED/advisory-db.bundle"
	git clone -q "$B" "$T/adb" 2>/dev/null
	git clone -q --mirror "$B" "$T/adb.git" 2>/dev/null
	head=$(git -C "$T/adb" rev-parse HEAD)
	want=$(git_count "$T/adb")
	"$C" -o "$T/full.lmdb" "$T/adb" 2>"$T/e"; rc=$?
	is "advisory-db: HEAD compiles, exit 0" "$rc" 0
	has "advisory-db: no warnings" "$(cat "$T/e")" ' 0 warnings, '
	is "advisory-db: every advisory" "$(count_of "$T/e")" "$want"
	sed 's/^/# /' "$T/e"
	full=$(digest "$T/full.lmdb")
	has "advisory-db: digest present" "$full" "$HEX"
	"$C" -q -o "$T/full2.lmdb" "$T/adb"
	is "advisory-db: digest stable" "$(digest "$T/full2.lmdb")" "$full"
	"$C" -q -o "$T/bare.lmdb" "$T/adb.git"
	is "advisory-db: bare mirror, same digest" "$(digest "$T/bare.lmdb")" "$full"
	"$C" -q --ref "$head" -o "$T/byid.lmdb" "$T/adb.git"
	is "advisory-db: by commit id" "$(digest "$T/byid.lmdb")" "$full"
	"$C" -q --ref osv -o "$T/osv.lmdb" "$T/adb.git" 2>"$T/e"; rc=$?
	is "advisory-db: the osv branch is refused, exit 2" "$rc" 2
	has "advisory-db: the osv branch is refused, why" "$(cat "$T/e")" \
	    'not an advisory-db commit'
	"$C" -q --ref origin/main -o "$T/remote.lmdb" "$T/adb"
	is "advisory-db: remote branch" "$(digest "$T/remote.lmdb")" "$full"

	old=$(git -C "$T/adb" rev-list -1 --before=2025-08-21 main)
	"$C" -q --ref "$old" -o "$T/up.lmdb" "$T/adb.git"; rc=$?
	is "advisory-db: a year-old commit compiles" "$rc" 0
	"$C" -q --ref "$old" -o "$T/old.lmdb" "$T/adb.git"
	is "advisory-db: the old digest differs" \
	    "$([ "$(digest "$T/old.lmdb")" != "$full" ] && echo differs)" differs
	"$C" --update -o "$T/up.lmdb" "$T/adb.git" 2>"$T/e"; rc=$?
	sed 's/^/# update: /' "$T/e"
	is "advisory-db: --update to HEAD, exit 0" "$rc" 0
	is "advisory-db: --update digest = full compile" \
	    "$(digest "$T/up.lmdb")" "$full"
	is "advisory-db: --update count" "$(count_of "$T/e")" "$want"
	"$C" -q --update -o "$T/up.lmdb" "$T/adb.git"
	is "advisory-db: --update with no change" "$(digest "$T/up.lmdb")" "$full"

	# --history: each advisory dated by the last commit that changed it,
	# the way RustSec's OSV export dates `modified` (git log's answer).
	"$C" -q --history -o "$T/hist.lmdb" "$T/adb.git"; rc=$?
	is "advisory-db: --history compiles" "$rc" 0
	hist=$(digest "$T/hist.lmdb")
	if [ -x "$Q" ] && "$Q" -d "$T/hist.lmdb" info --json >"$T/o" 2>/dev/null
	then
		has "advisory-db: --history recorded" "$(cat "$T/o")" '"history": *true'
		for p in $(git -C "$T/adb" ls-tree -r --name-only HEAD crates rust |
		           grep -E '\.md$' | awk 'NR % 300 == 1'); do
			id=$(basename "$p" .md)
			got=$("$Q" -d "$T/hist.lmdb" show "$id" --json |
			      sed -n 's/.*"modified": *\([0-9]*\).*/\1/p')
			is "advisory-db: --history date of $id" "$got" \
			    "$(git -C "$T/adb" log -1 --format=%ct HEAD -- "$p")"
		done
	else
		skip "advisory-db: --history dates" "advdb-query info/show unavailable"
	fi
	"$C" -q --history --ref "$old" -o "$T/hup.lmdb" "$T/adb.git" &&
	"$C" -q --history --update -o "$T/hup.lmdb" "$T/adb.git"
	is "advisory-db: --history --update = full --history" \
	    "$(digest "$T/hup.lmdb")" "$hist"
	# Back to the older commit by --update: same as compiling it afresh.
	"$C" -q --history --ref "$old" -o "$T/hold.lmdb" "$T/adb.git"
	"$C" -q --history --update --ref "$old" -o "$T/hup.lmdb" "$T/adb.git"
	is "advisory-db: --history --update backwards = full --history" \
	    "$(digest "$T/hup.lmdb")" "$(digest "$T/hold.lmdb")"

	# A shallow clone: the same advisories; no history to date them by.
	git clone -q --depth 5 "file://$T/adb" "$T/shallow" 2>/dev/null
	"$C" -q --history -o "$T/shallow.lmdb" "$T/shallow" 2>"$T/e"; rc=$?
	is "advisory-db: shallow clone, --history refused, exit 2" "$rc" 2
	has "advisory-db: shallow clone, --history refused, why" \
	    "$(cat "$T/e")" 'shallow clone'
	"$C" -q -o "$T/shallow2.lmdb" "$T/shallow"
	is "advisory-db: shallow clone, same digest" \
	    "$(digest "$T/shallow2.lmdb")" "$full"

	# The index's commit is not in this repository: whole compile.
	"$C" -q --update -o "$T/d1.lmdb" "$T/adb"; rc=$?
	is "advisory-db: --update from a foreign commit" \
	    "$rc:$(digest "$T/d1.lmdb")" "0:$full"
	# And on a repository that lacks the index's commit the other way.
	"$C" -q --update -o "$T/d1.lmdb" "$T/data"; rc=$?
	is "advisory-db: back to data/ by --update" \
	    "$rc:$(digest "$T/d1.lmdb")" "0:$d1"
fi

echo "1..$_n"
