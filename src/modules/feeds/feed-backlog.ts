import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { periodic, type Periodic } from '../../common/periodic.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { FeedsMetrics } from './feeds.metrics.js';

/** As often as the stream backlog gauges are sampled. */
const SAMPLE_EVERY_MS = 5000;
/** Users read from `users_active` per round trip (one XLEN each, pipelined). */
const CHUNK = 1000;
/**
 * Feed streams read per sample at most: past this many active users the sum is estimated from a random sample of
 * them (one XLEN per active user every 5 s was 40,000 commands/s at 200,000 active users, on the connection the
 * REST routes share).
 */
const SAMPLE_USERS = 10000;
/** Users per sampled window of `users_active`: 20 windows make a sample, spread over the set. */
const WINDOW = 500;

/**
 * `skein_feed_backlog`, the seed dashboard's feed_backlog: the entries held in the `feed_stream:{uid}` of every user
 * in `users_active` (the only users fan-out delivers to), summed, so no label grows with users. Sampled on `api`
 * replicas, in chunks of pipelined XLEN: exact up to SAMPLE_USERS active users, estimated from that many distinct
 * random ones past it (windows of `users_active` at random ranks).
 */
@Injectable()
export class FeedBacklogGauge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(FeedBacklogGauge.name);
  private sampling?: Periodic;

  constructor(
    private readonly valkey: ValkeyService,
    private readonly metrics: FeedsMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.sampling = periodic(
      SAMPLE_EVERY_MS,
      () => this.sample(),
      (error) => this.logger.warn(`sampling the feed backlog failed: ${error.message}`),
      { immediately: true },
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sampling?.stop();
  }

  async sample(): Promise<number> {
    const client = this.valkey.command;
    const keys = this.valkey.keys;
    const active = await client.zcard(keys.activeUsers);
    const sampled = active > SAMPLE_USERS;
    const users = sampled ? await this.randomActive(active, SAMPLE_USERS) : [];
    let total = 0;
    let read = 0;
    for (let start = 0; ; start += CHUNK) {
      const chunk = sampled
        ? users.slice(start, start + CHUNK)
        : await client.zrange(keys.activeUsers, start, start + CHUNK - 1);
      if (chunk.length === 0) break;
      const pipeline = client.pipeline();
      for (const uid of chunk) pipeline.xlen(keys.feedStream(uid));
      for (const [error, length] of (await pipeline.exec()) ?? []) if (!error) total += Number(length);
      read += chunk.length;
      if (chunk.length < CHUNK) break;
    }
    const backlog = sampled && read > 0 ? Math.round((total * active) / read) : total;
    this.metrics.backlog.set(backlog);
    return backlog;
  }

  /**
   * `count` active users: WINDOW ranks of `users_active` at a time, from windows (whole multiples of WINDOW) picked at
   * random, none twice. ZRANDMEMBER picks users one by one: 10,000 of 200,000 held Valkey's thread for up to 44 ms,
   * 1,000 for 2-6 ms (every other client waited; bench/million.ts's slow log); a window of ranks costs ~0.1 ms.
   */
  private async randomActive(active: number, count: number): Promise<string[]> {
    const windows = Math.floor(active / WINDOW);
    const chosen = new Set<number>();
    while (chosen.size < Math.min(windows, count / WINDOW)) chosen.add(Math.floor(Math.random() * windows));
    const users: string[] = [];
    for (const window of chosen) {
      users.push(
        ...(await this.valkey.command.zrange(this.valkey.keys.activeUsers, window * WINDOW, (window + 1) * WINDOW - 1)),
      );
    }
    return users;
  }
}
