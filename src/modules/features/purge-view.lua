-- Removes the data of a view that is not registered, a chunk of rows per call: its rows (found through its index),
-- then, once the index is empty, the index and the view's stream. Does nothing while the view is registered (it was
-- created again meanwhile), so the check and each removal are one step.
-- KEYS[1] fs:registry:views; KEYS[2] fs:index:{view}; KEYS[3] fs:stream:{view}.
-- ARGV[1] view name; ARGV[2] row key head (`fs:v1:{view}:`); ARGV[3] rows per call.
-- Returns {rows removed, state}: state 0 = more rows left, 1 = done, 2 = the view is registered (nothing removed).
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {0, 2} end
local ids = redis.call('SPOP', KEYS[2], tonumber(ARGV[3]))
if #ids == 0 then
  redis.call('UNLINK', KEYS[2], KEYS[3])
  return {0, 1}
end
local removed = 0
for i = 1, #ids do removed = removed + redis.call('UNLINK', ARGV[2] .. ids[i]) end
return {removed, 0}
