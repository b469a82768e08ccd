import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { FanoutWorker } from '../src/modules/fanout/fanout.worker.js';
import { FeedRepository } from '../src/news/feed.repository.js';
import { LuaScript } from '../src/valkey/lua-script.js';
import { slotOf } from '../src/valkey/slots.js';
import { ActivityPruner } from '../src/modules/feeds/activity-pruner.js';
import type { StreamEntry } from '../src/streams/stream-entry.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { flushAll, flushScripts, infoOf } from './support/store-nodes.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

// Per file: jest takes testTimeout only from the root config, not a project's (a cluster start takes seconds).
jest.setTimeout(60000);

interface Page {
  items: { id: string; topic: string }[];
  next_before?: string;
}

const DAY = 86400000;
const TOPIC_OF = ['technology', 'sports', 'science', 'finance', 'health'];

function enriched(i: number): { id: string; topic: string; data: string } {
  const topic = TOPIC_OF[i % TOPIC_OF.length];
  const now = Date.now();
  const article = {
    id: `art-${i}`,
    title: `Article ${i}`,
    body: `Body of article ${i}`,
    topic,
    topic_score: 0.9,
    summary: `Summary ${i}`,
    word_count: 4,
    reading_time_seconds: 1,
    keywords: ['k'],
    entities: [],
    ingested_at: now - 50,
    stages: { ingest: now - 50, classify: now - 30, enrich: now - 10 },
  };
  return { id: article.id, topic, data: JSON.stringify(article) };
}

describe(`fanout to per-user feeds (${TOPOLOGY})`, () => {
  let store: TestStore;
  let client: Valkey;
  let app: TestApp;
  const users: Record<string, string[]> = {
    alice: ['technology', 'science'],
    bob: ['sports'],
    carol: ['technology', 'sports', 'finance'],
    dave: ['technology'],
  };
  const articles = Array.from({ length: 15 }, (_, i) => enriched(i));
  const expected = (uid: string): string[] =>
    articles
      .filter((a) => users[uid].includes(a.topic))
      .map((a) => a.id)
      .reverse();
  const feedIds = async (uid: string): Promise<string[]> =>
    (await json<Page>(`${app.url}/users/${uid}/feed?limit=100`)).body.items.map((item) => item.id);
  const raw = async (uid: string): Promise<[number, number, number]> => [
    await client.llen(`feed:{${uid}}`),
    await client.scard(`feed_seen:{${uid}}`),
    await client.xlen(`feed_stream:{${uid}}`),
  ];
  const drained = async (): Promise<boolean> => {
    const groups = (await client.xinfo('GROUPS', 'enriched_stream')) as unknown[][];
    const info = Object.fromEntries(
      Array.from({ length: groups[0].length / 2 }, (_, i) => [groups[0][2 * i], groups[0][2 * i + 1]]),
    );
    return Number(info.pending) === 0 && Number(info.lag) === 0;
  };

  beforeAll(async () => {
    store = await startStore();
    client = store.client();
    app = await startTestApp(store.url, { ...store.env, ROLES: 'api,fanout', USER_ACTIVE_DAYS: '7' });
    for (const [uid, topics] of Object.entries(users)) {
      expect((await json(`${app.url}/users/${uid}/topics`, { method: 'PUT', body: { topics } })).status).toBe(200);
    }
    // alice, bob and carol read their (empty) feeds: active. dave was last seen 30 days ago: inactive.
    for (const uid of ['alice', 'bob', 'carol']) expect((await feedIds(uid)).length).toBe(0);
    await client.zadd('users_active', Date.now() - 30 * DAY, 'dave');
    for (const article of articles) await client.xadd('enriched_stream', '*', 'data', article.data);
    await eventually(drained);
  });

  afterAll(async () => {
    await app?.close();
    await store?.stop();
  });

  it('every active feed holds exactly its topics’ articles, once each, newest first', async () => {
    for (const uid of ['alice', 'bob', 'carol']) {
      expect(await feedIds(uid)).toEqual(expected(uid));
      const count = expected(uid).length;
      expect(await raw(uid)).toEqual([count, count, count]);
    }
  });

  it('stores each article once and appends it to its topic stream once', async () => {
    const { body } = await json<{ id: string; topic: string; summary: string; stages: Record<string, number> }>(
      `${app.url}/articles/art-3`,
    );
    expect(body).toMatchObject({ id: 'art-3', topic: 'finance', summary: 'Summary 3' });
    expect(Object.keys(body.stages).sort()).toEqual(['classify', 'enrich', 'fanout', 'ingest']);
    expect(await client.xlen('topic:technology')).toBe(3);
  });

  it('a redelivered batch changes no feed, topic stream or article', async () => {
    const before = await Promise.all(['alice', 'bob', 'carol'].map(raw));
    const topicLengths = await Promise.all(TOPIC_OF.map((t) => client.xlen(`topic:${t}`)));
    // The engine redelivering the same entries (a consumer died before acking) ...
    const entries: StreamEntry[] = articles.map((a, i) => ({ id: `1-${i}`, fields: { data: a.data }, deliveries: 2 }));
    await app.app.get(FanoutWorker).handle(entries);
    // ... and a producer writing the same articles again.
    for (const article of articles) await client.xadd('enriched_stream', '*', 'data', article.data);
    await eventually(drained);
    expect(await Promise.all(['alice', 'bob', 'carol'].map(raw))).toEqual(before);
    expect(await Promise.all(TOPIC_OF.map((t) => client.xlen(`topic:${t}`)))).toEqual(topicLengths);
    for (const uid of ['alice', 'bob', 'carol']) expect(await feedIds(uid)).toEqual(expected(uid));
  });

  it('a batch redelivered after its topic append but before the article was marked appended appends nothing again', async () => {
    // The append (topic:{topic}'s slot) and the article's mark (article:{id}'s) are two steps on a cluster: a failure
    // between them (a node failing over) leaves the article unmarked, and the batch comes back.
    const before = await Promise.all(['alice', 'bob', 'carol'].map(raw));
    const topicLengths = await Promise.all(TOPIC_OF.map((t) => client.xlen(`topic:${t}`)));
    for (const article of articles.slice(0, 5)) await client.hdel(`article:${article.id}`, 't');
    const entries = articles.slice(0, 5).map((a, i) => ({ id: `3-${i}`, fields: { data: a.data }, deliveries: 2 }));
    await app.app.get(FanoutWorker).handle(entries);
    expect(await Promise.all(TOPIC_OF.map((t) => client.xlen(`topic:${t}`)))).toEqual(topicLengths);
    expect(await Promise.all(['alice', 'bob', 'carol'].map(raw))).toEqual(before);
    for (const article of articles.slice(0, 5)) expect(await client.hget(`article:${article.id}`, 't')).toBe('1');
  });

  it('skips an inactive user at fan-out and rebuilds their feed on their first read', async () => {
    expect(await raw('dave')).toEqual([0, 0, 0]);
    expect(await feedIds('dave')).toEqual(expected('dave'));
    expect(await feedIds('dave')).toEqual(expected('dave'));
    const count = expected('dave').length;
    expect(await raw('dave')).toEqual([count, count, count]);
    expect(Number(await client.zscore('users_active', 'dave'))).toBeGreaterThan(Date.now() - 60000);
  });

  it('delivers new articles to the user once they are active again', async () => {
    const fresh = enriched(100); // technology
    await client.xadd('enriched_stream', '*', 'data', fresh.data);
    await eventually(drained);
    expect((await feedIds('dave'))[0]).toBe('art-100');
    expect((await feedIds('alice'))[0]).toBe('art-100');
    expect(await feedIds('bob')).toEqual(expected('bob'));
  });

  it('a feed read by a user who follows nothing is recorded but leaves fan-out’s subscriber cache valid', async () => {
    const versions = async (): Promise<number[]> =>
      Promise.all(
        TOPIC_OF.map(
          async (topic) => Number(await client.hget(`subscribers_version:{topic_subscribers:${topic}}`, 'v')) || 0,
        ),
      );
    const before = await versions();
    expect(await feedIds('frank')).toEqual([]);
    expect(Number(await client.zscore('users_active', 'frank'))).toBeGreaterThan(Date.now() - 60000);
    expect(await versions()).toEqual(before);
    // A subscriber coming back after a month is news to fan-out's cache of their topic (sports), and of no other.
    await client.zadd('users_active', Date.now() - 30 * DAY, 'bob');
    expect(await feedIds('bob')).toEqual(expected('bob'));
    expect(await versions()).toEqual(before.map((v, i) => (TOPIC_OF[i] === 'sports' ? v + 1 : v)));
    expect(await client.zscore('subscribers_changed:{topic_subscribers:sports}', 'bob')).toBe(String(before[1] + 1));
  });

  it('prunes users_active of users inactive past the window, in bounded calls, keeping the active ones', async () => {
    const ghosts = Array.from({ length: 2500 }, (_, i) => `ghost-${i}`);
    await client.zadd('users_active', ...ghosts.flatMap((uid) => [Date.now() - 30 * DAY, uid]));
    const active = (await client.zcard('users_active')) - ghosts.length;
    expect(active).toBeGreaterThan(0);
    const zrems = async (): Promise<number> =>
      Number(/cmdstat_zrem:calls=(\d+)/.exec(await infoOf(client, 'users_active', 'commandstats'))?.[1] ?? 0);
    const before = await zrems();
    expect(await app.app.get(ActivityPruner).prune()).toBe(ghosts.length);
    expect(await client.zcard('users_active')).toBe(active);
    expect((await zrems()) - before).toBe(3); // 1,000 + 1,000 + 500
    expect(await client.zscore('users_active', 'alice')).not.toBeNull();
  });

  it('a returning user of one topic makes fan-out re-read no topic’s members, and gets the next article live', async () => {
    const calls = async (command: string, key: string): Promise<number> =>
      Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(await infoOf(client, key, 'commandstats'))?.[1] ?? 0);
    const fanout = async (...batch: { data: string }[]): Promise<void> => {
      for (const article of batch) await client.xadd('enriched_stream', '*', 'data', article.data);
      await eventually(drained);
    };
    await fanout(enriched(500), enriched(502)); // technology, science: fan-out knows both topics' followers
    // dave (technology) comes back after a month: his topic's followers changed, science's did not.
    await client.zadd('users_active', Date.now() - 30 * DAY, 'dave');
    expect((await feedIds('dave'))[0]).toBe('art-500');
    const [technology, science] = [
      await calls('smembers', 'topic_subscribers:technology'),
      await calls('smembers', 'topic_subscribers:science'),
    ];
    await fanout(enriched(505), enriched(507)); // technology, science
    // Neither set is read whole again: fan-out learns of dave alone, from technology's change log.
    expect(await calls('smembers', 'topic_subscribers:technology')).toBe(technology);
    expect(await calls('smembers', 'topic_subscribers:science')).toBe(science);
    expect((await feedIds('dave'))[0]).toBe('art-505');
    expect((await feedIds('alice')).slice(0, 2)).toEqual(['art-507', 'art-505']);
    // An api replica of the previous release bumps the old global version: fan-out reads its topics whole again.
    await client.incr('subscribers_version');
    await fanout(enriched(510)); // technology
    expect(await calls('smembers', 'topic_subscribers:technology')).toBe(technology + 1);
  });

  it('a user who subscribes after fan-out cached the topic gets its next article', async () => {
    expect(await feedIds('erin')).toEqual([]); // active, following nothing
    const [before, after] = [enriched(200), enriched(205)]; // both technology
    await client.xadd('enriched_stream', '*', 'data', before.data); // fan-out now knows who follows technology
    await eventually(drained);
    expect(
      (await json(`${app.url}/users/erin/topics`, { method: 'PUT', body: { topics: ['technology'] } })).status,
    ).toBe(200);
    await client.xadd('enriched_stream', '*', 'data', after.data);
    await eventually(drained);
    // Back-filled with technology's recent articles when subscribing (art-200 among them), then given art-205.
    expect((await feedIds('erin')).slice(0, 2)).toEqual(['art-205', 'art-200']);
    expect((await feedIds('alice')).slice(0, 2)).toEqual(['art-205', 'art-200']);
  });

  it('an active user who follows another topic gets its recent articles at once, merged newest first', async () => {
    const ofTopics = (topics: string[]): string[] =>
      articles
        .filter((a) => topics.includes(a.topic))
        .map((a) => a.id)
        .reverse();
    expect(await feedIds('gina')).toEqual([]); // active, following nothing
    await json(`${app.url}/users/gina/topics`, { method: 'PUT', body: { topics: ['sports'] } });
    expect(await feedIds('gina')).toEqual(ofTopics(['sports']));
    await json(`${app.url}/users/gina/topics`, { method: 'PUT', body: { topics: ['sports', 'finance'] } });
    const feed = await feedIds('gina');
    expect(feed).toEqual(ofTopics(['sports', 'finance']));
    expect(await raw('gina')).toEqual([feed.length, feed.length, feed.length]);
  });

  it('fans out to the active followers of a topic that 120,000 users follow', async () => {
    // Fan-out asks users_active about every follower it does not know yet: in bounded calls, not one of 120,000 ids.
    const crowd = Array.from({ length: 120000 }, (_, i) => `crowd-${i}`);
    for (let i = 0; i < crowd.length; i += 10000)
      await client.sadd('topic_subscribers:climate', ...crowd.slice(i, i + 10000));
    await json(`${app.url}/users/ivy/topics`, { method: 'PUT', body: { topics: ['climate'] } });
    expect(await feedIds('ivy')).toEqual([]);
    const climate = { ...JSON.parse(enriched(400).data), id: 'art-climate', topic: 'climate' };
    await app.app.get(FanoutWorker).handle([{ id: '4-0', fields: { data: JSON.stringify(climate) }, deliveries: 1 }]);
    expect(await feedIds('ivy')).toEqual(['art-climate']);
    for (let i = 0; i < crowd.length; i += 10000)
      await client.srem('topic_subscribers:climate', ...crowd.slice(i, i + 10000));
  });

  it('users of one hash slot given different articles share one script call, each feed getting its own', async () => {
    // Two users whose keys share a slot (one call on a cluster too), given different short ids: two groups, one call.
    const first = 'slotmate-0';
    let i = 1;
    while (slotOf(`feed:{slotmate-${i}}`) !== slotOf(`feed:{${first}}`)) i++;
    const second = `slotmate-${i}`;
    const fanout = jest.spyOn(LuaScript.from(new URL('../src/news/fanout.lua', import.meta.url)), 'run');
    const feeds = app.app.get(FeedRepository);
    const deliveries = new Map([
      [first, ['900001']],
      [second, ['900002', '900003']],
    ]);
    try {
      const report = await feeds.deliver(deliveries);
      expect(fanout).toHaveBeenCalledTimes(1);
      expect(report.duplicates).toBe(0);
      expect([...report.delivered]).toEqual([
        ['900001', 1],
        ['900002', 1],
        ['900003', 1],
      ]);
      expect(await client.lrange(`feed:{${first}}`, 0, -1)).toEqual(['900001']);
      expect(await client.lrange(`feed:{${second}}`, 0, -1)).toEqual(['900003', '900002']);
      expect(await client.xlen(`feed_stream:{${second}}`)).toBe(2);
      // Again: every one is already there.
      const again = await feeds.deliver(deliveries);
      expect(again.duplicates).toBe(3);
      expect([...again.delivered.values()]).toEqual([0, 0, 0]);
    } finally {
      fanout.mockRestore();
    }
  });

  it('delivers a batch of several script calls, once per feed, after the server lost its scripts (SCRIPT FLUSH)', async () => {
    const [tech, sports] = [enriched(300), enriched(301)]; // technology, sports: several calls (technology only, bob, carol; per slot on a cluster)
    const before = await Promise.all(['alice', 'bob', 'carol', 'dave'].map(raw));
    await flushScripts(client);
    const entries = [tech, sports].map((a, i) => ({ id: `1-${i}`, fields: { data: a.data }, deliveries: 1 }));
    await app.app.get(FanoutWorker).handle(entries);
    const grown = (uid: string): number[] => before[['alice', 'bob', 'carol', 'dave'].indexOf(uid)].map((n) => n + 1);
    expect(await raw('alice')).toEqual(grown('alice'));
    expect(await raw('bob')).toEqual(grown('bob'));
    expect(await raw('carol')).toEqual(before[2].map((n) => n + 2));
    expect((await feedIds('carol')).slice(0, 2)).toEqual(['art-301', 'art-300']);
    expect((await feedIds('dave'))[0]).toBe('art-300');
  });
});

describe(`feed cap and expiry (${TOPOLOGY})`, () => {
  let store: TestStore;
  let client: Valkey;
  let app: TestApp;
  const CAP = 8;
  // Every fifth article is technology: 60 articles give erin 12, then 24 (over the cap plus its slack), then 25.
  const technology = (from: number, to: number): { id: string; data: string }[] =>
    Array.from({ length: to - from }, (_, k) => enriched(from + k)).filter((a) => a.topic === 'technology');
  const page = async (limit: number, before?: string): Promise<{ ids: string[]; next?: string }> => {
    const { body } = await json<Page>(`${app.url}/users/erin/feed?limit=${limit}${before ? `&before=${before}` : ''}`);
    return { ids: body.items.map((item) => item.id), next: body.next_before };
  };
  const feedIds = async (): Promise<string[]> => (await page(100)).ids;
  const deliver = async (articles: { data: string }[]): Promise<void> => {
    const entries = articles.map((a, i) => ({ id: `1-${i}`, fields: { data: a.data }, deliveries: 1 }));
    await app.app.get(FanoutWorker).handle(entries);
  };

  beforeAll(async () => {
    store = await startStore();
    client = store.client();
    app = await startTestApp(store.url, { ...store.env, ROLES: 'api', FEED_MAX: String(CAP), ARTICLE_TTL_DAYS: '2' });
    await json(`${app.url}/users/erin/topics`, { method: 'PUT', body: { topics: ['technology'] } });
    expect(await feedIds()).toEqual([]);
  });

  afterAll(async () => {
    await app?.close();
    await store?.stop();
  });

  it('a feed shows at most FEED_MAX items, newest first, and its list, seen set and stream stay in step', async () => {
    for (const [from, to] of [
      [0, 60],
      [60, 120],
      [120, 125], // one more: within the slack, so the list is not trimmed yet
    ]) {
      await deliver(technology(from, to));
      const newest = technology(0, to)
        .map((a) => a.id)
        .reverse()
        .slice(0, CAP);
      expect(await feedIds()).toEqual(newest);
      const [length, seen] = [await client.llen('feed:{erin}'), await client.scard('feed_seen:{erin}')];
      expect(length).toBeGreaterThanOrEqual(CAP);
      expect(length).toBeLessThanOrEqual(CAP + Math.max(1, Math.floor(CAP / 8)));
      expect(seen).toBe(length);
      expect(await client.xlen('feed_stream:{erin}')).toBe(length);
      // Paging walks the same items and stops at the cap.
      const first = await page(3);
      const second = await page(3, first.next);
      const third = await page(3, second.next);
      expect([first.ids, second.ids, third.ids]).toEqual([newest.slice(0, 3), newest.slice(3, 6), newest.slice(6)]);
      expect(third.next).toBeUndefined();
    }
  });

  it('feed keys expire ARTICLE_TTL_DAYS after the user was last active', async () => {
    const keys = ['feed:{erin}', 'feed_seen:{erin}', 'feed_stream:{erin}'];
    for (const key of keys) {
      expect(await client.ttl(key)).toBeGreaterThan(2 * 86400 - 60);
      await client.expire(key, 100);
    }
    await deliver(technology(125, 135)); // deliveries to an existing feed leave its expiry alone ...
    for (const key of keys) expect(await client.ttl(key)).toBeLessThanOrEqual(100);
    await feedIds(); // ... and the user's next read (or socket connect) renews it
    for (const key of keys) expect(await client.ttl(key)).toBeGreaterThan(2 * 86400 - 60);
  });

  it('after Valkey lost its data (FLUSHALL), a feed shows the new articles behind the reused short ids', async () => {
    expect((await feedIds()).length).toBeGreaterThan(0); // this replica has cached short id → article id
    await flushAll(client);
    await json(`${app.url}/users/erin/topics`, { method: 'PUT', body: { topics: ['technology'] } });
    expect(await feedIds()).toEqual([]);
    // Fanned out by another replica (this one's cache is not told), with short ids from 1 again.
    const other = await startTestApp(store.url, {
      ...store.env,
      ROLES: 'api',
      FEED_MAX: String(CAP),
      ARTICLE_TTL_DAYS: '2',
    });
    try {
      const fresh = technology(300, 320);
      await other.app
        .get(FanoutWorker)
        .handle(fresh.map((a, i) => ({ id: `2-${i}`, fields: { data: a.data }, deliveries: 1 })));
      expect(await feedIds()).toEqual(fresh.map((a) => a.id).reverse());
    } finally {
      await other.close();
    }
  });
});
