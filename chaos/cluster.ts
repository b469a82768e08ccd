// The system under test for the chaos and soak suites: one Valkey with an append-only file, an `api` process and
// worker processes, each the built app (dist/main.js) started as a user does, each killable and restartable.
import { Valkey } from 'iovalkey';
import { spawnApp, type AppProcess } from '../test/support/process.js';
import { TestValkey } from '../test/support/valkey.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One worker replica: its roles and stable CONSUMER_NAME survive every restart. */
export interface WorkerSlot {
  name: string;
  roles: string;
  consumer: string;
  process?: AppProcess;
  /** False while killed and not yet healthy again, or held down by a fault. */
  up: boolean;
  starts: number;
}

/** A worker process that ended without being killed by the harness (the supervisor restarted it). */
export interface UnexpectedExit {
  slot: string;
  at: number;
  code: number | string | null;
  /** Its last lines of output. */
  output: string;
}

export interface ClusterOptions {
  appendFsync: 'always' | 'everysec' | 'no';
  /** Environment every app process gets (after the defaults below). */
  env?: Record<string, string>;
  workers: { name: string; roles: string }[];
}

/** Settings that make recovery observable in seconds rather than the production defaults' half minute. */
const BASE_ENV = {
  STREAM_CLAIM_IDLE_MS: '1000',
  STREAM_BLOCK_MS: '500',
  FEED_MAX: '100000',
  LOG_LEVEL: 'error',
  VALKEY_CONNECT_TIMEOUT_MS: '30000',
};

export class Cluster {
  readonly slots: WorkerSlot[];
  api!: AppProcess;
  /** The harness's own connection (named, so a CLIENT KILL storm by the `skein:` prefix leaves it alone). */
  readonly client: Valkey;
  readonly unexpectedExits: UnexpectedExit[] = [];
  /** Every (re)start of a worker: how long until it answered /health, in how many attempts. */
  readonly starts: { slot: string; at: number; ms: number; attempts: number }[] = [];
  /** Start attempts that failed (the process exited or never became healthy), with the reason. */
  readonly failedStarts: { slot: string; at: number; error: string }[] = [];
  private stopping = false;

  private constructor(
    readonly valkey: TestValkey,
    private readonly options: ClusterOptions,
  ) {
    this.slots = options.workers.map((w) => ({ ...w, consumer: `chaos-${w.name}`, up: false, starts: 0 }));
    this.client = new Valkey(valkey.url, {
      connectionName: 'chaos-harness',
      maxRetriesPerRequest: null,
      retryStrategy: () => 100,
    });
    this.client.on('error', () => undefined);
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    const valkey = await TestValkey.start({ appendOnly: true, appendFsync: options.appendFsync });
    const cluster = new Cluster(valkey, options);
    cluster.api = await spawnApp(cluster.env({ ROLES: 'api' }));
    await Promise.all(cluster.slots.map((slot) => cluster.startSlot(slot)));
    return cluster;
  }

  env(extra: Record<string, string>): Record<string, string> {
    return { ...BASE_ENV, VALKEY_URL: this.valkey.url, ...this.options.env, ...extra };
  }

  get processes(): { name: string; process: AppProcess }[] {
    return [
      { name: 'api', process: this.api },
      ...this.slots.filter((s) => s.process && s.up).map((s) => ({ name: s.name, process: s.process! })),
    ];
  }

  /**
   * Starts the slot's process under its CONSUMER_NAME (one process per slot: a live one is killed first); retries
   * while Valkey is away, as a supervisor would (a process started while Valkey dies exits, failing to start).
   */
  async startSlot(slot: WorkerSlot): Promise<void> {
    const previous = slot.process;
    if (previous && previous.child.exitCode === null && previous.child.signalCode === null) await previous.kill9();
    const began = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const process = await spawnApp(this.env({ ROLES: slot.roles, CONSUMER_NAME: slot.consumer }));
        slot.process = process;
        slot.starts++;
        slot.up = true;
        this.starts.push({ slot: slot.name, at: began, ms: Date.now() - began, attempts: attempt });
        // As a supervisor does (docker compose's restart: unless-stopped): a process that ends on its own is recorded
        // and started again.
        void process.exited.then((code) => {
          if (this.stopping || slot.process !== process || !slot.up) return;
          slot.up = false;
          const output = process.output().trim().split('\n').slice(-3).join(' | ');
          this.unexpectedExits.push({ slot: slot.name, at: Date.now(), code, output });
          void this.startSlot(slot).catch(() => undefined);
        });
        return;
      } catch (error) {
        this.failedStarts.push({ slot: slot.name, at: Date.now(), error: (error as Error).message.slice(0, 400) });
        if (attempt >= 10 || this.stopping) throw error;
        await sleep(500);
      }
    }
  }

  /** kill -9 of the slot's process: no shutdown hook runs, its batch in hand stays pending under its consumer. */
  async kill(slot: WorkerSlot): Promise<void> {
    slot.up = false;
    await slot.process?.kill9();
  }

  /** The slot whose consumers are named after `consumer` (`{CONSUMER_NAME}-{stage}-{i}[-{n}]`). */
  slotOfConsumer(consumer: string): WorkerSlot | undefined {
    return this.slots.find((slot) => consumer.startsWith(`${slot.consumer}-`));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [this.api, ...this.slots.map((s) => s.process)].filter((p) => p !== undefined).map((p) => p.kill9()),
    );
    this.client.disconnect();
    await this.valkey.stop();
  }
}

export interface HttpResult<T> {
  status: number;
  body: T;
  retryAfterMs?: number;
}

/** A JSON request; a refused or reset connection is status 0 (the outcome is unknown: the client retries). */
export async function http<T = unknown>(
  url: string,
  init: { method?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<HttpResult<T>> {
  try {
    const res = await fetch(url, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs ?? 30000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    return {
      status: res.status,
      body: body as T,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    };
  } catch {
    return { status: 0, body: undefined as T };
  }
}

/** Flat `[field, value, ...]` of a stream entry as an object. */
export function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return fields;
}
