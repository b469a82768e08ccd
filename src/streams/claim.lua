-- Hands one pending entry to a consumer, counting a delivery, and says how often it has now been delivered. Entries
-- delivered before and never acknowledged (their consumer died, maybe because of them) are handed out one at a time,
-- so a poison entry is dead-lettered alone and never costs its neighbours deliveries.
-- KEYS[1] stream; ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id.
-- Returns {flat fields, deliveries}, or {} when the entry is no longer pending or was deleted (XCLAIM drops it then).
local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3])
if #claimed == 0 or not claimed[1] then
  return {}
end
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
return {claimed[1][2], pending[1][4]}
