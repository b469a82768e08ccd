import { seededRandom } from '../../common/seeded-random.js';
import { readTrainingExamples, SHIPPED_CORPUS, type TrainingExample } from '../../news/training-corpus.js';
import { TextNormalizer } from '../../news/text-normalizer.js';
import { TOPICS, type Topic } from '../../news/topics.js';

export interface ArticleInput {
  title: string;
  body: string;
}

export interface Classification {
  topic: Topic;
  /** Posterior probability of `topic` under the model, in (0, 1]. */
  score: number;
}

export interface TrainOptions {
  /** Laplace (additive) smoothing constant. */
  alpha?: number;
  /** How many times a title token counts relative to a body token. */
  titleWeight?: number;
}

const DEFAULT_ALPHA = 1;
const DEFAULT_TITLE_WEIGHT = 3;

function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

let shippedModel: LocalClassifier | undefined;

/**
 * Multinomial naive Bayes over stemmed, stop-word-free tokens, with title tokens counted `titleWeight` times.
 * Log-probabilities are precomputed per term, so classifying is one Map lookup and ten additions per token.
 */
export class LocalClassifier {
  private readonly scratch = new Float64Array(TOPICS.length);

  private constructor(
    private readonly logPriors: Float64Array,
    private readonly termLogLikelihoods: Map<string, Float64Array>,
    private readonly titleWeight: number,
    private readonly normalizer: TextNormalizer,
  ) {}

  static train(examples: TrainingExample[], options: TrainOptions = {}): LocalClassifier {
    const alpha = options.alpha ?? DEFAULT_ALPHA;
    const titleWeight = options.titleWeight ?? DEFAULT_TITLE_WEIGHT;
    if (examples.length === 0) throw new Error('cannot train on zero examples');
    const normalizer = new TextNormalizer();
    const topicIndex = new Map<Topic, number>(TOPICS.map((topic, i) => [topic, i]));
    const docCounts = new Float64Array(TOPICS.length);
    const tokenTotals = new Float64Array(TOPICS.length);
    const counts = new Map<string, Float64Array>();

    const add = (term: string, topic: number, weight: number): void => {
      let perTopic = counts.get(term);
      if (!perTopic) {
        perTopic = new Float64Array(TOPICS.length);
        counts.set(term, perTopic);
      }
      perTopic[topic] += weight;
      tokenTotals[topic] += weight;
    };

    for (const example of examples) {
      const topic = topicIndex.get(example.topic);
      if (topic === undefined) throw new Error(`unknown topic ${JSON.stringify(example.topic)}`);
      docCounts[topic]++;
      for (const term of normalizer.terms(example.title)) add(term, topic, titleWeight);
      for (const term of normalizer.terms(example.body)) add(term, topic, 1);
    }

    // Topics absent from the data get a prior as if they had one example, so they stay possible but unlikely.
    const logPriors = new Float64Array(TOPICS.length);
    const docTotal = docCounts.reduce((sum, n) => sum + Math.max(n, 1), 0);
    for (let t = 0; t < TOPICS.length; t++) logPriors[t] = Math.log(Math.max(docCounts[t], 1) / docTotal);

    const vocabularySize = counts.size;
    const logDenominators = tokenTotals.map((total) => Math.log(total + alpha * vocabularySize));
    const termLogLikelihoods = new Map<string, Float64Array>();
    for (const [term, perTopic] of counts) {
      const logLikelihoods = new Float64Array(TOPICS.length);
      for (let t = 0; t < TOPICS.length; t++) logLikelihoods[t] = Math.log(perTopic[t] + alpha) - logDenominators[t];
      termLogLikelihoods.set(term, logLikelihoods);
    }
    return new LocalClassifier(logPriors, termLogLikelihoods, titleWeight, normalizer);
  }

  /** The model trained on the corpus shipped next to this file; trained once per process, on first use. */
  static fromShippedCorpus(): LocalClassifier {
    shippedModel ??= LocalClassifier.train(readTrainingExamples(SHIPPED_CORPUS));
    return shippedModel;
  }

  /**
   * Deterministic stratified split: each topic's examples are shuffled with a seeded PRNG and
   * `round(n * testFraction)` of them go to the test set.
   */
  static split<T extends { topic: Topic }>(examples: T[], testFraction = 0.2, seed = 42): { train: T[]; test: T[] } {
    if (!(testFraction >= 0 && testFraction <= 1)) throw new RangeError('testFraction must be within [0, 1]');
    const random = seededRandom(seed);
    const train: T[] = [];
    const test: T[] = [];
    for (const topic of TOPICS) {
      const group = shuffleInPlace(
        examples.filter((example) => example.topic === topic),
        random,
      );
      const testCount = Math.round(group.length * testFraction);
      test.push(...group.slice(0, testCount));
      train.push(...group.slice(testCount));
    }
    return { train: shuffleInPlace(train, random), test: shuffleInPlace(test, random) };
  }

  get vocabularySize(): number {
    return this.termLogLikelihoods.size;
  }

  classify(title: string, body: string): Classification {
    const scores = this.scratch;
    scores.set(this.logPriors);
    this.accumulate(scores, title, this.titleWeight);
    this.accumulate(scores, body, 1);

    let best = 0;
    for (let t = 1; t < scores.length; t++) if (scores[t] > scores[best]) best = t;
    // Softmax relative to the winner: its posterior is 1 / Σ exp(score_t - score_best).
    let normaliser = 0;
    for (let t = 0; t < scores.length; t++) normaliser += Math.exp(scores[t] - scores[best]);
    return { topic: TOPICS[best], score: 1 / normaliser };
  }

  classifyMany(items: readonly ArticleInput[]): Classification[] {
    return items.map((item) => this.classify(item.title, item.body));
  }

  private accumulate(scores: Float64Array, text: string, weight: number): void {
    for (const term of this.normalizer.terms(text)) {
      const logLikelihoods = this.termLogLikelihoods.get(term);
      if (!logLikelihoods) continue;
      for (let t = 0; t < scores.length; t++) scores[t] += weight * logLikelihoods[t];
    }
  }
}
