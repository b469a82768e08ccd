import type { ChainableCommander, Valkey } from 'iovalkey';
import type { LuaScript } from './lua-script.js';

/** Awaits a pipeline and throws its first error, so a failed write is never acknowledged as done. */
export async function execOrThrow(result: Promise<[Error | null, unknown][] | null>): Promise<unknown[]> {
  const replies = (await result) ?? [];
  const failed = replies.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
  return replies.map(([, value]) => value);
}

/**
 * Runs a pipeline of idempotent commands (Lua calls by EVALSHA): on NOSCRIPT (a restarted or flushed server) it
 * loads the scripts and runs the whole pipeline again. Throws the first error; answers the replies in order.
 */
export async function execIdempotent(
  client: Valkey,
  scripts: LuaScript[],
  build: (pipeline: ChainableCommander) => void,
): Promise<unknown[]> {
  for (let attempt = 0; ; attempt++) {
    const pipeline = client.pipeline();
    build(pipeline);
    if (pipeline.length === 0) return [];
    const replies = (await pipeline.exec()) ?? [];
    if (attempt === 0 && replies.some(([error]) => error?.message.includes('NOSCRIPT'))) {
      for (const script of scripts) await script.ensureLoaded(client);
      continue;
    }
    return execOrThrow(Promise.resolve(replies));
  }
}
