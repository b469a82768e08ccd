-- Cancels a running stream: logs and publishes its `end` (reason cancelled) and tells the generating replica. A
-- captured stream's end goes to the channel its meta names (its viewers'), not the outside publisher's.
-- KEYS[1] llm:meta:{id}, KEYS[2] llm:log:{id}
-- ARGV[1] channel, ARGV[2] control channel, ARGV[3] id, ARGV[4] now (ms), ARGV[5] ttl seconds, ARGV[6] now (epoch s,
-- the message's timestamp), ARGV[7] '1' to publish the end here, '' to return it to the caller (a Valkey Cluster: the
-- channel is in another slot; the control channel is not sharded and is published here either way)
-- Returns -1 for an unknown id, 0 when the stream had already finished, 1 when cancelled (with ARGV[7] '': the channel
-- and the end to publish on it).
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return -1
end
if status ~= 'running' then
  return 0
end
local tokens = 0
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if #last > 0 then
  local major, minor = string.match(last[1][1], '^(%d+)-(%d+)$')
  if major == '2' then
    return 0
  end
  if major == '1' then
    tokens = tonumber(minor) + 1
  end
end
local message = '{"type":"end","request_id":' .. cjson.encode(ARGV[3]) .. ',"total_tokens":' .. tokens ..
  ',"timestamp":' .. ARGV[6] .. ',"reason":"cancelled"}'
redis.call('XADD', KEYS[2], '2-0', 'm', message)
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'ended_at', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
local channel = redis.call('HGET', KEYS[1], 'channel') or ARGV[1]
if ARGV[7] == '1' then redis.call('PUBLISH', channel, message) end
redis.call('PUBLISH', ARGV[2], cjson.encode({type = 'cancel', id = ARGV[3]}))
if ARGV[7] == '1' then return 1 end
return {1, channel, message}
