import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { periodic, type Periodic } from '../../common/periodic.js';
import { LuaScript } from '../../valkey/lua-script.js';
import { execOrThrow } from '../../valkey/pipeline.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { TOPICS } from '../../news/topics.js';
import { FeedRepository } from '../../news/feed.repository.js';

const PRUNE = LuaScript.from(new URL('./prune-active.lua', import.meta.url));
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
        const [next, members] = await client.sscan(keys.topicSubscribers(topic), cursor, 'COUNT', PRUNE_BATCH);
        cursor = next;
        await this.pruneSubscribers(topic, members, before);
      } while (cursor !== '0');
    }
    return removed;
  }

  /**
   * Takes the inactive among `members` out of a topic's subscriber set (and logs them in its change log, so fan-out's
   * caches drop them). The set and `users_active` are in different slots on a cluster, so this is not one script: the
   * activity read, the removal and a second activity read of those removed are steps, and a user who returned meanwhile
   * is put back (logged again). A return adds to `users_active` before it adds to the sets: if its add to the sets came
   * before the removal, so did its activity, which the second read sees; if after, the user is in the set anyway.
   */
  private async pruneSubscribers(topic: string, members: string[], before: number): Promise<void> {
    if (members.length === 0) return;
    const { command: client, keys } = this.valkey;
    const isActive = (score: string | null): boolean => score !== null && Number(score) >= before;
    const scores = await client.zmscore(keys.activeUsers, ...members);
    const inactive = members.filter((_, i) => !isActive(scores[i]));
    if (inactive.length === 0) return;
    const gone = await this.feeds.changeFollowers(topic, 'remove', inactive);
    if (gone.length === 0) return;
    const now = await client.zmscore(keys.activeUsers, ...gone);
    const returned = gone.filter((_, i) => isActive(now[i]));
    if (returned.length === 0) return;
    // Put back only those who still follow the topic (their own record says).
    const pipeline = client.pipeline();
    for (const uid of returned) pipeline.hget(keys.user(uid), 'topics');
    const fields = (await execOrThrow(pipeline.exec())) as (string | null)[];
    const back = returned.filter((_, i) => (fields[i] ?? '').split(',').includes(topic));
    if (back.length === 0) return;
    await this.feeds.changeFollowers(topic, 'add', back);
  }
}
