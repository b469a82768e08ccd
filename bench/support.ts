import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EmbeddedValkey } from '../src/valkey/embedded-valkey.js';

/** A fresh valkey-server for one scenario (no persistence), removed afterwards. */
export async function freshValkey(): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'skein-bench-'));
  const server = new EmbeddedValkey({ dataDir: dir, appendOnly: false });
  await server.start();
  return {
    url: server.url,
    port: server.port,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ (the app scenarios start as child processes) with `npx nest build` when missing or older than src/. */
export function ensureBuilt(): void {
  if (existsSync('dist/main.js') && statSync('dist/main.js').mtimeMs >= newestMtime('src')) return;
  progress('dist/ is missing or older than src/: npx nest build');
  execFileSync('npx', ['nest', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** CPU time (user + system, ms) a child process has used so far, from /proc (Linux). */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // After the command name: state is field 3, utime 14 and stime 15 (1-based, man 5 proc), in clock ticks (100/s).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * How much this machine takes the CPU away: both cores spin for `ms` (this thread and a worker thread), counting every
 * gap over 0.3 ms between two clock reads (the thread was not running). On a shared VM this is the floor under any
 * p99: a request that meets a 5 ms gap takes 5 ms more, whatever the code does.
 */
export async function cpuStalls(ms: number): Promise<{ max_ms: number; stalled_ms_per_s: number }> {
  const spin = `
    const { parentPort, workerData } = require('node:worker_threads');
    const end = performance.now() + workerData;
    let last = performance.now(), max = 0, sum = 0;
    while (performance.now() < end) {
      const t = performance.now();
      if (t - last > 0.3) { sum += t - last; max = Math.max(max, t - last); }
      last = t;
    }
    parentPort.postMessage({ max, sum });`;
  const threads = [0, 1].map(
    () =>
      new Promise<{ max: number; sum: number }>((resolve, reject) => {
        const worker = new Worker(spin, { eval: true, workerData: ms });
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
  );
  const stalls = await Promise.all(threads);
  return {
    max_ms: Number(Math.max(...stalls.map((s) => s.max)).toFixed(2)),
    stalled_ms_per_s: Number(((stalls.reduce((sum, s) => sum + s.sum, 0) / stalls.length / ms) * 1000).toFixed(2)),
  };
}
