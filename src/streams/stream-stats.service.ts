import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Metrics } from '../metrics/metrics.service.js';
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

/**
 * Length, pending and lag of streams, read with XINFO. The same numbers feed `/pipeline/stats` and the backlog
 * gauges, sampled every few seconds rather than per scrape.
 */
@Injectable()
export class StreamStatsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StreamStatsService.name);
  private readonly tracked = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly valkey: ValkeyService,
    private readonly metrics: Metrics,
  ) {}

  /** Adds a stream (prefixed key) to the sampled set. Only streams of bounded number belong here. */
  track(...streams: string[]): void {
    for (const stream of streams) this.tracked.add(stream);
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
    const stats = await this.stats(this.trackedStreams);
    for (const stream of stats) {
      this.metrics.streamLength.labels(stream.stream).set(stream.length);
      for (const group of stream.groups) {
        this.metrics.streamPending.labels(stream.stream, group.name).set(group.pending);
        this.metrics.streamConsumers.labels(stream.stream, group.name).set(group.consumers);
        if (group.lag !== null) this.metrics.streamLag.labels(stream.stream, group.name).set(group.lag);
      }
    }
    return stats;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sample().catch((error: Error) => this.logger.debug(`sampling failed: ${error.message}`));
    }, SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}

function pairs(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}
