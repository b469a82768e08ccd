import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { freePort } from '../src/valkey/embedded-valkey.js';
import { json, startTestApp, type TestApp } from './support/app.js';
import { subscribeChannel } from './support/stream-channel.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

type Message = Record<string, unknown> & { type: string; timestamp?: number };

/**
 * The LLM-token tutorial's subscriber (`watch_stream`), ported line for line with a raw Valkey subscriber and no Skein
 * code: SUBSCRIBE `llm:stream:{id}` (on a cluster SSUBSCRIBE on the channel's shard, see subscribeChannel), print the
 * model on `start`, collect `content` of each `token`, and on `end` print `total_tokens` and break out of the loop.
 * Nothing else ends the loop: a stream that never sends `end` hangs it.
 */
async function watchStream(
  subscriber: Valkey,
  requestId: string,
  subscribed: () => Promise<unknown>,
): Promise<{ text: string; messages: Message[]; printed: string[] }> {
  const channel = `llm:stream:${requestId}`;
  const messages: Message[] = [];
  const printed: string[] = [];
  const fullResponse: string[] = [];
  let wake: () => void = () => undefined;
  const queue: string[] = [];
  const unsubscribe = await subscribeChannel(subscriber, channel, (raw) => {
    queue.push(raw);
    wake();
  });
  await subscribed();
  for (;;) {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    const data = JSON.parse(queue.shift() as string) as Message;
    messages.push(data);
    if (data.type === 'start') {
      printed.push(`Stream started (model: ${String(data.model)})`);
    } else if (data.type === 'token') {
      fullResponse.push(data.content as string);
    } else if (data.type === 'end') {
      printed.push(`--- Complete (${String(data.total_tokens)} tokens) ---`);
      break;
    }
  }
  await unsubscribe();
  return { text: fullResponse.join(''), messages, printed };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: the subscriber loop did not exit within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Every message's `timestamp` is epoch seconds (Python's time.time()), taken between `before` and now. */
function expectEpochSeconds(messages: Message[], before: number): void {
  const after = Date.now() / 1000;
  for (const message of messages) {
    expect(typeof message.timestamp).toBe('number');
    expect(message.timestamp).toBeGreaterThanOrEqual(Math.floor(before / 1000) - 1);
    expect(message.timestamp).toBeLessThanOrEqual(after + 1);
  }
}

describe(`the LLM-token tutorial's subscriber loop against Skein's streams (${TOPOLOGY})`, () => {
  let valkey: TestStore;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await startStore();
    // Nothing listens on this port: every openai request fails at once (connection refused).
    const closed = await freePort();
    app = await startTestApp(valkey.url, {
      ...valkey.env,
      LLM_SIMULATED_TOKEN_DELAY_MS: '20',
      LLM_OPENAI_BASE_URL: `http://127.0.0.1:${closed}/v1`,
      LLM_OPENAI_API_KEY: 'sk-test',
    });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  const start = (body: Record<string, unknown>) => json<{ id: string }>(`${app.url}/llm/streams`, { body });

  it('exits on end after a normal stream, with the text, the model and the token count', async () => {
    const before = Date.now();
    const watched = await within(
      watchStream(valkey.client(), 'seed-done', () =>
        start({ id: 'seed-done', prompt: 'What is Valkey?', max_tokens: 8 }),
      ),
      15000,
      'done',
    );
    const types = watched.messages.map((m) => m.type);
    expect(types).toEqual(['start', ...Array<string>(8).fill('token'), 'end']);
    expect(watched.printed).toEqual(['Stream started (model: simulated-1)', '--- Complete (8 tokens) ---']);
    const status = await json<{ text: string }>(`${app.url}/llm/streams/seed-done`);
    expect(watched.text).toBe(status.body.text);
    expectEpochSeconds(watched.messages, before);
  });

  it('exits on the end that follows the error of a failed stream', async () => {
    const before = Date.now();
    const watched = await within(
      watchStream(valkey.client(), 'seed-failed', () => start({ id: 'seed-failed', prompt: 'hi', provider: 'openai' })),
      15000,
      'failed',
    );
    const types = watched.messages.map((m) => m.type);
    expect(types).toEqual(['start', 'error', 'end']);
    expect(watched.messages[1]).toMatchObject({
      request_id: 'seed-failed',
      message: expect.stringContaining('openai'),
    });
    expect(watched.messages[2]).toMatchObject({ request_id: 'seed-failed', total_tokens: 0, reason: 'error' });
    expectEpochSeconds(watched.messages, before);
    const status = await json<{ status: string }>(`${app.url}/llm/streams/seed-failed`);
    expect(status.body.status).toBe('error');
  });

  it('exits on the end of a cancelled stream', async () => {
    const before = Date.now();
    const loop = watchStream(valkey.client(), 'seed-cancelled', () =>
      start({ id: 'seed-cancelled', prompt: 'a long answer', max_tokens: 500 }),
    );
    // Cancelled once it is under way (a token or two in).
    let heard: () => void = () => undefined;
    const underWay = new Promise<void>((resolve) => (heard = resolve));
    const stop = await subscribeChannel(valkey.client(), 'llm:stream:seed-cancelled', () => heard());
    await underWay;
    expect((await json(`${app.url}/llm/streams/seed-cancelled`, { method: 'DELETE' })).status).toBe(200);
    const watched = await within(loop, 15000, 'cancelled');
    const last = watched.messages[watched.messages.length - 1];
    expect(last).toMatchObject({ type: 'end', request_id: 'seed-cancelled', reason: 'cancelled' });
    expect(watched.messages.filter((m) => m.type === 'token').length).toBeLessThan(500);
    expectEpochSeconds(watched.messages, before);
    await stop();
  });
});
