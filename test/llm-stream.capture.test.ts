import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { io } from 'socket.io-client';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';
import { readSse } from './support/sse.js';

const TOKENS = ['Valkey', ' is', ' an', ' open', '-source', ' in', '-memory', ' data', ' store', '.'];

/**
 * The LLM-token tutorial's publisher (`stream_llm_response`), ported line for line with a raw client: PUBLISH start,
 * one token per piece with its index, then end, on `llm:stream:{id}`. No Skein request is made.
 */
async function streamLlmResponse(
  client: Valkey,
  requestId: string,
  tokens = TOKENS,
  end = true,
  command: 'publish' | 'spublish' = 'publish',
): Promise<void> {
  const channel = `llm:stream:${requestId}`;
  const now = () => Date.now() / 1000;
  const publish = (channel: string, message: string) => client[command](channel, message);
  await publish(channel, JSON.stringify({ type: 'start', request_id: requestId, model: 'gpt-4', timestamp: now() }));
  for (const [i, token] of tokens.entries()) {
    await publish(channel, JSON.stringify({ type: 'token', content: token, index: i, timestamp: now() }));
    await new Promise((r) => setTimeout(r, 10));
  }
  if (end) {
    await publish(
      channel,
      JSON.stringify({ type: 'end', request_id: requestId, total_tokens: tokens.length, timestamp: now() }),
    );
  }
}

describe(`watching a publisher outside Skein (LLM_CAPTURE_WAIT_MS) (${TOPOLOGY})`, () => {
  let valkey: TestStore;
  let app: TestApp;
  let client: Valkey;
  /**
   * The tutorial's publisher holds one connection. On a cluster that is one node's: a Cluster client sends each PUBLISH
   * (no key) to a random node, and messages sent through different nodes can reach a subscriber out of order.
   */
  let publisher: Valkey;

  beforeAll(async () => {
    valkey = await startStore();
    client = valkey.client();
    await client.ping();
    publisher = valkey.clustered ? (client as unknown as { nodes(role: string): Valkey[] }).nodes('master')[0] : client;
    app = await startTestApp(valkey.url, {
      ...valkey.env,
      LLM_CAPTURE_WAIT_MS: '3000',
      LLM_UPSTREAM_TIMEOUT_MS: '1000',
    });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  /**
   * Resolves once Skein listens on the stream's channel (the viewer asked for it and its capture subscribed). On a
   * cluster NUMSUB counts one node's subscribers: every primary is asked.
   */
  const captureListening = (id: string) =>
    eventually(async () => {
      await client.ping();
      const servers = valkey.clustered
        ? (client as unknown as { nodes(role: string): Valkey[] }).nodes('master')
        : [client];
      let subscribers = 0;
      let sharded = 0;
      for (const server of servers) {
        subscribers += ((await server.call('PUBSUB', 'NUMSUB', `llm:stream:${id}`)) as [string, number])[1];
        if (valkey.clustered) {
          sharded += ((await server.call('PUBSUB', 'SHARDNUMSUB', `llm:stream:${id}`)) as [string, number])[1];
        }
      }
      // On a cluster the capture also SSUBSCRIBEs (on the channel's shard), for a publisher that SPUBLISHes.
      return subscribers > 0 && (!valkey.clustered || sharded > 0);
    });

  (TOPOLOGY === 'cluster' ? it : it.skip)(
    'on a cluster, captures a publisher that SPUBLISHes (sharded Pub/Sub) as well',
    async () => {
      const viewing = readSse(`${app.url}/llm/streams/ext-sharded/events`);
      await captureListening('ext-sharded');
      // The cluster client routes SPUBLISH by the channel's slot: one shard, in order.
      await streamLlmResponse(client, 'ext-sharded', TOKENS, true, 'spublish');
      const { status, events } = await viewing;
      expect(status).toBe(200);
      const tokens = events.filter((e) => e.event === 'token').map((e) => JSON.parse(e.data) as { index: number });
      expect(tokens.map((t) => t.index)).toEqual(TOKENS.map((_, i) => i));
      expect(JSON.parse(events[events.length - 1].data)).toEqual({ total_tokens: TOKENS.length });
      const read = await json<Record<string, unknown>>(`${app.url}/llm/streams/ext-sharded`);
      expect(read.body).toMatchObject({ status: 'done', text: TOKENS.join(''), provider: 'external' });
    },
  );

  it("serves the tutorial publisher's stream to an SSE viewer that asked first, and keeps it in the log", async () => {
    const viewing = readSse(`${app.url}/llm/streams/ext-1/events`);
    await captureListening('ext-1');
    await streamLlmResponse(publisher, 'ext-1');
    const { status, events } = await viewing;
    expect(status).toBe(200);
    const tokens = events.filter((e) => e.event === 'token').map((e) => JSON.parse(e.data) as { index: number });
    expect(tokens.map((t) => t.index)).toEqual(TOKENS.map((_, i) => i));
    expect(events[events.length - 1]).toMatchObject({ event: 'end' });
    expect(JSON.parse(events[events.length - 1].data)).toEqual({ total_tokens: TOKENS.length });

    const read = await json<Record<string, unknown>>(`${app.url}/llm/streams/ext-1`);
    expect(read.body).toMatchObject({ status: 'done', text: TOKENS.join(''), tokens: 10, provider: 'external' });
    expect(read.body.model).toBe('gpt-4');
    // A late viewer replays it from the durable log.
    const late = await readSse(`${app.url}/llm/streams/ext-1/events`);
    expect(late.events.filter((e) => e.event === 'token').length).toBe(TOKENS.length);
  });

  it('answers 404 when nothing is published within LLM_CAPTURE_WAIT_MS', async () => {
    const { status } = await readSse(`${app.url}/llm/streams/nobody-publishes/events`);
    expect(status).toBe(404);
    expect((await json(`${app.url}/llm/streams/nobody-publishes`)).status).toBe(404);
  });

  it('ends a captured stream with an error when its publisher goes quiet', async () => {
    const viewing = readSse(`${app.url}/llm/streams/ext-quiet/events`);
    await captureListening('ext-quiet');
    await streamLlmResponse(publisher, 'ext-quiet', ['Hello', ' there'], false);
    const { events } = await viewing;
    expect(events.filter((e) => e.event === 'token').length).toBe(2);
    const end = JSON.parse(events[events.length - 1].data) as Record<string, unknown>;
    expect(end).toMatchObject({ total_tokens: 2, reason: 'error', message: expect.stringContaining('sent nothing') });
    const read = await json<Record<string, unknown>>(`${app.url}/llm/streams/ext-quiet`);
    expect(read.body).toMatchObject({ status: 'error', text: 'Hello there' });
  });

  it('serves a captured stream to a socket join, and DELETE cancels it for its viewers', async () => {
    const socket = io(`${app.url}/llm`, { transports: ['websocket'], forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const tokens: number[] = [];
      socket.on('token', (token: { index: number }) => tokens.push(token.index));
      const ended = new Promise<Record<string, unknown>>((resolve) => socket.once('end', resolve));
      const joined = socket.emitWithAck('join', { id: 'ext-socket' });
      await captureListening('ext-socket');
      // The publisher starts and goes on; the stream is cancelled after its first tokens.
      const publishing = streamLlmResponse(publisher, 'ext-socket', [...TOKENS, ...TOKENS], false);
      expect(await joined).toEqual({ id: 'ext-socket', from: 0 });
      await eventually(() => tokens.length >= 2);
      expect((await json(`${app.url}/llm/streams/ext-socket`, { method: 'DELETE' })).body).toEqual({
        id: 'ext-socket',
        status: 'cancelled',
      });
      expect(await ended).toMatchObject({ reason: 'cancelled' });
      await publishing;
      expect(tokens).toEqual(tokens.map((_, i) => i));
      // The capture stopped: what the publisher sent after the cancel is not in the log.
      const read = await json<{ status: string; tokens: number }>(`${app.url}/llm/streams/ext-socket`);
      expect(read.body.status).toBe('cancelled');
      expect(read.body.tokens).toBeLessThan(2 * TOKENS.length);
    } finally {
      socket.disconnect();
    }
  });
});
