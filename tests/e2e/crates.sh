#!/bin/sh
# tests/e2e/crates.sh — advdb-compile --crates-index and what it gives the
# queries: yanked warnings (scan), outdated requirements (reqs), info.
#
# The crates.io index mirror is made here (tests/tools/mkcrates.sh) from
# the registry packages of ../shared/data/lockfiles, their real
# checksums, with libc 0.2.20 and memchr 1.0.1 (both in ripgrep's 2017
# lock) yanked, plus a hand-written crate `prerel` for Cargo's
# pre-release rules; once as a plain folder and once as a git repository.
# The advisories are RustSec's (../shared/data/advisory-db.bundle).
. "$(dirname "$0")/lib.sh"

need_shared "crates index tests" || done_testing
LOCKS="$SHARED/lockfiles"
RG17="$LOCKS/BurntSushi__ripgrep__2017-02-25__4e8c0fc4ad.lock"
git clone -q "$SHARED/advisory-db.bundle" "$T/adv" 2>/dev/null
Z=0000000000000000000000000000000000000000000000000000000000000000

printf 'libc 0.2.20\nmemchr 1.0.1\n' > "$T/yanked"
counts=$(sh "$ROOT/tests/tools/mkcrates.sh" "$T/idx" "$T/yanked" "$LOCKS"/*.lock)
ncrates=${counts% *} nversions=${counts#* }
mkdir -p "$T/idx/pr/er"
for v in 0.9.0 1.0.0 2.0.0-alpha.1 2.0.0-beta.1; do
	printf '{"name":"prerel","vers":"%s","cksum":"%s","yanked":false}\n' "$v" "$Z"
done > "$T/idx/pr/er/prerel"
printf '{"dl":"https://example.invalid"}\n' > "$T/idx/config.json"
ncrates=$((ncrates + 1)) nversions=$((nversions + 4))
has "mirror made from the lockfiles" "$ncrates $nversions" '^[0-9]{3,} [0-9]{4,}$'

# ---- (1) compile: folder, then git; malformed input --------------------
DB="$T/f.lmdb"
ok "compile with a folder mirror" "$C" -o "$DB" "$T/adv" --crates-index "$T/idx"
"$C" -o "$DB" "$T/adv" --crates-index "$T/idx" 2>"$T/ce"
has "summary counts crates and versions" "$(cat "$T/ce")" \
    "crates index folder [0-9a-f]{12}: $ncrates files read, $ncrates crates, $nversions versions \\(2 yanked\\), 0 malformed lines, 0 bad files"
q 0 "info --json" -d "$DB" info --json
pyjson "info: crates_index of the folder" "$T/o" \
    "docs[0]['crates_index']['kind'] == 'folder' and docs[0]['crates_index']['crates'] == $ncrates and docs[0]['crates_index']['versions'] == $nversions and docs[0]['crates_index']['malformed'] == 0 and len(docs[0]['crates_index']['commit']) == 40"
q 0 "info text" -d "$DB" info
has "info names the crates index" "$(cat "$T/o")" "^Crates: +folder [0-9a-f]{40}, $ncrates crates, $nversions versions$"

cp -R "$T/idx" "$T/git"
git -C "$T/git" init -q -b master
git -C "$T/git" add -A
git -C "$T/git" -c user.name=t -c user.email=t@t commit -q -m index --date 2026-03-01T00:00:00Z
GDB="$T/g.lmdb"
ok "compile with a git mirror" "$C" -o "$GDB" "$T/adv" --crates-index "$T/git"
q 0 "info --json (git)" -d "$GDB" info --json
head1=$(git -C "$T/git" rev-parse HEAD)
pyjson "info: crates_index of the git mirror: commit, time, counts" "$T/o" \
    "docs[0]['crates_index']['kind'] == 'git' and docs[0]['crates_index']['commit'] == '$head1' and docs[0]['crates_index']['crates'] == $ncrates and docs[0]['crates_index']['age_days'] is not None"

# malformed lines and files: warnings, counted; fatal only with --strict
cp -R "$T/idx" "$T/bad"
printf 'not json\n{"name":"libc","vers":"01.2.3","cksum":"%s"}\n{"name":"other","vers":"9.9.9","cksum":"%s"}\n' "$Z" "$Z" >> "$T/bad/li/bc/libc"
mkdir -p "$T/bad/zz/yy" && printf '{}\n' > "$T/bad/zz/yy/wrong"
BDB="$T/b.lmdb"
"$C" -o "$BDB" "$T/adv" --crates-index "$T/bad" >"$T/o" 2>"$T/e"
is "malformed lines are not fatal" "$?" 0
has "each malformed line is named with its line" "$(cat "$T/e")" "bad/li/bc/libc:[0-9]+: warning: not JSON"
has "an invalid version is named" "$(cat "$T/e")" "bad/li/bc/libc:[0-9]+: warning: .vers.:"
has "a name that is not the file's is named" "$(cat "$T/e")" "warning: .name. is not the crate this file is for"
has "a file outside the layout is named" "$(cat "$T/e")" "zz/yy/wrong: warning: not where the index layout"
has "the summary counts them" "$(cat "$T/e")" "3 malformed lines, 1 bad files"
q 0 "info after malformed input" -d "$BDB" info --json
pyjson "info counts 4 malformed" "$T/o" "docs[0]['crates_index']['malformed'] == 4"
cp "$BDB" "$T/b.before"
"$C" --strict -o "$BDB" "$T/adv" --crates-index "$T/bad" >"$T/o" 2>"$T/e"
is "--strict: malformed lines are errors (exit 2)" "$?" 2
ok "--strict: the old index is kept" cmp "$BDB" "$T/b.before"
"$C" -o "$T/x.lmdb" "$T/adv" --crates-index "$T/nowhere" >"$T/o" 2>"$T/e"
is "a mirror that does not exist: exit 2" "$?" 2
mkdir -p "$T/emptyidx"
"$C" -o "$T/x.lmdb" "$T/adv" --crates-index "$T/emptyidx" >"$T/o" 2>"$T/e"
is "an empty folder as the mirror: exit 2" "$?" 2
has "... saying it holds no crate" "$(cat "$T/e")" "emptyidx: no crate in it: not a crates.io index mirror"

# ---- (2) scan: yanked ---------------------------------------------------
cat > "$T/Cargo.lock" <<LOCK
version = 3

[[package]]
name = "libc"
version = "0.2.20"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "684f330624d8c3784fb9558ca46c4ce488073a8d22450415c5eb4f4cfb0d11b5"

[[package]]
name = "memchr"
version = "1.0.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "1dbccc0e46f1ea47b9f17e6d67c5a96bd27030519c519c9c91327e31275a47b4"

[[package]]
name = "not-in-the-index-xyz"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "$Z"

[[package]]
name = "prerel"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "$Z"
LOCK
q 0 "scan: yanked versions are warnings (exit 0)" -d "$DB" scan "$T/Cargo.lock"
out=$(cat "$T/o")
is "scan: both yanked versions, and nothing else" \
    "$(grep -B2 '^Warning: *yanked' "$T/o" | grep '^Crate:' | awk '{print $2}' | tr '\n' ' ')" "libc memchr "
has "scan: the summary counts 2 warnings" "$out" "ok: no vulnerabilities found in 4 packages, 2 warnings$"
is "scan: the unknown crate is said once" "$(grep -c 'not-in-the-index-xyz' "$T/o")" 1
has "scan: ... as not known, not as yanked" "$out" "note: 1 package is not in the crates.io index \\(not-in-the-index-xyz\\)"
q 1 "scan --deny yanked: exit 1" -d "$DB" --deny yanked scan "$T/Cargo.lock"
has "... the summary says denied" "$(cat "$T/o")" "2 denied warnings"
q 1 "scan --deny warnings: exit 1" -d "$DB" --deny warnings scan "$T/Cargo.lock"
q 0 "scan --deny unmaintained: yanked not denied" -d "$DB" --deny unmaintained scan "$T/Cargo.lock"
q 0 "scan --no-yanked" -d "$DB" --no-yanked --deny yanked scan "$T/Cargo.lock"
is "--no-yanked: no yanked warning" "$(grep -c yanked "$T/o")" 0
q 0 "scan --json" -d "$DB" --json scan "$T/Cargo.lock"
pyjson "JSON warnings.yanked: the two packages, cargo-audit's shape" "$T/o" \
    "sorted((w['package']['name'], w['package']['version']) for w in docs[0]['warnings']['yanked']) == [('libc', '0.2.20'), ('memchr', '1.0.1')] and all(w['kind'] == 'yanked' and w['advisory'] is None for w in docs[0]['warnings']['yanked'])"
pyjson "JSON crates_index.unknown" "$T/o" \
    "docs[0]['crates_index'] == {'unknown': 1, 'unknown_first': 'not-in-the-index-xyz'}"
q 1 "scan of the real lockfile: yanked beside vulnerabilities" -d "$GDB" scan "$RG17"
has "ripgrep 2017: libc 0.2.20 yanked" "$(grep -A2 '^Crate: *libc' "$T/o")" "Warning: *yanked"

# bin: the same packages embedded in a binary (cargo auditable's data)
if [ -n "$PY" ]; then
	AUD="$ROOT/tests/tools/auditable.py"
	. "$ROOT/tests/tools/mkbins.sh"
	"$PY" "$AUD" json "$T/Cargo.lock" "$T/lock.json" &&
	    "$PY" "$AUD" zlib "$T/lock.json" "$T/lock.z" && mkbins "$T/lock.z" "$T/bins"
	if grep -qx elf64 "$T/bins/made" 2>/dev/null; then
		q 0 "bin: yanked versions are warnings" -d "$DB" bin "$T/bins/elf64"
		is "bin: both yanked versions" \
		    "$(grep -B3 '^Warning: *yanked' "$T/o" | grep '^Crate:' | awk '{print $2}' | tr '\n' ' ')" "libc memchr "
		q 1 "bin --deny yanked: exit 1" -d "$DB" --deny yanked bin "$T/bins/elf64"
	else
		skip "bin: yanked versions" "no elf64 binary could be made ($(head -n 1 "$T/bins/missing" 2>/dev/null))"
	fi
else
	skip "bin: yanked versions" "python3 not found (tests/tools/auditable.py)"
fi

# A damaged page anywhere: never a crash. `crates` is walked on first use
# (not at open): a page of it damaged leaves `check` working and makes a
# scan with the yanked check exit 2 naming the damage.
size=$(wc -c < "$DB") pages=$(( $(wc -c < "$DB") / 4096 ))
crashes=0 lazy=0 p=2
while [ "$p" -lt "$pages" ]; do
	cp "$DB" "$T/d.lmdb"
	# the page's node area, not its header: the tree's shape, not its name
	head -c 4000 /dev/zero | tr '\0' '\245' |
	    dd of="$T/d.lmdb" bs=1 seek=$((p * 4096 + 40)) conv=notrunc 2>/dev/null
	"$Q" -d "$T/d.lmdb" check libc@0.2.20 >/dev/null 2>&1; c=$?
	"$Q" -d "$T/d.lmdb" scan "$T/Cargo.lock" >/dev/null 2>"$T/de"; s=$?
	[ "$c" -gt 2 ] || [ "$s" -gt 2 ] && crashes=$((crashes + 1))
	[ "$c" -le 1 ] && [ "$s" -eq 2 ] && grep -q "damaged index: page [0-9]* of .crates." "$T/de" &&
	    lazy=$((lazy + 1))
	p=$((p + 1))
done
is "a damaged page ($pages pages, $size bytes): never a crash" "$crashes" 0
has "a damaged crates page: check still works, the yanked check exits 2" "$lazy" '^[1-9]'

# without a crates index
NDB="$T/n.lmdb"
"$C" -q -o "$NDB" "$T/adv"
q 0 "no crates index: scan still works" -d "$NDB" scan "$T/Cargo.lock"
has "... and says how to add one" "$(cat "$T/e")" "no yanked check: the index has no crates.io index \\(advdb-compile --crates-index PATH"
is "... no yanked warnings" "$(grep -c yanked "$T/o")" 0
q 2 "no crates index: --deny yanked is an error" -d "$NDB" --deny yanked scan "$T/Cargo.lock"
has "... saying why" "$(cat "$T/e")" "--deny yanked: the index has no crates.io index"
q 0 "no crates index: --no-yanked is quiet" -d "$NDB" --stale --no-yanked scan "$T/Cargo.lock"
is "... nothing on stderr" "$(cat "$T/e")" ""
q 0 "no crates index: info says so" -d "$NDB" info
has "... and how to add one" "$(cat "$T/o")" "^Crates: +no crates.io index .*--crates-index PATH"

# ---- (3) reqs: outdated --------------------------------------------------
libc_latest=$(grep -h '"yanked":false' "$T/idx/li/bc/libc" | sed 's/.*"vers":"\([^"]*\)".*/\1/' | grep -v -- - | sort -V | tail -n 1)
sv_latest=$(grep -h '"yanked":false' "$T/idx/sm/al/smallvec" | sed 's/.*"vers":"\([^"]*\)".*/\1/' | grep -v -- - | sort -V | tail -n 1)
mkdir -p "$T/m"
cat > "$T/m/Cargo.toml" <<'TOML'
[package]
name = "m"
version = "0.1.0"

[dependencies]
libc = "0.2"
smallvec = "0.6"
not-in-the-index-xyz = "1"
prerel = "1"
TOML
q 1 "reqs with a crates index (smallvec 0.6 possibly insecure: exit 1)" -d "$DB" reqs "$T/m/Cargo.toml"
has "reqs: deps.rs' summary" "$(tail -n 1 "$T/o")" "^4 total, 1 outdated, 0 insecure, 1 possibly insecure$"
has "reqs: smallvec outdated, with its latest" "$(grep '^  smallvec ' "$T/o")" "possibly insecure, outdated .* $sv_latest$"
is "reqs: libc is up to date (not listed)" "$(grep -c '^  libc ' "$T/o")" 0
has "reqs: the unknown crate is noted" "$(cat "$T/o")" "note: 1 crate is not in the crates.io index \\(not-in-the-index-xyz\\)"
q 1 "reqs --json" -d "$DB" --json reqs "$T/m/Cargo.toml"
# "$DEP" wraps an EXPR that calls dep(NAME): that dependency of docs[0]
DEP="(lambda dep: %s)(lambda n: next(d for d in docs[0]['dependencies'] if d['name'] == n))"
pyjson "reqs JSON: total, outdated, latest" "$T/o" "$(printf "$DEP" \
    "docs[0]['total'] == 4 and docs[0]['outdated'] == 1 and dep('libc')['latest'] == '$libc_latest' and dep('libc')['outdated'] is False and dep('smallvec')['outdated'] is True and dep('not-in-the-index-xyz')['latest'] is None and dep('not-in-the-index-xyz')['outdated'] is None")"
# Cargo's pre-release rules: prerel has 0.9.0 1.0.0 2.0.0-alpha.1 2.0.0-beta.1
cat > "$T/m/Cargo.toml" <<'TOML'
[package]
name = "m"
version = "0.1.0"

[dependencies]
prerel = "1"
a = { package = "prerel", version = "0.9" }
b = { package = "prerel", version = "2.0.0-alpha.1" }
c = { package = "prerel", version = "=2.0.0-alpha.1" }
TOML
q 0 "reqs: pre-release requirements" -d "$DB" --json reqs "$T/m/Cargo.toml"
pyjson "prerel: 1 up to date (latest release 1.0.0), 0.9 outdated, ^2.0.0-alpha.1 admits beta.1, =alpha.1 does not" "$T/o" "$(printf "$DEP" \
    "dep('prerel')['latest'] == '1.0.0' and not dep('prerel')['outdated'] and dep('a')['outdated'] and dep('b')['latest'] == '2.0.0-beta.1' and not dep('b')['outdated'] and dep('c')['outdated'] and docs[0]['outdated'] == 2")"
q 0 "reqs without a crates index" -d "$NDB" reqs "$T/m/Cargo.toml"
has "... keeps its summary" "$(tail -n 1 "$T/o")" "^0 insecure, 0 possibly insecure$"
has "... and says how to add one" "$(cat "$T/e")" "no outdated check: the index has no crates.io index"

# ---- (4) --update: only the changed files, by git diff -------------------
sed -i 's/"yanked":true/"yanked":false/' "$T/git/li/bc/libc"
sed -i 's/"vers":"1.0.0","cksum":"\([0-9a-f]*\)","yanked":false/"vers":"1.0.0","cksum":"\1","yanked":true/' "$T/git/pr/er/prerel"
git -C "$T/git" rm -q -r "$T/git/me/mc"
git -C "$T/git" -c user.name=t -c user.email=t@t commit -q -a -m change
"$C" -u -o "$GDB" "$T/adv" --crates-index "$T/git" >"$T/o" 2>"$T/e"
is "--update with the mirror" "$?" 0
has "--update reads only the 2 changed files" "$(cat "$T/e")" "changed since the previous: 2 files read"
q 0 "scan after the update" -d "$GDB" scan "$T/Cargo.lock"
is "libc no longer yanked, memchr unknown, prerel 1.0.0 yanked" \
    "$(grep -B2 '^Warning: *yanked' "$T/o" | grep '^Crate:' | awk '{print $2}' | tr '\n' ' ')" "prerel "
has "memchr (deleted from the mirror) is not known" "$(cat "$T/o")" "note: 2 packages are not in the crates.io index"
"$C" -o "$T/full.lmdb" "$T/adv" --crates-index "$T/git" 2>/dev/null
q 0 "a full compile of the new commit" -d "$T/full.lmdb" scan --json "$T/Cargo.lock"
cp "$T/o" "$T/full.json"
q 0 "the update's answer" -d "$GDB" scan --json "$T/Cargo.lock"
is "--update answers as a full compile" "$(cat "$T/o")" "$(cat "$T/full.json")"
# a file that turns unusable (here a symlink) drops its crate on update
rm "$T/git/pr/er/prerel" && ln -s ../../li/bc/libc "$T/git/pr/er/prerel"
git -C "$T/git" add -A
git -C "$T/git" -c user.name=t -c user.email=t@t commit -q -m symlink
"$C" -u -o "$GDB" "$T/adv" --crates-index "$T/git" >"$T/o" 2>"$T/e"
is "--update over a symlinked index file" "$?" 0
has "... warns about it" "$(cat "$T/e")" "pr/er/prerel: warning: a symlink, not an index file"
q 0 "... and the crate is no longer known" -d "$GDB" scan "$T/Cargo.lock"
has "... (3 packages unknown now)" "$(cat "$T/o")" "note: 3 packages are not in the crates.io index"
"$C" -u -o "$DB" "$T/adv" --crates-index "$T/idx" >"$T/o" 2>"$T/e"
is "--update with a folder mirror" "$?" 0
has "... reads the folder whole (no git diff to go by)" "$(cat "$T/e")" \
    "crates index folder [0-9a-f]{12}: $ncrates files read"
"$C" -u -o "$GDB" "$T/adv" >"$T/o" 2>"$T/e"
is "--update without --crates-index" "$?" 0
q 0 "... keeps the crates index" -d "$GDB" info --json
pyjson "... with its commit" "$T/o" "docs[0]['crates_index']['commit'] == '$(git -C "$T/git" rev-parse HEAD)'"
"$C" -o "$GDB" "$T/adv" >"$T/o" 2>"$T/e"
q 0 "a full compile without --crates-index" -d "$GDB" info --json
pyjson "... has none" "$T/o" "docs[0]['crates_index'] is None"

echo "1..$_n"
