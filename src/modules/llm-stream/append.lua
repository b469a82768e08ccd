-- Appends one message to a stream's log, then publishes it: a compare-and-set on the log's last entry id, so two
-- generators can never log the same index twice, and a reader never sees a published message the log lacks.
-- KEYS[1] llm:log:{id}, KEYS[2] llm:meta:{id}
-- ARGV[1] the last entry id expected ('' for an empty log), ARGV[2] the new entry id, ARGV[3] message JSON,
-- ARGV[4] channel, ARGV[5] ttl seconds, ARGV[6] status to record ('' to keep), ARGV[7] error text ('' for none),
-- ARGV[8] now (ms), ARGV[9] an `end` to log at 2-1 and publish right after the message ('' for none: it follows an
-- `error`, so a subscriber that stops on `end` stops), ARGV[10] '1' to publish here, '' to leave the publishing to the
-- caller (a Valkey Cluster: the channel is in another slot, see TokenLogRepository.append)
-- Returns 1 when appended (or when this very append is the last one already: the same append resent after its reply
-- was lost), else the log's actual last id ('' when empty).
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local lastId = ''
if #last > 0 then
  lastId = last[1][1]
end
local finalId, finalMessage = ARGV[2], ARGV[3]
if ARGV[9] ~= '' then finalId, finalMessage = '2-1', ARGV[9] end
if lastId == finalId and last[1][2][2] == finalMessage then
  return 1
end
if lastId ~= ARGV[1] then
  return lastId
end
redis.call('XADD', KEYS[1], ARGV[2], 'm', ARGV[3])
if ARGV[9] ~= '' then redis.call('XADD', KEYS[1], '2-1', 'm', ARGV[9]) end
redis.call('EXPIRE', KEYS[1], ARGV[5])
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[2], 'status', ARGV[6], 'ended_at', ARGV[8])
  if ARGV[7] ~= '' then
    redis.call('HSET', KEYS[2], 'error', ARGV[7])
  end
end
redis.call('EXPIRE', KEYS[2], ARGV[5])
if ARGV[10] == '1' then
  redis.call('PUBLISH', ARGV[4], ARGV[3])
  if ARGV[9] ~= '' then redis.call('PUBLISH', ARGV[4], ARGV[9]) end
end
return 1
