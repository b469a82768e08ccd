// The benchmark harness of issue 7: runs every scenario (each starts its own fresh valkey-server), prints progress to
// stderr, and writes bench/results/latest.json (flat numbers) and bench/results/latest.md (report + SVG charts).
//   npm run bench -- --quick        (under 5 minutes)      npm run bench        (full, under 30 minutes)
//   node .bench-dist/bench/run.js --quick --only pipeline,bullmq     (a subset, for working on one scenario)
import { Logger } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { charts, derived, markdown, type Results, type RunInfo } from './report.js';
import { cpuStalls, progress } from './support.js';

type Scenario = (opts: { quick: boolean }) => Promise<Record<string, number>>;

/** In run order: the ceilings first, on a quiet machine; every scenario imports lazily (some register loader hooks). */
const SCENARIOS: [string, () => Promise<Scenario>][] = [
  ['ceilings', async () => (await import('./ceilings.js')).run],
  ['engine', async () => (await import('./engine.js')).run],
  ['pipeline', async () => (await import('./pipeline.js')).run],
  ['bullmq', async () => (await import('./bullmq.js')).run],
  ['roles', async () => (await import('./roles.js')).run],
  ['fanout', async () => (await import('./fanout.js')).run],
  ['latency', async () => (await import('./latency.js')).run],
  ['features', async () => (await import('./features.js')).run],
  ['tokens', async () => (await import('./tokens.js')).run],
  ['auth', async () => (await import('./auth.js')).run],
  ['metrics-overhead', async () => (await import('./metrics-overhead.js')).run],
  ['cluster', async () => (await import('./cluster.js')).run],
  ['hot-keys', async () => (await import('./hot-keys.js')).run],
  ['million', async () => (await import('./million.js')).run],
  ['tracing', async () => (await import('./tracing.js')).run],
];

/** latest.json's names (issue 7) for the scenarios' own keys. */
const NAMES: Record<string, string> = {
  fanout_deliveries_per_s_1000_users: 'fanout_deliveries_per_s',
  feed_bytes_per_entry: 'valkey_bytes_per_feed_entry',
  online_read_1x10_p99_ms: 'feature_online_p99_ms',
  online_read_100x10_p99_ms: 'feature_online_100_p99_ms',
  materialized_rows_per_s: 'feature_rows_per_s',
  skein_100_viewers_p99_ms: 'token_p99_ms_100_viewers',
  skein_1000_viewers_p99_ms: 'token_p99_ms_1000_viewers',
  resumable_stream_100_viewers_p99_ms: 'resumable_stream_p99_ms_100_viewers',
};

/** Names issue 7 requires in latest.json: written as null when a scenario did not produce them. */
const REQUIRED = [
  'pipeline_articles_per_s',
  'fanout_deliveries_per_s',
  'e2e_p99_ms_at_250',
  'valkey_bytes_per_feed_entry',
  'feature_online_p99_ms',
  'feature_online_100_p99_ms',
  'feature_rows_per_s',
  'token_p99_ms_100_viewers',
  'token_p99_ms_1000_viewers',
  'bullmq_articles_per_s',
  'resumable_stream_p99_ms_100_viewers',
  'ceiling_lpush_per_s',
  'ceiling_xadd_per_s',
  'ceiling_publish_per_s',
  'ceiling_hgetall_per_s',
  'ceiling_http_hgetall_p99_ms',
];

function valkeyVersion(): string {
  try {
    return execFileSync('valkey-server', ['--version'], { encoding: 'utf8' }).trim().split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? new Set(argv[onlyAt + 1]?.split(',')) : undefined;
  // Bench-only: the npm script name tells how the harness was invoked, for the report's command line.
  const viaNpm = process.env.npm_lifecycle_event === 'bench';
  const command = viaNpm
    ? `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`
    : `node .bench-dist/bench/run.js ${argv.join(' ')}`.trim();
  Logger.overrideLogger(['error', 'warn']);

  const startedAt = new Date().toISOString();
  const loadBefore = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const stallsBefore = await cpuStalls(3000);
  const t0 = performance.now();
  const raw: Results = {};
  const scenarioSeconds: Record<string, number> = {};
  const errors: Record<string, string> = {};
  let e2eDistribution: number[] = [];

  for (const [name, load] of SCENARIOS) {
    if (only && !only.has(name)) continue;
    progress(`── ${name} (${quick ? 'quick' : 'full'}) ──`);
    const t = performance.now();
    try {
      const scenario = await load();
      Object.assign(raw, await scenario({ quick }));
      if (name === 'latency') e2eDistribution = (await import('./latency.js')).lastDistribution;
    } catch (error) {
      errors[name] = (error as Error).message.split('\n')[0];
      progress(`${name} FAILED: ${(error as Error).stack ?? String(error)}`);
    }
    scenarioSeconds[name] = (performance.now() - t) / 1000;
    progress(`${name} took ${scenarioSeconds[name].toFixed(1)} s`);
  }

  const results: Results = {};
  for (const key of REQUIRED) results[key] = null;
  for (const [key, value] of Object.entries(raw)) results[NAMES[key] ?? key] = value;
  Object.assign(results, derived(results));
  const durationSeconds = (performance.now() - t0) / 1000;

  const stallsAfter = await cpuStalls(3000);
  const machine = {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? 'unknown',
    memory_gb: Number((totalmem() / 2 ** 30).toFixed(1)),
    kernel: release(),
    node: process.version,
    valkey: valkeyVersion(),
    load_average_before: loadBefore,
    load_average_after: loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    // Two spinning threads for 3 s, before and after the scenarios: the longest time the machine took a core away,
    // and the average time taken per second (a quiet machine shows well under 1 ms of either).
    cpu_stall_max_ms_before: stallsBefore.max_ms,
    cpu_stalled_ms_per_s_before: stallsBefore.stalled_ms_per_s,
    cpu_stall_max_ms_after: stallsAfter.max_ms,
    cpu_stalled_ms_per_s_after: stallsAfter.stalled_ms_per_s,
  };
  const info: RunInfo = {
    command,
    quick,
    startedAt,
    durationSeconds,
    machine,
    scenarioSeconds,
    errors,
    e2eDistribution,
  };

  const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    resolve(dir, 'latest.json'),
    `${JSON.stringify({ command, quick, started_at: startedAt, duration_s: Math.round(durationSeconds), machine, ...results, errors }, null, 2)}\n`,
  );
  const images = await charts(results, info, dir);
  writeFileSync(resolve(dir, 'latest.md'), markdown(results, info, images));
  progress(`wrote ${resolve(dir, 'latest.json')} and latest.md in ${durationSeconds.toFixed(0)} s`);
  process.exit(Object.keys(errors).length > 0 ? 1 : 0);
}

await main();
