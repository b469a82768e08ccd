-- Resets the idle time of a pending entry still being handled (a long generation), so XAUTOCLAIM does not hand
-- it to another consumer while its owner is alive. JUSTID: the delivery count is left as it is.
-- KEYS[1] stream; ARGV[1] group, ARGV[2] entry id
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #pending == 0 then
  return 0
end
redis.call('XCLAIM', KEYS[1], ARGV[1], pending[1][2], 0, ARGV[2], 'JUSTID')
return 1
