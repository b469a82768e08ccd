import { Injectable, NotFoundException } from '@nestjs/common';
import { STAGE_ROLES } from '../config/roles.js';
import { ListBudget } from '../http/list-budget.js';
import { Metrics } from '../metrics/metrics.service.js';
import { LuaScript } from '../valkey/lua-script.js';
import { execOrThrow } from '../valkey/pipeline.js';
import { ValkeyService } from '../valkey/valkey.service.js';
import { originalFields, ownFields } from './dead-letter.js';
import { fieldsFromArray, LAST_ENTRY_ID, nextId, type Fields } from './stream-entry.js';

const TAKE = LuaScript.from(new URL('./redrive.lua', import.meta.url));
/** How long a dead letter taken for a replay stays taken: a replay that died before deleting it is retried after. */
const REPLAYING_MS = 60000;
const GONE = 'gone meanwhile (replayed or deleted by another request)';
/** Entries read and moved per step of a replay of a whole dead-letter stream. */
const PAGE = 500;

export interface DeadLetter {
  id: string;
  error: string | null;
  /** The stream the entry came from (without KEY_PREFIX), where a replay appends it again. */
  stream: string | null;
  source_id: string | null;
  group: string | null;
  deliveries: number | null;
  at: string | null;
  /** The entry's original fields. */
  fields: Fields;
}

export interface DeadLetterPage {
  stage: string;
  length: number;
  entries: DeadLetter[];
  /** Pass as `after` for the next page; absent on the last one. */
  next_after?: string;
}

export interface ReplayResult {
  replayed: number;
  not_replayed: { id: string; reason: string }[];
}

type RawEntry = [string, string[] | null];
/** redrive.lua's answer per id: 0 gone, 1 being replayed by another request, 2 taken (with its fields). */
type Taken = [0 | 1] | [2, string[]];

/**
 * Reads, replays and discards the entries a stage dead-lettered (`dlq:{stage}`), so that once the cause is fixed (a
 * view registered, a producer corrected, a model endpoint back) nothing accepted stays lost.
 */
@Injectable()
export class DeadLetterService {
  constructor(
    private readonly valkey: ValkeyService,
    private readonly metrics: Metrics,
  ) {}

  /** Oldest first, `limit` entries after the id `after` (exclusive). */
  async list(stage: string, limit: number, after?: string): Promise<DeadLetterPage> {
    const key = this.key(stage);
    // Nothing comes after the largest id, and Valkey refuses an exclusive range starting there.
    if (after === LAST_ENTRY_ID) return { stage, length: Number(await this.valkey.command.xlen(key)), entries: [] };
    const [length, raw] = (await execOrThrow(
      this.valkey.command
        .pipeline()
        .xlen(key)
        .xrange(key, after ? `(${after}` : '-', '+', 'COUNT', limit + 1)
        .exec(),
    )) as [number, RawEntry[]];
    // At most `limit` entries and LIST_MAX_BYTES of them: a dead letter keeps its original fields, bodies included.
    const budget = new ListBudget<DeadLetter>();
    for (const [id, flat] of raw.slice(0, limit)) if (!budget.add(describe(id, fieldsFromArray(flat) ?? {}))) break;
    const entries = budget.items;
    const page: DeadLetterPage = { stage, length: Number(length), entries };
    if (raw.length > entries.length) page.next_after = entries[entries.length - 1].id;
    return page;
  }

  /**
   * Appends the entries again to the streams they came from and removes them from `dlq:{stage}`: the ids given, or
   * every entry there when the replay starts (entries dead-lettered again meanwhile stay for the next look).
   */
  async replay(stage: string, ids?: string[]): Promise<ReplayResult> {
    const key = this.key(stage);
    const result: ReplayResult = { replayed: 0, not_replayed: [] };
    if (ids) {
      const pipeline = this.valkey.command.pipeline();
      for (const id of ids) pipeline.xrange(key, id, id);
      const found = (await execOrThrow(pipeline.exec())) as RawEntry[][];
      const entries = found.flatMap((match, i) => {
        if (match.length === 0) result.not_replayed.push({ id: ids[i], reason: 'not in the dead-letter stream' });
        return match;
      });
      await this.move(stage, entries, result, true);
      return result;
    }
    const [last] = (await this.valkey.command.xrevrange(key, '+', '-', 'COUNT', 1)) as RawEntry[];
    let from = '-';
    while (last) {
      const page = (await this.valkey.command.xrange(key, from, last[0], 'COUNT', PAGE)) as RawEntry[];
      if (page.length === 0) break;
      await this.move(stage, page, result, false);
      from = nextId(page[page.length - 1][0]);
    }
    return result;
  }

  /** Deletes the ids given, or every entry there now; answers how many were deleted. */
  async discard(stage: string, ids?: string[]): Promise<number> {
    const key = this.key(stage);
    if (ids) return Number(await this.valkey.command.xdel(key, ...ids));
    const [last] = (await this.valkey.command.xrevrange(key, '+', '-', 'COUNT', 1)) as RawEntry[];
    if (!last) return 0;
    return Number(await this.valkey.command.xtrim(key, 'MINID', nextId(last[0])));
  }

  private key(stage: string): string {
    if (!(STAGE_ROLES as readonly string[]).includes(stage)) {
      throw new NotFoundException(`unknown stage ${stage} (stages: ${STAGE_ROLES.join(', ')})`);
    }
    return this.valkey.keys.deadLetter(stage);
  }

  /**
   * Appends each entry to the stream it came from, then deletes it here: two steps, as the two streams may live in
   * different slots of a cluster. The entries are first taken (marked as being replayed, in this stream's slot), so
   * two requests never append one twice; one that dies between the steps leaves the dead letter to be replayed again
   * (at least once: the stages are idempotent). An entry gone meanwhile (another request replayed or deleted it) is
   * reported only when its id was asked for.
   */
  private async move(stage: string, entries: RawEntry[], result: ReplayResult, reportGone: boolean): Promise<void> {
    const { keys, command } = this.valkey;
    const dlq = this.key(stage);
    const ids: string[] = [];
    for (const [id, flat] of entries) {
      if (fieldsFromArray(flat)?.dlq_stream) ids.push(id);
      else result.not_replayed.push({ id, reason: 'no dlq_stream field: not dead-lettered by Skein' });
    }
    if (ids.length === 0) return;
    const marks = ids.map((id) => keys.deadLetterReplaying(stage, id));
    const taken = (await TAKE.run(command, [dlq, ...marks], [REPLAYING_MS, ...ids])) as Taken[];
    const appending: { id: string; source: string; fields: string[] }[] = [];
    const release: string[] = [];
    taken.forEach(([state, flat], i) => {
      const id = ids[i];
      if (state !== 2) {
        if (reportGone)
          result.not_replayed.push({ id, reason: state === 0 ? GONE : 'being replayed by another request' });
        return;
      }
      release.push(marks[i]);
      const fields = originalFields(flat ?? []);
      const source = fieldsFromArray(flat ?? [])?.dlq_stream;
      if (fields.length === 0 || !source) result.not_replayed.push({ id, reason: 'no original fields' });
      else appending.push({ id, source, fields });
    });
    if (release.length === 0) return;
    const pipeline = command.pipeline();
    for (const { source, fields } of appending) pipeline.xadd(keys.prefixed(source), '*', ...fields);
    const appended = appending.length > 0 ? ((await pipeline.exec()) ?? []) : [];
    const moved: string[] = [];
    appending.forEach(({ id, source }, i) => {
      const error = appended[i]?.[0];
      if (error) result.not_replayed.push({ id, reason: `not appended to ${source}: ${error.message}` });
      else moved.push(id);
    });
    // One slot (the dead-letter stream's): deleted with their marks, atomically.
    const done = command.multi();
    if (moved.length > 0) done.xdel(dlq, ...moved);
    await execOrThrow(done.del(...release).exec());
    result.replayed += moved.length;
    this.metrics.deadLettersReplayed.labels(stage).inc(moved.length);
  }
}

/** A dead letter as the API shows it: the engine's `dlq_*` fields apart from the entry's own (under their names). */
function describe(id: string, all: Fields): DeadLetter {
  const fields = ownFields(all);
  const deliveries = all.dlq_deliveries === undefined ? null : Number(all.dlq_deliveries);
  return {
    id,
    error: all.dlq_error ?? null,
    stream: all.dlq_stream ?? null,
    source_id: all.dlq_id ?? null,
    group: all.dlq_group ?? null,
    deliveries,
    at: all.dlq_at ?? null,
    fields,
  };
}
