#!/bin/sh
# tests/demo.sh — `make demo`: compile the sample advisories in data/ and ask
# a few questions. The queries that find something exit 1 by design; the
# demo itself fails only when a program fails (exit 2) or an answer is wrong.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
Q="$BUILD/advdb-query"
DB="$BUILD/demo.lmdb"
REPO="$BUILD/demo-repo"

rm -rf "$REPO" && mkdir -p "$REPO" && cp -R "$ROOT/data/." "$REPO/" || exit 2
git -C "$REPO" init -q -b main &&
git -C "$REPO" -c user.name=advdb -c user.email=advdb@localhost add -A &&
git -C "$REPO" -c user.name=advdb -c user.email=advdb@localhost \
    commit -q -m "sample advisories" || exit 2

run() {  # expected-exit command...
	want=$1; shift
	echo "\$ advdb-query $*"
	"$Q" -d "$DB" "$@"
	got=$?
	echo "(exit $got)"; echo
	if [ "$got" -ne "$want" ]; then
		echo "demo: expected exit $want from: advdb-query $*" >&2
		exit 2
	fi
}

echo "\$ advdb-compile -o $DB $REPO --source osv:internal data/osv"
"$BUILD/advdb-compile" -o "$DB" "$REPO" --source osv:internal "$ROOT/data/osv" ||
	exit 2
echo
run 1 check tokio@1.18.3
run 0 check tokio@1.18.4
run 0 --os linux check tokio@1.18.3
run 1 check acme-ledger@2.3.6
run 0 check acme-ledger@2.3.7
run 1 scan "$ROOT/data/lockfiles/Cargo.lock"
run 0 info
echo "demo: ok"
