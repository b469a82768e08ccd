// A million users (issue 18, item 3): 1,000,000 users seeded straight into Valkey in the layout the app writes (the
// `user:{uid}` hash of topics, the topic subscriber sets, `users_active`), one topic followed by 500,000 of them, a
// fifth of the users active. The BUILT app (dist/main.js, ROLES=api,fanout) starts on it and prunes the inactive out
// of the sets (its hourly prune runs at start: timed); then articles of the big topic are pushed into enriched_stream
// while 10 inactive users a second come back (GET /users/<uid>/feed: re-added, versions bumped, feed rebuilt), a probe
// on its own connection runs cheap commands (GET, XADD) at ~200/s and another reads an active user's feed over REST
// (~50/s). Measured: deliveries/s, the probes' p99 during the burst (≤ 10 ms wanted), Node RSS and Valkey used_memory
// (empty, seeded, after the burst), Valkey CPU per delivery, and reclaims (skein_stage_reclaimed_total: 0 wanted).
// The same run again with the big topic left to its readers (FANOUT_PULL_THRESHOLD, the hybrid): fan-out writes no feed
// for it, the REST reads and returning users pull it; its figures are `million_pull_*`.
//   bash scripts/build-bench.sh && node .bench-dist/bench/million.js [--quick] [--mode push|pull]
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Valkey } from 'iovalkey';
import { io, type Socket } from 'socket.io-client';
import { TOPICS } from '../src/news/topics.js';
import type { PipelineArticle } from '../src/news/article.js';
import { Keys } from '../src/valkey/keys.js';
import { spawnApp, type AppProcess } from '../test/support/process.js';
import { ensureBuilt, freshValkey, percentile, progress } from './support.js';
import { article } from './workload.js';

const keys = new Keys('');
const DAY = 86400000;
const USERS = 1000000;
const BIG = TOPICS[2]; // technology
const BIG_FOLLOWERS = 500000;
/** Every ACTIVE_EVERY-th user is active (read their feed within the last three days): 20%. */
const ACTIVE_EVERY = 5;
const RETURNS_PER_S = 10;
const PROBE_PER_S = 200;
const REST_PROBE_PER_S = 50;
/** Active followers of the big topic connected over /feeds during the burst: their live items' latency. */
const SOCKETS = 200;
const OTHERS = TOPICS.filter((topic) => topic !== BIG);

const uid = (i: number): string => `m${i}`;
const isActiveUser = (i: number): boolean => i % ACTIVE_EVERY === 0;

/** The big topic for the first BIG_FOLLOWERS users, and one or two of the others for everyone. */
function topicsOf(i: number): string[] {
  const first = OTHERS[i % OTHERS.length];
  const second = OTHERS[(i * 7 + 3) % OTHERS.length];
  const topics = i < BIG_FOLLOWERS ? [BIG, first] : [first];
  if (i % 3 === 0 && second !== first) topics.push(second);
  return topics;
}

async function usedMemory(client: Valkey): Promise<number> {
  return Number(/^used_memory:(\d+)/m.exec(await client.info('memory'))?.[1] ?? 0);
}

async function valkeyCpuSeconds(client: Valkey): Promise<number> {
  const info = await client.info('cpu');
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** `usec` and `calls` of each command so far (INFO commandstats). */
async function commandStats(client: Valkey): Promise<Map<string, { calls: number; usec: number }>> {
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const [, name, calls, usec] of (await client.info('commandstats')).matchAll(
    /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm,
  )) {
    stats.set(name, { calls: Number(calls), usec: Number(usec) });
  }
  return stats;
}

function rssBytes(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

async function metric(app: AppProcess, name: string): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  let sum = 0;
  for (const [, value] of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+]+)$`, 'gm')))
    sum += Number(value);
  return sum;
}

/** A SLOWLOG GET entry: id, time, duration (µs), arguments, … */
type SlowlogEntry = [number, number, number, string[], ...unknown[]];

/** The project's scripts by the SHA1 EVALSHA names them with (LuaScript runs each with a `#!lua` line first). */
const SCRIPTS = new Map(
  readdirSync(new URL('../src/news/', import.meta.url))
    .filter((file) => file.endsWith('.lua'))
    .map((file) => {
      const source = `#!lua\n${readFileSync(new URL(`../src/news/${file}`, import.meta.url), 'utf8')}`;
      return [createHash('sha1').update(source).digest('hex'), file] as const;
    }),
);

/** Slow-log entries per command (a script by its file name): how many, and the longest (ms). */
function slowCommands(entries: SlowlogEntry[]): Map<string, { count: number; maxMs: number }> {
  const byName = new Map<string, { count: number; maxMs: number }>();
  for (const [, , micros, args] of entries) {
    const command = String(args[0]).toLowerCase();
    const name = command === 'evalsha' ? (SCRIPTS.get(String(args[1])) ?? 'evalsha (other)') : command;
    const seen = byName.get(name) ?? { count: 0, maxMs: 0 };
    byName.set(name, { count: seen.count + 1, maxMs: Math.max(seen.maxMs, micros / 1000) });
  }
  return byName;
}

/** Seeds the users with pipelined writes (10,000 users a pipeline); answers the active followers per topic. */
async function seed(client: Valkey, now: number): Promise<Map<string, number>> {
  const active = new Map<string, number>();
  const CHUNK = 10000;
  for (let from = 0; from < USERS; from += CHUNK) {
    const pipeline = client.pipeline();
    const members = new Map<string, string[]>();
    const scores: (string | number)[] = [];
    for (let i = from; i < Math.min(USERS, from + CHUNK); i++) {
      const topics = topicsOf(i);
      // What PUT /users/{uid}/topics writes: the user's record and a member of each topic's set.
      pipeline.hset(keys.user(uid(i)), 'topics', topics.join(','));
      for (const topic of topics) {
        const list = members.get(topic);
        if (list) list.push(uid(i));
        else members.set(topic, [uid(i)]);
        if (isActiveUser(i)) active.set(topic, (active.get(topic) ?? 0) + 1);
      }
      // What a feed read writes: the reader's activity (within the last three days for the active; a month ago for
      // half of the rest, never for the others).
      if (isActiveUser(i)) scores.push(now - ((i * 7919) % (3 * DAY)), uid(i));
      else if (i % 2 === 1) scores.push(now - 30 * DAY - (i % DAY), uid(i));
    }
    for (const [topic, list] of members) pipeline.sadd(keys.topicSubscribers(topic), ...list);
    if (scores.length > 0) pipeline.zadd(keys.activeUsers, ...scores);
    const replies = await pipeline.exec();
    const failed = replies?.find(([error]) => error);
    if (failed) throw failed[0] as Error;
  }
  return active;
}

/** Runs `task` about `perSecond` times a second until stopped; answers the latencies (ms) of the calls. */
function paced(perSecond: number, task: (n: number) => Promise<void>): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let n = 0;
  const started = performance.now();
  let errors = 0;
  const timer = setInterval(() => {
    // Open loop: the calls due by now are started, whether or not the previous ones answered.
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    while (n < due) {
      const t = performance.now();
      const call = task(n++)
        .then(() => void latencies.push(performance.now() - t))
        .catch(() => void errors++)
        .finally(() => inFlight.delete(call));
      inFlight.add(call);
    }
  }, 5);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
      if (errors > 0) progress(`million: ${errors} probe calls failed`);
      return latencies.sort((a, b) => a - b);
    },
  };
}

/**
 * Both ways of serving the big topic, one after the other: pushed to every active follower's feed
 * (FANOUT_PULL_THRESHOLD=0; `million_*`), and left to its readers (the default threshold, 50,000, under the topic's
 * 100,000 active followers; `million_pull_*`). `--mode push` or `--mode pull` runs one.
 */
export async function run(opts: { quick: boolean; mode?: 'push' | 'pull' }): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  if (opts.mode !== 'pull') Object.assign(results, await measure(opts.quick, false));
  if (opts.mode !== 'push') {
    for (const [name, value] of Object.entries(await measure(opts.quick, true)))
      results[name.replace(/^million_/, 'million_pull_')] = value;
  }
  return results;
}

async function measure(quick: boolean, pull: boolean): Promise<Record<string, number>> {
  const opts = { quick };
  const mode = pull ? 'million (pull)' : 'million (push)';
  ensureBuilt();
  const articles = opts.quick ? 40 : 200;
  const server = await freshValkey();
  const client = new Valkey(server.url);
  const probe = new Valkey(server.url);
  let app: AppProcess | undefined;
  try {
    const results: Record<string, number> = {};
    const empty = await usedMemory(client);
    const now = Date.now();
    let t = performance.now();
    const active = await seed(client, now);
    const seeded = await usedMemory(client);
    progress(
      `${mode}: seeded ${USERS} users in ${((performance.now() - t) / 1000).toFixed(1)} s, ` +
        `${BIG} followed by ${BIG_FOLLOWERS} (${active.get(BIG)} active); Valkey ${(seeded / 2 ** 20).toFixed(0)} MiB`,
    );
    results.million_seed_valkey_bytes_per_user = Math.round((seeded - empty) / USERS);

    t = performance.now();
    app = await spawnApp({
      VALKEY_URL: server.url,
      ROLES: 'api,fanout',
      LOG_LEVEL: 'warn',
      AUTH_DISABLED: 'true',
      STREAM_BLOCK_MS: '100',
      FANOUT_PULL_THRESHOLD: pull ? '50000' : '0',
    });
    const pid = app.child.pid!;
    // The hourly prune runs at start: the sets keep their active followers only.
    for (const deadline = Date.now() + 180000; ;) {
      const sizes = await Promise.all(TOPICS.map((topic) => client.scard(keys.topicSubscribers(topic))));
      if (TOPICS.every((topic, i) => sizes[i] === (active.get(topic) ?? 0))) break;
      if (Date.now() > deadline) throw new Error(`the start's prune did not finish: ${sizes.join(',')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    results.million_startup_prune_s = Number(((performance.now() - t) / 1000).toFixed(1));
    const pruned = await usedMemory(client);
    const rssBefore = rssBytes(pid).rss;
    progress(
      `${mode}: app up and its prune done in ${results.million_startup_prune_s} s; Valkey ${(pruned / 2 ** 20).toFixed(0)} MiB, ` +
        `Node RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB`,
    );

    // Warm-up: one article of the big topic loads fan-out's cache of its followers (read whole once).
    const enriched = (i: number, at: number): string => {
      const body: PipelineArticle = {
        ...article(i),
        ingested_at: at,
        topic: BIG,
        topic_score: 0.9,
        summary: 'A summary.',
        stages: { ingest: at, classify: at, enrich: at },
      };
      return JSON.stringify(body);
    };
    const drained = async (): Promise<boolean> => {
      const groups = (await client.xinfo('GROUPS', keys.enrichedStream)) as unknown[][];
      const fields = groups[0] ?? [];
      const info = new Map<unknown, unknown>();
      for (let k = 0; k + 1 < fields.length; k += 2) info.set(fields[k], fields[k + 1]);
      return Number(info.get('pending')) === 0 && Number(info.get('lag')) === 0;
    };
    const waitDrained = async (): Promise<void> => {
      for (const deadline = Date.now() + 900000; !(await drained());) {
        if (Date.now() > deadline) throw new Error('fan-out did not drain enriched_stream in time');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    t = performance.now();
    await client.xadd(keys.enrichedStream, '*', 'data', enriched(0, Date.now()));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await waitDrained();
    results.million_first_batch_s = Number(((performance.now() - t) / 1000).toFixed(2));
    progress(`${mode}: first article (the big topic read whole) fanned out in ${results.million_first_batch_s} s`);

    // The probes alone first: the floor this (shared) machine puts under any p99.
    const idleCommands = paced(PROBE_PER_S, async (n) => {
      if (n % 2 === 0) await probe.get('probe:key');
      else await probe.xadd('probe:stream', 'MAXLEN', '~', '1000', '*', 'n', String(n));
    });
    const idleRest = paced(REST_PROBE_PER_S, async (n) => {
      const res = await fetch(`${app!.url}/users/${uid(ACTIVE_EVERY * (n % 100))}/feed?limit=10`);
      await res.arrayBuffer();
    });
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const [idleProbes, idleReads] = [await idleCommands.stop(), await idleRest.stop()];
    results.million_idle_probe_p50_ms = Number(percentile(idleProbes, 50).toFixed(2));
    results.million_idle_probe_p99_ms = Number(percentile(idleProbes, 99).toFixed(2));
    results.million_idle_rest_read_p99_ms = Number(percentile(idleReads, 99).toFixed(2));
    progress(
      `${mode}: idle probe p99 ${results.million_idle_probe_p99_ms} ms, REST read p99 ${results.million_idle_rest_read_p99_ms} ms`,
    );

    // Live followers: sockets of active followers of the big topic (who do not read over REST), joined before the burst.
    const live: number[] = [];
    const sockets: Socket[] = [];
    let liveFrom = Infinity;
    for (let k = 0; k < SOCKETS; k++) {
      const socket = io(`${app.url}/feeds`, {
        auth: { userId: uid(ACTIVE_EVERY * (2000 + k)) },
        transports: ['websocket'],
        reconnection: false,
      });
      socket.on('feed:item', (item: { ingested_at: number }) => {
        if (item.ingested_at >= liveFrom) live.push(Date.now() - item.ingested_at);
      });
      sockets.push(socket);
    }
    await Promise.all(sockets.map((socket) => socket.timeout(30000).emitWithAck('feed:sync', { after: '0-0' })));
    liveFrom = Date.now();

    // The burst, with returning users, a Valkey probe and a REST probe alongside.
    const inactive = (n: number): string => uid(1 + ACTIVE_EVERY * n); // never active users: i % 5 === 1
    const returning = paced(RETURNS_PER_S, async (n) => {
      const res = await fetch(`${app!.url}/users/${inactive(n)}/feed?limit=10`);
      if (!res.ok) throw new Error(`GET feed answered ${res.status}`);
      await res.arrayBuffer();
    });
    const commands = paced(PROBE_PER_S, async (n) => {
      if (n % 2 === 0) await probe.get('probe:key');
      else await probe.xadd('probe:stream', 'MAXLEN', '~', '1000', '*', 'n', String(n));
    });
    const rest = paced(REST_PROBE_PER_S, async (n) => {
      const res = await fetch(`${app!.url}/users/${uid(ACTIVE_EVERY * (n % 100))}/feed?limit=10`);
      if (!res.ok) throw new Error(`GET feed answered ${res.status}`);
      await res.arrayBuffer();
    });
    await metric(app, 'skein_nodejs_eventloop_lag_max_seconds'); // a scrape resets the event-loop delay monitor
    const deliveries0 = await metric(app, 'skein_fanout_deliveries_total');
    const reclaims0 = await metric(app, 'skein_stage_reclaimed_total');
    const pulled0 = await metric(app, 'skein_fanout_pulled_total');
    const cpu0 = await valkeyCpuSeconds(client);
    const stats0 = await commandStats(client);
    const cpuNode0 = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Every command that held Valkey's thread 2 ms or more during the burst: what another client's command waited on.
    await client.config('SET', 'slowlog-log-slower-than', '2000');
    await client.config('SET', 'slowlog-max-len', '10000');
    await client.slowlog('RESET');
    t = performance.now();
    const at = Date.now();
    const pipeline = client.pipeline();
    for (let i = 1; i <= articles; i++) pipeline.xadd(keys.enrichedStream, '*', 'data', enriched(i, at));
    await pipeline.exec();
    let rssPeak = 0;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssBytes(pid).rss)), 200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await waitDrained();
    results.million_fanout_s = Number(((performance.now() - t) / 1000).toFixed(2));
    // Pulled, the articles reach feeds as readers read: the readers' share is measured over a window as long as a
    // push run's burst (at least), so that both runs' CPU and read latencies cover the same work.
    const window = quick ? 10000 : 30000;
    if (pull) await new Promise((resolve) => setTimeout(resolve, Math.max(0, t + window - performance.now())));
    const seconds = (performance.now() - t) / 1000;
    clearInterval(sampler);
    const [returns, probes, reads] = [await returning.stop(), await commands.stop(), await rest.stop()];
    // The last live items (a pull is up to FEED_RELAY_POLL_MS behind), then the sockets go.
    for (const deadline = Date.now() + 10000; live.length < SOCKETS * articles && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 100));
    for (const socket of sockets) socket.disconnect();
    live.sort((a, b) => a - b);
    results.million_live_sockets = SOCKETS;
    results.million_live_items = live.length;
    results.million_live_p50_ms = Math.round(percentile(live, 50));
    results.million_live_p99_ms = Math.round(percentile(live, 99));
    const slow = slowCommands((await client.slowlog('GET', 10000)) as SlowlogEntry[]);
    results.million_node_eventloop_lag_max_ms = Math.round(
      (await metric(app, 'skein_nodejs_eventloop_lag_max_seconds')) * 1000,
    );
    const delivered = (await metric(app, 'skein_fanout_deliveries_total')) - deliveries0;
    const cpu = (await valkeyCpuSeconds(client)) - cpu0;
    const stats1 = await commandStats(client);
    const ticks = (stat: string): number => {
      const fields = stat.split(') ')[1].split(' ');
      return Number(fields[11]) + Number(fields[12]);
    };
    const nodeCpu = (ticks(readFileSync(`/proc/${pid}/stat`, 'utf8')) - ticks(cpuNode0)) / 100;
    const after = await usedMemory(client);
    const delta = (name: string): { calls: number; usec: number } => {
      const [a, b] = [stats0.get(name) ?? { calls: 0, usec: 0 }, stats1.get(name) ?? { calls: 0, usec: 0 }];
      return { calls: b.calls - a.calls, usec: b.usec - a.usec };
    };

    results.million_articles = articles;
    results.million_active_followers_big_topic = active.get(BIG) ?? 0;
    results.million_deliveries = delivered;
    results.million_burst_s = Number(seconds.toFixed(1));
    results.million_deliveries_per_s = Math.round(delivered / seconds);
    results.million_valkey_cpu_us_per_delivery = Number(((cpu * 1e6) / delivered).toFixed(2));
    results.million_fanout_script_us_per_delivery = Number((delta('evalsha').usec / delivered).toFixed(2));
    // What one script call holds Valkey's thread for: a command on another connection waits behind the calls Valkey
    // reads from the fan-out connection's buffer at once (up to the calls in flight).
    results.million_fanout_script_us_per_call = Math.round(delta('evalsha').usec / Math.max(1, delta('evalsha').calls));
    results.million_fanout_script_calls = delta('evalsha').calls;
    results.million_node_cpu_us_per_delivery = Number(((nodeCpu * 1e6) / delivered).toFixed(2));
    results.million_slow_commands = [...slow.values()].reduce((sum, { count }) => sum + count, 0);
    progress(
      `${mode}: commands of 2 ms or more in the burst: ${
        [...slow]
          .sort(([, a], [, b]) => b.count - a.count)
          .map(([name, { count, maxMs }]) => `${name} ×${count} (max ${maxMs.toFixed(1)} ms)`)
          .join(', ') || 'none'
      }`,
    );
    results.million_probe_p50_ms = Number(percentile(probes, 50).toFixed(2));
    results.million_probe_p99_ms = Number(percentile(probes, 99).toFixed(2));
    results.million_probe_max_ms = Number(percentile(probes, 100).toFixed(2));
    results.million_rest_read_p50_ms = Number(percentile(reads, 50).toFixed(2));
    results.million_rest_read_p99_ms = Number(percentile(reads, 99).toFixed(2));
    results.million_returning_read_p50_ms = Number(percentile(returns, 50).toFixed(2));
    results.million_returning_read_p99_ms = Number(percentile(returns, 99).toFixed(2));
    results.million_returning_users = returns.length;
    results.million_reclaims = (await metric(app, 'skein_stage_reclaimed_total')) - reclaims0;
    results.million_smembers_during_burst = delta('smembers').calls;
    results.million_zmscore_calls_during_burst = delta('zmscore').calls;
    results.million_xrevrange_us_per_call = Number(
      (delta('xrevrange').usec / Math.max(1, delta('xrevrange').calls)).toFixed(2),
    );
    results.million_valkey_cpu_s_burst = Number(cpu.toFixed(2));
    results.million_articles_pulled = (await metric(app, 'skein_fanout_pulled_total')) - pulled0;
    // An active follower who did not read during the burst: their next read holds what the topic stream holds.
    const reader = uid(ACTIVE_EVERY * 1000);
    const [feed, topic] = await Promise.all(
      [`/users/${reader}/feed?limit=50`, `/topics/${BIG}/articles?limit=50`].map(async (path) => {
        const page = (await (await fetch(`${app!.url}${path}`)).json()) as { items: { id: string }[] };
        return page.items.map((item) => item.id).join(',');
      }),
    );
    results.million_feed_matches_topic = feed === topic && feed.length > 0 ? 1 : 0;
    results.million_node_rss_mb_before = Math.round(rssBefore / 2 ** 20);
    results.million_node_rss_mb_peak = Math.round(Math.max(rssPeak, rssBytes(pid).rss) / 2 ** 20);
    results.million_node_rss_mb_after = Math.round(rssBytes(pid).rss / 2 ** 20);
    results.million_valkey_mb_empty = Math.round(empty / 2 ** 20);
    results.million_valkey_mb_seeded = Math.round(seeded / 2 ** 20);
    results.million_valkey_mb_pruned = Math.round(pruned / 2 ** 20);
    results.million_valkey_mb_after = Math.round(after / 2 ** 20);
    results.million_valkey_bytes_per_delivery = Math.round((after - pruned) / delivered);
    progress(
      `${mode}: ${articles} articles × ${active.get(BIG)} active followers: ${delivered} deliveries in ${seconds.toFixed(1)} s ` +
        `(${results.million_deliveries_per_s}/s, ${results.million_valkey_cpu_us_per_delivery} µs Valkey CPU each); ` +
        `probe p99 ${results.million_probe_p99_ms} ms (max ${results.million_probe_max_ms}), REST read p99 ` +
        `${results.million_rest_read_p99_ms} ms, ${returns.length} returns p99 ${results.million_returning_read_p99_ms} ms; ` +
        `${live.length} live items to ${SOCKETS} sockets p50 / p99 ${results.million_live_p50_ms} / ${results.million_live_p99_ms} ms ` +
        `after ingest; reclaims ${results.million_reclaims}; event loop lag max ${results.million_node_eventloop_lag_max_ms} ms; Node RSS ${results.million_node_rss_mb_peak} MiB peak, Valkey ` +
        `${results.million_valkey_mb_after} MiB`,
    );
    return results;
  } finally {
    await app?.stop();
    probe.disconnect();
    client.disconnect();
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const modeAt = process.argv.indexOf('--mode');
  const mode = modeAt >= 0 ? (process.argv[modeAt + 1] as 'push' | 'pull') : undefined;
  const results = await run({ quick: process.argv.includes('--quick'), mode });
  process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
  process.exit(0);
}
