import { isTopic, TOPICS } from './topics.js';

describe('topics', () => {
  it('has exactly the ten pipeline topics', () => {
    expect([...TOPICS].sort()).toEqual([
      'business',
      'climate',
      'education',
      'entertainment',
      'finance',
      'health',
      'politics',
      'science',
      'sports',
      'technology',
    ]);
  });

  it('recognises topics and rejects anything else', () => {
    expect(TOPICS.every((topic) => isTopic(topic))).toBe(true);
    expect(isTopic('Politics')).toBe(false);
    expect(isTopic('weather')).toBe(false);
    expect(isTopic('')).toBe(false);
  });
});
