import { isTopic, type Topic } from './topics.js';
import { ARTICLE_ID_PATTERN, ARTICLE_ID_RULE } from './article-id.js';

/** An enriched article as the enrich stage writes it to `enriched_stream` (`data` field), plus fan-out's time. */
export interface FeedArticle {
  id: string;
  title: string;
  body?: string;
  url?: string;
  source?: string;
  published_at?: string;
  topic: Topic;
  topic_score?: number;
  summary?: string;
  word_count?: number;
  reading_time_seconds?: number;
  keywords?: string[];
  entities?: unknown[];
  /** When ingest accepted it (ms epoch). */
  ingested_at: number;
  /** When each stage saw it (ms epoch). */
  stages: Record<string, number>;
  [field: string]: unknown;
}

/** Parses an `enriched_stream` entry's `data`; answers the reason when it can never be fanned out. */
export function parseEnriched(data: string | undefined): FeedArticle | string {
  if (data === undefined) return 'entry has no data field';
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return 'data is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'data is not a JSON object';
  const article = value as Record<string, unknown>;
  if (typeof article.id !== 'string' || !ARTICLE_ID_PATTERN.test(article.id)) return ARTICLE_ID_RULE;
  if (typeof article.title !== 'string') return 'title is missing';
  if (typeof article.topic !== 'string' || !isTopic(article.topic))
    return `topic ${JSON.stringify(article.topic)} is not a known topic`;
  const ingestedAt = typeof article.ingested_at === 'string' ? Number(article.ingested_at) : article.ingested_at;
  const stages =
    typeof article.stages === 'object' && article.stages !== null ? (article.stages as Record<string, number>) : {};
  return {
    ...article,
    id: article.id,
    title: article.title,
    topic: article.topic,
    ingested_at: typeof ingestedAt === 'number' && Number.isFinite(ingestedAt) ? ingestedAt : Date.now(),
    stages: { ...stages },
  };
}
