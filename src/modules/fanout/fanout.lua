-- Delivers article short ids to one user's feed, at most once each. KEYS: feed:{uid}, feed_seen:{uid},
-- feed_stream:{uid} (one hash slot). ARGV[1] feed cap, ARGV[2] ttl (s), ARGV[3..] short ids, oldest first.
-- Invariant: feed_seen holds exactly the ids in feed (trimmed together), so the set stays small and intset-encoded.
-- Returns one flag per id: 1 delivered, 0 already in the feed.
local max = tonumber(ARGV[1])
local flags = {}
local added = 0
for i = 3, #ARGV do
  local n = ARGV[i]
  if redis.call('SADD', KEYS[2], n) == 1 then
    redis.call('LPUSH', KEYS[1], n)
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', max, '*', 'id', n)
    added = added + 1
    flags[#flags + 1] = 1
  else
    flags[#flags + 1] = 0
  end
end
if added > 0 then
  local over = redis.call('LLEN', KEYS[1]) - max
  if over > 0 then
    local gone = redis.call('RPOP', KEYS[1], over)
    redis.call('SREM', KEYS[2], unpack(gone))
  end
  local ttl = tonumber(ARGV[2])
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('EXPIRE', KEYS[3], ttl)
end
return flags
