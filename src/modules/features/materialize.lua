-- Compare-and-write of a chunk of feature rows of one view: a row never goes back in time, whoever writes. Rows are
-- ordered by (event time, stream entry id): of two entries with the same event time the later-written one wins, so
-- racing materializers agree whatever order their calls run in.
-- KEYS[1] fs:index:{view}; KEYS[2..] fs:v1:{view}:{entity_id}, one per row.
-- ARGV[1] ttl s (0 = no expiry); ARGV[2] view; then one per row: a JSON array of strings, [event time (epoch s),
-- stream entry id, entity id, field, value, ...], values already in their stored encoding (cjson decodes in C).
-- Returns per row 1 when written (the same entry again is written again: idempotent), 0 when the stored row is newer.
local ttl = tonumber(ARGV[1])
local view = ARGV[2]
local decode = cjson.decode
-- MAX_EVENT_TIME (feature-schema.ts): a stored time past it, or not a number, was never valid and is overwritten.
local max_time = 253402300799

-- Whether stream entry id a (`ms-seq`, decimal) comes after b. A missing or malformed id (a row written before entry
-- ids were stored, or by hand) comes before any id.
local function later(a, b)
  local ams, aseq = string.match(a or '', '^(%d+)-(%d+)$')
  if not ams then return false end
  local bms, bseq = string.match(b or '', '^(%d+)-(%d+)$')
  if not bms then return true end
  if #ams ~= #bms then return #ams > #bms end
  if ams ~= bms then return ams > bms end
  if #aseq ~= #bseq then return #aseq > #bseq end
  return aseq > bseq
end

local results = {}
local written = {}
for k = 2, #KEYS do
  local row = decode(ARGV[k + 1])
  local ts = row[1]
  local stored = redis.call('HMGET', KEYS[k], '_updated_at', '_entry_id')
  local stored_ts = tonumber(stored[1])
  local newer = tonumber(ts)
  if stored_ts and stored_ts <= max_time
      and (stored_ts > newer or (stored_ts == newer and later(stored[2], row[2]))) then
    results[k - 1] = 0
  else
    redis.call('HSET', KEYS[k], '_updated_at', ts, '_entry_id', row[2], '_feature_view', view, unpack(row, 4))
    if ttl > 0 then redis.call('EXPIRE', KEYS[k], ttl) end
    written[#written + 1] = row[3]
    results[k - 1] = 1
  end
end
-- One SADD for the chunk's written entities (the view's index, for delete without SCAN).
if #written > 0 then redis.call('SADD', KEYS[1], unpack(written)) end
return results
