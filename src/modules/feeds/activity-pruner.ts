import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { periodic, type Periodic } from '../../common/periodic.js';
import { LuaScript } from '../../valkey/lua-script.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { TOPICS } from '../../news/topics.js';
import { FeedRepository } from '../../news/feed.repository.js';

const PRUNE = LuaScript.from(new URL('./prune-active.lua', import.meta.url));
const PRUNE_SUBSCRIBERS = LuaScript.from(new URL('./prune-subscribers.lua', import.meta.url));
const PRUNE_EVERY_MS = 3600000;
/** Members removed per script call. */
const PRUNE_BATCH = 1000;

/**
 * Keeps `users_active` to the users active within the activity window. Any uid that reads a feed is recorded there
 * (a first visit, a crawler); past the window an entry means what its absence means (inactive: the feed is rebuilt
 * on the next read), so it is removed rather than kept forever. The topic subscriber sets are kept to the same users:
 * fan-out reads them whole, and reaches only active users anyway; a user's topics stay in `user:{uid}`, and their
 * next feed read puts them back. Runs on `api` replicas, hourly; idempotent.
 */
@Injectable()
export class ActivityPruner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ActivityPruner.name);
  private pruning?: Periodic;

  constructor(
    private readonly valkey: ValkeyService,
    private readonly feeds: FeedRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.pruning = periodic(
      PRUNE_EVERY_MS,
      () => this.prune(),
      (error) => this.logger.warn(`pruning users_active and topic subscribers failed: ${error.message}`),
      { immediately: true },
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.pruning?.stop();
  }

  /**
   * Removes the users last active before the window from `users_active`, then from the topic subscriber sets (with
   * those who never were active); answers how many left `users_active`.
   */
  async prune(now = Date.now()): Promise<number> {
    const before = this.feeds.inactiveBefore(now);
    const { command: client, keys } = this.valkey;
    let removed = 0;
    for (;;) {
      const count = Number(await PRUNE.run(client, [keys.activeUsers], [before, PRUNE_BATCH]));
      removed += count;
      if (count < PRUNE_BATCH) break;
    }
    for (const topic of TOPICS) {
      let cursor = '0';
      do {
        const reply = (await PRUNE_SUBSCRIBERS.run(
          client,
          [keys.topicSubscribers(topic), keys.activeUsers],
          [cursor, before, PRUNE_BATCH],
        )) as [string, number];
        cursor = String(reply[0]);
      } while (cursor !== '0');
    }
    return removed;
  }
}
