-- Appends an article to its topic stream once. KEYS[1] topic:{topic}, KEYS[2] topic_appended:{topic:<topic>} (the
-- same slot: a sorted set of the short ids appended lately, scored by their place in the stream); ARGV[1] stream cap
-- (~), ARGV[2] the article's short id, ARGV[3] its JSON, ARGV[4] how many short ids the set keeps.
-- Fan-out marks `t` on article:{id} (another slot) only after this returns: a failure between the two (a node failing
-- over) redelivers the batch, and this set turns the second append into a no-op. Returns 1 if appended, 0 if not.
-- The score is the entry id's ms × 1024 + its sequence (capped at 1023: over a thousand appends to one topic in one ms
-- do not happen), so the set lists the topic's recent short ids in append order, as compact as a reader of feeds
-- needs (FeedRepository.pull and rebuild read it, not the stream's JSON); an exact double up to 2^53 ms × 1024.
-- Members written before the score meant this (scored by short id) sort below every newer one.
if redis.call('ZSCORE', KEYS[2], ARGV[2]) then return 0 end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'data', ARGV[3], 'n', ARGV[2])
local ms, seq = string.match(id, '^(%d+)-(%d+)$')
redis.call('ZADD', KEYS[2], tonumber(ms) * 1024 + math.min(tonumber(seq), 1023), ARGV[2])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1) end
return 1
