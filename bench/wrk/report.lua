-- report.lua — shared by the wrk scripts: one machine-readable line at the end.
--   RESULT requests=N seconds=S rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D errors=E (connect/read/write/status/timeout)
-- The runner (bench/run.sh) parses it. Latencies are wrk's, in microseconds.
local M = {}

function M.done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors, e.connect, e.read, e.write, e.status, e.timeout))
end

return M
