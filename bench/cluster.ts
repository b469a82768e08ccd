// Fan-out on one Valkey node vs a 3-primary Valkey Cluster on the same box: feed deliveries/s and Valkey CPU µs per
// delivery (the sum over every server's used_cpu_user + used_cpu_sys, from INFO), through the BUILT app
// (dist/main.js, ROLES=api,fanout) as a child process. Users set their topics and read their feed over REST (so they
// are subscribers and active, as a real user is), then enriched articles are pre-loaded into enriched_stream and the
// clock runs until skein_fanout_deliveries_total reaches what the followers add up to.
//   bash scripts/build-bench.sh && node .bench-dist/bench/cluster.js [--quick]
// On 2 shared cores the three shards and the app share the CPU: the CPU per delivery is the figure that carries over
// to a real cluster (one shard per machine), deliveries/s on this box is not.
import { pathToFileURL } from 'node:url';
import { Cluster, Valkey } from 'iovalkey';
import { TOPICS } from '../src/news/topics.js';
import type { PipelineArticle } from '../src/news/article.js';
import { Keys } from '../src/valkey/keys.js';
import { spawnApp, type AppProcess } from '../test/support/process.js';
import { TestValkeyCluster } from '../test/support/valkey-cluster.js';
import { ensureBuilt, freshValkey, median, progress } from './support.js';
import { article } from './workload.js';

const keys = new Keys('');

interface Topology {
  name: 'single' | 'cluster';
  env: Record<string, string>;
  /** Every server's CPU seconds so far (user + sys). */
  cpuSeconds(): Promise<number>;
  client: Valkey | Cluster;
  stop(): Promise<void>;
}

async function cpuOf(client: Valkey): Promise<number> {
  const info = await client.info('cpu');
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

async function single(): Promise<Topology> {
  const server = await freshValkey();
  const client = new Valkey(server.url);
  return {
    name: 'single',
    env: { VALKEY_URL: server.url },
    cpuSeconds: () => cpuOf(client),
    client,
    stop: async () => {
      client.disconnect();
      await server.stop();
    },
  };
}

async function cluster(): Promise<Topology> {
  const test = await TestValkeyCluster.start({ primaries: 3 });
  const client = test.client();
  return {
    name: 'cluster',
    env: test.env,
    cpuSeconds: async () => {
      const cpu = await Promise.all(client.nodes('master').map((node) => cpuOf(node)));
      return cpu.reduce((sum, value) => sum + value, 0);
    },
    client,
    stop: () => test.stop(),
  };
}

/** Three distinct topics per user, the same for every run. */
function topicsOf(user: number): string[] {
  return [0, 3, 7].map((step) => TOPICS[(user + step) % TOPICS.length]);
}

async function deliveries(app: AppProcess): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  return Number(/^skein_fanout_deliveries_total(?:\{[^}]*\})? ([\d.e+]+)$/m.exec(text)?.[1] ?? 0);
}

async function inParallel(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function fanoutOn(
  make: () => Promise<Topology>,
  users: number,
  articles: number,
): Promise<{ perSecond: number; cpuUsPerDelivery: number }> {
  const topology = await make();
  let app: AppProcess | undefined;
  try {
    app = await spawnApp({
      ...topology.env,
      ROLES: 'api,fanout',
      LOG_LEVEL: 'warn',
      AUTH_DISABLED: 'true',
      STREAM_BLOCK_MS: '100',
    });
    const url = app.url;
    await inParallel(users, 16, async (u) => {
      const put = await fetch(`${url}/users/u${u}/topics`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ topics: topicsOf(u) }),
      });
      if (!put.ok) throw new Error(`PUT topics answered ${put.status}`);
      await (await fetch(`${url}/users/u${u}/feed?limit=1`)).arrayBuffer();
    });
    const followers = new Map<string, number>();
    for (let u = 0; u < users; u++) for (const t of topicsOf(u)) followers.set(t, (followers.get(t) ?? 0) + 1);
    const now = Date.now();
    let expected = 0;
    const entries: string[][] = [];
    for (let i = 0; i < articles; i++) {
      const topic = TOPICS[i % TOPICS.length];
      expected += followers.get(topic) ?? 0;
      const enriched: PipelineArticle = {
        ...article(i),
        ingested_at: now,
        topic,
        topic_score: 0.9,
        summary: 'A summary.',
        stages: { ingest: now, classify: now, enrich: now },
      };
      entries.push(['data', JSON.stringify(enriched)]);
    }
    const before = await deliveries(app);
    const cpu0 = await topology.cpuSeconds();
    const started = performance.now();
    for (let start = 0; start < entries.length; start += 500) {
      await Promise.all(
        entries.slice(start, start + 500).map((fields) => topology.client.xadd(keys.enrichedStream, '*', ...fields)),
      );
    }
    for (const deadline = Date.now() + 300000; ;) {
      if ((await deliveries(app)) - before >= expected) break;
      if (Date.now() > deadline) throw new Error(`fan-out did not reach ${expected} deliveries in time`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = (await topology.cpuSeconds()) - cpu0;
    return { perSecond: expected / seconds, cpuUsPerDelivery: (cpu * 1e6) / expected };
  } finally {
    await app?.stop();
    await topology.stop();
  }
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  ensureBuilt();
  const users = opts.quick ? 2000 : 10000;
  const articles = opts.quick ? 200 : 1000;
  const rounds = opts.quick ? 1 : 3;
  const results: Record<string, number> = {};
  const runs: Record<string, { perSecond: number; cpuUsPerDelivery: number }[]> = { single: [], cluster: [] };
  // Interleaved: single, cluster, single, cluster… so the machine's noise falls on both alike.
  for (let round = 0; round < rounds; round++) {
    for (const [name, make] of [
      ['single', single],
      ['cluster', cluster],
    ] as const) {
      const outcome = await fanoutOn(make, users, articles);
      runs[name].push(outcome);
      progress(
        `cluster: ${name}, ${users} users × 3 topics, ${articles} articles, round ${round + 1}: ` +
          `${Math.round(outcome.perSecond)} deliveries/s, ${outcome.cpuUsPerDelivery.toFixed(2)} µs Valkey CPU per delivery`,
      );
    }
  }
  for (const name of ['single', 'cluster'] as const) {
    results[`cluster_fanout_deliveries_per_s_${name}`] = Math.round(median(runs[name].map((r) => r.perSecond)));
    results[`cluster_fanout_valkey_cpu_us_per_delivery_${name}`] = Number(
      median(runs[name].map((r) => r.cpuUsPerDelivery)).toFixed(2),
    );
  }
  results.cluster_fanout_cpu_per_delivery_ratio = Number(
    (
      results.cluster_fanout_valkey_cpu_us_per_delivery_cluster /
      results.cluster_fanout_valkey_cpu_us_per_delivery_single
    ).toFixed(2),
  );
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
