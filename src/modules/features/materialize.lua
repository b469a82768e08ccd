-- Compare-and-write of a chunk of feature rows of one view: a row never goes back in time, whoever writes.
-- KEYS[1] fs:index:{view}; KEYS[2..] fs:v1:{view}:{entity_id}, one per row.
-- ARGV[1] ttl s (0 = no expiry); ARGV[2] view; then one per row: a JSON array of strings, [event time (epoch s),
-- entity id, field, value, ...], values already in their stored encoding (cjson decodes in C).
-- Returns per row 1 when written, 0 when the stored row is newer (skipped).
local ttl = tonumber(ARGV[1])
local view = ARGV[2]
local decode = cjson.decode
-- MAX_EVENT_TIME (feature-schema.ts): a stored time past it, or not a number, was never valid and is overwritten.
local max_time = 253402300799
local results = {}
local written = {}
for k = 2, #KEYS do
  local row = decode(ARGV[k + 1])
  local ts = row[1]
  local stored = tonumber(redis.call('HGET', KEYS[k], '_updated_at'))
  if stored and stored <= max_time and stored > tonumber(ts) then
    results[k - 1] = 0
  else
    redis.call('HSET', KEYS[k], '_updated_at', ts, '_feature_view', view, unpack(row, 3))
    if ttl > 0 then redis.call('EXPIRE', KEYS[k], ttl) end
    written[#written + 1] = row[2]
    results[k - 1] = 1
  end
end
-- One SADD for the chunk's written entities (the view's index, for delete without SCAN).
if #written > 0 then redis.call('SADD', KEYS[1], unpack(written)) end
return results
