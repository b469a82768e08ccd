import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Cluster, Valkey } from 'iovalkey';
import { io, type Socket } from 'socket.io-client';
import { eventually, json } from './support/app.js';
import { connectFeed } from './support/feed-socket.js';
import { spawnApp, type AppProcess } from './support/process.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';
import { enrichedArticle } from './support/enriched.js';
import { xreadByNode } from '../src/modules/feeds/feed.relay.js';
import { slotOf } from '../src/valkey/slots.js';

interface FeedItem {
  id: string;
  cursor: string;
  topic: string;
  summary: string;
}

describe(`/feeds socket across replicas (api and fanout in different processes) (${TOPOLOGY})`, () => {
  let store: TestStore;
  let client: Valkey;
  let api: AppProcess;
  let fanout: AppProcess;
  let socket: Socket;
  /** Publishes a technology article through the pipeline's fanout worker (another process). */
  const publish = async (id: string): Promise<void> => {
    await client.xadd('enriched_stream', '*', 'data', enrichedArticle(id));
  };
  const connect = (uid: string, live: FeedItem[]): Promise<Socket> => connectFeed(api.url, uid, live);

  beforeAll(async () => {
    store = await startStore();
    client = store.client();
    const env = { VALKEY_URL: store.url, ...store.env, STREAM_BLOCK_MS: '200' };
    [api, fanout] = await Promise.all([spawnApp({ ...env, ROLES: 'api' }), spawnApp({ ...env, ROLES: 'fanout' })]);
    for (const uid of ['u1', 'u2', 'u3']) {
      const put = await json(`${api.url}/users/${uid}/topics`, { method: 'PUT', body: { topics: ['technology'] } });
      expect(put.status).toBe(200);
    }
  });

  afterAll(async () => {
    socket?.disconnect();
    await Promise.all([api?.stop(), fanout?.stop()]);
    await store?.stop();
  });

  it('pushes feed:item live, and feed:sync after a disconnect returns exactly the missed items in order', async () => {
    const live: FeedItem[] = [];
    socket = io(`${api.url}/feeds`, { auth: { userId: 'u1' }, transports: ['websocket'], reconnection: false });
    socket.on('feed:item', (item: FeedItem) => live.push(item));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    // Messages wait for admission (active, room joined, relay watching): after this ack, live pushes flow.
    expect(await socket.timeout(5000).emitWithAck('feed:sync', { after: '0-0' })).toEqual({ items: [] });

    await publish('live-1');
    const first = await eventually(() => live.find((item) => item.id === 'live-1'), 15000);
    expect(first).toMatchObject({ id: 'live-1', topic: 'technology', summary: 'Summary live-1' });
    expect(first.cursor).toMatch(/^\d+-\d+$/);

    socket.disconnect();
    for (const id of ['missed-1', 'missed-2', 'missed-3']) await publish(id);
    await eventually(async () => (await client.xlen('feed_stream:{u1}')) === 4, 15000);

    live.length = 0;
    socket.connect();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const reply = (await socket.timeout(5000).emitWithAck('feed:sync', { after: first.cursor })) as {
      items: FeedItem[];
    };
    expect(reply.items.map((item) => item.id)).toEqual(['missed-1', 'missed-2', 'missed-3']);
    const cursors = reply.items.map((item) => item.cursor);
    const order = (cursor: string): bigint => {
      const [ms, seq] = cursor.split('-');
      return (BigInt(ms) << 64n) + BigInt(seq);
    };
    expect([...cursors].sort((a, b) => (order(a) < order(b) ? -1 : 1))).toEqual(cursors);
    expect(order(cursors[0]) > order(first.cursor)).toBe(true);
    expect(new Set(cursors).size).toBe(3);
    // Resumed, not replayed: nothing missed is pushed again live; new deliveries still are.
    await publish('live-2');
    await eventually(() => live.some((item) => item.id === 'live-2'), 15000);
    expect(live.map((item) => item.id)).toEqual(['live-2']);
  });

  it('answers a feed:sync sent after live pushes began with only what came before them: no item twice', async () => {
    const live: FeedItem[] = [];
    socket.on('feed:item', (item: FeedItem) => live.push(item));
    const before = await client.xrevrange('feed_stream:{u1}', '+', '-', 'COUNT', 1);
    const cursor = before[0][0];
    socket.disconnect();
    await publish('gap-1');
    await eventually(async () => (await client.xlen('feed_stream:{u1}')) === 6, 15000);

    socket.connect();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // Messages wait for admission: once a malformed sync is refused, live pushes to this socket have begun.
    expect(await socket.timeout(5000).emitWithAck('feed:sync', {})).toEqual({ error: expect.any(String) });
    // Delivered after admission, so pushed live, before the client gets round to syncing.
    await publish('after-connect');
    await eventually(() => live.some((item) => item.id === 'after-connect'), 15000);
    const reply = (await socket.timeout(5000).emitWithAck('feed:sync', { after: cursor })) as { items: FeedItem[] };
    expect(reply.items.map((item) => item.id)).toEqual(['gap-1']);
    expect(live.map((item) => item.id)).toEqual(['after-connect']);
  });

  it('pushes live to the sockets of several users on one replica, whatever hash slots their feeds are in', async () => {
    const users = ['u2', 'u3'];
    const live = new Map(users.map((uid) => [uid, [] as FeedItem[]]));
    const sockets = await Promise.all(users.map((uid) => connect(uid, live.get(uid)!)));
    try {
      await publish('both-1');
      await publish('both-2');
      for (const uid of users) {
        await eventually(() => live.get(uid)!.length >= 2, 15000);
        expect(live.get(uid)!.map((item) => item.id)).toEqual(['both-1', 'both-2']);
      }
    } finally {
      for (const s of sockets) s.disconnect();
    }
  });

  (TOPOLOGY === 'cluster' ? it : it.skip)(
    'a poll read sent to a primary that does not own its slot (a slot moved) is answered through the redirect',
    async () => {
      const cluster = client as unknown as Cluster;
      const key = 'feed_stream:{u1}';
      const owner = cluster.slots[slotOf(key)][0];
      // A slot the cluster's map gives to another primary: the relay's pipeline for it goes to the wrong node.
      const elsewhere = cluster.slots.findIndex((nodes) => nodes?.[0] !== undefined && nodes[0] !== owner);
      const [reply] = await xreadByNode(cluster, [{ slot: elsewhere, args: ['COUNT', 1, 'STREAMS', key, '0-0'] }]);
      expect(reply.status).toBe('fulfilled');
      const value = (reply as PromiseFulfilledResult<[string, [string, string[]][]][]>).value;
      expect(value[0][0]).toBe(key);
      expect(value[0][1]).toHaveLength(1);
    },
  );
});
