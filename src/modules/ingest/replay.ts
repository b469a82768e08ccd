import { setTimeout as sleep } from 'node:timers/promises';
import { readJsonLines } from '../../common/json-lines.js';
import { ARTICLE_ID_PATTERN, ARTICLE_ID_RULE, copyId } from '../../news/article-id.js';
import type { ArticleDto } from './article.dto.js';

export const SAMPLE_CORPUS = new URL('./sample/articles.jsonl', import.meta.url);

/** Reads a JSON-lines file of articles (`title`, `body` or `text`, optional id/url/source/published_at). */
export function readArticles(path: string | URL): ArticleDto[] {
  return readJsonLines(path, (row) => {
    const body = row.body ?? row.text;
    if (typeof row.title !== 'string' || typeof body !== 'string') return 'needs string "title" and "body" (or "text")';
    if (row.id !== undefined && (typeof row.id !== 'string' || !ARTICLE_ID_PATTERN.test(row.id)))
      return ARTICLE_ID_RULE;
    const article: ArticleDto = { title: row.title, body };
    for (const key of ['id', 'url', 'source', 'published_at'] as const) {
      if (typeof row[key] === 'string') article[key] = row[key];
    }
    return article;
  });
}

export interface ReplayOptions {
  /** Articles per second, sent on schedule (open loop), not after the previous send returns. */
  rate: number;
  /** Passes over the corpus; 0 = forever. Later passes get new ids (`{id}.p2`) so they are new articles. */
  passes: number;
  signal?: AbortSignal;
  onProgress?: (sent: number) => void;
}

const TICK_MS = 20;

/** Sends articles at a steady rate in small batches; answers how many were sent. */
export async function replay(
  articles: ArticleDto[],
  send: (batch: ArticleDto[]) => Promise<unknown>,
  options: ReplayOptions,
): Promise<number> {
  if (articles.length === 0) return 0;
  const started = Date.now();
  let sent = 0;
  for (let pass = 1; options.passes === 0 || pass <= options.passes; pass++) {
    const round = pass === 1 ? articles : articles.map((a) => ({ ...a, id: copyId(a, `p${pass}`), url: undefined }));
    for (let i = 0; i < round.length;) {
      if (options.signal?.aborted) return sent;
      const due = Math.floor(((Date.now() - started) / 1000) * options.rate) - sent;
      if (due <= 0) {
        await sleep(TICK_MS);
        continue;
      }
      const batch = round.slice(i, i + Math.min(due, 500));
      await send(batch);
      i += batch.length;
      sent += batch.length;
      options.onProgress?.(sent);
    }
  }
  return sent;
}
