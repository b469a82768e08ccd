import { describe, expect, it } from '@jest/globals';
import { Keys } from '../valkey/keys.js';
import { slotOf } from '../valkey/slots.js';
import { deadLetterFields, originalFields } from './dead-letter.js';

describe('dead-letter keys and fields', () => {
  it.each(['', 'tenant1:', 'a{b}:'])(
    "keeps an entry's written and replaying marks in its dead-letter stream's slot (KEY_PREFIX %j)",
    (prefix) => {
      const keys = new Keys(prefix);
      const dlq = keys.deadLetter('classify');
      expect(dlq).toBe(`${prefix}dlq:classify`);
      expect(slotOf(keys.deadLetterWritten('classify', keys.newsRaw, '1-0'))).toBe(slotOf(dlq));
      expect(slotOf(keys.deadLetterReplaying('classify', '1-0'))).toBe(slotOf(dlq));
      expect(keys.deadLetterWritten('classify', keys.newsRaw, '1-0').startsWith(prefix)).toBe(true);
    },
  );

  it("restores an entry's own fields in their order, its dlq_* fields included, and drops the engine's", () => {
    const stored = deadLetterFields(
      { dlq_error: 'bad', dlq_stream: 'news_raw' },
      { id: 'a', '10': 'numeric name', dlq_stream: 'forged', title: 'T' },
    );
    expect(originalFields(stored)).toEqual(['10', 'numeric name', 'id', 'a', 'dlq_stream', 'forged', 'title', 'T']);
  });
});
