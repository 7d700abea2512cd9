-- wrk script: replays the requests listed in the file named by BENCH_REQUESTS
-- (one per line: METHOD<TAB>PATH<TAB>COOKIE<TAB>BODY), each thread from its own offset.
-- BENCH_BUST=1 appends a unique `_b` parameter (the app runs with PAGE_CACHE_BYPASS_PARAM=_b,
-- so every such request renders: unknown parameters alone share the page's cache entry);
-- BENCH_XFF=1 sends a random X-Forwarded-For (distinct visitors behind the proxy).
-- done() prints one JSON line the runner parses.

local lines = {}
local counter = 0
local thread_id = 0
local bust = os.getenv("BENCH_BUST") == "1"
local xff = os.getenv("BENCH_XFF") == "1"
local threads = {}

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tid or 0
  math.randomseed(os.time() + thread_id * 7919)
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    if #line > 0 then
      table.insert(lines, split(line))
    end
  end
  counter = thread_id * 1000003
end

function request()
  counter = counter + 1
  local entry = lines[(counter % #lines) + 1]
  local method, path, cookie, body = entry[1], entry[2], entry[3], entry[4]
  local headers = {}
  if cookie and #cookie > 0 then
    headers["Cookie"] = cookie
  end
  if body and #body > 0 then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  else
    body = nil
  end
  if xff then
    headers["X-Forwarded-For"] = string.format(
      "10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  end
  if bust then
    local sep = path:find("?", 1, true) and "&" or "?"
    path = path .. sep .. "_b=" .. thread_id .. "-" .. counter
  end
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
