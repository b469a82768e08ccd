import {
  BadRequestException,
  Injectable,
  Logger,
  ServiceUnavailableException,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Valkey } from 'iovalkey';
import { AppConfig } from '../../config/config.js';
import { Role } from '../../config/roles.js';
import type { HeaderedException } from '../../http/headered-exception.filter.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { StreamStatsService, unprocessed } from '../../streams/stream-stats.service.js';
import { LuaScript } from '../../valkey/lua-script.js';
import { nodeOf } from '../../valkey/slots.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { articleIdFor } from '../../news/article-id.js';
import { rawPartitionOf } from '../../news/raw-partition.js';
import { StageSpan, TRACEPARENT_FIELD } from '../../tracing/stage-span.js';
import { tracingOn } from '../../tracing/tracing.js';
import type { ArticleDto } from './article.dto.js';

const INGEST = LuaScript.from(new URL('./ingest.lua', import.meta.url));
const BACKLOG_CACHE_MS = 500;

export class BacklogFullError extends ServiceUnavailableException implements HeaderedException {
  constructor(
    readonly backlog: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`news_raw backlog is ${backlog} entries (limit INGEST_MAX_BACKLOG); retry after ${retryAfterSeconds} s`);
  }

  get headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}

/** INGEST_WAITAOF: the write was not confirmed fsynced to the append-only file in time (or cannot be). */
export class NotDurableError extends ServiceUnavailableException implements HeaderedException {
  constructor(reason: string) {
    super(`the article is not confirmed on disk (INGEST_WAITAOF): ${reason}; retry (the same id is one article)`);
  }

  get headers(): Record<string, string> {
    return { 'Retry-After': '1' };
  }
}

@Injectable()
export class IngestService implements OnApplicationBootstrap {
  private readonly logger = new Logger(IngestService.name);
  private backlog = { value: 0, at: 0 };
  /** Each accept is one script call, waited for: written at once rather than auto-pipelined (ValkeyService.direct). */
  private appendsClient?: Valkey;
  private partitionStreams?: string[];

  constructor(
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
    private readonly stats: StreamStatsService,
    private readonly metrics: Metrics,
  ) {}

  /** With INGEST_WAITAOF on an api replica, says at start when the server cannot confirm fsyncs (appendonly no). */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.env.INGEST_WAITAOF || !this.config.has(Role.Api)) return;
    const info = await this.valkey.command.info('persistence').catch(() => '');
    if (/^aof_enabled:0\s*$/m.test(info)) {
      this.logger.error(
        'INGEST_WAITAOF=true but the Valkey server has appendonly no: WAITAOF cannot confirm a write, so ingest answers ' +
          '503 until the server runs with appendonly yes (CONFIG SET appendonly yes)',
      );
    }
  }

  /** Opened on first use: every replica has this service, few of them ingest. */
  private get appends(): Valkey {
    return (this.appendsClient ??= this.valkey.direct('ingest'));
  }

  /**
   * A REST request's articles: checks what the DTO cannot (the configured body limit, which classify enforces on every
   * producer's entries) with a 400 naming the field, so nothing accepted is dead-lettered later; then accepts them.
   */
  /** Id prefixes REST may not use: the feed poller's (`rss-`) and those of producers writing `news_raw` directly. */
  private get reservedIdPrefixes(): string[] {
    return this.config.env.INGEST_RESERVED_ID_PREFIXES.split(',')
      .map((prefix) => prefix.trim())
      .filter((prefix) => prefix.length > 0);
  }

  acceptRequest(articles: ArticleDto[], batch: boolean): Promise<{ ids: string[]; fresh: number }> {
    const max = this.config.env.ARTICLE_MAX_BODY_CHARS;
    const errors: string[] = [];
    const reserved = this.reservedIdPrefixes;
    articles.forEach((article, i) => {
      const prefix = article.id === undefined ? undefined : reserved.find((p) => article.id!.startsWith(p));
      if (prefix !== undefined) {
        // Claimed through REST first, the producer's own article would be taken for a duplicate and dropped.
        errors.push(
          `${batch ? `articles.${i}.` : ''}id must not start with "${prefix}": ids with that prefix belong to ` +
            'another producer (INGEST_RESERVED_ID_PREFIXES)',
        );
      }
      const length = article.body.trim().length;
      if (length > max) {
        errors.push(
          `${batch ? `articles.${i}.` : ''}body must be at most ${max} characters (ARTICLE_MAX_BODY_CHARS), got ${length}`,
        );
      }
    });
    if (errors.length > 0) throw new BadRequestException(errors);
    return this.accept(articles, 'rest');
  }

  /** Appends articles to `news_raw`, once per id; answers the ids in order and how many were new. */
  async accept(articles: ArticleDto[], source = 'rest'): Promise<{ ids: string[]; fresh: number }> {
    await this.assertCapacity(source);
    const keys = this.valkey.keys;
    const ids = articles.map((article) => articleIdFor(article));
    // Tracing on: a `skein.ingest` span per article, under the request's (its `traceparent`, or a new trace).
    const spans = tracingOn() ? ids.map((id) => StageSpan.inActive('skein.ingest', id)) : undefined;
    const now = String(Date.now());
    // Standalone also checks each mark's name from before it shared news_raw's slot (one EXISTS per new article); a
    // cluster cannot (another slot), and holds no marks from before the rename.
    const legacy = !this.valkey.clustered;
    // One ingest.lua call per partition written (each partition is one slot: its stream and its articles' marks).
    const calls = new Map<number, { indexes: number[]; keys: string[]; args: (string | number)[] }>();
    articles.forEach((article, i) => {
      const partition = rawPartitionOf(ids[i], this.partitions.length);
      let call = calls.get(partition);
      if (!call) {
        call = {
          indexes: [],
          keys: [this.partitions[partition]],
          args: [this.config.env.ARTICLE_TTL_DAYS * 86400, legacy ? 2 : 1],
        };
        calls.set(partition, call);
      }
      const fields: string[] = ['id', ids[i], 'title', article.title, 'body', article.body];
      if (article.url) fields.push('url', article.url);
      if (article.source) fields.push('source', article.source);
      if (article.published_at) fields.push('published_at', article.published_at);
      fields.push('ingested_at', now);
      if (spans) fields.push(TRACEPARENT_FIELD, spans[i].traceparent);
      call.indexes.push(i);
      call.args.push(fields.length, ...fields);
      call.keys.push(keys.articleAccepted(ids[i], call.keys[0]));
      if (legacy) call.keys.push(keys.legacyArticleAccepted(ids[i]));
    });
    const appended: number[] = new Array<number>(articles.length);
    try {
      await Promise.all(
        [...calls.values()].map(async (call) => {
          const flags = (await INGEST.run(this.appends, call.keys, call.args)) as number[];
          call.indexes.forEach((i, k) => (appended[i] = flags[k]));
        }),
      );
      if (this.config.env.INGEST_WAITAOF)
        await Promise.all([...calls.values()].map((call) => this.confirmFsynced(call.keys[0])));
    } catch (error) {
      for (const span of spans ?? []) span.fail((error as Error).message).end();
      throw error;
    }
    // A duplicate id appends nothing: its span ends a trace no stage continues.
    spans?.forEach((span, i) =>
      span
        .set('skein.source', source)
        .set('skein.duplicate', appended[i] !== 1)
        .end(),
    );
    const fresh = appended.filter((flag) => flag === 1).length;
    this.metrics.ingested.labels(source, 'accepted').inc(fresh);
    this.metrics.ingested.labels(source, 'duplicate').inc(appended.length - fresh);
    this.backlog.value += fresh;
    return { ids, fresh };
  }

  /** The streams ingest appends to: `news_raw`, then its partitions (NEWS_RAW_PARTITIONS). */
  get partitions(): string[] {
    return (this.partitionStreams ??= this.valkey.keys.newsRawPartitions(this.config.env.NEWS_RAW_PARTITIONS));
  }

  /**
   * Unprocessed entries of `news_raw` and its partitions: per stream the largest lag + pending among its groups (or
   * its length before any), summed.
   */
  async backlogSize(): Promise<number> {
    if (Date.now() - this.backlog.at < BACKLOG_CACHE_MS) return this.backlog.value;
    const value = (await this.stats.stats(this.partitions)).reduce((sum, stream) => sum + unprocessed(stream), 0);
    this.backlog = { value, at: Date.now() };
    return value;
  }

  /**
   * WAITAOF on the connection that wrote: returns once everything this connection wrote (these articles, or the
   * earlier accept of a duplicate id) is fsynced to the local append-only file; else a 503 with Retry-After.
   */
  private async confirmFsynced(stream: string): Promise<void> {
    const timeout = this.config.env.INGEST_WAITAOF_TIMEOUT_MS;
    let local: number;
    try {
      [local] = (await this.writer(stream).call('WAITAOF', 1, 0, timeout)) as number[];
    } catch (error) {
      throw new NotDurableError(`WAITAOF failed: ${(error as Error).message}`);
    }
    if (Number(local) < 1) throw new NotDurableError(`no fsync within ${timeout} ms (INGEST_WAITAOF_TIMEOUT_MS)`);
  }

  /**
   * Where WAITAOF goes: the connection that wrote. On a cluster that is the appends client's connection to the primary
   * of the partition's slot (a command without a key would go to any node, which saw none of these writes).
   */
  private writer(stream: string): Valkey {
    const node = nodeOf(this.appends, stream);
    if (!node) throw new Error(`no known primary for ${stream}'s slot (a failover under way)`);
    return node;
  }

  private async assertCapacity(source: string): Promise<void> {
    const backlog = await this.backlogSize();
    if (backlog >= this.config.env.INGEST_MAX_BACKLOG) {
      this.metrics.ingested.labels(source, 'rejected_backlog').inc();
      throw new BacklogFullError(backlog, 5);
    }
  }
}
