import type { Valkey } from 'iovalkey';
import type { StageOutcome, StreamEntry, StreamStage } from '../src/streams/stream-entry.js';
import type { StreamWorker, StreamWorkerOptions } from '../src/streams/stream-worker.js';
import type { ValkeyService } from '../src/valkey/valkey.service.js';
import { eventually } from './support/app.js';
import { TcpProxy } from './support/proxy.js';
import { EngineFixture, range } from './support/engine.js';
import { TestValkey } from './support/valkey.js';

const OPTIONS: StreamWorkerOptions = {
  consumerBase: 'faults',
  batchSize: 10,
  blockMs: 100,
  claimIdleMs: 300,
  maxDeliveries: 3,
  concurrency: 1,
  trimIntervalMs: 60000,
};

/** A stage whose output is a Valkey set; `before` runs on each entry first and may hang or throw. */
class OutputStage implements StreamStage {
  before: (entry: StreamEntry) => Promise<void> = () => Promise.resolve();
  after: () => Promise<void> = () => Promise.resolve();

  constructor(
    private readonly valkey: ValkeyService,
    readonly definition: StreamStage['definition'],
  ) {}

  async handle(entries: StreamEntry[]): Promise<StageOutcome | void> {
    for (const entry of entries) await this.before(entry);
    await this.valkey.command.sadd(`out:${this.definition.stage}`, ...entries.map((e) => e.fields.n));
    await this.after();
  }
}

/**
 * Valkey faults under the stream-worker engine, each of which used to lose or stall work: a restart that lost the
 * output of a batch whose acknowledgement was then resent, a poison entry that crashes every consumer it reaches,
 * and a half-open connection.
 */
describe('stream-worker engine under Valkey faults', () => {
  let server: TestValkey;
  let admin: Valkey;
  const engine = new EngineFixture(
    () => server.url,
    () => admin,
    OPTIONS,
  );
  const service = engine.service.bind(engine);
  const worker = engine.worker.bind(engine);
  const produce = engine.produce.bind(engine);
  const outputs = engine.outputs.bind(engine);

  /** What a kill -9 of the worker's process does to it: its connections drop, nothing more runs, nothing is released. */
  function crash(w: StreamWorker, valkey: ValkeyService): void {
    const internals = w as unknown as { running: boolean; timers: NodeJS.Timeout[] };
    internals.running = false;
    for (const timer of internals.timers) clearInterval(timer);
    for (const client of (valkey as unknown as { clients: Set<Valkey> }).clients) client.disconnect();
    engine.forget(w);
  }

  async function pendingCount(stream: string): Promise<number> {
    return Number(((await admin.xpending(stream, 'g')) as [number])[0]);
  }

  async function deadLettered(stage: string): Promise<string[]> {
    const entries = (await admin.xrange(`dlq:${stage}`, '-', '+')) as [string, string[]][];
    return entries.map(([, flat]) => flat[flat.indexOf('n') + 1]);
  }

  /** A handler that never returns, as in a process that died handling it; released after each test. */
  let releaseHung: () => void = () => undefined;
  const hung = (): Promise<void> => new Promise<void>((done) => (releaseHung = done));

  beforeAll(async () => {
    server = await TestValkey.start({ appendOnly: true, appendFsync: 'always' });
    admin = server.client();
  });

  afterEach(async () => {
    releaseHung();
    await engine.reset();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('does not acknowledge a batch on a restarted server that lost its output: the batch is handled again', async () => {
    const valkey = service();
    const stage = new OutputStage(valkey, { stage: 'lost', stream: 's:lost', group: 'g' });
    let restarted = false;
    let snapshot = '';
    stage.before = () => {
      // The batch's delivery is on disk (appendfsync always); its output is not yet written.
      if (!restarted) snapshot ||= server.snapshotAof();
      return Promise.resolve();
    };
    stage.after = async () => {
      if (restarted) return;
      restarted = true;
      // The output was written and answered; the server dies and comes back without it, as after a failover or an
      // AOF that had not reached the disk. The batch's acknowledgement has not been sent yet.
      await server.kill9();
      server.restoreAof(snapshot);
      await server.startAgain();
    };
    await produce('s:lost', 5);
    await worker(stage, valkey).start();

    await eventually(async () => restarted && (await outputs('lost')).length === 5, 20000, 100);
    expect(await outputs('lost')).toEqual(range(5));
    await eventually(async () => (await pendingCount('s:lost')) === 0, 10000);
  });

  it('dead-letters an entry that crashes every consumer restarted under the same name, and handles its neighbours', async () => {
    let lives = 0;
    const hang = hung();
    for (; lives < 8; lives++) {
      const valkey = service();
      const stage = new OutputStage(valkey, { stage: 'crashy', stream: 's:crashy', group: 'g' });
      stage.before = async (entry) => {
        if (entry.fields.n === '3') await hang; // the process dies handling it
      };
      if (lives === 0) await produce('s:crashy', 6);
      const w = worker(stage, valkey);
      await w.start();
      await new Promise((r) => setTimeout(r, 600));
      if ((await deadLettered('crashy')).length > 0 && (await outputs('crashy')).length === 5) break;
      crash(w, valkey);
      // The replica comes back under the same consumer name (its lease ran out while it was down).
      for (const key of await admin.keys('*consumer_lease*')) await admin.del(key);
    }
    await eventually(async () => (await outputs('crashy')).length === 5, 10000);
    expect(await outputs('crashy')).toEqual([0, 1, 2, 4, 5]);
    expect(await deadLettered('crashy')).toEqual(['3']);
    expect(lives).toBeLessThanOrEqual(OPTIONS.maxDeliveries + 1);
  });

  it('dead-letters only the poison when each consumer that reclaims a batch dies on it, not its neighbours', async () => {
    const hang = hung();
    await produce('s:reclaimed', 6);
    for (let life = 0; life < 8; life++) {
      const valkey = service();
      const stage = new OutputStage(valkey, { stage: 'reclaimed', stream: 's:reclaimed', group: 'g' });
      stage.before = async (entry) => {
        if (entry.fields.n === '3') await hang;
      };
      // Every replica has its own name: it reaches the dead ones' entries through XAUTOCLAIM only.
      const w = worker(stage, valkey, { consumerBase: `replica${life}` });
      await w.start();
      await new Promise((r) => setTimeout(r, OPTIONS.claimIdleMs * 3));
      if ((await deadLettered('reclaimed')).length > 0 && (await outputs('reclaimed')).length === 5) break;
      crash(w, valkey);
    }
    await eventually(async () => (await outputs('reclaimed')).length === 5, 10000);
    expect(await outputs('reclaimed')).toEqual([0, 1, 2, 4, 5]);
    expect(await deadLettered('reclaimed')).toEqual(['3']);
  });

  it('resumes after its connections go half-open (a partition): the socket timeout drops them and it reconnects', async () => {
    const proxy = await TcpProxy.start(server.port);
    try {
      const valkey = service(proxy.url, { VALKEY_SOCKET_TIMEOUT_MS: '500' });
      const stage = new OutputStage(valkey, { stage: 'partition', stream: 's:partition', group: 'g' });
      await worker(stage, valkey).start();
      await produce('s:partition', 3);
      await eventually(async () => (await outputs('partition')).length === 3);

      // Every open connection goes silent for good (no reset, no reply); new connections get through.
      proxy.blackholeOpenConnections();
      await admin.xadd('s:partition', '*', 'n', '100');
      await eventually(async () => (await outputs('partition')).includes(100), 15000, 100);
    } finally {
      await engine.reset();
      proxy.close();
    }
  });

  it('deletes its consumer at a graceful stop, and those of dead replicas that hold nothing, but not one that holds entries', async () => {
    const names = async (): Promise<string[]> =>
      ((await admin.xinfo('CONSUMERS', 's:names', 'g')) as string[][]).map((flat) => flat[1]).sort();
    await produce('s:names', 2);
    // Two replicas died long ago: one holding an entry, one holding nothing.
    await admin.xgroup('CREATE', 's:names', 'g', '0');
    await admin.xreadgroup('GROUP', 'g', 'dead-holding', 'COUNT', 1, 'STREAMS', 's:names', '>');
    await admin.xgroup('CREATECONSUMER', 's:names', 'g', 'dead-empty');
    await new Promise((r) => setTimeout(r, 500));

    const valkey = service();
    const stage = new OutputStage(valkey, { stage: 'names', stream: 's:names', group: 'g' });
    const w = worker(stage, valkey, { forgetConsumerAfterMs: 400, claimIdleMs: 60000 });
    await w.start();
    await eventually(async () => !(await names()).includes('dead-empty'), 5000);
    expect(await names()).toEqual(['dead-holding', 'faults-names-0']);

    await w.stop();
    expect(await names()).toEqual(['dead-holding']);
  });

  it('loses no entry when Valkey is killed -9 and restarted on its AOF under a running worker', async () => {
    const valkey = service();
    const stage = new OutputStage(valkey, { stage: 'restart', stream: 's:restart', group: 'g' });
    stage.before = () => new Promise((r) => setTimeout(r, 1));
    await worker(stage, valkey, { batchSize: 20 }).start();
    await produce('s:restart', 2000);
    await eventually(async () => (await outputs('restart')).length > 300, 20000, 20);
    await server.kill9();
    await server.startAgain(300);
    await eventually(async () => (await outputs('restart')).length === 2000, 60000, 200);
    expect(await outputs('restart')).toEqual(range(2000));
    await eventually(async () => (await pendingCount('s:restart')) === 0, 10000);
  });
});
