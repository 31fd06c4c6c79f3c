#!/bin/sh
# tests/e2e/fanout.sh — the fan-out recipes of the README, run locally:
# GNU parallel with two "hosts" of two job slots each (-S 2/: -S 2/:,
# both this machine), its --pipe form, and plain xargs -P; then `report`
# over the merged output must equal the report of one scan of every
# lockfile on one machine, byte for byte (JSON and text: the report
# depends on the set of lines, not their order).
. "$(dirname "$0")/lib.sh"

PARALLEL=$(command -v parallel || true)
sample_db
mkdir -p "$T/fleet"
if real_db; then
	DB="$T/real.lmdb"
	for f in "$SHARED"/lockfiles/*.lock; do
		b=$(basename "$f" .lock)
		mkdir -p "$T/fleet/$b" && cp "$f" "$T/fleet/$b/Cargo.lock"
	done
	_tap ok "the fleet: the shared lockfiles, each in its folder, the real index"
else
	# the sample lockfile in 24 versions (tokio and mio moved along)
	for i in $(seq 1 24); do
		mkdir -p "$T/fleet/r$i"
		sed -e "s/^version = \"1.18.3\"/version = \"1.18.$((i % 6))\"/" \
		    -e "s/^version = \"0.8.10\"/version = \"0.8.$((6 + i % 7))\"/" \
		    "$ROOT/data/lockfiles/Cargo.lock" >"$T/fleet/r$i/Cargo.lock"
	done
	skip "the real index and shared lockfiles" "needs ../shared/data (not found at $SHARED): 24 sample lockfiles"
fi
# an input that is an error of the fleet, which must travel too
mkdir -p "$T/fleet/zz-broken"
printf 'version = 3\n[[package]]\nname = "x"\nversion = "1.x"\n' >"$T/fleet/zz-broken/Cargo.lock"
find "$T/fleet" -name Cargo.lock | sort >"$T/list"
n=$(wc -l <"$T/list" | tr -d ' ')

# one machine: every lockfile in one scan
"$Q" -d "$DB" --json scan $(cat "$T/list") >"$T/single.jsonl" 2>/dev/null
"$Q" report --json "$T/single.jsonl" >"$T/single.report" 2>/dev/null
"$Q" report "$T/single.jsonl" >"$T/single.txt" 2>/dev/null
is "one machine: one line per lockfile" "$(wc -l <"$T/single.jsonl" | tr -d ' ')" "$n"

same() {  # name jsonl: the lines and both reports equal one machine's
	sort "$2" >"$T/a.sorted"
	sort "$T/single.jsonl" >"$T/b.sorted"
	if cmp -s "$T/a.sorted" "$T/b.sorted"; then _tap ok "$1: the same lines as one machine's scan"
	else _tap "not ok" "$1: the same lines as one machine's scan"
		echo "# $(wc -l <"$2") lines against $(wc -l <"$T/single.jsonl")"; fi
	"$Q" report --json "$2" >"$T/m.report" 2>/dev/null
	if cmp -s "$T/m.report" "$T/single.report"; then _tap ok "$1: report --json equals one machine's"
	else _tap "not ok" "$1: report --json equals one machine's"; fi
	"$Q" report "$2" >"$T/m.txt" 2>/dev/null
	if cmp -s "$T/m.txt" "$T/single.txt"; then _tap ok "$1: the text report equals one machine's"
	else _tap "not ok" "$1: the text report equals one machine's"
		diff "$T/m.txt" "$T/single.txt" | head -n 5 | sed 's/^/# /'; fi
}

if [ -n "$PARALLEL" ]; then
	# The README recipe: -S names the hosts (here twice this machine, two
	# job slots each), --basefile sends the index to each host once, -X
	# packs up to 8 lockfiles into one scan. Output is grouped per job.
	"$PARALLEL" --will-cite -S 2/: -S 2/: --basefile "$DB" -X -n 8 \
	    "$Q" -d "$DB" --json scan <"$T/list" >"$T/parallel.jsonl" 2>"$T/perr"
	rc=$?
	# parallel's status counts the jobs that did not exit 0: here every
	# job that found something; `report` decides the fleet's status
	[ "$rc" -ge 1 ] && [ "$rc" -le 101 ]
	is "GNU parallel: the jobs ran (their statuses counted)" "$?" 0
	same "GNU parallel -S 2/: -S 2/:" "$T/parallel.jsonl"
	# --pipe: blocks of the list to each host, xargs there
	"$PARALLEL" --will-cite -S 2/: -S 2/: --pipe -N 8 \
	    "xargs '$Q' -d '$DB' --json scan" <"$T/list" >"$T/pipe.jsonl" 2>/dev/null
	same "GNU parallel --pipe" "$T/pipe.jsonl"
else
	skip "GNU parallel recipe" "parallel not found (make deps installs it)"
fi

# xargs -P: each process writes its own file (lines longer than a pipe's
# atomic write would interleave on one shared stdout)
mkdir -p "$T/parts"
ADVDB_DB="$DB" OUT="$T/parts" xargs -P 4 -n 8 \
    sh -c '"$0" --json scan "$@" >"$OUT/$$.jsonl" 2>/dev/null; [ $? -le 2 ]' "$Q" <"$T/list"
cat "$T"/parts/*.jsonl >"$T/xargs.jsonl"
same "xargs -P 4" "$T/xargs.jsonl"

# the check can fail: a lost share is seen
head -n 3 "$T/single.jsonl" >"$T/short.jsonl"
"$Q" report --json "$T/short.jsonl" >"$T/m.report" 2>/dev/null
cmp -s "$T/m.report" "$T/single.report"
is "a merged output missing lines does not equal one machine's" "$?" 1

echo "1..$_n"
