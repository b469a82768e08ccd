-- Delivers the same article short ids to the feeds of several users, at most once each. KEYS: per user, in order,
-- feed:{uid}, feed_seen:{uid}, feed_stream:{uid} (each user's three keys share one hash slot). ARGV[1] feed cap,
-- ARGV[2] ttl (s), ARGV[3..] short ids, oldest first.
-- Invariant: feed_seen holds exactly the ids in feed (trimmed together), so the set stays small and intset-encoded.
-- Three commands per delivery: the list and the stream are trimmed back to the cap, exactly and together (the stream
-- holds the list's items), only once the list is an eighth over (readers never look past the cap), and the keys get
-- their TTL when the feed is created (a feed read refreshes it).
-- Returns one count per short id: how many of the users it was delivered to (the others already had it).
local max = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local slack = math.max(1, math.floor(max / 8))
local counts = {}
for i = 3, #ARGV do counts[i - 2] = 0 end
for u = 1, #KEYS, 3 do
  local feed, seen, stream = KEYS[u], KEYS[u + 1], KEYS[u + 2]
  local len, created = 0, false
  for i = 3, #ARGV do
    local n = ARGV[i]
    if redis.call('SADD', seen, n) == 1 then
      len = redis.call('LPUSH', feed, n)
      if len == 1 then created = true end
      redis.call('XADD', stream, '*', 'id', n)
      counts[i - 2] = counts[i - 2] + 1
    end
  end
  if len > max + slack then
    local gone = redis.call('RPOP', feed, len - max)
    redis.call('SREM', seen, unpack(gone))
    redis.call('XTRIM', stream, 'MAXLEN', max)
  end
  if created then
    redis.call('EXPIRE', feed, ttl)
    redis.call('EXPIRE', seen, ttl)
    redis.call('EXPIRE', stream, ttl)
  end
end
return counts
