import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/config.js';
import { roleModule } from '../../config/role-module.js';
import { IngestController } from './ingest.controller.js';
import { FeedPoller } from './feed-poller.js';
import { IngestRoute } from './ingest.route.js';
import { IngestService } from './ingest.service.js';
import { IngestTools } from './ingest.tools.js';
import { SampleReplay } from './sample-replay.js';

@Module({})
export class IngestModule {
  static register(config: AppConfig): DynamicModule {
    return roleModule(IngestModule, config, {
      providers: [IngestService, FeedPoller, SampleReplay],
      controllers: [IngestController],
      apiProviders: [IngestRoute, IngestTools],
      exports: [IngestService],
    });
  }
}
