import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { FeatureMaterializer, FeatureWorkerSupervisor } from '../src/modules/features/features.worker.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { spawnApp } from './support/process.js';
import {
  existing,
  flushScripts,
  hmgetEach,
  indexed,
  indexKeys,
  isIndexed,
  viewKeys,
  unlinkAll,
} from './support/feature-store.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

interface Column {
  values: unknown[];
  statuses: string[];
  event_timestamps: string[];
}
interface Online {
  metadata: { feature_names: string[] };
  results: Column[];
}

const PROFILE = {
  name: 'user_profile',
  entity: 'user',
  ttl_seconds: 3600,
  features: [
    { name: 'age', type: 'INT' },
    { name: 'score', type: 'FLOAT' },
    { name: 'tier', type: 'STRING' },
    { name: 'active', type: 'BOOL' },
    { name: 'emb', type: 'VECTOR', length: 3 },
  ],
};

async function setupRegistry(url: string): Promise<void> {
  expect((await json(`${url}/features/entities`, { body: { name: 'user', join_keys: ['user_id'] } })).status).toBe(201);
  expect((await json(`${url}/features/views`, { body: PROFILE })).status).toBe(201);
}

/** Resolves once every entry of the stream has been delivered to and acknowledged by the materializer group. */
async function drained(url: string, view: string): Promise<void> {
  await eventually(async () => {
    const { body } = await json<{ length: number; groups: { name: string; pending: number; lag: number | null }[] }>(
      `${url}/features/views/${view}/stream`,
    );
    const group = body.groups.find((g) => g.name === 'feature_writers');
    return group !== undefined && group.pending === 0 && group.lag === 0;
  }, 20000);
}

/** Entries ever appended to a stream (XINFO entries-added): unlike its length, unchanged by the engine's trims. */
async function appended(client: Valkey, stream: string): Promise<number> {
  const info = (await client.xinfo('STREAM', stream)) as unknown[];
  return Number(info[info.indexOf('entries-added') + 1]);
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * Events for `entities` entities, `versions` each, XADDed in random order; answers each entity's expected final age.
 * With rising event times the latest version wins; with `sameTime` every version has one event time, and the
 * later-written entry wins (the tiebreak two racing materializers must agree on).
 */
async function rawEvents(
  client: Valkey,
  stream: string,
  entities: number,
  versions: number,
  sameTime = false,
): Promise<number[]> {
  const base = Date.now() / 1000 - 600;
  const events: [number, number][] = [];
  for (let e = 0; e < entities; e++) for (let v = 0; v < versions; v++) events.push([e, v]);
  const expected: number[] = Array.from({ length: entities }, () => versions - 1);
  const pipeline = client.pipeline();
  for (const [e, v] of shuffle(events)) {
    pipeline.xadd(
      stream,
      '*',
      'entity_id',
      `e${e}`,
      'features',
      JSON.stringify({ age: v, score: v / 2 }),
      'timestamp',
      String(sameTime ? base : base + v),
      'feature_view',
      'user_profile',
    );
    if (sameTime) expected[e] = v;
  }
  await pipeline.exec();
  return expected;
}

async function expectLatest(client: Valkey, prefix: string, expected: number[]): Promise<void> {
  const keys = expected.map((_, e) => `${prefix}fs:v1:user_profile:e${e}`);
  const rows = await hmgetEach(client, keys, 'age', 'score');
  expect(rows).toEqual(expected.map((age) => [String(age), String(age / 2)]));
}

describe(`feature store (${TOPOLOGY})`, () => {
  let store: TestStore;
  let app: TestApp;
  let client: Valkey;
  const env = {
    ROLES: 'all',
    STREAM_CLAIM_IDLE_MS: '500',
    FEATURE_MAX_ENTITIES: '50',
    FEATURE_MATERIALIZE_BATCH: '20',
    FEATURE_INDEX_PRUNE_INTERVAL_MS: '200',
  };

  beforeAll(async () => {
    store = await startStore();
    client = store.client();
    app = await startTestApp(store.url, { ...store.env, ...env });
    await setupRegistry(app.url);
  });

  afterAll(async () => {
    await app?.close();
    await store?.stop();
  });

  const read = (body: unknown) => json<Online>(`${app.url}/features/get-online-features`, { body });

  it('materializes an entry XADDed by a raw producer and serves it typed', async () => {
    const now = Date.now() / 1000;
    await client.xadd(
      'fs:stream:user_profile',
      '*',
      'entity_id',
      'raw_1',
      'features',
      JSON.stringify({ age: 31, score: 0.5, tier: 'gold', active: true, emb: [0.1, 0.2, 0.3] }),
      'timestamp',
      String(now),
      'feature_view',
      'user_profile',
    );
    const row = await eventually(async () => {
      const hash = await client.hgetall('fs:v1:user_profile:raw_1');
      return hash._updated_at ? hash : undefined;
    });
    expect(row).toMatchObject({
      _updated_at: String(now),
      _feature_view: 'user_profile',
      age: '31',
      tier: 'gold',
      _enc: 'text',
    });
    expect(await isIndexed(client, 'user_profile', 'raw_1', store.clustered)).toBe(true);

    const { status, body } = await read({
      features: [
        'user_profile:age',
        'user_profile:score',
        'user_profile:tier',
        'user_profile:active',
        'user_profile:emb',
      ],
      entities: { user_id: ['raw_1'] },
    });
    expect(status).toBe(200);
    expect(body.metadata.feature_names).toEqual(['user_id', 'age', 'score', 'tier', 'active', 'emb']);
    expect(body.results.map((column) => column.values[0])).toEqual(['raw_1', 31, 0.5, 'gold', true, [0.1, 0.2, 0.3]]);
    expect(body.results.map((column) => column.statuses[0])).toEqual(Array(6).fill('PRESENT'));
    expect(body.results[0].event_timestamps[0]).toBe('1970-01-01T00:00:00.000Z');
    expect(body.results[1].event_timestamps[0]).toBe(new Date(now * 1000).toISOString());
  });

  it('reads back an entity id and a STRING holding quotes, backslashes, newlines and non-ASCII exactly as pushed', async () => {
    const entityId = 'q"\\ \u00e9\u{1F600}';
    const tier = 'a "b" \\c\nd\t\u00e9\u{1F600} \u2028';
    const at = Math.floor(Date.now() / 1000);
    const push = await json(`${app.url}/features/push`, {
      body: { feature_view: 'user_profile', rows: [{ entity_id: entityId, features: { tier }, event_timestamp: at }] },
    });
    expect(push.status).toBe(202);
    await eventually(async () => ((await client.hget(`fs:v1:user_profile:${entityId}`, 'tier')) ? true : undefined));
    expect(await isIndexed(client, 'user_profile', entityId, store.clustered)).toBe(true);
    const { body } = await read({ features: ['user_profile:tier'], entities: { user_id: [entityId] } });
    expect(body.results.map((column) => column.values[0])).toEqual([entityId, tier]);
    expect(body.results[1].statuses[0]).toBe('PRESENT');
  });

  it('writes a batch of several script calls after the server lost its scripts (SCRIPT FLUSH)', async () => {
    await flushScripts(client, store.clustered);
    const at = Date.now() / 1000;
    const entries = Array.from({ length: 250 }, (_, i) => ({
      id: `1-${i}`,
      fields: { entity_id: `flush_${i}`, features: JSON.stringify({ age: i, score: i / 4 }), timestamp: String(at) },
      deliveries: 1,
    }));
    expect(await app.app.get(FeatureMaterializer).materialize('user_profile', entries)).toEqual({ rejected: [] });
    const keys = Array.from({ length: 250 }, (_, i) => `fs:v1:user_profile:flush_${i}`);
    const rows = await hmgetEach(client, keys, 'age', 'score', '_updated_at');
    expect(rows).toEqual(Array.from({ length: 250 }, (_, i) => [String(i), String(i / 4), String(at)]));
  });

  it('dead-letters a raw entry that does not match its view, with the reason', async () => {
    await client.xadd(
      'fs:stream:user_profile',
      '*',
      'entity_id',
      'bad_1',
      'features',
      '{"age": 3.0}',
      'timestamp',
      '1700000000',
      'feature_view',
      'user_profile',
    );
    await client.xadd(
      'fs:stream:user_profile',
      '*',
      'entity_id',
      'bad_2',
      'features',
      '{not json',
      'timestamp',
      '1700000000',
      'feature_view',
      'user_profile',
    );
    const letters = await eventually(async () => {
      const entries = await client.xrange('dlq:features', '-', '+');
      const errors = entries.map(([, flat]) => flat[flat.indexOf('dlq_error') + 1]);
      return errors.length >= 2 ? errors : undefined;
    });
    expect([...letters].sort()).toEqual(['features.age: INT expected', 'features: not valid JSON']);
    expect(await existing(client, 'fs:v1:user_profile:bad_1', 'fs:v1:user_profile:bad_2')).toBe(0);
  });

  it('keeps the newer values when an older event arrives after a newer one', async () => {
    const now = Math.floor(Date.now() / 1000);
    const push = (age: number, at: number) =>
      json(`${app.url}/features/push`, {
        body: { feature_view: 'user_profile', rows: [{ entity_id: 'ooo', features: { age }, event_timestamp: at }] },
      });
    expect((await push(2, now - 10)).status).toBe(202);
    await drained(app.url, 'user_profile');
    expect((await push(1, now - 100)).status).toBe(202);
    await drained(app.url, 'user_profile');
    expect(await client.hmget('fs:v1:user_profile:ooo', 'age', '_updated_at')).toEqual(['2', String(now - 10)]);
  });

  it('gives every row its latest event when two materializers race in one group', async () => {
    const consumers = async (): Promise<number> =>
      (await json<{ groups: { consumers: number }[] }>(`${app.url}/features/views/user_profile/stream`)).body.groups[0]
        ?.consumers ?? 0;
    const one = await consumers();
    expect(one).toBeGreaterThan(0);
    const second = await startTestApp(store.url, { ...store.env, ...env, ROLES: 'features' });
    try {
      await eventually(async () => (await consumers()) === 2 * one); // the second replica's consumers joined
      // Equal event times: only the tiebreak (the later-written entry wins) makes the result deterministic.
      const sameTime = await rawEvents(client, 'fs:stream:user_profile', 30, 30, true);
      await drained(app.url, 'user_profile');
      await expectLatest(client, '', sameTime);
      const rising = await rawEvents(client, 'fs:stream:user_profile', 30, 30);
      await drained(app.url, 'user_profile');
      await expectLatest(client, '', rising);
    } finally {
      await second.close();
    }
  });

  it('keeps the later-written entry of two with the same event time, whichever materializer writes last', async () => {
    const materializer = app.app.get(FeatureMaterializer);
    const at = String(Math.floor(Date.now() / 1000));
    const entry = (id: string, age: number) => ({
      id,
      fields: { entity_id: 'tie', features: JSON.stringify({ age }), timestamp: at },
      deliveries: 1,
    });
    // Two racing materializers: the one holding the later entry writes first.
    await materializer.materialize('user_profile', [entry('1700000000000-1', 2)]);
    await materializer.materialize('user_profile', [entry('1700000000000-0', 1)]);
    expect(await client.hmget('fs:v1:user_profile:tie', 'age', '_updated_at')).toEqual(['2', at]);
    await materializer.materialize('user_profile', [entry('1700000000001-0', 3)]);
    expect(await client.hget('fs:v1:user_profile:tie', 'age')).toBe('3');
  });

  it("gives a row pushed without event_timestamp the time Valkey gave its stream entry, not the api replica's clock", async () => {
    const realNow = Date.now.bind(Date);
    // This api replica's clock is an hour behind.
    const skewed = jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 3600_000);
    let pushed: { status: number; body: { ids: string[] } };
    try {
      pushed = await json<{ ids: string[] }>(`${app.url}/features/push`, {
        body: { feature_view: 'user_profile', rows: [{ entity_id: 'clockless', features: { age: 9 } }] },
      });
    } finally {
      skewed.mockRestore();
    }
    expect(pushed.status).toBe(202);
    const entryTime = Number(pushed.body.ids[0].split('-')[0]) / 1000;
    const stored = await eventually(() => client.hget('fs:v1:user_profile:clockless', '_updated_at'));
    expect(stored).toBe(String(entryTime));
  });

  it('keeps the original event time of a replayed dead letter, so it cannot overwrite a fresher value', async () => {
    const view = { ...PROFILE, name: 'replayed', features: [{ name: 'age', type: 'INT' }] };
    expect((await json(`${app.url}/features/views`, { body: view })).status).toBe(201);
    // A raw row without a timestamp (its time is its entry's) naming a feature the view lacks yet.
    const sourceId = String(
      await client.xadd(
        'fs:stream:replayed',
        '*',
        'entity_id',
        'r1',
        'features',
        JSON.stringify({ age: 1, late: 'x' }),
      ),
    );
    const entryTime = Number(sourceId.split('-')[0]) / 1000;
    const letter = await eventually(async () => {
      const { body } = await json<{ entries: { id: string; source_id: string; fields: Record<string, string> }[] }>(
        `${app.url}/dead-letters/features`,
      );
      return body.entries.find((entry) => entry.source_id === sourceId);
    });
    expect(letter.fields.timestamp).toBe(String(entryTime));
    // A fresher value arrives meanwhile.
    const fresher = entryTime + 0.001;
    const push = await json(`${app.url}/features/push`, {
      body: { feature_view: 'replayed', rows: [{ entity_id: 'r1', features: { age: 2 }, event_timestamp: fresher }] },
    });
    expect(push.status).toBe(202);
    await drained(app.url, 'replayed');
    expect(
      (
        await json(`${app.url}/features/views/replayed`, {
          method: 'PUT',
          body: { ...view, name: undefined, features: [...view.features, { name: 'late', type: 'STRING' }] },
        })
      ).status,
    ).toBe(200);
    const replay = await json(`${app.url}/dead-letters/features/replay`, { body: { ids: [letter.id] } });
    expect(replay.body).toEqual({ replayed: 1, not_replayed: [] });
    await drained(app.url, 'replayed');
    expect(await client.hmget('fs:v1:replayed:r1', 'age', 'late', '_updated_at')).toEqual(['2', null, String(fresher)]);
  });

  it("materializes a row of a feature added a moment ago instead of dead-lettering it while this replica's registry cache is stale", async () => {
    const view = { ...PROFILE, name: 'evolving_now', features: [{ name: 'a', type: 'INT' }] };
    expect((await json(`${app.url}/features/views`, { body: view })).status).toBe(201);
    await json(`${app.url}/features/push`, {
      body: { feature_view: 'evolving_now', rows: [{ entity_id: 'x', features: { a: 1 } }] },
    });
    await eventually(() => client.exists('fs:v1:evolving_now:x'));
    // Another replica added feature b; its notice has not reached this one (its cache still lacks b).
    const stored = JSON.parse((await client.hget('fs:registry:views', 'evolving_now')) ?? '{}') as typeof view;
    stored.features.push({ name: 'b', type: 'STRING' });
    await client.hset('fs:registry:views', 'evolving_now', JSON.stringify(stored));
    await client.xadd('fs:stream:evolving_now', '*', 'entity_id', 'x', 'features', JSON.stringify({ a: 2, b: 'new' }));
    await drained(app.url, 'evolving_now');
    expect(await client.hmget('fs:v1:evolving_now:x', 'a', 'b')).toEqual(['2', 'new']);
    const letters = await client.xrange('dlq:features', '-', '+');
    expect(letters.filter(([, flat]) => flat.includes('fs:stream:evolving_now'))).toEqual([]);
  });

  it("prunes the view's index of rows that expired by their TTL", async () => {
    const view = { ...PROFILE, name: 'pruned', features: [{ name: 'a', type: 'INT' }] };
    expect((await json(`${app.url}/features/views`, { body: view })).status).toBe(201);
    const rows = Array.from({ length: 30 }, (_, i) => ({ entity_id: `p${i}`, features: { a: i } }));
    expect((await json(`${app.url}/features/push`, { body: { feature_view: 'pruned', rows } })).status).toBe(202);
    await drained(app.url, 'pruned');
    expect(await indexed(client, 'pruned', store.clustered)).toHaveLength(30);
    for (let i = 0; i < 20; i++) await client.pexpire(`fs:v1:pruned:p${i}`, 1); // their TTL, elapsed
    await eventually(async () => (await indexed(client, 'pruned', store.clustered)).length === 10);
    expect((await indexed(client, 'pruned', store.clustered)).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `p${i + 20}`).sort(),
    );
  });

  it('stops materializing a deleted view and leaves no stream, rows or index behind, even after its worker touched them', async () => {
    const view = { ...PROFILE, name: 'doomed', ttl_seconds: 0, features: [{ name: 'a', type: 'INT' }] };
    expect((await json(`${app.url}/features/views`, { body: view })).status).toBe(201);
    const supervisor = app.app.get(FeatureWorkerSupervisor);
    await eventually(() => supervisor.views.includes('doomed'));
    await json(`${app.url}/features/push`, {
      body: { feature_view: 'doomed', rows: [{ entity_id: 'd1', features: { a: 1 } }] },
    });
    await eventually(() => client.exists('fs:v1:doomed:d1'));
    // Another replica deleted the view; this one has not heard yet and its worker keeps reading the stream.
    await client.hdel('fs:registry:views', 'doomed');
    await unlinkAll(
      client,
      'fs:stream:doomed',
      'fs:v1:doomed:d1',
      ...(await indexKeys(client, 'doomed', store.clustered)),
    );
    // ... and a stale push lands in the deleted view's stream: the worker materializes it (a row without TTL).
    await client.xadd('fs:stream:doomed', '*', 'entity_id', 'd2', 'features', '{"a": 2}');
    await eventually(() => client.exists('fs:v1:doomed:d2'));
    await client.publish('fs:registry:changed', 'changed'); // the notice arrives
    await eventually(() => !supervisor.views.includes('doomed'));
    const left = () => viewKeys(client, 'doomed', store.clustered);
    await eventually(async () => (await left()).length === 0);
    await new Promise((resolve) => setTimeout(resolve, 600)); // a few blocked reads (STREAM_BLOCK_MS=200) later
    expect(await left()).toEqual([]);
  });

  it('reads OUTSIDE_MAX_AGE for a value older than ttl_seconds and NOT_FOUND once expired', async () => {
    const view = { ...PROFILE, name: 'short_ttl', ttl_seconds: 60, features: [{ name: 'age', type: 'INT' }] };
    expect((await json(`${app.url}/features/views`, { body: view })).status).toBe(201);
    const old = Date.now() / 1000 - 120;
    const pushed = await json(`${app.url}/features/push`, {
      body: {
        feature_view: 'short_ttl',
        rows: [{ entity_id: 'u1', features: { age: 5 }, event_timestamp: new Date(old * 1000).toISOString() }],
      },
    });
    expect(pushed.status).toBe(202);
    await eventually(() => client.exists('fs:v1:short_ttl:u1'));
    const { body } = await read({ features: ['short_ttl:age'], entities: { user_id: ['u1'] } });
    expect(body.results[1]).toEqual({
      values: [null],
      statuses: ['OUTSIDE_MAX_AGE'],
      event_timestamps: [new Date(old * 1000).toISOString()],
    });
    const fresh = await json(`${app.url}/features/views/short_ttl/freshness?entity_ids=u1,nobody`);
    expect(fresh.body).toEqual({ fresh: 0, stale: 1, missing: 1 });

    await client.pexpire('fs:v1:short_ttl:u1', 1); // the row's ttl, elapsed
    await eventually(async () => (await client.exists('fs:v1:short_ttl:u1')) === 0);
    const expired = await read({ features: ['short_ttl:age'], entities: { user_id: ['u1'] } });
    expect(expired.body.results[1].statuses).toEqual(['NOT_FOUND']);
  });

  it('reads 40 entities of two views in one request, each value in its row, and DELETE removes all 40 rows', async () => {
    // On a cluster the rows spread over every node: one script call per slot, each reply put back in its row.
    const base = { entity: 'user', ttl_seconds: 0 };
    const views = [
      { ...base, name: 'wide_a', features: [{ name: 'n', type: 'INT' }] },
      { ...base, name: 'wide_b', features: [{ name: 's', type: 'STRING' }] },
    ];
    for (const view of views) expect((await json(`${app.url}/features/views`, { body: view })).status).toBe(201);
    const ids = Array.from({ length: 40 }, (_, i) => `w${i}`);
    const push = (view: string, features: (i: number) => Record<string, unknown>) =>
      json(`${app.url}/features/push`, {
        body: { feature_view: view, rows: ids.map((id, i) => ({ entity_id: id, features: features(i) })) },
      });
    expect((await push('wide_a', (i) => ({ n: i }))).status).toBe(202);
    expect((await push('wide_b', (i) => ({ s: `v${i}` }))).status).toBe(202);
    await drained(app.url, 'wide_a');
    await drained(app.url, 'wide_b');
    expect((await indexed(client, 'wide_a', store.clustered)).sort()).toEqual([...ids].sort());

    // Every other entity missing from wide_b: NOT_FOUND lands in its own row, not a neighbour's.
    await unlinkAll(client, ...ids.filter((_, i) => i % 2 === 1).map((id) => `fs:v1:wide_b:${id}`));
    const { status, body } = await read({ features: ['wide_a:n', 'wide_b:s'], entities: { user_id: ids } });
    expect(status).toBe(200);
    expect(body.results[0].values).toEqual(ids);
    expect(body.results[1].values).toEqual(ids.map((_, i) => i));
    expect(body.results[2].values).toEqual(ids.map((_, i) => (i % 2 === 0 ? `v${i}` : null)));
    expect(body.results[2].statuses).toEqual(ids.map((_, i) => (i % 2 === 0 ? 'PRESENT' : 'NOT_FOUND')));

    const deleted = await json(`${app.url}/features/views/wide_a`, { method: 'DELETE' });
    expect(deleted).toMatchObject({ status: 200, body: { name: 'wide_a', rows_removed: 40 } });
    await eventually(() => !app.app.get(FeatureWorkerSupervisor).views.includes('wide_a'));
    expect(await viewKeys(client, 'wide_a', store.clustered)).toEqual([]);
  });

  it('reads several views with full feature names, a feature service, and NOT_FOUND for a missing entity', async () => {
    const stats = { ...PROFILE, name: 'user_stats', features: [{ name: 'clicks', type: 'INT' }] };
    expect((await json(`${app.url}/features/views`, { body: stats })).status).toBe(201);
    const at = Math.floor(Date.now() / 1000);
    await json(`${app.url}/features/push`, {
      body: {
        feature_view: 'user_profile',
        rows: [{ entity_id: 'mv', features: { tier: 'silver' }, event_timestamp: at }],
      },
    });
    await json(`${app.url}/features/push`, {
      body: { feature_view: 'user_stats', rows: [{ entity_id: 'mv', features: { clicks: 7 }, event_timestamp: at }] },
    });
    await eventually(async () => (await existing(client, 'fs:v1:user_profile:mv', 'fs:v1:user_stats:mv')) === 2);

    const { body } = await read({
      features: ['user_profile:tier', 'user_stats:clicks', 'user_profile:age'],
      entities: { user_id: ['mv', 'ghost'] },
      full_feature_names: true,
    });
    expect(body.metadata.feature_names).toEqual([
      'user_id',
      'user_profile__tier',
      'user_stats__clicks',
      'user_profile__age',
    ]);
    expect(body.results.map((c) => c.values)).toEqual([
      ['mv', 'ghost'],
      ['silver', null],
      [7, null],
      [null, null],
    ]);
    expect(body.results.map((c) => c.statuses)).toEqual([
      ['PRESENT', 'PRESENT'],
      ['PRESENT', 'NOT_FOUND'],
      ['PRESENT', 'NOT_FOUND'],
      ['NULL_VALUE', 'NOT_FOUND'],
    ]);

    const service = { name: 'ranking', features: ['user_stats:clicks', 'user_profile:tier'] };
    expect((await json(`${app.url}/features/services`, { body: service })).status).toBe(201);
    expect((await json(`${app.url}/features/services/ranking`)).body).toEqual(service);
    const viaService = await read({ feature_service: 'ranking', entities: { user_id: ['mv'] } });
    expect(viaService.body.metadata.feature_names).toEqual(['user_id', 'clicks', 'tier']);
    expect(viaService.body.results.map((c) => c.values[0])).toEqual(['mv', 7, 'silver']);
  });

  it('rejects every bad push with 400 or 404 and writes nothing to the stream', async () => {
    await drained(app.url, 'user_profile');
    const before = await appended(client, 'fs:stream:user_profile');
    const ok = { entity_id: 'x', features: { age: 1 } };
    const cases: [unknown, number, string][] = [
      [
        { feature_view: 'user_profile', rows: [ok, ok, { entity_id: 'x', features: { age: '3' } }] },
        400,
        'rows[2].features.age: INT expected',
      ],
      [
        { feature_view: 'user_profile', rows: [{ entity_id: 'x', features: { age: 3.5 } }] },
        400,
        'rows[0].features.age: INT expected',
      ],
      [
        { feature_view: 'user_profile', rows: [{ entity_id: 'x', features: { emb: [1, 2] } }] },
        400,
        'rows[0].features.emb: VECTOR of length 3',
      ],
      [
        { feature_view: 'user_profile', rows: [{ entity_id: 'x', features: { height: 1 } }] },
        400,
        'rows[0].features.height: unknown feature',
      ],
      [
        { feature_view: 'user_profile', rows: [{ entity_id: 'x', features: { score: 'high' } }] },
        400,
        'rows[0].features.score: FLOAT expected',
      ],
      [
        { feature_view: 'user_profile', rows: [{ entity_id: 'x', features: { active: 1 } }] },
        400,
        'rows[0].features.active: BOOL expected',
      ],
      [
        { feature_view: 'user_profile', rows: [{ ...ok, event_timestamp: 'last tuesday' }] },
        400,
        'rows[0].event_timestamp',
      ],
      [{ feature_view: 'user_profile', rows: [{ ...ok, event_timestamp: true }] }, 400, 'rows[0].event_timestamp'],
      [{ feature_view: 'user_profile', rows: [{ entity_id: '', features: { age: 1 } }] }, 400, 'rows[0].entity_id'],
      [{ feature_view: 'user_profile', rows: Array(1001).fill(ok) }, 400, 'rows must contain no more than 1000'],
      [{ feature_view: 'user_profile', rows: [] }, 400, 'rows'],
      [{ feature_view: 'no_such_view', rows: [ok] }, 404, 'no_such_view'],
    ];
    for (const [body, status, message] of cases) {
      const res = await json<{ message: string[] | string }>(`${app.url}/features/push`, { body });
      expect({ status: res.status, message: JSON.stringify(res.body.message).includes(message) }).toEqual({
        status,
        message: true,
      });
    }
    expect(await appended(client, 'fs:stream:user_profile')).toBe(before);
  });

  it('rejects an INT written as 3.0 in the request JSON, naming the field, and accepts 3 for INT and FLOAT', async () => {
    await drained(app.url, 'user_profile');
    const before = await appended(client, 'fs:stream:user_profile');
    const raw = (features: string) =>
      `{"feature_view": "user_profile", "rows": [{"entity_id": "lit", "features": ${features}}]}`;
    const float = await json<{ message: string[] }>(`${app.url}/features/push`, {
      body: raw('{"score": 1.5, "age": 3.0}'),
    });
    expect(float.status).toBe(400);
    expect(float.body.message).toEqual(['rows[0].features.age: INT expected']);
    expect(await appended(client, 'fs:stream:user_profile')).toBe(before);

    const integers = await json(`${app.url}/features/push`, { body: raw('{"age": 3, "score": 3}') });
    expect(integers.status).toBe(202);
    expect(await appended(client, 'fs:stream:user_profile')).toBe(before + 1);
  });

  it('rejects bad online reads and bad registry changes', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => `u${i}`);
    expect((await read({ features: ['user_profile:age'], entities: { user_id: tooMany } })).status).toBe(400);
    expect((await read({ features: ['user_profile:nope'], entities: { user_id: ['a'] } })).status).toBe(400);
    expect((await read({ features: ['user_profile:age'], entities: { account: ['a'] } })).status).toBe(400);
    expect((await read({ feature_service: 'missing', entities: { user_id: ['a'] } })).status).toBe(404);
    const unknownView = await read({
      features: ['user_profile:age', 'no_such_view:age'],
      entities: { user_id: ['a'] },
    });
    expect([unknownView.status, JSON.stringify(unknownView.body)]).toEqual([
      404,
      expect.stringContaining('feature view no_such_view is not registered'),
    ]);
    // The read is served ahead of Express: the same body checks as every other route.
    const online = `${app.url}/features/get-online-features`;
    const malformed = await json<{ message: string }>(online, { body: '{"features": ' });
    expect([malformed.status, malformed.body.message]).toEqual([400, expect.stringContaining('JSON')]);
    const extra = await read({ features: ['user_profile:age'], entities: { user_id: ['a'] }, limit: 3 });
    expect([extra.status, JSON.stringify(extra.body)]).toEqual([
      400,
      expect.stringContaining('property limit should not exist'),
    ]);
    const notArray = await read({ features: 'user_profile:age', entities: { user_id: ['a'] } });
    expect([notArray.status, JSON.stringify(notArray.body)]).toEqual([
      400,
      expect.stringContaining('features must be an array'),
    ]);
    // Prototype keys are dropped at every depth, as the global pipe does: the read answers as if they were absent.
    const polluted = await json<{ metadata: { feature_names: string[] } }>(online, {
      body: '{"features": ["user_profile:age"], "entities": {"user_id": ["a"], "__proto__": ["b"]}, "constructor": {"x": 1}}',
    });
    expect([polluted.status, polluted.body.metadata?.feature_names]).toEqual([200, ['user_id', 'age']]);
    const list = await json<{ message: string }>(online, { body: '[{"features": ["user_profile:age"]}]' });
    expect([list.status, list.body.message]).toEqual([400, 'the body must be a JSON object']);
    const huge = { features: ['user_profile:age'], entities: { user_id: ['a'] }, pad: 'x'.repeat(1100 * 1024) };
    expect((await read(huge)).status).toBe(413);
    expect((await json(`${app.url}/features/views`, { body: { ...PROFILE, name: 'bad-name' } })).status).toBe(400);
    expect(
      (
        await json(`${app.url}/features/views`, {
          body: { ...PROFILE, name: 'v2', features: [{ name: 'e', type: 'VECTOR' }] },
        })
      ).status,
    ).toBe(400);
    expect(
      (await json(`${app.url}/features/views`, { body: { ...PROFILE, name: 'v3', entity: 'nobody' } })).status,
    ).toBe(400);
    expect((await json(`${app.url}/features/views`, { body: PROFILE })).status).toBe(409);
  });

  it('lets PUT add a feature, answers 409 to a type change, and DELETE removes the rows by index', async () => {
    const base = { entity: 'user', ttl_seconds: 3600, features: [{ name: 'a', type: 'INT' }] };
    expect((await json(`${app.url}/features/views`, { body: { ...base, name: 'evolving' } })).status).toBe(201);
    const added = await json(`${app.url}/features/views/evolving`, {
      method: 'PUT',
      body: {
        ...base,
        features: [
          { name: 'a', type: 'INT' },
          { name: 'b', type: 'STRING' },
        ],
      },
    });
    expect(added.status).toBe(200);
    const retyped = await json(`${app.url}/features/views/evolving`, {
      method: 'PUT',
      body: {
        ...base,
        features: [
          { name: 'a', type: 'FLOAT' },
          { name: 'b', type: 'STRING' },
        ],
      },
    });
    expect(retyped.status).toBe(409);
    expect(
      (
        await json(`${app.url}/features/push`, {
          body: {
            feature_view: 'evolving',
            rows: [
              { entity_id: 'r1', features: { b: 'x' } },
              { entity_id: 'r2', features: { a: 1 } },
            ],
          },
        })
      ).status,
    ).toBe(202);
    await eventually(async () => (await existing(client, 'fs:v1:evolving:r1', 'fs:v1:evolving:r2')) === 2);

    const deleted = await json(`${app.url}/features/views/evolving`, { method: 'DELETE' });
    expect(deleted).toMatchObject({ status: 200, body: { name: 'evolving', rows_removed: 2 } });
    expect(await existing(client, 'fs:v1:evolving:r1', 'fs:v1:evolving:r2')).toBe(0);
    expect(await indexed(client, 'evolving', store.clustered)).toEqual([]);
    await eventually(() => !app.app.get(FeatureWorkerSupervisor).views.includes('evolving'));
    expect(await viewKeys(client, 'evolving', store.clustered)).toEqual([]);
    expect((await json(`${app.url}/features/views/evolving`)).status).toBe(404);
  });

  it('reports the stream and trims only acknowledged entries unless forced', async () => {
    await drained(app.url, 'user_profile');
    const stats = await json<{ length: number; last_id: string; groups: { name: string }[] }>(
      `${app.url}/features/views/user_profile/stream`,
    );
    expect(stats.status).toBe(200);
    expect(stats.body.groups.map((g) => g.name)).toEqual(['feature_writers']);
    const trimmed = await json<{ length: number }>(`${app.url}/features/views/user_profile/stream/trim`, { body: {} });
    expect(trimmed.status).toBe(200);
    expect(trimmed.body.length).toBeLessThanOrEqual(1); // the engine keeps the last delivered id's successor as MINID
  });

  /** The reason `dlq:features` gives for the raw entry of `entityId`, once it is there. */
  const deadLetterReason = (entityId: string) =>
    eventually(async () => {
      const entries = await client.xrange('dlq:features', '-', '+');
      const flat = entries
        .map(([, fields]) => fields)
        .find((fields) => fields[fields.indexOf('entity_id') + 1] === entityId);
      return flat ? flat[flat.indexOf('dlq_error') + 1] : undefined;
    });
  const messageOf = (res: { body: unknown }): string => JSON.stringify((res.body as { message?: unknown }).message);

  it('rejects an event_timestamp past 9999-12-31T23:59:59Z, negative, or in milliseconds with 400 and writes nothing', async () => {
    await drained(app.url, 'user_profile');
    const before = await appended(client, 'fs:stream:user_profile');
    const cases: [unknown, string][] = [
      [1e20, 'rows[0].event_timestamp: 100000000000000000000 is out of range'],
      [1795958052599, 'rows[0].event_timestamp: 1795958052599 looks like milliseconds (2026-11-29T13:14:12.599Z)'],
      ['1795958052599', 'rows[0].event_timestamp: 1795958052599 looks like milliseconds'],
      [-5, 'rows[0].event_timestamp: -5 is out of range'],
      ['1969-12-31T00:00:00Z', 'rows[0].event_timestamp: 1969-12-31T00:00:00Z is out of range'],
    ];
    for (const [at, message] of cases) {
      const res = await json(`${app.url}/features/push`, {
        body: { feature_view: 'user_profile', rows: [{ entity_id: 'far', features: { age: 1 }, event_timestamp: at }] },
      });
      expect([res.status, messageOf(res)]).toEqual([400, expect.stringContaining(message)]);
    }
    expect(await appended(client, 'fs:stream:user_profile')).toBe(before);
  });

  it('dead-letters a raw entry whose timestamp is out of range or in milliseconds, with the reason', async () => {
    for (const [id, timestamp] of [
      ['ts_ms', '1795958052599'],
      ['ts_far', '100000000000000000000'],
    ]) {
      await client.xadd(
        'fs:stream:user_profile',
        '*',
        'entity_id',
        id,
        'features',
        '{"age": 1}',
        'timestamp',
        timestamp,
      );
    }
    expect(await deadLetterReason('ts_ms')).toBe(
      'timestamp: 1795958052599 looks like milliseconds (2026-11-29T13:14:12.599Z); epoch seconds expected',
    );
    expect(await deadLetterReason('ts_far')).toMatch(/^timestamp: 100000000000000000000 is out of range/);
    expect(await existing(client, 'fs:v1:user_profile:ts_ms', 'fs:v1:user_profile:ts_far')).toBe(0);
  });

  it('serves a row whose stored _updated_at is no date as PRESENT at epoch 0 instead of answering 500', async () => {
    const stored = ['garbage', '100000000000000000000', '1795958052599', '-3'];
    for (const [i, at] of stored.entries())
      await client.hset(`fs:v1:user_profile:odd_time_${i}`, 'age', '7', '_updated_at', at);
    const { status, body } = await read({
      features: ['user_profile:age'],
      entities: { user_id: stored.map((_, i) => `odd_time_${i}`) },
    });
    expect(status).toBe(200);
    expect(body.results[1]).toEqual({
      values: Array(4).fill(7),
      statuses: Array(4).fill('PRESENT'),
      event_timestamps: Array(4).fill('1970-01-01T00:00:00.000Z'),
    });
  });

  it('overwrites a row frozen by an out-of-range or unreadable _updated_at with the next valid event', async () => {
    await client.hset('fs:v1:user_profile:frozen_ms', 'age', '1', '_updated_at', '1795958052599');
    await client.hset('fs:v1:user_profile:frozen_text', 'age', '1', '_updated_at', 'garbage');
    const at = Math.floor(Date.now() / 1000);
    const pushed = await json(`${app.url}/features/push`, {
      body: {
        feature_view: 'user_profile',
        rows: [
          { entity_id: 'frozen_ms', features: { age: 2 }, event_timestamp: at },
          { entity_id: 'frozen_text', features: { age: 2 }, event_timestamp: at },
        ],
      },
    });
    expect(pushed.status).toBe(202);
    await drained(app.url, 'user_profile');
    expect(await client.hmget('fs:v1:user_profile:frozen_ms', 'age', '_updated_at')).toEqual(['2', String(at)]);
    expect(await client.hmget('fs:v1:user_profile:frozen_text', 'age', '_updated_at')).toEqual(['2', String(at)]);
  });

  it('answers freshness for entity_ids given as repeated parameters, as a comma list, or both', async () => {
    const now = String(Date.now() / 1000);
    await client.hset('fs:v1:user_profile:fresh_a', 'age', '1', '_updated_at', now);
    await client.hset('fs:v1:user_profile:fresh_b', 'age', '1', '_updated_at', now);
    const freshness = (query: string) => json(`${app.url}/features/views/user_profile/freshness?${query}`);
    expect(await freshness('entity_ids=fresh_a&entity_ids=nobody')).toMatchObject({
      status: 200,
      body: { fresh: 1, stale: 0, missing: 1 },
    });
    expect(await freshness('entity_ids=fresh_a,nobody&entity_ids=fresh_b')).toMatchObject({
      status: 200,
      body: { fresh: 2, stale: 0, missing: 1 },
    });
    expect(await freshness('entity_ids=fresh_a,fresh_b,nobody')).toMatchObject({
      status: 200,
      body: { fresh: 2, stale: 0, missing: 1 },
    });
  });

  it('rejects a join key or a feature name given twice with 400 naming both, on create and on PUT', async () => {
    const entity = await json(`${app.url}/features/entities`, { body: { name: 'twice', join_keys: ['k', 'k'] } });
    expect([entity.status, messageOf(entity)]).toEqual([
      400,
      expect.stringContaining('join_keys[1]: duplicates join_keys[0]'),
    ]);
    const entities = await json<{ name: string }[]>(`${app.url}/features/entities`);
    expect(entities.body.map((e) => e.name)).not.toContain('twice');

    const features = [
      { name: 'a', type: 'INT' },
      { name: 'b', type: 'INT' },
      { name: 'a', type: 'STRING' },
    ];
    const created = await json(`${app.url}/features/views`, { body: { ...PROFILE, name: 'twice', features } });
    expect([created.status, messageOf(created)]).toEqual([
      400,
      expect.stringContaining('features[2].name: duplicates features[0]'),
    ]);
    expect((await json(`${app.url}/features/views/twice`)).status).toBe(404);

    const base = { entity: 'user', ttl_seconds: 60, features: [{ name: 'a', type: 'INT' }] };
    expect((await json(`${app.url}/features/views`, { body: { ...base, name: 'twice_put' } })).status).toBe(201);
    const put = await json(`${app.url}/features/views/twice_put`, { method: 'PUT', body: { ...base, features } });
    expect([put.status, messageOf(put)]).toEqual([
      400,
      expect.stringContaining('features[2].name: duplicates features[0]'),
    ]);
    expect((await json<{ features: unknown[] }>(`${app.url}/features/views/twice_put`)).body.features).toEqual(
      base.features,
    );
  });

  it('rejects a view tag whose value is not a string with 400 naming the tag', async () => {
    const created = await json(`${app.url}/features/views`, {
      body: { ...PROFILE, name: 'tagged', tags: { team: 'x', a: 5 } },
    });
    expect([created.status, messageOf(created)]).toEqual([400, expect.stringContaining('tags.a: string expected')]);
    expect((await json(`${app.url}/features/views/tagged`)).status).toBe(404);
    const put = await json(`${app.url}/features/views/user_profile`, {
      method: 'PUT',
      body: { ...PROFILE, name: undefined, tags: { nested: { x: 1 } } },
    });
    expect([put.status, messageOf(put)]).toEqual([400, expect.stringContaining('tags.nested: string expected')]);
  });

  it('answers 400 to an online read that names both features and a feature service', async () => {
    const res = await read({
      features: ['user_profile:age'],
      feature_service: 'ranking',
      entities: { user_id: ['a'] },
    });
    expect([res.status, messageOf(res)]).toEqual([
      400,
      expect.stringContaining('features: give either features or feature_service, not both'),
    ]);
  });

  it('answers 409 to a feature service registered again with another definition, and 201 to the same one', async () => {
    const service = { name: 'registered_once', features: ['user_profile:age'] };
    expect((await json(`${app.url}/features/services`, { body: service })).status).toBe(201);
    expect((await json(`${app.url}/features/services`, { body: service })).status).toBe(201);
    const other = await json(`${app.url}/features/services`, { body: { ...service, features: ['user_profile:tier'] } });
    expect([other.status, messageOf(other)]).toEqual([409, expect.stringContaining('registered_once already exists')]);
    expect((await json(`${app.url}/features/services/registered_once`)).body).toEqual(service);
  });

  it('rejects a feature service that names a feature twice with 400 naming both (every read through it would fail)', async () => {
    const twice = { name: 'twice', features: ['user_profile:age', 'user_profile:tier', 'user_profile:age'] };
    const res = await json(`${app.url}/features/services`, { body: twice });
    expect([res.status, messageOf(res)]).toEqual([400, expect.stringContaining('features[2]: duplicates features[0]')]);
    expect((await json(`${app.url}/features/services/twice`)).status).toBe(404);
  });

  it('rejects maxlen without force on a stream trim with 400 and removes nothing', async () => {
    await client.xgroup('CREATE', 'fs:stream:user_profile', 'trim_audit', '$');
    try {
      await json(`${app.url}/features/push`, {
        body: { feature_view: 'user_profile', rows: [{ entity_id: 'trim_1', features: { age: 1 } }] },
      });
      await drained(app.url, 'user_profile');
      const before = await client.xlen('fs:stream:user_profile');
      expect(before).toBeGreaterThan(0);
      const res = await json(`${app.url}/features/views/user_profile/stream/trim`, { body: { maxlen: 1 } });
      expect([res.status, messageOf(res)]).toEqual([400, expect.stringContaining('maxlen: only with force: true')]);
      expect(await client.xlen('fs:stream:user_profile')).toBe(before);
    } finally {
      await client.xgroup('DESTROY', 'fs:stream:user_profile', 'trim_audit');
    }
  });

  it('says why entries are left after a trim without force: a consumer group has not acknowledged them', async () => {
    // A second group that never reads: the materializer acknowledges every entry, this group none.
    await client.xgroup('CREATE', 'fs:stream:user_profile', 'trim_audit', '$');
    try {
      await json(`${app.url}/features/push`, {
        body: {
          feature_view: 'user_profile',
          rows: [
            { entity_id: 'trim_2', features: { age: 1 } },
            { entity_id: 'trim_3', features: { age: 1 } },
          ],
        },
      });
      await drained(app.url, 'user_profile');
      const res = await json<{ removed: number; length: number; reason?: string }>(
        `${app.url}/features/views/user_profile/stream/trim`,
        { body: {} },
      );
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(2);
      expect(res.body.reason).toBe(
        '2 entries kept: from the oldest entry a consumer group has not acknowledged on; force: true trims them',
      );
    } finally {
      await client.xgroup('DESTROY', 'fs:stream:user_profile', 'trim_audit');
    }
  });

  it('documents a 400 answer for every features route that takes a body or a query', async () => {
    type Operation = { parameters?: { in: string }[]; requestBody?: unknown; responses: Record<string, unknown> };
    const spec = await json<{ paths: Record<string, Record<string, Operation>> }>(`${app.url}/docs-json`);
    const undocumented = Object.entries(spec.body.paths)
      .filter(([path]) => path.startsWith('/features'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method} ${path}`, op })))
      .filter(({ op }) => op.requestBody !== undefined || op.parameters?.some((p) => p.in === 'query'))
      .filter(({ op }) => op.responses['400'] === undefined)
      .map(({ route }) => route);
    expect(undocumented).toEqual([]);
  });

  describe('composite entities', () => {
    beforeAll(async () => {
      expect(
        (await json(`${app.url}/features/entities`, { body: { name: 'edge', join_keys: ['src', 'dst'] } })).status,
      ).toBe(201);
      const view = { name: 'edge_stats', entity: 'edge', ttl_seconds: 0, features: [{ name: 'w', type: 'INT' }] };
      expect((await json(`${app.url}/features/views`, { body: view })).status).toBe(201);
    });

    it('rejects a pushed entity_id without exactly one non-empty value per join key with 400, writing nothing', async () => {
      const before = await client.xlen('fs:stream:edge_stats');
      for (const id of ['ab', 'a:b:c', 'a:', ':b', 7]) {
        const res = await json(`${app.url}/features/push`, {
          body: { feature_view: 'edge_stats', rows: [{ entity_id: id, features: { w: 1 } }] },
        });
        expect([res.status, messageOf(res)]).toEqual([
          400,
          expect.stringContaining(
            "rows[0].entity_id: one non-empty value per join key of entity edge, joined by ':' (src:dst)",
          ),
        ]);
      }
      expect(await client.xlen('fs:stream:edge_stats')).toBe(before);
      // One join key: any id, ':' included, as before.
      const single = await json(`${app.url}/features/push`, {
        body: { feature_view: 'user_profile', rows: [{ entity_id: 'a:b:c', features: { age: 1 } }] },
      });
      expect(single.status).toBe(202);
    });

    it("reads a composite row by its join keys and rejects a join-key value holding ':' with 400 naming the key", async () => {
      const pushed = await json(`${app.url}/features/push`, {
        body: { feature_view: 'edge_stats', rows: [{ entity_id: 'a:b', features: { w: 3 } }] },
      });
      expect(pushed.status).toBe(202);
      await eventually(() => client.exists('fs:v1:edge_stats:a:b'));
      const ok = await read({ features: ['edge_stats:w'], entities: { src: ['a'], dst: ['b'] } });
      expect([ok.status, ok.body.results[2].values]).toEqual([200, [3]]);
      for (const [entities, key] of [
        [{ src: ['a:b'], dst: ['c'] }, 'src'],
        [{ src: ['a'], dst: ['b:c'] }, 'dst'],
      ] as const) {
        const res = await read({ features: ['edge_stats:w'], entities });
        expect([res.status, messageOf(res)]).toEqual([
          400,
          expect.stringContaining(`entities.${key}: values cannot contain ':' (entity edge joins src:dst)`),
        ]);
      }
    });

    it('dead-letters a raw entry whose composite entity_id has the wrong number of parts, with the reason', async () => {
      await client.xadd(
        'fs:stream:edge_stats',
        '*',
        'entity_id',
        'ab',
        'features',
        '{"w": 1}',
        'feature_view',
        'edge_stats',
      );
      expect(await deadLetterReason('ab')).toBe(
        "entity_id: one non-empty value per join key of entity edge, joined by ':' (src:dst), expected",
      );
      expect(await client.exists('fs:v1:edge_stats:ab')).toBe(0);
    });
  });
});

describe(`feature push backlog (${TOPOLOGY})`, () => {
  it('answers 503 with Retry-After when unmaterialized entries plus the new rows would exceed FEATURE_STREAM_MAXLEN', async () => {
    const store = await startStore();
    const client = store.client();
    // ROLES=api: no materializer, so every pushed entry stays unmaterialized.
    const app = await startTestApp(store.url, { ...store.env, ROLES: 'api', FEATURE_STREAM_MAXLEN: '5' });
    try {
      await setupRegistry(app.url);
      const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ entity_id: `b${i}`, features: { age: i } }));
      const push = (n: number) =>
        json<{ message: string }>(`${app.url}/features/push`, {
          body: { feature_view: 'user_profile', rows: rows(n) },
        });
      expect((await push(3)).status).toBe(202);
      const refused = await push(3);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(refused.body.message).toContain('FEATURE_STREAM_MAXLEN=5');
      expect(await client.xlen('fs:stream:user_profile')).toBe(3);
      expect((await push(2)).status).toBe(202); // exactly at the cap is accepted
    } finally {
      await app.close();
      await store.stop();
    }
  });
});

describe(`feature materializer under kill -9 (${TOPOLOGY})`, () => {
  it('materializes every pushed row as its latest event after a materializer dies mid-batch', async () => {
    const store = await startStore();
    const client = store.client();
    const prefix = 'k9:';
    const api = await startTestApp(store.url, { ...store.env, ROLES: 'api', KEY_PREFIX: prefix });
    const common = {
      VALKEY_URL: store.url,
      ...store.env,
      ROLES: 'features',
      KEY_PREFIX: prefix,
      STREAM_CLAIM_IDLE_MS: '500',
      FEATURE_MATERIALIZE_BATCH: '50',
    };
    try {
      await setupRegistry(api.url);
      // Every event is written before the materializer starts, so it is killed with most of them still to do.
      const expected = await rawEvents(client, `${prefix}fs:stream:user_profile`, 500, 40);
      const first = await spawnApp(common);
      await eventually(
        async () => (await indexed(client, 'user_profile', store.clustered, prefix)).length > 0,
        10000,
        10,
      );
      await first.kill9();
      const { body } = await json<{ groups: { pending: number; lag: number }[] }>(
        `${api.url}/features/views/user_profile/stream`,
      );
      expect(body.groups[0].pending + body.groups[0].lag).toBeGreaterThan(0); // it died with work left

      const second = await spawnApp(common);
      try {
        await drained(api.url, 'user_profile');
        await expectLatest(client, prefix, expected);
      } finally {
        await second.stop();
      }
    } finally {
      await api.close();
      await store.stop();
    }
  });
});
