import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { io, type Socket } from 'socket.io-client';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

const PREFIX = 'tenant1:';

describe('KEY_PREFIX', () => {
  let valkey: TestValkey;
  let client: Valkey;
  let app: TestApp;
  let socket: Socket | undefined;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    client = valkey.client();
    app = await startTestApp(valkey.url, { KEY_PREFIX: PREFIX });
  });

  afterAll(async () => {
    socket?.disconnect();
    await app.close();
    await valkey.stop();
  });

  it('puts every key and Pub/Sub channel the app uses under the prefix', async () => {
    expect((await json(`${app.url}/users/u1/topics`, { method: 'PUT', body: { topics: ['finance'] } })).status).toBe(
      200,
    );
    expect((await json(`${app.url}/users/u1/feed`)).status).toBe(200);
    socket = io(`${app.url}/feeds`, { auth: { userId: 'u1' }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket?.once('connect', () => resolve());
      socket?.once('connect_error', reject);
    });
    const article = {
      id: 'p1',
      title: 'Central bank raises rates',
      body: 'The bank raised interest rates; stocks fell.',
    };
    expect((await json(`${app.url}/articles`, { body: article })).status).toBe(202);
    await json(`${app.url}/features/entities`, { body: { name: 'user', join_keys: ['user_id'] } });
    await json(`${app.url}/features/views`, {
      body: { name: 'profile', entity: 'user', features: [{ name: 'age', type: 'INT' }], ttl_seconds: 0 },
    });
    const push = { feature_view: 'profile', rows: [{ entity_id: 'e1', features: { age: 3 } }] };
    expect((await json(`${app.url}/features/push`, { body: push })).status).toBe(202);
    expect((await json(`${app.url}/llm/streams`, { body: { prompt: 'hi', id: 's1', max_tokens: 2 } })).status).toBe(
      201,
    );
    await eventually(async () => (await json<{ items: unknown[] }>(`${app.url}/users/u1/feed`)).body.items.length > 0);
    await eventually(async () => (await client.exists(`${PREFIX}fs:v1:profile:e1`)) === 1);

    const keys = await client.keys('*');
    const channels = (await client.call('PUBSUB', 'CHANNELS')) as string[];
    expect(keys.length).toBeGreaterThan(10);
    expect(channels.length).toBeGreaterThan(0);
    expect(keys.filter((key) => !key.startsWith(PREFIX))).toEqual([]);
    // Never prefixed twice; a hash tag may name another prefixed key, whose slot the key shares (sameSlot:
    // `tenant1:article_accepted:{tenant1:news_raw}:p1`), and that key is prefixed once too.
    const twice = (name: string): boolean => name.indexOf(PREFIX, PREFIX.length) >= 0;
    const tagOf = (key: string): string | undefined => /\{([^}]+)\}/.exec(key)?.[1];
    expect(keys.filter((key) => twice(key.replace(/\{[^}]+\}/, '{}')) || twice(tagOf(key) ?? ''))).toEqual([]);
    expect(channels.filter((channel) => !channel.startsWith(PREFIX))).toEqual([]);
  });
});
