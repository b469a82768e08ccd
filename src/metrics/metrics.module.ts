import { Global, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { Metrics } from './metrics.service.js';

@Global()
@Module({
  imports: [PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true, config: { prefix: 'skein_' } } })],
  providers: [Metrics],
  exports: [Metrics],
})
export class MetricsModule {}
