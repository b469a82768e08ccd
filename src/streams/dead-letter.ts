import type { Valkey } from 'iovalkey';
import { LuaScript } from '../valkey/lua-script.js';
import type { Fields } from './stream-entry.js';

const DEAD_LETTER = LuaScript.from(new URL('./dead-letter.lua', import.meta.url));

/** The engine's fields of a dead letter start with `dlq_`; an entry's own field of such a name is stored under this. */
export const OWN_FIELD_PREFIX = 'dlq_field:';

/**
 * The fields of a dead letter: the engine's `dlq_*` fields, then the entry's own, where a name the engine reserves
 * (`dlq_*`) becomes `dlq_field:{name}`, so the engine's always win and a replay restores the entry as it was written.
 */
export function deadLetterFields(engine: Fields, own: Fields): string[] {
  const flat = Object.entries(engine).flat();
  for (const name in own) flat.push(name.startsWith('dlq_') ? OWN_FIELD_PREFIX + name : name, own[name]);
  return flat;
}

/** The entry's own fields of a stored dead letter, under their original names (the inverse of `deadLetterFields`). */
export function ownFields(stored: Fields): Fields {
  const own: Fields = {};
  for (const name in stored) {
    if (name.startsWith(OWN_FIELD_PREFIX)) own[name.slice(OWN_FIELD_PREFIX.length)] = stored[name];
    else if (!name.startsWith('dlq_')) own[name] = stored[name];
  }
  return own;
}

/**
 * Appends the dead letter to `dlq` and acknowledges `id` in `stream`, atomically; with `cap` > 0 and `dlq` holding
 * `cap` entries, writes nothing and answers false (the entry stays pending: nothing is evicted to make room).
 */
export async function appendDeadLetter(
  client: Valkey,
  dlq: string,
  source: { stream: string; group: string; id: string },
  fields: string[],
  cap: number,
): Promise<boolean> {
  const stored = await DEAD_LETTER.run(client, [dlq, source.stream], [cap, source.group, source.id, ...fields]);
  return Number(stored) === 1;
}
