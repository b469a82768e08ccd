// Workload shared by the pipeline scenarios (pipeline, roles, bullmq, latency): the shipped sample corpus, with a
// fresh id per copy so every copy is a new article, and helpers to pre-load a stream and wait for one to fill.
import type { Valkey } from 'iovalkey';
import type { ArticleDto } from '../src/modules/ingest/article.dto.js';
import { readArticles, SAMPLE_CORPUS } from '../src/modules/ingest/replay.js';
import type { PipelineArticle } from '../src/news/article.js';
import { TOPICS } from '../src/news/topics.js';

let corpus: ArticleDto[] | undefined;

/** The i-th article of the workload: the sample corpus cycled, with an id unique to i. */
export function article(i: number): ArticleDto & { id: string } {
  corpus ??= readArticles(SAMPLE_CORPUS);
  const base = corpus[i % corpus.length];
  return { ...base, id: `bench-${i}` };
}

/** The fields REST ingest writes to `news_raw` for an article. */
export function rawFields(a: ArticleDto & { id: string }, ingestedAt: number): string[] {
  const fields = ['id', a.id, 'title', a.title, 'body', a.body];
  if (a.url) fields.push('url', a.url);
  if (a.source) fields.push('source', a.source);
  if (a.published_at) fields.push('published_at', a.published_at);
  fields.push('ingested_at', String(ingestedAt));
  return fields;
}

/** The `data` JSON classify writes to `classified_stream` (topic chosen round-robin: enrich does not read it). */
export function classifiedData(i: number, ingestedAt: number): string {
  const a = article(i);
  const classified: PipelineArticle = {
    ...a,
    ingested_at: ingestedAt,
    topic: TOPICS[i % TOPICS.length],
    topic_score: 0.9,
    stages: { ingest: ingestedAt, classify: ingestedAt },
  };
  return JSON.stringify(classified);
}

/** XADDs `count` entries to a stream, 1,000 per pipeline. */
export async function preload(
  client: Valkey,
  stream: string,
  count: number,
  fields: (i: number) => string[],
): Promise<void> {
  for (let start = 0; start < count; start += 1000) {
    const pipeline = client.pipeline();
    for (let i = start; i < Math.min(count, start + 1000); i++) pipeline.xadd(stream, '*', ...fields(i));
    await pipeline.exec();
  }
}

/** Resolves when `stream` holds at least `count` entries (polled every 10 ms); rejects after `timeoutMs`. */
export async function filled(client: Valkey, stream: string, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const length = await client.xlen(stream);
    if (length >= count) return;
    if (Date.now() > deadline) throw new Error(`${stream} holds ${length} of ${count} entries after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
