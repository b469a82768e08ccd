import { BadRequestException, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/config.js';
import { StreamStatsService, type StreamStats } from '../../streams/stream-stats.service.js';
import { LuaScript } from '../../valkey/lua-script.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { UPDATED_AT_FIELD } from './feature-schema.js';
import { FeatureRegistry } from './feature-registry.service.js';
import { FEATURES_STAGE } from './features.worker.js';
import type { FreshnessDto, TrimResultDto } from './features.dto.js';

const TRIM = LuaScript.from(new URL('../../streams/trim.lua', import.meta.url));

/** Operations on a view's stream and rows: backlog stats, trimming, freshness of given entities. */
@Injectable()
export class FeatureStreamService implements OnApplicationBootstrap {
  /** View streams this (api) replica reports the backlog of. */
  private readonly tracked = new Set<string>();

  constructor(
    private readonly valkey: ValkeyService,
    private readonly registry: FeatureRegistry,
    private readonly stats: StreamStatsService,
    private readonly config: AppConfig,
  ) {}

  /** The api replica reports every view's backlog, even with no features replica left to report it. */
  onApplicationBootstrap(): void {
    this.registry.onChange(() => void this.trackViews());
    void this.trackViews();
  }

  private async trackViews(): Promise<void> {
    const keys = this.valkey.keys;
    const views = await this.registry.snapshot().catch(() => undefined);
    if (!views) return; // Valkey unreachable: the next registry change (or reconnect) tries again
    const streams = new Set([...views.views.keys()].map((name) => keys.featureStream(name)));
    for (const stream of this.tracked) if (!streams.has(stream)) this.stats.untrack(stream);
    this.stats.track(...streams, keys.deadLetter(FEATURES_STAGE));
    this.tracked.clear();
    for (const stream of streams) this.tracked.add(stream);
  }

  async streamStats(name: string): Promise<StreamStats> {
    const view = await this.registry.view(name);
    const [stats] = await this.stats.stats([this.valkey.keys.featureStream(view.name)]);
    return stats;
  }

  /**
   * Trims acknowledged entries only, and says why entries are left; `force` cuts to `maxlen` entries whether
   * materialized or not.
   */
  async trim(name: string, force = false, maxlen?: number): Promise<TrimResultDto> {
    if (maxlen !== undefined && !force) {
      throw new BadRequestException([
        'maxlen: only with force: true (without force, every entry all consumer groups acknowledged is trimmed)',
      ]);
    }
    const view = await this.registry.view(name);
    const stream = this.valkey.keys.featureStream(view.name);
    const client = this.valkey.command;
    if (force) {
      const removed = await client.xtrim(stream, 'MAXLEN', maxlen ?? 0);
      return { removed, length: await client.xlen(stream) };
    }
    const removed = Number(await TRIM.run(client, [stream], []));
    const [{ length, groups }] = await this.stats.stats([stream]);
    if (length === 0) return { removed, length };
    const reason =
      groups.length === 0
        ? `${length} entries kept: no consumer group reads this stream, so none is acknowledged; force: true trims them`
        : `${length} entries kept: from the oldest entry a consumer group has not acknowledged on; force: true trims them`;
    return { removed, length, reason };
  }

  /** Counts of the given entities whose row is within ttl, older than ttl, or absent; one pipeline. */
  async freshness(name: string, entityIds: string[]): Promise<FreshnessDto> {
    const view = await this.registry.view(name);
    if (entityIds.length === 0) throw new BadRequestException(['entity_ids: at least one id expected']);
    if (entityIds.length > this.config.env.FEATURE_MAX_ENTITIES) {
      throw new BadRequestException([
        `entity_ids: more than FEATURE_MAX_ENTITIES=${this.config.env.FEATURE_MAX_ENTITIES}`,
      ]);
    }
    const pipeline = this.valkey.command.pipeline();
    for (const id of entityIds) pipeline.hget(this.valkey.keys.featureRow(view.name, id), UPDATED_AT_FIELD);
    const replies = (await pipeline.exec()) ?? [];
    const now = Date.now() / 1000;
    const counts: FreshnessDto = { fresh: 0, stale: 0, missing: 0 };
    for (const [error, value] of replies) {
      if (error) throw error;
      if (value === null) counts.missing++;
      else if (view.ttl_seconds > 0 && now - Number(value) > view.ttl_seconds) counts.stale++;
      else counts.fresh++;
    }
    return counts;
  }
}
