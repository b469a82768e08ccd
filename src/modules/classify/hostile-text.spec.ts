import { fastestMs, hostileRuns, hostileWords } from '../../../test/support/hostile-text.js';
import { LocalClassifier } from './local-classifier.js';
import { TextNormalizer } from '../../news/text-normalizer.js';
import { TOPICS } from '../../news/topics.js';

/** Runs of one character: linear work is a few ms. Tens of thousands of words: tens of ms (quadratic took seconds). */
const RUNS_BOUND_MS = 50;
const WORDS_BOUND_MS = 250;
const CASES = [
  ...Object.entries(hostileRuns()).map(([name, body]) => [name, RUNS_BOUND_MS, body] as const),
  ...Object.entries(hostileWords()).map(([name, body]) => [name, WORDS_BOUND_MS, body] as const),
];

describe('local classifier on hostile bodies', () => {
  const classifier = LocalClassifier.fromShippedCorpus();

  it.each(CASES)('classifies %s (100 KB) within %s ms', (_, bound, body) => {
    let topic: string | undefined;
    const ms = fastestMs(() => {
      topic = classifier.classify('Hostile input', body).topic;
    }, bound);
    expect(TOPICS).toContain(topic);
    expect(ms).toBeLessThan(bound);
  });

  it('does not stem a token longer than any word, and still stems words', () => {
    expect(new TextNormalizer().terms(`running ${'b'.repeat(100)}ies`)).toEqual(['run', `${'b'.repeat(100)}ies`]);
  });
});
