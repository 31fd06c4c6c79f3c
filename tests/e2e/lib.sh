# tests/e2e/lib.sh — TAP helpers for end-to-end scripts (sourced).
#
#   ok NAME CMD...        passes when CMD exits 0
#   is NAME GOT WANT      passes when the two strings are equal
#   has NAME TEXT PATTERN passes when TEXT matches the grep -E PATTERN
#   skip NAME REASON      records a skip, with its reason, on stdout
#   need_shared NAME      returns 1 (after a skip line) without ../shared
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
need_shared() {
	if [ -d "$SHARED" ]; then return 0; fi
	skip "$1" "needs ../shared/data (not found at $SHARED)"
	return 1
}
# Turn a folder of advisories into a git repository (for the compiler).
mkrepo() {  # src dst
	rm -rf "$2"; mkdir -p "$2"; cp -R "$1"/. "$2"/
	git -C "$2" init -q -b main &&
	git -C "$2" -c user.name=advdb -c user.email=advdb@localhost add -A &&
	git -C "$2" -c user.name=advdb -c user.email=advdb@localhost \
	    commit -q -m "advisories" --date "2026-01-01T00:00:00Z"
}
