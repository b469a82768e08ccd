-- Removes from a view's index the entities whose row is gone (expired by its TTL), in one step with respect to the
-- materializer's writes: a row written again is in the index again.
-- KEYS[1] fs:index:{view} (on a cluster fs:index:{view}:{tag}, which lists only rows of its own slot, so the row keys
-- built here are in the script's slot); ARGV[1] row key head (`fs:v1:{view}:`); ARGV[2..] entity ids from the index.
-- Returns how many were removed.
local gone = {}
for i = 2, #ARGV do
  if redis.call('EXISTS', ARGV[1] .. ARGV[i]) == 0 then gone[#gone + 1] = ARGV[i] end
end
if #gone > 0 then redis.call('SREM', KEYS[1], unpack(gone)) end
return #gone
