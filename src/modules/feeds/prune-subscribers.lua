-- Takes users out of one topic's subscriber set. KEYS[1] topic_subscribers:{topic}; ARGV the user ids. Returns those
-- that were members (the activity pruner checks them again: one who returned meanwhile is put back).
local gone = {}
for _, uid in ipairs(ARGV) do
  if redis.call('SREM', KEYS[1], uid) == 1 then gone[#gone + 1] = uid end
end
return gone
