-- Takes up to ARGV[1] requests of a credential's budget for the current window, never past the budget.
-- KEYS[1] the budget's count in this window; ARGV[1] wanted, ARGV[2] the budget, ARGV[3] the window (ms)
-- Returns {granted, ms left in the window}: granted 0 when the budget is spent.
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local grant = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used)
if grant <= 0 then
  return {0, redis.call('PTTL', KEYS[1])}
end
local total = redis.call('INCRBY', KEYS[1], grant)
if total == grant then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return {grant, redis.call('PTTL', KEYS[1])}
