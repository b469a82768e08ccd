import { Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.service.js';

// Process metrics once per process (heap, event-loop lag, GC), under the same prefix.
if (!register.getSingleMetric('skein_process_cpu_user_seconds_total')) collectDefaultMetrics({ prefix: 'skein_' });

/**
 * The prom-client registry behind GET /metrics. (@willsoto/nestjs-prometheus is CommonJS and requires the ESM-only
 * Nest 12 packages, which Jest cannot load on Node 20, so its one controller is written here.)
 */
@Global()
@Module({ controllers: [MetricsController], providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
