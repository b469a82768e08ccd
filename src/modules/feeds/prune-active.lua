-- Removes up to ARGV[2] members of the activity set KEYS[1] last active before ARGV[1] (ms); returns how many.
-- Bounded, so a large backlog goes in many short calls, never one long one.
local gone = redis.call('ZRANGE', KEYS[1], '-inf', '(' .. ARGV[1], 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[2]))
if #gone > 0 then redis.call('ZREM', KEYS[1], unpack(gone)) end
return #gone
