#!/bin/sh
# tests/run.sh — run every test program and total their TAP lines.
#
# Unit tests are cmocka programs in $BUILD/tests (TAP via
# CMOCKA_MESSAGE_OUTPUT); end-to-end tests are tests/e2e/*.sh, which print
# TAP through tests/e2e/lib.sh. The last line is the summary:
# "N passed, N failed, N skipped".
#
# What counts as a failure, beside a `not ok` line:
#   - a program that exits non-zero without reporting a failing case (a
#     crash must not pass);
#   - a missing or broken plan: each program prints exactly one `1..N`
#     (cmocka first, the scripts last) and exactly N results, so a script
#     that stops early (an `exit` or a `set -e` in the middle, a crash of
#     the shell) fails even when every line it printed was `ok`.
# Why it failed is shown under each `not ok`: the `#` lines that follow it
# in the TAP (cmocka's `file:line` and message, lib.sh's got/want), then
# the end of the program's stderr.
BUILD=${BUILD:-build}
export BUILD
cd "$(dirname "$0")/.." || exit 2
pass=0 fail=0 skip=0 failed_names=""
log="$BUILD/test-logs"
mkdir -p "$log"

# The failing results of a TAP file, each with the `#` lines after it
# (at most 12 per result).
reasons() {  # tap-file name
	awk -v name="$2" '
		/^not ok / && !/# *SKIP/ { print "  " name ": " $0; keep = 12; next }
		/^(not )?ok / { keep = 0; next }
		/^#/ && keep > 0 { print "  " name ":     " $0; keep--; next }
		{ keep = 0 }' "$1"
}

run_one() {  # name, command...
	name=$1; shift
	out="$log/$name.tap"
	"$@" >"$out" 2>"$log/$name.err"
	rc=$?
	# cmocka 1.1 prints a skipped test as "not ok N # SKIP": a skip either way.
	p=$(grep '^ok ' "$out" | grep -vc '# *SKIP')
	s=$(grep -Ec '^(not )?ok .*# *SKIP' "$out")
	f=$(grep '^not ok ' "$out" | grep -vc '# *SKIP')
	ran=$(grep -Ec '^(not )?ok ' "$out")
	plans=$(grep -Ec '^1\.\.[0-9]+' "$out")
	planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$out" | head -n 1)
	if [ "$plans" -ne 1 ]; then
		f=$((f + 1))
		if [ "$plans" -eq 0 ]; then
			why="no TAP plan (1..N): the program stopped before its end"
		else
			why="$plans TAP plans, want one"
		fi
		echo "not ok - $name: $why" >>"$out"
	elif [ "$planned" -ne "$ran" ]; then
		f=$((f + 1))
		echo "not ok - $name: planned $planned results, printed $ran" >>"$out"
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$out"
	fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	grep -E '^(not )?ok .*# *SKIP' "$out" | sed "s/^/  $name: /"
	reasons "$out" "$name"
	[ "$f" -gt 0 ] && { failed_names="$failed_names $name"; tail -n 20 "$log/$name.err" | sed "s/^/  $name stderr: /"; }
	printf '%-28s %4d passed %3d failed %3d skipped\n' "$name" "$p" "$f" "$s"
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	CMOCKA_MESSAGE_OUTPUT=TAP run_one "$(basename "$t")" "$t"
done
for t in tests/e2e/*.sh; do
	case $t in */lib.sh) continue ;; esac
	[ -f "$t" ] || continue
	run_one "e2e_$(basename "$t" .sh)" sh "$t"
done

[ -n "$failed_names" ] && echo "failing:$failed_names"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
