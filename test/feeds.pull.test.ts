import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import type { Socket } from 'socket.io-client';
import { eventually, json } from './support/app.js';
import { connectFeed } from './support/feed-socket.js';
import { spawnApp, type AppProcess } from './support/process.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

interface FeedItem {
  id: string;
  cursor: string;
}

/** An `enriched_stream` entry's data for an article of `topic`. */
function enriched(id: string, topic: string): string {
  const now = Date.now();
  return JSON.stringify({
    id,
    title: `Title ${id}`,
    body: 'Body',
    topic,
    topic_score: 0.8,
    summary: `Summary ${id}`,
    ingested_at: now,
    stages: { ingest: now, classify: now, enrich: now },
  });
}

/**
 * The hybrid for large topics: past FANOUT_PULL_THRESHOLD active followers fan-out writes a topic's articles to no
 * feed, and each reader's read (REST, a socket's join, the live relay) brings them in. Here the threshold is 1: a topic
 * with two active followers is pulled, with one it is pushed.
 */
describe(`feeds of a topic left to its readers (FANOUT_PULL_THRESHOLD) (${TOPOLOGY})`, () => {
  let store: TestStore;
  let client: Valkey;
  let api: AppProcess;
  let fanout: AppProcess;
  let env: Record<string, string>;

  const publish = async (id: string, topic = 'technology'): Promise<void> => {
    await client.xadd('enriched_stream', '*', 'data', enriched(id, topic));
  };
  /** Waits until the fanout worker has handled (and acknowledged) everything published. */
  const fannedOut = async (): Promise<void> => {
    await eventually(async () => {
      const groups = (await client.xinfo('GROUPS', 'enriched_stream')) as (string | number)[][];
      const group = groups.find((g) => g[g.indexOf('name') + 1] === 'fanout_workers');
      return group !== undefined && group[group.indexOf('pending') + 1] === 0 && group[group.indexOf('lag') + 1] === 0;
    }, 15000);
  };
  const feedIds = async (uid: string, limit = 50): Promise<string[]> => {
    const page = await json<{ items: FeedItem[] }>(`${api.url}/users/${uid}/feed?limit=${limit}`);
    expect(page.status).toBe(200);
    return page.body.items.map((item) => item.id);
  };
  /** A feed once it holds `ids`: a replica learns that a topic became pulled within a second (its read of topics_pulled). */
  const feedOnceItHolds = async (uid: string, ids: string[]): Promise<string[]> =>
    eventually(async () => {
      const held = await feedIds(uid);
      return ids.every((id) => held.includes(id)) ? held : undefined;
    }, 5000);
  const follow = async (uid: string, topics: string[]): Promise<void> => {
    const put = await json(`${api.url}/users/${uid}/topics`, { method: 'PUT', body: { topics } });
    expect(put.status).toBe(200);
  };
  const pulledTotal = async (): Promise<number> => {
    const text = await (await fetch(`${fanout.url}/metrics`)).text();
    return Number(/^skein_fanout_pulled_total (\S+)$/m.exec(text)?.[1] ?? 0);
  };
  const connect = (uid: string, live: FeedItem[]): Promise<Socket> => connectFeed(api.url, uid, live);

  beforeAll(async () => {
    store = await startStore();
    client = store.client();
    env = {
      VALKEY_URL: store.url,
      ...store.env,
      STREAM_BLOCK_MS: '200',
      STREAM_CLAIM_IDLE_MS: '1000',
      FANOUT_PULL_THRESHOLD: '1',
      FEED_RELAY_POLL_MS: '100',
      FEED_MAX: '1000',
    };
    [api, fanout] = await Promise.all([spawnApp({ ...env, ROLES: 'api' }), spawnApp({ ...env, ROLES: 'fanout' })]);
    for (const uid of ['u1', 'u2', 'u3']) {
      await follow(uid, ['technology']);
      // A read makes the user active: fan-out counts them among the topic's active followers.
      expect(await feedIds(uid)).toEqual([]);
    }
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), fanout?.stop()]);
    await store?.stop();
  });

  it('writes a pulled topic to no feed at fan-out; each follower read brings its articles in, newest first, once', async () => {
    for (const id of ['p-1', 'p-2', 'p-3']) await publish(id);
    await fannedOut();
    expect(await pulledTotal()).toBe(3);
    expect(await client.hexists('topics_pulled', 'technology')).toBe(1);
    // Nothing pushed: three followers, no feed written.
    expect(await client.llen('feed:{u2}')).toBe(0);

    expect(await feedOnceItHolds('u2', ['p-1'])).toEqual(['p-3', 'p-2', 'p-1']);
    await publish('p-4');
    await fannedOut();
    expect(await feedIds('u2')).toEqual(['p-4', 'p-3', 'p-2', 'p-1']);
    expect(await feedIds('u2')).toEqual(['p-4', 'p-3', 'p-2', 'p-1']);
    // One feed stream entry per article: a resumable delivery each, none twice.
    const stream = (await client.xrange('feed_stream:{u2}', '-', '+')) as [string, string[]][];
    expect(stream).toHaveLength(4);
    // topic_appended lists the topic's short ids in the stream's order (what pulls and rebuilds read).
    const entries = (await client.xrange('topic:technology', '-', '+')) as [string, string[]][];
    const inStream = entries.map(([, fields]) => fields[fields.indexOf('n') + 1]);
    expect(await client.zrange('topic_appended:{topic:technology}', 0, -1)).toEqual(inStream);
    // The mark is the topic's newest append (its score in topic_appended).
    const [, newest] = await client.zrevrange('topic_appended:{topic:technology}', 0, 0, 'WITHSCORES');
    expect(await client.hget('feed_pull:{u2}', 'technology')).toBe(newest);
    // Another follower who has not read since has nothing in their feed until they do.
    expect(await client.llen('feed:{u1}')).toBe(0);
    expect(await feedIds('u1')).toEqual(['p-4', 'p-3', 'p-2', 'p-1']);
  });

  it('pushes a pulled topic live to a connected follower, and feed:sync after a disconnect returns what was missed, once', async () => {
    const live: FeedItem[] = [];
    expect(await feedIds('u3')).toEqual(['p-4', 'p-3', 'p-2', 'p-1']);
    const socket = await connect('u3', live);
    try {
      await publish('live-1');
      const first = await eventually(() => live.find((item) => item.id === 'live-1'), 15000);
      expect(first.cursor).toMatch(/^\d+-\d+$/);
      expect(live.map((item) => item.id)).toEqual(['live-1']);

      socket.disconnect();
      for (const id of ['missed-1', 'missed-2']) await publish(id);
      await fannedOut();
      live.length = 0;
      socket.connect();
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const reply = (await socket.timeout(5000).emitWithAck('feed:sync', { after: first.cursor })) as {
        items: FeedItem[];
      };
      expect(reply.items.map((item) => item.id)).toEqual(['missed-1', 'missed-2']);
      await publish('live-2');
      await eventually(() => live.some((item) => item.id === 'live-2'), 15000);
      expect(live.map((item) => item.id)).toEqual(['live-2']);
      expect(await feedIds('u3')).toEqual(['live-2', 'missed-2', 'missed-1', 'live-1', 'p-4', 'p-3', 'p-2', 'p-1']);
    } finally {
      socket.disconnect();
    }
  });

  it('a topic that goes from pushed to pulled and back loses nothing and gives nothing twice', async () => {
    await follow('s1', ['science']);
    expect(await feedIds('s1')).toEqual([]);
    await publish('s-1', 'science');
    await fannedOut();
    // One active follower: pushed.
    expect(await client.lrange('feed:{s1}', 0, -1)).toHaveLength(1);

    await follow('s2', ['science']);
    expect(await feedIds('s2')).toEqual(['s-1']);
    const before = await pulledTotal();
    await publish('s-2', 'science');
    await fannedOut();
    // Two: pulled, s1's feed not written.
    expect(await pulledTotal()).toBe(before + 1);
    expect(await client.lrange('feed:{s1}', 0, -1)).toHaveLength(1);

    await follow('s2', []);
    await publish('s-3', 'science');
    await fannedOut();
    // One again: pushed.
    expect(await pulledTotal()).toBe(before + 1);
    expect(await client.lrange('feed:{s1}', 0, -1)).toHaveLength(2);

    expect(await feedOnceItHolds('s1', ['s-2'])).toEqual(['s-3', 's-2', 's-1']);
    expect(await client.xlen('feed_stream:{s1}')).toBe(3);
  });

  it('a fan-out replica killed -9 mid-burst, a follower reading all along and one connected: every article once', async () => {
    const survivor = await spawnApp({ ...env, ROLES: 'fanout' });
    const live: FeedItem[] = [];
    const socket = await connect('u3', live);
    let reading = true;
    const reads = (async () => {
      while (reading) {
        await feedIds('u1', 10);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      const ids = Array.from({ length: 300 }, (_, i) => `k-${i}`);
      for (const id of ids.slice(0, 150)) await publish(id);
      await fanout.kill9();
      for (const id of ids.slice(150)) await publish(id);
      // The survivor takes over what the killed replica read and did not acknowledge (STREAM_CLAIM_IDLE_MS).
      await fannedOut();
      reading = false;
      await reads;
      const held = (await feedIds('u1', 1000)).filter((id) => id.startsWith('k-'));
      // Each once (in fan-out order: two replicas' batches interleave, as when pushed).
      expect([...held].sort()).toEqual([...ids].sort());
      const streamed = ((await client.xrange('feed_stream:{u1}', '-', '+')) as [string, string[]][]).map(
        ([, fields]) => fields[1],
      );
      expect(new Set(streamed).size).toBe(streamed.length);
      await eventually(() => live.filter((item) => item.id.startsWith('k-')).length >= ids.length, 15000);
      const pushed = live.map((item) => item.id).filter((id) => id.startsWith('k-'));
      expect([...pushed].sort()).toEqual([...ids].sort());
    } finally {
      reading = false;
      socket.disconnect();
      fanout = survivor;
    }
  }, 60000);
});
