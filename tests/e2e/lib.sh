# tests/e2e/lib.sh — TAP helpers for end-to-end scripts (sourced).
#
#   ok NAME CMD...        passes when CMD exits 0
#   is NAME GOT WANT      passes when the two strings are equal
#   has NAME TEXT PATTERN passes when TEXT matches the grep -E PATTERN
#   skip NAME REASON      records a skip, with its reason, on stdout
#   done_testing [STATUS] prints the plan (1..N, N the results so far) and
#                         exits; a script ends with it (or `echo "1..$_n"`)
#                         and tests/run.sh fails one that prints no plan
#   need_shared NAME      returns 1 (after a skip line) without ../shared
#   q WANT NAME ARGS...   runs advdb-query ARGS (stdout $T/o, stderr $T/e),
#                         passes when it exits WANT
#   pyjson NAME FILE EXPR every line of FILE is JSON and the Python EXPR
#                         over `docs` (the parsed lines) is true
#   unpriv CMD...         CMD as an unprivileged user (see below)
#
# Paths: $BUILD (the build folder), $Q and $C (the two programs), $T (a
# scratch folder removed at exit), $SHARED (../shared/data, may be absent).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
Q="$BUILD/advdb-query"
C="$BUILD/advdb-compile"
SHARED=${ADVDB_SHARED:-$ROOT/../shared/data}
command -v python3 >/dev/null 2>&1 && PY=python3 || PY=""
T=$(mktemp -d "${TMPDIR:-/tmp}/advdb-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
_n=0
_tap() { _n=$((_n + 1)); echo "$1 $_n - $2"; }
ok() {
	_name=$1; shift
	if "$@" >"$T/.out" 2>&1; then _tap ok "$_name"
	else _tap "not ok" "$_name"; sed 's/^/# /' "$T/.out" | head -n 20; fi
}
is() {
	if [ "$2" = "$3" ]; then _tap ok "$1"
	else _tap "not ok" "$1"; echo "#   got: $2"; echo "#  want: $3"; fi
}
has() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then _tap ok "$1"
	else _tap "not ok" "$1"; echo "#  no match for: $3"; printf '%s\n' "$2" | head -n 20 | sed 's/^/# /'; fi
}
skip() { _tap ok "$1 # SKIP $2"; }
done_testing() { echo "1..$_n"; exit "${1:-0}"; }
q() {
	_want=$1 _name=$2; shift 2
	"$Q" "$@" >"$T/o" 2>"$T/e"
	_rc=$?
	if [ "$_rc" = "$_want" ]; then _tap ok "$_name"
	else _tap "not ok" "$_name"; echo "#  exit $_rc, want $_want: $*"
		head -n 5 "$T/e" | sed 's/^/# /'; fi
}
pyjson() {
	if [ -z "$PY" ]; then skip "$1" "python3 not found"; return; fi
	if "$PY" - "$2" "$3" >"$T/py" 2>&1 <<'PYEOF'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
ok = eval(sys.argv[2])
sys.exit(0 if ok else 1)
PYEOF
	then _tap ok "$1"
	else _tap "not ok" "$1"; head -n 5 "$T/py" | sed 's/^/# /'; fi
}
need_shared() {
	if [ -d "$SHARED" ]; then return 0; fi
	skip "$1" "needs ../shared/data (not found at $SHARED)"
	return 1
}
# Where permissions matter the tests must not run as root, who reads
# everything (CI runs as root): unpriv runs its command as `nobody`
# through setpriv, else su, and as the caller when that is not root.
# unpriv_ready returns 1 when none of that works; the test then says so
# in a skip line with $UNPRIV_WHY. $T is opened to others (0755) so that
# the unprivileged user reaches the files made there.
unpriv_ready() {
	UNPRIV_WHY=""
	[ "$(id -u)" -ne 0 ] && return 0
	chmod 755 "$T"
	if setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
		_unpriv=setpriv
	elif su -s /bin/sh -c true nobody 2>/dev/null; then
		_unpriv=su
	else
		UNPRIV_WHY="running as root, and neither setpriv nor su can switch to nobody"
		return 1
	fi
	# nobody must reach the program itself, or every answer below would
	# be exec's "Permission denied" instead of the program's.
	if ! unpriv "$Q" --version >/dev/null 2>&1; then
		UNPRIV_WHY="nobody cannot run $Q (a folder above it is closed to others)"
		return 1
	fi
	return 0
}
unpriv() {
	if [ "$(id -u)" -ne 0 ]; then "$@"
	elif [ "$_unpriv" = setpriv ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	else su -s /bin/sh -c 'exec "$0" "$@"' nobody "$@"; fi
}
_unpriv=""
# Turn a folder of advisories into a git repository (for the compiler).
mkrepo() {  # src dst
	rm -rf "$2"; mkdir -p "$2"; cp -R "$1"/. "$2"/
	git -C "$2" init -q -b main &&
	git -C "$2" -c user.name=advdb -c user.email=advdb@localhost add -A &&
	git -C "$2" -c user.name=advdb -c user.email=advdb@localhost \
	    commit -q -m "advisories" --date "2026-01-01T00:00:00Z"
}
