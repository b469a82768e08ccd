import { setTimeout as sleep } from 'node:timers/promises';
import type { GenerationRequest, TokenProvider } from './token-provider.js';
import { seededRandom } from '../../../common/seeded-random.js';

/** Length of the simulated answer when the request sets no max_tokens. */
export const SIMULATED_DEFAULT_TOKENS = 64;

const OPENERS = ['Here is', 'In short,', 'Put simply,', 'To answer that,', 'Briefly,'];
const VERBS = ['suggests', 'shows', 'means', 'implies', 'explains', 'points to', 'depends on', 'relates to'];
const NOUNS = [
  'the context',
  'the data',
  'a simple model',
  'the main idea',
  'several factors',
  'the evidence',
  'the trade-off',
  'a clear example',
  'the usual approach',
  'each step',
];
const LINKS = ['and', 'but', 'so', 'because', 'while', 'although'];
const WORD = /[\p{L}\p{N}'’-]+/gu;

/** Splits text the way a model's tokenizer roughly does: words and punctuation, each with its leading space. */
export function tokenize(text: string): string[] {
  return text.match(/\s*[\p{L}\p{N}'’]+|\s*[^\s\p{L}\p{N}'’]/gu) ?? [];
}

function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * The answer the simulated model gives: built deterministically from the prompt (and system prompt and model), as
 * exactly `count` tokens. Deterministic so that a reclaimed generation can skip the tokens already logged.
 */
export function simulatedAnswer(prompt: string, count: number, salt = ''): string[] {
  const next = seededRandom(seedOf(`${salt}\n${prompt}`));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const topics = (prompt.match(WORD) ?? []).filter((word) => word.length > 3).slice(0, 12);
  const subject = (): string => (topics.length > 0 && next() < 0.5 ? pick(topics) : pick(NOUNS));
  const tokens: string[] = [];
  let first = true;
  while (tokens.length < count) {
    const sentence = first
      ? `${pick(OPENERS)} what "${topics.slice(0, 3).join(' ') || 'your question'}" ${pick(VERBS)} ${subject()}, ${pick(LINKS)} ${subject()} ${pick(VERBS)} ${subject()}.`
      : `${capitalize(subject())} ${pick(VERBS)} ${subject()}, ${pick(LINKS)} ${subject()} ${pick(VERBS)} ${subject()}.`;
    const pieces = tokenize(first ? sentence : ` ${sentence}`);
    tokens.push(...pieces);
    first = false;
  }
  return tokens.slice(0, count);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** An offline model: a deterministic answer built from the prompt, one token every `delayMs`. */
export class SimulatedProvider implements TokenProvider {
  readonly name = 'simulated' as const;
  readonly defaultModel = 'simulated-1';

  constructor(private readonly delayMs: number) {}

  unavailable(): undefined {
    return undefined;
  }

  async *stream(request: GenerationRequest): AsyncGenerator<string> {
    // The simulated answer is exactly max_tokens long: prefix + what is still allowed.
    const total = request.prefix.tokens + request.maxTokens;
    const answer = simulatedAnswer(request.prompt, total, `${request.system ?? ''}\n${request.model}`);
    for (const token of answer.slice(request.prefix.tokens)) {
      if (this.delayMs > 0) await sleep(this.delayMs, undefined, { signal: request.signal });
      request.signal.throwIfAborted();
      yield token;
    }
  }
}
