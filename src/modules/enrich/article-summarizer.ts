import { InferenceClient } from '@huggingface/inference';
import { mapLimit, type Provider } from '../../common/with-fallback.js';
import type { HuggingFaceOptions } from '../../common/hugging-face-options.js';
import { ExtractiveSummarizer } from './summarizer.js';

export interface SummaryInput {
  title: string;
  body: string;
}

export type ArticleSummarizer = Provider<SummaryInput, string>;

/** Offline extractive summary: the best two or three sentences, in order. */
export class LocalArticleSummarizer implements ArticleSummarizer {
  readonly name = 'local';
  private readonly summarizer = new ExtractiveSummarizer();

  run(items: SummaryInput[]): Promise<string[]> {
    return Promise.resolve(items.map((item) => this.summarizer.summarize(item.title, item.body, 3)));
  }
}

/** Abstractive summary via @huggingface/inference `summarization`. */
export class HuggingFaceArticleSummarizer implements ArticleSummarizer {
  readonly name = 'huggingface';
  private readonly client: InferenceClient;

  constructor(private readonly options: HuggingFaceOptions) {
    this.client = new InferenceClient(options.token, options.endpointUrl ? { endpointUrl: options.endpointUrl } : {});
  }

  run(items: SummaryInput[]): Promise<string[]> {
    return mapLimit(items, this.options.concurrency ?? 4, async (item) => {
      const out = await this.client.summarization(
        { model: this.options.model, inputs: item.body.slice(0, 8000), parameters: { max_length: 120 } },
        { signal: AbortSignal.timeout(this.options.timeoutMs), retry_on_error: false },
      );
      if (!out.summary_text) throw new Error('model answered an empty summary');
      return out.summary_text.trim();
    });
  }
}
