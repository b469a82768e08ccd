import { Inject, Injectable } from '@nestjs/common';
import { Role } from '../../config/roles.js';
import { StageWorker } from '../../streams/stage.decorator.js';
import {
  traceField,
  type StageDefinition,
  type StageOutcome,
  type StreamEntry,
  type StreamStage,
} from '../../streams/stream-entry.js';
import { execOrThrow } from '../../valkey/pipeline.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { articleFromDataEntry, MalformedEntryError, type PipelineArticle } from '../../news/article.js';
import type { ArticleSummarizer } from './article-summarizer.js';
import { articleMetadata } from './metadata.js';

export const ARTICLE_SUMMARIZER = Symbol('ARTICLE_SUMMARIZER');

/** classified_stream → enriched_stream: the article with `summary` and metadata. Scale it with ROLES=enrich replicas. */
@Injectable()
@StageWorker(Role.Enrich)
export class EnrichWorker implements StreamStage {
  readonly definition: StageDefinition;

  constructor(
    private readonly valkey: ValkeyService,
    @Inject(ARTICLE_SUMMARIZER) private readonly summarizer: ArticleSummarizer,
  ) {
    this.definition = {
      stage: 'enrich',
      stream: valkey.keys.classifiedStream,
      group: 'enrichers',
      span: 'skein.enrich',
    };
  }

  async handle(entries: StreamEntry[]): Promise<StageOutcome> {
    const rejected: StageOutcome['rejected'] = [];
    const articles: PipelineArticle[] = [];
    const sources: StreamEntry[] = [];
    for (const entry of entries) {
      try {
        articles.push(articleFromDataEntry(entry.fields));
        sources.push(entry);
      } catch (error) {
        if (!(error instanceof MalformedEntryError)) throw error;
        rejected.push({ entry, reason: error.message });
      }
    }
    if (articles.length === 0) return { rejected };
    const summaries = await this.summarizer.run(articles);
    const now = Date.now();
    const pipeline = this.valkey.command.pipeline();
    articles.forEach((article, i) => {
      const { word_count, reading_time_seconds, keywords, entities } = articleMetadata(article.title, article.body);
      const enriched: PipelineArticle = {
        ...article,
        summary: summaries[i],
        word_count,
        reading_time_seconds,
        keywords,
        entities,
        stages: { ...article.stages, enrich: now },
      };
      pipeline.xadd(this.valkey.keys.enrichedStream, '*', 'data', JSON.stringify(enriched), ...traceField(sources[i]));
    });
    await execOrThrow(pipeline.exec());
    return { rejected };
  }
}
