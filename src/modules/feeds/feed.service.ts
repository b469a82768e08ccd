import { BadRequestException, Injectable, NotFoundException, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/config.js';
import { Role } from '../../config/roles.js';
import { isEntryId } from '../../streams/stream-entry.js';
import { StreamStatsService, type StreamStats } from '../../streams/stream-stats.service.js';
import { execOrThrow } from '../../valkey/pipeline.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { isTopic, TOPICS } from '../../news/topics.js';
import type { FeedArticle } from '../../news/feed-article.js';
import { ArticleRepository } from '../../news/article.repository.js';
import { FanoutMetrics } from '../../news/fanout.metrics.js';
import { FeedRepository } from '../../news/feed.repository.js';
import { ListBudget } from '../../http/list-budget.js';
import type { ArticleListDto, FeedPageDto, TopicSummaryDto, UserDto } from './feeds.dto.js';

/** Stages whose dead letters `/pipeline/stats` reports. */
const PIPELINE_STAGES = ['classify', 'enrich', 'fanout'];
const DEFAULT_LIMIT = 20;
/** Articles read from Valkey at a time for a list, so a page stopped by its byte budget reads little past it. */
const LIST_READ_CHUNK = 16;

export type FeedItem = FeedArticle & { cursor: string };

/** Users, their topics and activity, and feed reads (an inactive user's feed is rebuilt before their first read). */
@Injectable()
export class FeedService implements OnModuleInit {
  constructor(
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
    private readonly feeds: FeedRepository,
    private readonly articles: ArticleRepository,
    private readonly stats: StreamStatsService,
    private readonly fanoutMetrics: FanoutMetrics,
  ) {}

  onModuleInit(): void {
    // The api replica reports the pipeline's backlog, whichever stage replicas are running (or none is).
    if (!this.config.has(Role.Api)) return;
    this.stats.track(...this.pipelineStreams);
    // The seed dashboard's topic_stream_len: each topic stream's length (ten topics, a fixed set of series).
    this.stats.track(...TOPICS.map((topic) => this.valkey.keys.topicStream(topic)));
  }

  private get pipelineStreams(): string[] {
    const keys = this.valkey.keys;
    return [
      ...keys.newsRawPartitions(this.config.env.NEWS_RAW_PARTITIONS),
      keys.classifiedStream,
      keys.enrichedStream,
      ...PIPELINE_STAGES.map((s) => keys.deadLetter(s)),
    ];
  }

  /** Replaces a user's topics; an unknown topic is a 400 naming it and nothing is written. */
  async setTopics(uid: string, topics: string[]): Promise<UserDto> {
    const unknown = topics.filter((topic) => !isTopic(topic));
    if (unknown.length > 0) {
      throw new BadRequestException(
        `topics: unknown topic ${unknown.map((t) => JSON.stringify(t)).join(', ')} (known: ${TOPICS.join(', ')})`,
      );
    }
    const wanted = [...new Set(topics)];
    const { command: client, keys } = this.valkey;
    const previous = await this.topicsOf(uid);
    const pipeline = client.pipeline();
    // A user's topics are kept until they change them (no expiry); following none leaves no record behind.
    if (wanted.length > 0) pipeline.hset(keys.user(uid), 'topics', wanted.join(','));
    else pipeline.del(keys.user(uid));
    pipeline.zscore(keys.activeUsers, uid);
    const replies = await execOrThrow(pipeline.exec());
    // Each topic's set, version and change log are written by one script in its slot: fan-out's caches re-read this
    // user for the topics left and those followed (old and new), and for no other topic.
    await Promise.all([
      ...previous.filter((topic) => !wanted.includes(topic)).map((t) => this.feeds.changeFollowers(t, 'remove', [uid])),
      ...wanted.map((topic) => this.feeds.changeFollowers(topic, 'add', [uid])),
    ]);
    // An active user who follows a new topic gets its recent articles now (after the bump: none is missed); an
    // inactive one gets them with the rebuild on their next read.
    const activeAt = replies[replies.length - 1] as string | null;
    if (this.feeds.isActive(activeAt === null ? null : Number(activeAt)) && wanted.some((t) => !previous.includes(t))) {
      await this.refill(uid, wanted);
    }
    return this.user(uid);
  }

  async user(uid: string): Promise<UserDto> {
    const { command: client, keys } = this.valkey;
    const [topics, score] = await Promise.all([this.topicsOf(uid), client.zscore(keys.activeUsers, uid)]);
    return score === null ? { id: uid, topics } : { id: uid, topics, active_at: new Date(Number(score)).toISOString() };
  }

  /**
   * Marks a user active (and keeps their feed from expiring). A user who was inactive (or never active) missed fan-out:
   * their feed is rebuilt from the topic streams before this returns; and the new articles of the topics fan-out leaves
   * to their readers are brought in (FeedRepository.pull).
   */
  async touch(uid: string): Promise<void> {
    const { command: client, keys } = this.valkey;
    const now = Date.now();
    // While some topic is left to its readers, the user's marks come with the activity (no round trip of their own).
    const pulled = await this.feeds.pulledTopics(now);
    // Active first, rebuild second: an article fanned out meanwhile is deduped, never missed.
    const pipeline = client
      .pipeline()
      .zscore(keys.activeUsers, uid)
      .zadd(keys.activeUsers, now, uid)
      .hget(keys.user(uid), 'topics');
    if (pulled.size > 0) pipeline.hgetall(keys.feedPull(uid));
    this.feeds.refreshTtl(pipeline, uid);
    const replies = await execOrThrow(pipeline.exec());
    const [score, , field] = replies as [string | null, unknown, string | null];
    const marks = pulled.size > 0 ? (replies[3] as Record<string, string>) : {};
    const previous = score === null ? null : Number(score);
    const topics = parseTopics(field);
    // Only subscribers are in fan-out's cache: a reader who follows nothing (a first visit, a crawler) leaves it valid.
    if (topics.length === 0) return;
    const returning = !this.feeds.isActive(previous, now);
    if (returning || this.feeds.activityChanges(previous, now)) {
      // After the activity is written, before the rebuild reads the topic streams: a fan-out batch either sees the
      // bump (and then this activity) or is in what the rebuild reads. A returning user goes back into the sets the
      // activity prune took them out of, in the same script as the bump of that topic's version.
      await Promise.all(topics.map((topic) => this.feeds.changeFollowers(topic, returning ? 'add' : 'touch', [uid])));
    }
    if (returning) await this.refill(uid, topics);
    // The new articles of the followed topics that fan-out leaves to their readers.
    const followed = topics.filter((topic) => pulled.has(topic));
    if (followed.length === 0) return;
    const [{ added }] = await this.feeds.pull([{ uid, topics: followed, marks: new Map(Object.entries(marks)) }]);
    this.fanoutMetrics.deliveries.inc(added);
  }

  private async refill(uid: string, topics: string[]): Promise<void> {
    const added = await this.feeds.rebuild(uid, topics);
    this.fanoutMetrics.rebuilds.inc();
    this.fanoutMetrics.deliveries.inc(added);
  }

  /** A page of a feed: up to `limit` items and LIST_MAX_BYTES, newest first, after the short id `before`. */
  async feed(uid: string, limit = DEFAULT_LIMIT, before?: string): Promise<FeedPageDto> {
    await this.touch(uid);
    const shorts = await this.feeds.page(uid, limit + 1, before);
    const page = shorts.slice(0, limit);
    const budget = new ListBudget<FeedArticle>();
    let taken = 0;
    // Hydrated a chunk at a time: a page stopped by its byte budget reads little past it.
    for (let from = 0; from < page.length && !budget.full; from += LIST_READ_CHUNK) {
      const chunk = page.slice(from, from + LIST_READ_CHUNK);
      for (const article of await this.articles.byShortIds(chunk)) {
        // An expired article is left out, and paged past.
        if (article !== undefined && !budget.add(article, JSON.stringify(article))) break;
        taken++;
      }
    }
    return taken < page.length || shorts.length > limit
      ? { items: budget.items, next_before: page[taken - 1] }
      : { items: budget.items };
  }

  /**
   * The deliveries after the feed stream cursor `after` (and up to `until`), oldest first, each with its cursor: up to
   * LIST_MAX_BYTES of them; `more` when the rest continue after the last item's cursor.
   */
  async since(uid: string, after: string, until?: string): Promise<{ items: FeedItem[]; more: boolean }> {
    const entries = await this.feeds.since(uid, after, until);
    const budget = new ListBudget<FeedItem>();
    for (let from = 0; from < entries.length; from += LIST_READ_CHUNK) {
      for (const item of await this.hydrate(uid, entries.slice(from, from + LIST_READ_CHUNK))) {
        if (!budget.add(item, JSON.stringify(item))) return { items: budget.items, more: true };
      }
    }
    return { items: budget.items, more: false };
  }

  /** Hydrates feed stream entries; an entry whose article has expired is left out. */
  async hydrate(uid: string, entries: { cursor: string; short: string }[]): Promise<FeedItem[]> {
    const articles = await this.articles.byShortIds(entries.map((entry) => entry.short));
    const items: FeedItem[] = [];
    articles.forEach((article, i) => article && items.push({ ...article, cursor: entries[i].cursor }));
    return items;
  }

  async topics(): Promise<TopicSummaryDto[]> {
    const { command: client, keys } = this.valkey;
    const counts = await Promise.all(TOPICS.map((topic) => client.xlen(keys.topicStream(topic))));
    return TOPICS.map((name, i) => ({ name, articles: counts[i] }));
  }

  /**
   * A topic's articles, newest first: up to `limit` and LIST_MAX_BYTES, after the topic stream entry id `before`;
   * `next_before` (the last entry read) continues where the page stopped.
   */
  async topicArticles(topic: string, limit = DEFAULT_LIMIT, before?: string): Promise<ArticleListDto> {
    if (!isTopic(topic))
      throw new NotFoundException(`unknown topic ${JSON.stringify(topic)} (known: ${TOPICS.join(', ')})`);
    if (before !== undefined && !isEntryId(before))
      throw new BadRequestException('before must be the next_before value of a previous page (a stream entry id)');
    const key = this.valkey.keys.topicStream(topic);
    const budget = new ListBudget<FeedArticle>();
    let start = before === undefined ? '+' : `(${before}`;
    let last: string | undefined;
    let taken = 0;
    for (;;) {
      // Up to one entry more than the page still takes: reading it tells whether there is a next page.
      const count = Math.min(LIST_READ_CHUNK, limit - taken + 1);
      const raw = (await this.valkey.command.xrevrange(key, start, '-', 'COUNT', count)) as [string, string[]][];
      for (const [id, fields] of raw) {
        const at = fields.indexOf('data');
        const json = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
        if (taken === limit || (json !== undefined && !budget.add(JSON.parse(json) as FeedArticle, json)))
          return { items: budget.items, next_before: last };
        last = id;
        taken++;
      }
      if (raw.length < count) return { items: budget.items };
      start = `(${last}`;
    }
  }

  async article(id: string): Promise<FeedArticle> {
    const article = await this.articles.byId(id);
    if (!article)
      throw new NotFoundException(`article ${JSON.stringify(id)} not found (not yet through the pipeline, or expired)`);
    return article;
  }

  async pipelineStats(): Promise<StreamStats[]> {
    return this.stats.stats(this.pipelineStreams);
  }

  async topicsOf(uid: string): Promise<string[]> {
    return parseTopics(await this.valkey.command.hget(this.valkey.keys.user(uid), 'topics'));
  }
}

/** A user's `topics` field (comma-separated) as a list. */
function parseTopics(field: string | null): string[] {
  return field ? field.split(',').filter((topic) => topic.length > 0) : [];
}
