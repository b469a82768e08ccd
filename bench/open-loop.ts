// Open-loop HTTP load from a worker thread: the load generator has its own event loop, so its work never delays
// the server's. Requests are issued on schedule whatever earlier ones do (a slow answer never holds back the next
// request: no coordinated omission), and each latency is one clock (the worker's) from the moment the request was
// issued to its last byte, so waiting for a free socket counts but the generator's own timer lateness does not (it is
// reported apart, as `sendLag`: a bare node:http server answering from one HGETALL shows p99 ~3 ms from the schedule
// on this machine, nearly all timer lateness). node:http with keep-alive, not fetch: the client's CPU is the server's.
import { Agent, request } from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface OpenLoopPlan {
  url: string;
  /** One request per body, in order, `rate` per second; or one body sent `rate × seconds` times. */
  bodies: string[] | { body: string; seconds: number };
  rate: number;
  /** The status every answer must have. */
  status: number;
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

function post(agent: Agent, url: URL, body: string, status: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () =>
          res.statusCode === status ? resolve() : reject(new Error(`POST ${url.pathname} answered ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function generate(plan: OpenLoopPlan): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(plan.url);
  const { bodies } = plan;
  const total = Array.isArray(bodies) ? bodies.length : Math.round(plan.rate * bodies.seconds);
  const latencies = new Array<number>(total);
  const sendLag = new Array<number>(total);
  const inflight: Promise<void>[] = [];
  const wallStart = Date.now();
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / plan.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = Array.isArray(bodies) ? bodies[i] : bodies.body;
    const issued = performance.now();
    sendLag[i] = issued - due;
    inflight.push(post(agent, url, body, plan.status).then(() => void (latencies[i] = performance.now() - issued)));
  }
  await Promise.all(inflight);
  agent.destroy();
  return { wallStart, latencies, sendLag };
}

if (!isMainThread && (workerData as { openLoop?: OpenLoopPlan } | null)?.openLoop) {
  const plan = (workerData as { openLoop: OpenLoopPlan }).openLoop;
  generate(plan).then(
    (result) => parentPort?.postMessage(result),
    (error: Error) => parentPort?.postMessage({ error: error.message }),
  );
}
