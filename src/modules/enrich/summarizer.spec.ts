import { splitSentences } from '../../news/sentences.js';
import { ExtractiveSummarizer } from './summarizer.js';

const TITLE = 'City council approves new tram line to the airport';
const BODY = [
  'The city council approved a new tram line to the airport on Tuesday after a two-year planning process.',
  'Construction of the tram line will start next spring and cost about 400 million dollars.',
  'Dr. Ana Costa, who chairs the transport committee, said the U.S. firm chosen to build it had delivered similar projects.',
  'Some shop owners along the route worry about months of roadworks.',
  'The weather was mild for the time of year.',
  'The airport tram line should carry its first passengers in 2029, the council said.',
].join(' ');

describe('splitSentences', () => {
  it('does not split after honorifics, initials, dotted acronyms or decimals', () => {
    expect(
      splitSentences(
        'Dr. Jane Smith met J. R. Brown in the U.S. Senate. Prices rose 3.5% in Jan. 2024! Did it work? "Yes," she said.',
      ),
    ).toEqual([
      'Dr. Jane Smith met J. R. Brown in the U.S. Senate.',
      'Prices rose 3.5% in Jan. 2024!',
      'Did it work?',
      '"Yes," she said.',
    ]);
  });

  it('ends a sentence at a dotted acronym when a typical opener follows, and at paragraph breaks', () => {
    expect(splitSentences('The company moved to the U.S. The move took a year\n\nA new paragraph starts here')).toEqual(
      ['The company moved to the U.S.', 'The move took a year', 'A new paragraph starts here'],
    );
  });
});

describe('ExtractiveSummarizer', () => {
  const summarizer = new ExtractiveSummarizer();
  const sentences = splitSentences(BODY);

  it('returns at most three sentences of the body, in their original order', () => {
    const summary = summarizer.summarize(TITLE, BODY);
    const picked = splitSentences(summary);
    expect(picked.length).toBeGreaterThanOrEqual(2);
    expect(picked.length).toBeLessThanOrEqual(3);
    const positions = picked.map((sentence) => sentences.indexOf(sentence));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('keeps the lead and leaves out the off-topic sentence', () => {
    const summary = summarizer.summarize(TITLE, BODY);
    expect(summary.startsWith(sentences[0])).toBe(true);
    expect(summary).not.toContain('The weather was mild');
  });

  it('respects a smaller maxSentences', () => {
    expect(splitSentences(summarizer.summarize(TITLE, BODY, 2))).toHaveLength(2);
    expect(splitSentences(summarizer.summarize(TITLE, BODY, 1))).toHaveLength(1);
  });

  it('returns short bodies (two sentences or fewer) trimmed and unchanged', () => {
    expect(summarizer.summarize(TITLE, '  One sentence only.  ')).toBe('One sentence only.');
    expect(summarizer.summarize(TITLE, 'First sentence here. Second one follows.\n')).toBe(
      'First sentence here. Second one follows.',
    );
    expect(summarizer.summarize(TITLE, '')).toBe('');
  });
});
