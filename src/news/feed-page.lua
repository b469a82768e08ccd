-- One page of a feed, newest first. KEYS[1] feed:{uid}; ARGV[1] count, ARGV[2] short id to start after ('' = head),
-- ARGV[3] feed cap: fanout.lua lets the list run a little past the cap before trimming; what is past it is not shown.
-- A cursor no longer in the feed (or past the cap) was trimmed away with everything older: the page is empty.
local cap = tonumber(ARGV[3])
local start = 0
if ARGV[2] ~= '' then
  local pos = redis.call('LPOS', KEYS[1], ARGV[2], 'MAXLEN', cap)
  if not pos then return {} end
  start = pos + 1
end
local stop = math.min(start + tonumber(ARGV[1]), cap) - 1
if stop < start then return {} end
return redis.call('LRANGE', KEYS[1], start, stop)
