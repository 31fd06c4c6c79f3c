#!/bin/sh
# The benchmark program itself works: a tiny run prints every row.
. "$(dirname "$0")/lib.sh"
out=$(BENCH_QUICK=1 BENCH_SAMPLE=1 sh "$ROOT/tests/bench/run.sh" 2>"$T/err")
rc=$?
is "bench quick run exits 0" "$rc" 0
for r in "full compile" "--update after 10" "--update floors" "DB file size" "raw Markdown" \
         "zstd -19" "lookup p50 / p99" "raw mdb_get" "lookup p50 / raw" \
         "batch through a pipe" "peak RSS, batch" "scan .* 1 thread" \
         "scan .* 2 threads" "peak RSS, scan" "bin .* 1 thread" \
         "bin .* 2 threads" "peak RSS, bin" "report --format json.* 1 thread" \
         "report --format json.* 2 threads" "report --format html" \
         "one-shot check" "naive" "batch floor" "scan floor" \
         "one-shot check, affected / --version" \
         "one-shot check, clean / --version" \
         "one-shot speedup" "peak RSS, compile" "lookup, 1 crate of" \
         "trade-off by records per block" "trade-off, blocks of 32" \
         "trade-off, blocks of 128 \\(this build\\)" \
         "advisory fetch, every id" "export-osv, every advisory" \
         "open \+ verify signature" "one-shot check --trust-key" \
         "synthetic mirror" "compile with the crates index" \
         "index size added by the crates" "--update after 1000 changed crates" \
         "lookup p50 without / with crates" "advdb_crate_get p50" \
         "one-shot check without / with crates" \
         "scan 1 lockfile without / with yanked" \
         "serve in-process: batch x1000 handler" \
         "serve in-process: jansson reading it"; do
	has "bench prints row: $r" "$out" "^\| $r"
done
# advdb-serve's rows (tests/bench/serve.sh), or the row saying why not
for r in "serve: GET /healthz" "serve: POST /v1/query" "serve: /v1/query p50" \
         "serve: querybatch x1000" "serve: server CPU per"; do
	has "bench prints row: $r" "$out" "^\| ($r|advdb-serve figures +\| skipped)"
done
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/err" | tail -n 20
done_testing
