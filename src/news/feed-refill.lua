-- Refills one feed from the articles of the user's topics (a returning user, a change of topics, a read of a topic
-- that fan-out leaves to its readers), keeping it in order: short ids grow in fan-out order, so the feed becomes the
-- newest ARGV[1] of what it holds and the given ids, highest first. KEYS feed:{uid}, feed_seen:{uid},
-- feed_stream:{uid}, and feed_pull:{uid} (how far each pulled topic was read: a score of topic_appended, see
-- topic-append.lua); ARGV[1] feed cap, ARGV[2] ttl (s), ARGV[3] k, then k pairs of a topic and the score it was read up
-- to (a mark moves forward only: two reads of the same user may finish out of order), then short ids, newest first.
-- Ids it adds go to feed_seen and to feed_stream oldest first, as fan-out would have delivered them; ids pushed past
-- the cap leave feed_seen (it holds exactly the feed's ids). Returns how many were added.
local feed, seen, stream, marks = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local max = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local pairsGiven = tonumber(ARGV[3])
local first = 4 + 2 * pairsGiven

if pairsGiven > 0 then
  for i = 4, first - 1, 2 do
    local topic, mark = ARGV[i], tonumber(ARGV[i + 1])
    local held = redis.call('HGET', marks, topic)
    if not held or mark > tonumber(held) then redis.call('HSET', marks, topic, ARGV[i + 1]) end
  end
  redis.call('EXPIRE', marks, ttl)
end

local function expireAll()
  redis.call('EXPIRE', feed, ttl)
  redis.call('EXPIRE', seen, ttl)
  redis.call('EXPIRE', stream, ttl)
end

-- The given ids the feed does not hold yet (feed_seen holds exactly the feed's ids).
local asked = {}
for i = first, #ARGV do asked[#asked + 1] = ARGV[i] end
if #asked == 0 then return 0 end
local flags = {}
for i = 1, #asked, 1000 do
  local part = redis.call('SMISMEMBER', seen, unpack(asked, i, math.min(i + 999, #asked)))
  for k = 1, #part do flags[#flags + 1] = part[k] end
end
local given, taken = {}, {}
for i, n in ipairs(asked) do
  if flags[i] == 0 and not taken[n] then
    taken[n] = true
    given[#given + 1] = n
  end
end
if #given == 0 then return 0 end

-- Every new id newer than the feed's head (what a read of a pulled topic mostly brings): pushed on top, as fan-out does.
local head = redis.call('LINDEX', feed, 0)
if not head or tonumber(given[#given]) > tonumber(head) then
  for i = #given, 1, -1 do redis.call('LPUSH', feed, given[i]) end
  local over = redis.call('LRANGE', feed, max, -1)
  local kept = math.min(#given, max)
  if #over > 0 then
    redis.call('LTRIM', feed, 0, max - 1)
    for i = 1, #over, 1000 do redis.call('SREM', seen, unpack(over, i, math.min(i + 999, #over))) end
  end
  -- Ids that went straight past the cap (more given than it holds) are neither seen nor streamed.
  local fresh = {}
  for i = kept, 1, -1 do fresh[#fresh + 1] = given[i] end
  for i = 1, #fresh, 1000 do redis.call('SADD', seen, unpack(fresh, i, math.min(i + 999, #fresh))) end
  for _, n in ipairs(fresh) do redis.call('XADD', stream, '*', 'id', n) end
  if #fresh > 0 then redis.call('XTRIM', stream, 'MAXLEN', max) end
  expireAll()
  return #fresh
end

-- Otherwise merge two lists that are each newest first.
local held = redis.call('LRANGE', feed, 0, -1)
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
-- All older than a full feed's tail: nothing to rewrite.
if #fresh == 0 then return 0 end
redis.call('DEL', feed)
for i = 1, #merged, 1000 do redis.call('RPUSH', feed, unpack(merged, i, math.min(i + 999, #merged))) end
for i = 1, #gone, 1000 do redis.call('SREM', seen, unpack(gone, i, math.min(i + 999, #gone))) end
for i = 1, #fresh, 1000 do redis.call('SADD', seen, unpack(fresh, i, math.min(i + 999, #fresh))) end
for _, n in ipairs(fresh) do redis.call('XADD', stream, '*', 'id', n) end
if #fresh > 0 then redis.call('XTRIM', stream, 'MAXLEN', max) end
expireAll()
return #fresh
