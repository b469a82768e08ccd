-- Accepts articles into news_raw once per id. KEYS[1] news_raw; KEYS[2..] article_accepted:{id} per article.
-- ARGV[1] dedupe ttl (s); then per article: field count N, then N/2 field/value pairs.
-- Returns per article 1 (appended) or 0 (the same id was accepted before). A mark offered again lives on from then:
-- an RSS feed lists an item for as long as it likes, and the item must stay one article.
local ttl = tonumber(ARGV[1])
local results = {}
local at = 2
for i = 2, #KEYS do
  local n = tonumber(ARGV[at])
  local fields = {}
  for j = 1, n do fields[j] = ARGV[at + j] end
  at = at + n + 1
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ttl) then
    redis.call('XADD', KEYS[1], '*', unpack(fields))
    results[#results + 1] = 1
  else
    redis.call('EXPIRE', KEYS[i], ttl)
    results[#results + 1] = 0
  end
end
return results
