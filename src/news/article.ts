import { isISO8601, isURL, maxLength } from 'class-validator';
import type { Fields } from '../streams/stream-entry.js';
import { ARTICLE_ID_PATTERN, ARTICLE_ID_RULE, articleIdFor } from './article-id.js';

/** The article as it travels the pipeline, JSON in the `data` field of classified_stream and enriched_stream. */
export interface PipelineArticle {
  id: string;
  title: string;
  body: string;
  url?: string;
  source?: string;
  published_at?: string;
  /** When ingest accepted it (ms epoch): the start of ingest-to-feed latency. */
  ingested_at: number;
  topic?: string;
  topic_score?: number;
  summary?: string;
  word_count?: number;
  reading_time_seconds?: number;
  keywords?: string[];
  entities?: string[];
  /** When each stage saw the article (ms epoch). */
  stages: Record<string, number>;
}

export class MalformedEntryError extends Error {}

/** Field limits of REST ingest (ArticleDto), applied to every producer's entries at intake. */
export const MAX_TITLE_CHARS = 1000;
export const MAX_URL_CHARS = 2048;
export const MAX_SOURCE_CHARS = 200;
export const URL_OPTIONS = { require_tld: false };

/**
 * Reads a `news_raw` entry written by REST ingest or any producer: `title` and `body` (or `text`) are required,
 * `id` is derived like REST ingest does when missing.
 */
export function articleFromRawEntry(fields: Fields, maxBodyChars: number): PipelineArticle {
  const title = fields.title?.trim();
  // An empty `body` falls back to `text`, as a missing one does.
  const body = (fields.body || fields.text)?.trim();
  if (!title) throw new MalformedEntryError('missing field "title"');
  if (!body) throw new MalformedEntryError('missing field "body" (or "text")');
  // Checked here, at the first stage, rather than after two stages' work in fanout.
  if (fields.id && !ARTICLE_ID_PATTERN.test(fields.id)) {
    throw new MalformedEntryError(`${ARTICLE_ID_RULE}, got ${JSON.stringify(fields.id.slice(0, 140))}`);
  }
  if (body.length > maxBodyChars) {
    throw new MalformedEntryError(`body is ${body.length} characters, over ARTICLE_MAX_BODY_CHARS (${maxBodyChars})`);
  }
  if (!maxLength(fields.title, MAX_TITLE_CHARS)) {
    throw new MalformedEntryError(`title must be at most ${MAX_TITLE_CHARS} characters, got ${fields.title.length}`);
  }
  if (fields.url && !(isURL(fields.url, URL_OPTIONS) && maxLength(fields.url, MAX_URL_CHARS))) {
    throw new MalformedEntryError(
      `url must be a URL of at most ${MAX_URL_CHARS} characters, got ${JSON.stringify(fields.url.slice(0, 100))}`,
    );
  }
  if (fields.source && !maxLength(fields.source, MAX_SOURCE_CHARS)) {
    throw new MalformedEntryError(`source must be at most ${MAX_SOURCE_CHARS} characters, got ${fields.source.length}`);
  }
  const ingestedAt = Number(fields.ingested_at);
  const ingested_at = Number.isFinite(ingestedAt) && ingestedAt > 0 ? ingestedAt : Date.now();
  const article: PipelineArticle = {
    id: articleIdFor({ id: fields.id, url: fields.url, source: fields.source, title }),
    title,
    body,
    ingested_at,
    stages: { ingest: ingested_at },
  };
  if (fields.url) article.url = fields.url;
  if (fields.source) article.source = fields.source;
  if (fields.published_at) article.published_at = publishedAt(fields.published_at);
  return article;
}

/** A raw producer's `published_at`: ISO 8601 as REST takes it, or epoch seconds or ms (made ISO 8601). */
function publishedAt(value: string): string {
  if (isISO8601(value)) return value;
  if (/^\d{1,15}$/.test(value)) {
    const epoch = Number(value);
    // Below 1e11 it is seconds (until the year 5138); above, milliseconds.
    const date = new Date(epoch < 1e11 ? epoch * 1000 : epoch);
    if (!Number.isNaN(date.getTime())) return date.toISOString();
  }
  throw new MalformedEntryError(
    `published_at must be an ISO 8601 date or epoch seconds, got ${JSON.stringify(value.slice(0, 100))}`,
  );
}

/** Reads the `data` field of classified_stream / enriched_stream entries. */
export function articleFromDataEntry(fields: Fields): PipelineArticle {
  if (!fields.data) throw new MalformedEntryError('missing field "data"');
  let parsed: unknown;
  try {
    parsed = JSON.parse(fields.data);
  } catch (error) {
    throw new MalformedEntryError(`field "data" is not JSON: ${(error as Error).message}`);
  }
  const article = parsed as Partial<PipelineArticle> | null;
  if (!article || typeof article !== 'object' || typeof article.id !== 'string' || typeof article.title !== 'string') {
    throw new MalformedEntryError('field "data" is not an article (needs string "id" and "title")');
  }
  if (typeof article.body !== 'string') throw new MalformedEntryError('field "data" has no string "body"');
  return {
    ...article,
    stages: article.stages ?? {},
    ingested_at: article.ingested_at ?? Date.now(),
  } as PipelineArticle;
}
