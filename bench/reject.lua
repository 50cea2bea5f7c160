-- wrk script: each request rejects a different demo lead with its own idempotency key.
-- Threads take interleaved lead numbers, so no two requests ever touch the same lead.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("first", counter)
  table.insert(threads, thread)
end

function init(args)
  n = first
end

function request()
  local id = string.format("dm-%04d", n)
  n = n + 2
  -- Headers given here replace wrk's -H ones, so the token is carried over explicitly.
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = "bench-" .. id
  return wrk.format("POST", "/v1/leads/" .. id .. "/reject", headers, '{"reason": "too_busy"}')
end
