import { rawPartitionOf } from './raw-partition.js';

describe('rawPartitionOf', () => {
  it('is 0 for every id when there is one partition', () => {
    expect(['a', 'b', 'rss-x'].map((id) => rawPartitionOf(id, 1))).toEqual([0, 0, 0]);
  });

  it('gives an id the same partition every time, within range', () => {
    for (let i = 0; i < 100; i++) {
      const partition = rawPartitionOf(`article-${i}`, 3);
      expect(partition).toBe(rawPartitionOf(`article-${i}`, 3));
      expect(partition).toBeGreaterThanOrEqual(0);
      expect(partition).toBeLessThan(3);
    }
  });

  it('spreads ids about evenly', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[rawPartitionOf(`bench-${i}`, 4)] += 1;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });
});
