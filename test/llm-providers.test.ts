import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

interface Seen {
  path: string;
  body: { model?: string; stream?: boolean; max_tokens?: number; messages?: { role: string; content: string }[] };
  closedEarly: boolean;
}

/**
 * A stand-in OpenAI-compatible chat completions server. The last user message picks the behaviour:
 * "gateway" answers 502 with an HTML page, "fail" errors mid-stream, "slow" streams one piece every 50 ms until the client goes away, "think" streams reasoning
 * deltas without content for 2.5 s before its answer, else five pieces.
 */
class StandInUpstream {
  readonly seen: Seen[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<StandInUpstream> {
    const upstream: StandInUpstream = new StandInUpstream(createServer((req, res) => upstream.handle(req, res)));
    await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
    return upstream;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const seen: Seen = { path: req.url ?? '', body: JSON.parse(raw) as Seen['body'], closedEarly: false };
      this.seen.push(seen);
      res.on('close', () => (seen.closedEarly = !res.writableFinished));
      const prompt = seen.body.messages?.filter((m) => m.role === 'user').pop()?.content ?? '';
      if (prompt === 'gateway') {
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (content: string) =>
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`);
      if (prompt === 'fail') {
        chunk('Hello');
        chunk(' there');
        res.end(`data: ${JSON.stringify({ error: { message: 'model overloaded' } })}\n\n`);
        return;
      }
      if (prompt === 'think') {
        // A reasoning model: deltas without content for longer than LLM_UPSTREAM_TIMEOUT_MS, then the answer.
        const delta = (fields: Record<string, string>) =>
          res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: fields }] })}\n\n`);
        delta({ role: 'assistant' });
        let n = 0;
        const timer = setInterval(() => {
          if (n++ < 25) return delta({ reasoning_content: ` step${n}` });
          clearInterval(timer);
          chunk('Thought');
          chunk(' it through.');
          res.end('data: [DONE]\n\n');
        }, 100);
        res.on('close', () => clearInterval(timer));
        return;
      }
      if (prompt === 'slow') {
        let n = 0;
        const timer = setInterval(() => chunk(` piece${n++}`), 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      for (const piece of ['Valkey', ' streams', ' are', ' logs', '.']) chunk(piece);
      res.end('data: [DONE]\n\n');
    });
  }
}

describe('llm upstream providers', () => {
  let valkey: TestValkey;
  let upstream: StandInUpstream;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    upstream = await StandInUpstream.start();
    app = await startTestApp(valkey.url, {
      LLM_OPENAI_BASE_URL: `${upstream.url}/v1`,
      LLM_OPENAI_API_KEY: 'sk-test',
      HF_ENDPOINT_URL: upstream.url,
      HF_TOKEN: 'hf_test',
      LLM_UPSTREAM_TIMEOUT_MS: '1000',
      LLM_MODELS: 'test-model',
    });
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
    await valkey?.stop();
  });

  const status = (id: string) =>
    json<{ status: string; text: string; tokens: number; error?: string }>(`${app.url}/llm/streams/${id}`);
  const finished = (id: string) =>
    eventually(async () => {
      const res = await status(id);
      return res.body.status !== 'running' ? res.body : undefined;
    });

  it.each(['openai', 'huggingface'])('%s streams the upstream answer through its real client', async (provider) => {
    const { status: code, body } = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { prompt: 'What are Valkey streams?', provider, model: 'test-model', max_tokens: 50 },
    });
    expect(code).toBe(201);
    const read = await finished(body.id);
    expect(read).toMatchObject({ status: 'done', text: 'Valkey streams are logs.', tokens: 5 });
    const request = upstream.seen[upstream.seen.length - 1];
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.body).toMatchObject({ model: 'test-model', stream: true, max_tokens: 50 });
  });

  it.each(['openai', 'huggingface'])(
    '%s: an upstream that errors mid-stream ends the stream with error, serving none of what the upstream said',
    async (provider) => {
      const sub = valkey.client();
      const messages: Record<string, unknown>[] = [];
      sub.on('message', (_c: string, raw: string) => messages.push(JSON.parse(raw) as Record<string, unknown>));
      const id = `fail-${provider}`;
      await sub.subscribe(`llm:stream:${id}`);
      await json(`${app.url}/llm/streams`, { body: { id, prompt: 'fail', provider } });
      const read = await finished(id);
      expect(read).toMatchObject({ status: 'error', text: 'Hello there', tokens: 2 });
      // What the upstream said is logged, not served: it may echo prompts, keys or the upstream's internals.
      expect(read.error).toContain(`${provider} upstream failed`);
      expect(read.error).not.toContain('model overloaded');
      // The error, then the end every stream finishes with (reason error).
      const [error, end] = messages.slice(-2);
      expect(error).toMatchObject({ type: 'error', request_id: id });
      expect(end).toMatchObject({ type: 'end', request_id: id, total_tokens: 2, reason: 'error' });
      expect(String(error.message)).toContain(provider);
      expect(String(error.message)).not.toContain('model overloaded');
    },
  );

  it.each(['openai', 'huggingface'])(
    '%s: an upstream HTTP error without a JSON body ends the stream with an error naming the status',
    async (provider) => {
      const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, { body: { prompt: 'gateway', provider } });
      const read = await finished(body.id);
      expect(read).toMatchObject({ status: 'error', tokens: 0 });
      expect(read.error).toContain(`${provider} upstream answered HTTP 502`);
    },
  );

  it.each(['openai', 'huggingface'])(
    '%s: upstream events without text (reasoning deltas) longer than LLM_UPSTREAM_TIMEOUT_MS are not a time-out',
    async (provider) => {
      const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, { body: { prompt: 'think', provider } });
      expect(await finished(body.id)).toMatchObject({ status: 'done', text: 'Thought it through.', tokens: 2 });
    },
  );

  it.each(['openai', 'huggingface'])(
    '%s: cancel aborts the upstream request (the upstream sees the connection closed)',
    async (provider) => {
      const id = `cancel-${provider}`;
      await json(`${app.url}/llm/streams`, { body: { id, prompt: 'slow', provider } });
      await eventually(async () => (await status(id)).body.tokens >= 3);
      const request = upstream.seen[upstream.seen.length - 1];
      expect(request.closedEarly).toBe(false);
      const res = await json(`${app.url}/llm/streams/${id}`, { method: 'DELETE' });
      expect(res.body).toMatchObject({ status: 'cancelled' });
      await eventually(() => request.closedEarly, 5000);
      expect((await status(id)).body.status).toBe('cancelled');
    },
  );
});

describe('llm provider settings on a split deployment', () => {
  it('a stream for a provider the llm replica lacks settings for ends with an error naming the setting', async () => {
    const valkey = await TestValkey.start();
    const upstream = await StandInUpstream.start();
    // The api replica has the endpoint (so it accepts the request); the llm replica was deployed without it.
    const api = await startTestApp(valkey.url, { ROLES: 'api', LLM_OPENAI_BASE_URL: `${upstream.url}/v1` });
    const llm = await startTestApp(valkey.url, { ROLES: 'llm' });
    try {
      const { status, body } = await json<{ id: string }>(`${api.url}/llm/streams`, {
        body: { prompt: 'Hello', provider: 'openai' },
      });
      expect(status).toBe(201);
      const read = await eventually(async () => {
        const res = await json<{ status: string; error?: string }>(`${api.url}/llm/streams/${body.id}`);
        return res.body.status !== 'running' ? res.body : undefined;
      });
      expect(read).toMatchObject({ status: 'error', error: expect.stringContaining('LLM_OPENAI_BASE_URL') });
      expect(read.error).toContain('not configured on the llm replica');
      expect(upstream.seen).toHaveLength(0);
    } finally {
      await llm.close();
      await api.close();
      await upstream.stop();
      await valkey.stop();
    }
  });
});
