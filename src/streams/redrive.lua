-- Moves dead letters back to the stream they came from, each atomically: appended again with its original fields
-- under a new id (the engine's dlq_* fields dropped; an entry's own field stored as dlq_field:{name} restored under
-- its name), and deleted from the dead-letter stream. An id no longer there is skipped.
-- KEYS[1] dlq:{stage}; KEYS[2] the stream the entries came from (the caller groups ids by their dlq_stream).
-- ARGV the entry ids. Returns the ids moved, and the ids left because they hold no original field.
local moved, kept = {}, {}
for i = 1, #ARGV do
  local entry = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])[1]
  if entry then
    local fields, original = entry[2], {}
    for j = 1, #fields, 2 do
      local name = fields[j]
      if string.sub(name, 1, 10) == 'dlq_field:' then
        name = string.sub(name, 11)
      elseif string.sub(name, 1, 4) == 'dlq_' then
        name = nil
      end
      if name then
        original[#original + 1] = name
        original[#original + 1] = fields[j + 1]
      end
    end
    if #original > 0 then
      redis.call('XADD', KEYS[2], '*', unpack(original))
      redis.call('XDEL', KEYS[1], ARGV[i])
      moved[#moved + 1] = ARGV[i]
    else
      kept[#kept + 1] = ARGV[i]
    end
  end
end
return {moved, kept}
