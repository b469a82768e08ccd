-- Creates the meta of a stream captured from an outside publisher (no generation is queued), once per id.
-- KEYS[1] llm:meta:{id}, KEYS[2] llm:log:{id}
-- ARGV[1] ttl seconds, ARGV[2..] meta field/value pairs
-- Returns 1 when created, 0 when the id exists (a Skein stream, or a capture by another replica).
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
