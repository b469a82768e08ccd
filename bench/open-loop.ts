// Open-loop HTTP load from a worker thread: the load generator has its own event loop, so its work never delays
// the server's, and each latency is one clock (the worker's) from the request's scheduled start to its last byte.
import { Agent, request } from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface OpenLoopPlan {
  url: string;
  body: string;
  rate: number;
  seconds: number;
}

/** Latencies in ms, sorted; requests start on schedule whatever earlier ones do (no coordinated omission). */
export function openLoop(plan: OpenLoopPlan): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { openLoop: plan } });
    worker.once('message', (message: { latencies?: number[]; error?: string }) => {
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.latencies ?? []);
    });
    worker.once('error', reject);
  });
}

function post(agent: Agent, url: URL, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function generate(plan: OpenLoopPlan): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(plan.url);
  const total = Math.round(plan.rate * plan.seconds);
  const latencies: number[] = [];
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / plan.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inflight.push(post(agent, url, plan.body).then(() => void latencies.push(performance.now() - due)));
  }
  await Promise.all(inflight);
  agent.destroy();
  return latencies.sort((a, b) => a - b);
}

if (!isMainThread && (workerData as { openLoop?: OpenLoopPlan } | null)?.openLoop) {
  const plan = (workerData as { openLoop: OpenLoopPlan }).openLoop;
  generate(plan).then(
    (latencies) => parentPort?.postMessage({ latencies }),
    (error: Error) => parentPort?.postMessage({ error: error.message }),
  );
}
