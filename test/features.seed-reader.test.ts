import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';
import { SEED_VIEW } from './support/seed-view.js';

/**
 * The feature-store tutorial's programs (the seed), ported line for line with a raw client and no Skein code: its
 * producer XADDs `fs:stream:{view}` with `features` as JSON and `timestamp` as str(time.time()); its reader does
 * HGETALL on `fs:v1:{view}:{entity}`, drops the fields that start with `_`, and uses the rest as plain text
 * (`{'age': '28', 'segment': 'premium'}`).
 */
async function tutorialRead(client: Valkey, view: string, entity: string): Promise<Record<string, string>> {
  const raw = await client.hgetall(`fs:v1:${view}:${entity}`);
  return Object.fromEntries(Object.entries(raw).filter(([field]) => !field.startsWith('_')));
}

const VIEW = SEED_VIEW;

interface Online {
  results: { values: unknown[]; statuses: string[] }[];
}

describe(`the feature-store tutorial's reader against Skein's rows (${TOPOLOGY})`, () => {
  let store: TestStore;
  let app: TestApp;
  let client: Valkey;

  beforeAll(async () => {
    store = await startStore();
    client = store.client();
    app = await startTestApp(store.url, {
      ...store.env,
      ROLES: 'all',
    });
    expect(
      (await json(`${app.url}/features/entities`, { body: { name: 'user', join_keys: ['user_id'] } })).status,
    ).toBe(201);
    expect((await json(`${app.url}/features/views`, { body: VIEW })).status).toBe(201);
  });

  afterAll(async () => {
    await app?.close();
    await store?.stop();
  });

  const online = async (entity: string): Promise<{ values: unknown[]; statuses: string[] }> => {
    const { status, body } = await json<Online>(`${app.url}/features/get-online-features`, {
      body: { features: VIEW.features.map((f) => `user_profile:${f.name}`), entities: { user_id: [entity] } },
    });
    expect(status).toBe(200);
    return {
      values: body.results.slice(1).map((column) => column.values[0]),
      statuses: body.results.slice(1).map((column) => column.statuses[0]),
    };
  };

  it('sees plain text for each type after a REST push, and the online read still answers typed values', async () => {
    const features = { age: 28, lifetime_value: 1250.5, segment: 'premium', active: true, emb: [0.1, -2, 3.5] };
    const push = await json(`${app.url}/features/push`, {
      body: { feature_view: 'user_profile', rows: [{ entity_id: 'user_001', features }] },
    });
    expect(push.status).toBe(202);
    const row = await eventually(async () => {
      const read = await tutorialRead(client, 'user_profile', 'user_001');
      return Object.keys(read).length > 0 ? read : undefined;
    });
    expect(row).toEqual({
      age: '28',
      lifetime_value: '1250.5',
      segment: 'premium',
      active: 'true',
      emb: '[0.1,-2,3.5]',
    });
    expect(await online('user_001')).toEqual({ values: Object.values(features), statuses: Array(5).fill('PRESENT') });
  });

  it("materializes the tutorial's raw XADD and its reader sees its own values back", async () => {
    // message = {"entity_id": ..., "features": json.dumps({...}), "timestamp": str(time.time()), "feature_view": ...}
    await client.xadd(
      'fs:stream:user_profile',
      'MAXLEN',
      '10000',
      '*',
      'entity_id',
      'user_002',
      'features',
      JSON.stringify({ age: 35, segment: 'basic' }),
      'timestamp',
      String(Date.now() / 1000),
      'feature_view',
      'user_profile',
    );
    const row = await eventually(async () => {
      const read = await tutorialRead(client, 'user_profile', 'user_002');
      return Object.keys(read).length > 0 ? read : undefined;
    });
    expect(row).toEqual({ age: '35', segment: 'basic' });
  });

  it('a null clears the field: the tutorial reader no longer sees it, the online read says NULL_VALUE', async () => {
    await json(`${app.url}/features/push`, {
      body: { feature_view: 'user_profile', rows: [{ entity_id: 'user_003', features: { age: 1, segment: 'x' } }] },
    });
    await eventually(async () => (await tutorialRead(client, 'user_profile', 'user_003')).segment === 'x');
    await json(`${app.url}/features/push`, {
      body: { feature_view: 'user_profile', rows: [{ entity_id: 'user_003', features: { segment: null } }] },
    });
    await eventually(async () => (await tutorialRead(client, 'user_profile', 'user_003')).segment === undefined);
    expect(await tutorialRead(client, 'user_profile', 'user_003')).toEqual({ age: '1' });
    // age present; lifetime_value never pushed and segment cleared: both absent fields of a present row.
    expect((await online('user_003')).statuses.slice(0, 3)).toEqual(['PRESENT', 'NULL_VALUE', 'NULL_VALUE']);
  });

  it('reads a row written in the old JSON encoding typed, and rewrites its old values as plain text on the next write', async () => {
    // A row as Skein wrote it before the plain-text encoding: every value JSON-encoded, no `_enc` field.
    const at = Math.floor(Date.now() / 1000) - 60;
    await client.hset(
      'fs:v1:user_profile:legacy',
      'age',
      '41',
      'lifetime_value',
      '2.5',
      'segment',
      '"gold"',
      'active',
      'false',
      'emb',
      '[1,2,3]',
      '_updated_at',
      String(at),
      '_entry_id',
      `${at * 1000}-0`,
      '_feature_view',
      'user_profile',
    );
    expect(await online('legacy')).toEqual({
      values: [41, 2.5, 'gold', false, [1, 2, 3]],
      statuses: Array(5).fill('PRESENT'),
    });
    await json(`${app.url}/features/push`, {
      body: { feature_view: 'user_profile', rows: [{ entity_id: 'legacy', features: { age: 42 } }] },
    });
    await eventually(async () => (await tutorialRead(client, 'user_profile', 'legacy')).age === '42');
    expect(await tutorialRead(client, 'user_profile', 'legacy')).toEqual({
      age: '42',
      lifetime_value: '2.5',
      segment: 'gold',
      active: 'false',
      emb: '[1,2,3]',
    });
    expect((await online('legacy')).values).toEqual([42, 2.5, 'gold', false, [1, 2, 3]]);
  });

  it('keeps a STRING that looks like JSON exactly as pushed', async () => {
    const segment = '"quoted" and null';
    await json(`${app.url}/features/push`, {
      body: { feature_view: 'user_profile', rows: [{ entity_id: 'user_004', features: { segment } }] },
    });
    await eventually(async () => (await tutorialRead(client, 'user_profile', 'user_004')).segment === segment);
    for (const text of ['"x"', 'null', '42', 'true']) {
      await json(`${app.url}/features/push`, {
        body: { feature_view: 'user_profile', rows: [{ entity_id: `json_${text}`, features: { segment: text } }] },
      });
      await eventually(async () => (await tutorialRead(client, 'user_profile', `json_${text}`)).segment === text);
      expect((await online(`json_${text}`)).values[2]).toBe(text);
    }
  });
});
