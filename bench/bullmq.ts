// Peer: BullMQ carrying the same classify → enrich pipeline as jobs, with the same local models, on a fresh Valkey.
//   bash scripts/build-bench.sh && node .bench-dist/bench/bullmq.js [--quick]
// Like for like with bench/pipeline.ts: N raw articles pre-loaded (here as jobs of queue `classify`, there as entries
// of news_raw), both stages' workers in this one process, the clock from worker start until the N-th article is
// enriched (here: N completed `enrich` jobs, whose return value is the enriched article; there: N entries in
// enriched_stream). The classify job adds an `enrich` job carrying the classified article, as classify XADDs to
// classified_stream. BullMQ runs one job per worker slot; we report the best of a few `concurrency` settings.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pathToFileURL } from 'node:url';
import type { ArticleDto } from '../src/modules/ingest/article.dto.js';
import { LocalTopicClassifier } from '../src/modules/classify/topic-classifier.js';
import { LocalArticleSummarizer } from '../src/modules/enrich/article-summarizer.js';
import { articleMetadata } from '../src/modules/enrich/metadata.js';
import { freshValkey, median, progress } from './support.js';
import { article } from './workload.js';

interface Classified extends ArticleDto {
  topic: string;
  topic_score: number;
  ingested_at: number;
  stages: Record<string, number>;
}

async function bullOnce(url: string, count: number, concurrency: number): Promise<number> {
  // BullMQ's own client, constructed here: BullMQ cannot load it from connection options under native ESM.
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const prefix = `bull${concurrency}`;
  const classifyQueue = new Queue('classify', { connection, prefix });
  const enrichQueue = new Queue('enrich', { connection, prefix });
  const classifier = new LocalTopicClassifier();
  const summarizer = new LocalArticleSummarizer();
  await classifier.run([article(0)]);
  const now = Date.now();
  for (let start = 0; start < count; start += 1000) {
    await classifyQueue.addBulk(
      Array.from({ length: Math.min(1000, count - start) }, (_, k) => {
        const a = article(start + k);
        return { name: 'article', data: { ...a, ingested_at: now } };
      }),
    );
  }
  const started = performance.now();
  const classifyWorker = new Worker<ArticleDto & { ingested_at: number }>(
    'classify',
    async (job) => {
      const [score] = await classifier.run([job.data]);
      const classified: Classified = {
        ...job.data,
        topic: score.topic,
        topic_score: Math.round(score.score * 10000) / 10000,
        stages: { ingest: job.data.ingested_at, classify: Date.now() },
      };
      await enrichQueue.add('article', classified);
    },
    { connection, prefix, concurrency },
  );
  const enrichWorker = new Worker<Classified>(
    'enrich',
    async (job) => {
      const [summary] = await summarizer.run([job.data]);
      return {
        ...job.data,
        summary,
        ...articleMetadata(job.data.title, job.data.body),
        stages: { ...job.data.stages, enrich: Date.now() },
      };
    },
    { connection, prefix, concurrency },
  );
  try {
    const deadline = Date.now() + 180000;
    while ((await enrichQueue.getCompletedCount()) < count) {
      if (Date.now() > deadline) throw new Error('BullMQ pipeline did not finish in 180 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return count / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all([classifyWorker.close(), enrichWorker.close()]);
    await Promise.all([classifyQueue.close(), enrichQueue.close()]);
    connection.disconnect();
  }
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  const count = opts.quick ? 5000 : 20000;
  const settings = opts.quick ? [1, 50] : [1, 10, 50, 100];
  const results: Record<string, number> = {};
  let best = 0;
  for (const concurrency of settings) {
    const runs: number[] = [];
    for (let r = 0; r < (opts.quick ? 1 : 2); r++) {
      const server = await freshValkey();
      try {
        runs.push(await bullOnce(server.url, count, concurrency));
      } finally {
        await server.stop();
      }
    }
    const perSecond = Math.round(median(runs));
    results[`bullmq_articles_per_s_concurrency_${concurrency}`] = perSecond;
    best = Math.max(best, perSecond);
    progress(`bullmq ${count} articles, concurrency ${concurrency}: ${runs.map(Math.round).join(', ')} articles/s`);
  }
  results.bullmq_articles_per_s = best;
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
