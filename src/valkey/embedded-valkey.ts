import { Logger } from '@nestjs/common';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { resolve } from 'node:path';

export class ValkeyBinaryMissingError extends Error {
  override name = 'ValkeyBinaryMissingError';
}

const INSTALL_HINT = [
  'install it with `bash scripts/ensure-valkey.sh` (as root on Debian/Ubuntu; it adds bookworm-backports and runs',
  '`apt-get install -y -t bookworm-backports valkey-server valkey-tools`), or point Skein at a running',
  'Valkey 8+/Redis 7+ server with VALKEY_URL=redis://host:port.',
].join(' ');

export function findBinary(bin: string): string | undefined {
  if (bin.includes('/')) return existsSync(bin) ? resolve(bin) : undefined;
  const found = spawnSync('sh', ['-c', `command -v "${bin}"`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

export interface EmbeddedValkeyOptions {
  bin?: string;
  dataDir: string;
  port?: number;
  appendOnly?: boolean;
  /** When the append-only file is fsynced; Valkey's default is everysec. */
  appendFsync?: 'always' | 'everysec' | 'no';
  /** More `--name value` settings after Skein's own (a later one wins): an ACL file, TLS ports (tests). */
  extraArgs?: readonly string[];
  logger?: Logger;
  /** Called when the server fails without stop() (killed, crashed: a non-zero exit), with its status and last output. */
  onUnexpectedExit?: (detail: string) => void;
}

/**
 * A `valkey-server` child process on a free loopback port. A watchdog shell stops it when this process dies,
 * even by SIGKILL, so the app never leaves a server running behind it.
 */
export class EmbeddedValkey {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private stopping = false;
  port = 0;

  constructor(private readonly options: EmbeddedValkeyOptions) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const name = this.options.bin ?? 'valkey-server';
    const bin = findBinary(name);
    if (!bin) {
      const missing = name.includes('/') ? `VALKEY_SERVER_BIN=${name} does not exist` : `${name} was not found on PATH`;
      throw new ValkeyBinaryMissingError(`${missing} and VALKEY_URL is not set: ${INSTALL_HINT}`);
    }
    const dataDir = resolve(this.options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    this.stopLeftover(dataDir);
    this.port = this.options.port ?? (await freePort());
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dataDir,
      '--appendonly',
      this.options.appendOnly === false ? 'no' : 'yes',
      '--appendfsync',
      this.options.appendFsync ?? 'everysec',
      '--save',
      '',
      '--pidfile',
      resolve(dataDir, 'valkey.pid'),
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      '--loglevel',
      'warning',
      // Per-user feed streams are many and short: smaller stream nodes stop Valkey preallocating 4 KB for each one.
      '--stream-node-max-bytes',
      '1024',
      ...(this.options.extraArgs ?? []),
    ];
    // The shell runs valkey-server and polls for our pid; when we are gone it stops the server.
    const watchdog = [
      '"$0" "$@" & server=$!',
      `trap 'kill -TERM $server 2>/dev/null; wait $server; exit 0' TERM INT`,
      `while kill -0 ${process.pid} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 0.5; done`,
      'kill -TERM $server 2>/dev/null; wait $server',
    ].join('\n');
    const child = spawn('sh', ['-c', watchdog, bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    this.exited = new Promise((done) => child.once('exit', () => done()));
    const stopOnExit = (): void => {
      if (child.exitCode === null) child.kill('SIGTERM');
    };
    process.once('exit', stopOnExit);
    void this.exited.then(() => process.removeListener('exit', stopOnExit));
    await this.waitUntilListening(() => output);
    this.options.logger?.log(`embedded valkey-server on 127.0.0.1:${this.port}, data in ${dataDir}`);
    child.once('exit', (code, signal) => {
      // Exit 0: the server shut down on a signal or SHUTDOWN (e.g. Ctrl-C reached the whole process group).
      if (this.stopping || code === 0) return;
      const last = output.trim().split('\n').slice(-3).join(' | ');
      this.options.onUnexpectedExit?.(`exit ${code ?? signal}${last ? `; last output: ${last}` : ''}`);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || !this.exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    await this.exited;
    clearTimeout(timer);
  }

  /** A server left behind on this data dir (its pid file names a live valkey-server) would corrupt the AOF. */
  private stopLeftover(dataDir: string): void {
    const pidFile = resolve(dataDir, 'valkey.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes('valkey-server')) {
        this.options.logger?.warn(`stopping a valkey-server (pid ${pid}) left running on ${dataDir}`);
        process.kill(pid, 'SIGTERM');
        spawnSync('sh', ['-c', `for i in $(seq 50); do kill -0 ${pid} 2>/dev/null || exit 0; sleep 0.1; done`]);
      }
    } catch {
      // no such process: the pid file is stale
    }
    rmSync(pidFile, { force: true });
  }

  private async waitUntilListening(output: () => string): Promise<void> {
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null) {
        throw new Error(`valkey-server exited at start:\n${output()}`);
      }
      if (await canConnect(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`valkey-server did not listen on port ${this.port} within 15 s:\n${output()}`);
  }
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
