import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { parseFeed } from '@rowanmanning/feed-parser';
import { createHash } from 'node:crypto';
import { isURL } from 'class-validator';
import { periodic, type Periodic } from '../../common/periodic.js';
import { AppConfig } from '../../config/config.js';
import { Role } from '../../config/roles.js';
import type { ArticleDto } from './article.dto.js';
import { MAX_SOURCE_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS, URL_OPTIONS } from '../../news/article.js';
import { IngestService } from './ingest.service.js';

const FETCH_TIMEOUT_MS = 15000;
/** Largest feed response read: a feed is a few hundred KB; a bigger (or endless) one is refused, not buffered. */
const FEED_MAX_BYTES = 10 * 1024 * 1024;

/** What Skein reads of a feed item (RSS 2.0, RDF or Atom), as @rowanmanning/feed-parser normalises it. */
export interface FeedItem {
  /** RSS guid or Atom id. */
  id: string | null;
  /** The item's link, resolved against the feed's. */
  url: string | null;
  title: string | null;
  /** RSS description or Atom summary. */
  description: string | null;
  /** RSS content:encoded or Atom content. */
  content: string | null;
  published: Date | null;
  updated: Date | null;
}

/** The article id of a feed item: a hash of its guid (or Atom id), else its link — the same item polled twice is one. */
export function feedItemId(item: Pick<FeedItem, 'id' | 'url'>): string | undefined {
  const key = item.id ?? item.url;
  return key ? `rss-${createHash('sha1').update(key).digest('hex').slice(0, 16)}` : undefined;
}

/** `atom` prefers an entry's content to its summary; RSS its description to content:encoded. */
export function articleFromFeedItem(item: FeedItem, source: string, atom = false): ArticleDto | undefined {
  const id = feedItemId(item);
  // Cut to the limits intake applies to every producer, so a long feed title does not dead-letter the item.
  const title = item.title?.trim().slice(0, MAX_TITLE_CHARS);
  if (!id || !title) return undefined;
  const text = atom ? (item.content ?? item.description) : (item.description ?? item.content);
  const body = stripTags(text ?? '').trim() || title;
  const article: ArticleDto = { id, title, body, source: source.slice(0, MAX_SOURCE_CHARS) };
  const link = item.url;
  if (link && /^https?:\/\//.test(link) && link.length <= MAX_URL_CHARS && isURL(link, URL_OPTIONS)) article.url = link;
  const published = item.published ?? item.updated;
  if (published) article.published_at = published.toISOString();
  return article;
}

/**
 * Each tag (`<` to the next `>`) becomes a space, then whitespace runs one space. An indexOf scan: the regex
 * `<[^>]*>` rescans to the end from every `<` of a run that no `>` closes (quadratic).
 */
export function stripTags(html: string): string {
  let out = '';
  let from = 0;
  for (let open = html.indexOf('<'); open !== -1; open = html.indexOf('<', from)) {
    const close = html.indexOf('>', open + 1);
    if (close === -1) break;
    out += `${html.slice(from, open)} `;
    from = close + 1;
  }
  return (out + html.slice(from)).replace(/\s+/g, ' ');
}

/** Polls the RSS 2.0 / Atom feeds in INGEST_FEEDS every INGEST_POLL_SECONDS into news_raw (role `ingest`). */
@Injectable()
export class FeedPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeedPoller.name);
  private polling?: Periodic;

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: IngestService,
  ) {}

  get feeds(): string[] {
    return this.config.env.INGEST_FEEDS.split(',')
      .map((url) => url.trim())
      .filter(Boolean);
  }

  onApplicationBootstrap(): void {
    if (!this.config.has(Role.Ingest) || this.feeds.length === 0) return;
    // pollAll logs each feed's failure itself.
    this.polling = periodic(
      this.config.env.INGEST_POLL_SECONDS * 1000,
      () => this.pollAll(),
      () => undefined,
      {
        immediately: true,
      },
    );
    this.logger.log(`polling ${this.feeds.length} feed(s) every ${this.config.env.INGEST_POLL_SECONDS} s`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.polling?.stop();
  }

  /** Polls every feed once; answers how many new articles were accepted. */
  async pollAll(): Promise<number> {
    let accepted = 0;
    for (const url of this.feeds) {
      try {
        accepted += await this.poll(url);
      } catch (error) {
        this.logger.warn(`feed ${url} failed: ${(error as Error).message}`);
      }
    }
    return accepted;
  }

  async poll(url: string): Promise<number> {
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const feed = parseFeed(await boundedText(res, FEED_MAX_BYTES));
    const source = feed.title || new URL(url).host;
    const atom = feed.meta.type === 'atom';
    const articles = feed.items
      .map((item) => articleFromFeedItem(item, source, atom))
      .filter((article): article is ArticleDto => article !== undefined);
    if (articles.length === 0) return 0;
    const { fresh } = await this.ingest.accept(articles, 'rss');
    return fresh;
  }
}

/** A response's body as text, refused once it passes `max` bytes (the rest is not read). */
async function boundedText(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  const refuse = (): Error => new Error(`response is larger than ${max / 1024 / 1024} MiB (the feed size limit)`);
  if (declared > max) {
    await res.body?.cancel();
    throw refuse();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (res.body as ReadableStream<Uint8Array> | null)?.getReader();
  for (;;) {
    const read = await reader?.read();
    if (!read || read.done) break;
    size += read.value.byteLength;
    if (size > max) {
      await reader!.cancel();
      throw refuse();
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
