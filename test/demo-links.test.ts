import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_USERS } from '../src/modules/feeds/demo-users.js';
import { eventually, json } from './support/app.js';
import { spawnApp, type AppProcess } from './support/process.js';
import { TestValkey } from './support/valkey.js';

/** A printed user link: `http://localhost:PORT/?user=alice#token=…`. */
const USER_LINK = /(http:\/\/([^/\s]+)\/\?user=([A-Za-z0-9_-]+)#token=([A-Za-z0-9_.-]+))/g;
const OPERATOR_LINK = /(http:\/\/([^/\s]+)\/#key=([^\s]+))/;

function parsesAsJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

// What `make run` (SAMPLE_DATA=true, access control on) prints once the app listens: a link per demo user carrying a
// user token in its fragment, and an operator link carrying the admin key, written to the terminal, never logged.
describe('make run demo links', () => {
  let valkey: TestValkey;
  let dir: string;
  let app: AppProcess;
  let output = '';
  let printed = '';
  let port = '';

  beforeAll(async () => {
    valkey = await TestValkey.start();
    dir = await mkdtemp(join(tmpdir(), 'skein-demo-links-'));
    app = await spawnApp({
      VALKEY_URL: valkey.url,
      SAMPLE_DATA: 'true',
      AUTH_DISABLED: 'false',
      AUTH_ADMIN_KEY_FILE: join(dir, 'admin-key'),
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
    });
    // The whole output, not spawnApp's tail: every line is checked for credentials.
    output = app.output();
    app.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    app.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    port = new URL(app.url).port;
    printed = await eventually(() => (OPERATOR_LINK.test(output) ? output : false), 20000);
  }, 60000);

  afterAll(async () => {
    await app?.stop();
    await valkey?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const userLinks = (): { url: string; host: string; uid: string; token: string }[] =>
    [...printed.matchAll(USER_LINK)].map(([, url, host, uid, token]) => ({ url, host, uid, token }));

  it('prints one link per demo user at a usable host (localhost for HOST=0.0.0.0), the token in the fragment', () => {
    const links = userLinks();
    expect(links.map((l) => l.uid).sort()).toEqual(Object.keys(DEMO_USERS).sort());
    for (const link of links) expect(link.host).toBe(`localhost:${port}`);
  });

  it("a printed user token opens that user's feed and no other", async () => {
    const alice = userLinks().find((l) => l.uid === 'alice')!;
    const headers = { authorization: `Bearer ${alice.token}` };
    const feed = await json<{ items: unknown[] }>(`${app.url}/users/alice/feed`, { headers });
    expect(feed.status).toBe(200);
    expect(Array.isArray(feed.body.items)).toBe(true);
    expect((await json(`${app.url}/users/bob/feed`, { headers })).status).toBe(403);
  });

  it('prints an operator link carrying the admin key the first start wrote to AUTH_ADMIN_KEY_FILE', async () => {
    const [, , host, key] = OPERATOR_LINK.exec(printed)!;
    expect(host).toBe(`localhost:${port}`);
    expect(decodeURIComponent(key)).toBe((await readFile(join(dir, 'admin-key'), 'utf8')).trim());
    const stats = await json(`${app.url}/pipeline/stats`, {
      headers: { authorization: `Bearer ${decodeURIComponent(key)}` },
    });
    expect(stats.status).toBe(200);
  });

  it("an SSE request's ?access_token= (an EventSource cannot send headers) is logged redacted", async () => {
    const key = decodeURIComponent(OPERATOR_LINK.exec(printed)![3]);
    const started = await json<{ id: string; viewer_token: string }>(`${app.url}/llm/streams`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: { prompt: 'hello', max_tokens: 2 },
    });
    expect(started.status).toBe(201);
    const events = await fetch(
      `${app.url}/llm/streams/${started.body.id}/events?access_token=${started.body.viewer_token}`,
    );
    expect(events.status).toBe(200);
    expect(await events.text()).toContain('event: end');
    const logged = await eventually(
      () => output.split('\n').find((line) => line.includes(`/llm/streams/${started.body.id}/events`)) ?? false,
      5000,
    );
    expect(logged).toContain('access_token=<redacted>');
    expect(output).not.toContain(started.body.viewer_token);
  });

  it('no log line carries a printed token or the key (they go to the terminal, not through the logger)', async () => {
    const secrets = [...userLinks().map((l) => l.token), decodeURIComponent(OPERATOR_LINK.exec(printed)![3])];
    // A request that carries a credential is logged too (its Authorization header redacted).
    await json(`${app.url}/users/42/feed`, { headers: { authorization: `Bearer ${userLinks()[0].token}` } });
    await new Promise((r) => setTimeout(r, 300));
    const lines = output.split('\n').filter((line) => line.trim());
    const logLines = lines.filter(parsesAsJson);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.some((line) => line.includes('/users/42/feed'))).toBe(true);
    for (const line of logLines) for (const secret of secrets) expect(line).not.toContain(secret);
  });
});
