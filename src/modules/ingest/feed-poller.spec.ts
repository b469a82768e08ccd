import { performance } from 'node:perf_hooks';
import { stripTags } from './feed-poller.js';

describe('stripTags', () => {
  it('replaces each tag by a space and collapses whitespace', () => {
    expect(stripTags('<p>Rates <b>held</b>\n at 4%.</p>')).toBe(' Rates held at 4%. ');
    expect(stripTags('a < b <i>c</i> d > e')).toBe('a  c d > e'.replace(/\s+/g, ' '));
    expect(stripTags('no close < here')).toBe('no close < here');
  });

  it('strips 100 KB of unclosed "<" in linear time (under 50 ms)', () => {
    const html = '<'.repeat(100_000);
    const started = performance.now();
    expect(stripTags(html)).toBe(html);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
