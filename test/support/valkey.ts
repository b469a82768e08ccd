import { Valkey } from 'iovalkey';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedValkey } from '../../src/valkey/embedded-valkey.js';

/** A real valkey-server for one test file, on a free loopback port, in a throwaway directory. */
export class TestValkey {
  private readonly clients: Valkey[] = [];

  private constructor(
    private server: EmbeddedValkey,
    readonly dir: string,
    private readonly appendOnly: boolean,
  ) {}

  static async start(options: { appendOnly?: boolean } = {}): Promise<TestValkey> {
    const dir = mkdtempSync(join(tmpdir(), 'skein-test-'));
    const appendOnly = options.appendOnly ?? false;
    const server = new EmbeddedValkey({ dataDir: dir, appendOnly });
    await server.start();
    return new TestValkey(server, dir, appendOnly);
  }

  get url(): string {
    return this.server.url;
  }

  get port(): number {
    return this.server.port;
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
    const port = this.server.port;
    await this.server.stop();
    await new Promise((r) => setTimeout(r, downMs));
    this.server = new EmbeddedValkey({ dataDir: this.dir, appendOnly: this.appendOnly, port });
    await this.server.start();
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    await this.server.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
