import { describe, expect, it } from '@jest/globals';
import { articleFromRawEntry, MalformedEntryError } from './article.js';

const raw = { id: 'r1', title: 'Rates held', body: 'The bank held rates.' };

describe('articleFromRawEntry', () => {
  it.each([
    ['epoch seconds', '1700000000', '2023-11-14T22:13:20.000Z'],
    ['epoch milliseconds', '1700000000000', '2023-11-14T22:13:20.000Z'],
    ['an ISO 8601 date, kept as given', '2025-04-06T06:39:00Z', '2025-04-06T06:39:00Z'],
  ])('reads a raw producer’s published_at given as %s as ISO 8601, as REST stores it', (_case, given, stored) => {
    expect(articleFromRawEntry({ ...raw, published_at: given }, 1000).published_at).toBe(stored);
  });

  it('refuses a published_at that is neither ISO 8601 nor an epoch, naming the field', () => {
    expect(() => articleFromRawEntry({ ...raw, published_at: 'yesterday' }, 1000)).toThrow(
      new MalformedEntryError('published_at must be an ISO 8601 date or epoch seconds, got "yesterday"'),
    );
  });

  it('refuses an id that cannot be a key or a URL path segment', () => {
    for (const id of ['has space', '..', 'a/b', 'x'.repeat(129)]) {
      expect(() => articleFromRawEntry({ ...raw, id }, 1000)).toThrow(/^id must be 1-128 characters/);
    }
  });

  it('derives an id when the producer gives none (or an empty one)', () => {
    expect(articleFromRawEntry({ ...raw, id: '' }, 1000).id).toMatch(/^[0-9a-f]{16}$/);
  });
});
