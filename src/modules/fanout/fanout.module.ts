import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/config.js';
import { roleModule } from '../../config/role-module.js';
import { ArticleRepository } from '../../news/article.repository.js';
import { FanoutMetrics } from '../../news/fanout.metrics.js';
import { FeedRepository } from '../../news/feed.repository.js';
import { FanoutWorker } from './fanout.worker.js';

/** The fanout stage; global so the feeds API reads through the same repositories (and records the same metrics). */
@Module({})
export class FanoutModule {
  static register(config: AppConfig): DynamicModule {
    return {
      ...roleModule(FanoutModule, config, {
        providers: [ArticleRepository, FeedRepository, FanoutMetrics, FanoutWorker],
        exports: [ArticleRepository, FeedRepository, FanoutMetrics],
      }),
      global: true,
    };
  }
}
