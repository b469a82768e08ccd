import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/config.js';
import { MAX_NEWS_RAW_PARTITIONS } from '../../config/env.schema.js';
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
import { articleFromRawEntry, MalformedEntryError, type PipelineArticle } from '../../news/article.js';
import type { TopicClassifier } from './topic-classifier.js';

export const TOPIC_CLASSIFIER = Symbol('TOPIC_CLASSIFIER');

/** news_raw → classified_stream: the article with `topic` and `topic_score`. */
@Injectable()
@StageWorker(Role.Classify)
export class ClassifyWorker implements StreamStage, OnApplicationBootstrap {
  private readonly logger = new Logger(ClassifyWorker.name);
  definition: StageDefinition;

  constructor(
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
    @Inject(TOPIC_CLASSIFIER) private readonly classifier: TopicClassifier,
  ) {
    // news_raw, which raw producers write, and the partitions ingest spreads articles over (NEWS_RAW_PARTITIONS).
    const [stream, ...partitions] = valkey.keys.newsRawPartitions(config.env.NEWS_RAW_PARTITIONS);
    this.definition = { stage: 'classify', stream, partitions, group: 'classifiers', span: 'skein.classify' };
  }

  /**
   * Before the workers start: partitions beyond NEWS_RAW_PARTITIONS that still hold entries (it was higher before) are
   * read too, so lowering it loses nothing accepted.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.has(Role.Classify)) return;
    const beyond = this.valkey.keys
      .newsRawPartitions(MAX_NEWS_RAW_PARTITIONS)
      .slice(this.config.env.NEWS_RAW_PARTITIONS);
    const pipeline = this.valkey.command.pipeline();
    for (const stream of beyond) pipeline.xlen(stream);
    const lengths = await execOrThrow(pipeline.exec());
    const leftover = beyond.filter((_, i) => Number(lengths[i]) > 0);
    if (leftover.length === 0) return;
    this.logger.warn(
      `also reading ${leftover.join(', ')}: beyond NEWS_RAW_PARTITIONS=${this.config.env.NEWS_RAW_PARTITIONS}, ` +
        'they still hold entries (the setting was higher)',
    );
    this.definition = { ...this.definition, partitions: [...(this.definition.partitions ?? []), ...leftover] };
  }

  async handle(entries: StreamEntry[]): Promise<StageOutcome> {
    const rejected: StageOutcome['rejected'] = [];
    const articles: PipelineArticle[] = [];
    const sources: StreamEntry[] = [];
    for (const entry of entries) {
      try {
        articles.push(articleFromRawEntry(entry.fields, this.config.env.ARTICLE_MAX_BODY_CHARS));
        sources.push(entry);
      } catch (error) {
        if (!(error instanceof MalformedEntryError)) throw error;
        rejected.push({ entry, reason: error.message });
      }
    }
    if (articles.length === 0) return { rejected };
    const scores = await this.classifier.run(articles);
    const now = Date.now();
    const pipeline = this.valkey.command.pipeline();
    articles.forEach((article, i) => {
      const classified: PipelineArticle = {
        ...article,
        topic: scores[i].topic,
        topic_score: Math.round(scores[i].score * 10000) / 10000,
        stages: { ...article.stages, classify: now },
      };
      pipeline.xadd(
        this.valkey.keys.classifiedStream,
        '*',
        'data',
        JSON.stringify(classified),
        ...traceField(sources[i]),
      );
    });
    await execOrThrow(pipeline.exec());
    return { rejected };
  }
}
