-- Trims a stream up to the oldest entry some consumer group still needs: the oldest pending entry of any
-- group, or the entry after a group's last-delivered id. Never removes what a group has not acknowledged.
-- KEYS[1] stream. Returns the number of entries removed.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then return 0 end
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local function less(a, b)
  local ams, aseq = parse(a)
  local bms, bseq = parse(b)
  if ams ~= bms then return ams < bms end
  return aseq < bseq
end
local minid = nil
for _, group in ipairs(groups) do
  local info = {}
  for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
  local needed
  if tonumber(info['pending']) > 0 then
    local summary = redis.call('XPENDING', KEYS[1], info['name'])
    needed = summary[2]
  else
    local ms, seq = parse(info['last-delivered-id'])
    needed = ms .. '-' .. (seq + 1)
  end
  if minid == nil or less(needed, minid) then minid = needed end
end
return redis.call('XTRIM', KEYS[1], 'MINID', minid)
