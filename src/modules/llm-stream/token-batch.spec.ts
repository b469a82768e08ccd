import { describe, expect, it } from '@jest/globals';
import type { EndMessage } from './llm-message.js';
import { TokenBatch } from './token-batch.js';

const END: EndMessage = { type: 'end', request_id: 's', total_tokens: 2, timestamp: 0 };

describe('TokenBatch (a read_generation call)', () => {
  it('answers what the log held at once, with the end when it was read', async () => {
    const batch = new TokenBatch(10);
    batch.token(0, 'a');
    batch.token(1, 'b');
    batch.end(END);
    const read = await batch.settled(Date.now() + 60000);
    expect(read).toEqual({
      tokens: [
        { index: 0, content: 'a' },
        { index: 1, content: 'b' },
      ],
      ended: { total_tokens: 2 },
    });
  });

  it('waits for the first live token, and answers nothing at the deadline', async () => {
    const waiting = new TokenBatch(10);
    const pending = waiting.settled(Date.now() + 60000);
    setTimeout(() => waiting.token(5, 'late'), 10);
    expect((await pending).tokens).toEqual([{ index: 5, content: 'late' }]);
    expect(await new TokenBatch(10).settled(Date.now() + 20)).toEqual({ tokens: [] });
  });

  it('stops at its limit and then leaves the end to the next read (tokens past it were not kept)', async () => {
    const batch = new TokenBatch(1);
    batch.token(0, 'a');
    batch.token(1, 'b');
    batch.end(END);
    expect(await batch.settled(Date.now() + 60000)).toEqual({ tokens: [{ index: 0, content: 'a' }] });
  });

  it('answers at once when the caller goes away', async () => {
    const abort = new AbortController();
    const pending = new TokenBatch(10).settled(Date.now() + 60000, abort.signal);
    abort.abort();
    expect(await pending).toEqual({ tokens: [] });
  });

  it('fails a read whose viewer was dropped before any token', async () => {
    const batch = new TokenBatch(10);
    batch.drop('stream read failed: boom');
    await expect(batch.settled(Date.now() + 60000)).rejects.toThrow('boom');
  });
});
