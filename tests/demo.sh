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

# A change under review: the lockfile before tokio and mio went back.
OLD="$BUILD/demo-old.lock"
sed -e 's/^version = "1.18.3"/version = "1.18.4"/' \
    -e 's/^version = "0.8.10"/version = "0.8.11"/' \
    "$ROOT/data/lockfiles/Cargo.lock" >"$OLD" || exit 2
run 1 diff "$OLD" "$ROOT/data/lockfiles/Cargo.lock"

# A small fleet: three projects, scanned to JSON lines, then summed up
# (the page's screenshot when Chromium is there: make deps installs it).
FLEET="$BUILD/demo-fleet"
rm -rf "$FLEET" && mkdir -p "$FLEET/app-a" "$FLEET/app-b" "$FLEET/app-c" || exit 2
cp "$ROOT/data/lockfiles/Cargo.lock" "$FLEET/app-a/Cargo.lock"
cp "$OLD" "$FLEET/app-b/Cargo.lock"
sed 's/^version = "1.6.1"/version = "1.6.0"/' "$OLD" >"$FLEET/app-c/Cargo.lock"
echo "\$ advdb-query --json scan $FLEET > $BUILD/demo-fleet.jsonl"
"$Q" -d "$DB" --json scan "$FLEET" >"$BUILD/demo-fleet.jsonl"
[ $? -le 1 ] || exit 2
echo "\$ advdb-query report $BUILD/demo-fleet.jsonl"
"$Q" report "$BUILD/demo-fleet.jsonl"
[ $? -le 1 ] || exit 2
"$Q" report --format html "$BUILD/demo-fleet.jsonl" >"$BUILD/demo-report.html"
[ $? -le 1 ] || exit 2
echo "(page: $BUILD/demo-report.html)"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROMIUM" ]; then
	profile=$(mktemp -d "${TMPDIR:-/tmp}/advdb-demo.XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --user-data-dir="$profile" \
	    --window-size=1200,1800 --screenshot="$BUILD/demo-report.png" \
	    "file://$BUILD/demo-report.html" >/dev/null 2>&1
	rm -rf "$profile"
	[ -s "$BUILD/demo-report.png" ] || { echo "demo: no screenshot" >&2; exit 2; }
	echo "(screenshot: $BUILD/demo-report.png)"
else
	echo "(no screenshot: chromium not found; make deps installs it)"
fi
echo
echo "demo: ok"
