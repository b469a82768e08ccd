-- Ends with an error a stream whose generation was never queued (the replica that created it failed before it could,
-- and no retry came): its `queue_by` has passed and nothing is logged. Logs and publishes the error and its end, as
-- append.lua does, so viewers and status reads do not wait for good.
-- KEYS[1] llm:meta:{id}, KEYS[2] llm:log:{id}
-- ARGV[1] now (ms), ARGV[2] channel, ARGV[3] ttl seconds, ARGV[4] error JSON, ARGV[5] its end JSON, ARGV[6] error text,
-- ARGV[7] '1' to publish here, '' to leave the publishing to the caller (a Valkey Cluster: the channel is in another slot)
-- Returns 1 when ended, 0 otherwise (queued, already ended, or not yet due).
local current = redis.call('HMGET', KEYS[1], 'status', 'queue_by')
if current[1] ~= 'running' or not current[2] or tonumber(current[2]) > tonumber(ARGV[1]) then
  return 0
end
if redis.call('XLEN', KEYS[2]) > 0 then
  return 0
end
redis.call('XADD', KEYS[2], '2-0', 'm', ARGV[4])
redis.call('XADD', KEYS[2], '2-1', 'm', ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[1], 'status', 'error', 'ended_at', ARGV[1], 'error', ARGV[6])
redis.call('HDEL', KEYS[1], 'queue_by')
redis.call('EXPIRE', KEYS[1], ARGV[3])
if ARGV[7] == '1' then
  redis.call('PUBLISH', ARGV[2], ARGV[4])
  redis.call('PUBLISH', ARGV[2], ARGV[5])
end
return 1
