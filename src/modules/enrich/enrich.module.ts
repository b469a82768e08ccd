import { Module, type DynamicModule } from '@nestjs/common';
import { MeasuredProvider, WithFallback } from '../../common/with-fallback.js';
import { AppConfig } from '../../config/config.js';
import { roleModule } from '../../config/role-module.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { HuggingFaceArticleSummarizer, LocalArticleSummarizer, type ArticleSummarizer } from './article-summarizer.js';
import { ARTICLE_SUMMARIZER, EnrichWorker } from './enrich.worker.js';

function articleSummarizer(config: AppConfig, metrics: Metrics): ArticleSummarizer {
  const local = new LocalArticleSummarizer();
  if (config.env.SUMMARIZER === 'local') return new MeasuredProvider(metrics, 'summarizer', local);
  const remote = new HuggingFaceArticleSummarizer({
    token: config.env.HF_TOKEN,
    endpointUrl: config.env.HF_SUMMARIZER_ENDPOINT_URL ?? config.env.HF_ENDPOINT_URL,
    model: config.env.HF_SUMMARIZER_MODEL,
    timeoutMs: config.env.HF_TIMEOUT_MS,
  });
  return new WithFallback(metrics, 'summarizer', remote, local, config.env.HF_RETRIES);
}

@Module({})
export class EnrichModule {
  static register(config: AppConfig): DynamicModule {
    return roleModule(EnrichModule, config, {
      providers: [
        { provide: ARTICLE_SUMMARIZER, inject: [AppConfig, Metrics], useFactory: articleSummarizer },
        EnrichWorker,
      ],
    });
  }
}
