import { ReplicaStopping, type StageOutcome, type StreamEntry, type StreamStage } from '../src/streams/stream-entry.js';
import { appendDeadLetter, deadLetterFields } from '../src/streams/dead-letter.js';
import type { StreamWorkerOptions } from '../src/streams/stream-worker.js';
import type { Valkey } from 'iovalkey';
import type { ValkeyService } from '../src/valkey/valkey.service.js';
import { eventually } from './support/app.js';
import { EngineFixture, range } from './support/engine.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

const OPTIONS: StreamWorkerOptions = {
  consumerBase: 'test',
  batchSize: 10,
  blockMs: 100,
  claimIdleMs: 300,
  maxDeliveries: 3,
  concurrency: 1,
  trimIntervalMs: 60000,
};

/** A stage that records what it handled into a Valkey set (its output) and can be told to fail. */
class RecordingStage implements StreamStage {
  readonly handled: string[] = [];
  failWhen: (entry: StreamEntry) => boolean = () => false;
  holdMs = 0;

  constructor(
    private readonly valkey: ValkeyService,
    readonly definition: StreamStage['definition'],
  ) {}

  async handle(entries: StreamEntry[]): Promise<StageOutcome | void> {
    if (this.holdMs > 0) await new Promise((r) => setTimeout(r, this.holdMs));
    for (const entry of entries) {
      if (this.failWhen(entry)) throw new Error(`cannot handle ${entry.fields.n}`);
    }
    await this.valkey.command.sadd(`out:${this.definition.stage}`, ...entries.map((e) => e.fields.n));
    this.handled.push(...entries.map((e) => e.fields.n));
  }
}

describe(`stream-worker engine (${TOPOLOGY})`, () => {
  let store: TestStore;
  let admin: Valkey;
  const engine = new EngineFixture(
    () => store.url,
    () => admin,
    OPTIONS,
    () => store.env,
  );
  const service = (): ValkeyService => engine.service();
  const worker = engine.worker.bind(engine);
  const produce = engine.produce.bind(engine);
  const outputs = engine.outputs.bind(engine);

  beforeAll(async () => {
    store = await startStore();
    admin = store.client();
  });

  afterEach(() => engine.reset());

  afterAll(async () => {
    await store.stop();
  });

  it('processes every entry once and acknowledges it', async () => {
    const valkey = service();
    const stage = new RecordingStage(valkey, { stage: 'basic', stream: 's:basic', group: 'g' });
    await worker(stage, valkey).start();
    await produce('s:basic', 50);
    await eventually(async () => (await outputs('basic')).length === 50);
    await eventually(async () => Number((await admin.xpending('s:basic', 'g'))[0]) === 0);
    expect(stage.handled).toHaveLength(50);
  });

  it('hands the entries of a consumer that died before acking to another consumer after the claim idle time', async () => {
    const client = admin;
    await produce('s:claim', 20);
    await client.xgroup('CREATE', 's:claim', 'g', '0');
    // A consumer reads everything and dies without acknowledging.
    const read = await client.xreadgroup('GROUP', 'g', 'doomed', 'COUNT', 100, 'STREAMS', 's:claim', '>');
    expect(read).toHaveLength(1);
    expect(Number((await client.xpending('s:claim', 'g'))[0])).toBe(20);

    const valkey = service();
    const stage = new RecordingStage(valkey, { stage: 'claim', stream: 's:claim', group: 'g' });
    await worker(stage, valkey).start();
    await eventually(async () => (await outputs('claim')).length === 20, 10000);
    expect(await outputs('claim')).toEqual(range(20));
    await eventually(async () => Number((await client.xpending('s:claim', 'g'))[0]) === 0);
  });

  it('reclaims an idle entry of a dead consumer as soon as it starts, not one reclaim interval later', async () => {
    const claimIdleMs = 10000; // reclaims every 5 s after the first
    const client = admin;
    await produce('s:early', 1);
    await client.xgroup('CREATE', 's:early', 'g', '0');
    const read = (await client.xreadgroup('GROUP', 'g', 'gone', 'STREAMS', 's:early', '>')) as [string, [string][]][];
    await client.xclaim('s:early', 'g', 'gone', 0, read[0][1][0][0], 'IDLE', claimIdleMs + 1000);

    const valkey = service();
    const stage = new RecordingStage(valkey, { stage: 'early', stream: 's:early', group: 'g' });
    const startedAt = Date.now();
    await worker(stage, valkey, { claimIdleMs }).start();
    await eventually(() => stage.handled.length > 0, 10000);
    expect(Date.now() - startedAt).toBeLessThan(claimIdleMs / 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(stage.handled).toEqual(['0']); // handled once: the reclaim waits for the consumer's own drain
  });

  it('retries an entry whose handler always throws, then dead-letters it with the error, and processes the entries behind it', async () => {
    const valkey = service();
    const stage = new RecordingStage(valkey, { stage: 'poison', stream: 's:poison', group: 'g' });
    stage.failWhen = (entry) => entry.fields.n === '3';
    await worker(stage, valkey).start();
    await produce('s:poison', 10);
    await eventually(async () => (await outputs('poison')).length === 9);
    expect(await outputs('poison')).toEqual(range(10).filter((n) => n !== 3));

    const dead = await eventually(async () => {
      const entries = await admin.xrange('dlq:poison', '-', '+');
      return entries.length === 1 ? entries : undefined;
    }, 15000);
    const fields = Object.fromEntries(
      Array.from({ length: dead[0][1].length / 2 }, (_, i) => [dead[0][1][2 * i], dead[0][1][2 * i + 1]]),
    );
    expect(fields.n).toBe('3');
    expect(fields.dlq_error).toContain('cannot handle 3');
    expect(Number(fields.dlq_deliveries)).toBe(OPTIONS.maxDeliveries);
    expect(fields.dlq_stream).toBe('s:poison');
    await eventually(async () => Number((await admin.xpending('s:poison', 'g'))[0]) === 0);
  });

  it('dead-letters at once an entry the stage rejects as unparseable', async () => {
    const valkey = service();
    const stage: StreamStage = {
      definition: { stage: 'reject', stream: 's:reject', group: 'g' },
      handle: (entries) =>
        Promise.resolve({
          rejected: entries.filter((e) => e.fields.n === 'bad').map((entry) => ({ entry, reason: 'no title' })),
        }),
    };
    await worker(stage, valkey).start();
    await admin.xadd('s:reject', '*', 'n', 'bad');
    await produce('s:reject', 3);
    const dead = await eventually(async () => {
      const entries = await admin.xrange('dlq:reject', '-', '+');
      return entries.length === 1 ? entries : undefined;
    });
    expect(dead[0][1]).toEqual(expect.arrayContaining(['dlq_error', 'no title', 'n', 'bad']));
    await eventually(async () => Number((await admin.xpending('s:reject', 'g'))[0]) === 0);
  });

  it('writes a dead letter once when its acknowledgement failed and is retried, then acknowledges it', async () => {
    const valkey = service();
    await admin.xgroup('CREATE', 's:once', 'g', '0', 'MKSTREAM');
    const id = await admin.xadd('s:once', '*', 'n', '7');
    await admin.xreadgroup('GROUP', 'g', 'c', 'STREAMS', 's:once', '>');
    const target = { dlq: 'dlq:once', written: valkey.keys.deadLetterWritten('once', 's:once', id!) };
    const fields = deadLetterFields({ dlq_error: 'bad', dlq_stream: 's:once' }, { n: '7' });
    // The acknowledgement fails after the dead letter was written (a key of the wrong type stands in for a lost
    // connection to the stream's node): the entry stays pending, and its next delivery dead-letters it again.
    await admin.set('s:not-a-stream', 'x');
    const broken = { stream: 's:not-a-stream', group: 'g', id: id! };
    await expect(appendDeadLetter(valkey.command, target, broken, fields, 0)).rejects.toThrow('WRONGTYPE');
    expect(Number((await admin.xpending('s:once', 'g'))[0])).toBe(1);
    const source = { stream: 's:once', group: 'g', id: id! };
    expect(await appendDeadLetter(valkey.command, target, source, fields, 0)).toBe(true);
    expect(await appendDeadLetter(valkey.command, target, source, fields, 0)).toBe(true);
    expect(await admin.xlen('dlq:once')).toBe(1);
    expect(Number((await admin.xpending('s:once', 'g'))[0])).toBe(0);
  });

  it('trims only entries every group has acknowledged when one group lags', async () => {
    const client = admin;
    await produce('s:trim', 10);
    await client.xgroup('CREATE', 's:trim', 'lagging', '0');
    // The lagging group has read 6 entries and acknowledged only the first 2.
    const read = (await client.xreadgroup('GROUP', 'lagging', 'c', 'COUNT', 6, 'STREAMS', 's:trim', '>')) as [
      string,
      [string, string[]][],
    ][];
    const ids = read[0][1].map(([id]) => id);
    await client.xack('s:trim', 'lagging', ids[0], ids[1]);

    const valkey = service();
    const stage = new RecordingStage(valkey, { stage: 'trim', stream: 's:trim', group: 'fast' });
    const w = worker(stage, valkey);
    await w.start();
    await eventually(async () => (await outputs('trim')).length === 10);
    expect(await w.trim()).toBe(2);
    const left = await client.xrange('s:trim', '-', '+');
    expect(left.map(([id]) => id)[0]).toBe(ids[2]);
    expect(left).toHaveLength(8);

    // Once the lagging group acknowledges everything it read, trimming goes up to its last-delivered id.
    await client.xack('s:trim', 'lagging', ...ids.slice(2));
    expect(await w.trim()).toBe(4);
    expect(await client.xlen('s:trim')).toBe(4);
  });

  it('finishes and acknowledges the batch in hand on graceful shutdown', async () => {
    const valkey = service();
    const stage = new RecordingStage(valkey, { stage: 'shutdown', stream: 's:shutdown', group: 'g', batchSize: 5 });
    stage.holdMs = 400;
    const w = worker(stage, valkey);
    await w.start();
    await produce('s:shutdown', 5);
    await eventually(
      () => stage.holdMs > 0 && admin.xpending('s:shutdown', 'g').then((p) => Number((p as [number])[0]) === 5),
    );
    await w.stop();
    expect(await outputs('shutdown')).toEqual(range(5));
    expect(Number((await admin.xpending('s:shutdown', 'g'))[0])).toBe(0);
  });

  it('wakes its readers blocked in XREADGROUP when it stops, rather than waiting out the block', async () => {
    const blockMs = 20000;
    const valkey = service();
    const stage = new RecordingStage(valkey, { stage: 'wake', stream: 's:wake', group: 'g' });
    const w = worker(stage, valkey, { blockMs });
    await w.start();
    // Readers blocked: their connections await replies.
    await eventually(() => w.readerConnections.every((client) => valkey.waitingMs(client) > 0));
    await new Promise((r) => setTimeout(r, 200));
    const stoppedAt = Date.now();
    await w.stop();
    expect(Date.now() - stoppedAt).toBeLessThan(blockMs / 2);
  }, 30000);

  it('hands an entry its stage gives up at stop (ReplicaStopping) to another consumer at once, not counted as a delivery', async () => {
    const claimIdleMs = 4000; // the other consumer reclaims every 2 s; without a hand-over it waits the full 4 s
    const definition = { stage: 'handover', stream: 's:handover', group: 'g', batchSize: 1 };
    let release!: () => void;
    const stopping = new Promise<void>((resolve) => (release = resolve));
    const seen: { consumer: string; deliveries: number }[] = [];
    const giver: StreamStage = {
      definition,
      handle: async ([entry]) => {
        seen.push({ consumer: 'a', deliveries: entry.deliveries });
        await stopping;
        throw new ReplicaStopping();
      },
    };
    const taker: StreamStage = {
      definition,
      handle: ([entry]) => {
        seen.push({ consumer: 'b', deliveries: entry.deliveries });
        return Promise.resolve();
      },
    };
    const a = worker(giver, service(), { claimIdleMs });
    await a.start();
    await produce('s:handover', 1);
    await eventually(() => seen.length === 1);
    await worker(taker, service(), { claimIdleMs }).start();

    release();
    const stoppedAt = Date.now();
    await a.stop();
    await eventually(() => seen.length === 2, 10000);
    expect(Date.now() - stoppedAt).toBeLessThan(claimIdleMs);
    expect(seen).toEqual([
      { consumer: 'a', deliveries: 1 },
      { consumer: 'b', deliveries: 1 },
    ]);
    await eventually(async () => Number((await admin.xpending('s:handover', 'g'))[0]) === 0);
    expect(await admin.xlen('dlq:handover')).toBe(0);
  });

  it('splits the work between two consumers of one group, each entry handled once', async () => {
    const a = service();
    const b = service();
    const definition = { stage: 'split', stream: 's:split', group: 'g', batchSize: 5 };
    const stageA = new RecordingStage(a, definition);
    const stageB = new RecordingStage(b, definition);
    stageA.holdMs = stageB.holdMs = 20;
    const wa = worker(stageA, a);
    const wb = worker(stageB, b);
    await wa.start();
    await wb.start();
    expect(wa.consumerNames[0]).not.toBe(wb.consumerNames[0]);
    await produce('s:split', 200);
    await eventually(async () => (await outputs('split')).length === 200, 20000);
    expect(stageA.handled.length).toBeGreaterThan(0);
    expect(stageB.handled.length).toBeGreaterThan(0);
    expect(stageA.handled.length + stageB.handled.length).toBe(200);
  });

  it('keeps a batch it is still handling past the claim idle time: no other consumer reclaims it', async () => {
    const a = service();
    const b = service();
    const definition = { stage: 'long', stream: 's:long', group: 'g', batchSize: 1 };
    const slow = new RecordingStage(a, definition);
    const idle = new RecordingStage(b, definition);
    slow.holdMs = OPTIONS.claimIdleMs * 4;
    await worker(slow, a).start();
    await produce('s:long', 1);
    await eventually(async () => Number((await admin.xpending('s:long', 'g'))[0]) === 1);
    // A second consumer joins while the first is mid-batch; its reclaim loop runs many times meanwhile.
    await worker(idle, b).start();
    await eventually(() => slow.handled.length === 1, 10000);
    await new Promise((r) => setTimeout(r, OPTIONS.claimIdleMs));
    expect(idle.handled).toEqual([]);
    expect(slow.handled).toEqual(['0']);
  });
});
