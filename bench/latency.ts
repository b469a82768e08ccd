// Ingest-to-feed latency at a steady 250 articles/s (open loop) with 1,000 users following 3 of the 10 topics, through
// the real app deployed two ways on this 2-core machine:
//   - two processes (the headline figures): ROLES=api,ingest,classify,enrich in this process and ROLES=fanout as the
//     built app (dist/main.js) in a child process, the way a deployment splits the stage that does the most work;
//   - one process (`e2e_one_process_*`): ROLES=all in this process.
//   bash scripts/build-bench.sh && node .bench-dist/bench/latency.js [--quick]
// What is measured, on one clock (the machine's wall clock, ms): from the moment each POST /articles was SCHEDULED to
// be sent (so a late send counts against us: no coordinated omission) to the moment fanout.lua XADDed its entry to
// feed_stream:{uid}, read from the entry id that Valkey stamps with its own time (same machine, same clock, 1 ms
// resolution). Every delivery to a sample of 50 of the 1,000 users (every 20th) counts; the sample covers all 10 topics.
// The load generator is a worker thread (bench/open-loop.ts). The per-stage split comes from the `stages` timestamps the
// app stores on each article.
import { Valkey } from 'iovalkey';
import { pathToFileURL } from 'node:url';
import { startLocalApp } from '../test/support/app.js';
import { spawnApp } from '../test/support/process.js';
import { TOPICS } from '../src/news/topics.js';
import { Keys } from '../src/valkey/keys.js';
import { openLoop } from './open-loop.js';
import { ensureBuilt, freshValkey, percentile, processCpuMs, progress } from './support.js';
import { article } from './workload.js';

const RATE = 250;
const USERS = 1000;
const SAMPLE_EVERY = 20;
const keys = new Keys('');

function topicsOf(user: number): string[] {
  return [TOPICS[user % 10], TOPICS[(user * 7 + 3) % 10], TOPICS[(user * 3 + 7) % 10]].filter(
    (topic, i, all) => all.indexOf(topic) === i,
  );
}

async function request(url: string, method: string, body?: unknown): Promise<number> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Runs `task` over 0..count-1 with at most `width` in flight. */
async function pool(count: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Waits until every group of the pipeline's streams has nothing pending and no lag. */
export async function drained(client: Valkey, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let busy = 0;
    for (const stream of [keys.newsRaw, keys.classifiedStream, keys.enrichedStream]) {
      const groups = (await client.xinfo('GROUPS', stream).catch(() => [])) as unknown[][];
      for (const group of groups) {
        const info = new Map<string, unknown>();
        for (let i = 0; i + 1 < group.length; i += 2) info.set(String(group[i]), group[i + 1]);
        busy += Number(info.get('pending') ?? 0) + Number(info.get('lag') ?? 0);
      }
    }
    if (busy === 0) return;
    if (Date.now() > deadline) throw new Error(`pipeline not drained after ${timeoutMs} ms (${busy} entries left)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Calls per command from INFO commandstats. */
function commandCalls(info: string): { total: number; byName: Map<string, number>; usec: Map<string, number> } {
  const byName = new Map<string, number>();
  const usec = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    byName.set(match[1], Number(match[2]));
    usec.set(match[1], Number(match[3]));
  }
  return { total: [...byName.values()].reduce((a, b) => a + b, 0), byName, usec };
}

/** Collects every feed stream entry of the sampled users, by polling from each user's last cursor. */
class FeedSampler {
  readonly deliveries: { at: number; short: string }[] = [];
  private readonly cursors = new Map<string, string>();
  constructor(
    private readonly client: Valkey,
    users: string[],
  ) {
    for (const uid of users) this.cursors.set(uid, '-');
  }

  async poll(): Promise<void> {
    const pipeline = this.client.pipeline();
    const users = [...this.cursors.keys()];
    for (const uid of users) {
      const cursor = this.cursors.get(uid)!;
      pipeline.xrange(keys.feedStream(uid), cursor === '-' ? '-' : `(${cursor}`, '+');
    }
    const replies = (await pipeline.exec()) ?? [];
    users.forEach((uid, i) => {
      const entries = (replies[i]?.[1] ?? []) as [string, string[]][];
      if (entries.length === 0) return;
      this.cursors.set(uid, entries[entries.length - 1][0]);
      for (const [id, fields] of entries)
        this.deliveries.push({ at: Number(id.split('-')[0]), short: fields[fields.indexOf('id') + 1] });
    });
  }
}

type Topology = 'two processes' | 'one process';

async function measure(topology: Topology, seconds: number): Promise<Record<string, number>> {
  const server = await freshValkey();
  const split = topology === 'two processes';
  // The loopback sandbox (AUTH_DISABLED): the figures stay comparable with the runs before access control; the cost
  // of the access check is bench/auth.ts's.
  const { app, url: base } = await startLocalApp(server.url, {
    LOG_LEVEL: 'error',
    ROLES: split ? 'api,ingest,classify,enrich' : 'all',
    AUTH_DISABLED: 'true',
  });
  const fanout = split
    ? await spawnApp({ VALKEY_URL: server.url, ROLES: 'fanout', LOG_LEVEL: 'error', AUTH_DISABLED: 'true' })
    : undefined;
  const client = new Valkey(server.url);
  const results: Record<string, number> = {};
  try {
    await pool(USERS, 20, async (u) => {
      if ((await request(`${base}/users/u${u}/topics`, 'PUT', { topics: topicsOf(u) })) !== 200)
        throw new Error('PUT topics failed');
      await request(`${base}/users/u${u}/feed?limit=1`, 'GET'); // a feed read marks the user active
    });
    const active = await client.zcard(keys.activeUsers);
    if (active < USERS) throw new Error(`only ${active} of ${USERS} users are active`);

    const sampled = Array.from({ length: USERS / SAMPLE_EVERY }, (_, k) => `u${k * SAMPLE_EVERY}`);
    const sampler = new FeedSampler(client, sampled);
    const schedule = async (from: number, count: number): Promise<{ due: Map<string, number>; acks: number[] }> => {
      const articles = Array.from({ length: count }, (_, i) => article(from + i));
      const { wallStart, latencies: acks } = await openLoop({
        url: `${base}/articles`,
        bodies: articles.map((a) => JSON.stringify(a)),
        rate: RATE,
        status: 202,
      });
      return { due: new Map(articles.map((a, i) => [a.id, wallStart + (i * 1000) / RATE])), acks };
    };

    await schedule(1_000_000, RATE); // warm-up second: JIT, scripts loaded, model trained
    await drained(client, 30000);
    await sampler.poll();
    sampler.deliveries.length = 0;

    progress(`latency (${topology}): ${RATE} articles/s for ${seconds} s, ${USERS} users × 3 topics`);
    await client.config('RESETSTAT');
    const cpuBefore = process.cpuUsage();
    const fanoutCpuBefore = fanout ? processCpuMs(fanout.child.pid!) : 0;
    const polling = setInterval(() => void sampler.poll().catch(() => undefined), 1000);
    let sent: { due: Map<string, number>; acks: number[] };
    try {
      sent = await schedule(0, RATE * seconds);
      await drained(client, 60000);
    } finally {
      clearInterval(polling);
    }
    const cpu = process.cpuUsage(cpuBefore);
    const fanoutCpuMs = fanout ? processCpuMs(fanout.child.pid!) - fanoutCpuBefore : 0;
    if (split) lastCommandStats = await client.info('commandstats');
    const calls = commandCalls(await client.info('commandstats'));
    await sampler.poll();

    // Short id → article id, from each article's hash (`n`), and the stage timestamps of every article.
    const ids = [...sent.due.keys()];
    const pipeline = client.pipeline();
    for (const id of ids) pipeline.hmget(keys.article(id), 'n', 'a');
    const replies = (await pipeline.exec()) ?? [];
    const dueByShort = new Map<string, number>();
    const stageGaps: Record<string, number[]> = { classify: [], enrich: [], fanout: [] };
    replies.forEach(([, reply], i) => {
      const [short, json] = (reply ?? []) as (string | null)[];
      if (short === null || json === null) return;
      dueByShort.set(short, sent.due.get(ids[i])!);
      const stages = (JSON.parse(json) as { stages: Record<string, number> }).stages;
      stageGaps.classify.push(stages.classify - stages.ingest);
      stageGaps.enrich.push(stages.enrich - stages.classify);
      stageGaps.fanout.push(stages.fanout - stages.enrich);
    });
    const latencies = sampler.deliveries
      .filter((d) => dueByShort.has(d.short))
      .map((d) => d.at - dueByShort.get(d.short)!)
      .sort((a, b) => a - b);
    if (latencies.length === 0) throw new Error('no delivery of a measured article reached a sampled feed');
    const acks = sent.acks.sort((a, b) => a - b);
    Object.assign(results, {
      e2e_p50_ms_at_250: percentile(latencies, 50),
      e2e_p95_ms_at_250: percentile(latencies, 95),
      e2e_p99_ms_at_250: percentile(latencies, 99),
      e2e_max_ms_at_250: latencies[latencies.length - 1],
      e2e_deliveries_measured: latencies.length,
      e2e_articles_sent: ids.length,
      e2e_articles_stored: dueByShort.size,
      ingest_ack_p50_ms_at_250: Number(percentile(acks, 50).toFixed(2)),
      ingest_ack_p99_ms_at_250: Number(percentile(acks, 99).toFixed(2)),
    });
    // Cost per article, far less sensitive to a shared machine than the latencies: the app's CPU (both processes, with
    // the load generator thread and sampler) and Valkey commands (the sampler's XRANGEs excluded).
    if (fanout) results.e2e_fanout_process_cpu_ms_per_article = Number((fanoutCpuMs / ids.length).toFixed(3));
    results.e2e_process_cpu_ms_per_article = Number(
      ((cpu.user + cpu.system) / 1000 / ids.length + fanoutCpuMs / ids.length).toFixed(3),
    );
    // Commands include those run inside Lua scripts; Valkey time is every top-level command's usec (EVALSHA includes its
    // body, so the commands scripts run are left out: a few top-level XADD/HGET per article are left out with them).
    results.e2e_valkey_commands_per_article = Number(
      ((calls.total - (calls.byName.get('xrange') ?? 0)) / ids.length).toFixed(1),
    );
    const luaInner = ['sadd', 'lpush', 'llen', 'rpop', 'srem', 'expire', 'xadd', 'set', 'hget'].reduce(
      (sum, c) => sum + (calls.usec.get(c) ?? 0),
      0,
    );
    const valkeyUsec = [...calls.usec].filter(([c]) => c !== 'xrange').reduce((sum, [, u]) => sum + u, 0) - luaInner;
    results.e2e_valkey_ms_per_article = Number((valkeyUsec / 1000 / ids.length).toFixed(3));
    results.e2e_valkey_evalsha_per_article = Number(((calls.byName.get('evalsha') ?? 0) / ids.length).toFixed(1));
    for (const [stage, gaps] of Object.entries(stageGaps)) {
      gaps.sort((a, b) => a - b);
      results[`e2e_stage_${stage}_p50_ms`] = percentile(gaps, 50);
      results[`e2e_stage_${stage}_p99_ms`] = percentile(gaps, 99);
    }
    progress(
      `latency (${topology}): ${latencies.length} deliveries of ${dueByShort.size} articles: p50 ${results.e2e_p50_ms_at_250} ms, ` +
        `p95 ${results.e2e_p95_ms_at_250} ms, p99 ${results.e2e_p99_ms_at_250} ms; POST ack p99 ${results.ingest_ack_p99_ms_at_250} ms; ` +
        `${results.e2e_process_cpu_ms_per_article} ms CPU and ${results.e2e_valkey_commands_per_article} Valkey commands ` +
        `(${results.e2e_valkey_evalsha_per_article} EVALSHA; ${results.e2e_valkey_ms_per_article} ms Valkey time) per article`,
    );
    // The distribution, for the report's chart: one value per percentile 1..100.
    if (split) lastDistribution = Array.from({ length: 100 }, (_, k) => percentile(latencies, k + 1));
  } finally {
    client.disconnect();
    await app.close();
    await fanout?.stop();
    await server.stop();
  }
  return results;
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  ensureBuilt();
  const seconds = opts.quick ? 10 : 30;
  const results = await measure('two processes', seconds);
  const oneProcess = await measure('one process', seconds);
  for (const key of ['e2e_p50_ms_at_250', 'e2e_p95_ms_at_250', 'e2e_p99_ms_at_250', 'e2e_process_cpu_ms_per_article'])
    results[key.replace('e2e_', 'e2e_one_process_')] = oneProcess[key];
  return results;
}

/** INFO commandstats of the two-process run's measured window. */
export let lastCommandStats = '';

/** Percentiles 1..100 of the two-process run's latencies (ms), for the report's distribution chart. */
export let lastDistribution: number[] = [];

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  process.stderr.write(lastCommandStats);
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
