import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { TOPICS } from '../src/news/topics.js';
import { eventually, json } from './support/app.js';
import { hostileBodies } from './support/hostile-text.js';
import { OpenApiFuzzer, type FuzzRequest, type OpenApiDocument } from './support/openapi-fuzz.js';
import { spawnApp, type AppProcess } from './support/process.js';
import { TestValkey } from './support/valkey.js';

/**
 * Property: whatever a client sends — any operation of the app's own OpenAPI document with generated and hostile
 * parameters and bodies, any Socket.IO event with a hostile payload — the app answers below 500, within a deadline,
 * and stays healthy. `make test` runs a short pass; `npm run fuzz` the long one (FUZZ_RUNS=10000). FUZZ_SEED replays.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const SOCKET_RUNS = Math.max(50, Math.round(RUNS / 10));
const CONCURRENCY = 4;
const REQUEST_TIMEOUT_MS = 10_000;
const REPORT = 'coverage/fuzz-report.json';

interface Outcome {
  request: FuzzRequest;
  status?: number;
  hang?: boolean;
  error?: string;
  ms: number;
}

// A connection per request: a reused keep-alive socket the server closed would fail the next request on it.
const agent = new Agent({ keepAlive: false });

/** Sends one request; resolves at the response's end (or its headers for an event stream), or marks a hang. */
function send(base: URL, req: FuzzRequest): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Omit<Outcome, 'request' | 'ms'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ request: req, ms: performance.now() - started, ...outcome });
    };
    // Framed by content-length: Node's client sends a GET or DELETE body unframed (read as a second request).
    const headers =
      req.body === undefined ? req.headers : { ...req.headers, 'content-length': Buffer.byteLength(req.body) };
    const client = httpRequest(
      { agent, host: base.hostname, port: base.port, method: req.method, path: req.path, headers },
      (res) => {
        const status = res.statusCode ?? 0;
        if (String(res.headers['content-type']).includes('text/event-stream')) {
          res.destroy();
          return settle({ status });
        }
        res.on('data', () => undefined);
        res.on('end', () => settle({ status }));
        res.on('error', () => settle({ status }));
      },
    );
    const timer = setTimeout(() => {
      client.destroy();
      settle({ hang: true });
    }, REQUEST_TIMEOUT_MS);
    // The server may answer (413, 400) and close before a large body is written: that is an answer, not an error.
    client.on('error', (error) => settle({ error: error.message }));
    client.end(req.body);
  });
}

async function runAll<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await run(items[i]);
      }
    }),
  );
  return results;
}

interface SocketCase {
  namespace: '/feeds' | '/llm';
  auth: unknown;
  event: string;
  payloads: unknown[];
}

interface SocketOutcome {
  case: SocketCase;
  /** What ended the case: an acknowledgement, an `error` event, a disconnect, a refused connection. */
  answer?: string;
  /** The `exception` event Nest sends when a handler throws. */
  exception?: unknown;
  hang?: boolean;
}

/** Payloads a Socket.IO client can send: JSON values, binary, several arguments, hostile strings. */
function socketPayload(knownIds: string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom<unknown>(
      null,
      'x'.repeat(100_000),
      Buffer.from([0, 1, 2]),
      { after: '0-0' },
      { after: '18446744073709551616-0' },
      { after: ['0-0'] },
      { after: { toString: 'x' } },
      { id: '..', from: 0 },
      { id: 'x'.repeat(200) },
      { id: knownIds[0], from: -1 },
      { id: knownIds[0], from: 1e308 },
      { id: knownIds[0], from: 2 ** 53 },
      { id: knownIds[0], from: 1.5 },
      { id: knownIds[0], from: '3' },
      { id: 7 },
      JSON.parse(`${'['.repeat(500)}${']'.repeat(500)}`) as unknown,
    ),
    fc.record({ after: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }),
    fc.record({
      id: fc.oneof(fc.constantFrom(...knownIds), fc.string({ unit: 'grapheme' })),
      from: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(undefined)),
    }),
  );
}

function socketCases(knownIds: string[]): fc.Arbitrary<SocketCase> {
  const auth = fc.oneof(
    fc.record({ userId: fc.oneof(fc.constantFrom('fz-socket', 42, 'a'.repeat(65), '', 'x y'), fc.jsonValue()) }),
    fc.record({ userId: fc.constant('fz-socket'), token: fc.jsonValue() }),
    fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
  );
  return fc.oneof(
    fc.record({
      namespace: fc.constant('/feeds' as const),
      auth,
      event: fc.constantFrom('feed:sync', 'feed:item', 'unknown-event'),
      payloads: fc.array(socketPayload(knownIds), { minLength: 0, maxLength: 3 }),
    }),
    fc.record({
      namespace: fc.constant('/llm' as const),
      auth: fc.jsonValue(),
      event: fc.constantFrom('join', 'join', 'join', 'leave', 'unknown-event'),
      payloads: fc.array(socketPayload(knownIds), { minLength: 0, maxLength: 3 }),
    }),
  );
}

/** Connects, emits the case's event with an acknowledgement and waits for any answer; no answer at all is a hang. */
function runSocketCase(base: string, c: SocketCase): Promise<SocketOutcome> {
  return new Promise((resolve) => {
    const auth = typeof c.auth === 'object' && c.auth !== null && !Array.isArray(c.auth) ? c.auth : { value: c.auth };
    const socket: Socket = io(`${base}${c.namespace}`, {
      auth: auth as Record<string, unknown>,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: REQUEST_TIMEOUT_MS,
    });
    let done = false;
    const finish = (outcome: Omit<SocketOutcome, 'case'>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      resolve({ case: c, ...outcome });
    };
    const timer = setTimeout(() => finish({ hang: true }), REQUEST_TIMEOUT_MS);
    socket.on('connect_error', (error) => finish({ answer: `connect_error ${error.message}` }));
    socket.on('disconnect', (reason) => finish({ answer: `disconnect ${reason}` }));
    socket.on('error', () => undefined); // a refusal's error event; the ack (or the disconnect) ends the case
    // Nest's answer to a handler that threw: the Socket.IO form of a 500.
    socket.on('exception', (error: unknown) => finish({ answer: 'exception', exception: error }));
    socket.on('connect', () => {
      // Events the server does not handle get no acknowledgement: the answer to wait for is that the socket lives.
      const handled =
        (c.namespace === '/feeds' && c.event === 'feed:sync') || (c.namespace === '/llm' && c.event === 'join');
      if (!handled) {
        socket.emit(c.event, ...c.payloads);
        void socket
          .timeout(REQUEST_TIMEOUT_MS / 2)
          .emitWithAck(c.namespace === '/llm' ? 'join' : 'feed:sync', { after: '0-0', id: 'fz-absent' })
          .then(() => finish({ answer: 'alive' }))
          .catch(() => finish({ hang: true }));
        return;
      }
      socket.emit(c.event, ...c.payloads, (reply: unknown) =>
        finish({ answer: `ack ${JSON.stringify(reply)?.slice(0, 80)}` }),
      );
    });
  });
}

describe('fuzz: requests generated from the OpenAPI document and hostile socket events', () => {
  let valkey: TestValkey;
  let app: AppProcess;
  let doc: OpenApiDocument;
  const knownIds = ['fz-stream', 'fz-article', 'user_001', 'user', 'user_profile', 'ranking_v1', 'classify', 'enrich'];

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await spawnApp({ VALKEY_URL: valkey.url, STREAM_BLOCK_MS: '200' });
    doc = (await json<OpenApiDocument>(`${app.url}/docs-json`)).body;
    // Things for requests to find, so that generated ids reach past "not found".
    await json(`${app.url}/features/entities`, { body: { name: 'user', join_keys: ['user_id'] } });
    await json(`${app.url}/features/views`, {
      body: {
        name: 'user_profile',
        entity: 'user',
        ttl_seconds: 86400,
        features: [
          { name: 'age', type: 'INT' },
          { name: 'score', type: 'FLOAT' },
          { name: 'tier', type: 'STRING' },
          { name: 'vip', type: 'BOOL' },
          { name: 'embedding', type: 'VECTOR', length: 3 },
        ],
      },
    });
    await json(`${app.url}/features/services`, { body: { name: 'ranking_v1', features: ['user_profile:age'] } });
    await json(`${app.url}/llm/streams`, { body: { prompt: 'Explain Valkey streams', id: 'fz-stream' } });
    await json(`${app.url}/articles`, { body: { id: 'fz-article', title: 'Fuzz seed', body: 'A seed article.' } });
  });

  afterAll(async () => {
    agent.destroy();
    await app?.stop();
    await valkey?.stop();
  });

  it(`answers ${RUNS} generated requests and ${SOCKET_RUNS} socket cases below 500, without a hang, and stays healthy`, async () => {
    const fuzzer = new OpenApiFuzzer(doc, knownIds);
    expect(fuzzer.operations.length).toBeGreaterThan(20);
    const started = performance.now();
    const requests = fc.sample(fuzzer.request(), { numRuns: RUNS, seed: SEED });
    const outcomes = await runAll(requests, CONCURRENCY, (req) => send(new URL(app.url), req));
    const sockets = fc.sample(socketCases(knownIds), { numRuns: SOCKET_RUNS, seed: SEED });
    const socketOutcomes = await runAll(sockets, CONCURRENCY, (c) => runSocketCase(app.url, c));
    const seconds = (performance.now() - started) / 1000;

    const serverErrors = outcomes.filter((o) => (o.status ?? 0) >= 500);
    const hangs = outcomes.filter((o) => o.hang);
    const socketHangs = socketOutcomes.filter((o) => o.hang);
    const socketExceptions = socketOutcomes.filter((o) => o.exception !== undefined);
    const byOperation = new Map<string, number>();
    for (const o of outcomes) byOperation.set(o.request.operation, (byOperation.get(o.request.operation) ?? 0) + 1);

    // The app is still healthy, and a normal article still reaches a follower's feed.
    const health = await json(`${app.url}/health`);
    await json(`${app.url}/users/fz-follower/topics`, { method: 'PUT', body: { topics: TOPICS } });
    await json(`${app.url}/articles`, {
      body: {
        id: 'fz-after',
        title: 'Central bank holds rates',
        body: 'The bank kept its main rate at 4%. Markets rose.',
      },
    });
    const delivered = await eventually(async () => {
      const feed = await json<{ items: { id: string }[] }>(`${app.url}/users/fz-follower/feed?limit=50`);
      return feed.body.items?.some((item) => item.id === 'fz-after');
    }, 30_000);

    // A reset is the server refusing a request it cannot read (a request line over the header limit gets a 431 and
    // the connection closed before its body is read, which can discard the answer): reported, not an answer >= 500.
    const resets = outcomes.filter((o) => o.error);
    const line =
      `fuzz: ${outcomes.length} HTTP cases over ${byOperation.size} operations, ${socketOutcomes.length} socket cases, ` +
      `${serverErrors.length + socketExceptions.length} answers >= 500 (or socket exceptions), ` +
      `${hangs.length + socketHangs.length} hangs, ` +
      `${resets.length} connection resets, ${seconds.toFixed(1)} s (seed ${SEED})`;
    mkdirSync('coverage', { recursive: true });
    const brief = (o: Outcome): unknown => ({
      ...o.request,
      body:
        o.request.body && o.request.body.length > 300
          ? `${o.request.body.slice(0, 300)}… (${o.request.body.length} chars)`
          : o.request.body,
      path: o.request.path.length > 300 ? `${o.request.path.slice(0, 300)}…` : o.request.path,
      status: o.status,
      hang: o.hang,
    });
    writeFileSync(
      REPORT,
      JSON.stringify(
        {
          line,
          statuses: countBy(outcomes.map((o) => String(o.status ?? (o.hang ? 'hang' : o.error)))),
          operations: Object.fromEntries(byOperation),
          serverErrors: serverErrors.slice(0, 50).map(brief),
          hangs: hangs.slice(0, 50).map(brief),
          connectionErrors: resets.slice(0, 20).map((o) => ({ error: o.error, ...(brief(o) as object) })),
          socketHangs: socketHangs.slice(0, 20),
          socketExceptions: socketExceptions.slice(0, 20),
          socketAnswers: countBy(socketOutcomes.map((o) => (o.answer ?? 'hang').split(' ')[0])),
          serverErrorLines: serverErrorLines(app.output()),
        },
        null,
        1,
      ),
    );
    process.stdout.write(`${line}\n`);

    expect(serverErrors.map(brief)).toEqual([]);
    expect(hangs.map(brief)).toEqual([]);
    expect(socketHangs).toEqual([]);
    expect(socketExceptions).toEqual([]);
    expect(byOperation.size).toBe(fuzzer.operations.length);
    expect(health.status).toBe(200);
    expect(delivered).toBe(true);
  }, 900_000);

  it('classifies, enriches and delivers hostile 100 KB bodies, and a normal article posted after them within 15 s', async () => {
    const bodies = Object.values(hostileBodies());
    const ids = bodies.map((_, i) => `fz-hostile-${i}`);
    await json(`${app.url}/users/fz-reader/topics`, {
      method: 'PUT',
      body: { topics: TOPICS },
    });
    for (const [i, body] of bodies.entries()) {
      const accepted = await json(`${app.url}/articles`, { body: { id: ids[i], title: `Hostile ${i}`, body } });
      expect(accepted.status).toBe(202);
    }
    const started = Date.now();
    await json(`${app.url}/articles`, {
      body: { id: 'fz-normal', title: 'Rates held', body: 'The bank kept rates. Markets rose.' },
    });
    await eventually(async () => {
      const feed = await json<{ items: { id: string }[] }>(`${app.url}/users/fz-reader/feed?limit=100`);
      return feed.body.items?.some((item) => item.id === 'fz-normal');
    }, 30_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    // Pages of the feed are bounded to 1 MiB: walk them all.
    const delivered: string[] = [];
    let before = '';
    for (let pages = 0; pages < 50; pages++) {
      const feed = await json<{ items: { id: string }[]; next_before?: string }>(
        `${app.url}/users/fz-reader/feed?limit=100${before ? `&before=${before}` : ''}`,
      );
      delivered.push(...feed.body.items.map((item) => item.id));
      if (!feed.body.next_before) break;
      before = feed.body.next_before;
    }
    expect(ids.filter((id) => !delivered.includes(id))).toEqual([]);
  }, 60_000);
});

/** The distinct errors the app logged (pino level 50): method, url and the first lines of the stack. */
function serverErrorLines(output: string): string[] {
  const lines = new Set<string>();
  for (const line of output.split('\n')) {
    if (!line.includes('"level":50')) continue;
    try {
      const entry = JSON.parse(line) as {
        req?: { method?: string; url?: string };
        err?: { stack?: string };
        msg?: string;
      };
      const stack = (entry.err?.stack ?? entry.msg ?? '').split('\n').slice(0, 4).join(' | ');
      lines.add(`${entry.req?.method ?? ''} ${entry.req?.url?.slice(0, 80) ?? ''} ${stack}`);
    } catch {
      lines.add(line.slice(0, 300));
    }
  }
  return [...lines].slice(0, 30);
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
