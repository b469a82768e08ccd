-- Deletes a consumer from its group when it holds no pending entry (a stopped or long-dead replica's name), so
-- consumer names do not pile up across restarts; one that still holds entries is kept for them to be reclaimed.
-- KEYS[1] stream; ARGV[1] group, ARGV[2] consumer. Returns 1 when deleted.
local held = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
if #held > 0 then
  return 0
end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1
