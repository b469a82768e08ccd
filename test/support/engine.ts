import type { Cluster, Valkey } from 'iovalkey';
import { loadConfig } from '../../src/config/config.js';
import { Metrics } from '../../src/metrics/metrics.service.js';
import type { StreamStage } from '../../src/streams/stream-entry.js';
import { StreamWorker, type StreamWorkerOptions } from '../../src/streams/stream-worker.js';
import { clusterNodeUrls, ValkeyConnection, ValkeyService } from '../../src/valkey/valkey.service.js';

/**
 * Stream workers over a real Valkey for the engine's tests: each worker with its own ValkeyService (as in its own
 * replica), entries produced as `n` = 0, 1, …, and stages whose output is the set `out:{stage}`. `env` is the store's
 * (test/support/topology.ts): with VALKEY_CLUSTER_NODES in it the services are cluster clients.
 */
export class EngineFixture {
  private readonly services: ValkeyService[] = [];
  private readonly workers: StreamWorker[] = [];

  constructor(
    private readonly url: () => string,
    private readonly admin: () => Valkey,
    private readonly defaults: StreamWorkerOptions,
    private readonly storeEnv: () => Record<string, string> = () => ({}),
  ) {}

  service(url = this.url(), env: Record<string, string> = {}): ValkeyService {
    const nodes = this.storeEnv().VALKEY_CLUSTER_NODES;
    const config = loadConfig(nodes ? { ...this.storeEnv(), ...env } : { VALKEY_URL: url, ...env });
    const connection = nodes
      ? new ValkeyConnection('', undefined, undefined, {
          nodes: clusterNodeUrls(nodes).map((node) => ({
            host: new URL(node).hostname,
            port: Number(new URL(node).port),
          })),
        })
      : new ValkeyConnection(url);
    const valkey = new ValkeyService(config, connection, new Metrics());
    this.services.push(valkey);
    return valkey;
  }

  worker(stage: StreamStage, valkey: ValkeyService, options: Partial<StreamWorkerOptions> = {}): StreamWorker {
    const w = new StreamWorker(stage, valkey, new Metrics(), { ...this.defaults, ...options });
    this.workers.push(w);
    return w;
  }

  /** Forgets a worker without stopping it (its process "died"). */
  forget(w: StreamWorker): void {
    this.workers.splice(this.workers.indexOf(w), 1);
  }

  async produce(stream: string, count: number, from = 0): Promise<void> {
    const pipeline = this.admin().pipeline();
    for (let i = from; i < from + count; i++) pipeline.xadd(stream, '*', 'n', String(i));
    await pipeline.exec();
  }

  async outputs(stage: string): Promise<number[]> {
    return (await this.admin().smembers(`out:${stage}`)).map(Number).sort((a, b) => a - b);
  }

  /** Stops every worker, closes every service, and empties the server. */
  async reset(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.stop()));
    await Promise.all(this.services.splice(0).map((s) => s.onApplicationShutdown()));
    const admin = this.admin() as unknown as Partial<Cluster> & Valkey;
    await Promise.all((admin.isCluster ? admin.nodes!('master') : [admin]).map((node) => node.flushall()));
  }
}

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
