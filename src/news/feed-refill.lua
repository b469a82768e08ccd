-- Refills one feed from the recent articles of the user's topics (a returning user, a change of topics), keeping it
-- in order: short ids grow in fan-out order, so the feed becomes the newest ARGV[1] of what it holds and the given
-- ids, highest first. KEYS feed:{uid}, feed_seen:{uid}, feed_stream:{uid}; ARGV[1] feed cap, ARGV[2] ttl (s),
-- ARGV[3..] short ids, newest first. Ids it adds go to feed_seen and to feed_stream oldest first, as fan-out would
-- have delivered them; ids pushed past the cap leave feed_seen (it holds exactly the feed's ids). Returns how many
-- were added.
local feed, seen, stream = KEYS[1], KEYS[2], KEYS[3]
local max = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local held = redis.call('LRANGE', feed, 0, -1)
local inFeed = {}
for _, n in ipairs(held) do inFeed[n] = true end
local given = {}
for i = 3, #ARGV do
  local n = ARGV[i]
  if not inFeed[n] then
    inFeed[n] = true
    given[#given + 1] = n
  end
end
if #given == 0 then return 0 end
-- Merge two lists that are each newest first.
local merged, added = {}, {}
local a, b = 1, 1
while #merged < max and (a <= #held or b <= #given) do
  if b > #given or (a <= #held and tonumber(held[a]) > tonumber(given[b])) then
    merged[#merged + 1] = held[a]
    a = a + 1
  else
    merged[#merged + 1] = given[b]
    added[given[b]] = true
    b = b + 1
  end
end
local gone = {}
for i = a, #held do gone[#gone + 1] = held[i] end
local fresh = {}
for i = #merged, 1, -1 do
  if added[merged[i]] then fresh[#fresh + 1] = merged[i] end
end
redis.call('DEL', feed)
for i = 1, #merged, 1000 do redis.call('RPUSH', feed, unpack(merged, i, math.min(i + 999, #merged))) end
for i = 1, #gone, 1000 do redis.call('SREM', seen, unpack(gone, i, math.min(i + 999, #gone))) end
for i = 1, #fresh, 1000 do redis.call('SADD', seen, unpack(fresh, i, math.min(i + 999, #fresh))) end
for _, n in ipairs(fresh) do redis.call('XADD', stream, '*', 'id', n) end
if #fresh > 0 then redis.call('XTRIM', stream, 'MAXLEN', max) end
redis.call('EXPIRE', feed, ttl)
redis.call('EXPIRE', seen, ttl)
redis.call('EXPIRE', stream, ttl)
return #fresh
