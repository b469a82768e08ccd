import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { AppConfig } from '../config/config.js';
import { Metrics } from '../metrics/metrics.service.js';
import { ValkeyService } from '../valkey/valkey.service.js';
import { StageWorker } from './stage.decorator.js';
import { StreamStatsService } from './stream-stats.service.js';
import { stagePerStream, type StreamStage } from './stream-entry.js';
import { StreamWorker } from './stream-worker.js';

/** The stage workers of this replica's roles as readiness sees them. */
export interface WorkersReadiness {
  /** `startAll` has started every one (and no stop has begun). */
  started: boolean;
  /** Consumers per worker whose read loops answer. */
  running: Record<string, number>;
  /** Workers with a read loop that has awaited Valkey past block time + socket timeout: how long, in ms. */
  stuck: Record<string, number>;
  /** Workers without consumers. */
  stopped: string[];
}

/**
 * Finds every `@StageWorker(role)` provider and runs a StreamWorker for it when this replica has the role.
 * Workers start only once the app is listening (`startAll` from main), and stop before Valkey clients close.
 */
@Injectable()
export class StreamWorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger(StreamWorkerHost.name);
  private readonly workers: StreamWorker[] = [];
  private started = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: AppConfig,
    private readonly valkey: ValkeyService,
    private readonly metrics: Metrics,
    private readonly stats: StreamStatsService,
  ) {}

  get running(): readonly StreamWorker[] {
    return this.workers;
  }

  async startAll(): Promise<void> {
    for (const wrapper of this.discovery.getProviders({ metadataKey: StageWorker.KEY })) {
      const role = this.discovery.getMetadataByDecorator(StageWorker, wrapper);
      if (!role || !this.config.has(role) || !wrapper.instance) continue;
      // A stage with a partitioned input gets a worker per stream, all under the stage's name.
      for (const stage of stagePerStream(wrapper.instance as StreamStage)) {
        const worker = this.create(stage);
        await worker.start();
        this.workers.push(worker);
      }
    }
    this.started = true;
    this.logger.log(`stream workers running: ${this.workers.map((w) => w.name).join(', ') || 'none'}`);
  }

  /**
   * The workers `startAll` started: each has its consumers, and none has a read loop that has awaited Valkey longer
   * than STREAM_BLOCK_MS + VALKEY_SOCKET_TIMEOUT_MS (by then the socket timeout should have dropped the connection).
   */
  readiness(): WorkersReadiness {
    const stuckAfterMs = this.config.env.STREAM_BLOCK_MS + this.config.env.VALKEY_SOCKET_TIMEOUT_MS;
    const readiness: WorkersReadiness = { started: this.started, running: {}, stuck: {}, stopped: [] };
    for (const worker of this.workers) {
      const waitedMs = Math.max(0, ...worker.readerConnections.map((client) => this.valkey.waitingMs(client)));
      // The workers of a partitioned stage share its name: consumers add up, the longest wait counts.
      if (worker.consumerNames.length === 0) readiness.stopped.push(worker.name);
      else if (waitedMs > stuckAfterMs)
        readiness.stuck[worker.name] = Math.max(waitedMs, readiness.stuck[worker.name] ?? 0);
      else readiness.running[worker.name] = (readiness.running[worker.name] ?? 0) + worker.consumerNames.length;
    }
    return readiness;
  }

  create(stage: StreamStage): StreamWorker {
    const env = this.config.env;
    // Every replica reports the backlog of the stages it runs, whatever else it runs.
    this.stats.track(stage.definition.stream, this.valkey.keys.deadLetter(stage.definition.stage));
    return new StreamWorker(stage, this.valkey, this.metrics, {
      consumerBase: this.config.consumerName,
      batchSize: env.STREAM_BATCH_SIZE,
      blockMs: env.STREAM_BLOCK_MS,
      claimIdleMs: env.STREAM_CLAIM_IDLE_MS,
      maxDeliveries: env.STREAM_MAX_DELIVERIES,
      concurrency: env.STREAM_CONCURRENCY,
      trimIntervalMs: env.STREAM_TRIM_INTERVAL_MS,
      deadLetterMaxLen: env.DEAD_LETTER_MAXLEN,
    });
  }

  /** Stops a worker made by `create` for good (its stream is gone, e.g. a deleted feature view): no more backlog gauges. */
  async retire(worker: StreamWorker): Promise<void> {
    await worker.stop();
    this.stats.untrack(worker.stream);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.started = false;
    await Promise.all(this.workers.map((worker) => worker.stop()));
    this.workers.length = 0;
  }
}
