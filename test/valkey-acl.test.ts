import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Valkey } from 'iovalkey';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { TOPICS } from '../src/news/topics.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

const ACL_DIR = new URL('../deploy/valkey/', import.meta.url).pathname;
const SKEIN_PASSWORD = 'skein-test-password';
const ADMIN_PASSWORD = 'admin-test-password';

/** The ACL file docker-compose.yml gives Valkey, rendered by the same script from the same template. */
function renderAcl(dir: string): string {
  const file = join(dir, 'users.acl');
  execFileSync('sh', [join(ACL_DIR, 'render-acl.sh'), join(ACL_DIR, 'users.acl.template'), file], {
    env: { ...process.env, VALKEY_PASSWORD: SKEIN_PASSWORD, VALKEY_ADMIN_PASSWORD: ADMIN_PASSWORD },
  });
  return file;
}

interface FeedItem {
  id: string;
}

/** What Valkey refused `user` since the log was last reset: `command (reason)`. */
async function refusals(admin: Valkey, user: string): Promise<string[]> {
  const log = (await admin.call('ACL', 'LOG')) as unknown[][];
  const fields = (entry: unknown[]): Record<string, unknown> => {
    const pairs: Record<string, unknown> = {};
    for (let i = 0; i < entry.length; i += 2) pairs[String(entry[i])] = entry[i + 1];
    return pairs;
  };
  return log
    .map(fields)
    .filter((entry) => entry.username === user)
    .map((entry) => `${String(entry.object)} (${String(entry.reason)})`);
}

/**
 * The skein user's rules narrowed to KEY_PREFIX's keys and channels, as deploy/valkey/README.md says to, for a user
 * named `name` (created at run time beside the file's users).
 */
function narrowedRules(aclFile: string, name: string, prefix: string): string[] {
  const line = readFileSync(aclFile, 'utf8')
    .split('\n')
    .find((rule) => rule.startsWith('user skein '));
  const rules = (line ?? '').split(' ').slice(2);
  expect(rules).toEqual(expect.arrayContaining(['~*', '&*']));
  expect(name).not.toBe('skein');
  return rules.map((rule) => (rule === '~*' ? `~${prefix}*` : rule === '&*' ? `&${prefix}*` : rule));
}

describe.each([
  { user: 'skein', prefix: '' },
  { user: 'skein-prefixed', prefix: 'skein:' },
])('the app as the least-privilege ACL user $user of deploy/valkey (KEY_PREFIX="$prefix")', ({ user, prefix }) => {
  let dir: string;
  let valkey: TestValkey;
  let admin: Valkey;
  let producer: Valkey;
  let app: TestApp;
  let socket: Socket | undefined;
  let closed = false;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skein-acl-'));
    const aclFile = renderAcl(dir);
    valkey = await TestValkey.start({ args: ['--aclfile', aclFile] });
    admin = new Valkey(valkey.port, '127.0.0.1', { username: 'admin', password: ADMIN_PASSWORD });
    if (user !== 'skein') await admin.call('ACL', 'SETUSER', user, ...narrowedRules(aclFile, user, prefix));
    producer = new Valkey(valkey.port, '127.0.0.1', { username: user, password: SKEIN_PASSWORD });
    await admin.call('ACL', 'LOG', 'RESET');
    app = await startTestApp(`redis://${user}:${SKEIN_PASSWORD}@127.0.0.1:${valkey.port}`, {
      ROLES: 'all',
      KEY_PREFIX: prefix,
      STREAM_TRIM_INTERVAL_MS: '100',
      FEATURE_INDEX_PRUNE_INTERVAL_MS: '100',
      LLM_SIMULATED_TOKEN_DELAY_MS: '1',
    });
  });

  afterAll(async () => {
    socket?.disconnect();
    if (!closed) await app?.close();
    admin?.disconnect();
    producer?.disconnect();
    await valkey?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the default user: only named users with a password get in', async () => {
    const anonymous = new Valkey(valkey.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    anonymous.on('error', () => undefined);
    await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
    anonymous.disconnect();
  });

  it('runs an article from POST /articles into a subscribed user’s feed and live socket', async () => {
    const put = await json(`${app.url}/users/acl-user/topics`, { method: 'PUT', body: { topics: [...TOPICS] } });
    expect(put.status).toBe(200);
    expect((await json(`${app.url}/users/acl-user/feed`)).status).toBe(200);
    const live: FeedItem[] = [];
    const connected = io(`${app.url}/feeds`, {
      auth: { userId: 'acl-user' },
      transports: ['websocket'],
      reconnection: false,
    });
    socket = connected;
    connected.on('feed:item', (item: FeedItem) => live.push(item));
    await new Promise<void>((resolve, reject) => {
      connected.once('connect', () => resolve());
      connected.once('connect_error', reject);
    });
    expect(await connected.timeout(5000).emitWithAck('feed:sync', { after: '0-0' })).toEqual({ items: [] });

    const posted = await json<{ id: string }>(`${app.url}/articles`, {
      body: {
        id: 'acl-1',
        title: 'Central bank raises interest rates',
        body: 'Markets and stocks fell as the bank raised rates.',
      },
    });
    expect(posted).toMatchObject({ status: 202, body: { id: 'acl-1' } });
    await eventually(async () => {
      const feed = await json<{ items: FeedItem[] }>(`${app.url}/users/acl-user/feed`);
      return feed.body.items.some((item) => item.id === 'acl-1');
    }, 20000);
    await eventually(() => live.some((item) => item.id === 'acl-1'), 10000);
    expect((await json(`${app.url}/pipeline/stats`)).status).toBe(200);
  });

  it('pushes features and reads them online', async () => {
    expect(
      (await json(`${app.url}/features/entities`, { body: { name: 'user', join_keys: ['user_id'] } })).status,
    ).toBe(201);
    const view = { name: 'profile', entity: 'user', ttl_seconds: 3600, features: [{ name: 'age', type: 'INT' }] };
    expect((await json(`${app.url}/features/views`, { body: view })).status).toBe(201);
    const push = await json(`${app.url}/features/push`, {
      body: { feature_view: 'profile', rows: [{ entity_id: 'u1', features: { age: 41 } }] },
    });
    expect(push.status).toBe(202);
    const read = await eventually(async () => {
      const res = await json<{ results: { values: unknown[]; statuses: string[] }[] }>(
        `${app.url}/features/get-online-features`,
        { body: { features: ['profile:age'], entities: { user_id: ['u1'] } } },
      );
      return res.body.results?.[1]?.statuses[0] === 'PRESENT' ? res.body : undefined;
    });
    expect(read.results[1].values).toEqual([41]);
  });

  it('streams an LLM generation to done', async () => {
    const created = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { prompt: 'Say hello', max_tokens: 8 },
    });
    expect(created.status).toBe(201);
    const done = await eventually(async () => {
      const res = await json<{ status: string; tokens: number }>(`${app.url}/llm/streams/${created.body.id}`);
      return res.body.status === 'done' ? res.body : undefined;
    }, 15000);
    expect(done.tokens).toBeGreaterThan(0);
  });

  it('lists a dead letter of a raw producer writing as the app’s user', async () => {
    await producer.xadd(
      `${prefix}fs:stream:profile`,
      '*',
      'entity_id',
      'u2',
      'features',
      '{"nope":1}',
      'timestamp',
      '1',
    );
    const page = await eventually(async () => {
      const res = await json<{ length: number }>(`${app.url}/dead-letters/features`);
      return res.body.length === 1 ? res : undefined;
    });
    expect(page.status).toBe(200);
  });

  it('serves health and metrics, and Valkey refused the app nothing, running or stopping', async () => {
    expect((await json(`${app.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500)); // a few trim and prune rounds
    socket?.disconnect();
    await app.close();
    closed = true;
    expect(await refusals(admin, user)).toEqual([]);
  });

  it('refuses the app’s user the dangerous commands', async () => {
    await expect(producer.flushall()).rejects.toThrow(/NOPERM/);
    await expect(producer.call('CONFIG', 'SET', 'appendonly', 'no')).rejects.toThrow(/NOPERM/);
    // ACL DRYRUN asks the ACL alone (DEBUG and MODULE are also off by server setting, which answers first).
    const allowed: string[] = [];
    for (const command of [
      ['FLUSHALL'],
      ['FLUSHDB'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'appendonly', 'no'],
      ['KEYS', '*'],
      ['DEBUG', 'SLEEP', '0'],
      ['SHUTDOWN'],
      ['ACL', 'LIST'],
      ['MODULE', 'LIST'],
      ['REPLICAOF', 'NO', 'ONE'],
      ['SAVE'],
      ['BGREWRITEAOF'],
      ['SCRIPT', 'FLUSH'],
      ['FUNCTION', 'FLUSH'],
      ['CLIENT', 'KILL', 'ID', '1'],
      ['MIGRATE', 'h', '1', 'k', '0', '1'],
      ['SORT', 'k'],
    ]) {
      const answer = (await admin.call('ACL', 'DRYRUN', user, ...command)) as string;
      if (answer === 'OK') allowed.push(command.join(' '));
    }
    expect(allowed).toEqual([]);
    if (prefix) await expect(producer.set('not-skeins', '1')).rejects.toThrow(/NOPERM/);
    expect(await admin.dbsize()).toBeGreaterThan(0);
  });
});
