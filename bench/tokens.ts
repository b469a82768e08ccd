// Token publish → viewer-receive latency (p50/p99) for 1, 100 and 1,000 Socket.IO viewers of one stream on one
// replica, and the same workload through the `resumable-stream` package as a peer.
//   node --loader ts-node/esm bench/tokens.ts [--quick]
// Skein: the app runs in this process (roles api + llm, simulated model); "publish" is when a raw Valkey subscriber
// in this process receives the token message, "receive" when a socket.io-client viewer's `token` handler runs.
// resumable-stream: a producer enqueues one token per interval; "publish" is the enqueue, "receive" when a resumed
// stream's reader gets the chunk holding it. All viewers live in this process, so their own work is on the clock.
import { Valkey } from 'iovalkey';
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import { Worker } from 'node:worker_threads';
import { freshValkey, machine, percentile, progress } from './support.js';

const NEST_SUBPATH_HOOK = `export async function resolve(specifier, context, next) {
  const nest = specifier.startsWith('@nestjs/') && specifier.split('/').length > 2 && specifier.endsWith('.js');
  return next(nest ? specifier.slice(0, -3) : specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(NEST_SUBPATH_HOOK)}`);
const { createApp } = await import('../src/app.factory.js');
const { StreamWorkerHost } = await import('../src/streams/stream-worker.host.js');
const { loadConfig } = await import('../src/config/config.js');
const { freePort } = await import('../src/valkey/embedded-valkey.js');
const { createResumableStreamContext } = await import('resumable-stream');

const TOKEN_INTERVAL_MS = 10;

interface Latencies {
  p50: number;
  p99: number;
  samples: number;
}

function summarize(samples: number[]): Latencies {
  const sorted = samples.sort((a, b) => a - b);
  const round = (ms: number): number => Math.round(ms * 1000) / 1000;
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), samples: sorted.length };
}

/**
 * Socket.IO viewers run in a worker thread (their own core), so the replica's event loop is not also parsing every
 * viewer's frames. Times are absolute (timeOrigin + now) so they compare across threads.
 */
const VIEWERS_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { io } = require('socket.io-client');
const now = () => performance.timeOrigin + performance.now();
(async () => {
  const { url, id, count } = workerData;
  const sockets = [];
  for (let i = 0; i < count; i += 100) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, () => new Promise((resolve, reject) => {
      const socket = io(url + '/llm', { transports: ['websocket'], forceNew: true });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    })))));
  }
  const received = [];
  let ended = 0;
  for (const socket of sockets) {
    socket.on('token', (token) => received.push(token.index, now()));
    socket.on('end', () => {
      if (++ended === sockets.length) {
        for (const s of sockets) s.disconnect();
        parentPort.postMessage({ type: 'done', received });
      }
    });
  }
  await Promise.all(sockets.map((socket) => socket.emitWithAck('join', { id })));
  parentPort.postMessage({ type: 'joined' });
})().catch((error) => parentPort.postMessage({ type: 'error', message: String(error) }));
`;

function startViewers(url: string, id: string, count: number): { joined: Promise<void>; done: Promise<number[]> } {
  const worker = new Worker(VIEWERS_WORKER, { eval: true, workerData: { url, id, count } });
  let joined!: () => void;
  const joinedP = new Promise<void>((resolve) => (joined = resolve));
  const done = new Promise<number[]>((resolve, reject) => {
    worker.on('message', (message: { type: string; received?: number[]; message?: string }) => {
      if (message.type === 'joined') joined();
      if (message.type === 'error') reject(new Error(message.message));
      if (message.type === 'done') {
        resolve(message.received ?? []);
        void worker.terminate();
      }
    });
    worker.on('error', reject);
  });
  return { joined: joinedP, done };
}

async function skein(valkeyUrl: string, viewers: number, tokens: number): Promise<Latencies> {
  const port = await freePort();
  const config = loadConfig({
    VALKEY_URL: valkeyUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ROLES: 'api,llm',
    LLM_SIMULATED_TOKEN_DELAY_MS: String(TOKEN_INTERVAL_MS),
    LLM_VIEWER_BUFFER: '100000',
  });
  const app = await createApp(config);
  // Listen now, start the llm worker once every viewer has joined: no token is generated before they watch.
  await app.listen(port, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const id = `bench-${viewers}-${Date.now()}`;
  const raw = new Valkey(valkeyUrl);
  const published = new Map<number, number>();
  raw.on('message', (_channel: string, message: string) => {
    const parsed = JSON.parse(message) as { type: string; index?: number };
    if (parsed.type === 'token' && parsed.index !== undefined) published.set(parsed.index, performance.timeOrigin + performance.now());
  });
  await raw.subscribe(`llm:stream:${id}`);

  const res = await fetch(`${url}/llm/streams`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, prompt: 'Benchmark the token fan-out', max_tokens: tokens }),
  });
  if (res.status !== 201) throw new Error(`POST /llm/streams answered ${res.status}`);
  const viewersRun = startViewers(url, id, viewers);
  await viewersRun.joined;
  await app.get(StreamWorkerHost).startAll();
  const flat = await viewersRun.done;
  const received: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) received.push([flat[i], flat[i + 1]]);
  const samples = received.map(([index, at]) => Math.max(0, at - (published.get(index) ?? at)));
  raw.disconnect();
  await app.close();
  return summarize(samples);
}

async function resumable(valkeyUrl: string, viewers: number, tokens: number): Promise<Latencies> {
  const publisher = createClient({ url: valkeyUrl });
  const subscriber = createClient({ url: valkeyUrl });
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const context = createResumableStreamContext({
    waitUntil: null,
    publisher: publisher as never,
    subscriber: subscriber as never,
    keyPrefix: `rs-bench-${viewers}-${Date.now()}`,
  });
  const id = 'stream';
  const enqueued: number[] = [];
  let go!: () => void;
  const started = new Promise<void>((resolve) => (go = resolve));
  const makeStream = (): ReadableStream<string> =>
    new ReadableStream<string>({
      async start(controller) {
        await started;
        for (let i = 0; i < tokens; i++) {
          await new Promise((r) => setTimeout(r, TOKEN_INTERVAL_MS));
          enqueued[i] = performance.now();
          controller.enqueue(`⟨${i}⟩`);
        }
        controller.close();
      },
    });
  const own = await context.resumableStream(id, makeStream);
  const drainOwn = (async () => {
    const reader = own!.getReader();
    while (!(await reader.read()).done);
  })();
  const samples: number[] = [];
  const readers: Promise<void>[] = [];
  for (let v = 0; v < viewers; v++) {
    const stream = await context.resumeExistingStream(id);
    if (!stream) throw new Error('resumeExistingStream returned nothing');
    readers.push(
      (async () => {
        const reader = stream.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          const at = performance.now();
          for (const match of value.matchAll(/⟨(\d+)⟩/g)) samples.push(Math.max(0, at - enqueued[Number(match[1])]));
        }
      })(),
    );
  }
  go();
  await Promise.all([drainOwn, ...readers]);
  await Promise.all([publisher.quit(), subscriber.quit()]);
  return summarize(samples);
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  const counts = opts.quick ? [1, 100] : [1, 100, 1000];
  const tokens = opts.quick ? 50 : 200;
  const results: Record<string, number> = {};
  for (const viewers of counts) {
    for (const [name, scenario] of [
      ['skein', skein],
      ['resumable_stream', resumable],
    ] as const) {
      const valkey = await freshValkey();
      try {
        progress(`${name}: ${viewers} viewers × ${tokens} tokens`);
        const latency = await scenario(valkey.url, viewers, tokens);
        results[`${name}_${viewers}_viewers_p50_ms`] = latency.p50;
        results[`${name}_${viewers}_viewers_p99_ms`] = latency.p99;
        results[`${name}_${viewers}_viewers_samples`] = latency.samples;
      } finally {
        await valkey.stop();
      }
    }
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify({ bench: 'tokens', machine: machine(), token_interval_ms: TOKEN_INTERVAL_MS, ...results })}\n`);
  process.exit(0);
}
