-- wrk script of bench/viewer_load.py: every request asks for a random content id.
--
--   wrk -t2 -c64 -d20s -s bench/viewer_load.lua http://127.0.0.1:18471 -- IDS_FILE ENDPOINT
--
-- IDS_FILE holds one content id a line; ENDPOINT is `manifest`, `check`, `page` (the
-- /view/<uid> web viewer page, as a browser asks for it) or `ceiling` (the bare WSGI app
-- ignores the path, so it gets the same random manifest paths). Each request
-- also carries a random client address in X-Forwarded-For (the bench trusts 127.0.0.1 as
-- its TLS proxy), the proxy's X-Forwarded-Proto and an app-like User-Agent.
--
-- `done` prints one line `BENCH_JSON {...}`: counts, wrk's error counters, latency
-- percentiles in microseconds, and `unexpected`: answers that are not the expected 200
-- (for check: not {"content_available":true}), summed over the threads.

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local ids = {}
local endpoint = "manifest"
local expected_check = '{"content_available":true}'
local headers = {
  ["Host"] = "127.0.0.1",
  ["X-Forwarded-Proto"] = "https",
  ["X-Forwarded-For"] = "203.0.113.1",
  ["User-Agent"] = "ARViewer/2.4.1 (Android 14; Pixel 8)",
  ["Accept"] = "application/json",
}

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      ids[#ids + 1] = line
    end
  end
  endpoint = args[2] or "manifest"
  math.randomseed(os.time() * 1000 + tid)
  unexpected = 0
  first_unexpected = ""
end

function request()
  local uid = ids[math.random(#ids)]
  local path_endpoint = endpoint
  if endpoint == "ceiling" then
    path_endpoint = "manifest"
  end
  headers["X-Forwarded-For"] = "203.0.113." .. math.random(1, 254)
  if endpoint == "page" then
    headers["Accept"] = "text/html"
    headers["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148 Safari/604.1"
    return wrk.format("GET", "/view/" .. uid, headers)
  end
  return wrk.format("GET", "/api/viewer/ar/" .. uid .. "/" .. path_endpoint, headers)
end

function response(status, response_headers, body)
  local ok = status == 200
  if ok and endpoint == "check" then
    ok = body == expected_check
  end
  if not ok then
    unexpected = unexpected + 1
    if first_unexpected == "" then
      first_unexpected = tostring(status) .. " " .. string.sub(body or "", 1, 120)
    end
  end
end

function done(summary, latency, requests)
  local total_unexpected = 0
  local sample = ""
  for _, thread in ipairs(threads) do
    total_unexpected = total_unexpected + thread:get("unexpected")
    local first = thread:get("first_unexpected")
    if sample == "" and first ~= nil then
      sample = first
    end
  end
  local errors = summary.errors
  sample = string.gsub(sample, '[\\"%c]', "?")
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,'
      .. '"write":%d,"status":%d,"timeout":%d,"unexpected":%d,"sample":"%s",'
      .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, total_unexpected, sample,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean
  ))
end
