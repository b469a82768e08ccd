import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { FeatureMaterializer } from '../src/modules/features/features.worker.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { spawnApp } from './support/process.js';
import { TestValkey } from './support/valkey.js';

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

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Events for `entities` entities, `versions` each with rising event times, XADDed in random order. */
async function rawEvents(client: Valkey, stream: string, entities: number, versions: number): Promise<void> {
  const base = Date.now() / 1000 - 600;
  const events: string[][] = [];
  for (let e = 0; e < entities; e++) {
    for (let v = 0; v < versions; v++) {
      events.push([
        'entity_id',
        `e${e}`,
        'features',
        JSON.stringify({ age: v, score: v / 2 }),
        'timestamp',
        String(base + v),
        'feature_view',
        'user_profile',
      ]);
    }
  }
  const pipeline = client.pipeline();
  for (const fields of shuffle(events)) pipeline.xadd(stream, '*', ...fields);
  await pipeline.exec();
}

async function expectLatest(client: Valkey, prefix: string, entities: number, versions: number): Promise<void> {
  const pipeline = client.pipeline();
  for (let e = 0; e < entities; e++) pipeline.hmget(`${prefix}fs:v1:user_profile:e${e}`, 'age', 'score');
  const rows = ((await pipeline.exec()) ?? []).map(([, row]) => row);
  const expected = Array.from({ length: entities }, () => [String(versions - 1), String((versions - 1) / 2)]);
  expect(rows).toEqual(expected);
}

describe('feature store', () => {
  let valkey: TestValkey;
  let app: TestApp;
  let client: Valkey;
  const env = {
    ROLES: 'all',
    STREAM_CLAIM_IDLE_MS: '500',
    FEATURE_MAX_ENTITIES: '50',
    FEATURE_MATERIALIZE_BATCH: '20',
  };

  beforeAll(async () => {
    valkey = await TestValkey.start();
    client = valkey.client();
    app = await startTestApp(valkey.url, env);
    await setupRegistry(app.url);
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
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
    expect(row).toMatchObject({ _updated_at: String(now), _feature_view: 'user_profile', age: '31', tier: '"gold"' });
    expect(await client.sismember('fs:index:user_profile', 'raw_1')).toBe(1);

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

  it('writes a batch of several script calls after the server lost its scripts (SCRIPT FLUSH)', async () => {
    await client.script('FLUSH');
    const at = Date.now() / 1000;
    const entries = Array.from({ length: 250 }, (_, i) => ({
      id: `1-${i}`,
      fields: { entity_id: `flush_${i}`, features: JSON.stringify({ age: i, score: i / 4 }), timestamp: String(at) },
      deliveries: 1,
    }));
    expect(await app.app.get(FeatureMaterializer).materialize('user_profile', entries)).toEqual({ rejected: [] });
    const pipeline = client.pipeline();
    for (let i = 0; i < 250; i++) pipeline.hmget(`fs:v1:user_profile:flush_${i}`, 'age', 'score', '_updated_at');
    const rows = ((await pipeline.exec()) ?? []).map(([, row]) => row);
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
    expect(letters).toEqual(['features.age: INT expected', 'features: not valid JSON']);
    expect(await client.exists('fs:v1:user_profile:bad_1', 'fs:v1:user_profile:bad_2')).toBe(0);
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
    const second = await startTestApp(valkey.url, { ...env, ROLES: 'features' });
    try {
      await eventually(async () => (await consumers()) === 2 * one); // the second replica's consumers joined
      await rawEvents(client, 'fs:stream:user_profile', 20, 30);
      await drained(app.url, 'user_profile');
      await expectLatest(client, '', 20, 30);
    } finally {
      await second.close();
    }
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
    await eventually(async () => (await client.exists('fs:v1:user_profile:mv', 'fs:v1:user_stats:mv')) === 2);

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
    const before = await client.xlen('fs:stream:user_profile');
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
    expect(await client.xlen('fs:stream:user_profile')).toBe(before);
  });

  it('rejects an INT written as 3.0 in the request JSON, naming the field, and accepts 3 for INT and FLOAT', async () => {
    await drained(app.url, 'user_profile');
    const before = await client.xlen('fs:stream:user_profile');
    const raw = (features: string) =>
      `{"feature_view": "user_profile", "rows": [{"entity_id": "lit", "features": ${features}}]}`;
    const float = await json<{ message: string[] }>(`${app.url}/features/push`, {
      body: raw('{"score": 1.5, "age": 3.0}'),
    });
    expect(float.status).toBe(400);
    expect(float.body.message).toEqual(['rows[0].features.age: INT expected']);
    expect(await client.xlen('fs:stream:user_profile')).toBe(before);

    const integers = await json(`${app.url}/features/push`, { body: raw('{"age": 3, "score": 3}') });
    expect(integers.status).toBe(202);
    expect(await client.xlen('fs:stream:user_profile')).toBe(before + 1);
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
    await eventually(async () => (await client.exists('fs:v1:evolving:r1', 'fs:v1:evolving:r2')) === 2);

    const deleted = await json(`${app.url}/features/views/evolving`, { method: 'DELETE' });
    expect(deleted).toMatchObject({ status: 200, body: { name: 'evolving', rows_removed: 2 } });
    expect(await client.exists('fs:v1:evolving:r1', 'fs:v1:evolving:r2', 'fs:index:evolving')).toBe(0);
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
});

describe('feature push backlog', () => {
  it('answers 503 with Retry-After when unmaterialized entries plus the new rows would exceed FEATURE_STREAM_MAXLEN', async () => {
    const valkey = await TestValkey.start();
    const client = valkey.client();
    // ROLES=api: no materializer, so every pushed entry stays unmaterialized.
    const app = await startTestApp(valkey.url, { ROLES: 'api', FEATURE_STREAM_MAXLEN: '5' });
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
      await valkey.stop();
    }
  });
});

describe('feature materializer under kill -9', () => {
  it('materializes every pushed row as its latest event after a materializer dies mid-batch', async () => {
    const valkey = await TestValkey.start();
    const client = valkey.client();
    const prefix = 'k9:';
    const api = await startTestApp(valkey.url, { ROLES: 'api', KEY_PREFIX: prefix });
    const common = {
      VALKEY_URL: valkey.url,
      ROLES: 'features',
      KEY_PREFIX: prefix,
      STREAM_CLAIM_IDLE_MS: '500',
      FEATURE_MATERIALIZE_BATCH: '50',
    };
    try {
      await setupRegistry(api.url);
      const first = await spawnApp(common);
      await rawEvents(client, `${prefix}fs:stream:user_profile`, 500, 40);
      await eventually(async () => (await client.scard(`${prefix}fs:index:user_profile`)) > 0);
      await first.kill9();
      const { body } = await json<{ groups: { pending: number; lag: number }[] }>(
        `${api.url}/features/views/user_profile/stream`,
      );
      expect(body.groups[0].pending + body.groups[0].lag).toBeGreaterThan(0); // it died with work left

      const second = await spawnApp(common);
      try {
        await drained(api.url, 'user_profile');
        await expectLatest(client, prefix, 500, 40);
      } finally {
        await second.stop();
      }
    } finally {
      await api.close();
      await valkey.stop();
    }
  });
});
