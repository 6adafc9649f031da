-- wrk script of bench/soak.py: one stream of the soak's traffic.
--
--   wrk -t1 -c8 -d600s -s bench/soak.lua http://127.0.0.1:PORT -- PATHS_FILE HEADER
--
-- PATHS_FILE holds one path a line; each request takes a random one. HEADER is one extra
-- request header ("Cookie: sessionid=..." for the portal, "Authorization: Bearer ..." for
-- the management API) or "-" for none (the viewer). Every request carries the TLS proxy's
-- X-Forwarded-Proto and a random client address (the soak trusts 127.0.0.1 as its proxy).
--
-- Anything but a 200 is unexpected. `done` prints one line `SOAK_JSON {...}`: counts,
-- wrk's error counters, latency percentiles in microseconds and the first unexpected answer.

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local paths = {}
local headers = {
  ["Host"] = "127.0.0.1",
  ["X-Forwarded-Proto"] = "https",
  ["User-Agent"] = "ARViewer/2.4.1 (Android 14; Pixel 8)",
}

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  local extra = args[2] or "-"
  if extra ~= "-" then
    local name, value = string.match(extra, "^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  math.randomseed(os.time() * 1000 + tid)
  unexpected = 0
  first_unexpected = ""
end

function request()
  headers["X-Forwarded-For"] = "198.51.100." .. math.random(1, 254)
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

function response(status, response_headers, body)
  if status ~= 200 then
    unexpected = unexpected + 1
    if first_unexpected == "" then
      first_unexpected = tostring(status) .. " " .. string.sub(body or "", 1, 160)
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
    'SOAK_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,'
      .. '"timeout":%d,"unexpected":%d,"sample":"%s","p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, errors.connect, errors.read, errors.write,
    errors.timeout, total_unexpected, sample, latency:percentile(50), latency:percentile(99),
    latency.max
  ))
end
