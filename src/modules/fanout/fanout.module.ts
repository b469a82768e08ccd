import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/config.js';
import { roleModule } from '../../config/role-module.js';
import { ArticleRepository } from '../../news/article.repository.js';
import { FanoutWorker } from './fanout.worker.js';
import { FeedRepository } from '../../news/feed.repository.js';

/** The fanout stage; global so the feeds API reads through the same repositories. */
@Module({})
export class FanoutModule {
  static register(config: AppConfig): DynamicModule {
    return {
      ...roleModule(FanoutModule, config, {
        providers: [ArticleRepository, FeedRepository, FanoutWorker],
        exports: [ArticleRepository, FeedRepository],
      }),
      global: true,
    };
  }
}
