-- Takes or renews a consumer-name lease. KEYS[1] lease key; ARGV[1] owner token; ARGV[2] ttl in ms.
-- Returns 1 when the caller holds the lease afterwards, 0 when another live process holds it.
local owner = redis.call('GET', KEYS[1])
if owner == false or owner == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
