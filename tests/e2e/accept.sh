#!/bin/sh
# tests/e2e/accept.sh — advdb-compile accepts what rustsec loads, end to
# end: front matter without the [advisory] header and rules only rustsec's
# linter applies are warnings ("path:line: warning: ..."), errors under
# --strict; an index that --keep-going left incomplete lists what it
# skipped (`info`, text and JSON), and check, scan, batch and reqs say
# once that it is incomplete (stderr) and in their JSON
# ("index_incomplete": {"skipped": N}); --update reads skipped files again.
# Then the real advisory-db compiles whole with --strict too.
. "$(dirname "$0")/lib.sh"

count_of() { sed -n 's/^advdb-compile: \([0-9][0-9]*\) advisories,.*/\1/p' "$1"; }
nlines() { grep -c -- "$2" "$1"; }
GIT="git -c user.name=advdb -c user.email=advdb@localhost"
commit() { $GIT -C "$1" add -A && $GIT -C "$1" commit -q -m "$2"; }

mkrepo "$ROOT/data" "$T/r" || exit 1
base=$(find "$ROOT/data/crates" "$ROOT/data/rust" -name '*.md' | wc -l | tr -d ' ')

# ---- forms rustsec accepts ----------------------------------------------
adv() {  # DIR ID PKG FRONT-MATTER-BEFORE-ID (printf format)
	mkdir -p "$T/r/crates/$3"
	{ printf '```toml'; printf "$4"
	  printf 'id = "%s"\npackage = "%s"\ndate = "2099-01-02"\n' "$2" "$3"
	  printf '\n[versions]\npatched = [">= 1.0.0"]\n```\n\n# %s\n\nBody.\n' "$3"
	} >"$T/r/crates/$3/$2.md"
}
adv r RUSTSEC-2099-0101 hdr-plain '\n'
adv r RUSTSEC-2099-0102 hdr-comment '\n\n  \n# no header below\n\n'
adv r RUSTSEC-2099-0103 hdr-blank '\n\n\n[advisory]\n'
adv r RUSTSEC-2099-0104 hdr-sameline ' '
adv r RUSTSEC-2098-0105 lint '\n[advisory]\nfrobnicate = 1\n'
adv r RUSTSEC-0000-0000 draft '\n[advisory]\n'
printf 'not an advisory\n' >"$T/r/crates/stray.md"
printf 'hidden\n' >"$T/r/crates/lint/.hidden.md"
commit "$T/r" forms

"$C" -o "$T/a.lmdb" "$T/r" >/dev/null 2>"$T/e"; rc=$?
is "forms: exit 0" "$rc" 0
is "forms: every advisory but the draft" "$(count_of "$T/e")" $((base + 5))
for p in crates/hdr-plain/RUSTSEC-2099-0101.md:2 \
         crates/hdr-comment/RUSTSEC-2099-0102.md:4 \
         crates/hdr-sameline/RUSTSEC-2099-0104.md:1; do
	has "forms: ${p%%:*}: a warning at its line" "$(cat "$T/e")" \
	    "^$p: warning: the front matter does not start with the \[advisory\] header"
done
has "forms: unknown key: warning" "$(cat "$T/e")" \
    '^crates/lint/RUSTSEC-2098-0105.md:3: warning: unknown key "frobnicate" in \[advisory\] \(ignored\)$'
has "forms: year against date: warning" "$(cat "$T/e")" \
    '^crates/lint/RUSTSEC-2098-0105.md:4: warning: year in id "RUSTSEC-2098-0105" does not match date "2099-01-02"$'
has "forms: a hidden file: warning (rustsec skips dotfiles)" "$(cat "$T/e")" \
    '^crates/lint/.hidden.md: warning: hidden file'
has "forms: a stray file: warning" "$(cat "$T/e")" \
    '^crates/stray.md: warning: advisory outside a package folder \(rustsec skips it; its linter refuses it\)$'
is "forms: 7 warnings, no other line" "$(grep -vc '^advdb-compile: ' "$T/e")" 7
is "forms: the header after blank lines is no warning" \
    "$(nlines "$T/e" hdr-blank)" 0
is "forms: a draft is silent (rustsec skips it)" "$(nlines "$T/e" draft)" 0
for pv in hdr-plain hdr-comment hdr-blank hdr-sameline lint; do
	"$Q" -d "$T/a.lmdb" check "$pv@0.9.0" >"$T/o" 2>&1; rc=$?
	is "forms: $pv@0.9.0 is vulnerable" "$rc" 1
done
"$Q" -d "$T/a.lmdb" show RUSTSEC-0000-0000 >/dev/null 2>&1
is "forms: the draft is not indexed" "$?" 2

# --strict: the same lines, as errors; nothing written
cp "$T/a.lmdb" "$T/keep.lmdb"
"$C" --strict -o "$T/a.lmdb" "$T/r" >/dev/null 2>"$T/s"; rc=$?
is "strict: exit 2" "$rc" 2
is "strict: no warning left" "$(nlines "$T/s" ': warning: ')" 0
grep ': warning: ' "$T/e" | sed 's/: warning: /: /' >"$T/e.want"
grep -v '^advdb-compile: ' "$T/s" >"$T/s.got"
ok "strict: each warning became an error, word for word" cmp "$T/e.want" "$T/s.got"
has "strict: counted" "$(tail -n 1 "$T/s")" '^advdb-compile: 7 errors, 0 warnings'
ok "strict: index untouched" cmp "$T/a.lmdb" "$T/keep.lmdb"
"$C" --strict --keep-going -o "$T/sk.lmdb" "$T/r" >/dev/null 2>"$T/s"; rc=$?
is "strict, keep-going: exit 0, without the four that warned" \
    "$rc:$(count_of "$T/s")" "0:$((base + 1))"
"$Q" -d "$T/sk.lmdb" info --json >"$T/o"
has "strict, keep-going: info lists the four, the stray and hidden files" \
    "$(cat "$T/o")" '"skipped_count":6,'

# ---- an incomplete index ------------------------------------------------
mkrepo "$ROOT/data" "$T/b" || exit 1
mkdir -p "$T/b/crates/smallvec"
sed -e 's/^date = .*/date = "2021-02-30"/' -e 's/^id = .*/id = "RUSTSEC-2021-9999"/' \
    "$(ls "$T/b"/crates/smallvec/*.md | head -n 1)" \
    >"$T/b/crates/smallvec/RUSTSEC-2021-9999.md"
line=$(grep -n '^date = ' "$T/b/crates/smallvec/RUSTSEC-2021-9999.md" | cut -d: -f1)
commit "$T/b" bad
"$C" -o "$T/b.lmdb" "$T/b" >/dev/null 2>"$T/e"
is "bad: exit 2 without --keep-going" "$?" 2
"$C" --keep-going -o "$T/b.lmdb" "$T/b" >/dev/null 2>"$T/e"; rc=$?
is "bad, keep-going: exit 0, the others in" "$rc:$(count_of "$T/e")" "0:$base"
P=crates/smallvec/RUSTSEC-2021-9999.md
MSG='date "2021-02-30" is not a valid YYYY-MM-DD date'

"$Q" -d "$T/b.lmdb" info >"$T/o" 2>"$T/oe"; rc=$?
is "info: exit 0, nothing on stderr" "$rc:$(cat "$T/oe")" "0:"
has "info: says plainly the index is incomplete" "$(cat "$T/o")" \
    '^Skipped: +1 advisory: THE INDEX IS INCOMPLETE'
has "info: lists the file, line, id and first error" "$(cat "$T/o")" \
    "^  rustsec $P:$line: RUSTSEC-2021-9999: $MSG\$"
"$Q" -d "$T/b.lmdb" info --json >"$T/o"
if [ -n "$(command -v python3)" ]; then
	is "info --json: skipped list and index_incomplete" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["skipped"][0]
print(d["skipped_count"], len(d["skipped"]), s["source"], s["path"], s["line"],
      s["id"], s["error"], d["index_incomplete"]["skipped"])' "$T/o")" \
	    "1 1 rustsec $P $line RUSTSEC-2021-9999 $MSG 1"
else
	skip "info --json: parsed" "python3 not found"
fi

NOTICE='^advdb-query: warning: the index is incomplete: 1 advisory was skipped'
"$Q" -d "$T/b.lmdb" check smallvec@0.6.9 >"$T/o" 2>"$T/oe"
is "check: the notice, once" "$(nlines "$T/oe" "$NOTICE")" 1
"$Q" -d "$T/b.lmdb" --json check smallvec@0.6.9 >"$T/o" 2>"$T/oe"
has "check --json: index_incomplete" "$(cat "$T/o")" '"index_incomplete":\{"skipped":1\}'
is "check --json: the notice too" "$(nlines "$T/oe" "$NOTICE")" 1
cp "$ROOT/data/lockfiles/Cargo.lock" "$T/one.lock"
cp "$ROOT/data/lockfiles/Cargo.lock" "$T/two.lock"
"$Q" -d "$T/b.lmdb" scan "$T/one.lock" "$T/two.lock" >"$T/o" 2>"$T/oe"
is "scan: the notice once for two lockfiles" "$(nlines "$T/oe" "$NOTICE")" 1
"$Q" -d "$T/b.lmdb" --json scan "$T/one.lock" "$T/two.lock" >"$T/o" 2>"$T/oe"
is "scan --json: every report carries index_incomplete" \
    "$(nlines "$T/o" '"index_incomplete":{"skipped":1}')" 2
printf 'smallvec 0.6.9\n# comment\ntokio@1.18.3\nbad line here\nsmallvec 0.6.9\n' |
    "$Q" -d "$T/b.lmdb" batch >"$T/o" 2>"$T/oe"; rc=$?
is "batch: exit 2 (incomplete), the notice once" "$rc:$(nlines "$T/oe" "$NOTICE")" "2:1"
printf 'smallvec 0.6.9\n' |
    "$Q" -d "$T/b.lmdb" --allow-incomplete batch >/dev/null 2>"$T/oe"; rc=$?
is "batch --allow-incomplete: exit 0, still the notice" "$rc:$(nlines "$T/oe" 'the index is incomplete')" "0:1"
is "batch: every answer carries index_incomplete, after line (a repeat too)" \
    "$(nlines "$T/o" '^{"line":[0-9]*,"index_incomplete":{"skipped":1},"name"')" 3
mkdir -p "$T/m"
printf '[package]\nname = "m"\nversion = "0.1.0"\n\n[dependencies]\nsmallvec = "0.6"\n' >"$T/m/Cargo.toml"
"$Q" -d "$T/b.lmdb" --json reqs "$T/m/Cargo.toml" >"$T/o" 2>"$T/oe"
is "reqs --json: the notice and the field" \
    "$(nlines "$T/oe" "$NOTICE"):$(nlines "$T/o" '"index_incomplete":{"skipped":1}')" "1:1"

# an incomplete index never reads as clean: exit 2, no "ok"
"$Q" -d "$T/b.lmdb" check smallvec@1.6.1 >"$T/o" 2>"$T/oe"; rc=$?
is "check, clean package, incomplete index: exit 2" "$rc" 2
has "check: the summary says error, not ok" "$(cat "$T/o")" '^error: incomplete index \(1 skipped advisories\): no vulnerabilities found'
"$Q" -d "$T/b.lmdb" --allow-incomplete check smallvec@1.6.1 >"$T/o" 2>"$T/oe"; rc=$?
is "check --allow-incomplete: exit 0" "$rc" 0
has "check --allow-incomplete: ok, and the notice still on stderr" \
    "$(cat "$T/o" "$T/oe")" 'the index is incomplete'
"$Q" -d "$T/b.lmdb" scan "$T/one.lock" >/dev/null 2>&1; rc=$?
"$Q" -d "$T/b.lmdb" --allow-incomplete scan "$T/one.lock" >/dev/null 2>&1; rc2=$?
is "scan: exit 2 on an incomplete index, as usual with --allow-incomplete" "$rc:$rc2" "2:1"

# a complete index says nothing of the kind
"$Q" -d "$T/a.lmdb" --json check smallvec@0.6.9 >"$T/o" 2>"$T/oe"
is "complete: no notice, no field" \
    "$(nlines "$T/oe" 'incomplete'):$(nlines "$T/o" 'index_incomplete')" "0:0"
"$Q" -d "$T/a.lmdb" info >"$T/o"
has "complete: info says so" "$(cat "$T/o")" '^Skipped: +none \(the index is complete\)$'

# --update: an unchanged skipped file stays listed; fixed, it goes in
echo "# touched" >>"$T/b/data-touch" && commit "$T/b" touch
"$C" --update --keep-going -o "$T/b.lmdb" "$T/b" >/dev/null 2>"$T/e"
"$Q" -d "$T/b.lmdb" info --json >"$T/o"
has "update: the unchanged bad file is still listed" "$(cat "$T/o")" '"skipped_count":1,'
"$C" --update -o "$T/b.lmdb" "$T/b" >/dev/null 2>"$T/e"
is "update without --keep-going: fails on it, as a full compile" "$?" 2
sed -i 's/^date = .*/date = "2021-02-28"/' "$T/b/$P" && commit "$T/b" fix
"$C" --update -o "$T/b.lmdb" "$T/b" >/dev/null 2>"$T/e"; rc=$?
is "update after the fix: exit 0, one more advisory" \
    "$rc:$(count_of "$T/e")" "0:$((base + 1))"
"$Q" -d "$T/b.lmdb" info --json >"$T/o"
has "update after the fix: complete" "$(cat "$T/o")" '"skipped_count":0,"skipped":\[\]'

# ---- the real advisory-db --------------------------------------------------
if need_shared "advisory-db, --strict"; then
	git clone -q "$SHARED/advisory-db.bundle" "$T/adb" 2>/dev/null
	"$C" --strict -o "$T/adb.lmdb" "$T/adb" >/dev/null 2>"$T/e"; rc=$?
	n=$(find "$T/adb/crates" "$T/adb/rust" -name '*.md' | wc -l | tr -d ' ')
	is "advisory-db: --strict compiles every advisory, no warning" \
	    "$rc:$(count_of "$T/e"):$(grep -c ': warning: ' "$T/e")" "0:$n:0"
fi
echo "1..$_n"
