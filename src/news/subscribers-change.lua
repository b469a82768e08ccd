-- Changes who follows one topic and records the change for fan-out's caches, in one step: every key is in the slot of
-- the topic's subscriber set. KEYS[1] topic_subscribers:<topic>, KEYS[2] its version hash (v, floor, epoch), KEYS[3]
-- its change log (user id -> the version of their latest change). ARGV[1] 'add' (the users follow the topic),
-- 'remove' (they no longer do) or 'touch' (only their activity changed), ARGV[2] the log's cap, ARGV[3] the epoch of a
-- version hash created now (kept when one exists), ARGV[4..] user ids.
-- 'remove' logs only the users it took out (the prune removes every inactive member it found, some of whom may have
-- left meanwhile); 'add' and 'touch' log every user given (a return changes activity even for a member).
-- The log is trimmed by whole versions, and `floor` records the highest version trimmed: a reader whose version is at
-- or past `floor` finds every change made after it in the log; an older reader reads the set whole again.
-- Returns the users logged; the version moves only when there is one.
local op, cap = ARGV[1], tonumber(ARGV[2])
local changed = {}
for i = 4, #ARGV do
  local uid = ARGV[i]
  if op == 'add' then
    redis.call('SADD', KEYS[1], uid)
    changed[#changed + 1] = uid
  elseif op == 'remove' then
    if redis.call('SREM', KEYS[1], uid) == 1 then changed[#changed + 1] = uid end
  else
    changed[#changed + 1] = uid
  end
end
if #changed == 0 then return changed end
local v = redis.call('HINCRBY', KEYS[2], 'v', 1)
redis.call('HSETNX', KEYS[2], 'epoch', ARGV[3])
for _, uid in ipairs(changed) do redis.call('ZADD', KEYS[3], v, uid) end
local over = redis.call('ZCARD', KEYS[3]) - cap
if over > 0 then
  local cut = redis.call('ZRANGE', KEYS[3], over - 1, over - 1, 'WITHSCORES')[2]
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', cut)
  redis.call('HSET', KEYS[2], 'floor', cut)
end
return changed
