-- wrk script of bench/registry/run.sh: prints one machine-readable line
-- after the human-readable report, so that run.sh need not parse wrk's
-- rounded units. Latencies are in microseconds; wrk counts responses with a
-- status of 400 or more as status errors.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
