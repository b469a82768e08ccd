-- Reads many feature rows in one call: KEYS are row keys grouped by view; ARGV is, per view,
-- the number of rows, the number of fields, then the field names. Returns one HMGET reply per key, in order.
local out = {}
local key = 1
local at = 1
while at <= #ARGV do
  local rows = tonumber(ARGV[at])
  local n = tonumber(ARGV[at + 1])
  local fields = {}
  for i = 1, n do fields[i] = ARGV[at + 1 + i] end
  at = at + 2 + n
  for _ = 1, rows do
    out[key] = redis.call('HMGET', KEYS[key], unpack(fields))
    key = key + 1
  end
end
return out
