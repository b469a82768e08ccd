import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Cluster, Valkey } from 'iovalkey';
import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';
import { ActivityPruner } from '../src/modules/feeds/activity-pruner.js';
import { FeedRelay } from '../src/modules/feeds/feed.relay.js';
import { ValkeyService } from '../src/valkey/valkey.service.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

describe(`a /feeds socket that leaves during admission (${TOPOLOGY})`, () => {
  let store: TestStore;
  let client: Valkey;
  let app: TestApp;

  beforeAll(async () => {
    store = await startStore();
    client = store.client();
    app = await startTestApp(store.url, { ...store.env, ROLES: 'api' });
  });

  afterAll(async () => {
    await app?.close();
    await store?.stop();
  });

  it('leaves the relay watching nobody once its admission completes', async () => {
    const relay = app.app.get(FeedRelay);
    expect(relay.watching).toBe(0);
    // Writes wait 500 ms: admission (which marks the user active first) is held while the client leaves.
    const servers = store.clustered ? (client as unknown as Cluster).nodes('master') : [client];
    await Promise.all(servers.map((server) => server.call('CLIENT', 'PAUSE', '500', 'WRITE')));
    const socket = io(`${app.url}/feeds`, {
      auth: { userId: 'leaver' },
      transports: ['websocket'],
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.disconnect();
    // Admission resumes after the pause: the user is marked active, then the relay is joined (one more round trip).
    await eventually(async () => (await client.zscore('users_active', 'leaver')) !== null, 5000);
    await sleep(300);
    expect(relay.watching).toBe(0);

    // Nor is the user's room left holding the gone socket: the next socket of the user is watched, then released.
    const next = io(`${app.url}/feeds`, { auth: { userId: 'leaver' }, transports: ['websocket'], reconnection: false });
    expect(await next.timeout(5000).emitWithAck('feed:sync', { after: '0-0' })).toEqual({ items: [] });
    expect(relay.watching).toBe(1);
    next.disconnect();
    await eventually(() => relay.watching === 0, 5000);
  });
});

describe(`list routes bound their responses (articles with 100 KB bodies) (${TOPOLOGY})`, () => {
  let store: TestStore;
  let client: Valkey;
  let app: TestApp;
  const COUNT = 30;
  const BODY = 'x'.repeat(100000);
  /** Newest first, as both lists answer. */
  const ids = Array.from({ length: COUNT }, (_, i) => `big-${COUNT - 1 - i}`);
  const BUDGET = 1024 * 1024;

  const drained = async (): Promise<boolean> => {
    const groups = (await client.xinfo('GROUPS', 'enriched_stream')) as unknown[][];
    const info = Object.fromEntries(
      Array.from({ length: groups[0].length / 2 }, (_, i) => [groups[0][2 * i], groups[0][2 * i + 1]]),
    );
    return Number(info.pending) === 0 && Number(info.lag) === 0;
  };

  /** Pages through a list route from its head; answers each page's size in bytes and every id in order. */
  const walk = async (path: string, limit = 1000): Promise<{ sizes: number[]; all: string[]; counts: number[] }> => {
    const sizes: number[] = [];
    const counts: number[] = [];
    const all: string[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < COUNT; pages++) {
      const res = await fetch(`${app.url}${path}?limit=${limit}${before ? `&before=${before}` : ''}`);
      expect(res.status).toBe(200);
      const text = await res.text();
      sizes.push(Buffer.byteLength(text));
      const body = JSON.parse(text) as { items: { id: string; body: string }[]; next_before?: string };
      expect(body.items.length).toBeGreaterThan(0);
      for (const item of body.items) expect(item.body).toBe(BODY); // whole articles, as DESIGN.md's shapes say
      all.push(...body.items.map((item) => item.id));
      counts.push(body.items.length);
      before = body.next_before;
      if (before === undefined) break;
    }
    return { sizes, all, counts };
  };

  beforeAll(async () => {
    store = await startStore();
    client = store.client();
    app = await startTestApp(store.url, { ...store.env, ROLES: 'api,fanout' });
    await json(`${app.url}/users/reader/topics`, { method: 'PUT', body: { topics: ['technology'] } });
    await json(`${app.url}/users/reader/feed`); // active
    const now = Date.now();
    for (let i = 0; i < COUNT; i++) {
      const article = { id: `big-${i}`, title: `Big ${i}`, body: BODY, topic: 'technology', summary: 'S' };
      await client.xadd(
        'enriched_stream',
        '*',
        'data',
        JSON.stringify({ ...article, ingested_at: now, stages: { ingest: now } }),
      );
    }
    await eventually(drained, 20000);
  });

  afterAll(async () => {
    await app?.close();
    await store?.stop();
  });

  it('GET /topics/{topic}/articles?limit=1000 answers at most 1 MiB a page, and paging with before walks every article once', async () => {
    const { sizes, all } = await walk('/topics/technology/articles');
    for (const size of sizes) expect(size).toBeLessThanOrEqual(BUDGET);
    expect(sizes.length).toBeGreaterThan(1);
    expect(all).toEqual(ids);
  });

  it('GET /users/{uid}/feed?limit=1000 answers at most 1 MiB a page, and paging with before walks every item once', async () => {
    const { sizes, all } = await walk('/users/reader/feed');
    for (const size of sizes) expect(size).toBeLessThanOrEqual(BUDGET);
    expect(sizes.length).toBeGreaterThan(1);
    expect(all).toEqual(ids);
  });

  it('pages by limit when a page of `limit` articles fits in 1 MiB', async () => {
    for (const path of ['/topics/technology/articles', '/users/reader/feed']) {
      const { all, counts } = await walk(path, 7);
      expect(all).toEqual(ids);
      expect(counts).toEqual([7, 7, 7, 7, 2]);
    }
  });

  it('feed:sync acknowledges at most 1 MiB at a time, and syncing on from the last cursor while `more` walks every item once', async () => {
    const socket = io(`${app.url}/feeds`, {
      auth: { userId: 'reader' },
      transports: ['websocket'],
      reconnection: false,
    });
    try {
      const synced: string[] = [];
      let after = '0-0';
      for (let round = 0; round < COUNT; round++) {
        const reply = (await socket.timeout(5000).emitWithAck('feed:sync', { after })) as {
          items: { id: string; cursor: string }[];
          more?: boolean;
        };
        expect(Buffer.byteLength(JSON.stringify(reply))).toBeLessThanOrEqual(BUDGET);
        synced.push(...reply.items.map((item) => item.id));
        if (!reply.more) break;
        after = reply.items[reply.items.length - 1].cursor;
      }
      expect(synced).toEqual([...ids].reverse()); // oldest first
    } finally {
      socket.disconnect();
    }
  });

  it('refuses a before that is not a topic stream cursor, naming it', async () => {
    const res = await json<{ message: string[] }>(`${app.url}/topics/technology/articles?before=yesterday`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain('before');
  });
});

describe(`users and subscriber sets over time (${TOPOLOGY})`, () => {
  let store: TestStore;
  let client: Valkey;
  let app: TestApp;
  const DAY = 86400000;

  const feedIds = async (uid: string): Promise<string[]> =>
    (await json<{ items: { id: string }[] }>(`${app.url}/users/${uid}/feed`)).body.items.map((item) => item.id);
  const drained = async (): Promise<boolean> => {
    const groups = (await client.xinfo('GROUPS', 'enriched_stream')) as unknown[][];
    const info = Object.fromEntries(
      Array.from({ length: groups[0].length / 2 }, (_, i) => [groups[0][2 * i], groups[0][2 * i + 1]]),
    );
    return Number(info.pending) === 0 && Number(info.lag) === 0;
  };
  const publish = async (id: string): Promise<void> => {
    const now = Date.now();
    const article = { id, title: id, body: 'B', topic: 'science', ingested_at: now, stages: { ingest: now } };
    await client.xadd('enriched_stream', '*', 'data', JSON.stringify(article));
    await eventually(drained);
  };

  beforeAll(async () => {
    store = await startStore();
    client = store.client();
    app = await startTestApp(store.url, { ...store.env, ROLES: 'api,fanout', USER_ACTIVE_DAYS: '7' });
  });

  afterAll(async () => {
    await app?.close();
    await store?.stop();
  });

  it('the hourly prune keeps only active users in the topic subscriber sets, and a returning user is back in them', async () => {
    for (const uid of ['active', 'dormant', 'never']) {
      await json(`${app.url}/users/${uid}/topics`, { method: 'PUT', body: { topics: ['science', 'health'] } });
    }
    await feedIds('active');
    await client.zadd('users_active', Date.now() - 30 * DAY, 'dormant'); // last seen a month ago
    // 'never' was given topics and has never read a feed.

    await app.app.get(ActivityPruner).prune();
    for (const topic of ['science', 'health']) {
      expect((await client.smembers(`topic_subscribers:${topic}`)).sort()).toEqual(['active']);
    }
    // What the users chose is kept.
    expect((await json<{ topics: string[] }>(`${app.url}/users/dormant`)).body.topics).toEqual(['science', 'health']);

    await publish('s1');
    expect(await feedIds('dormant')).toEqual(['s1']); // rebuilt on return ...
    expect(await client.sismember('topic_subscribers:science', 'dormant')).toBe(1);
    await publish('s2');
    expect(await feedIds('dormant')).toEqual(['s2', 's1']); // ... and fanned out to again
    expect(await feedIds('active')).toEqual(['s2', 's1']);
  });

  it('a user who returns while the prune runs stays in the subscriber sets', async () => {
    await json(`${app.url}/users/returner/topics`, { method: 'PUT', body: { topics: ['politics'] } });
    await client.zadd('users_active', Date.now() - 30 * DAY, 'returner');
    // The return lands between the prune's activity read of politics' members and its removal of the inactive.
    const command = app.app.get(ValkeyService).command;
    const zmscore = command.zmscore.bind(command) as (...args: unknown[]) => Promise<(string | null)[]>;
    let returned = false;
    command.zmscore = async (...args: unknown[]) => {
      const scores = await zmscore(...args);
      if (!returned && args.includes('returner')) {
        returned = true;
        await feedIds('returner');
      }
      return scores;
    };
    try {
      await app.app.get(ActivityPruner).prune();
    } finally {
      command.zmscore = zmscore;
    }
    expect(returned).toBe(true);
    expect(await client.sismember('topic_subscribers:politics', 'returner')).toBe(1);
  });

  it('a user who follows no topic any more leaves no user record', async () => {
    await json(`${app.url}/users/leaving/topics`, { method: 'PUT', body: { topics: ['science'] } });
    expect(await client.exists('user:{leaving}')).toBe(1);
    const res = await json(`${app.url}/users/leaving/topics`, { method: 'PUT', body: { topics: [] } });
    expect(res.status).toBe(200);
    expect(await client.exists('user:{leaving}')).toBe(0);
    expect(await client.sismember('topic_subscribers:science', 'leaving')).toBe(0);
    expect((await json(`${app.url}/users/leaving`)).body).toEqual({ id: 'leaving', topics: [] });
  });
});
