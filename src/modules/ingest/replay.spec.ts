import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTICLE_ID_PATTERN } from '../../news/article-id.js';
import type { ArticleDto } from './article.dto.js';
import { readArticles, replay, SAMPLE_CORPUS } from './replay.js';

const articles: ArticleDto[] = [
  { id: 'plain-1', title: 'Rates held', body: 'The bank held rates.' },
  { title: 'An article without an id, its title has spaces', body: 'Body.' },
  { id: 'x'.repeat(128), title: 'Longest id', body: 'Body.' },
];

describe('replay', () => {
  it('gives every later pass new ids that are valid article ids', async () => {
    const sent: ArticleDto[] = [];
    await replay(articles, (batch) => Promise.resolve(sent.push(...batch)), { rate: 100000, passes: 3 });
    expect(sent).toHaveLength(9);
    const ids = sent.map((article) => article.id ?? '');
    for (const id of ids.slice(3)) expect(id).toMatch(ARTICLE_ID_PATTERN);
    expect(new Set(ids.slice(3)).size).toBe(6);
    expect(ids.slice(3)).not.toContain('plain-1');
    expect(ids[3]).toBe('plain-1.p2');
  });
});

describe('readArticles', () => {
  it('reads the shipped sample corpus, every id a valid article id', () => {
    const corpus = readArticles(SAMPLE_CORPUS);
    expect(corpus.length).toBeGreaterThan(100);
    for (const article of corpus) expect(article.id).toMatch(ARTICLE_ID_PATTERN);
  });

  it('refuses a file whose line has an id that cannot be an article id, naming the line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'skein-replay-')), 'bad.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify(articles[0])}\n${JSON.stringify({ id: 'has space', title: 'T', body: 'B' })}\n`,
    );
    expect(() => readArticles(file)).toThrow(/bad\.jsonl:2: id must be 1-128 characters/);
  });
});
