-- Registers one definition under a name unless the registry already holds its most names (one step, so two replicas
-- cannot both take the last place).
-- KEYS[1] the registry hash (fs:registry:entities, :views or :services)
-- ARGV[1] name, ARGV[2] definition JSON, ARGV[3] most names the hash may hold
-- Returns 1 when registered, 0 when the name exists (nothing written), -1 when the registry is full (nothing written).
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  return 0
end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  return -1
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
