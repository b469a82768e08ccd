-- Delivers article short ids to the feeds of users, at most once each. KEYS[1] the feed:{uid} of the first user (routes
-- the call: on a cluster every user of a call is on that key's node). ARGV[1] feed cap, ARGV[2] ttl (s), ARGV[3..5] the
-- heads of the feed:{uid}, feed_seen:{uid} and feed_stream:{uid} names (Keys.userKeyHeads), then one or more groups,
-- each: the user ids joined by ',' (a user id has no ','), the count n of its short ids, then those n short ids, oldest
-- first; 'r' before one marks a redelivery (its article was stored and fanned out before). Every user of a group gets
-- the group's short ids. Several groups per call: on a cluster a slot's users got different article sets, and one call
-- per slot (not per slot and set) keeps the per-call cost off the per-user path.
-- The users travel as one argument and their key names are built here: three key arguments per delivery were most of
-- fan-out's Node time (encoding) and no cheaper for Valkey. Each user's three keys share one hash slot; on a cluster
-- the caller groups users by the node that owns their slots (the script runs with allow-cross-slot-keys), so every key
-- built here is on KEYS[1]'s node, unless a slot moved meanwhile: then the call fails at that key (what it did before
-- is deduped) and the caller sends it again per slot.
-- Invariant: feed_seen holds exactly the ids in feed (trimmed together), so the set stays small and intset-encoded.
-- Dedupe past the feed window compares against the oldest kept item instead of remembering trimmed ids: short ids
-- grow in fan-out order, a feed is never below the cap once trimmed, so a redelivered id that is not in a full feed
-- and older than its tail was trimmed off (or would sit past the cap): it is not delivered again. Only redeliveries
-- pay for the check (LLEN, LINDEX), and only when not in feed_seen; memory per user is unchanged.
-- Per user, one XADD per delivery and three commands for all of its ids (SMISMEMBER, SADD, LPUSH; a user given one id
-- pays SADD, LPUSH, XADD): every command a script runs has its own cost in Valkey (and a cluster's slot check). The
-- list and the stream are trimmed back to the cap, exactly and together (the stream holds the list's items), only once
-- the list is an eighth over (readers never look past the cap), and the keys get their TTL when the feed is created (a
-- feed read refreshes it).
-- Returns one count per short id, in argument order (the groups' in turn): how many of its group's users it was
-- delivered to (the others already had it).
local max = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local feedHead, seenHead, streamHead = ARGV[3], ARGV[4], ARGV[5]
local slack = math.max(1, math.floor(max / 8))
local counts = {}
local at = 6
while at <= #ARGV do
  local users, n = ARGV[at], tonumber(ARGV[at + 1])
  local base = #counts
  local shorts, again = {}, {}
  for k = 1, n do
    local short = ARGV[at + 1 + k]
    if string.byte(short, 1) == 114 then -- 'r'
      short = string.sub(short, 2)
      again[k] = true
    end
    shorts[k] = short
    counts[base + k] = 0
  end
  at = at + 2 + n
  for uid in string.gmatch(users, '[^,]+') do
    local tail = uid .. '}'
    local feed, seen, stream = feedHead .. tail, seenHead .. tail, streamHead .. tail
    local len, created = 0, false
    if n == 1 then
      -- One id: SADD says whether it is new, no set lookup first.
      local short = shorts[1]
      if redis.call('SADD', seen, short) == 1 then
        if again[1] and redis.call('LLEN', feed) >= max
          and tonumber(short) < tonumber(redis.call('LINDEX', feed, -1)) then
          redis.call('SREM', seen, short)
        else
          len = redis.call('LPUSH', feed, short)
          created = len == 1
          redis.call('XADD', stream, '*', 'id', short)
          counts[base + 1] = counts[base + 1] + 1
        end
      end
    else
      -- Several: one SMISMEMBER, SADD and LPUSH for all of them (an XADD each), as if added one at a time in order.
      local present = redis.call('SMISMEMBER', seen, unpack(shorts))
      local new, taken = {}, {}
      local before, last
      for k = 1, n do
        local short = shorts[k]
        if present[k] == 0 and not taken[short] then
          local keep = true
          if again[k] then
            -- What LLEN and LINDEX -1 would say had the ids before it been pushed already (LPUSH leaves the tail).
            if before == nil then
              before = redis.call('LLEN', feed)
              last = before > 0 and redis.call('LINDEX', feed, -1) or false
            end
            local tailId = last or new[1]
            if before + #new >= max and tailId and tonumber(short) < tonumber(tailId) then keep = false end
          end
          if keep then
            taken[short] = true
            new[#new + 1] = short
            counts[base + k] = counts[base + k] + 1
          end
        end
      end
      if #new > 0 then
        redis.call('SADD', seen, unpack(new))
        len = redis.call('LPUSH', feed, unpack(new))
        created = len == #new
        for k = 1, #new do redis.call('XADD', stream, '*', 'id', new[k]) end
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
end
return counts
