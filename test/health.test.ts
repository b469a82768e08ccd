import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

interface Check {
  status: 'ok' | 'error';
  info?: Record<string, { status: string; [detail: string]: unknown }>;
  error?: Record<string, { status: string; [detail: string]: unknown }>;
}

// The stage workers of ROLES=all (the features materializers run per view and are not among them).
const WORKERS = ['classify', 'enrich', 'fanout', 'llm'];

describe('liveness and readiness', () => {
  let valkey: TestValkey;
  let app: TestApp;

  beforeEach(async () => {
    valkey = await TestValkey.start();
    // A short socket timeout: a read stuck past block time + socket timeout (1.2 s) makes the replica not ready.
    app = await startTestApp(valkey.url, { VALKEY_SOCKET_TIMEOUT_MS: '1000' });
  });

  afterEach(async () => {
    try {
      valkey.resume();
    } catch {
      // not paused, or already stopped
    }
    await app.close();
    await valkey.stop();
  });

  it('answers /health/live 200 while the process runs', async () => {
    const res = await json<Check>(`${app.url}/health/live`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('answers /health/ready 200 with Valkey up and the stream workers of its roles running', async () => {
    const res = await json<Check>(`${app.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info?.valkey.status).toBe('up');
    expect(res.body.info?.workers.status).toBe('up');
    expect(Object.keys(res.body.info?.workers.running as Record<string, unknown>).sort()).toEqual(WORKERS);
  });

  it('answers /health/ready 503 naming valkey while Valkey is paused (SIGSTOP), /health/live staying 200', async () => {
    await valkey.pause();
    const res = await eventually(async () => {
      const r = await json<Check>(`${app.url}/health/ready`);
      return r.status === 503 ? r : undefined;
    });
    expect(res.body.status).toBe('error');
    expect(res.body.error?.valkey.status).toBe('down');
    const live = await json<Check>(`${app.url}/health/live`);
    expect([live.status, live.body.status]).toEqual([200, 'ok']);
    valkey.resume();
    await eventually(async () => (await json(`${app.url}/health/ready`)).status === 200, 30000);
  });

  it('answers /health/ready 503 naming valkey when Valkey is stopped, /health/live staying 200', async () => {
    await valkey.kill9();
    const res = await eventually(async () => {
      const r = await json<Check>(`${app.url}/health/ready`);
      return r.status === 503 ? r : undefined;
    });
    expect(res.body.error?.valkey.status).toBe('down');
    expect((await json(`${app.url}/health/live`)).status).toBe(200);
    await valkey.startAgain();
    await eventually(async () => (await json(`${app.url}/health/ready`)).status === 200, 30000);
  });

  it('answers /health/ready 503 naming the workers whose read is stuck past block time + socket timeout', async () => {
    // Writes paused: XREADGROUP (a write: it moves entries into the pending list) waits, and the read loops with it.
    const admin = valkey.client();
    await admin.call('CLIENT', 'PAUSE', '5000', 'WRITE');
    const res = await eventually(async () => {
      const r = await json<Check>(`${app.url}/health/ready`);
      return r.status === 503 && r.body.error?.workers ? r : undefined;
    });
    expect(res.body.error?.workers.status).toBe('down');
    const stuck = res.body.error?.workers.stuck as Record<string, number>;
    expect(Object.keys(stuck).length).toBeGreaterThan(0);
    for (const [name, waitedMs] of Object.entries(stuck)) {
      expect(WORKERS).toContain(name);
      expect(waitedMs).toBeGreaterThan(1200);
    }
    expect((await json(`${app.url}/health/live`)).status).toBe(200);
    await admin.call('CLIENT', 'UNPAUSE');
    await eventually(async () => (await json(`${app.url}/health/ready`)).status === 200, 30000);
  });

  it('keeps GET /health as it answers: 200 with valkey up, roles and uptime', async () => {
    const res = await json<{ status: string; valkey: string; down: string[]; roles: string[] }>(`${app.url}/health`);
    expect(res.status).toBe(200);
    expect([res.body.status, res.body.valkey, res.body.down]).toEqual(['ok', 'up', []]);
    expect(res.body.roles.length).toBeGreaterThan(0);
  });

  it('documents /health/live (200) and /health/ready (200 and 503) in the OpenAPI spec', async () => {
    const spec = await json<{ paths: Record<string, { get?: { summary?: string; responses: object } }> }>(
      `${app.url}/docs-json`,
    );
    for (const [path, statuses] of [
      ['/health/live', ['200']],
      ['/health/ready', ['200', '503']],
    ] as const) {
      const get = spec.body.paths[path]?.get;
      expect([path, Boolean(get?.summary)]).toEqual([path, true]);
      expect(Object.keys(get?.responses ?? {})).toEqual(expect.arrayContaining([...statuses]));
    }
  });
});
