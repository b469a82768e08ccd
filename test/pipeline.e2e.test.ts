import { jest } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { readArticles, SAMPLE_CORPUS } from '../src/modules/ingest/replay.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { existing, flushAll } from './support/store-nodes.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

// Per file: jest takes testTimeout only from the root config, not a project's (a cluster start takes seconds).
jest.setTimeout(60000);

interface FeedItem {
  id: string;
  topic: string;
}

const USERS: Record<string, string[]> = {
  ada: ['technology', 'science'],
  bo: ['sports', 'business', 'finance'],
  cy: ['politics', 'climate', 'health', 'education', 'entertainment'],
  dee: ['sports'],
};

async function feedIds(app: TestApp, uid: string): Promise<string[]> {
  const res = await json<{ items: FeedItem[] }>(`${app.url}/users/${uid}/feed?limit=200`);
  return res.body.items.map((item) => item.id);
}

async function topicOf(app: TestApp, ids: string[]): Promise<Map<string, string>> {
  const topics = new Map<string, string>();
  for (const id of ids) {
    const res = await json<{ topic: string }>(`${app.url}/articles/${id}`);
    expect(res.status).toBe(200);
    topics.set(id, res.body.topic);
  }
  return topics;
}

/** What each user's feed must hold: the articles whose topic they follow, each once. */
function expectedFeeds(topics: Map<string, string>): Record<string, string[]> {
  const expected: Record<string, string[]> = {};
  for (const [uid, follows] of Object.entries(USERS)) {
    expected[uid] = [...topics]
      .filter(([, topic]) => follows.includes(topic))
      .map(([id]) => id)
      .sort();
  }
  return expected;
}

async function settled(client: Valkey): Promise<boolean> {
  const groups = (await client.xinfo('GROUPS', 'enriched_stream').catch(() => [])) as unknown[][];
  if (groups.length === 0) return false;
  const field = (g: unknown[], name: string): number => Number(g[g.indexOf(name) + 1]);
  return groups.every((g) => field(g, 'pending') === 0 && field(g, 'lag') === 0);
}

describe(`the news pipeline end to end (${TOPOLOGY})`, () => {
  let store: TestStore;
  let app: TestApp;
  let client: Valkey;
  const sample = readArticles(SAMPLE_CORPUS).slice(0, 60);

  beforeAll(async () => {
    store = await startStore();
    client = store.client();
    app = await startTestApp(store.url, { ...store.env, ROLES: 'all', STREAM_CLAIM_IDLE_MS: '2000' });
    for (const [uid, topics] of Object.entries(USERS)) {
      expect((await json(`${app.url}/users/${uid}/topics`, { method: 'PUT', body: { topics } })).status).toBe(200);
      // A feed read marks the user active, so fan-out on write reaches them.
      expect((await json(`${app.url}/users/${uid}/feed`)).status).toBe(200);
    }
  });

  afterAll(async () => {
    await app?.close();
    await store?.stop();
  });

  /** Until every article is stored and the pipeline has nothing pending. */
  const stored = async (ids: string[]): Promise<void> => {
    const keys = ids.map((id) => `article:${id}`);
    await eventually(async () => (await existing(client, keys)) === ids.length, 30000);
    await eventually(() => settled(client), 30000);
  };

  it('puts every article posted over REST in exactly the feeds of its topic, once, and a second post changes nothing', async () => {
    const batch = sample.slice(0, 40);
    const posted = await json<{ ids: string[] }>(`${app.url}/articles/batch`, { body: { articles: batch } });
    expect(posted.status).toBe(202);
    const ids = posted.body.ids;
    await stored(ids);

    const expected = expectedFeeds(await topicOf(app, ids));
    expect(Object.values(expected).flat().length).toBeGreaterThan(0);
    for (const uid of Object.keys(USERS)) {
      const feed = await feedIds(app, uid);
      expect(new Set(feed).size).toBe(feed.length);
      expect([...feed].sort()).toEqual(expected[uid]);
    }

    const again = await json(`${app.url}/articles/batch`, { body: { articles: batch } });
    expect(again.status).toBe(202);
    await new Promise((r) => setTimeout(r, 1000));
    await eventually(() => settled(client), 30000);
    for (const uid of Object.keys(USERS)) expect([...(await feedIds(app, uid))].sort()).toEqual(expected[uid]);
  });

  it('gives a producer that only XADDs to news_raw (with body or text) the same result', async () => {
    await flushAll(client);
    for (const [uid, topics] of Object.entries(USERS)) {
      await json(`${app.url}/users/${uid}/topics`, { method: 'PUT', body: { topics } });
      await json(`${app.url}/users/${uid}/feed`);
    }
    const rows = sample.slice(40, 60);
    const pipeline = client.pipeline();
    rows.forEach((article, i) => {
      const text = i % 2 === 0 ? 'body' : 'text';
      pipeline.xadd('news_raw', '*', 'id', `raw-${i}`, 'title', article.title, text, article.body);
    });
    await pipeline.exec();
    const ids = rows.map((_, i) => `raw-${i}`);

    await stored(ids);
    const expected = expectedFeeds(await topicOf(app, ids));
    for (const uid of Object.keys(USERS)) expect([...(await feedIds(app, uid))].sort()).toEqual(expected[uid]);
  });

  it('dead-letters malformed entries (no title; an id that cannot be a key) at intake without blocking the rest', async () => {
    const pipeline = client.pipeline();
    pipeline.xadd('news_raw', '*', 'id', 'no-title', 'body', 'An entry without a title cannot be classified.');
    pipeline.xadd(
      'news_raw',
      '*',
      'id',
      'has space',
      'title',
      'An id that cannot be a key',
      'body',
      'Refused at intake.',
    );
    pipeline.xadd('news_raw', '*', 'id', 'after-bad', 'title', sample[0].title, 'body', sample[0].body);
    await pipeline.exec();

    await eventually(async () => (await client.exists('article:after-bad')) === 1, 30000);
    await eventually(() => settled(client), 30000);
    const dead = await client.xrange('dlq:classify', '-', '+');
    expect(dead).toHaveLength(2);
    expect(dead[0][1]).toEqual(expect.arrayContaining(['dlq_error', 'missing field "title"', 'id', 'no-title']));
    expect(dead[1][1]).toEqual(
      expect.arrayContaining([
        'dlq_error',
        'id must be 1-128 characters of letters, digits, . _ : - (and not . or ..), got "has space"',
      ]),
    );
    expect(await existing(client, ['dlq:enrich', 'dlq:fanout'])).toBe(0);
  });

  it('records when each stage saw an article', async () => {
    const res = await json<{ id: string }>(`${app.url}/articles`, {
      body: {
        id: 'timed',
        title: 'Central bank holds rates steady',
        body: 'The bank kept its main rate at 4%. Markets rose.',
      },
    });
    expect(res.status).toBe(202);
    const article = await eventually(async () => {
      const r = await json<Record<string, unknown>>(`${app.url}/articles/timed`);
      return r.status === 200 ? r.body : undefined;
    }, 20000);
    expect(article.topic).toEqual(expect.any(String));
    expect(article.summary).toEqual(expect.any(String));
    const stages = article.stages as Record<string, number>;
    expect(stages.ingest).toBeLessThanOrEqual(stages.classify);
    expect(stages.classify).toBeLessThanOrEqual(stages.enrich);
  });
});
