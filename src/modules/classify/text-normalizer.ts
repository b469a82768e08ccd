import { createRequire } from 'node:module';
import type { Stemmer } from 'natural/lib/natural/stemmers/index.js';
import type { WordTokenizer as WordTokenizerType } from 'natural/lib/natural/tokenizers/index.js';

// natural's root index loads its storage backends, which call dotenv.config() on import (printing to stdout and
// reading a .env file into the environment) and add ~0.8 s of start-up, so only the three modules used here are loaded.
const require = createRequire(import.meta.url);
const { WordTokenizer } = require('natural/lib/natural/tokenizers/regexp_tokenizer.js') as {
  WordTokenizer: typeof WordTokenizerType;
};
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as Stemmer;
const { words: naturalStopwords } = require('natural/lib/natural/util/stopwords.js') as { words: string[] };

/** natural's English stop words plus a few reporting verbs that carry no topic. */
export const STOP_WORDS: ReadonlySet<string> = new Set([...naturalStopwords, 'will', 'says', 'told', 'according']);

const MAX_CACHED_STEMS = 50_000;
/**
 * Longer tokens are kept as they are: no English word is this long, and natural's Porter stemmer is quadratic in a
 * word's length (`/[^aeiouy]+y/g` rescans a run of consonants from every position: 100,000 of them took seconds).
 */
const MAX_STEMMED_CHARS = 64;
const HAS_LETTER = /[a-z]/;

/**
 * Turns text into normalised terms: natural's WordTokenizer, lower-casing, stop-word removal, Porter stems.
 * Stemming dominates the cost, so stems are memoised (bounded, cleared when full).
 */
export class TextNormalizer {
  private readonly tokenizer = new WordTokenizer();
  private readonly stemCache = new Map<string, string>();

  constructor(private readonly stopWords: ReadonlySet<string> = STOP_WORDS) {}

  /** Raw word tokens in their original case. */
  words(text: string): string[] {
    return this.tokenizer.tokenize(text);
  }

  /** Stems of the non-stop-word tokens of `text`, in order; numbers and single letters are dropped. */
  terms(text: string): string[] {
    const out: string[] = [];
    for (const word of this.tokenizer.tokenize(text.toLowerCase())) {
      const term = this.term(word);
      if (term !== undefined) out.push(term);
    }
    return out;
  }

  /** The stem of one lower-case word, or undefined when it is a stop word, a number or a single character. */
  term(lowerCaseWord: string): string | undefined {
    const keep = lowerCaseWord.length > 1 && !this.stopWords.has(lowerCaseWord) && HAS_LETTER.test(lowerCaseWord);
    return keep ? this.stem(lowerCaseWord) : undefined;
  }

  stem(lowerCaseWord: string): string {
    if (lowerCaseWord.length > MAX_STEMMED_CHARS) return lowerCaseWord;
    let stem = this.stemCache.get(lowerCaseWord);
    if (stem === undefined) {
      stem = PorterStemmer.stem(lowerCaseWord);
      if (this.stemCache.size >= MAX_CACHED_STEMS) this.stemCache.clear();
      this.stemCache.set(lowerCaseWord, stem);
    }
    return stem;
  }
}
