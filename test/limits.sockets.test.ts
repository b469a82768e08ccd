import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { io, type Socket } from 'socket.io-client';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';
import { enrichedArticle } from './support/enriched.js';

interface Token {
  id: string;
  index: number;
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

/** The value of one counter line of GET /metrics (0 when absent). */
async function counter(url: string, line: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(line));
  return found ? Number(found.split(' ').pop()) : 0;
}

describe('/llm: LLM_MAX_JOINS_PER_SOCKET', () => {
  let valkey: TestValkey;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await startTestApp(valkey.url, {
      LLM_SIMULATED_TOKEN_DELAY_MS: '20',
      LLM_MAX_JOINS_PER_SOCKET: '2',
    });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  it('a join past the limit gets an error event naming it, and the socket keeps its streams to their end', async () => {
    for (const id of ['j1', 'j2', 'j3', 'j4']) {
      const created = await json(`${app.url}/llm/streams`, { body: { id, prompt: `stream ${id}`, max_tokens: 60 } });
      expect(created.status).toBe(201);
    }
    const socket = io(`${app.url}/llm`, { transports: ['websocket'], forceNew: true, reconnection: false });
    const tokens: Token[] = [];
    const ends: string[] = [];
    const errors: { id?: string; message: string }[] = [];
    socket.on('token', (token: Token) => tokens.push(token));
    socket.on('end', (end: { id: string }) => ends.push(end.id));
    socket.on('error', (error: { id?: string; message: string }) => errors.push(error));
    await connected(socket);
    try {
      // Sent together: the limit holds for joins still in flight, not only for those already answered.
      const replies = (await Promise.all(
        ['j1', 'j2', 'j3', 'j4'].map((id) => socket.timeout(5000).emitWithAck('join', { id })),
      )) as { id?: string; error?: string }[];
      const joined = replies.filter((reply) => reply.error === undefined).map((reply) => reply.id);
      const refused = replies.filter((reply) => reply.error !== undefined);
      expect(joined).toHaveLength(2);
      expect(refused).toHaveLength(2);
      for (const reply of refused) expect(reply.error).toContain('LLM_MAX_JOINS_PER_SOCKET=2');
      await eventually(() => errors.length === 2);
      for (const error of errors) expect(error.message).toContain('LLM_MAX_JOINS_PER_SOCKET=2');
      // Joining a stream it already watches again (a resume) is no further stream.
      expect(await socket.timeout(5000).emitWithAck('join', { id: joined[0], from: 0 })).toEqual({
        id: joined[0],
        from: 0,
      });

      await eventually(() => ends.length === 2, 15000);
      expect(socket.connected).toBe(true);
      expect(ends.sort()).toEqual([...joined].sort());
      for (const id of joined as string[]) {
        const indexes = [...new Set(tokens.filter((token) => token.id === id).map((token) => token.index))];
        expect(indexes).toEqual(Array.from({ length: 60 }, (_, i) => i));
      }
      // A stream that ended frees its place.
      const refusedId = ['j1', 'j2', 'j3', 'j4'].find((id) => !joined.includes(id));
      expect(await socket.timeout(5000).emitWithAck('join', { id: refusedId })).toEqual({ id: refusedId, from: 0 });
    } finally {
      socket.disconnect();
    }
  });
});

/**
 * A `/feeds` client on the polling transport that stops polling: every `feed:item` the server emits waits in its
 * connection's write buffer, one packet each, as for a client that stopped reading its socket.
 */
class StalledFeedClient {
  private constructor(private readonly base: string) {}

  static async connect(url: string, userId: string): Promise<{ client: StalledFeedClient; packets: string[] }> {
    const open = await (await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).text();
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    const client = new StalledFeedClient(`${url}/socket.io/?EIO=4&transport=polling&sid=${sid}`);
    await client.send(`40/feeds,${JSON.stringify({ userId })}`);
    const packets: string[] = [];
    while (!packets.some((p) => p.startsWith('40/feeds,'))) packets.push(...(await client.poll()).packets);
    // Messages wait for admission: once this is acknowledged, live pushes to this socket have begun.
    await client.send(`42/feeds,0${JSON.stringify(['feed:sync', { after: '0-0' }])}`);
    while (!packets.some((p) => p.startsWith('43/feeds,0'))) packets.push(...(await client.poll()).packets);
    return { client, packets };
  }

  /** One long-poll: the packets the server had queued, and whether the session still exists. */
  async poll(): Promise<{ packets: string[]; open: boolean }> {
    const res = await fetch(this.base);
    if (res.status !== 200) return { packets: [], open: false };
    return { packets: (await res.text()).split('\x1e'), open: true };
  }

  private async send(packet: string): Promise<void> {
    await fetch(this.base, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: packet });
  }
}

describe('/feeds: a socket that stops reading is dropped at FEED_SOCKET_BUFFER, and loses nothing', () => {
  let valkey: TestValkey;
  let client: Valkey;
  let app: TestApp;
  const COUNT = 80;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    client = valkey.client();
    app = await startTestApp(valkey.url, { ROLES: 'api,fanout', FEED_SOCKET_BUFFER: '20' });
    await json(`${app.url}/users/stalled/topics`, { method: 'PUT', body: { topics: ['technology'] } });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  const dropped = () => counter(app.url, 'skein_feed_sockets_dropped_total');

  it('the server disconnects it; a fresh socket with feed:sync gets every item in order', async () => {
    const before = await dropped();
    const { client: stalled, packets } = await StalledFeedClient.connect(app.url, 'stalled');
    const ids = Array.from({ length: COUNT }, (_, i) => `item-${i}`);
    // Half before the drop (more than FEED_SOCKET_BUFFER), half after it: the dropped socket gets none of those.
    for (const id of ids.slice(0, COUNT / 2)) await client.xadd('enriched_stream', '*', 'data', enrichedArticle(id));
    await eventually(async () => (await dropped()) === before + 1, 10000);
    for (const id of ids.slice(COUNT / 2)) await client.xadd('enriched_stream', '*', 'data', enrichedArticle(id));
    await eventually(async () => (await client.xlen('feed_stream:{stalled}')) === COUNT, 20000);

    // What was queued before the drop reaches it, then the error naming the limit; then the session is gone.
    for (let i = 0; i < 10; i++) {
      const poll = await stalled.poll();
      packets.push(...poll.packets);
      if (!poll.open) break;
    }
    expect((await stalled.poll()).open).toBe(false);
    const items = packets.filter((p) => p.startsWith('42/feeds,["feed:item"'));
    expect(items.length).toBeLessThanOrEqual(COUNT / 2);
    const error = packets.find((p) => p.startsWith('42/feeds,["error"'));
    expect(error).toContain('FEED_SOCKET_BUFFER=20');

    const fresh = io(`${app.url}/feeds`, {
      auth: { userId: 'stalled' },
      transports: ['websocket'],
      reconnection: false,
    });
    try {
      await connected(fresh);
      const synced: string[] = [];
      let after = '0-0';
      for (let round = 0; round < COUNT; round++) {
        const reply = (await fresh.timeout(5000).emitWithAck('feed:sync', { after })) as {
          items: { id: string; cursor: string }[];
          more?: boolean;
        };
        synced.push(...reply.items.map((item) => item.id));
        if (!reply.more) break;
        after = reply.items[reply.items.length - 1].cursor;
      }
      expect(synced).toEqual(ids);
    } finally {
      fresh.disconnect();
    }
  });
});

describe('MAX_CONNECTIONS_PER_ADDRESS across /feeds, /llm and SSE', () => {
  let valkey: TestValkey;
  let app: TestApp;
  const open: Socket[] = [];

  beforeAll(async () => {
    valkey = await TestValkey.start();
    // No llm replica: a stream stays running, so its SSE response stays open.
    app = await startTestApp(valkey.url, { ROLES: 'api', MAX_CONNECTIONS_PER_ADDRESS: '3' });
    expect((await json(`${app.url}/llm/streams`, { body: { id: 'held', prompt: 'never generated' } })).status).toBe(
      201,
    );
  });

  afterAll(async () => {
    for (const socket of open) socket.disconnect();
    await app?.close();
    await valkey?.stop();
  });

  /** A socket and what the server told it: admitted (answers a message) or refused (an error event, disconnected). */
  async function attempt(namespace: '/feeds' | '/llm'): Promise<{ socket: Socket; refusal?: string }> {
    const socket = io(`${app.url}${namespace}`, {
      auth: { userId: 'crowd' },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    open.push(socket);
    const refusal = new Promise<string>((resolve) =>
      socket.on('error', (error: { event?: string; message: string }) => {
        if (error.event === 'connect') resolve(error.message);
      }),
    );
    await connected(socket);
    const admitted =
      namespace === '/feeds'
        ? socket.timeout(5000).emitWithAck('feed:sync', { after: '0-0' })
        : socket.timeout(5000).emitWithAck('join', { id: 'held' });
    const outcome = await Promise.race([refusal, admitted.then(() => undefined)]);
    return { socket, refusal: outcome };
  }

  const sse = (signal?: AbortSignal) => fetch(`${app.url}/llm/streams/held/events`, { signal });

  it('one more socket gets an error event naming the limit; one more SSE stream gets 429 with Retry-After; a close frees a place', async () => {
    const first = await attempt('/feeds');
    expect(first.refusal).toBeUndefined();
    expect((await attempt('/llm')).refusal).toBeUndefined();
    const stream = new AbortController();
    const held = await sse(stream.signal);
    expect(held.status).toBe(200);

    const refused = await attempt('/llm');
    expect(refused.refusal).toContain('MAX_CONNECTIONS_PER_ADDRESS=3');
    await eventually(() => refused.socket.disconnected);
    expect((await attempt('/feeds')).refusal).toContain('MAX_CONNECTIONS_PER_ADDRESS=3');
    const over = await sse();
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await over.text()).toContain('MAX_CONNECTIONS_PER_ADDRESS=3');

    // Closing the SSE stream and a socket frees their places (the refused ones never held any).
    stream.abort();
    first.socket.disconnect();
    await eventually(async () => (await attempt('/feeds')).refusal === undefined, 5000);
    const again = new AbortController();
    await eventually(async () => {
      const res = await sse(again.signal);
      if (res.status !== 200) await res.text();
      return res.status === 200;
    }, 5000);
    again.abort();
  });
});
