import { stemmer } from 'stemmer';
import { eng } from 'stopword';

/**
 * English stop words: the stopword package's list, what natural's list (which the classifier and the keyword extractor
 * were tuned on) also held, and a few reporting verbs that carry no topic.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  ...eng,
  ...['above', 'again', 'below', 'cannot', 'does', 'doing', 'during', 'few', 'further', 'its', 'itself', 'myself'],
  ...['ours', 'ourselves', 'own', 'see', 'she', 'so', 'theirs', 'themselves', 'until', 'when', 'whom', 'why'],
  ...['yours', 'yourself'],
  ...'abcdefghijklmnopqrstuvwxyz0123456789$_', // single characters, as natural's list held them
  ...['will', 'says', 'told', 'according'],
]);

const MAX_CACHED_STEMS = 50_000;
/**
 * Longer tokens are kept as they are: no English word is this long, and a Porter stemmer's regexes can be quadratic in
 * a word's length (natural's `/[^aeiouy]+y/g`, used before, rescanned a run of consonants from every position).
 */
const MAX_STEMMED_CHARS = 64;
const HAS_LETTER = /[a-z]/;
/** Gaps between word tokens: what natural's WordTokenizer split on. */
const NON_WORD = /[^A-Za-zА-Яа-я0-9_]+/;

/**
 * Turns text into normalised terms: word tokens, lower-casing, stop-word removal, Porter stems.
 * Stemming dominates the cost, so stems are memoised (bounded, cleared when full).
 */
export class TextNormalizer {
  private readonly stemCache = new Map<string, string>();

  constructor(private readonly stopWords: ReadonlySet<string> = STOP_WORDS) {}

  /** Raw word tokens in their original case. */
  words(text: string): string[] {
    return text.split(NON_WORD).filter((word) => word !== '');
  }

  /** Stems of the non-stop-word tokens of `text`, in order; numbers and single letters are dropped. */
  terms(text: string): string[] {
    const out: string[] = [];
    for (const word of this.words(text.toLowerCase())) {
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
      stem = stemmer(lowerCaseWord);
      if (this.stemCache.size >= MAX_CACHED_STEMS) this.stemCache.clear();
      this.stemCache.set(lowerCaseWord, stem);
    }
    return stem;
  }
}
