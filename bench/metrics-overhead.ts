// What metrics cost the pipeline: classify + enrich (local models, real StreamWorker engine, in this process) over N
// pre-loaded articles, with metrics on and off, alternating in the same run.
//   bash scripts/build-bench.sh && node .bench-dist/bench/metrics-overhead.js [--quick]
// On  = the production code as is, plus a scrape of the whole registry every second (harsher than Prometheus' 15 s).
// Off = every metric of prom-client's registry turned into a no-op for the run (inc/set/observe/startTimer/labels),
//       so the same code paths run with nothing recorded and nothing scraped. Production code is not changed.
import { Logger } from '@nestjs/common';
import { register } from 'prom-client';
import { pathToFileURL } from 'node:url';
import { MeasuredProvider } from '../src/common/with-fallback.js';
import { loadConfig } from '../src/config/config.js';
import { Metrics, observeLatency } from '../src/metrics/metrics.service.js';
import { ClassifyWorker } from '../src/modules/classify/classify.worker.js';
import { LocalTopicClassifier } from '../src/modules/classify/topic-classifier.js';
import { LocalArticleSummarizer } from '../src/modules/enrich/article-summarizer.js';
import { EnrichWorker } from '../src/modules/enrich/enrich.worker.js';
import { StreamWorker } from '../src/streams/stream-worker.js';
import { ValkeyConnection, ValkeyService } from '../src/valkey/valkey.service.js';
import { freshValkey, median, progress } from './support.js';
import { article, filled, preload, rawFields } from './workload.js';

const RECORDING_METHODS = ['inc', 'dec', 'set', 'observe', 'startTimer', 'labels'] as const;
type Recorder = Record<string, unknown>;

/** Turns every registered metric into a no-op; returns the function that restores them. */
function silenceMetrics(): () => void {
  const noop = (): void => undefined;
  const child: Recorder = { inc: noop, dec: noop, set: noop, observe: noop, startTimer: () => noop };
  const saved: [Recorder, string, unknown][] = [];
  for (const metric of register.getMetricsAsArray() as unknown as Recorder[]) {
    for (const method of RECORDING_METHODS) {
      if (typeof metric[method] !== 'function') continue;
      saved.push([metric, method, Object.hasOwn(metric, method) ? metric[method] : undefined]);
      metric[method] = method === 'labels' ? () => child : method === 'startTimer' ? () => noop : noop;
    }
  }
  return () => {
    for (const [metric, method, own] of saved) {
      if (own === undefined) delete metric[method];
      else metric[method] = own;
    }
  };
}

/** Entries the engine has counted as processed so far, all stages. */
async function processedSoFar(): Promise<number> {
  const metric = register.getSingleMetric('skein_stage_processed_total');
  const values = metric ? (await metric.get()).values : [];
  return values.reduce((sum, { value }) => sum + value, 0);
}

/** Classify + enrich of `count` pre-loaded articles on a fresh server, timed from worker start to the last XADD. */
async function pipelineOnce(count: number, metricsOn: boolean): Promise<number> {
  const before = await processedSoFar();
  const restore = metricsOn ? () => undefined : silenceMetrics();
  const server = await freshValkey();
  const config = loadConfig({ VALKEY_URL: server.url, LOG_LEVEL: 'warn' });
  // Created after silencing: the Valkey command timer caches its histogram child at construction.
  const metrics = new Metrics();
  const valkey = new ValkeyService(config, new ValkeyConnection(server.url), metrics);
  const local = new LocalTopicClassifier();
  await local.run([article(0)]); // trains the model once, outside the clock
  const stages = [
    new ClassifyWorker(valkey, config, new MeasuredProvider(metrics, 'classifier', local)),
    new EnrichWorker(valkey, new MeasuredProvider(metrics, 'summarizer', new LocalArticleSummarizer())),
  ];
  const workers = stages.map(
    (stage) =>
      new StreamWorker(stage, valkey, metrics, {
        consumerBase: 'bench',
        batchSize: config.env.STREAM_BATCH_SIZE,
        blockMs: 100,
        claimIdleMs: 60000,
        maxDeliveries: 5,
        concurrency: 1,
        trimIntervalMs: config.env.STREAM_TRIM_INTERVAL_MS,
      }),
  );
  const scraper = metricsOn ? setInterval(() => void register.metrics().catch(() => undefined), 1000) : undefined;
  let seconds: number;
  try {
    await preload(valkey.command, valkey.keys.newsRaw, count, (i) => rawFields(article(i), Date.now()));
    const started = performance.now();
    await Promise.all(workers.map((worker) => worker.start()));
    await filled(valkey.command, valkey.keys.enrichedStream, count, 180000);
    seconds = (performance.now() - started) / 1000;
  } finally {
    clearInterval(scraper);
    await Promise.all(workers.map((worker) => worker.stop()));
    await valkey.onApplicationShutdown();
    await server.stop();
    restore();
  }
  // Guard on the method: off must record nothing, on must record every entry of both stages.
  const recorded = (await processedSoFar()) - before;
  if (recorded !== (metricsOn ? 2 * count : 0)) {
    throw new Error(`metrics ${metricsOn ? 'on' : 'off'} recorded ${recorded} processed entries for ${count} articles`);
  }
  return count / seconds;
}

/**
 * The recording work the pipeline does per article, measured alone in a tight loop with the real metric objects:
 * per batch and stage, the engine's timer, batch-size and processed count, the provider's timer and call count, and
 * one command timer in four for the batch's XADDs and XACK. Far less noisy than the end-to-end pairs on a shared box.
 */
function recordingNsPerArticle(batchSize: number, batches: number): number {
  const metrics = new Metrics();
  const command = metrics.valkeyCommandDuration.labels('command');
  const stages = [
    ['classify', 'classifier'],
    ['enrich', 'summarizer'],
  ] as const;
  const once = (): void => {
    for (const [stage, kind] of stages) {
      const stageStarted = performance.now();
      metrics.stageBatchSize.labels(stage).observe(batchSize);
      const stopProvider = metrics.providerDuration.labels(kind, 'local').startTimer();
      metrics.providerCalls.labels(kind, 'local', 'ok').inc();
      stopProvider();
      for (let c = 0; c < (batchSize + 1) / 4; c++) command.startTimer()();
      observeLatency(metrics.stageDuration, { stage }, (performance.now() - stageStarted) / 1000, undefined);
      metrics.stageProcessed.labels(stage).inc(batchSize);
    }
  };
  for (let i = 0; i < 1000; i++) once(); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < batches; i++) once();
  return Number(process.hrtime.bigint() - started) / (batches * batchSize);
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  Logger.overrideLogger(['error', 'warn']);
  const config = loadConfig({});
  const count = opts.quick ? 6000 : 20000;
  const pairs = opts.quick ? 3 : 5;
  const on: number[] = [];
  const off: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < pairs; r++) {
    // Alternate which mode goes first so warm-up and machine drift do not favour one.
    const first = r % 2 === 0;
    const a = await pipelineOnce(count, first);
    const b = await pipelineOnce(count, !first);
    const [withMetrics, without] = first ? [a, b] : [b, a];
    on.push(withMetrics);
    off.push(without);
    ratios.push(withMetrics / without);
    progress(`pair ${r + 1}: metrics on ${Math.round(withMetrics)}/s, off ${Math.round(without)}/s`);
  }
  const nsPerArticle = recordingNsPerArticle(config.env.STREAM_BATCH_SIZE, opts.quick ? 20000 : 100000);
  const results = {
    metrics_overhead_articles: count,
    metrics_recording_ns_per_article: Math.round(nsPerArticle),
    // The same cost as a share of the time one article takes with metrics off (median throughput).
    metrics_recording_pct_of_article_time: Math.round(nsPerArticle * median(off) * 1e-9 * 10000) / 100,
    metrics_on_articles_per_s: Math.round(median(on)),
    metrics_off_articles_per_s: Math.round(median(off)),
    // Throughput lost to metrics, from the median of the per-pair on/off ratios (negative = within noise).
    metrics_overhead_pct: Math.round((1 - median(ratios)) * 1000) / 10,
  };
  progress(`recording alone: ${results.metrics_recording_ns_per_article} ns per article`);
  progress(
    `${count} articles, ${pairs} pairs: on ${results.metrics_on_articles_per_s}/s, off ` +
      `${results.metrics_off_articles_per_s}/s, overhead ${results.metrics_overhead_pct} %`,
  );
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
