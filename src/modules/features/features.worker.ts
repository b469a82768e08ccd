import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { AppConfig } from '../../config/config.js';
import { periodic, type Periodic } from '../../common/periodic.js';
import { Role } from '../../config/roles.js';
import type { StageOutcome, StreamEntry, StreamStage } from '../../streams/stream-entry.js';
import { StreamWorkerHost } from '../../streams/stream-worker.host.js';
import type { StreamWorker } from '../../streams/stream-worker.js';
import { LuaScript } from '../../valkey/lua-script.js';
import { execIdempotent } from '../../valkey/pipeline.js';
import { groupBySlot } from '../../valkey/slots.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import {
  checkEntityId,
  checkFeatures,
  encodeValue,
  floatLiteralKeys,
  parseEventTime,
  validEntityId,
  type FeatureEntity,
  type FeatureView,
} from './feature-schema.js';
import { entityOfView, FeatureRegistry, type Registry } from './feature-registry.service.js';
import { FeatureRowIndex } from './feature-row-index.js';
import { FeatureMetrics } from './features.metrics.js';

const MATERIALIZE = LuaScript.from(new URL('./materialize.lua', import.meta.url));
export const FEATURES_STAGE = 'features';
export const FEATURES_GROUP = 'feature_writers';
const RESYNC_MS = 10000;
/**
 * Rows per script call. One call per row costs a command on each side per row; a call per chunk keeps the
 * compare-and-write per row (inside the script) at a fraction of the cost. Each call stays short (no long block).
 */
const ROWS_PER_CALL = 100;
/**
 * Consumers per view and replica: while Valkey runs one batch's script calls, Node decodes the next ones, so neither
 * side waits for the other (3 measured ~15% faster than 2 on 2 cores, 4 no better). Rows of one entity in two
 * batches are safe: the script compares event times.
 */
const MATERIALIZE_CONCURRENCY = 3;

type Rejection = NonNullable<StageOutcome['rejected']>[number];

/**
 * Writes stream entries of one view to its online rows: one compare-and-write script call per chunk of rows (checking
 * and writing row by row), so a row never goes back in time even when two materializers race. Entries from any
 * producer in the contract format (`entity_id`, `features` JSON, `timestamp`, `feature_view`) are treated alike.
 */
@Injectable()
export class FeatureMaterializer {
  constructor(
    private readonly valkey: ValkeyService,
    private readonly registry: FeatureRegistry,
    private readonly metrics: FeatureMetrics,
    private readonly index: FeatureRowIndex,
  ) {}

  /** The engine stage for one view's stream: stage `features`, group `feature_writers`, DLQ `dlq:features`. */
  stageFor(view: string, batchSize: number): StreamStage {
    return {
      definition: {
        stage: FEATURES_STAGE,
        stream: this.valkey.keys.featureStream(view),
        group: FEATURES_GROUP,
        batchSize,
        concurrency: MATERIALIZE_CONCURRENCY,
      },
      handle: (entries) => this.materialize(view, entries),
      // A dead letter keeps the event time its entry stood for: a replay (a new entry id) must not make it newer.
      replayFields: ({ id, fields }) =>
        fields.timestamp === undefined || fields.timestamp === ''
          ? { ...fields, timestamp: String(entryTime(id)) }
          : fields,
    };
  }

  async materialize(viewName: string, entries: StreamEntry[]): Promise<StageOutcome> {
    const first = await this.write(await this.registry.snapshot(), viewName, entries);
    if (first.rejected.length === 0) return this.counted(first);
    // The cached registry may predate a change this replica has not been told of yet (a view created, a feature
    // added a moment ago): what it refuses is checked again against the registry as Valkey holds it now.
    const second = await this.write(
      await this.registry.reload(),
      viewName,
      first.rejected.map(({ entry }) => entry),
    );
    return this.counted({ rejected: second.rejected, written: [...first.written, ...second.written] });
  }

  private counted({ rejected, written }: { rejected: Rejection[]; written: number[] }): StageOutcome {
    if (rejected.length > 0) this.metrics.rowsRejected.inc(rejected.length);
    const fresh = written.filter((flag) => flag === 1).length;
    this.metrics.rowsMaterialized.inc(fresh);
    this.metrics.rowsSkippedOlder.inc(written.length - fresh);
    return { rejected };
  }

  /** Writes the entries that fit the view in `registry`; answers the ones that do not, and the script's flags. */
  private async write(
    registry: Registry,
    viewName: string,
    entries: StreamEntry[],
  ): Promise<{ rejected: Rejection[]; written: number[] }> {
    const view = registry.views.get(viewName);
    if (!view) {
      const reason = `feature view ${viewName} is not registered`;
      return { rejected: entries.map((entry) => ({ entry, reason })), written: [] };
    }
    const entity = entityOfView(registry, view);
    const keys = this.valkey.keys;
    const clustered = this.valkey.clustered;
    const rejected: Rejection[] = [];
    const writes: Promise<number[]>[] = [];
    let rows: PackedRow[] = [];
    for (const entry of entries) {
      const row = parseEntry(view, entity, entry);
      if (typeof row === 'string') {
        rejected.push({ entry, reason: row });
        continue;
      }
      rows.push({ key: keys.featureRow(view.name, row.entityId), packed: packRow(row) });
      // Standalone, each chunk is written as soon as it is full, so Valkey runs it while Node parses the next one.
      if (!clustered && rows.length === ROWS_PER_CALL) {
        writes.push(this.writeRows(view, rows));
        rows = [];
      }
    }
    if (rows.length > 0) writes.push(this.writeRows(view, rows));
    return { rejected, written: (await Promise.all(writes)).flat() };
  }

  /**
   * Script calls of at most ROWS_PER_CALL rows of one hash slot each (one group when not clustered), in one pipeline.
   * On a cluster the rows' slots are listed in the view's slot list before the rows are written and again after (see
   * FeatureRowIndex.purgeSlots); both are idempotent, as the writes are.
   */
  private async writeRows(view: FeatureView, rows: PackedRow[]): Promise<number[]> {
    const calls: [string[], (string | number)[]][] = [];
    for (const group of groupBySlot(rows, (row) => row.key, this.valkey.clustered)) {
      const index = this.index.indexFor(view.name, group[0].key);
      for (let at = 0; at < group.length; at += ROWS_PER_CALL) {
        const chunk = group.slice(at, at + ROWS_PER_CALL);
        calls.push([
          [index, ...chunk.map((row) => row.key)],
          [view.ttl_seconds, view.name, ...chunk.map((row) => row.packed)],
        ]);
      }
    }
    const rowKeys = this.valkey.clustered ? rows.map((row) => row.key) : [];
    await this.index.listSlots(view.name, rowKeys);
    // If the script cache was flushed (Valkey restart), it is loaded and the pipeline replayed (idempotent).
    const replies = await execIdempotent(this.valkey.command, [MATERIALIZE], (pipeline) => {
      for (const [keys, args] of calls) MATERIALIZE.queue(pipeline, keys, args);
    });
    await this.index.listSlots(view.name, rowKeys);
    return (replies as number[][]).flat().map(Number);
  }
}

interface PackedRow {
  /** fs:v1:{view}:{entity_id} */
  key: string;
  /** The row as materialize.lua's argument (packRow). */
  packed: string;
}

interface ParsedRow {
  entityId: string;
  features: Record<string, unknown>;
  timestamp: number;
  /** The stream entry's id: of two rows with the same event time, the later-written entry wins. */
  entryId: string;
}

/** The time Valkey appended a stream entry, from its id (`ms-seq`), in epoch seconds. */
export function entryTime(id: string): number {
  return Number(id.split('-')[0]) / 1000;
}

/**
 * A row as the script's one argument: a JSON array of strings, `[event time, entry id, entity id, number of nulls,
 * null feature, ..., field, value, ...]`, values in their stored text (a null is no field: the script deletes it).
 * Built as text: feature names match NAME_PATTERN, entry ids are digits and `-`, and numbers and booleans print without
 * escapes, so only entity ids, strings and vectors go through JSON.stringify.
 */
function packRow({ timestamp, entryId, entityId, features }: ParsedRow): string {
  let nulls = 0;
  let nullNames = '';
  let values = '';
  for (const name in features) {
    const value = features[name] as number | string | boolean | number[] | null;
    if (value === null) {
      nulls++;
      nullNames += `,"${name}"`;
    } else {
      values +=
        typeof value === 'number' || typeof value === 'boolean'
          ? `,"${name}","${value}"`
          : `,"${name}",${JSON.stringify(encodeValue(value))}`;
    }
  }
  return `["${timestamp}","${entryId}",${JSON.stringify(entityId)},"${nulls}"${nullNames}${values}]`;
}

/** Validates one entry against its view and entity; answers the row or why it can never be materialized. */
export function parseEntry(view: FeatureView, entity: FeatureEntity, entry: StreamEntry): ParsedRow | string {
  const { fields } = entry;
  if (fields.feature_view !== undefined && fields.feature_view !== view.name) {
    return `feature_view ${fields.feature_view} does not match the stream of view ${view.name}`;
  }
  if (!validEntityId(fields.entity_id)) return 'entity_id: a non-empty string of at most 512 characters expected';
  const idProblem = checkEntityId(entity, fields.entity_id);
  if (idProblem) return `entity_id: ${idProblem}`;
  if (fields.features === undefined) return 'features: missing';
  let features: unknown;
  try {
    features = JSON.parse(fields.features);
  } catch {
    return 'features: not valid JSON';
  }
  const floats = intGivenAsFloat(view).test(fields.features) ? floatLiteralKeys(fields.features) : undefined;
  const errors = checkFeatures(view, features, 'features', floats);
  if (errors.length > 0) return errors.join('; ');
  let timestamp: number | string;
  if (fields.timestamp === undefined || fields.timestamp === '') {
    // No event time given: the time Valkey appended the entry (one clock for every producer and replica).
    timestamp = entryTime(entry.id);
  } else {
    timestamp = parseEventTime(fields.timestamp);
    if (typeof timestamp === 'string') return `timestamp: ${timestamp}`;
  }
  return { entityId: fields.entity_id, features: features as Record<string, unknown>, timestamp, entryId: entry.id };
}

const intPatterns = new WeakMap<FeatureView, RegExp>();
/** A quick test for `"int_feature": 3.0`; only on a hit is the exact (slower) scan of the JSON run. */
function intGivenAsFloat(view: FeatureView): RegExp {
  let pattern = intPatterns.get(view);
  if (!pattern) {
    const names = view.features.filter((field) => field.type === 'INT').map((field) => field.name);
    pattern = names.length === 0 ? /(?!)/ : new RegExp(`"(?:${names.join('|')})"\\s*:\\s*-?\\d+[.eE]`);
    intPatterns.set(view, pattern);
  }
  return pattern;
}

/**
 * Runs one engine StreamWorker per registered view (one stream per view), started once the app listens and
 * reconciled whenever the registry changes on any replica, with a periodic resync as a safety net.
 */
@Injectable()
export class FeatureWorkerSupervisor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(FeatureWorkerSupervisor.name);
  private readonly workers = new Map<string, StreamWorker>();
  private queue: Promise<void> = Promise.resolve();
  private resync?: Periodic;
  private pruning?: Periodic;
  private running = false;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: FeatureRegistry,
    private readonly materializer: FeatureMaterializer,
    private readonly host: StreamWorkerHost,
    private readonly valkey: ValkeyService,
    private readonly adapterHost: HttpAdapterHost,
    private readonly index: FeatureRowIndex,
  ) {}

  get views(): string[] {
    return [...this.workers.keys()];
  }

  onApplicationBootstrap(): void {
    if (!this.config.has(Role.Features)) return;
    // Workers start only once the app listens, as the engine's own stages do.
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server || server.listening) this.start();
    else server.once('listening', () => this.start());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.resync?.stop();
    await this.pruning?.stop();
    await this.queue;
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map((worker) => worker.stop()));
  }

  /** Brings the running workers in line with the registry; calls are serialized. */
  reconcile(): Promise<void> {
    this.queue = this.queue
      .then(() => this.sync())
      .catch((error: Error) => {
        this.logger.warn(`reconciling feature workers failed: ${error.message}`);
      });
    return this.queue;
  }

  private start(): void {
    this.running = true;
    this.registry.onChange(() => void this.reconcile());
    // reconcile logs its own failures.
    this.resync = periodic(
      RESYNC_MS,
      () => this.reconcile(),
      () => undefined,
    );
    void this.reconcile(); // failures are logged by reconcile and retried on the next change or resync
    const pruneEvery = this.config.env.FEATURE_INDEX_PRUNE_INTERVAL_MS;
    this.pruning = periodic(
      pruneEvery,
      async () => {
        const removed = await this.index.prune((await this.registry.snapshot()).views.keys(), pruneEvery);
        if (removed) this.logger.log(`pruned ${removed} expired rows from the views' indexes`);
      },
      (error) => this.logger.warn(`pruning the views' indexes failed: ${error.message}`),
    );
  }

  private async sync(): Promise<void> {
    if (!this.running) return;
    const { views } = await this.registry.snapshot();
    for (const name of views.keys()) {
      if (this.workers.has(name)) continue;
      const worker = this.host.create(this.materializer.stageFor(name, this.config.env.FEATURE_MATERIALIZE_BATCH));
      this.workers.set(name, worker);
      try {
        await worker.start();
      } catch (error) {
        // Not started: forget it so the next reconcile tries again.
        this.workers.delete(name);
        await worker.stop().catch(() => undefined);
        throw error;
      }
    }
    for (const [name, worker] of this.workers) {
      if (views.has(name)) continue;
      await this.host.retire(worker);
      // What the worker wrote, or recreated (the engine recreates a vanished stream), after the view's deletion and
      // before it heard of it goes too; nothing of a view registered again under the name.
      const removed = await this.registry.purge(name);
      // Listed until its rows and stream are gone (a failed retire or purge is tried again at the next sync).
      this.workers.delete(name);
      this.logger.log(
        `stopped materializing deleted view ${name}${removed > 0 ? `; ${removed} late rows removed` : ''}`,
      );
    }
  }
}
