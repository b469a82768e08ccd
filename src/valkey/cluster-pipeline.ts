import type { ChainableCommander, Cluster } from 'iovalkey';

type Reply = [Error | null, unknown];

/**
 * A pipeline for a Valkey Cluster whose commands may touch any slots. iovalkey's cluster pipeline refuses commands of
 * slots held by different nodes; this one records the commands and, on `exec`, sends each through the cluster client
 * (which routes it to its slot's node, follows MOVED and ASK, and — on the auto-pipelined command connection — still
 * writes the commands bound for one node together). Replies come back in order, `[error, value]` per command, as
 * a pipeline answers. Commands for one node keep their order; across nodes there is none to keep (other keys).
 * Not a transaction: MULTI on a cluster stays single-slot (`cluster.multi()`).
 */
export function clusterPipeline(cluster: Cluster): ChainableCommander {
  const calls: [string, unknown[]][] = [];
  const pipeline: ChainableCommander = new Proxy({} as ChainableCommander, {
    get(_, property) {
      if (property === 'length') return calls.length;
      if (property === 'exec') return exec;
      // Not a promise: `await pipeline` must not call a recorded "then".
      if (typeof property !== 'string' || property === 'then') return undefined;
      return (...args: unknown[]) => {
        calls.push([property, args]);
        return pipeline;
      };
    },
  });
  const exec = (): Promise<Reply[]> =>
    Promise.all(
      calls.map(([name, args]) => {
        const command = (cluster as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name];
        if (typeof command !== 'function') return Promise.resolve<Reply>([new Error(`unknown command ${name}`), null]);
        return command.apply(cluster, args).then(
          (value): Reply => [null, value],
          (error: Error): Reply => [error, null],
        );
      }),
    );
  return pipeline;
}
