import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/config.js';
import { Role } from '../../config/roles.js';
import { copyId } from '../../news/article-id.js';
import { IngestService } from './ingest.service.js';
import { readArticles, replay, SAMPLE_CORPUS } from './replay.js';

const FIRST_BURST = 60;
const STEADY_RATE = 2;

/**
 * With SAMPLE_DATA=true (make run), streams the shipped sample corpus into news_raw: a first burst so feeds fill at
 * once, then a few articles a second, pass after pass (later passes get new ids), so the page stays live.
 */
@Injectable()
export class SampleReplay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SampleReplay.name);
  private readonly abort = new AbortController();
  private running?: Promise<unknown>;

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: IngestService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.env.SAMPLE_DATA || !this.config.has(Role.Ingest)) return;
    const articles = readArticles(SAMPLE_CORPUS);
    const send = async (batch: typeof articles): Promise<void> => {
      try {
        await this.ingest.accept(batch, 'sample');
      } catch (error) {
        this.logger.warn(`sample replay paused: ${(error as Error).message}`);
      }
    };
    // After the burst, ids are unique to this run: a restart keeps delivering new articles instead of duplicates.
    const run = Date.now().toString(36);
    const steady = articles.map((article) => ({ ...article, id: copyId(article, run), url: undefined }));
    this.running = send(articles.slice(0, FIRST_BURST))
      .then(() =>
        replay(steady, send, {
          rate: STEADY_RATE,
          passes: 0,
          signal: this.abort.signal,
        }),
      )
      .catch((error: Error) => this.logger.error(`sample replay stopped: ${error.message}`));
    this.logger.log(`replaying ${articles.length} sample articles (${FIRST_BURST} now, then ${STEADY_RATE}/s)`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.running;
  }
}
