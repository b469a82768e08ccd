-- Creates a token stream, once per id, not yet queued: the caller then queues its generation on `llm:requests` (another
-- slot on a cluster) and confirms with queued.lua. Until then the meta holds `queue_by`: a retry of the same request
-- queues it again (this script answers 2), and past that time unqueued.lua ends it with an error.
-- KEYS[1] llm:meta:{id}, KEYS[2] llm:log:{id}
-- ARGV[1] ttl seconds, ARGV[2] this attempt's nonce, ARGV[3] queue_by (ms), ARGV[4] how many of the field/value pairs
-- that follow name the request (compared on a retry; '' for a field the request lacks), ARGV[5..] meta field/value
-- pairs, those first (a field whose value is '' is not written)
-- Returns 1 when created, 2 when the same request exists unqueued (this attempt takes it over), 0 when the id is taken.
if redis.call('EXISTS', KEYS[1]) == 1 then
  local current = redis.call('HMGET', KEYS[1], 'status', 'queue_by')
  if current[1] ~= 'running' or not current[2] then
    return 0
  end
  for i = 5, 4 + 2 * tonumber(ARGV[4]), 2 do
    if (redis.call('HGET', KEYS[1], ARGV[i]) or '') ~= ARGV[i + 1] then
      return 0
    end
  end
  redis.call('HSET', KEYS[1], 'attempt', ARGV[2], 'queue_by', ARGV[3])
  return 2
end
redis.call('DEL', KEYS[2])
local fields = {'attempt', ARGV[2], 'queue_by', ARGV[3]}
for i = 5, #ARGV, 2 do
  if ARGV[i + 1] ~= '' then
    fields[#fields + 1] = ARGV[i]
    fields[#fields + 1] = ARGV[i + 1]
  end
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
