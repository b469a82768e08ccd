-- Records that a stream's generation is on `llm:requests` (its `queue_by` goes), if the request queued is the stream's
-- current attempt (a retry may have taken the stream over meanwhile, and is then the one to confirm).
-- KEYS[1] llm:meta:{id}
-- ARGV[1] the attempt's nonce
-- Returns 1 when recorded, 0 otherwise.
if redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[1] then
  return 0
end
return redis.call('HDEL', KEYS[1], 'queue_by')
