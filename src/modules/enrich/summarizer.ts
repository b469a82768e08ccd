import { TextNormalizer } from '../../news/text-normalizer.js';
import { splitSentences } from '../../news/sentences.js';

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
