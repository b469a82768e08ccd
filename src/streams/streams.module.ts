import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { StreamStatsService } from './stream-stats.service.js';
import { StreamWorkerHost } from './stream-worker.host.js';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [StreamWorkerHost, StreamStatsService],
  exports: [StreamWorkerHost, StreamStatsService],
})
export class StreamsModule {}
