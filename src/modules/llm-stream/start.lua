-- Creates a token stream and queues its generation, once per id.
-- KEYS[1] llm:meta:{id}, KEYS[2] llm:log:{id}, KEYS[3] llm:requests
-- ARGV[1] ttl seconds, ARGV[2] id, ARGV[3] the request's traceparent ('' without tracing), ARGV[4..] meta field/value pairs
-- Returns 1 when created, 0 when the id already exists.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[1], ARGV[1])
if ARGV[3] == '' then
  redis.call('XADD', KEYS[3], '*', 'id', ARGV[2])
else
  redis.call('XADD', KEYS[3], '*', 'id', ARGV[2], 'traceparent', ARGV[3])
end
return 1
