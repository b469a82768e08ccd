// Token publish → viewer-receive latency (p50/p99) for 1, 100 and 1,000 Socket.IO viewers of one stream on one
// replica, and the same workload through the `resumable-stream` package as a peer.
//   bash scripts/build-bench.sh && node .bench-dist/bench/tokens.js [--quick]
// Skein: the app runs in this process (roles api + llm, simulated model). "Publish" is when the generator hands the
// token to Valkey (its append script, which logs and PUBLISHes it); "receive" is when a viewer's WebSocket delivers
// the `token` frame. Both are absolute high-resolution times (timeOrigin + now), comparable across threads.
// Viewers run in a worker thread, as lean Socket.IO protocol clients (one WebSocket each; a token frame is timed on
// arrival and only its index is read, so one viewer's decoding does not delay the next one's receive time):
// a real viewer decodes on its own machine, and a thousand full socket.io-client stacks on one thread of a 2-core
// box measure that thread's backlog, not the server. `token_p99_ms_100_viewers_socketio_client` keeps the full
// client's figure for comparison.
// resumable-stream: a producer enqueues one token per interval; "publish" is the enqueue, "receive" when a resumed
// stream's reader gets the chunk holding it. Its viewers live in this process, so their own work is on the clock;
// its 1,000-viewer run is capped (PEER_CAP_MS) and tokens not delivered by then count at the cap (a lower bound).
// Each stream first sends WARMUP_TOKENS uncounted tokens to the same viewers (both systems).
// Ceiling (`bare_ws_*`): a bare `ws` server writing the same frames to the same viewers on the same schedule.
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import { Worker } from 'node:worker_threads';
import { freshValkey, machine, median, percentile, progress } from './support.js';

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
const { TokenLogRepository } = await import('../src/modules/llm-stream/token-log.repository.js');
const { LlmChannels } = await import('../src/modules/llm-stream/llm-channels.js');

const TOKEN_INTERVAL_MS = 10;
/**
 * Tokens each stream sends first, to the same viewers, before the measured ones (both systems): the first tokens a
 * fresh process relays run cold code (the worst tokens of a run were mostly among its first 20).
 */
const WARMUP_TOKENS = 20;
const PEER_CAP_MS = 20000;

type ViewerClient = 'lean' | 'socket.io-client' | 'bare';

interface Latencies {
  p50: number;
  p99: number;
  samples: number;
  capped?: number;
  /** Median time the replica's event loop spends relaying one token to all its viewers, in µs. */
  serverUs?: number;
}

function summarize(samples: number[]): Latencies {
  const sorted = samples.sort((a, b) => a - b);
  const round = (ms: number): number => Math.round(ms * 1000) / 1000;
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), samples: sorted.length };
}

/**
 * Socket.IO viewers run in a worker thread (their own core), so the replica's event loop is not also parsing every
 * viewer's frames. Times are absolute (timeOrigin + now) so they compare across threads. The lean client speaks
 * Engine.IO 4 / Socket.IO 5 over a bare WebSocket: open, connect to /llm, join with an ack, answer pings.
 */
const VIEWERS_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const now = () => performance.timeOrigin + performance.now();
const { url, id, count, client } = workerData;
const received = [];
let ended = 0;
const onEnd = (closeAll) => {
  if (++ended < count) return;
  closeAll();
  parentPort.postMessage({ type: 'done', received });
};

// A token frame is '42/llm,["token",{"id":…,"index":N,…': its index is read from the bytes on arrival, and only the
// two numbers are kept (holding every frame's buffer made this thread's scavenges grow to several ms mid-run).
const INDEX = Buffer.from('"index":');
function indexOf(data) {
  let at = data.indexOf(INDEX, 16) + INDEX.length;
  let index = 0;
  for (let c = data[at]; c >= 0x30 && c <= 0x39; c = data[++at]) index = index * 10 + c - 0x30;
  return index;
}

// An event frame is '42/llm,["token",…' or '42/llm,["end",…': its 10th byte tells which. Token frames are not
// decoded (only their index is read), so one viewer's decoding never delays the next viewer's receive time.
function onEvent(data, at, sockets) {
  if (data[0] !== 0x34 || data[1] !== 0x32 || data[2] !== 0x2f) return false;
  if (data[9] === 0x74) received.push(indexOf(data), at);
  else if (data[9] === 0x65) onEnd(() => sockets.forEach((s) => s.close()));
  return true;
}

// The ceiling's viewer: a bare WebSocket that gets the same frames with no Socket.IO session around them.
function bareViewer(sockets) {
  const WebSocket = require('ws');
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', reject);
    ws.on('open', () => resolve(ws));
    ws.on('message', (data) => onEvent(data, now(), sockets));
  });
}

function leanViewer(sockets) {
  const WebSocket = require('ws');
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace('http', 'ws') + '/socket.io/?EIO=4&transport=websocket');
    ws.on('error', reject);
    ws.on('message', (data) => {
      if (onEvent(data, now(), sockets)) return;
      const frame = data.toString();
      if (frame === '2') ws.send('3');
      else if (frame.startsWith('0')) ws.send('40/llm,');
      else if (frame.startsWith('40/llm,')) ws.send('42/llm,0' + JSON.stringify(['join', { id }]));
      else if (frame.startsWith('43/llm,0')) resolve(ws);
      else if (frame.startsWith('44/llm,')) reject(new Error(frame));
    });
  });
}

function fullViewer(sockets) {
  const { io } = require('socket.io-client');
  return new Promise((resolve, reject) => {
    const socket = io(url + '/llm', { transports: ['websocket'], forceNew: true });
    socket.on('token', (token) => received.push(token.index, now()));
    socket.on('end', () => onEnd(() => sockets.forEach((s) => s.disconnect())));
    socket.once('connect_error', reject);
    socket.once('connect', () => socket.emitWithAck('join', { id }).then(() => resolve(socket), reject));
  });
}

(async () => {
  const sockets = [];
  const viewer = client === 'lean' ? leanViewer : client === 'bare' ? bareViewer : fullViewer;
  for (let i = 0; i < count; i += 100) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, () => viewer(sockets)))));
  }
  parentPort.postMessage({ type: 'joined' });
})().catch((error) => parentPort.postMessage({ type: 'error', message: String(error) }));
`;

function startViewers(
  url: string,
  id: string,
  count: number,
  client: ViewerClient,
): { joined: Promise<void>; done: Promise<number[]> } {
  const worker = new Worker(VIEWERS_WORKER, { eval: true, workerData: { url, id, count, client } });
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

/**
 * The latencies of the measured tokens from the viewers' `[index, receive time, …]`: checks every viewer got every
 * token (warm-up ones included) and that each was published; warm-up tokens are left out.
 */
function measured(
  received: number[],
  publishedAt: (index: number) => number | undefined,
  viewers: number,
  tokens: number,
): number[] {
  const expected = viewers * (WARMUP_TOKENS + tokens);
  if (received.length !== 2 * expected)
    throw new Error(`viewers received ${received.length / 2} tokens, not ${expected}`);
  const samples: number[] = [];
  for (let i = 0; i < received.length; i += 2) {
    const [index, at] = [received[i], received[i + 1]];
    const sent = publishedAt(index);
    if (sent === undefined) throw new Error(`a viewer received token ${index}, which was never published`);
    if (index >= WARMUP_TOKENS) samples.push(Math.max(0, at - sent));
  }
  return samples;
}

async function skein(
  valkeyUrl: string,
  viewers: number,
  tokens: number,
  client: ViewerClient = 'lean',
): Promise<Latencies> {
  const port = await freePort();
  const config = loadConfig({
    VALKEY_URL: valkeyUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ROLES: 'api,llm',
    LLM_SIMULATED_TOKEN_DELAY_MS: String(TOKEN_INTERVAL_MS),
    LLM_VIEWER_BUFFER: '100000',
    // Every viewer connects from loopback: the per-address cap would refuse all but the first 256.
    MAX_CONNECTIONS_PER_ADDRESS: '0',
    // The loopback sandbox, as before access control (viewers join without viewer tokens).
    AUTH_DISABLED: 'true',
  });
  const app = await createApp(config);
  // Listen now, start the llm worker once every viewer has joined: no token is generated before they watch.
  await app.listen(port, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const id = `bench-${viewers}-${Date.now()}`;
  // Publish time: when the generator sends the token's append (log + PUBLISH) to Valkey, on this process's clock.
  const published = new Map<number, number>();
  const log = app.get(TokenLogRepository);
  const append = log.append.bind(log);
  log.append = (stream, expectLast, entryId, message) => {
    if (message.type === 'token') published.set(message.index, performance.timeOrigin + performance.now());
    return append(stream, expectLast, entryId, message);
  };
  // Server time per token: the synchronous work of relaying one Pub/Sub message (decode, then write to every viewer).
  const relayTimes: number[] = [];
  const replicaChannels = app.get(LlmChannels);
  const channels = replicaChannels as unknown as { dispatch(channel: string, raw: string): void };
  const dispatch = channels.dispatch.bind(channels);
  channels.dispatch = (channel, raw) => {
    const t0 = performance.now();
    dispatch(channel, raw);
    if (raw.includes('"type":"token"')) relayTimes.push(performance.now() - t0);
  };

  const res = await fetch(`${url}/llm/streams`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, prompt: 'Benchmark the token fan-out', max_tokens: WARMUP_TOKENS + tokens }),
  });
  if (res.status !== 201) throw new Error(`POST /llm/streams answered ${res.status}`);
  const viewersRun = startViewers(url, id, viewers, client);
  await viewersRun.joined;
  await app.get(StreamWorkerHost).startAll();
  const samples = measured(await viewersRun.done, (index) => published.get(index), viewers, tokens);
  const serverUs = Math.round(
    percentile(
      relayTimes.sort((a, b) => a - b),
      50,
    ) * 1000,
  );
  await app.close();
  return { ...summarize(samples), serverUs };
}

/**
 * The ceiling: a bare WebSocket server (the `ws` library Socket.IO runs on) in this process, writing each token's
 * frame, encoded once and in Socket.IO's exact bytes, to every connected viewer on the same schedule: no Valkey, no
 * Socket.IO, no log. What one Node thread of this machine takes to put one small message on N local connections.
 */
async function bareWebSocket(_valkeyUrl: string, viewers: number, tokens: number): Promise<Latencies> {
  const { WebSocketServer } = createRequire(import.meta.url)('ws') as typeof import('ws');
  const port = await freePort();
  const server = new WebSocketServer({ port, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const id = `bare-${viewers}`;
  const viewersRun = startViewers(`ws://127.0.0.1:${port}`, id, viewers, 'bare');
  await viewersRun.joined;
  const published: number[] = [];
  const frame = (event: string, body: object): Buffer =>
    Buffer.from(`42/llm,${JSON.stringify([event, { id, ...body }])}`);
  for (let index = 0; index < WARMUP_TOKENS + tokens; index++) {
    await new Promise((resolve) => setTimeout(resolve, TOKEN_INTERVAL_MS));
    published[index] = performance.timeOrigin + performance.now();
    const data = frame('token', { index, content: ' token' });
    for (const socket of server.clients) socket.send(data, { binary: false });
  }
  const end = frame('end', { total_tokens: WARMUP_TOKENS + tokens });
  for (const socket of server.clients) socket.send(end, { binary: false });
  const samples = measured(await viewersRun.done, (index) => published[index], viewers, tokens);
  await new Promise((resolve) => server.close(resolve));
  return summarize(samples);
}

async function resumable(valkeyUrl: string, viewers: number, tokens: number): Promise<Latencies> {
  const publisher = createClient({ url: valkeyUrl });
  const subscriber = createClient({ url: valkeyUrl });
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const context = createResumableStreamContext({
    waitUntil: null,
    publisher,
    subscriber,
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
        for (let i = 0; i < WARMUP_TOKENS + tokens; i++) {
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
  const cancels: (() => Promise<void>)[] = [];
  const seen = Array.from({ length: viewers }, () => new Set<number>());
  for (let v = 0; v < viewers; v++) {
    const stream = await context.resumeExistingStream(id);
    if (!stream) throw new Error('resumeExistingStream returned nothing');
    readers.push(
      (async () => {
        const reader = stream.getReader();
        cancels.push(() => reader.cancel());
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          const at = performance.now();
          for (const match of value.matchAll(/⟨(\d+)⟩/g)) {
            const index = Number(match[1]);
            seen[v].add(index);
            if (index >= WARMUP_TOKENS) samples.push(Math.max(0, at - enqueued[index]));
          }
        }
      })(),
    );
  }
  go();
  let timer: NodeJS.Timeout | undefined;
  const capped = await Promise.race([
    Promise.all([drainOwn, ...readers]).then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), PEER_CAP_MS))),
  ]);
  clearTimeout(timer);
  if (capped) {
    // Undelivered tokens count at the cap: their true latency is at least this.
    const at = performance.now();
    for (const got of seen)
      for (let i = WARMUP_TOKENS; i < WARMUP_TOKENS + tokens; i++)
        if (!got.has(i)) samples.push(at - (enqueued[i] ?? at));
    await Promise.all(cancels.map((cancel) => cancel().catch(() => undefined)));
    await drainOwn;
  }
  await Promise.all([publisher.quit(), subscriber.quit()]).catch(() => undefined);
  return { ...summarize(samples), capped: capped ? 1 : 0 };
}

const viewersKey = (viewers: number): string => (viewers === 1 ? '1_viewer' : `${viewers}_viewers`);

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  // Every token gives one sample per viewer, so a p99 over 100 tokens is the worst token's: 500 (quick) or 1,000
  // tokens make it the 5th or 10th worst. The 1,000-viewer runs are shorter (the peer's take minutes).
  const tokensFor = (viewers: number): number => (viewers >= 1000 ? (opts.quick ? 50 : 200) : opts.quick ? 500 : 1000);
  // At 100 viewers (the floor's case) Skein, its peer and the ceiling run in interleaved rounds (each in turn), so
  // the host's noise, which drifts over seconds, falls on all alike; each figure is the median of its rounds and
  // every round's p99 is kept as `…_round_N`.
  const ROUNDS = 3;
  type Scenario = (url: string, viewers: number, tokens: number) => Promise<Latencies>;
  const scenarios: { name: string; viewers: number; run: Scenario; suffix: string; round?: number }[] = [];
  const add = (name: string, viewers: number, run: Scenario, round?: number, extra = ''): void => {
    scenarios.push({ name, viewers, run, suffix: `${viewersKey(viewers)}${extra}`, round });
  };
  add('token', 1, (url, n, t) => skein(url, n, t));
  add('resumable_stream', 1, resumable);
  add('bare_ws', 1, bareWebSocket);
  for (let round = 1; round <= ROUNDS; round++) {
    add('token', 100, (url, n, t) => skein(url, n, t), round);
    add('resumable_stream', 100, resumable, round);
    add('bare_ws', 100, bareWebSocket, round);
  }
  add('token', 1000, (url, n, t) => skein(url, n, t));
  add('resumable_stream', 1000, resumable);
  add('token', 100, (url, n, t) => skein(url, n, t, 'socket.io-client'), undefined, '_socketio_client');
  const results: Record<string, number> = {};
  const byRound = new Map<string, Latencies[]>();
  for (const { name, viewers, run: scenario, suffix, round } of scenarios) {
    const tokens = tokensFor(viewers);
    const valkey = await freshValkey();
    try {
      progress(
        `${name}: ${viewers} viewers × ${tokens} tokens${suffix.endsWith('_client') ? ' (socket.io-client viewers)' : ''}` +
          `${round ? `, round ${round} of ${ROUNDS}` : ''}`,
      );
      const latency = await scenario(valkey.url, viewers, tokens);
      const key = `${name}_%_${suffix}`;
      if (round !== undefined) {
        results[`${key.replace('%', 'p99_ms')}_round_${round}`] = latency.p99;
        byRound.set(key, [...(byRound.get(key) ?? []), latency]);
        if (round < ROUNDS) continue;
      }
      const runs = byRound.get(key) ?? [latency];
      const middle = (pick: (l: Latencies) => number | undefined): number | undefined => {
        const values = runs.map(pick).filter((v): v is number => v !== undefined);
        return values.length === 0 ? undefined : median(values);
      };
      results[key.replace('%', 'p50_ms')] = middle((l) => l.p50)!;
      results[key.replace('%', 'p99_ms')] = middle((l) => l.p99)!;
      results[key.replace('%', 'samples')] = latency.samples;
      const capped = middle((l) => l.capped);
      if (capped !== undefined) results[key.replace('%', 'capped')] = capped;
      const serverUs = middle((l) => l.serverUs);
      if (serverUs !== undefined) results[key.replace('%', 'server_us_per_token')] = serverUs;
    } finally {
      await valkey.stop();
    }
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(
    `${JSON.stringify({ bench: 'tokens', machine: machine(), token_interval_ms: TOKEN_INTERVAL_MS, ...results })}\n`,
  );
  process.exit(0);
}
