// Fan-out throughput (feed deliveries/s through the real FanoutWorker handler and fanout.lua) with 1,000 and
// 10,000 users following 3 of the 10 topics, and Valkey memory per buffered feed entry (300,000 entries).
//   bash scripts/build-bench.sh && node .bench-dist/bench/fanout.js [--quick]
import type { Valkey } from 'iovalkey';
import { register } from 'node:module';
import { loadConfig } from '../src/config/config.js';
import { Metrics } from '../src/metrics/metrics.service.js';
import { TOPICS } from '../src/news/topics.js';
import { ArticleRepository } from '../src/news/article.repository.js';
import { FanoutMetrics } from '../src/news/fanout.metrics.js';
import type { FanoutWorker } from '../src/modules/fanout/fanout.worker.js';
import { FeedRepository } from '../src/news/feed.repository.js';
import type { StreamEntry } from '../src/streams/stream-entry.js';
import { Keys } from '../src/valkey/keys.js';
import { ValkeyConnection, ValkeyService } from '../src/valkey/valkey.service.js';
import { freshValkey, machine, progress } from './support.js';

const keys = new Keys('');

// ts-node's ESM resolver maps `@nestjs/common/x.js` (imported by @nestjs/core) to `x.js.js`; resolve it without the
// extension instead, before the worker (which imports @nestjs/core through its stage decorator) is loaded.
const NEST_SUBPATH_HOOK = `export async function resolve(specifier, context, next) {
  const nest = specifier.startsWith('@nestjs/common/') && specifier.endsWith('.js');
  return next(nest ? specifier.slice(0, -3) : specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(NEST_SUBPATH_HOOK)}`);
const { FanoutWorker: Worker } = await import('../src/modules/fanout/fanout.worker.js');

const BATCH = 100;

interface Rig {
  valkey: ValkeyService;
  worker: FanoutWorker;
  client: Valkey;
  close(): Promise<void>;
}

function rig(url: string, env: Record<string, string> = {}): Rig {
  const config = loadConfig({ VALKEY_URL: url, LOG_LEVEL: 'warn', ...env });
  const valkey = new ValkeyService(config, new ValkeyConnection(url), new Metrics());
  const worker = new Worker(
    valkey,
    new ArticleRepository(valkey, config),
    new FeedRepository(valkey, config),
    new FanoutMetrics(),
    config,
  );
  return { valkey, worker, client: valkey.command, close: () => valkey.onApplicationShutdown() };
}

/** A deterministic choice of 3 distinct topics per user. */
function topicsOf(user: number): string[] {
  const picked = new Set<string>();
  let x = (user * 2654435761) >>> 0;
  while (picked.size < 3) {
    x = (x * 1103515245 + 12345) >>> 0;
    picked.add(TOPICS[(x >>> 8) % TOPICS.length]);
  }
  return [...picked];
}

async function subscribe(
  client: Valkey,
  users: number,
  topics: (u: number) => string[],
  activeAt: number,
): Promise<void> {
  for (let start = 0; start < users; start += 1000) {
    const pipeline = client.pipeline();
    for (let u = start; u < Math.min(users, start + 1000); u++) {
      for (const topic of topics(u)) pipeline.sadd(`topic_subscribers:${topic}`, `u${u}`);
      pipeline.zadd('users_active', activeAt, `u${u}`);
    }
    // What PUT /users/{uid}/topics and a user's first read do besides: fan-out's cached followers are out of date (a
    // version moved with no change logged reads the topic whole again).
    for (const topic of TOPICS) pipeline.hincrby(keys.topicSubscribersVersion(topic), 'v', 1);
    await pipeline.exec();
  }
}

function entries(count: number, topicOf: (i: number) => string, from = 0): StreamEntry[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const data = JSON.stringify({
      id: `a${i.toString(16).padStart(12, '0')}`,
      title: `Article ${i}`,
      body: 'A short body of an article about something that happened today.',
      topic: topicOf(i),
      topic_score: 0.91,
      summary: 'Something happened today.',
      word_count: 12,
      reading_time_seconds: 3,
      keywords: ['something', 'today'],
      entities: [],
      ingested_at: now,
      stages: { ingest: now, classify: now, enrich: now },
    });
    return { id: `${now}-${i}`, fields: { data }, deliveries: 1 };
  });
}

async function throughput(users: number, articles: number): Promise<{ perSecond: number; deliveries: number }> {
  const server = await freshValkey();
  const r = rig(server.url);
  try {
    await subscribe(r.client, users, topicsOf, Date.now());
    const all = entries(articles, (i) => TOPICS[i % TOPICS.length]);
    await r.worker.handle(all.slice(0, BATCH)); // warm-up: scripts loaded, connections open
    const before = await deliveredTotal();
    const started = process.hrtime.bigint();
    for (let i = BATCH; i < all.length; i += BATCH) await r.worker.handle(all.slice(i, i + BATCH));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const deliveries = (await deliveredTotal()) - before;
    return { perSecond: deliveries / seconds, deliveries };
  } finally {
    await r.close();
    await server.stop();
  }
}

async function deliveredTotal(): Promise<number> {
  return (await new FanoutMetrics().deliveries.get()).values[0]?.value ?? 0;
}

async function usedMemory(client: Valkey): Promise<number> {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

/**
 * Memory per buffered feed entry: 1,500 users × 3 topics × 67 articles per topic = 201 deliveries per user, capped at
 * FEED_MAX=200, so 300,000 entries are held. Articles are stored first (users inactive), then the same batches are
 * redelivered with every user active: the growth is the feeds alone (list + seen set + feed stream per user).
 */
async function memory(quick: boolean, streamNodeMaxBytes?: number): Promise<Record<string, number>> {
  const server = await freshValkey();
  const r = rig(server.url, { FEED_MAX: '200' });
  // Valkey preallocates a stream's tail node at min(4096, stream-node-max-bytes): ~4 KB per user at the default.
  if (streamNodeMaxBytes) await r.client.config('SET', 'stream-node-max-bytes', String(streamNodeMaxBytes));
  const users = quick ? 300 : 1500;
  const topicsFor = (u: number): string[] => [TOPICS[u % 10], TOPICS[(u + 3) % 10], TOPICS[(u + 6) % 10]];
  try {
    await subscribe(r.client, users, topicsFor, 0);
    const baseline = await usedMemory(r.client);
    const all = entries(670, (i) => TOPICS[i % 10]);
    for (let i = 0; i < all.length; i += BATCH) await r.worker.handle(all.slice(i, i + BATCH));
    const afterArticles = await usedMemory(r.client);
    await subscribe(r.client, users, topicsFor, Date.now());
    const beforeFeeds = await usedMemory(r.client);
    for (let i = 0; i < all.length; i += BATCH) await r.worker.handle(all.slice(i, i + BATCH));
    const afterFeeds = await usedMemory(r.client);
    let entriesHeld = 0;
    for (let start = 0; start < users; start += 1000) {
      const pipeline = r.client.pipeline();
      for (let u = start; u < Math.min(users, start + 1000); u++) pipeline.llen(`feed:{u${u}}`);
      for (const [, n] of (await pipeline.exec()) ?? []) entriesHeld += Number(n);
    }
    const encodings = await Promise.all(
      ['feed:{u0}', 'feed_seen:{u0}', 'feed_stream:{u0}'].map((key) => r.client.object('ENCODING', key)),
    );
    const usage = await Promise.all(
      ['feed:{u0}', 'feed_seen:{u0}', 'feed_stream:{u0}'].map((key) => r.client.memory('USAGE', key, 'SAMPLES', 0)),
    );
    progress(
      `memory: ${users} users, ${entriesHeld} entries held; one user's list/set/stream: ` +
        `${encodings.join(', ')}; ${usage.join(' + ')} bytes`,
    );
    return {
      feed_entries_held: entriesHeld,
      feed_bytes_per_entry: (afterFeeds - beforeFeeds) / entriesHeld,
      articles_bytes_total: afterArticles - baseline,
    };
  } finally {
    await r.close();
    await server.stop();
  }
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  for (const [users, articles] of [
    [1000, opts.quick ? 500 : 2000],
    [10000, opts.quick ? 200 : 400],
  ] as const) {
    const { perSecond, deliveries } = await throughput(users, articles);
    results[`fanout_deliveries_per_s_${users}_users`] = Math.round(perSecond);
    progress(`${users} users × 3 of 10 topics: ${deliveries} deliveries at ${Math.round(perSecond)}/s`);
  }
  Object.assign(results, await memory(opts.quick));
  const tuned = await memory(opts.quick, 1024);
  results.feed_bytes_per_entry_stream_node_max_bytes_1024 = tuned.feed_bytes_per_entry;
  progress(machine());
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await run({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(results));
}
