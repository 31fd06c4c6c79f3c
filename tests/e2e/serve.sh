#!/bin/sh
# tests/e2e/serve.sh — advdb-serve end to end, through real HTTP clients
# (Python's standard library: tests/e2e/serve.py, which starts each
# server on a free loopback port and reads the address it prints).
#
# Always, on the sample set of data/: the OSV API's answers and errors,
# every hostile case with its status code and the server answering
# afterwards, a recompile renamed into place during a query loop (no
# request fails; the new advisory is served), a damaged replacement
# refused, and with --trust-key a replacement signed by another key
# refused while the old index answers. With ../shared: the real
# advisory-db, querybatch over every shared lockfile against
# `advdb-query batch`, /v1/vulns/ID byte-equal to export-osv's files,
# every answer against the OSV schema.
. "$(dirname "$0")/lib.sh"

SCHEMA="$SHARED/schemas/osv-schema.json"

# serve.py's "ok NAME" / "not ok NAME" / "# ..." / "skip NAME: why"
# lines, as TAP
run_py() {
	"$PY" "$ROOT/tests/e2e/serve.py" "$@" >"$T/py.out" 2>"$T/py.err"
	prc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*) _tap ok "${line#ok }" ;;
		"not ok "*) _tap "not ok" "${line#not ok }" ;;
		"skip "*) skip "${line#skip }" "see the name" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$T/py.out"
	if [ "$prc" -ne 0 ] && ! grep -q '^not ok ' "$T/py.out"; then
		_tap "not ok" "serve.py $1 exited $prc"
		tail -n 20 "$T/py.err" | sed 's/^/# /'
	fi
}

if [ -z "$PY" ]; then
	skip "advdb-serve end to end" "python3 not found"
else
	"$BUILD/advdb-serve" --help >"$T/help" 2>&1
	is "advdb-serve --help exits 0" "$?" 0
	"$BUILD/advdb-serve" --listen nowhere -d /dev/null >"$T/o" 2>&1
	is "a bad --listen: exit 2" "$?" 2
	"$BUILD/advdb-serve" -d "$T/none.lmdb" --listen 127.0.0.1:0 >"$T/o" 2>&1
	is "no index: exit 2" "$?" 2
	has "... naming it" "$(cat "$T/o")" "none.lmdb"
	# the systemd unit: valid, and hardened (systemd's own measure)
	if command -v systemd-analyze >/dev/null 2>&1; then
		sed "s|/usr/local/bin/advdb-serve|$BUILD/advdb-serve|" \
		    "$ROOT/query/serve/advdb-serve.service" >"$T/advdb-serve.service"
		systemd-analyze verify "$T/advdb-serve.service" >"$T/o" 2>&1
		is "the unit file verifies (systemd-analyze verify)" "$?" 0
		x=$(systemd-analyze security --offline=true "$T/advdb-serve.service" 2>&1 |
		    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		ok "the unit's exposure level is at most 2.0 (got ${x:-none})" \
		    awk -v x="${x:-99}" 'BEGIN { exit !(x <= 2.0) }'
	else
		skip "the unit file verifies" "systemd-analyze not found"
	fi
	mkdir -p "$T/sample"
	run_py sample --build "$BUILD" --work "$T/sample" --data "$ROOT/data" \
	    --schema "$SCHEMA"
	if need_shared "advdb-serve on the real advisory-db"; then
		mkdir -p "$T/shared"
		run_py shared --build "$BUILD" --work "$T/shared" \
		    --shared "$SHARED" --schema "$SCHEMA"
	fi
fi
echo "1..$_n"
