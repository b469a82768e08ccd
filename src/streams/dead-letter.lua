-- Appends a dead letter once; never evicts one. At the cap nothing is written and the entry stays pending in its
-- stream, to be offered again at its next reclaim. The entry is acknowledged in its own stream afterwards (another
-- slot on a cluster): `written` marks it here, so the retry that follows a failed acknowledgement writes nothing twice.
-- KEYS[1] dlq:{stage}; KEYS[2] written marker of the entry (same slot). ARGV[1] the cap (0 = none); ARGV[2] how long
-- the marker lasts (ms); then the dead letter's fields and values.
-- Returns 1 when stored now, 2 when it was stored before, 0 at the cap.
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
local cap = tonumber(ARGV[1])
if cap > 0 and redis.call('XLEN', KEYS[1]) >= cap then return 0 end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
redis.call('SET', KEYS[2], id, 'PX', ARGV[2])
return 1
