#!/bin/sh
# tests/e2e/crashsafe.sh — the index survives its own replacement:
#
#   1. readers querying in a loop while the index is recompiled, again and
#      again, between two commits that answer one question differently,
#      see the old answer or the new one, never an error;
#   2. `kill -9` of the compiler at several points of a compile of a large
#      repository leaves the old index byte-identical and queryable, and
#      the next compile is not disturbed by what the killed one left.
#
# Loops are bounded in count and in time (timeout, reader deadlines).
. "$(dirname "$0")/lib.sh"

GIT="git -c user.name=advdb -c user.email=advdb@localhost"
TO="timeout 60"
command -v timeout >/dev/null 2>&1 || TO=""
R="$BUILD/tools/reader_loop"

# A valid advisory: id $1, package $2, patched requirement $3.
adv() {
	printf '```toml\n[advisory]\nid = "%s"\npackage = "%s"\ndate = "%s-01-01"\n\n[versions]\npatched = ["%s"]\n```\n\n# Generated\n\nText.\n' \
	    "$1" "$2" "$(echo "$1" | cut -d- -f2)" "$3"
}
# The content digest of an index ("" when it cannot be read).
digest() {
	"$Q" -d "$1" info --json 2>/dev/null |
	    sed -n 's/.*"digest" *: *"\([0-9a-f]*\)".*/\1/p' | head -n 1
}

# ---- two commits that answer tokio@1.18.3 differently ------------------------
mkrepo "$ROOT/data" "$T/repo" >/dev/null 2>&1
OLD=$(git -C "$T/repo" rev-parse HEAD)
tok=$(cd "$T/repo" && ls crates/tokio/*.md | head -n 1)
old_ans=$(basename "$tok" .md)
git -C "$T/repo" rm -q "$tok"; mkdir -p "$T/repo/crates/tokio"
adv RUSTSEC-2019-9100 tokio '>= 99.0.0' >"$T/repo/crates/tokio/RUSTSEC-2019-9100.md"
$GIT -C "$T/repo" add -A && $GIT -C "$T/repo" commit -q -m new
NEW=$(git -C "$T/repo" rev-parse HEAD)
new_ans=RUSTSEC-2019-9100
DB="$T/live.lmdb"
"$C" -q --ref "$OLD" -o "$DB" "$T/repo"
"$Q" -d "$DB" check tokio@1.18.3 >"$T/o" 2>&1
has "old commit answers $old_ans" "$(cat "$T/o")" "$old_ans"
"$C" -q --ref "$NEW" -o "$T/new.lmdb" "$T/repo"
"$Q" -d "$T/new.lmdb" check tokio@1.18.3 >"$T/o" 2>&1
has "new commit answers $new_ans" "$(cat "$T/o")" "$new_ans"

# ---- 1. concurrent readers during recompiles ----------------------------------
if [ ! -x "$R" ]; then
	skip "concurrent readers" "$R not built (make test builds tests/tools)"
else
	STOP="$T/stop"; rm -f "$STOP"
	"$R" "$DB" tokio 1.18.3 60 "$STOP" >"$T/r1" 2>&1 & r1=$!
	"$R" "$DB" tokio 1.18.3 60 "$STOP" >"$T/r2" 2>&1 & r2=$!
	"$R" --keep "$DB" tokio 1.18.3 60 "$STOP" >"$T/rk" 2>&1 & rk=$!
	# The command-line tool too: exit 1 (found) every time, never 2.
	( n=0; while [ ! -e "$STOP" ] && [ $n -lt 400 ]; do
		"$Q" -d "$DB" check tokio@1.18.3 >/dev/null 2>>"$T/cli.err"
		echo $?; n=$((n + 1))
	  done >"$T/cli" ) & rc_pid=$!
	i=0 fails=0
	while [ $i -lt 24 ]; do
		ref=$OLD; [ $((i % 2)) -eq 1 ] && ref=$NEW
		up=""; [ $((i % 4)) -ge 2 ] && up=--update
		$TO "$C" -q $up --ref "$ref" -o "$DB" "$T/repo" 2>>"$T/c.err" ||
		    fails=$((fails + 1))
		i=$((i + 1))
	done
	touch "$STOP"
	wait $r1; s1=$?; wait $r2; s2=$?; wait $rk; sk=$?; wait $rc_pid
	is "24 recompiles (full and --update) all succeed" "$fails" 0
	for r in r1 r2 rk; do
		sed "s/^/# $r: /" "$T/$r"
		is "reader $r: no round failed" "$(sed -n 's/^errors //p' "$T/$r")" 0
		bad=$(awk -v a="$old_ans" -v b="$new_ans" \
		    '$1 == "answer" && $3 != a && $3 != b' "$T/$r")
		is "reader $r: only the old or the new answer" "$bad" ""
	done
	is "reader exit statuses" "$s1 $s2 $sk" "0 0 0"
	seen=$(cat "$T/r1" "$T/r2" | awk '$1 == "answer" { print $3 }' | sort -u | wc -l | tr -d ' ')
	is "reopening readers saw both answers" "$seen" 2
	is "a reader holding its handle keeps one answer" \
	    "$(grep -c '^answer ' "$T/rk")" 1
	n=$(wc -l <"$T/cli" | tr -d ' ')
	has "advdb-query ran during the recompiles" "$n" '^[1-9]'
	is "advdb-query: exit 1 every time (never 2)" \
	    "$(grep -vc '^1$' "$T/cli")" 0
	echo "# advdb-query: $n runs"
	rm -f "$STOP"
fi

# ---- 2. kill -9 mid-compile ---------------------------------------------------------
# A large repository: the real advisory-db when it is there, else 6000
# generated advisories.
if need_shared "kill -9 while compiling the real advisory-db" &&
   git clone -q "$SHARED/advisory-db.bundle" "$T/big" 2>/dev/null; then
	echo "# kill -9: compiling the real advisory-db"
else
	echo "# kill -9: ../shared/data absent; a generated repository of 6000 advisories"
	rm -rf "$T/big"; cp -R "$T/repo" "$T/big"
	( cd "$T/big" && LC_ALL=C awk 'BEGIN {
		for (p = 0; p < 1500; p++) system("mkdir -p crates/gen" p)
		for (i = 1; i <= 6000; i++) {
			f = sprintf("crates/gen%d/RUSTSEC-2019-%04d.md", i % 1500, i + 1000)
			printf "```toml\n[advisory]\nid = \"RUSTSEC-2019-%04d\"\npackage = \"gen%d\"\ndate = \"2019-01-01\"\nkeywords = [\"k%d\", \"generated\"]\n\n[versions]\npatched = [\">= %d.0.0\"]\n```\n\n# Generated advisory %d\n\nA description long enough to be compressed, number %d.\n", i + 1000, i % 1500, i, i, i, i > f
			close(f)
		} }' ) && $GIT -C "$T/big" add -A && $GIT -C "$T/big" commit -q -m many
fi
K="$T/kill.lmdb"
# Has compile $1 made its temporary file "$K.tmp.<pid>.<random>" yet?
has_tmp() { for _f in "$K.tmp.$1".*; do [ -e "$_f" ] && return 0; done; return 1; }
"$C" -q --ref "$OLD" -o "$K" "$T/repo"
cp "$K" "$T/kill.orig"
kills=0 finished=0
for when in 0 0.005 0.02 0.05 0.1 tmp tmp tmp; do
	"$C" -q -o "$K" "$T/big" >/dev/null 2>&1 & pid=$!
	if [ "$when" = tmp ]; then
		# As soon as the temporary file exists: mid-write.
		n=0
		while ! has_tmp $pid && [ $n -lt 200000 ] &&
		      kill -0 $pid 2>/dev/null; do n=$((n + 1)); done
	else
		sleep "$when"
	fi
	kill -9 $pid 2>/dev/null
	wait $pid; st=$?
	if [ $st -eq 137 ]; then
		kills=$((kills + 1))
		ok "kill -9 at $when: old index byte-identical" cmp "$K" "$T/kill.orig"
		"$Q" -d "$K" check tokio@1.18.3 >"$T/o" 2>&1; rc=$?
		is "kill -9 at $when: old index still answers" "$rc:$(grep -c "^ID: .*$old_ans" "$T/o")" 1:1
		left=$(ls "$K".tmp.* 2>/dev/null | wc -l | tr -d ' ')
		echo "# kill -9 at $when: $left temporary file(s) left behind"
	else
		# It finished first: then the new index is whole.
		finished=$((finished + 1))
		is "compile done before kill at $when: exit 0" "$st" 0
		has "compile done before kill at $when: a whole index" "$(digest "$K")" '^[0-9a-f]{40}'
		cp "$T/kill.orig" "$K"
	fi
done
echo "# kill -9: $kills killed mid-run, $finished finished first"
has "at least one compile was killed mid-run" "$kills" '^[1-9]'
# Leave a temporary file of a dead pid for certain, then compile normally.
"$C" -q -o "$K" "$T/big" >/dev/null 2>&1 & pid=$!
while ! has_tmp $pid && kill -0 $pid 2>/dev/null; do :; done
kill -9 $pid 2>/dev/null; wait $pid
left=$(ls "$K".tmp.* 2>/dev/null | wc -l | tr -d ' ')
echo "# a killed compile left $left temporary file(s)"
"$C" -q -o "$K" "$T/big" >/dev/null 2>"$T/e"; rc=$?
is "the next compile after kills succeeds" "$rc" 0
want=$("$C" -q -o "$T/ref.lmdb" "$T/big" >/dev/null 2>&1 && digest "$T/ref.lmdb")
is "the next compile after kills: the full index" "$(digest "$K")" "$want"
is "the next compile removed the killed runs' temporary files" \
    "$(ls "$K".tmp.* 2>/dev/null | wc -l | tr -d ' ')" 0

echo "1..$_n"
