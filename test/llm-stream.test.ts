import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createParser } from 'eventsource-parser';
import { io, type Socket } from 'socket.io-client';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

interface Token {
  index: number;
  content: string;
}

/** A Socket.IO viewer of one stream, collecting its tokens and end. */
class Viewer {
  readonly tokens: Token[] = [];
  end?: Record<string, unknown>;
  error?: Record<string, unknown>;
  readonly done: Promise<void>;
  private constructor(readonly socket: Socket) {
    this.done = new Promise((resolve) => {
      socket.on('end', (end: Record<string, unknown>) => {
        this.end = end;
        resolve();
      });
      socket.on('error', (error: Record<string, unknown>) => {
        this.error = error;
        resolve();
      });
    });
    socket.on('token', (token: Token) => this.tokens.push({ index: token.index, content: token.content }));
  }

  static async join(url: string, id: string, from?: number): Promise<Viewer> {
    const socket = io(`${url}/llm`, { transports: ['websocket'], forceNew: true });
    const viewer = new Viewer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    await socket.emitWithAck('join', from === undefined ? { id } : { id, from });
    return viewer;
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** Reads an SSE response to its end: the token events (with their ids) and the end event. */
async function readSse(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const events: { event?: string; id?: string; data: string }[] = [];
  if (res.status !== 200 || !res.body) return { status: res.status, events };
  const parser = createParser({ onEvent: (event) => events.push(event) });
  const decoder = new TextDecoder();
  for await (const chunk of res.body) parser.feed(decoder.decode(chunk, { stream: true }));
  return { status: res.status, events };
}

function expectInOrder(tokens: Token[], count: number): void {
  expect(tokens.map((t) => t.index)).toEqual(Array.from({ length: count }, (_, i) => i));
}

describe('llm token streams', () => {
  let valkey: TestValkey;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await startTestApp(valkey.url, { LLM_SIMULATED_TOKEN_DELAY_MS: '5', LLM_MAX_TOKENS: '500' });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  const status = (id: string) => json<{ status: string; text: string; tokens: number }>(`${app.url}/llm/streams/${id}`);
  const done = (id: string) => eventually(async () => (await status(id)).body.status === 'done', 15000);

  it('a raw Valkey subscriber that subscribes before start receives start, tokens 0..n-1, end, and the same text as GET', async () => {
    const sub = valkey.client();
    const messages: Record<string, unknown>[] = [];
    sub.on('message', (_channel: string, raw: string) => messages.push(JSON.parse(raw) as Record<string, unknown>));
    await sub.subscribe('llm:stream:raw-1');

    const created = await json<{ id: string; channel: string }>(`${app.url}/llm/streams`, {
      body: { id: 'raw-1', prompt: 'Explain how Valkey streams work', max_tokens: 30 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'raw-1', channel: 'llm:stream:raw-1' });
    await eventually(() => messages.some((m) => m.type === 'end'));

    expect(messages[0]).toMatchObject({ type: 'start', request_id: 'raw-1', model: 'simulated-1' });
    const tokens = messages.slice(1, -1);
    expect(tokens.every((m) => m.type === 'token' && typeof m.timestamp === 'number')).toBe(true);
    expect(tokens.map((m) => m.index)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(messages[messages.length - 1]).toMatchObject({ type: 'end', request_id: 'raw-1', total_tokens: 30 });
    const text = tokens.map((m) => m.content).join('');
    const read = await status('raw-1');
    expect(read.body).toMatchObject({ id: 'raw-1', status: 'done', text, tokens: 30, provider: 'simulated' });
  });

  it('Socket.IO viewers joining at the start, midway and after the end all get the identical token sequence', async () => {
    const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { id: 'three-1', prompt: 'Three viewers watch this', max_tokens: 60 },
    });
    const first = await Viewer.join(app.url, body.id);
    await eventually(() => first.tokens.length >= 20);
    const midway = await Viewer.join(app.url, body.id);
    await Promise.all([first.done, midway.done]);
    const late = await Viewer.join(app.url, body.id);
    await late.done;
    for (const viewer of [first, midway, late]) {
      expectInOrder(viewer.tokens, 60);
      expect(viewer.end).toEqual({ id: 'three-1', total_tokens: 60 });
      viewer.close();
    }
    expect(midway.tokens).toEqual(first.tokens);
    expect(late.tokens).toEqual(first.tokens);
    expect(first.tokens.map((t) => t.content).join('')).toBe((await status('three-1')).body.text);
  });

  it('100 Socket.IO viewers of one stream on one replica all get every token in order', async () => {
    const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { id: 'hundred-1', prompt: 'A hundred viewers', max_tokens: 40 },
    });
    const viewers = await Promise.all(Array.from({ length: 100 }, () => Viewer.join(app.url, body.id)));
    await Promise.all(viewers.map((v) => v.done));
    const expected = viewers[0].tokens;
    expectInOrder(expected, 40);
    for (const viewer of viewers) {
      expect(viewer.tokens).toEqual(expected);
      viewer.close();
    }
  });

  it('SSE reads the whole stream, and a resume with Last-Event-ID returns exactly the rest', async () => {
    const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { id: 'sse-1', prompt: 'Server-sent events', max_tokens: 25 },
    });
    const full = await readSse(`${app.url}/llm/streams/${body.id}/events`);
    expect(full.status).toBe(200);
    const tokens = full.events.filter((e) => e.event === 'token');
    expect(tokens.map((e) => Number(e.id))).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(tokens.map((e) => (JSON.parse(e.data) as Token).index)).toEqual(tokens.map((e) => Number(e.id)));
    expect(full.events[full.events.length - 1]).toMatchObject({ event: 'end' });
    expect(JSON.parse(full.events[full.events.length - 1].data)).toEqual({ total_tokens: 25 });

    const resumed = await readSse(`${app.url}/llm/streams/${body.id}/events`, { 'Last-Event-ID': '9' });
    expect(resumed.events.filter((e) => e.event === 'token')).toEqual(tokens.slice(10));
    expect(resumed.events[resumed.events.length - 1].event).toBe('end');
    const text = tokens.map((e) => (JSON.parse(e.data) as Token).content).join('');
    expect(text).toBe((await status(body.id)).body.text);
  });

  it('DELETE cancels a running stream: viewers get end with reason cancelled and the status is cancelled', async () => {
    const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { id: 'cancel-1', prompt: 'A long answer to cancel', max_tokens: 500 },
    });
    const viewer = await Viewer.join(app.url, body.id);
    await eventually(() => viewer.tokens.length >= 5);
    const cancelled = await json(`${app.url}/llm/streams/${body.id}`, { method: 'DELETE' });
    expect(cancelled).toMatchObject({ status: 200, body: { id: 'cancel-1', status: 'cancelled' } });
    await viewer.done;
    viewer.close();
    expect(viewer.end).toMatchObject({ reason: 'cancelled' });
    expectInOrder(viewer.tokens, viewer.end?.total_tokens as number);
    const after = await status(body.id);
    expect(after.body.status).toBe('cancelled');
    // The generator stopped: no token is logged after the end.
    await new Promise((r) => setTimeout(r, 100));
    expect((await status(body.id)).body.tokens).toBe(viewer.end?.total_tokens);
  });

  it('an existing id is a 409 and an unknown id is a 404 on GET, DELETE and SSE, and an error event on Socket.IO', async () => {
    await json(`${app.url}/llm/streams`, { body: { id: 'dup-1', prompt: 'once', max_tokens: 2 } });
    await done('dup-1');
    expect((await json(`${app.url}/llm/streams`, { body: { id: 'dup-1', prompt: 'twice' } })).status).toBe(409);
    expect((await status('nope')).status).toBe(404);
    expect((await json(`${app.url}/llm/streams/nope`, { method: 'DELETE' })).status).toBe(404);
    expect((await readSse(`${app.url}/llm/streams/nope/events`)).status).toBe(404);
    const viewer = await Viewer.join(app.url, 'nope');
    await viewer.done;
    viewer.close();
    expect(viewer.error).toMatchObject({ message: 'stream nope not found' });
  });

  it.each([
    ['an empty prompt', { prompt: '' }, 'prompt'],
    ['a blank prompt', { prompt: '   ' }, 'prompt'],
    ['no prompt', {}, 'prompt'],
    ['a prompt over LLM_MAX_PROMPT_CHARS', { prompt: 'x'.repeat(32001) }, 'prompt'],
    ['an unknown provider', { prompt: 'hi', provider: 'gemini' }, 'provider'],
    ['openai without LLM_OPENAI_BASE_URL', { prompt: 'hi', provider: 'openai' }, 'LLM_OPENAI_BASE_URL'],
    ['max_tokens 0', { prompt: 'hi', max_tokens: 0 }, 'max_tokens'],
    ['max_tokens over LLM_MAX_TOKENS', { prompt: 'hi', max_tokens: 501 }, 'max_tokens'],
    ['a malformed id', { prompt: 'hi', id: 'bad id!' }, 'id'],
  ])('POST with %s is a 400 naming the field', async (_case, body, field) => {
    const res = await json<{ message: string | string[] }>(`${app.url}/llm/streams`, { body });
    expect(res.status).toBe(400);
    expect([res.body.message].flat().join('; ')).toContain(field);
  });
});
