-- Appends an article to its topic stream once. KEYS[1] topic:{topic}, KEYS[2] topic_appended:{topic:<topic>} (the
-- same slot: a sorted set of the short ids appended lately, scored by short id); ARGV[1] stream cap (~), ARGV[2] the
-- article's short id, ARGV[3] its JSON, ARGV[4] how many short ids the set keeps.
-- Fan-out marks `t` on article:{id} (another slot) only after this returns: a failure between the two (a node failing
-- over) redelivers the batch, and this set turns the second append into a no-op. Returns 1 if appended, 0 if not.
if redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'data', ARGV[3], 'n', ARGV[2])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1) end
return 1
