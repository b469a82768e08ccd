import { Injectable } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppConfig } from '../../config/config.js';
import { Role } from '../../config/roles.js';
import { StageWorker } from '../../streams/stage.decorator.js';
import type { StageDefinition, StageOutcome, StreamEntry, StreamStage } from '../../streams/stream-entry.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { groupBySlot } from '../../valkey/slots.js';
import { parseEnriched, type FeedArticle } from '../../news/feed-article.js';
import { ArticleRepository } from '../../news/article.repository.js';
import { FanoutMetrics } from '../../news/fanout.metrics.js';
import { FeedRepository } from '../../news/feed.repository.js';

const FANOUT_BATCH = 50;

/**
 * A batch on a Valkey Cluster: a fanout.lua call carries one hash slot's users, a handful each when a topic's followers
 * spread over 16,384 slots, so a call is as full as on one server only when each user gets more of the batch's
 * articles. Four times the entries per read (when they are there: a backlog) took a call from 16.5 to 56.6 deliveries
 * at 2,000 users, and the shards' summed CPU per delivery from 1.93× one server's to 1.14× (bench/cluster.ts); the
 * deliveries still go out in steps of DELIVERIES_PER_STEP.
 */
const FANOUT_BATCH_CLUSTERED = 200;

/**
 * Deliveries (users × short ids) handed to one FeedRepository.deliver: a batch of a topic with 100,000 active
 * followers is 4,000,000 of them, and building its calls in one go held the event loop (every REST read and socket of
 * this process) for ~0.3 s; in steps, with a turn of the event loop between, other work gets in.
 */
const DELIVERIES_PER_STEP = 50000;

/**
 * Fan-out on write, to active users only: stores each enriched article once, appends it to its topic stream, and
 * delivers its short id to the feed of every active subscriber of its topic (one Lua call for many users, one
 * pipeline per batch). Inactive users get their feed rebuilt from the topic streams when they come back; a topic with
 * more active followers than FANOUT_PULL_THRESHOLD is not delivered at all, its readers pull it (the hybrid).
 */
@Injectable()
@StageWorker(Role.Fanout)
export class FanoutWorker implements StreamStage {
  readonly definition: StageDefinition;

  constructor(
    private readonly valkey: ValkeyService,
    private readonly articles: ArticleRepository,
    private readonly feeds: FeedRepository,
    private readonly metrics: FanoutMetrics,
    private readonly config: AppConfig,
  ) {
    // Small batches: one article reaches hundreds of feeds, and a batch's deliveries should not hold the event loop
    // (and every other stage in this process) for long.
    this.definition = {
      stage: 'fanout',
      stream: valkey.keys.enrichedStream,
      group: 'fanout_workers',
      batchSize: valkey.clustered ? FANOUT_BATCH_CLUSTERED : FANOUT_BATCH,
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
    // A topic with more active followers than FANOUT_PULL_THRESHOLD is left to its readers: each one's read brings its
    // new articles in (FeedRepository.pull), which costs in proportion to readers, not followers.
    const threshold = this.config.env.FANOUT_PULL_THRESHOLD;
    const pulled = [...byTopic].filter(([, uids]) => threshold > 0 && uids.length > threshold).map(([topic]) => topic);
    await this.feeds.markPulled(pulled);
    for (const topic of pulled) byTopic.set(topic, []);
    this.metrics.pulled.inc(stored.filter(({ article }) => pulled.includes(article.topic)).length);
    const ingestedAt = new Map<string, number>();
    const again = new Set<string>();
    for (const { article, short, again: redelivered } of stored) {
      ingestedAt.set(short, article.ingested_at);
      if (redelivered) again.add(short);
    }
    const delivered = new Map<string, number>();
    let duplicates = 0;
    const { keys, clustered } = this.valkey;
    for (const step of deliverySteps(stored, byTopic, clustered ? (uid) => keys.feed(uid) : undefined)) {
      const report = await this.feeds.deliver(step, again);
      for (const [short, count] of report.delivered) delivered.set(short, (delivered.get(short) ?? 0) + count);
      duplicates += report.duplicates;
      await nextTurn();
    }

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

/**
 * Each active follower's short ids (oldest first), in steps of about DELIVERIES_PER_STEP deliveries. Followers of the
 * same topics of a batch share one list (not one per user: 100,000 followers of 40 articles were 4,000,000 pushes).
 * With `feedKeyOf` (a cluster) followers go in hash slot order, so a slot's followers share a step and so one fanout.lua
 * call: a step of 3,000 followers picked across 16,384 slots held ~1 per slot, a call each.
 */
function* deliverySteps(
  stored: { article: FeedArticle; short: string }[],
  byTopic: Map<string, string[]>,
  feedKeyOf?: (uid: string) => string,
): Generator<Map<string, string[]>> {
  const topicsOf = new Map<string, string[]>();
  for (const [topic, uids] of byTopic) {
    for (const uid of uids) {
      const topics = topicsOf.get(uid);
      if (topics) topics.push(topic);
      else topicsOf.set(uid, [topic]);
    }
  }
  const lists = new Map<string, string[]>();
  const listOf = (topics: string[]): string[] => {
    const key = topics.length === 1 ? topics[0] : [...topics].sort().join(',');
    let list = lists.get(key);
    if (!list) {
      const wanted = new Set(topics);
      lists.set(key, (list = stored.filter(({ article }) => wanted.has(article.topic)).map(({ short }) => short)));
    }
    return list;
  };
  let step = new Map<string, string[]>();
  let size = 0;
  const uids = feedKeyOf ? groupBySlot(topicsOf.keys(), feedKeyOf, true).flat() : topicsOf.keys();
  for (const uid of uids) {
    const shorts = listOf(topicsOf.get(uid)!);
    step.set(uid, shorts);
    size += shorts.length;
    if (size >= DELIVERIES_PER_STEP) {
      yield step;
      step = new Map();
      size = 0;
    }
  }
  if (step.size > 0) yield step;
}
