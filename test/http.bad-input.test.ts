import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import { json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

/** 3,000 levels of arrays in 18 KB: enough to overflow class-transformer's recursion (a 500 before). */
const DEEP = `${'['.repeat(3000)}${']'.repeat(3000)}`;

/** Every route that takes a JSON body, with a body whose `field` nests 3,000 levels deep. */
const DEEP_BODIES: [method: string, path: string, body: string][] = [
  ['POST', '/articles', `{"title":"t","body":${DEEP}}`],
  ['POST', '/articles/batch', `{"articles":${DEEP}}`],
  ['PUT', '/users/u1/topics', `{"topics":${DEEP}}`],
  ['POST', '/features/entities', `{"name":"user","join_keys":${DEEP}}`],
  ['POST', '/features/views', `{"name":"v","entity":"user","ttl_seconds":0,"features":${DEEP}}`],
  ['PUT', '/features/views/v', `{"entity":"user","ttl_seconds":0,"features":${DEEP}}`],
  ['POST', '/features/push', `{"feature_view":"v","rows":${DEEP}}`],
  ['POST', '/features/get-online-features', `{"features":["v:age"],"entities":{"user_id":${DEEP}}}`],
  ['POST', '/features/services', `{"name":"s","features":${DEEP}}`],
  ['POST', '/features/views/v/stream/trim', `{"maxlen":${DEEP}}`],
  ['POST', '/llm/streams', `{"prompt":"hi","model":${DEEP}}`],
  ['POST', '/dead-letters/classify/replay', `{"ids":${DEEP}}`],
];

function connect(url: string, namespace: string): Promise<Socket> {
  const socket = io(`${url}${namespace}`, {
    auth: { userId: 'u-deep' },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve) => socket.once('connect', () => resolve(socket)));
}

describe('HTTP: hostile bodies get a 400 naming the problem, never a 500', () => {
  let valkey: TestValkey;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await startTestApp(valkey.url, { ROLES: 'api' });
    await json(`${app.url}/features/entities`, { body: { name: 'user', join_keys: ['user_id'] } });
    await json(`${app.url}/features/views`, {
      body: { name: 'v', entity: 'user', ttl_seconds: 0, features: [{ name: 'age', type: 'INT' }] },
    });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  it.each(DEEP_BODIES)(
    '%s %s with a field nested 3,000 levels deep is a 400 naming the depth',
    async (method, path, body) => {
      const res = await json<{ message: unknown }>(`${app.url}${path}`, { method, body });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toContain('deeper than 32 levels');
    },
  );

  it('a body nested as deep as real ones (a push row with a vector) is accepted', async () => {
    await json(`${app.url}/features/views`, {
      body: { name: 'vec', entity: 'user', ttl_seconds: 0, features: [{ name: 'e', type: 'VECTOR', length: 2 }] },
    });
    const res = await json(`${app.url}/features/push`, {
      body: { feature_view: 'vec', rows: [{ entity_id: 'u1', features: { e: [0.5, 1.5] } }] },
    });
    expect(res.status).toBe(202);
  });

  it.each([
    ['POST', '/articles/batch', { articles: [[]] }, 'each item of articles must be an object'],
    ['POST', '/articles/batch', { articles: [[{ title: 't', body: 'b' }]] }, 'each item of articles must be an object'],
    ['POST', '/features/views', { name: 'w', entity: 'user', ttl_seconds: 0, features: [[]] }, 'each item of features'],
    ['POST', '/features/push', { feature_view: 'v', rows: [[]] }, 'each item of rows must be an object'],
  ])('%s %s with an array in place of an item is a 400 naming the field', async (method, path, body, message) => {
    const res = await json<{ message: unknown }>(`${app.url}${path}`, { method, body });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain(message);
  });

  it('POST /dead-letters/{stage}/replay with ids null is a 400, not a replay of every entry', async () => {
    const res = await json<{ message: unknown }>(`${app.url}/dead-letters/classify/replay`, { body: { ids: null } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain('ids must be an array');
  });

  it.each([
    ['/llm', 'join'],
    ['/feeds', 'feed:sync'],
  ])(
    'a %s %s payload nested 100 levels deep is acknowledged with an error, not an exception',
    async (namespace, event) => {
      const socket = await connect(app.url, namespace);
      const exceptions: unknown[] = [];
      socket.on('exception', (e: unknown) => exceptions.push(e));
      const deep = JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`) as unknown;
      const reply = (await socket.timeout(5000).emitWithAck(event, deep)) as { error?: string };
      socket.close();
      expect(reply.error).toEqual(expect.any(String));
      expect(exceptions).toEqual([]);
    },
  );
});
