import { Logger } from '@nestjs/common';
import type { Valkey } from 'iovalkey';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Metrics } from '../metrics/metrics.service.js';
import type { Keys } from '../valkey/keys.js';
import { LuaScript } from '../valkey/lua-script.js';
import type { ValkeyService } from '../valkey/valkey.service.js';
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
  /** Most entries `dlq:{stage}` holds (0 = no cap); at the cap an entry stays pending rather than evict one. */
  deadLetterMaxLen?: number;
}

const TRIM = LuaScript.from(new URL('./trim.lua', import.meta.url));
const LEASE = LuaScript.from(new URL('./lease.lua', import.meta.url));
const RELEASE = LuaScript.from(new URL('./release.lua', import.meta.url));
const KEEPALIVE = LuaScript.from(new URL('./keepalive.lua', import.meta.url));
const LEASE_TTL_MS = 10000;

type ReadReply = [string, [string, string[] | null][]][] | null;

interface Failure {
  entry: StreamEntry;
  reason: string;
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
    this.logger.log(`consuming ${this.stream} as ${this.group}/${this.consumers.join(',')}`);
  }

  /** Finishes and acknowledges the batch in hand, then returns. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    // Wake readers blocked in XREADGROUP; CLIENT UNBLOCK returns an empty reply, so no entry is lost in flight.
    await Promise.all(
      this.readers
        .filter((reader) => reader.id !== undefined)
        .map((reader) => this.command.client('UNBLOCK', reader.id!).catch(() => undefined)),
    );
    await Promise.allSettled(this.loops);
    await this.reclaiming;
    await Promise.all(
      this.consumers.map((consumer) =>
        RELEASE.run(this.command, [this.leaseKey(consumer)], [this.token]).catch(() => undefined),
      ),
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
    const client = this.valkey.blocking(`${this.name}:${consumer}`);
    const reader: { client: Valkey; id?: number } = { client };
    this.readers.push(reader);
    let drainFrom: string | undefined = '0';
    // Ids of the last batch, handled and written: acknowledged with the next read, in one round trip.
    const acks: string[] = [];
    while (this.running && !this.handingOver) {
      try {
        reader.id ??= Number(await client.client('ID'));
        if (drainFrom !== undefined) {
          // Our own pending entries first: a restart under the same consumer name resumes where it stopped.
          const raw = await this.read(client, consumer, drainFrom, acks);
          if (raw.length === 0) {
            drainFrom = undefined;
            // Reclaimed entries go to the first consumer: once its own are drained (never read twice), entries a
            // stopped replica handed over or a dead one left are taken at once, not a reclaim interval later.
            if (consumer === this.consumers[0]) void this.reclaimOnce();
            continue;
          }
          drainFrom = raw[raw.length - 1][0];
          await this.process(await this.withDeliveries(raw, consumer), consumer, acks);
          continue;
        }
        const raw = await this.read(client, consumer, '>', acks);
        if (raw.length > 0) {
          await this.process(
            raw.map(([id, flat]) => ({ id, fields: fieldsFromArray(flat) ?? {}, deliveries: 1 })),
            consumer,
            acks,
          );
        }
      } catch (error) {
        if (!this.running) break;
        await this.recover(error as Error);
      }
    }
    // Stopping: the batch in hand was handled and written; acknowledge it before the loop ends.
    if (acks.length > 0) {
      await this.command
        .xack(this.stream, this.group, ...acks)
        .catch((error: Error) =>
          this.logger.warn(`acknowledging ${acks.length} entries at stop failed: ${error.message}`),
        );
    }
  }

  /**
   * XREADGROUP from `from`: `>` blocks for new entries; an id reads this consumer's own pending list after it. The
   * previous batch's acknowledgements (`acks`, emptied once Valkey confirmed them) go first on the same connection.
   */
  private async read(
    client: Valkey,
    consumer: string,
    from: string,
    acks: string[],
  ): Promise<[string, string[] | null][]> {
    const block = from === '>' ? ['BLOCK', this.options.blockMs] : [];
    const args = ['GROUP', this.group, consumer, 'COUNT', this.batchSize, ...block, 'STREAMS', this.stream, from];
    let reply: ReadReply;
    if (acks.length === 0) {
      reply = (await client.call('XREADGROUP', ...args)) as ReadReply;
    } else {
      const [[ackError], [readError, read]] = ((await client
        .pipeline()
        .xack(this.stream, this.group, ...acks)
        .call('XREADGROUP', ...args)
        .exec()) ?? [[null], [null, null]]) as [Error | null, unknown][];
      // An ack that failed is sent again with the next read (acknowledging twice is harmless).
      if (ackError) throw ackError;
      acks.length = 0;
      if (readError) throw readError;
      reply = read as ReadReply;
    }
    return reply?.[0]?.[1] ?? [];
  }

  /** One reclaim at a time. */
  private reclaimOnce(): Promise<void> {
    this.reclaiming ??= this.reclaim().finally(() => (this.reclaiming = undefined));
    return this.reclaiming;
  }

  /** Claims entries idle longer than the claim time (their consumer died or kept failing) and handles them. */
  private async reclaim(): Promise<void> {
    const consumer = this.consumers[0];
    if (!consumer || !this.running || this.handingOver) return;
    let cursor = '0-0';
    try {
      do {
        const [next, claimed] = (await this.command.xautoclaim(
          this.stream,
          this.group,
          consumer,
          this.options.claimIdleMs,
          cursor,
          'COUNT',
          this.batchSize,
        )) as [string, [string, string[] | null][], string[]];
        cursor = next;
        const live = claimed.filter(([, flat]) => flat !== null);
        if (live.length === 0) continue;
        this.metrics.reclaimed.labels(this.name).inc(live.length);
        const entries = await this.withDeliveries(live, consumer);
        // Delivered too often without an ack (its consumers died handling it): a poison entry, not a retry.
        const poison = entries.filter((entry) => entry.deliveries > this.options.maxDeliveries);
        for (const entry of poison) {
          await this.deadLetter(
            { entry, reason: 'never acknowledged; its consumers died while handling it' },
            'max_deliveries',
          );
        }
        await this.process(
          entries.filter((entry) => entry.deliveries <= this.options.maxDeliveries),
          consumer,
        );
      } while (cursor !== '0-0' && this.running && !this.handingOver);
    } catch (error) {
      if (this.running) await this.recover(error as Error);
    }
  }

  /**
   * Hands a batch to the stage; on failure retries entry by entry so one bad entry never holds back the rest. The
   * entries handled are acknowledged now, or added to `ackLater` for the reader's next round trip.
   */
  private async process(entries: StreamEntry[], consumer: string, ackLater?: string[]): Promise<void> {
    if (entries.length === 0) return;
    const done: StreamEntry[] = [];
    const failures: Failure[] = [];
    const rejected: Failure[] = [];
    const givenUp: StreamEntry[] = [];
    const stopTimer = this.metrics.stageDuration.labels(this.name).startTimer();
    this.metrics.stageBatchSize.labels(this.name).observe(entries.length);
    // A batch in hand longer than the claim time (a long generation, a slow model) stays ours while we are alive.
    const keepalive = setInterval(
      () => {
        const ids = entries.map((entry) => entry.id);
        KEEPALIVE.run(this.command, [this.stream], [this.group, consumer, ...ids]).catch((error: Error) =>
          this.logger.debug(`keepalive failed: ${error.message}`),
        );
      },
      Math.max(20, Math.floor(this.options.claimIdleMs / 3)),
    );
    try {
      const outcome = await this.stage.handle(entries);
      const bad = new Set<string>();
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
            else done.push(entry);
          } catch (entryError) {
            if (entryError instanceof ReplicaStopping) givenUp.push(entry);
            else failures.push({ entry, reason: describe(entryError) });
          }
        }
      }
    } finally {
      clearInterval(keepalive);
    }
    stopTimer();

    if (done.length > 0) {
      const ids = done.map((entry) => entry.id);
      if (ackLater) ackLater.push(...ids);
      else await this.command.xack(this.stream, this.group, ...ids);
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
   * Moves an entry to `dlq:{stage}` with the error and its original fields, and acknowledges it, atomically. The
   * engine's `dlq_*` fields always win (an entry's own `dlq_*` field is kept as `dlq_field:{name}`). Nothing is ever
   * evicted: with `dlq:{stage}` at DEAD_LETTER_MAXLEN the entry stays pending, counted and logged, and is offered
   * again at its next reclaim.
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
    const own = this.stage.replayFields?.(entry) ?? entry.fields;
    const cap = this.options.deadLetterMaxLen ?? 0;
    const source = { stream: this.stream, group: this.group, id: entry.id };
    if (!(await appendDeadLetter(this.command, dlq, source, deadLetterFields(engine, own), cap))) {
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
    await this.stage.deadLettered?.(entry, error).catch((hookError: Error) => {
      this.logger.warn(`after dead-lettering entry ${entry.id}: ${hookError.message}`);
    });
  }

  /** Reads how many times each entry has been delivered, for entries read from a pending list. */
  private async withDeliveries(raw: [string, string[] | null][], consumer: string): Promise<StreamEntry[]> {
    const deleted = raw.filter(([, flat]) => flat === null).map(([id]) => id);
    // An entry trimmed or deleted while pending can never be processed: acknowledge it away.
    if (deleted.length > 0) await this.command.xack(this.stream, this.group, ...deleted);
    const live = raw.filter(([, flat]) => flat !== null);
    if (live.length === 0) return [];
    const pending = (await this.command.xpending(
      this.stream,
      this.group,
      live[0][0],
      live[live.length - 1][0],
      live.length * 2,
      consumer,
    )) as [string, string, number, number][];
    const counts = new Map(pending.map(([id, , , deliveries]) => [id, Number(deliveries)]));
    return live.map(([id, flat]) => ({ id, fields: fieldsFromArray(flat) ?? {}, deliveries: counts.get(id) ?? 1 }));
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

  private async renewLeases(): Promise<void> {
    await Promise.all(
      this.consumers.map((consumer) => LEASE.run(this.command, [this.leaseKey(consumer)], [this.token, LEASE_TTL_MS])),
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
