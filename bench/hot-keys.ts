// Issue 18, hot keys: the seven keys one shard serves alone whatever the cluster's size (news_raw, classified_stream,
// enriched_stream, llm:requests, users_active, article_seq, subscribers_version). For each, the app's own commands and
// scripts per unit of work are replayed against ONE fresh valkey-server (one shard), from several connections with
// many calls in flight (Valkey, not the client, does the waiting), and the server's CPU per unit is read from INFO cpu
// (used_cpu_user + used_cpu_sys) before and after each phase. One Valkey thread per shard: ceiling = 1e6 / µs per unit.
// Then the cheapest-ceiling key is driven to saturation with valkey-benchmark to confirm the figure (throughput
// flattens while the server uses a whole core).
//   bash scripts/build-bench.sh && node .bench-dist/bench/hot-keys.js [--quick]
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Valkey, type ChainableCommander } from 'iovalkey';
import { TOPICS } from '../src/news/topics.js';
import type { PipelineArticle } from '../src/news/article.js';
import { findBinary } from '../src/valkey/embedded-valkey.js';
import { Keys } from '../src/valkey/keys.js';
import { slotOf } from '../src/valkey/slots.js';
import { rawPartitionOf } from '../src/news/raw-partition.js';
import { TestValkeyCluster } from '../test/support/valkey-cluster.js';
import { LuaScript } from '../src/valkey/lua-script.js';
import { execOrThrow } from '../src/valkey/pipeline.js';
import { parseRps } from './ceilings.js';
import { freshValkey, progress } from './support.js';
import { article, classifiedData, rawFields } from './workload.js';

const run$ = promisify(execFile);
const keys = new Keys('');
const INGEST = LuaScript.from(new URL('../src/modules/ingest/ingest.lua', import.meta.url));
const ACK = LuaScript.from(new URL('../src/streams/ack.lua', import.meta.url));
const TRIM = LuaScript.from(new URL('../src/streams/trim.lua', import.meta.url));
const SCRIPTS = [INGEST, ACK, TRIM];

/** Defaults of the app (env.schema.ts, the stage definitions). */
const STREAM_BATCH_SIZE = 100;
const FANOUT_BATCH = 50;
const SCORES_PER_CALL = 10000;
const DEDUPE_TTL = 7 * 86400;

/**
 * Connections driving a phase, pipelines each keeps in flight, units per pipeline: deep enough that Valkey, not this
 * client, is the bottleneck (the cost per unit is then what a shard pays at its ceiling, not a round trip's overhead).
 */
const CONNECTIONS = 4;
const IN_FLIGHT = 2;
const PIPELINE_DEPTH = 32;

/** One measured step of a unit of work: what the app sends, and the Valkey CPU it took per unit. */
interface Step {
  what: string;
  /** Valkey commands (or script calls) per unit. */
  ops: number;
  us: number;
}

interface HotKey {
  key: string;
  unit: string;
  steps: Step[];
}

async function cpuUs(client: Valkey): Promise<number> {
  const info = await client.info('cpu');
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
}

/**
 * Queues `count` calls (`queue` adds one unit's commands to a pipeline) in pipelines of PIPELINE_DEPTH units, with
 * IN_FLIGHT pipelines awaiting replies on each connection; answers the Valkey CPU µs used.
 */
async function measured(
  admin: Valkey,
  clients: Valkey[],
  count: number,
  queue: (pipeline: ChainableCommander, i: number) => void,
): Promise<{ us: number; seconds: number }> {
  const before = await cpuUs(admin);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    clients.flatMap((client) =>
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < count) {
          const pipeline = client.pipeline();
          for (let k = 0; k < PIPELINE_DEPTH && next < count; k++) queue(pipeline, next++);
          await execOrThrow(pipeline.exec());
        }
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return { us: (await cpuUs(admin)) - before, seconds };
}

/** What a stage's consumer group costs its input stream per entry: XREADGROUP batches, each acked by ack.lua. */
async function consume(
  admin: Valkey,
  clients: Valkey[],
  stream: string,
  group: string,
  batch: number,
  entries: number,
): Promise<{ read: Step; trim: Step }> {
  await admin.xgroup('CREATE', stream, group, '0', 'MKSTREAM').catch(() => undefined);
  const runId = /^run_id:(\w+)/m.exec(await admin.info('server'))?.[1] ?? '';
  const reads = Math.ceil(entries / batch);
  // Each consumer reads a batch, then acknowledges it in the pipeline of its next read, as the engine does.
  const before = await cpuUs(admin);
  let read = 0;
  await Promise.all(
    clients.map(async (client, c) => {
      let acks: string[] = [];
      while (read < entries) {
        const pipeline = client.pipeline();
        if (acks.length > 0) ACK.queue(pipeline, [stream], [group, runId, ...acks]);
        pipeline.call('XREADGROUP', 'GROUP', group, `c${c}`, 'COUNT', batch, 'STREAMS', stream, '>');
        const replies = (await pipeline.exec()) ?? [];
        const reply = replies[replies.length - 1]?.[1] as [string, [string, string[]][]][] | null;
        const got = reply?.[0]?.[1] ?? [];
        read += got.length;
        acks = got.map(([id]) => id);
        if (got.length === 0) break;
      }
      if (acks.length > 0) await ACK.run(client, [stream], [group, runId, ...acks]);
    }),
  );
  const readUs = (await cpuUs(admin)) - before;
  const trimBefore = await cpuUs(admin);
  const removed = Number(await TRIM.run(admin, [stream], []));
  const trimUs = (await cpuUs(admin)) - trimBefore;
  if (removed < entries) throw new Error(`trim.lua removed ${removed} of ${entries} acknowledged entries`);
  return {
    read: {
      what: `XREADGROUP COUNT ${batch} + ack.lua (INFO server, XACK) per batch`,
      ops: (2 * reads) / entries,
      us: readUs / read,
    },
    trim: { what: 'trim.lua (XINFO GROUPS, XTRIM MINID) share', ops: 1 / entries, us: trimUs / entries },
  };
}

/** A stream of the pipeline: its producer's appends, then its consumer group's reads, acknowledgements and trim. */
async function pipelineStream(
  admin: Valkey,
  clients: Valkey[],
  hot: HotKey,
  append: Step['what'],
  write: (pipeline: ChainableCommander, i: number) => void,
  group: string,
  batch: number,
  entries: number,
): Promise<HotKey> {
  const written = await measured(admin, clients, entries, write);
  hot.steps.push({ what: append, ops: 1, us: written.us / entries });
  const { read, trim } = await consume(admin, clients, hot.key, group, batch, entries);
  hot.steps.push(read, trim);
  return hot;
}

function enrichedData(i: number, now: number): string {
  const a = article(i);
  const enriched: PipelineArticle = {
    ...a,
    ingested_at: now,
    topic: TOPICS[i % TOPICS.length],
    topic_score: 0.9,
    summary: a.body.slice(0, 200),
    word_count: 120,
    reading_time_seconds: 30,
    keywords: ['one', 'two', 'three'],
    entities: ['Someone'],
    stages: { ingest: now, classify: now, enrich: now },
  };
  return JSON.stringify(enriched);
}

function total(hot: HotKey): number {
  return hot.steps.reduce((sum, step) => sum + step.us, 0);
}

/**
 * valkey-benchmark drives ingest.lua (one article per call, as POST /articles does) at growing concurrency: the rate
 * flattens where news_raw's shard runs out of its one core (server CPU per wall second near 1).
 */
async function saturateIngest(
  server: { port: number },
  admin: Valkey,
  quick: boolean,
): Promise<Record<string, number>> {
  const bin = findBinary('valkey-benchmark');
  if (!bin) {
    progress('hot keys: valkey-benchmark is not on PATH: no saturation run');
    return {};
  }
  const a = article(1);
  const fields = rawFields({ ...a, id: 'bench-__rand_int__' }, Date.now());
  const results: Record<string, number> = {};
  const levels: [number, number][] = quick
    ? [
        [1, 1],
        [4, 4],
        [8, 16],
        [16, 32],
        [32, 64],
      ]
    : [
        [1, 1],
        [2, 2],
        [4, 4],
        [8, 8],
        [8, 16],
        [16, 32],
        [32, 64],
      ];
  let implied = 0;
  for (const [connections, pipeline] of levels) {
    const requests = quick ? 100000 : 300000;
    const before = await cpuUs(admin);
    const started = performance.now();
    const args = ['-h', '127.0.0.1', '-p', String(server.port), '-c', String(connections), '-P', String(pipeline)];
    const { stdout } = await run$(
      bin,
      [
        ...args,
        ...['-n', String(requests), '-r', '1000000000', '-q'],
        ...['EVALSHA', INGEST.sha, '2', keys.newsRaw, keys.articleAccepted('bench-__rand_int__')],
        ...[String(DEDUPE_TTL), '1', String(fields.length), ...fields],
      ],
      { maxBuffer: 1 << 20 },
    );
    const seconds = (performance.now() - started) / 1000;
    const busy = ((await cpuUs(admin)) - before) / 1e6 / seconds;
    const rate = Math.round(parseRps(stdout));
    results[`hotkey_news_raw_saturation_c${connections}_p${pipeline}_articles_per_s`] = rate;
    results[`hotkey_news_raw_saturation_c${connections}_p${pipeline}_server_cpu`] = Number(busy.toFixed(2));
    // On a shared 2-core box valkey-benchmark and other work take CPU from the server: the rate it would reach with
    // a whole core is the rate over the share of a core it had.
    implied = Math.max(implied, rate / busy);
    progress(
      `hot keys: ingest.lua at -c ${connections} -P ${pipeline}: ${rate} articles/s, ` +
        `valkey-server busy ${(busy * 100).toFixed(0)}% of a core`,
    );
    // Keep the stream from growing through the levels (no group reads it here).
    await admin.del(keys.newsRaw);
  }
  results.hotkey_news_raw_saturation_implied_ceiling_per_s = Math.round(implied);
  progress(`hot keys: ingest.lua saturation, articles/s over the server's share of a core: ${Math.round(implied)}`);
  return results;
}

/**
 * news_raw partitioned (NEWS_RAW_PARTITIONS=3) on a local 3-primary cluster: articles spread by id over news_raw,
 * news_raw:{p1}, news_raw:{p2} (one per primary), each ingested by ingest.lua and read, acked and trimmed by its own
 * classify group. Each primary's CPU per article of the whole flow: the busiest one sets the partitioned ceiling.
 */
async function partitionedIngest(entries: number): Promise<Record<string, number>> {
  const count = 3;
  const cluster = await TestValkeyCluster.start({ primaries: count });
  const streams = keys.newsRawPartitions(count);
  const owners = await Promise.all(streams.map((stream) => cluster.ownerOf(slotOf(stream))));
  const clients = owners.map((owner) => Array.from({ length: 2 }, () => new Valkey(owner.url)));
  const admins = cluster.primaries.map((primary) => new Valkey(primary.url));
  const results: Record<string, number> = {};
  try {
    if (new Set(owners.map((owner) => owner.port)).size !== count) throw new Error('two partitions on one primary');
    for (const admin of admins) for (const script of SCRIPTS) await admin.script('LOAD', script.source);
    const now = Date.now();
    const share = streams.map(() => [] as number[]);
    for (let i = 0; i < entries; i++) share[rawPartitionOf(`bench-${i}`, count)].push(i);
    // A cluster node spends CPU on its cluster bus (pings) even when idle: measured for a second, and taken off.
    const idle0 = await Promise.all(admins.map((admin) => cpuUs(admin)));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idle1 = await Promise.all(admins.map((admin) => cpuUs(admin)));
    const idleUsPerS = idle1.map((us, n) => us - idle0[n]);
    const before = await Promise.all(admins.map((admin) => cpuUs(admin)));
    const started = performance.now();
    await Promise.all(
      streams.map(async (stream, p) => {
        const admin = new Valkey(owners[p].url);
        try {
          const mine = share[p];
          await measured(admin, clients[p], mine.length, (pipeline, k) => {
            const fields = rawFields(article(mine[k]), now);
            INGEST.queue(
              pipeline,
              [stream, keys.articleAccepted(`bench-${mine[k]}`, stream)],
              [DEDUPE_TTL, 1, fields.length, ...fields],
            );
          });
          await consume(admin, clients[p], stream, 'classifiers', STREAM_BATCH_SIZE, mine.length);
        } finally {
          admin.disconnect();
        }
      }),
    );
    const after = await Promise.all(admins.map((admin) => cpuUs(admin)));
    const seconds = (performance.now() - started) / 1000;
    const perShard = admins.map((_, n) => Math.max(0, after[n] - before[n] - idleUsPerS[n] * seconds) / entries);
    results.hotkey_cluster_idle_cpu_us_per_s = Math.round(Math.max(...idleUsPerS));
    const busiest = Math.max(...perShard);
    results.hotkey_news_raw_3_partitions_busiest_shard_us_per_article = Number(busiest.toFixed(2));
    results.hotkey_news_raw_3_partitions_total_us_per_article = Number(
      perShard.reduce((sum, us) => sum + us, 0).toFixed(2),
    );
    results.hotkey_news_raw_3_partitions_ceiling_per_s = Math.round(1e6 / busiest);
    progress(
      `hot keys: news_raw in 3 partitions on 3 primaries (${share.map((m) => m.length).join('/')} articles): ` +
        `${perShard.map((us) => us.toFixed(2)).join(' + ')} µs Valkey CPU per article (each primary, over all ` +
        `articles, less each one's idle ${idleUsPerS.map((us) => Math.round(us)).join('/')} µs/s); ceiling ` +
        `${results.hotkey_news_raw_3_partitions_ceiling_per_s} articles/s (the busiest primary)`,
    );
  } finally {
    for (const client of [...clients.flat(), ...admins]) client.disconnect();
    await cluster.stop();
  }
  return results;
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  const entries = opts.quick ? 20000 : 100000;
  const users = opts.quick ? 100000 : 1000000;
  const server = await freshValkey();
  const admin = new Valkey(server.url);
  const clients = Array.from({ length: CONNECTIONS }, () => new Valkey(server.url));
  const results: Record<string, number> = {};
  try {
    for (const script of SCRIPTS) await admin.script('LOAD', script.source);
    const now = Date.now();
    const hot: HotKey[] = [];

    // news_raw: POST /articles runs ingest.lua once per article (its accepted mark shares news_raw's slot; on a
    // cluster no legacy mark); classify's group `classifiers` reads it in batches of STREAM_BATCH_SIZE.
    const raw = (i: number): string[] => rawFields(article(i), now);
    hot.push(
      await pipelineStream(
        admin,
        clients,
        { key: keys.newsRaw, unit: 'articles/s', steps: [] },
        'ingest.lua (SET NX EX mark, XADD)',
        (pipeline, i) => {
          const fields = raw(i);
          INGEST.queue(
            pipeline,
            [keys.newsRaw, keys.articleAccepted(`bench-${i}`)],
            [DEDUPE_TTL, 1, fields.length, ...fields],
          );
        },
        'classifiers',
        STREAM_BATCH_SIZE,
        entries,
      ),
    );
    // The mark each article leaves (in news_raw's slot) is part of that shard's memory, not of its CPU ceiling.
    await admin.flushall();
    for (const script of SCRIPTS) await admin.script('LOAD', script.source);

    // classified_stream: classify XADDs `data` per article (pipelined per batch); enrich's group reads it.
    hot.push(
      await pipelineStream(
        admin,
        clients,
        { key: keys.classifiedStream, unit: 'articles/s', steps: [] },
        'XADD data (classify)',
        (pipeline, i) => pipeline.xadd(keys.classifiedStream, '*', 'data', classifiedData(i, now)),
        'enrichers',
        STREAM_BATCH_SIZE,
        entries,
      ),
    );

    // enriched_stream: enrich XADDs the enriched article; fan-out's group reads it in batches of 50.
    hot.push(
      await pipelineStream(
        admin,
        clients,
        { key: keys.enrichedStream, unit: 'articles/s', steps: [] },
        'XADD data (enrich)',
        (pipeline, i) => pipeline.xadd(keys.enrichedStream, '*', 'data', enrichedData(i, now)),
        'fanout_workers',
        FANOUT_BATCH,
        entries,
      ),
    );

    // llm:requests, per generation: POST /llm/streams checks the backlog (XINFO STREAM + XINFO GROUPS) and XADDs the
    // request; the `llm` stage reads it in batches of one (a generation is one handle()) and acks each.
    const llm: HotKey = { key: keys.llmRequests, unit: 'generations/s', steps: [] };
    await admin.xgroup('CREATE', keys.llmRequests, 'llm_workers', '0', 'MKSTREAM');
    const backlog = await measured(admin, clients, entries, (pipeline) =>
      pipeline.xinfo('STREAM', keys.llmRequests).xinfo('GROUPS', keys.llmRequests),
    );
    llm.steps.push({ what: 'XINFO STREAM + XINFO GROUPS (backlog check)', ops: 2, us: backlog.us / entries });
    const queued = await measured(admin, clients, entries, (pipeline, i) =>
      pipeline.xadd(keys.llmRequests, '*', 'id', `g${i}`, 'attempt', '0123456789abcdef'),
    );
    llm.steps.push({ what: 'XADD id, attempt', ops: 1, us: queued.us / entries });
    const { read, trim } = await consume(admin, clients, keys.llmRequests, 'llm_workers', 1, entries);
    llm.steps.push(read, trim);
    hot.push(llm);
    await admin.flushall();

    // users_active: every feed read (touch) runs ZSCORE + ZADD; a returning user (and any user whose last touch is over
    // an hour old) bumps subscribers_version, and the next fan-out batch of each fanout replica then reads the
    // activity of every follower of its topics again (ZMSCORE, SCORES_PER_CALL ids a call).
    for (let from = 0; from < users; from += 10000) {
      const pipeline = admin.pipeline();
      for (let u = from; u < Math.min(users, from + 10000); u++) pipeline.zadd(keys.activeUsers, now - u, `u${u}`);
      await pipeline.exec();
    }
    const active: HotKey = { key: keys.activeUsers, unit: 'feed reads/s', steps: [] };
    const touches = await measured(admin, clients, entries * 2, (pipeline, i) => {
      const uid = `u${(i * 7919) % users}`;
      pipeline.zscore(keys.activeUsers, uid).zadd(keys.activeUsers, now, uid);
    });
    active.steps.push({ what: 'ZSCORE + ZADD (touch, per feed read)', ops: 2, us: touches.us / (entries * 2) });
    hot.push(active);
    const ids = Array.from({ length: SCORES_PER_CALL }, (_, i) => `u${(i * 104729) % users}`);
    const rescans = opts.quick ? 50 : 200;
    const rescan = await measured(admin, clients, rescans, (pipeline) => pipeline.zmscore(keys.activeUsers, ...ids));
    const usPerFollower = rescan.us / (rescans * SCORES_PER_CALL);

    // article_seq: fan-out INCRBYs it once per batch (up to 50 articles; 1 at a trickle).
    const seq = await measured(admin, clients, entries * 2, (pipeline) =>
      pipeline.incrby(keys.articleSeq, FANOUT_BATCH),
    );
    const seqUs = seq.us / (entries * 2);
    hot.push({
      key: keys.articleSeq,
      unit: 'articles/s',
      steps: [{ what: `INCRBY per fan-out batch of ${FANOUT_BATCH}`, ops: 1 / FANOUT_BATCH, us: seqUs / FANOUT_BATCH }],
    });

    // subscribers_version, now one hash per topic (the busiest topic's): a bump of `v` per returning user of the topic
    // (or topic change); a read per fan-out batch (its own round trip on a cluster: the pipeline's other commands go to
    // other nodes). The bump is the version write alone, without the set and change-log writes of its script.
    const version = keys.topicSubscribersVersion('technology');
    const incr = await measured(admin, clients, entries * 2, (pipeline) => pipeline.hincrby(version, 'v', 1));
    const get = await measured(admin, clients, entries * 2, (pipeline) =>
      pipeline.hmget(version, 'v', 'floor', 'epoch'),
    );
    hot.push({
      key: version,
      unit: 'returning users/s',
      steps: [{ what: 'HINCRBY v (returning user of the topic)', ops: 1, us: incr.us / (entries * 2) }],
    });
    const getUs = get.us / (entries * 2);

    // topic_appended of a topic fan-out leaves to its readers (FANOUT_PULL_THRESHOLD): every feed read of one of its
    // followers asks it for the short ids after the reader's mark (FeedRepository.pull), mostly none or one. The set as
    // topic-append.lua keeps it (1,000 members scored in append order); half the reads find one new id, half none.
    const appended = keys.topicAppended('technology');
    for (let from = 0; from < 1000; from += 500) {
      const pipeline = admin.pipeline();
      for (let n = from; n < from + 500; n++) pipeline.zadd(appended, 1e15 + n, String(100000 + n));
      await pipeline.exec();
    }
    const pulls = await measured(admin, clients, entries * 2, (pipeline, i) =>
      pipeline.zrevrangebyscore(appended, '+inf', `(${1e15 + 998 + (i % 2)}`, 'WITHSCORES', 'LIMIT', 0, 200),
    );
    hot.push({
      key: appended,
      unit: "feed reads/s by a pulled topic's followers",
      steps: [{ what: 'ZREVRANGEBYSCORE after the mark (0 or 1 new id)', ops: 1, us: pulls.us / (entries * 2) }],
    });

    // The table: the articles/s keys compared with each other, the rest in their own units.
    const rows: string[] = [];
    for (const h of hot) {
      const name = keys.unprefixed(h.key).replace(/[^a-z0-9]+/gi, '_');
      const us = total(h);
      const ceiling = Math.round(1e6 / us);
      results[`hotkey_${name}_valkey_cpu_us_per_unit`] = Number(us.toFixed(2));
      results[`hotkey_${name}_ceiling_per_s`] = ceiling;
      h.steps.forEach((step, i) => (results[`hotkey_${name}_step${i + 1}_us`] = Number(step.us.toFixed(3))));
      const ops = h.steps.map((step) => `${step.what}: ${step.ops.toFixed(2)} × → ${step.us.toFixed(2)} µs`);
      rows.push(
        `${keys.unprefixed(h.key).padEnd(20)} ${us.toFixed(2).padStart(8)} µs  ${ceiling} ${h.unit}\n      ${ops.join('\n      ')}`,
      );
    }
    results.hotkey_subscribers_version_get_us = Number(getUs.toFixed(3));
    results.hotkey_subscribers_version_get_ceiling_batches_per_s = Math.round(1e6 / getUs);
    results.hotkey_users_active_zmscore_us_per_follower = Number(usPerFollower.toFixed(4));
    // A returning user costs its touch, one INCR elsewhere, and on users_active one re-read of the followers of a
    // batch's topics per fanout replica: at 10,000 and 100,000 such followers, with one fanout replica.
    for (const followers of [10000, 100000]) {
      const us = total(active) + usPerFollower * followers;
      results[`hotkey_users_active_returning_ceiling_per_s_${followers}_followers`] = Math.round(1e6 / us);
      rows.push(
        `users_active          ${us.toFixed(2).padStart(8)} µs  ${Math.round(1e6 / us)} returning users/s ` +
          `(touch + ZMSCORE re-read of ${followers} followers, one fanout replica)`,
      );
    }
    rows.push(
      `subscribers_version   ${getUs.toFixed(2).padStart(8)} µs  ${Math.round(1e6 / getUs)} fan-out batches/s (HMGET of the topic's version)`,
    );
    const articleKeys = hot.filter((h) => h.unit === 'articles/s');
    const binding = articleKeys.reduce((worst, h) => (total(h) > total(worst) ? h : worst));
    results.hotkey_binding_articles_per_s = Math.round(1e6 / total(binding));
    progress(
      `hot keys (one shard, ${CONNECTIONS} connections × ${IN_FLIGHT} in flight, ${entries} units a phase):\n` +
        `${rows.join('\n')}\n` +
        `binds first among the article keys: ${keys.unprefixed(binding.key)} at ${Math.round(1e6 / total(binding))} articles/s`,
    );

    Object.assign(results, await saturateIngest(server, admin, opts.quick));
    Object.assign(results, await partitionedIngest(entries));
    results.hotkey_news_raw_3_partitions_ceiling_ratio = Number(
      (results.hotkey_news_raw_3_partitions_ceiling_per_s / results.hotkey_news_raw_ceiling_per_s).toFixed(2),
    );
  } finally {
    for (const client of clients) client.disconnect();
    admin.disconnect();
    await server.stop();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
