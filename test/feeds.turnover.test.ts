import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { io, type Socket } from 'socket.io-client';
import { ArticleRepository } from '../src/news/article.repository.js';
import { parseEnriched, type FeedArticle } from '../src/news/feed-article.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

interface FeedItem {
  id: string;
  cursor: string;
}

const CAP = 5;

function enriched(id: string): string {
  const now = Date.now();
  return JSON.stringify({
    id,
    title: `Title ${id}`,
    body: `Body ${id}`,
    topic: 'technology',
    topic_score: 0.9,
    summary: `Summary ${id}`,
    ingested_at: now,
    stages: { ingest: now, classify: now, enrich: now },
  });
}

describe(`dedupe outlives the feed window (FEED_MAX small, a real fanout worker) (${TOPOLOGY})`, () => {
  let store: TestStore;
  let client: Valkey;
  let app: TestApp;
  let socket: Socket;
  const live: FeedItem[] = [];

  const feedIds = async (uid: string): Promise<string[]> =>
    (await json<{ items: FeedItem[] }>(`${app.url}/users/${uid}/feed?limit=100`)).body.items.map((item) => item.id);
  const drained = async (): Promise<boolean> => {
    const groups = (await client.xinfo('GROUPS', 'enriched_stream')) as unknown[][];
    const info = Object.fromEntries(
      Array.from({ length: groups[0].length / 2 }, (_, i) => [groups[0][2 * i], groups[0][2 * i + 1]]),
    );
    return Number(info.pending) === 0 && Number(info.lag) === 0;
  };
  const publish = async (ids: string[]): Promise<void> => {
    for (const id of ids) await client.xadd('enriched_stream', '*', 'data', enriched(id));
    await eventually(drained);
  };

  beforeAll(async () => {
    store = await startStore();
    client = store.client();
    app = await startTestApp(store.url, { ...store.env, ROLES: 'api,fanout', FEED_MAX: String(CAP) });
    for (const uid of ['u1', 'u2']) {
      const put = await json(`${app.url}/users/${uid}/topics`, { method: 'PUT', body: { topics: ['technology'] } });
      expect(put.status).toBe(200);
      expect(await feedIds(uid)).toEqual([]); // active
    }
    socket = io(`${app.url}/feeds`, { auth: { userId: 'u1' }, transports: ['websocket'], reconnection: false });
    socket.on('feed:item', (item: FeedItem) => live.push(item));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    expect(await socket.timeout(5000).emitWithAck('feed:sync', { after: '0-0' })).toEqual({ items: [] });
  });

  afterAll(async () => {
    socket?.disconnect();
    await app?.close();
    await store?.stop();
  });

  it('a redelivered article already trimmed off a feed is not put back on it, nor pushed again', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `a${i + 1}`);
    await publish(ids);
    await eventually(() => live.some((item) => item.id === 'a8'));
    expect(await feedIds('u1')).toEqual(['a8', 'a7', 'a6', 'a5', 'a4']);
    const streamLength = await client.xlen('feed_stream:{u1}');
    const pushed = live.length;
    const a1 = (await client.hget('article:a1', 'n'))!;
    expect(await client.lrange('feed:{u1}', 0, -1)).not.toContain(a1); // trimmed off (the list is back at the cap)

    // The producer (or a dead-letter replay, or a reclaim) writes a1's enriched entry again.
    await client.xadd('enriched_stream', '*', 'data', enriched('a1'));
    await eventually(drained);
    // A later article makes sure the relay has read past anything a1 might have added.
    await publish(['a9']);
    await eventually(() => live.some((item) => item.id === 'a9'));

    expect(await client.lrange('feed:{u1}', 0, -1)).not.toContain(a1);
    expect(await feedIds('u1')).toEqual(['a9', 'a8', 'a7', 'a6', 'a5']);
    expect(await client.xlen('feed_stream:{u1}')).toBe(streamLength + 1); // a9 only
    expect(live.slice(pushed).map((item) => item.id)).toEqual(['a9']);
    expect(await client.sismember('feed_seen:{u1}', a1)).toBe(0); // the seen set still holds just the feed's ids
  });

  it('an article stored before but never delivered to a feed with room is still delivered on redelivery', async () => {
    // Fan-out stored the article and appended it to its topic stream, then died before delivering it.
    const article = parseEnriched(enriched('late-1')) as FeedArticle;
    await app.app.get(ArticleRepository).store([article]);
    await client.del('feed:{u2}', 'feed_seen:{u2}', 'feed_stream:{u2}'); // u2's feed expired meanwhile
    await publish(['late-1']);
    expect(await feedIds('u2')).toEqual(['late-1']);
  });
});
