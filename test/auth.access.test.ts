import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

/** Routes anyone may call without a credential (DESIGN.md, "Identity and access"). */
const OPEN = new Set(['GET /', 'GET /health', 'GET /health/live', 'GET /health/ready', 'GET /metrics', 'GET /topics']);

/**
 * Routes whose door admits any valid credential (`@Access.authenticated()`): each MCP tool then checks its REST
 * twin's rule, refusing as a tool error result (test/mcp.test.ts).
 */
const AUTHENTICATED = new Set(['POST /mcp', 'GET /mcp', 'DELETE /mcp']);

/** A value for each route parameter, so every route in the table can be called. */
const PARAMS: Record<string, string> = {
  uid: 'u1',
  id: 's-other',
  name: 'v1',
  stage: 'classify',
  topic: 'technology',
};

interface Route {
  method: string;
  path: string;
}

/** The app's own route table (Express's router, which Nest fills from every controller): no list kept by hand. */
function routeTable(app: TestApp): Route[] {
  const express = app.app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  const routes: Route[] = [];
  for (const layer of express.router.stack) {
    // Not handlers: middleware Nest mounts on every path (`{/*splat}`), and Swagger UI's own routes (open by design).
    if (!layer.route || layer.route.path.startsWith('{/') || layer.route.path.startsWith('/docs')) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') routes.push({ method: method.toUpperCase(), path: layer.route.path });
    }
  }
  return routes;
}

function concrete(path: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) => PARAMS[name] ?? 'x');
}

async function call(
  app: TestApp,
  route: Route,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { message?: string }; headers: Headers }> {
  const withBody = route.method === 'POST' || route.method === 'PUT';
  return json(`${app.url}${concrete(route.path)}`, {
    method: route.method,
    body: withBody ? {} : undefined,
    headers,
  });
}

function connect(url: string, auth: Record<string, unknown>): Promise<Socket> {
  const socket = io(url, { auth, transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      reject(Object.assign(error, { data: error.data }));
    });
  });
}

async function refusal(url: string, auth: Record<string, unknown>): Promise<{ status: number; message: string }> {
  try {
    (await connect(url, auth)).close();
  } catch (error) {
    return (error as { data: { status: number; message: string } }).data;
  }
  throw new Error('the handshake was accepted');
}

describe('access: one door for every route and socket', () => {
  let valkey: TestValkey;
  let app: TestApp;
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };

  async function key(scopes: string[]): Promise<string> {
    const created = await json<{ key: string }>(`${app.url}/auth/keys`, {
      body: { name: `test ${scopes.join(' ')}`, scopes },
      headers: admin,
    });
    expect(created.status).toBe(201);
    return created.body.key;
  }

  async function userToken(uid: string): Promise<string> {
    const minted = await json<{ token: string; expires_at: string }>(`${app.url}/auth/user-tokens`, {
      body: { user_id: uid },
      headers: admin,
    });
    expect(minted.status).toBe(201);
    return minted.body.token;
  }

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await startTestApp(valkey.url, { AUTH_DISABLED: 'false', AUTH_ADMIN_KEY: ADMIN_KEY });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  it('answers 401 with WWW-Authenticate: Bearer on every route of the table but the open ones', async () => {
    const routes = routeTable(app);
    expect(routes.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const route of routes) {
      const name = `${route.method} ${route.path.replace(/:\w+/g, (p) => `{${p.slice(1)}}`)}`;
      const res = await call(app, route);
      const open = OPEN.has(`${route.method} ${route.path}`);
      if (
        open ? res.status === 401 : res.status !== 401 || !/^Bearer/.test(res.headers.get('www-authenticate') ?? '')
      ) {
        wrong.push(`${name} -> ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 403 on every non-open route to a token that opens something else (another user, another stream)', async () => {
    const other = await userToken('someone-else');
    const streamed = await json<{ viewer_token: string }>(`${app.url}/llm/streams`, {
      body: { prompt: 'hello', max_tokens: 2 },
      headers: admin,
    });
    const viewer = streamed.body.viewer_token;
    const wrong: string[] = [];
    for (const route of routeTable(app)) {
      if (OPEN.has(`${route.method} ${route.path}`) || AUTHENTICATED.has(`${route.method} ${route.path}`)) continue;
      for (const token of [other, viewer]) {
        const res = await call(app, route, { authorization: `Bearer ${token}` });
        if (res.status !== 403) wrong.push(`${route.method} ${route.path} -> ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses a key without the scope with 403 naming the scope, on a fast route and a controller route alike', async () => {
    const ops = await key(['ops']);
    const ingest = await key(['ingest']);
    const article = { title: 'Scoped', body: 'Only ingest keys may post articles.' };
    const refused = await json<{ message: string }>(`${app.url}/articles`, {
      body: article,
      headers: { authorization: `Bearer ${ops}` },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('scope ingest');
    const read = await json<{ message: string }>(`${app.url}/features/get-online-features`, {
      body: { features: ['v:f'], entities: { id: ['1'] } },
      headers: { 'x-api-key': ingest },
    });
    expect(read.status).toBe(403);
    expect(read.body.message).toContain('scope features:read');
    const accepted = await json(`${app.url}/articles`, { body: article, headers: { 'x-api-key': ingest } });
    expect(accepted.status).toBe(202);
    const dead = await json<{ message: string }>(`${app.url}/dead-letters/classify`, {
      headers: { 'x-api-key': ingest },
    });
    expect(dead.status).toBe(403);
    expect(dead.body.message).toContain('scope ops');
    expect((await json(`${app.url}/dead-letters/classify`, { headers: { 'x-api-key': ops } })).status).toBe(200);
  });

  it('answers 401 to a wrong key without echoing it', async () => {
    const res = await json<{ message: string }>(`${app.url}/pipeline/stats`, {
      headers: { authorization: 'Bearer skein_000000000000_not-a-real-key-at-all' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    expect(JSON.stringify(res.body)).not.toContain('not-a-real-key');
  });

  it('lists keys without the keys themselves, and a revoked key stops working at once', async () => {
    const ops = await key(['ops']);
    const listed = await json<{ keys: { id: string; name: string; scopes: string[] }[] }>(`${app.url}/auth/keys`, {
      headers: admin,
    });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(ops);
    const id = /^skein_([0-9a-f]{12})_/.exec(ops)![1];
    expect(listed.body.keys.map((k) => k.id)).toContain(id);
    expect((await json(`${app.url}/pipeline/stats`, { headers: { 'x-api-key': ops } })).status).toBe(200);
    expect((await json(`${app.url}/auth/keys/${id}`, { method: 'DELETE', headers: admin })).status).toBe(204);
    expect((await json(`${app.url}/pipeline/stats`, { headers: { 'x-api-key': ops } })).status).toBe(401);
    expect((await json(`${app.url}/auth/keys/${id}`, { method: 'DELETE', headers: admin })).status).toBe(404);
  });

  it("opens one user's topics and feed with that user's token, and refuses another user's naming both", async () => {
    const token = await userToken('u1');
    const mine = { authorization: `Bearer ${token}` };
    expect(
      (await json(`${app.url}/users/u1/topics`, { method: 'PUT', body: { topics: ['science'] }, headers: mine }))
        .status,
    ).toBe(200);
    expect((await json(`${app.url}/users/u1/feed`, { headers: mine })).status).toBe(200);
    const other = await json<{ message: string }>(`${app.url}/users/u2/feed`, { headers: mine });
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('this token is for user u1, not user u2');
    expect((await json(`${app.url}/articles`, { body: { title: 't', body: 'b' }, headers: mine })).status).toBe(403);
  });

  it('takes a /feeds socket user from its token, and refuses a claim of another user or no credential', async () => {
    const token = await userToken('u1');
    const url = `${app.url}/feeds`;
    expect(await refusal(url, { userId: 'u1' })).toEqual({
      status: 401,
      message: expect.stringContaining('credential'),
    });
    expect(await refusal(url, { token, userId: 'u2' })).toEqual({
      status: 403,
      message: 'this token is for user u1, not user u2',
    });
    const ops = await key(['ops']);
    expect((await refusal(url, { token: ops, userId: 'u1' })).status).toBe(403);
    // The token's user, not a claim: u1 gets u1's deliveries.
    const socket = await connect(url, { token });
    try {
      const items: { id: string }[] = [];
      socket.on('feed:item', (item: { id: string }) => items.push(item));
      await json(`${app.url}/users/u1/topics`, {
        method: 'PUT',
        body: {
          topics: [
            'technology',
            'science',
            'business',
            'health',
            'politics',
            'sports',
            'climate',
            'education',
            'entertainment',
            'finance',
          ],
        },
        headers: { authorization: `Bearer ${token}` },
      });
      await json(`${app.url}/articles`, {
        body: { id: 'socket-a1', title: 'Chip makers report record demand', body: 'Semiconductor sales rose again.' },
        headers: admin,
      });
      await eventually(() => items.some((item) => item.id === 'socket-a1'), 20000);
    } finally {
      socket.close();
    }
  });

  it('gives POST /llm/streams a viewer token that reads that stream only: status, SSE with ?access_token=, /llm join', async () => {
    const started = await json<{ id: string; viewer_token: string }>(`${app.url}/llm/streams`, {
      body: { prompt: 'Tell me about streams', max_tokens: 5 },
      headers: admin,
    });
    expect(started.status).toBe(201);
    const { id, viewer_token: viewer } = started.body;
    const bearer = { authorization: `Bearer ${viewer}` };
    await eventually(
      async () =>
        (await json<{ status: string }>(`${app.url}/llm/streams/${id}`, { headers: bearer })).body.status === 'done',
    );
    const sse = await fetch(`${app.url}/llm/streams/${id}/events?access_token=${viewer}`);
    expect(sse.status).toBe(200);
    expect(await sse.text()).toContain('event: end');
    const other = await json<{ message: string }>(`${app.url}/llm/streams/not-mine/events?access_token=${viewer}`);
    expect(other.status).toBe(403);
    expect(other.body.message).toBe(`this viewer token is for stream ${id}, not stream not-mine`);
    expect((await json(`${app.url}/llm/streams/${id}`, { method: 'DELETE', headers: bearer })).status).toBe(403);
    // The query credential is for SSE only.
    expect((await json(`${app.url}/llm/streams/${id}?access_token=${viewer}`)).status).toBe(401);

    const socket = await connect(`${app.url}/llm`, { token: viewer });
    try {
      const tokens: number[] = [];
      socket.on('token', (t: { index: number }) => tokens.push(t.index));
      const ended = new Promise((resolve) => socket.once('end', resolve));
      expect(await socket.emitWithAck('join', { id: 'someone-elses' })).toEqual({
        error: `this viewer token is for stream ${id}, not stream someone-elses`,
      });
      expect(await socket.emitWithAck('join', { id })).toEqual({ id, from: 0 });
      await ended;
      expect(tokens).toEqual([0, 1, 2, 3, 4]);
    } finally {
      socket.close();
    }
    expect((await refusal(`${app.url}/llm`, { token: await userToken('u1') })).status).toBe(403);
  });

  it('keeps tokens signed before a signing-key rotation valid, and signs new ones with the new key', async () => {
    const before = await userToken('u1');
    const rotated = await json<{ kid: string }>(`${app.url}/auth/signing-keys/rotate`, {
      method: 'POST',
      headers: admin,
    });
    expect(rotated.status).toBe(201);
    const after = await userToken('u1');
    const kid = (token: string): string =>
      (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;
    expect(kid(after)).toBe(rotated.body.kid);
    expect(kid(before)).not.toBe(rotated.body.kid);
    for (const token of [before, after]) {
      expect((await json(`${app.url}/users/u1`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
  });

  it('refuses a token whose signature was tampered with, and an expired-looking garbage token, with 401', async () => {
    const token = await userToken('u1');
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'u2' }),
    ).toString('base64url');
    for (const bad of [`${header}.${forged}.${signature}`, 'a.b.c']) {
      const res = await json(`${app.url}/users/u2`, { headers: { authorization: `Bearer ${bad}` } });
      expect(res.status).toBe(401);
    }
  });

  it('keeps the page, health, docs and (without METRICS_TOKEN) metrics open', async () => {
    for (const path of ['/', '/health', '/health/live', '/docs', '/docs-json', '/metrics']) {
      expect([path, (await fetch(`${app.url}${path}`)).status]).toEqual([path, 200]);
    }
  });

  it("declares the security schemes and each operation's access in the OpenAPI document", async () => {
    const doc = (
      await json<{
        components: { securitySchemes: Record<string, { type: string }> };
        paths: Record<string, Record<string, { security?: unknown[]; 'x-skein-access'?: string }>>;
      }>(`${app.url}/docs-json`)
    ).body;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['api-key', 'bearer']);
    expect(doc.paths['/articles'].post.security).toEqual([{ bearer: [] }, { 'api-key': [] }]);
    expect(doc.paths['/articles'].post['x-skein-access']).toBe('an API key with scope ingest');
    expect(doc.paths['/users/{uid}/feed'].get['x-skein-access']).toContain('user token');
    expect(doc.paths['/health'].get.security).toBeUndefined();
  });

  it('refuses through REST an article id that belongs to the feed poller, so its item cannot be claimed ahead of it', async () => {
    const res = await json<{ message: string[] }>(`${app.url}/articles`, {
      body: { id: 'rss-0123456789abcdef', title: 'Squatted', body: 'An id the poller would give a feed item.' },
      headers: admin,
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual([expect.stringContaining('id must not start with "rss-"')]);
  });
});
