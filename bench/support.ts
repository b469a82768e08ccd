import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
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
  return percentile([...values].sort((a, b) => a - b), 50);
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
