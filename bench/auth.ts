// What access control costs on the hot paths: the same routes of the built app (dist/main.js, ROLES=all, child
// processes) with auth off (the loopback sandbox, AUTH_DISABLED=true) and on (a realistic credential per route and
// RATE_LIMIT_PER_MINUTE high enough never to trip but not 0, so the limiter's Valkey round trip is paid), in the same
// run. Both apps run side by side, each on its own fresh Valkey, and are measured AT THE SAME TIME: each round drives
// both with the same open-loop schedule from two worker threads, so a stall of this shared machine (another process
// taking a core for 50 ms) lands on both sides' requests alike instead of on whichever side ran then (measured one
// after the other, the p99s of the same side swung 10× between rounds). Every figure is the median of its rounds (each
// round's p99 kept as `…_round_N`). Paths, each open loop from a worker thread:
//   - POST /articles (a fast route) at 250/s (the latency scenario's rate) with an `ingest` API key; the pipeline runs
//     behind it in the same process (10 users follow every topic), drained before the next measurement;
//   - POST /features/get-online-features, 1 entity × 10 features at 1,000/s (the features scenario's) with a
//     `features:read` key;
//   - GET /users/u0/feed?limit=10 (a Nest controller route, through AccessGuard) at 200/s with u0's user token.
// Besides latency, each side's server CPU per request (from /proc, over the measured window and, for ingest, the
// pipeline's drain) and Valkey commands per request: steadier than a p99 on a shared machine.
//   bash scripts/build-bench.sh && node .bench-dist/bench/auth.js [--quick]
import { Valkey } from 'iovalkey';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
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

/** Valkey commands so far (every top-level command; the harness's own XINFO, INFO and CONFIG left out). */
async function commands(client: Valkey): Promise<number> {
  let total = 0;
  for (const match of (await client.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    if (!['xinfo', 'info', 'config'].includes(match[1])) total += Number(match[2]);
  return total;
}

interface Figures {
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  commandsPerRequest: number;
}

async function measure(side: Side, path: Path, seconds: number): Promise<Figures> {
  const cpu0 = processCpuMs(side.app.child.pid!);
  const commands0 = await commands(side.client);
  const load = plan(side, path, seconds);
  const latencies = (await openLoop(load)).latencies.sort((a, b) => a - b);
  // The articles' work behind the ack (classify, enrich, fanout) is part of what an article costs, on both sides.
  if (path === 'ingest') await drained(side.client, 60000);
  const requests = latencies.length;
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMsPerRequest: (processCpuMs(side.app.child.pid!) - cpu0) / requests,
    commandsPerRequest: ((await commands(side.client)) - commands0) / requests,
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

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  ensureBuilt();
  // Quick: ingest at the latency scenario's 5 s; the two read paths 3 s (3,000 and 600 answers a round), so that the
  // whole quick harness stays near its 5 minutes.
  const secondsOf = (path: Path): number => (opts.quick ? (path === 'ingest' ? 5 : 3) : 15);
  const warmUp = opts.quick ? 2 : 5;
  const rounds = opts.quick ? 5 : 7;
  const paths: Path[] = ['ingest', 'features', 'feed'];
  const sides: Side[] = [];
  const results: Record<string, number> = {};
  try {
    sides.push(await start('off'));
    sides.push(await start('on'));
    // JIT, connections, scripts loaded, model trained; the ingest warm-up also fills the users' feeds.
    for (const side of sides) for (const path of paths) await measure(side, path, warmUp);
    for (const side of sides) await verify(side);

    const figures = new Map<string, Figures[]>();
    for (let round = 0; round < rounds; round++) {
      for (const path of paths) {
        const line: string[] = [];
        const measured = await Promise.all(sides.map((side) => measure(side, path, secondsOf(path))));
        for (const [i, side] of sides.entries()) {
          const f = measured[i];
          const key = `${LABELS[path]}_${side.mode}`;
          figures.set(key, [...(figures.get(key) ?? []), f]);
          results[`auth_${LABELS[path]}_p99_ms_${side.mode}_round_${round + 1}`] = Number(f.p99.toFixed(3));
          line.push(
            `auth ${side.mode}: p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms, ` +
              `${f.cpuMsPerRequest.toFixed(3)} ms CPU, ${f.commandsPerRequest.toFixed(1)} Valkey commands per request`,
          );
        }
        progress(
          `auth ${path} at ${RATES[path]}/s for ${secondsOf(path)} s, round ${round + 1} of ${rounds}: ${line.join('; ')}`,
        );
      }
    }

    for (const path of paths) {
      const label = LABELS[path];
      const of = (mode: Mode, pick: (f: Figures) => number): number =>
        median(figures.get(`${label}_${mode}`)!.map(pick));
      for (const mode of ['off', 'on'] as const) {
        results[`auth_${label}_p50_ms_${mode}`] = Number(of(mode, (f) => f.p50).toFixed(3));
        results[`auth_${label}_p99_ms_${mode}`] = Number(of(mode, (f) => f.p99).toFixed(3));
        results[`auth_${label}_cpu_ms_per_request_${mode}`] = Number(of(mode, (f) => f.cpuMsPerRequest).toFixed(3));
        results[`auth_${label}_valkey_commands_per_request_${mode}`] = Number(
          of(mode, (f) => f.commandsPerRequest).toFixed(2),
        );
      }
      for (const stat of ['p50', 'p99'] as const) {
        results[`auth_${label}_${stat}_ratio`] = Number(
          (results[`auth_${label}_${stat}_ms_on`] / results[`auth_${label}_${stat}_ms_off`]).toFixed(3),
        );
      }
      results[`auth_${label}_cpu_ratio`] = Number(
        (results[`auth_${label}_cpu_ms_per_request_on`] / results[`auth_${label}_cpu_ms_per_request_off`]).toFixed(3),
      );
      progress(
        `auth ${path} (medians of ${rounds} rounds): p50 ${results[`auth_${label}_p50_ms_off`]} → ` +
          `${results[`auth_${label}_p50_ms_on`]} ms (${results[`auth_${label}_p50_ratio`]}×), p99 ` +
          `${results[`auth_${label}_p99_ms_off`]} → ${results[`auth_${label}_p99_ms_on`]} ms ` +
          `(${results[`auth_${label}_p99_ratio`]}×), CPU per request ${results[`auth_${label}_cpu_ms_per_request_off`]} → ` +
          `${results[`auth_${label}_cpu_ms_per_request_on`]} ms (${results[`auth_${label}_cpu_ratio`]}×), Valkey commands ` +
          `per request ${results[`auth_${label}_valkey_commands_per_request_off`]} → ` +
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
  const results = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
