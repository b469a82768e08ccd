// Online feature store: HTTP online-read latency at a steady request rate (open loop, load generated from a worker
// thread) next to a bare HTTP + HGETALL server under the same load, and materializer rows/s with the CPU each side
// spent.
//   bash scripts/build-bench.sh && node .bench-dist/bench/features.js [--quick]
import { Valkey } from 'iovalkey';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startLocalApp } from '../test/support/app.js';
import { openLoop } from './open-loop.js';
import { freshValkey, machine, median, percentile, progress } from './support.js';

export const FEATURES = Array.from({ length: 10 }, (_, i) => ({ name: `f${i}`, type: i % 2 === 0 ? 'FLOAT' : 'INT' }));
const ENTITIES = 1000;

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${url}: ${res.status} ${text}`);
  return JSON.parse(text) as unknown;
}

/** A bare node:http server answering every POST with one HGETALL of a materialized row: the online-read ceiling. */
async function bareServer(valkeyUrl: string): Promise<{ url: string; close: () => void }> {
  const client = new Valkey(valkeyUrl);
  const http = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      JSON.parse(body);
      void client.hgetall('fs:v1:bench:u0').then((row) => {
        const json = JSON.stringify(row);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
        res.end(json);
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`,
    close: () => {
      http.close();
      client.disconnect();
    },
  };
}

function rowFields(view: string, entity: number, at: number): string[] {
  const features: Record<string, number> = {};
  FEATURES.forEach((f, i) => (features[f.name] = f.type === 'INT' ? entity + i : entity / 7 + i));
  return [
    'entity_id',
    `u${entity}`,
    'features',
    JSON.stringify(features),
    'timestamp',
    String(at),
    'feature_view',
    view,
  ];
}

export async function xaddRows(client: Valkey, view: string, rows: number): Promise<void> {
  const now = Date.now() / 1000;
  for (let i = 0; i < rows; i += 5000) {
    const pipeline = client.pipeline();
    for (let j = i; j < Math.min(rows, i + 5000); j++)
      pipeline.xadd(`fs:stream:${view}`, '*', ...rowFields(view, j % 100000, now));
    await pipeline.exec();
  }
}

export async function viewDrained(client: Valkey, view: string): Promise<void> {
  for (;;) {
    const groups = (await client.xinfo('GROUPS', `fs:stream:${view}`).catch(() => [])) as unknown[][];
    const group = groups.map((g) => Object.fromEntries(chunk(g))).find((g) => g.name === 'feature_writers');
    if (group && Number(group.pending) === 0 && Number(group.lag) === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function valkeyCpuSeconds(client: Valkey): Promise<number> {
  const info = await client.info('cpu');
  return ['used_cpu_sys', 'used_cpu_user'].reduce(
    (sum, name) => sum + Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0),
    0,
  );
}

function chunk(flat: unknown[]): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), flat[i + 1]]);
  return out;
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  const server = await freshValkey();
  // The loopback sandbox (AUTH_DISABLED), as before access control; bench/auth.ts measures the access check.
  const { app, url: base } = await startLocalApp(server.url, {
    LOG_LEVEL: 'error',
    ROLES: 'all',
    AUTH_DISABLED: 'true',
  });
  const client = new Valkey(server.url);
  const results: Record<string, number> = {};
  let bare: { url: string; close: () => void } | undefined;
  try {
    await post(`${base}/features/entities`, { name: 'user', join_keys: ['user_id'] });
    await post(`${base}/features/views`, { name: 'bench', entity: 'user', ttl_seconds: 86400, features: FEATURES });
    await xaddRows(client, 'bench', ENTITIES);
    await viewDrained(client, 'bench');

    // Steady rates a model server would send; a warm-up first (JIT, connections, and this VM's idle CPUs: at a few
    // hundred requests/s every request pays a vCPU wake-up, which the bare-server ceiling below shows too).
    const seconds = opts.quick ? 5 : 15;
    const warmUp = opts.quick ? 3 : 5;
    const features = FEATURES.map((f) => `bench:${f.name}`);
    bare = await bareServer(server.url);
    const plans = [
      { name: 'online_read_1x10', entities: 1, rate: 1000, url: `${base}/features/get-online-features` },
      { name: 'online_read_100x10', entities: 100, rate: 200, url: `${base}/features/get-online-features` },
      // Ceiling: a bare node:http server in this process answering each request with one HGETALL of a row
      // (the least an HTTP online read can do), under the same load generator at the 1 × 10 rate.
      { name: 'ceiling_http_hgetall', entities: 1, rate: 1000, url: bare.url },
    ];
    // Rounds interleave the plans (A B C, A B C, …) so that the host's noise, which drifts over seconds, falls on all
    // of them alike; each figure is the median of its rounds (every round's value is kept as `…_round_N`).
    const rounds = 3;
    const perRound = new Map<string, { p50: number; p99: number; loop: number }[]>();
    for (let round = 0; round < rounds; round++) {
      for (const { name, entities, rate, url } of plans) {
        const body = {
          features,
          entities: { user_id: Array.from({ length: entities }, (_, i) => `u${(i * 7) % ENTITIES}`) },
        };
        const plan = { url, bodies: { body: JSON.stringify(body), seconds }, rate, status: 200 };
        if (round === 0) await openLoop({ ...plan, bodies: { ...plan.bodies, seconds: warmUp } });
        // The server's event-loop delay over the same window: tells in-process stalls (GC, other work) from the rest.
        const loop = monitorEventLoopDelay({ resolution: 1 });
        loop.enable();
        const latencies = (await openLoop(plan)).latencies.sort((a, b) => a - b);
        loop.disable();
        const figures = {
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          loop: loop.percentile(99) / 1e6,
        };
        perRound.set(name, [...(perRound.get(name) ?? []), figures]);
        results[`${name}_p99_ms_round_${round + 1}`] = Number(figures.p99.toFixed(3));
        progress(
          `${name} (${entities} × 10) at ${rate} req/s for ${seconds} s, round ${round + 1} of ${rounds}: ` +
            `p50 ${figures.p50.toFixed(2)} ms, p99 ${figures.p99.toFixed(2)} ms`,
        );
      }
    }
    for (const [name, figures] of perRound) {
      results[`${name}_server_loop_delay_p99_ms`] = Number(median(figures.map((f) => f.loop)).toFixed(2));
      results[`${name}_p50_ms`] = Number(median(figures.map((f) => f.p50)).toFixed(3));
      results[`${name}_p99_ms`] = Number(median(figures.map((f) => f.p99)).toFixed(3));
    }

    // Rows are appended before the view exists, so the materializer (started on registration) drains a full stream.
    const rows = opts.quick ? 60000 : 200000;
    await xaddRows(client, 'drain', rows);
    const valkeyCpu0 = await valkeyCpuSeconds(client);
    const nodeCpu0 = process.cpuUsage();
    const started = performance.now();
    await post(`${base}/features/views`, { name: 'drain', entity: 'user', ttl_seconds: 86400, features: FEATURES });
    await viewDrained(client, 'drain');
    const seconds2 = (performance.now() - started) / 1000;
    const nodeCpu = process.cpuUsage(nodeCpu0);
    // CPU per row on each side: steadier than rows/s on a shared machine, and what bounds rows/s when both overlap.
    results.materialize_node_cpu_us_per_row = Number(((nodeCpu.user + nodeCpu.system) / rows).toFixed(1));
    results.materialize_valkey_cpu_us_per_row = Number(
      ((((await valkeyCpuSeconds(client)) - valkeyCpu0) * 1e6) / rows).toFixed(1),
    );
    results.materialized_rows_per_s = Math.round(rows / seconds2);
    progress(
      `materialized ${rows} rows in ${seconds2.toFixed(2)} s: ${results.materialized_rows_per_s} rows/s; CPU per row: ` +
        `Node ${results.materialize_node_cpu_us_per_row} µs, Valkey ${results.materialize_valkey_cpu_us_per_row} µs (${machine()})`,
    );
  } finally {
    bare?.close();
    await client.quit();
    await app.close();
    await server.stop();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await run({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(results));
  // The app leaves a Socket.IO adapter client reconnecting after close (src/valkey/valkey-io.adapter.ts), which
  // would keep this process alive.
  process.exit(0);
}
