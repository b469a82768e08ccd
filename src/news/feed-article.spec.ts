import { describe, expect, it } from '@jest/globals';
import { parseEnriched } from './feed-article.js';

const valid = { id: 'a1', title: 'T', topic: 'science', ingested_at: 1700000000000, stages: { ingest: 1 } };

describe('parseEnriched', () => {
  it('accepts an enriched article and keeps its fields', () => {
    expect(parseEnriched(JSON.stringify({ ...valid, summary: 'S' }))).toMatchObject({
      id: 'a1',
      topic: 'science',
      summary: 'S',
    });
  });

  it('reads ingested_at given as a numeric string', () => {
    expect(parseEnriched(JSON.stringify({ ...valid, ingested_at: '1700000000001' }))).toMatchObject({
      ingested_at: 1700000000001,
    });
  });

  it.each([
    [undefined, 'no data'],
    ['{not json', 'not JSON'],
    ['[1]', 'not a JSON object'],
    [JSON.stringify({ ...valid, id: 'bad id' }), 'id'],
    [JSON.stringify({ ...valid, topic: 'astrology' }), 'astrology'],
  ])('rejects %s with a reason naming the problem', (data, reason) => {
    const parsed = parseEnriched(data);
    expect(typeof parsed).toBe('string');
    expect(parsed).toContain(reason);
  });
});
