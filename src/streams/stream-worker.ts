import { Logger } from '@nestjs/common';
import type { Valkey } from 'iovalkey';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { observeLatency, type Metrics } from '../metrics/metrics.service.js';
import type { Keys } from '../valkey/keys.js';
import { LuaScript } from '../valkey/lua-script.js';
import { nodeOf } from '../valkey/slots.js';
import type { ValkeyService } from '../valkey/valkey.service.js';
import { firstSampledTrace, StageSpan, TRACEPARENT_FIELD } from '../tracing/stage-span.js';
import { tracingOn } from '../tracing/tracing.js';
import { appendDeadLetter, deadLetterFields } from './dead-letter.js';
import { fieldsFromArray, ReplicaStopping, type Fields, type StreamEntry, type StreamStage } from './stream-entry.js';

export interface StreamWorkerOptions {
  /** Stable part of the consumer names (host name by default); a lease makes each name unique. */
  consumerBase: string;
  batchSize: number;
  blockMs: number;
  claimIdleMs: number;
  maxDeliveries: number;
  concurrency: number;
  trimIntervalMs: number;
  /** A consumer with nothing pending, no live lease and no read for this long belongs to a replica that is gone. */
  forgetConsumerAfterMs?: number;
  /** Most entries `dlq:{stage}` holds (0 = no cap); at the cap an entry stays pending rather than evict one. */
  deadLetterMaxLen?: number;
}

const TRIM = LuaScript.from(new URL('./trim.lua', import.meta.url));
const LEASE = LuaScript.from(new URL('./lease.lua', import.meta.url));
const RELEASE = LuaScript.from(new URL('./release.lua', import.meta.url));
const KEEPALIVE = LuaScript.from(new URL('./keepalive.lua', import.meta.url));
const ACK = LuaScript.from(new URL('./ack.lua', import.meta.url));
const CLAIM = LuaScript.from(new URL('./claim.lua', import.meta.url));
const FORGET_CONSUMER = LuaScript.from(new URL('./forget-consumer.lua', import.meta.url));
const LEASE_TTL_MS = 10000;
const FORGET_CONSUMER_AFTER_MS = 10 * 60 * 1000;

type ReadReply = [string, [string, string[] | null][]][] | null;

interface Failure {
  entry: StreamEntry;
  reason: string;
}

/** Entries handled and written, to acknowledge on the server they were read from (its run_id). */
interface Acks {
  ids: string[];
  runId: string;
}

/**
 * Runs one stage over its input stream in a consumer group, at least once: reads with XREADGROUP, drains its own
 * pending entries at start, reclaims entries idle past the claim time from dead consumers, dead-letters entries
 * that keep failing, acknowledges only after the handler has written its output, and trims only what every group
 * has acknowledged.
 */
export class StreamWorker {
  private readonly logger: Logger;
  private readonly token = randomBytes(8).toString('hex');
  private readonly loops: Promise<void>[] = [];
  private readonly readers: { client: Valkey; id?: number }[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private consumers: string[] = [];
  private running = false;
  /** Set once the stage gave entries up because the replica stops: no more reads or reclaims until stop(). */
  private handingOver = false;
  private reclaiming?: Promise<void>;
  /** Consumers whose acknowledgement the server refused: they go over their own pending entries again. */
  private readonly redrain = new Set<string>();

  constructor(
    private readonly stage: StreamStage,
    private readonly valkey: ValkeyService,
    private readonly metrics: Metrics,
    private readonly options: StreamWorkerOptions,
  ) {
    this.logger = new Logger(`StreamWorker:${stage.definition.stage}`);
  }

  get name(): string {
    return this.stage.definition.stage;
  }

  get consumerNames(): readonly string[] {
    return this.consumers;
  }

  /** The connections of its read loops (readiness asks how long each has awaited a reply). */
  get readerConnections(): readonly Valkey[] {
    return this.readers.map((reader) => reader.client);
  }

  private get keys(): Keys {
    return this.valkey.keys;
  }

  private get command(): Valkey {
    return this.valkey.command;
  }

  /** The input stream (prefixed key). */
  get stream(): string {
    return this.stage.definition.stream;
  }

  private get group(): string {
    return this.stage.definition.group;
  }

  private get forgetAfterMs(): number {
    return this.options.forgetConsumerAfterMs ?? FORGET_CONSUMER_AFTER_MS;
  }

  private get batchSize(): number {
    return this.stage.definition.batchSize ?? this.options.batchSize;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.handingOver = false;
    await this.ensureGroup();
    const count = this.stage.definition.concurrency ?? this.options.concurrency;
    for (let i = 0; i < count; i++) this.consumers.push(await this.leaseConsumerName(i));
    for (const consumer of this.consumers) this.loops.push(this.readLoop(consumer));
    const reclaimEvery = Math.max(50, Math.min(this.options.claimIdleMs / 2, 5000));
    this.every(reclaimEvery, () => this.reclaimOnce());
    this.every(this.options.trimIntervalMs, () => this.trim());
    this.every(LEASE_TTL_MS / 3, () => this.renewLeases());
    this.every(Math.min(this.forgetAfterMs / 4, 60000), () => this.forgetDeadConsumers());
    this.logger.log(`consuming ${this.stream} as ${this.group}/${this.consumers.join(',')}`);
  }

  /** Finishes and acknowledges the batch in hand, then returns. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    // Wake readers blocked in XREADGROUP; CLIENT UNBLOCK returns an empty reply, so no entry is lost in flight.
    // On a cluster, CLIENT UNBLOCK goes to the node the reader's id is from: the one that owns the stream's slot.
    const node = nodeOf(this.command, this.stream);
    if (node) {
      await Promise.all(
        this.readers
          .filter((reader) => reader.id !== undefined)
          .map((reader) => node.client('UNBLOCK', reader.id!).catch(() => undefined)),
      );
    }
    await Promise.allSettled(this.loops);
    await this.reclaiming;
    await Promise.all(
      this.consumers.map(async (consumer) => {
        await RELEASE.run(this.command, [this.leaseKey(consumer)], [this.token]).catch(() => undefined);
        await FORGET_CONSUMER.run(this.command, [this.stream], [this.group, consumer]).catch(() => undefined);
      }),
    );
    await Promise.all(this.readers.map((reader) => this.valkey.release(reader.client)));
    this.loops.length = 0;
    this.readers.length = 0;
    this.consumers = [];
  }

  /** Trims the input stream up to what every group has acknowledged; returns entries removed. */
  async trim(): Promise<number> {
    const removed = Number(await TRIM.run(this.command, [this.stream], []));
    if (removed > 0) this.metrics.trimmed.labels(this.keys.unprefixed(this.stream).split(':')[0]).inc(removed);
    return removed;
  }

  private async readLoop(consumer: string): Promise<void> {
    const client = this.valkey.blocking(`${this.name}:${consumer}`, this.options.blockMs);
    const reader: { client: Valkey; id?: number } = { client };
    this.readers.push(reader);
    let drainAfter: string | undefined = '-';
    // The last batch, handled and written: acknowledged with the next read, in one round trip.
    const acks: Acks = { ids: [], runId: '' };
    while (this.running && !this.handingOver) {
      try {
        // The id of the connection XREADGROUP blocks on (on a cluster, the one to the stream's node, once known).
        if (reader.id === undefined) {
          // A cluster client knows its slot map once connected.
          if (!nodeOf(client, this.stream)) await client.ping();
          const node = nodeOf(client, this.stream);
          if (node) reader.id = Number(await node.client('ID'));
        }
        if (this.redrain.delete(consumer)) drainAfter = '-';
        if (drainAfter !== undefined) {
          // Our own pending entries first: a restart under the same consumer name resumes where it stopped.
          drainAfter = await this.drainOwn(consumer, drainAfter);
          if (drainAfter === undefined && consumer === this.consumers[0]) {
            // Reclaimed entries go to the first consumer: once its own are drained (never read twice), entries a
            // stopped replica handed over or a dead one left are taken at once, not a reclaim interval later.
            void this.reclaimOnce();
          }
          continue;
        }
        // Taken before the read: if the server changes under the read, the batch's acknowledgement is refused.
        const runId = await this.valkey.runId(client, this.stream);
        const raw = await this.read(client, consumer, acks);
        if (raw.length > 0) {
          const entries = raw.map(([id, flat]) => ({ id, fields: fieldsFromArray(flat) ?? {}, deliveries: 1 }));
          await this.process(entries, consumer, runId, acks);
        }
      } catch (error) {
        if (!this.running) break;
        // A batch read or acknowledged when the connection failed may be pending with us unanswered: go over our own
        // pending entries again instead of resending its acknowledgement.
        acks.ids.length = 0;
        drainAfter = '-';
        // A new connection (a reconnect, a failover) has another id.
        reader.id = undefined;
        await this.recover(error as Error);
      }
    }
    // Stopping: the batch in hand was handled and written; acknowledge it before the loop ends.
    if (acks.ids.length > 0) {
      await this.acknowledge(client, consumer, acks.ids, acks.runId).catch((error: Error) =>
        this.logger.warn(`acknowledging ${acks.ids.length} entries at stop failed: ${error.message}`),
      );
    }
  }

  /**
   * XREADGROUP of new entries, blocking. The previous batch's acknowledgements (`acks`, emptied once sent) go first
   * on the same connection, checked against the server that delivered them.
   */
  private async read(client: Valkey, consumer: string, acks: Acks): Promise<[string, string[] | null][]> {
    const args = [
      'GROUP',
      this.group,
      consumer,
      'COUNT',
      this.batchSize,
      'BLOCK',
      this.options.blockMs,
      'STREAMS',
      this.stream,
      '>',
    ];
    let reply: ReadReply;
    if (acks.ids.length === 0) {
      reply = (await client.call('XREADGROUP', ...args)) as ReadReply;
    } else {
      const pipeline = client.pipeline();
      ACK.queue(pipeline, [this.stream], [this.group, acks.runId, ...acks.ids]);
      const [[ackError, acked], [readError, read]] = ((await pipeline.call('XREADGROUP', ...args).exec()) ?? [
        [null, 0],
        [null, null],
      ]) as [Error | null, unknown][];
      if (ackError?.message.includes('NOSCRIPT')) {
        // The server lost its scripts (SCRIPT FLUSH, or a restart: then the run_id check refuses the ack anyway).
        await ACK.ensureLoaded(client);
        if (readError) throw readError;
        return (read as ReadReply)?.[0]?.[1] ?? [];
      }
      // Never sent again: a failed or refused acknowledgement leaves the entries pending, to be handled again.
      const count = acks.ids.length;
      acks.ids.length = 0;
      if (ackError) throw ackError;
      if (Number(acked) === -1) this.refusedAck(client, count, consumer);
      if (readError) throw readError;
      reply = read as ReadReply;
    }
    return reply?.[0]?.[1] ?? [];
  }

  /** XACK through the run_id check, on the connection given; true when the server was the one that delivered. */
  private async acknowledge(client: Valkey, consumer: string, ids: string[], runId: string): Promise<boolean> {
    const acked = Number(await ACK.run(client, [this.stream], [this.group, runId, ...ids]));
    if (acked === -1) this.refusedAck(client, ids.length, consumer);
    return acked !== -1;
  }

  private refusedAck(client: Valkey, count: number, consumer: string): void {
    // The next read asks the server's run id again (a cluster failover does not close the client).
    this.valkey.forgetRunIds(client);
    this.metrics.refusedAcks.labels(this.name).inc(count);
    this.logger.warn(
      `not acknowledging ${count} entries: the Valkey server restarted or changed since they were read, and may ` +
        'have lost their output; they stay pending and are handled again',
    );
    // The entries are pending with us on the new server, if it kept them at all: handle them again now.
    this.redrain.add(consumer);
  }

  /**
   * Hands this consumer's pending entries after `after` to the stage one at a time, counting each as a delivery;
   * answers the last id handled, or undefined once none are left.
   */
  private async drainOwn(consumer: string, after: string): Promise<string | undefined> {
    const start = after === '-' ? '-' : `(${after}`;
    const pending = (await this.command.xpending(this.stream, this.group, start, '+', this.batchSize, consumer)) as [
      string,
      string,
      number,
      number,
    ][];
    if (pending.length === 0) return undefined;
    for (const [id] of pending) {
      if (!this.running || this.handingOver) break;
      await this.handleAlone(id, consumer);
    }
    return pending[pending.length - 1][0];
  }

  /**
   * One entry delivered before and never acknowledged: claimed for `consumer` (a delivery counted), dead-lettered if
   * delivered too often (its consumers died handling it: a poison entry), else handled alone and acknowledged.
   */
  private async handleAlone(id: string, consumer: string): Promise<void> {
    const runId = await this.valkey.runId(this.command, this.stream);
    const claimed = (await CLAIM.run(this.command, [this.stream], [this.group, consumer, id])) as
      [string[], number] | [];
    if (claimed.length === 0) return;
    const entry: StreamEntry = { id, fields: fieldsFromArray(claimed[0]) ?? {}, deliveries: Number(claimed[1]) };
    if (entry.deliveries > this.options.maxDeliveries) {
      await this.deadLetter(
        { entry, reason: 'never acknowledged; its consumers died while handling it' },
        'max_deliveries',
      );
      return;
    }
    await this.process([entry], consumer, runId);
  }

  /** One reclaim at a time. */
  private reclaimOnce(): Promise<void> {
    this.reclaiming ??= this.reclaim().finally(() => (this.reclaiming = undefined));
    return this.reclaiming;
  }

  /**
   * Takes entries idle longer than the claim time (their consumer died or kept failing; JUSTID: no delivery counted
   * yet) and hands them to the stage one at a time.
   */
  private async reclaim(): Promise<void> {
    const consumer = this.consumers[0];
    if (!consumer || !this.running || this.handingOver) return;
    let cursor = '0-0';
    try {
      do {
        const [next, ids] = (await this.command.xautoclaim(
          this.stream,
          this.group,
          consumer,
          this.options.claimIdleMs,
          cursor,
          'COUNT',
          this.batchSize,
          'JUSTID',
        )) as [string, string[], string[]];
        cursor = next;
        if (ids.length > 0) this.metrics.reclaimed.labels(this.name).inc(ids.length);
        for (const id of ids) {
          if (!this.running || this.handingOver) break;
          await this.handleAlone(id, consumer);
        }
      } while (cursor !== '0-0' && this.running && !this.handingOver);
    } catch (error) {
      if (this.running) await this.recover(error as Error);
    }
  }

  /**
   * Hands a batch to the stage; on failure retries entry by entry so one bad entry never holds back the rest. The
   * entries handled are acknowledged now, or added to `ackLater` for the reader's next round trip.
   */
  private async process(read: StreamEntry[], consumer: string, runId: string, ackLater?: Acks): Promise<void> {
    if (read.length === 0) return;
    const span = this.stage.definition.span;
    const spans = span !== undefined && tracingOn() ? this.startSpans(span, read) : undefined;
    const entries = spans?.entries ?? read;
    const done: StreamEntry[] = [];
    const failures: Failure[] = [];
    const rejected: Failure[] = [];
    const givenUp: StreamEntry[] = [];
    const started = performance.now();
    this.metrics.stageBatchSize.labels(this.name).observe(entries.length);
    // A batch in hand longer than the claim time (a long generation, a slow model) stays ours while we are alive.
    const keepalive = setInterval(
      () => {
        const ids = entries.map((entry) => entry.id);
        KEEPALIVE.run(this.valkey.control, [this.stream], [this.group, consumer, ...ids]).catch((error: Error) =>
          this.logger.debug(`keepalive failed: ${error.message}`),
        );
      },
      Math.max(20, Math.floor(this.options.claimIdleMs / 3)),
    );
    try {
      const outcome = await this.stage.handle(entries);
      const bad = new Set<string>((outcome?.released ?? []).map((entry) => entry.id));
      for (const { entry, reason } of outcome?.rejected ?? []) {
        rejected.push({ entry, reason });
        bad.add(entry.id);
      }
      done.push(...entries.filter((entry) => !bad.has(entry.id)));
    } catch (error) {
      if (error instanceof ReplicaStopping) {
        givenUp.push(...entries);
      } else if (entries.length === 1) {
        failures.push({ entry: entries[0], reason: describe(error) });
      } else {
        for (const entry of entries) {
          try {
            const outcome = await this.stage.handle([entry]);
            const reason = outcome?.rejected?.[0]?.reason;
            if (reason !== undefined) rejected.push({ entry, reason });
            else if (!outcome?.released?.length) done.push(entry);
          } catch (entryError) {
            if (entryError instanceof ReplicaStopping) givenUp.push(entry);
            else failures.push({ entry, reason: describe(entryError) });
          }
        }
      }
    } finally {
      clearInterval(keepalive);
    }
    // Its exemplar: the trace of the batch's first sampled article.
    const traceId = spans ? firstSampledTrace(spans.byId.values()) : undefined;
    observeLatency(this.metrics.stageDuration, { stage: this.name }, (performance.now() - started) / 1000, traceId);
    if (spans) this.endSpans(spans.byId, [...rejected, ...failures], givenUp);

    if (done.length > 0) {
      const ids = done.map((entry) => entry.id);
      if (ackLater) {
        ackLater.ids.push(...ids);
        ackLater.runId = runId;
      } else {
        await this.acknowledge(this.command, consumer, ids, runId);
      }
      this.metrics.stageProcessed.labels(this.name).inc(done.length);
    }
    if (givenUp.length > 0) await this.handOver(givenUp, consumer);
    for (const failure of rejected) await this.deadLetter(failure, 'rejected');
    for (const failure of failures) {
      this.metrics.stageFailed.labels(this.name).inc();
      if (failure.entry.deliveries >= this.options.maxDeliveries && this.command.status === 'ready') {
        await this.deadLetter(failure, 'max_deliveries');
      } else {
        this.logger.warn(
          `entry ${failure.entry.id} failed (delivery ${failure.entry.deliveries}/${this.options.maxDeliveries}) ` +
            `as ${consumer}: ${failure.reason}`,
        );
      }
    }
  }

  /** A span `name` per entry, child of its `traceparent` field; the entries carry the spans' traceparents. */
  private startSpans(name: string, read: StreamEntry[]): { entries: StreamEntry[]; byId: Map<string, StageSpan> } {
    const byId = new Map<string, StageSpan>();
    const entries = read.map((entry) => {
      const span = StageSpan.fromTraceparent(name, entry.fields[TRACEPARENT_FIELD])
        .set('skein.stream', this.keys.unprefixed(this.stream))
        .set('skein.entry.id', entry.id)
        .set('skein.deliveries', entry.deliveries);
      byId.set(entry.id, span);
      return { ...entry, trace: span.traceparent };
    });
    return { entries, byId };
  }

  private endSpans(byId: Map<string, StageSpan>, failed: Failure[], givenUp: StreamEntry[]): void {
    for (const { entry, reason } of failed) byId.get(entry.id)?.fail(reason);
    for (const entry of givenUp) byId.get(entry.id)?.set('skein.handed_over', true);
    for (const span of byId.values()) span.end();
  }

  /**
   * Entries given up because this replica stops: marked idle past the claim time, so another consumer's next
   * XAUTOCLAIM takes them at once, with the delivery count this one added taken back (XAUTOCLAIM adds it again).
   */
  private async handOver(entries: StreamEntry[], consumer: string): Promise<void> {
    this.handingOver = true;
    const pipeline = this.command.pipeline();
    for (const entry of entries) {
      pipeline.xclaim(
        this.stream,
        this.group,
        consumer,
        0,
        entry.id,
        'IDLE',
        this.options.claimIdleMs,
        'RETRYCOUNT',
        Math.max(0, entry.deliveries - 1),
        'JUSTID',
      );
    }
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed)
      this.logger.warn(
        `handing over ${entries.length} entries failed: ${describe(failed[0])}; they are reclaimed after the claim time`,
      );
    else this.logger.log(`handed over ${entries.length} entries in hand: this replica is stopping`);
  }

  /**
   * Moves an entry to `dlq:{stage}` with the error and its original fields, then acknowledges it (written once, see
   * `appendDeadLetter`). The engine's `dlq_*` fields always win (an entry's own `dlq_*` field is kept as
   * `dlq_field:{name}`). Nothing is ever evicted: with `dlq:{stage}` at DEAD_LETTER_MAXLEN the entry stays pending,
   * counted and logged, and is offered again at its next reclaim.
   */
  private async deadLetter(failure: Failure, kind: 'rejected' | 'max_deliveries'): Promise<void> {
    const { entry, reason } = failure;
    const error = kind === 'max_deliveries' ? `failed ${entry.deliveries} deliveries: ${reason}` : reason;
    const dlq = this.keys.deadLetter(this.name);
    const engine: Fields = {
      dlq_error: error,
      dlq_stage: this.name,
      dlq_stream: this.keys.unprefixed(this.stream),
      dlq_group: this.group,
      dlq_id: entry.id,
      dlq_deliveries: String(entry.deliveries),
      dlq_at: new Date().toISOString(),
    };
    // Told first: a process that dies between the two leaves the entry pending, so the hook runs again (it must be
    // idempotent) and no stream is left waiting on an entry already moved.
    await this.stage.deadLettered?.(entry, error).catch((hookError: Error) => {
      this.logger.warn(`before dead-lettering entry ${entry.id}: ${hookError.message}`);
    });
    const own = this.stage.replayFields?.(entry) ?? entry.fields;
    const cap = this.options.deadLetterMaxLen ?? 0;
    const source = { stream: this.stream, group: this.group, id: entry.id };
    const target = { dlq, written: this.keys.deadLetterWritten(this.name, this.stream, entry.id) };
    if (!(await appendDeadLetter(this.command, target, source, deadLetterFields(engine, own), cap))) {
      this.metrics.deadLettersRefused.labels(this.name).inc();
      this.logger.error(
        `entry ${entry.id} NOT dead-lettered: ${dlq} holds DEAD_LETTER_MAXLEN=${cap} entries; it stays pending in ` +
          `${this.stream} and is retried at its next reclaim until dead letters are replayed or deleted (${error})`,
      );
      return;
    }
    this.metrics.deadLetters.labels(this.name, kind).inc();
    // A warning, not an error: the entry is kept with its reason, and the stage carries on.
    this.logger.warn(`entry ${entry.id} moved to ${dlq}: ${error}`);
  }

  private async ensureGroup(): Promise<void> {
    try {
      // From the start of the stream: nothing a producer wrote before the first worker ran is skipped.
      await this.command.xgroup('CREATE', this.stream, this.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!describe(error).includes('BUSYGROUP')) throw error;
    }
  }

  private async recover(error: Error): Promise<void> {
    const message = describe(error);
    if (message.includes('NOGROUP')) {
      // The stream or group vanished (e.g. Valkey restarted without persistence): recreate and carry on.
      this.logger.warn(`group ${this.group} missing on ${this.stream}; recreating it`);
      await this.ensureGroup().catch(() => undefined);
      return;
    }
    if (message.includes('UNBLOCKED')) return;
    this.logger.warn(`read failed, retrying: ${message}`);
    await sleep(250);
  }

  private leaseKey(consumer: string): string {
    return this.keys.consumerLease(this.stream, this.group, consumer);
  }

  /** A consumer name stable across restarts of this replica, unique among live processes by a lease. */
  private async leaseConsumerName(index: number): Promise<string> {
    const base = `${this.options.consumerBase}-${this.name}-${index}`;
    for (let attempt = 0; ; attempt++) {
      const name = attempt === 0 ? base : `${base}-${attempt}`;
      if (this.consumers.includes(name)) continue;
      const held = await LEASE.run(this.command, [this.leaseKey(name)], [this.token, LEASE_TTL_MS]);
      if (Number(held) === 1) return name;
    }
  }

  /** Deletes consumers of replicas that are gone: nothing pending, no live lease, no read for a long time. */
  private async forgetDeadConsumers(): Promise<void> {
    const consumers = (await this.command.xinfo('CONSUMERS', this.stream, this.group)) as (string | number)[][];
    for (const flat of consumers) {
      const info = new Map<string, string | number>();
      for (let i = 0; i + 1 < flat.length; i += 2) info.set(String(flat[i]), flat[i + 1]);
      const name = String(info.get('name'));
      if (this.consumers.includes(name) || Number(info.get('pending')) > 0) continue;
      if (Number(info.get('idle')) < this.forgetAfterMs) continue;
      if ((await this.command.exists(this.leaseKey(name))) === 1) continue;
      await FORGET_CONSUMER.run(this.command, [this.stream], [this.group, name]);
    }
  }

  private async renewLeases(): Promise<void> {
    await Promise.all(
      this.consumers.map((consumer) =>
        LEASE.run(this.valkey.control, [this.leaseKey(consumer)], [this.token, LEASE_TTL_MS]),
      ),
    );
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      if (!this.running) return;
      task().catch((error: unknown) => this.logger.debug(`periodic task failed: ${describe(error)}`));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
