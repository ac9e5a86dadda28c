-- Replays a plan written by bench.run: one request a line, METHOD<TAB>PATH<TAB>ACCOUNT<TAB>BODY
-- (ACCOUNT and BODY may be empty). Usage:
--   wrk -t1 -cN -dSECONDSs -s bench/wrk/replay.lua URL -- PLAN TOKEN BUDGET
-- Each thread stops after BUDGET responses (so a run is bounded in time and in requests);
-- done() prints one line, "BENCH_JSON {...}", that bench.run reads.

local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]])
local CLOCK_MONOTONIC = 1

-- Seconds on the monotonic clock: wrk's own duration is the -d it was given even when the
-- budget stopped the thread sooner, so the rate is computed from these instead.
local function now()
  local t = ffi.new("bench_timespec")
  ffi.C.clock_gettime(CLOCK_MONOTONIC, t)
  return tonumber(t.tv_sec) + tonumber(t.tv_nsec) / 1e9
end

-- Globals, not locals: done() reads ok, bad and first_bad of each thread with thread:get.
plan_requests = {}
sent = 0
received = 0
ok = 0
bad = 0
first_bad = ""
budget = 0
started = 0
finished = 0
threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local plan, token = args[1], args[2]
  budget = tonumber(args[3])
  for line in io.lines(plan) do
    local method, path, account, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = { ["Authorization"] = "Bearer " .. token }
    if account ~= "" then
      headers["X-PLANNR-ACCOUNT-UUID"] = account
    end
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    table.insert(plan_requests, wrk.format(method, path, headers, body))
  end
end

function request()
  if sent == 0 then
    started = now()
  end
  sent = sent + 1
  return plan_requests[((sent - 1) % #plan_requests) + 1]
end

function response(status, headers, body)
  received = received + 1
  finished = now()
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    bad = bad + 1
    if first_bad == "" then
      first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 200)
    end
  end
  if received >= budget then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local total_ok, total_bad, sample, seconds = 0, 0, "", 0
  for _, thread in ipairs(threads) do
    seconds = math.max(seconds, thread:get("finished") - thread:get("started"))
    total_ok = total_ok + thread:get("ok")
    total_bad = total_bad + thread:get("bad")
    if sample == "" then
      sample = thread:get("first_bad")
    end
  end
  sample = sample:gsub('[%c"\\]', " ")
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.4f, "ok": %d, "bad": %d, "first_bad": "%s", '
      .. '"socket_errors": %d, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, '
      .. '"max_ms": %.3f, "mean_ms": %.3f}\n',
    total_ok + total_bad, seconds, total_ok, total_bad, sample,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000
  ))
end
