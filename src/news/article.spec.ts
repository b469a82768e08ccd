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

  it.each([
    ['a title over 1000 characters', { title: 'x'.repeat(1001) }, /^title must be at most 1000 characters, got 1001$/],
    ['a url that is no URL', { url: 'not a url' }, /^url must be a URL of at most 2048 characters, got "not a url"$/],
    ['a url over 2048 characters', { url: `https://x.test/${'a'.repeat(2048)}` }, /^url must be a URL/],
    ['a source over 200 characters', { source: 's'.repeat(201) }, /^source must be at most 200 characters, got 201$/],
  ])('refuses %s, as REST ingest does', (_case, fields, message) => {
    expect(() => articleFromRawEntry({ ...raw, ...fields }, 1000)).toThrow(message);
  });

  it('keeps a title, url and source at the REST limits', () => {
    const url = `https://x.test/${'a'.repeat(2048 - 15)}`;
    const article = articleFromRawEntry({ ...raw, title: 't'.repeat(1000), url, source: 's'.repeat(200) }, 1000);
    expect([article.title.length, article.url, article.source?.length]).toEqual([1000, url, 200]);
  });

  it('reads the body from text when body is missing or empty', () => {
    expect(articleFromRawEntry({ id: 'r2', title: 'T', text: 'From text.' }, 1000).body).toBe('From text.');
    expect(articleFromRawEntry({ id: 'r3', title: 'T', body: '', text: 'From text.' }, 1000).body).toBe('From text.');
  });

  it('derives an id when the producer gives none (or an empty one)', () => {
    expect(articleFromRawEntry({ ...raw, id: '' }, 1000).id).toMatch(/^[0-9a-f]{16}$/);
  });
});
