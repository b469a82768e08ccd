import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TcpProxy } from './support/proxy.js';
import { TestValkey } from './support/valkey.js';

const ADMIN_KEY = 'test-admin-key-python-0123456789';
/** Debian's Python, whose python3-socketio and python3-requests the client uses (not a pyenv python3 on PATH). */
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const CLIENT_DIR = fileURLToPath(new URL('../clients/python', import.meta.url));
const SMOKE = fileURLToPath(new URL('../clients/python/tests/smoke.py', import.meta.url));
const RESUME = fileURLToPath(new URL('../clients/python/tests/resume.py', import.meta.url));

interface SmokeResult {
  features: { columns: Record<string, unknown[]>; full_names: string[]; error: { status: number; message: string } };
  feeds: {
    article_id: string;
    live: boolean;
    live_ids: string[];
    live_cursor: string | null;
    feed_ids: string[];
    refused: { status: number; message: string };
  };
  tokens: {
    id: string;
    has_viewer_token: boolean;
    indexes: number[];
    text: string;
    resumed_indexes: number[];
    resumed_text: string;
    status_text: string;
  };
}

function runSmoke(config: Record<string, string>): Promise<SmokeResult> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      [SMOKE, JSON.stringify(config)],
      { env: { ...process.env, PYTHONPATH: CLIENT_DIR }, timeout: 150_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${SMOKE} failed: ${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout) as SmokeResult);
      },
    );
  });
}

interface ResumeResult {
  feed: { ids: string[] };
  tokens: { indexes: number[]; text: string; status_text: string; resumes: number };
}

/**
 * Runs tests/resume.py, answering each `{ask}` line it prints once `onAsk` has done what it asks (cut the
 * connections); resolves with its final `{result}`.
 */
function runResume(config: Record<string, string>, onAsk: (step: string) => Promise<void>): Promise<ResumeResult> {
  const child = spawn(PYTHON, [RESUME, JSON.stringify(config)], { env: { ...process.env, PYTHONPATH: CLIENT_DIR } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill(), 150_000);
  return new Promise((resolve, reject) => {
    let result: ResumeResult | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { ask?: string; result?: ResumeResult };
      if (message.result) result = message.result;
      if (message.ask) {
        onAsk(message.ask).then(
          () => child.stdin.write('ok\n'),
          (error: Error) => {
            child.kill();
            reject(error);
          },
        );
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0 && result) resolve(result);
      else reject(new Error(`${RESUME} exited with ${code}\n${stderr}`));
    });
  });
}

describe('Python client (clients/python)', () => {
  let valkey: TestValkey;
  let app: TestApp;
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };

  async function key(scopes: string[]): Promise<string> {
    const created = await json<{ key: string }>(`${app.url}/auth/keys`, {
      body: { name: `python ${scopes.join(' ')}`, scopes },
      headers: admin,
    });
    expect(created.status).toBe(201);
    return created.body.key;
  }

  beforeAll(async () => {
    try {
      execFileSync(PYTHON, ['-c', 'import requests, socketio, websocket'], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(
        `${PYTHON} cannot import the client's dependencies (requests, python-socketio, websocket-client): ` +
          `install them with: apt-get install -y python3-requests python3-socketio python3-websocket ` +
          `(scripts/ensure-test-tools.sh does as root), or set PYTHON to a Python that has them.\n${String(error)}`,
        { cause: error },
      );
    }
    valkey = await TestValkey.start();
    app = await startTestApp(valkey.url, {
      AUTH_DISABLED: 'false',
      AUTH_ADMIN_KEY: ADMIN_KEY,
      LLM_SIMULATED_TOKEN_DELAY_MS: '10',
    });
    const entity = { name: 'user', join_keys: ['user_id'] };
    expect((await json(`${app.url}/features/entities`, { body: entity, headers: admin })).status).toBe(201);
    const view = {
      name: 'py_profile',
      entity: 'user',
      ttl_seconds: 3600,
      features: [
        { name: 'age', type: 'INT' },
        { name: 'tier', type: 'STRING' },
      ],
    };
    expect((await json(`${app.url}/features/views`, { body: view, headers: admin })).status).toBe(201);
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  it('pushes and reads features as columns, follows (user token) and pages a feed, a refused handshake raises SkeinError, and reads a token stream to its end and from an index', async () => {
    const result = await runSmoke({
      url: app.url,
      key: await key(['features:read', 'features:write', 'users', 'llm']),
      ingest_key: await key(['ingest']),
    });

    expect(result.features.columns).toEqual({ user_id: ['e1', 'e2'], age: [41, 7], tier: ['gold', 'free'] });
    expect(result.features.full_names).toEqual(['user_id', 'py_profile__age']);
    expect(result.features.error.status).toBe(404);
    expect(result.features.error.message).toContain('no_such_view');

    expect(result.feeds.live).toBe(true);
    expect(result.feeds.live_ids).toEqual(['py-article-1']);
    expect(result.feeds.live_cursor).toMatch(/^\d+-\d+$/);
    expect(result.feeds.feed_ids).toEqual(['py-article-1']);
    expect(result.feeds.refused.status).toBe(401);
    // The server's own reason from the connect_error's data, not the client's fallback.
    expect(result.feeds.refused.message).not.toMatch(/^\/feeds/);

    const { tokens } = result;
    expect(tokens.has_viewer_token).toBe(true);
    expect(tokens.indexes.length).toBeGreaterThan(3);
    expect(tokens.indexes).toEqual(tokens.indexes.map((_, i) => i));
    expect(tokens.text).toBe(tokens.status_text);
    expect(tokens.resumed_indexes).toEqual(tokens.indexes.slice(3));
    expect(tokens.text.endsWith(tokens.resumed_text)).toBe(true);
  }, 180_000);

  it('resumes across dropped connections: follow() catches up with feed:sync after a reconnect, tokens() with Last-Event-ID', async () => {
    const proxy = await TcpProxy.start(Number(new URL(app.url).port));
    try {
      const ingestKey = await key(['ingest']);
      const result = await runResume(
        {
          url: app.url,
          proxy_url: `http://127.0.0.1:${proxy.port}`,
          key: await key(['features:read', 'users', 'llm']),
          ingest_key: ingestKey,
        },
        async (step) => {
          if (step === 'cut-stream') return proxy.cutOpenConnections();
          // cut-feed: an article delivered while the follower cannot reconnect reaches it only through feed:sync.
          proxy.refusing = true;
          proxy.cutOpenConnections();
          const posted = await json(`${app.url}/articles`, {
            body: { id: 'py-during', title: 'During the cut', body: 'An article delivered while the socket was down.' },
            headers: { authorization: `Bearer ${ingestKey}` },
          });
          expect(posted.status).toBe(202);
          await eventually(async () => {
            const feed = await json<{ items: { id: string }[] }>(`${app.url}/users/py-resumer/feed`, {
              headers: admin,
            });
            return feed.body.items.some((item) => item.id === 'py-during');
          }, 30_000);
          proxy.refusing = false;
        },
      );
      expect(result.feed.ids).toEqual(['py-before', 'py-during']);
      const { tokens } = result;
      expect(tokens.resumes).toBeGreaterThanOrEqual(1);
      expect(tokens.indexes).toEqual(tokens.indexes.map((_, i) => i));
      expect(tokens.text).toBe(tokens.status_text);
    } finally {
      proxy.close();
    }
  }, 180_000);
});
