-- Compare-and-write of a chunk of feature rows of one view: a row never goes back in time, whoever writes.
-- KEYS[1] fs:index:{view}; KEYS[2..] fs:v1:{view}:{entity_id}, one per row.
-- ARGV[1] ttl s (0 = no expiry); ARGV[2] view; then per row: event time (epoch s), entity id, and the row's
-- field/value items joined by NUL (values JSON-encoded, so a NUL never occurs inside one).
-- Returns per row 1 when written, 0 when the stored row is newer (skipped).
local ttl = tonumber(ARGV[1])
local view = ARGV[2]
local results = {}
local written = {}
local find, sub = string.find, string.sub
for k = 2, #KEYS do
  local at = 3 * (k - 1)
  local ts, packed = ARGV[at], ARGV[at + 2]
  local stored = redis.call('HGET', KEYS[k], '_updated_at')
  if stored and tonumber(stored) > tonumber(ts) then
    results[k - 1] = 0
  else
    local fields = { '_updated_at', ts, '_feature_view', view }
    local n, pos = 4, 1
    while true do
      local nul = find(packed, '\0', pos, true)
      n = n + 1
      if not nul then
        fields[n] = sub(packed, pos)
        break
      end
      fields[n] = sub(packed, pos, nul - 1)
      pos = nul + 1
    end
    redis.call('HSET', KEYS[k], unpack(fields))
    if ttl > 0 then redis.call('EXPIRE', KEYS[k], ttl) end
    written[#written + 1] = ARGV[at + 1]
    results[k - 1] = 1
  end
end
-- One SADD for the chunk's written entities (the view's index, for delete without SCAN).
if #written > 0 then redis.call('SADD', KEYS[1], unpack(written)) end
return results
