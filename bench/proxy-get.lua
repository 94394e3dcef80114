-- wrk script for bench/gateway-load.sh: sends absolute-form proxy requests over keep-alive connections.
-- wrk connects to the proxy given on its command line; the request line carries the origin URL from
-- BENCH_TARGET (e.g. http://127.0.0.1:41234/small), with the origin's Host header, so the proxy forwards it.
local target = os.getenv("BENCH_TARGET")
if not target then
  error("BENCH_TARGET is not set (the absolute origin URL to request through the proxy)")
end
local authority = target:match("^http://([^/]+)")

wrk.method = "GET"
wrk.path = target
wrk.headers["Host"] = authority
-- BENCH_CLOSE=1: "Connection: close", so that every request is a new client connection
if os.getenv("BENCH_CLOSE") == "1" then
  wrk.headers["Connection"] = "close"
end

-- one machine-readable line; latencies in microseconds
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f requests=%d seconds=%.3f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests / seconds, summary.requests, seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
