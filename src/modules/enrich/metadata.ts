import { readTrainingExamples } from '../../news/training-corpus.js';
import { STOP_WORDS, TextNormalizer } from '../../news/text-normalizer.js';
import { splitSentences } from '../../news/sentences.js';

export interface ArticleMetadata {
  word_count: number;
  reading_time_seconds: number;
  keywords: string[];
  entities: string[];
  language: 'en';
}

const WORDS_PER_MINUTE = 230;
const KEYWORD_COUNT = 5;
const TITLE_KEYWORD_WEIGHT = 2;
const MAX_ENTITIES = 10;

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
// prettier-ignore
const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november',
  'december',
];

/** Stop words plus news filler (dates, quantities, reporting words) that make poor keywords whatever their tf-idf. */
// prettier-ignore
const KEYWORD_STOP_WORDS: ReadonlySet<string> = new Set([
  ...STOP_WORDS, ...WEEKDAYS, ...MONTHS, 'year', 'years', 'week', 'weeks', 'month', 'months', 'day', 'days', 'today',
  'yesterday', 'tomorrow', 'ago', 'time', 'times', 'people', 'percent', 'per', 'cent', 'million', 'millions',
  'billion', 'billions', 'trillion', 'dollar', 'dollars', 'new', 'last', 'next', 'first', 'second', 'third',
  'including', 'around', 'least', 'part', 'announced', 'expected', 'since', 'may', 'several', 'number', 'however',
  'whether', 'despite', 'even', 'already', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine',
  'ten', 'hundreds', 'thousands', 'dozens', 'half', 'early', 'late', 'later', 'latest', 'added', 'called', 'mr',
  'mrs', 'ms', 'dr', 'us', 'per', 'just', 'back', 'less', 'lot', 'yet', 'among', 'across', 'within', 'without',
  'set', 'put', 'go', 'going',
]);

/**
 * Picks keywords by tf-idf: term frequency in the article (title terms count double) times
 * `1 + ln(N / (1 + df))` over a background corpus. The document frequencies are precomputed into a Map rather than
 * using natural's TfIdf, whose idf cache grows with every unseen term and whose misses scan every background
 * document: both bad for a long-running worker fed arbitrary text.
 */
export class KeywordExtractor {
  private constructor(
    private readonly documentFrequency: ReadonlyMap<string, number>,
    private readonly documentCount: number,
    private readonly normalizer: TextNormalizer,
  ) {}

  static fromDocuments(documents: readonly string[]): KeywordExtractor {
    const normalizer = new TextNormalizer(KEYWORD_STOP_WORDS);
    const documentFrequency = new Map<string, number>();
    for (const document of documents) {
      for (const term of new Set(normalizer.terms(document))) {
        documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
      }
    }
    return new KeywordExtractor(documentFrequency, documents.length, normalizer);
  }

  /**
   * Background = the shipped training corpus: it is always deployed (the classifier needs it) and spans all ten
   * topics, so words common in any kind of news score low.
   */
  static fromShippedCorpus(): KeywordExtractor {
    shippedExtractor ??= KeywordExtractor.fromDocuments(
      readTrainingExamples().map((example) => `${example.title}\n${example.body}`),
    );
    return shippedExtractor;
  }

  extract(title: string, body: string, limit = KEYWORD_COUNT): string[] {
    const frequency = new Map<string, number>();
    const surfaces = new Map<string, Map<string, number>>();
    const count = (text: string, weight: number): void => {
      for (const word of this.normalizer.words(text)) {
        const term = this.normalizer.term(word.toLowerCase());
        if (term === undefined || term.length < 3) continue;
        frequency.set(term, (frequency.get(term) ?? 0) + weight);
        let forms = surfaces.get(term);
        if (!forms) {
          forms = new Map();
          surfaces.set(term, forms);
        }
        forms.set(word, (forms.get(word) ?? 0) + weight);
      }
    };
    count(title, TITLE_KEYWORD_WEIGHT);
    count(body, 1);

    const ranked = [...frequency].map(([term, tf]) => ({
      term,
      score: tf * (1 + Math.log(this.documentCount / (1 + (this.documentFrequency.get(term) ?? 0)))),
    }));
    ranked.sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : 1));

    // Names are reported as entities, so always-capitalised words only fill keyword slots that topical words leave.
    const topical: string[] = [];
    const names: string[] = [];
    for (const { term } of ranked) {
      const form = displayForm(surfaces.get(term));
      if (!form) continue;
      const bucket = form === form.toLowerCase() ? topical : names;
      // Only `limit` of either are ever reported: a body of thousands of names must not grow a list scanned per name.
      if (bucket.length < limit && !bucket.includes(form)) bucket.push(form);
      if (topical.length >= limit) break;
    }
    return [...topical, ...names].slice(0, limit);
  }
}

let shippedExtractor: KeywordExtractor | undefined;

/** The most frequent spelling; lower case unless the word is always capitalised (a name keeps its capital). */
function displayForm(forms: Map<string, number> | undefined): string | undefined {
  if (!forms) return undefined;
  let best: string | undefined;
  let bestCount = 0;
  for (const [form, n] of forms) {
    if (n > bestCount || (n === bestCount && best !== undefined && form < best)) {
      best = form;
      bestCount = n;
    }
  }
  if (best === undefined) return undefined;
  const alwaysCapitalised = [...forms.keys()].every((form) => form[0] !== form[0].toLowerCase());
  return alwaysCapitalised ? best : best.toLowerCase();
}

/** Function words allowed inside a name ("Bank of England", "Ana de Souza"); "the" only after one ("Bank of the West"). */
// prettier-ignore
const NAME_CONNECTORS = new Set([
  'of', 'de', 'da', 'do', 'dos', 'del', 'della', 'di', 'du', 'van', 'von', 'der', 'den', 'la', 'le', 'al', 'bin',
  'y',
]);

/** Capitalised words that start names but are not part of them. */
// prettier-ignore
const NAME_PREFIXES = new Set([
  'The', 'A', 'An', 'Mr', 'Mrs', 'Ms', 'Dr', 'Prof', 'Sir', 'Dame', 'President', 'Prime', 'Minister', 'Governor',
  'Senator', 'Mayor', 'Councillor', 'Judge', 'Justice', 'Coach', 'Captain', 'General', 'Chancellor', 'King', 'Queen',
  'Prince', 'Princess', 'Director', 'Chairman', 'Chairwoman', 'Chair', 'Founder', 'Striker', 'Defender',
  'Goalkeeper', 'Goaltender', 'Hurdler', 'Sprinter', 'Comedian', 'Author', 'Actor', 'Actress', 'Filmmaker',
  'Youngster', 'Teenager', 'Chief', 'Head', 'Senior', 'Former', 'Veteran', 'Assistant', 'In', 'On', 'At', 'For',
  'By', 'From', 'With', 'After',
]);

// prettier-ignore
const NOT_NAMES: ReadonlySet<string> = new Set([
  ...WEEKDAYS, ...MONTHS, 'i', 'it', 'its', 'he', 'she', 'they', 'we', 'you', 'his', 'her', 'their', 'our', 'this',
  'that', 'these', 'those', 'there', 'here', 'however', 'meanwhile', 'but', 'and', 'or', 'if', 'when', 'while',
  'after', 'before', 'as',
]);

const CAPITALISED = /^(?:[A-Z][\p{L}\p{M}'’-]*|[A-Z]{2,}|(?:[A-Z]\.){2,})$/u;
const DOTTED_ACRONYM = /^(?:[A-Z]\.){2,}$/;
const LEADING_PUNCTUATION = /^["'“‘([]+/;
const TRAILING_PUNCTUATION: ReadonlySet<string> = new Set(['"', "'", '”', '’', ')', ']', ',', '.', ';', ':', '!', '?']);
const POSSESSIVE = /['’]s$/;
const TRAILING_PUNCTUATION_KEEPING_DOTS: ReadonlySet<string> = new Set([
  ',',
  ';',
  ':',
  '!',
  '?',
  '"',
  '”',
  '’',
  ')',
  ']',
]);

/**
 * `text` without the run of `chars` it ends with. A scan from the end: the regex `[...]+$` tries every position of
 * a long run and rescans the rest of it (quadratic in a token of 100,000 commas).
 */
function trimEnd(text: string, chars: ReadonlySet<string>): string {
  let end = text.length;
  while (end > 0 && chars.has(text[end - 1])) end--;
  return end === text.length ? text : text.slice(0, end);
}

/**
 * Capitalised word sequences (allowing connectors such as "of"), with role words and articles stripped from the
 * front. A single capitalised word at the start of a sentence counts only if it is also seen capitalised
 * mid-sentence, and single words already inside a longer name ("Lopez" after "Maria Lopez") are dropped.
 */
export function extractEntities(text: string, limit = MAX_ENTITIES): string[] {
  const found: string[] = [];
  const foundNames = new Set<string>();
  const midSentenceWords = new Set<string>();
  const candidates: Array<{ words: string[]; sentenceStart: boolean }> = [];

  for (const sentence of splitSentences(text)) {
    const tokens = sentence.split(/\s+/);
    let current: string[] = [];
    let pendingConnectors: string[] = [];
    let currentStartsSentence = false;
    const flush = (): void => {
      if (current.length > 0) candidates.push({ words: current, sentenceStart: currentStartsSentence });
      current = [];
      pendingConnectors = [];
    };
    tokens.forEach((raw, position) => {
      const first = raw.charCodeAt(0);
      // Most tokens start lower-case or with a digit: they can only be a connector or end the current name.
      if ((first >= 97 && first <= 122) || (first >= 48 && first <= 57)) {
        if (current.length > 0 && (NAME_CONNECTORS.has(raw) || (raw === 'the' && pendingConnectors.length > 0))) {
          pendingConnectors.push(raw);
        } else {
          flush();
        }
        return;
      }
      const stripped = raw.replace(LEADING_PUNCTUATION, '');
      const keepingDots = trimEnd(stripped, TRAILING_PUNCTUATION_KEEPING_DOTS);
      const acronym = DOTTED_ACRONYM.test(keepingDots);
      const breaksAfter = TRAILING_PUNCTUATION.has(stripped[stripped.length - 1]) || POSSESSIVE.test(stripped);
      const word = acronym ? keepingDots : trimEnd(stripped, TRAILING_PUNCTUATION).replace(POSSESSIVE, '');
      if (word && CAPITALISED.test(word)) {
        if (position > 0) midSentenceWords.add(word);
        if (current.length === 0) currentStartsSentence = position === 0;
        // One push each: a spread of tens of thousands of connectors ("A y y y ... B") would overflow the stack.
        for (const connector of pendingConnectors) current.push(connector);
        current.push(word);
        pendingConnectors = [];
      } else if (
        current.length > 0 &&
        !breaksAfter &&
        (NAME_CONNECTORS.has(word) || (word === 'the' && pendingConnectors.length > 0))
      ) {
        pendingConnectors.push(word);
        return;
      } else {
        flush();
        return;
      }
      if (breaksAfter) flush();
    });
    flush();
  }

  for (const candidate of candidates) {
    // The name is words[start..end): indices, not shift(), which moves the rest of a long candidate every time.
    const all = candidate.words;
    let start = 0;
    let end = all.length;
    let sentenceStart = candidate.sentenceStart;
    // "Shares of the Bank of England": a sentence's first word joined only by a connector is rarely part of the name.
    if (sentenceStart && end > 2 && NAME_CONNECTORS.has(all[1]) && !midSentenceWords.has(all[0])) {
      start = 1;
      while (start < end && (NAME_CONNECTORS.has(all[start]) || all[start] === 'the')) start++;
      sentenceStart = false;
    }
    while (
      start < end &&
      (NAME_PREFIXES.has(all[start]) || NOT_NAMES.has(all[start].toLowerCase()) || NAME_CONNECTORS.has(all[start]))
    ) {
      start++;
      sentenceStart = false;
    }
    while (end > start && (NAME_CONNECTORS.has(all[end - 1]) || all[end - 1] === 'the')) end--;
    const words = all.slice(start, end);
    if (words.length === 0) continue;
    if (words.length === 1) {
      const [word] = words;
      if (NOT_NAMES.has(word.toLowerCase()) || STOP_WORDS.has(word.toLowerCase())) continue;
      if (candidate.sentenceStart && sentenceStart && !midSentenceWords.has(word)) continue;
    }
    const name = words.join(' ');
    if (!foundNames.has(name)) {
      foundNames.add(name);
      found.push(name);
    }
  }

  const multiWordParts = new Set(found.filter((name) => name.includes(' ')).flatMap((name) => name.split(' ')));
  return found.filter((name) => name.includes(' ') || !multiWordParts.has(name)).slice(0, limit);
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

function isWhitespace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 160 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0x1680 ||
    code === 0xfeff
  );
}

/** Whitespace-separated tokens that contain a letter or digit (a lone dash or bullet is not a word). */
function countWords(text: string): number {
  let count = 0;
  let countedThisToken = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isWhitespace(code)) {
      countedThisToken = false;
      continue;
    }
    if (countedThisToken) continue;
    // ASCII fast path; the Unicode property test only runs for other characters.
    const lower = code | 32;
    const alphanumeric =
      code < 128 ? (code >= 48 && code <= 57) || (lower >= 97 && lower <= 122) : LETTER_OR_DIGIT.test(text[i]);
    if (alphanumeric) {
      count++;
      countedThisToken = true;
    }
  }
  return count;
}

/**
 * Offline metadata for one article. `word_count` and the reading time cover the body (the text a reader reads);
 * keywords weigh title terms double; entities come from the body, where capitalisation means something (titles
 * are often in title case).
 */
export function articleMetadata(title: string, body: string): ArticleMetadata {
  const wordCount = countWords(body);
  return {
    word_count: wordCount,
    reading_time_seconds: Math.max(1, Math.ceil((wordCount / WORDS_PER_MINUTE) * 60)),
    keywords: KeywordExtractor.fromShippedCorpus().extract(title, body),
    entities: extractEntities(body),
    language: 'en',
  };
}
