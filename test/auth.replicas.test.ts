import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configError } from './support/config.js';
import { eventually, json } from './support/app.js';
import { spawnApp, type AppProcess } from './support/process.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

const ADMIN_KEY = 'replicas-admin-key-0123456789abcdef';
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

describe(`access across replicas: one key table, one budget (${TOPOLOGY})`, () => {
  let valkey: TestStore;
  let a: AppProcess;
  let b: AppProcess;

  beforeAll(async () => {
    valkey = await startStore();
    const env = {
      VALKEY_URL: valkey.url,
      ...valkey.env,
      AUTH_DISABLED: 'false',
      AUTH_ADMIN_KEY: ADMIN_KEY,
      ROLES: 'api,llm',
      RATE_LIMIT_PER_MINUTE: '40',
      SSE_MAX_PER_CREDENTIAL: '2',
      LLM_SIMULATED_TOKEN_DELAY_MS: '200',
    };
    [a, b] = await Promise.all([spawnApp(env), spawnApp(env)]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await valkey?.stop();
  });

  async function key(scopes: string[]): Promise<{ id: string; key: string }> {
    const created = await json<{ id: string; key: string }>(`${a.url}/auth/keys`, {
      body: { name: 'replicas', scopes },
      headers: admin,
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  it('stops a key revoked on one replica on the other within a second', async () => {
    const ops = await key(['ops']);
    const headers = { 'x-api-key': ops.key };
    // b has looked the key up (and cached it) before the revocation.
    expect((await json(`${b.url}/pipeline/stats`, { headers })).status).toBe(200);
    expect((await json(`${a.url}/auth/keys/${ops.id}`, { method: 'DELETE', headers: admin })).status).toBe(204);
    const revokedAt = Date.now();
    await eventually(async () => (await json(`${b.url}/pipeline/stats`, { headers })).status === 401, 1000, 20);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
  });

  it('counts one credential against one budget whichever replica it calls (429 with Retry-After past it)', async () => {
    const ops = await key(['ops']);
    const headers = { 'x-api-key': ops.key };
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      statuses.push((await json(`${a.url}/pipeline/stats`, { headers })).status);
      statuses.push((await json(`${b.url}/pipeline/stats`, { headers })).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    expect(statuses.slice(40).every((s) => s === 429)).toBe(true);
    const limited = await json<{ message: string }>(`${b.url}/pipeline/stats`, { headers });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.message).toContain('RATE_LIMIT_PER_MINUTE');
    // Another credential has its own budget.
    expect((await json(`${a.url}/pipeline/stats`, { headers: admin })).status).toBe(200);
  });

  it('holds the budget on the online read too, whose read overlaps the count: past it 429, refused locally after', async () => {
    const reader = await key(['features:read']);
    const headers = { 'x-api-key': reader.key };
    const body = { features: ['no_such_view:f'], entities: { id: ['1'] } };
    const statuses: number[] = [];
    for (let i = 0; i < 23; i++) {
      statuses.push((await json(`${a.url}/features/get-online-features`, { body, headers })).status);
      statuses.push((await json(`${b.url}/features/get-online-features`, { body, headers })).status);
    }
    // The first 40 are read (an unknown view: 404, never 429). The first one over the budget on each replica may
    // answer its read's own error, which comes before the count's answer; once a replica has seen the budget spent it
    // refuses at once: only 429s.
    expect(statuses.slice(0, 40).filter((s) => s === 429)).toEqual([]);
    expect(statuses.slice(42)).toEqual(statuses.slice(42).map(() => 429));
  });

  it('holds SSE_MAX_PER_CREDENTIAL open event streams across both replicas, and frees one when it closes', async () => {
    const started = await json<{ id: string; viewer_token: string }>(`${a.url}/llm/streams`, {
      body: { prompt: 'a long answer please', max_tokens: 200 },
      headers: admin,
    });
    expect(started.status).toBe(201);
    const { id, viewer_token: token } = started.body;
    const open = (url: string, controller: AbortController): Promise<Response> =>
      fetch(`${url}/llm/streams/${id}/events?access_token=${token}`, { signal: controller.signal });
    const first = new AbortController();
    const second = new AbortController();
    expect((await open(a.url, first)).status).toBe(200);
    expect((await open(b.url, second)).status).toBe(200);
    const third = await json<{ message: string }>(`${a.url}/llm/streams/${id}/events?access_token=${token}`);
    expect(third.status).toBe(429);
    expect(third.body.message).toContain('SSE_MAX_PER_CREDENTIAL');
    expect(third.headers.get('retry-after')).toBe('5');
    first.abort();
    const again = new AbortController();
    await eventually(async () => (await open(b.url, again)).status === 200, 5000, 100);
    second.abort();
    again.abort();
  });
});

describe(`access at start (${TOPOLOGY})`, () => {
  let valkey: TestStore;

  beforeAll(async () => {
    valkey = await startStore();
  });

  afterAll(async () => {
    await valkey?.stop();
  });

  it('refuses AUTH_DISABLED unless HOST is a loopback address, naming both', async () => {
    expect(configError({ AUTH_DISABLED: 'true', HOST: '0.0.0.0' })).toContain(
      'AUTH_DISABLED=true is refused with HOST="0.0.0.0"',
    );
    const failed = await spawnApp(
      { VALKEY_URL: valkey.url, ...valkey.env, AUTH_DISABLED: 'true', HOST: '0.0.0.0' },
      { waitHealthy: false },
    );
    expect(await failed.exited).toBe(2);
    expect(failed.output()).toContain('AUTH_DISABLED=true is refused with HOST="0.0.0.0"');
  });

  it('makes the first admin key on a first start without AUTH_ADMIN_KEY, in a mode-600 file, and never logs it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skein-admin-'));
    const file = join(dir, 'admin-key');
    const app = await spawnApp({
      VALKEY_URL: valkey.url,
      ...valkey.env,
      AUTH_DISABLED: 'false',
      AUTH_ADMIN_KEY_FILE: file,
      LOG_LEVEL: 'info',
      ROLES: 'api',
    });
    try {
      const key = (await readFile(file, 'utf8')).trim();
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(app.output()).toContain(file);
      expect(app.output()).not.toContain(key);
      expect((await json(`${app.url}/auth/keys`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    } finally {
      await app.stop();
    }
  });

  it('keeps /metrics behind METRICS_TOKEN when it is set', async () => {
    const token = 'metrics-token-0123456789';
    const app = await spawnApp({
      VALKEY_URL: valkey.url,
      ...valkey.env,
      AUTH_DISABLED: 'false',
      AUTH_ADMIN_KEY: ADMIN_KEY,
      METRICS_TOKEN: token,
      ROLES: 'api',
    });
    try {
      expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer nope-nope-nope' } })).status).toBe(
        401,
      );
      const scraped = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('skein_');
    } finally {
      await app.stop();
    }
  });
});
