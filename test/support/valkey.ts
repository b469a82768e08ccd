import { Valkey } from 'iovalkey';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedValkey, type EmbeddedValkeyOptions } from '../../src/valkey/embedded-valkey.js';

type AppendFsync = EmbeddedValkeyOptions['appendFsync'];

/** A real valkey-server for one test file, on a free loopback port, in a throwaway directory. */
export class TestValkey {
  private readonly clients: Valkey[] = [];

  private constructor(
    private server: EmbeddedValkey,
    readonly dir: string,
    private readonly appendOnly: boolean,
    private readonly appendFsync: AppendFsync,
    private readonly extraArgs: readonly string[] = [],
  ) {}

  /**
   * `args`: more valkey-server settings (`--aclfile`, `--tls-port`...), kept for restarts; `port`: a port chosen by
   * the caller (e.g. to put the TLS listener on it with `--port 0 --tls-port <port>`).
   */
  static async start(
    options: { appendOnly?: boolean; appendFsync?: AppendFsync; args?: readonly string[]; port?: number } = {},
  ): Promise<TestValkey> {
    const dir = mkdtempSync(join(tmpdir(), 'skein-test-'));
    const appendOnly = options.appendOnly ?? false;
    const server = new EmbeddedValkey({
      dataDir: dir,
      appendOnly,
      appendFsync: options.appendFsync,
      extraArgs: options.args,
      port: options.port,
    });
    await server.start();
    return new TestValkey(server, dir, appendOnly, options.appendFsync, options.args);
  }

  get url(): string {
    return this.server.url;
  }

  get port(): number {
    return this.server.port;
  }

  /** The valkey-server process itself (the embedded server runs under a watchdog shell), from its pid file. */
  get serverPid(): number {
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

  /** The valkey-server process itself (alias of serverPid). */
  get pid(): number {
    return this.serverPid;
  }

  /** kill -9 of valkey-server: no shutdown, no last fsync; what the append-only file holds is all that survives. */
  async kill9(): Promise<void> {
    const pid = this.serverPid;
    process.kill(pid, 'SIGKILL');
    while (alive(pid)) await new Promise((r) => setTimeout(r, 10));
    await this.server.stop(); // the watchdog shell ends with its server
  }

  /** kill -9, then a new server on the same port and data dir after `downMs` (it loads the append-only file). */
  async kill9AndRestart(downMs = 300): Promise<void> {
    await this.kill9();
    await this.startAgain(downMs);
  }

  /**
   * SIGSTOP the server (connections stay open, nothing is answered): for `ms`, then SIGCONT; without `ms`, until
   * `resume()`.
   */
  async pause(ms?: number): Promise<void> {
    const pid = this.serverPid;
    process.kill(pid, 'SIGSTOP');
    if (ms === undefined) return;
    try {
      await new Promise((r) => setTimeout(r, ms));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  }

  resume(): void {
    process.kill(this.serverPid, 'SIGCONT');
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    await this.server.stop();
    rmSync(this.dir, { recursive: true, force: true });
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

  /** Starts the server again on the same port and data dir after `kill9` or a stop. */
  async startAgain(downMs = 0): Promise<void> {
    const port = this.server.port;
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    this.server = new EmbeddedValkey({
      dataDir: this.dir,
      appendOnly: this.appendOnly,
      appendFsync: this.appendFsync,
      extraArgs: this.extraArgs,
      port,
    });
    await this.server.start();
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
