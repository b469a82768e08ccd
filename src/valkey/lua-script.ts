import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ChainableCommander, Cluster, Valkey } from 'iovalkey';

type Reply = unknown;

/**
 * A Lua script read once from its `.lua` file; runs by EVALSHA and loads itself on NOSCRIPT. Each runs with a `#!lua`
 * shebang and no flags: on a Valkey Cluster a script that touches keys of two slots then fails at once (compatibility
 * mode would let it through whenever both slots happen to be on one node), so every script is held to one slot.
 */
export class LuaScript {
  private static readonly cache = new Map<string, LuaScript>();
  readonly sha: string;

  private constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  static from(url: URL): LuaScript {
    const key = url.href;
    let script = LuaScript.cache.get(key);
    if (!script) {
      script = new LuaScript(url.pathname.split('/').pop() ?? key, `#!lua\n${readFileSync(url, 'utf8')}`);
      LuaScript.cache.set(key, script);
    }
    return script;
  }

  async run(client: Valkey, keys: string[], args: (string | number)[]): Promise<Reply> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }

  /** Queues the script on a pipeline; call `ensureLoaded` first so EVALSHA finds it. */
  queue(pipeline: ChainableCommander, keys: string[], args: (string | number)[]): void {
    pipeline.evalsha(this.sha, keys.length, ...keys, ...args);
  }

  /** Loads the script where EVALSHA will look for it: the server, or every primary of a cluster. */
  async ensureLoaded(client: Valkey): Promise<void> {
    const cluster = client as unknown as Partial<Cluster>;
    const servers = cluster.isCluster ? cluster.nodes!('master') : [client];
    await Promise.all(
      servers.map(async (server) => {
        const [exists] = (await server.script('EXISTS', this.sha)) as number[];
        if (!exists) await server.script('LOAD', this.source);
      }),
    );
  }
}
