import { InferenceClient } from '@huggingface/inference';
import { mapLimit, type Provider } from '../../common/with-fallback.js';
import type { HuggingFaceOptions } from '../../common/hugging-face-options.js';
import { LocalClassifier } from './local-classifier.js';
import { isTopic, TOPICS, type Topic } from '../../news/topics.js';

export interface ArticleText {
  title: string;
  body: string;
}

export interface TopicScore {
  topic: Topic;
  score: number;
}

export type TopicClassifier = Provider<ArticleText, TopicScore>;

/** Offline naive Bayes trained on the corpus the project ships. */
export class LocalTopicClassifier implements TopicClassifier {
  readonly name = 'local';

  run(items: ArticleText[]): Promise<TopicScore[]> {
    // Trained on first use (and cached), so replicas without the classify role never pay for it.
    const model = LocalClassifier.fromShippedCorpus();
    return Promise.resolve(items.map((item) => model.classify(item.title, item.body)));
  }
}

/** Zero-shot classification with the 10 topics as candidate labels, via @huggingface/inference. */
export class HuggingFaceTopicClassifier implements TopicClassifier {
  readonly name = 'huggingface';
  private readonly client: InferenceClient;

  constructor(private readonly options: HuggingFaceOptions) {
    this.client = new InferenceClient(options.token, options.endpointUrl ? { endpointUrl: options.endpointUrl } : {});
  }

  run(items: ArticleText[]): Promise<TopicScore[]> {
    return mapLimit(items, this.options.concurrency ?? 4, async (item) => {
      const labels = await this.client.zeroShotClassification(
        {
          model: this.options.model,
          inputs: `${item.title}. ${item.body}`.slice(0, 4000),
          parameters: { candidate_labels: [...TOPICS] },
        },
        { signal: AbortSignal.timeout(this.options.timeoutMs), retry_on_error: false },
      );
      const best = [...labels].sort((a, b) => b.score - a.score)[0];
      if (!best || !isTopic(best.label))
        throw new Error(`model answered an unknown label ${JSON.stringify(best?.label)}`);
      return { topic: best.label, score: best.score };
    });
  }
}
