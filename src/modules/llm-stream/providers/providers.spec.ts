import { describe, expect, it } from '@jest/globals';
import { simulatedAnswer, tokenize } from './simulated.provider.js';
import { withoutRepeatedPrefix } from './token-provider.js';

async function collect(pieces: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const piece of pieces) out.push(piece);
  return out;
}

async function* from(pieces: string[]): AsyncGenerator<string> {
  for (const piece of pieces) yield await Promise.resolve(piece);
}

describe('simulated provider', () => {
  it('tokenizes into words and punctuation pieces that carry their leading space', () => {
    expect(tokenize('Hello, big world.')).toEqual(['Hello', ',', ' big', ' world', '.']);
  });

  it('answers the same prompt with the same tokens, exactly as many as asked, each longer answer extending the shorter', () => {
    const short = simulatedAnswer('Explain Valkey streams', 20);
    expect(short).toHaveLength(20);
    expect(simulatedAnswer('Explain Valkey streams', 20)).toEqual(short);
    expect(simulatedAnswer('Explain Valkey streams', 50).slice(0, 20)).toEqual(short);
    expect(simulatedAnswer('Something else entirely', 20)).not.toEqual(short);
  });
});

describe('withoutRepeatedPrefix', () => {
  it('drops a continuation that starts by repeating the text already sent', async () => {
    expect(await collect(withoutRepeatedPrefix('Hello there', from(['Hello', ' there', ' friend'])))).toEqual([
      ' friend',
    ]);
  });

  it('keeps a continuation that only briefly looked like the prefix', async () => {
    expect(await collect(withoutRepeatedPrefix('Hello there', from(['Hello', ' you'])))).toEqual(['Hello', ' you']);
  });

  it('passes everything through when nothing was sent before', async () => {
    expect(await collect(withoutRepeatedPrefix('', from(['a', 'b'])))).toEqual(['a', 'b']);
  });

  it('passes an event without text through at once while it is still matching the prefix', async () => {
    const seen: string[] = [];
    for await (const piece of withoutRepeatedPrefix('Hello there', from(['Hel', '', 'lo there', ' friend']))) {
      seen.push(piece);
      if (seen.length === 1) expect(piece).toBe(''); // the reset reaches the caller before the prefix is decided
    }
    expect(seen).toEqual(['', ' friend']);
  });
});
