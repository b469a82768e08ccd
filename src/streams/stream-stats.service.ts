import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Metrics } from '../metrics/metrics.service.js';
import { periodic, type Periodic } from '../common/periodic.js';
import { ValkeyService } from '../valkey/valkey.service.js';

export interface GroupStats {
  name: string;
  consumers: number;
  pending: number;
  /** Entries not yet delivered to the group; null when Valkey cannot tell (after deletions). */
  lag: number | null;
  last_delivered_id: string;
}

export interface StreamStats {
  stream: string;
  length: number;
  first_id: string | null;
  last_id: string | null;
  groups: GroupStats[];
}

const SAMPLE_EVERY_MS = 5000;

/** Entries of a stream not yet processed: the largest lag + pending among its groups (its length before any group). */
export function unprocessed(stream: StreamStats): number {
  if (stream.groups.length === 0) return stream.length;
  return Math.max(...stream.groups.map((group) => (group.lag ?? stream.length) + group.pending));
}

/**
 * Length, pending and lag of streams, read with XINFO. The same numbers feed `/pipeline/stats` and the backlog
 * gauges, sampled every few seconds rather than per scrape.
 */
@Injectable()
export class StreamStatsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StreamStatsService.name);
  private readonly tracked = new Set<string>();
  /** The stream and group label values the last sample set. */
  private reported = new Map<string, Set<string>>();
  private sampling?: Periodic;

  constructor(
    private readonly valkey: ValkeyService,
    private readonly metrics: Metrics,
  ) {}

  /** Adds a stream (prefixed key) to the sampled set. Only streams of bounded number belong here. */
  track(...streams: string[]): void {
    for (const stream of streams) this.tracked.add(stream);
  }

  /** Stops sampling streams (a deleted feature view's); their gauges are removed at the next sample. */
  untrack(...streams: string[]): void {
    for (const stream of streams) this.tracked.delete(stream);
  }

  get trackedStreams(): string[] {
    return [...this.tracked];
  }

  async stats(streams: string[]): Promise<StreamStats[]> {
    const pipeline = this.valkey.command.pipeline();
    for (const stream of streams) {
      pipeline.xinfo('STREAM', stream);
      pipeline.xinfo('GROUPS', stream);
    }
    const replies = (await pipeline.exec()) ?? [];
    return streams.map((stream, i) => {
      const [streamError, streamInfo] = replies[2 * i] ?? [];
      const [, groupsInfo] = replies[2 * i + 1] ?? [];
      const name = this.valkey.keys.unprefixed(stream);
      if (streamError || !Array.isArray(streamInfo)) {
        return { stream: name, length: 0, first_id: null, last_id: null, groups: [] };
      }
      const info = pairs(streamInfo);
      const groups = (Array.isArray(groupsInfo) ? (groupsInfo as unknown[][]) : []).map((raw) => {
        const group = pairs(raw);
        return {
          name: String(group.name),
          consumers: Number(group.consumers),
          pending: Number(group.pending),
          lag: group.lag === null || group.lag === undefined ? null : Number(group.lag),
          last_delivered_id: String(group['last-delivered-id']),
        };
      });
      const first = info['first-entry'] as [string, unknown] | null;
      const last = info['last-entry'] as [string, unknown] | null;
      return {
        stream: name,
        length: Number(info.length),
        first_id: first ? first[0] : null,
        last_id: last ? last[0] : null,
        groups,
      };
    });
  }

  /** Samples the tracked streams into the backlog gauges. */
  async sample(): Promise<StreamStats[]> {
    const streams = this.trackedStreams;
    const stats = await this.stats(streams);
    const live = await this.liveConsumers(streams, stats);
    const reported = new Map<string, Set<string>>();
    stats.forEach((stream, i) => {
      this.metrics.streamLength.labels(stream.stream).set(stream.length);
      const groups = new Set<string>();
      reported.set(stream.stream, groups);
      for (const group of stream.groups) {
        groups.add(group.name);
        this.metrics.streamPending.labels(stream.stream, group.name).set(group.pending);
        this.metrics.streamConsumers.labels(stream.stream, group.name).set(group.consumers);
        this.metrics.streamConsumersLive
          .labels(stream.stream, group.name)
          .set(live.get(`${streams[i]}\n${group.name}`) ?? 0);
        if (group.lag !== null) this.metrics.streamLag.labels(stream.stream, group.name).set(group.lag);
        else this.metrics.streamLag.remove(stream.stream, group.name);
      }
    });
    this.removeGone(reported);
    return stats;
  }

  /** Series of streams no longer tracked, or groups no longer there, go: a frozen backlog would keep alerts firing. */
  private removeGone(reported: Map<string, Set<string>>): void {
    for (const [stream, groups] of this.reported) {
      const now = reported.get(stream);
      if (!now) this.metrics.streamLength.remove(stream);
      for (const group of groups) {
        if (now?.has(group)) continue;
        for (const gauge of [
          this.metrics.streamPending,
          this.metrics.streamConsumers,
          this.metrics.streamConsumersLive,
          this.metrics.streamLag,
        ])
          gauge.remove(stream, group);
      }
    }
    this.reported = reported;
  }

  /**
   * Consumers per group that still hold their engine lease. XINFO counts every consumer that ever read (a replica
   * that died stays listed), so only the lease tells a stage with nobody left from one being served.
   */
  private async liveConsumers(streams: string[], stats: StreamStats[]): Promise<Map<string, number>> {
    const groups = stats.flatMap((s, i) => s.groups.map((g) => [streams[i], g.name] as const));
    const live = new Map<string, number>();
    if (groups.length === 0) return live;
    const listing = this.valkey.command.pipeline();
    for (const [stream, group] of groups) listing.xinfo('CONSUMERS', stream, group);
    const consumers = ((await listing.exec()) ?? []).map(([error, reply]) =>
      error || !Array.isArray(reply) ? [] : (reply as unknown[][]).map((raw) => String(pairs(raw).name)),
    );
    const leases = this.valkey.command.pipeline();
    groups.forEach(([stream, group], i) => {
      for (const name of consumers[i]) leases.exists(this.valkey.keys.consumerLease(stream, group, name));
    });
    const held = ((await leases.exec()) ?? []).map(([error, count]) => (error ? 0 : Number(count)));
    let at = 0;
    groups.forEach(([stream, group], i) => {
      let count = 0;
      for (let n = 0; n < consumers[i].length; n++) count += held[at++] ?? 0;
      live.set(`${stream}\n${group}`, count);
    });
    return live;
  }

  onApplicationBootstrap(): void {
    this.sampling = periodic(
      SAMPLE_EVERY_MS,
      () => this.sample(),
      (error) => this.logger.debug(`sampling failed: ${error.message}`),
    );
  }

  onApplicationShutdown(): void {
    // Not awaited: a sample waiting on an unreachable Valkey must not hold up shutdown.
    void this.sampling?.stop();
  }
}

function pairs(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}
