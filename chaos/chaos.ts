// The chaos suite (issue 17): REST load while worker processes are killed -9 and restarted, Valkey is killed -9 and
// restarted on its append-only file, paused with SIGSTOP, and has its clients killed; then, once settled, every
// invariant is read from outside. `npm run chaos` (long run) or `npm run chaos -- --quick`; test/chaos.test.ts runs
// the quick one in `make test`.
import { Valkey } from 'iovalkey';
import { Keys } from '../src/valkey/keys.js';
import { cpus } from 'node:os';
import {
  acceptedWithTopic,
  checkFeatures,
  checkFeed,
  checkLlm,
  deadLetters,
  pendingLeft,
  type DeadLetter,
  type FeatureCheck,
  type FeedCheck,
  type LlmCheck,
  type PendingLeft,
} from './checks.js';
import { Cluster, fieldsOf, sleep, type WorkerSlot } from './cluster.js';
import {
  ArticleLoad,
  FeatureLoad,
  FULL_FOLLOWERS,
  setUpFollowers,
  startLlmStream,
  StatusCounts,
  TOPIC_FOLLOWERS,
  type LlmRequest,
} from './workload.js';

export interface ChaosOptions {
  /** kill -9 of a random worker process, each followed by its restart. */
  kills: number;
  killEveryMs: number;
  /** Articles per second over REST while the faults run, and at most this many in all. */
  articleRate: number;
  articles: number;
  valkeyKills: number;
  /** SIGSTOP of Valkey, then SIGCONT. */
  valkeyPauseMs: number;
  clientKillStorms: number;
  /** kill -9, then a restart once the lease expired: the same consumer name resumes its own pending entries. */
  sameNameRestarts: number;
  llmStreams: number;
  featureEntities: number;
  settleMs: number;
}

export const LONG: ChaosOptions = {
  kills: 100,
  killEveryMs: 2000,
  articleRate: 12,
  articles: 8000,
  valkeyKills: 3,
  valkeyPauseMs: 10000,
  clientKillStorms: 6,
  sameNameRestarts: 2,
  llmStreams: 20,
  featureEntities: 20,
  settleMs: 120000,
};

export const QUICK: ChaosOptions = {
  kills: 10,
  killEveryMs: 1500,
  articleRate: 30,
  articles: 800,
  valkeyKills: 1,
  valkeyPauseMs: 3000,
  clientKillStorms: 2,
  sameNameRestarts: 1,
  llmStreams: 4,
  featureEntities: 8,
  settleMs: 45000,
};

const WORKERS = [
  { name: 'ce1', roles: 'classify,enrich,llm' },
  { name: 'ce2', roles: 'classify,enrich,llm' },
  { name: 'fo1', roles: 'fanout,features' },
];
const PREFIX = 'chaos';
const LEASE_TTL_MS = 10000; // src/streams/stream-worker.ts: a dead process's consumer name is free after this

export interface Fault {
  kind: string;
  at: number;
  ms: number;
  detail: string;
}

export interface ChaosResult {
  passed: boolean;
  failures: string[];
  options: ChaosOptions;
  startedAt: string;
  durationSeconds: number;
  machine: string;
  appendFsync: string;
  faults: Record<string, number>;
  workerKills: number;
  articles: {
    sent: number;
    accepted: number;
    unanswered: number;
    lost: number;
    duplicated: number;
    unexpected: number;
    lostIds: string[];
    duplicatedIds: string[];
    unexpectedIds: string[];
  };
  feeds: FeedCheck[];
  http: { byStatus: Record<string, number>; serverErrors: number };
  recovery: {
    longestIngestToFeedMs: number;
    longestStallMs: number;
    p50IngestToFeedMs: number;
    measuredOn: string;
    /** The article that waited longest, and when (seconds into the run) it was accepted; when the stall began. */
    longestWait: { id: string; acceptedAtSecond: number } | null;
    stallFromSecond: number | null;
  };
  pendingLeft: PendingLeft[];
  deadLetters: { expected: string[]; found: DeadLetter[]; unexpected: DeadLetter[]; missing: string[] };
  llm: { streams: number; ok: number; bad: LlmCheck[]; poison: LlmCheck | null };
  features: { entities: number; pushesAccepted: number; wrong: FeatureCheck[] };
  sameNameRestarts: { consumer: string; resumed: boolean }[];
  settled: boolean;
  faultLog: Fault[];
  /** Worker processes that ended by themselves during the run (restarted, as a supervisor would). */
  unexpectedExits: { slot: string; atSecond: number; code: number | string | null; output: string }[];
  /** Longest time a worker took from its (re)start to answering /health, and the start attempts that failed. */
  longestStartMs: number;
  starts: { slot: string; atSecond: number; ms: number; attempts: number }[];
  failedStarts: { slot: string; atSecond: number; error: string }[];
}

type Log = (message: string) => void;

/** Records when each accepted article first shows up in one follower's feed_stream (XREAD on its own connection). */
class ArrivalWatch {
  readonly arrivals = new Map<string, number>();
  private running = true;
  private readonly client: Valkey;
  private done?: Promise<void>;

  constructor(
    url: string,
    private readonly uid: string,
  ) {
    this.client = new Valkey(url, {
      connectionName: 'chaos-watch',
      maxRetriesPerRequest: null,
      retryStrategy: () => 100,
    });
    this.client.on('error', () => undefined);
  }

  start(): void {
    this.done = (async () => {
      let cursor = '0-0';
      while (this.running) {
        try {
          const reply = await this.client.xread(
            'COUNT',
            1000,
            'BLOCK',
            500,
            'STREAMS',
            `feed_stream:{${this.uid}}`,
            cursor,
          );
          const now = Date.now();
          for (const [id, flat] of reply?.[0]?.[1] ?? []) {
            cursor = id;
            const short = fieldsOf(flat).id;
            if (!this.arrivals.has(short)) this.arrivals.set(short, now);
          }
        } catch {
          await sleep(100);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    this.client.disconnect();
  }
}

export async function runChaos(opts: ChaosOptions, log: Log = () => undefined): Promise<ChaosResult> {
  const started = Date.now();
  const t = (): string => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const say = (message: string): void => log(`[chaos ${t()}] ${message}`);
  const appendFsync = 'always';
  const cluster = await Cluster.start({ appendFsync, workers: WORKERS });
  say(`valkey ${cluster.valkey.url} (appendfsync ${appendFsync}); api and ${WORKERS.length} workers up`);
  const faults: Fault[] = [];
  const restarts = new Set<Promise<void>>();
  const busy = new Set<WorkerSlot>();
  let workerKills = 0;
  const sameName: { consumer: string; resumed: boolean }[] = [];
  const restartLater = (slot: WorkerSlot, delayMs: number): void => {
    const restart = (async () => {
      await sleep(delayMs);
      if (!slot.up && !busy.has(slot)) await cluster.startSlot(slot);
    })().finally(() => restarts.delete(restart));
    restarts.add(restart);
  };
  const killWorker = async (slot: WorkerSlot, kind: string, restartAfterMs: number): Promise<void> => {
    const at = Date.now();
    await cluster.kill(slot);
    workerKills++;
    faults.push({ kind, at, ms: restartAfterMs, detail: slot.name });
    restartLater(slot, restartAfterMs);
  };

  try {
    const api = cluster.api.url;
    await setUpFollowers(api);
    const articles = new ArticleLoad(api, PREFIX);
    const features = new FeatureLoad(
      api,
      Array.from({ length: opts.featureEntities }, (_, i) => `e${i}`),
    );
    await features.register();
    const llmStatuses = new StatusCounts();
    const watch = new ArrivalWatch(cluster.valkey.url, FULL_FOLLOWERS[0]);
    watch.start();

    const faultSteps = opts.kills + opts.valkeyKills + (opts.valkeyPauseMs > 0 ? 1 : 0) + opts.clientKillStorms;
    let faultsDone = false;
    let loadDone = false;
    const load = articles
      .run({ count: opts.articles, rate: opts.articleRate, concurrency: 8, stop: () => faultsDone })
      .then(() => (loadDone = true));
    const featureLoad = features.run({ rate: 10, stop: () => loadDone });

    // LLM streams during the first half of the load: worker kills interrupt some of them mid-generation.
    const llmRequests: LlmRequest[] = Array.from({ length: opts.llmStreams }, (_, i) => ({
      id: `${PREFIX}-llm-${i}`,
      prompt: `Chaos stream number ${i} about resilient pipelines`,
      maxTokens: 60 + (i % 4) * 20,
    }));
    const llmStarted = (async () => {
      const accepted: LlmRequest[] = [];
      for (const request of llmRequests) {
        if (await startLlmStream(api, request, llmStatuses)) accepted.push(request);
        await sleep((faultSteps * opts.killEveryMs) / 2 / Math.max(1, opts.llmStreams));
      }
      return accepted;
    })();

    // The fault plan: random worker kills, with the other faults spread evenly between them.
    const plan: string[] = Array.from({ length: opts.kills }, () => 'kill');
    const others = [
      ...Array.from({ length: opts.valkeyKills }, () => 'valkey-kill'),
      ...(opts.valkeyPauseMs > 0 ? ['valkey-pause'] : []),
      ...Array.from({ length: opts.clientKillStorms }, (_, i) =>
        i % 2 === 0 ? 'client-kill-type' : 'client-kill-name',
      ),
    ];
    others.forEach((kind, i) => plan.splice(Math.floor(((i + 1) * plan.length) / (others.length + 1)) + i, 0, kind));
    const sameNameAt = new Set(
      Array.from({ length: opts.sameNameRestarts }, (_, i) =>
        Math.floor(((i + 1) * plan.length) / (opts.sameNameRestarts + 2)),
      ),
    );
    const sameNameTasks: Promise<void>[] = [];

    for (const [step, kind] of plan.entries()) {
      await sleep(opts.killEveryMs * (0.75 + Math.random() * 0.5));
      if (sameNameAt.has(step)) sameNameTasks.push(restartUnderSameName());
      if (kind === 'kill') {
        // A kill waits for a worker to be up (restarts take seconds on a loaded machine): every planned kill happens.
        let up = cluster.slots.filter((s) => s.up && !busy.has(s));
        for (const deadline = Date.now() + 120000; up.length === 0 && Date.now() < deadline; await sleep(100)) {
          up = cluster.slots.filter((s) => s.up && !busy.has(s));
        }
        if (up.length === 0) continue;
        const slot = up[Math.floor(Math.random() * up.length)];
        await killWorker(slot, 'worker-kill', 200 + Math.random() * 600);
      } else if (kind === 'valkey-kill') {
        const at = Date.now();
        await cluster.valkey.kill9AndRestart(500);
        faults.push({ kind, at, ms: Date.now() - at, detail: 'kill -9, restart on the AOF' });
        say(`valkey killed -9 and restarted in ${Date.now() - at} ms`);
      } else if (kind === 'valkey-pause') {
        const at = Date.now();
        await cluster.valkey.pause(opts.valkeyPauseMs);
        faults.push({ kind, at, ms: opts.valkeyPauseMs, detail: 'SIGSTOP … SIGCONT' });
        say(`valkey paused ${opts.valkeyPauseMs} ms`);
      } else {
        const at = Date.now();
        const killed = await clientKillStorm(cluster.client, kind === 'client-kill-type' ? 'type' : 'name');
        faults.push({ kind, at, ms: 0, detail: `${killed} connections` });
        say(`${kind}: ${killed} connections killed`);
      }
      if (step % 10 === 9) say(`${step + 1}/${plan.length} faults; ${articles.accepted.size} articles accepted`);
    }
    await Promise.all(sameNameTasks);
    faultsDone = true;
    await load;
    await featureLoad;
    say(`load done: ${articles.accepted.size} accepted`);

    // Poison: entries the app rejects, written by a raw producer…
    await cluster.client.xadd(
      'news_raw',
      '*',
      'id',
      'poison bad id!',
      'title',
      'A bad id',
      'body',
      'Spaces are not allowed.',
    );
    await cluster.client.xadd('news_raw', '*', 'id', 'poison-nobody', 'title', 'No body at all');
    // …and a generation whose process is killed -9 each time it holds it, until the engine gives it up.
    const normalLlm = await llmStarted;
    await waitForLlm(cluster.client, normalLlm, 60000);
    const poison: LlmRequest = {
      id: `${PREFIX}-llm-poison`,
      prompt: 'A request that kills its worker',
      maxTokens: 3000,
    };
    const poisonAccepted = await startLlmStream(api, poison, llmStatuses);
    const poisonKills = poisonAccepted ? await killHolderUntilDeadLettered(poison.id) : 0;
    say(`poison phase over after ${poisonKills} kills of its holder`);

    await Promise.all([...restarts]);
    await features.finish();

    // Settle: every accepted article in every full follower's feed, nothing pending.
    const accepted = [...articles.accepted.keys()];
    let settled = false;
    const settleDeadline = Date.now() + opts.settleMs;
    while (Date.now() < settleDeadline) {
      const lists = await Promise.all(FULL_FOLLOWERS.map((uid) => cluster.client.llen(`feed:{${uid}}`)));
      const left = await pendingLeft(cluster.client);
      if (lists.every((n) => n >= accepted.length) && left.length === 0) {
        settled = true;
        break;
      }
      await sleep(1000);
    }
    await sleep(1500); // what is in flight lands (a duplicate would show now)
    await watch.stop();
    say(`settled: ${settled}; checking`);

    // Invariants.
    const expected = new Set(accepted);
    const mayAppear = new Set(articles.unanswered);
    const feeds: FeedCheck[] = [];
    for (const uid of FULL_FOLLOWERS)
      feeds.push(...(await checkFeed(cluster.client, api, uid, expected, mayAppear, PREFIX)));
    for (const [uid, topic] of Object.entries(TOPIC_FOLLOWERS)) {
      const ofTopic = await acceptedWithTopic(cluster.client, accepted, topic);
      feeds.push(...(await checkFeed(cluster.client, api, uid, ofTopic, mayAppear, `${PREFIX}-`)).map((f) => f));
    }
    const lostIds = [...new Set(feeds.flatMap((f) => f.lost))];
    const duplicatedIds = [...new Set(feeds.flatMap((f) => f.duplicated.map((d) => d.id)))];
    // A topic follower's feed holds other topics' articles only if something is wrong; ids are checked per feed.
    const unexpectedIds = [...new Set(feeds.flatMap((f) => f.unexpected))];

    const left = await pendingLeft(cluster.client);
    const dead = await deadLetters(cluster.client);
    const expectedDead = [
      'classify:poison bad id!',
      'classify:poison-nobody',
      ...(poisonAccepted ? [`llm:${poison.id}`] : []),
    ];
    const foundKeys = dead.map((d) => `${d.stage}:${d.subject}`);
    const unexpectedDead = dead.filter((d) => !expectedDead.includes(`${d.stage}:${d.subject}`));
    const missingDead = expectedDead.filter((key) => !foundKeys.includes(key));

    const llmChecks = await Promise.all(normalLlm.map((r) => checkLlm(cluster.client, r, true)));
    const poisonCheck = poisonAccepted ? await checkLlm(cluster.client, poison, false) : null;
    const featureWrong = await checkFeatures(cluster.client, api, features.newest);

    // Recovery, on the first full follower's feed_stream.
    const shorts = [...watch.arrivals.keys()];
    const ids = await shortToArticle(cluster.client, shorts);
    const arrival = new Map<string, number>();
    shorts.forEach((short, i) => arrival.set(ids[i], watch.arrivals.get(short)!));
    const recovery = recoveryTimes(articles.accepted, arrival, started);

    const http = {
      byStatus: mergeCounts([articles.statuses, features.statuses, llmStatuses]),
      serverErrors: articles.statuses.serverErrors + features.statuses.serverErrors + llmStatuses.serverErrors,
    };
    const faultCounts: Record<string, number> = {};
    for (const f of faults) faultCounts[f.kind] = (faultCounts[f.kind] ?? 0) + 1;
    faultCounts['poison-holder-kill'] = poisonKills;

    const failures: string[] = [];
    if (lostIds.length > 0)
      failures.push(`${lostIds.length} accepted articles lost: ${sample(lostIds)} (${lostWhere(feeds)})`);
    if (duplicatedIds.length > 0)
      failures.push(
        `${duplicatedIds.length} articles delivered more than once: ${sample(duplicatedIds)} (${dupWhere(feeds)})`,
      );
    if (unexpectedIds.length > 0) failures.push(`articles in a feed they do not belong to: ${sample(unexpectedIds)}`);
    if (left.length > 0)
      failures.push(
        `entries left pending or undelivered: ${left.map((l) => `${l.stream}/${l.group} pending ${l.pending} lag ${l.lag}`).join('; ')}`,
      );
    if (unexpectedDead.length > 0)
      failures.push(
        `dead letters beyond the poison: ${unexpectedDead
          .slice(0, 5)
          .map((d) => `dlq:${d.stage} ${d.subject || d.id}: ${d.error}`)
          .join('; ')}` + (unexpectedDead.length > 5 ? ` (+${unexpectedDead.length - 5} more)` : ''),
      );
    if (missingDead.length > 0) failures.push(`poison not dead-lettered: ${missingDead.join(', ')}`);
    const badLlm = llmChecks.filter((c) => c.problems.length > 0);
    const llmPending = left.find((l) => l.group === 'llm_workers')?.pending ?? 0;
    const near = (at: number): string =>
      faults
        .filter((f) => f.at >= at - 6000 && f.at <= at + 1000)
        .map((f) => `${f.kind} ${f.detail} at ${((f.at - started) / 1000).toFixed(1)} s`)
        .join(', ') || 'none';
    if (badLlm.length > 0)
      failures.push(
        `token streams broken: ${badLlm
          .map(
            (c) =>
              `${c.id}: ${c.problems.join(', ')}; last message at ${((c.lastAt - started) / 1000).toFixed(1)} s, ` +
              `faults in the 6 s before: ${near(c.lastAt)}; its request ` +
              `${llmPending === 0 ? 'acknowledged (nothing pending in llm_workers)' : 'may still be pending'}`,
          )
          .join('; ')}`,
      );
    if (normalLlm.length < llmRequests.length)
      failures.push(`${llmRequests.length - normalLlm.length} token streams never started`);
    if (poisonCheck && poisonCheck.problems.length > 0)
      failures.push(`poison stream: ${poisonCheck.problems.join(', ')}`);
    if (featureWrong.length > 0)
      failures.push(
        `feature rows not at their newest value: ${featureWrong
          .slice(0, 5)
          .map((f) => `${f.entity} stored ${f.stored} served ${JSON.stringify(f.served)} newest ${f.expected}`)
          .join('; ')}`,
      );
    for (const s of sameName)
      if (!s.resumed) failures.push(`restart under consumer name ${s.consumer} did not resume it`);

    return {
      passed: failures.length === 0,
      failures,
      options: opts,
      startedAt: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
      appendFsync,
      faults: faultCounts,
      workerKills: workerKills,
      articles: {
        sent: articles.accepted.size + articles.unanswered.size,
        accepted: accepted.length,
        unanswered: articles.unanswered.size,
        lost: lostIds.length,
        duplicated: duplicatedIds.length,
        unexpected: unexpectedIds.length,
        lostIds,
        duplicatedIds,
        unexpectedIds,
      },
      feeds: feeds.filter((f) => f.lost.length + f.duplicated.length + f.unexpected.length > 0),
      http,
      recovery,
      pendingLeft: left,
      deadLetters: { expected: expectedDead, found: dead, unexpected: unexpectedDead, missing: missingDead },
      llm: { streams: normalLlm.length, ok: llmChecks.length - badLlm.length, bad: badLlm, poison: poisonCheck },
      features: {
        entities: features.entities.length,
        pushesAccepted: features.statuses.byStatus['202'] ?? 0,
        wrong: featureWrong,
      },
      sameNameRestarts: sameName,
      settled,
      faultLog: faults,
      longestStartMs: Math.max(0, ...cluster.starts.map((x) => x.ms)),
      starts: cluster.starts.map((x) => ({ ...x, at: undefined, atSecond: Math.round((x.at - started) / 100) / 10 })),
      failedStarts: cluster.failedStarts.map((x) => ({
        slot: x.slot,
        atSecond: Math.round((x.at - started) / 100) / 10,
        error: x.error,
      })),
      unexpectedExits: cluster.unexpectedExits.map((e) => ({
        slot: e.slot,
        atSecond: Math.round((e.at - started) / 100) / 10,
        code: e.code,
        output: e.output.slice(0, 600),
      })),
    };
  } finally {
    await Promise.allSettled([...restarts]);
    await cluster.stop();
  }

  /** kill -9 of a classify replica, then its restart once its lease expired: it comes back as the same consumer. */
  async function restartUnderSameName(): Promise<void> {
    let slot: WorkerSlot | undefined;
    for (let i = 0; i < 100; i++) {
      slot = cluster.slots.find((s) => s.up && !busy.has(s) && s.roles.includes('classify'));
      if (slot) break;
      await sleep(100);
    }
    if (!slot) return;
    busy.add(slot); // before any await: no other fault may kill or restart it meanwhile
    try {
      const consumer = `${slot.consumer}-classify-0`;
      const at = Date.now();
      await cluster.kill(slot);
      workerKills++;
      await sleep(LEASE_TTL_MS + 1500);
      await cluster.startSlot(slot);
      faults.push({ kind: 'same-name-restart', at, ms: Date.now() - at, detail: consumer });
      let resumed = false;
      for (const deadline = Date.now() + 10000; Date.now() < deadline && !resumed; await sleep(250)) {
        const consumers = (await cluster.client.xinfo('CONSUMERS', 'news_raw', 'classifiers')) as unknown[][];
        resumed = consumers.some((raw) => {
          const info = fieldsOf(raw.map(String));
          return info.name === consumer && Number(info.idle) < 2000;
        });
      }
      sameName.push({ consumer, resumed });
      say(`restart under consumer name ${consumer}: ${resumed ? 'resumed' : 'NOT resumed'}`);
    } finally {
      busy.delete(slot);
    }
  }

  /** Kills the process holding the request in llm_workers' pending list each time, until it is dead-lettered. */
  async function killHolderUntilDeadLettered(requestId: string): Promise<number> {
    let kills = 0;
    const deadline = Date.now() + 90000;
    while (Date.now() < deadline) {
      const dead = await deadLetters(cluster.client);
      if (dead.some((d) => d.stage === 'llm' && d.subject === requestId)) return kills;
      const entries = (await cluster.client.xrange('llm:requests', '-', '+')) as [string, string[]][];
      const entry = entries.find(([, flat]) => fieldsOf(flat).id === requestId);
      if (entry) {
        const pending = (await cluster.client.xpending('llm:requests', 'llm_workers', entry[0], entry[0], 1)) as [
          string,
          string,
          number,
          number,
        ][];
        const holder = pending[0] ? cluster.slotOfConsumer(pending[0][1]) : undefined;
        if (holder?.up && !busy.has(holder)) {
          say(`poison request held by ${pending[0][1]} (delivery ${pending[0][3]}): kill -9 of ${holder.name}`);
          busy.add(holder);
          await killWorker(holder, 'poison-holder-kill', 300);
          kills++;
          busy.delete(holder);
        }
      }
      await sleep(200);
    }
    return kills;
  }
}

async function clientKillStorm(client: Valkey, by: 'type' | 'name'): Promise<number> {
  if (by === 'type') return Number(await client.call('CLIENT', 'KILL', 'TYPE', 'normal'));
  const list = String(await client.call('CLIENT', 'LIST'));
  const ids = list
    .split('\n')
    .map((line) => Object.fromEntries(line.split(' ').map((kv) => kv.split('=', 2))) as Record<string, string>)
    .filter((c) => c.name?.startsWith('skein:'))
    .map((c) => c.id);
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.call('CLIENT', 'KILL', 'ID', id);
  await pipeline.exec();
  return ids.length;
}

async function waitForLlm(client: Valkey, requests: LlmRequest[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const statuses = await Promise.all(requests.map((r) => client.hget(new Keys().llmMeta(r.id), 'status')));
    if (statuses.every((s) => s !== 'running')) return;
    await sleep(500);
  }
}

async function shortToArticle(client: Valkey, shorts: string[]): Promise<string[]> {
  const pipeline = client.pipeline();
  for (const short of shorts) pipeline.hget(`article_ref:${Math.floor(Number(short) / 64)}`, short);
  return ((await pipeline.exec()) ?? []).map(([, id]) => String(id));
}

/**
 * Ingest-to-feed times under faults: the longest any accepted article waited between its 202 and its arrival in the
 * follower's feed_stream, and the longest stall (no delivery at all while an accepted article was outstanding).
 */
export function recoveryTimes(
  accepted: Map<string, number>,
  arrival: Map<string, number>,
  started: number,
): ChaosResult['recovery'] {
  const rows = [...accepted]
    .filter(([id]) => arrival.has(id))
    .map(([id, at]) => ({ id, at, arrived: arrival.get(id)!, wait: Math.max(0, arrival.get(id)! - at) }))
    .sort((a, b) => a.arrived - b.arrived);
  const waits = rows.map((r) => r.wait).sort((a, b) => a - b);
  const longest = rows.reduce<(typeof rows)[number] | undefined>((m, r) => (!m || r.wait > m.wait ? r : m), undefined);
  const suffixMinAccept: number[] = new Array<number>(rows.length);
  for (let i = rows.length - 1; i >= 0; i--)
    suffixMinAccept[i] = Math.min(rows[i].at, suffixMinAccept[i + 1] ?? Infinity);
  let stall = 0;
  let stallFrom: number | null = null;
  for (let i = 0; i < rows.length; i++) {
    const from = Math.max(i === 0 ? -Infinity : rows[i - 1].arrived, suffixMinAccept[i]);
    if (rows[i].arrived - from > stall) {
      stall = rows[i].arrived - from;
      stallFrom = from;
    }
  }
  const second = (ms: number): number => Math.round((ms - started) / 100) / 10;
  return {
    longestIngestToFeedMs: waits[waits.length - 1] ?? 0,
    p50IngestToFeedMs: waits[Math.floor(waits.length / 2)] ?? 0,
    longestStallMs: Math.round(stall),
    measuredOn: `feed_stream:{${FULL_FOLLOWERS[0]}}`,
    longestWait: longest ? { id: longest.id, acceptedAtSecond: second(longest.at) } : null,
    stallFromSecond: stallFrom === null ? null : second(stallFrom),
  };
}

function mergeCounts(counts: StatusCounts[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const c of counts)
    for (const [status, n] of Object.entries(c.byStatus)) merged[status] = (merged[status] ?? 0) + n;
  return merged;
}

function sample(ids: string[]): string {
  return ids.slice(0, 20).join(', ') + (ids.length > 20 ? ` … (+${ids.length - 20})` : '');
}

function lostWhere(feeds: FeedCheck[]): string {
  return feeds
    .filter((f) => f.lost.length > 0)
    .map((f) => `${f.source} misses ${f.lost.length}`)
    .join(', ');
}

function dupWhere(feeds: FeedCheck[]): string {
  return feeds
    .filter((f) => f.duplicated.length > 0)
    .map(
      (f) =>
        `${f.source}: ${f.duplicated
          .slice(0, 3)
          .map((d) => `${d.id} ×${d.times}`)
          .join(', ')}`,
    )
    .join('; ');
}
