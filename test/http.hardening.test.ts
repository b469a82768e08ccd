import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { startTestApp, type TestApp } from './support/app.js';
import { openPage } from './support/browser.js';
import { TestValkey } from './support/valkey.js';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

/** Headers helmet sets that every answer must carry, whatever code path wrote it. */
const SECURITY_HEADERS = [
  'content-security-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
];

async function request(
  url: string,
  init: { method?: string; body?: RequestInit['body']; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(url, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), ...init });
}

function expectHardened(res: Response): void {
  const missing = SECURITY_HEADERS.filter((name) => !res.headers.has(name));
  expect(missing).toEqual([]);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.has('x-powered-by')).toBe(false);
}

describe('HTTP hardening: security headers, CORS, JSON bodies only', () => {
  let valkey: TestValkey;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await startTestApp(valkey.url, { ROLES: 'all', CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  it('sets the security headers, and no x-powered-by, on a normal route, a fast route, /docs and errors', async () => {
    expectHardened(await request(`${app.url}/topics`));
    expectHardened(await request(`${app.url}/docs`));
    expectHardened(await request(`${app.url}/docs-json`));
    expectHardened(await request(`${app.url}/nope`));
    const ingest = await request(`${app.url}/articles`, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Headers', body: 'On the fast route too.' }),
    });
    expect(ingest.status).toBe(202);
    expectHardened(ingest);
    const invalid = await request(`${app.url}/features/get-online-features`, {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(invalid.status).toBe(400);
    expectHardened(invalid);
  });

  it('keeps the page’s own stricter Content-Security-Policy at /', async () => {
    const res = await request(`${app.url}/`);
    expectHardened(res);
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'self' 'sha256-/);
  });

  it('answers an allowed origin with Access-Control-Allow-Origin, on Express and fast routes, and no other origin', async () => {
    for (const [origin, allowed] of [
      [ALLOWED, ALLOWED],
      ['http://localhost:5173', 'http://localhost:5173'],
      [OTHER, null],
    ] as const) {
      const normal = await request(`${app.url}/topics`, { headers: { origin } });
      expect(normal.headers.get('access-control-allow-origin')).toBe(allowed);
      const fast = await request(`${app.url}/articles`, {
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Cross origin', body: 'From another page.' }),
      });
      expect(fast.status).toBe(202);
      expect(fast.headers.get('access-control-allow-origin')).toBe(allowed);
      expect(fast.headers.get('vary')).toMatch(/origin/i);
      const preflight = await request(`${app.url}/articles`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBe(allowed);
    }
  });

  it('lets a Socket.IO client of an allowed origin (or none: not a browser) connect, and refuses another origin', async () => {
    const connect = (origin?: string): Promise<string> =>
      new Promise((resolve) => {
        const socket = io(`${app.url}/feeds`, {
          auth: { userId: 'cors-user' },
          transports: ['websocket'],
          reconnection: false,
          extraHeaders: origin ? { origin } : {},
        });
        socket.once('connect', () => {
          socket.disconnect();
          resolve('connected');
        });
        socket.once('connect_error', (error) => {
          socket.disconnect();
          resolve(`refused: ${error.message}`);
        });
      });
    expect(await connect(ALLOWED)).toBe('connected');
    expect(await connect()).toBe('connected');
    expect(await connect(app.url)).toBe('connected');
    expect(await connect(OTHER)).toMatch(/^refused/);
  });

  it('answers 415 naming application/json to a body of another type, on Express and fast routes, writing nothing', async () => {
    for (const [method, path] of [
      ['POST', '/articles'],
      ['POST', '/articles/batch'],
      ['PUT', '/users/u415/topics'],
      ['POST', '/features/get-online-features'],
      ['POST', '/llm/streams'],
    ] as const) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/json']) {
        const res = await request(`${app.url}${path}`, {
          method,
          headers: { 'content-type': type },
          body: method === 'PUT' ? '{"topics":["sports"]}' : 'title=x&body=y',
        });
        expect({ path, type, status: res.status }).toEqual({ path, type, status: 415 });
        const body = (await res.json()) as { statusCode: number; message: string };
        expect(body.statusCode).toBe(415);
        expect(body.message).toContain('application/json');
        expectHardened(res);
      }
    }
    const user = (await (await request(`${app.url}/users/u415`)).json()) as { topics?: string[] };
    expect(user.topics ?? []).toEqual([]);
    // A body without a content type is refused the same way.
    const untyped = await request(`${app.url}/articles`, { body: new Blob(['{"title":"x","body":"y"}']) });
    expect(untyped.status).toBe(415);
    // application/json with parameters is JSON.
    const charset = await request(`${app.url}/users/u415/topics`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"topics":["sports"]}',
    });
    expect(charset.status).toBe(200);
  });
});

describe('the pages under the security headers (Chromium)', () => {
  let valkey: TestValkey;
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await startTestApp(valkey.url, { ROLES: 'api', LOG_LEVEL: 'error' });
    ({ browser, page } = await openPage({ width: 1280, height: 900 }, problems));
  }, 30000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await valkey?.stop();
  });

  it('renders Swagger UI at /docs with the operations listed and nothing refused by the policy', async () => {
    await page.goto(`${app.url}/docs`);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Skein' }).waitFor({ timeout: 15000 });
    await page.locator('.opblock-summary-path', { hasText: '/articles' }).first().waitFor();
    expect(problems).toEqual([]);
  });
});
