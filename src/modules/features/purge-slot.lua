-- On a Valkey Cluster: removes a chunk of a deleted view's rows of one hash slot, found through the view's index set of
-- that slot (the rows built from ARGV hash to the same slot as the index: it lists only them). The caller has checked
-- that the view is not registered.
-- KEYS[1] fs:index:{view}:{tag}; ARGV[1] row key head (`fs:v1:{view}:`); ARGV[2] rows per call.
-- Returns {rows removed, entities left in the index}.
local ids = redis.call('SPOP', KEYS[1], tonumber(ARGV[2]))
local removed = 0
for i = 1, #ids do removed = removed + redis.call('UNLINK', ARGV[1] .. ids[i]) end
return {removed, redis.call('SCARD', KEYS[1])}
