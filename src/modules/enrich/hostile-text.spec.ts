import { fastestMs, hostileRuns, hostileWords } from '../../../test/support/hostile-text.js';
import { KeywordExtractor, articleMetadata } from './metadata.js';
import { splitSentences } from '../../news/sentences.js';
import { ExtractiveSummarizer } from './summarizer.js';

/** Runs of one character: linear work is a few ms. Tens of thousands of words: tens of ms (quadratic took seconds). */
const RUNS_BOUND_MS = 50;
const WORDS_BOUND_MS = 250;
const CASES = [
  ...Object.entries(hostileRuns()).map(([name, body]) => [name, RUNS_BOUND_MS, body] as const),
  ...Object.entries(hostileWords()).map(([name, body]) => [name, WORDS_BOUND_MS, body] as const),
];
const BODIES = { ...hostileRuns(), ...hostileWords() };

describe('enrich on hostile bodies', () => {
  const summarizer = new ExtractiveSummarizer();

  beforeAll(() => {
    KeywordExtractor.fromShippedCorpus();
    const warm = 'The council met on Tuesday. Dr. Ana Costa said the U.S. firm would build it. Work starts soon.';
    for (let i = 0; i < 20; i++) {
      summarizer.summarize('Council meets', warm);
      articleMetadata('Council meets', warm);
    }
  });

  it.each(CASES)('summarizes and extracts metadata of %s (100 KB) within %s ms', (_, bound, body) => {
    expect(body.length).toBeGreaterThanOrEqual(99_000);
    const ms = fastestMs(() => {
      summarizer.summarize('Hostile input', body);
      articleMetadata('Hostile input', body);
    }, bound);
    expect(ms).toBeLessThan(bound);
  });

  it('keeps a run of dots as one sentence, and as its own summary', () => {
    const body = BODIES['a run of dots, then a letter'];
    expect(splitSentences(body)).toEqual([body]);
    expect(summarizer.summarize('Dots', body)).toBe(body);
  });

  it('still ends a sentence at a run of terminal punctuation before a capital', () => {
    expect(splitSentences('It rose!!! Then it fell?! The end...')).toEqual([
      'It rose!!!',
      'Then it fell?!',
      'The end...',
    ]);
  });

  it('reports ten entities and five keywords of a body that only names things', () => {
    const meta = articleMetadata('Names', BODIES['distinct two-word names']);
    expect(meta.entities).toHaveLength(10);
    expect(meta.entities[0]).toBe('Qa Za');
    expect(meta.keywords).toHaveLength(5);
  });

  it('keeps a name joined by tens of thousands of connectors as one candidate without overflowing the stack', () => {
    expect(() => articleMetadata('Bank', BODIES['one name joined by connectors'])).not.toThrow();
  });
});
