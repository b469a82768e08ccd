import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ChainableCommander, Cluster, Valkey } from 'iovalkey';
import { tracingOn } from '../tracing/tracing.js';

type Reply = unknown;

const tracer = trace.getTracer('skein');

/**
 * A Lua script read once from its `.lua` file; runs by EVALSHA and loads itself on NOSCRIPT. Each runs with a `#!lua`
 * shebang and no flags: on a Valkey Cluster a script that touches keys of two slots then fails at once (compatibility
 * mode would let it through whenever both slots happen to be on one node), so every script is held to one slot but
 * fanout.lua, which says so (`crossSlot`).
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

  /**
   * `crossSlot`: the script may touch keys of several slots of the node it runs on (`allow-cross-slot-keys`): for work
   * its caller groups by node, which stops at the first key its node does not hold and is sent again per slot.
   */
  static from(url: URL, options: { crossSlot?: boolean } = {}): LuaScript {
    const key = url.href;
    let script = LuaScript.cache.get(key);
    if (!script) {
      const shebang = options.crossSlot ? '#!lua flags=allow-cross-slot-keys' : '#!lua';
      script = new LuaScript(url.pathname.split('/').pop() ?? key, `${shebang}\n${readFileSync(url, 'utf8')}`);
      LuaScript.cache.set(key, script);
    }
    return script;
  }

  /**
   * Runs the script. With tracing on and a span active (an HTTP request's), the call is a client span of its own
   * (`EVALSHA <script>`, `db.system.name` valkey), a child of that span: the request's trace shows its Valkey time.
   */
  async run(client: Valkey, keys: string[], args: (string | number)[]): Promise<Reply> {
    if (!tracingOn() || !trace.getSpan(context.active())) return this.call(client, keys, args);
    return tracer.startActiveSpan(
      `EVALSHA ${this.name}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'valkey',
          'db.operation.name': 'EVALSHA',
          'db.query.summary': `EVALSHA ${this.name}`,
          'skein.valkey.keys': keys.length,
        },
      },
      async (span) => {
        try {
          return await this.call(client, keys, args);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  private async call(client: Valkey, keys: string[], args: (string | number)[]): Promise<Reply> {
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
