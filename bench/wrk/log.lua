-- wrk script for bench/LoadHarness.java's throughput phases: every request POSTs a ~1 KiB
-- chat-completion log (the shape and size of LoadHarness.log) with its own request id.
--
--   wrk -t2 -c64 -d15s -s bench/wrk/log.lua http://127.0.0.1:PORT/v1/request/log -- KEY SCENARIO NONCE
--
-- KEY goes into "Authorization: Bearer KEY"; SCENARIO into properties.scenario (the e2e webhook
-- matches on it); NONCE (8 hex digits, new for every wrk invocation) starts every request id, so ids
-- never repeat across runs: Heliograph skips a repeated id silently (ON CONFLICT DO NOTHING), which
-- would count as a log accepted but never stored or delivered.
-- At the end one parseable line goes to stdout:
--   HG_RESULT requests=… non2xx=… connect=… read=… write=… timeout=… seconds=… p50_us=… p99_us=… max_us=…
-- (wrk counts a status >= 400 as a status error; Heliograph answers no 1xx/3xx, so that is non-2xx.)

local threads = {}
local next_thread = 0

-- Main state: numbers each thread, so the request ids of two threads never collide.
function setup(thread)
   thread:set("thread_id", next_thread)
   next_thread = next_thread + 1
   table.insert(threads, thread)
end

-- Millisecond wall clock: LuaJIT's ffi (the Debian wrk links LuaJIT); os.time() has whole seconds
-- only, so without ffi the milliseconds are made up (the timestamps stay now-ish and ordered).
local now_ms
do
   local ok, ffi = pcall(require, "ffi")
   if ok and pcall(ffi.cdef, [[
      typedef struct { long tv_sec; long tv_usec; } hg_timeval;
      int gettimeofday(hg_timeval *tv, void *tz);
   ]]) then
      local tv = ffi.new("hg_timeval")
      now_ms = function()
         ffi.C.gettimeofday(tv, nil)
         return tonumber(tv.tv_sec) * 1000 + math.floor(tonumber(tv.tv_usec) / 1000)
      end
   else
      now_ms = function() return os.time() * 1000 + math.random(0, 999) end
   end
end

-- ISO-8601 UTC with milliseconds; the date part is formatted once per second, not per request.
local last_second, last_prefix = -1, ""
local function iso(ms)
   local second = math.floor(ms / 1000)
   if second ~= last_second then
      last_second, last_prefix = second, os.date("!%Y-%m-%dT%H:%M:%S", second)
   end
   return string.format("%s.%03dZ", last_prefix, ms % 1000)
end

local key, scenario, nonce
local headers
local counter = 0
local padding = string.rep("x", 700)
local head, middle, tail

-- Thread state: arguments after "--", and the parts of the body that never change.
function init(args)
   key = args[1] or "none"
   scenario = args[2] or "wrk"
   nonce = args[3] or string.format("%08x", math.random(0, 0x7fffffff))
   math.randomseed(os.time() + (thread_id or 0) * 7919)
   headers = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }
   head = '{"request_id":"'
   middle = '","model":"gpt-4o","provider":"OPENAI","status":200,"started_at":"'
   tail = '","properties":{"scenario":"' .. scenario .. '","lane":"main"},'
      .. '"request":{"model":"gpt-4o","messages":[{"role":"user","content":"' .. padding .. '"}]},'
      .. '"response":{"choices":[{"message":{"content":"Hi!"}}],"usage":{"prompt_tokens":13,'
      .. '"completion_tokens":17}}}'
end

-- UUID-shaped and unique: nonce (per invocation) - thread - random - random - counter.
local function request_id()
   counter = counter + 1
   return string.format("%s-%04x-%04x-%04x-%012x", nonce, (thread_id or 0) % 0x10000,
      math.random(0, 0xffff), math.random(0, 0xffff), counter)
end

-- A log that ended just now after 200-1500 ms, as a logger sends it when the call returns.
function request()
   local ended = now_ms()
   local started = ended - math.random(200, 1500)
   local body = head .. request_id() .. middle .. iso(started) .. '","ended_at":"' .. iso(ended) .. tail
   return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "HG_RESULT requests=%d non2xx=%d connect=%d read=%d write=%d timeout=%d seconds=%.3f p50_us=%d p99_us=%d max_us=%d\n",
      summary.requests, e.status, e.connect, e.read, e.write, e.timeout, summary.duration / 1e6,
      latency:percentile(50), latency:percentile(99), latency.max))
end
