// Fan-out on one Valkey node vs a 3-primary Valkey Cluster on the same box: feed deliveries/s and Valkey CPU µs per
// delivery (the sum over every server's used_cpu_user + used_cpu_sys, from INFO), through the BUILT app
// (dist/main.js as child processes: ROLES=api to sign users up, then ROLES=fanout for the rounds). Users set their
// topics and read their feed over REST (so they are subscribers and active, as a real user is; past REST_USERS
// written directly), then each round pre-loads enriched articles into enriched_stream and the clock runs until
// skein_fanout_deliveries_total reaches what the followers add up to. Both topologies are set up once per user count
// and their rounds alternate; medians of 3.
//   bash scripts/build-bench.sh && node .bench-dist/bench/cluster.js [--quick] [--users 2000,10000,100000]
// On 2 shared cores the three shards and the app share the CPU: the CPU per delivery is the figure that carries over
// to a real cluster (one shard per machine), deliveries/s on this box is not.
// Reported apart, per user count: CPU less the servers' own idle CPU over the same time (measured on them just before
// each round: serverCron and, on a cluster, the bus's gossip, ~5 ms/s per server here, a few % of the load), time
// inside scripts (commandstats usec: wall time, so it includes being descheduled on this box), deliveries per script
// call (the per-call cost is paid per call), commands per delivery.
// What it showed (issue 18, 2026-12-06, --quick, medians of 3): the cluster's extra CPU was the per-call cost. A cluster
// call holds one slot's users; 2,000 users over 16,384 slots leave ~1 user per call: 16.5 deliveries against 85.5
// standalone, 1.6-1.9× the CPU per delivery. At 100,000 users (~6 per slot) 79 deliveries (119 standalone): 1.14-1.35×.
// 2026-12-07: fanout.lua's commands per user (one SMISMEMBER, SADD, LPUSH for all of its ids) and a fan-out batch of 200
// on a cluster (56.6 deliveries per call at 2,000 users): 1.14 / 1.30 / 1.32× at 2,000 users (two quick runs and a
// full one), 1.08× at 10,000, 1.08 / 1.16 / 1.26× at 100,000. On one server without the app (bench/fanout-call-cost.ts)
// a call costs ~12 µs besides ~1.4 µs per delivery, so 56.6 vs 85.5 deliveries per call is ~5% and cluster mode's own
// key checks 0-7%: the rest of the spread is three shards and the app sharing 2 cores (context switches, fewer calls
// per read), which a cluster of one shard per machine does not pay.
// A third topology since (cluster1: one primary owning every slot, the same calls and checks as three shards, one
// server beside the app as the single one) separates the two. Full run 2026-12-07 02:57-03:04 UTC, medians of 3,
// one server → one-shard cluster → three shards: 2,000 users 1.37× / 1.53× (rounds spread 1.9-3.2 µs: noise),
// 10,000 users 1.00× / 1.15×, 100,000 users 1.24× / 1.40× (rounds within 4% of each other). perf on the one-shard
// cluster at 100,000 users: cluster-only functions (getNodeByQuery, keyHashSlot, getKeySlot) are ~2% of its samples.
// So the cost was per call, and calls of one slot's users paid it per user. Since, a call holds one NODE's users
// (fanout.lua with allow-cross-slot-keys): 85 / 111 / 119 deliveries per call as on one server, and the full run of
// 04:00-04:07 UTC gave one server → one shard → three shards 1.97 → 2.00 → 1.81 µs (0.92×), 1.83 → 1.79 → 1.75
// (0.96×), 1.79 → 1.94 → 1.84 (1.03×) at 2,000 / 10,000 / 100,000 users; a quick run after it 0.92× and 1.18×.
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
  name: 'single' | 'cluster' | 'cluster1';
  env: Record<string, string>;
  /** Each server's (primary's) connection, to read its INFO. */
  servers(): Valkey[];
  client: Valkey | Cluster;
  stop(): Promise<void>;
}

/** What one server has done so far: CPU seconds (user + sys), and script calls and their time inside Valkey. */
interface ServerSample {
  cpu: number;
  scriptCalls: number;
  scriptUs: number;
  commands: number;
}

async function sampleOf(client: Valkey): Promise<ServerSample> {
  const info = await client.info('all');
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  const stat = (command: string, name: string): number =>
    Number(new RegExp(`^cmdstat_${command}:.*\\b${name}=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return {
    cpu: field('used_cpu_user') + field('used_cpu_sys'),
    scriptCalls: stat('evalsha', 'calls') + stat('eval', 'calls'),
    scriptUs: stat('evalsha', 'usec') + stat('eval', 'usec'),
    commands: field('total_commands_processed'),
  };
}

async function samples(topology: Topology): Promise<ServerSample[]> {
  return Promise.all(topology.servers().map((server) => sampleOf(server)));
}

/** `after - before`, summed over the servers. */
function spent(before: ServerSample[], after: ServerSample[]): ServerSample {
  const sum: ServerSample = { cpu: 0, scriptCalls: 0, scriptUs: 0, commands: 0 };
  after.forEach((a, i) => {
    for (const name of Object.keys(sum) as (keyof ServerSample)[]) sum[name] += a[name] - before[i][name];
  });
  return sum;
}

async function single(): Promise<Topology> {
  const server = await freshValkey();
  const client = new Valkey(server.url);
  return {
    name: 'single',
    env: { VALKEY_URL: server.url },
    servers: () => [client],
    client,
    stop: async () => {
      client.disconnect();
      await server.stop();
    },
  };
}

async function cluster(): Promise<Topology> {
  return clusterOf(3);
}

/**
 * A cluster of one primary owning every slot: fan-out's calls are grouped by slot exactly as on three shards (a call
 * holds one slot's users, wherever the slot lives), and every key is checked as a cluster checks it, but one server
 * shares the two cores with the app, as the single server does. What it pays per delivery is what each shard of a
 * cluster with a machine per shard pays; the three-shard figure adds three servers and the app sharing 2 cores.
 */
async function oneShard(): Promise<Topology> {
  return clusterOf(1);
}

async function clusterOf(primaries: number): Promise<Topology> {
  const test = await TestValkeyCluster.start({ primaries });
  const client = test.client();
  return {
    name: primaries === 1 ? 'cluster1' : 'cluster',
    env: test.env,
    servers: () => client.nodes('master'),
    client,
    stop: () => test.stop(),
  };
}

/** Three distinct topics per user, the same for every run. */
function topicsOf(user: number): string[] {
  return [0, 3, 7].map((step) => TOPICS[(user + step) % TOPICS.length]);
}

/**
 * Users past the first REST_USERS are written the way PUT /users/{uid}/topics and a first feed read write them (their
 * topics, the topic sets, users_active, then each topic's version bumped): 100,000 users over REST took minutes. A
 * change of those keys shows here as a run that never reaches its expected deliveries.
 */
const REST_USERS = 2000;

async function seed(client: Valkey | Cluster, from: number, to: number): Promise<void> {
  const now = Date.now();
  for (let start = from; start < to; start += 2000) {
    const members = new Map<string, string[]>();
    const writes: Promise<unknown>[] = [];
    for (let u = start; u < Math.min(to, start + 2000); u++) {
      const topics = topicsOf(u);
      writes.push(client.hset(keys.user(`u${u}`), 'topics', topics.join(',')));
      for (const topic of topics) {
        const uids = members.get(topic);
        if (uids) uids.push(`u${u}`);
        else members.set(topic, [`u${u}`]);
      }
      writes.push(client.zadd(keys.activeUsers, now, `u${u}`));
    }
    for (const [topic, uids] of members) writes.push(client.sadd(keys.topicSubscribers(topic), ...uids));
    await Promise.all(writes);
  }
  // Fan-out's cached followers are out of date: a topic version moved with no change logged reads the topic whole again.
  if (to > from) for (const topic of TOPICS) await client.hincrby(keys.topicSubscribersVersion(topic), 'v', 1);
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

/** What one topology did for one user count, from every primary's INFO (summed). */
interface Outcome {
  perSecond: number;
  /** Valkey CPU (user + sys, every server) per delivery while fan-out ran. */
  cpuUsPerDelivery: number;
  /** The same less the servers' idle CPU over the same time (measured on them, with the app idle, just before). */
  netCpuUsPerDelivery: number;
  /** Time inside script calls (INFO commandstats usec: the scripts' work, no I/O, no background) per delivery. */
  scriptUsPerDelivery: number;
  /** Deliveries per script call (every EVALSHA of the run: fanout.lua's and the few per batch of the others). */
  deliveriesPerCall: number;
  /** Commands (any) per delivery, the scripts' counted as one each. */
  commandsPerDelivery: number;
  /** The servers' CPU while idle (summed), µs per second. */
  idleCpuUsPerS: number;
}

/** How long each topology's idle CPU is measured before each round's load (app running, nothing to do). */
const IDLE_MS = 2000;

/** A topology with its app and users, ready for rounds of articles. */
interface Rig {
  topology: Topology;
  app: AppProcess;
  /** Followers per topic. */
  followers: Map<string, number>;
}

async function rigOn(make: () => Promise<Topology>, users: number): Promise<Rig> {
  const topology = await make();
  const env = {
    ...topology.env,
    LOG_LEVEL: 'warn',
    AUTH_DISABLED: 'true',
    STREAM_BLOCK_MS: '100',
    // Fan-out's cost is what is measured: no topic left to its readers.
    FANOUT_PULL_THRESHOLD: '0',
  };
  let app: AppProcess | undefined;
  try {
    // Users sign up through an api replica, stopped before the rounds: its feed backlog gauge (an XLEN per active
    // user every 5 s, ~20 ms/s of Valkey CPU at 100,000 users, bursty) is not fan-out's cost and blurred the idle
    // baseline. The rounds run on a fan-out replica alone.
    const api = await spawnApp({ ...env, ROLES: 'api' });
    try {
      const registered = performance.now();
      await inParallel(Math.min(users, REST_USERS), 32, async (u) => {
        const put = await fetch(`${api.url}/users/u${u}/topics`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ topics: topicsOf(u) }),
        });
        if (!put.ok) throw new Error(`PUT topics answered ${put.status}`);
        await (await fetch(`${api.url}/users/u${u}/feed?limit=1`)).arrayBuffer();
      });
      await seed(topology.client, REST_USERS, users);
      progress(
        `cluster: ${topology.name} set up ${users} users in ${((performance.now() - registered) / 1000).toFixed(1)} s`,
      );
    } finally {
      await api.stop();
    }
    app = await spawnApp({ ...env, ROLES: 'fanout' });
    const followers = new Map<string, number>();
    for (let u = 0; u < users; u++) for (const t of topicsOf(u)) followers.set(t, (followers.get(t) ?? 0) + 1);
    return { topology, app, followers };
  } catch (error) {
    await app?.stop();
    await topology.stop();
    throw error;
  }
}

/** Articles `from`..`from + count - 1` through fan-out, with the idle baseline of the same servers just before. */
async function roundOn(rig: Rig, from: number, count: number): Promise<Outcome> {
  const { topology, app, followers } = rig;
  const now = Date.now();
  let expected = 0;
  const entries: string[][] = [];
  for (let i = from; i < from + count; i++) {
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
  // Idle baseline: the same servers, the fan-out replica running (its blocking reads) but given nothing to do.
  const idle0 = await samples(topology);
  const idleStarted = performance.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const idle = spent(idle0, await samples(topology));
  const idleCpuPerS = idle.cpu / ((performance.now() - idleStarted) / 1000);

  const before = await deliveries(app);
  const load0 = await samples(topology);
  const started = performance.now();
  // In one transaction: a backlog, so fan-out reads full batches (one XADD at a time woke it for batches of a few).
  const backlog = topology.client.multi();
  for (const fields of entries) backlog.xadd(keys.enrichedStream, '*', ...fields);
  await backlog.exec();
  for (const deadline = Date.now() + 300000; ;) {
    if ((await deliveries(app)) - before >= expected) break;
    if (Date.now() > deadline)
      throw new Error(`fan-out did not reach ${expected} deliveries in time (seed() out of date?)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  const load = spent(load0, await samples(topology));
  return {
    perSecond: expected / seconds,
    cpuUsPerDelivery: (load.cpu * 1e6) / expected,
    netCpuUsPerDelivery: ((load.cpu - idleCpuPerS * seconds) * 1e6) / expected,
    scriptUsPerDelivery: load.scriptUs / expected,
    deliveriesPerCall: expected / Math.max(1, load.scriptCalls),
    commandsPerDelivery: load.commands / expected,
    idleCpuUsPerS: idleCpuPerS * 1e6,
  };
}

/**
 * The user counts measured (`--users 2000,100000` overrides) and articles per round (each user gets 3/10 of them;
 * 50 = one fan-out batch). 100,000 users put ~6 in each of the 16,384 slots, so a cluster's call (one slot's users)
 * carries several users as a standalone call does; at 2,000 or 10,000 users nearly every call carries one user.
 */
function plan(quick: boolean): { users: number; articles: number }[] {
  const flag = process.argv.indexOf('--users');
  const counts =
    flag > 0 ? process.argv[flag + 1].split(',').map(Number) : quick ? [2000, 100000] : [2000, 10000, 100000];
  return counts.map((users) => ({ users, articles: users >= 100000 ? 50 : 200 }));
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  ensureBuilt();
  const rounds = 3;
  const results: Record<string, number> = {};
  for (const { users, articles } of plan(opts.quick)) {
    const runs: Record<string, Outcome[]> = { single: [], cluster: [], cluster1: [] };
    const rigs: Rig[] = [];
    try {
      rigs.push(await rigOn(single, users));
      rigs.push(await rigOn(oneShard, users));
      rigs.push(await rigOn(cluster, users));
      // A warm-up round each (fan-out's subscriber cache filled, scripts loaded), not counted.
      for (const rig of rigs) await roundOn(rig, 0, 10);
      // Interleaved: single, cluster, single, cluster… so the machine's noise falls on both alike.
      for (let round = 0; round < rounds; round++) {
        for (const rig of rigs) {
          const name = rig.topology.name;
          const o = await roundOn(rig, 10 + round * articles, articles);
          runs[name].push(o);
          progress(
            `cluster: ${name}, ${users} users × 3 topics, ${articles} articles, round ${round + 1}: ` +
              `${Math.round(o.perSecond)} deliveries/s; Valkey CPU per delivery ${o.cpuUsPerDelivery.toFixed(2)} µs ` +
              `(${o.netCpuUsPerDelivery.toFixed(2)} µs less the idle ${Math.round(o.idleCpuUsPerS)} µs/s), ` +
              `in scripts ${o.scriptUsPerDelivery.toFixed(2)} µs; ${o.deliveriesPerCall.toFixed(1)} deliveries per ` +
              `script call, ${o.commandsPerDelivery.toFixed(3)} commands per delivery`,
          );
        }
      }
    } finally {
      for (const rig of rigs) {
        await rig.app.stop();
        await rig.topology.stop();
      }
    }
    const figure = (name: string, pick: (o: Outcome) => number, digits: number): number =>
      Number(median(runs[name].map(pick)).toFixed(digits));
    for (const name of ['single', 'cluster', 'cluster1'] as const) {
      const at = `${name}_${users}_users`;
      results[`cluster_fanout_deliveries_per_s_${at}`] = Math.round(figure(name, (o) => o.perSecond, 0));
      results[`cluster_fanout_valkey_cpu_us_per_delivery_${at}`] = figure(name, (o) => o.cpuUsPerDelivery, 2);
      results[`cluster_fanout_valkey_net_cpu_us_per_delivery_${at}`] = figure(name, (o) => o.netCpuUsPerDelivery, 2);
      results[`cluster_fanout_script_us_per_delivery_${at}`] = figure(name, (o) => o.scriptUsPerDelivery, 2);
      results[`cluster_fanout_deliveries_per_script_call_${at}`] = figure(name, (o) => o.deliveriesPerCall, 1);
      results[`cluster_fanout_idle_valkey_cpu_us_per_s_${at}`] = figure(name, (o) => o.idleCpuUsPerS, 0);
    }
    const ratio = (metric: string, cluster = 'cluster'): number =>
      Number((results[`${metric}_${cluster}_${users}_users`] / results[`${metric}_single_${users}_users`]).toFixed(2));
    results[`cluster1_fanout_cpu_per_delivery_ratio_${users}_users`] = ratio(
      'cluster_fanout_valkey_cpu_us_per_delivery',
      'cluster1',
    );
    results[`cluster1_fanout_net_cpu_per_delivery_ratio_${users}_users`] = ratio(
      'cluster_fanout_valkey_net_cpu_us_per_delivery',
      'cluster1',
    );
    results[`cluster_fanout_cpu_per_delivery_ratio_${users}_users`] = ratio(
      'cluster_fanout_valkey_cpu_us_per_delivery',
    );
    results[`cluster_fanout_net_cpu_per_delivery_ratio_${users}_users`] = ratio(
      'cluster_fanout_valkey_net_cpu_us_per_delivery',
    );
    results[`cluster_fanout_script_us_per_delivery_ratio_${users}_users`] = ratio(
      'cluster_fanout_script_us_per_delivery',
    );
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
