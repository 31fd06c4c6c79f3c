#!/bin/sh
# tests/run.sh — run every test program and total their TAP lines.
#
# Unit tests are cmocka programs in $BUILD/tests (TAP via
# CMOCKA_MESSAGE_OUTPUT); end-to-end tests are tests/e2e/*.sh, which print
# TAP through tests/e2e/lib.sh. A program that exits non-zero without
# reporting a failing case counts as one failure (a crash must not pass).
# The last line is the summary: "N passed, N failed, N skipped".
BUILD=${BUILD:-build}
export BUILD
cd "$(dirname "$0")/.." || exit 2
pass=0 fail=0 skip=0 failed_names=""
log="$BUILD/test-logs"
mkdir -p "$log"

run_one() {  # name, command...
	name=$1; shift
	out="$log/$name.tap"
	"$@" >"$out" 2>"$log/$name.err"
	rc=$?
	# cmocka 1.1 prints a skipped test as "not ok N # SKIP": a skip either way.
	p=$(grep '^ok ' "$out" | grep -vc '# *SKIP')
	s=$(grep -Ec '^(not )?ok .*# *SKIP' "$out")
	f=$(grep '^not ok ' "$out" | grep -vc '# *SKIP')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$out"
	fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	grep -E '^(not ok|ok .*# *SKIP)' "$out" | sed "s/^/  $name: /"
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
