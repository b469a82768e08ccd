import { Injectable } from '@nestjs/common';
import { Role } from '../../config/roles.js';
import { StageWorker } from '../../streams/stage.decorator.js';
import type { StageDefinition, StageOutcome, StreamEntry, StreamStage } from '../../streams/stream-entry.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { parseEnriched, type FeedArticle } from '../../news/feed-article.js';
import { ArticleRepository } from '../../news/article.repository.js';
import { FanoutMetrics } from '../../news/fanout.metrics.js';
import { FeedRepository } from '../../news/feed.repository.js';

const FANOUT_BATCH = 50;

/**
 * Fan-out on write, to active users only: stores each enriched article once, appends it to its topic stream, and
 * delivers its short id to the feed of every active subscriber of its topic (one Lua call for many users, one
 * pipeline per batch). Inactive users get their feed rebuilt from the topic streams when they come back.
 */
@Injectable()
@StageWorker(Role.Fanout)
export class FanoutWorker implements StreamStage {
  readonly definition: StageDefinition;

  constructor(
    valkey: ValkeyService,
    private readonly articles: ArticleRepository,
    private readonly feeds: FeedRepository,
    private readonly metrics: FanoutMetrics,
  ) {
    // Small batches: one article reaches hundreds of feeds, and a batch's deliveries should not hold the event loop
    // (and every other stage in this process) for long.
    this.definition = {
      stage: 'fanout',
      stream: valkey.keys.enrichedStream,
      group: 'fanout_workers',
      batchSize: FANOUT_BATCH,
      span: 'skein.fanout',
    };
  }

  async handle(entries: StreamEntry[]): Promise<StageOutcome> {
    const rejected: { entry: StreamEntry; reason: string }[] = [];
    const batch = new Map<string, FeedArticle>();
    for (const entry of entries) {
      const parsed = parseEnriched(entry.fields.data);
      if (typeof parsed === 'string') rejected.push({ entry, reason: parsed });
      // The same article twice in a batch is one article.
      else if (!batch.has(parsed.id)) batch.set(parsed.id, parsed);
    }
    const stored = await this.articles.store([...batch.values()]);
    if (stored.length === 0) return { rejected };

    const { byTopic, inactive } = await this.feeds.activeSubscribers([...new Set(stored.map((s) => s.article.topic))]);
    const deliveries = new Map<string, string[]>();
    const ingestedAt = new Map<string, number>();
    const again = new Set<string>();
    for (const { article, short, again: redelivered } of stored) {
      ingestedAt.set(short, article.ingested_at);
      if (redelivered) again.add(short);
      for (const uid of byTopic.get(article.topic) ?? []) {
        const shorts = deliveries.get(uid);
        if (shorts) shorts.push(short);
        else deliveries.set(uid, [short]);
      }
    }
    const { delivered, duplicates } = await this.feeds.deliver(deliveries, again);

    const now = Date.now();
    let total = 0;
    // All of an article's deliveries in a batch happen at once: one observation per article, not per feed.
    for (const [short, count] of delivered) {
      if (count === 0) continue;
      total += count;
      this.metrics.ingestToFeed.observe(Math.max(0, now - (ingestedAt.get(short) ?? now)) / 1000);
    }
    this.metrics.deliveries.inc(total);
    this.metrics.duplicates.inc(duplicates);
    this.metrics.inactiveSkipped.inc(inactive);
    return { rejected };
  }
}
