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
});
