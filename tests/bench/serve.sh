#!/bin/sh
# tests/bench/serve.sh — advdb-serve's rows of `make bench`: wrk (Debian's
# HTTP load generator) on loopback against a server on the benchmark's
# index, in one run, with the server's own GET /healthz as the HTTP floor:
#   - GET /healthz at 64 connections (the floor: HTTP alone);
#   - POST /v1/query at 64 connections, one package@version per request,
#     cycling through every crates.io package of the shared lockfiles:
#     queries/s and p50/p99 latency;
#   - POST /v1/querybatch, 1000-query batches of the same packages:
#     packages/s.
# wrk and the server share the machine's cores, as a client on the same
# host would. Targets (issue 18, a 2-core machine): 30,000 single
# queries/s, p99 under 5 ms, 1,000,000 packages/s through querybatch.
#
# Usage: serve.sh BUILD WORK DB LOCKFILES_DIR (run.sh calls it).
# Environment: SERVE_SECONDS (10; BENCH_QUICK: 1), SERVE_THREADS (the
# server's --threads; default: its own, one per core), SERVE_CONNS (64),
# SERVE_BATCH_CONNS (8: a batch is a thousand queries; more connections
# only queue more of them).
set -u
BUILD=$1 W=$2 DB=$3 LOCKS=$4
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
secs=${SERVE_SECONDS:-10}
[ "${BENCH_QUICK:-0}" = 1 ] && secs=${SERVE_SECONDS:-1}
conns=${SERVE_CONNS:-64}
bconns=${SERVE_BATCH_CONNS:-8}

row() { printf '| %-38s | %-22s | %-22s | %-4s |\n' "$1" "$2" "$3" "$4"; }

if ! command -v wrk >/dev/null 2>&1; then
	row "advdb-serve figures" "skipped" "needs wrk (make deps)" ""
	exit 0
fi

# Bodies: every crates.io package of the lockfiles, one query per line,
# and batches of 1000 of them.
awk '
	function flush() {
		if (name != "" && src ~ /crates\.io-index|index\.crates\.io/)
			printf "{\"package\":{\"name\":\"%s\",\"ecosystem\":\"crates.io\"},\"version\":\"%s\"}\n", name, ver
		name = ""; ver = ""; src = ""
	}
	/^\[\[package\]\]/ { flush(); next }
	/^\[/ { flush(); next }
	/^name = "/ { n = $0; sub(/^name = "/, "", n); sub(/".*/, "", n); name = n }
	/^version = "/ { v = $0; sub(/^version = "/, "", v); sub(/".*/, "", v); ver = v }
	/^source = "/ { src = $0 }
	END { flush() }
' "$LOCKS"/*.lock > "$W/serve-single.txt"
nq=$(wc -l < "$W/serve-single.txt" | tr -d ' ')
awk -v per=1000 '
	{ q[n++] = $0 }
	END {
		if (n == 0) exit
		for (b = 0; b < 40; b++) {
			line = "{\"queries\":["
			for (k = 0; k < per; k++)
				line = line (k ? "," : "") q[(b * per + k) % n]
			print line "]}"
		}
	}
' "$W/serve-single.txt" > "$W/serve-batch.txt"

threads=""
[ -n "${SERVE_THREADS:-}" ] && threads="--threads $SERVE_THREADS"
# emptied here, not by the server's redirection: the loop below could
# read a previous run's address before the new server's shell truncates
# the file, and the figures would be of a dead port
: > "$W/serve.out"
# shellcheck disable=SC2086
"$BUILD/advdb-serve" -d "$DB" --listen 127.0.0.1:0 $threads \
    >"$W/serve.out" 2>"$W/serve.err" &
pid=$!
addr=""
i=0
while [ -z "$addr" ] && [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do
	addr=$(sed -n 's|^listening on http://||p' "$W/serve.out")
	[ -n "$addr" ] || sleep 0.1
	i=$((i + 1))
done
if [ -z "$addr" ]; then
	row "advdb-serve figures" "server did not start" "" ""
	sed 's/^/  /' "$W/serve.err" >&2
	kill $pid 2>/dev/null
	exit 2
fi
# The server's CPU time so far, in clock ticks (utime + stime): what one
# request costs the server, whatever else the machine runs meanwhile.
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
# the run's wrk: req/s from RESULT (requests / duration), latencies in us
load() {  # name path bodies connections
	wrk -t2 -c"$4" -d"${secs}s" -s "$ROOT/tests/bench/serve.lua" \
	    "http://$addr$2" -- "$3" "$2" > "$W/wrk-$1.out" 2>&1
	sed -n 's/^RESULT //p' "$W/wrk-$1.out"
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
rate() { awk -v r="$1" -v d="$2" 'BEGIN { printf "%.0f", r / (d / 1e6) }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }
group() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/;ta'; }

wrk -t2 -c"$conns" -d"${secs}s" -s "$ROOT/tests/bench/serve.lua" \
    "http://$addr/healthz" > "$W/wrk-healthz.out" 2>&1
h=$(sed -n 's/^RESULT //p' "$W/wrk-healthz.out")
c0=$(cpu)
s=$(load single /v1/query "$W/serve-single.txt" "$conns")
c1=$(cpu)
b=$(load batch /v1/querybatch "$W/serve-batch.txt" "$bconns")
c2=$(cpu)
kill $pid 2>/dev/null
wait $pid 2>/dev/null

for r in "$h" "$s" "$b"; do
	if [ -z "$r" ] || [ "$(field "$r" errors)" != 0 ] ||
	   [ "$(field "$r" non2xx)" != 0 ]; then
		row "advdb-serve figures" "wrk failed (see $W)" "" ""
		cat "$W"/wrk-*.out >&2
		exit 2
	fi
done
hr=$(rate "$(field "$h" requests)" "$(field "$h" duration_us)")
sr=$(rate "$(field "$s" requests)" "$(field "$s" duration_us)")
br=$(rate "$(field "$b" requests)" "$(field "$b" duration_us)")
pkgs=$((br * 1000))
s99=$(field "$s" p99_us)
row "serve: GET /healthz, $conns conns (floor)" \
    "$(group "$hr") req/s" "" ""
row "serve: POST /v1/query, $conns conns" "$(group "$sr") queries/s" \
    ">= 30,000 queries/s" "$([ "$sr" -ge 30000 ] && echo yes || echo no)"
row "serve: /v1/query p50 / p99" \
    "$(ms "$(field "$s" p50_us)") / $(ms "$s99") ms" "p99 < 5 ms" \
    "$([ "$s99" -lt 5000 ] && echo yes || echo no)"
row "serve: /v1/query / floor" \
    "$(awk -v a="$sr" -v b="$hr" 'BEGIN { printf "%.2fx", a / b }')" "" ""
row "serve: querybatch x1000, $bconns conns" \
    "$(group "$pkgs") packages/s" \
    ">= 1,000,000 packages/s" \
    "$([ "$pkgs" -ge 1000000 ] && echo yes || echo no)"
row "serve: querybatch p50 / p99 per batch" \
    "$(ms "$(field "$b" p50_us)") / $(ms "$(field "$b" p99_us)") ms" "" ""
# server CPU per request: independent of what else loads the machine
row "serve: server CPU per /v1/query" "$(awk -v c=$((c1 - c0)) -v hz="$hz" \
    -v n="$(field "$s" requests)" 'BEGIN { printf "%.1f us", c / hz * 1e6 / n }')" "" ""
row "serve: server CPU per 1000-query batch" "$(awk -v c=$((c2 - c1)) \
    -v hz="$hz" -v n="$(field "$b" requests)" \
    'BEGIN { printf "%.2f ms (%.0f k pkgs/CPU-s)", c / hz * 1e3 / n, n * 1000 / (c / hz) / 1e3 }')" "" ""
echo "serve: $nq queries from the lockfiles, $secs s per run, wrk -t2, server: $(sed -n 's/^advdb-serve: serving .* with //p' "$W/serve.err")" >&2
