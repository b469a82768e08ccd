import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { FeaturesController } from '../src/modules/features/features.controller.js';
import { OnlineFeaturesRequestDto } from '../src/modules/features/features.dto.js';
import { json, startTestApp, type TestApp } from './support/app.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

type Refusal = { message: string | string[] };
const text = (body: unknown): string => [(body as Refusal).message].flat().join('; ');

const features = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, type: 'INT' }));
const view = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  entity: 'user',
  ttl_seconds: 0,
  features: features(2),
  ...extra,
});

/** Caps on what the feature registry holds and on what one online read may ask for, whoever asks. */
describe(`feature store limits (${TOPOLOGY})`, () => {
  let store: TestStore;
  let client: Valkey;
  let app: TestApp;

  beforeAll(async () => {
    store = await startStore();
    client = store.client();
    app = await startTestApp(store.url, {
      ...store.env,
      ROLES: 'api',
      FEATURE_REGISTRY_MAX_ENTITIES: '2',
      FEATURE_REGISTRY_MAX_VIEWS: '2',
      FEATURE_REGISTRY_MAX_SERVICES: '1',
      FEATURE_MAX_FEATURES_PER_VIEW: '4',
      FEATURE_MAX_TAGS_PER_VIEW: '2',
      FEATURE_MAX_ENTITIES: '50',
      FEATURE_MAX_READ_CELLS: '20',
    });
    expect(
      (await json(`${app.url}/features/entities`, { body: { name: 'user', join_keys: ['user_id'] } })).status,
    ).toBe(201);
    expect((await json(`${app.url}/features/views`, { body: view('wide', { features: features(4) }) })).status).toBe(
      201,
    );
  });

  afterAll(async () => {
    await app?.close();
    await store?.stop();
  });

  it('one entity past FEATURE_REGISTRY_MAX_ENTITIES is a 409 naming the limit; the same definition again stays a no-op', async () => {
    expect(
      (await json(`${app.url}/features/entities`, { body: { name: 'item', join_keys: ['item_id'] } })).status,
    ).toBe(201);
    const over = await json(`${app.url}/features/entities`, { body: { name: 'shop', join_keys: ['shop_id'] } });
    expect(over.status).toBe(409);
    expect(text(over.body)).toContain('FEATURE_REGISTRY_MAX_ENTITIES=2');
    expect(await client.hexists('fs:registry:entities', 'shop')).toBe(0);
    expect(
      (await json(`${app.url}/features/entities`, { body: { name: 'item', join_keys: ['item_id'] } })).status,
    ).toBe(201);
  });

  it('one view past FEATURE_REGISTRY_MAX_VIEWS is a 409 naming the limit; deleting a view frees its place', async () => {
    expect((await json(`${app.url}/features/views`, { body: view('second') })).status).toBe(201);
    const over = await json(`${app.url}/features/views`, { body: view('third') });
    expect(over.status).toBe(409);
    expect(text(over.body)).toContain('FEATURE_REGISTRY_MAX_VIEWS=2');
    expect(await client.hexists('fs:registry:views', 'third')).toBe(0);
    expect((await json(`${app.url}/features/views/second`, { method: 'DELETE' })).status).toBe(200);
    expect((await json(`${app.url}/features/views`, { body: view('third') })).status).toBe(201);
  });

  it('one feature service past FEATURE_REGISTRY_MAX_SERVICES is a 409 naming the limit', async () => {
    const first = { name: 'svc1', features: ['wide:f0'] };
    expect((await json(`${app.url}/features/services`, { body: first })).status).toBe(201);
    const over = await json(`${app.url}/features/services`, { body: { name: 'svc2', features: ['wide:f1'] } });
    expect(over.status).toBe(409);
    expect(text(over.body)).toContain('FEATURE_REGISTRY_MAX_SERVICES=1');
    expect(await client.hexists('fs:registry:services', 'svc2')).toBe(0);
    expect((await json(`${app.url}/features/services`, { body: first })).status).toBe(201);
  });

  it('a view with more than FEATURE_MAX_FEATURES_PER_VIEW features is a 400 naming features, on create and on PUT', async () => {
    expect((await json(`${app.url}/features/views/third`, { method: 'DELETE' })).status).toBe(200);
    const created = await json(`${app.url}/features/views`, { body: view('too_wide', { features: features(5) }) });
    expect(created.status).toBe(400);
    expect(text(created.body)).toContain('features');
    expect(text(created.body)).toContain('FEATURE_MAX_FEATURES_PER_VIEW=4');
    expect(await client.hexists('fs:registry:views', 'too_wide')).toBe(0);
    const { name: _name, ...definition } = view('wide', { features: features(5) });
    const put = await json(`${app.url}/features/views/wide`, { method: 'PUT', body: definition });
    expect(put.status).toBe(400);
    expect(text(put.body)).toContain('FEATURE_MAX_FEATURES_PER_VIEW=4');
    expect((await json<{ features: unknown[] }>(`${app.url}/features/views/wide`)).body.features).toHaveLength(4);
  });

  it('a view with more than FEATURE_MAX_TAGS_PER_VIEW tags is a 400 naming tags, on create and on PUT', async () => {
    const tags = { a: '1', b: '2', c: '3' };
    const created = await json(`${app.url}/features/views`, { body: view('tagged', { tags }) });
    expect(created.status).toBe(400);
    expect(text(created.body)).toContain('tags');
    expect(text(created.body)).toContain('FEATURE_MAX_TAGS_PER_VIEW=2');
    const { name: _name, ...definition } = view('wide', { features: features(4), tags });
    const put = await json(`${app.url}/features/views/wide`, { method: 'PUT', body: definition });
    expect(put.status).toBe(400);
    expect(text(put.body)).toContain('FEATURE_MAX_TAGS_PER_VIEW=2');
    const fits = await json(`${app.url}/features/views`, { body: view('tagged', { tags: { a: '1', b: '2' } }) });
    expect(fits.status).toBe(201);
  });

  const wideRead = (entities: number) => ({
    features: ['wide:f0', 'wide:f1', 'wide:f2', 'wide:f3'],
    entities: { user_id: Array.from({ length: entities }, (_, i) => `u${i}`) },
  });

  it('an online read of more than FEATURE_MAX_READ_CELLS values (entities × features) is a 400 naming both and the limit', async () => {
    // 5 × 4 = 20 fits; 6 × 4 = 24 does not, though 6 rows are far below FEATURE_MAX_ENTITIES.
    expect((await json(`${app.url}/features/get-online-features`, { body: wideRead(5) })).status).toBe(200);
    const over = await json(`${app.url}/features/get-online-features`, { body: wideRead(6) });
    expect(over.status).toBe(400);
    for (const word of ['entities', 'features', 'FEATURE_MAX_READ_CELLS=20']) expect(text(over.body)).toContain(word);
    // A feature service is counted the same way.
    const service = await json(`${app.url}/features/get-online-features`, {
      body: { feature_service: 'svc1', entities: { user_id: Array.from({ length: 21 }, (_, i) => `u${i}`) } },
    });
    expect(service.status).toBe(400);
    expect(text(service.body)).toContain('FEATURE_MAX_READ_CELLS=20');
  });

  it('the controller route (beside the fast route) enforces FEATURE_MAX_READ_CELLS too: the check is in the service', async () => {
    const controller = app.app.get(FeaturesController);
    const request = Object.assign(new OnlineFeaturesRequestDto(), wideRead(6));
    await expect(controller.getOnlineFeatures(request)).rejects.toMatchObject({
      status: 400,
      response: { message: [expect.stringContaining('FEATURE_MAX_READ_CELLS=20')] },
    });
    const fits = await controller.getOnlineFeatures(Object.assign(new OnlineFeaturesRequestDto(), wideRead(5)));
    expect(fits.metadata.feature_names).toEqual(['user_id', 'f0', 'f1', 'f2', 'f3']);
  });
});
