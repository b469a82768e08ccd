import { TRACEPARENT_FIELD } from '../tracing/stage-span.js';

export type Fields = Record<string, string>;

/** One stream entry as a stage sees it. `deliveries` counts how often the group has handed it out. */
export interface StreamEntry {
  readonly id: string;
  readonly fields: Fields;
  readonly deliveries: number;
  /**
   * In a traced stage with tracing on: the W3C traceparent of the stage's span for this entry, which the stage writes
   * as field `traceparent` on the entry it appends for it (`traceField`), so the next stage's span is its child.
   */
  readonly trace?: string;
}

/** What a stage reports back: entries it can never process go to `dlq:{stage}` at once, with the reason. */
export interface StageOutcome {
  rejected?: { entry: StreamEntry; reason: string }[];
  /** Entries another consumer took over meanwhile and still handles: neither acknowledged nor counted as failed. */
  released?: StreamEntry[];
}

export interface StageDefinition {
  /** Stage name: metric label and the `dlq:{stage}` suffix. */
  readonly stage: string;
  /** Input stream key (already prefixed; build it with `Keys`). */
  readonly stream: string;
  /**
   * More input streams of the same stage (a partitioned input, e.g. NEWS_RAW_PARTITIONS): the engine runs a worker per
   * stream, each with its own consumer group `group` on it; dead letters of all go to `dlq:{stage}`.
   */
  readonly partitions?: readonly string[];
  readonly group: string;
  readonly batchSize?: number;
  readonly concurrency?: number;
  /**
   * The span name of a traced stage (`skein.classify`): with tracing on, the engine records one per entry, child of
   * the entry's `traceparent` field (a new trace without one), and hands the stage its traceparent as `entry.trace`.
   */
  readonly span?: string;
}

/** A pipeline stage: declares its input and a batch handler; the engine does everything else. */
export interface StreamStage {
  readonly definition: StageDefinition;
  /** Writes the batch's output. Throwing leaves the batch unacknowledged, to be retried entry by entry. */
  handle(entries: StreamEntry[]): Promise<StageOutcome | void>;
  /**
   * Told just before an entry is moved to `dlq:{stage}` (rejected, or failed too often), e.g. to end what waits on it;
   * told again if the process dies before the move, so it must be idempotent.
   */
  deadLettered?(entry: StreamEntry, reason: string): Promise<void>;
  /** The fields a dead letter keeps of the entry, which a replay appends again (the entry's own by default). */
  replayFields?(entry: StreamEntry): Fields;
}

/**
 * Thrown by a stage that gives up entries because its replica is stopping (e.g. a long generation cut short): the
 * engine hands them to another consumer at once, and the stop does not count as a failed delivery.
 */
export class ReplicaStopping extends Error {
  constructor(options?: ErrorOptions) {
    super('replica stopping', options);
  }
}

/** The stage once per input stream: itself on `stream`, then the same handler on each of its `partitions`. */
export function stagePerStream(stage: StreamStage): StreamStage[] {
  const { partitions, ...definition } = stage.definition;
  if (!partitions || partitions.length === 0) return [stage];
  return [
    stage,
    ...partitions.map((stream): StreamStage => ({
      definition: { ...definition, stream },
      handle: (entries) => stage.handle(entries),
      deadLettered: stage.deadLettered && ((entry, reason) => stage.deadLettered!(entry, reason)),
      replayFields: stage.replayFields && ((entry) => stage.replayFields!(entry)),
    })),
  ];
}

export function fieldsFromArray(raw: string[] | null | undefined): Fields | undefined {
  if (!raw) return undefined;
  const fields: Fields = {};
  for (let i = 0; i + 1 < raw.length; i += 2) fields[raw[i]] = raw[i + 1];
  return fields;
}

export function fieldsToArray(fields: Fields): string[] {
  const flat: string[] = [];
  for (const [key, value] of Object.entries(fields)) flat.push(key, value);
  return flat;
}

const ENTRY_ID = /^(\d{1,20})-(\d{1,20})$/;
const MAX_ID_PART = 2n ** 64n - 1n;

/** A stream entry id, `ms-seq`, each part an unsigned 64-bit number (Valkey refuses anything else). */
export function isEntryId(value: unknown): value is string {
  const parts = typeof value === 'string' ? ENTRY_ID.exec(value) : null;
  return parts !== null && BigInt(parts[1]) <= MAX_ID_PART && BigInt(parts[2]) <= MAX_ID_PART;
}

/** The largest stream entry id: nothing comes after it. */
export const LAST_ENTRY_ID = `${MAX_ID_PART}-${MAX_ID_PART}`;

/** The smallest id greater than `id` (`1-5` → `1-6`), for exclusive ranges. */
export function nextId(id: string): string {
  const [ms, seq] = id.split('-');
  return `${ms}-${BigInt(seq ?? '0') + 1n}`;
}

/** `['traceparent', entry.trace]` to append to an output entry's fields; nothing when the entry is not traced. */
export function traceField(entry: StreamEntry): string[] {
  return entry.trace === undefined ? [] : [TRACEPARENT_FIELD, entry.trace];
}
