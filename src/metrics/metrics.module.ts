import { Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';
import { HttpMetrics } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.service.js';

/**
 * The prom-client registry behind GET /metrics and the shared catalogue; each module provides its own catalogue
 * (FeedsMetrics, FeatureMetrics, ...) injected where it records. (@willsoto/nestjs-prometheus is CommonJS and requires
 * the ESM-only Nest 12 packages, which Jest cannot load on Node 20, so its controller and providers are written here.)
 */
@Global()
@Module({ controllers: [MetricsController], providers: [Metrics, HttpMetrics], exports: [Metrics, HttpMetrics] })
export class MetricsModule {
  constructor() {
    // Process metrics once per process (heap, event-loop lag, GC), under the same prefix.
    if (!register.getSingleMetric('skein_process_cpu_user_seconds_total')) collectDefaultMetrics({ prefix: 'skein_' });
  }
}
