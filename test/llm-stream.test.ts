import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { io } from 'socket.io-client';
import { TokenLogRepository } from '../src/modules/llm-stream/token-log.repository.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';
import { readSse } from './support/sse.js';
import { subscribeChannel } from './support/stream-channel.js';
import { StreamViewer, type Token } from './support/llm-viewer.js';

/**
 * Drops the app's Pub/Sub connections for token streams, as a network blip would: `skein:llm` on a single server; on a
 * cluster its sharded subscriber's connections (`skein:llm`, one per primary owning a watched channel) and the Cluster
 * client's subscriber connection for broadcast channels (one node's). Returns how many connections were killed.
 */
async function killStreamSubscriber(store: TestStore): Promise<number> {
  const client = store.client();
  await client.ping();
  const servers = store.clustered ? (client as unknown as { nodes(role: string): Valkey[] }).nodes('master') : [client];
  const names = store.clustered ? ['ioredis-cluster(subscriber):skein:llm', 'skein:llm'] : ['skein:llm'];
  let killed = 0;
  for (const server of servers) {
    for (const line of String(await server.client('LIST')).split('\n')) {
      const id = /\bid=(\d+)/.exec(line)?.[1];
      if (id && names.includes(/\bname=(\S*)/.exec(line)?.[1] ?? '')) {
        await server.client('KILL', 'ID', id);
        killed++;
      }
    }
  }
  return killed;
}

function expectInOrder(tokens: Token[], count: number): void {
  expect(tokens.map((t) => t.index)).toEqual(Array.from({ length: count }, (_, i) => i));
}

describe(`llm token streams (${TOPOLOGY})`, () => {
  let valkey: TestStore;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await startStore();
    app = await startTestApp(valkey.url, {
      ...valkey.env,
      LLM_SIMULATED_TOKEN_DELAY_MS: '5',
      LLM_MAX_TOKENS: '500',
    });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  const status = (id: string) => json<{ status: string; text: string; tokens: number }>(`${app.url}/llm/streams/${id}`);
  const done = (id: string) => eventually(async () => (await status(id)).body.status === 'done', 15000);

  it('a raw Valkey subscriber that subscribes before start receives start, tokens 0..n-1, end, and the same text as GET', async () => {
    const messages: Record<string, unknown>[] = [];
    await subscribeChannel(valkey.client(), 'llm:stream:raw-1', (raw) =>
      messages.push(JSON.parse(raw) as Record<string, unknown>),
    );

    const created = await json<{ id: string; channel: string }>(`${app.url}/llm/streams`, {
      body: { id: 'raw-1', prompt: 'Explain how Valkey streams work', max_tokens: 30 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'raw-1', channel: 'llm:stream:raw-1', viewer_token: expect.any(String) });
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
    const first = await StreamViewer.join(app.url, body.id);
    await eventually(() => first.tokens.length >= 20);
    const midway = await StreamViewer.join(app.url, body.id);
    await Promise.all([first.done, midway.done]);
    const late = await StreamViewer.join(app.url, body.id);
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
    const viewers = await Promise.all(Array.from({ length: 100 }, () => StreamViewer.join(app.url, body.id)));
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

    // The end event's id is the token count: a reconnect after it (EventSource's default) gets 204 and stops; one
    // that had every token but not the end still gets the end.
    const end = full.events[full.events.length - 1];
    expect(end.id).toBe('25');
    const after = await fetch(`${app.url}/llm/streams/${body.id}/events`, {
      headers: { 'Last-Event-ID': String(end.id) },
    });
    expect(after.status).toBe(204);
    const lastToken = await readSse(`${app.url}/llm/streams/${body.id}/events`, { 'Last-Event-ID': '24' });
    expect(lastToken.events.map((e) => e.event)).toEqual(['end']);

    // An event id this stream never sent is a 400 naming the header, not a silent replay from the start.
    const bad = await fetch(`${app.url}/llm/streams/${body.id}/events`, { headers: { 'Last-Event-ID': 'abc' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Last-Event-ID must be a token index');
  });

  it('DELETE cancels a running stream: viewers get end with reason cancelled and the status is cancelled', async () => {
    const { body } = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { id: 'cancel-1', prompt: 'A long answer to cancel', max_tokens: 500 },
    });
    const viewer = await StreamViewer.join(app.url, body.id);
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
    const viewer = await StreamViewer.join(app.url, 'nope');
    await viewer.done;
    viewer.close();
    expect(viewer.error).toMatchObject({ message: 'stream nope not found' });
  });

  /** What a replica that failed right after the start's first step leaves: the stream's meta, never queued. */
  const halfStarted = async (id: string, prompt: string, maxTokens: number, queueBy: number): Promise<void> => {
    const client = valkey.client();
    await client.hset(`llm:meta:{${id}}`, {
      attempt: 'lost-attempt',
      queue_by: String(queueBy),
      id,
      provider: 'simulated',
      model: 'simulated-1',
      prompt,
      max_tokens: String(maxTokens),
      status: 'running',
      created_at: new Date().toISOString(),
    });
  };

  it('a start that failed before queueing its generation is finished by the same request again, and generated once', async () => {
    await halfStarted('half-1', 'Finish me', 12, Date.now() + 60000);
    // Another request under that id is still a conflict.
    const other = await json(`${app.url}/llm/streams`, { body: { id: 'half-1', prompt: 'Something else' } });
    expect(other.status).toBe(409);
    const retried = await json(`${app.url}/llm/streams`, {
      body: { id: 'half-1', prompt: 'Finish me', max_tokens: 12 },
    });
    expect(retried.status).toBe(201);
    await done('half-1');
    const viewer = await StreamViewer.join(app.url, 'half-1');
    await viewer.done;
    viewer.close();
    expectInOrder(viewer.tokens, 12);
    expect(viewer.end).toEqual({ id: 'half-1', total_tokens: 12 });
    expect((await status('half-1')).body).toMatchObject({ status: 'done', tokens: 12 });
    // Once queued it is an ordinary stream: the same request again is a conflict.
    const again = await json(`${app.url}/llm/streams`, { body: { id: 'half-1', prompt: 'Finish me', max_tokens: 12 } });
    expect(again.status).toBe(409);
  });

  it('a start whose queueing fails is a 503 with Retry-After, and the same request again starts the stream', async () => {
    const log = app.app.get(TokenLogRepository);
    const queue = log.queue.bind(log);
    // The request queue's node is unreachable for this one call (the stream's own node answered).
    log.queue = () => Promise.reject(new Error('connection lost'));
    const body = { id: 'half-503', prompt: 'Queue me', max_tokens: 7 };
    const refused = await json<{ message: string }>(`${app.url}/llm/streams`, { body });
    log.queue = queue;
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.message).toContain('send the same request again');
    expect((await status('half-503')).body).toMatchObject({ status: 'running', tokens: 0 });

    expect((await json(`${app.url}/llm/streams`, { body })).status).toBe(201);
    await done('half-503');
    expect((await status('half-503')).body).toMatchObject({ status: 'done', tokens: 7 });
  });

  it('a start that failed before queueing and is never retried ends with an error at its deadline, for viewers and status', async () => {
    // Due in a moment: a viewer that joins before then gets the error's end when it comes.
    await halfStarted('half-2', 'Never queued', 5, Date.now() + 500);
    const viewer = await StreamViewer.join(app.url, 'half-2');
    await viewer.done;
    viewer.close();
    expect(viewer.tokens).toEqual([]);
    expect(viewer.end).toMatchObject({ id: 'half-2', total_tokens: 0, reason: 'error' });
    const read = await status('half-2');
    expect(read.body).toMatchObject({ status: 'error', tokens: 0, error: expect.stringContaining('never queued') });

    // Past due already: the status read itself ends it.
    await halfStarted('half-3', 'Never queued either', 5, Date.now() - 1);
    expect((await status('half-3')).body).toMatchObject({ status: 'error', tokens: 0 });
    // Ended: the same request again is a conflict, not a second life.
    const retried = await json(`${app.url}/llm/streams`, {
      body: { id: 'half-3', prompt: 'Never queued either', max_tokens: 5 },
    });
    expect(retried.status).toBe(409);
  });

  it('a viewer whose replica lost its Pub/Sub connection re-reads the log once it is back: it gets an end it was never sent', async () => {
    await halfStarted('resub-1', 'Not generated here', 5, Date.now() + 600000);
    const viewer = await StreamViewer.join(app.url, 'resub-1');
    // The end is logged, and its publish is lost (here: never sent); only a re-read of the log can find it.
    const end = { type: 'end', request_id: 'resub-1', total_tokens: 0, timestamp: Math.floor(Date.now() / 1000) };
    await valkey.client().xadd('llm:log:{resub-1}', '2-0', 'm', JSON.stringify(end));
    // At least one: on a cluster iovalkey may hold a second subscriber connection for a moment while it re-picks its
    // node after a slot-map refresh; every one of them is killed.
    expect(await killStreamSubscriber(valkey)).toBeGreaterThanOrEqual(1);
    await Promise.race([viewer.done, new Promise((r) => setTimeout(r, 10000))]);
    viewer.close();
    expect(viewer.end).toEqual({ id: 'resub-1', total_tokens: 0 });
  });

  it('a viewer that hears an end counting a token whose publish was lost reads that token from the log before the end', async () => {
    await halfStarted('lost-token-1', 'Not generated here', 5, Date.now() + 600000);
    const viewers = [
      await StreamViewer.join(app.url, 'lost-token-1'),
      await StreamViewer.join(app.url, 'lost-token-1'),
    ];
    const client = valkey.client();
    const now = Math.floor(Date.now() / 1000);
    // Token 0 is logged and its publish is lost (a crash between the log and the publish, as can happen on a cluster).
    const token = { type: 'token', content: 'only', index: 0, timestamp: now };
    await client.xadd('llm:log:{lost-token-1}', '1-0', 'm', JSON.stringify(token));
    const end = { type: 'end', request_id: 'lost-token-1', total_tokens: 1, timestamp: now };
    await client.xadd('llm:log:{lost-token-1}', '2-0', 'm', JSON.stringify(end));
    // Only the end is heard live.
    if (valkey.clustered) await client.spublish('llm:stream:lost-token-1', JSON.stringify(end));
    else await client.publish('llm:stream:lost-token-1', JSON.stringify(end));
    for (const viewer of viewers) {
      await Promise.race([viewer.done, new Promise((r) => setTimeout(r, 10000))]);
      viewer.close();
      expect(viewer.tokens).toEqual([{ index: 0, content: 'only' }]);
      expect(viewer.end).toEqual({ id: 'lost-token-1', total_tokens: 1 });
    }
  });

  it.each([
    ['no id', { from: 0 }, 'id must be a stream id'],
    ['a malformed id', { id: 'bad id!' }, 'id must be a stream id'],
    ['a negative from', { id: 'any', from: -1 }, 'from must be a non-negative integer'],
    ['a fractional from', { id: 'any', from: 1.5 }, 'from must be a non-negative integer'],
    ['a field join does not know', { id: 'any', since: 3 }, 'property since should not exist'],
  ])(
    'a Socket.IO join with %s is refused naming the field, in the ack and an error event',
    async (_case, body, message) => {
      const socket = io(`${app.url}/llm`, { transports: ['websocket'], forceNew: true });
      const error = new Promise<Record<string, unknown>>((resolve) => socket.once('error', resolve));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      expect(await socket.timeout(5000).emitWithAck('join', body)).toEqual({ error: message });
      expect(await error).toEqual({ id: (body as { id?: string }).id, message });
      socket.disconnect();
    },
  );

  it.each([
    ['an empty prompt', { prompt: '' }, 'prompt'],
    ['a blank prompt', { prompt: '   ' }, 'prompt'],
    ['no prompt', {}, 'prompt'],
    ['a prompt over LLM_MAX_INPUT_CHARS', { prompt: 'x'.repeat(32001) }, 'prompt'],
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

/**
 * A Socket.IO viewer on the polling transport that stops polling: the server queues its packets in the connection's
 * write buffer (nothing reaches the network until the next poll), so its backlog grows one packet per token.
 */
class StalledPollingViewer {
  private constructor(
    private readonly base: string,
    private readonly sid: string,
  ) {}

  static async join(url: string, id: string): Promise<{ viewer: StalledPollingViewer; packets: string[] }> {
    const open = await (await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).text();
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    const viewer = new StalledPollingViewer(`${url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, sid);
    await viewer.send('40/llm,');
    const packets: string[] = [];
    while (!packets.some((p) => p.startsWith('40/llm,'))) packets.push(...(await viewer.poll()));
    await viewer.send(`42/llm,0${JSON.stringify(['join', { id }])}`);
    while (!packets.some((p) => p.startsWith('43/llm,0'))) packets.push(...(await viewer.poll()));
    return { viewer, packets };
  }

  /** One long-poll: the packets the server had queued for this connection. */
  async poll(): Promise<string[]> {
    const res = await fetch(this.base);
    return res.status === 200 ? (await res.text()).split('\x1e') : [];
  }

  private async send(packet: string): Promise<void> {
    await fetch(this.base, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: packet });
  }
}

/** The `token` and `end` events among Engine.IO message packets. */
function events(packets: string[]): { tokens: Token[]; end?: Record<string, unknown> } {
  const tokens: Token[] = [];
  let end: Record<string, unknown> | undefined;
  for (const packet of packets) {
    if (!packet.startsWith('42/llm,[')) continue;
    const [event, payload] = JSON.parse(packet.slice(7)) as [string, Record<string, unknown>];
    if (event === 'token') tokens.push({ index: payload.index as number, content: payload.content as string });
    if (event === 'end') end = payload;
  }
  return { tokens, end };
}

describe(`llm token streams: slow viewers (${TOPOLOGY})`, () => {
  let valkey: TestStore;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await startStore();
    app = await startTestApp(valkey.url, {
      ...valkey.env,
      LLM_SIMULATED_TOKEN_DELAY_MS: '10',
      LLM_VIEWER_BUFFER: '20',
    });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  const dropped = async (): Promise<number> => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith('skein_llm_viewers_dropped_total{transport="socketio",reason="slow_viewer"}'));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('a Socket.IO viewer whose write buffer passes LLM_VIEWER_BUFFER is dropped with end reason slow_viewer; the others get every token', async () => {
    const before = await dropped();
    await json(`${app.url}/llm/streams`, {
      body: { id: 'slow-1', prompt: 'One viewer stops reading', max_tokens: 200 },
    });
    const steady = await StreamViewer.join(app.url, 'slow-1');
    const { viewer: stalled, packets } = await StalledPollingViewer.join(app.url, 'slow-1');
    // It stops polling: its buffer grows by one packet per token until the server gives up on it.
    await eventually(async () => (await dropped()) === before + 1, 10000);
    for (let i = 0; i < 5 && !events(packets).end; i++) packets.push(...(await stalled.poll()));
    const seen = events(packets);
    expect(seen.end).toEqual({ id: 'slow-1', reason: 'slow_viewer' });
    // What it was sent before the drop is a gap-free prefix, and it stopped short of the stream.
    expectInOrder(seen.tokens, seen.tokens.length);
    expect(seen.tokens.length).toBeLessThan(200);

    await steady.done;
    steady.close();
    expectInOrder(steady.tokens, 200);
    expect(steady.end).toEqual({ id: 'slow-1', total_tokens: 200 });
  });
});
