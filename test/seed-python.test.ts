import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Valkey } from 'iovalkey';
import { freePort } from '../src/valkey/embedded-valkey.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';
import { readSse } from './support/sse.js';
import { SEED_VIEW } from './support/seed-view.js';

/** Debian's Python, whose python3-redis the seed's programs use (not a pyenv python3 on PATH). */
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const SEED = (name: string) => fileURLToPath(new URL(`./fixtures/seed-python/${name}`, import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the seed's programs (test/fixtures/seed-python) with VALKEY_URL; resolves when it exits, with a null
 * code when it had to be killed after `timeoutMs` (a loop that never ended).
 */
function runSeed(program: string, args: string[], valkeyUrl: string, timeoutMs = 15000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      PYTHON,
      [SEED(program), ...args],
      { env: { ...process.env, VALKEY_URL: valkeyUrl }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (error.killed ? null : typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The subscriber's output: `Stream started (model: …)`, the tokens as printed, `--- Complete (N tokens) ---`. */
function parseWatched(stdout: string): { model: string; text: string; total: number } | undefined {
  const match = /^Stream started \(model: (.*)\)\n([\s\S]*)\n--- Complete \((\d+) tokens\) ---\n$/.exec(stdout);
  return match ? { model: match[1], text: match[2], total: Number(match[3]) } : undefined;
}

const VIEW = SEED_VIEW;

/** The publisher's tokens (publisher.py, as the tutorial has them). */
const TOKENS = ['Valkey', ' is', ' an', ' open', '-source', ' in', '-memory', ' data', ' store', '.'];

describe("the seed tutorials' Python programs against Skein", () => {
  let valkey: TestValkey;
  let app: TestApp;
  let client: Valkey;

  beforeAll(async () => {
    try {
      execFileSync(PYTHON, ['-c', 'import redis'], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(
        `${PYTHON} cannot import redis, which the seed's programs use: install it with: ` +
          `apt-get install -y python3-redis (scripts/ensure-test-tools.sh does as root), or set PYTHON to a Python ` +
          `that has it.\n${String(error)}`,
        { cause: error },
      );
    }
    valkey = await TestValkey.start();
    client = valkey.client();
    // Nothing listens on this port: every openai request fails at once (connection refused).
    const closed = await freePort();
    app = await startTestApp(valkey.url, {
      ROLES: 'all',
      LLM_SIMULATED_TOKEN_DELAY_MS: '20',
      LLM_OPENAI_BASE_URL: `http://127.0.0.1:${closed}/v1`,
      LLM_OPENAI_API_KEY: 'sk-test',
      LLM_CAPTURE_WAIT_MS: '3000',
      LLM_UPSTREAM_TIMEOUT_MS: '1000',
    });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  /** Resolves once something listens on the stream's channel. */
  const listening = (id: string) =>
    eventually(async () => ((await client.call('PUBSUB', 'NUMSUB', `llm:stream:${id}`)) as [string, number])[1] > 0);

  it("reader.py sees its own plain-text values for features pushed through Skein's REST", async () => {
    expect(
      (await json(`${app.url}/features/entities`, { body: { name: 'user', join_keys: ['user_id'] } })).status,
    ).toBe(201);
    expect((await json(`${app.url}/features/views`, { body: VIEW })).status).toBe(201);
    const features = { age: 28, lifetime_value: 1250.5, segment: 'premium', active: true, emb: [0.1, -2, 3.5] };
    const push = await json(`${app.url}/features/push`, {
      body: { feature_view: 'user_profile', rows: [{ entity_id: 'user_001', features }] },
    });
    expect(push.status).toBe(202);
    const row = await eventually(async () => {
      const run = await runSeed('reader.py', ['user_profile', 'user_001'], valkey.url);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const read = JSON.parse(run.stdout) as Record<string, string>;
      return Object.keys(read).length > 0 ? read : undefined;
    }, 20000);
    expect(row).toEqual({
      age: '28',
      lifetime_value: '1250.5',
      segment: 'premium',
      active: 'true',
      emb: '[0.1,-2,3.5]',
    });
  });

  it("subscriber.py's loop exits after a Skein generation ends, having printed its tokens", async () => {
    const watching = runSeed('subscriber.py', ['seed-py-done'], valkey.url);
    await listening('seed-py-done');
    const start = await json(`${app.url}/llm/streams`, {
      body: { id: 'seed-py-done', prompt: 'What is Valkey?', max_tokens: 8 },
    });
    expect(start.status).toBe(201);
    const run = await watching;
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const watched = parseWatched(run.stdout);
    const status = await json<{ text: string }>(`${app.url}/llm/streams/seed-py-done`);
    expect(watched).toEqual({ model: 'simulated-1', text: status.body.text, total: 8 });
    expect(watched?.text.length).toBeGreaterThan(0);
  });

  it("subscriber.py's loop exits after a failed Skein generation (its error, then its end)", async () => {
    const watching = runSeed('subscriber.py', ['seed-py-failed'], valkey.url);
    await listening('seed-py-failed');
    const start = await json(`${app.url}/llm/streams`, {
      body: { id: 'seed-py-failed', prompt: 'hi', provider: 'openai' },
    });
    expect(start.status).toBe(201);
    const run = await watching;
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(parseWatched(run.stdout)).toEqual({ model: expect.any(String), text: '', total: 0 });
    const status = await json<{ status: string }>(`${app.url}/llm/streams/seed-py-failed`);
    expect(status.body.status).toBe('error');
  });

  it("publisher.py's stream, published outside Skein, is watched through Skein's viewer", async () => {
    const viewing = readSse(`${app.url}/llm/streams/seed-py-ext/events`);
    await listening('seed-py-ext');
    const run = await runSeed('publisher.py', ['seed-py-ext'], valkey.url);
    expect(run).toEqual({ code: 0, stdout: 'Streamed response: seed-py-ext\n', stderr: '' });
    const { status, events } = await viewing;
    expect(status).toBe(200);
    const tokens = events.filter((e) => e.event === 'token').map((e) => JSON.parse(e.data) as { index: number });
    expect(tokens.map((t) => t.index)).toEqual(TOKENS.map((_, i) => i));
    expect(JSON.parse(events[events.length - 1].data)).toEqual({ total_tokens: TOKENS.length });
    const read = await json<Record<string, unknown>>(`${app.url}/llm/streams/seed-py-ext`);
    expect(read.body).toMatchObject({
      status: 'done',
      text: TOKENS.join(''),
      tokens: TOKENS.length,
      provider: 'external',
      model: 'gpt-4',
    });
  });
});
