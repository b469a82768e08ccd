import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/config.js';
import { Role } from '../../config/roles.js';
import type { Topic } from '../../news/topics.js';
import { FeedService } from './feed.service.js';

/** The users `make run` starts with (SAMPLE_DATA=true), so a newcomer sees live feeds at once. */
export const DEMO_USERS: Record<string, Topic[]> = {
  '42': ['technology', 'science', 'climate'],
  alice: ['politics', 'business', 'finance'],
  bob: ['sports', 'entertainment', 'health', 'education'],
};

@Injectable()
export class DemoUsers implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoUsers.name);

  constructor(
    private readonly config: AppConfig,
    private readonly feeds: FeedService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.env.SAMPLE_DATA || !this.config.has(Role.Api)) return;
    for (const [uid, topics] of Object.entries(DEMO_USERS)) {
      // Keep a demo user's own choice of topics across restarts.
      if ((await this.feeds.topicsOf(uid)).length === 0) await this.feeds.setTopics(uid, topics);
      await this.feeds.touch(uid);
    }
    // With access control on, their links need a token: DemoLinks prints them to the terminal once the app listens.
    this.logger.log(
      this.config.env.AUTH_DISABLED
        ? `demo users ready: ${Object.keys(DEMO_USERS)
            .map((u) => `/?user=${u}`)
            .join(' ')}`
        : `demo users ready: ${Object.keys(DEMO_USERS).join(', ')} (their links, with tokens, follow once the app listens)`,
    );
  }
}
