// What access control costs on the hot paths: the same routes of the built app (dist/main.js, ROLES=all, child
// processes) with auth off (the loopback sandbox, AUTH_DISABLED=true) and on (a realistic credential per route and
// RATE_LIMIT_PER_MINUTE high enough never to trip but not 0, so the limiter's Valkey round trip is paid), in the same
// run. Both apps run side by side, each on its own fresh Valkey, and are measured in short slices taken in turn (off, on,
// on, off, … per path: ABBA, so neither side always goes first), many per run; each side's p50 and p99 are those of
// ALL its requests pooled over its slices. A stall of this shared machine lasts about as long as a slice, so it lands
// on either side alike over a run (with a few long rounds, one 10 s stall decided a side's p99: the same side's p99
// swung 10× between rounds; measured at the same time, the two apps and their pipelines doubled the load on 2 cores
// and every p99 was a queue). Paths, each open loop from a worker thread:
//   - POST /articles (a fast route) at 250/s (the latency scenario's rate) with an `ingest` API key; the pipeline runs
//     behind it in the same process (10 users follow every topic), drained before the next measurement;
//   - POST /features/get-online-features, 1 entity × 10 features at 1,000/s (the features scenario's) with a
//     `features:read` key;
//   - GET /users/u0/feed?limit=10 (a Nest controller route, through AccessGuard) at 200/s with u0's user token.
// Besides latency, each side's server CPU per request (from /proc, over the measured window and, for ingest, the
// pipeline's drain) and Valkey commands per request: steadier than a p99 on a shared machine.
// A pooled p99 is decided by the few worst stalls of a run (a side's p99 over its odd slices read 0.4-1.4× that over its
// even ones: the A/A figure), so each path also reports the median over slice pairs (a side's slice and the other
// side's next to it) of the on ÷ off p99 ratio, with a 90% bootstrap interval: what auth costs at the p99 when the
// machine is the same for both. (Measuring both sides at once, request for request, made every p99 a queue: 30-110 ms.)
//   bash scripts/build-bench.sh && node .bench-dist/bench/auth.js [--quick] [--paths ingest,features,feed]
import { Valkey } from 'iovalkey';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { seededRandom } from '../src/common/seeded-random.js';
import { TOPICS } from '../src/news/topics.js';
import { spawnApp, type AppProcess } from '../test/support/process.js';
import { FEATURES, viewDrained, xaddRows } from './features.js';
import { drained } from './latency.js';
import { openLoop, type OpenLoopPlan } from './open-loop.js';
import { ensureBuilt, freshValkey, median, percentile, processCpuMs, progress } from './support.js';
import { article } from './workload.js';

type Mode = 'off' | 'on';
type Path = 'ingest' | 'features' | 'feed';

const USERS = 10;
const ENTITIES = 1000;
/** Far above what a run spends per key in a minute (1,000/s × 60), so no request is refused: only its cost counts. */
const RATE_LIMIT_PER_MINUTE = '10000000';
const RATES: Record<Path, number> = { ingest: 250, features: 1000, feed: 200 };
/** The figure names: `auth_<label>_p99_ms_off` and so on. */
const LABELS: Record<Path, string> = { ingest: 'ingest_ack', features: 'features_1x10', feed: 'feed' };

interface Side {
  mode: Mode;
  app: AppProcess;
  client: Valkey;
  stopValkey: () => Promise<void>;
  /** Per path, the headers its requests carry (none when auth is off). */
  headers: Record<Path, Record<string, string>>;
  /** The next article number this side sends (ids stay unique across rounds). */
  nextArticle: number;
}

async function call(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

async function start(mode: Mode): Promise<Side> {
  const server = await freshValkey();
  const admin = `bench-admin-${randomBytes(24).toString('base64url')}`;
  const app = await spawnApp({
    VALKEY_URL: server.url,
    ROLES: 'all',
    LOG_LEVEL: 'error',
    AUTH_DISABLED: mode === 'off' ? 'true' : 'false',
    ...(mode === 'on' ? { AUTH_ADMIN_KEY: admin, RATE_LIMIT_PER_MINUTE } : {}),
  });
  const client = new Valkey(server.url);
  const side: Side = {
    mode,
    app,
    client,
    stopValkey: server.stop,
    headers: { ingest: {}, features: {}, feed: {} },
    nextArticle: 0,
  };
  const base = app.url;
  const asAdmin: Record<string, string> = mode === 'on' ? { authorization: `Bearer ${admin}` } : {};
  if (mode === 'on') {
    // Keys as a deployment would hand them out: one scope each, never the admin key on a hot path.
    const key = async (name: string, scope: string): Promise<string> =>
      ((await call(`${base}/auth/keys`, 'POST', asAdmin, { name, scopes: [scope] })).body as { key: string }).key;
    side.headers.ingest = { authorization: `Bearer ${await key('bench-ingest', 'ingest')}` };
    side.headers.features = { authorization: `Bearer ${await key('bench-features', 'features:read')}` };
    const { token } = (await call(`${base}/auth/user-tokens`, 'POST', asAdmin, { user_id: 'u0' })).body as {
      token: string;
    };
    side.headers.feed = { authorization: `Bearer ${token}` };
  }
  await call(`${base}/features/entities`, 'POST', asAdmin, { name: 'user', join_keys: ['user_id'] });
  await call(`${base}/features/views`, 'POST', asAdmin, {
    name: 'bench',
    entity: 'user',
    ttl_seconds: 86400,
    features: FEATURES,
  });
  await xaddRows(client, 'bench', ENTITIES);
  await viewDrained(client, 'bench');
  for (let u = 0; u < USERS; u++) {
    await call(`${base}/users/u${u}/topics`, 'PUT', asAdmin, { topics: TOPICS });
    await call(`${base}/users/u${u}/feed?limit=1`, 'GET', asAdmin); // a feed read marks the user active
  }
  return side;
}

function plan(side: Side, path: Path, seconds: number): OpenLoopPlan {
  const base = side.app.url;
  const rate = RATES[path];
  const headers = side.headers[path];
  switch (path) {
    case 'ingest': {
      const count = Math.round(rate * seconds);
      const from = side.nextArticle;
      side.nextArticle += count;
      const bodies = Array.from({ length: count }, (_, i) => JSON.stringify(article(from + i)));
      return { url: `${base}/articles`, bodies, rate, status: 202, headers };
    }
    case 'features': {
      const body = { features: FEATURES.map((f) => `bench:${f.name}`), entities: { user_id: ['u0'] } };
      return {
        url: `${base}/features/get-online-features`,
        bodies: { body: JSON.stringify(body), seconds },
        rate,
        status: 200,
        headers,
      };
    }
    case 'feed':
      return {
        url: `${base}/users/u0/feed?limit=10`,
        bodies: { body: '', seconds },
        rate,
        status: 200,
        method: 'GET',
        headers,
      };
  }
}

/** A 90% interval of the median of `values` by resampling them with replacement `rounds` times (seeded: repeatable). */
function bootstrapMedian(values: number[], rounds: number): [number, number] {
  const random = seededRandom(16);
  const medians = Array.from({ length: rounds }, () =>
    median(Array.from(values, () => values[Math.floor(random() * values.length)])),
  ).sort((a, b) => a - b);
  return [percentile(medians, 5), percentile(medians, 95)];
}

/** Valkey commands so far (every top-level command; the harness's own XINFO, INFO and CONFIG left out). */
async function commands(client: Valkey): Promise<number> {
  let total = 0;
  for (const match of (await client.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    if (!['xinfo', 'info', 'config'].includes(match[1])) total += Number(match[2]);
  return total;
}

/** One slice of one side on one path: its latencies and what it cost. */
interface Slice {
  latencies: number[];
  cpuMs: number;
  commands: number;
}

async function measure(side: Side, path: Path, seconds: number): Promise<Slice> {
  const cpu0 = processCpuMs(side.app.child.pid!);
  const commands0 = await commands(side.client);
  const load = plan(side, path, seconds);
  const { latencies } = await openLoop(load);
  // The articles' work behind the ack (classify, enrich, fanout) is part of what an article costs, on both sides.
  if (path === 'ingest') await drained(side.client, 60000);
  return {
    latencies,
    cpuMs: processCpuMs(side.app.child.pid!) - cpu0,
    commands: (await commands(side.client)) - commands0,
  };
}

/** Checks the setup did what the figures assume: u0's feed holds a full page, and (auth on) a bare request is refused. */
async function verify(side: Side): Promise<void> {
  const page = (await call(`${side.app.url}/users/u0/feed?limit=10`, 'GET', side.headers.feed)).body as {
    items?: unknown[];
  };
  if ((page.items?.length ?? 0) < 10) throw new Error(`u0's feed holds ${page.items?.length ?? 0} articles`);
  const bare = await fetch(`${side.app.url}/users/u0/feed?limit=10`);
  await bare.arrayBuffer();
  if (bare.status !== (side.mode === 'on' ? 401 : 200)) throw new Error(`auth ${side.mode}: answered ${bare.status}`);
}

export async function run(opts: { quick: boolean; paths?: Path[] }): Promise<Record<string, number>> {
  ensureBuilt();
  // Quick: 8 slices a side and path (ingest 2 s: 500 articles; the reads 1.5 s: 1,500 and 300 answers), so the whole
  // quick harness stays near its 5 minutes; full: 20 slices of 3 s.
  const slices = opts.quick ? 8 : 20;
  const secondsOf = (path: Path): number => (opts.quick ? (path === 'ingest' ? 2 : 1.5) : 3);
  const warmUp = opts.quick ? 2 : 5;
  const paths: Path[] = opts.paths ?? ['ingest', 'features', 'feed'];
  const sides: Side[] = [];
  const results: Record<string, number> = {};
  try {
    sides.push(await start('off'));
    sides.push(await start('on'));
    // JIT, connections, scripts loaded, model trained; the ingest warm-up also fills the users' feeds.
    for (const side of sides) for (const path of new Set<Path>(['ingest', ...paths])) await measure(side, path, warmUp);
    for (const side of sides) await verify(side);

    const pooled = new Map<string, Slice>();
    // Each side's slices, even and odd apart: the ratio of their p99s is this run's A/A figure, what the p99 ratio of
    // two identical sides would read here (the noise any on/off ratio must be judged against).
    const halves = new Map<string, [number[], number[]]>();
    // Per path, each slice's p99 on both sides: off and on of one slice ran next to each other.
    const pairs = new Map<Path, { off: number; on: number }[]>();
    for (let slice = 0; slice < slices; slice++) {
      for (const path of paths) {
        const pair = { off: 0, on: 0 };
        for (const side of slice % 2 === 0 ? sides : [...sides].reverse()) {
          const measured = await measure(side, path, secondsOf(path));
          pair[side.mode] = percentile(
            [...measured.latencies].sort((a, b) => a - b),
            99,
          );
          const key = `${LABELS[path]}_${side.mode}`;
          const sum = pooled.get(key) ?? { latencies: [], cpuMs: 0, commands: 0 };
          sum.latencies.push(...measured.latencies);
          const half = halves.get(key) ?? [[], []];
          half[slice % 2].push(...measured.latencies);
          halves.set(key, half);
          sum.cpuMs += measured.cpuMs;
          sum.commands += measured.commands;
          pooled.set(key, sum);
        }
        pairs.set(path, [...(pairs.get(path) ?? []), pair]);
      }
      progress(`auth: slice ${slice + 1} of ${slices} done`);
    }

    for (const path of paths) {
      const label = LABELS[path];
      for (const mode of ['off', 'on'] as const) {
        const { latencies, cpuMs, commands: count } = pooled.get(`${label}_${mode}`)!;
        latencies.sort((a, b) => a - b);
        results[`auth_${label}_requests_${mode}`] = latencies.length;
        results[`auth_${label}_p50_ms_${mode}`] = Number(percentile(latencies, 50).toFixed(3));
        results[`auth_${label}_p99_ms_${mode}`] = Number(percentile(latencies, 99).toFixed(3));
        results[`auth_${label}_cpu_ms_per_request_${mode}`] = Number((cpuMs / latencies.length).toFixed(3));
        results[`auth_${label}_valkey_commands_per_request_${mode}`] = Number((count / latencies.length).toFixed(2));
        const [even, odd] = halves.get(`${label}_${mode}`)!.map((half) => half.sort((a, b) => a - b));
        results[`auth_${label}_p99_aa_ratio_${mode}`] = Number((percentile(odd, 99) / percentile(even, 99)).toFixed(3));
      }
      for (const stat of ['p50', 'p99'] as const) {
        results[`auth_${label}_${stat}_ratio`] = Number(
          (results[`auth_${label}_${stat}_ms_on`] / results[`auth_${label}_${stat}_ms_off`]).toFixed(3),
        );
      }
      const paired = pairs.get(path)!.map(({ off, on }) => on / off);
      const [low, high] = bootstrapMedian(paired, 2000);
      results[`auth_${label}_p99_paired_ratio`] = Number(median(paired).toFixed(3));
      results[`auth_${label}_p99_paired_ratio_low`] = Number(low.toFixed(3));
      results[`auth_${label}_p99_paired_ratio_high`] = Number(high.toFixed(3));
      results[`auth_${label}_cpu_ratio`] = Number(
        (results[`auth_${label}_cpu_ms_per_request_on`] / results[`auth_${label}_cpu_ms_per_request_off`]).toFixed(3),
      );
      progress(
        `auth ${path} at ${RATES[path]}/s, ${slices} slices of ${secondsOf(path)} s a side ` +
          `(${results[`auth_${label}_requests_off`]} / ${results[`auth_${label}_requests_on`]} requests): p50 ` +
          `${results[`auth_${label}_p50_ms_off`]} → ${results[`auth_${label}_p50_ms_on`]} ms ` +
          `(${results[`auth_${label}_p50_ratio`]}×), p99 ${results[`auth_${label}_p99_ms_off`]} → ` +
          `${results[`auth_${label}_p99_ms_on`]} ms (${results[`auth_${label}_p99_ratio`]}×; A/A, odd ÷ even slices ` +
          `of one side: off ${results[`auth_${label}_p99_aa_ratio_off`]}×, on ${results[`auth_${label}_p99_aa_ratio_on`]}×), ` +
          `median over ${slices} slice pairs of on ÷ off p99 ${results[`auth_${label}_p99_paired_ratio`]}× ` +
          `(90%: ${results[`auth_${label}_p99_paired_ratio_low`]}-${results[`auth_${label}_p99_paired_ratio_high`]}), ` +
          `CPU per request ` +
          `${results[`auth_${label}_cpu_ms_per_request_off`]} → ${results[`auth_${label}_cpu_ms_per_request_on`]} ms ` +
          `(${results[`auth_${label}_cpu_ratio`]}×), Valkey commands per request ` +
          `${results[`auth_${label}_valkey_commands_per_request_off`]} → ` +
          `${results[`auth_${label}_valkey_commands_per_request_on`]}`,
      );
    }
  } finally {
    for (const side of sides) {
      side.client.disconnect();
      await side.app.stop();
      await side.stopValkey();
    }
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--paths');
  const paths = at > 0 ? (process.argv[at + 1].split(',') as Path[]) : undefined;
  const results = await run({ quick: process.argv.includes('--quick'), paths });
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
