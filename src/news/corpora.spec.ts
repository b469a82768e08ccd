import { readFileSync, statSync } from 'node:fs';
import { splitSentences } from './sentences.js';
import { readTrainingExamples, SHIPPED_CORPUS } from './training-corpus.js';
import { isTopic, TOPICS } from './topics.js';

const SAMPLE_CORPUS = new URL('../modules/ingest/sample/articles.jsonl', import.meta.url);

interface SampleRow {
  id: string;
  title: string;
  body: string;
  source: string;
  url: string;
  published_at: string;
  topic_hint: string;
}

const samples = readFileSync(SAMPLE_CORPUS, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as SampleRow);
const training = readTrainingExamples();

describe('shipped corpora', () => {
  it('training corpus: 500+ labelled briefs, 50+ per topic, 2-4 sentence bodies, under 600 KB', () => {
    expect(training.length).toBeGreaterThanOrEqual(500);
    for (const topic of TOPICS) expect(training.filter((e) => e.topic === topic).length).toBeGreaterThanOrEqual(50);
    for (const { body } of training) expect(splitSentences(body).length).toBeGreaterThanOrEqual(2);
    for (const { body } of training) expect(splitSentences(body).length).toBeLessThanOrEqual(4);
    expect(new Set(training.map((e) => e.title)).size).toBe(training.length);
    expect(statSync(SHIPPED_CORPUS).size).toBeLessThan(600 * 1024);
  });

  it('sample corpus: 400+ complete articles across all topics, 3-6 sentence bodies, under 1 MB', () => {
    expect(samples.length).toBeGreaterThanOrEqual(400);
    for (const topic of TOPICS) expect(samples.some((s) => s.topic_hint === topic)).toBe(true);
    samples.forEach((s, i) => {
      expect(s.id).toBe(`sample-${String(i + 1).padStart(4, '0')}`);
      expect(isTopic(s.topic_hint)).toBe(true);
      expect(s.title && s.source).toBeTruthy();
      expect(new URL(s.url).protocol).toBe('https:');
      expect(new Date(s.published_at).toISOString()).toBe(s.published_at);
      const sentences = splitSentences(s.body).length;
      expect(sentences).toBeGreaterThanOrEqual(3);
      expect(sentences).toBeLessThanOrEqual(6);
    });
    expect(statSync(SAMPLE_CORPUS).size).toBeLessThan(1024 * 1024);
  });

  it('the two corpora share no titles and no sentences', () => {
    const trainingTexts = new Set(training.flatMap((e) => [e.title, ...splitSentences(e.body)]));
    const shared = samples
      .flatMap((s) => [s.title, ...splitSentences(s.body)])
      .filter((text) => trainingTexts.has(text));
    expect(shared).toEqual([]);
  });
});
