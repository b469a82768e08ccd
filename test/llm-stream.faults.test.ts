import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { LogId, type LlmMessage } from '../src/modules/llm-stream/llm-message.js';
import { simulatedAnswer } from '../src/modules/llm-stream/providers/simulated.provider.js';
import { TokenLogRepository } from '../src/modules/llm-stream/token-log.repository.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

interface Status {
  status: string;
  text: string;
  tokens: number;
}

/** A compare-and-set append that fails is not always "superseded": each cause gets its own answer. */
describe(`llm generation when an append is refused (${TOPOLOGY})`, () => {
  let valkey: TestStore;
  let app: TestApp;
  let client: Valkey;

  beforeAll(async () => {
    valkey = await startStore();
    client = valkey.client();
    app = await startTestApp(valkey.url, {
      ...valkey.env,
      LLM_SIMULATED_TOKEN_DELAY_MS: '30',
      STREAM_CLAIM_IDLE_MS: '500',
    });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  async function logIndexes(id: string): Promise<number[]> {
    const entries = (await client.xrange(`llm:log:{${id}}`, '-', '+')) as [string, string[]][];
    return entries
      .map(([entryId]) => entryId)
      .filter(LogId.isToken)
      .map((entryId) => Number(entryId.slice(2)));
  }

  async function finished(id: string): Promise<Status> {
    return eventually(async () => {
      const { body } = await json<Status>(`${app.url}/llm/streams/${id}`);
      return body.status !== 'running' ? body : undefined;
    }, 20000);
  }

  it('takes an append resent after its reply was lost as its own: logged once, answered as appended', async () => {
    const log = app.app.get(TokenLogRepository);
    const start: LlmMessage = { type: 'start', request_id: 'resent-1', model: 'm', timestamp: 1 };
    expect(await log.append('resent-1', '', LogId.start, start)).toEqual({ appended: true });
    expect(await log.append('resent-1', '', LogId.start, start)).toEqual({ appended: true });
    expect(await client.xlen('llm:log:{resent-1}')).toBe(1);
    // Another message at that place is not ours.
    const other: LlmMessage = { ...start, timestamp: 2 };
    expect(await log.append('resent-1', '', LogId.start, other)).toEqual({ appended: false, lastId: LogId.start });
  });

  it('resumes from the log when the log lost its last tokens under the generation, and ends with every token', async () => {
    const prompt = 'A log that loses its tail';
    const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { id: 'lost-tail-1', prompt, max_tokens: 60 },
    });
    await eventually(async () => (await logIndexes(body.id)).length >= 10);
    // What a restart on an AOF that had not reached the disk leaves: the log without its last tokens (and without
    // their ids: XDEL would keep the stream's last id).
    const key = `llm:log:{${body.id}}`;
    await eventually(async () => {
      await client.watch(key);
      const kept = (await client.xrange(key, '-', '+')).slice(0, -3);
      const rewrite = client.multi().del(key);
      for (const [entryId, fields] of kept) rewrite.xadd(key, entryId, ...fields);
      return (await rewrite.expire(key, 3600).exec()) !== null; // null: a token came in between; again
    });

    expect(await finished(body.id)).toMatchObject({
      status: 'done',
      tokens: 60,
      text: simulatedAnswer(prompt, 60, '\nsimulated-1').join(''),
    });
    expect(await logIndexes(body.id)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('leaves the request pending when another generator got ahead, so the stream still ends if that one dies', async () => {
    const prompt = 'Another generator is ahead';
    const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { id: 'ahead-1', prompt, max_tokens: 80 },
    });
    await eventually(async () => (await logIndexes(body.id)).length >= 5);
    // Another generator (one that reclaimed the request) logs the next token first, then dies.
    const log = app.app.get(TokenLogRepository);
    const answer = simulatedAnswer(prompt, 80, '\nsimulated-1');
    await eventually(async () => {
      const n = (await logIndexes(body.id)).length;
      const token: LlmMessage = { type: 'token', content: answer[n], index: n, timestamp: Date.now() };
      return (await log.append(body.id, LogId.beforeToken(n), LogId.token(n), token)).appended;
    });

    expect(await finished(body.id)).toMatchObject({ status: 'done', tokens: 80, text: answer.join('') });
    expect(await logIndexes(body.id)).toEqual(Array.from({ length: 80 }, (_, i) => i));
    expect(Number(((await client.xpending('llm:requests', 'llm_workers')) as [number])[0])).toBe(0);
  });
});
