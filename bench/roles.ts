// Enrich throughput with 1, 2 and 3 `ROLES=enrich` replicas: the BUILT app (dist/main.js, `npx nest build`) as child
// processes against one fresh Valkey, with classify pre-done (classified_stream pre-loaded).
//   bash scripts/build-bench.sh && node .bench-dist/bench/roles.js [--quick]
// Start line: the replicas are up and idle on a group created at the stream's end; `XGROUP SETID enrichers 0` then
// one XADD (which wakes blocked readers) releases the whole backlog at once, so no replica's start-up is on the clock.
// The clock stops when enriched_stream holds every entry. On 2 cores, Valkey, the bench and the replicas share them.
import { pathToFileURL } from 'node:url';
import { Valkey } from 'iovalkey';
import { Keys } from '../src/valkey/keys.js';
import { spawnApp, type AppProcess } from '../test/support/process.js';
import { ensureBuilt, freshValkey, median, progress } from './support.js';
import { classifiedData, filled, preload } from './workload.js';

const keys = new Keys('');

async function enrichWith(replicas: number, count: number): Promise<number> {
  const server = await freshValkey();
  const client = new Valkey(server.url);
  const apps: AppProcess[] = [];
  try {
    const now = Date.now();
    await preload(client, keys.classifiedStream, count, (i) => ['data', classifiedData(i, now)]);
    await client.xgroup('CREATE', keys.classifiedStream, 'enrichers', '$');
    for (let r = 0; r < replicas; r++) {
      apps.push(
        await spawnApp({
          VALKEY_URL: server.url,
          ROLES: 'enrich',
          CONSUMER_NAME: `bench-${r}`,
          STREAM_BLOCK_MS: '100',
          // The held-back backlog looks acknowledged (group at the end) until SETID: a trim then would delete it.
          STREAM_TRIM_INTERVAL_MS: '600000',
          LOG_LEVEL: 'warn',
          AUTH_DISABLED: 'true',
        }),
      );
    }
    // Every replica's consumer has joined the group before the backlog is released.
    for (const deadline = Date.now() + 15000; ;) {
      const consumers = (await client.xinfo('CONSUMERS', keys.classifiedStream, 'enrichers')) as unknown[];
      if (consumers.length >= replicas) break;
      if (Date.now() > deadline) throw new Error(`only ${consumers.length} of ${replicas} enrich consumers joined`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const started = performance.now();
    await client.xgroup('SETID', keys.classifiedStream, 'enrichers', '0');
    await client.xadd(keys.classifiedStream, '*', 'data', classifiedData(count, now));
    await filled(client, keys.enrichedStream, count + 1, 120000);
    return (count + 1) / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    client.disconnect();
    await server.stop();
  }
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  ensureBuilt();
  const count = opts.quick ? 10000 : 30000;
  const results: Record<string, number> = {};
  for (const replicas of [1, 2, 3]) {
    const runs: number[] = [];
    for (let r = 0; r < (opts.quick ? 1 : 3); r++) runs.push(await enrichWith(replicas, count));
    results[`roles_enrich_articles_per_s_${replicas}_replicas`] = Math.round(median(runs));
    progress(`roles: ${replicas} × ROLES=enrich, ${count} articles: ${runs.map(Math.round).join(', ')} articles/s`);
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
