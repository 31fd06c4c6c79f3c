-- tests/bench/serve.lua — wrk script for advdb-serve (tests/bench/serve.sh).
-- With arguments BODIES PATH: POST the bodies of a file (one JSON document
-- per line) to PATH, in turn, each wrk thread starting at its own place;
-- without: wrk's own GET of the URL. Either way it ends with one line the
-- benchmark reads:
--   RESULT requests=N duration_us=N p50_us=N p99_us=N errors=N non2xx=N
-- Usage: wrk -s serve.lua URL [-- BODIES PATH]
local bodies = {}
local path_ = nil
local i = 0

function init(args)
  if args[1] then
    path_ = args[2]
    for line in io.lines(args[1]) do
      bodies[#bodies + 1] = line
    end
    i = math.random(#bodies)
  end
end

function request()
  if #bodies == 0 then
    return wrk.format()
  end
  i = i % #bodies + 1
  return wrk.format("POST", path_, { ["Content-Type"] = "application/json" },
                    bodies[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout,
    e.status))
end
