-- Stores an article once. KEYS[1] article:{id}; ARGV[1] candidate short id, ARGV[2] article JSON, ARGV[3] ttl (s).
-- Returns {short id, 1 if already appended to its topic stream else 0}; a stored article keeps its first short id.
local n = redis.call('HGET', KEYS[1], 'n')
if n then
  return {tonumber(n), tonumber(redis.call('HGET', KEYS[1], 't') or '0')}
end
redis.call('HSET', KEYS[1], 'n', ARGV[1], 'a', ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return {tonumber(ARGV[1]), 0}
