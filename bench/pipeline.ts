// Pipeline throughput at saturation: N raw articles pre-loaded into news_raw, then the real ClassifyWorker and
// EnrichWorker (local models) run in this process under the real StreamWorker engine until enriched_stream holds N.
//   bash scripts/build-bench.sh && node .bench-dist/bench/pipeline.js [--quick]
// Also measured, for the report: the local models alone (classify + summary + metadata in a tight loop, no Valkey),
// the CPU ceiling of any pipeline that runs these models on one Node thread.
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config/config.js';
import { Metrics } from '../src/metrics/metrics.service.js';
import { ClassifyWorker } from '../src/modules/classify/classify.worker.js';
import { LocalTopicClassifier } from '../src/modules/classify/topic-classifier.js';
import { LocalArticleSummarizer } from '../src/modules/enrich/article-summarizer.js';
import { EnrichWorker } from '../src/modules/enrich/enrich.worker.js';
import { articleMetadata } from '../src/modules/enrich/metadata.js';
import { StreamWorker } from '../src/streams/stream-worker.js';
import { ValkeyConnection, ValkeyService } from '../src/valkey/valkey.service.js';
import { freshValkey, median, progress } from './support.js';
import { article, filled, preload, rawFields } from './workload.js';

export interface PipelineRun {
  perSecond: number;
  seconds: number;
}

/** Classify + enrich of `count` pre-loaded articles on a fresh server, timed from worker start to the last XADD. */
export async function pipelineOnce(count: number, batchSize: number, concurrency: number): Promise<PipelineRun> {
  const server = await freshValkey();
  const config = loadConfig({ VALKEY_URL: server.url, LOG_LEVEL: 'warn' });
  const valkey = new ValkeyService(config, new ValkeyConnection(server.url), new Metrics());
  const classifier = new LocalTopicClassifier();
  await classifier.run([article(0)]); // trains the model once per process, outside the clock
  const stages = [
    new ClassifyWorker(valkey, config, classifier),
    new EnrichWorker(valkey, new LocalArticleSummarizer()),
  ];
  const workers = stages.map(
    (stage) =>
      new StreamWorker(stage, valkey, new Metrics(), {
        consumerBase: 'bench',
        batchSize,
        blockMs: 100,
        claimIdleMs: 60000,
        maxDeliveries: 5,
        concurrency,
        trimIntervalMs: 60000,
      }),
  );
  try {
    const now = Date.now();
    await preload(valkey.command, valkey.keys.newsRaw, count, (i) => rawFields(article(i), now));
    const started = performance.now();
    await Promise.all(workers.map((worker) => worker.start()));
    await filled(valkey.command, valkey.keys.enrichedStream, count, 120000);
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: count / seconds, seconds };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await valkey.onApplicationShutdown();
    await server.stop();
  }
}

/** The local models alone, per article: what one Node thread can do with no Valkey at all. */
export async function modelsOnly(count: number): Promise<{ classify: number; enrich: number; both: number }> {
  const classifier = new LocalTopicClassifier();
  const summarizer = new LocalArticleSummarizer();
  const items = Array.from({ length: count }, (_, i) => article(i));
  await classifier.run(items.slice(0, 1));
  let t = performance.now();
  await classifier.run(items);
  const classifySeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await summarizer.run(items);
  for (const item of items) articleMetadata(item.title, item.body);
  const enrichSeconds = (performance.now() - t) / 1000;
  return {
    classify: count / classifySeconds,
    enrich: count / enrichSeconds,
    both: count / (classifySeconds + enrichSeconds),
  };
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  const count = opts.quick ? 5000 : 20000;
  const repeats = opts.quick ? 2 : 3;
  const results: Record<string, number> = {};

  const models = await modelsOnly(opts.quick ? 2000 : 5000);
  results.pipeline_models_only_articles_per_s = Math.round(models.both);
  results.pipeline_classify_model_articles_per_s = Math.round(models.classify);
  results.pipeline_enrich_model_articles_per_s = Math.round(models.enrich);
  progress(
    `pipeline: models alone ${Math.round(models.both)}/s (classify ${Math.round(models.classify)}/s, ` +
      `summary+metadata ${Math.round(models.enrich)}/s)`,
  );

  const variants: [string, number, number][] = opts.quick
    ? [['', 100, 1]]
    : [
        ['', 100, 1],
        ['_batch_500', 500, 1],
        ['_concurrency_2', 100, 2],
      ];
  for (const [suffix, batchSize, concurrency] of variants) {
    const runs: number[] = [];
    for (let r = 0; r < repeats; r++) runs.push((await pipelineOnce(count, batchSize, concurrency)).perSecond);
    results[`pipeline_articles_per_s${suffix}`] = Math.round(median(runs));
    progress(
      `pipeline ${count} articles, batch ${batchSize}, concurrency ${concurrency}: ` +
        `${runs.map(Math.round).join(', ')} articles/s`,
    );
  }
  results.pipeline_articles = count;
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
