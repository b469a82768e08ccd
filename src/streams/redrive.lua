-- Takes dead letters for a replay: each one still there and not being replayed by another request is marked as being
-- replayed (an expiring key in this slot) and answered with its fields. The caller appends them to the stream they
-- came from (another slot on a cluster) and only then deletes them here with their marks: a replay that dies between
-- the two leaves the dead letter in place, to be replayed again once its mark expires (at least once, never lost).
-- KEYS[1] dlq:{stage}; KEYS[1 + i] the mark of the i-th id. ARGV[1] how long a mark lasts (ms); ARGV[1 + i] the ids.
-- Returns per id: {0} gone, {1} being replayed by another request, {2, fields} taken.
local taken = {}
for i = 2, #ARGV do
  local entry = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])[1]
  if not entry then
    taken[#taken + 1] = {0}
  elseif not redis.call('SET', KEYS[i], '1', 'NX', 'PX', ARGV[1]) then
    taken[#taken + 1] = {1}
  else
    taken[#taken + 1] = {2, entry[2]}
  end
end
return taken
