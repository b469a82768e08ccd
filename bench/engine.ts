// Throughput of the stream-worker engine through a no-op stage, at batch sizes 1, 10 and 100.
//   bash scripts/build-bench.sh && node .bench-dist/bench/engine.js [--quick]
import { Valkey } from 'iovalkey';
import { loadConfig } from '../src/config/config.js';
import { Metrics } from '../src/metrics/metrics.service.js';
import type { StreamEntry, StreamStage } from '../src/streams/stream-entry.js';
import { StreamWorker } from '../src/streams/stream-worker.js';
import { ValkeyConnection, ValkeyService } from '../src/valkey/valkey.service.js';
import { freshValkey, median, progress } from './support.js';

async function once(url: string, batchSize: number, entries: number): Promise<number> {
  const producer = new Valkey(url);
  const stream = `bench:noop:${batchSize}:${Date.now()}`;
  for (let i = 0; i < entries; i += 1000) {
    const pipeline = producer.pipeline();
    for (let j = i; j < Math.min(entries, i + 1000); j++)
      pipeline.xadd(stream, '*', 'n', String(j), 'title', 'a title', 'body', 'a short body');
    await pipeline.exec();
  }
  let handled = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const stage: StreamStage = {
    definition: { stage: 'noop', stream, group: 'noop' },
    handle: (batch: StreamEntry[]) => {
      handled += batch.length;
      if (handled >= entries) finish();
      return Promise.resolve();
    },
  };
  const config = loadConfig({ VALKEY_URL: url });
  const valkey = new ValkeyService(config, new ValkeyConnection(url), new Metrics());
  const worker = new StreamWorker(stage, valkey, new Metrics(), {
    consumerBase: 'bench',
    batchSize,
    blockMs: 100,
    claimIdleMs: 60000,
    maxDeliveries: 5,
    concurrency: 1,
    trimIntervalMs: 60000,
  });
  const started = process.hrtime.bigint();
  await worker.start();
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await worker.stop();
  await valkey.onApplicationShutdown();
  await producer.quit();
  return entries / seconds;
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  const server = await freshValkey();
  const results: Record<string, number> = {};
  try {
    for (const batchSize of [1, 10, 100]) {
      const entries = (opts.quick ? 2000 : 10000) * (batchSize === 1 ? 1 : batchSize === 10 ? 3 : 10);
      const runs: number[] = [];
      for (let r = 0; r < 3; r++) runs.push(await once(server.url, batchSize, entries));
      results[`engine_noop_entries_per_s_batch_${batchSize}`] = Math.round(median(runs));
      progress(`engine no-op batch ${batchSize}: ${runs.map((x) => Math.round(x)).join(', ')} entries/s`);
    }
  } finally {
    await server.stop();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await run({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(results));
}
