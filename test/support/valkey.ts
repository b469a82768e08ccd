import { Valkey } from 'iovalkey';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedValkey } from '../../src/valkey/embedded-valkey.js';

export interface TestValkeyOptions {
  appendOnly?: boolean;
  /** `appendfsync` when appendOnly: `always` makes every acknowledged write survive a kill -9. */
  fsync?: 'always' | 'everysec' | 'no';
}

/** A real valkey-server for one test file, on a free loopback port, in a throwaway directory. */
export class TestValkey {
  private readonly clients: Valkey[] = [];

  private constructor(
    private server: EmbeddedValkey,
    readonly dir: string,
    private readonly options: TestValkeyOptions,
  ) {}

  static async start(options: TestValkeyOptions = {}): Promise<TestValkey> {
    const dir = mkdtempSync(join(tmpdir(), 'skein-test-'));
    const server = new EmbeddedValkey(TestValkey.serverOptions(dir, options));
    await server.start();
    return new TestValkey(server, dir, options);
  }

  private static serverOptions(dir: string, options: TestValkeyOptions, port?: number) {
    const appendOnly = options.appendOnly ?? false;
    const extraArgs = appendOnly && options.fsync ? ['--appendfsync', options.fsync] : [];
    return { dataDir: dir, appendOnly, extraArgs, port };
  }

  get url(): string {
    return this.server.url;
  }

  get port(): number {
    return this.server.port;
  }

  /** The valkey-server process itself (not its watchdog shell). */
  get pid(): number {
    return Number(readFileSync(join(this.dir, 'valkey.pid'), 'utf8').trim());
  }

  /** A client closed by `stop()`. */
  client(): Valkey {
    const client = new Valkey(this.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
    client.on('error', () => undefined);
    this.clients.push(client);
    return client;
  }

  /** Stops the server and starts a new one on the same port (same data dir: the AOF survives if on). */
  async restart(downMs = 300): Promise<void> {
    await this.server.stop();
    await this.startAgain(downMs);
  }

  /** kill -9 of the server: nothing flushed, no clean shutdown. `startAgain` brings it back on its AOF. */
  async kill9(): Promise<void> {
    const pid = this.pid;
    process.kill(pid, 'SIGKILL');
    while (alive(pid)) await new Promise((r) => setTimeout(r, 10));
  }

  /** Starts the server again on the same port and data dir after `kill9` or `stop`. */
  async startAgain(downMs = 0): Promise<void> {
    const port = this.server.port;
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    this.server = new EmbeddedValkey(TestValkey.serverOptions(this.dir, this.options, port));
    await this.server.start();
  }

  /** A copy of the append-only files as they are now, for `restoreAof` to roll the data back to (a lost tail). */
  snapshotAof(): string {
    const copy = mkdtempSync(join(tmpdir(), 'skein-aof-'));
    cpSync(join(this.dir, 'appendonlydir'), join(copy, 'appendonlydir'), { recursive: true });
    return copy;
  }

  /** Puts back the append-only files of `snapshotAof` (call while the server is down). */
  restoreAof(copy: string): void {
    rmSync(join(this.dir, 'appendonlydir'), { recursive: true, force: true });
    cpSync(join(copy, 'appendonlydir'), join(this.dir, 'appendonlydir'), { recursive: true });
    rmSync(copy, { recursive: true, force: true });
  }

  /** SIGSTOP: the server keeps its sockets open and answers nothing (a stall) until `resume`. */
  pause(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    process.kill(this.pid, 'SIGCONT');
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    await this.server.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Alive and not a zombie (the watchdog shell reaps its server only later). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
