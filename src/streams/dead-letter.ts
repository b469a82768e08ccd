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

/**
 * What a replay appends: the entry's own fields of a stored dead letter (flat, in their order) under their original
 * names; the engine's `dlq_*` fields dropped.
 */
export function originalFields(stored: string[]): string[] {
  const original: string[] = [];
  for (let i = 0; i + 1 < stored.length; i += 2) {
    const name = stored[i];
    if (name.startsWith(OWN_FIELD_PREFIX)) original.push(name.slice(OWN_FIELD_PREFIX.length), stored[i + 1]);
    else if (!name.startsWith('dlq_')) original.push(name, stored[i + 1]);
  }
  return original;
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
 * How long the marker that an entry was dead-lettered outlives its write: the acknowledgement that follows, when it
 * fails, is retried at the entry's next reclaim (STREAM_CLAIM_IDLE_MS later, or once Valkey is back).
 */
const WRITTEN_MARKER_MS = 24 * 3600 * 1000;

/**
 * Appends the dead letter to `dlq`, then acknowledges `id` in `stream`; with `cap` > 0 and `dlq` holding `cap`
 * entries, writes nothing and answers false (the entry stays pending: nothing is evicted to make room).
 * Two steps, as the two streams may live in different slots of a cluster: written then acknowledged, idempotently. A
 * failed acknowledgement leaves the entry pending; its next delivery finds the marker `written` (the dead-letter
 * stream's slot) and only acknowledges it: one dead letter per entry, never none.
 */
export async function appendDeadLetter(
  client: Valkey,
  target: { dlq: string; written: string },
  source: { stream: string; group: string; id: string },
  fields: string[],
  cap: number,
): Promise<boolean> {
  const stored = Number(
    await DEAD_LETTER.run(client, [target.dlq, target.written], [cap, WRITTEN_MARKER_MS, ...fields]),
  );
  if (stored === 0) return false;
  await client.xack(source.stream, source.group, source.id);
  return true;
}
