-- Takes the users inactive since ARGV[2] (ms) out of one topic's subscriber set, one SSCAN step at a time. KEYS[1]
-- topic_subscribers:{topic}, KEYS[2] users_active; ARGV[1] SSCAN cursor, ARGV[3] SSCAN COUNT. A member with no
-- activity, or older, goes. Atomic per step: a user marked active before it stays, one marked active after it is
-- added back by their feed read (a returning user). Returns {next cursor, how many were removed}.
local scan = redis.call('SSCAN', KEYS[1], ARGV[1], 'COUNT', tonumber(ARGV[3]))
local members = scan[2]
local gone = {}
if #members > 0 then
  local before = tonumber(ARGV[2])
  local scores = redis.call('ZMSCORE', KEYS[2], unpack(members))
  for i, uid in ipairs(members) do
    if not scores[i] or tonumber(scores[i]) < before then gone[#gone + 1] = uid end
  end
  if #gone > 0 then redis.call('SREM', KEYS[1], unpack(gone)) end
end
return {scan[1], #gone}
