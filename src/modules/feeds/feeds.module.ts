import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/config.js';
import { roleModule } from '../../config/role-module.js';
import { ArticleReadController, PipelineController, TopicsController, UsersController } from './feeds.controller.js';
import { ActivityPruner } from './activity-pruner.js';
import { FeedBacklogGauge } from './feed-backlog.js';
import { DemoLinks } from './demo-links.js';
import { DemoUsers } from './demo-users.js';
import { FeedsGateway } from './feeds.gateway.js';
import { FeedsMetrics } from './feeds.metrics.js';
import { FeedRelay } from './feed.relay.js';
import { FeedsTools } from './feeds.tools.js';
import { FeedService } from './feed.service.js';

/** Users, subscriptions, feed reads and the `/feeds` Socket.IO gateway (reads through FanoutModule's repositories). */
@Module({})
export class FeedsModule {
  static register(config: AppConfig): DynamicModule {
    return roleModule(FeedsModule, config, {
      providers: [FeedService, DemoUsers, DemoLinks, FeedsMetrics],
      controllers: [UsersController, TopicsController, ArticleReadController, PipelineController],
      apiProviders: [FeedRelay, FeedsGateway, ActivityPruner, FeedsTools, FeedBacklogGauge],
      exports: [FeedService],
    });
  }
}
