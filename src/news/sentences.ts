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
