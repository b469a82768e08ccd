import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io } from 'socket.io-client';
import { simulatedAnswer } from '../src/modules/llm-stream/providers/simulated.provider.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { spawnApp, type AppProcess } from './support/process.js';
import { TestValkey } from './support/valkey.js';

interface Token {
  index: number;
  content: string;
}

const LLM_ENV = { ROLES: 'llm', STREAM_CLAIM_IDLE_MS: '1000', LLM_SIMULATED_TOKEN_DELAY_MS: '20' };

describe('llm generation failover (needs `npx nest build`)', () => {
  let valkey: TestValkey;
  let api: TestApp;
  const replicas: AppProcess[] = [];

  beforeAll(async () => {
    valkey = await TestValkey.start();
    api = await startTestApp(valkey.url, { ROLES: 'api' });
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.kill9()));
    await api?.close();
    await valkey?.stop();
  });

  it('after kill -9 of the llm replica mid-generation a second replica finishes it: one complete text, no gap, no repeat', async () => {
    replicas.push(await spawnApp({ ...LLM_ENV, VALKEY_URL: valkey.url, CONSUMER_NAME: 'llm-a' }));
    const prompt = 'Survive the loss of a replica';
    const { body } = await json<{ id: string }>(`${api.url}/llm/streams`, {
      body: { id: 'failover-1', prompt, max_tokens: 120 },
    });

    const socket = io(`${api.url}/llm`, { transports: ['websocket'], forceNew: true });
    const tokens: Token[] = [];
    let end: Record<string, unknown> | undefined;
    socket.on('token', (token: Token) => tokens.push({ index: token.index, content: token.content }));
    socket.on('end', (message: Record<string, unknown>) => (end = message));
    await socket.emitWithAck('join', { id: body.id });

    await eventually(() => tokens.length >= 20);
    await replicas[0].kill9();
    const atKill = tokens.length;
    replicas.push(await spawnApp({ ...LLM_ENV, VALKEY_URL: valkey.url, CONSUMER_NAME: 'llm-b' }));

    await eventually(() => end, 20000);
    socket.disconnect();
    expect(atKill).toBeLessThan(120);
    expect(end).toEqual({ id: 'failover-1', total_tokens: 120 });
    expect(tokens.map((t) => t.index)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    const text = tokens.map((t) => t.content).join('');
    expect(text).toBe(simulatedAnswer(prompt, 120, '\nsimulated-1').join(''));
    const read = await json<{ status: string; text: string; tokens: number }>(`${api.url}/llm/streams/${body.id}`);
    expect(read.body).toMatchObject({ status: 'done', text, tokens: 120 });
  });

  it('a graceful stop (SIGTERM) of the llm replica mid-generation hands the request over: not a failed delivery, the text completes', async () => {
    // One delivery allowed: if a graceful stop counted as a failed delivery, the request would be dead-lettered.
    const env = { ...LLM_ENV, VALKEY_URL: valkey.url, STREAM_MAX_DELIVERIES: '1', STREAM_CLAIM_IDLE_MS: '2000' };
    const first = await spawnApp({ ...env, CONSUMER_NAME: 'llm-c' });
    replicas.push(first);
    const second = await spawnApp({ ...env, CONSUMER_NAME: 'llm-d' });
    replicas.push(second);
    const prompt = 'Hand it over on a rolling restart';
    // Both replicas are idle: whichever takes the request is stopped once tokens flow.
    const { body } = await json<{ id: string }>(`${api.url}/llm/streams`, {
      body: { id: 'handover-1', prompt, max_tokens: 150 },
    });
    const client = valkey.client();
    const holder = await eventually(async () => {
      const pending = (await client.xpending('llm:requests', 'llm_workers', '-', '+', 10)) as [string, string][];
      return pending[0]?.[1];
    });
    await eventually(
      async () => (await json<{ tokens: number }>(`${api.url}/llm/streams/${body.id}`)).body.tokens >= 10,
    );
    expect(await (holder.startsWith('llm-c') ? first : second).stop()).toBe('SIGTERM'); // a clean stop

    const done = await eventually(async () => {
      const res = await json<{ status: string; text: string; tokens: number }>(`${api.url}/llm/streams/${body.id}`);
      return res.body.status !== 'running' ? res.body : undefined;
    }, 20000);
    expect(done).toMatchObject({
      status: 'done',
      tokens: 150,
      text: simulatedAnswer(prompt, 150, '\nsimulated-1').join(''),
    });
    expect(await client.xlen('dlq:llm')).toBe(0);
  });

  it('a request whose replicas kept dying is dead-lettered, and its stream ends with an error instead of running for good', async () => {
    await Promise.all(replicas.map((replica) => replica.kill9())); // no llm replica: the request waits
    const { body } = await json<{ id: string }>(`${api.url}/llm/streams`, {
      body: { id: 'abandoned-1', prompt: 'Never finished', max_tokens: 500 },
    });
    const client = valkey.client();
    const tokens = async (): Promise<number> =>
      (await json<{ tokens: number }>(`${api.url}/llm/streams/${body.id}`)).body.tokens;
    // Each replica takes the request (the first from the stream, the next ones by reclaiming it) and is killed -9
    // while it generates: two deliveries allowed, so the third replica dead-letters it instead of generating.
    const env = { ...LLM_ENV, VALKEY_URL: valkey.url, STREAM_CLAIM_IDLE_MS: '300', STREAM_MAX_DELIVERIES: '2' };
    for (const name of ['dying-a', 'dying-b']) {
      const replica = await spawnApp({ ...env, CONSUMER_NAME: name, LLM_SIMULATED_TOKEN_DELAY_MS: '200' });
      replicas.push(replica);
      const before = await tokens();
      await eventually(async () => (await tokens()) > before, 15000);
      await replica.kill9();
    }
    expect(await client.xlen('dlq:llm')).toBe(0);
    replicas.push(await spawnApp({ ...env, CONSUMER_NAME: 'dying-c' }));

    const status = await eventually(async () => {
      const res = await json<{ status: string; error?: string }>(`${api.url}/llm/streams/${body.id}`);
      return res.body.status !== 'running' ? res.body : undefined;
    }, 15000);
    expect(status).toMatchObject({ status: 'error', error: expect.stringContaining('generation abandoned') });
    expect(await client.xlen('dlq:llm')).toBe(1);
  });
});
