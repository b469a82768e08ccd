import { STOP_WORDS } from '../../news/text-normalizer.js';
import { articleMetadata, extractEntities, KeywordExtractor } from './metadata.js';

const TITLE = 'Drought forces water restrictions in Seville as reservoirs shrink';
const BODY =
  'Residents of Seville face limits on watering gardens after reservoirs fell to 21% of capacity. ' +
  'The water authority of Andalusia said the drought was the worst in decades. ' +
  'Maria Lopez, a hydrologist at the University of Granada, said reservoirs would need years to recover. ' +
  'Farmers say the drought has already destroyed olive harvests, and Lopez warned that water restrictions may spread.';

describe('articleMetadata', () => {
  it('counts body words and the reading time at 230 words per minute, rounded up', () => {
    const meta = articleMetadata(TITLE, BODY);
    expect(meta.word_count).toBe(61);
    expect(meta.reading_time_seconds).toBe(16); // ceil(61 / 230 * 60) = ceil(15.9)
    expect(meta.language).toBe('en');
  });

  it('counts a known 460-word text as two minutes and never reports less than one second', () => {
    const body = Array.from({ length: 46 }, () => 'one two three four five six seven eight nine ten').join('\n');
    expect(articleMetadata('t', body)).toMatchObject({ word_count: 460, reading_time_seconds: 120 });
    expect(articleMetadata('t', '')).toMatchObject({ word_count: 0, reading_time_seconds: 1 });
    expect(articleMetadata('t', ' — 42 — ')).toMatchObject({ word_count: 1 });
  });

  it('gives five keywords, none of them stop words, led by what the article is about', () => {
    const { keywords } = articleMetadata(TITLE, BODY);
    expect(keywords).toHaveLength(5);
    for (const keyword of keywords) expect(STOP_WORDS.has(keyword.toLowerCase())).toBe(false);
    expect(keywords).toEqual(expect.arrayContaining(['drought', 'reservoirs']));
  });

  it('finds capitalised names and places, without sentence openers or repeated surnames', () => {
    const { entities } = articleMetadata(TITLE, BODY);
    expect(entities).toEqual(expect.arrayContaining(['Seville', 'Andalusia', 'Maria Lopez', 'University of Granada']));
    expect(entities).not.toContain('Lopez');
    expect(entities).not.toContain('Residents');
    expect(entities).not.toContain('Farmers');
  });
});

describe('extractEntities', () => {
  it('keeps dotted acronyms and strips roles and leading articles', () => {
    const entities = extractEntities(
      'Shares of the Bank of England rose. Governor Omar Haddad met officials from NATO and the U.N. in Porto Alegre on Monday. The Senate agreed.',
    );
    expect(entities).toEqual(['Bank of England', 'Omar Haddad', 'NATO', 'U.N.', 'Porto Alegre', 'Senate']);
  });
});

describe('KeywordExtractor', () => {
  it('ranks words that are rare in the background above common ones, title words double', () => {
    const extractor = KeywordExtractor.fromDocuments([
      'the market rose today',
      'the market fell today',
      'market news today',
    ]);
    expect(extractor.extract('Market rally', 'The market rose as copper and copper miners rallied.', 2)).toEqual([
      'rally',
      'copper',
    ]);
  });
});
