import { jest } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { TOPICS } from '../src/news/topics.js';
import { Keys } from '../src/valkey/keys.js';
import { slotOf } from '../src/valkey/slots.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

// Per file: jest takes testTimeout only from the root config, not a project's (a cluster start takes seconds).
jest.setTimeout(60000);

const PARTITIONS = 3;
const keys = new Keys('');

interface StatsBody {
  streams: { stream: string; length: number; groups: { name: string; pending: number; lag: number | null }[] }[];
}

describe(`news_raw in NEWS_RAW_PARTITIONS partitions (${TOPOLOGY})`, () => {
  let store: TestStore;
  let app: TestApp;
  let client: Valkey;
  const partitions = keys.newsRawPartitions(PARTITIONS);

  beforeAll(async () => {
    store = await startStore();
    client = store.client();
    app = await startTestApp(store.url, {
      ...store.env,
      ROLES: 'all',
      NEWS_RAW_PARTITIONS: String(PARTITIONS),
      // Entries stay after they are acknowledged: the test counts where each article was appended.
      STREAM_TRIM_INTERVAL_MS: '600000',
    });
    expect((await json(`${app.url}/users/reader/topics`, { method: 'PUT', body: { topics: TOPICS } })).status).toBe(
      200,
    );
    // A feed read marks the user active, so fan-out on write reaches them.
    expect((await json(`${app.url}/users/reader/feed`)).status).toBe(200);
  });

  afterAll(async () => {
    await app?.close();
    await store?.stop();
  });

  const feed = async (): Promise<string[]> =>
    (await json<{ items: { id: string }[] }>(`${app.url}/users/reader/feed?limit=200`)).body.items.map((i) => i.id);

  it('names news_raw first and puts every partition in a slot of its own', () => {
    expect(partitions[0]).toBe('news_raw');
    expect(new Set(partitions.map((stream) => slotOf(stream))).size).toBe(PARTITIONS);
  });

  it('spreads accepted articles over the partitions, and every one reaches the feed exactly once', async () => {
    const article = (i: number) => ({ id: `part-${i}`, title: `Title ${i}`, body: `Markets and science story ${i}.` });
    for (let i = 0; i < 30; i++) {
      expect((await json(`${app.url}/articles`, { body: article(i) })).status).toBe(202);
    }
    const batch = Array.from({ length: 30 }, (_, k) => article(20 + k));
    const posted = await json<{ ids: string[] }>(`${app.url}/articles/batch`, { body: { articles: batch } });
    expect(posted.status).toBe(202);
    // Ten ids (20-29) were offered twice: 50 articles.
    const ids = Array.from({ length: 50 }, (_, i) => `part-${i}`);

    const lengths = await Promise.all(partitions.map((stream) => client.xlen(stream)));
    expect(lengths.reduce((sum, n) => sum + n, 0)).toBe(50);
    for (const length of lengths) expect(length).toBeGreaterThan(0);

    const items = await eventually(async () => {
      const got = await feed();
      if (ids.some((id) => !got.includes(id))) throw new Error(`${got.length} of ${ids.length} in the feed`);
      return got;
    }, 30000);
    const mine = items.filter((id) => id.startsWith('part-'));
    expect(mine.sort()).toEqual([...ids].sort());

    // The same ids once more: one article each, already in the feed.
    const again = await json<{ ids: string[] }>(`${app.url}/articles/batch`, {
      body: { articles: Array.from({ length: 50 }, (_, i) => article(i)) },
    });
    expect(again.status).toBe(202);
    expect((await Promise.all(partitions.map((stream) => client.xlen(stream)))).reduce((a, b) => a + b, 0)).toBe(50);
  });

  it('still carries an entry a raw producer XADDs to news_raw', async () => {
    await client.xadd('news_raw', '*', 'id', 'raw-producer-1', 'title', 'Raw title', 'body', 'Sports results today.');
    await eventually(async () => {
      if (!(await feed()).includes('raw-producer-1')) throw new Error('not yet in the feed');
      return true;
    }, 30000);
  });

  it('dead-letters a bad entry of a partition to dlq:classify, and a replay appends it to that partition again', async () => {
    const stream = partitions[1];
    await client.xadd(stream, '*', 'id', 'bad id p1', 'title', 'T', 'body', 'B');
    const letter = await eventually(async () => {
      const page = await json<{ entries: { id: string; stream: string; fields: Record<string, string> }[] }>(
        `${app.url}/dead-letters/classify`,
      );
      return page.body.entries.find((entry) => entry.fields.id === 'bad id p1');
    }, 30000);
    expect(letter.stream).toBe(stream);
    const length = await client.xlen(stream);
    const replay = await json<{ replayed: number }>(`${app.url}/dead-letters/classify/replay`, {
      body: { ids: [letter.id] },
    });
    expect(replay.body.replayed).toBe(1);
    expect(await client.xlen(stream)).toBe(length + 1);
  });

  it('reports every partition and its classify group in /pipeline/stats, with nothing left to do', async () => {
    await eventually(async () => {
      const stats = (await json<StatsBody>(`${app.url}/pipeline/stats`)).body;
      for (const stream of partitions) {
        const entry = stats.streams.find((s) => s.stream === stream);
        const group = entry?.groups.find((g) => g.name === 'classifiers');
        if (!group || group.pending !== 0 || group.lag !== 0) throw new Error(`${stream}: ${JSON.stringify(entry)}`);
      }
      return true;
    }, 30000);
  });

  it('after NEWS_RAW_PARTITIONS is lowered, classify still reads what a dropped partition holds', async () => {
    await app.close();
    await client.xadd(partitions[2], '*', 'id', 'left-in-p2', 'title', 'Left over', 'body', 'Science news today.');
    app = await startTestApp(store.url, { ...store.env, ROLES: 'all', NEWS_RAW_PARTITIONS: '1' });
    await eventually(async () => {
      if (!(await feed()).includes('left-in-p2')) throw new Error('not yet in the feed');
      return true;
    }, 30000);
  });
});
