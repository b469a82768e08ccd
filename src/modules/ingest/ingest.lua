-- Accepts articles into news_raw once per id. KEYS[1] news_raw; then per article its mark
-- article_accepted:{news_raw}:<id> (news_raw's slot: valid on a cluster) and, when ARGV[2] is 2, the mark's legacy
-- name article_accepted:<id> (standalone only: a mark set before the rename still counts until it expires).
-- ARGV[1] dedupe ttl (s), ARGV[2] keys per article (1 or 2); then per article: field count N, then N field/value pairs.
-- Returns per article 1 (appended) or 0 (the same id was accepted before). A mark offered again lives on from then:
-- an RSS feed lists an item for as long as it likes, and the item must stay one article.
local ttl = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
local results = {}
local at = 3
for i = 2, #KEYS, per do
  local n = tonumber(ARGV[at])
  local fields = {}
  for j = 1, n do fields[j] = ARGV[at + j] end
  at = at + n + 1
  local fresh = redis.call('SET', KEYS[i], '1', 'NX', 'EX', ttl)
  if fresh and per == 2 and redis.call('EXISTS', KEYS[i + 1]) == 1 then fresh = false end
  if fresh then
    redis.call('XADD', KEYS[1], '*', unpack(fields))
    results[#results + 1] = 1
  else
    redis.call('EXPIRE', KEYS[i], ttl)
    results[#results + 1] = 0
  end
end
return results
