// Open-loop HTTP load from a worker thread: the load generator has its own event loop, so its work never delays
// the server's. Requests are issued on schedule whatever earlier ones do (a slow answer never holds back the next
// request: no coordinated omission), and each latency is one clock (the worker's) from the moment the request was
// issued to its last byte, so waiting for a free socket counts but the generator's own timer lateness does not (it is
// reported apart, as `sendLag`: a bare node:http server answering from one HGETALL shows p99 ~3 ms from the schedule
// on this machine, nearly all timer lateness). A lean keep-alive HTTP/1.1 client: the client's CPU is the server's.
import { connect, type Socket } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** How long after the last request is sent every answer must have come. */
const ANSWER_TIMEOUT_MS = 60000;

/**
 * An idle connection older than this is closed, not reused: the server closes keep-alive connections idle for 5 s, and
 * a request written just as its close arrives is reset (ECONNRESET: a full-mode auth run died of one, on a connection
 * opened during a stall and left idle at the bottom of the pool).
 */
const IDLE_RETIRE_MS = 4000;

export interface OpenLoopPlan {
  url: string;
  /** One request per body, in order, `rate` per second; or one body sent `rate × seconds` times. */
  bodies: string[] | { body: string; seconds: number };
  rate: number;
  /** The status every answer must have. */
  status: number;
  /** POST (the default) sends each body as JSON; GET sends no body (give `bodies` as `{ body: '', seconds }`). */
  method?: 'GET' | 'POST';
  /** Further request headers, e.g. `authorization`. */
  headers?: Record<string, string>;
}

export interface OpenLoopResult {
  /** Wall-clock time (ms since the epoch) the schedule started: request i was due at wallStart + i × 1000 / rate. */
  wallStart: number;
  /** Per request, in send order: ms from the moment it was issued to its last byte. */
  latencies: number[];
  /** Per request, in send order: ms from its scheduled start to the moment it was issued (the generator's lateness). */
  sendLag: number[];
}

export function openLoop(plan: OpenLoopPlan): Promise<OpenLoopResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { openLoop: plan } });
    worker.once('message', (message: OpenLoopResult & { error?: string }) => {
      void worker.terminate();
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message);
    });
    worker.once('error', reject);
  });
}

/**
 * One keep-alive HTTP/1.1 connection carrying one request at a time. Requests are pre-encoded bytes and answers are
 * read by their Content-Length, so the generator spends a few µs per request where node:http spends ~0.3 ms of this
 * machine's CPU (measured: the generator thread's busy time at 250 req/s), CPU the server under test needs.
 */
class Connection {
  private readonly socket: Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting?: { status: number; resolve: () => void; reject: (error: Error) => void };
  /**
   * The server closed it (an idle keep-alive connection times out after 5 s): a write to it fails only in its callback,
   * with no error event: unchecked, its request would wait for an answer for good.
   */
  closed = false;
  /** When its last answer came (performance.now()). */
  lastUsed = performance.now();

  constructor(url: URL, onError: (error: Error) => void) {
    this.socket = connect({ host: url.hostname, port: Number(url.port || 80), noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('error', (error) => (this.waiting ? this.fail(error) : onError(error)));
    this.socket.on('close', () => {
      this.closed = true;
      this.fail(new Error('connection closed by the server'));
    });
  }

  send(request: Buffer, status: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('connection closed by the server'));
    return new Promise((resolve, reject) => {
      this.waiting = { status, resolve, reject };
      this.socket.write(request, (error) => error && this.fail(error));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headEnd = this.buffered.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.buffered.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let end: number;
    if (length) end = headEnd + 4 + Number(length[1]);
    else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      // Answers here are small JSON (no bare CRLF inside): the body ends at the zero-length chunk.
      const last = this.buffered.indexOf('\r\n0\r\n\r\n', headEnd + 2);
      end = last < 0 ? Infinity : last + 7;
    } else return this.fail(new Error(`answer without a length: ${head.slice(0, 200)}`));
    if (this.buffered.length < end) return;
    const status = Number(head.slice(9, 12));
    const body = this.buffered.toString('utf8', headEnd + 4, end);
    this.buffered = this.buffered.subarray(end);
    const waiting = this.waiting;
    this.waiting = undefined;
    if (!waiting) return;
    if (status === waiting.status) waiting.resolve();
    else waiting.reject(new Error(`answered ${status}: ${body.slice(0, 300)}`));
  }

  private fail(error: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}

function encodeRequest(url: URL, body: string, plan: OpenLoopPlan): Buffer {
  const method = plan.method ?? 'POST';
  const bytes = Buffer.from(method === 'GET' ? '' : body);
  const extra = Object.entries(plan.headers ?? {})
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const content = method === 'GET' ? '' : `Content-Type: application/json\r\nContent-Length: ${bytes.length}\r\n`;
  const head =
    `${method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n${content}${extra}` +
    `Connection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

async function generate(plan: OpenLoopPlan): Promise<OpenLoopResult> {
  const url = new URL(plan.url);
  const { bodies } = plan;
  const total = Array.isArray(bodies) ? bodies.length : Math.round(plan.rate * bodies.seconds);
  const requests = Array.isArray(bodies) ? bodies.map((body) => encodeRequest(url, body, plan)) : [];
  const same = Array.isArray(bodies) ? undefined : encodeRequest(url, bodies.body, plan);
  // Idle connections are reused; a request due while all are busy opens another (as an agent without a cap would).
  const idle: Connection[] = [];
  const all: Connection[] = [];
  let failure: Error | undefined;
  const latencies = new Array<number>(total);
  const sendLag = new Array<number>(total);
  const inflight: Promise<void>[] = [];
  let answered = 0;
  const wallStart = Date.now();
  const start = performance.now();
  for (let i = 0; i < total && !failure; i++) {
    const due = start + (i * 1000) / plan.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    let connection = idle.pop();
    while (connection && (connection.closed || performance.now() - connection.lastUsed > IDLE_RETIRE_MS)) {
      connection.close();
      connection = idle.pop();
    }
    if (!connection) {
      connection = new Connection(url, (error) => (failure ??= error));
      all.push(connection);
    }
    const issued = performance.now();
    sendLag[i] = issued - due;
    const used = connection;
    inflight.push(
      used.send(same ?? requests[i], plan.status).then(() => {
        used.lastUsed = performance.now();
        latencies[i] = used.lastUsed - issued;
        answered++;
        idle.push(used);
      }),
    );
  }
  // A request the server never answers fails the run, naming how many, rather than hanging it.
  let timer: NodeJS.Timeout | undefined;
  const unanswered = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new Error(
          `${total - answered} of ${total} requests unanswered ${ANSWER_TIMEOUT_MS} ms after the last was sent`,
        ),
      );
    }, ANSWER_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all(inflight), unanswered]);
    if (failure) throw failure;
  } finally {
    clearTimeout(timer);
    for (const connection of all) connection.close();
  }
  return { wallStart, latencies, sendLag };
}

if (!isMainThread && (workerData as { openLoop?: OpenLoopPlan } | null)?.openLoop) {
  const plan = (workerData as { openLoop: OpenLoopPlan }).openLoop;
  generate(plan).then(
    (result) => parentPort?.postMessage(result),
    (error: Error) => parentPort?.postMessage({ error: error.message }),
  );
}
