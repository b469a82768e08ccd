import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { StandIn } from './support/stand-in.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

interface Status {
  status: string;
  text: string;
  tokens: number;
  error?: string;
}

/**
 * Reads GET /llm/streams/{id}/ui-message-stream the way useChat resumes a stream: the AI SDK's own
 * DefaultChatTransport (its SSE parser and uiMessageChunkSchema), then readUIMessageStream builds the UIMessage.
 */
async function readUiMessage(url: string, id: string, query = '') {
  const chunks: UIMessageChunk[] = [];
  const errors: string[] = [];
  const transport = new DefaultChatTransport({
    prepareReconnectToStreamRequest: ({ id: chatId }) => ({
      api: `${url}/llm/streams/${encodeURIComponent(chatId)}/ui-message-stream${query}`,
    }),
  });
  const stream = await transport.reconnectToStream({ chatId: id });
  if (!stream) throw new Error('no stream (204)');
  const recorded = stream.pipeThrough(
    new TransformStream<UIMessageChunk, UIMessageChunk>({
      transform(chunk, controller) {
        chunks.push(chunk);
        controller.enqueue(chunk);
      },
    }),
  );
  let message: UIMessage | undefined;
  for await (const snapshot of readUIMessageStream({
    stream: recorded,
    onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
  })) {
    message = snapshot;
  }
  return { message, chunks, errors, text: textOf(message) };
}

function textOf(message: UIMessage | undefined): string {
  return (message?.parts ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');
}

describe(`AI SDK UI message stream of an LLM stream (${TOPOLOGY})`, () => {
  let valkey: TestStore;
  let upstream: StandIn;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await startStore();
    // An OpenAI-compatible upstream that says two pieces, then fails mid-stream.
    upstream = await StandIn.start((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const content of ['Hello', ' there'])
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`);
      res.end(`data: ${JSON.stringify({ error: { message: 'model overloaded' } })}\n\n`);
    });
    app = await startTestApp(valkey.url, {
      ...valkey.env,
      LLM_SIMULATED_TOKEN_DELAY_MS: '5',
      LLM_MAX_TOKENS: '500',
      LLM_OPENAI_BASE_URL: `${upstream.url}/v1`,
      LLM_OPENAI_API_KEY: 'sk-test',
    });
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
    await valkey?.stop();
  });

  const status = (id: string) => json<Status>(`${app.url}/llm/streams/${id}`);
  const finished = (id: string) =>
    eventually(async () => {
      const res = await status(id);
      return res.body.status !== 'running' ? res.body : undefined;
    }, 15000);

  it('serves the protocol header and start, text-start, one text-delta per token, text-end, finish, [DONE]', async () => {
    const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { id: 'ui-raw', prompt: 'Tell me about logs', max_tokens: 8 },
    });
    await finished(body.id);
    const res = await fetch(`${app.url}/llm/streams/ui-raw/ui-message-stream`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const lines = (await res.text()).split('\n').filter((line) => line.startsWith('data: '));
    expect(lines[lines.length - 1]).toBe('data: [DONE]');
    const parts = lines.slice(0, -1).map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
    expect(parts.map((part) => part.type)).toEqual([
      'start',
      'text-start',
      ...Array.from({ length: 8 }, () => 'text-delta'),
      'text-end',
      'finish',
    ]);
    expect(parts[0]).toEqual({ type: 'start', messageId: 'ui-raw' });
    expect(new Set(parts.slice(1, -1).map((part) => part.id)).size).toBe(1);
    expect(parts[parts.length - 1]).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it("the AI SDK's reader builds a message whose text is GET's text, joining while the stream runs", async () => {
    const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { id: 'ui-live', prompt: 'What is a durable log?', max_tokens: 60 },
    });
    const read = await readUiMessage(app.url, body.id);
    const after = await status(body.id);
    expect(after.body).toMatchObject({ status: 'done', tokens: 60 });
    expect(read.message?.id).toBe('ui-live');
    expect(read.message?.role).toBe('assistant');
    expect(read.text).toBe(after.body.text);
    expect(read.errors).toEqual([]);
  });

  it('a late joiner, after the stream finished, gets the whole message, and so does a reconnect (same message id)', async () => {
    const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { id: 'ui-late', prompt: 'Why replay from a log?', max_tokens: 20 },
    });
    const done = await finished(body.id);
    const first = await readUiMessage(app.url, body.id);
    const again = await readUiMessage(app.url, body.id);
    expect(first.text).toBe(done.text);
    expect(again.text).toBe(done.text);
    expect(again.message?.id).toBe(first.message?.id);
    expect(first.chunks[first.chunks.length - 1]).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('an upstream that fails mid-stream ends with the text so far, an error part, then finish with reason error', async () => {
    const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { id: 'ui-fail', prompt: 'fail', provider: 'openai' },
    });
    const done = await finished(body.id);
    expect(done).toMatchObject({ status: 'error', text: 'Hello there' });
    const read = await readUiMessage(app.url, body.id);
    expect(read.text).toBe('Hello there');
    expect(read.chunks.slice(-3).map((chunk) => chunk.type)).toEqual(['text-end', 'error', 'finish']);
    expect(read.chunks[read.chunks.length - 1]).toEqual({ type: 'finish', finishReason: 'error' });
    expect(read.errors).toEqual([done.error]);
    expect(read.errors[0]).not.toContain('model overloaded');
  });

  it('a cancelled stream ends with the text so far, an abort part naming cancelled, then finish', async () => {
    const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { id: 'ui-cancel', prompt: 'A long answer to cancel', max_tokens: 500 },
    });
    const reading = readUiMessage(app.url, body.id);
    await eventually(async () => (await status(body.id)).body.tokens >= 3);
    expect((await json(`${app.url}/llm/streams/${body.id}`, { method: 'DELETE' })).status).toBe(200);
    const read = await reading;
    const done = await finished(body.id);
    expect(done.status).toBe('cancelled');
    expect(read.text).toBe(done.text);
    expect(read.chunks.slice(-3)).toEqual([
      { type: 'text-end', id: expect.any(String) },
      { type: 'abort', reason: 'cancelled' },
      { type: 'finish', finishReason: 'other' },
    ]);
  });

  it('an unknown stream is a 404', async () => {
    const res = await json<{ message: string }>(`${app.url}/llm/streams/nope/ui-message-stream`);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('stream nope not found');
  });
});

describe(`AI SDK UI message stream with access on (${TOPOLOGY})`, () => {
  const ADMIN_KEY = 'ui-message-stream-admin-key-0123456789';
  let valkey: TestStore;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await startStore();
    app = await startTestApp(valkey.url, {
      ...valkey.env,
      AUTH_DISABLED: 'false',
      AUTH_ADMIN_KEY: ADMIN_KEY,
      LLM_SIMULATED_TOKEN_DELAY_MS: '5',
    });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  it("takes the stream's viewer token as ?access_token=; another stream's viewer token gets 403", async () => {
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    const start = (id: string) =>
      json<{ id: string; viewer_token: string }>(`${app.url}/llm/streams`, {
        body: { id, prompt: 'Tell me about streams', max_tokens: 12 },
        headers: admin,
      });
    const mine = await start('ui-mine');
    const theirs = await start('ui-theirs');
    expect(mine.status).toBe(201);
    const read = await readUiMessage(app.url, 'ui-mine', `?access_token=${mine.body.viewer_token}`);
    const done = await json<Status>(`${app.url}/llm/streams/ui-mine`, { headers: admin });
    expect(done.body.status).toBe('done');
    expect(read.text).toBe(done.body.text);

    const refused = await json<{ message: string }>(
      `${app.url}/llm/streams/ui-mine/ui-message-stream?access_token=${theirs.body.viewer_token}`,
    );
    expect(refused.status).toBe(403);
    expect((await fetch(`${app.url}/llm/streams/ui-mine/ui-message-stream`)).status).toBe(401);
  });
});
