import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { periodic, type Periodic } from '../../common/periodic.js';
import { LuaScript } from '../../valkey/lua-script.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { FeedRepository } from '../fanout/feed.repository.js';

const PRUNE = LuaScript.from(new URL('./prune-active.lua', import.meta.url));
const PRUNE_EVERY_MS = 3600000;
/** Members removed per script call. */
const PRUNE_BATCH = 1000;

/**
 * Keeps `users_active` to the users active within the activity window. Any uid that reads a feed is recorded there
 * (a first visit, a crawler); past the window an entry means what its absence means (inactive: the feed is rebuilt
 * on the next read), so it is removed rather than kept forever. Runs on `api` replicas, hourly; idempotent.
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
      (error) => this.logger.warn(`pruning users_active failed: ${error.message}`),
      { immediately: true },
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.pruning?.stop();
  }

  /** Removes the users last active before the window; answers how many. */
  async prune(now = Date.now()): Promise<number> {
    const before = this.feeds.inactiveBefore(now);
    let removed = 0;
    for (;;) {
      const count = Number(await PRUNE.run(this.valkey.command, [this.valkey.keys.activeUsers], [before, PRUNE_BATCH]));
      removed += count;
      if (count < PRUNE_BATCH) return removed;
    }
  }
}
