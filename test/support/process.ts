import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '../../src/valkey/embedded-valkey.js';

const MAIN = resolve(process.cwd(), 'dist/main.js');

// Every app a test starts dies with the test process, even when a test fails before stopping it.
const spawned = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export interface AppProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for exit; returns the exit code, or the signal's name when it ended by one. */
  stop(): Promise<number | string | null>;
  /** SIGKILL: no shutdown hooks run. */
  kill9(): Promise<void>;
  exited: Promise<number | string | null>;
}

/** Starts the built app (`dist/main.js`, built by the test command) as a user would, and waits for /health. */
export async function spawnApp(
  env: Record<string, string>,
  opts: { waitHealthy?: boolean; ownProcessGroup?: boolean } = {},
): Promise<AppProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (make test does)`);
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      // JSON lines, as in production: tests read entries from the output (a test may ask for pretty).
      LOG_FORMAT: 'json',
      HOST: '127.0.0.1',
      // The loopback sandbox unless the test says otherwise (see startTestApp).
      AUTH_DISABLED: 'true',
      ...env,
      PORT: port,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a shell gives `make run`: Ctrl-C (SIGINT to the group) reaches the embedded server too.
    detached: opts.ownProcessGroup ?? false,
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20000)));
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20000)));
  spawned.add(child);
  const exited = new Promise<number | string | null>((done) =>
    child.once('exit', (code, signal) => {
      spawned.delete(child);
      done(code ?? signal);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const app: AppProcess = {
    url,
    child,
    output: () => log,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  if (opts.waitHealthy === false) return app;
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) return app;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`app did not become healthy within 30 s:\n${log}`);
}

export interface Failure {
  exit: number | string | null;
  stderr: string;
  ms: number;
}

/** Starts the built app expecting it to fail at start; what it wrote to stderr and how it ended. */
export async function failedStart(env: Record<string, string>): Promise<Failure> {
  const started = Date.now();
  const app = await spawnApp({ ROLES: 'api', ...env }, { waitHealthy: false });
  const stderr = collectStderr(app);
  const exit = await app.exited;
  return { exit, stderr: stderr(), ms: Date.now() - started };
}

export function collectStderr(app: AppProcess): () => string {
  let text = '';
  app.child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

/** One line, no stack: what an operator reads when start fails for a cause they can fix. */
export const ONE_LINE = /^skein: failed to start: [^\n]+\n$/;
