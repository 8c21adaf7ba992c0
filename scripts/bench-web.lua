-- wrk script of scripts/bench-web.
--
--   wrk -t1 -cC -dD --latency -s scripts/bench-web.lua URL -- PATHS_FILE RATE [LABEL]
--
-- Rotates over the request paths of PATHS_FILE (one a line, each thread starting at its own
-- place), paces the requests to RATE per second in all (split evenly between wrk's threads) with
-- a delay() schedule on the monotonic clock (the original wrk has no -R flag), counts responses
-- outside 200-299 in response(), and prints one line "BENCHJSON {...}" in done() with the
-- request count, duration, latency percentiles (microseconds, from wrk's histogram) and errors.
-- Latency is measured by wrk from the moment a request is written, so the pacing delay is not in
-- it. When every connection is busy the schedule slips (no catch-up burst) and the achieved rate
-- falls below RATE: check it in the report.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

-- main state: the threads, for done()
local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  table.insert(threads, thread)
end

-- thread state
paths = {}
idx = 1
interval = 5
next_slot = nil
non2xx = 0
redirects = 0
responses = 0

function init(args)
  local file = args[1]
  local rate = tonumber(args[2] or "200")
  for line in io.lines(file) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  if #paths == 0 then
    error("no paths in " .. tostring(file))
  end
  -- wrk starts its threads together; each takes an equal share of the rate.
  local n = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
  interval = 1000.0 / (rate / n)
  local id = thread_id or 1
  idx = ((id - 1) * math.floor(#paths / n)) % #paths + 1
end

function delay()
  local t = now_ms()
  local slot = next_slot
  if slot == nil or slot < t then
    slot = t
  end
  next_slot = slot + interval
  return math.floor(slot - t + 0.5)
end

function request()
  local p = paths[idx]
  idx = idx % #paths + 1
  return wrk.format("GET", p)
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if status >= 300 and status <= 399 then
      redirects = redirects + 1
    end
  end
end

function done(summary, latency, requests)
  local bad, redir, resp = 0, 0, 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    redir = redir + (t:get("redirects") or 0)
    resp = resp + (t:get("responses") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"responses":%d,"duration_us":%d,"bytes":%d,' ..
    '"mean_us":%.0f,"stdev_us":%.0f,"p50_us":%d,"p75_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,' ..
    '"max_us":%d,"non2xx":%d,"redirects":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, resp, summary.duration, summary.bytes,
    latency.mean, latency.stdev, latency:percentile(50), latency:percentile(75),
    latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max,
    bad, redir, e.connect, e.read, e.write, e.status, e.timeout))
end
