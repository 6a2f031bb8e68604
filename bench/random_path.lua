-- wrk script: each request asks for a path drawn at random from a file of paths (one a
-- line), given after `--`; the summary is one RESULT line, as ../shared/bench/peers'
-- report.lua prints it (latencies in microseconds).
--   wrk -t2 -c32 -d10s --latency -s bench/random_path.lua http://127.0.0.1:8000/ -- paths.txt
local paths = {}

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() + #paths + math.floor(os.clock() * 1000000))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d bytes=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, summary.bytes))
end
