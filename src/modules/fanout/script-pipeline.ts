import type { ChainableCommander, Valkey } from 'iovalkey';
import type { LuaScript } from '../../valkey/lua-script.js';

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
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0] as Error;
    return replies.map(([, reply]) => reply);
  }
}
