#!/bin/sh
# tests/e2e/progress.sh — what a long scan says while it runs and what a
# quiet one prints: -q/--quiet (the summary line alone), --progress (a
# line on a stderr that is not a terminal), --no-progress (none). A FIFO
# that nobody writes to yet holds the scan as long as the test needs:
# the test waits for the line (event, not clock) before releasing it.
. "$(dirname "$0")/lib.sh"

sample_db
D="-d $DB"
LOCK="$ROOT/data/lockfiles/Cargo.lock"
sed 's/^version = "1.18.3"/version = "1.18.4"/' "$LOCK" >"$T/b.lock"

q 1 "-q: a scan of several lockfiles" $D -q scan "$LOCK" "$T/b.lock"
is "  prints the run's summary line alone" "$(cat "$T/o")" "2 lockfiles scanned: 2 with findings, 0 with errors"
q 1 "--quiet: one lockfile" $D --quiet scan "$LOCK"
is "  prints its summary line alone" "$(cat "$T/o")" "error: 2 vulnerabilities found in 6 packages, 1 warning"
q 1 "--quiet --json: JSON is unchanged" $D --quiet --json scan "$LOCK"
pyjson "  one full report" "$T/o" "len(docs) == 1 and docs[0]['vulnerabilities']['count'] == 2"
q 0 "--quiet: a clean lockfile" $D --quiet --ignore RUSTSEC-2024-0019 scan "$T/b.lock"
is "  ok, in one line" "$(cat "$T/o")" "ok: no vulnerabilities found in 6 packages, 1 warning"

# waits (up to 60 s) until FILE has a line matching PATTERN
wait_for() {
	_i=0
	while [ $_i -lt 240 ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.25
		_i=$((_i + 1))
	done
	return 1
}

if mkfifo "$T/fifo" 2>/dev/null; then
	ADVDB_PIPE_WAIT=120 "$Q" $D --progress scan "$T/fifo" "$LOCK" >"$T/po" 2>"$T/pe" &
	pid=$!
	wait_for "$T/pe" '^advdb-query: scanned 0 of 2 lockfiles in [0-9]+ s$'
	is "--progress: a progress line on a stderr that is not a terminal" "$?" 0
	cat "$LOCK" >"$T/fifo"
	wait $pid
	is "  the scan then completes (exit 1)" "$?" 1
	has "  and prints its reports" "$(cat "$T/po")" '^2 lockfiles scanned: 2 with findings'
	is "  no terminal control codes in the log" "$(tr -d '\n' <"$T/pe" | tr '\r\033' '##' | grep -c '#')" 0

	ADVDB_PIPE_WAIT=120 "$Q" $D --no-progress scan "$T/fifo" "$LOCK" >"$T/po" 2>"$T/pe" &
	pid=$!
	sleep 6     # longer than --progress's 5 s: a line would be there
	cat "$LOCK" >"$T/fifo"
	wait $pid
	is "--no-progress: no progress line" "$(grep -c 'scanned' "$T/pe")" 0
else
	skip "--progress" "mkfifo failed"
fi

echo "1..$_n"
