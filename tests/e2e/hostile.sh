#!/bin/sh
# tests/e2e/hostile.sh — hostile input through the real programs: bad
# advisory repositories, bad lockfiles, bad batch lines, damaged index
# files, odd command lines.
#
# The rule every case checks: a clear message naming the input
# (`path:line: message` or `path: message`), exit 2 — never a crash
# (status >= 128), never a hang (each run is under `timeout`, status 124),
# and the good inputs beside the bad one are still answered. Repositories
# are generated here with git; nothing third-party is committed.
. "$(dirname "$0")/lib.sh"

GIT="git -c user.name=advdb -c user.email=advdb@localhost"
TO="timeout 20"
command -v timeout >/dev/null 2>&1 || TO=""

# A valid advisory for package $2 with id $1 (dated 2021).
adv() {
	cat <<EOF
\`\`\`toml
[advisory]
id = "$1"
package = "$2"
date = "2021-06-16"

[versions]
patched = [">= 1.0.0"]
\`\`\`

# A generated advisory

Nothing to see.
EOF
}
# Advisory files of HEAD, as git lists them.
git_count() {
	git -C "$1" ls-tree -r --name-only HEAD |
	    grep -cE '^(crates|rust)/[^/]+/[^/]+\.md$'
}
count_of() { sed -n 's/^advdb-compile: \([0-9][0-9]*\) advisories,.*/\1/p' "$1"; }
# A clean status: exited by itself, below the signal range, not timed out.
clean_exit() { [ "$1" -lt 124 ]; }

# ---- the base: data/ plus one generated advisory ---------------------------
mkrepo "$ROOT/data" "$T/base" >/dev/null 2>&1
mkdir -p "$T/base/crates/goodpkg"
adv RUSTSEC-2021-9000 goodpkg >"$T/base/crates/goodpkg/RUSTSEC-2021-9000.md"
$GIT -C "$T/base" add -A && $GIT -C "$T/base" commit -q -m good
want=$(git_count "$T/base")
if ! $TO "$C" -q -o "$T/base.lmdb" "$T/base" >/dev/null 2>"$T/e"; then
	_tap "not ok" "compile the base repository (nothing below can run)"
	sed 's/^/# /' "$T/e" | head -n 10
	echo "1..$_n"; exit 1
fi
_tap ok "compile the base repository"

# fresh NAME: a clone of the base in $T/NAME, to damage and then commit.
fresh() { rm -rf "$T/$1"; git clone -q "$T/base" "$T/$1"; }
commit() { $GIT -C "$T/$1" add -A && $GIT -C "$T/$1" commit -q -m "$1"; }
# bad_repo NAME PATH [EXTRA]: compiling $T/NAME fails cleanly, naming PATH;
# with --keep-going it succeeds with the base's advisories plus EXTRA.
bad_repo() {
	_r=$1 _p=$2 _x=${3:-0}
	rm -f "$T/$_r.lmdb"
	$TO "$C" -o "$T/$_r.lmdb" "$T/$_r" >/dev/null 2>"$T/$_r.err"; _rc=$?
	is "$_r: exit 2 (not a crash or hang)" "$_rc" 2
	has "$_r: names $_p" "$(cat "$T/$_r.err")" "^$_p(:[0-9]+)?: [^ ]"
	[ ! -e "$T/$_r.lmdb" ]; is "$_r: no index written" "$?" 0
	$TO "$C" -k -o "$T/$_r.lmdb" "$T/$_r" >/dev/null 2>"$T/$_r.kerr"; _rc=$?
	is "$_r, --keep-going: the rest compiles" \
	    "$_rc:$(count_of "$T/$_r.kerr")" "0:$((want + _x))"
	has "$_r, --keep-going: warned about it" "$(cat "$T/$_r.kerr")" \
	    "^$_p(:[0-9]+)?: warning: "
}
P=crates/foo/RUSTSEC-2021-9001.md
A() { mkdir -p "$T/$1/crates/foo"; echo "$T/$1/$P"; }

# ---- advisories ----------------------------------------------------------
fresh cut; adv RUSTSEC-2021-9001 foo | head -n 4 >"$(A cut)"; commit cut
bad_repo cut "$P"
has "cut: says the front matter is not closed" "$(cat "$T/cut.err")" 'never closed'
fresh cutstr; { adv RUSTSEC-2021-9001 foo | head -n 4; printf 'title = "abc'; } >"$(A cutstr)"
commit cutstr; bad_repo cutstr "$P"

fresh garbage; head -c 4096 "$C" >"$(A garbage)"; commit garbage
bad_repo garbage "$P"
fresh garbage2; tail -c 4096 "$C" | tr -d '\000' >"$(A garbage2)"; commit garbage2
bad_repo garbage2 "$P"
fresh nul; { adv RUSTSEC-2021-9001 foo | head -n 5; printf 'keywords = ["a\000b"]\n'
	adv RUSTSEC-2021-9001 foo | tail -n +6; } >"$(A nul)"; commit nul
bad_repo nul "$P"
has "nul: at the line of the NUL byte" "$(cat "$T/nul.err")" "^$P:6: .*U\\+0000"

fresh big; { adv RUSTSEC-2021-9001 foo; head -c 10485760 /dev/zero | tr '\000' a; } >"$(A big)"
commit big; bad_repo big "$P"
has "big: says the file is too large, and the limit" "$(cat "$T/big.err")" 'too large.*limit'

fresh deep; { adv RUSTSEC-2021-9001 foo | head -n 5; printf 'keywords = '
	head -c 100000 /dev/zero | tr '\000' '['; head -c 100000 /dev/zero | tr '\000' ']'
	echo; adv RUSTSEC-2021-9001 foo | tail -n +6; } >"$(A deep)"; commit deep
bad_repo deep "$P"
has "deep: says nesting is too deep" "$(cat "$T/deep.err")" "^$P:6: .*nesting"
fresh deept; { adv RUSTSEC-2021-9001 foo | head -n 5; printf 'x = '
	i=0; while [ $i -lt 2000 ]; do printf '{a='; i=$((i + 1)); done; echo
	adv RUSTSEC-2021-9001 foo | tail -n +6; } >"$(A deept)"; commit deept
bad_repo deept "$P"

ff=$(printf '\377\376') c3=$(printf '\303(')
fresh utf; adv RUSTSEC-2021-9001 foo | sed "s/^# A generated/# A $ff generated/" >"$(A utf)"
commit utf; bad_repo utf "$P"
has "utf: invalid UTF-8 in the text, at its line" "$(cat "$T/utf.err")" "^$P:11: .*UTF-8"
fresh utf2; adv RUSTSEC-2021-9001 foo | sed "s/^date = .*/&\\nkeywords = [\"$c3\"]/" >"$(A utf2)"
commit utf2; bad_repo utf2 "$P"
has "utf2: invalid UTF-8 in a TOML string" "$(cat "$T/utf2.err")" "^$P:6: .*UTF-8"

fresh ovl; adv RUSTSEC-2021-9001 foo |
    sed 's/^patched = .*/patched = [">= 1.0.0"]\nunaffected = ["< 1.5.0"]/' >"$(A ovl)"
commit ovl; bad_repo ovl "$P"
has "ovl: overlapping ranges named" "$(cat "$T/ovl.err")" "^$P:[0-9]+: .*overlapping"

for v in 18446744073709551616.0.0 1.99999999999999999999999.0 '1.0.0-1.99999999999999999999999' '^18446744073709551615.0.0'; do
	fresh v64; adv RUSTSEC-2021-9001 foo | sed "s/^patched = .*/patched = [\">= 1.0.0\", \"$v\"]/" >"$(A v64)"
	commit v64; rm -f "$T/v64.lmdb"
	$TO "$C" -o "$T/v64.lmdb" "$T/v64" >/dev/null 2>"$T/e"; rc=$?
	is "version $v: exit 2" "$rc" 2
	has "version $v: path:line: message" "$(cat "$T/e")" "^$P:[0-9]+: .*(2\\^64|overflow|too)"
done

fresh dup; mkdir -p "$T/dup/crates/bar"
adv RUSTSEC-2021-9001 foo >"$(A dup)"; adv RUSTSEC-2021-9001 bar | sed 's/^patched = .*/patched = ["> 0.1.0"]/' >"$T/dup/crates/bar/RUSTSEC-2021-9001.md"
commit dup; bad_repo dup crates/foo/RUSTSEC-2021-9001.md 1
has "dup: the later path names the first" "$(cat "$T/dup.err")" "^$P: .*crates/bar/RUSTSEC-2021-9001\\.md"

fresh link; mkdir -p "$T/link/crates/foo"; ln -s /etc/passwd "$T/link/$P"; commit link
bad_repo link "$P"
has "link: a symlink, said so" "$(cat "$T/link.err")" "^$P: .*symlink"

# A submodule entry (gitlink) where an advisory should be.
fresh sub; sha=$(git -C "$T/sub" rev-parse HEAD)
git -C "$T/sub" update-index --add --cacheinfo "160000,$sha,$P" &&
    $GIT -C "$T/sub" commit -q -m gitlink
is "sub: the gitlink is in the commit" \
    "$(git -C "$T/sub" ls-tree HEAD "$P" | cut -c1-6)" 160000
bad_repo sub "$P"
has "sub: a submodule, said so" "$(cat "$T/sub.err")" "^$P: .*submodule"

# crates/ or rust/ itself not a folder: refused, never read as "no such
# collection" (the whole collection would vanish from the index).
fresh csub; git -C "$T/csub" rm -rq crates; sha=$(git -C "$T/csub" rev-parse HEAD)
git -C "$T/csub" update-index --add --cacheinfo "160000,$sha,crates" &&
    $GIT -C "$T/csub" commit -q -m gitlink
fresh rfile; git -C "$T/rfile" rm -rq rust; echo x >"$T/rfile/rust"; commit rfile
fresh rlink; git -C "$T/rlink" rm -rq rust; ln -s crates "$T/rlink/rust"; commit rlink
for r in csub:crates:submodule rfile:rust:file rlink:rust:symlink; do
	n=${r%%:*} w=${r#*:}; c=${w%%:*} k=${w#*:}
	$TO "$C" -o "$T/$n.lmdb" "$T/$n" >/dev/null 2>"$T/e"; rc=$?
	is "$c as a $k: exit 2" "$rc" 2
	has "$c as a $k: says so" "$(cat "$T/e")" "$c: a $k, not a folder"
	cp "$T/base.lmdb" "$T/$n.lmdb"
	$TO "$C" --update -o "$T/$n.lmdb" "$T/$n" >/dev/null 2>"$T/e"; rc=$?
	is "$c as a $k, --update: exit 2, index untouched" \
	    "$rc:$(cmp "$T/base.lmdb" "$T/$n.lmdb" >/dev/null 2>&1 && echo same)" 2:same
done

# A folder named like an advisory, with a deep tree under it: reported as
# a folder, never walked.
fresh deepdir; d="$T/deepdir/$P"; i=0
while [ $i -lt 150 ]; do d="$d/dd"; i=$((i + 1)); done
mkdir -p "$d"; adv RUSTSEC-2021-9001 foo >"$d/RUSTSEC-2021-9001.md"; commit deepdir
bad_repo deepdir "$P"
# Deep folders that are not slots are not advisories: ignored.
fresh deepdir2; d="$T/deepdir2/crates/foo"; i=0
while [ $i -lt 150 ]; do d="$d/dd"; i=$((i + 1)); done
mkdir -p "$d"; adv RUSTSEC-2021-9001 foo >"$d/RUSTSEC-2021-9001.md"; commit deepdir2
$TO "$C" -o "$T/dd2.lmdb" "$T/deepdir2" >/dev/null 2>"$T/e"; rc=$?
is "deep folder below a package: ignored, exit 0" "$rc:$(count_of "$T/e")" "0:$want"
# A package folder name longer than the path cap.
# (a 1100-byte name is past most file systems: build the tree in git)
fresh longp
blob=$(adv RUSTSEC-2021-9001 foo | git -C "$T/longp" hash-object -w --stdin)
long=$(head -c 1100 /dev/zero | tr '\000' p)
git -C "$T/longp" update-index --add --cacheinfo "100644,$blob,crates/$long/RUSTSEC-2021-9001.md" 2>"$T/e" &&
    $GIT -C "$T/longp" commit -q -m long
if git -C "$T/longp" ls-tree -r --name-only HEAD | grep -q "$long"; then
	$TO "$C" -o "$T/lp.lmdb" "$T/longp" >/dev/null 2>"$T/e"; rc=$?
	is "path past the cap: exit 2" "$rc" 2
	has "path past the cap: says so" "$(cat "$T/e")" 'path too long'
else
	skip "path past the cap" "git refused the long path: $(head -n 1 "$T/e")"
fi

# Thousands of advisories, one bad among them.
fresh many
( cd "$T/many" && i=0 && while [ $i -lt 700 ]; do mkdir -p crates/gen$i; i=$((i + 1)); done &&
  LC_ALL=C awk 'BEGIN {
	for (i = 1; i <= 3000; i++) {
		d = sprintf("crates/gen%d", i % 700); f = sprintf("%s/RUSTSEC-2019-%04d.md", d, i + 5000)
		printf "```toml\n[advisory]\nid = \"RUSTSEC-2019-%04d\"\npackage = \"gen%d\"\ndate = \"2019-01-01\"\n\n[versions]\npatched = [\">= %d.0.0\"]\n```\n\n# Generated %d\n\nText.\n", i + 5000, i % 700, i, i > f
		close(f)
	} }' )
printf 'junk\n' >"$T/many/crates/gen5/RUSTSEC-2019-5005.md"
commit many
bad_repo many crates/gen5/RUSTSEC-2019-5005.md 2999
# (the index skipped one: --allow-incomplete, or any answer is exit 2)
$TO "$Q" -d "$T/many.lmdb" --allow-incomplete check gen6@5.0.0 >/dev/null 2>&1
is "many: a generated advisory answers (gen6@5.0.0 affected)" "$?" 1

# ---- lockfiles -------------------------------------------------------------
LOCK="$ROOT/data/lockfiles/Cargo.lock"
DB="$T/base.lmdb"
L="$T/locks"; mkdir -p "$L"
: >"$L/empty.lock"
head -c 4096 "$C" >"$L/binary.lock"
head -c 700 "$LOCK" >"$L/truncated.lock"
head -c 1048576 /dev/zero | tr '\000' a >"$L/oneline.lock"
{ printf 'version = 3\nx = '; head -c 100000 /dev/zero | tr '\000' '['; echo; } >"$L/nested.lock"
printf 'version = 3\n[[package]]\nname = "a"\nname = "b"\nversion = "1.0.0"\n' >"$L/dupkey.lock"
printf 'version = 3\n[[package]]\nname = "tokio"\nversion = "1.18"\n' >"$L/badver.lock"
printf 'version = 3\n[[package]]\nname = "tokio"\nversion = "18446744073709551616.0.0"\n' >"$L/hugever.lock"
printf 'version = 3\n[[package]]\nname = "tokio"\nversion = "1.0.0\303\050"\n' >"$L/utf8.lock"
LC_ALL=C awk 'BEGIN { print "version = 3"; for (i = 0; i <= 200000; i++)
	printf "[[package]]\nname = \"p%d\"\nversion = \"1.0.0\"\n", i }' >"$L/manypkgs.lock"
for f in empty binary truncated oneline nested dupkey badver hugever utf8 manypkgs; do
	$TO "$Q" -d "$DB" --json scan "$L/$f.lock" "$LOCK" >"$T/o" 2>"$T/e"; rc=$?
	is "lockfile $f: exit 2" "$rc" 2
	has "lockfile $f: message names it" "$(cat "$T/e")" "$f\\.lock(:[0-9]+)?: [^ ]"
	is "lockfile $f: the good lockfile is still reported" \
	    "$(grep -c '"RUSTSEC-2023-0001"' "$T/o")" 1
done
has "nested lockfile: depth cap named" "$($Q -d "$DB" scan "$L/nested.lock" 2>&1)" 'nesting deeper than [0-9]+'
has "many packages: the cap named" "$($Q -d "$DB" scan "$L/manypkgs.lock" 2>&1)" 'more than [0-9]+ packages'

# Unreadable: as an unprivileged user (root reads anything; lib.sh).
# Everything nobody reads lives in $T: the project's own folder may be
# closed to others (/root on a fresh Debian). unpriv execs the program
# itself, so no timeout(1) between them (a second exec as nobody cannot
# reach a program under /root); the read fails at once, no hang to bound.
cp "$LOCK" "$L/unreadable.lock"; chmod 000 "$L/unreadable.lock"
cp "$LOCK" "$L/readable.lock"; chmod 644 "$L/readable.lock"
if ! unpriv_ready; then
	skip "unreadable lockfile" "$UNPRIV_WHY"
else
	unpriv "$Q" -d "$DB" scan "$L/unreadable.lock" "$L/readable.lock" >"$T/o" 2>"$T/e"; rc=$?
	is "unreadable lockfile: exit 2" "$rc" 2
	has "unreadable lockfile: named, with the reason" "$(cat "$T/e")" 'unreadable\.lock: .*[Pp]ermission'
fi
chmod 644 "$L/unreadable.lock"
# Devices are not lockfiles: a pty master blocks a read for ever,
# /dev/zero never ends.
for dev in /dev/ptmx /dev/zero; do
	if [ -r "$dev" ]; then
		$TO "$Q" -d "$DB" scan "$dev" "$LOCK" >"$T/o" 2>"$T/e"; rc=$?
		is "lockfile $dev: exit 2, no hang" "$rc" 2
		has "lockfile $dev: says why" "$(cat "$T/e")" "$dev: not a regular file or a pipe"
	else
		skip "lockfile $dev" "not readable here"
	fi
done
# reqs: a manifest that is a FIFO (named, or as DIR/Cargo.toml) is
# refused, not waited on.
if mkfifo "$L/Cargo.fifo.toml" 2>/dev/null; then
	mkdir -p "$L/fifodir"; mkfifo "$L/fifodir/Cargo.toml"
	for m in "$L/Cargo.fifo.toml" "$L/fifodir"; do
		$TO "$Q" -d "$DB" reqs "$m" >/dev/null 2>"$T/e"; rc=$?
		is "reqs on a FIFO manifest ($(basename "$m")): exit 2, no hang" "$rc" 2
		has "reqs on a FIFO manifest ($(basename "$m")): says why" "$(cat "$T/e")" 'not a regular file'
	done
else
	skip "reqs on a FIFO manifest" "mkfifo failed"
fi
# A file that opens but fails to read (EIO), which root meets too.
if [ -r /proc/self/mem ]; then
	$TO "$Q" -d "$DB" scan /proc/self/mem "$LOCK" >"$T/o" 2>"$T/e"; rc=$?
	is "lockfile whose read fails: exit 2" "$rc" 2
	has "lockfile whose read fails: named, with the reason" "$(cat "$T/e")" '/proc/self/mem: .*[Ee]rror'
	is "lockfile whose read fails: the other still reported" "$(grep -c 'RUSTSEC-2023-0001' "$T/o")" 1
else
	skip "lockfile whose read fails" "no /proc/self/mem"
fi

# Control characters in lockfile paths (a tree nobody vetted): shown as
# \xNN in messages, never sent to the terminal raw.
e=$(printf '\033')
mkdir -p "$T/esctree/a${e}[31mred" "$T/esctree/b${e}]0;title${e}\\"
cp "$LOCK" "$T/esctree/a${e}[31mred/Cargo.lock"
printf 'version = 3\n[[package]]\nname = "a"\n' >"$T/esctree/b${e}]0;title${e}\\/Cargo.lock"
$TO "$Q" -d "$DB" scan "$T/esctree" "$T/esctree/b${e}]0;title${e}\\/Cargo.lock" >"$T/o" 2>"$T/e"; rc=$?
is "control characters in lockfile paths: exit 2 (one is bad)" "$rc" 2
has "control characters in lockfile paths: shown escaped" "$(cat "$T/e")" 'b\\x1b\]0;title\\x1b.*Cargo\.lock:[0-9]+: '
is "control characters in lockfile paths: none raw on stdout or stderr" \
    "$(cat "$T/o" "$T/e" | tr -d '\n' | LC_ALL=C tr -d '[:print:]' | wc -c | tr -d ' ')" 0
$TO "$Q" -d "$T/x${e}[31m.lmdb" check tokio@1.18.3 >/dev/null 2>"$T/e"; rc=$?
is "control characters in -d: exit 2, shown escaped" "$rc:$(grep -c 'x\\x1b\[31m\.lmdb' "$T/e")" 2:1

# A folder with a symlink loop: walked once, no endless recursion.
mkdir -p "$T/loop/a/b"; ln -s ../.. "$T/loop/a/b/up"; cp "$LOCK" "$T/loop/a/Cargo.lock"
$TO "$Q" -d "$DB" --json scan "$T/loop" >"$T/o" 2>"$T/e"; rc=$?
clean_exit "$rc"; is "symlink loop: finishes by itself" "$?" 0
is "symlink loop: the lockfile reported once" "$(grep -c '"RUSTSEC-2023-0001"' "$T/o")" 1
# A folder nested deeper than the walk goes.
d="$T/deepl"; i=0; while [ $i -lt 40 ]; do d="$d/d"; i=$((i + 1)); done
mkdir -p "$d"; cp "$LOCK" "$d/Cargo.lock"
$TO "$Q" -d "$DB" scan "$T/deepl" >"$T/o" 2>"$T/e"; rc=$?
is "deep folder: not walked past the cap, exit 2" "$rc" 2
has "deep folder: says where it stopped" "$(cat "$T/e")" 'more than [0-9]+ folders deep: not searched'
cp "$LOCK" "$T/deepl/Cargo.lock"
$TO "$Q" -d "$DB" scan "$T/deepl" >"$T/o" 2>"$T/e"; rc=$?
is "deep folder beside a lockfile with findings: still exit 2" "$rc" 2

# A FIFO nobody writes to must not hang the scan.
if mkfifo "$L/fifo.lock" 2>/dev/null; then
	ADVDB_PIPE_WAIT=1 $TO "$Q" -d "$DB" scan "$L/fifo.lock" "$LOCK" >"$T/o" 2>"$T/e"; rc=$?
	is "FIFO without a writer: exit 2, no hang" "$rc" 2
	has "FIFO without a writer: named" "$(cat "$T/e")" 'fifo\.lock: '
	is "FIFO without a writer: the other lockfile reported" \
	    "$(grep -c 'RUSTSEC-2023-0001' "$T/o")" 1
else
	skip "FIFO lockfile" "mkfifo failed"
fi
# `scan -` with stdin closed, or empty.
$TO "$Q" -d "$DB" scan - <&- >"$T/o" 2>"$T/e"; rc=$?
is "scan - with stdin closed: exit 2" "$rc" 2
has "scan - with stdin closed: names stdin" "$(cat "$T/e")" 'stdin'
$TO "$Q" -d "$DB" scan - </dev/null >"$T/o" 2>"$T/e"; rc=$?
is "scan - with empty stdin: exit 2" "$rc" 2

# ---- batch lines -------------------------------------------------------------
{
	printf 'tokio 1.18.3\n'
	head -c 10000 /dev/zero | tr '\000' a; echo
	printf 'to\000kio 1.18.3\n'
	printf 'tok\377io 1.0.0\n'
	printf 'tokio 1.0.0\377\n'
	printf ' 1.0.0\n'
	printf '@\n'
	printf '@1.0.0\n'
	printf 'tokio@\n'
	printf 'tokio 18446744073709551616.0.0\n'
	printf 'tokio 1.0.0 extra\n'
	printf '\n# a comment\n'
	head -c 3000000 /dev/zero | tr '\000' '9'; echo
	printf 'mio 0.8.10'
} >"$T/b.in"
nin=$(LC_ALL=C grep -acvE '^(#.*)?$' "$T/b.in" | tr -d ' ')
$TO "$Q" -d "$DB" batch <"$T/b.in" >"$T/b.out" 2>"$T/e"; rc=$?
is "batch of bad lines: exit 0 (errors are in-band)" "$rc" 0
is "batch: one answer per non-blank, non-comment line" \
    "$(wc -l <"$T/b.out" | tr -d ' ')" "$nin"
is "batch: errors for the bad lines" "$(grep -c '"error"' "$T/b.out")" 10
has "batch: a name with a bad byte is answered, shown as U+FFFD" \
    "$(sed -n 4p "$T/b.out")" '"line":4,"name":"tok.+io","version":"1\.0\.0","affected":false'
has "batch: the over-long line says so" "$(sed -n 2p "$T/b.out")" 'longer than [0-9]+ bytes'
has "batch: the huge version says so" "$(sed -n 10p "$T/b.out")" '2\^64'
is "batch: line numbers count every input line" "$(tail -n 1 "$T/b.out" | sed 's/^{"line":\([0-9]*\).*/\1/')" 15
is "batch: the first and last lines answered" \
    "$(sed -n '1p;$p' "$T/b.out" | grep -c '"affected":true')" 2
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json,sys
[json.loads(l.decode("utf-8")) for l in open(sys.argv[1], "rb")]' "$T/b.out" 2>"$T/e"
	is "batch: every answer is valid UTF-8 JSON" "$?" 0
else
	skip "batch: answers are JSON" "python3 not found"
fi
$TO "$Q" -d "$DB" batch <&- >"$T/o" 2>"$T/e"; rc=$?
is "batch with stdin closed: no answers, no error" "$rc:$(wc -c <"$T/o" | tr -d ' ')" 0:0

# ---- damaged index files -------------------------------------------------------
D="$T/dbs"; mkdir -p "$D/dir.lmdb"
head -c 20000 "$DB" >"$D/truncated.lmdb"
head -c 100000 /dev/urandom >"$D/random.lmdb"
: >"$D/empty.lmdb"
cp "$LOCK" "$D/text.lmdb"
dbcase() {  # name: check and info must both fail cleanly naming the file
	for cmd in "check tokio@1.18.3" info "scan $LOCK"; do
		$TO "$Q" -d "$D/$1.lmdb" $cmd >/dev/null 2>"$T/e"; rc=$?
		is "index $1, ${cmd%% *}: exit 2" "$rc" 2
	done
	has "index $1: message names the file" "$(cat "$T/e")" "$1\\.lmdb: [^ ]"
}
for f in truncated random empty text dir; do dbcase $f; done
printf 'tokio 1.18.3\n' | $TO "$Q" -d "$D/random.lmdb" batch >/dev/null 2>&1
is "index random, batch: exit 2" "$?" 2
if mkfifo "$D/fifo.lmdb" 2>/dev/null; then dbcase fifo
else skip "index fifo" "mkfifo failed"; fi
if command -v mdb_load >/dev/null 2>&1 && command -v mdb_dump >/dev/null 2>&1; then
	# An LMDB file that is not ours.
	printf 'VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n 61\n 62\nDATA=END\n' >"$T/f.txt"
	mdb_load -n -f "$T/f.txt" "$D/foreign.lmdb" 2>/dev/null
	dbcase foreign
	has "index foreign: says it is not ours" "$(cat "$T/e")" 'not an advdb index'
	# Ours, but from a newer schema.
	cp "$DB" "$D/newer.lmdb"
	mdb_dump -n -s meta -p "$DB" |
	    awk 'f { print " 99"; f = 0; next } { print } $0 == " schema_version" { f = 1 }' |
	    mdb_load -n -s meta "$D/newer.lmdb" 2>/dev/null
	dbcase newer
	has "index newer: says the schema is newer" "$(cat "$T/e")" 'schema version 99.*newer'
else
	skip "foreign and newer-schema index" "mdb_load/mdb_dump (lmdb-utils) not found"
fi

# ---- -o naming something that is not a regular file -------------------------
# The rename would replace it (as root, `-o /dev/null` would lose the
# device), and --update would block reading a FIFO.
if mkfifo "$T/out.fifo" 2>/dev/null; then
	for up in "" --update; do
		$TO "$C" $up -o "$T/out.fifo" "$T/base" >/dev/null 2>"$T/e"; rc=$?
		is "-o a FIFO ${up:-(full)}: exit 2, no hang" "$rc" 2
		has "-o a FIFO ${up:-(full)}: says why" "$(cat "$T/e")" 'out\.fifo: .*not a regular file'
		[ -p "$T/out.fifo" ]; is "-o a FIFO ${up:-(full)}: left in place" "$?" 0
	done
	ln -s "$T/out.fifo" "$T/out.link"
	$TO "$C" -o "$T/out.link" "$T/base" >/dev/null 2>"$T/e"; rc=$?
	is "-o a symlink to a FIFO: exit 2" "$rc" 2
else
	skip "-o a FIFO" "mkfifo failed"
fi
if mknod "$T/out.null" c 1 3 2>/dev/null; then
	$TO "$C" -o "$T/out.null" "$T/base" >/dev/null 2>"$T/e"; rc=$?
	is "-o a character device: exit 2" "$rc" 2
	[ -c "$T/out.null" ]; is "-o a character device: left in place" "$?" 0
else
	skip "-o a character device" "mknod not permitted (not root)"
fi

# ---- export-osv into a folder with planted symlinks ---------------------------
# Neither the temporary name nor the final one may write through a link.
mkdir -p "$T/osv"; echo precious >"$T/victim"
ln -s "$T/victim" "$T/osv/RUSTSEC-2023-0001.json.tmp"
ln -s "$T/victim" "$T/osv/RUSTSEC-2024-0019.json"
$TO "$Q" -d "$DB" export-osv "$T/osv" >/dev/null 2>"$T/e"; rc=$?
is "export-osv over planted symlinks: exit 0" "$rc" 0
is "export-osv over planted symlinks: the link target untouched" "$(cat "$T/victim")" precious
is "export-osv over planted symlinks: no symlink left" "$(find "$T/osv" -type l | wc -l | tr -d ' ')" 0
has "export-osv over planted symlinks: the files written" "$(head -c 40 "$T/osv/RUSTSEC-2023-0001.json")" '"id": *"RUSTSEC-2023-0001"'
# Output to a full device: an error, never a silent success.
if [ -w /dev/full ]; then
	for cmd in "check tokio@1.18.3" "scan $LOCK" "show RUSTSEC-2023-0001" info "--json info"; do
		$TO "$Q" -d "$DB" $cmd >/dev/full 2>"$T/e"; rc=$?
		is "${cmd%% *} to /dev/full: exit 2" "$rc" 2
	done
	printf 'tokio 1.18.3\n' | $TO "$Q" -d "$DB" batch >/dev/full 2>"$T/e"
	is "batch to /dev/full: exit 2" "$?" 2
else
	skip "output to /dev/full" "no /dev/full"
fi

# ---- caps (README, Limits): each one, where cheap to reach, names itself --------
# cap NAME PATTERN: the advisory in $T/capin (as crates/foo/...9001.md)
# must fail to compile with a message matching PATTERN. (Not fed through
# a pipe: the last command of a pipeline runs in a subshell, whose TAP
# lines the plan would not count.)
cap() {  # NAME PATTERN [COMPILER OPTION]
	fresh cap; cp "$T/capin" "$(A cap)"; commit cap
	$TO "$C" ${3:-} -o "$T/cap.lmdb" "$T/cap" >/dev/null 2>"$T/e"; _rc=$?
	is "cap $1: exit 2" "$_rc" 2
	has "cap $1: says so" "$(cat "$T/e")" "$2"
}
pad() { head -c "$1" /dev/zero | tr '\000' "$2"; }
setp() { sed "s/^patched = .*/patched = [$1]/"; }
# Advisory file size: exactly the cap compiles, one byte more does not.
fresh fsz; adv RUSTSEC-2021-9001 foo >"$(A fsz)"
sz=$(wc -c <"$T/fsz/$P" | tr -d ' ')
pad $((1048576 - sz)) x >>"$T/fsz/$P"; commit fsz
$TO "$C" -o "$T/fsz.lmdb" "$T/fsz" >/dev/null 2>"$T/e"
is "cap file size: a file of exactly 1 MiB compiles" "$?" 0
printf 'x' >>"$T/fsz/$P"; commit fsz
$TO "$C" -o "$T/fsz.lmdb" "$T/fsz" >/dev/null 2>"$T/e"
is "cap file size: 1 MiB + 1 byte: exit 2" "$?" 2
has "cap file size: 1 MiB + 1 byte: says so" "$(cat "$T/e")" 'too large \(1048577 bytes, limit 1048576\)'
adv RUSTSEC-2021-9001 foo | setp "\">= 1.0.0-$(pad 121 a)\"" >"$T/capin"; cap prerelease 'prerelease too long'
adv RUSTSEC-2021-9001 foo | setp "\">= 1.0.$(pad 321 1)\"" >"$T/capin"; cap "version text" 'version text too long'
adv RUSTSEC-2021-9001 foo | setp "\">=$(pad 520 ' ')1.0.0\"" >"$T/capin"; cap requirement 'too long \(over 512 bytes\)'
adv RUSTSEC-2021-9001 foo | setp "$(awk 'BEGIN { for (i = 0; i < 257; i++) printf "\"=%d.0.0\", ", i }')" >"$T/capin"
cap "requirements per advisory" 'more than 256 requirements'
adv RUSTSEC-2021-9001 foo | sed "s/^date = .*/&\\nkeywords = [$(awk 'BEGIN { for (i = 0; i < 4097; i++) printf "\"k%d\", ", i }')]/" >"$T/capin"
cap "list length" 'keywords has 4097 entries, more than the 4096 allowed'
adv RUSTSEC-2021-9001 foo | sed "s/^date = .*/&\\nx = $(pad 300 1)/" >"$T/capin"; cap "number length" 'number too long'
adv RUSTSEC-2021-9001 foo | sed "s|^date = .*|&\\ncvss = \"CVSS:3.1/$(pad 300 A)\"|" >"$T/capin"; cap "CVSS vector" 'CVSS.*too long'
{ adv RUSTSEC-2021-9001 foo | head -n 5; printf 'keywords = '; pad 129 '['; pad 129 ']'; echo
  adv RUSTSEC-2021-9001 foo | tail -n +6; } >"$T/capin"; cap "nesting depth" ':6: nesting deeper than 128 levels'
# (unknown keys are the linter's: errors only under --strict)
{ adv RUSTSEC-2021-9001 foo | head -n 5; awk 'BEGIN { for (i = 0; i < 10050; i++) printf "k%d = 1\n", i }'
  adv RUSTSEC-2021-9001 foo | tail -n +6; } >"$T/capin"
cap "messages kept" '^advdb-compile: 50 more problems not shown' --strict
has "cap messages kept: all counted" "$(tail -n 1 "$T/e")" '10050 errors'
# Advisory files in a commit: 200,001 names (one blob) built with
# git mktree, no work tree.
git init -q "$T/huge"
blob=$(echo x | git -C "$T/huge" hash-object -w --stdin)
t=$(awk -v b="$blob" 'BEGIN { for (i = 0; i <= 200000; i++) printf "100644 blob %s\tRUSTSEC-%07d.md\n", b, i }' |
    git -C "$T/huge" mktree) &&
t=$(printf '040000 tree %s\tfoo\n' "$t" | git -C "$T/huge" mktree) &&
t=$(printf '040000 tree %s\tcrates\n' "$t" | git -C "$T/huge" mktree) &&
cm=$($GIT -C "$T/huge" commit-tree -m huge "$t") &&
    git -C "$T/huge" update-ref HEAD "$cm"
$TO "$C" -o "$T/huge.lmdb" "$T/huge" >/dev/null 2>"$T/e"; rc=$?
is "cap advisory files: exit 2" "$rc" 2
has "cap advisory files: says so" "$(cat "$T/e")" 'more than 200000 advisory files: refused'
rm -rf "$T/huge"
# A package name past the index's key cap (built in git: too long for
# most file systems).
fresh pkg; long=$(pad 490 p)
blob=$(adv RUSTSEC-2021-9001 "$long" | git -C "$T/pkg" hash-object -w --stdin)
git -C "$T/pkg" update-index --add --cacheinfo "100644,$blob,crates/$long/RUSTSEC-2021-9001.md" 2>/dev/null &&
    $GIT -C "$T/pkg" commit -q -m pkg 2>/dev/null
if git -C "$T/pkg" ls-tree -r --name-only HEAD | grep -q "$long"; then
	$TO "$C" -o "$T/pkg.lmdb" "$T/pkg" >/dev/null 2>"$T/e"; rc=$?
	is "cap package name: exit 2" "$rc" 2
	has "cap package name: says so" "$(cat "$T/e")" 'package name too long'
else
	skip "cap package name" "git refused the long path"
fi
# Lockfile size: a sparse file just past the cap costs nothing to make.
if truncate -s 17M "$L/big.lock" 2>/dev/null; then
	$TO "$Q" -d "$DB" scan "$L/big.lock" >/dev/null 2>"$T/e"; rc=$?
	is "cap lockfile size: exit 2" "$rc" 2
	has "cap lockfile size: says so" "$(cat "$T/e")" 'big\.lock: larger than 16 MiB'
	rm -f "$L/big.lock"
else
	skip "cap lockfile size" "truncate(1) unavailable"
fi
# Batch line: 4096 bytes is a line, 4097 is not.
{ printf 'tokio 1.0.0'; pad $((4096 - 11)) ' '; echo; printf 'tokio 1.0.0'; pad $((4097 - 11)) ' '; echo; } |
    $TO "$Q" -d "$DB" batch >"$T/o" 2>"$T/e"
has "cap batch line: 4096 bytes answered" "$(sed -n 1p "$T/o")" '"affected":false'
has "cap batch line: 4097 bytes refused" "$(sed -n 2p "$T/o")" '"error":"line longer than 4096 bytes"'
# Findings per report: 300 advisories on one crate, 340 versions of it.
fresh hot; mkdir -p "$T/hot/crates/hot"
( cd "$T/hot" && LC_ALL=C awk 'BEGIN { for (i = 1; i <= 300; i++) {
	f = sprintf("crates/hot/RUSTSEC-2019-%04d.md", i + 6000)
	printf "```toml\n[advisory]\nid = \"RUSTSEC-2019-%04d\"\npackage = \"hot\"\ndate = \"2019-01-01\"\n\n[versions]\npatched = [\">= 99.0.0\"]\n```\n\n# Hot %d\n\nText.\n", i + 6000, i > f
	close(f) } }' ); commit hot
$TO "$C" -q -o "$T/hot.lmdb" "$T/hot" >/dev/null 2>&1
LC_ALL=C awk 'BEGIN { print "version = 3"; for (i = 1; i <= 340; i++)
	printf "[[package]]\nname = \"hot\"\nversion = \"0.0.%d\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n", i }' >"$L/hot.lock"
$TO "$Q" -d "$T/hot.lmdb" scan "$L/hot.lock" "$LOCK" >"$T/o" 2>"$T/e"; rc=$?
is "cap findings: exit 2" "$rc" 2
has "cap findings: says so, naming the lockfile" "$(cat "$T/e")" 'hot\.lock: more than 100000 findings \(the cap\)'
has "cap findings: the other lockfile still reported" "$(cat "$T/o")" 'RUSTSEC-2023-0001'
$TO "$Q" -d "$T/hot.lmdb" check $(awk 'BEGIN { for (i = 1; i <= 340; i++) printf "hot@0.0.%d ", i }') >"$T/o" 2>"$T/e"; rc=$?
is "cap findings, check: exit 2, one message" "$rc:$(grep -c 'the cap' "$T/e")" 2:1
# -j past the thread cap is clamped, not refused.
$TO "$Q" -d "$DB" -j 1000 scan "$LOCK" >/dev/null 2>"$T/e"
is "cap -j 1000: clamped, the scan runs (exit 1)" "$?" 1

# ---- command lines ---------------------------------------------------------------
for a in --frobnicate -x --json=3 "--deny" "-d"; do
	$TO "$Q" $a check tokio@1.18.3 >/dev/null 2>"$T/e"; rc=$?
	is "advdb-query $a: exit 2" "$rc" 2
done
for a in --frobnicate -x "--ref" "-o"; do
	$TO "$C" $a >/dev/null 2>"$T/e"; rc=$?
	is "advdb-compile $a: exit 2" "$rc" 2
done
for p in "tokio@" "@1.0.0" "@" "tokio@1.0.0@1.0.0" "tokio@1.0.0$(printf '\033[31m')" \
    "$(printf 'tokio@1.0.0\377')" "tokio@$(head -c 5000 /dev/zero | tr '\000' 1).0.0"; do
	$TO "$Q" -d "$DB" check "$p" >/dev/null 2>"$T/e"; rc=$?
	is "check odd operand $(printf '%s' "$p" | cut -c1-24 | LC_ALL=C tr -c '[:print:]' '?'): exit 2" "$rc" 2
done
is "odd operands: no raw control bytes on stderr" \
    "$(tr -d '\n' <"$T/e" | LC_ALL=C tr -d '[:print:]' | wc -c | tr -d ' ')" 0
# Odd bytes in a name: an unknown crate, answered, never echoed raw.
for p in "tok io@1.0.0" "$(printf 'tok\033[31mio@1.0.0')" "$(printf 'tok\377io@1.0.0')"; do
	$TO "$Q" -d "$DB" check "$p" >"$T/o" 2>"$T/e"; rc=$?
	is "check odd name $(printf '%s' "$p" | LC_ALL=C tr -c '[:print:]' '?'): exit 0" "$rc" 0
	is "check odd name $(printf '%s' "$p" | LC_ALL=C tr -c '[:print:]' '?'): no raw control bytes" \
	    "$(cat "$T/o" "$T/e" | tr -d '\n' | LC_ALL=C tr -d '[:print:]' | wc -c | tr -d ' ')" 0
done
# Control characters in a ref or repository path: escaped.
$TO "$C" --ref "x${e}[31m" -o "$T/q.lmdb" "$T/base" >/dev/null 2>"$T/e"; rc=$?
is "advdb-compile --ref with ESC: exit 2, shown escaped" "$rc:$(grep -c "'x\\\\x1b\\[31m'" "$T/e")" 2:1
$TO "$C" -o "$T/q.lmdb" "$T/base${e}[31m" >/dev/null 2>"$T/e"; rc=$?
is "advdb-compile REPO with ESC: exit 2, none raw" \
    "$rc:$(tr -d '\n' <"$T/e" | LC_ALL=C tr -d '[:print:]' | wc -c | tr -d ' ')" 2:0
# Many operands: 20000 pairs in one command line.
set -- $(awk 'BEGIN { for (i = 0; i < 20000; i++) printf "c%d@1.0.%d ", i, i }')
$TO "$Q" -d "$DB" check "$@" tokio@1.18.3 >/dev/null 2>"$T/e"; rc=$?
is "20000 operands: answered (exit 1: tokio)" "$rc" 1
set --
i=0; ig=""; while [ $i -lt 1100 ]; do ig="$ig --ignore RUSTSEC-2000-$i"; i=$((i + 1)); done
$TO "$Q" -d "$DB" $ig check tokio@1.18.3 >/dev/null 2>"$T/e"; rc=$?
is "more --ignore than the cap: exit 2" "$rc" 2
has "more --ignore than the cap: says so" "$(cat "$T/e")" 'too many --ignore'

echo "1..$_n"
