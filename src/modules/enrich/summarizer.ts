import { TextNormalizer } from '../classify/text-normalizer.js';

/** Abbreviations whose trailing period never ends a sentence (compared lower-case, without the final period). */
// prettier-ignore
const NEVER_FINAL = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sen', 'rep', 'gov', 'gen', 'col', 'lt', 'sgt', 'capt', 'cmdr', 'adm', 'maj',
  'st', 'mt', 'ft', 'rev', 'hon', 'pres', 'supt', 'insp', 'messrs', 'vs', 'v', 'fig', 'approx', 'dept', 'est', 'e.g',
  'i.e', 'cf', 'al', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);

/** Abbreviations that may also end a sentence ("... in the U.S. The ..."); they do when a typical opener follows. */
const MAYBE_FINAL = new Set(['inc', 'corp', 'ltd', 'co', 'jr', 'sr', 'etc', 'bros', 'plc', 'a.m', 'p.m']);

// prettier-ignore
const SENTENCE_OPENERS = new Set([
  'The', 'A', 'An', 'It', 'Its', 'He', 'She', 'They', 'We', 'I', 'In', 'On', 'At', 'But', 'And', 'This', 'That',
  'These', 'Those', 'There', 'However', 'Meanwhile', 'Officials', 'Some', 'Many', 'Most', 'Both', 'After', 'Before',
  'When', 'While', 'If', 'As', 'Last', 'Earlier', 'Later', 'According', 'His', 'Her', 'Their', 'Our', 'Police',
]);

// A whole run of terminal punctuation, optional closing quotes/brackets, then whitespace before a likely sentence
// start. The lookbehind starts a match only where a run starts: without it every position inside a run of n dots
// rescans the rest of the run (quadratic: 99,000 dots took over a minute).
const CANDIDATE_BOUNDARY = /(?<![.!?])([.!?]+)(["'”’)\]]*)(\s+)(?=["'“‘([]?[A-Z0-9])/g;
const DOTTED_ACRONYM = /^(?:[A-Za-z]\.)+[A-Za-z]$/;

function isBoundary(text: string, punctuation: string, punctuationAt: number, nextWord: string): boolean {
  if (punctuation !== '.') return true;
  let tokenStart = punctuationAt;
  while (tokenStart > 0 && !/\s/.test(text[tokenStart - 1])) tokenStart--;
  const token = text.slice(tokenStart, punctuationAt).replace(/^["'“‘([]+/, '');
  const lower = token.toLowerCase();
  if (lower === 'no' || lower === 'nos') return !/^\d/.test(nextWord);
  if (NEVER_FINAL.has(lower)) return false;
  // A single capital is an initial ("J. Smith"); a dotted acronym ("U.S.") may or may not end the sentence.
  if (/^[A-Z]$/.test(token)) return false;
  if (DOTTED_ACRONYM.test(token) || MAYBE_FINAL.has(lower)) return SENTENCE_OPENERS.has(nextWord);
  return true;
}

/**
 * Splits text into sentences. Handles paragraphs, quotes after the full stop, honorifics ("Dr."), initials,
 * dotted acronyms ("U.S.") and decimals; returned sentences are trimmed substrings of the input.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    let start = 0;
    CANDIDATE_BOUNDARY.lastIndex = 0;
    for (let match = CANDIDATE_BOUNDARY.exec(paragraph); match; match = CANDIDATE_BOUNDARY.exec(paragraph)) {
      const [whole, punctuation, closers] = match;
      const end = match.index + punctuation.length + closers.length;
      const nextWord = /^["'“‘([]?([A-Za-z0-9]+)/.exec(paragraph.slice(match.index + whole.length))?.[1] ?? '';
      if (!isBoundary(paragraph, punctuation, match.index, nextWord)) continue;
      const sentence = paragraph.slice(start, end).trim();
      if (sentence) sentences.push(sentence);
      start = match.index + whole.length;
    }
    const rest = paragraph.slice(start).trim();
    if (rest) sentences.push(rest);
  }
  return sentences;
}

const TITLE_OVERLAP_WEIGHT = 0.6;
const LEAD_BONUS = 0.3;
const POSITION_WEIGHT = 0.2;
const SHORT_SENTENCE_TERMS = 4;
const SHORT_SENTENCE_PENALTY = 0.6;

/**
 * Extractive summary: scores each sentence by the mean normalised body frequency of its stems, its overlap with
 * the title's stems and a bonus for appearing early (news leads carry the story), then returns the best
 * `maxSentences` in their original order.
 */
export class ExtractiveSummarizer {
  constructor(private readonly normalizer: TextNormalizer = new TextNormalizer()) {}

  summarize(title: string, body: string, maxSentences = 3): string {
    const sentences = splitSentences(body);
    const keep = Math.max(1, Math.floor(maxSentences));
    if (sentences.length <= 2 || sentences.length <= keep)
      return sentences.length <= 2 ? body.trim() : sentences.join(' ');

    const sentenceTerms = sentences.map((sentence) => this.normalizer.terms(sentence));
    const frequency = new Map<string, number>();
    let maxFrequency = 1;
    for (const terms of sentenceTerms) {
      for (const term of terms) {
        const n = (frequency.get(term) ?? 0) + 1;
        frequency.set(term, n);
        if (n > maxFrequency) maxFrequency = n;
      }
    }
    const titleTerms = new Set(this.normalizer.terms(title));

    const scored = sentenceTerms.map((terms, index) => {
      const unique = new Set(terms);
      let frequencyScore = 0;
      let titleHits = 0;
      for (const term of unique) {
        frequencyScore += (frequency.get(term) ?? 0) / maxFrequency;
        if (titleTerms.has(term)) titleHits++;
      }
      frequencyScore /= Math.max(unique.size, 1);
      if (unique.size < SHORT_SENTENCE_TERMS) frequencyScore *= SHORT_SENTENCE_PENALTY;
      const titleOverlap = titleTerms.size > 0 ? titleHits / titleTerms.size : 0;
      const position = (index === 0 ? LEAD_BONUS : 0) + POSITION_WEIGHT * (1 - index / sentences.length);
      return { index, score: frequencyScore + TITLE_OVERLAP_WEIGHT * titleOverlap + position };
    });

    return scored
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, keep)
      .sort((a, b) => a.index - b.index)
      .map(({ index }) => sentences[index])
      .join(' ');
  }
}
