-- Compare-and-write of a chunk of feature rows of one view: a row never goes back in time, whoever writes. Rows are
-- ordered by (event time, stream entry id): of two entries with the same event time the later-written one wins, so
-- racing materializers agree whatever order their calls run in.
-- KEYS[1] fs:index:{view}; KEYS[2..] fs:v1:{view}:{entity_id}, one per row. On a Valkey Cluster every row of a call is
-- in one hash slot and KEYS[1] is that slot's index of the view, fs:index:{view}:{tag} (see feature-row-index.ts).
-- ARGV[1] ttl s (0 = no expiry); ARGV[2] view; then one per row: a JSON array of strings, [event time (epoch s),
-- stream entry id, entity id, number of null features, null feature, ..., field, value, ...], values already in their
-- stored text (cjson decodes in C); a null feature's field is deleted. Every row written gets `_enc` = `text`.
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

-- A row written before the plain-text encoding (no `_enc`) held every value as JSON: of those only a STRING (in
-- quotes) and null are spelled differently now. They are rewritten in place before the row gets `_enc`, so a row
-- never mixes the two encodings (a STRING that fails to decode, written by hand, stays as it is).
local function upgrade(key)
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local field, value = all[i], all[i + 1]
    if string.byte(field, 1) ~= 95 then -- not `_`: a feature
      if value == 'null' then
        redis.call('HDEL', key, field)
      elseif string.byte(value, 1) == 34 then -- `"`
        local ok, text = pcall(decode, value)
        if ok and type(text) == 'string' then redis.call('HSET', key, field, text) end
      end
    end
  end
end

local results = {}
local written = {}
for k = 2, #KEYS do
  local row = decode(ARGV[k + 1])
  local ts = row[1]
  local stored = redis.call('HMGET', KEYS[k], '_updated_at', '_entry_id', '_enc')
  local stored_ts = tonumber(stored[1])
  local newer = tonumber(ts)
  if stored_ts and stored_ts <= max_time
      and (stored_ts > newer or (stored_ts == newer and later(stored[2], row[2]))) then
    results[k - 1] = 0
  else
    if stored[1] and not stored[3] then upgrade(KEYS[k]) end
    local nulls = tonumber(row[4])
    if nulls > 0 then redis.call('HDEL', KEYS[k], unpack(row, 5, 4 + nulls)) end
    redis.call('HSET', KEYS[k], '_updated_at', ts, '_entry_id', row[2], '_feature_view', view, '_enc', 'text',
      unpack(row, 5 + nulls))
    if ttl > 0 then redis.call('EXPIRE', KEYS[k], ttl) end
    written[#written + 1] = row[3]
    results[k - 1] = 1
  end
end
-- One SADD for the chunk's written entities (the view's index, for delete without SCAN).
if #written > 0 then redis.call('SADD', KEYS[1], unpack(written)) end
return results
