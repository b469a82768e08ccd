-- Acknowledges entries only on the server that delivered them. A server restarted since the read (which may have
-- lost the output written for them, e.g. an AOF without `appendfsync always`) or another that took over (failover)
-- has another run_id: then nothing is acknowledged and the entries stay pending, to be handled again.
-- KEYS[1] stream; ARGV[1] group, ARGV[2] run_id of the server the entries were read from, ARGV[3..] entry ids.
-- Returns how many were acknowledged, or -1 when this server is not the one that delivered them.
local info = redis.call('INFO', 'server')
if string.match(info, 'run_id:(%w+)') ~= ARGV[2] then
  return -1
end
local acked = 0
local chunk = {}
for i = 3, #ARGV do
  chunk[#chunk + 1] = ARGV[i]
  if #chunk == 1000 or i == #ARGV then
    acked = acked + redis.call('XACK', KEYS[1], ARGV[1], unpack(chunk))
    chunk = {}
  end
end
return acked
