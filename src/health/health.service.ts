import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { periodic, type Periodic } from '../common/periodic.js';
import { AppConfig } from '../config/config.js';
import { Metrics } from '../metrics/metrics.service.js';
import { StreamWorkerHost } from '../streams/stream-worker.host.js';
import { ValkeyService } from '../valkey/valkey.service.js';

export interface HealthReport {
  status: 'ok' | 'error';
  valkey: 'up' | 'down';
  down: string[];
  roles: string[];
  uptime_seconds: number;
}

const PING_TIMEOUT_MS = 1000;
const INFO_EVERY_MS = 10000;

@Injectable()
export class HealthService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HealthService.name);
  private sampling?: Periodic;

  constructor(
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly workers: StreamWorkerHost,
    private readonly checks: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** Liveness, the restart signal: answered while the event loop runs, whatever Valkey does (a restart cannot help it). */
  live(): Promise<HealthCheckResult> {
    return this.checks.check([
      () => this.indicators.check('process').up({ uptime_seconds: Math.round(process.uptime()) }),
    ]);
  }

  /**
   * Readiness, the traffic signal: Valkey answers PING within PING_TIMEOUT_MS, and the stream workers of this replica's
   * roles are started and none is stuck. A 503 names what is down.
   */
  ready(): Promise<HealthCheckResult> {
    return this.checks.check([
      async () => {
        const valkey = this.indicators.check('valkey');
        return (await this.ping()) ? valkey.up() : valkey.down({ message: `no PONG within ${PING_TIMEOUT_MS} ms` });
      },
      () => {
        const workers = this.indicators.check('workers');
        const { started, running, stuck, stopped } = this.workers.readiness();
        if (!started) return workers.down({ message: 'the stream workers are not started', running });
        if (stopped.length > 0 || Object.keys(stuck).length > 0) return workers.down({ running, stuck, stopped });
        return workers.up({ running });
      },
    ]);
  }

  async check(): Promise<HealthReport> {
    const up = await this.ping();
    this.metrics.valkeyUp.set(up ? 1 : 0);
    return {
      status: up ? 'ok' : 'error',
      valkey: up ? 'up' : 'down',
      down: up ? [] : ['valkey'],
      roles: [...this.config.roles],
      uptime_seconds: Math.round(process.uptime()),
    };
  }

  /** Samples Valkey memory and fragmentation from INFO into gauges. */
  async sampleInfo(): Promise<void> {
    const info = await this.valkey.command.info('memory');
    const field = (name: string): number => Number(new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1] ?? NaN);
    this.metrics.valkeyMemory.set(field('used_memory'));
    this.metrics.valkeyMaxMemory.set(field('maxmemory'));
    this.metrics.valkeyFragmentation.set(field('mem_fragmentation_ratio'));
  }

  onApplicationBootstrap(): void {
    this.sampling = periodic(
      INFO_EVERY_MS,
      () => Promise.all([this.sampleInfo(), this.check()]),
      (error) => this.logger.debug(`INFO sampling failed: ${error.message}`),
      { immediately: true },
    );
  }

  onApplicationShutdown(): void {
    // Not awaited: a sample waiting on an unreachable Valkey must not hold up shutdown.
    void this.sampling?.stop();
  }

  private async ping(): Promise<boolean> {
    if (this.valkey.command.status !== 'ready') return false;
    const timeout = new Promise<false>((done) => setTimeout(() => done(false), PING_TIMEOUT_MS).unref());
    const pong = this.valkey.command
      .ping()
      .then((reply) => reply === 'PONG')
      .catch(() => false);
    return Promise.race([pong, timeout]);
  }
}
