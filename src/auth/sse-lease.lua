-- Takes one of a credential's SSE connection leases, if it holds fewer than the cap.
-- KEYS[1] sse:{budget} (sorted set: lease id -> expiry ms)
-- ARGV[1] now (ms), ARGV[2] lease id, ARGV[3] lease length (ms), ARGV[4] cap
-- Returns 1 when taken, else 0. Leases of a replica that died expire on their own.
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
return 1
