-- One page of a feed, newest first. KEYS[1] feed:{uid}; ARGV[1] count, ARGV[2] short id to start after ('' = head).
-- A cursor no longer in the feed was trimmed away with everything older: the page is empty.
local start = 0
if ARGV[2] ~= '' then
  local pos = redis.call('LPOS', KEYS[1], ARGV[2])
  if not pos then return {} end
  start = pos + 1
end
return redis.call('LRANGE', KEYS[1], start, start + tonumber(ARGV[1]) - 1)
