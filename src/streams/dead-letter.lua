-- Appends a dead letter and acknowledges its entry, atomically; never evicts one. At the cap nothing is written and
-- the entry stays pending in its stream, to be offered again at its next reclaim.
-- KEYS[1] dlq:{stage}; KEYS[2] the input stream. ARGV[1] the cap (0 = none); ARGV[2] group; ARGV[3] entry id;
-- then the dead letter's fields and values. Returns 1 when stored and acknowledged, 0 at the cap.
local cap = tonumber(ARGV[1])
if cap > 0 and redis.call('XLEN', KEYS[1]) >= cap then return 0 end
redis.call('XADD', KEYS[1], '*', unpack(ARGV, 4))
redis.call('XACK', KEYS[2], ARGV[2], ARGV[3])
return 1
